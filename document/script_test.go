package document

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestEveryScript renders a label whose fields are written in every script
// the documents must print and checks that pdftotext reads each back: the
// glyphs are in the PDF, not "?" and not dropped.
func TestEveryScript(t *testing.T) {
	l := exampleCN22()
	l.Sender.Company = "株式会社 東京"                                       // Japanese
	l.Addressee.Company = "서울 무역 주식회사"                                 // Korean
	l.Addressee.Address = "Οδός Ερμού 12, Αθήνα · Žluťoučký kůň, Łódź" // Greek, Latin with diacritics
	pdf := render(t, l)
	requireTools(t, "pdftotext")
	text := pdfText(t, pdf)
	for _, want := range []string{
		"厦门茶叶有限公司 王小明", "思明区湖滨南路1号", "厦门", "乌龙茶", "王小明", // Chinese sender, contents, signature
		"株式会社 東京", "서울 무역 주식회사", "Анна Петровна Смирнова", "Москва", "Οδός Ερμού 12",
		"Žluťoučký kůň", "Łódź", "RUSSIAN FEDERATION (RU)", "RUSSIE · РОССИЯ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered label lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "?") {
		t.Errorf("rendered label has a ?:\n%s", text)
	}
}

// TestFallbackFontsSubset checks that a Latin-only label embeds no
// fallback font and that one with Chinese embeds a subset of a few
// kilobytes, not the 4 MB font.
func TestFallbackFontsSubset(t *testing.T) {
	latin := exampleCN22()
	latin.Sender = Party{Name: "Xiamen Tea Co", Address: "1 Hubin Rd", City: "Xiamen", Postcode: "361000", Country: "CN", CountryName: "China"}
	latin.Addressee = Party{Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL", CountryName: "Poland"}
	latin.Origin, latin.Signature = "CNXMNA Xiamen", "Xiamen Tea Co"
	latin.Declaration.Lines[0].Description = "Oolong tea"
	plain, cjk := render(t, latin), render(t, exampleCN22())
	t.Logf("Latin-only label %d bytes, with Chinese and Cyrillic %d bytes", len(plain), len(cjk))
	if bytes.Contains(plain, []byte("DroidSansFallback")) || bytes.Contains(plain, []byte("DejaVuSans")) || bytes.Contains(plain, []byte("NanumSquare")) {
		t.Error("a Latin-only label embeds a fallback font")
	}
	if !bytes.Contains(cjk, []byte("DroidSansFallback")) {
		t.Error("a label with Chinese does not embed Droid Sans Fallback")
	}
	if len(cjk) > len(plain)+200_000 {
		t.Errorf("label with Chinese is %d bytes, %d more than Latin-only: the font is not subset", len(cjk), len(cjk)-len(plain))
	}
}

func TestClean(t *testing.T) {
	c, err := newCanvas(labelW, labelH)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"厦门\tTea\n Co": "厦门 Tea Co",
		"東京 서울 Αθήνα":  "東京 서울 Αθήνα",
		"a\ue000b":     "a?b", // a private-use rune no font has
	} {
		if got := c.clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWrapChinese breaks an address written without spaces between
// characters, not only at spaces, and never before a closing mark.
func TestWrapChinese(t *testing.T) {
	c, err := newCanvas(labelW, labelH)
	if err != nil {
		t.Fatal(err)
	}
	c.font(regular, 9)
	const addr = "福建省厦门市思明区湖滨南路388号国贸大厦、东塔二十八层2801室，请前台代收"
	lines := c.wrap(addr, 40, 3)
	if len(lines) < 2 {
		t.Fatalf("wrap = %q, want several lines", lines)
	}
	for _, ln := range lines {
		if w := c.width(ln); w > 40 {
			t.Errorf("line %q is %.1f mm wide, box is 40", ln, w)
		}
		if strings.HasPrefix(ln, "、") || strings.HasPrefix(ln, "，") {
			t.Errorf("line %q starts with a closing mark", ln)
		}
	}
	if got := strings.Join(lines[:len(lines)-1], ""); !strings.HasPrefix(addr, got) {
		t.Errorf("wrapped lines %q lose or reorder text", lines)
	}
}

// TestRightToLeft checks the visual order of Hebrew and Arabic: PDF text
// is drawn left to right, so the letters of a right-to-left word are
// stored reversed, while numbers and Latin keep their order.
func TestRightToLeft(t *testing.T) {
	for in, want := range map[string]string{
		"Tel 123":               "Tel 123",
		"שלום":                  "םולש",
		"רחוב הרצל 12, תל אביב": "ביבא לת ,12 לצרה בוחר",
		"Ramat Gan (רמת גן)":    "Ramat Gan (ןג תמר)",
		"הרצל 12 · Herzl St 12": "Herzl St 12 · 12 לצרה",
		// Arabic: joined forms, lam-alef ligature, then reversed.
		"سلام": "\ufee1\ufefc\ufeb3",
		"دبي":  "\ufef2\ufe91\ufea9",
	} {
		if got := visual(in); got != want {
			t.Errorf("visual(%q) = %q (%U), want %q", in, got, []rune(got), want)
		}
	}
	l := exampleCN22()
	l.Addressee = Party{Name: "محمد أحمد", Address: "شارع الشيخ زايد 12", City: "دبي", Country: "AE",
		CountryName: "United Arab Emirates", Phone: "+971 4 555 0101"}
	l2 := exampleCN22()
	l2.Addressee = Party{Name: "דוד כהן", Address: "רחוב הרצל 12", City: "תל אביב", Postcode: "6100000", Country: "IL", CountryName: "Israel"}
	for _, l := range []Label{l, l2} {
		pdf := render(t, l)
		if _, err := exec.LookPath("pdftotext"); err != nil {
			continue
		}
		// pdftotext puts right-to-left text back in logical order (and
		// Arabic presentation forms back to letters only with -raw off),
		// so the Hebrew must read as written.
		text := pdfText(t, pdf)
		if l.Addressee.Country == "IL" && !strings.Contains(text, "דוד כהן") {
			t.Errorf("Hebrew name not read back in order:\n%s", text)
		}
	}
}

// TestDatesInOfficeZone: an item accepted on 24 Nov 01:22 in Xiamen
// (23 Nov 17:22 UTC) is posted on the 24th, and says in which zone.
func TestDatesInOfficeZone(t *testing.T) {
	l := exampleCN22()
	requireTools(t, "pdftotext")
	text := pdfText(t, render(t, l))
	for _, want := range []string{"2026-11-24 01:22 CST/UTC+8", "2026-11-24 CST/UTC+8"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "2026-11-23") {
		t.Errorf("label shows the UTC date 2026-11-23:\n%s", text)
	}
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{
		{nil, "UTC"}, {shanghai, "CST/UTC+8"},
		{time.FixedZone("", 5*3600+30*60), "UTC+5:30"}, {time.FixedZone("+05", 5*3600), "UTC+5"},
		{time.FixedZone("EST", -5*3600), "EST/UTC-5"},
	} {
		if _, got := localTime(l.AcceptedAt, tc.loc); got != tc.want {
			t.Errorf("zone %v: %q, want %q", tc.loc, got, tc.want)
		}
	}
}

// TestCountryInFull: a long country name is shrunk, then wrapped, never
// cut; the French and own names follow.
func TestCountryInFull(t *testing.T) {
	l := exampleCN22()
	l.Addressee.Country, l.Addressee.CountryName = "GB", "United Kingdom of Great Britain and Northern Ireland"
	requireTools(t, "pdftotext")
	text := strings.Join(strings.Fields(pdfText(t, render(t, l))), " ")
	for _, want := range []string{"UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND (GB)", "ROYAUME-UNI"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "…") {
		t.Errorf("label cuts something:\n%s", text)
	}
}

// TestStatementScripts: a merchant's name and lines in Chinese, Russian,
// Japanese, Korean, Greek and Arabic print on an invoice.
func TestStatementScripts(t *testing.T) {
	s := Statement{
		Title: "Invoice", Number: "INV-2026-11-XMTEA",
		Issuer:    Account{Caption: "From", Name: "Interpost 国际邮件", Code: "post:CNPOST"},
		Recipient: Account{Caption: "Bill to", Name: "厦门茶叶有限公司", Code: "merchant:XMTEA", Lines: []string{"思明区湖滨南路1号, 厦门"}},
		Facts:     [][2]string{{"Period", "2026-11-01 to 2026-11-30"}},
		Blocks: []Block{{Title: "Items", Columns: []Column{{Title: "Addressee", Width: 60}, {Title: "Amount", Width: 20, Right: true}},
			Rows: []Row{{Cells: []string{"Анна Смирнова, Москва", "120.00"}}, {Cells: []string{"山田太郎 東京", "80.00"}},
				{Cells: []string{"김민준 서울", "75.50"}}, {Cells: []string{"Γιώργος Παπαδόπουλος", "60.00"}},
				{Cells: []string{"דוד כהן, תל אביב", "55.00"}}}}},
		Issued: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
	}
	var buf bytes.Buffer
	if err := WriteStatement(&buf, s); err != nil {
		t.Fatal(err)
	}
	requireTools(t, "pdftotext")
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"厦门茶叶有限公司", "思明区湖滨南路1号", "Анна Смирнова", "山田太郎 東京", "김민준 서울", "Γιώργος Παπαδόπουλος", "דוד כהן"} {
		if !strings.Contains(text, want) {
			t.Errorf("invoice lacks %q:\n%s", want, text)
		}
	}
}

// TestConcurrentLabels renders labels with fallback fonts in parallel:
// the parsed fonts are shared, each PDF's glyph subset is its own (run
// with -race).
func TestConcurrentLabels(t *testing.T) {
	want := render(t, exampleCN22())
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var buf bytes.Buffer
			err := WriteLabel(&buf, exampleCN23())
			if err == nil {
				err = WriteLabel(&buf, exampleCN22())
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if again := render(t, exampleCN22()); len(again) != len(want) {
		t.Errorf("label is %d bytes after other labels, %d before: glyph subsets leak between PDFs", len(again), len(want))
	}
}
