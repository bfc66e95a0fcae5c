package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sqlitedrv "modernc.org/sqlite"

	"github.com/interpost/interpost/store/sqlite"
)

// TestBackupWhileWriting backs up a database while another connection
// commits transactions of two rows each, and checks that the copy passes
// SQLite's integrity check, carries the schema version, and holds whole
// transactions only (an even number of rows). It also runs SQLite's
// online backup API under the same load and logs how it fared (SQLite
// restarts it from the first page when another connection writes between
// steps).
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(dir, sqlite.FileName)
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`CREATE TABLE pairs (id INTEGER PRIMARY KEY, pad TEXT)`); err != nil {
		t.Fatal(err)
	}
	var commits atomic.Int64
	write := func(ctx context.Context) {
		for ctx.Err() == nil {
			tx, err := w.Begin()
			if err != nil {
				t.Error(err)
				return
			}
			for range 2 {
				if _, err := tx.Exec(`INSERT INTO pairs (pad) VALUES (randomblob(200))`); err != nil {
					t.Error(err)
					return
				}
			}
			if err := tx.Commit(); err != nil {
				t.Error(err)
				return
			}
			commits.Add(1)
		}
	}
	// Some data first, so a copy takes a while.
	if _, err := w.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) INSERT INTO pairs (pad) SELECT randomblob(200) FROM n`); err != nil {
		t.Fatal(err)
	}
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { write(wctx) })

	for i := range 3 {
		before := commits.Load()
		dst := filepath.Join(t.TempDir(), "copy.db")
		started := time.Now()
		v, err := sqlite.Backup(ctx, dir, dst)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(started)
		if v != sqlite.SchemaVersion() {
			t.Errorf("backup schema version %d, want %d", v, sqlite.SchemaVersion())
		}
		if err := sqlite.Check(ctx, dst); err != nil {
			t.Fatal(err)
		}
		c, err := sql.Open("sqlite", "file:"+dst+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRow(`SELECT count(*) FROM pairs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if n%2 != 0 || n < 6000 {
			t.Errorf("copy %d holds %d rows: not whole transactions", i, n)
		}
		t.Logf("VACUUM INTO copy %d: %d rows in %s while %d transactions committed", i, n, took.Round(time.Millisecond), commits.Load()-before)
	}
	if commits.Load() == 0 {
		t.Fatal("the writer committed nothing during the backups")
	}

	// The backup API, stepping 50 pages at a time, under the same load.
	conn, err := w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A separate reader connection is the source, so the writer's commits
	// come from "another connection".
	r, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	conn.Close()
	rc, err := r.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	dst := filepath.Join(t.TempDir(), "api.db")
	steps, done := 0, false
	deadline := time.Now().Add(3 * time.Second)
	err = rc.Raw(func(dc any) error {
		b, err := dc.(interface {
			NewBackup(string) (*sqlitedrv.Backup, error)
		}).NewBackup(dst)
		if err != nil {
			return err
		}
		for !done && time.Now().Before(deadline) {
			more, err := b.Step(50)
			if err != nil {
				return err
			}
			steps++
			done = !more
			time.Sleep(time.Millisecond) // let the writer in between steps, as an online backup does
		}
		return b.Finish()
	})
	stop()
	wg.Wait()
	if err != nil {
		t.Logf("backup API under load: %v", err)
	}
	apiRows := -1
	if done {
		if err := sqlite.Check(ctx, dst); err != nil {
			t.Errorf("backup API copy: %v", err)
		}
		c, err := sql.Open("sqlite", "file:"+dst+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRow(`SELECT count(*) FROM pairs`).Scan(&apiRows); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	t.Logf("backup API under load (50 pages a step): finished %v after %d steps (%d rows)", done, steps, apiRows)
}
