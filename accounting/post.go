package accounting

import (
	"context"
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// RateReport says what rating a period posted.
type RateReport struct {
	Period       string    `json:"period"`
	Tariff       string    `json:"tariff" doc:"Version in force used"`
	Items        int       `json:"items" doc:"Items accepted in the period"`
	Dispatches   int       `json:"dispatches"`
	Consignments int       `json:"consignments"`
	Inbound      int       `json:"inbound" doc:"Items (or bulk receptacles) received from partner posts in the period"`
	Transit      int       `json:"transit" doc:"Closed-transit receptacles and open-transit items received from partner posts in the period"`
	Notes        []string  `json:"notes,omitempty" doc:"Sources not wired, e.g. no inbound facts source"`
	Conveyance   string    `json:"conveyance_basis" enum:"planned,dispatched" doc:"planned: each item's way from the route planner; dispatched: consignments and dispatches"`
	Charges      int       `json:"charges" doc:"Charges the tariff makes for the period's facts"`
	Posted       int       `json:"posted" doc:"New charges posted"`
	Adjusted     int       `json:"adjusted" doc:"Adjusting entries for charges whose amount changed"`
	Reversed     int       `json:"reversed" doc:"Entries reversing charges no longer made"`
	Unchanged    int       `json:"unchanged"`
	Kept         int       `json:"kept_unrated" doc:"Posted charges the tariff in force can no longer rate, left as posted"`
	Totals       []Total   `json:"totals" doc:"Of the entries posted now, per kind and currency"`
	Unrated      []Unrated `json:"unrated"`
}

// Total is a sum of entries of one kind in one currency and direction.
type Total struct {
	Kind Kind `json:"kind"`
	// Direction is receivable when the home post is the creditor (what
	// merchants and partner posts owe us), payable when it is the debtor.
	Direction string          `json:"direction" enum:"receivable,payable"`
	Currency  string          `json:"currency"`
	Entries   int             `json:"entries"`
	Amount    decimal.Decimal `json:"amount"`
}

// position is what the ledger holds for a key: the sums per (debtor,
// creditor, currency) and the last entry.
type position struct {
	sums map[side]*sums
	last Entry
}

type side struct {
	debtor, creditor Party
	currency         string
}

type sums struct {
	amount  decimal.Decimal
	items   int
	weightG int
	entry   Entry // the latest entry of this side
}

func (s *sums) zero() bool { return s.amount.IsZero() && s.items == 0 && s.weightG == 0 }

func positions(entries []Entry) map[string]*position {
	out := map[string]*position{}
	for _, e := range entries {
		p := out[e.Key]
		if p == nil {
			p = &position{sums: map[side]*sums{}}
			out[e.Key] = p
		}
		sd := side{e.Debtor, e.Creditor, e.Currency}
		s := p.sums[sd]
		if s == nil {
			s = &sums{}
			p.sums[sd] = s
		}
		s.amount = s.amount.Add(e.Amount)
		s.items += e.Items
		s.weightG += e.WeightG
		s.entry = e
		if e.Revision >= p.last.Revision {
			p.last = e
		}
	}
	return out
}

// Rate rates the facts of a period under the tariff in force and brings
// the ledger to agree: charges not yet posted are posted; a charge whose
// amount, parties or counts differ from what is posted gets an adjusting
// entry for the difference (or a reversal and a new entry when the parties
// or currency changed); a posted charge the facts no longer make is
// reversed. Nothing is ever updated or deleted. Running it twice posts
// nothing the second time.
func (s *Service) Rate(ctx context.Context, who auth.Principal, p Period) (RateReport, error) {
	if err := allow(who, auth.RoleAdmin); err != nil {
		return RateReport{}, err
	}
	rep, err := s.rate(ctx, p)
	if postal.ErrorCode(err) == postal.CodeConflict {
		// Another node posted for the same keys meanwhile: start again
		// from the ledger as it is now.
		rep, err = s.rate(ctx, p)
	}
	return rep, err
}

func (s *Service) rate(ctx context.Context, p Period) (RateReport, error) {
	set, err := s.Tariff(ctx, "")
	if err != nil {
		return RateReport{}, err
	}
	w, err := s.world(ctx)
	if err != nil {
		return RateReport{}, err
	}
	f, err := s.facts(ctx, p)
	if err != nil {
		return RateReport{}, err
	}
	res := rateFacts(s.rater(set, w), f, itemsPerDispatch(f))
	existing, err := s.allEntries(ctx, EntryFilter{From: p.From, To: p.To})
	if err != nil {
		return RateReport{}, err
	}
	// Compensation is decided on claims, not rated: rating leaves it be.
	existing = slices.DeleteFunc(existing, func(e Entry) bool { return e.Kind == KindCompensation || e.Kind == KindReturn })
	rep := RateReport{Period: p.Name, Tariff: set.Version, Items: len(f.Items), Dispatches: len(f.Dispatches),
		Consignments: len(f.Consignments), Conveyance: "planned", Charges: len(res.Charges), Unrated: res.Unrated,
		Inbound: len(f.Inbound), Transit: len(f.Transit), Notes: s.sourceNotes()}
	if s.Dispatches != nil {
		rep.Conveyance = "dispatched"
	}
	if rep.Unrated == nil {
		rep.Unrated = []Unrated{}
	}
	posts := plan(positions(existing), res, set.Version, &rep)
	at := s.now()
	for i := range posts {
		posts[i].PostedAt = at
	}
	posted, err := s.Store.AppendEntries(ctx, posts)
	if err != nil {
		return RateReport{}, err
	}
	rep.Totals = totals(posted, s.Home())
	return rep, nil
}

// plan works out the entries that make the ledger agree with res.
func plan(pos map[string]*position, res Result, version string, rep *RateReport) []Entry {
	var out []Entry
	made := map[string]bool{}
	for _, c := range res.Charges {
		made[c.Key] = true
		p := pos[c.Key]
		if p == nil {
			out = append(out, Entry{Charge: c})
			rep.Posted++
			continue
		}
		rev := p.last.Revision
		next := func() int { rev++; return rev }
		want := side{c.Debtor, c.Creditor, c.Currency}
		changed := false
		for _, sd := range sortedSides(p.sums) {
			if sd == want || p.sums[sd].zero() {
				continue
			}
			out = append(out, reversal(p.sums[sd], next(), fmt.Sprintf("reversed: now owed %s → %s in %s under tariff %s", c.Debtor, c.Creditor, c.Currency, version)))
			rep.Reversed++
			changed = true
		}
		have := p.sums[want]
		if have == nil {
			have = &sums{}
		}
		adj := c
		adj.Amount = c.Amount.Sub(have.amount)
		adj.Items = c.Items - have.items
		adj.WeightG = c.WeightG - have.weightG
		if adj.Amount.IsZero() && adj.Items == 0 && adj.WeightG == 0 {
			if !changed {
				rep.Unchanged++
			}
			continue
		}
		reason := fmt.Sprintf("re-rated under tariff %s (%s: %s)", version, c.TariffRow, c.Rate)
		if !have.zero() {
			reason += fmt.Sprintf("; was %s %s under %s (%s)", FormatAmount(have.amount, c.Currency), c.Currency, have.entry.TariffVersion, have.entry.TariffRow)
		}
		out = append(out, Entry{Charge: adj, Revision: next(), Reason: reason})
		rep.Adjusted++
	}
	unrated := map[string]bool{}
	for _, u := range res.Unrated {
		unrated[u.Key] = true
	}
	for _, key := range sortedKeys(pos) {
		if made[key] {
			continue
		}
		p := pos[key]
		if unrated[key] {
			rep.Kept++
			continue
		}
		rev := p.last.Revision
		for _, sd := range sortedSides(p.sums) {
			if p.sums[sd].zero() {
				continue
			}
			rev++
			out = append(out, reversal(p.sums[sd], rev, fmt.Sprintf("reversed: the facts no longer make this charge under tariff %s", version)))
			rep.Reversed++
		}
	}
	return out
}

// reversal is an entry that brings one side of a key back to zero.
func reversal(s *sums, revision int, reason string) Entry {
	e := Entry{Charge: s.entry.Charge, Revision: revision, Reason: reason}
	e.Amount, e.Items, e.WeightG = s.amount.Neg(), -s.items, -s.weightG
	return e
}

func sortedSides(m map[side]*sums) []side {
	out := make([]side, 0, len(m))
	for sd := range m {
		out = append(out, sd)
	}
	slices.SortFunc(out, func(a, b side) int {
		return compareStrings(string(a.debtor)+"|"+string(a.creditor)+"|"+a.currency, string(b.debtor)+"|"+string(b.creditor)+"|"+b.currency)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// totals sums entries per kind, direction and currency, in Kinds order.
func totals(entries []Entry, home Party) []Total {
	m := map[[3]string]*Total{}
	for _, e := range entries {
		dir := "payable"
		if e.Creditor == home {
			dir = "receivable"
		}
		k := [3]string{string(e.Kind), dir, e.Currency}
		t := m[k]
		if t == nil {
			t = &Total{Kind: e.Kind, Direction: dir, Currency: e.Currency}
			m[k] = t
		}
		t.Entries++
		t.Amount = t.Amount.Add(e.Amount)
	}
	out := make([]Total, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int {
		if c := slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind); c != 0 {
			return c
		}
		if c := compareStrings(a.Direction, b.Direction); c != 0 {
			return c
		}
		return compareStrings(a.Currency, b.Currency)
	})
	return out
}

// MarshalJSON writes the amount with its currency's decimals.
func (t Total) MarshalJSON() ([]byte, error) {
	type plain Total
	return fixAmounts(plain(t), t.Currency, "amount")
}

// sourceNotes says which fact sources are not wired.
func (s *Service) sourceNotes() []string {
	var out []string
	if s.Inbound == nil {
		out = append(out, NoInboundSource)
	}
	if s.Quality == nil {
		out = append(out, NoQualitySource)
	}
	return out
}
