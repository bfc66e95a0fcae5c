package acceptance_test

import (
	"strings"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

func TestPostcodes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, country, postcode string
		want                    string // normalised, or the start of the addressee.postcode error
		ok                      bool
	}{
		{"pl ok", "PL", "00-950", "00-950", true},
		{"pl without hyphen", "PL", "00950", "00-950", true},
		{"pl wrong", "PL", "1234", `postcode "1234" is not a valid postcode of Poland (PL): expected the form 99-999, e.g. 00-950`, false},
		{"pl missing", "PL", "", "required for addresses in Poland (PL): the form 99-999, e.g. 00-950", false},
		{"uk spacing and case", "GB", "sw1a 1aa", "SW1A 1AA", true},
		{"nl", "NL", "1234ab", "1234 AB", true},
		{"ca", "CA", "h3z2y7", "H3Z 2Y7", true},
		{"ca wrong letter", "CA", "D3Z 2Y7", `postcode "D3Z 2Y7" is not a valid postcode of Canada (CA)`, false},
		{"ie optional", "IE", "", "", true},
		{"hk none", "HK", "", "", true},
		{"ru", "RU", "10100", `postcode "10100" is not a valid postcode of Russian Federation (RU): expected the form 999999, e.g. 247112`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := request()
			r.Addressee.Country, r.Addressee.Postcode = c.country, c.postcode
			v, err := acceptance.Validate(r, "CN", postal.DefaultRates())
			if c.ok {
				if err != nil || v.Addressee.Postcode != c.want {
					t.Fatalf("postcode %q → %q, %v; want %q", c.postcode, v.Addressee.Postcode, err, c.want)
				}
				return
			}
			fs := postal.Fields(err)
			if len(fs) != 1 || fs[0].Field != "addressee.postcode" || !strings.HasPrefix(fs[0].Message, c.want) {
				t.Fatalf("errors %v; want addressee.postcode: %s", fs, c.want)
			}
		})
	}
}

func TestLatinForms(t *testing.T) {
	t.Parallel()
	r := request()
	r.Sender = acceptance.Party{Name: "厦门茶叶有限公司 王小明", Address: "思明区湖滨南路88号", City: "厦门市", Postcode: "361000", Country: "CN"}
	r.Addressee = acceptance.Party{Name: "Иван Щукин", NameLatin: "Ivan Shchukin", Address: "ул. Тверская, д. 7", City: "Москва", Postcode: "101000", Country: "RU"}
	v, err := acceptance.Validate(r, "CN", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	s, a := v.Sender, v.Addressee
	if s.NameLatin != "Xiamen Cha Ye You Xian Gong Si Wang Xiaoming" || s.CityLatin != "Xiamen" || s.AddressLatin != "Si Ming Qu Hu Bin Nan Lu 88 Hao" {
		t.Errorf("sender Latin forms %+v", s)
	}
	if a.NameLatin != "Ivan Shchukin" || a.CityLatin != "Moskva" || a.AddressLatin != "ul. Tverskaia, d. 7" {
		t.Errorf("addressee Latin forms %+v", a)
	}
	if l := a.Latin(); l.Name != "Ivan Shchukin" || l.City != "Moskva" || l.Postcode != "101000" {
		t.Errorf("Latin() = %+v", l)
	}
	var fields []string
	for _, w := range v.Warnings {
		fields = append(fields, w.Field)
		if w.Code != acceptance.WarnLatinDerived || w.Message == "" {
			t.Errorf("warning %+v", w)
		}
	}
	// The client's own name_latin is not a warning.
	if got := strings.Join(fields, ","); got != "sender.name_latin,sender.address_latin,sender.city_latin,addressee.address_latin,addressee.city_latin" {
		t.Errorf("warnings on %s", got)
	}
	if !strings.Contains(v.Warnings[0].Message, "Hanyu Pinyin") || !strings.Contains(v.Warnings[4].Message, "ICAO") {
		t.Errorf("warnings do not name the method: %+v", v.Warnings)
	}
}

func TestLatinRequired(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		edit  func(*acceptance.Request)
		field string
		msg   string
	}{
		{"arabic name", func(r *acceptance.Request) {
			r.Addressee = acceptance.Party{Name: "محمد علي", Address: "Sheikh Zayed Rd 1", City: "Dubai", Country: "AE"}
		}, "addressee.name", "a Latin form is required: send addressee.name_latin"},
		{"japanese kanji", func(r *acceptance.Request) {
			r.Addressee = acceptance.Party{Name: "山田太郎", Address: "1-1 Chiyoda", City: "Tokyo", Postcode: "100-0001", Country: "JP"}
		}, "addressee.name", "only for addresses in China"},
		{"latin form not latin", func(r *acceptance.Request) {
			r.Addressee.NameLatin = "Иван"
		}, "addressee.name_latin", "must be in Latin script"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := request()
			c.edit(&r)
			_, err := acceptance.Validate(r, "CN", postal.DefaultRates())
			fs := postal.Fields(err)
			if len(fs) != 1 || fs[0].Field != c.field || !strings.Contains(fs[0].Message, c.msg) {
				t.Fatalf("errors %v; want %s: …%s…", fs, c.field, c.msg)
			}
		})
	}
	// With the Latin form supplied, the Arabic name is accepted and kept.
	r := request()
	r.Addressee = acceptance.Party{Name: "محمد علي", NameLatin: "Mohammed Ali", Address: "Sheikh Zayed Rd 1", City: "Dubai", Country: "AE"}
	v, err := acceptance.Validate(r, "CN", postal.DefaultRates())
	if err != nil || v.Addressee.Name != "محمد علي" || v.Addressee.NameLatin != "Mohammed Ali" || len(v.Warnings) != 0 {
		t.Fatalf("%+v %v", v.Addressee, err)
	}
}

func BenchmarkValidate(b *testing.B) {
	latin := request()
	cn := request()
	cn.Sender = acceptance.Party{Name: "厦门茶叶有限公司 王小明", Address: "思明区湖滨南路88号", City: "厦门市", Postcode: "361000", Country: "CN"}
	cn.Addressee = acceptance.Party{Name: "James Smith", Address: "10 Downing St", City: "London", Postcode: "sw1a2aa", Country: "GB"}
	rates := postal.DefaultRates()
	b.Run("latin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := acceptance.Validate(latin, "CN", rates); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chinese-sender-uk-postcode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := acceptance.Validate(cn, "CN", rates); err != nil {
				b.Fatal(err)
			}
		}
	})
}
