package network

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/postal"
)

// ServiceHeader is the header services.csv must start with; the optional
// columns ServiceOptional may follow in any order (docs/formats.md).
var ServiceHeader = []string{"id", "from", "to", "mode", "carrier", "days", "departs", "duration_min",
	"cutoff_min", "capacity_kg", "cost_per_kg", "valid_from", "valid_to"}

// ServiceOptional lists the optional trailing columns of services.csv.
var ServiceOptional = []string{"co2_g_per_kg", "dg"}

// maxFieldErrors stops reading a hopeless file early.
const maxFieldErrors = 100

// ReadServices parses a services.csv. When offices is not nil, every from
// and to must name one of them. It reads the whole file and returns every
// problem found, each naming its line and column ("line 4: departs"), so
// nothing is stored from a file with errors.
func ReadServices(r io.Reader, offices map[string]Office) ([]Leg, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, postal.Invalid("services file is empty", postal.FieldError{Field: "line 1", Message: "want header " + strings.Join(ServiceHeader, ",")})
	}
	if err != nil {
		return nil, postal.Invalid("services file is not valid CSV", postal.FieldError{Field: "line 1", Message: err.Error()})
	}
	cols, err := serviceColumns(header)
	if err != nil {
		return nil, err
	}
	var out []Leg
	var fe postal.FieldList
	seen := map[string]int{}
	for len(fe) <= maxFieldErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				fe.Add("line ?", "%v", err) // not a CSV problem: the reader failed
				break
			}
			fe.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(cols) {
			fe.Add(fmt.Sprintf("line %d", line), "has %d columns, want %d", len(rec), len(cols))
			continue
		}
		s, errs := parseService(rec, cols, offices)
		for _, e := range errs {
			fe.Add(fmt.Sprintf("line %d: %s", line, e.Field), "%s", e.Message)
		}
		if len(errs) == 0 {
			if first, dup := seen[s.ID]; dup {
				fe.Add(fmt.Sprintf("line %d: id", line), "service %s already defined on line %d", s.ID, first)
			} else {
				seen[s.ID] = line
			}
			out = append(out, s)
		}
	}
	if err := fe.Err("services file has errors"); err != nil {
		return nil, err
	}
	return out, nil
}

// serviceColumns checks the header and returns the column names in file
// order.
func serviceColumns(header []string) ([]string, error) {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	want := strings.Join(ServiceHeader, ",") + "[,co2_g_per_kg][,dg]"
	if len(header) < len(ServiceHeader) || !slices.Equal(header[:len(ServiceHeader)], ServiceHeader) {
		return nil, postal.Invalid("services file has the wrong header", postal.FieldError{Field: "line 1",
			Message: fmt.Sprintf("got %q, want %s", strings.Join(header, ","), want)})
	}
	cols := slices.Clone(header)
	for i, name := range cols[len(ServiceHeader):] {
		if !slices.Contains(ServiceOptional, name) || slices.Contains(cols[len(ServiceHeader):len(ServiceHeader)+i], name) {
			return nil, postal.Invalid("services file has the wrong header", postal.FieldError{Field: fmt.Sprintf("line 1: column %d", len(ServiceHeader)+i+1),
				Message: fmt.Sprintf("unexpected column %q; after %s only co2_g_per_kg and dg may follow, once each", name, ServiceHeader[len(ServiceHeader)-1])})
		}
	}
	return cols, nil
}

func parseService(rec, cols []string, offices map[string]Office) (Leg, []postal.FieldError) {
	var fe postal.FieldList
	var s Leg
	var err error
	for i, col := range cols {
		v := rec[i]
		switch col {
		case "id":
			s.ID = v
		case "from":
			s.From = v
		case "to":
			s.To = v
		case "mode":
			s.Mode = Mode(v)
		case "carrier":
			s.Carrier = v
		case "days":
			if s.Days, err = civil.ParseWeekdays(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "departs":
			if s.Departs, err = civil.ParseClock(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "duration_min", "cutoff_min":
			n, err := strconv.Atoi(v)
			if err != nil {
				fe.Add(col, "%q is not a whole number of minutes", v)
			}
			if col == "duration_min" {
				s.DurationMin = n
			} else {
				s.CutoffMin = n
			}
		case "capacity_kg":
			if s.CapacityKg, err = parseNumber(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "cost_per_kg":
			if s.CostPerKg, err = parseCost(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "valid_from":
			if s.ValidFrom, err = civil.ParseDate(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "valid_to":
			if s.ValidTo, err = civil.ParseDate(v); err != nil {
				fe.Add(col, "%v", err)
			}
		case "co2_g_per_kg":
			if v != "" {
				f, err := parseNumber(v)
				if err != nil {
					fe.Add(col, "%v", err)
				}
				s.CO2GPerKg = &f
			}
		case "dg":
			switch v {
			case "yes":
				s.DG = true
			case "no", "":
			default:
				fe.Add(col, "%q must be yes or no", v)
			}
		}
	}
	if len(fe) > 0 {
		return s, fe
	}
	fe = append(fe, postal.Fields(s.Validate())...)
	if offices != nil {
		for _, ref := range []struct{ col, code string }{{"from", s.From}, {"to", s.To}} {
			if _, ok := offices[ref.code]; !ok && !hasField(fe, ref.col) {
				fe.Add(ref.col, "unknown office %q (add it to offices.csv)", ref.code)
			}
		}
		if s.Mode == ModeSea && !hasField(fe, "from") && !hasField(fe, "to") {
			for _, ref := range []struct{ col, code string }{{"from", s.From}, {"to", s.To}} {
				if o := offices[ref.code]; !o.Port {
					fe.Add(ref.col, "a sea service must connect two ports: %s (%s) is not a port (offices.csv column port)", o.Code, o.Name)
				}
			}
		}
	}
	return s, fe
}

func hasField(fe postal.FieldList, field string) bool {
	return slices.ContainsFunc(fe, func(e postal.FieldError) bool { return e.Field == field })
}

// parseNumber parses a plain decimal number ≥ 0 ("1500", "0.5"). Exponents,
// hex, infinities and NaN are refused so files stay readable.
func parseNumber(v string) (float64, error) {
	digits := strings.TrimPrefix(v, "-")
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return 0, fmt.Errorf("%q is not a number ≥ 0 written with digits and a decimal point", v)
	}
	if digits != v {
		return 0, fmt.Errorf("%q is negative; want a number ≥ 0", v)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number ≥ 0 written with digits and a decimal point", v)
	}
	return f, nil
}

// parseCost parses cost_per_kg: a number with at most MaxCostDigits decimal
// places, so the planner can add costs exactly in integer units.
func parseCost(v string) (float64, error) {
	f, err := parseNumber(v)
	if err != nil {
		return 0, err
	}
	if i := strings.IndexByte(v, '.'); i >= 0 && len(v)-i-1 > MaxCostDigits {
		return 0, fmt.Errorf("%q has more than %d decimal places", v, MaxCostDigits)
	}
	return f, nil
}

// WriteServices writes services in the services.csv format, with both
// optional columns. Numbers are written in their shortest exact form, so a
// file written here reads back to the same services and, read and written
// again, to the same bytes.
func WriteServices(w io.Writer, services []Leg) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(ServiceHeader), ServiceOptional...)); err != nil {
		return err
	}
	for _, s := range services {
		co2 := ""
		if s.CO2GPerKg != nil {
			co2 = formatNumber(*s.CO2GPerKg)
		}
		dg := "no"
		if s.DG {
			dg = "yes"
		}
		if err := cw.Write([]string{s.ID, s.From, s.To, string(s.Mode), s.Carrier, s.Days.String(), s.Departs.String(),
			strconv.Itoa(s.DurationMin), strconv.Itoa(s.CutoffMin), formatNumber(s.CapacityKg), formatNumber(s.CostPerKg),
			s.ValidFrom.String(), s.ValidTo.String(), co2, dg}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
