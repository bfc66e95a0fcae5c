package i18n

import (
	"strconv"
	"time"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
)

// MatchAmong is Match restricted to langs (an area that speaks fewer
// languages than the whole catalogue, such as the console): the first
// preference that one of langs serves wins; nothing usable gives langs[0].
func (c *Catalog) MatchAmong(langs []language.Tag, prefs ...string) language.Tag {
	if len(langs) == 0 {
		return language.English
	}
	m := language.NewMatcher(langs)
	for _, p := range prefs {
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := m.Match(tags...)
		if conf >= language.High {
			return langs[i]
		}
	}
	return langs[0]
}

// Code is the label of a domain code (kind "status", "event", "customs",
// "product", "role" …; message id code.KIND.VALUE). A code without a label
// shows as itself, so a new code never hides; the catalogue tests list the
// codes that lack one.
func (l *Localizer) Code(kind, value string) string {
	id := "code." + kind + "." + value
	if s := l.T(id); s != id {
		return s
	}
	return value
}

// Date writes a day with its weekday in the language's usual short form:
// "Mon 2 Jan" in English, "1月2日 周一" in Chinese.
func (l *Localizer) Date(t time.Time) string {
	return l.T("common.format.date", "Weekday", l.T("common.weekday."+strconv.Itoa(int(t.Weekday()))),
		"Day", t.Day(), "Month", int(t.Month()), "MonthName", l.T("common.month."+strconv.Itoa(int(t.Month()))), "Year", t.Year())
}

// DateTime writes an instant in loc with the zone's abbreviation:
// "2 Jan 2006 15:04 CST" in English, "2006年1月2日 15:04 CST" in Chinese.
func (l *Localizer) DateTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return l.T("common.format.datetime", "Day", t.Day(), "Month", int(t.Month()),
		"MonthName", l.T("common.month."+strconv.Itoa(int(t.Month()))), "Year", t.Year(),
		"Time", t.Format("15:04"), "Zone", t.Format("MST"))
}

// Region is a country's name in the language (CLDR, via x/text), or ""
// when the code is not a region CLDR names.
func (l *Localizer) Region(code string) string {
	if n := l.Country(code); n != code {
		return n
	}
	return ""
}

// StaffLanguages are the languages of the console and of the documents made
// for staff: English (the fallback) and Simplified Chinese. A user's stored
// preference is one of them.
var StaffLanguages = []language.Tag{language.English, language.MustParse("zh-CN")}

// Money writes an amount given as the API's decimal string in the
// language's way with its currency's local symbol: "CN¥ 1,234.50" in
// English, "￥ 1,234.50" in Chinese, "US$ 6.50" in Chinese. Decimals follow
// the currency (JPY none). An amount or currency it cannot read is written
// as given, followed by the code, so nothing is shown without a currency.
func (l *Localizer) Money(amount, code string) string {
	u, err := currency.ParseISO(code)
	f, ferr := strconv.ParseFloat(amount, 64)
	if err != nil || ferr != nil {
		return amount + " " + code
	}
	return l.printer.Sprint(currency.Symbol(u.Amount(f)))
}
