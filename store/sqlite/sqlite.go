// Package sqlite is the embedded default store: SQLite in a data directory,
// through the pure-Go modernc.org/sqlite driver so the binary needs no cgo.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/interpost/interpost/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data directory.
const FileName = "interpost.db"

// Open opens (creating if needed) the database in dir and migrates it.
func Open(ctx context.Context, dir string) (*sqlstore.Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// Pragmas, in this order: WAL so readers never block the writer;
	// synchronous=FULL so a commit is on disk before we answer (an accepted
	// shipment survives a power cut); busy_timeout so a second process (the
	// CLI beside a running server) waits instead of failing; foreign keys on.
	// _txlock=immediate takes the write lock at BEGIN: a deferred transaction
	// that upgrades to a write fails with SQLITE_BUSY_SNAPSHOT at once and
	// ignores busy_timeout.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	// The writer checkpoints the WAL into the database every 25,000 pages
	// (100 MB) instead of SQLite's 1,000: bulk event ingest rewrites the same
	// hot index pages in every transaction, and a checkpoint writes each page
	// once however often it changed — fewer checkpoints, less writing and
	// fsync (+8 % on bench/ingest, docs/benchmarks.md).
	w, err := sql.Open("sqlite", dsn+"&_pragma=wal_autocheckpoint(25000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One writer connection: writers queue in Go rather than in SQLite.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open %s: %w", path, err), w.Close())
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	if err := migrate(ctx, w); err != nil {
		return nil, errors.Join(err, w.Close(), r.Close())
	}
	st := sqlstore.New(w, r, Dialect, backend{})
	if err := errors.Join(st.IndexShipmentTerms(ctx), st.IndexCustomsTerms(ctx), st.IndexOrderTerms(ctx)); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return st, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	// Out-of-order is allowed because migration numbers are allocated per
	// feature (docs/architecture.md) and features land in any order; each
	// feature's migration touches only its own tables.
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate SQLite schema: %w", err)
	}
	return nil
}

// Dialect describes SQLite to sqlstore: ? placeholders, times as INTEGER
// microseconds since the epoch (sortable, exact, no text parsing).
var Dialect = sqlstore.Dialect{
	Name:    "sqlite",
	TimeArg: func(t time.Time) any { return t.UTC().UnixMicro() },
	ScanTime: func(src any) (time.Time, error) {
		v, ok := src.(int64)
		if !ok {
			return time.Time{}, fmt.Errorf("time column holds %T, want INTEGER microseconds", src)
		}
		return time.UnixMicro(v).UTC(), nil
	},
	IsUnique: func(err error) bool {
		var se *sqlite.Error
		if !errors.As(err, &se) {
			return false
		}
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	// No row locks: write transactions start IMMEDIATE on the single
	// writer connection, so they run one at a time.
	LockRows: func(string, bool) string { return "" },
	IsFalse:  func(col string) string { return col + " = 0" },
}

func mustSub(fsys embed.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}
