package latin

import (
	"slices"
	"testing"
)

func TestSearchKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Hans Müller", "hansmuller"},
		{"ŁÓDŹ", "lodz"},
		{"Straße", "strasse"},
		{"王小明", "wangxiaoming"},
		{"王小", "wangxiao"},
		{"wang XIAO", "wangxiao"},
		{"ORD-1001", "ord1001"},
		{"Ｏｒｄ１", "ord1"},
		{"Щукин", "shchukin"},
		{"  ", ""},
	} {
		if got := SearchKey(c.in); got != c.want {
			t.Errorf("SearchKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Hans Müller", []string{"hansmuller", "muller"}},
		{"王小明", []string{"wangxiaoming", "xiaoming", "ming"}},
		{"a a", []string{"aa", "a"}},
		{"", nil},
	} {
		if got := SearchTerms(c.in); !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := SearchTerms("a b c d e f g h i j"); len(got) != maxTermWords || got[len(got)-1] != "hij" {
		t.Errorf("SearchTerms of ten words = %q", got)
	}
}
