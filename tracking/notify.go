package tracking

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// BuyerSubscription asks for an item's status changes to be e-mailed to a
// buyer, in the language of the page they subscribed on. Email is personal
// data: it is never logged, and privacy erasure deletes the subscription.
type BuyerSubscription struct {
	ID        string    `json:"id"`
	Object    string    `json:"item"`
	Email     string    `json:"-"`
	Lang      string    `json:"lang"`
	Token     string    `json:"-"` // the secret of the unsubscribe link
	CreatedAt time.Time `json:"created_at"`
}

// DefaultBuyerStatuses are the status changes that notify buyers of a
// merchant that has not chosen.
var DefaultBuyerStatuses = []Status{StatusOutForDelivery, StatusDelivered, StatusImportCustomsHeld}

// BuyerMail is one buyer e-mail in the outbox. The projector writes it in
// the transaction of the status change; a MailDispatcher sends it.
type BuyerMail struct {
	Seq          int64
	ID           string
	Subscription string
	Object       string
	Status       Status
	EventTime    string // FormatTime of the event, local to its office
	State        DeliveryState
	Attempts     int
	NextAttempt  time.Time
	LastError    string
	CreatedAt    time.Time
	SentAt       time.Time
	// Email, Lang and Token come with claimed mails, for sending.
	Email, Lang, Token string
}

// MailAttempt is the outcome of one attempt to send a BuyerMail.
type MailAttempt struct {
	Seq         int64
	At          time.Time
	State       DeliveryState
	Attempts    int
	NextAttempt time.Time
	Error       string
}

// BuyerStore keeps buyer subscriptions, merchants' choices and the mail outbox.
type BuyerStore interface {
	// CreateBuyerSubscription stores s; when the object already has a
	// subscription for the same address it returns that one instead
	// (subscribing twice is not an error and sends one mail per change).
	CreateBuyerSubscription(ctx context.Context, s BuyerSubscription) (BuyerSubscription, error)
	// DeleteBuyerSubscription deletes the subscription whose unsubscribe
	// token is token, with its unsent mails; not_found if none.
	DeleteBuyerSubscription(ctx context.Context, token string) (BuyerSubscription, error)
	// EraseBuyerEmail deletes every subscription of an address (and its
	// mails) and returns how many there were.
	EraseBuyerEmail(ctx context.Context, email string) (int, error)
	// EraseBuyerSubscriptions deletes subscriptions created before cutoff.
	EraseBuyerSubscriptions(ctx context.Context, before time.Time) (int, error)
	// PutBuyerStatuses stores which status changes notify a merchant's buyers.
	PutBuyerStatuses(ctx context.Context, merchant string, statuses []Status, at time.Time) error
	// BuyerStatuses returns a merchant's choice, and false when it has none.
	BuyerStatuses(ctx context.Context, merchant string) ([]Status, bool, error)
	// ClaimBuyerMails leases up to limit pending mails due at now until now+lease.
	ClaimBuyerMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]BuyerMail, error)
	// FinishBuyerMail records the outcome of one attempt.
	FinishBuyerMail(ctx context.Context, a MailAttempt) error
	// BuyerMails lists the mails of an object, oldest first (for tests and support).
	BuyerMails(ctx context.Context, object string) ([]BuyerMail, error)
}

// NormalizeEmail checks a buyer's address and returns it trimmed and with
// its domain in lower case; the error names the field.
func NormalizeEmail(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	a, err := mail.ParseAddress(raw)
	if raw == "" || err != nil || a.Address != raw || len(raw) > 254 || !strings.Contains(raw[strings.LastIndexByte(raw, '@')+1:], ".") {
		shown := raw
		if len(shown) > 40 {
			shown = shown[:40] + "…"
		}
		return "", postal.Invalid("bad e-mail address", postal.FieldError{Field: "email",
			Message: fmt.Sprintf("%q is not an e-mail address such as name@example.com", shown)})
	}
	at := strings.LastIndexByte(raw, '@')
	return raw[:at] + "@" + strings.ToLower(raw[at+1:]), nil
}

// SubscribeBuyer subscribes an address to the status changes of a publicly
// trackable item (anyone who can see the public page may). lang is the
// page's language.
func (s *Service) SubscribeBuyer(ctx context.Context, id, email, lang string) (BuyerSubscription, error) {
	if s.Buyers == nil {
		return BuyerSubscription{}, postal.Errorf(postal.CodeUnavailable, "e-mail notifications are not enabled on this server")
	}
	addr, err := NormalizeEmail(email)
	if err != nil {
		return BuyerSubscription{}, err
	}
	tl, err := s.PublicTimeline(ctx, id)
	if err != nil {
		return BuyerSubscription{}, err
	}
	sub := BuyerSubscription{ID: randomID("bns_", 10), Object: tl.Object, Email: addr, Lang: lang,
		Token: randomID("", 20), CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	return s.Buyers.CreateBuyerSubscription(ctx, sub)
}

// UnsubscribeBuyer ends the subscription whose unsubscribe token is token.
func (s *Service) UnsubscribeBuyer(ctx context.Context, token string) (BuyerSubscription, error) {
	if s.Buyers == nil {
		return BuyerSubscription{}, postal.Errorf(postal.CodeUnavailable, "e-mail notifications are not enabled on this server")
	}
	if token == "" || len(token) > 64 {
		return BuyerSubscription{}, postal.Errorf(postal.CodeNotFound, "no subscription for this unsubscribe link")
	}
	return s.Buyers.DeleteBuyerSubscription(ctx, token)
}

var buyerRefusals = auth.Refusals{Other: "a merchant key can only set the notifications of its own merchant %s", Role: "role %s cannot set buyer notifications"}

// BuyerStatuses returns which status changes notify a merchant's buyers
// (the default set when it has not chosen).
func (s *Service) BuyerStatuses(ctx context.Context, who auth.Principal, merchant string) ([]Status, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleMerchant) {
		return nil, postal.Errorf(postal.CodeForbidden, buyerRefusals.Role, who.Role)
	}
	merchant, err := who.MerchantFor(merchant, buyerRefusals)
	if err != nil {
		return nil, err
	}
	if s.Buyers == nil {
		return slices.Clone(DefaultBuyerStatuses), nil
	}
	sts, ok, err := s.Buyers.BuyerStatuses(ctx, merchant)
	if err != nil || !ok {
		return slices.Clone(DefaultBuyerStatuses), err
	}
	return sts, nil
}

// SetBuyerStatuses chooses which status changes notify a merchant's buyers
// (an empty list: none).
func (s *Service) SetBuyerStatuses(ctx context.Context, who auth.Principal, merchant string, statuses []string) ([]Status, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleMerchant) {
		return nil, postal.Errorf(postal.CodeForbidden, buyerRefusals.Role, who.Role)
	}
	merchant, err := who.MerchantFor(merchant, buyerRefusals)
	if err != nil {
		return nil, err
	}
	var fe postal.FieldList
	sts := []Status{}
	for i, st := range statuses {
		v, ok := ParseStatus(st)
		if !ok || v == StatusCreated {
			shown := st
			if len(shown) > 40 {
				shown = shown[:40] + "…"
			}
			fe.Add(fmt.Sprintf("statuses[%d]", i), "%q is not an item status (GET /v1/events/codes lists them)", shown)
			continue
		}
		if !slices.Contains(sts, v) {
			sts = append(sts, v)
		}
	}
	if err := fe.Err("bad notification settings"); err != nil {
		return nil, err
	}
	if s.Buyers == nil {
		return nil, postal.Errorf(postal.CodeUnavailable, "e-mail notifications are not enabled on this server")
	}
	if s.Merchants != nil {
		if _, err := s.Merchants.Merchant(ctx, merchant); err != nil {
			return nil, fmt.Errorf("merchant %s: %w", merchant, err)
		}
	}
	return sts, s.Buyers.PutBuyerStatuses(ctx, merchant, sts, s.now().UTC())
}

// buyerMails returns the mails a status change of it makes.
func buyerMails(b ProjectionBatch, it Item, e Event, now time.Time) []BuyerMail {
	subs := b.Buyers[it.Object]
	if len(subs) == 0 {
		return nil
	}
	sts, ok := b.BuyerStatuses[it.Merchant]
	if !ok {
		sts = DefaultBuyerStatuses
	}
	if !slices.Contains(sts, it.Status) {
		return nil
	}
	out := make([]BuyerMail, 0, len(subs))
	for _, sub := range subs {
		out = append(out, BuyerMail{ID: randomID("bnm_", 10), Subscription: sub.ID, Object: it.Object, Status: it.Status,
			EventTime: FormatTime(e.Time), State: DeliveryPending, NextAttempt: now, CreatedAt: now})
	}
	return out
}
