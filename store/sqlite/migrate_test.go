package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/store/sqlstore"
)

// TestObjectKeyMigration stores events the way version 7 did (object as
// text), migrates to the packed form and back, and checks every id reads
// back the same through the store.
func TestObjectKeyMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	ids := []string{"AA000000000AA", "EE123456785CN", "LA000000017DE", "ZZ999999999ZZ", "CNPEKAPLWAWAAUN61001001000100", "CNPEKAPLWAWAAUN61001"}
	for i, id := range ids {
		if _, err := db.ExecContext(ctx, `INSERT INTO tracking_events (object, code, office, time, tz_offset, source, received_at)
			VALUES (?, 'EMA', 'CNXMNA', ?, 28800, 'post', 0)`, id, int64(i)*1e6); err != nil {
			t.Fatal(err)
		}
	}
	ints := func() int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM tracking_events WHERE typeof(object) = 'integer'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, err := p.UpTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	if n := ints(); n != 4 {
		t.Fatalf("%d S10 ids packed, want 4", n)
	}
	st := sqlstore.New(db, db, Dialect, backend{})
	for _, id := range ids {
		got, err := st.EventsOf(ctx, id)
		if err != nil || len(got) != 1 || got[0].Object != id {
			t.Fatalf("EventsOf(%s) after the migration = %+v, %v", id, got, err)
		}
	}
	if _, err := p.DownTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if n := ints(); n != 0 {
		t.Fatalf("%d packed ids left after going down, want 0", n)
	}
	rows, err := db.QueryContext(ctx, `SELECT object FROM tracking_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var back []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			t.Fatal(err)
		}
		back = append(back, o)
	}
	if !slices.Equal(back, ids) {
		t.Fatalf("after going down: %q, want %q", back, ids)
	}
}

// TestLifecycleMigration: version 11 renames stored statuses to the
// lifecycle's, in items and subscriptions, and copies them onto shipments.
func TestLifecycleMigration(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), FileName)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO merchants (code, name, office, country, created_at) VALUES ('ACME', 'Acme', 'CNXMNA', 'CN', 0)`,
		`INSERT INTO shipments (id, merchant, product, status, dest_country, weight_g, created_at, body) VALUES ('EE123456785CN', 'ACME', 'ems', 'created', 'PL', 1, 0, '{}')`,
		`INSERT INTO tracking_items (object, kind, merchant, status, final, last_code, last_office, last_time, events, updated_at)
			VALUES ('EE123456785CN', 'item', 'ACME', 'held_customs', 0, 'EME', 'PLWAWA', 0, 3, 0),
			       ('LX000000005PL', 'item', '', 'import_terminated', 1, 'EDX', 'PLWAWA', 0, 1, 0)`,
		`INSERT INTO webhook_subscriptions (id, merchant, url, secret, statuses, created_at) VALUES ('whs_1', 'ACME', 'https://x', 's', 'held_customs,delivered,import_customs', 0)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.UpTo(ctx, 11); err != nil {
		t.Fatal(err)
	}
	var sh, item, term, subs string
	err = db.QueryRowContext(ctx, `SELECT (SELECT status FROM shipments), (SELECT status FROM tracking_items WHERE object = 'EE123456785CN'),
		(SELECT status || final FROM tracking_items WHERE object = 'LX000000005PL'), (SELECT statuses FROM webhook_subscriptions)`).Scan(&sh, &item, &term, &subs)
	if err != nil {
		t.Fatal(err)
	}
	if sh != "import_customs_held" || item != "import_customs_held" || term != "returned1" || subs != "import_customs_held,delivered,import_customs_held" {
		t.Errorf("after 11: shipment %s, item %s, terminated %s, subscription %q", sh, item, term, subs)
	}
	if _, err := p.DownTo(ctx, 10); err != nil {
		t.Fatal(err)
	}
}

// TestListsMigration: version 23 gives the shipments stored before it a
// status time, their counts and, when the store opens, their search terms.
func TestListsMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName)+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"), goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO merchants (code, name, office, country, created_at) VALUES ('ACME', 'Acme', 'CNXMNA', 'CN', 0)`,
		`INSERT INTO shipments (id, merchant, merchant_ref, product, status, dest_country, weight_g, created_at, body)
			VALUES ('EE123456785CN', 'ACME', 'ORD-1', 'ems', 'created', 'RU', 1, 1000,
			'{"id":"EE123456785CN","merchant":"ACME","merchant_ref":"ORD-1","addressee":{"name":"Иван Петров","name_latin":"Ivan Petrov","country":"RU"}}')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, dir) // migrates to the end and indexes the old shipment
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, q := range []string{"petr", "ivanp", "ord1", "ee1234"} {
		got, _, err := st.Shipments(ctx, acceptance.Filter{Search: q, Sort: "-created", Limit: 5})
		if err != nil || len(got) != 1 {
			t.Errorf("search %q after the migration = %v, %v", q, got, err)
		}
	}
	for _, f := range []acceptance.Filter{{Search: "petr", Merchant: "ACME"}, {Search: "petr", Destination: "RU"}} {
		f.Sort, f.Limit = "-created", 5
		if got, _, err := st.Shipments(ctx, f); err != nil || len(got) != 1 {
			t.Errorf("search %+v after the migration = %v, %v", f, got, err)
		}
	}
	n, exact, err := st.CountMatching(ctx, acceptance.Filter{Merchant: "ACME"}, 10)
	if err != nil || n != 1 || !exact {
		t.Errorf("count after the migration = %d, %v, %v", n, exact, err)
	}
	got, _, err := st.Shipments(ctx, acceptance.Filter{StuckBefore: time.Unix(2, 0), Sort: "-created", Limit: 5})
	if err != nil || len(got) != 1 {
		t.Errorf("stuck since creation = %v, %v", got, err)
	}
}
