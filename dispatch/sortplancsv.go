package dispatch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/interpost/interpost/postal"
)

// SortPlanHeader is the header a sort-plan file starts with
// (docs/formats.md, "Sort plans").
var SortPlanHeader = []string{"country", "postcode_from", "postcode_to", "category", "class", "product", "destination", "subclass", "receptacle"}

// ReadSortPlan parses a sort-plan CSV file: the header, then one rule per
// line; lines starting with # are comments. It checks the shape of every
// line and returns every problem at once, each naming its line; the
// network checks are Normalize's.
func ReadSortPlan(r io.Reader) ([]Rule, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, postal.Invalid("sort plan file is empty", postal.FieldError{Field: "line 1", Message: "want header " + strings.Join(SortPlanHeader, ",")})
	}
	if err != nil {
		return nil, postal.Invalid("sort plan file is not valid CSV", postal.FieldError{Field: "line 1", Message: err.Error()})
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !slices.Equal(header, SortPlanHeader) {
		return nil, postal.Invalid("sort plan file has the wrong header", postal.FieldError{Field: "line 1",
			Message: fmt.Sprintf("got %q, want %s", strings.Join(header, ","), strings.Join(SortPlanHeader, ","))})
	}
	var rules []Rule
	var fe postal.FieldList
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			fe.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
			if len(fe) > 100 {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(SortPlanHeader) {
			fe.Add(fmt.Sprintf("line %d", line), "has %d columns, want %d (%s)", len(rec), len(SortPlanHeader), strings.Join(SortPlanHeader, ","))
			continue
		}
		rules = append(rules, Rule{
			Country: rec[0], PostcodeFrom: rec[1], PostcodeTo: rec[2], Category: rec[3], Class: rec[4], Product: rec[5],
			Destination: rec[6], Subclass: rec[7], Receptacle: ReceptacleType(rec[8]), Line: line,
		})
	}
	if err := fe.Err("sort plan file has errors"); err != nil {
		return nil, err
	}
	return rules, nil
}

// WriteSortPlan writes rules in the file format, in their order.
func WriteSortPlan(w io.Writer, rules []Rule) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SortPlanHeader); err != nil {
		return err
	}
	for _, r := range rules {
		if err := cw.Write([]string{r.Country, r.PostcodeFrom, r.PostcodeTo, r.Category, r.Class, r.Product, r.Destination, r.Subclass, string(r.Receptacle)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
