package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
)

// A KR→KZ closed transit through Urumqi on the demo network: forwarded on
// the service the route planner gives (the road via Khorgos), then charged
// to Korea Post as transit per kg on the partner statement.
func TestClosedTransitIsForwardedAndCharged(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(ctx, st, app.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	for _, m := range demo.Merchants { // the demo tariff prices them
		m.CreatedAt = now
		if err := st.PutMerchant(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	files, err := accounting.DirFiles(demo.Tariffs())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Accounting.ImportTariff(ctx, admin, files, ""); err != nil {
		t.Fatal(err)
	}

	d := postal.DispatchID{Origin: "KRSELA", Destination: "KZALAA", Category: 'A', Subclass: "UN", YearDigit: 6, Serial: 42}
	r := postal.ReceptacleID{Dispatch: d, Serial: 1, Last: true, WeightHg: 100}.String()
	tr := &edi.Transport{Service: "CZ6092", Mode: "air", Carrier: "CZ", From: "KRSELA", To: "CNURCA", Departure: now.Add(-6 * time.Hour), Arrival: now.Add(-time.Hour)}
	p := edi.Predes{Ref: "KR26112442", Prepared: now.Add(-8 * time.Hour), Dispatch: d.String(), Origin: "KRSELA", Destination: "KZALAA", Transport: tr,
		Receptacles: []edi.Receptacle{{ID: r, Type: "bag", GrossWeightG: 10000}}}
	if _, err := a.Inward.AcceptPredes(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Inward.ScanReceptacle(ctx, admin, inward.ReceptacleScan{Receptacle: r, WeightG: 10050}); err != nil {
		t.Fatal(err)
	}
	month := accounting.Month(now)
	rep, err := a.Accounting.Rate(ctx, admin, month)
	if err != nil || rep.Transit != 1 {
		t.Fatalf("rate before forwarding %+v, %v", rep, err)
	}
	fw, err := a.Inward.Forward(ctx, admin, d.String())
	if err != nil || len(fw.Forwarded) != 1 {
		t.Fatalf("forward %+v, %v", fw, err)
	}
	f := fw.Forwarded[0]
	last := f.Legs[len(f.Legs)-1]
	if f.Office != "CNURCA" || last.To != "KZALAA" || f.Departure.Before(now) || f.Legs[0].From != "CNURCA" || f.Service == "" || f.Mode == "" {
		t.Errorf("forwarding %+v", f)
	}
	t.Logf("forwarded on %s (%s, %s) → %s, %d legs", f.Service, f.Mode, f.Carrier, f.Next, len(f.Legs))
	if _, err := a.Accounting.Rate(ctx, admin, month); err != nil {
		t.Fatal(err)
	}
	es, _, err := a.Accounting.Entries(ctx, admin, accounting.EntryFilter{From: month.From, To: month.To, Kind: accounting.KindTransit}, "")
	if err != nil || len(es) != 1 {
		t.Fatalf("transit entries %+v, %v", es, err)
	}
	// CN's transit row: 0.030 per item + 0.330 per kg (demo tariff).
	if e := es[0]; e.Debtor != accounting.Post("KR") || e.Creditor != accounting.Post("CN") || e.Amount.String() != "3.32" || e.WeightG != 10050 {
		t.Errorf("entry %+v", e)
	}
	s, err := a.Accounting.Statement(ctx, admin, accounting.Post("KR"), month, accounting.StatementOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var line *accounting.StatementLine
	for i, l := range s.Lines {
		if l.Kind == accounting.KindTransit {
			line = &s.Lines[i]
		}
	}
	if line == nil || line.Debtor != accounting.Post("KR") || line.Amount.String() != "3.32" || line.WeightG != 10050 {
		t.Errorf("statement's transit line %+v in %+v", line, s.Lines)
	}
}
