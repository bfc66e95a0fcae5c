package console

import (
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
	"golang.org/x/text/language"
)

// untranslatedAllowed are texts that read the same in every language:
// the brand, units, form and standard names.
var untranslatedAllowed = map[string]bool{
	"Interpost": true, "kg": true, "mm": true, "PDF": true, "CSV": true, "XLSX": true, "SKU": true, "API": true,
	"HS": true, "S10": true, "UTC": true, "EMS": true, "ID": true, "CN": true, "ipk_…": true,
}

// hole stands for an action in a template's text when checking it.
const hole = "\x00"

var (
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	rawRe       = regexp.MustCompile(`(?is)<(script|style)\b[^>]*>.*?</(script|style)>`)
	commentRe   = regexp.MustCompile(`(?s)<!--.*?-->`)
	attrRe      = regexp.MustCompile(`(?i)\b(title|aria-label|placeholder|alt)="([^"]*)"`)
	letterRe    = regexp.MustCompile(`\p{L}`)
	wordRe      = regexp.MustCompile(`[\p{L}\p{N}_…]+`)
	stringArgRe = regexp.MustCompile(`"(console\.[a-z0-9_]+\.[A-Za-z0-9_.\-]+)"`)
	// labelArgRe finds labels handed to partials and form helpers as
	// string arguments: (dict "Head" "…"), (.F "name" "…"), (.Cell $i "name" "…").
	labelArgRe = regexp.MustCompile(`(?:"(?:Head|Label|Legend)"|\.F (?:"[^"]*"|\([^)]*\))|\.Cell \$i "[^"]*") "([^"]*)"`)
)

// flatten writes a template's text with every action as hole, walking into
// if/range/with bodies, so tags split by actions still read as tags.
func flatten(n parse.Node, b *strings.Builder) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			flatten(c, b)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.IfNode:
		b.WriteString(hole)
		flatten(n.List, b)
		b.WriteString(hole)
		flatten(n.ElseList, b)
		b.WriteString(hole)
	case *parse.RangeNode:
		b.WriteString(hole)
		flatten(n.List, b)
		b.WriteString(hole)
		flatten(n.ElseList, b)
		b.WriteString(hole)
	case *parse.WithNode:
		b.WriteString(hole)
		flatten(n.List, b)
		b.WriteString(hole)
		flatten(n.ElseList, b)
		b.WriteString(hole)
	default:
		b.WriteString(hole)
	}
}

// literalTexts lists the texts of a template that a reader sees and that
// do not come from t, n or data: text between tags and the values of
// title, aria-label, placeholder and alt.
func literalTexts(src string) ([]string, error) {
	trees := map[string]*parse.Tree{}
	tr := parse.New("page")
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(src, "{{", "}}", trees); err != nil {
		return nil, err
	}
	var out []string
	for _, name := range slices.Sorted(mapsKeys(trees)) {
		var b strings.Builder
		flatten(trees[name].Root, &b)
		s := commentRe.ReplaceAllString(rawRe.ReplaceAllString(b.String(), hole), hole)
		var texts []string
		for _, tag := range tagRe.FindAllString(s, -1) {
			for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
				texts = append(texts, strings.Split(m[2], hole)...)
			}
		}
		texts = append(texts, strings.Split(tagRe.ReplaceAllString(s, hole), hole)...)
		for _, t := range texts {
			t = strings.TrimSpace(t)
			for _, w := range wordRe.FindAllString(t, -1) {
				if letterRe.MatchString(w) && !untranslatedAllowed[w] {
					out = append(out, t)
					break
				}
			}
		}
	}
	return out, nil
}

// TestTemplatesHaveNoLiteralText fails on any text a page shows that does
// not go through the catalogue, and on any message id a template names
// that English lacks.
func TestTemplatesHaveNoLiteralText(t *testing.T) {
	cat := i18n.Default()
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := literalTexts(string(b))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for _, s := range texts {
			t.Errorf("%s: untranslated text %q: put it in i18n/locales/console.en.yaml and use {{t \"console.…\"}}", path.Base(n), s)
		}
		for _, m := range labelArgRe.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasPrefix(m[1], "console.") {
				t.Errorf("%s: label %q handed to a partial is not a message id", path.Base(n), m[1])
			}
		}
		for _, m := range stringArgRe.FindAllStringSubmatch(string(b), -1) {
			if !cat.Has(m[1]) {
				t.Errorf("%s: message %q is not in console.en.yaml", path.Base(n), m[1])
			}
		}
	}
}

func TestLiteralTextsFindsText(t *testing.T) {
	got, err := literalTexts(`{{define "content"}}<p class="x" title="Hello {{.N}}">{{t "console.a"}} Goodbye {{if .X}}<b>{{.Y}} world</b>{{end}} · 3 kg</p><script>var s = "code";</script>{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Hello", "Goodbye", "world"}
	if !slices.Equal(got, want) {
		t.Errorf("literalTexts = %q, want %q", got, want)
	}
}

// TestConsoleCatalogueComplete fails when Chinese lacks a console message
// or a code label, or a domain code has no label.
func TestConsoleCatalogueComplete(t *testing.T) {
	cat := i18n.Default()
	zh := language.MustParse("zh-CN")
	for _, prefix := range []string{"console.", "code.", "common."} {
		if m := cat.Missing(zh, prefix); len(m) > 0 {
			t.Errorf("zh-CN lacks %d %s messages: %q", len(m), prefix, m)
		}
	}
	var want []string
	for _, s := range tracking.Statuses() {
		want = append(want, "code.status."+string(s))
	}
	for _, c := range tracking.Codes() {
		want = append(want, "code.event."+string(c.Code), "code.stage."+string(c.Stage))
	}
	for _, a := range []risk.Action{risk.ActionRelease, risk.ActionDocumentCheck, risk.ActionXray, risk.ActionPhysicalInspection, risk.ActionReturnToSender, risk.ActionSeize} {
		want = append(want, "code.customs."+string(a))
	}
	for _, p := range postal.Products() {
		want = append(want, "code.product."+string(p.Code))
	}
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RoleMerchant, auth.RolePartner} {
		want = append(want, "code.role."+string(r))
	}
	for _, n := range navigation {
		want = append(want, n.Label)
	}
	for _, id := range want {
		if !cat.Has(id) {
			t.Errorf("no English label %q", id)
		}
	}
}

// TestLanguage: the browser's Accept-Language chooses the console's
// language, the switcher's choice (a cookie) overrides it, and an unknown
// language gives English.
func TestLanguage(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	cookies, token := tc.signIn(t, "admin")
	for _, c := range []struct {
		accept string
		lang   string
		says   string
	}{
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "邮件"},
		{"zh", "zh-CN", "按收寄顺序"},
		{"xx-YY, qq", "en", "In the order they were accepted"},
		{"", "en", "Sign out"},
		{"ru, zh;q=0.5", "zh-CN", "退出登录"},
	} {
		_, page := tc.do(t, "GET", "/console/shipments", nil, cookies, "Accept-Language", c.accept)
		if !strings.Contains(page, `<html lang="`+c.lang+`">`) || !strings.Contains(page, c.says) {
			t.Errorf("Accept-Language %q: want lang %s saying %q:\n%.600s", c.accept, c.lang, c.says, page)
		}
	}
	// The switcher: a form post with the page's token sets the cookie and
	// returns to the page.
	resp, _ := tc.do(t, "POST", "/console/language", url.Values{"csrf": {token}, "lang": {"zh-CN"}, "back": {"/console/shipments?status=delivered"}}, cookies)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/shipments?status=delivered" {
		t.Fatalf("switch = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var lang *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == langCookie {
			lang = ck
		}
	}
	if lang == nil || lang.Value != "zh-CN" || !lang.HttpOnly {
		t.Fatalf("language cookie %+v", lang)
	}
	_, page := tc.do(t, "GET", "/console/shipments", nil, append(cookies, lang), "Accept-Language", "en")
	if !strings.Contains(page, `<html lang="zh-CN">`) || !strings.Contains(page, "<title>邮件 · Interpost 控制台</title>") {
		t.Errorf("cookie zh-CN over Accept-Language en:\n%.600s", page)
	}
	// Without the form token the switch is refused, and off-console
	// returns are dropped.
	if resp, _ := tc.do(t, "POST", "/console/language", url.Values{"lang": {"zh-CN"}}, cookies); resp.StatusCode != http.StatusForbidden {
		t.Errorf("switch without token = %d", resp.StatusCode)
	}
	if resp, _ := tc.do(t, "POST", "/console/language", url.Values{"csrf": {token}, "lang": {"zh-CN"}, "back": {"//evil.example/"}}, cookies); resp.Header.Get("Location") != "/console/" {
		t.Errorf("switch to an outside page went to %q", resp.Header.Get("Location"))
	}
	// Every page the test console serves renders in Chinese, with no
	// message id left untranslated.
	leak := regexp.MustCompile(`(?:code|console)\.[a-z_]+\.[A-Za-z0-9_.\-]+`)
	for _, p := range []string{"/console/overview", "/console/shipments", "/console/shipments/new", "/console/network", "/console/network/offices/CNXMNA", "/console/keys", "/console/routes"} {
		resp, page := tc.do(t, "GET", p, nil, append(cookies, lang))
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("zh-CN %s = %d", p, resp.StatusCode)
		}
		if m := leak.FindString(page); m != "" {
			t.Errorf("zh-CN %s shows the message id %q", p, m)
		}
	}
	// Error pages speak the language too.
	_, page = tc.do(t, "GET", "/console/nowhere", nil, append(cookies, lang))
	if !strings.Contains(page, "控制台中没有 /console/nowhere 这个页面") {
		t.Errorf("zh 404:\n%.800s", page)
	}
}

// TestStoredLanguage: switching while signed in stores the choice for the
// key's user, so a fresh browser signing in with that key gets it over its
// Accept-Language; other users keep theirs; an explicit switch in the
// browser still wins over the stored preference.
func TestStoredLanguage(t *testing.T) {
	t.Parallel()
	tc := newTestConsole(t)
	cookies, token := tc.signIn(t, "admin")
	resp, _ := tc.do(t, "POST", "/console/language", url.Values{"csrf": {token}, "lang": {"zh-CN"}}, cookies)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch = %d", resp.StatusCode)
	}
	says := func(who string, cookies []*http.Cookie, lang string) {
		t.Helper()
		_, page := tc.do(t, "GET", "/console/shipments", nil, cookies, "Accept-Language", "en-US,en;q=0.9")
		if !strings.Contains(page, `<html lang="`+lang+`">`) {
			t.Errorf("%s with Accept-Language en: want lang %s:\n%.400s", who, lang, page)
		}
	}
	fresh, token := tc.signIn(t, "admin") // another browser: no language cookie
	says("admin (stored zh-CN), new browser", fresh, "zh-CN")
	other, _ := tc.signIn(t, "customs")
	says("customs (nothing stored)", other, "en")
	// The browser's explicit switch wins, and is stored in turn.
	resp, _ = tc.do(t, "POST", "/console/language", url.Values{"csrf": {token}, "lang": {"xx-unknown"}}, fresh)
	var lang *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == langCookie {
			lang = ck
		}
	}
	if lang == nil || lang.Value != "en" {
		t.Fatalf("unknown tag's cookie = %+v, want en", lang)
	}
	third, _ := tc.signIn(t, "admin")
	says("admin after switching to an unknown tag", third, "en")
}
