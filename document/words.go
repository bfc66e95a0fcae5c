package document

import (
	"regexp"
	"strings"

	"golang.org/x/text/language"

	"github.com/interpost/interpost/i18n"
)

// words gives a staff document its texts (catalogue ids doc.…) in the
// language of the user who asked for it (issue 18: the console's user's
// language, zh-CN or en). Forms exchanged with other posts and carriers
// (CN 38/37/41, CN 43) print the user's caption beside the English one, as
// UPU forms carry the national language beside English or French; a
// document in English prints English only.
type words struct {
	l, en *i18n.Localizer
}

func wordsFor(l *i18n.Localizer) words {
	en := i18n.Default().For(language.English)
	if l == nil {
		l = en
	}
	return words{l: l, en: en}
}

func (w words) english() bool { return w.l.Tag() == language.English }

// t is a text in the user's language.
func (w words) t(id string, data ...any) string { return w.l.T("doc."+id, data...) }

// n is t with plural forms.
func (w words) n(id string, count int, data ...any) string { return w.l.N("doc."+id, count, data...) }

// bi is a caption of an exchanged form: "用户的 English", or English alone.
func (w words) bi(id string, data ...any) string {
	en := w.en.T("doc."+id, data...)
	if w.english() {
		return en
	}
	return w.l.T("doc."+id, data...) + " " + en
}

// Evidence of discrepancies is recorded by the inward desk as short English
// phrases (inward/receiving.go, inward/verify.go); evidencePatterns read them
// back so a Chinese page or CN 43 shows them in Chinese. A phrase no pattern
// knows is shown as recorded.
var evidencePatterns = []struct {
	re *regexp.Regexp
	id string
	// names of the submatches, in order
	names []string
}{
	{regexp.MustCompile(`^not received$`), "not_received", nil},
	{regexp.MustCompile(`^receptacle (\S+) received, not in any PREDES or CARDIT$`), "not_advised", []string{"ID"}},
	{regexp.MustCompile(`^for (\S+)$`), "for", []string{"Office"}},
	{regexp.MustCompile(`^received at (\S+)$`), "received_at", []string{"Office"}},
	{regexp.MustCompile(`^(\d[\d.,]* kg) \(([+-]\d+) g, tolerance (\d+) g\)$`), "weight", []string{"Weight", "Diff", "Tolerance"}},
	{regexp.MustCompile(`^sealed$`), "sealed", nil},
	{regexp.MustCompile(`^seal broken or missing$`), "seal_broken", nil},
	{regexp.MustCompile(`^intact$`), "intact", nil},
	{regexp.MustCompile(`^receptacle damaged$`), "receptacle_damaged", nil},
	{regexp.MustCompile(`^dry$`), "dry", nil},
	{regexp.MustCompile(`^receptacle wet or soiled$`), "wet", nil},
	{regexp.MustCompile(`^registered item (\S+) without its listing \(CN 33 / PREDES\)$`), "registered_unlisted", []string{"ID"}},
	{regexp.MustCompile(`^item (\S+) not on the list of (\S+)$`), "not_listed", []string{"ID", "Receptacle"}},
	{regexp.MustCompile(`^in (\S+)$`), "in", []string{"Receptacle"}},
	{regexp.MustCompile(`^found in (\S+)$`), "found_in", []string{"Receptacle"}},
	{regexp.MustCompile(`^item damaged$`), "item_damaged", nil},
	{regexp.MustCompile(`^item rifled \(opened, contents tampered with\)$`), "item_rifled", nil},
	{regexp.MustCompile(`^listed in (\S+)$`), "listed_in", []string{"Receptacle"}},
	{regexp.MustCompile(`^not in the opened receptacle$`), "not_in_opened", nil},
	{regexp.MustCompile(`^(bag|tray|pallet), (\d[\d.,]* kg)$`), "receptacle", []string{"Type", "Weight"}},
}

// Evidence returns a discrepancy's recorded evidence ("advised" or "found")
// in l's language; English, unknown phrases and a nil l give it unchanged.
func Evidence(l *i18n.Localizer, s string) string {
	if l == nil || l.Tag() == language.English || s == "" {
		return s
	}
	s = strings.TrimSpace(s)
	for _, p := range evidencePatterns {
		m := p.re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		var data []any
		for i, name := range p.names {
			v := m[i+1]
			if name == "Type" {
				v = l.T("doc.bill.type." + v)
			}
			data = append(data, name, v)
		}
		return l.T("doc.evidence."+p.id, data...)
	}
	return s
}
