package warehouse

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/interpost/interpost/postal"
)

// MaxParcels is the most warehouses one order is split over.
const MaxParcels = 3

// Candidate is a warehouse that serves the buyer's country, with what it has
// available of the order's SKUs.
type Candidate struct {
	Warehouse string
	Days      int            // delivery days to the buyer
	Available map[string]int // SKU → available units
}

// Plan splits an order's lines over warehouses. The rule:
//
//  1. Candidates are the warehouses serving the buyer's country, fastest
//     first (fewest delivery days; ties by office code).
//  2. If one warehouse can ship the whole order, the fastest such warehouse
//     ships it: one parcel, even if a faster one holds part of it.
//  3. Otherwise the order is split greedily: in candidate order, each
//     warehouse takes as much of every remaining line as it has available,
//     up to MaxParcels parcels.
//  4. If that leaves any line short, the order is refused naming each short
//     line (error wrapping ErrInsufficientStock) and nothing is reserved.
//
// Plan reads a snapshot; the store's reservation re-checks every line
// atomically, and the service plans again if the snapshot was stale.
func Plan(lines []SKULine, cands []Candidate) ([]Parcel, error) {
	cands = slices.Clone(cands)
	slices.SortFunc(cands, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.Days, b.Days), cmp.Compare(a.Warehouse, b.Warehouse))
	})
	for _, c := range cands {
		if holdsAll(c, lines) {
			return []Parcel{{No: 1, Warehouse: c.Warehouse, Status: ParcelReserved, DeliveryDays: c.Days, Lines: slices.Clone(lines)}}, nil
		}
	}
	left := make([]int, len(lines))
	for i, l := range lines {
		left[i] = l.Quantity
	}
	var out []Parcel
	for _, c := range cands {
		if len(out) == MaxParcels {
			break
		}
		p := Parcel{No: len(out) + 1, Warehouse: c.Warehouse, Status: ParcelReserved, DeliveryDays: c.Days}
		for i, l := range lines {
			if take := min(left[i], c.Available[l.SKU]); take > 0 {
				p.Lines = append(p.Lines, SKULine{SKU: l.SKU, Quantity: take})
				left[i] -= take
			}
		}
		if len(p.Lines) > 0 {
			out = append(out, p)
		}
	}
	var fe []postal.FieldError
	for i, l := range lines {
		if left[i] == 0 {
			continue
		}
		total, where := 0, []string{}
		for _, c := range cands {
			total += c.Available[l.SKU]
			where = append(where, fmt.Sprintf("%s %d", c.Warehouse, c.Available[l.SKU]))
		}
		msg := fmt.Sprintf("%s: %d wanted, %d available in the warehouses serving the buyer (%s)", l.SKU, l.Quantity, total, strings.Join(where, ", "))
		if total >= l.Quantity {
			msg += fmt.Sprintf("; it would take more than %d parcels", MaxParcels)
		}
		fe = append(fe, postal.FieldError{Field: fmt.Sprintf("lines[%d].quantity", i), Message: msg})
	}
	if len(fe) > 0 {
		return nil, &postal.Error{Code: postal.CodeConflict, Message: "not enough stock for the order; nothing was reserved", Fields: fe, Err: ErrInsufficientStock}
	}
	return out, nil
}

func holdsAll(c Candidate, lines []SKULine) bool {
	for _, l := range lines {
		if c.Available[l.SKU] < l.Quantity {
			return false
		}
	}
	return true
}
