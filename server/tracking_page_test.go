package server_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/tracking"
)

// publicLanguages are the languages the public tracking page speaks.
var publicLanguages = []string{"zh-CN", "en", "ru", "fr", "es", "de", "pl", "ja", "ko"}

// TestTrackCatalogueComplete fails when a language of the public page
// lacks a text English has, or when a status or event code has no
// buyer-facing label.
func TestTrackCatalogueComplete(t *testing.T) {
	c := i18n.Default()
	for _, l := range publicLanguages {
		tag := language.MustParse(l)
		if got := c.Match(l); got != tag {
			t.Errorf("%s is not a catalogue language (matched %s)", l, got)
		}
		for _, area := range []string{"track.", "public.", "country.", "language.self"} {
			if m := c.Missing(tag, area); len(m) > 0 {
				t.Errorf("%s lacks %q", l, m)
			}
		}
	}
	for _, st := range tracking.Statuses() {
		if !c.Has("public.status." + string(st)) {
			t.Errorf("status %s has no public label", st)
		}
	}
	for _, ci := range tracking.Codes() {
		if !c.Has("public.event." + string(ci.Code)) {
			t.Errorf("event %s has no public text", ci.Code)
		}
	}
}

// trackPageNow is the clock of the page tests: the held item's events
// are in the past of it whatever day the tests run.
var trackPageNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// heldItemEnv serves an item posted in Guangzhou to Poland and held by
// Polish import customs for a document check, as in the demo.
func heldItemEnv(t *testing.T) (*env, string) {
	t.Helper()
	e, id, _ := heldItemApp(t)
	return e, id
}

// heldItemApp is heldItemEnv with the app behind the server.
func heldItemApp(t *testing.T) (*env, string, *app.App) {
	t.Helper()
	return heldItemAppWith(t, app.Options{})
}

// heldItemAppWith is heldItemApp with options for the app (its clock is the page tests').
func heldItemAppWith(t *testing.T, o app.Options) (*env, string, *app.App) {
	t.Helper()
	e := newEnv(t)
	e.srv.Close()
	ctx := context.Background()
	if err := e.store.PutOffices(ctx, []network.Office{
		{Code: "PLWAWA", Name: "Warszawa Office of Exchange", Country: "PL", Kind: network.KindOE, Lat: 52.2, Lon: 21, TZ: "Europe/Warsaw", ConnectMin: 90, Customs: true},
		{Code: "CNCANA", Name: "Guangzhou International Mail Processing Centre", Country: "CN", Kind: network.KindIMPC, Lat: 23.4, Lon: 113.3, TZ: "Asia/Shanghai", ConnectMin: 180, Customs: true},
	}); err != nil {
		t.Fatal(err)
	}
	o.Now = func() time.Time { return trackPageNow }
	a := newApp(t, e.store, o)
	e.handler = newServer(t, a)
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	id := e.shipment("acme")
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	evs := []tracking.Event{
		{Object: id, Code: tracking.EMA, Office: "CNXMNA", Time: at(23, 1, 22), Source: "post"},
		{Object: id, Code: tracking.EMB, Office: "CNCANA", Time: at(24, 1, 22), Source: "post"},
		{Object: id, Code: tracking.EMC, Office: "CNCANA", Time: at(24, 9, 40), Source: "post", NextOffice: "PLWAWA"},
		{Object: id, Code: tracking.EMD, Office: "PLWAWA", Time: at(26, 6, 5), Source: "partner:PLPOST"},
		{Object: id, Code: tracking.EDB, Office: "PLWAWA", Time: at(26, 9, 0), Source: "partner:PLPOST"},
		{Object: id, Code: tracking.EME, Office: "PLWAWA", Time: at(27, 10, 15), Source: "customs", Reason: "document_check"},
	}
	if err := a.Tracking.Record(ctx, evs...); err != nil {
		t.Fatal(err)
	}
	return e, id, a
}

var (
	tagRE  = regexp.MustCompile(`(?s)<style.*?</style>|<[^>]*>`)
	codeRE = regexp.MustCompile(`\b(E[MXD][A-Z])\b|[a-z]+_[a-z_]+`)
)

// visibleText is the page's text as a reader sees it (tags and styles
// removed).
func visibleText(page string) string {
	return html.UnescapeString(strings.Join(strings.Fields(tagRE.ReplaceAllString(page, " ")), " "))
}

// TestTrackPageLanguages renders the held item in Chinese, Russian and
// Spanish: plain event texts, the city and country in the language, local
// times with their UTC offset, the hold's reason and the next step, and no
// raw codes or personal data.
func TestTrackPageLanguages(t *testing.T) {
	e, id := heldItemEnv(t)
	for _, tc := range []struct {
		accept string
		lang   string
		want   []string
	}{
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", []string{"进口海关查验中", "海关查验", "中国广州", "波兰华沙", "11月24日 09:22（UTC+8）", "11月27日 11:15（UTC+1）",
			"海关需要单证", "请向卖家索取", "自11月27日起海关查验中", "从中国寄往波兰", "已发往国外", "到达目的国"}},
		{"ru-RU,ru;q=0.9", "ru", []string{"На таможенном контроле", "Задержано таможней", "Гуанчжоу, Китай", "Варшава, Польша", "24 нояб. 09:22 (UTC+8)",
			"Таможне нужны документы", "Что вы можете сделать:", "Откуда: Китай · Куда: Польша", "Отправлено за границу"}},
		{"es-MX,es;q=0.9", "es", []string{"Retenido en aduana", "Retenido por la aduana", "Cantón, China", "Varsovia, Polonia", "24 nov. 09:22 (UTC+8)",
			"La aduana necesita documentos", "Qué puede hacer:", "De China a Polonia", "Enviado al extranjero"}},
	} {
		r := e.do("GET", "/track/"+id, "", nil, "Accept-Language", tc.accept)
		page := string(r.body)
		text := visibleText(page)
		if r.status != http.StatusOK || !strings.Contains(page, `<html lang="`+tc.lang+`">`) || r.header.Get("Content-Language") != tc.lang {
			t.Fatalf("%s: %d lang %q\n%s", tc.accept, r.status, r.header.Get("Content-Language"), text)
		}
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: page lacks %q:\n%s", tc.lang, w, text)
			}
		}
		if m := codeRE.FindAllString(text, -1); len(m) > 0 {
			t.Errorf("%s: raw codes on the page: %q", tc.lang, m)
		}
		for _, private := range []string{"Anna Nowak", "Prosta", "ACME", "Office of Exchange", "Mail Processing"} {
			if strings.Contains(text, private) {
				t.Errorf("%s: page shows %q", tc.lang, private)
			}
		}
	}
	// English keeps the network's Latin city names and plain words.
	text := visibleText(string(e.do("GET", "/track/"+id, "", nil).body))
	for _, w := range []string{"Held by import customs", "Warszawa, Poland", "Guangzhou, China", "24 Nov 09:22 (UTC+8)", "Customs needs documents", "Sent abroad"} {
		if !strings.Contains(text, w) {
			t.Errorf("en: page lacks %q:\n%s", w, text)
		}
	}
	if strings.Contains(text, "office of exchange") {
		t.Errorf("en: UPU jargon on the page:\n%s", text)
	}
}

// TestTrackPageNegotiation: ?lang= (kept in a cookie) beats the cookie,
// which beats Accept-Language; unknown tags give English, never an error;
// caches are told the page varies by both.
func TestTrackPageNegotiation(t *testing.T) {
	e, id := heldItemEnv(t)
	for _, tc := range []struct {
		name, query, cookie, accept, want string
		setsCookie                        bool
	}{
		{name: "no preference", want: "en"},
		{name: "header", accept: "fr-CH, fr;q=0.9, en;q=0.8", want: "fr"},
		{name: "header quality order", accept: "xx;q=1, de;q=0.5, pl;q=0.9", want: "pl"},
		{name: "chinese script", accept: "zh-Hans", want: "zh-CN"},
		{name: "japanese", accept: "ja-JP", want: "ja"},
		{name: "korean", accept: "ko-KR,ko;q=0.9", want: "ko"},
		{name: "unknown tags", accept: "xx-YY, tlh", want: "en"},
		{name: "malformed header", accept: ";;;,=q", want: "en"},
		{name: "cookie beats header", cookie: "ru", accept: "es", want: "ru"},
		{name: "bad cookie", cookie: "%%%", accept: "de", want: "de"},
		{name: "query beats both", query: "ko", cookie: "ru", accept: "es", want: "ko", setsCookie: true},
		{name: "unknown query ignored", query: "xx", accept: "es", want: "es"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := "/track/" + id
			if tc.query != "" {
				path += "?lang=" + tc.query
			}
			h := []string{"Accept-Language", tc.accept}
			if tc.cookie != "" {
				h = append(h, "Cookie", "lang="+tc.cookie)
			}
			r := e.do("GET", path, "", nil, h...)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `<html lang="`+tc.want+`">`) {
				t.Fatalf("status %d, want lang %s: %.300s", r.status, tc.want, r.body)
			}
			if v := r.header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Language") || !strings.Contains(strings.Join(v, ","), "Cookie") {
				t.Errorf("Vary = %q", v)
			}
			sc := r.header.Get("Set-Cookie")
			if tc.setsCookie != (sc != "") {
				t.Errorf("Set-Cookie = %q", sc)
			}
			if sc != "" && (!strings.Contains(sc, "lang="+tc.want) || !strings.Contains(sc, "Path=/track") || !strings.HasPrefix(r.header.Get("Cache-Control"), "private")) {
				t.Errorf("Set-Cookie %q with Cache-Control %q", sc, r.header.Get("Cache-Control"))
			}
		})
	}
	// The problem pages speak the language too.
	if r := e.do("GET", "/track/EE123456784CN", "", nil, "Accept-Language", "de"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "keine gültige Sendungsnummer") {
		t.Errorf("bad id in German = %d %s", r.status, visibleText(string(r.body)))
	}
}

// TestTrackPageRevalidates: the page carries an ETag of its bytes; a reader who sends it back
// gets 304 without a body until the item (or the page's language) changes.
func TestTrackPageRevalidates(t *testing.T) {
	e, id, a := heldItemApp(t)
	first := e.do("GET", "/track/"+id, "", nil)
	etag := first.header.Get("ETag")
	if first.status != http.StatusOK || !strings.HasPrefix(etag, `"`) || !strings.HasPrefix(first.header.Get("Cache-Control"), "public") {
		t.Fatalf("first view: %d ETag %q Cache-Control %q", first.status, etag, first.header.Get("Cache-Control"))
	}
	if r := e.do("GET", "/track/"+id, "", nil, "If-None-Match", etag); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
		t.Fatalf("revalidation: %d, %d bytes, ETag %q", r.status, len(r.body), r.header.Get("ETag"))
	}
	if r := e.do("GET", "/track/"+id, "", nil, "If-None-Match", `W/`+etag+`, "other"`); r.status != http.StatusNotModified {
		t.Fatalf("weak form in a list: %d", r.status)
	}
	// Another language is another page.
	if r := e.do("GET", "/track/"+id, "", nil, "If-None-Match", etag, "Accept-Language", "de"); r.status != http.StatusOK || r.header.Get("ETag") == etag {
		t.Fatalf("German with the English ETag: %d %q", r.status, r.header.Get("ETag"))
	}
	// A new scan changes the page and its tag.
	if err := a.Tracking.Record(context.Background(), tracking.Event{Object: id, Code: tracking.EDC, Office: "PLWAWA",
		Time: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), Source: "customs"}); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/track/"+id, "", nil, "If-None-Match", etag); r.status != http.StatusOK || r.header.Get("ETag") == etag {
		t.Fatalf("after a new event: %d, ETag %q", r.status, r.header.Get("ETag"))
	}
	// Problem pages are not revalidated.
	if r := e.do("GET", "/track/EE123456784CN", "", nil); r.header.Get("ETag") != "" {
		t.Fatalf("400 page with ETag %q", r.header.Get("ETag"))
	}
}
