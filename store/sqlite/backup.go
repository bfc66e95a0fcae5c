package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SchemaVersion is the highest migration this binary applies: a database
// at another version was written by another Interpost release.
func SchemaVersion() int64 {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		panic(err) // embedded at build time
	}
	var v int64
	for _, e := range entries {
		n, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err == nil && n > v {
			v = n
		}
	}
	return v
}

// Backup copies the database in dir to the file dst (which must not exist)
// while other connections, of this process or another (a running server),
// go on writing. It runs VACUUM INTO on a connection of its own: the copy
// is made inside one read transaction, so it is the database as of one
// commit — WAL lets writers continue meanwhile, and the copy is compacted.
// (SQLite's online backup API restarts whenever another connection
// writes, so under a steady write load it may never finish; see
// TestBackupWhileWriting.) It returns the schema version of the copy.
func Backup(ctx context.Context, dir, dst string) (int64, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("no database to back up in %s: %w", dir, err)
	}
	// Not query_only: VACUUM INTO writes the new file (never the source).
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	// VACUUM INTO cannot run inside a transaction of ours; it makes its
	// own read transaction. The version is read from the copy, so it is
	// the version of what was copied.
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return 0, fmt.Errorf("back up %s into %s: %w", path, dst, err)
	}
	v, err := DatabaseVersion(ctx, dst)
	if err != nil {
		return 0, err
	}
	return v, nil
}

// DatabaseVersion reads the schema version of the database file path
// without migrating it.
func DatabaseVersion(ctx context.Context, path string) (int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	return schemaVersionOf(ctx, db)
}

// Check runs SQLite's integrity check on the database file path.
func Check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("check %s: %.200s", path, res)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func schemaVersionOf(ctx context.Context, q querier) (int64, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if n == 0 {
		return 0, errors.New("not an Interpost database: it has no migration table")
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v.Int64, nil
}
