package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/store/postgres"
)

// TestDumpRestore checks the backup procedure of docs/operations.md: a
// database dumped with `pg_dump -Fc` while Interpost has it open and
// restored with `pg_restore --no-owner --exit-on-error` into an empty
// database opens as the same store at the same schema version, with the
// same offices, keys and S10 series.
func TestDumpRestore(t *testing.T) {
	base := os.Getenv("INTERPOST_TEST_POSTGRES")
	if base == "" {
		t.Skip("SKIPPED: PostgreSQL dump/restore not run: set INTERPOST_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED: PostgreSQL dump/restore not run: %s is not installed (apt-get install postgresql-client)", tool)
		}
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	fresh := func() string {
		name := fmt.Sprintf("interpost_restore_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("create test database: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				t.Logf("drop %s: %v", name, err)
			}
		})
		return withDatabase(base, name)
	}

	src := fresh()
	st, err := postgres.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	offices, err := demo.Offices()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutOffices(ctx, offices); err != nil {
		t.Fatal(err)
	}
	k, _, err := auth.NewKey(auth.RoleAdmin, "", "", nil, "restore test", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := st.AllocateS10(ctx, []string{"EA"}, "CN"); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, src)

	dump := filepath.Join(t.TempDir(), "interpost.dump")
	if out, err := exec.Command("pg_dump", "-Fc", "-f", dump, "--dbname", src).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	dst := fresh()
	if out, err := exec.Command("pg_restore", "--no-owner", "--exit-on-error", "--dbname", dst, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	restored, err := postgres.Open(ctx, dst) // runs migrations: none is due
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	after := snapshot(t, dst)
	if before != after {
		t.Errorf("restored database differs:\n before %s\n after  %s", before, after)
	}
	got, err := restored.Offices(ctx)
	if err != nil || len(got) != len(offices) {
		t.Errorf("restored offices: %d of %d (%v)", len(got), len(offices), err)
	}
	t.Logf("dumped and restored: %s", after)
}

// snapshot sums up what a backup must carry.
func snapshot(t *testing.T, url string) string {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version, offices, keys, serials int64
	err = db.QueryRow(`SELECT (SELECT max(version_id) FROM goose_db_version WHERE is_applied),
		(SELECT count(*) FROM offices), (SELECT count(*) FROM api_keys),
		(SELECT coalesce(sum(next_serial), 0) FROM s10_series)`).Scan(&version, &offices, &keys, &serials)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("schema version %d, %d offices, %d keys, next S10 serial %d", version, offices, keys, serials)
}
