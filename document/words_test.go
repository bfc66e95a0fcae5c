package document

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/interpost/interpost/i18n"
)

var zh = i18n.Default().For(language.MustParse("zh-CN"))

// TestDocCatalogue: every staff-document text exists in Chinese.
func TestDocCatalogue(t *testing.T) {
	if m := i18n.Default().Missing(language.MustParse("zh-CN"), "doc."); len(m) > 0 {
		t.Errorf("zh-CN lacks %d document texts: %v", len(m), m)
	}
}

// TestEvidence: every phrase the inward desk records reads back in Chinese;
// English and unknown phrases pass unchanged.
func TestEvidence(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"not received", "未收到"},
		{"receptacle CNXMNAPLWAWAAUN61001001000100 received, not in any PREDES or CARDIT", "收到邮袋 CNXMNAPLWAWAAUN61001001000100，任何 PREDES 或 CARDIT 中均无"},
		{"for CNPEKA", "寄往 CNPEKA"},
		{"received at CNXMNA", "在 CNXMNA 收到"},
		{"13.4 kg (+780 g, tolerance 630 g)", "13.4 kg（+780 g，容差 630 g）"},
		{"12.6 kg", "12.6 kg"},
		{"sealed", "封志完好"},
		{"seal broken or missing", "封志破损或缺失"},
		{"intact", "完好"},
		{"receptacle damaged", "邮袋破损"},
		{"dry", "干燥"},
		{"receptacle wet or soiled", "邮袋受潮或污损"},
		{"registered item RR876543216JP without its listing (CN 33 / PREDES)", "挂号邮件 RR876543216JP 无清单（CN 33 / PREDES）"},
		{"item LX123456785CN not on the list of X9", "邮件 LX123456785CN 不在 X9 的清单上"},
		{"in X9", "在 X9 中"},
		{"found in X9", "在 X9 中发现"},
		{"item damaged", "邮件破损"},
		{"item rifled (opened, contents tampered with)", "邮件被盗拆（已开拆，内件被动过）"},
		{"listed in X9", "列于 X9"},
		{"not in the opened receptacle", "开拆的邮袋中没有"},
		{"bag, 8.8 kg", "邮袋，8.8 kg"},
		{"something new", "something new"},
	} {
		if got := Evidence(zh, c.in); got != c.want {
			t.Errorf("Evidence(zh, %q) = %q, want %q", c.in, got, c.want)
		}
		if got := Evidence(nil, c.in); got != c.in {
			t.Errorf("Evidence(nil, %q) = %q", c.in, got)
		}
	}
}

// TestChineseStaffForms: a CN 38 and a CN 43 printed for a zh-CN user carry
// the Chinese captions beside the English ones, the evidence in Chinese
// and English, and no English-only table heads; with -update they are
// written to docs/cn38-zh.png and docs/cn43-zh.png.
func TestChineseStaffForms(t *testing.T) {
	requireTools(t, "pdftoppm", "pdftotext")
	b := exampleBill(7)
	b.Lang = zh
	bill := renderBill(t, b)
	v := exampleNote()
	v.Lang = zh
	var note bytes.Buffer
	if err := WriteVerificationNote(&note, v); err != nil {
		t.Fatal(err)
	}
	for _, doc := range []struct {
		name string
		pdf  []byte
		want []string
		dpi  int
	}{
		{"cn38-zh", bill, []string{"CN 38", "航空邮件路单 Delivery bill – air mails", "承运人 Carrier", "封发批次号（S8）", "合计：2 个封发批次",
			"承运人接收", "Received by the carrier", "邮袋", "2026-11-24 23:30 CST/UTC+8"}, 110},
		{"cn43-zh", note.Bytes(), []string{"CN 43", "验单 Verification note", "重量不符", "挂号邮件未列清单", "邮袋短少",
			"未收到 / not received", "容差 630 g", "验收互换局", "2026-11-24 17:40 CST/UTC+8"}, 80},
	} {
		text := pdfText(t, doc.pdf)
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range doc.want {
			if !strings.Contains(flat, want) {
				t.Errorf("%s lacks %q:\n%s", doc.name, want, flat)
			}
		}
		png := rasterise(t, doc.pdf, doc.dpi, filepath.Join(t.TempDir(), doc.name))
		if *update {
			data, err := os.ReadFile(png)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "docs", doc.name+".png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestChineseStatement: a statement laid out for a zh-CN user has its
// title beside the English, Chinese headings and page furniture.
func TestChineseStatement(t *testing.T) {
	requireTools(t, "pdftotext")
	w := wordsFor(zh)
	s := Statement{Title: w.bi("st.title.statement"), Number: "ST-2026-11-PLPOST", Lang: zh,
		Facts:  [][2]string{{w.t("st.period"), w.t("st.period_value", "From", "2026-11-01", "To", "2026-11-30")}},
		Blocks: []Block{{Title: w.bi("st.charges"), Columns: lineColumns(w), Rows: []Row{{Cells: []string{w.t("st.cat.terminal_dues", "Category", "E"), "3", "3", "0.900", "12.34", "XDR"}}}}}}
	var buf bytes.Buffer
	if err := WriteStatement(&buf, s); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
	for _, want := range []string{"对账单 Statement of account", "按类别的费用 Charges by category", "终端费，E 类格式", "2026-11-01 至 2026-11-30", "第 1 页，共 1 页"} {
		if !strings.Contains(flat, want) {
			t.Errorf("statement lacks %q:\n%s", want, flat)
		}
	}
}
