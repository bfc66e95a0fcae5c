package tracking

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Subscription asks for a merchant's item status changes to be POSTed to URL.
type Subscription struct {
	ID         string    `json:"id"`
	Merchant   string    `json:"merchant"`
	URL        string    `json:"url"`
	Secret     string    `json:"-"`
	Statuses   []Status  `json:"statuses,omitempty" doc:"Statuses to notify; empty = every change"`
	CreatedAt  time.Time `json:"created_at"`
	DisabledAt time.Time `json:"disabled_at,omitzero"`
}

// Wants reports whether a change to status st is to be notified.
func (s Subscription) Wants(st Status) bool {
	return s.DisabledAt.IsZero() && (len(s.Statuses) == 0 || slices.Contains(s.Statuses, st))
}

// DeliveryState is where a webhook delivery stands.
type DeliveryState string

// Delivery states.
const (
	DeliveryPending   DeliveryState = "pending"   // waiting for its (next) attempt
	DeliveryDelivered DeliveryState = "delivered" // the endpoint answered 2xx
	DeliveryFailed    DeliveryState = "failed"    // MaxAttempts attempts failed; no more retries
)

// Delivery is one notification in the outbox.
type Delivery struct {
	Seq          int64         `json:"-"`
	ID           string        `json:"id"`
	Subscription string        `json:"subscription"`
	Object       string        `json:"item"`
	Status       Status        `json:"status" doc:"The item status this delivery notifies"`
	Body         []byte        `json:"-"`
	State        DeliveryState `json:"state"`
	Attempts     int           `json:"attempts"`
	NextAttempt  time.Time     `json:"next_attempt,omitzero"`
	LastStatus   int           `json:"last_response_status,omitempty" doc:"HTTP status of the last attempt (0 = no response)"`
	LastError    string        `json:"last_error,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	DeliveredAt  time.Time     `json:"delivered_at,omitzero"`
	// URL and Secret come with claimed deliveries, for sending.
	URL    string `json:"-"`
	Secret string `json:"-"`
}

// Attempt is the outcome of one delivery attempt.
type Attempt struct {
	Seq            int64
	At             time.Time
	State          DeliveryState
	Attempts       int
	NextAttempt    time.Time
	ResponseStatus int
	Error          string
}

// Webhook headers.
const (
	HeaderSignature = "Interpost-Signature" // sha256=<hex HMAC-SHA256 of the body>
	HeaderDelivery  = "Interpost-Delivery"  // the delivery id, the same on every retry
	HeaderEvent     = "Interpost-Event"     // item.status_changed
)

// Sign returns the signature header value of body: "sha256=" and the hex
// HMAC-SHA256 of the raw body under the subscription's secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header in constant time (for receivers and tests).
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// InternalAddress names the kind of a non-public address — loopback,
// private (RFC 1918, fc00::/7), link-local (169.254.0.0/16, where cloud
// metadata services answer), shared (100.64.0.0/10), multicast or
// unspecified — or returns "" for a public one. Webhook deliveries refuse
// internal addresses unless the post allows them.
func InternalAddress(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "a loopback address"
	case a.IsPrivate():
		return "a private address"
	case a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast():
		return "a link-local address"
	case a.IsUnspecified():
		return "the unspecified address"
	case a.IsMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast address"
	case sharedAddressSpace.Contains(a):
		return "a shared (carrier-grade NAT) address"
	}
	return ""
}

var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// internalHost classifies a URL host that is an address literal or
// localhost; names are checked by the sender once they resolve.
func internalHost(host string) string {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return "a loopback name"
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return InternalAddress(a)
	}
	return ""
}

// Poster sends one webhook request and returns the HTTP status (0 when
// there was no response). It must give up when ctx ends.
type Poster interface {
	Post(ctx context.Context, url string, body []byte, headers map[string]string) (status int, err error)
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomID(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + strings.ToLower(b32.EncodeToString(b))
}

// subscribeRefusals words the refusals of Subscribe.
var subscribeRefusals = auth.Refusals{Other: "a merchant key can only subscribe for its own merchant %s", Role: "role %s cannot subscribe to webhooks"}

// Subscribe creates a subscription for the caller's merchant (admins name
// it) and returns it with its secret, which is shown only this once.
func (s *Service) Subscribe(ctx context.Context, who auth.Principal, merchant, endpoint string, statuses []string) (Subscription, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleMerchant) { // operators do not act for merchants here
		return Subscription{}, postal.Errorf(postal.CodeForbidden, subscribeRefusals.Role, who.Role)
	}
	merchant, err := who.MerchantFor(merchant, subscribeRefusals)
	if err != nil {
		return Subscription{}, err
	}
	var fe postal.FieldList
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		fe.Add("url", "%q must be an absolute http(s) URL without credentials", endpoint)
	} else if why := internalHost(u.Hostname()); why != "" && !s.AllowPrivateWebhooks {
		fe.Add("url", "%s is %s; webhook endpoints must be public (the server's --webhook-allow-private allows internal ones)", u.Hostname(), why)
	}
	var sts []Status
	for i, st := range statuses {
		v, ok := ParseStatus(st)
		if !ok || v == StatusCreated {
			fe.Add(fmt.Sprintf("statuses[%d]", i), "%q is not an item status (GET /v1/events/codes lists them)", st)
		}
		sts = append(sts, v)
	}
	if err := fe.Err("bad subscription"); err != nil {
		return Subscription{}, err
	}
	if s.Merchants != nil {
		if _, err := s.Merchants.Merchant(ctx, merchant); err != nil {
			return Subscription{}, fmt.Errorf("merchant %s: %w", merchant, err)
		}
	}
	sub := Subscription{
		ID: randomID("whs_", 10), Merchant: merchant, URL: endpoint, Secret: randomID("whsec_", 20),
		Statuses: sts, CreatedAt: s.now().UTC().Truncate(time.Microsecond),
	}
	return sub, s.Store.CreateWebhook(ctx, sub)
}

// visibleSubscription returns a subscription the caller may see.
func (s *Service) visibleSubscription(ctx context.Context, who auth.Principal, id string) (Subscription, error) {
	sub, err := s.Store.Webhook(ctx, id)
	if err != nil {
		return Subscription{}, err
	}
	if who.Role != auth.RoleAdmin && !(who.Role == auth.RoleMerchant && who.Merchant == sub.Merchant) {
		return Subscription{}, postal.Errorf(postal.CodeNotFound, "no webhook subscription %s", id)
	}
	return sub, nil
}

// Subscriptions lists the caller's subscriptions (all of them for admins).
func (s *Service) Subscriptions(ctx context.Context, who auth.Principal) ([]Subscription, error) {
	switch who.Role {
	case auth.RoleAdmin:
		return s.Store.Webhooks(ctx, "")
	case auth.RoleMerchant:
		return s.Store.Webhooks(ctx, who.Merchant)
	}
	return nil, postal.Errorf(postal.CodeForbidden, "role %s has no webhook subscriptions", who.Role)
}

// Unsubscribe disables a subscription; pending deliveries are not sent.
func (s *Service) Unsubscribe(ctx context.Context, who auth.Principal, id string) error {
	if _, err := s.visibleSubscription(ctx, who, id); err != nil {
		return err
	}
	return s.Store.DisableWebhook(ctx, id, s.now().UTC())
}

// Deliveries lists a subscription's deliveries, newest first; before is the
// cursor of the previous page.
func (s *Service) Deliveries(ctx context.Context, who auth.Principal, id string, before string, limit int) ([]Delivery, string, error) {
	if _, err := s.visibleSubscription(ctx, who, id); err != nil {
		return nil, "", err
	}
	pos, err := paging.DecodeCursor(before)
	if err != nil {
		return nil, "", err
	}
	out, err := s.Store.WebhookDeliveries(ctx, id, pos, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = paging.EncodeCursor(out[len(out)-1].Seq)
	}
	return out, next, nil
}

// webhookBody is the JSON POSTed to the endpoint.
type webhookBody struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at"`
	Item      struct {
		ID             string `json:"id"`
		MerchantRef    string `json:"merchant_ref,omitempty"`
		Status         Status `json:"status"`
		StatusLabel    string `json:"status_label"`
		PreviousStatus Status `json:"previous_status,omitempty"`
	} `json:"item"`
	Event struct {
		Code    Code   `json:"code"`
		Meaning string `json:"meaning"`
		Office  string `json:"office"`
		Time    string `json:"time"`
	} `json:"event"`
}

// Retry policy of webhook deliveries: exponential backoff from RetryBase,
// capped at RetryMax, with ±20 % jitter, for at most MaxAttempts attempts
// (about a day in all).
var (
	RetryBase   = 30 * time.Second
	RetryMax    = 6 * time.Hour
	MaxAttempts = 12
)

// Backoff returns the wait after the n-th failed attempt (n ≥ 1), without jitter.
func Backoff(n int) time.Duration {
	d := RetryBase
	for i := 1; i < n && d < RetryMax; i++ {
		d *= 2
	}
	return min(d, RetryMax)
}

// Dispatcher sends the outbox: it claims due deliveries, POSTs them signed,
// and records each outcome. Several nodes may run one each; leases keep them
// from sending the same delivery at once.
type Dispatcher struct {
	Store   WebhookStore
	Poster  Poster
	Now     func() time.Time
	Logger  *slog.Logger
	Timeout time.Duration // per attempt; default 10 s
	Workers int           // concurrent attempts; default 8
	Every   time.Duration // poll interval; default 1 s
	// Wake, if set, makes Run poll at once (tracking.Service.Projected).
	Wake <-chan struct{}
}

// Run sends deliveries until ctx ends.
func (d *Dispatcher) Run(ctx context.Context) {
	every := orDefault(d.Every, time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.Step(ctx); err != nil && ctx.Err() == nil {
			d.logger().Error("webhook dispatcher", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.Wake:
		}
	}
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

func (d *Dispatcher) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Step claims and sends one round of due deliveries and returns how many
// it attempted.
func (d *Dispatcher) Step(ctx context.Context) (int, error) {
	timeout := orDefault(d.Timeout, 10*time.Second)
	workers := orDefault(d.Workers, 8)
	due, err := d.Store.ClaimWebhookDeliveries(ctx, d.now(), timeout+time.Minute, workers*4)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, dl := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := d.attempt(ctx, dl, timeout); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return len(due), fmt.Errorf("record %d webhook attempts: %w", len(errs), errs[0])
	}
	return len(due), nil
}

func (d *Dispatcher) attempt(ctx context.Context, dl Delivery, timeout time.Duration) error {
	actx, cancel := context.WithTimeout(ctx, timeout)
	status, err := d.Poster.Post(actx, dl.URL, dl.Body, map[string]string{
		"Content-Type":  "application/json",
		"User-Agent":    "Interpost-Webhooks/1",
		HeaderSignature: Sign(dl.Secret, dl.Body),
		HeaderDelivery:  dl.ID,
		HeaderEvent:     "item.status_changed",
	})
	cancel()
	if ctx.Err() != nil {
		return nil // shutting down: the lease expires and the delivery is retried
	}
	now := d.now().UTC()
	a := Attempt{Seq: dl.Seq, At: now, Attempts: dl.Attempts + 1, ResponseStatus: status}
	switch {
	case err == nil && status >= 200 && status < 300:
		a.State = DeliveryDelivered
	default:
		if err != nil {
			a.Error = shownError(err)
			d.logger().Warn("webhook attempt failed", "delivery", dl.ID, "attempt", a.Attempts, "err", err)
		} else {
			a.Error = fmt.Sprintf("endpoint answered %d", status)
		}
		if len(a.Error) > 300 {
			a.Error = a.Error[:300]
		}
		a.State = DeliveryPending
		a.NextAttempt = now.Add(jitter(Backoff(a.Attempts)))
		if a.Attempts >= MaxAttempts {
			a.State, a.NextAttempt = DeliveryFailed, time.Time{}
		}
	}
	return d.Store.FinishWebhookAttempt(context.WithoutCancel(ctx), a)
}

func jitter(d time.Duration) time.Duration {
	return d + time.Duration((mrand.Float64()*0.4-0.2)*float64(d))
}
