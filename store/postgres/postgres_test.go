package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/storetest"
)

var dbSeq atomic.Int64

// TestContract runs the store contract on a fresh database per case, created
// on the server INTERPOST_TEST_POSTGRES names.
func TestContract(t *testing.T) {
	base := os.Getenv("INTERPOST_TEST_POSTGRES")
	if base == "" {
		t.Skip("SKIPPED: PostgreSQL store contract not run: set INTERPOST_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	storetest.Run(t, func(t *testing.T) func() store.Store {
		name := fmt.Sprintf("interpost_test_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
		if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("create test database: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
				t.Logf("drop %s: %v", name, err)
			}
		})
		url := withDatabase(base, name)
		return func() store.Store {
			s, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			return s
		}
	})
}

// withDatabase replaces the database name in a postgres:// URL.
func withDatabase(url, db string) string {
	q := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, q = url[:i], url[i:]
	}
	i := strings.LastIndexByte(url, '/')
	if i < len("postgres://") {
		return url + "/" + db + q
	}
	return url[:i+1] + db + q
}
