package postal

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHSCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		chapter        string
		heading        string
		subheading     string
	}{
		{"six digits", "090230", "090230", "09", "0902", "090230"},
		{"dotted", "0902.30", "090230", "09", "0902", "090230"},
		{"spaced national line", " 6109 10 00 ", "61091000", "61", "6109", "610910"},
		{"ten digits", "8517.13.00.00", "8517130000", "85", "8517", "851713"},
		{"seven digits", "4901990", "4901990", "49", "4901", "490199"},
		{"chapter 97", "970191", "970191", "97", "9701", "970191"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, err := ParseHSCode(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(h) != tc.want || h.String() != tc.want || h.Chapter() != tc.chapter || h.Heading() != tc.heading || h.Subheading() != tc.subheading {
				t.Errorf("ParseHSCode(%q) = %q: %s %s %s", tc.in, h, h.Chapter(), h.Heading(), h.Subheading())
			}
		})
	}
}

func TestParseHSCodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, part, msg string
	}{
		{"letters", "12ab", "digits", `hs_code "12ab": must be 6 to 10 digits`},
		{"empty", "", "digits", `hs_code "": must be 6 to 10 digits`},
		{"five digits", "09023", "digits", ""},
		{"eleven digits", "09023000001", "digits", ""},
		{"hyphen", "0902-30", "digits", ""},
		{"chapter 00", "000000", "chapter", `hs_code "000000": chapter 00 does not exist (chapters are 01-97)`},
		{"chapter 77", "770100", "chapter", `hs_code "770100": chapter 77 is reserved for future use in the HS`},
		{"chapter 98", "9801.00", "chapter", `hs_code "9801.00": chapter 98 is reserved for national use; give the HS code of the goods (chapters 01-97)`},
		{"chapter 99", "990000", "chapter", ""},
		{"unicode digits", "٠٩٠٢٣٠", "digits", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseHSCode(tc.in)
			var ie *IDError
			if !errors.As(err, &ie) || ie.Kind != "hs_code" || ie.Part != tc.part || ie.Input != tc.in {
				t.Fatalf("ParseHSCode(%q) error = %#v, want part %q", tc.in, err, tc.part)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("Error() = %s\nwant      %s", err, tc.msg)
			}
			if ErrorCode(err) != CodeInvalid {
				t.Errorf("ErrorCode = %q", ErrorCode(err))
			}
		})
	}
}

func TestHSCodeZeroValue(t *testing.T) {
	t.Parallel()
	var h HSCode
	if h.Chapter() != "" || h.Heading() != "" || h.Subheading() != "" {
		t.Error("zero HSCode has parts")
	}
}

func FuzzParseHSCode(f *testing.F) {
	for _, s := range []string{"090230", "0902.30", "6109 10 00", "8517130000", "12ab", "000000", "770100", "9801.00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHSCode(s)
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) || ie.Part == "" {
				t.Fatalf("ParseHSCode(%q) error %v is not an *IDError with a part", s, err)
			}
			return
		}
		if len(h) < 6 || len(h) > 10 || h.Subheading() != string(h[:6]) {
			t.Fatalf("ParseHSCode(%q) = %q", s, h)
		}
		back, err := ParseHSCode(h.String())
		if err != nil || back != h {
			t.Fatalf("ParseHSCode(%q) = %q; reparse = %q, %v", s, h, back, err)
		}
	})
}

func TestParseHSCodeNomenclature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		ok       bool
		nearest  string // a code the error must name
	}{
		{"real subheading", "851713", true, ""},
		{"national line under a real subheading", "8517.13.00.90", true, ""},
		{"HS 2022 new subheading (e-waste)", "854911", true, ""},
		{"unknown subheading of a real heading", "851799", false, "851779"},
		{"unknown heading of a real chapter", "123456", false, "1214"},
		{"subheading deleted in HS 2022", "940520", false, "940521"},
		{"national line under an unknown subheading", "9999999999", false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseHSCode(tc.in)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseHSCode(%q) accepted an unknown code", tc.in)
			}
			if tc.nearest != "" && !strings.Contains(err.Error(), tc.nearest) {
				t.Errorf("error %q does not name %s", err, tc.nearest)
			}
		})
	}
}
