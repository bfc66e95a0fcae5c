package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
)

// TestLedgerAppendOnly checks that the database itself refuses to change or
// delete a ledger entry, whatever code runs against it.
func TestLedgerAppendOnly(t *testing.T) {
	ctx := context.Background()
	stores := map[string]*sqlstore.Store{}
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	stores["sqlite"] = s
	if base := os.Getenv("INTERPOST_TEST_POSTGRES"); base != "" {
		pg := ledgerPostgres(t, base)
		stores["postgres"] = pg
	} else {
		t.Log("PostgreSQL half skipped: set INTERPOST_TEST_POSTGRES to run it")
	}
	for name, s := range stores {
		t.Run(name, func(t *testing.T) {
			posted, err := s.AppendEntries(ctx, []accounting.Entry{{Charge: accounting.Charge{Key: "td/A", Kind: accounting.KindTerminalDues,
				At: time.Now(), Debtor: accounting.Post("CN"), Creditor: accounting.Post("PL"), Amount: decimal.RequireFromString("4.58"), Currency: "XDR", Items: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			seq := posted[0].Seq
			for _, q := range []string{
				fmt.Sprintf("UPDATE ledger_entries SET amount_minor = 0 WHERE seq = %d", seq),
				fmt.Sprintf("DELETE FROM ledger_entries WHERE seq = %d", seq),
			} {
				if _, err := s.W.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: %v, want the append-only trigger to refuse it", q, err)
				}
			}
			es, _, err := s.Entries(ctx, accounting.EntryFilter{})
			if err != nil || len(es) != 1 || es[0].Amount.String() != "4.58" {
				t.Errorf("entries after the attempts: %+v %v", es, err)
			}
		})
	}
}

func ledgerPostgres(t *testing.T, base string) *sqlstore.Store {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	name := fmt.Sprintf("interpost_ledger_%d", time.Now().UnixNano()%1e9)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	url := base
	q := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, q = url[:i], url[i:]
	}
	url = url[:strings.LastIndexByte(url, '/')+1] + name + q
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
