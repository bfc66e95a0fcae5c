package accounting_test

import (
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

func rater(t *testing.T) *accounting.Rater {
	t.Helper()
	set, err := accounting.ParseFiles(testTariff())
	if err != nil {
		t.Fatal(err)
	}
	n := testNetwork()
	p, err := routing.New(n.offices, n.services)
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]network.Leg{}
	for _, s := range n.services {
		services[s.ID] = s
	}
	return &accounting.Rater{Tariff: set, Home: "CN", Offices: network.OfficeMap(n.offices), Services: services, Ways: accounting.NewWays(p)}
}

func byKey(res accounting.Result) map[string]accounting.Charge {
	m := map[string]accounting.Charge{}
	for _, c := range res.Charges {
		m[c.Key] = c
	}
	return m
}

func TestRateEPacket(t *testing.T) {
	var res accounting.Result
	rater(t).Item(item("LA000000014CN", "e-packet", 850, "PL"), &res)
	if len(res.Unrated) > 0 {
		t.Fatalf("unrated: %+v", res.Unrated)
	}
	n := testNetwork()
	km := math.Round(network.GreatCircleKm(n.offices[1], n.offices[2]))
	road := decimal.RequireFromString("0.00021").Mul(decimal.RequireFromString("0.85")).Mul(decimal.NewFromFloat(km)).Round(2)
	want := []struct {
		key, debtor, creditor, amount, currency, row string
	}{
		// 22 + 88 × 0.850 kg
		{"postage/LA000000014CN", "merchant:ACME", "post:CNPOST", "96.8", "CNY", "merchant-prices.csv:2"},
		// 7 % of 96.80 = 6.776, half away from zero
		{"sur/LA000000014CN/FUEL", "merchant:ACME", "post:CNPOST", "6.78", "CNY", "surcharges.csv:2"},
		// 0.735 + 4.52 × 0.850 = 4.577 (PL is in group target-2)
		{"td/LA000000014CN", "post:CNPOST", "post:PLPOST", "4.58", "XDR", "terminal-dues.csv:2"},
		// 5.55 × 0.850 = 4.7175
		{"conv/LA000000014CN/1", "post:CNPOST", "carrier:XIAMEN-AIRLINES", "4.72", "USD", "conveyance.csv:2"},
		{"conv/LA000000014CN/2", "post:CNPOST", "carrier:POSTNL-ROAD", road.String(), "USD", "conveyance.csv:3"},
		// closed transit at Amsterdam: 0.040 + 0.520 × 0.850 = 0.482
		{"transit/LA000000014CN/NL", "post:CNPOST", "post:NLPOST", "0.48", "XDR", "transit.csv:2"},
	}
	got := byKey(res)
	if len(got) != len(want) {
		t.Errorf("%d charges, want %d: %+v", len(got), len(want), res.Charges)
	}
	for _, w := range want {
		c, ok := got[w.key]
		if !ok {
			t.Errorf("no charge %s", w.key)
			continue
		}
		if string(c.Debtor) != w.debtor || string(c.Creditor) != w.creditor || c.Amount.String() != w.amount || c.Currency != w.currency || c.TariffRow != w.row {
			t.Errorf("%s: %s → %s %s %s (%s), want %s → %s %s %s (%s)", w.key, c.Debtor, c.Creditor, c.Amount, c.Currency, c.TariffRow,
				w.debtor, w.creditor, w.amount, w.currency, w.row)
		}
		if c.TariffVersion != "t.1" || c.Rate == "" || !c.At.Equal(nov16) {
			t.Errorf("%s: version %q rate %q at %v", w.key, c.TariffVersion, c.Rate, c.At)
		}
	}
	if c := got["conv/LA000000014CN/1"]; c.Service != "MF811" || c.Items != 1 || c.WeightG != 850 {
		t.Errorf("conveyance basis: %+v", c)
	}
}

func TestRateProducts(t *testing.T) {
	r := rater(t)
	ddp := item("LA000000028CN", "e-packet", 400, "PL")
	ddp.DDP = true
	letter := item("UA000000015CN", "small-packet", 80, "PL")
	letter.Documents, letter.DimsMM = true, [3]int{110, 220, 4}
	wh := item("CA000000017CN", "parcel", 2095, "PL")
	wh.Origin = "BELGGW"
	insured := item("CV000000015CN", "parcel", 2095, "PL")
	insured.InsuredSDR = decimal.RequireFromString("250.50")
	var res accounting.Result
	for _, it := range []accounting.ItemFact{
		item("RA000000031CN", "registered-small-packet", 1125, "PL"),
		item("CA000000014CN", "parcel", 2095, "PL"),
		item("EA000000005CN", "ems", 600, "PL"),
		ddp, letter, wh, insured,
		item("LA000000031CN", "e-packet", 2500, "PL"),
		item("LA000000045CN", "e-packet", 300, "AQ"),
	} {
		r.Item(it, &res)
	}
	got := byKey(res)
	for key, want := range map[string]string{
		"td/RA000000031CN":            "6.77 XDR E registered", // 0.735 + 4.52 × 1.125 + 0.95
		"postage/RA000000031CN":       "120.05 CNY zone Z3",    // 24 + 85 × 1.130 (step 10 g)
		"ilr/CA000000014CN":           "9.18 XDR parcels",      // 7.9 + 0.61 × 2.095
		"postage/CA000000014CN":       "310 CNY zone Z3",       // 150 + 64 × 2.5 (step 500 g)
		"ems/EA000000005CN":           "11.43 XDR EMS",         // 10.4 + 1.72 × 0.6
		"postage/EA000000005CN":       "220 CNY zone Z3",       // 140 + 80 × 1.0
		"sur/LA000000028CN/DDP":       "6 CNY DDP",             // DDP items only
		"ilr/CA000000017CN":           "9.18 XDR parcels",      // from a warehouse: the destination still charges
		"postage/CA000000017CN":       "310 CNY zone Z3",
		"sur/CV000000015CN/INSURANCE": "24 CNY INSURANCE", // 8 × 3 started 100 SDR of 250.50
	} {
		c, ok := got[key]
		if !ok {
			t.Errorf("no charge %s", key)
			continue
		}
		if s := c.Amount.String() + " " + c.Currency + " " + c.Category; s != want {
			t.Errorf("%s = %s, want %s", key, s, want)
		}
	}
	for _, key := range []string{"conv/CA000000017CN/1", "sur/LA000000014CN/DDP", "sur/CA000000014CN/INSURANCE", "td/LA000000031CN-none"} {
		if _, ok := got[key]; ok {
			t.Errorf("unexpected charge %s", key)
		}
	}
	unrated := map[string]string{}
	for _, u := range res.Unrated {
		unrated[u.Key] = string(u.Party) + " " + u.Reason
	}
	for key, want := range map[string]string{
		"td/UA000000015CN":      "post:PLPOST no terminal dues for PL format P (group target-2)",
		"postage/LA000000031CN": "merchant:ACME 2500 g is above the heaviest band (2000 g) of price list * for e-packet to zone Z3",
		"postage/LA000000045CN": "merchant:ACME no zone for AQ",
		"td/LA000000045CN":      "post:AQPOST no terminal dues for AQ format E",
		"conv/LA000000045CN":    " no office of exchange in AQ in the network",
		"postage/UA000000015CN": "merchant:ACME no price in merchant-prices.csv for small-packet to zone Z3 (PL)",
	} {
		if !strings.HasPrefix(unrated[key], want) {
			t.Errorf("unrated %s = %q, want %q…", key, unrated[key], want)
		}
	}
	if len(unrated) != 6 {
		t.Errorf("%d unrated, want 6: %v", len(unrated), unrated)
	}
}

func TestLetterFormat(t *testing.T) {
	for _, c := range []struct {
		docs bool
		g    int
		dims [3]int
		want accounting.Format
	}{
		{true, 20, [3]int{220, 110, 3}, accounting.FormatP},
		{true, 20, [3]int{110, 3, 220}, accounting.FormatP}, // any order
		{true, 120, [3]int{220, 110, 3}, accounting.FormatG},
		{true, 400, [3]int{350, 250, 20}, accounting.FormatG},
		{true, 400, [3]int{350, 250, 21}, accounting.FormatE},
		{true, 600, [3]int{300, 200, 10}, accounting.FormatE},
		{false, 20, [3]int{220, 110, 3}, accounting.FormatE}, // goods are E whatever the size
	} {
		it := accounting.ItemFact{Documents: c.docs, WeightG: c.g, DimsMM: c.dims}
		if got := accounting.LetterFormat(it); got != c.want {
			t.Errorf("LetterFormat(docs=%v %d g %v) = %s, want %s", c.docs, c.g, c.dims, got, c.want)
		}
	}
}

func TestRound(t *testing.T) {
	for _, c := range []struct{ in, cur, want string }{
		{"2.345", "USD", "2.35"}, {"-2.345", "USD", "-2.35"}, {"2.3449", "USD", "2.34"},
		{"0.005", "XDR", "0.01"}, {"1234.5", "JPY", "1235"}, {"1.2345", "KWD", "1.235"},
	} {
		if got := accounting.FormatAmount(accounting.Round(decimal.RequireFromString(c.in), c.cur), c.cur); got != c.want {
			t.Errorf("Round(%s %s) = %s, want %s", c.in, c.cur, got, c.want)
		}
	}
	if got := accounting.FromMinor(accounting.ToMinor(decimal.RequireFromString("-12.30"), "USD"), "USD"); got.String() != "-12.3" {
		t.Errorf("minor round trip: %s", got)
	}
}

func TestConvert(t *testing.T) {
	r := postal.DefaultRates() // CNY 9.74 and USD 1.365 per SDR
	got, err := accounting.Convert(r, decimal.RequireFromString("10.00"), "XDR", "CNY")
	if err != nil || got.String() != "97.4" {
		t.Errorf("10 XDR in CNY = %s, %v; want 97.40", got, err)
	}
	got, err = accounting.Convert(r, decimal.RequireFromString("13.65"), "USD", "CNY")
	if err != nil || got.String() != "97.4" {
		t.Errorf("13.65 USD in CNY = %s, %v; want 97.40", got, err)
	}
	if _, err := accounting.Convert(r, decimal.NewFromInt(1), "ZZZ", "CNY"); err == nil {
		t.Error("converting from a currency without a rate succeeded")
	}
}

func TestParsePeriod(t *testing.T) {
	p, err := accounting.ParsePeriod("2026-11")
	if err != nil || p.From.Format("2006-01-02") != "2026-11-01" || p.To.Format("2006-01-02") != "2026-12-01" {
		t.Errorf("2026-11: %+v %v", p, err)
	}
	p, err = accounting.ParsePeriod("2026-11-01..2026-11-15")
	if err != nil || p.To.Format("2006-01-02") != "2026-11-16" {
		t.Errorf("range: %+v %v", p, err)
	}
	for _, bad := range []string{"2026-13", "November", "2026-11-15..2026-11-01", "2025-01-01..2026-12-31"} {
		if _, err := accounting.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) succeeded", bad)
		}
	}
}

func TestParty(t *testing.T) {
	for in, want := range map[string]string{
		"PLPOST": "post:PLPOST", "post:PLPOST": "post:PLPOST", "carrier:XIAMEN-AIRLINES": "carrier:XIAMEN-AIRLINES",
		"merchant:XMTEA": "merchant:XMTEA",
	} {
		if p, err := accounting.ParseParty(in); err != nil || string(p) != want {
			t.Errorf("ParseParty(%q) = %q, %v", in, p, err)
		}
	}
	for _, bad := range []string{"XXPOST", "post:XXPOST", "carrier:Xiamen Airlines", "bank:HSBC", ""} {
		if _, err := accounting.ParseParty(bad); err == nil {
			t.Errorf("ParseParty(%q) succeeded", bad)
		}
	}
	if c := accounting.CarrierCode("China Railway Express (Xiamen)"); c != "CHINA-RAILWAY-EXPRESS-XIAMEN" {
		t.Errorf("CarrierCode = %q", c)
	}
	if c := accounting.Post("PL").Country(); c != "PL" {
		t.Errorf("Country = %q", c)
	}
}
