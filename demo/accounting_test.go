package demo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
)

// TestDemoMonthReconciles seeds the demo world, which loads the demo
// tariffs and rates its months, then draws the statement of every party in
// the ledger for the demo month and checks, to the cent and per currency:
// each statement's CSV entry rows sum to its balance, each balance equals
// the party's ledger entries summed straight from the store, and all
// statements together equal the whole ledger. Every statement and invoice
// also renders as PDF, and none leaves a fact uncharged.
//
// The demo is a pure function of its "now": it is seeded at the day the
// demo month was first drawn, a month-end, the EU daylight-saving change
// and a year-end (late on 31 December UTC, already 1 January in China), so
// a clock that leaks from the machine into the seed shows up as facts
// outside the month or a different ledger.
func TestDemoMonthReconciles(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo world")
	}
	for _, now := range []time.Time{
		time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC),
		time.Date(2027, 2, 28, 15, 59, 0, 0, time.UTC),
		time.Date(2027, 3, 28, 1, 30, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format("2006-01-02T15:04Z"), func(t *testing.T) {
			t.Parallel() // each seeds its own store
			reconcileDemoMonth(t, now, nil)
		})
	}
	// With partners' receipts wired, statements have both halves and
	// still reconcile.
	t.Run("inbound", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		in := newSyntheticInbound(now)
		reconcileDemoMonth(t, now, &in)
	})
}

// syntheticInbound stands in for the inward office's receipts: each
// partner post sends a few listed letters (one registered), a parcel, an
// EMS item and a bulk bag of letters every day; KR sends a closed-transit
// receptacle for KZ through us. All arrive well within their standards and
// their events are returned within hours, so the supplement is earned.
type syntheticInbound struct {
	items   []accounting.InboundItem
	transit []accounting.TransitReceptacle
	quality []accounting.ItemQuality
}

func newSyntheticInbound(now time.Time) syntheticInbound {
	var s syntheticInbound
	n := 0
	for _, office := range []string{"JPTYOA", "KRSELA", "USJFKA", "DEFRAA", "FRCDGA", "PLWAWA", "KZALAA", "GBLONA"} {
		cc := office[:2]
		for d := 1; d < now.Day(); d++ {
			at := time.Date(now.Year(), now.Month(), d, 5, 0, 0, 0, time.UTC)
			disp := office + "CNPEKAAUN6" + fmt.Sprintf("%04d", d)
			for _, x := range []struct {
				prefix, sub string
				g           int
			}{{"LA", "UN", 180}, {"LA", "UN", 420}, {"RR", "UR", 260}, {"CP", "CN", 3200}, {"EE", "EM", 1400}} {
				n++
				id := fmt.Sprintf("%s%08d0%s", x.prefix, n, cc)
				s.items = append(s.items, accounting.InboundItem{Dispatch: disp, Receptacle: disp + "001", Item: id, Origin: office, Destination: "CNPEKA",
					Partner: cc + "POST", Category: "A", Subclass: x.sub, Items: 1, WeightG: x.g, ReceivedAt: at})
				s.quality = append(s.quality, accounting.ItemQuality{Item: id, Partner: cc + "POST", Arrived: at, ArrivalSent: at.Add(2 * time.Hour),
					Final: at.Add(50 * time.Hour), FinalSent: at.Add(53 * time.Hour), WithinStandard: true})
			}
			s.items = append(s.items, accounting.InboundItem{Dispatch: disp, Receptacle: disp + "002", Origin: office, Destination: "CNPEKA",
				Partner: cc + "POST", Category: "A", Subclass: "UN", Items: 60, WeightG: 1500, ReceivedAt: at})
			if cc == "KR" {
				s.transit = append(s.transit, accounting.TransitReceptacle{Dispatch: "KRSELAKZALAAAUN6" + fmt.Sprintf("%04d", d),
					Receptacle: "KRSELAKZALAAAUN6" + fmt.Sprintf("%04d", d) + "001", Origin: office, Destination: "KZALAA", Partner: "KRPOST",
					Subclass: "UN", Items: 35, WeightG: 5200, ReceivedAt: at, ForwardedAt: at.Add(30 * time.Hour)})
			}
		}
	}
	return s
}

func (s syntheticInbound) Inbound(_ context.Context, p accounting.Period) ([]accounting.InboundItem, error) {
	var out []accounting.InboundItem
	for _, it := range s.items {
		if p.Contains(it.ReceivedAt) {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s syntheticInbound) Transit(_ context.Context, p accounting.Period) ([]accounting.TransitReceptacle, error) {
	var out []accounting.TransitReceptacle
	for _, tr := range s.transit {
		if p.Contains(tr.ReceivedAt) {
			out = append(out, tr)
		}
	}
	return out, nil
}

func (s syntheticInbound) Quality(_ context.Context, p accounting.Period) ([]accounting.ItemQuality, error) {
	var out []accounting.ItemQuality
	for _, q := range s.quality {
		if p.Contains(q.Arrived) {
			out = append(out, q)
		}
	}
	return out, nil
}

// reconcileDemoMonth checks the demo month; in, when set, is the inbound
// and quality source (the month is rated once more with it first).
func reconcileDemoMonth(t *testing.T, now time.Time, in *syntheticInbound) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := &acceptance.Service{Store: st, Rates: postal.DefaultRates(), Country: "CN"}
	res, err := demo.Seed(ctx, st, svc, demo.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounting.Tariff != "2026.1" || len(res.Accounting.Periods) == 0 {
		t.Fatalf("accounting seed: %+v", res.Accounting)
	}
	acc := &accounting.Service{Store: st, Network: st, Merchants: st, Dispatches: st, Country: "CN", Rates: postal.DefaultRates(), Now: func() time.Time { return now }}
	admin := auth.Principal{KeyID: "test", Role: auth.RoleAdmin}
	month := accounting.Month(now)
	if in != nil {
		acc.Inbound, acc.Quality = in, in
		rep, err := acc.Rate(ctx, admin, month)
		if err != nil || rep.Posted == 0 || len(rep.Unrated) != 0 || len(rep.Notes) != 0 {
			t.Fatalf("rating the month with partners' receipts: %+v, %v", rep, err)
		}
		for _, cc := range []string{"JP", "KR", "US", "DE", "FR", "PL", "KZ", "GB"} {
			s, err := acc.Statement(ctx, admin, accounting.Post(cc), month, accounting.StatementOptions{})
			if err != nil || len(s.Balances) == 0 || !s.Balances[0].Receivable.IsPositive() || len(s.Inbound) != 4 || s.Quality == nil || !s.Quality.Met {
				t.Errorf("%s: statement with receipts: %+v, %v", cc, s, err)
			}
		}
	}
	if rep, err := acc.Rate(ctx, admin, month); err != nil || rep.Posted+rep.Adjusted+rep.Reversed != 0 {
		t.Fatalf("rating the seeded month again posted %+v, %v", rep, err)
	}

	// The ledger, summed straight from the store: per party and currency,
	// positive when the party owes the home post.
	entries, _, err := st.Entries(ctx, accounting.EntryFilter{From: month.From, To: month.To})
	if err != nil {
		t.Fatal(err)
	}
	home := accounting.Post("CN")
	ledger := map[accounting.Party]map[string]decimal.Decimal{}
	whole := map[string]decimal.Decimal{}
	for _, e := range entries {
		party, amount := e.Creditor, e.Amount.Neg()
		if e.Creditor == home {
			party, amount = e.Debtor, e.Amount
		}
		if e.Debtor != home && e.Creditor != home {
			t.Fatalf("entry %d between %s and %s: the home post is on no side", e.Seq, e.Debtor, e.Creditor)
		}
		if ledger[party] == nil {
			ledger[party] = map[string]decimal.Decimal{}
		}
		ledger[party][e.Currency] = ledger[party][e.Currency].Add(amount)
		whole[e.Currency] = whole[e.Currency].Add(amount)
	}
	if len(ledger) < 40 || len(entries) < 2000 {
		t.Fatalf("demo ledger has %d entries for %d parties", len(entries), len(ledger))
	}
	checkDispatchedBasis(t, st, month, entries)
	statements := map[string]decimal.Decimal{}
	kinds := map[string]int{}
	for party, want := range ledger {
		kinds[party.Kind()]++
		var buf bytes.Buffer
		var doc document.Statement
		var balances []accounting.Balance
		var unrated int
		if party.Kind() == accounting.PartyMerchant {
			inv, err := acc.Invoice(ctx, admin, party.Code(), month, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := accounting.WriteInvoiceCSV(&buf, inv); err != nil {
				t.Fatal(err)
			}
			checkInvoiceCSV(t, party, buf.Bytes(), inv.Balances)
			doc, balances, unrated = document.MerchantInvoice(inv, nil), inv.Balances, len(inv.Unrated)
		} else {
			s, err := acc.Statement(ctx, admin, party, month, accounting.StatementOptions{Entries: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := accounting.WriteStatementCSV(&buf, s); err != nil {
				t.Fatal(err)
			}
			checkStatementCSV(t, party, home, buf.Bytes(), s.Balances)
			doc, balances, unrated = document.AccountStatement(s, nil), s.Balances, len(s.Unrated)
		}
		if unrated != 0 {
			t.Errorf("%s: %d facts not charged", party, unrated)
		}
		if len(balances) != len(want) {
			t.Errorf("%s: %d currencies on the statement, %d in the ledger", party, len(balances), len(want))
		}
		for _, b := range balances {
			if !b.Net.Equal(want[b.Currency]) {
				t.Errorf("%s %s: statement net %s, ledger %s", party, b.Currency, b.Net, want[b.Currency])
			}
			statements[b.Currency] = statements[b.Currency].Add(b.Net)
		}
		var pdf bytes.Buffer
		if err := document.WriteStatement(&pdf, doc); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
			t.Errorf("%s: PDF: %v", party, err)
		}
	}
	for cur, w := range whole {
		if !statements[cur].Equal(w) {
			t.Errorf("%s: statements sum to %s, the ledger to %s", cur, statements[cur], w)
		}
	}
	if kinds[accounting.PartyPost] < 20 || kinds[accounting.PartyCarrier] < 10 || kinds[accounting.PartyMerchant] != len(demo.Merchants) {
		t.Errorf("parties by kind: %v", kinds)
	}
	t.Logf("%d entries, %d parties (%v); ledger %v", len(entries), len(ledger), kinds, whole)
}

// checkStatementCSV sums the entry rows (signed: positive when the party
// owes the home post) and the net balance rows per currency.
func checkStatementCSV(t *testing.T, party, home accounting.Party, b []byte, balances []accounting.Balance) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sum, net := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, r := range rows[1:] {
		amount, cur := r[12], r[13]
		switch {
		case r[0] == "entry" && r[1] == string(home):
			sum[cur] = sum[cur].Sub(decimal.RequireFromString(amount))
		case r[0] == "entry":
			sum[cur] = sum[cur].Add(decimal.RequireFromString(amount))
		case r[0] == "balance" && r[3] == "net":
			net[cur] = decimal.RequireFromString(amount)
		}
	}
	for _, bal := range balances {
		if !sum[bal.Currency].Equal(bal.Net) || !net[bal.Currency].Equal(bal.Net) {
			t.Errorf("%s %s: CSV entries sum to %s, net row %s, balance %s", party, bal.Currency, sum[bal.Currency], net[bal.Currency], bal.Net)
		}
	}
}

// checkInvoiceCSV sums the item and correction rows and reads the totals.
func checkInvoiceCSV(t *testing.T, party accounting.Party, b []byte, balances []accounting.Balance) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sum, total := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, r := range rows[1:] {
		switch r[0] {
		case "item", "correction":
			sum[r[10]] = sum[r[10]].Add(decimal.RequireFromString(r[9]))
		case "total":
			total[r[10]] = decimal.RequireFromString(r[9])
		}
	}
	for _, bal := range balances {
		if !sum[bal.Currency].Equal(bal.Net) || !total[bal.Currency].Equal(bal.Net) {
			t.Errorf("%s %s: invoice rows sum to %s, total row %s, balance %s", party, bal.Currency, sum[bal.Currency], total[bal.Currency], bal.Net)
		}
	}
}

// checkDispatchedBasis: the demo's day of exchange operations is charged
// from what departed: each departed consignment of the month has its
// conveyance entry to its service's carrier, and an item that left in a
// departed dispatch has no conveyance or transit of its own planned way.
func checkDispatchedBasis(t *testing.T, st store.Store, month accounting.Period, entries []accounting.Entry) {
	t.Helper()
	ctx := context.Background()
	items, err := st.ItemFacts(ctx, month.From, month.To)
	if err != nil {
		t.Fatal(err)
	}
	dep, err := st.Departed(ctx, month.From, month.To, items)
	if err != nil {
		t.Fatal(err)
	}
	if len(dep.Consignments) == 0 || len(dep.Left) == 0 {
		t.Fatalf("the demo month has %d departed consignments, %d items that left", len(dep.Consignments), len(dep.Left))
	}
	byKey := map[string]accounting.Entry{}
	basis := map[string]int{}
	for _, e := range entries {
		byKey[e.Key] = e
		basis[e.Basis]++
		if e.Item != "" && dep.Left[e.Item] && e.Basis == accounting.BasisPlanned {
			t.Errorf("item %s left in a dispatch but is charged its planned way: %s %s", e.Item, e.Key, e.Rate)
		}
	}
	for _, c := range dep.Consignments {
		e, ok := byKey["conv/"+c.ID]
		if !ok || e.Basis != accounting.BasisDispatched || e.Consignment != c.ID || e.Service != c.Service || e.WeightG != c.GrossG {
			t.Errorf("consignment %s (%s, %d g): entry %+v", c.ID, c.Service, c.GrossG, e)
		}
	}
	// Dispatches consigned on at a hub: every departed leg is charged from
	// its consignment; the way on is planned only from short of the
	// destination.
	onward := 0
	for _, d := range dep.Dispatches {
		if len(d.Legs) < 2 {
			continue
		}
		onward++
		for _, l := range d.Legs[1:] {
			if e, ok := byKey["conv/"+l.Consignment]; !ok || e.Basis != accounting.BasisDispatched {
				t.Errorf("dispatch %s leg %d (%s from %s): entry %+v", d.ID, l.Leg, l.Consignment, l.From, e)
			}
		}
		if d.Legs[len(d.Legs)-1].To == d.Dest {
			for k, e := range byKey {
				if strings.HasPrefix(k, "conv/"+d.ID+"/on/") {
					t.Errorf("dispatch %s reached %s on its legs but is charged a planned way on: %s %s", d.ID, d.Dest, k, e.Rate)
				}
			}
		}
	}
	if onward == 0 {
		t.Errorf("no demo dispatch was consigned on at a hub")
	}
	t.Logf("%d departed dispatches, %d of them consigned on at a hub", len(dep.Dispatches), onward)
	if basis[accounting.BasisAccepted] == 0 || basis[accounting.BasisDispatched] == 0 || basis[accounting.BasisPlanned] == 0 || basis[""] != 0 {
		t.Errorf("entries per basis: %v", basis)
	}
}
