// Package sqlstore implements the Interpost store over database/sql once for
// both backends. store/sqlite and store/postgres open the database, run their
// migrations and hand over what differs: a Dialect (placeholder style, how
// times are stored, how constraint violations are reported, how rows are
// locked) and a Backend (the bulk and tuning code each runs its own way,
// such as the tracking event writer). Nothing here branches on which
// backend it runs on.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Dialect is how a backend spells SQL and stores values.
type Dialect struct {
	// Name names the backend in messages and Kind.
	Name string
	// Numbered placeholders ($1, $2…) instead of ?: queries are written
	// with ? and rewritten, nothing else depends on it.
	Numbered bool
	// TimeArg turns a time into the value stored; ScanTime reads it back.
	TimeArg  func(time.Time) any
	ScanTime func(src any) (time.Time, error)
	// IsUnique reports whether err is a unique or primary-key violation.
	IsUnique func(error) bool
	// LockRows returns the clause ending a SELECT in a write transaction
	// whose rows the transaction goes on to change, so that concurrent
	// transactions (other nodes) keep off them: of names the tables whose
	// rows to lock ("" for all of them), skip passes over rows another
	// transaction holds instead of waiting for them. A backend whose write
	// transactions run one at a time returns "".
	LockRows func(of string, skip bool) string
	// IsFalse spells the condition "col is false" the way the backend's
	// partial indexes do, so that the planner uses them.
	IsFalse func(col string) string
}

// Backend is the work a backend does its own way: bulk paths where the
// shared one-statement-per-row SQL would be too slow, and tuning of its
// engine for them.
type Backend interface {
	// AppendEvents adds events[order[0]], events[order[1]], … (order is
	// the identity index's order) to tracking_events through the write
	// pool w, skipping events already stored, and returns how many it
	// added. All of them arrived at received.
	AppendEvents(ctx context.Context, w *sql.DB, events []tracking.Event, order []int32, received time.Time) (int, error)
	// EventObject is the value tracking_events.object holds for an object
	// id; ScanEventObject reads a stored value back into the id.
	EventObject(id string) any
	ScanEventObject(src any) (string, error)
	// TuneBulk tunes tx, a write transaction about to store a great many
	// rows (a day's dispatches), and returns what undoes it before the
	// transaction ends.
	TuneBulk(ctx context.Context, tx *sql.Tx) (restore func(context.Context) error, err error)
	// BeforeProjection prepares the write pool w for projecting tracking
	// events into tracked items.
	BeforeProjection(ctx context.Context, w *sql.DB) error
}

// Store is a database/sql-backed store. W takes all writes (for SQLite a
// single connection, so writers queue in Go instead of spinning on
// SQLITE_BUSY); R serves reads.
type Store struct {
	W, R    *sql.DB
	Dialect Dialect
	backend Backend
	// stmts holds statements prepared once on R, keyed by their text with
	// ? placeholders (readStmt); Close releases them.
	stmts sync.Map
	// orders batches concurrent orders on a single-writer store.
	orders orderBatch
}

// New wraps opened databases of the backend that d and b describe.
func New(w, r *sql.DB, d Dialect, b Backend) *Store {
	return &Store{W: w, R: r, Dialect: d, backend: b}
}

// Kind names the backend.
func (s *Store) Kind() string { return s.Dialect.Name }

// Ping checks both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.W.PingContext(ctx); err != nil {
		return postal.Errorf(postal.CodeUnavailable, "%s database is not answering: %w", s.Dialect.Name, err)
	}
	if s.R != s.W {
		if err := s.R.PingContext(ctx); err != nil {
			return postal.Errorf(postal.CodeUnavailable, "%s database is not answering: %w", s.Dialect.Name, err)
		}
	}
	return nil
}

// Close releases the prepared statements and closes both pools.
func (s *Store) Close() error {
	var err error
	s.stmts.Range(func(k, v any) bool {
		s.stmts.Delete(k)
		err = errors.Join(err, v.(*sql.Stmt).Close())
		return true
	})
	for _, st := range s.orders.stmts {
		err = errors.Join(err, st.Close())
	}
	err = errors.Join(err, s.W.Close())
	if s.R != s.W {
		err = errors.Join(err, s.R.Close())
	}
	return err
}

// q rewrites ? placeholders for the dialect. Queries are written with ? and
// contain no literal question marks.
func (s *Store) q(query string) string {
	if !s.Dialect.Numbered {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// tx runs fn in a write transaction, committing if fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.W.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin transaction")
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, rbErr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(err, "commit")
	}
	return nil
}

// connTx is tx on a connection held for the transaction, so a Copier
// backend can COPY into the same transaction.
func (s *Store) connTx(ctx context.Context, fn func(*sql.Conn, *sql.Tx) error) error {
	conn, err := s.W.Conn(ctx)
	if err != nil {
		return s.wrap(err, "connect")
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap(err, "begin transaction")
	}
	if err := fn(conn, tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, rbErr)
		}
		return err
	}
	return s.wrap(tx.Commit(), "commit")
}

// wrap classifies a driver error: unique violations become conflicts, a
// cancelled context stays recognisable, anything else is internal.
func (s *Store) wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case s.Dialect.IsUnique(err):
		return postal.Errorf(postal.CodeConflict, "%s: already exists: %w", what, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", what, err)
	}
	var pe *postal.Error
	if errors.As(err, &pe) {
		return err
	}
	return &postal.Error{Code: postal.CodeInternal, Message: what + ": " + err.Error(), Err: err}
}

func (s *Store) t(t time.Time) any { return s.Dialect.TimeArg(t) }

// nullTime reads a nullable time column.
type nullTime struct {
	s     *Store
	Time  time.Time
	Valid bool
}

func (n *nullTime) Scan(src any) error {
	if src == nil {
		n.Time, n.Valid = time.Time{}, false
		return nil
	}
	t, err := n.s.Dialect.ScanTime(src)
	if err != nil {
		return err
	}
	n.Time, n.Valid = t, true
	return nil
}

func (s *Store) scanTime(dst *time.Time) sql.Scanner {
	return timeScanner{s: s, dst: dst}
}

type timeScanner struct {
	s   *Store
	dst *time.Time
}

func (ts timeScanner) Scan(src any) error {
	if src == nil {
		return errors.New("unexpected NULL time")
	}
	t, err := ts.s.Dialect.ScanTime(src)
	if err != nil {
		return err
	}
	*ts.dst = t
	return nil
}
