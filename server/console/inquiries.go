package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
)

// rolesInquiries may open the inquiries desk; the service scopes what each
// sees (merchants their items, partner posts what is routed to them).
var (
	rolesInquiries = []auth.Role{auth.RoleAdmin, auth.RoleOperator, auth.RoleMerchant, auth.RolePartner}
	rolesDesk      = []auth.Role{auth.RoleAdmin, auth.RoleOperator}
)

func (c *Console) registerInquiries() {
	on := c.cfg.Inquiry != nil
	c.page("GET /console/inquiries", rolesInquiries, c.requires(on, "console.subject.inquiries", c.inquiryQueue))
	c.page("POST /console/inquiries", rolesInquiries, c.requires(on, "console.subject.inquiries", c.inquiryOpen))
	c.page("GET /console/inquiries/{id}", rolesInquiries, c.requires(on, "console.subject.inquiries", c.inquiryPage))
	c.page("POST /console/inquiries/{id}/claims", rolesCreate, c.requires(on, "console.subject.inquiries", c.inquiryClaim))
	c.page("POST /console/inquiries/{id}/close", rolesDesk, c.requires(on, "console.subject.inquiries", c.inquiryClose))
	c.page("GET /console/claims", rolesInquiries, c.requires(on, "console.subject.inquiries", c.claimList))
	c.page("POST /console/claims/{id}/override", rolesDesk, c.requires(on, "console.subject.inquiries", c.claimOverride))
}

type inquiryQueuePage struct {
	Rows                        []inquiry.Inquiry
	Routed, Escalated, Answered int
	State                       string
	Error                       string
	Item                        string
	CanOpen                     bool
	Tabs                        []tab
}

// inquiryQueue is the desk's queue: earliest reply deadline first.
func (c *Console) inquiryQueue(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderQueue(w, r, s, http.StatusOK, "", "")
}

func (c *Console) renderQueue(w http.ResponseWriter, r *http.Request, s *session, status int, errMsg, item string) {
	page := inquiryQueuePage{State: r.URL.Query().Get("state"), Error: errMsg, Item: item, CanOpen: s.Who.Role != auth.RoleCustoms,
		Tabs: c.trackTabs(s, "inquiries")}
	f := inquiry.Filter{Limit: 500}
	if page.State != "" {
		f.States = []inquiry.State{inquiry.State(page.State)}
	}
	rows, err := c.cfg.Inquiry.List(r.Context(), s.Who, f)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	for _, in := range rows {
		switch in.State {
		case inquiry.StateRouted:
			page.Routed++
		case inquiry.StateEscalated:
			page.Escalated++
		case inquiry.StateAnswered, inquiry.StatePartnerAnswered:
			page.Answered++
		}
	}
	page.Rows = rows
	c.render(w, r, status, "inquiries", s.view("console.title.inquiries", "tracking", page))
}

// inquiryOpen opens an inquiry from the desk: the one-click answer from the
// scans, or the routing to the post that last held the item.
func (c *Console) inquiryOpen(w http.ResponseWriter, r *http.Request, s *session) {
	item := strings.TrimSpace(r.PostFormValue("item"))
	in, _, err := c.cfg.Inquiry.Open(r.Context(), s.Who, item, strings.TrimSpace(r.PostFormValue("note")))
	if err != nil {
		if st, ok := statusOf[postal.ErrorCode(err)]; ok && st < 500 {
			c.renderQueue(w, r, s, st, userMessage(err), item)
			return
		}
		c.internalError(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/console/inquiries/"+url.PathEscape(in.ID)+"#main", http.StatusSeeOther)
}

type inquiryPage struct {
	Inquiry inquiry.Inquiry
	Trail   []inquiry.Step
	Claims  []inquiry.Claim
	// Timeline is the item's timeline beside the inquiry (nil for an item
	// unknown to us).
	Timeline *TimelineView
	Kinds    []inquiry.ClaimKind
	Desk     bool // the caller closes and overrides
	Claim    bool // the caller may claim
	Error    string
}

func (c *Console) inquiryPage(w http.ResponseWriter, r *http.Request, s *session) {
	c.renderInquiry(w, r, s, http.StatusOK, "")
}

func (c *Console) renderInquiry(w http.ResponseWriter, r *http.Request, s *session, status int, errMsg string) {
	ctx := r.Context()
	in, steps, err := c.cfg.Inquiry.Get(ctx, s.Who, r.PathValue("id"))
	if err != nil {
		if postal.ErrorCode(err) == postal.CodeNotFound {
			c.errorPage(w, r, s, http.StatusNotFound, userMessage(err))
			return
		}
		c.internalError(w, r, s, err)
		return
	}
	claims, err := c.cfg.Inquiry.Claims(ctx, s.Who, in.ID)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page := inquiryPage{Inquiry: in, Trail: steps, Claims: claims, Error: errMsg, Desk: s.Who.Is(rolesDesk...), Claim: s.Who.Is(rolesCreate...),
		Kinds: []inquiry.ClaimKind{inquiry.ClaimLoss, inquiry.ClaimTheftFull, inquiry.ClaimTheftPartial, inquiry.ClaimDamage, inquiry.ClaimDelay}}
	if c.cfg.Tracking != nil && in.Known && s.Who.Role != auth.RolePartner {
		if tl, err := c.cfg.Tracking.Timeline(ctx, s.Who, in.Item); err == nil {
			v := newTimelineView(tl)
			insured, err := c.cfg.Inquiry.InsuredSDR(ctx, in.Item)
			if err != nil {
				c.internalError(w, r, s, err)
				return
			}
			if insured.IsPositive() {
				v.markInsured()
			}
			page.Timeline = &v
		}
	}
	c.render(w, r, status, "inquiry", s.view("console.title.inquiry", "tracking", page))
}

func (c *Console) inquiryClaim(w http.ResponseWriter, r *http.Request, s *session) {
	claimed, err := inquiry.ParseSDR("claimed", r.PostFormValue("claimed"))
	if err == nil {
		_, err = c.cfg.Inquiry.Decide(r.Context(), s.Who, r.PathValue("id"), inquiry.ClaimRequest{Kind: inquiry.ClaimKind(r.PostFormValue("kind")), Claimed: claimed,
			Currency: r.PostFormValue("currency")})
	}
	c.afterInquiryForm(w, r, s, r.PathValue("id"), err)
}

func (c *Console) inquiryClose(w http.ResponseWriter, r *http.Request, s *session) {
	_, err := c.cfg.Inquiry.Close(r.Context(), s.Who, r.PathValue("id"), strings.TrimSpace(r.PostFormValue("note")))
	c.afterInquiryForm(w, r, s, r.PathValue("id"), err)
}

func (c *Console) claimOverride(w http.ResponseWriter, r *http.Request, s *session) {
	inq := r.PostFormValue("inquiry")
	amount, err := inquiry.ParseSDR("amount", r.PostFormValue("amount"))
	if err == nil {
		_, err = c.cfg.Inquiry.OverrideClaim(r.Context(), s.Who, r.PathValue("id"), inquiry.Override{Liable: strings.TrimSpace(r.PostFormValue("liable")),
			Amount: amount, Reason: strings.TrimSpace(r.PostFormValue("reason"))})
	}
	c.afterInquiryForm(w, r, s, inq, err)
}

// afterInquiryForm returns to the inquiry, or shows it again with the error.
func (c *Console) afterInquiryForm(w http.ResponseWriter, r *http.Request, s *session, id string, err error) {
	if err == nil {
		http.Redirect(w, r, "/console/inquiries/"+url.PathEscape(id)+"#main", http.StatusSeeOther)
		return
	}
	st, ok := statusOf[postal.ErrorCode(err)]
	if !ok || st >= 500 {
		c.internalError(w, r, s, err)
		return
	}
	r.SetPathValue("id", id)
	c.renderInquiry(w, r, s, st, userMessage(err))
}

type claimListPage struct {
	Rows []inquiry.ClaimRow
	Desk bool // staff: the merchant column
	Tabs []tab
}

// claimList is the claims page: a merchant's claims on its items (staff see
// every claim, a partner post those routed to it), newest decision first,
// each with its inquiry's state, the decision and the compensation in the
// claimant's currency.
func (c *Console) claimList(w http.ResponseWriter, r *http.Request, s *session) {
	rows, err := c.cfg.Inquiry.ClaimList(r.Context(), s.Who, 500)
	if err != nil {
		if st, ok := statusOf[postal.ErrorCode(err)]; ok && st < 500 {
			c.errorPage(w, r, s, st, userMessage(err))
			return
		}
		c.internalError(w, r, s, err)
		return
	}
	page := claimListPage{Rows: rows, Desk: s.Who.Is(rolesDesk...), Tabs: c.trackTabs(s, "claims")}
	c.render(w, r, http.StatusOK, "claims", s.view("console.title.claims", "tracking", page))
}
