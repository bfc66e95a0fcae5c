package i18n

import (
	"testing"
	"time"

	"golang.org/x/text/language"
)

func TestMatchAmong(t *testing.T) {
	c := Default()
	zh := language.MustParse("zh-CN")
	console := []language.Tag{language.English, zh}
	for _, tc := range []struct {
		prefs []string
		want  language.Tag
	}{
		{[]string{"ru, zh-CN;q=0.8"}, zh}, // Russian is not a console language: the next preference wins
		{[]string{"zh-Hans-CN"}, zh},
		{[]string{"de"}, language.English},
		{[]string{"", "zh"}, zh},
		{[]string{"en", "zh"}, language.English},
	} {
		if got := c.MatchAmong(console, tc.prefs...); got != tc.want {
			t.Errorf("MatchAmong(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
}

func TestDatesAndCodes(t *testing.T) {
	c := Default()
	en, zh := c.For(language.English), c.For(language.MustParse("zh-CN"))
	day := time.Date(2026, 11, 24, 1, 22, 0, 0, time.UTC)
	if got := en.Date(day); got != "Tue 24 Nov" {
		t.Errorf("en date %q", got)
	}
	if got := zh.Date(day); got != "11月24日 周二" {
		t.Errorf("zh date %q", got)
	}
	sh := time.FixedZone("CST", 8*3600)
	if got := zh.DateTime(day, sh); got != "2026年11月24日 09:22 CST" {
		t.Errorf("zh datetime %q", got)
	}
	if got := en.DateTime(day, nil); got != "24 Nov 2026 01:22 UTC" {
		t.Errorf("en datetime %q", got)
	}
	if got := zh.Code("status", "delivered"); got != "已妥投" {
		t.Errorf("zh status %q", got)
	}
	if got := zh.Code("status", "no_such"); got != "no_such" {
		t.Errorf("unknown code %q", got)
	}
	if got := zh.Region("RU"); got != "俄罗斯" {
		t.Errorf("zh region %q", got)
	}
	if m := c.Missing(language.MustParse("zh-CN"), "code."); len(m) > 0 {
		t.Errorf("zh-CN lacks %q", m)
	}
}

func TestMoney(t *testing.T) {
	en, zh := Default().For(language.English), Default().For(language.SimplifiedChinese)
	for _, c := range []struct {
		l            *Localizer
		amount, code string
		want         string
	}{
		{en, "1234.5", "CNY", "CN¥ 1,234.50"},
		{zh, "1234.50", "CNY", "￥ 1,234.50"},
		{zh, "6.50", "USD", "US$ 6.50"},
		{en, "-17.25", "EUR", "€ -17.25"},
		{en, "1200", "JPY", "¥ 1,200"},
		{en, "x", "CNY", "x CNY"},
		{en, "1.00", "??", "1.00 ??"},
	} {
		if got := c.l.Money(c.amount, c.code); got != c.want {
			t.Errorf("Money(%q, %q) in %s = %q, want %q", c.amount, c.code, c.l.Lang(), got, c.want)
		}
	}
}
