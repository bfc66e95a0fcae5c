package accounting

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Figures are a lane's money in the report currency.
type Figures struct {
	Revenue    decimal.Decimal `json:"revenue" doc:"Postage and surcharges billed to merchants"`
	Dues       decimal.Decimal `json:"dues" doc:"Terminal dues, inward land rates and EMS rates owed to destination posts"`
	Transit    decimal.Decimal `json:"transit"`
	Conveyance decimal.Decimal `json:"conveyance"`
	Handling   decimal.Decimal `json:"handling" doc:"The post's own handling cost (handling.csv)"`
	Margin     decimal.Decimal `json:"margin" doc:"Revenue − dues − transit − conveyance − handling"`
	PerItem    decimal.Decimal `json:"margin_per_item"`
	PerKg      decimal.Decimal `json:"margin_per_kg"`
	Percent    decimal.Decimal `json:"margin_percent" doc:"Margin as a percentage of revenue, one decimal"`
	// Currency is only written to JSON (the report's), so every amount
	// has its currency beside it.
	Currency string `json:"currency" doc:"ISO 4217 currency of the amounts: the report's" example:"CNY"`
}

// MarginRow is one lane (origin office → destination country) and product.
type MarginRow struct {
	Origin  string   `json:"origin"`
	Dest    string   `json:"dest"`
	Product string   `json:"product"`
	Items   int      `json:"items"`
	WeightG int      `json:"weight_g"`
	Unrated int      `json:"unrated" doc:"Charges of the lane the tariff could not rate: its figures are incomplete"`
	Base    Figures  `json:"base"`
	WhatIf  *Figures `json:"what_if,omitempty"`
}

// MarginReport is the profitability of each lane and product for a period.
type MarginReport struct {
	Period   string      `json:"period"`
	Currency string      `json:"currency"`
	Tariff   string      `json:"tariff"`
	WhatIf   string      `json:"what_if,omitempty" doc:"The what-if tariff: its version, or the files that replaced tables of the version in force"`
	Rows     []MarginRow `json:"rows" doc:"Lowest margin per item first"`
	Total    MarginRow   `json:"total"`
	Notes    []string    `json:"notes"`
}

// MarginOptions tune the margin report.
type MarginOptions struct {
	Currency string // report currency; "" takes the public price list's
	// WhatIf, when set, is rated beside the tariff in force: tables of a
	// whole set or files replacing tables of the version in force.
	WhatIf map[string][]byte
}

// Margin computes revenue against dues, transit, conveyance and handling
// per lane and product for a period, under the tariff in force and, when
// asked, under a what-if tariff. Amounts are summed per lane, category and
// currency, then converted once through the SDR rates table and rounded to
// the report currency (half away from zero).
func (s *Service) Margin(ctx context.Context, who auth.Principal, p Period, o MarginOptions) (MarginReport, error) {
	if err := allow(who, auth.RoleAdmin, auth.RoleOperator); err != nil {
		return MarginReport{}, err
	}
	base, err := s.Tariff(ctx, "")
	if err != nil {
		return MarginReport{}, err
	}
	rep := MarginReport{Period: p.Name, Tariff: base.Version, Rows: []MarginRow{}}
	var whatIf *Set
	if o.WhatIf != nil {
		v := "what-if"
		if _, whole := o.WhatIf[ManifestFile]; whole {
			v = ""
		}
		if whatIf, err = Overlay(base, o.WhatIf, v); err != nil {
			return MarginReport{}, err
		}
		rep.WhatIf = whatIf.Version
		if v != "" {
			rep.WhatIf = "tariff " + base.Version + " with " + strings.Join(sortedKeys(o.WhatIf), ", ") + " replaced"
		}
	}
	cur := o.Currency
	if cur == "" {
		cur = postal.SDR
		if len(base.Prices) > 0 {
			cur = base.Prices[0].Currency
		}
	}
	if !postal.ValidCurrency(cur) {
		return MarginReport{}, postal.Invalid("bad report currency", postal.FieldError{Field: "currency", Message: fmt.Sprintf("%q is not an ISO 4217 code", cur)})
	}
	rep.Currency = cur
	w, err := s.world(ctx)
	if err != nil {
		return MarginReport{}, err
	}
	f, err := s.facts(ctx, p)
	if err != nil {
		return MarginReport{}, err
	}
	lanes, order := laneRows(f)
	conv := converter{rates: s.Rates, to: cur}
	for i, set := range []*Set{base, whatIf} {
		if set == nil {
			continue
		}
		sums := s.laneSums(set, w, f)
		for _, k := range order {
			fig := sums[k].figures(&conv, lanes[k])
			if i == 0 {
				lanes[k].Base = fig
				lanes[k].Unrated = sums[k].unrated
			} else {
				lanes[k].WhatIf = &fig
			}
		}
	}
	if conv.err != nil {
		return MarginReport{}, conv.err
	}
	rep.Total = MarginRow{Origin: "*", Dest: "*", Product: "*"}
	for _, k := range order {
		r := lanes[k]
		rep.Rows = append(rep.Rows, *r)
		rep.Total.Items += r.Items
		rep.Total.WeightG += r.WeightG
		rep.Total.Unrated += r.Unrated
		rep.Total.Base = rep.Total.Base.add(r.Base)
		if r.WhatIf != nil {
			t := rep.Total.WhatIf
			if t == nil {
				t = &Figures{}
			}
			sum := t.add(*r.WhatIf)
			rep.Total.WhatIf = &sum
		}
	}
	rep.Total.Base.ratios(cur, rep.Total.Items, rep.Total.WeightG)
	if rep.Total.WhatIf != nil {
		rep.Total.WhatIf.ratios(cur, rep.Total.Items, rep.Total.WeightG)
	}
	slices.SortStableFunc(rep.Rows, func(a, b MarginRow) int {
		if c := a.Base.PerItem.Cmp(b.Base.PerItem); c != 0 {
			return c
		}
		return compareStrings(a.Origin+a.Dest+a.Product, b.Origin+b.Dest+b.Product)
	})
	rep.Notes = []string{
		fmt.Sprintf("Amounts in %s converted through SDR with the rates table of %s.", cur, s.Rates.AsOf.Format("2006-01-02")),
		map[bool]string{true: "Conveyance and transit of items that departed come from their consignments and dispatches (shared among the items by weight); items that never left in a dispatch follow their planned way (route planner).",
			false: "Conveyance and transit follow each item's planned way (route planner): no dispatch facts are wired."}[s.Dispatches != nil],
	}
	if rep.Total.Unrated > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d charges could not be rated; lanes with unrated > 0 are incomplete.", rep.Total.Unrated))
	}
	return rep, nil
}

type laneKey struct{ origin, dest, product string }

func laneRows(f Facts) (map[laneKey]*MarginRow, []laneKey) {
	m := map[laneKey]*MarginRow{}
	var order []laneKey
	for _, it := range f.Items {
		k := laneKey{it.Origin, it.Dest, string(it.Product)}
		r := m[k]
		if r == nil {
			r = &MarginRow{Origin: it.Origin, Dest: it.Dest, Product: string(it.Product)}
			m[k] = r
			order = append(order, k)
		}
		r.Items++
		r.WeightG += it.WeightG
	}
	slices.SortFunc(order, func(a, b laneKey) int { return compareStrings(a.origin+a.dest+a.product, b.origin+b.dest+b.product) })
	return m, order
}

// laneSum holds a lane's amounts per category and currency.
type laneSum struct {
	by      map[string]Totals // category → currency → amount
	unrated int
}

func (l *laneSum) add(cat, currency string, amount decimal.Decimal) {
	if l.by == nil {
		l.by = map[string]Totals{}
	}
	if l.by[cat] == nil {
		l.by[cat] = Totals{}
	}
	l.by[cat].Add(currency, amount)
}

func category(k Kind) string {
	switch k {
	case KindPostage, KindSurcharge:
		return "revenue"
	case KindTerminalDues, KindLandRate, KindEMS:
		return "dues"
	case KindTransit:
		return "transit"
	case KindConveyance:
		return "conveyance"
	}
	return "other"
}

// laneSums rates the facts under set and sums charges per lane; charges on
// dispatches and consignments are shared among their items by weight.
func (s *Service) laneSums(set *Set, w *world, f Facts) map[laneKey]*laneSum {
	res := rateFacts(s.rater(set, w), f, itemsPerDispatch(f))
	items := map[string]ItemFact{}
	for _, it := range f.Items {
		items[it.ID] = it
	}
	share := sharer(f, items)
	out := map[laneKey]*laneSum{}
	lane := func(it ItemFact) *laneSum {
		k := laneKey{it.Origin, it.Dest, string(it.Product)}
		if out[k] == nil {
			out[k] = &laneSum{}
		}
		return out[k]
	}
	for _, c := range res.Charges {
		if c.Basis == BasisReceived {
			continue // owed to us for partners' mail: no lane of ours
		}
		if it, ok := items[c.Item]; ok {
			lane(it).add(category(c.Kind), c.Currency, c.Amount)
			continue
		}
		for _, sh := range share(c) {
			lane(items[sh.item]).add(category(c.Kind), c.Currency, c.Amount.Mul(sh.fraction))
		}
	}
	for _, u := range res.Unrated {
		if it, ok := items[u.Item]; ok {
			lane(it).unrated++
		}
	}
	for _, it := range f.Items {
		if h := set.HandlingFor(it.Origin, string(it.Product), day(it.AcceptedAt)); h != nil {
			lane(it).add("handling", h.Currency, h.For(1, it.WeightG))
		}
	}
	return out
}

type itemShare struct {
	item     string
	fraction decimal.Decimal
}

// sharer returns how a dispatch or consignment charge divides among items:
// a consignment among its dispatches by gross weight, a dispatch among its
// items by item weight.
func sharer(f Facts, items map[string]ItemFact) func(Charge) []itemShare {
	disp := map[string]DispatchFact{}
	for _, d := range f.Dispatches {
		disp[d.ID] = d
	}
	ofDispatch := func(d DispatchFact, scale decimal.Decimal) []itemShare {
		total := 0
		for _, id := range d.Items {
			total += items[id].WeightG
		}
		var out []itemShare
		for _, id := range d.Items {
			if _, ok := items[id]; !ok || total == 0 {
				continue
			}
			out = append(out, itemShare{id, scale.Mul(decimal.NewFromInt(int64(items[id].WeightG))).Div(decimal.NewFromInt(int64(total)))})
		}
		return out
	}
	cons := map[string]ConsignmentFact{}
	for _, c := range f.Consignments {
		cons[c.ID] = c
	}
	return func(c Charge) []itemShare {
		if c.Consignment != "" {
			cf := cons[c.Consignment]
			total := 0
			for _, id := range cf.Dispatches {
				total += disp[id].GrossG
			}
			var out []itemShare
			for _, id := range cf.Dispatches {
				if total > 0 {
					out = append(out, ofDispatch(disp[id], decimal.NewFromInt(int64(disp[id].GrossG)).Div(decimal.NewFromInt(int64(total))))...)
				}
			}
			return out
		}
		if d, ok := disp[c.Dispatch]; ok {
			return ofDispatch(d, decimal.NewFromInt(1))
		}
		return nil
	}
}

// converter converts to the report currency, keeping the first error.
type converter struct {
	rates postal.Rates
	to    string
	err   error
}

func (c *converter) sum(t Totals) decimal.Decimal {
	var out decimal.Decimal
	for _, cur := range sortedKeys(t) {
		v, err := Convert(c.rates, t[cur], cur, c.to)
		if err != nil && c.err == nil {
			c.err = err
		}
		out = out.Add(v)
	}
	return out
}

func (l *laneSum) figures(c *converter, r *MarginRow) Figures {
	if l == nil {
		l = &laneSum{}
	}
	f := Figures{
		Revenue: c.sum(l.by["revenue"]), Dues: c.sum(l.by["dues"]), Transit: c.sum(l.by["transit"]),
		Conveyance: c.sum(l.by["conveyance"]), Handling: c.sum(l.by["handling"]),
	}
	f.Margin = f.Revenue.Sub(f.Dues).Sub(f.Transit).Sub(f.Conveyance).Sub(f.Handling)
	f.ratios(c.to, r.Items, r.WeightG)
	return f
}

func (f Figures) add(g Figures) Figures {
	return Figures{Revenue: f.Revenue.Add(g.Revenue), Dues: f.Dues.Add(g.Dues), Transit: f.Transit.Add(g.Transit),
		Conveyance: f.Conveyance.Add(g.Conveyance), Handling: f.Handling.Add(g.Handling), Margin: f.Margin.Add(g.Margin)}
}

// ratios sets margin per item, per kg and as a percentage of revenue.
func (f *Figures) ratios(currency string, items, weightG int) {
	if items > 0 {
		f.PerItem = Round(f.Margin.Div(decimal.NewFromInt(int64(items))), currency)
	}
	if weightG > 0 {
		f.PerKg = Round(f.Margin.Div(kg(weightG)), currency)
	}
	if f.Revenue.IsPositive() {
		f.Percent = f.Margin.Mul(decimal.NewFromInt(100)).Div(f.Revenue).Round(1)
	}
}

// MarshalJSON writes amounts with the currency's decimals.
func (r MarginReport) MarshalJSON() ([]byte, error) {
	fix := func(f Figures) figuresJSON {
		s := f.strings(r.Currency)
		return figuresJSON{s.Revenue, s.Dues, s.Transit, s.Conveyance, s.Handling, s.Margin, s.PerItem, s.PerKg, s.Percent, r.Currency}
	}
	rows := make([]marginRowJSON, len(r.Rows))
	for i, x := range r.Rows {
		rows[i] = marginRowJSON{x.Origin, x.Dest, x.Product, x.Items, x.WeightG, x.Unrated, fix(x.Base), nil}
		if x.WhatIf != nil {
			w := fix(*x.WhatIf)
			rows[i].WhatIf = &w
		}
	}
	t := marginRowJSON{r.Total.Origin, r.Total.Dest, r.Total.Product, r.Total.Items, r.Total.WeightG, r.Total.Unrated, fix(r.Total.Base), nil}
	if r.Total.WhatIf != nil {
		w := fix(*r.Total.WhatIf)
		t.WhatIf = &w
	}
	return json.Marshal(struct {
		Period   string          `json:"period"`
		Currency string          `json:"currency"`
		Tariff   string          `json:"tariff"`
		WhatIf   string          `json:"what_if,omitempty"`
		Rows     []marginRowJSON `json:"rows"`
		Total    marginRowJSON   `json:"total"`
		Notes    []string        `json:"notes"`
	}{r.Period, r.Currency, r.Tariff, r.WhatIf, rows, t, r.Notes})
}

type figuresJSON struct {
	Revenue    string `json:"revenue"`
	Dues       string `json:"dues"`
	Transit    string `json:"transit"`
	Conveyance string `json:"conveyance"`
	Handling   string `json:"handling"`
	Margin     string `json:"margin"`
	PerItem    string `json:"margin_per_item"`
	PerKg      string `json:"margin_per_kg"`
	Percent    string `json:"margin_percent"`
	Currency   string `json:"currency"`
}

type marginRowJSON struct {
	Origin  string       `json:"origin"`
	Dest    string       `json:"dest"`
	Product string       `json:"product"`
	Items   int          `json:"items"`
	WeightG int          `json:"weight_g"`
	Unrated int          `json:"unrated"`
	Base    figuresJSON  `json:"base"`
	WhatIf  *figuresJSON `json:"what_if,omitempty"`
}

// FigureStrings are Figures written with the currency's decimals.
type FigureStrings struct {
	Revenue, Dues, Transit, Conveyance, Handling, Margin, PerItem, PerKg, Percent string
}

func (f Figures) strings(cur string) FigureStrings {
	a := func(d decimal.Decimal) string { return FormatAmount(d, cur) }
	return FigureStrings{a(f.Revenue), a(f.Dues), a(f.Transit), a(f.Conveyance), a(f.Handling), a(f.Margin), a(f.PerItem), a(f.PerKg), f.Percent.StringFixed(1)}
}

// Strings writes the figures with the currency's decimals.
func (f Figures) Strings(currency string) FigureStrings { return f.strings(currency) }
