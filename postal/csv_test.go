package postal

import (
	"strings"
	"testing"
)

func TestOpenCSV(t *testing.T) {
	t.Parallel()
	header := []string{"a", "b"}
	cr, err := OpenCSV(strings.NewReader("\ufeffa,b\n# note\n1,2\n"), "test file", header, '#')
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := cr.Read(); err != nil || strings.Join(rec, ",") != "1,2" {
		t.Fatalf("first record = %v, %v", rec, err)
	}
	for _, c := range []struct{ in, msg, field string }{
		{"", "test file is empty", "want header a,b"},
		{"a,c\n", "test file has the wrong header", `got "a,c", want a,b`},
		{"\"a,b\n", "test file is not valid CSV", "quote"},
	} {
		_, err := OpenCSV(strings.NewReader(c.in), "test file", header, 0)
		f := Fields(err)
		if ErrorCode(err) != CodeInvalid || !strings.Contains(err.Error(), c.msg) || len(f) != 1 || f[0].Field != "line 1" || !strings.Contains(f[0].Message, c.field) {
			t.Errorf("OpenCSV(%q) = %v", c.in, err)
		}
	}
}
