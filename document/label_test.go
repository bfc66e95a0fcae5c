package document

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "regenerate docs/label.png and docs/label-cn23.png")

// shanghai is the zone of the accepting office in the examples.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// exampleCN22 is an EMS item from a Xiamen tea shop, its sender written in
// Chinese, to an addressee in Moscow written in Cyrillic, accepted on
// 24 Nov 2026 at 01:22 Xiamen time (23 Nov 17:22 UTC).
func exampleCN22() Label {
	return Label{
		ItemID:        "EE123456785CN",
		Product:       "EMS",
		ServiceLetter: "E",
		Origin:        "CNXMNA 厦门 Xiamen",
		MerchantRef:   "ORD-2026-000417",
		AcceptedAt:    time.Date(2026, 11, 23, 17, 22, 0, 0, time.UTC),
		Zone:          shanghai,
		WeightG:       850,
		DimensionsMM:  [3]int{300, 200, 100},
		Sender: Party{
			Name: "厦门茶叶有限公司 王小明", Address: "思明区湖滨南路1号", City: "厦门", Postcode: "361000",
			Country: "CN", CountryName: "China", Phone: "+86 592 555 0101",
			NameLatin: "Xiamen Tea Co. WANG Xiaoming", CityLatin: "Xiamen",
		},
		Addressee: Party{
			Name: "Анна Петровна Смирнова", Address: "ул. Тверская, д. 7, кв. 12", City: "Москва", Postcode: "125009",
			Country: "RU", CountryName: "Russian Federation", Phone: "+7 495 555 01 23",
			NameLatin: "Anna Petrovna Smirnova", AddressLatin: "ul. Tverskaya, d. 7, kv. 12", CityLatin: "Moskva",
		},
		Declaration: &Declaration{
			Form: "CN22", Category: "sale_of_goods", Currency: "USD",
			Lines: []DeclarationLine{{
				Description: "Oolong tea 乌龙茶", Quantity: 2, NetWeightG: 800, Value: "24.00",
				HSCode: "090230", OriginCountry: "CN",
			}},
			TotalValue: "24.00", TotalNetWeightG: 800,
		},
		Signature: "王小明",
	}
}

// exampleCN23 is a parcel with more declaration lines than the label holds.
func exampleCN23() Label {
	l := exampleCN22()
	l.ItemID, l.Product, l.ServiceLetter = "CP987654321CN", "Parcel", "C"
	l.WeightG, l.DimensionsMM = 7350, [3]int{450, 350, 300}
	l.Addressee = Party{
		Name: "Jan Kowalski", Company: "Herbata i Kawa sp. z o.o.",
		Address: "ul. Marszałkowska 104/122, lok. 15, klatka B", City: "Kraków",
		State: "małopolskie", Postcode: "31-011", Country: "PL", CountryName: "Poland",
	}
	items := []string{
		"Oolong tea, Tieguanyin 铁观音, 250 g tin", "Black tea, Lapsang souchong 正山小种", "Green tea, Longjing 龙井",
		"White tea, Bai Mudan cake 白牡丹", "Porcelain gaiwan set 盖碗", "Bamboo tea tray",
		"Tea scoop and tongs", "Clay teapot, Yixing", "Tea cups, set of 6",
		"Jasmine pearls", "Pu-erh tea brick", "Gift box with ribbon",
	}
	d := &Declaration{Form: "CN23", Category: "sale_of_goods", Currency: "USD", ImporterRef: "IM6160001234",
		Comments: "No wood packaging"}
	total := 0
	for i, it := range items {
		v := 12 + 3*i
		d.Lines = append(d.Lines, DeclarationLine{
			Description: it, Quantity: 1 + i%3, NetWeightG: 250 + 40*i,
			Value: fmt.Sprintf("%d.00", v), HSCode: "0902" + fmt.Sprintf("%02d", 10+i), OriginCountry: "CN",
		})
		total += v
	}
	d.TotalValue = fmt.Sprintf("%d.00", total)
	l.Declaration = d
	return l
}

func render(t testing.TB, l Label) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteLabel(&buf, l); err != nil {
		t.Fatalf("WriteLabel: %v", err)
	}
	return buf.Bytes()
}

var pageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

func TestWriteLabel(t *testing.T) {
	noCustoms := exampleCN22()
	noCustoms.Declaration = nil
	tests := []struct {
		name  string
		label Label
	}{
		{"CN22", exampleCN22()},
		{"CN23Overflow", exampleCN23()},
		{"NoDeclaration", noCustoms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pdf := render(t, tt.label)
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("output starts with %q, want %%PDF-", pdf[:min(8, len(pdf))])
			}
			if n := len(pageRE.FindAll(pdf, -1)); n != 1 {
				t.Errorf("PDF has %d pages, want 1", n)
			}
			t.Logf("%s: %d bytes", tt.name, len(pdf))
		})
	}
}

// TestWriteLabelScans rasterises labels at 300 dpi and reads the codes
// back with zbarimg, as a scanner would.
func TestWriteLabelScans(t *testing.T) {
	requireTools(t, "pdftoppm", "zbarimg")
	for _, l := range []Label{exampleCN22(), exampleCN23()} {
		t.Run(l.ItemID, func(t *testing.T) {
			t.Parallel()
			png := rasterise(t, render(t, l), 300, filepath.Join(t.TempDir(), "label"))
			out, err := exec.Command("zbarimg", "--quiet", png).Output()
			if err != nil {
				t.Fatalf("zbarimg: %v (output %q)", err, out)
			}
			got := strings.Fields(string(out))
			t.Logf("zbarimg: %v", got)
			for _, want := range []string{"CODE-128:" + l.ItemID, "QR-Code:" + l.ItemID} {
				if !contains(got, want) {
					t.Errorf("zbarimg decoded %q, want %q among them", got, want)
				}
			}
		})
	}
}

func TestLongNameTruncated(t *testing.T) {
	const long = "Aleksandra Wiśniewska-Grzybowska-Brzęczyszczykiewicz von Hohenzollern"
	c, err := newCanvas(labelW, labelH)
	if err != nil {
		t.Fatal(err)
	}
	c.font(bold, 12)
	got := c.fit(long, textW)
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("fit = %q, want a prefix of the name ending in …", got)
	}
	if w := c.width(got); w > textW {
		t.Errorf("fitted text is %.2f mm wide, box is %.2f mm", w, textW)
	}
	if short := c.fit("Anna Nowak", textW); short != "Anna Nowak" {
		t.Errorf("fit of a short name = %q, want it unchanged", short)
	}

	l := exampleCN22()
	l.Addressee.Name = long
	pdf := render(t, l)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not on PATH: cannot check the rendered text")
	}
	text := pdfText(t, pdf)
	if strings.Contains(text, long) || !strings.Contains(text, got) {
		t.Errorf("rendered text lacks %q or has the full name:\n%s", got, text)
	}
}

func TestWriteLabelInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Label)
		field  string
	}{
		{"EmptyItemID", func(l *Label) { l.ItemID = " " }, "ItemID"},
		{"NonASCIIItemID", func(l *Label) { l.ItemID = "EE12345678５CN" }, "ItemID"},
		{"ZeroWeight", func(l *Label) { l.WeightG = 0 }, "WeightG"},
		{"NegativeWeight", func(l *Label) { l.WeightG = -5 }, "WeightG"},
		{"NegativeDimension", func(l *Label) { l.DimensionsMM[2] = -1 }, "DimensionsMM[2]"},
		{"BadForm", func(l *Label) { l.Declaration.Form = "CP72" }, "Declaration.Form"},
		{"BadCategory", func(l *Label) { l.Declaration.Category = "bribe" }, "Declaration.Category"},
		{"NegativeQuantity", func(l *Label) { l.Declaration.Lines[0].Quantity = -1 }, "Declaration.Lines[0].Quantity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := exampleCN22()
			tt.change(&l)
			var buf bytes.Buffer
			err := WriteLabel(&buf, l)
			if !errors.Is(err, ErrInvalidLabel) {
				t.Fatalf("err = %v, want ErrInvalidLabel", err)
			}
			if !strings.Contains(err.Error(), tt.field+" ") {
				t.Errorf("err = %q, want it to name %s", err, tt.field)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid label", buf.Len())
			}
		})
	}
}

func TestSpacedID(t *testing.T) {
	for in, want := range map[string]string{
		"EE123456785CN": "EE 123 456 785 CN",
		"CP987654321CN": "CP 987 654 321 CN",
		"ABC123":        "ABC123",
		"ee123456785cn": "ee123456785cn",
	} {
		if got := spacedID(in); got != want {
			t.Errorf("spacedID(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRenderExamples regenerates the example PNGs in docs/:
//
//	go test ./document -run TestRenderExamples -update
func TestRenderExamples(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate docs/label.png and docs/label-cn23.png")
	}
	requireTools(t, "pdftoppm")
	for name, l := range map[string]Label{"label": exampleCN22(), "label-cn23": exampleCN23()} {
		png := rasterise(t, render(t, l), 150, filepath.Join("..", "docs", name))
		fi, err := os.Stat(png)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", png, fi.Size())
	}
}

func BenchmarkWriteLabel(b *testing.B) {
	l := exampleCN23()
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteLabel(io.Discard, l); err != nil {
			b.Fatal(err)
		}
	}
}

// requireTools skips t, naming the missing tools, unless all are on PATH.
func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	var missing []string
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		t.Skipf("%s not on PATH (Debian: apt-get install poppler-utils zbar-tools)", strings.Join(missing, ", "))
	}
}

// rasterise renders pdf to root+".png" at dpi and returns that path.
func rasterise(t *testing.T, pdf []byte, dpi int, root string) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-png", "-singlefile", in, root)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	return root + ".png"
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestInsuredLabel: an insured item's label prints its insured value.
func TestInsuredLabel(t *testing.T) {
	l := exampleCN23()
	l.Insured = "600.00 USD (439.56 SDR)"
	pdf := render(t, l)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not on PATH: cannot check the rendered text")
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "INSURED 600.00 USD (439.56 SDR)") {
		t.Errorf("label lacks the insured value:\n%s", text)
	}
}

// TestLabelPrintsLatinForms: a name and city in another script are printed
// with their Latin forms beside them (UPU addressing practice), for the
// sender and the addressee.
func TestLabelPrintsLatinForms(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not on PATH: cannot check the rendered text")
	}
	text := pdfText(t, render(t, exampleCN22()))
	for _, want := range []string{"王小明", "WANG Xiaoming", "厦门 (Xiamen)", "Смирнова", "Anna Petrovna Smirnova", "125009 Moskva"} {
		if !strings.Contains(text, want) {
			t.Errorf("label lacks %q:\n%s", want, text)
		}
	}
}
