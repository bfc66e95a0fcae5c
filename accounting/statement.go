package accounting

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// StatementLine sums the entries of one category between two parties in
// one currency: the shape of the UPU accounts (items, kilograms, amount).
type StatementLine struct {
	Debtor   Party           `json:"debtor"`
	Creditor Party           `json:"creditor"`
	Kind     Kind            `json:"kind"`
	Category string          `json:"category"`
	Entries  int             `json:"entries"`
	Items    int             `json:"items"`
	WeightG  int             `json:"weight_g"`
	Amount   decimal.Decimal `json:"amount"`
	Currency string          `json:"currency"`
}

// MarshalJSON writes the amount with its currency's decimals.
func (l StatementLine) MarshalJSON() ([]byte, error) {
	type plain StatementLine
	return fixAmounts(plain(l), l.Currency, "amount")
}

// Balance is what two parties owe each other in one currency over a
// statement: Payable is owed by the home post to the party, Receivable by
// the party to the home post, Net = Receivable − Payable.
type Balance struct {
	Currency   string          `json:"currency"`
	Payable    decimal.Decimal `json:"payable"`
	Receivable decimal.Decimal `json:"receivable"`
	Net        decimal.Decimal `json:"net" doc:"Receivable − payable: positive when the party owes the home post"`
}

// MarshalJSON writes amounts with the currency's decimals.
func (b Balance) MarshalJSON() ([]byte, error) {
	type plain Balance
	return fixAmounts(plain(b), b.Currency, "payable", "receivable", "net")
}

// Statement is a period's account between the home post and a partner
// post, a carrier or a merchant, drawn from the ledger.
type Statement struct {
	Number      string          `json:"number"`
	Home        Party           `json:"home"`
	Party       Party           `json:"party"`
	PartyName   string          `json:"party_name"`
	Period      string          `json:"period"`
	From        string          `json:"from" doc:"First day (UTC)"`
	To          string          `json:"to" doc:"Last day (UTC)"`
	Issued      time.Time       `json:"issued"`
	Through     int64           `json:"through_seq" doc:"The statement includes ledger entries up to this sequence number"`
	Tariffs     []string        `json:"tariffs" doc:"Tariff versions of the entries"`
	Lines       []StatementLine `json:"lines" doc:"Charges by category"`
	Adjustments []StatementLine `json:"adjustments" doc:"Adjusting entries by category"`
	Balances    []Balance       `json:"balances"`
	Entries     []Entry         `json:"entries,omitempty"`
	Unrated     []Unrated       `json:"unrated" doc:"Facts of the period not (yet) charged to this party"`
	Complete    bool            `json:"complete" doc:"False when unrated lists anything"`
	// For a partner post: what it sent us in the period (from the
	// verified receipt) and its quality figures.
	Inbound []InboundStat   `json:"inbound,omitempty" doc:"Items and weight received from the partner post, per month, class and format (verified receipt)"`
	Quality *PartnerQuality `json:"quality,omitempty" doc:"Quality-linked conditions of the partner post's inbound mail"`
	Notes   []string        `json:"notes,omitempty" doc:"Sources not wired, e.g. no inbound facts source"`
}

// Halves splits statement lines into what the party owes the home post
// (it is the debtor) and what the home post owes it.
func (st Statement) Halves(lines []StatementLine) (theyOwe, weOwe []StatementLine) {
	for _, l := range lines {
		if l.Debtor == st.Party {
			theyOwe = append(theyOwe, l)
		} else {
			weOwe = append(weOwe, l)
		}
	}
	return theyOwe, weOwe
}

// StatementOptions tune a statement.
type StatementOptions struct {
	Through int64 // draw entries up to this seq; 0 = all
	Entries bool  // include every entry
}

// Statement draws the statement of party for a period. Partners see their
// own, merchants their own invoice's statement, admins and operators all.
// It lists the period's facts whose charges for the party are not in the
// ledger (no tariff row, or not rated yet) in Unrated.
func (s *Service) Statement(ctx context.Context, who auth.Principal, party Party, p Period, o StatementOptions) (Statement, error) {
	if !may(who, party) {
		return Statement{}, postal.Errorf(postal.CodeNotFound, "no statement for %s", party)
	}
	if party == s.Home() {
		return Statement{}, postal.Invalid("no statement with oneself", postal.FieldError{Field: "party",
			Message: fmt.Sprintf("%s is the home post: statements are between it and a partner post, a carrier or a merchant", party)})
	}
	entries, err := s.allEntries(ctx, EntryFilter{Party: party, From: p.From, To: p.To, Through: o.Through})
	if err != nil {
		return Statement{}, err
	}
	st := Statement{
		Number: fmt.Sprintf("ST-%s-%s", p.Name, party.Code()), Home: s.Home(), Party: party, PartyName: s.partyName(ctx, party),
		Period: p.Name, From: p.From.Format(time.DateOnly), To: p.Last().Format(time.DateOnly), Issued: s.now(), Through: o.Through,
	}
	if party.Kind() == PartyMerchant {
		st.Number = fmt.Sprintf("INV-%s-%s", p.Name, party.Code())
	}
	lines, adjs := map[lineKey]*StatementLine{}, map[lineKey]*StatementLine{}
	bal := map[string]*Balance{}
	tariffs := map[string]bool{}
	posted := map[string]bool{}
	for _, e := range entries {
		st.Through = max(st.Through, e.Seq)
		posted[e.Key] = true
		if e.TariffVersion != "" {
			tariffs[e.TariffVersion] = true
		}
		m := lines
		if e.Revision > 0 {
			m = adjs
		}
		addLine(m, e)
		b := bal[e.Currency]
		if b == nil {
			b = &Balance{Currency: e.Currency}
			bal[e.Currency] = b
		}
		if e.Creditor == party {
			b.Payable = b.Payable.Add(e.Amount)
		} else {
			b.Receivable = b.Receivable.Add(e.Amount)
		}
	}
	st.Lines, st.Adjustments = sortLines(lines), sortLines(adjs)
	for _, c := range sortedKeys(bal) {
		b := bal[c]
		b.Net = b.Receivable.Sub(b.Payable)
		st.Balances = append(st.Balances, *b)
	}
	st.Tariffs = sortedKeys(tariffs)
	if o.Entries {
		st.Entries = entries
	}
	var f Facts
	if st.Unrated, f, err = s.missing(ctx, party, p, posted); err != nil {
		return Statement{}, err
	}
	if party.Kind() == PartyPost {
		st.Notes = s.sourceNotes()
		var mine []InboundItem
		for _, it := range f.Inbound {
			if Post(countryOf(it.Origin, it.Partner)) == party {
				mine = append(mine, it)
			}
		}
		st.Inbound = InboundStats(mine)
		if q, ok := f.Quality[party]; ok {
			st.Quality = &q
		}
	}
	st.Complete = len(st.Unrated) == 0
	return st, nil
}

type lineKey struct {
	debtor, creditor Party
	kind             Kind
	category         string
	currency         string
}

func addLine(m map[lineKey]*StatementLine, e Entry) {
	k := lineKey{e.Debtor, e.Creditor, e.Kind, e.Category, e.Currency}
	l := m[k]
	if l == nil {
		l = &StatementLine{Debtor: e.Debtor, Creditor: e.Creditor, Kind: e.Kind, Category: e.Category, Currency: e.Currency}
		m[k] = l
	}
	l.Entries++
	l.Items += e.Items
	l.WeightG += e.WeightG
	l.Amount = l.Amount.Add(e.Amount)
}

func sortLines(m map[lineKey]*StatementLine) []StatementLine {
	out := make([]StatementLine, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b StatementLine) int {
		if c := compareStrings(string(a.Debtor), string(b.Debtor)); c != 0 {
			return c
		}
		if c := slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind); c != 0 {
			return c
		}
		if c := compareStrings(a.Category, b.Category); c != 0 {
			return c
		}
		return compareStrings(a.Currency, b.Currency)
	})
	return out
}

func (s *Service) partyName(ctx context.Context, p Party) string {
	switch p.Kind() {
	case PartyPost:
		if n, ok := postal.CountryName(p.Country()); ok {
			return "Designated operator of " + n
		}
	case PartyMerchant:
		if s.Merchants != nil {
			if m, err := s.Merchants.Merchant(ctx, p.Code()); err == nil {
				return m.Name
			}
		}
	case PartyCarrier:
		if s.Network != nil {
			if svcs, err := s.Network.Services(ctx); err == nil {
				for _, sv := range svcs {
					if CarrierCode(sv.Carrier) == p.Code() {
						return sv.Carrier
					}
				}
			}
		}
	}
	return p.Code()
}

// missing rates the period's facts and returns what the tariff cannot rate
// for party, and the charges for party not in the ledger (posted holds the
// keys that are).
func (s *Service) missing(ctx context.Context, party Party, p Period, posted map[string]bool) ([]Unrated, Facts, error) {
	out := []Unrated{}
	f, err := s.facts(ctx, p)
	if err != nil {
		return nil, f, err
	}
	set, err := s.Tariff(ctx, "")
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return append(out, Unrated{Kind: "", Party: party, At: p.From, Reason: "no tariff is loaded: nothing can be rated"}), f, nil
	}
	if err != nil {
		return nil, f, err
	}
	var res Result
	if party.Kind() == PartyMerchant {
		// Only the merchant's own items, and only what it is billed.
		r := &Rater{Tariff: set, Home: s.Country}
		for _, it := range f.Items {
			if it.Merchant == party.Code() {
				r.merchant(it, &res)
			}
		}
	} else {
		w, err := s.world(ctx)
		if err != nil {
			return nil, f, err
		}
		res = rateFacts(s.rater(set, w), f, itemsPerDispatch(f))
	}
	// An unrated charge with no party (an item the network has no way
	// for) belongs to no statement: the rating report and the margin
	// report list it.
	for _, u := range res.Unrated {
		if u.Party == party {
			out = append(out, u)
		}
	}
	for _, c := range res.Charges {
		if (c.Debtor == party || c.Creditor == party) && !posted[c.Key] {
			out = append(out, Unrated{Key: c.Key, Kind: c.Kind, Party: party, Item: c.Item, Dispatch: c.Dispatch, Merchant: c.Merchant, At: c.At,
				Reason: fmt.Sprintf("not posted yet (%s %s under tariff %s): run interpost ledger rate --period %s", FormatAmount(c.Amount, c.Currency), c.Currency, set.Version, p.Name)})
		}
	}
	slices.SortStableFunc(out, func(a, b Unrated) int { return a.At.Compare(b.At) })
	return out, f, nil
}
