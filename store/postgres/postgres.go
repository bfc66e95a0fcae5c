// Package postgres is the shared store for several Interpost nodes:
// PostgreSQL through pgx. It serves the same contract as store/sqlite.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/interpost/interpost/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at url and migrates it. Several nodes may
// start at once: migrations run under a PostgreSQL advisory lock.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL %s: %w", redact(url), err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		return nil, errors.Join(fmt.Errorf("connect to PostgreSQL %s: %w", redact(url), err), db.Close())
	}
	if err := migrate(ctx, db); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	st := sqlstore.New(db, db, Dialect, backend{})
	// Safe on several nodes at once: the terms insert ignores duplicates.
	if err := errors.Join(st.IndexShipmentTerms(ctx), st.IndexCustomsTerms(ctx), st.IndexOrderTerms(ctx)); err != nil {
		return nil, errors.Join(err, st.Close())
	}
	return st, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	// Out-of-order is allowed because migration numbers are allocated per
	// feature (docs/architecture.md) and features land in any order; each
	// feature's migration touches only its own tables.
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate PostgreSQL schema: %w", err)
	}
	return nil
}

// redact hides a password in a URL for messages.
func redact(url string) string {
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		return "(unparsable URL)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// Dialect describes PostgreSQL to sqlstore.
var Dialect = sqlstore.Dialect{
	Name:     "postgres",
	Numbered: true,
	TimeArg:  func(t time.Time) any { return t.UTC() },
	ScanTime: func(src any) (time.Time, error) {
		t, ok := src.(time.Time)
		if !ok {
			return time.Time{}, fmt.Errorf("time column holds %T, want timestamptz", src)
		}
		return t.UTC(), nil
	},
	IsUnique: func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "23505"
	},
	// Several nodes write at once: rows about to change are locked, and
	// workers claiming jobs skip the rows another node holds.
	LockRows: func(of string, skip bool) string {
		c := " FOR UPDATE"
		if of != "" {
			c += " OF " + of
		}
		if skip {
			c += " SKIP LOCKED"
		}
		return c
	},
	IsFalse: func(col string) string { return "NOT " + col },
}
