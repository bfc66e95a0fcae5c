package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
)

var (
	inquiryOpeners = []string{"admin", "operator", "merchant", "partner"}
	inquiryDesk    = []string{"admin", "operator"}
	inquiryAnswer  = []string{"admin", "operator", "partner"}
	claimants      = []string{"admin", "operator", "merchant"}
)

func (s *Server) inquiries() *inquiry.Service { return s.cfg.Inquiry }

func (s *Server) registerInquiries() {
	tags := []string{"Inquiries"}
	register(s, huma.Operation{
		OperationID: "inquiry-open", Method: http.MethodPost, Path: "/v1/inquiries", Summary: "open an inquiry on an item", Tags: tags,
		DefaultStatus: http.StatusCreated,
		Description: "Answered at once where the scans answer it (delivered, signed by; held by customs with the reason class; awaiting pick-up; " +
			"returned), otherwise routed to the post that last acknowledged receipt of the item, with the reply deadline (docs/inquiries.md). " +
			"An item we never saw is accepted as unknown to us and routed by its S10 country. The same party asking again about the same item " +
			"gets the same inquiry (200). Outside the admissibility window it is 422 with the date the window closed. Merchants ask about their " +
			"own items, partner posts about items routed to or through their country.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, inquiryOpeners, s.inquiryOpen)
	register(s, huma.Operation{
		OperationID: "inquiry-open-public", Method: http.MethodPost, Path: "/v1/public/inquiries", Summary: "open a buyer's inquiry (public page)", Tags: tags,
		DefaultStatus: http.StatusCreated,
		Description: "No key: the item id and the addressee's postcode stand in for a login. A postcode that does not match (or an item whose " +
			"address we do not hold) is one 422, so ids cannot be probed; repeated misses from one client are throttled (429). The answer " +
			"carries no personal data.",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusTooManyRequests},
	}, nil, s.inquiryOpenPublic)
	register(s, huma.Operation{
		OperationID: "inquiry-list", Method: http.MethodGet, Path: "/v1/inquiries", Summary: "list inquiries by reply deadline", Tags: tags,
		Description: "The desk's queue: earliest reply deadline first. Merchants see their items', partner posts those routed to them.",
		Errors:      []int{http.StatusUnprocessableEntity},
	}, inquiryOpeners, s.inquiryList)
	register(s, huma.Operation{
		OperationID: "inquiry-get", Method: http.MethodGet, Path: "/v1/inquiries/{id}", Summary: "get an inquiry with its trail and claims", Tags: tags,
		Description: "404 outside the caller's scope.", Errors: []int{http.StatusNotFound},
	}, inquiryOpeners, s.inquiryGet)
	register(s, huma.Operation{
		OperationID: "inquiry-answer", Method: http.MethodPost, Path: "/v1/inquiries/{id}/answer", Summary: "answer an inquiry routed to you", Tags: tags,
		Description: "The partner post the inquiry is routed to (or our desk keying in its answer). The same answer again is harmless; an inquiry " +
			"not waiting for an answer is 409.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, inquiryAnswer, s.inquiryAnswer)
	register(s, huma.Operation{
		OperationID: "inquiry-close", Method: http.MethodPost, Path: "/v1/inquiries/{id}/close", Summary: "close an inquiry", Tags: tags,
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, inquiryDesk, s.inquiryClose)
	register(s, huma.Operation{
		OperationID: "inquiry-sweep", Method: http.MethodPost, Path: "/v1/inquiries/sweep", Summary: "send due reminders and escalate overdue inquiries", Tags: tags,
		Description: "Every node does this every 10 minutes; this runs it now.",
	}, []string{"admin"}, s.inquirySweep)
	register(s, huma.Operation{
		OperationID: "inquiry-claim", Method: http.MethodPost, Path: "/v1/inquiries/{id}/claims", Summary: "claim compensation: liability decided from the scans", Tags: tags,
		DefaultStatus: http.StatusCreated,
		Description: "Decides which post is liable (the last to acknowledge receipt that cannot show onward handover or delivery; for damage " +
			"the post that handed it over when a receipt recorded the damage), lists the scans as evidence, works out the compensation in SDR " +
			"for the product (capped with the reason) and posts it to the ledger (kind compensation): the liable post pays the origin post, " +
			"which pays the merchant. The same claim again returns the decision made.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, claimants, s.inquiryClaim)
	register(s, huma.Operation{
		OperationID: "claim-override", Method: http.MethodPost, Path: "/v1/claims/{id}/override", Summary: "override a liability decision", Tags: tags,
		Description: "An officer replaces the liable post and the amount, with a reason; the ledger is adjusted by new entries and the " +
			"override is written to the audit log.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, inquiryDesk, s.claimOverride)
}

// inquiryView is an inquiry as the API shows it.
type inquiryView struct {
	ID           string    `json:"id" example:"QEE123456785CN-3fa2c1"`
	Item         string    `json:"item"`
	OpenedBy     string    `json:"opened_by" doc:"merchant:CODE, buyer, partner:CCPOST or operator:KEY"`
	Known        bool      `json:"known" doc:"false: the item is unknown to us (no scan, no shipment)"`
	State        string    `json:"state" enum:"open,answered,routed,partner_answered,escalated,closed"`
	Owner        string    `json:"owner,omitempty" doc:"Who must act: desk (our inquiries desk) or the post it is routed to (post:PLPOST)"`
	PostedAt     time.Time `json:"posted_at,omitzero"`
	OpenedAt     time.Time `json:"opened_at"`
	ReplyDue     time.Time `json:"reply_due,omitzero"`
	RemindAt     time.Time `json:"remind_at,omitzero"`
	Reminded     bool      `json:"reminded,omitempty"`
	Answer       string    `json:"answer,omitempty" enum:"delivered,awaiting_pickup,delivery_attempted,customs_held,returned,seized,in_transit,lost,delivered_per_partner"`
	AnswerAt     time.Time `json:"answer_at,omitzero"`
	AnswerOffice string    `json:"answer_office,omitempty"`
	Signatory    string    `json:"signatory,omitempty" doc:"Who signed for the delivery (never on the public answer)"`
	Reason       string    `json:"reason,omitempty" doc:"Customs reason class, attempted-delivery reason or the partner's note"`
	Basis        string    `json:"basis,omitempty" doc:"scans, or the post that answered"`
}

func toInquiryView(in inquiry.Inquiry) inquiryView {
	return inquiryView{ID: in.ID, Item: in.Item, OpenedBy: in.OpenedBy, Known: in.Known, State: string(in.State), Owner: in.Owner,
		PostedAt: in.PostedAt, OpenedAt: in.OpenedAt, ReplyDue: in.ReplyDue, RemindAt: in.RemindAt, Reminded: in.Reminded,
		Answer: string(in.Answer), AnswerAt: in.AnswerAt, AnswerOffice: in.AnswerOffice, Signatory: in.Signatory, Reason: in.Reason, Basis: in.Basis}
}

type inquiryStepView struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	From  string    `json:"from,omitempty"`
	To    string    `json:"to"`
	Note  string    `json:"note,omitempty"`
}

type claimView struct {
	ID           string             `json:"id"`
	Inquiry      string             `json:"inquiry"`
	Item         string             `json:"item"`
	Kind         string             `json:"kind" enum:"loss,theft_full,theft_partial,damage,delay"`
	Product      string             `json:"product,omitempty"`
	WeightG      int                `json:"weight_g"`
	Claimed      string             `json:"claimed" doc:"SDR asked for (0 = the product's maximum)"`
	Liable       string             `json:"liable,omitempty" doc:"The post that pays; absent when none is liable"`
	Claimant     string             `json:"claimant" doc:"The origin post, which pays the sender"`
	Amount       string             `json:"amount" doc:"Compensation in SDR (XDR)"`
	Currency     string             `json:"currency" example:"XDR"`
	Capped       string             `json:"capped,omitempty" doc:"Why the amount is below what was claimed"`
	Rule         string             `json:"rule"`
	Evidence     []inquiry.Evidence `json:"evidence"`
	DecidedAt    time.Time          `json:"decided_at"`
	OverriddenBy string             `json:"overridden_by,omitempty"`
	Override     string             `json:"override,omitempty" doc:"The officer's reason"`
	Posted       bool               `json:"posted" doc:"Compensation entries are in the ledger"`
	InsuredValue string             `json:"insured_value_sdr,omitempty" doc:"Insured items: the insured value in SDR, the limit of the compensation"`
	Paid         *claimPaid         `json:"paid,omitempty" doc:"The compensation in the claimant's currency"`
}

// claimPaid is a claim's compensation in the claimant's currency at the
// dated SDR rate it was converted at.
type claimPaid struct {
	Amount     string `json:"amount" doc:"Decimal string in currency" example:"450.45"`
	Currency   string `json:"currency" example:"USD"`
	RatePerSDR string `json:"rate_per_sdr" doc:"Units of currency per SDR used" example:"1.3650"`
	RatesOf    string `json:"rates_of" doc:"Date of the SDR rates table (YYYY-MM-DD)" example:"2026-11-02"`
}

func toClaimView(c inquiry.Claim) claimView {
	ev := c.Evidence
	if ev == nil {
		ev = []inquiry.Evidence{}
	}
	v := claimView{ID: c.ID, Inquiry: c.Inquiry, Item: c.Item, Kind: string(c.Kind), Product: c.Product, WeightG: c.WeightG,
		Claimed: c.Claimed.StringFixed(2), Liable: c.Liable, Claimant: c.Claimant, Amount: c.Amount.StringFixed(2), Currency: "XDR",
		Capped: c.Capped, Rule: c.Rule, Evidence: ev, DecidedAt: c.DecidedAt, OverriddenBy: c.OverriddenBy, Override: c.Override, Posted: c.Posted}
	if c.InsuredSDR.IsPositive() {
		v.InsuredValue = c.InsuredSDR.StringFixed(2)
	}
	if c.PaidCurrency != "" {
		v.Paid = &claimPaid{Amount: accounting.FormatAmount(c.Paid, c.PaidCurrency), Currency: c.PaidCurrency, RatePerSDR: c.RatePerSDR.String(),
			RatesOf: c.RateDate.Format(time.DateOnly)}
	}
	return v
}

type inquiryOutput struct {
	Status int `json:"-"`
	Body   inquiryView
}

func opened(in inquiry.Inquiry, created bool) *inquiryOutput {
	st := http.StatusOK
	if created {
		st = http.StatusCreated
	}
	return &inquiryOutput{Status: st, Body: toInquiryView(in)}
}

func (s *Server) inquiryOpen(ctx context.Context, in *struct {
	Body struct {
		Item string `json:"item" doc:"S10 item id" example:"EE123456785CN"`
		Note string `json:"note,omitempty" maxLength:"500"`
	}
}) (*inquiryOutput, error) {
	got, created, err := s.inquiries().Open(ctx, principal(ctx), in.Body.Item, in.Body.Note)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return opened(got, created), nil
}

// publicInquiryInput is a buyer's inquiry; client is the caller's address,
// which the throttle counts misses by.
type publicInquiryInput struct {
	Body struct {
		Item     string `json:"item" doc:"S10 item id from the label" example:"EE123456785CN"`
		Postcode string `json:"postcode" doc:"The addressee's postcode" maxLength:"16"`
	}
	client string
}

// Resolve implements huma.Resolver.
func (i *publicInquiryInput) Resolve(ctx huma.Context) []error {
	i.client = auth.ClientOf(ctx.RemoteAddr())
	return nil
}

func (s *Server) inquiryOpenPublic(ctx context.Context, in *publicInquiryInput) (*inquiryOutput, error) {
	got, created, err := s.inquiries().OpenPublic(ctx, in.Body.Item, in.Body.Postcode, in.client)
	var throttled *auth.ThrottledError
	if errors.As(err, &throttled) {
		return nil, huma.NewError(http.StatusTooManyRequests, throttled.Error())
	}
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := toInquiryView(got)
	out.OpenedBy, out.Signatory = "buyer", ""
	return &inquiryOutput{Status: opened(got, created).Status, Body: out}, nil
}

func (s *Server) inquiryList(ctx context.Context, in *struct {
	State []string `query:"state" doc:"Only these states" enum:"open,answered,routed,partner_answered,escalated,closed"`
	Owner string   `query:"owner" doc:"desk or post:CCPOST"`
	Item  string   `query:"item"`
	Limit int      `query:"limit" minimum:"1" maximum:"1000" default:"200"`
}) (*struct{ Body []inquiryView }, error) {
	f := inquiry.Filter{Owner: in.Owner, Item: in.Item, Limit: in.Limit}
	for _, st := range in.State {
		f.States = append(f.States, inquiry.State(st))
	}
	list, err := s.inquiries().List(ctx, principal(ctx), f)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := make([]inquiryView, len(list))
	for i, x := range list {
		out[i] = toInquiryView(x)
	}
	return &struct{ Body []inquiryView }{out}, nil
}

type inquiryDetail struct {
	inquiryView
	Trail  []inquiryStepView `json:"trail"`
	Claims []claimView       `json:"claims"`
}

func (s *Server) inquiryGet(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{ Body inquiryDetail }, error) {
	d, err := s.inquiryDetail(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inquiryDetail }{d}, nil
}

func (s *Server) inquiryDetail(ctx context.Context, who auth.Principal, id string) (inquiryDetail, error) {
	got, steps, err := s.inquiries().Get(ctx, who, id)
	if err != nil {
		return inquiryDetail{}, err
	}
	claims, err := s.inquiries().Claims(ctx, who, id)
	if err != nil {
		return inquiryDetail{}, err
	}
	d := inquiryDetail{inquiryView: toInquiryView(got), Trail: make([]inquiryStepView, len(steps)), Claims: make([]claimView, len(claims))}
	for i, st := range steps {
		d.Trail[i] = inquiryStepView{At: st.At, Actor: st.Actor, From: string(st.From), To: string(st.To), Note: st.Note}
	}
	for i, c := range claims {
		d.Claims[i] = toClaimView(c)
	}
	return d, nil
}

func (s *Server) inquiryAnswer(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body struct {
		Answer    string    `json:"answer" enum:"delivered_per_partner,in_transit,lost,returned,customs_held,awaiting_pickup"`
		At        time.Time `json:"at,omitzero" doc:"When it happened (delivery, last scan)"`
		Office    string    `json:"office,omitempty"`
		Signatory string    `json:"signatory,omitempty" maxLength:"100"`
		Note      string    `json:"note,omitempty" maxLength:"500"`
	}
}) (*struct{ Body inquiryView }, error) {
	b := in.Body
	got, err := s.inquiries().Answer(ctx, principal(ctx), in.ID, inquiry.Reply{Answer: inquiry.Answer(b.Answer), At: b.At, Office: b.Office, Signatory: b.Signatory, Note: b.Note})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inquiryView }{toInquiryView(got)}, nil
}

func (s *Server) inquiryClose(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body struct {
		Note string `json:"note,omitempty" maxLength:"500"`
	}
}) (*struct{ Body inquiryView }, error) {
	got, err := s.inquiries().Close(ctx, principal(ctx), in.ID, in.Body.Note)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inquiryView }{toInquiryView(got)}, nil
}

func (s *Server) inquirySweep(ctx context.Context, _ *struct{}) (*struct{ Body inquiry.SweepResult }, error) {
	r, err := s.inquiries().Sweep(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body inquiry.SweepResult }{r}, nil
}

func (s *Server) inquiryClaim(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body struct {
		Kind     string `json:"kind" enum:"loss,theft_full,theft_partial,damage,delay"`
		Claimed  string `json:"claimed,omitempty" doc:"SDR asked for; empty = the product's maximum" example:"45.40"`
		Currency string `json:"currency,omitempty" doc:"ISO 4217 currency the claimant is paid in, converted from SDR at the dated rates table; empty = the sender's (insured value's or declaration's) currency" example:"USD"`
	}
}) (*struct {
	Status int
	Body   claimView
}, error) {
	claimed, err := inquiry.ParseSDR("body.claimed", in.Body.Claimed)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	c, err := s.inquiries().Decide(ctx, principal(ctx), in.ID, inquiry.ClaimRequest{Kind: inquiry.ClaimKind(in.Body.Kind), Claimed: claimed, Currency: in.Body.Currency})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct {
		Status int
		Body   claimView
	}{http.StatusCreated, toClaimView(c)}, nil
}

func (s *Server) claimOverride(ctx context.Context, in *struct {
	ID   string `path:"id"`
	Body struct {
		Liable string `json:"liable,omitempty" doc:"The post that pays instead, post:CCPOST; empty keeps it" example:"post:CNPOST"`
		Amount string `json:"amount" doc:"Compensation in SDR" example:"30.00"`
		Reason string `json:"reason" minLength:"1" maxLength:"500"`
	}
}) (*struct{ Body claimView }, error) {
	amt, err := inquiry.ParseSDR("body.amount", in.Body.Amount)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	c, err := s.inquiries().OverrideClaim(ctx, principal(ctx), in.ID, inquiry.Override{Liable: in.Body.Liable, Amount: amt, Reason: in.Body.Reason})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body claimView }{toClaimView(c)}, nil
}
