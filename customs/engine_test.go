package customs_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func demoEngine(tb testing.TB) *customs.Engine {
	tb.Helper()
	e, err := customs.LoadRules("../demo/customs-rules.yaml", postal.DefaultRates())
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

func screen(t *testing.T, e *customs.Engine, d customs.Declaration, prior customs.Prior) customs.Screening {
	t.Helper()
	v, err := customs.Validate(d, e.Money())
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return e.Screen(&v, prior, t0)
}

func rules(s customs.Screening) []string {
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
		prior  customs.Prior
		want   []string
		action customs.Action
		reason string
	}{
		{name: "clean", edit: func(*customs.Declaration) {}, action: customs.ActionRelease},
		{name: "ivory by HS and keyword", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Carved ivory figurine", Quantity: 1, NetWeightG: 300, Value: "80.00", HSCode: "960110", OriginCountry: "DE"}
		}, want: []string{"PROHIB-CITES"}, action: customs.ActionSeize, reason: "CITES"},
		{name: "power bank is lithium", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Power bank 20000 mAh", Quantity: 1, NetWeightG: 400, Value: "25.00", HSCode: "850760", OriginCountry: "DE"}
		}, want: []string{"DG-LITHIUM"}, action: customs.ActionXray},
		{name: "phone under a plastics HS", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Used iPhone 13", Quantity: 1, NetWeightG: 200, Value: "300.00", HSCode: "392690", OriginCountry: "DE"}
		}, want: []string{"MISMATCH-PHONES"}, action: customs.ActionDocumentCheck},
		{name: "undervalued watch", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Wrist watch, steel", Quantity: 5, NetWeightG: 1000, Value: "20.00", HSCode: "910211", OriginCountry: "CH"}
		}, want: []string{"UNDERVALUATION"}, action: customs.ActionDocumentCheck, reason: "chapter 91 norm"},
		{name: "paid far more than declared", edit: func(d *customs.Declaration) { d.Ecommerce.TransactionValue = "120.00" },
			want: []string{"UNDERVALUATION"}, action: customs.ActionDocumentCheck},
		{name: "sanctioned sender in Cyrillic", edit: func(d *customs.Declaration) { d.Sender.Name = "Калинин Виктор Сергеевич" },
			want: []string{"WATCH-SANCTIONS"}, action: customs.ActionPhysicalInspection, reason: "Viktor Sergeyevich Kalinin"},
		{name: "sanctioned name respelled", edit: func(d *customs.Declaration) { d.Addressee.Name = "Dmitriy VOLKOF" },
			want: []string{"WATCH-SANCTIONS"}, action: customs.ActionPhysicalInspection},
		{name: "split order", edit: func(d *customs.Declaration) { d.Lines[0].Value = "5.00" }, prior: customs.Prior{Count: 2, ValueSDR: 3},
			want: []string{"SPLIT-CONSIGNMENTS"}, action: customs.ActionDocumentCheck, reason: "3 consignments"},
		{name: "over the e-commerce limit", edit: func(d *customs.Declaration) { d.Lines[0].Value = "900.00" },
			want: []string{"VALUE-CN-ECOM-LIMIT"}, action: customs.ActionDocumentCheck},
		{name: "fireworks go back", edit: func(d *customs.Declaration) {
			d.Lines[0] = customs.Line{Description: "Fireworks assortment", Quantity: 1, NetWeightG: 900, Value: "30.00", HSCode: "360410", OriginCountry: "DE"}
		}, want: []string{"PROHIB-EXPLOSIVES"}, action: customs.ActionReturnToSender},
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
			if s.RulesVersion != "2026-11-23.1" {
				t.Errorf("rules version = %q", s.RulesVersion)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Иван Петров":             "ivan petrov",
		"  José  MARÍA-López ":    "jose maria lopez",
		"Zhao Lei Trading Co Ltd": "zhao lei",
		"Νικόλαος Παπαδάκης":      "nikolaos papadakis",
		"Straße":                  "strasse",
	} {
		if got := customs.NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRulesErrors(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile("../demo/customs-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"typo names line and key", "    score: 300\n    action: seize\n    reason: \"line {line}: narcotic", "    scroe: 300\n    action: seize\n    reason: \"line {line}: narcotic",
			[]string{"line 22: rules[0].scroe", `did you mean "score"`}},
		{"wrong type", "near_de_minimis: 0.08", "near_de_minimis: lots", []string{"rules[", "near_de_minimis", "float64"}},
		{"bad HS prefix", `hs: ["3405", "3808"]`, `hs: ["3405", "38x8"]`, []string{"hs[1]", `"38x8" is not an HS prefix`}},
		{"unknown kind", "kind: dangerous\n    hs: [\"3405\"", "kind: dangerus\n    hs: [\"3405\"", []string{`"dangerus" is not one of`}},
		{"bands out of order", "xray: 50", "xray: 20", []string{"actions.xray", "must be above document_check"}},
		{"key of another kind", "    min_items: 3\n", "    min_items: 3\n    hs: [\"85\"]\n", []string{`key "hs" does not apply to rules of kind splitting`}},
		{"no version", `version: "2026-11-23.1"`, `# no version`, []string{": version: required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(string(good), tt.from, tt.to, 1)
			if bad == string(good) {
				t.Fatalf("test edit %q not found in the demo rules", tt.from)
			}
			_, err := customs.CompileRules([]byte(bad), "rules.yaml", postal.DefaultRates())
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
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
		{"CN import over de minimis", func(d *customs.Declaration) {}, "59.48", "46.40", "CNY", "", "addressee"},
		{"CN import under de minimis", func(d *customs.Declaration) { d.Lines[0].Value = "5.00" }, "0.00", "5.37", "CNY", "de minimis", "addressee"},
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
			got, ok, err := e.Duties(&v, customs.DutyEstimate, t0)
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
