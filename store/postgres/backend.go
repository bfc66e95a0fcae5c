package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/interpost/interpost/tracking"
)

// trkEventLock is the advisory lock every writer of tracking_events holds
// from its INSERT to its commit. It makes seq order commit order across
// nodes, so the projector can follow seq without skipping a batch that was
// numbered earlier but committed later. Only the INSERT … SELECT from the
// staging table runs under it; the COPY before it runs in parallel.
const trkEventLock int64 = 0x74726b657674 // "trkevt"

// backend is PostgreSQL's sqlstore.Backend.
type backend struct{}

// AppendEvents copies the events into a session-local staging table with
// COPY, then moves the new ones into tracking_events with INSERT … ON
// CONFLICT DO NOTHING: duplicates (in the batch or already stored) are
// skipped by the identity index, and the row count is the number added.
func (backend) AppendEvents(ctx context.Context, w *sql.DB, events []tracking.Event, order []int32, received time.Time) (int, error) {
	conn, err := w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("connect for events: %w", err)
	}
	defer conn.Close()
	added := 0
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("PostgreSQL connection is %T, want pgx", dc)
		}
		pc := sc.Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		n, err := copyEvents(ctx, tx, events, order, received)
		if err != nil {
			return errors.Join(err, tx.Rollback(ctx))
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		added = n
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

func copyEvents(ctx context.Context, tx pgx.Tx, events []tracking.Event, order []int32, received time.Time) (int, error) {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS tracking_events_in (
		object text, code text, office text, time timestamptz, tz_offset int,
		source text, reason text, next_office text, signatory text) ON COMMIT DELETE ROWS`); err != nil {
		return 0, err
	}
	cols := []string{"object", "code", "office", "time", "tz_offset", "source", "reason", "next_office", "signatory"}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"tracking_events_in"}, cols, pgx.CopyFromSlice(len(order), func(i int) ([]any, error) {
		e := &events[order[i]]
		_, off := e.Time.Zone()
		return []any{e.Object, string(e.Code), e.Office, e.Time.UTC(), off, e.Source,
			trkNull(e.Reason), trkNull(e.NextOffice), trkNull(e.Signatory)}, nil
	}))
	if err != nil {
		return 0, fmt.Errorf("copy events: %w", err)
	}
	// The rows were copied in storage order (object, time), so a scan of
	// the fresh staging table returns them in index order without a sort
	// under the lock (a temporary table is never scanned synchronised).
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, trkEventLock); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO tracking_events (object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at)
		SELECT object, code, office, time, tz_offset, source, reason, next_office, signatory, $1 FROM tracking_events_in
		ON CONFLICT DO NOTHING`, received.UTC())
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// trkNull stores "" as NULL: the optional columns are nearly always empty.
func trkNull(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// EventObject implements sqlstore.Backend: PostgreSQL keeps the id as text.
func (backend) EventObject(id string) any { return id }

// ScanEventObject implements sqlstore.Backend.
func (backend) ScanEventObject(src any) (string, error) {
	switch v := src.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("object column holds %T", src)
}

// TuneBulk implements sqlstore.Backend: PostgreSQL needs no tuning.
func (backend) TuneBulk(context.Context, *sql.Tx) (func(context.Context) error, error) {
	return func(context.Context) error { return nil }, nil
}

// BeforeProjection implements sqlstore.Backend: PostgreSQL needs nothing.
func (backend) BeforeProjection(context.Context, *sql.DB) error { return nil }

// CopyFrom implements sqlstore.Copier: COPY of rows into table on conn, in
// the transaction open on it.
func (backend) CopyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("PostgreSQL connection is %T, want pgx", dc)
		}
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}
