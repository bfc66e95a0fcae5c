package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/interpost/interpost/dispatch"
)

// SaveDispatches implements dispatch.DispatchStore: one transaction,
// multi-row INSERTs through statements prepared once per shape. A million
// items cost a million rows, so the per-statement overhead of the driver
// is what this avoids (see docs/benchmarks.md, peak day).
func (s *Store) SaveDispatches(ctx context.Context, b []dispatch.PackedDispatch, out []dispatch.Outbox) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		restore, err := s.backend.TuneBulk(ctx, tx)
		if err != nil {
			return s.wrap(err, "tune for bulk write")
		}
		err = s.saveDispatches(ctx, tx, b, out)
		if rerr := restore(context.WithoutCancel(ctx)); rerr != nil && err == nil {
			err = s.wrap(rerr, "undo bulk tuning")
		}
		return err
	})
}

func (s *Store) saveDispatches(ctx context.Context, tx *sql.Tx, b []dispatch.PackedDispatch, out []dispatch.Outbox) error {
	ds := make([]dispatch.Dispatch, len(b))
	nr, ni := 0, 0
	for _, p := range b {
		nr += len(p.Receptacles)
		for _, r := range p.Receptacles {
			ni += len(r.Items)
		}
	}
	rs := make([]dispatch.Receptacle, 0, nr)
	items := make([]*dispatch.ScannedItem, 0, ni)
	for i, p := range b {
		ds[i] = p.Dispatch
		for _, r := range p.Receptacles {
			rs = append(rs, r.Receptacle)
			for j := range r.Items {
				items = append(items, &r.Items[j])
			}
		}
	}
	// Rows go in in primary-key order: the table is its key (WITHOUT
	// ROWID on SQLite), so sorted inserts append to pages instead of
	// splitting them all over the tree.
	slices.SortFunc(items, func(x, y *dispatch.ScannedItem) int {
		return cmp.Or(cmp.Compare(x.Office, y.Office), cmp.Compare(x.Item, y.Item))
	})
	err := s.bulkInsert(ctx, tx, "dispatches", []string{"id", "origin", "destination", "category", "subclass", "year", "serial", "status",
		"at_office", "receptacles", "items", "net_weight_g", "gross_weight_g", "registered", "opened_at", "opened_by", "closed_at", "closed_by"},
		len(ds), 50, func(i int, a []any) []any {
			d := ds[i]
			var closed any
			if d.ClosedAt != nil {
				closed = s.t(*d.ClosedAt)
			}
			return append(a, d.ID, d.Origin, d.Destination, d.Category, d.Subclass, d.Year, d.Serial, string(d.Status), d.AtOffice,
				d.Receptacles, d.Items, d.NetWeightG, d.GrossWeightG, d.Registered, s.t(d.OpenedAt), d.OpenedBy, closed, d.ClosedBy)
		})
	if err != nil {
		return s.wrap(err, "store dispatches")
	}
	err = s.bulkInsert(ctx, tx, "receptacles", []string{"number", "dispatch", "serial", "id", "type", "status", "items", "net_weight_g",
		"gross_weight_g", "registered", "last", "opened_at", "closed_at", "closed_by"},
		len(rs), 200, func(i int, a []any) []any {
			r := rs[i]
			var closed any
			if r.ClosedAt != nil {
				closed = s.t(*r.ClosedAt)
			}
			return append(a, r.Number, r.Dispatch, r.Serial, r.ID, string(r.Type), string(r.Status), r.Items, r.NetWeightG,
				r.GrossWeightG, r.Registered, r.Last, s.t(r.OpenedAt), closed, r.ClosedBy)
		})
	if err != nil {
		return s.wrap(err, "store receptacles")
	}
	err = s.bulkInsert(ctx, tx, "receptacle_items", []string{"office", "item", "receptacle", "weight_g", "registered", "scanned_at", "scanned_by"},
		len(items), 500, func(i int, a []any) []any {
			it := items[i]
			return append(a, it.Office, it.Item, it.Receptacle, it.WeightG, it.Registered, s.t(it.ScannedAt), it.ScannedBy)
		})
	if err != nil {
		return s.wrap(err, "store receptacle items")
	}
	for _, o := range out {
		at := b[0].Dispatch.OpenedAt
		if len(o.Events) > 0 {
			at = o.Events[0].Time
		}
		if err := s.appendOutbox(ctx, tx, at, o); err != nil {
			return err
		}
	}
	return nil
}

// bulkInsert inserts n rows perStmt at a time; row appends row i's values
// to a and returns it.
func (s *Store) bulkInsert(ctx context.Context, tx *sql.Tx, table string, cols []string, n, perStmt int, row func(i int, a []any) []any) error {
	return s.bulkUpsert(ctx, tx, table, cols, "", n, perStmt, row)
}

// bulkUpsert is bulkInsert with an ON CONFLICT clause (onConflict) after
// each statement's rows. Rows of one statement must not share a key when
// the clause updates (PostgreSQL refuses to update a row twice).
func (s *Store) bulkUpsert(ctx context.Context, tx *sql.Tx, table string, cols []string, onConflict string, n, perStmt int, row func(i int, a []any) []any) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, perStmt*len(cols))
	for start := 0; start < n; start += perStmt {
		k := min(perStmt, n-start)
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = row(i, args)
		}
		query := s.q(insertSQL(table, cols, k) + onConflict)
		if k == perStmt {
			if full == nil {
				var err error
				if full, err = tx.PrepareContext(ctx, query); err != nil {
					return err
				}
			}
			if _, err := full.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// bulkRows is a good rows-per-statement for bulkUpsert on hot paths: a
// statement of a few dozen rows costs little to parse and is prepared once
// per call, where one of 500 rows costs as much to parse as to run.
const bulkRows = 64

func insertSQL(table string, cols []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	one := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}
