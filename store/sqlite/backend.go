package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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
// Binding a value costs the driver more than SQLite parsing it, so the
// arrival time, the same for the whole call, is written into the statement,
// and "lean" rows — events without reason, next office or signatory, nearly
// all of them — bind 6 values instead of 9.
func trkInsertSQL(n int, lean bool, received int64) string {
	row := `(?,?,?,?,?,?,?,?,?,` + strconv.FormatInt(received, 10) + `)`
	if lean {
		row = `(?,?,?,?,?,?,NULL,NULL,NULL,` + strconv.FormatInt(received, 10) + `)`
	}
	var b strings.Builder
	b.Grow(80 + n*len(row))
	b.WriteString(`INSERT OR IGNORE INTO tracking_events ` + trkInsertColumns + ` VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// sqliteWriterPragmas tune the writer connection for bulk ingest: a 256 MB
// page cache keeps the identity index's hot pages in memory (the default
// 2 MB thrashes at millions of events), and temp_store=MEMORY keeps any
// statement journal off disk. They are per connection and harmless to the
// other writers that share it.
const sqliteWriterPragmas = `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`

// backend is SQLite's sqlstore.Backend.
type backend struct{}

// AppendEvents implements sqlstore.Backend: multi-row INSERT OR IGNORE
// statements on the writer connection, lean rows apart from full ones.
func (backend) AppendEvents(ctx context.Context, w *sql.DB, events []tracking.Event, order []int32, received time.Time) (int, error) {
	conn, err := w.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("connect for events: %w", err)
	}
	defer conn.Close()
	for _, p := range strings.Split(sqliteWriterPragmas, ";") {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return 0, fmt.Errorf("tune writer: %w", err)
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("begin events transaction: %w", err)
	}
	added, err := insertEvents(ctx, tx, events, order, received)
	if err != nil {
		return 0, errors.Join(err, trkRollback(tx))
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit events: %w", err)
	}
	return added, nil
}

func insertEvents(ctx context.Context, tx *sql.Tx, events []tracking.Event, order []int32, received time.Time) (int, error) {
	rec := received.UTC().UnixMicro()
	var lean, full []int32
	for _, k := range order {
		e := &events[k]
		if e.Reason == "" && e.NextOffice == "" && e.Signatory == "" {
			lean = append(lean, k)
		} else {
			full = append(full, k)
		}
	}
	added := 0
	for _, part := range []struct {
		rows []int32
		lean bool
	}{{lean, true}, {full, false}} {
		n, err := insertEventRows(ctx, tx, events, part.rows, part.lean, rec)
		if err != nil {
			return 0, err
		}
		added += n
	}
	return added, nil
}

// insertEventRows inserts events[rows] trkRowsPerInsert at a time. The
// values of each statement — packed ids, boxed integers — are built on
// another goroutine (see eventArgs) while the writer runs the statements:
// the writer's core is the ingest's limit, the other one has room.
func insertEventRows(ctx context.Context, tx *sql.Tx, events []tracking.Event, rows []int32, lean bool, rec int64) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := eventArgs(ctx, events, rows, lean)
	added := 0
	var st *sql.Stmt
	stRows := 0
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	for c := range chunks {
		if st == nil || c.rows != stRows {
			if st != nil {
				st.Close()
			}
			var err error
			if st, err = tx.PrepareContext(ctx, trkInsertSQL(c.rows, lean, rec)); err != nil {
				return 0, fmt.Errorf("prepare event insert: %w", err)
			}
			stRows = c.rows
		}
		res, err := st.ExecContext(ctx, c.args...)
		if err != nil {
			return 0, fmt.Errorf("insert events: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("insert events: %w", err)
		}
		added += int(n)
	}
	return added, ctx.Err()
}

// eventChunk is the bound values of one INSERT of rows events.
type eventChunk struct {
	rows int
	args []any
}

// eventArgs sends the values of events[rows], trkRowsPerInsert events per
// chunk, until done or ctx ends.
func eventArgs(ctx context.Context, events []tracking.Event, rows []int32, lean bool) <-chan eventChunk {
	per := 9
	if lean {
		per = 6
	}
	out := make(chan eventChunk, 64)
	go func() {
		defer close(out)
		for start := 0; start < len(rows); start += trkRowsPerInsert {
			chunk := rows[start:min(len(rows), start+trkRowsPerInsert)]
			args := make([]any, 0, len(chunk)*per)
			for _, k := range chunk {
				e := &events[k]
				_, off := e.Time.Zone()
				args = append(args, objectKey(e.Object), string(e.Code), e.Office, e.Time.UnixMicro(), off, e.Source)
				if !lean {
					args = append(args, trkNull(e.Reason), trkNull(e.NextOffice), trkNull(e.Signatory))
				}
			}
			select {
			case out <- eventChunk{rows: len(chunk), args: args}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func trkRollback(tx *sql.Tx) error {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return err
	}
	return nil
}

// trkNull stores "" as NULL: the optional columns are nearly always empty.
func trkNull(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// TuneBulk implements sqlstore.Backend. A day's scans outgrow the default
// 2 MB page cache, which then spills half-built pages to the WAL again and
// again; the transaction gets 256 MB and restore takes it back.
func (backend) TuneBulk(ctx context.Context, tx *sql.Tx) (func(context.Context) error, error) {
	var prev int
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&prev); err != nil {
		return nil, fmt.Errorf("read cache size: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return nil, fmt.Errorf("grow cache: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = `+strconv.Itoa(prev)); err != nil {
			return fmt.Errorf("restore cache size: %w", err)
		}
		return nil
	}, nil
}

// BeforeProjection implements sqlstore.Backend: the projector's sorts and
// temporary B-trees stay in memory.
func (backend) BeforeProjection(ctx context.Context, w *sql.DB) error {
	_, err := w.ExecContext(ctx, `PRAGMA temp_store = MEMORY`)
	return err
}
