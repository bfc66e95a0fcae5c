package bulk_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/store/sqlite"
)

var clock = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*bulk.Service, *app.App) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if err := st.PutOffices(ctx, []network.Office{{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1,
		TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"XMTEA", "OTHER"} {
		if err := st.PutMerchant(ctx, acceptance.Merchant{Code: m, Name: m, Office: "CNXMNA", Country: "CN", CreatedAt: clock}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := app.New(ctx, st, app.Options{Country: "CN", Now: func() time.Time { return clock }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a.Uploads, a
}

var (
	merchant = auth.Principal{Role: auth.RoleMerchant, Merchant: "XMTEA"}
	admin    = auth.Principal{Role: auth.RoleAdmin}
)

// withBadRow is sample(4) with the third data row's addressee country wrong.
func withBadRow(t *testing.T) []byte {
	lines := strings.Split(string(sample(t, 4)), "\n")
	lines[3] = strings.Replace(lines[3], ",FR,", ",XX,", 1)
	return []byte(strings.Join(lines, "\n"))
}

func count(t *testing.T, a *app.App) int {
	t.Helper()
	items, _, err := a.Acceptance.List(context.Background(), admin, "", time.Time{}, 500, "")
	if err != nil {
		t.Fatal(err)
	}
	return len(items)
}

func TestUploadAllOrNothing(t *testing.T) {
	t.Parallel()
	svc, a := newService(t)
	ctx := context.Background()
	j, created, err := svc.Run(ctx, merchant, "", "day.csv", withBadRow(t), bulk.ModeAll, nil)
	if err != nil || !created {
		t.Fatal(err, created)
	}
	if j.Status != bulk.StatusRejected || j.Errors != 1 || j.Stored != 0 || j.Rows != 4 || j.Done != 4 {
		t.Fatalf("job = %+v", j)
	}
	if n := count(t, a); n != 0 {
		t.Fatalf("%d shipments stored in all-or-nothing mode with a bad row", n)
	}
	rows, err := svc.Results(ctx, merchant, j.ID, 0, 10)
	if err != nil || len(rows) != 4 {
		t.Fatal(rows, err)
	}
	bad := rows[2]
	if bad.Row != 4 || bad.Status != bulk.RowInvalid || len(bad.Problems) != 1 || bad.Problems[0].Column != "addressee_country" ||
		!strings.Contains(bad.Problems[0].Reason, `"XX" is not an ISO 3166-1`) {
		t.Errorf("bad row = %+v", bad)
	}
	if rows[0].Status != bulk.RowNotStored {
		t.Errorf("good row in a rejected upload = %+v", rows[0])
	}

	// The same file again with mode valid runs the job again, storing the rest.
	j2, created, err := svc.Run(ctx, merchant, "", "day.csv", withBadRow(t), bulk.ModeValid, nil)
	if err != nil || !created || j2.ID != j.ID {
		t.Fatal(j2, created, err)
	}
	if j2.Status != bulk.StatusDone || j2.Stored != 3 || j2.Errors != 1 || count(t, a) != 3 {
		t.Fatalf("valid mode: %+v, %d stored", j2, count(t, a))
	}
	// And once more: the same job, nothing new.
	if j3, created, err := svc.Run(ctx, merchant, "", "day.csv", withBadRow(t), bulk.ModeValid, nil); err != nil || created || j3.ID != j.ID {
		t.Fatal(j3, created, err)
	}
	shs, err := svc.Shipments(ctx, merchant, j.ID)
	if err != nil || len(shs) != 3 || shs[0].MerchantRef != "T-000001" || shs[2].MerchantRef != "T-000004" {
		t.Fatalf("shipments in file order: %v %v", shs, err)
	}
	// A merchant sees only its own uploads.
	if _, err := svc.Get(ctx, auth.Principal{Role: auth.RoleMerchant, Merchant: "OTHER"}, j.ID); err == nil {
		t.Error("another merchant read the upload")
	}
}

func TestUploadReplaysMerchantRefs(t *testing.T) {
	t.Parallel()
	svc, a := newService(t)
	ctx := context.Background()
	if j, _, err := svc.Run(ctx, admin, "XMTEA", "a.csv", sample(t, 3), bulk.ModeAll, nil); err != nil || j.Stored != 3 {
		t.Fatal(j, err)
	}
	// Another file (one more row) with the same references: replayed.
	var calls int
	j, _, err := svc.Run(ctx, admin, "XMTEA", "b.csv", sample(t, 5), bulk.ModeAll, func(done, all int) { calls++ })
	if err != nil || j.Stored != 2 || j.Replayed != 3 || j.Status != bulk.StatusDone || calls == 0 {
		t.Fatalf("job = %+v, %v, %d progress calls", j, err, calls)
	}
	if n := count(t, a); n != 5 {
		t.Fatalf("%d shipments, want 5", n)
	}
	// A reference reused with other data is reported on its row.
	changed := strings.Replace(string(sample(t, 1)), "Jonas Müller", "Jonas Meier", 1)
	j, _, err = svc.Run(ctx, admin, "XMTEA", "c.csv", []byte(changed), bulk.ModeValid, nil)
	if err != nil || j.Errors != 1 || j.Stored != 0 {
		t.Fatalf("job = %+v, %v", j, err)
	}
	rows, _ := svc.Results(ctx, admin, j.ID, 0, 10)
	if len(rows) != 1 || rows[0].Problems[0].Column != "merchant_ref" {
		t.Errorf("rows = %+v", rows)
	}
	// Admins must name the merchant.
	if _, _, err := svc.Run(ctx, admin, "", "d.csv", sample(t, 1), bulk.ModeAll, nil); err == nil || !strings.Contains(err.Error(), "merchant") {
		t.Errorf("admin without merchant: %v", err)
	}
}

func TestUploadInBackground(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	ctx := context.Background()
	j, created, err := svc.Start(ctx, merchant, "", "bg.csv", sample(t, 50), bulk.ModeAll)
	if err != nil || !created || j.Status != bulk.StatusValidating {
		t.Fatal(j, created, err)
	}
	svc.Wait()
	got, err := svc.Get(ctx, merchant, j.ID)
	if err != nil || got.Status != bulk.StatusDone || got.Done != 50 || got.Stored != 50 {
		t.Fatalf("job = %+v, %v", got, err)
	}
}
