package postal

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	t.Parallel()
	if got := Quote("short"); got != `"short"` {
		t.Errorf("Quote(short) = %s", got)
	}
	long := strings.Repeat("é", 100)
	got := Quote(long)
	if want := `"` + strings.Repeat("é", QuoteMax) + `"… (200 bytes in all)`; got != want {
		t.Errorf("Quote(long) = %s, want %s", got, want)
	}
}
