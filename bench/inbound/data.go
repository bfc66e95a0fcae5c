package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// origins are the partner offices sending to us, with the currency of
// their senders' declared values; dests are our inward offices of exchange.
var (
	origins = []struct{ office, currency string }{
		{"JPTYOA", "JPY"}, {"KRSELA", "KRW"}, {"USLAXA", "USD"}, {"DEFRAA", "EUR"}, {"FRCDGA", "EUR"}, {"PLWAWA", "PLN"}, {"KZALAA", "KZT"},
	}
	dests = []string{"CNPEKA", "CNSHAA", "CNCANA", "CNXMNA"}
)

// contents of the items: what, HS code, value in USD (scaled per currency).
var contents = []struct {
	what, hs string
	usd      float64
}{
	{"Green tea", "090210", 25}, {"Cosmetics", "330499", 34}, {"Vitamins", "210690", 39.9}, {"Books", "490199", 24},
	{"Amber jewellery", "711719", 45}, {"Phone case", "392690", 12.5}, {"Sports shoes", "640411", 80}, {"Toy figure", "950300", 18},
	{"Wool scarf", "611710", 30}, {"Coffee beans", "090121", 22},
}

// perUSD is what one USD buys, for the declared values.
var perUSD = map[string]float64{"USD": 1, "JPY": 151, "KRW": 1385, "EUR": 0.93, "PLN": 3.73, "KZT": 505}

// decimals are the minor units of the currencies.
var decimals = map[string]int{"USD": 2, "JPY": 0, "KRW": 0, "EUR": 2, "PLN": 2, "KZT": 2}

// dayData is the generated day: one PREDES per dispatch and the scans file
// the inward office will produce when it receives it.
type dayData struct {
	predes []edi.Predes
	scans  [][]byte // CSV, per dispatch
	// what the scans will find, for the report
	items, receptacles                  int
	missingRecs, heavyRecs, brokenSeals int
	missingItems, damaged, rifled       int
	notListed                           int
}

// generate makes nDispatches dispatches of receptacles, items spread evenly.
func generate(nItems, nReceptacles, perDispatch int, day time.Time, seed uint64) (*dayData, error) {
	r := rand.New(rand.NewPCG(seed, 2026))
	g := &dayData{}
	nDispatches := (nReceptacles + perDispatch - 1) / perDispatch
	itemSerial := uint32(0)
	extraSerial := uint32(50_000_000)
	lane := map[string]int{}
	recLeft, itemLeft := nReceptacles, nItems
	for d := range nDispatches {
		o := origins[d%len(origins)]
		dest := dests[(d/len(origins))%len(dests)]
		lane[o.office+dest]++
		id := postal.DispatchID{Origin: o.office, Destination: dest, Category: 'A', Subclass: "UN", YearDigit: day.Year() % 10, Serial: lane[o.office+dest]}
		nr := min(perDispatch, recLeft)
		recLeft -= nr
		dep := day.Add(time.Duration(d%20) * time.Hour)
		p := edi.Predes{Ref: fmt.Sprintf("%s%s%04d", o.office[:2], day.Format("060102"), d), Prepared: dep.Add(-2 * time.Hour),
			Dispatch: id.String(), Origin: o.office, Destination: dest,
			Transport: &edi.Transport{Service: fmt.Sprintf("CA%03d", d%1000), Mode: "air", Carrier: "CA", From: o.office, To: dest,
				Departure: dep, Arrival: dep.Add(4 * time.Hour)}}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(inward.ScanColumns)
		for k := 1; k <= nr; k++ {
			// the items left spread over the receptacles left
			ni := itemLeft / (recLeft + nr - k + 1)
			itemLeft -= ni
			rc := edi.Receptacle{Type: "bag"}
			registered := k == 1
			type item struct {
				id string
				g  int
			}
			var its []item
			gross := 300 // the bag
			for range ni {
				ind := "LX"
				switch {
				case registered:
					ind = "RR"
				case r.IntN(20) == 0:
					ind = "CP"
				}
				itemSerial++
				s10, err := postal.NewS10(ind, itemSerial, o.office[:2])
				if err != nil {
					return nil, err
				}
				c := contents[r.IntN(len(contents))]
				wg := 100 + r.IntN(1200)
				gross += wg
				its = append(its, item{string(s10), wg})
				rc.Items = append(rc.Items, string(s10))
				rc.ItemData = append(rc.ItemData, edi.ItemData{Item: string(s10), Contents: c.what, HSCode: c.hs, WeightG: wg,
					Value: strconv.FormatFloat(c.usd*perUSD[o.currency], 'f', decimals[o.currency], 64), Currency: o.currency,
					SenderName: fmt.Sprintf("Sender %d", itemSerial), SenderCountry: o.office[:2],
					AddresseeName: fmt.Sprintf("Addressee %d", itemSerial%400_000), AddresseeCountry: "CN"})
			}
			rid := postal.ReceptacleID{Dispatch: id, Serial: k, Last: k == nr, Registered: registered, WeightHg: (gross + 50) / 100}
			rc.ID, rc.GrossWeightG = rid.String(), gross
			p.Receptacles = append(p.Receptacles, rc)
			g.receptacles++
			g.items += ni
			// the receptacle's receipt
			u := r.Float64()
			if u < 0.0015 {
				g.missingRecs++
				continue
			}
			weight, flags := gross, ""
			switch {
			case u < 0.003:
				weight += 2500
				g.heavyRecs++
			case u < 0.005:
				flags = inward.FlagSealBroken
				g.brokenSeals++
			}
			w.Write([]string{"receptacle", rc.ID, "", strconv.Itoa(weight), flags, ""})
			w.Write([]string{"open", rc.ID, "", "", "", ""})
			for _, it := range its {
				cond := ""
				u := r.Float64()
				switch {
				case u < 0.002:
					g.missingItems++
					continue
				case u < 0.003:
					cond = inward.ConditionDamaged
					g.damaged++
				case u < 0.0035:
					cond = inward.ConditionRifled
					g.rifled++
				case u < 0.005:
					extraSerial++
					x, err := postal.NewS10("LX", extraSerial, o.office[:2])
					if err != nil {
						return nil, err
					}
					w.Write([]string{"item", string(x), rc.ID, "", "", ""})
					g.notListed++
				}
				w.Write([]string{"item", it.id, rc.ID, strconv.Itoa(it.g), "", cond})
			}
		}
		w.Flush()
		g.predes = append(g.predes, p)
		g.scans = append(g.scans, buf.Bytes())
	}
	return g, nil
}
