package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// A Chinese sender and a Cyrillic addressee are accepted with their Latin
// forms derived and listed in warnings; both forms come back on GET.
func TestCreateDerivesLatinForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := validBody()
	b["sender"] = map[string]any{"name": "厦门茶叶有限公司 王小明", "address": "思明区湖滨南路88号", "city": "厦门市", "postcode": "361000", "country": "CN"}
	b["addressee"] = map[string]any{"name": "Иван Щукин", "name_latin": "Ivan Shchukin", "address": "ул. Тверская, д. 7", "city": "Москва", "postcode": "101000", "country": "RU"}
	r := e.do("POST", "/v1/shipments", "acme", b)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sh struct {
		ID        string
		Sender    struct{ Name, City, NameLatin, CityLatin string }
		Addressee struct {
			Name      string `json:"name"`
			NameLatin string `json:"name_latin"`
			CityLatin string `json:"city_latin"`
		}
		Warnings []struct{ Field, Code, Message string }
	}
	r.json(t, &sh)
	if sh.Addressee.Name != "Иван Щукин" || sh.Addressee.NameLatin != "Ivan Shchukin" || sh.Addressee.CityLatin != "Moskva" {
		t.Errorf("addressee %+v", sh.Addressee)
	}
	var fields []string
	for _, w := range sh.Warnings {
		fields = append(fields, w.Field)
		if w.Code != "latin_derived" {
			t.Errorf("warning %+v", w)
		}
	}
	if got := strings.Join(fields, ","); got != "sender.name_latin,sender.address_latin,sender.city_latin,addressee.address_latin,addressee.city_latin" {
		t.Errorf("warnings on %s", got)
	}
	g := e.do("GET", "/v1/shipments/"+sh.ID, "acme", nil)
	if !strings.Contains(string(g.body), `"name_latin":"Xiamen Cha Ye You Xian Gong Si Wang Xiaoming"`) || !strings.Contains(string(g.body), `"city_latin":"Xiamen"`) ||
		!strings.Contains(string(g.body), `"name":"厦门茶叶有限公司 王小明"`) || strings.Contains(string(g.body), "warnings") {
		t.Errorf("GET: %s", g.body)
	}
}

func TestCreateRefusesUntransliterable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := validBody()
	b["addressee"] = map[string]any{"name": "محمد علي", "address": "Sheikh Zayed Rd 1", "city": "Dubai", "country": "AE"}
	r := e.do("POST", "/v1/shipments", "acme", b)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `a Latin form is required: send addressee.name_latin","location":"body.addressee.name"`) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	b["addressee"].(map[string]any)["postcode"] = "1234"
	b["addressee"].(map[string]any)["country"] = "PL"
	b["addressee"].(map[string]any)["name_latin"] = "Mohammed Ali"
	r = e.do("POST", "/v1/shipments", "acme", b)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `postcode \"1234\" is not a valid postcode of Poland (PL): expected the form 99-999, e.g. 00-950","location":"body.addressee.postcode"`) {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if e.count() != 0 {
		t.Error("a refused shipment was stored")
	}
}
