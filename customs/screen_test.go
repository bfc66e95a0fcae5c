package customs_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func demoEngine(tb testing.TB) *risk.Engine {
	tb.Helper()
	e, err := risk.LoadRules("../demo/customs-rules.yaml", postal.DefaultRates())
	if err != nil {
		tb.Fatalf("demo rules: %v", err)
	}
	return e
}

// importDecl is a valid e-commerce import into Shanghai.
func importDecl() customs.Declaration {
	return customs.Declaration{
		ID: "ECM20261123001", Stream: customs.StreamEcommerce, Direction: customs.Import, Office: "CNSHAA",
		Category: "sale_of_goods", Currency: "EUR",
		Sender:    customs.Party{Name: "Berlin Outdoor GmbH", Address: "Torstr. 1", City: "Berlin", Country: "DE"},
		Addressee: customs.Party{Name: "Wang Fang", Address: "88 Century Ave", City: "Shanghai", Postcode: "200120", Country: "CN"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "TG-778812", Model: customs.ModelB2C,
			Seller: customs.Party{Name: "Berlin Outdoor GmbH", Country: "DE"}},
		Lines: []customs.Line{{Description: "Merino wool hiking socks", Quantity: 3, NetWeightG: 240, Value: "36.00", HSCode: "611596", OriginCountry: "DE"}},
	}
}

func screen(t *testing.T, e *risk.Engine, d customs.Declaration, prior risk.Prior) risk.Screening {
	t.Helper()
	v, err := customs.Validate(d, e.Money())
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return customs.Screen(e, &v, prior, t0)
}

func rules(s risk.Screening) []string {
	var out []string
	for _, h := range s.Hits {
		out = append(out, h.Rule)
	}
	return out
}

func TestScreen(t *testing.T) {
	t.Parallel()
	e := demoEngine(t)
	tests := []struct {
		name   string
		edit   func(*customs.Declaration)
		prior  risk.Prior
		want   []string
		action risk.Action
		reason string
	}{
		{name: "clean", edit: func(*customs.Declaration) {}, action: risk.ActionRelease},
		{name: "ivory by HS and keyword", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Carved ivory figurine", Quantity: 1, NetWeightG: 300, Value: "80.00", HSCode: "960110", OriginCountry: "DE"}
		}, want: []string{"PROHIB-CITES"}, action: risk.ActionSeize, reason: "CITES"},
		{name: "power bank is lithium", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Power bank 20000 mAh", Quantity: 1, NetWeightG: 400, Value: "25.00", HSCode: "850760", OriginCountry: "DE"}
		}, want: []string{"DG-LITHIUM-ALONE", "DG-LITHIUM"}, action: risk.ActionReturnToSender},
		{name: "phone under a plastics HS", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Used iPhone 13", Quantity: 1, NetWeightG: 200, Value: "300.00", HSCode: "392690", OriginCountry: "DE"}
		}, want: []string{"MISMATCH-PHONES"}, action: risk.ActionDocumentCheck},
		{name: "undervalued watch", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Wrist watch, steel", Quantity: 5, NetWeightG: 1000, Value: "20.00", HSCode: "910211", OriginCountry: "CH"}
		}, want: []string{"UNDERVALUATION"}, action: risk.ActionDocumentCheck, reason: "chapter 91 norm"},
		{name: "paid far more than declared", edit: func(d *customs.Declaration) { d.Ecommerce.TransactionValue = "120.00" },
			want: []string{"UNDERVALUATION"}, action: risk.ActionDocumentCheck},
		{name: "sanctioned sender in Cyrillic", edit: func(d *customs.Declaration) { d.Sender.Name = "Калинин Виктор Сергеевич" },
			want: []string{"WATCH-SANCTIONS"}, action: risk.ActionPhysicalInspection, reason: "Viktor Sergeyevich Kalinin"},
		{name: "sanctioned name respelled", edit: func(d *customs.Declaration) { d.Addressee.Name = "Dmitriy VOLKOF" },
			want: []string{"WATCH-SANCTIONS"}, action: risk.ActionPhysicalInspection},
		{name: "split order", edit: func(d *customs.Declaration) { d.Lines[0].Value = "5.00" }, prior: risk.Prior{Count: 2, ValueSDR: 3},
			want: []string{"SPLIT-CONSIGNMENTS"}, action: risk.ActionDocumentCheck, reason: "3 consignments"},
		{name: "over the e-commerce limit", edit: func(d *customs.Declaration) { d.Lines[0].Value = "900.00" },
			want: []string{"VALUE-CN-ECOM-LIMIT"}, action: risk.ActionDocumentCheck},
		{name: "fireworks go back", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Fireworks assortment", Quantity: 1, NetWeightG: 900, Value: "30.00", HSCode: "360410", OriginCountry: "DE"}
		}, want: []string{"PROHIB-EXPLOSIVES"}, action: risk.ActionReturnToSender},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := importDecl()
			tt.edit(&d)
			s := screen(t, e, d, tt.prior)
			if got := rules(s); !slices.Equal(got, tt.want) {
				t.Fatalf("hits = %v, want %v (%v)", got, tt.want, s.Reasons())
			}
			if s.Action != tt.action {
				t.Errorf("action = %s, want %s (score %d)", s.Action, tt.action, s.Score)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(s.Reasons(), "; "), tt.reason) {
				t.Errorf("reasons %q do not mention %q", s.Reasons(), tt.reason)
			}
			if s.RulesVersion != "2026-12-07.1" {
				t.Errorf("rules version = %q", s.RulesVersion)
			}
		})
	}
}

func TestDuties(t *testing.T) {
	t.Parallel()
	e := demoEngine(t)
	tests := []struct {
		name        string
		edit        func(*customs.Declaration)
		duty, vat   string
		currency    string
		notes, paid string
	}{
		// China's cross-border e-commerce retail imports: no duty, 70 % of
		// the 13 % VAT within CNY 5,000 per transaction; above it, both in full.
		{"CN e-commerce import within the limit", func(d *customs.Declaration) {}, "0.00", "27.06", "CNY", "70 % of the import VAT", "addressee"},
		{"CN e-commerce import over the limit", func(d *customs.Declaration) { d.Lines[0].Value = "1000.00" }, "1652.25", "1288.75", "CNY", "over the 5000.00 CNY per-transaction limit", "addressee"},
		// Personal postal articles: one tax at the band rate, waived up to CNY 50.
		{"CN postal article under the waiver", func(d *customs.Declaration) {
			d.ID, d.Stream, d.Ecommerce, d.Postal, d.Category, d.Lines[0].Value = "RR123456785JP", customs.StreamPostal, nil, &customs.PostalInfo{}, "gift", "5.00"
		}, "0.00", "0.00", "CNY", "postal articles tax 8.26 CNY is within the 50.00 CNY waiver", "none"},
		{"CN postal article taxed", func(d *customs.Declaration) {
			d.ID, d.Stream, d.Ecommerce, d.Postal, d.Category, d.Lines[0].Value = "RR123456785JP", customs.StreamPostal, nil, &customs.PostalInfo{}, "gift", "60.00"
		}, "99.13", "0.00", "CNY", "postal articles tax", "addressee"},
		{"EU with IOSS pays no VAT", func(d *customs.Declaration) {
			d.Direction, d.Office, d.ImporterRef = customs.Export, "CNXMNA", "IM2760000001"
			d.Sender, d.Addressee = d.Addressee, customs.Party{Name: "Anna Schmidt", City: "Berlin", Country: "DE"}
			d.Ecommerce.Seller = customs.Party{Name: "Shanghai Socks", Country: "CN"}
		}, "0.00", "0.00", "EUR", "IOSS IM2760000001", "none"},
		{"EU without IOSS pays VAT", func(d *customs.Declaration) {
			d.Direction, d.Office = customs.Export, "CNXMNA"
			d.Sender, d.Addressee = d.Addressee, customs.Party{Name: "Anna Schmidt", City: "Berlin", Country: "DE"}
			d.DDP = true
		}, "0.00", "6.84", "EUR", "delivered duty paid", "sender"},
		{"US gift within allowance", func(d *customs.Declaration) {
			d.Direction, d.Office, d.Category = customs.Export, "CNXMNA", "gift"
			d.Sender, d.Addressee = d.Addressee, customs.Party{Name: "John Smith", City: "Boston", Country: "US"}
		}, "0.00", "0.00", "USD", "gift allowance", "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := importDecl()
			tt.edit(&d)
			v, err := customs.Validate(d, e.Money())
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := customs.AssessDuties(e, &v, customs.DutyEstimate, t0)
			if err != nil || !ok {
				t.Fatalf("Duties: %v, %v", ok, err)
			}
			if got.Duty != tt.duty || got.VAT != tt.vat || got.Currency != tt.currency || got.PaidBy != tt.paid {
				t.Errorf("duty %s vat %s %s paid by %s, want %s %s %s %s (%+v)", got.Duty, got.VAT, got.Currency, got.PaidBy, tt.duty, tt.vat, tt.currency, tt.paid, got)
			}
			if tt.notes != "" && !strings.Contains(strings.Join(got.Notes, "; "), tt.notes) {
				t.Errorf("notes %q do not mention %q", got.Notes, tt.notes)
			}
		})
	}
}

// TestRulesKnowStreams: the rules name streams and directions by the words
// a declaration carries, so a rule can be written for each of them.
func TestRulesKnowStreams(t *testing.T) {
	t.Parallel()
	for _, st := range customs.Streams {
		for _, dir := range []customs.Direction{customs.Export, customs.Import} {
			src := fmt.Sprintf("version: \"1\"\nactions: {document_check: 10}\nrules:\n  - {id: R, kind: value, score: 10, over: 1, direction: %s, streams: [%s]}\n", dir, st)
			if _, err := risk.CompileRules([]byte(src), "streams.yaml", postal.DefaultRates()); err != nil {
				t.Errorf("a rule for %s %s: %v", st, dir, err)
			}
		}
	}
}
