package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
)

// productMix is the share of each product in a day of cross-border
// e-commerce mail (per mille), with the weight range of its items in grams.
var productMix = []struct {
	product  postal.Product
	share    int
	min, max int
}{
	{postal.ProductEPacket, 600, 60, 1800},
	{postal.ProductRegisteredSmallPacket, 150, 80, 1900},
	{postal.ProductSmallPacket, 100, 40, 900},
	{postal.ProductEMS, 70, 200, 4500},
	{postal.ProductParcel, 80, 1500, 9000},
}

// Generate makes n items for an office's sort plan: addressee countries
// drawn from the plan's countries (by weights, or equally when weights is
// nil), postcodes inside the rules' ranges, products and weights from a
// typical e-commerce mix, S10 ids from serial base upwards in country.
func Generate(plan *dispatch.SortPlan, n int, weights map[string]int, rng *rand.Rand, base uint32, country string) []dispatch.Item {
	byCountry := map[string][]dispatch.Rule{}
	for _, r := range plan.Rules {
		byCountry[r.Country] = append(byCountry[r.Country], r)
	}
	countries := make([]string, 0, len(byCountry))
	for c := range byCountry {
		if weights == nil || weights[c] > 0 {
			countries = append(countries, c)
		}
	}
	slices.Sort(countries)
	if len(countries) == 0 {
		return nil
	}
	total := 0
	cum := make([]int, len(countries))
	for i, c := range countries {
		w := 1
		if weights != nil {
			w = weights[c]
		}
		total += w
		cum[i] = total
	}
	indicators := map[postal.Product]string{postal.ProductEPacket: "LA", postal.ProductRegisteredSmallPacket: "RA",
		postal.ProductSmallPacket: "UA", postal.ProductEMS: "EA", postal.ProductParcel: "CA"}
	out := make([]dispatch.Item, 0, n)
	for i := range n {
		x := rng.IntN(total)
		ci, _ := slices.BinarySearch(cum, x+1)
		c := countries[ci]
		p := rng.IntN(1000)
		k := 0
		for p >= productMix[k].share {
			p -= productMix[k].share
			k++
		}
		m := productMix[k]
		spec, _ := postal.LookupProduct(string(m.product))
		id, err := postal.NewS10(indicators[m.product], base+uint32(i), country)
		if err != nil {
			panic(fmt.Sprintf("sim: S10 serial %d: %v", base+uint32(i), err)) // base is chosen by the caller below 10^8 - n
		}
		rules := byCountry[c]
		r := rules[rng.IntN(len(rules))]
		out = append(out, dispatch.Item{ID: id, Product: m.product, Country: c, Postcode: postcode(rng, r),
			WeightG: m.min + rng.IntN(m.max-m.min), Registered: spec.Registered})
	}
	return out
}

// postcode makes a 5-digit postcode inside a rule's range (any when none).
func postcode(rng *rand.Rand, r dispatch.Rule) string {
	pc := r.PostcodeFrom
	if from, to := r.PostcodeFrom, r.PostcodeTo; len(from) == len(to) && len(from) > 0 && allDigits(from) && allDigits(to) {
		lo, hi := atoi(from), atoi(to)
		pc = fmt.Sprintf("%0*d", len(from), lo+rng.IntN(hi-lo+1))
	}
	for len(pc) < 5 {
		pc += string(rune('0' + rng.IntN(10)))
	}
	return pc
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
