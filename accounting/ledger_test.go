package accounting_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

var november = accounting.Month(nov16)

func rate(t *testing.T, svc *accounting.Service) accounting.RateReport {
	t.Helper()
	rep, err := svc.Rate(context.Background(), admin, november)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRerating: rating twice posts nothing new; a corrected tariff posts
// adjusting entries for the difference and never changes an entry.
func TestRerating(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, item("LA000000014CN", "e-packet", 850, "PL"), item("RA000000031CN", "registered-small-packet", 1125, "PL"))
	first := rate(t, svc)
	if first.Posted != 12 || len(first.Unrated) != 0 || first.Conveyance != "planned" {
		t.Fatalf("first rating: %+v", first)
	}
	posted := slices.Clone(st.entries)
	if again := rate(t, svc); again.Posted != 0 || again.Adjusted != 0 || again.Unchanged != 12 {
		t.Fatalf("second rating: %+v", again)
	}
	// Finance corrects group target-2's E rate: 0.735 → 0.800 per item.
	fixed := strings.Replace(tDues, "target-2,E,0.735,", "target-2,E,0.800,", 1)
	if _, err := svc.ImportTariff(ctx, admin, map[string][]byte{accounting.DuesFile: []byte(fixed)}, "t.2"); err != nil {
		t.Fatal(err)
	}
	rep := rate(t, svc)
	if rep.Tariff != "t.2" || rep.Posted != 0 || rep.Adjusted != 2 || rep.Unchanged != 10 {
		t.Fatalf("re-rating: %+v", rep)
	}
	if !slices.EqualFunc(posted, st.entries[:len(posted)], func(a, b accounting.Entry) bool { return a.Seq == b.Seq && a.Amount.Equal(b.Amount) }) {
		t.Fatal("re-rating changed posted entries")
	}
	// 4.577 → 4.642 (4.58 → 4.64) and 6.770 → 6.835 (6.77 → 6.84): each
	// entry is rounded on its own, so the adjustments differ by a cent.
	adj := st.entries[len(posted):]
	for i, e := range adj {
		if e.Revision != 1 || e.Kind != accounting.KindTerminalDues || e.Amount.String() != []string{"0.06", "0.07"}[i] || e.Items != 0 || e.TariffVersion != "t.2" ||
			!strings.Contains(e.Reason, "re-rated under tariff t.2") || !strings.Contains(e.Reason, "under t.1") {
			t.Errorf("adjustment %+v", e)
		}
	}
	// The statement shows the originals and the adjustments apart, and
	// its balance is the sum of the entries.
	stmt, err := svc.Statement(ctx, admin, accounting.Post("PL"), november, accounting.StatementOptions{Entries: true})
	if err != nil {
		t.Fatal(err)
	}
	if !stmt.Complete || len(stmt.Lines) != 2 || len(stmt.Adjustments) != 2 || len(stmt.Balances) != 1 {
		t.Fatalf("statement: %+v", stmt)
	}
	// 4.58 + 6.77 originals, 0.06 + 0.07 adjustments
	if b := stmt.Balances[0]; b.Currency != "XDR" || b.Payable.String() != "11.48" || b.Net.String() != "-11.48" {
		t.Errorf("balance %+v", b)
	}
	checkCSV(t, stmt)
	// Drawn through the first rating's last entry, it is the old statement.
	old, err := svc.Statement(ctx, admin, accounting.Post("PL"), november, accounting.StatementOptions{Through: posted[len(posted)-1].Seq})
	if err != nil || len(old.Adjustments) != 0 || old.Balances[0].Payable.String() != "11.35" {
		t.Errorf("statement through %d: %+v %v", posted[len(posted)-1].Seq, old, err)
	}
}

// checkCSV sums the CSV's entry rows per currency and compares them with
// the balance rows and the statement.
func checkCSV(t *testing.T, stmt accounting.Statement) {
	t.Helper()
	var buf bytes.Buffer
	if err := accounting.WriteStatementCSV(&buf, stmt); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], accounting.StatementCSVHeader) {
		t.Fatalf("header %v", rows[0])
	}
	sum, net := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, r := range rows[1:] {
		amount, cur := r[12], r[13]
		switch {
		case r[0] == "entry":
			d := decimal.RequireFromString(amount)
			if r[1] == string(stmt.Home) {
				d = d.Neg() // owed by us
			}
			sum[cur] = sum[cur].Add(d)
		case r[0] == "balance" && r[3] == "net":
			net[cur] = decimal.RequireFromString(amount)
		}
	}
	for _, b := range stmt.Balances {
		if !sum[b.Currency].Equal(b.Net) || !net[b.Currency].Equal(b.Net) {
			t.Errorf("%s: CSV entries sum to %s, balance row %s, statement net %s", b.Currency, sum[b.Currency], net[b.Currency], b.Net)
		}
	}
}

// TestRerateParties: a charge whose creditor changes (the service's carrier
// was renamed) is reversed and posted anew; one the facts no longer make
// is reversed; one the tariff can no longer rate is kept.
func TestRerateParties(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, item("LA000000014CN", "e-packet", 850, "PL"))
	rate(t, svc)
	n := testNetwork()
	n.services[0].Carrier = "Xiamen Airlines Cargo"
	svc.Network = n
	rep := rate(t, svc)
	if rep.Reversed != 1 || rep.Adjusted != 1 {
		t.Fatalf("carrier renamed: %+v", rep)
	}
	bal, err := svc.Balances(ctx, admin, november)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range bal {
		got[string(b.Party)] = b.Net.String() + " " + b.Currency
	}
	if got["carrier:XIAMEN-AIRLINES"] != "0 USD" || got["carrier:XIAMEN-AIRLINES-CARGO"] != "-4.72 USD" || got["merchant:ACME"] != "103.58 CNY" {
		t.Errorf("balances after the carrier's rename: %v", got)
	}
	// Conveyance loses its air row: the posted charge stays, counted as kept.
	noAir := "service,basis,rate,currency,valid_from,valid_to\nmode:road,kg_km,0.00021,USD,2026-01-01,\n"
	if _, err := svc.ImportTariff(ctx, admin, map[string][]byte{accounting.ConveyanceFile: []byte(noAir)}, "t.2"); err != nil {
		t.Fatal(err)
	}
	if rep := rate(t, svc); rep.Kept != 1 || rep.Reversed != 0 || len(rep.Unrated) != 1 {
		t.Errorf("air rate removed: %+v", rep)
	}
	// The way changes: no transit at Amsterdam any more (a direct flight).
	n.services = append(n.services[:0:0], n.services[0])
	n.services[0].To = "PLWAWA"
	svc.Network = n
	before := len(st.entries)
	rep = rate(t, svc)
	if rep.Reversed != 2 { // the road leg and the transit at Amsterdam
		t.Errorf("direct flight: %+v", rep)
	}
	for _, e := range st.entries[before:] {
		if e.Revision == 0 && e.Kind != accounting.KindConveyance || e.Reason == "" && e.Revision > 0 {
			t.Errorf("entry %+v", e)
		}
	}
}

// TestStatementUnrated: a statement lists facts it does not charge, and
// items not yet rated, instead of counting them as zero.
func TestStatementUnrated(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t, item("LA000000014CN", "e-packet", 850, "PL"), item("LA000000031CN", "e-packet", 2500, "PL"))
	rate(t, svc)
	st.items = append(st.items, item("LA000000045CN", "e-packet", 300, "PL")) // accepted after rating
	inv, err := svc.Invoice(ctx, admin, "ACME", november, 0)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Complete || len(inv.Unrated) != 3 || len(inv.Items) != 1 || inv.Number != "INV-2026-11-ACME" {
		t.Fatalf("invoice: complete %v, unrated %+v, %d items", inv.Complete, inv.Unrated, len(inv.Items))
	}
	reasons := ""
	for _, u := range inv.Unrated {
		reasons += u.Key + ": " + u.Reason + "\n"
	}
	for _, want := range []string{"postage/LA000000031CN: 2500 g is above the heaviest band", "postage/LA000000045CN: not posted yet", "sur/LA000000045CN/FUEL: not posted yet"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("unrated lacks %q:\n%s", want, reasons)
		}
	}
	if l := inv.Items[0]; l.Postage.String() != "96.8" || l.Surcharges.String() != "6.78" || l.Amount.String() != "103.58" || l.Detail != "FUEL 6.78" || l.Zone != "Z3" {
		t.Errorf("invoice line %+v", l)
	}
	var buf bytes.Buffer
	if err := accounting.WriteInvoiceCSV(&buf, inv); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, "item,2026-11-16,LA000000014CN,e-packet,PL,Z3,850,96.80,6.78,103.58,CNY,FUEL 6.78\n") ||
		!strings.Contains(s, "total,,,,,,,,,103.58,CNY,amount due from ACME\n") || strings.Count(s, "\nunrated,") != 3 {
		t.Errorf("invoice CSV:\n%s", s)
	}
}

func TestAccess(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, item("LA000000014CN", "e-packet", 850, "PL"))
	rate(t, svc)
	pl := auth.Principal{Role: auth.RolePartner, Partner: "PLPOST"}
	if _, err := svc.Statement(ctx, pl, accounting.Post("PL"), november, accounting.StatementOptions{}); err != nil {
		t.Errorf("PLPOST's own statement: %v", err)
	}
	if _, err := svc.Statement(ctx, pl, accounting.Post("NL"), november, accounting.StatementOptions{}); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("PLPOST reading NLPOST's statement: %v", err)
	}
	// The party's kind counts, not only its code.
	if _, err := svc.Statement(ctx, pl, accounting.Party("carrier:PLPOST"), november, accounting.StatementOptions{}); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("the post PLPOST reading the statement of carrier:PLPOST: %v", err)
	}
	mf := auth.Principal{Role: auth.RolePartner, Partner: "MF"}
	if _, err := svc.Statement(ctx, mf, accounting.Party("carrier:MF"), november, accounting.StatementOptions{}); err != nil {
		t.Errorf("carrier MF's own statement: %v", err)
	}
	if _, err := svc.Statement(ctx, mf, accounting.Party("post:MFPOST"), november, accounting.StatementOptions{}); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("carrier MF reading a post's statement: %v", err)
	}
	if _, err := svc.Invoice(ctx, auth.Principal{Role: auth.RoleMerchant, Merchant: "OTHER"}, "ACME", november, 0); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("another merchant's invoice: %v", err)
	}
	es, _, err := svc.Entries(ctx, pl, accounting.EntryFilter{}, "")
	if err != nil || len(es) != 1 || es[0].Creditor != accounting.Post("PL") {
		t.Errorf("PLPOST's entries: %+v %v", es, err)
	}
	if _, err := svc.Rate(ctx, auth.Principal{Role: auth.RoleOperator}, november); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("operator rating: %v", err)
	}
	if _, err := svc.ImportTariff(ctx, admin, testTariff(), ""); err != nil {
		t.Errorf("importing the same version again: %v", err)
	}
	other := testTariff()
	other[accounting.TransitFile] = []byte("post,class,per_item,per_kg,currency,valid_from,valid_to\n")
	if _, err := svc.ImportTariff(ctx, admin, other, ""); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("other files under a taken version: %v", err)
	}
}

func TestMargin(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, item("LA000000014CN", "e-packet", 850, "PL"), item("LA000000028CN", "e-packet", 150, "PL"))
	cheaper := strings.Replace(tPrices, "*,e-packet,Z3,2000,10,22.00,88.00,", "*,e-packet,Z3,2000,10,12.00,60.00,", 1)
	rep, err := svc.Margin(ctx, admin, november, accounting.MarginOptions{WhatIf: map[string][]byte{accounting.PricesFile: []byte(cheaper)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || rep.Currency != "CNY" || rep.WhatIf != "tariff t.1 with merchant-prices.csv replaced" {
		t.Fatalf("margin: %+v", rep)
	}
	r := rep.Rows[0]
	// Revenue: 96.80 + 6.78 + (22 + 13.20 = 35.20) + 2.46 = 141.24 CNY
	if r.Origin != "CNXMNA" || r.Dest != "PL" || r.Items != 2 || r.WeightG != 1000 || r.Base.Revenue.String() != "141.24" {
		t.Errorf("row %+v", r)
	}
	// Handling: 2 × 2.80 + 1.20 × 1.0 kg = 6.80 CNY
	if r.Base.Handling.String() != "6.8" || r.Unrated != 0 {
		t.Errorf("handling %s", r.Base.Handling)
	}
	sum := r.Base.Revenue.Sub(r.Base.Dues).Sub(r.Base.Transit).Sub(r.Base.Conveyance).Sub(r.Base.Handling)
	if !sum.Equal(r.Base.Margin) || !r.Base.PerItem.Equal(accounting.Round(r.Base.Margin.Div(decimal.NewFromInt(2)), "CNY")) {
		t.Errorf("margin %s, per item %s", r.Base.Margin, r.Base.PerItem)
	}
	if r.WhatIf == nil || !r.WhatIf.Revenue.LessThan(r.Base.Revenue) || !r.WhatIf.Dues.Equal(r.Base.Dues) {
		t.Errorf("what-if %+v", r.WhatIf)
	}
	if !rep.Total.Base.Margin.Equal(r.Base.Margin) {
		t.Errorf("total %+v", rep.Total)
	}
}
