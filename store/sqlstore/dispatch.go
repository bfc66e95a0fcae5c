package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
)

// PutSortPlan implements dispatch.SortPlanStore.
func (s *Store) PutSortPlan(ctx context.Context, p dispatch.SortPlan) (dispatch.SortPlan, error) {
	rules, err := json.Marshal(p.Rules)
	if err != nil {
		return p, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO sort_plans (office, version, updated_at, updated_by, rules) VALUES (?, 1, ?, ?, ?)
			ON CONFLICT (office) DO UPDATE SET version = sort_plans.version + 1, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by, rules = excluded.rules RETURNING version`),
			p.Office, s.t(p.UpdatedAt), p.UpdatedBy, string(rules)).Scan(&p.Version)
	})
	return p, s.wrap(err, "store sort plan of "+p.Office)
}

// SortPlan implements dispatch.SortPlanStore.
func (s *Store) SortPlan(ctx context.Context, office string) (dispatch.SortPlan, error) {
	p := dispatch.SortPlan{Office: office}
	var rules []byte
	err := s.R.QueryRowContext(ctx, s.q(`SELECT version, updated_at, updated_by, rules FROM sort_plans WHERE office = ?`), office).
		Scan(&p.Version, s.scanTime(&p.UpdatedAt), &p.UpdatedBy, &rules)
	if errors.Is(err, sql.ErrNoRows) {
		return p, postal.Errorf(postal.CodeNotFound, "office %s has no sort plan", office)
	}
	if err != nil {
		return p, s.wrap(err, "read sort plan of "+office)
	}
	if err := json.Unmarshal(rules, &p.Rules); err != nil {
		return p, fmt.Errorf("decode sort plan of %s: %w", office, err)
	}
	return p, nil
}

// takeSerials reserves n consecutive serials of a counter row and returns
// the first. The UPSERT locks the row on PostgreSQL, so concurrent
// allocations on several nodes queue; SQLite's single writer does the same.
func (s *Store) takeSerials(ctx context.Context, tx *sql.Tx, table, keyCols string, keys []any, n int) (int, error) {
	placeholders := "?"
	for range keys {
		placeholders += ", ?"
	}
	var last int
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO `+table+` (`+keyCols+`, last_serial) VALUES (`+placeholders+`)
		ON CONFLICT (`+keyCols+`) DO UPDATE SET last_serial = `+table+`.last_serial + excluded.last_serial RETURNING last_serial`),
		append(keys, n)...).Scan(&last)
	if err != nil {
		return 0, s.wrap(err, "take serial from "+table)
	}
	return last - n + 1, nil
}

func (s *Store) dispatchSerials(ctx context.Context, tx *sql.Tx, origin, dest string, year, n int) (int, error) {
	first, err := s.takeSerials(ctx, tx, "dispatch_serials", "origin, destination, year", []any{origin, dest, year}, n)
	if err != nil {
		return 0, err
	}
	if first+n-1 > 9999 {
		return 0, postal.Errorf(postal.CodeUnavailable, "the %d dispatch serials of %s→%s for %d are used up (S8 allows 4 digits)", 9999, origin, dest, year)
	}
	return first, nil
}

// AllocateSerials implements dispatch.DispatchStore.
func (s *Store) AllocateSerials(ctx context.Context, origin, destination string, year, n int) (int, error) {
	var first int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		first, err = s.dispatchSerials(ctx, tx, origin, destination, year, n)
		return err
	})
	return first, err
}

// OpenDispatch implements dispatch.DispatchStore.
func (s *Store) OpenDispatch(ctx context.Context, n dispatch.NewDispatch) (dispatch.Dispatch, error) {
	var d dispatch.Dispatch
	err := s.tx(ctx, func(tx *sql.Tx) error {
		serial, err := s.dispatchSerials(ctx, tx, n.Origin, n.Destination, n.Year, 1)
		if err != nil {
			return err
		}
		id := postal.DispatchID{Origin: n.Origin, Destination: n.Destination, Category: postal.MailCategory(n.Category[0]),
			Subclass: n.Subclass, YearDigit: n.Year % 10, Serial: serial}
		if err := id.Validate(); err != nil {
			return err
		}
		d = dispatch.Dispatch{ID: id.String(), Origin: n.Origin, Destination: n.Destination, Category: n.Category, Subclass: n.Subclass,
			Year: n.Year, Serial: serial, Status: dispatch.StatusOpen, AtOffice: n.Origin, OpenedAt: n.At, OpenedBy: n.By}
		return s.insertDispatch(ctx, tx, d)
	})
	d.Form = dispatch.FormOf(postal.MailCategory(n.Category[0]))
	return d, err
}

func (s *Store) insertDispatch(ctx context.Context, tx *sql.Tx, d dispatch.Dispatch) error {
	var closed any
	if d.ClosedAt != nil {
		closed = s.t(*d.ClosedAt)
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO dispatches (id, origin, destination, category, subclass, year, serial, status, at_office,
		receptacles, items, net_weight_g, gross_weight_g, registered, opened_at, opened_by, closed_at, closed_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.Origin, d.Destination, d.Category, d.Subclass, d.Year, d.Serial, string(d.Status), d.AtOffice,
		d.Receptacles, d.Items, d.NetWeightG, d.GrossWeightG, d.Registered, s.t(d.OpenedAt), d.OpenedBy, closed, d.ClosedBy)
	return s.wrap(err, "store dispatch "+d.ID)
}

const dispatchCols = `id, origin, destination, category, subclass, year, serial, status, at_office, receptacles, items,
	net_weight_g, gross_weight_g, registered, consignment, opened_at, opened_by, closed_at, closed_by, departed_at`

type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanDispatch(row scanner) (dispatch.Dispatch, error) {
	var d dispatch.Dispatch
	var status string
	closed, departed := nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&d.ID, &d.Origin, &d.Destination, &d.Category, &d.Subclass, &d.Year, &d.Serial, &status, &d.AtOffice,
		&d.Receptacles, &d.Items, &d.NetWeightG, &d.GrossWeightG, &d.Registered, &d.Consignment, s.scanTime(&d.OpenedAt), &d.OpenedBy,
		&closed, &d.ClosedBy, &departed)
	if err != nil {
		return d, err
	}
	d.Status = dispatch.Status(status)
	d.Form = dispatch.FormOf(postal.MailCategory(d.Category[0]))
	if closed.Valid {
		d.ClosedAt = &closed.Time
	}
	if departed.Valid {
		d.DepartedAt = &departed.Time
	}
	return d, nil
}

// openTotals fills an open dispatch's totals from its receptacles (they are
// stored on the dispatch when it closes).
func (s *Store) openTotals(ctx context.Context, q querier, d *dispatch.Dispatch) error {
	if d.Status != dispatch.StatusOpen {
		return nil
	}
	var reg int
	err := q.QueryRowContext(ctx, s.q(`SELECT CAST(COALESCE(SUM(items), 0) AS BIGINT), CAST(COALESCE(SUM(net_weight_g), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN status = 'closed' THEN gross_weight_g ELSE 0 END), 0) AS BIGINT),
		COALESCE(MAX(CASE WHEN registered THEN 1 ELSE 0 END), 0) FROM receptacles WHERE dispatch = ?`), d.ID).
		Scan(&d.Items, &d.NetWeightG, &d.GrossWeightG, &reg)
	d.Registered = reg == 1
	return s.wrap(err, "sum receptacles of "+d.ID)
}

// Dispatch implements dispatch.DispatchStore.
func (s *Store) Dispatch(ctx context.Context, id string) (dispatch.Dispatch, error) {
	d, err := s.scanDispatch(s.R.QueryRowContext(ctx, s.q(`SELECT `+dispatchCols+` FROM dispatches WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, postal.Errorf(postal.CodeNotFound, "no dispatch %s", id)
	}
	if err != nil {
		return d, s.wrap(err, "read dispatch "+id)
	}
	return d, s.openTotals(ctx, s.R, &d)
}

// Dispatches implements dispatch.DispatchStore.
func (s *Store) Dispatches(ctx context.Context, f dispatch.DispatchFilter) ([]dispatch.Dispatch, error) {
	query := `SELECT ` + dispatchCols + ` FROM dispatches WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, v string }{{"origin", f.Origin}, {"destination", f.Destination}, {"status", string(f.Status)}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if !f.Since.IsZero() {
		query += ` AND opened_at >= ?`
		args = append(args, s.t(f.Since))
	}
	query += ` ORDER BY opened_at DESC, id DESC LIMIT ?`
	args = append(args, max(f.Limit, 1))
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, "list dispatches")
	}
	var out []dispatch.Dispatch
	for rows.Next() {
		d, err := s.scanDispatch(rows)
		if err != nil {
			rows.Close()
			return nil, s.wrap(err, "read dispatch")
		}
		out = append(out, d)
	}
	if err := rows.Close(); err != nil {
		return nil, s.wrap(err, "list dispatches")
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list dispatches")
	}
	for i := range out {
		if err := s.openTotals(ctx, s.R, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const receptacleCols = `number, dispatch, serial, COALESCE(id, ''), type, status, items, net_weight_g, gross_weight_g,
	registered, last, opened_at, closed_at, closed_by`

func (s *Store) scanReceptacle(row scanner) (dispatch.Receptacle, error) {
	var r dispatch.Receptacle
	var typ, status string
	closed := nullTime{s: s}
	err := row.Scan(&r.Number, &r.Dispatch, &r.Serial, &r.ID, &typ, &status, &r.Items, &r.NetWeightG, &r.GrossWeightG,
		&r.Registered, &r.Last, s.scanTime(&r.OpenedAt), &closed, &r.ClosedBy)
	r.Type, r.Status = dispatch.ReceptacleType(typ), dispatch.Status(status)
	if closed.Valid {
		r.ClosedAt = &closed.Time
	}
	return r, err
}

func (s *Store) receptacle(ctx context.Context, q querier, ref string) (dispatch.Receptacle, error) {
	col := "number"
	if len(ref) == 29 {
		col = "id"
	}
	r, err := s.scanReceptacle(q.QueryRowContext(ctx, s.q(`SELECT `+receptacleCols+` FROM receptacles WHERE `+col+` = ?`), ref))
	if errors.Is(err, sql.ErrNoRows) {
		return r, postal.Errorf(postal.CodeNotFound, "no receptacle %s", ref)
	}
	return r, s.wrap(err, "read receptacle "+ref)
}

// Receptacle implements dispatch.ReceptacleStore.
func (s *Store) Receptacle(ctx context.Context, ref string) (dispatch.Receptacle, error) {
	return s.receptacle(ctx, s.R, ref)
}

// Receptacles implements dispatch.ReceptacleStore.
func (s *Store) Receptacles(ctx context.Context, id string) ([]dispatch.Receptacle, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+receptacleCols+` FROM receptacles WHERE dispatch = ? ORDER BY serial`), id)
	if err != nil {
		return nil, s.wrap(err, "list receptacles")
	}
	defer rows.Close()
	var out []dispatch.Receptacle
	for rows.Next() {
		r, err := s.scanReceptacle(rows)
		if err != nil {
			return nil, s.wrap(err, "read receptacle")
		}
		out = append(out, r)
	}
	return out, s.wrap(rows.Err(), "list receptacles")
}

const itemCols = `item, receptacle, office, weight_g, registered, scanned_at, scanned_by`

func (s *Store) scanItem(row scanner) (dispatch.ScannedItem, error) {
	var it dispatch.ScannedItem
	err := row.Scan(&it.Item, &it.Receptacle, &it.Office, &it.WeightG, &it.Registered, s.scanTime(&it.ScannedAt), &it.ScannedBy)
	return it, err
}

// Contents implements dispatch.ReceptacleStore.
func (s *Store) Contents(ctx context.Context, receptacle string) ([]dispatch.ScannedItem, error) {
	return s.contents(ctx, s.R, receptacle)
}

func (s *Store) contents(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, receptacle string) ([]dispatch.ScannedItem, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT `+itemCols+` FROM receptacle_items WHERE receptacle = ? ORDER BY scanned_at, item`), receptacle)
	if err != nil {
		return nil, s.wrap(err, "list receptacle contents")
	}
	defer rows.Close()
	var out []dispatch.ScannedItem
	for rows.Next() {
		it, err := s.scanItem(rows)
		if err != nil {
			return nil, s.wrap(err, "read receptacle item")
		}
		out = append(out, it)
	}
	return out, s.wrap(rows.Err(), "list receptacle contents")
}

// Scanned implements dispatch.ReceptacleStore.
func (s *Store) Scanned(ctx context.Context, office, item string) (dispatch.ScannedItem, error) {
	it, err := s.scanItem(s.R.QueryRowContext(ctx, s.q(`SELECT `+itemCols+` FROM receptacle_items WHERE office = ? AND item = ?`), office, item))
	if errors.Is(err, sql.ErrNoRows) {
		return it, postal.Errorf(postal.CodeNotFound, "item %s was not scanned at %s", item, office)
	}
	return it, s.wrap(err, "read scan of "+item)
}

// CloseDispatch implements dispatch.DispatchStore.
func (s *Store) CloseDispatch(ctx context.Context, c dispatch.DispatchClose, out dispatch.Outbox) (dispatch.Dispatch, error) {
	var d dispatch.Dispatch
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET status = 'closed', closed_at = ?, closed_by = ?
			WHERE id = ? AND status = 'open' AND receptacles = ?`), s.t(c.At), c.By, c.ID, c.Receptacles)
		if err != nil {
			return s.wrap(err, "close dispatch "+c.ID)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dispatch.ErrChanged
		}
		var open int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM receptacles WHERE dispatch = ? AND status <> 'closed'`), c.ID).Scan(&open); err != nil {
			return s.wrap(err, "count open receptacles")
		}
		if open > 0 {
			return dispatch.ErrChanged
		}
		for number, id := range c.Relabel {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE receptacles SET id = ?, last = ? WHERE number = ?`), id, id[23] == '1', number); err != nil {
				return s.wrap(err, "relabel receptacle "+number)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET
			items = (SELECT COALESCE(SUM(items), 0) FROM receptacles WHERE dispatch = ?),
			net_weight_g = (SELECT COALESCE(SUM(net_weight_g), 0) FROM receptacles WHERE dispatch = ?),
			gross_weight_g = (SELECT COALESCE(SUM(gross_weight_g), 0) FROM receptacles WHERE dispatch = ?),
			registered = EXISTS (SELECT 1 FROM receptacles WHERE dispatch = ? AND registered) WHERE id = ?`),
			c.ID, c.ID, c.ID, c.ID, c.ID); err != nil {
			return s.wrap(err, "total dispatch "+c.ID)
		}
		if err := s.appendOutbox(ctx, tx, c.At, out); err != nil {
			return err
		}
		d, err = s.scanDispatch(tx.QueryRowContext(ctx, s.q(`SELECT `+dispatchCols+` FROM dispatches WHERE id = ?`), c.ID))
		return s.wrap(err, "read dispatch")
	})
	return d, err
}

// CancelDispatch implements dispatch.DispatchStore.
func (s *Store) CancelDispatch(ctx context.Context, id string, at time.Time, by string) (dispatch.Dispatch, error) {
	var d dispatch.Dispatch
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// Receptacles first: a scan in flight holds its receptacle's row,
		// so this waits for it and then sees its item.
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE receptacles SET status = 'cancelled' WHERE dispatch = ? AND status = 'open'`), id); err != nil {
			return s.wrap(err, "cancel receptacles")
		}
		var items int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT CAST(COALESCE(SUM(items), 0) AS BIGINT) FROM receptacles WHERE dispatch = ?`), id).Scan(&items); err != nil {
			return s.wrap(err, "count items")
		}
		if items > 0 {
			return postal.Errorf(postal.CodeConflict, "dispatch %s holds %d items: close it, or take them out, instead of cancelling", id, items)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET status = 'cancelled', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'`),
			s.t(at), by, id)
		if err != nil {
			return s.wrap(err, "cancel dispatch")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return postal.Errorf(postal.CodeConflict, "dispatch %s is not open", id)
		}
		d, err = s.scanDispatch(tx.QueryRowContext(ctx, s.q(`SELECT `+dispatchCols+` FROM dispatches WHERE id = ?`), id))
		return s.wrap(err, "read dispatch")
	})
	return d, err
}

// appendOutbox writes an outbox entry unless it is empty.
func (s *Store) appendOutbox(ctx context.Context, tx *sql.Tx, at time.Time, out dispatch.Outbox) error {
	if len(out.Events) == 0 && len(out.FanOut) == 0 {
		return nil
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO dispatch_outbox (at, body) VALUES (?, ?)`), s.t(at), string(body))
	return s.wrap(err, "write event outbox")
}
