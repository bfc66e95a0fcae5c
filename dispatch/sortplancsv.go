package dispatch

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
	cr, err := postal.OpenCSV(r, "sort plan file", SortPlanHeader, '#')
	if err != nil {
		return nil, err
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
