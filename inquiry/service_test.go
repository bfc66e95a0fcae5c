package inquiry

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func s10(t *testing.T, serial uint32, country string) string {
	t.Helper()
	id, err := postal.NewS10("EE", serial, country)
	if err != nil {
		t.Fatal(err)
	}
	return string(id)
}

func ev(obj string, code tracking.Code, office string, at time.Time, mods ...func(*tracking.Event)) tracking.Stored {
	e := tracking.Event{Object: obj, Code: code, Office: office, Time: at, Source: "post"}
	for _, m := range mods {
		m(&e)
	}
	return tracking.Stored{Event: e}
}

func reason(r string) func(*tracking.Event)    { return func(e *tracking.Event) { e.Reason = r } }
func signatory(s string) func(*tracking.Event) { return func(e *tracking.Event) { e.Signatory = s } }

// chain is CN → PL: accepted, departed, arrived in PL (n events of it).
func chain(obj string, n int) []tracking.Stored {
	all := []tracking.Stored{
		ev(obj, tracking.EMA, "CNXMNA", t0),
		ev(obj, tracking.EMB, "CNXMNA", t0.Add(2*time.Hour)),
		ev(obj, tracking.EMC, "CNXMNA", t0.Add(20*time.Hour)),
		ev(obj, tracking.EMD, "PLWAWA", t0.Add(50*time.Hour)),
		ev(obj, tracking.EMF, "PLWAWA", t0.Add(70*time.Hour)),
		ev(obj, tracking.EMG, "PLKRKB", t0.Add(90*time.Hour)),
	}
	return all[:n]
}

type world struct {
	svc    *Service
	store  *memStore
	scans  memScans
	ledger *ledger
	now    time.Time
	facts  map[string]Facts
	audits []string
}

func newWorld() *world {
	w := &world{store: newMem(), scans: memScans{}, ledger: &ledger{}, now: t0.Add(10 * 24 * time.Hour), facts: map[string]Facts{}}
	w.svc = &Service{Store: w.store, Scans: w.scans, Ledger: w.ledger, Rules: DefaultRules(), Country: "CN",
		Now: func() time.Time { return w.now }, Buyers: &auth.Throttle{Max: 3},
		Items: func(_ context.Context, id string) (Facts, bool, error) { f, ok := w.facts[id]; return f, ok, nil },
		Audit: func(_ context.Context, who auth.Principal, op, objs string) error {
			w.audits = append(w.audits, op+" "+objs)
			return nil
		}}
	return w
}

func (w *world) item(t *testing.T, serial uint32, events int, extra ...tracking.Stored) string {
	id := s10(t, serial, "CN")
	w.scans[id] = append(chain(id, events), extra...)
	w.facts[id] = Facts{Merchant: "XMTEA", Product: "ems", WeightG: 1200, Postcode: "00-850", Dest: "PL", CreatedAt: t0.Add(-time.Hour)}
	return id
}

var (
	merchant = auth.Principal{KeyID: "m1", Role: auth.RoleMerchant, Merchant: "XMTEA"}
	officer  = auth.Principal{KeyID: "o1", Role: auth.RoleOperator}
	plpost   = auth.Principal{KeyID: "p1", Role: auth.RolePartner, Partner: "PLPOST"}
	jppost   = auth.Principal{KeyID: "p2", Role: auth.RolePartner, Partner: "JPPOST"}
)

func TestAnsweredFromScans(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	delivered := w.item(t, 1, 6, ev("", tracking.EMI, "PLKRKB", t0.Add(100*time.Hour), signatory("A. Nowak")))
	held := w.item(t, 2, 4, ev("", tracking.EME, "PLWAWA", t0.Add(60*time.Hour), reason("missing invoice")))
	for _, c := range []struct {
		item   string
		answer Answer
		office string
		sign   string
		reason string
	}{
		{delivered, AnswerDelivered, "PLKRKB", "A. Nowak", ""},
		{held, AnswerCustomsHeld, "PLWAWA", "", "documents_missing"},
	} {
		in, created, err := w.svc.Open(ctx, merchant, c.item, "")
		if err != nil || !created {
			t.Fatalf("Open(%s) = %v, %v", c.item, created, err)
		}
		if in.State != StateAnswered || in.Answer != c.answer || in.AnswerOffice != c.office || in.Signatory != c.sign || in.Reason != c.reason || in.Basis != "scans" {
			t.Errorf("Open(%s) = %+v", c.item, in)
		}
	}
	// The buyer gets the answer without the signatory, and only with the right postcode.
	if _, _, err := w.svc.OpenPublic(ctx, delivered, "99-999", "1.2.3.4"); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("OpenPublic(wrong postcode) = %v, want invalid", err)
	}
	in, _, err := w.svc.OpenPublic(ctx, delivered, "00 850", "1.2.3.4")
	if err != nil || in.Answer != AnswerDelivered || in.Signatory != "" || in.OpenedBy != ByBuyer {
		t.Errorf("OpenPublic = %+v, %v", in, err)
	}
	for range 3 {
		_, _, _ = w.svc.OpenPublic(ctx, delivered, "11-111", "5.6.7.8")
	}
	if _, _, err := w.svc.OpenPublic(ctx, delivered, "00-850", "5.6.7.8"); err == nil || !strings.Contains(err.Error(), "retry in") {
		t.Errorf("OpenPublic after 3 misses = %v, want throttled", err)
	}
}

func TestRouted(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	inPL := w.item(t, 3, 5)     // arrived in PL, left the inward OE: PL holds it
	departed := w.item(t, 4, 3) // left CN, no receipt in PL: still ours
	unknown := s10(t, 5, "JP")  // never seen
	in, _, err := w.svc.Open(ctx, merchant, inPL, "where is it?")
	if err != nil || in.State != StateRouted || in.Owner != "post:PLPOST" || !in.ReplyDue.Equal(w.now.Add(30*24*time.Hour)) {
		t.Fatalf("Open(in PL) = %+v, %v", in, err)
	}
	again, created, err := w.svc.Open(ctx, merchant, inPL, "again")
	if err != nil || created || again.ID != in.ID {
		t.Errorf("Open again = %s, %v, %v; want the same inquiry", again.ID, created, err)
	}
	if in, _, err := w.svc.Open(ctx, merchant, departed, ""); err != nil || in.Owner != "desk" || in.State != StateRouted {
		t.Errorf("Open(departed, no receipt) = %+v, %v; want our desk", in, err)
	}
	if in, _, err := w.svc.Open(ctx, jppost, unknown, ""); err != nil || in.Known || in.Owner != "post:JPPOST" ||
		!strings.Contains(w.store.steps[in.ID][1].Note, "unknown to us") {
		t.Errorf("Open(unknown) = %+v, %v", in, err)
	}
	if _, _, err := w.svc.Open(ctx, jppost, inPL, ""); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("JPPOST on a CN→PL item = %v, want not_found", err)
	}
	// PL answers; JP may not.
	if _, err := w.svc.Answer(ctx, jppost, in.ID, Reply{Answer: AnswerLost}); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("Answer by another post = %v", err)
	}
	if _, err := w.svc.Answer(ctx, plpost, in.ID, Reply{Answer: "maybe"}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("Answer(bad) = %v", err)
	}
	got, err := w.svc.Answer(ctx, plpost, in.ID, Reply{Answer: AnswerLost, Note: "not found after search"})
	if err != nil || got.State != StatePartnerAnswered || got.Basis != "partner:PLPOST" {
		t.Fatalf("Answer = %+v, %v", got, err)
	}
	if _, err := w.svc.Close(ctx, officer, in.ID, "claim follows"); err != nil {
		t.Fatal(err)
	}
	_, trail, _ := w.svc.Get(ctx, officer, in.ID)
	var states []string
	for _, s := range trail {
		states = append(states, string(s.To))
	}
	if strings.Join(states, ",") != "open,routed,partner_answered,closed" {
		t.Errorf("trail = %s", states)
	}
}

func TestWindowAndSweep(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	id := w.item(t, 6, 5)
	w.now = time.Date(2027, 5, 3, 0, 0, 0, 0, time.UTC) // posted 2 Nov: window ran to 3 May
	_, _, err := w.svc.Open(ctx, merchant, id, "")
	if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "closed on 2027-05-03") {
		t.Fatalf("Open outside the window = %v", err)
	}
	w.now = time.Date(2027, 5, 2, 23, 0, 0, 0, time.UTC)
	in, _, err := w.svc.Open(ctx, merchant, id, "")
	if err != nil {
		t.Fatalf("Open on the last day = %v", err)
	}
	w.now = in.RemindAt.Add(time.Minute)
	if r, err := w.svc.Sweep(ctx); err != nil || r.Reminded != 1 || r.Escalated != 0 {
		t.Fatalf("Sweep(reminder) = %+v, %v", r, err)
	}
	if r, _ := w.svc.Sweep(ctx); r.Reminded != 0 {
		t.Errorf("second sweep reminded again: %+v", r)
	}
	w.now = in.ReplyDue
	if r, err := w.svc.Sweep(ctx); err != nil || r.Escalated != 1 {
		t.Fatalf("Sweep(escalate) = %+v, %v", r, err)
	}
	got, _ := w.store.Inquiry(ctx, in.ID)
	if got.State != StateEscalated || got.Owner != "desk" {
		t.Errorf("after the deadline = %+v", got)
	}
	if _, err := w.svc.Answer(ctx, plpost, in.ID, Reply{Answer: AnswerInTransit}); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("late answer by PL after escalation to our desk = %v", err)
	}
	if _, err := w.svc.Answer(ctx, officer, in.ID, Reply{Answer: AnswerInTransit, Note: "PL answered by mail"}); err != nil {
		t.Errorf("desk keys in the late answer: %v", err)
	}
}

func TestLiability(t *testing.T) {
	w := newWorld()
	dec := func(kind ClaimKind, evs []tracking.Stored) Liability {
		return DecideLiability(kind, Read(evs), "post:CNPOST")
	}
	id := s10(t, 7, "CN")
	for _, c := range []struct {
		name   string
		kind   ClaimKind
		evs    []tracking.Stored
		liable string
		rule   string
	}{
		{"lost in PL", ClaimLoss, chain(id, 6), "post:PLPOST", "last receipt"},
		{"left CN, never received", ClaimLoss, chain(id, 3), "post:CNPOST", "last receipt"},
		{"delivered", ClaimLoss, append(chain(id, 6), ev(id, tracking.EMI, "PLKRKB", t0.Add(99*time.Hour))), "", "delivered"},
		{"damage noted on receipt in PL", ClaimDamage, append(chain(id, 3), ev(id, tracking.EMD, "PLWAWA", t0.Add(50*time.Hour), reason("CN 43: damaged, wet"))), "post:CNPOST", "handed it over"},
		{"damage not noted", ClaimDamage, chain(id, 6), "post:PLPOST", "without reservation"},
		{"EMS delay in PL", ClaimDelay, append(chain(id, 4), ev(id, tracking.EMI, "PLKRKB", t0.Add(400*time.Hour))), "post:PLPOST", "longest holding"},
	} {
		l := dec(c.kind, c.evs)
		if l.Liable != c.liable || !strings.Contains(l.Rule, c.rule) || (c.liable != "" && len(l.Evidence) == 0) {
			t.Errorf("%s: %+v", c.name, l)
		}
	}
	r := w.svc.Rules
	for _, c := range []struct {
		kind    ClaimKind
		product string
		weightG int
		claimed string
		want    string
		capped  bool
	}{
		{ClaimLoss, "ems", 1200, "0", "45.4", false},
		{ClaimLoss, "ems", 1200, "500", "45.4", true},
		{ClaimLoss, "parcel", 2000, "20", "20", false},
		{ClaimLoss, "registered-small-packet", 300, "100", "30", true},
		{ClaimLoss, "small-packet", 300, "10", "0", true},
		{ClaimDelay, "parcel", 300, "10", "0", true},
	} {
		amt, why := r.Compensation(c.kind, c.product, c.weightG, decimal.RequireFromString(c.claimed))
		if !amt.Equal(decimal.RequireFromString(c.want)) || (why != "") != c.capped {
			t.Errorf("Compensation(%s %s %dg %s) = %s %q", c.kind, c.product, c.weightG, c.claimed, amt, why)
		}
	}
}

func TestClaimLedgerAndOverride(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	id := w.item(t, 8, 6)
	in, _, err := w.svc.Open(ctx, merchant, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: "lost-ish"}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("Decide(bad kind) = %v", err)
	}
	cl, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss, Claimed: decimal.RequireFromString("300")})
	if err != nil || cl.Liable != "post:PLPOST" || !cl.Amount.Equal(decimal.RequireFromString("45.4")) || cl.Capped == "" || !cl.Posted {
		t.Fatalf("Decide = %+v, %v", cl, err)
	}
	post := w.ledger.posts[0]
	if len(post) != 2 || post[0].Debtor != "post:PLPOST" || post[0].Creditor != "post:CNPOST" || post[1].Creditor != "merchant:XMTEA" {
		t.Errorf("ledger = %+v", post)
	}
	if again, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss}); err != nil || again.ID != cl.ID || len(w.ledger.posts) != 1 {
		t.Errorf("Decide again = %+v, %v (%d posts)", again, err, len(w.ledger.posts))
	}
	if _, err := w.svc.OverrideClaim(ctx, merchant, cl.ID, Override{Reason: "x"}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("merchant override = %v", err)
	}
	if _, err := w.svc.OverrideClaim(ctx, officer, cl.ID, Override{Liable: "PL"}); postal.ErrorCode(err) != postal.CodeInvalid || len(postal.Fields(err)) != 2 {
		t.Errorf("override without reason, bad post = %v", err)
	}
	o, err := w.svc.OverrideClaim(ctx, officer, cl.ID, Override{Liable: "post:CNPOST", Amount: decimal.RequireFromString("30"), Reason: "airline lost the bag: we claim from the carrier"})
	if err != nil || o.Liable != "post:CNPOST" || o.Override == "" {
		t.Fatalf("override = %+v, %v", o, err)
	}
	last := w.ledger.posts[len(w.ledger.posts)-1]
	if len(last) != 1 || last[0].Creditor != "merchant:XMTEA" || !last[0].Amount.Equal(decimal.RequireFromString("30")) {
		t.Errorf("after override the ledger should hold only our payment to the merchant: %+v", last)
	}
	if len(w.audits) != 1 || !strings.Contains(w.audits[0], "reason=airline lost") {
		t.Errorf("audits = %q", w.audits)
	}
}

func TestInsuredClaimPaidInClaimantCurrency(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	id := w.item(t, 9, 6)
	f := w.facts[id]
	f.InsuredSDR, f.Currency = decimal.RequireFromString("330.00"), "USD"
	w.facts[id] = f
	in, _, err := w.svc.Open(ctx, merchant, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss, Currency: "ZZZ"}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("Decide(currency ZZZ) = %v, want invalid", err)
	}
	// Insured: up to the insured value (not the EMS 45.40 SDR), paid in USD
	// at the table of 2026-11-02 (1.3650 USD per SDR).
	cl, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss, Claimed: decimal.RequireFromString("500")})
	if err != nil || cl.Amount.String() != "330" || !strings.Contains(cl.Capped, "insured value 330.00 SDR") ||
		cl.PaidCurrency != "USD" || cl.Paid.StringFixed(2) != "450.45" || cl.RateDate.Format(time.DateOnly) != "2026-11-02" {
		t.Fatalf("Decide = %+v, %v", cl, err)
	}
	post := w.ledger.posts[0]
	if len(post) != 2 || post[0].Currency != "XDR" || post[0].Amount.String() != "330" ||
		post[1].Currency != "USD" || post[1].Amount.StringFixed(2) != "450.45" || !strings.Contains(post[1].Rate, "330.00 SDR × 1.365 USD/SDR (rates of 2026-11-02)") {
		t.Errorf("ledger = %+v", post)
	}
	// An override keeps the decision's rate.
	w.svc.Rates = postal.Rates{AsOf: t0, PerSDR: map[string]decimal.Decimal{"USD": decimal.RequireFromString("2")}}
	o, err := w.svc.OverrideClaim(ctx, officer, cl.ID, Override{Amount: decimal.RequireFromString("300"), Reason: "receipt shows 300 SDR"})
	if err != nil || o.Paid.StringFixed(2) != "409.50" {
		t.Errorf("override = %+v, %v", o, err)
	}
}

func TestWarehouseItemOriginIsUs(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	id := s10(t, 10, "CN")
	// Posted at our warehouse in Belgium, lost in PL after the receipt there.
	w.scans[id] = []tracking.Stored{ev(id, tracking.EMA, "BELGGW", t0), ev(id, tracking.EMC, "BELGGW", t0.Add(time.Hour)),
		ev(id, tracking.EMD, "PLWAWA", t0.Add(20*time.Hour))}
	w.facts[id] = Facts{Merchant: "XMTEA", Product: "parcel", WeightG: 2000, Dest: "PL", CreatedAt: t0.Add(-time.Hour)}
	in, _, err := w.svc.Open(ctx, merchant, id, "")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss})
	if err != nil || cl.Liable != "post:PLPOST" || cl.Claimant != "post:CNPOST" {
		t.Fatalf("Decide = %+v, %v; want PL pays us (CN), not BEPOST", cl, err)
	}
}

// TestUnsignedHandovers: an insured item's delivery and each receipt by
// another post need a signatory; acceptance and scans within one post do
// not. A claim on an insured item lists the unsigned handovers in its
// evidence; one on an uninsured item does not.
func TestUnsignedHandovers(t *testing.T) {
	id := s10(t, 11, "CN")
	evs := append(chain(id, 6), ev(id, tracking.EMH, "PLKRKB", t0.Add(95*time.Hour)),
		ev(id, tracking.EMI, "PLKRKB", t0.Add(100*time.Hour)))
	got := unsignedOf(evs)
	// EMD at PLWAWA (CNPOST → PLPOST) and the EMI: unsigned.
	if len(got) != 2 || evs[got[0]].Code != tracking.EMD || evs[got[1]].Code != tracking.EMI {
		t.Fatalf("unsigned = %v", got)
	}
	evs[3].Signatory, evs[7].Signatory = "J. Kowalski", "A. Nowak"
	if got := unsignedOf(evs); len(got) != 0 {
		t.Errorf("signed handovers flagged: %v", got)
	}

	ctx := context.Background()
	w := newWorld()
	insured := w.item(t, 12, 4)
	f := w.facts[insured]
	f.InsuredSDR, f.Currency = decimal.RequireFromString("200.00"), "USD"
	w.facts[insured] = f
	plain := w.item(t, 13, 4)
	for _, c := range []struct {
		item string
		want int
	}{{insured, 1}, {plain, 0}} {
		in, _, err := w.svc.Open(ctx, merchant, c.item, "")
		if err != nil {
			t.Fatal(err)
		}
		cl, err := w.svc.Decide(ctx, merchant, in.ID, ClaimRequest{Kind: ClaimLoss})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range cl.Evidence {
			if strings.HasPrefix(e.Why, UnsignedHandoverWhy) {
				n++
				if e.Code != "EMD" || e.Post != "post:PLPOST" || !strings.Contains(e.Why, "post:PLPOST shows no signed receipt") {
					t.Errorf("evidence = %+v", e)
				}
			}
		}
		if n != c.want {
			t.Errorf("%s: %d unsigned handovers in the evidence, want %d: %+v", c.item, n, c.want, cl.Evidence)
		}
	}
	if v, err := w.svc.InsuredSDR(ctx, insured); err != nil || v.String() != "200" {
		t.Errorf("InsuredSDR = %v, %v", v, err)
	}
}

// TestClaimList: newest decision first; a merchant sees its own items'
// claims, staff all, customs nothing.
func TestClaimList(t *testing.T) {
	ctx := context.Background()
	w := newWorld()
	mine := w.item(t, 14, 4)
	theirs := w.item(t, 15, 4)
	f := w.facts[theirs]
	f.Merchant = "HZSILK"
	w.facts[theirs] = f
	var ids []string
	for i, c := range []struct {
		item string
		kind ClaimKind
	}{{mine, ClaimLoss}, {theirs, ClaimLoss}, {mine, ClaimDamage}} {
		w.now = t0.Add(time.Duration(240+i) * time.Hour)
		in, _, err := w.svc.Open(ctx, officer, c.item, "")
		if err != nil {
			t.Fatal(err)
		}
		cl, err := w.svc.Decide(ctx, officer, in.ID, ClaimRequest{Kind: c.kind})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cl.ID)
	}
	got := func(who auth.Principal) []string {
		rows, err := w.svc.ClaimList(ctx, who, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			if r.Inquiry.ID != r.Claim.Inquiry {
				t.Errorf("row %s beside inquiry %s", r.Claim.ID, r.Inquiry.ID)
			}
			out = append(out, r.Claim.ID)
		}
		return out
	}
	if g := got(merchant); strings.Join(g, ",") != ids[2]+","+ids[0] {
		t.Errorf("merchant's claims = %v, want %v then %v", g, ids[2], ids[0])
	}
	if g := got(officer); strings.Join(g, ",") != ids[2]+","+ids[1]+","+ids[0] {
		t.Errorf("staff's claims = %v", g)
	}
	if _, err := w.svc.ClaimList(ctx, auth.Principal{Role: auth.RoleCustoms}, 0); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("customs: %v, want forbidden", err)
	}
}
