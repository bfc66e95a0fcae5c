package sqlite

import (
	"cmp"
	"strings"
	"testing"
)

func TestPackS10(t *testing.T) {
	for _, id := range []string{"AA000000000AA", "ZZ999999999ZZ", "EE123456785CN", "LA000000017DE"} {
		k, ok := packS10(id)
		if !ok {
			t.Fatalf("packS10(%q) refused", id)
		}
		back, err := unpackS10(k)
		if err != nil || back != id {
			t.Fatalf("unpackS10(packS10(%q)) = %q, %v", id, back, err)
		}
	}
	for _, id := range []string{"", "EE12345678CN", "ee123456785CN", "EE12345678XCN", "EE123456785C1", "CNPEKACNLHRAAUN61001001000100001", "CNPEKADEFRAAAUN61001"} {
		if k, ok := packS10(id); ok {
			t.Errorf("packS10(%q) = %d, want refusal", id, k)
		}
		if got := objectKey(id); got != id {
			t.Errorf("objectKey(%q) = %v, want the text", id, got)
		}
	}
	if _, err := unpackS10(-1); err == nil {
		t.Error("unpackS10(-1) accepted")
	}
	if _, err := unpackS10(676 * 676 * s10Digits); err == nil {
		t.Error("unpackS10(max) accepted")
	}
}

// FuzzPackS10 checks that packing is a bijection between S10-shaped ids
// and [0, 676²×10⁹) that keeps the strings' order, and refuses the rest.
func FuzzPackS10(f *testing.F) {
	f.Add(uint64(0), uint64(1), "EE123456785CN")
	f.Add(uint64(676*s10Digits), uint64(675), "CNPEKADEFRAAAUN61001")
	f.Fuzz(func(t *testing.T, x, y uint64, s string) {
		const max = 676 * 676 * s10Digits
		kx, ky := int64(x%max), int64(y%max)
		a, err := unpackS10(kx)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := unpackS10(ky)
		if back, ok := packS10(a); !ok || back != kx {
			t.Fatalf("packS10(unpackS10(%d) = %q) = %d, %v", kx, a, back, ok)
		}
		if cmp.Compare(kx, ky) != strings.Compare(a, b) {
			t.Fatalf("order of %q (%d) and %q (%d) differs from the strings'", a, kx, b, ky)
		}
		if k, ok := packS10(s); ok {
			if back, err := unpackS10(k); err != nil || back != s {
				t.Fatalf("round trip of %q gave %q, %v", s, back, err)
			}
		} else if objectKey(s) != any(s) {
			t.Fatalf("objectKey(%q) is not the text", s)
		}
	})
}
