package latin

import (
	"errors"
	"testing"
)

func TestTransliterate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in      string
		kind    Kind
		country string
		want    string
		method  string
	}{
		{"Jan Kowalski", Name, "PL", "Jan Kowalski", ""},
		{"Łódź", Place, "PL", "Łódź", ""},
		{"王小明", Name, "CN", "Wang Xiaoming", Pinyin},
		{"欧阳修", Name, "CN", "Ouyang Xiu", Pinyin},
		{"单田芳", Name, "CN", "Shan Tianfang", Pinyin},
		{"厦门茶叶有限公司 王小明", Name, "CN", "Xiamen Cha Ye You Xian Gong Si Wang Xiaoming", Pinyin},
		{"厦门市", Place, "CN", "Xiamen", Pinyin},
		{"重庆", Place, "CN", "Chongqing", Pinyin},
		{"西安", Place, "CN", "Xi'an", Pinyin},
		{"思明区湖滨南路88号", Text, "CN", "Si Ming Qu Hu Bin Nan Lu 88 Hao", Pinyin},
		{"厦门茶叶有限公司", Text, "CN", "Xiamen Cha Ye You Xian Gong Si", Pinyin},
		{"湖滨南路８８号（２楼）", Text, "CN", "Hu Bin Nan Lu 88 Hao (2 Lou)", Pinyin},
		{"吕", Text, "CN", "Lü", Pinyin},
		{"Иван Щукин", Name, "RU", "Ivan Shchukin", ICAO},
		{"ЩУКИН Иван", Name, "RU", "SHCHUKIN Ivan", ICAO},
		{"ул. Тверская, д. 7, кв. 12", Text, "RU", "ul. Tverskaia, d. 7, kv. 12", ICAO},
		{"Москва", Place, "RU", "Moskva", ICAO},
		{"Київ", Place, "UA", "Kiiv", ICAO},
		{"Алматы", Place, "KZ", "Almaty", ICAO},
		{"Beijing 北京", Place, "CN", "Beijing Beijing", Pinyin},
	} {
		got, m, err := Transliterate(c.in, c.kind, c.country)
		if err != nil || got != c.want || m != c.method {
			t.Errorf("Transliterate(%q) = %q, %q, %v; want %q, %q", c.in, got, m, err, c.want, c.method)
		}
	}
}

func TestRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, country, script string
	}{
		{"山田太郎", "JP", "Han"},
		{"やまだ", "JP", "Hiragana"},
		{"محمد", "AE", "Arabic"},
		{"Қарағанды", "KZ", "Cyrillic"},
		{"김철수", "KR", "Hangul"},
		{"Αθήνα", "GR", "Greek"},
	} {
		_, _, err := Transliterate(c.in, Text, c.country)
		var se *ScriptError
		if !errors.As(err, &se) || se.Script != c.script {
			t.Errorf("Transliterate(%q, %s) err = %v, want a %s ScriptError", c.in, c.country, err, c.script)
		}
	}
}

func TestIsLatin(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Jan Kowalski": true, "Łódź, ul. Piotrkowska 1/2": true, "Müller–Straße": true,
		"王": false, "Иван": false, "A١": false, "": true,
	} {
		if IsLatin(s) != want {
			t.Errorf("IsLatin(%q) = %v", s, !want)
		}
	}
}

// The Latin form of anything accepted is Latin, and Latin input comes back
// unchanged.
func FuzzTransliterate(f *testing.F) {
	for _, s := range []string{"王小明", "Иван", "Jan", "湖滨南路８８号", "ЩУКИН", "厦门市", ""} {
		f.Add(s, "CN")
		f.Add(s, "RU")
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		out, m, err := Transliterate(s, Name, country)
		if err != nil {
			return
		}
		if !IsLatin(out) {
			t.Fatalf("Transliterate(%q) = %q, not Latin", s, out)
		}
		if m == "" && out != s {
			t.Fatalf("Latin %q changed to %q", s, out)
		}
	})
}

func BenchmarkTransliterate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = Transliterate("王小明", Name, "CN")
		_, _, _ = Transliterate("Иван Щукин", Name, "RU")
		_, _, _ = Transliterate("Jan Kowalski", Name, "PL")
	}
}
