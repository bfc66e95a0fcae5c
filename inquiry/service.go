package inquiry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Ledger posts compensation between posts and to merchants: accounting's
// PostCompensation.
type Ledger interface {
	PostCompensation(ctx context.Context, item, prefix string, want []accounting.Charge, reason string) ([]accounting.Entry, error)
}

// Auditor records an officer's decision in the audit log (package audit).
type Auditor func(ctx context.Context, who auth.Principal, operation, objects string) error

// Service opens, answers, routes and closes inquiries and decides claims.
type Service struct {
	Store  Store
	Scans  Scans
	Items  Items
	Ledger Ledger  // nil: compensation is decided but not posted
	Audit  Auditor // nil: overrides are kept in the claim only
	Rules  Rules
	// Rates converts compensation from SDR to the claimant's currency (the
	// dated table of postal.Rates; zero = postal.DefaultRates).
	Rates   postal.Rates
	Country string // our country: its post is "desk"
	Now     func() time.Time
	// Buyers throttles the public page (item id + postcode guesses).
	Buyers *auth.Throttle
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Home is our post's party.
func (s *Service) Home() string { return "post:" + s.Country + "POST" }

// ID is the inquiry id of an item and an opener: the same party asking
// again about the same item gets the same inquiry.
func ID(item, openedBy string) string {
	h := sha256.Sum256([]byte(openedBy))
	return "Q" + item + "-" + hex.EncodeToString(h[:3])
}

// opener is the party who opens an inquiry for p.
func opener(p auth.Principal) (string, error) {
	switch p.Role {
	case auth.RoleMerchant:
		return ByMerchant + ":" + p.Merchant, nil
	case auth.RolePartner:
		if _, ok := partnerCountry(p.Partner); !ok {
			return "", postal.Errorf(postal.CodeForbidden, "partner key %s is not a post's: only posts open inquiries", p.Partner)
		}
		return ByPartner + ":" + p.Partner, nil
	case auth.RoleAdmin, auth.RoleOperator:
		return ByOperator + ":" + p.KeyID, nil
	}
	return "", postal.Errorf(postal.CodeForbidden, "role %s may not open inquiries", p.Role)
}

func partnerCountry(partner string) (string, bool) {
	c, ok := strings.CutSuffix(partner, "POST")
	return c, ok && postal.ValidCountry(c)
}

// Open opens (or returns the caller's existing) inquiry on item. Merchants
// ask about their own items, partner posts about items routed to or
// through their country. Errors: invalid (a malformed id; outside the
// admissibility window, with the date it closed), not_found (an item the
// caller may not see).
func (s *Service) Open(ctx context.Context, who auth.Principal, item, note string) (Inquiry, bool, error) {
	by, err := opener(who)
	if err != nil {
		return Inquiry{}, false, err
	}
	// The same party asking again gets its inquiry without a re-read.
	if id, err := postal.ParseS10(item); err == nil {
		if in, err := s.Store.Inquiry(ctx, ID(string(id), by)); err == nil {
			return in, false, nil
		} else if postal.ErrorCode(err) != postal.CodeNotFound {
			return Inquiry{}, false, err
		}
	}
	c, err := s.look(ctx, item)
	if err != nil {
		return Inquiry{}, false, err
	}
	switch who.Role {
	case auth.RoleMerchant:
		if !c.hasFacts || c.facts.Merchant != who.Merchant {
			return Inquiry{}, false, postal.Errorf(postal.CodeNotFound, "no item %s among your shipments", c.id)
		}
	case auth.RolePartner:
		country, _ := partnerCountry(who.Partner)
		if !c.touches(country) {
			return Inquiry{}, false, postal.Errorf(postal.CodeNotFound, "item %s was never routed to or through %s", c.id, country)
		}
	}
	return s.open(ctx, c, by, note)
}

// OpenPublic opens a buyer's inquiry from the public page: the item id and
// the addressee's postcode stand in for a login. A wrong postcode or an
// unknown item are one answer (not_found), so ids cannot be probed, and
// client is throttled after repeated misses.
func (s *Service) OpenPublic(ctx context.Context, item, postcode, client string) (Inquiry, bool, error) {
	now := s.now()
	if s.Buyers != nil {
		if err := s.Buyers.Check(now, "inq:"+client); err != nil {
			return Inquiry{}, false, err // *auth.ThrottledError: 429 with Retry-After
		}
	}
	c, err := s.look(ctx, item)
	if err != nil {
		return Inquiry{}, false, err
	}
	if !c.hasFacts || normPostcode(c.facts.Postcode) == "" || normPostcode(c.facts.Postcode) != normPostcode(postcode) {
		if s.Buyers != nil {
			s.Buyers.Fail(now, "inq:"+client)
		}
		return Inquiry{}, false, postal.Invalid("item and postcode do not match", postal.FieldError{Field: "body.postcode",
			Message: "no item " + c.id + " is addressed to that postcode: check both against the label"})
	}
	in, created, err := s.open(ctx, c, ByBuyer, "")
	if err != nil {
		return in, created, err
	}
	in.Signatory = "" // personal data stays off the public page
	return in, created, nil
}

func normPostcode(p string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(p)))
}

// itemCase is what we know of an item when an inquiry arrives.
type itemCase struct {
	id       string
	reading  Reading
	facts    Facts
	hasFacts bool
}

func (c itemCase) known() bool { return c.hasFacts || len(c.reading.Events) > 0 }

// touches reports whether the item was routed to or through country.
func (c itemCase) touches(country string) bool {
	if c.facts.Dest == country || c.id[11:] == country {
		return true
	}
	for _, e := range c.reading.Events {
		if countryOf(e.Office) == country || countryOf(e.NextOffice) == country {
			return true
		}
	}
	return false
}

func (c itemCase) posted() time.Time {
	if !c.reading.PostedAt.IsZero() {
		return c.reading.PostedAt
	}
	return c.facts.CreatedAt.UTC()
}

// origin is the origin post: us (home) for an item we accepted, wherever
// it was posted (our overseas warehouses post in other countries but the
// merchant's contract is with us), else the post of the acceptance scan,
// else the S10 country.
func (c itemCase) origin(home string) string {
	if c.hasFacts {
		return home
	}
	for _, e := range c.reading.Events {
		if e.Office != "" {
			return PostOf(e.Office)
		}
	}
	return "post:" + c.id[11:] + "POST"
}

func (s *Service) look(ctx context.Context, item string) (itemCase, error) {
	id, err := postal.ParseS10(item)
	if err != nil {
		return itemCase{}, postal.Invalid("bad item id", postal.FieldError{Field: "body.item", Message: err.Error()})
	}
	c := itemCase{id: string(id)}
	events, err := s.Scans.EventsOf(ctx, c.id)
	if err != nil {
		return c, fmt.Errorf("read the scans of %s: %w", c.id, err)
	}
	c.reading = Read(events)
	if s.Items != nil {
		if c.facts, c.hasFacts, err = s.Items(ctx, c.id); err != nil {
			return c, fmt.Errorf("read the shipment of %s: %w", c.id, err)
		}
	}
	return c, nil
}

// open answers from the scans or routes; it stores the inquiry once per
// (item, opener).
func (s *Service) open(ctx context.Context, c itemCase, by, note string) (Inquiry, bool, error) {
	now := s.now()
	in := Inquiry{ID: ID(c.id, by), Item: c.id, OpenedBy: by, Merchant: c.facts.Merchant, Known: c.known(),
		State: StateOpen, PostedAt: c.posted(), OpenedAt: now, UpdatedAt: now}
	if existing, err := s.Store.Inquiry(ctx, in.ID); err == nil {
		return existing, false, nil
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return Inquiry{}, false, err
	}
	if !in.PostedAt.IsZero() {
		if closes := s.Rules.WindowCloses(in.PostedAt); !now.Before(closes) {
			return Inquiry{}, false, postal.Invalid("outside the admissibility window", postal.FieldError{Field: "body.item",
				Message: fmt.Sprintf("inquiries on %s (posted %s) closed on %s: %d months from the day after posting (UPU Convention Art. 19)",
					c.id, in.PostedAt.Format(time.DateOnly), closes.Format(time.DateOnly), s.Rules.WindowMonths)})
		}
	}
	steps := []Step{{Inquiry: in.ID, At: now, Actor: by, To: StateOpen, Note: note}}
	r := c.reading
	if r.Answer != "" {
		in.State, in.Owner, in.Basis = StateAnswered, "desk", "scans"
		in.Answer, in.AnswerAt, in.AnswerOffice, in.Signatory, in.Reason = r.Answer, r.At, r.Office, r.Signatory, r.Reason
		steps = append(steps, Step{Inquiry: in.ID, At: now, Actor: "system", From: StateOpen, To: StateAnswered,
			Note: "answered from the scans: " + string(r.Answer) + " at " + r.Office + " on " + r.At.Format(time.RFC3339)})
	} else {
		owner, why := r.Holder, "routed to the post that last acknowledged receipt ("+r.Holder+")"
		if !c.known() {
			owner, why = "post:"+c.id[11:]+"POST", "unknown to us: routed by the S10 country "+c.id[11:]
		} else if owner == "" {
			owner, why = c.origin(s.Home()), "no scan yet: routed to the origin post"
		}
		if owner == s.Home() {
			owner, why = "desk", why+"; that is us: our desk searches"
		}
		in.State, in.Owner = StateRouted, owner
		in.ReplyDue = now.Add(s.Rules.ReplyWithin(c.facts.Product))
		in.RemindAt = in.ReplyDue.Add(-s.Rules.Remind)
		steps = append(steps, Step{Inquiry: in.ID, At: now, Actor: "system", From: StateOpen, To: StateRouted,
			Note: why + "; reply due " + in.ReplyDue.Format(time.DateOnly)})
	}
	return s.Store.CreateInquiry(ctx, in, steps)
}

// Get returns an inquiry and its trail if who may see it.
func (s *Service) Get(ctx context.Context, who auth.Principal, id string) (Inquiry, []Step, error) {
	in, err := s.Store.Inquiry(ctx, id)
	if err != nil {
		return Inquiry{}, nil, err
	}
	if !s.visible(who, in) {
		return Inquiry{}, nil, postal.Errorf(postal.CodeNotFound, "no inquiry %s", id)
	}
	steps, err := s.Store.InquiryTrail(ctx, id)
	return in, steps, err
}

// visible: staff see every inquiry, merchants those on their items, posts
// those they opened or that are routed to them.
func (s *Service) visible(who auth.Principal, in Inquiry) bool {
	switch who.Role {
	case auth.RoleAdmin, auth.RoleOperator:
		return true
	case auth.RoleMerchant:
		return in.Merchant != "" && in.Merchant == who.Merchant
	case auth.RolePartner:
		return in.Owner == "post:"+who.Partner || in.OpenedBy == ByPartner+":"+who.Partner
	}
	return false
}

// List returns the inquiries who may see, by reply deadline.
func (s *Service) List(ctx context.Context, who auth.Principal, f Filter) ([]Inquiry, error) {
	switch who.Role {
	case auth.RoleAdmin, auth.RoleOperator:
	case auth.RoleMerchant:
		f.Merchant = who.Merchant
	case auth.RolePartner:
		f.Owner = "post:" + who.Partner
	default:
		return nil, postal.Errorf(postal.CodeForbidden, "role %s may not list inquiries", who.Role)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	return s.Store.Inquiries(ctx, f)
}

// Reply is a partner post's answer to an inquiry routed to it.
type Reply struct {
	Answer    Answer
	At        time.Time // when it happened (delivery, last scan)
	Office    string
	Signatory string
	Note      string
}

// Answer records the answer of the post an inquiry is routed to (or of
// our desk keying it in). Errors: not_found (not routed to the caller),
// invalid (an unknown answer), conflict (not waiting for an answer).
func (s *Service) Answer(ctx context.Context, who auth.Principal, id string, rep Reply) (Inquiry, error) {
	in, err := s.Store.Inquiry(ctx, id)
	if err != nil {
		return Inquiry{}, err
	}
	actor := "key:" + who.KeyID
	switch who.Role {
	case auth.RoleAdmin, auth.RoleOperator:
	case auth.RolePartner:
		if in.Owner != "post:"+who.Partner {
			return Inquiry{}, postal.Errorf(postal.CodeNotFound, "no inquiry %s is routed to %s", id, who.Partner)
		}
		actor = "partner:" + who.Partner
	default:
		return Inquiry{}, postal.Errorf(postal.CodeForbidden, "only the post an inquiry is routed to, or our desk, answers it")
	}
	switch rep.Answer {
	case AnswerDeliveredPartner, AnswerInTransit, AnswerLost, AnswerReturned, AnswerCustomsHeld, AnswerAwaitingPickup:
	default:
		return Inquiry{}, postal.Invalid("bad answer", postal.FieldError{Field: "body.answer",
			Message: fmt.Sprintf("%s is not an answer: one of delivered_per_partner, in_transit, lost, returned, customs_held, awaiting_pickup", postal.Quote(string(rep.Answer)))})
	}
	if in.State == StatePartnerAnswered && in.Answer == rep.Answer {
		return in, nil // a retried answer
	}
	if !CanMove(in.State, StatePartnerAnswered) {
		return Inquiry{}, postal.Errorf(postal.CodeConflict, "inquiry %s is %s: it takes no answer now", id, in.State)
	}
	from := in.State
	in.State, in.Answer, in.AnswerAt, in.AnswerOffice, in.Signatory, in.Reason = StatePartnerAnswered, rep.Answer, rep.At.UTC(), rep.Office, rep.Signatory, rep.Note
	in.Basis, in.Owner, in.UpdatedAt = actor, "desk", s.now()
	err = s.Store.UpdateInquiry(ctx, in, Step{Inquiry: id, At: in.UpdatedAt, Actor: actor, From: from, To: in.State, Note: string(rep.Answer) + noteSuffix(rep.Note)})
	if err != nil {
		return Inquiry{}, err
	}
	in.Version++
	return in, nil
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

// Close closes an inquiry (our desk).
func (s *Service) Close(ctx context.Context, who auth.Principal, id, note string) (Inquiry, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return Inquiry{}, postal.Errorf(postal.CodeForbidden, "only our inquiries desk closes inquiries")
	}
	in, err := s.Store.Inquiry(ctx, id)
	if err != nil {
		return Inquiry{}, err
	}
	if in.State == StateClosed {
		return in, nil
	}
	if !CanMove(in.State, StateClosed) {
		return Inquiry{}, postal.Errorf(postal.CodeConflict, "inquiry %s is %s and cannot be closed", id, in.State)
	}
	from := in.State
	in.State, in.Owner, in.UpdatedAt = StateClosed, "", s.now()
	if err := s.Store.UpdateInquiry(ctx, in, Step{Inquiry: id, At: in.UpdatedAt, Actor: "key:" + who.KeyID, From: from, To: StateClosed, Note: note}); err != nil {
		return Inquiry{}, err
	}
	in.Version++
	return in, nil
}

// SweepResult counts what a sweep did.
type SweepResult struct {
	Reminded  int `json:"reminded"`
	Escalated int `json:"escalated"`
}

// Sweep sends the reminders that are due and escalates to our desk the
// inquiries whose reply deadline passed (run by the node, or by hand).
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.now()
	due, err := s.Store.Inquiries(ctx, Filter{States: []State{StateRouted}, DueBefore: now.Add(s.Rules.Remind + time.Nanosecond), Limit: 10000})
	if err != nil {
		return res, err
	}
	for _, in := range due {
		step := Step{Inquiry: in.ID, At: now, Actor: "system", From: in.State, To: in.State}
		switch {
		case !now.Before(in.ReplyDue):
			in.State, step.To = StateEscalated, StateEscalated
			step.Note = "no answer from " + in.Owner + " by " + in.ReplyDue.Format(time.DateOnly) + ": escalated to our desk"
			in.Owner = "desk"
			res.Escalated++
		case !in.Reminded && !now.Before(in.RemindAt):
			in.Reminded = true
			step.Note = "reminder sent to " + in.Owner + ": reply due " + in.ReplyDue.Format(time.DateOnly)
			res.Reminded++
		default:
			continue
		}
		in.UpdatedAt = now
		if err := s.Store.UpdateInquiry(ctx, in, step); err != nil && postal.ErrorCode(err) != postal.CodeConflict {
			return res, err
		}
	}
	return res, nil
}

// ClaimRequest asks for compensation on an inquiry's item.
type ClaimRequest struct {
	Kind    ClaimKind
	Claimed decimal.Decimal // SDR; zero = the product's maximum
	// Currency the claimant is paid in (ISO 4217); "" = the sender's
	// currency (of the insured value or the declaration), else SDR.
	Currency string
}

// ClaimID is the id of the claim of kind on an inquiry.
func ClaimID(inquiry string, kind ClaimKind) string { return "C" + inquiry[1:] + "-" + string(kind) }

// Decide decides a claim from the scans: who is liable (with the scans as
// evidence) and what it pays, and posts the compensation to the ledger.
// Deciding the same claim again returns the stored decision.
func (s *Service) Decide(ctx context.Context, who auth.Principal, inquiryID string, req ClaimRequest) (Claim, error) {
	in, _, err := s.Get(ctx, who, inquiryID)
	if err != nil {
		return Claim{}, err
	}
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleMerchant) {
		return Claim{}, postal.Errorf(postal.CodeForbidden, "claims are made by the merchant or our desk")
	}
	var fe postal.FieldList
	if !ValidClaimKind(req.Kind) {
		fe.Add("body.kind", "%s is not a claim kind: one of loss, theft_full, theft_partial, damage, delay", postal.Quote(string(req.Kind)))
	}
	if req.Claimed.IsNegative() {
		fe.Add("body.claimed", "must not be negative")
	}
	req.Currency = strings.ToUpper(strings.TrimSpace(req.Currency))
	if req.Currency != "" {
		if _, err := s.rates().FromSDR(decimal.NewFromInt(1), req.Currency); err != nil {
			fe.Add("body.currency", "%s: one of %s", postal.Quote(req.Currency), strings.Join(s.rates().Currencies(), " "))
		}
	}
	if err := fe.Err("bad claim"); err != nil {
		return Claim{}, err
	}
	id := ClaimID(in.ID, req.Kind)
	if c, err := s.Store.Claim(ctx, id); err == nil {
		return c, nil
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return Claim{}, err
	}
	c, err := s.look(ctx, in.Item)
	if err != nil {
		return Claim{}, err
	}
	cl := s.decide(c, in, req)
	if err := s.post(ctx, &cl, c.facts.Merchant, "claim "+cl.ID+": "+cl.Rule); err != nil {
		return Claim{}, err
	}
	if err := s.Store.PutClaim(ctx, cl); err != nil {
		return Claim{}, err
	}
	return cl, nil
}

// decide is the pure decision: liability from the scans, amount from the
// rules.
func (s *Service) decide(c itemCase, in Inquiry, req ClaimRequest) Claim {
	l := DecideLiability(req.Kind, c.reading, c.origin(s.Home()))
	cl := Claim{ID: ClaimID(in.ID, req.Kind), Inquiry: in.ID, Item: in.Item, Kind: req.Kind, Claimed: req.Claimed,
		WeightG: c.facts.WeightG, Product: c.facts.Product, Liable: l.Liable, Claimant: l.Claimant, Rule: l.Rule,
		Evidence: l.Evidence, DecidedAt: s.now(), InsuredSDR: c.facts.InsuredSDR}
	if cl.InsuredSDR.IsPositive() {
		// An insured item's handovers must be signed: list those that were not.
		for _, i := range unsignedOf(c.reading.Events) {
			e := c.reading.Events[i]
			cl.Evidence = append(cl.Evidence, evidence(e, UnsignedHandoverWhy+" ("+PostOf(e.Office)+" shows no signed receipt)"))
		}
	}
	cur := req.Currency
	if cur == "" {
		cur = c.facts.Currency
	}
	if _, err := s.rates().FromSDR(decimal.NewFromInt(1), cur); cur == "" || err != nil {
		cur = postal.SDR // no rate for the sender's currency: paid in SDR
	}
	cl.PaidCurrency = cur
	if l.Liable == "" {
		cl.Amount, cl.Capped = decimal.Zero, "no post is liable"
	} else if cl.InsuredSDR.IsPositive() && req.Kind != ClaimDelay {
		cl.Amount, cl.Capped = capAt(req.Claimed, cl.InsuredSDR, "insured value "+cl.InsuredSDR.StringFixed(2)+" SDR")
	} else {
		cl.Amount, cl.Capped = s.Rules.Compensation(req.Kind, c.facts.Product, c.facts.WeightG, req.Claimed)
	}
	s.convert(&cl)
	return cl
}

func (s *Service) rates() postal.Rates {
	if s.Rates.PerSDR == nil {
		return postal.DefaultRates()
	}
	return s.Rates
}

// convert sets the claim's amount in its claimant's currency: at the
// claim's rate once it has one (an override keeps the decision's rate),
// else at the table of the day.
func (s *Service) convert(cl *Claim) {
	if cl.PaidCurrency == "" {
		cl.PaidCurrency = postal.SDR
	}
	if cl.RatePerSDR.IsZero() {
		r := s.rates()
		cl.RatePerSDR, cl.RateDate = decimal.NewFromInt(1), r.AsOf
		if cl.PaidCurrency != postal.SDR {
			cl.RatePerSDR = r.PerSDR[cl.PaidCurrency]
		}
	}
	cl.Paid = accounting.Round(cl.Amount.Mul(cl.RatePerSDR), cl.PaidCurrency)
}

// post brings the ledger to the claim's decision: the liable post pays the
// origin post, and the origin post (when it is us) pays the merchant.
func (s *Service) post(ctx context.Context, cl *Claim, merchant, reason string) error {
	if s.Ledger == nil {
		return nil
	}
	base := accounting.Charge{Kind: accounting.KindCompensation, Category: string(cl.Kind), At: cl.DecidedAt, Currency: "XDR",
		Items: 1, WeightG: cl.WeightG, Basis: accounting.BasisClaim, Item: cl.Item, Merchant: merchant, Product: cl.Product,
		Rate: cl.Rule}
	var want []accounting.Charge
	if cl.Amount.IsPositive() {
		if cl.Liable != cl.Claimant {
			c := base
			c.Key, c.Debtor, c.Creditor, c.Amount = "comp/"+cl.ID+"/post", accounting.Party(cl.Liable), accounting.Party(cl.Claimant), cl.Amount
			want = append(want, c)
		}
		if merchant != "" && cl.Claimant == s.Home() {
			c := base
			c.Key, c.Debtor, c.Creditor, c.Amount = "comp/"+cl.ID+"/merchant", accounting.Party(s.Home()), accounting.Merchant(merchant), cl.Amount
			if cl.PaidCurrency != "" && cl.PaidCurrency != postal.SDR {
				// The merchant is paid in its currency; the line keeps the
				// SDR amount and the dated rate.
				c.Currency, c.Amount = cl.PaidCurrency, cl.Paid
				c.Rate = fmt.Sprintf("%s SDR × %s %s/SDR (rates of %s); %s", cl.Amount.StringFixed(2), cl.RatePerSDR, cl.PaidCurrency,
					cl.RateDate.Format(time.DateOnly), cl.Rule)
			}
			want = append(want, c)
		}
	}
	if _, err := s.Ledger.PostCompensation(ctx, cl.Item, "comp/"+cl.ID+"/", want, reason); err != nil {
		return err
	}
	cl.Posted = len(want) > 0
	return nil
}

// Override is an officer's correction of a claim decision.
type Override struct {
	Liable string          // post party, "" = keep
	Amount decimal.Decimal // SDR
	Reason string
}

// OverrideClaim replaces a decision's liable post and amount with an
// officer's, with a reason; the ledger is adjusted (never rewritten) and
// the override is audited.
func (s *Service) OverrideClaim(ctx context.Context, who auth.Principal, id string, o Override) (Claim, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return Claim{}, postal.Errorf(postal.CodeForbidden, "only our officers override a liability decision")
	}
	var fe postal.FieldList
	if strings.TrimSpace(o.Reason) == "" {
		fe.Add("body.reason", "required: say why the decision from the scans is wrong")
	}
	if o.Liable != "" {
		if c, ok := strings.CutPrefix(o.Liable, "post:"); !ok || !strings.HasSuffix(c, "POST") || !postal.ValidCountry(strings.TrimSuffix(c, "POST")) {
			fe.Add("body.liable", "%s is not a post: write post:CCPOST, e.g. post:JPPOST", postal.Quote(o.Liable))
		}
	}
	if o.Amount.IsNegative() {
		fe.Add("body.amount", "must not be negative")
	}
	if err := fe.Err("bad override"); err != nil {
		return Claim{}, err
	}
	cl, err := s.Store.Claim(ctx, id)
	if err != nil {
		return Claim{}, err
	}
	if o.Liable != "" {
		cl.Liable = o.Liable
	}
	cl.Amount, cl.Capped = o.Amount, ""
	cl.OverriddenBy, cl.Override = who.KeyID, o.Reason
	s.convert(&cl)
	in, err := s.Store.Inquiry(ctx, cl.Inquiry)
	if err != nil {
		return Claim{}, err
	}
	if err := s.post(ctx, &cl, in.Merchant, "officer override of claim "+cl.ID+": "+o.Reason); err != nil {
		return Claim{}, err
	}
	if err := s.Store.PutClaim(ctx, cl); err != nil {
		return Claim{}, err
	}
	if s.Audit != nil {
		objs := "claim=" + cl.ID + ";liable=" + cl.Liable + ";amount=" + cl.Amount.StringFixed(2) + ";reason=" + o.Reason
		if err := s.Audit(ctx, who, "inquiry-claim-override", objs); err != nil {
			return cl, fmt.Errorf("audit the override of %s: %w", cl.ID, err)
		}
	}
	return cl, nil
}

// Claims lists an inquiry's claims if who may see the inquiry.
func (s *Service) Claims(ctx context.Context, who auth.Principal, inquiryID string) ([]Claim, error) {
	if _, _, err := s.Get(ctx, who, inquiryID); err != nil {
		return nil, err
	}
	return s.Store.Claims(ctx, inquiryID)
}

// ClaimRow is one claim beside the inquiry it was made on.
type ClaimRow struct {
	Claim   Claim
	Inquiry Inquiry
}

// ClaimList lists the claims who may see, newest decision first (then by
// id), at most limit (0 = 200): staff every claim, a merchant those on its
// items, a partner post those on inquiries routed to it. Errors: forbidden
// for other roles.
func (s *Service) ClaimList(ctx context.Context, who auth.Principal, limit int) ([]ClaimRow, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	staff := who.Is(auth.RoleAdmin, auth.RoleOperator)
	// The caller's inquiries (List scopes them and refuses other roles);
	// staff look up the inquiry of each claim.
	var ins []Inquiry
	if !staff {
		var err error
		if ins, err = s.List(ctx, who, Filter{Limit: 1000}); err != nil {
			return nil, err
		}
	}
	byID := make(map[string]Inquiry, len(ins))
	for _, in := range ins {
		byID[in.ID] = in
	}
	all, err := s.Store.Claims(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []ClaimRow{}
	for _, cl := range all {
		in, ok := byID[cl.Inquiry]
		if !ok {
			if !staff {
				continue
			}
			if in, err = s.Store.Inquiry(ctx, cl.Inquiry); err != nil {
				return nil, err
			}
			byID[in.ID] = in
		}
		out = append(out, ClaimRow{Claim: cl, Inquiry: in})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Claim, out[j].Claim
		if !a.DecidedAt.Equal(b.DecidedAt) {
			return a.DecidedAt.After(b.DecidedAt)
		}
		return a.ID > b.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// InsuredSDR returns the insured value in SDR of an item we accepted (zero
// when it is not insured or not ours). The caller has checked that who may
// see the item.
func (s *Service) InsuredSDR(ctx context.Context, item string) (decimal.Decimal, error) {
	if s.Items == nil {
		return decimal.Zero, nil
	}
	f, ok, err := s.Items(ctx, item)
	if err != nil || !ok {
		return decimal.Zero, err
	}
	return f.InsuredSDR, nil
}
