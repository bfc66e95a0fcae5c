package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/tracking"
)

// trkRowsPerInsert is how many events one INSERT carries (10 parameters
// each; SQLite allows 32766). Fewer, larger statements cut the per-call
// overhead of the driver; beyond ~100 rows there is no further gain.
const trkRowsPerInsert = 100

const trkInsertColumns = `(object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at)`

// trkInsertSQL returns a multi-row INSERT for n events. OR IGNORE skips
// events already stored (the identity index) and, unlike ON CONFLICT DO
// NOTHING with NOT NULL columns, never needs a statement journal: for bulk
// inserts that journal (a temp file per statement) cost a third of the time.
func trkInsertSQL(n int) string {
	var b strings.Builder
	b.Grow(80 + n*24)
	b.WriteString(`INSERT OR IGNORE INTO tracking_events ` + trkInsertColumns + ` VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`(?,?,?,?,?,?,?,?,?,?)`)
	}
	return b.String()
}

// sqliteWriterPragmas tune the writer connection for bulk ingest: a 256 MB
// page cache keeps the identity index's hot pages in memory (the default
// 2 MB thrashes at millions of events), and temp_store=MEMORY keeps any
// statement journal off disk. They are per connection and harmless to the
// other writers that share it.
const sqliteWriterPragmas = `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`

func (s *Store) appendEventsSQLite(ctx context.Context, events []tracking.Event, order []int32, received time.Time) (int, error) {
	conn, err := s.W.Conn(ctx)
	if err != nil {
		return 0, s.wrap(err, "connect for events")
	}
	defer conn.Close()
	for _, p := range strings.Split(sqliteWriterPragmas, ";") {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return 0, s.wrap(err, "tune writer")
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.wrap(err, "begin events transaction")
	}
	added, err := s.insertEventsSQLite(ctx, tx, events, order, received)
	if err != nil {
		return 0, errors.Join(err, trkRollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return 0, s.wrap(err, "commit events")
	}
	return added, nil
}

func (s *Store) insertEventsSQLite(ctx context.Context, tx *sql.Tx, events []tracking.Event, order []int32, received time.Time) (int, error) {
	rec := received.UTC().UnixMicro()
	var full *sql.Stmt
	if len(order) >= trkRowsPerInsert {
		st, err := tx.PrepareContext(ctx, trkInsertSQL(trkRowsPerInsert))
		if err != nil {
			return 0, s.wrap(err, "prepare event insert")
		}
		defer st.Close()
		full = st
	}
	args := make([]any, 0, trkRowsPerInsert*10)
	added := 0
	exec := func(st *sql.Stmt, args []any) error {
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return s.wrap(err, "insert events")
		}
		n, err := res.RowsAffected()
		added += int(n)
		return err
	}
	for i, k := range order {
		e := &events[k]
		_, off := e.Time.Zone()
		args = append(args, e.Object, string(e.Code), e.Office, e.Time.UnixMicro(), off, e.Source,
			trkNull(e.Reason), trkNull(e.NextOffice), trkNull(e.Signatory), rec)
		if len(args) == cap(args) {
			if err := exec(full, args); err != nil {
				return 0, err
			}
			args = args[:0]
		}
		if i == len(order)-1 && len(args) > 0 {
			st, err := tx.PrepareContext(ctx, trkInsertSQL(len(args)/10))
			if err != nil {
				return 0, s.wrap(err, "prepare event insert")
			}
			err = exec(st, args)
			if cerr := st.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return 0, err
			}
		}
	}
	return added, nil
}

func trkRollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}
