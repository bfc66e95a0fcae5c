package tracking

import (
	"strings"
	"testing"
)

// TestCodeTable checks that every code has a meaning, a stage, a unique
// chain position that grows along the table, and a status with a label.
func TestCodeTable(t *testing.T) {
	if len(codeTable) != 25 {
		t.Errorf("%d codes, want the 25 EMSEVT V3 codes of upu-standards.md §3", len(codeTable))
	}
	positions := map[int]Code{}
	last := 0
	for _, c := range Codes() {
		if len(c.Code) != 3 || strings.ToUpper(string(c.Code)) != string(c.Code) {
			t.Errorf("code %q is not three upper-case letters", c.Code)
		}
		if c.Meaning == "" {
			t.Errorf("%s has no meaning", c.Code)
		}
		switch c.Stage {
		case StageOrigin, StageTransport, StageDestination, StageLastMile:
		default:
			t.Errorf("%s has no chain stage (%q)", c.Code, c.Stage)
		}
		if c.Position <= 0 {
			t.Errorf("%s has no chain position", c.Code)
		}
		if other, dup := positions[c.Position]; dup {
			t.Errorf("%s and %s share position %d", c.Code, other, c.Position)
		}
		positions[c.Position] = c.Code
		if c.Position < last {
			t.Errorf("%s at position %d comes after position %d: keep the table in chain order", c.Code, c.Position, last)
		}
		last = c.Position
		if _, ok := statusLabels[c.Status]; !ok {
			t.Errorf("%s maps to status %q without a label", c.Code, c.Status)
		}
		if got, ok := LookupCode(c.Code); !ok || got != c {
			t.Errorf("LookupCode(%s) = %+v, %v", c.Code, got, ok)
		}
	}
	if _, ok := LookupCode("EMX"); ok {
		t.Error("EMX (unconfirmed in M40) is in the table")
	}
	for _, c := range []Code{EMI, EXX, EDX} {
		if info, _ := LookupCode(c); !info.Final() {
			t.Errorf("%s should end the journey", c)
		}
	}
	if info, _ := LookupCode(EMH); info.Status != StatusDeliveryAttempted {
		t.Errorf("EMH is an attempted delivery, not %s", info.Status)
	}
	for _, st := range Statuses() {
		if st.Label() == string(st) {
			t.Errorf("status %s has no label", st)
		}
	}
}
