package postal

import (
	"errors"
	"strings"
	"testing"
)

// The worked example of docs §2 (upu-standards.md).
const (
	exampleReceptacle = "IEDUBANLHAGIAUN50123001100125"
	exampleDispatch   = "IEDUBANLHAGIAUN50123"
)

func TestParseDispatchID(t *testing.T) {
	t.Parallel()
	d, err := ParseDispatchID(exampleDispatch)
	if err != nil {
		t.Fatal(err)
	}
	want := DispatchID{Origin: "IEDUBA", Destination: "NLHAGI", Category: CategoryAir, Subclass: "UN", YearDigit: 5, Serial: 123}
	if d != want {
		t.Fatalf("ParseDispatchID = %+v, want %+v", d, want)
	}
	if d.String() != exampleDispatch || d.Class() != ClassLetterPost || d.Validate() != nil {
		t.Errorf("String %q, Class %v, Validate %v", d, d.Class(), d.Validate())
	}
	if lower, err := ParseDispatchID(" " + strings.ToLower(exampleDispatch) + "\n"); err != nil || lower != want {
		t.Errorf("lower case: %+v, %v", lower, err)
	}
}

func TestParseReceptacleID(t *testing.T) {
	t.Parallel()
	r, err := ParseReceptacleID(exampleReceptacle)
	if err != nil {
		t.Fatal(err)
	}
	want := ReceptacleID{
		Dispatch: DispatchID{Origin: "IEDUBA", Destination: "NLHAGI", Category: CategoryAir, Subclass: "UN", YearDigit: 5, Serial: 123},
		Serial:   1, Last: true, Registered: false, WeightHg: 125,
	}
	if r != want {
		t.Fatalf("ParseReceptacleID = %+v, want %+v", r, want)
	}
	if r.String() != exampleReceptacle || r.Dispatch.String() != exampleDispatch || r.Validate() != nil {
		t.Errorf("String %q, dispatch %q, Validate %v", r, r.Dispatch, r.Validate())
	}
	if r.WeightKg() != 12.5 {
		t.Errorf("WeightKg = %v, want 12.5", r.WeightKg())
	}
	other := "USLAXANLHAGICCN60001999019999"
	r, err = ParseReceptacleID(other)
	if err != nil || r.String() != other || r.Dispatch.Category != CategorySurface || r.Dispatch.Class() != ClassParcel || !r.Registered || r.Last {
		t.Errorf("ParseReceptacleID(%q) = %+v, %v", other, r, err)
	}
}

func TestParseReceptacleIDErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, part, msg string
	}{
		{"short", "IEDUBANLHAGIAUN5012300110012", "length", `S9 "IEDUBANLHAGIAUN5012300110012": must be 29 characters (15 letters, 14 digits), got 28`},
		{"origin digit", "IE1UBANLHAGIAUN50123001100125", "origin office", ""},
		{"origin country", "XXDUBANLHAGIAUN50123001100125", "origin office", `S9 "XXDUBANLHAGIAUN50123001100125": origin office "XXDUBA" must start with an ISO 3166-1 country code, not "XX"`},
		{"destination country", "IEDUBAQQHAGIAUN50123001100125", "destination office", ""},
		{"category", "IEDUBANLHAGIEUN50123001100125", "mail category", `S9 "IEDUBANLHAGIEUN50123001100125": mail category 'E' must be A, B, C or D`},
		{"subclass class", "IEDUBANLHAGIAXN50123001100125", "subclass", ""},
		{"year", "IEDUBANLHAGIAUNX0123001100125", "year", ""},
		{"dispatch serial letter", "IEDUBANLHAGIAUN5012A001100125", "dispatch serial", ""},
		{"dispatch serial zero", "IEDUBANLHAGIAUN50000001100125", "dispatch serial", `S9 "IEDUBANLHAGIAUN50000001100125": dispatch serial 0 must be 0001-9999`},
		{"receptacle serial zero", "IEDUBANLHAGIAUN50123000100125", "receptacle serial", ""},
		{"receptacle serial letter", "IEDUBANLHAGIAUN501230A1100125", "receptacle serial", ""},
		{"last flag 9", "IEDUBANLHAGIAUN50123001900125", "highest-receptacle flag", `S9 "IEDUBANLHAGIAUN50123001900125": highest-receptacle flag "9" ("not given") is not accepted: it is unconfirmed in S9; use 0 or 1`},
		{"last flag 2", "IEDUBANLHAGIAUN50123001200125", "highest-receptacle flag", ""},
		{"registered flag 9", "IEDUBANLHAGIAUN50123001190125", "registered flag", ""},
		{"registered flag 5", "IEDUBANLHAGIAUN50123001150125", "registered flag", `S9 "IEDUBANLHAGIAUN50123001150125": registered flag "5" must be 0 or 1`},
		{"weight", "IEDUBANLHAGIAUN5012300110012X", "weight", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseReceptacleID(tc.in)
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseReceptacleID(%q) error = %v, want *IDError", tc.in, err)
			}
			if ie.Kind != "S9" || ie.Part != tc.part || ie.Input != tc.in {
				t.Errorf("got Kind %q Part %q Input %q, want part %q", ie.Kind, ie.Part, ie.Input, tc.part)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("Error() = %s\nwant      %s", err, tc.msg)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := DispatchID{Origin: "IEDUBA", Destination: "NLHAGI", Category: CategoryAir, Subclass: "UN", YearDigit: 5, Serial: 123}
	tests := []struct {
		name string
		r    ReceptacleID
		part string
	}{
		{"valid", ReceptacleID{Dispatch: ok, Serial: 999, WeightHg: 9999}, ""},
		{"short origin", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.Origin = "IEDUB" }), Serial: 1}, "origin office"},
		{"lower destination", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.Destination = "nlhagi" }), Serial: 1}, "destination office"},
		{"zero category", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.Category = 0 }), Serial: 1}, "mail category"},
		{"long subclass", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.Subclass = "UNX" }), Serial: 1}, "subclass"},
		{"year 10", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.YearDigit = 10 }), Serial: 1}, "year"},
		{"serial 10000", ReceptacleID{Dispatch: with(ok, func(d *DispatchID) { d.Serial = 10000 }), Serial: 1}, "dispatch serial"},
		{"receptacle 1000", ReceptacleID{Dispatch: ok, Serial: 1000}, "receptacle serial"},
		{"negative weight", ReceptacleID{Dispatch: ok, Serial: 1, WeightHg: -1}, "weight"},
		{"weight 10000", ReceptacleID{Dispatch: ok, Serial: 1, WeightHg: 10000}, "weight"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.r.Validate()
			if tc.part == "" {
				if err != nil {
					t.Fatal(err)
				}
				if back, err := ParseReceptacleID(tc.r.String()); err != nil || back != tc.r {
					t.Fatalf("round trip %q: %+v, %v", tc.r, back, err)
				}
				return
			}
			var ie *IDError
			if !errors.As(err, &ie) || ie.Part != tc.part || ie.Kind != "S9" {
				t.Fatalf("Validate = %v, want S9 part %q", err, tc.part)
			}
			if tc.r.Serial <= 999 && tc.r.WeightHg >= 0 && tc.r.WeightHg <= 9999 {
				var de *IDError
				if !errors.As(tc.r.Dispatch.Validate(), &de) || de.Part != tc.part || de.Kind != "S8" {
					t.Errorf("DispatchID.Validate = %v, want S8 part %q", tc.r.Dispatch.Validate(), tc.part)
				}
			}
		})
	}
}

func with(d DispatchID, f func(*DispatchID)) DispatchID {
	f(&d)
	return d
}

func TestMailCategoryAndClass(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want MailCategory
	}{{"A", CategoryAir}, {"b", CategorySAL}, {"surface", CategorySurface}, {" D ", CategoryPrioritySurface}, {"S.A.L.", CategorySAL}} {
		t.Run("category "+tc.in, func(t *testing.T) {
			t.Parallel()
			if got, err := ParseMailCategory(tc.in); err != nil || got != tc.want {
				t.Errorf("ParseMailCategory(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
	for _, tc := range []struct {
		in   string
		want MailClass
	}{{"U", ClassLetterPost}, {"c", ClassParcel}, {"EMS", ClassEMS}, {"empty receptacles", ClassEmpty}} {
		t.Run("class "+tc.in, func(t *testing.T) {
			t.Parallel()
			if got, err := ParseMailClass(tc.in); err != nil || got != tc.want {
				t.Errorf("ParseMailClass(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		if _, err := ParseMailCategory("E"); err == nil || err.Error() != `mail category "E": must be A (air/priority), B (S.A.L.), C (surface) or D (priority by surface)` {
			t.Errorf("ParseMailCategory(E) = %v", err)
		}
		if _, err := ParseMailClass("X"); err == nil || ErrorCode(err) != CodeInvalid {
			t.Errorf("ParseMailClass(X) = %v", err)
		}
	})
	t.Run("names", func(t *testing.T) {
		t.Parallel()
		if CategoryAir.String() != "air/priority" || MailCategory('Z').String() != "MailCategory('Z')" || ClassEMS.String() != "EMS" {
			t.Errorf("String: %v %v %v", CategoryAir, MailCategory('Z'), ClassEMS)
		}
	})
}

func TestValidOffice(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"AEDXBA": true, "USJECU": true, "XKPRIA": false, "AEDXB": false, "AEDXB1": false, "aedxba": false} {
		if ValidOffice(in) != want {
			t.Errorf("ValidOffice(%q) = %v", in, !want)
		}
	}
}

func FuzzParseDispatchID(f *testing.F) {
	for _, s := range []string{exampleDispatch, "USLAXANLHAGICCN60001", "iedubanlhagiaun50123", "IEDUBANLHAGIAUN50000", "XXDUBANLHAGIAUN50123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDispatchID(s)
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) || ie.Part == "" || ie.Kind != "S8" {
				t.Fatalf("ParseDispatchID(%q) error %v is not an S8 *IDError with a part", s, err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("parsed %q does not validate: %v", s, err)
		}
		back, err := ParseDispatchID(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDispatchID(%q) = %+v; reparse of %q = %+v, %v", s, d, d, back, err)
		}
	})
}

func FuzzParseReceptacleID(f *testing.F) {
	for _, s := range []string{exampleReceptacle, "USLAXANLHAGICCN60001999019999", "IEDUBANLHAGIAUN50123001900125", "IEDUBANLHAGIAUN50123000100125", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceptacleID(s)
		if err != nil {
			var ie *IDError
			if !errors.As(err, &ie) || ie.Part == "" || ie.Kind != "S9" {
				t.Fatalf("ParseReceptacleID(%q) error %v is not an S9 *IDError with a part", s, err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("parsed %q does not validate: %v", s, err)
		}
		back, err := ParseReceptacleID(r.String())
		if err != nil || back != r {
			t.Fatalf("ParseReceptacleID(%q) = %+v; reparse of %q = %+v, %v", s, r, r, back, err)
		}
	})
}
