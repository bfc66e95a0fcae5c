package inward

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
)

// Events pushed to the origin post (issue 16 item 3): a partner post may
// have an endpoint; the node's push worker (PushDue, every PushEvery)
// sends the partner's waiting events there in batches, retries with
// backoff and records each attempt. Pull and push take events by the same
// atomic claim (ClaimPartnerEvents), so an event goes back once, by one
// of them, from one node.

// Push formats: the body of a push is the pull's answer (json), the
// EMSEVT records (emsevt) or the EDIFACT interchange in the partner's
// profile (edifact).
const (
	FormatJSON    = "json"
	FormatEMSEVT  = "emsevt"
	FormatEDIFACT = "edifact"
)

// PushFormats lists the push formats.
var PushFormats = []string{FormatJSON, FormatEMSEVT, FormatEDIFACT}

// Endpoint is where a partner post takes our events, with the state of
// its pushes.
type Endpoint struct {
	Partner   string // e.g. KRPOST
	URL       string // http or https
	Format    string // json, emsevt, edifact
	Enabled   bool
	UpdatedAt time.Time
	UpdatedBy string // key that set it
	Failures  int    // failed pushes in a row
	RetryAt   time.Time
	LastOK    time.Time
	LastError string
}

// Push is one attempt to push a batch to a partner's endpoint.
type Push struct {
	ID          int64
	Partner     string
	Batch       string // message reference
	URL         string
	Format      string
	Events      int
	AttemptedAt time.Time
	OK          bool
	Status      int // HTTP status; 0 when none came back
	Error       string
	Node        string
}

// PushStore keeps partners' endpoints and pushes and claims outbox events
// atomically across nodes. Methods return postal errors.
type PushStore interface {
	// ClaimPartnerEvents takes up to limit of partner's waiting events,
	// oldest first: not returned and under no live claim (lease_until
	// after now). They are held under claim until until. Two callers at
	// once, on any nodes, never take the same event.
	ClaimPartnerEvents(ctx context.Context, partner, claim string, limit int, now, until time.Time) ([]PartnerEvent, error)
	// ReturnClaimedEvents stamps the events held under claim returned at
	// at in batch.
	ReturnClaimedEvents(ctx context.Context, partner, claim, batch string, at time.Time) error
	// ReleaseClaimedEvents puts the events held under claim back to wait.
	ReleaseClaimedEvents(ctx context.Context, partner, claim string) error
	// SavePartnerEndpoint inserts or replaces a partner's endpoint
	// (its push state restarts).
	SavePartnerEndpoint(ctx context.Context, e Endpoint) error
	// PartnerEndpoint returns a partner's endpoint, or not_found.
	PartnerEndpoint(ctx context.Context, partner string) (Endpoint, error)
	// PartnerEndpoints lists the endpoints by partner.
	PartnerEndpoints(ctx context.Context) ([]Endpoint, error)
	// DeletePartnerEndpoint removes a partner's endpoint, or not_found.
	DeletePartnerEndpoint(ctx context.Context, partner string) error
	// RecordPush records an attempt and sets the endpoint's push state
	// (failures in a row, next try, last success or error).
	RecordPush(ctx context.Context, p Push, failures int, retryAt time.Time) error
	// PartnerPushes lists a partner's latest pushes, newest first.
	PartnerPushes(ctx context.Context, partner string, limit int) ([]Push, error)
}

// Pusher sends a batch to a partner post's endpoint in its format and
// answers the HTTP status (0 when none came back); an error or a status
// outside 2xx is a failed push.
type Pusher interface {
	Push(ctx context.Context, e Endpoint, b EventBatch) (status int, err error)
}

// DefaultPushEvery is how often the node pushes waiting events.
const DefaultPushEvery = 30 * time.Second

// pushLease is how long a pushing node holds the events it claimed: a
// node that dies mid-push leaves them to wait again after it.
const pushLease = 2 * time.Minute

// maxPushBackoff bounds the wait after failed pushes.
const maxPushBackoff = 30 * time.Minute

// PushBackoff is the wait before the next push after failures failed
// pushes in a row: 30 s doubling, at most 30 min.
func PushBackoff(failures int) time.Duration {
	if failures <= 0 {
		return 0
	}
	d := 30 * time.Second
	for i := 1; i < failures && d < maxPushBackoff; i++ {
		d *= 2
	}
	return min(d, maxPushBackoff)
}

func newClaim() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "claim:" + hex.EncodeToString(b[:])
}

// claimBatch claims partner's waiting events under claim and names the
// batch (the reference from the partner's interchange serial, keyed by
// the first event, as before): an empty batch when nothing waits.
func (s *Service) claimBatch(ctx context.Context, partner, claim string, now, until time.Time) (EventBatch, error) {
	evs, err := s.Store.ClaimPartnerEvents(ctx, partner, claim, maxBatch, now, until)
	b := EventBatch{Partner: partner, Prepared: now, Events: evs}
	if err != nil || len(evs) == 0 {
		return b, err
	}
	serial, err := s.Store.InterchangeSerial(ctx, partner, fmt.Sprintf("EMSEVT %s %d", partner, evs[0].Seq))
	if err == nil {
		b.Ref = edi.Ref(partner, serial)
		err = s.encode(&b)
	}
	if err != nil {
		return EventBatch{}, withRelease(err, s.Store.ReleaseClaimedEvents(ctx, partner, claim))
	}
	return b, nil
}

func withRelease(err, also error) error {
	if also != nil {
		return fmt.Errorf("%w (and releasing its events: %v)", err, also)
	}
	return err
}

// CheckEndpoint validates an endpoint's partner, URL and format.
func CheckEndpoint(e Endpoint) error {
	var fe postal.FieldList
	if _, post := partnerCountry(e.Partner); !post {
		fe.Add("partner", "%s is not a post's partner code like JPPOST", postal.Quote(e.Partner))
	}
	u, err := url.Parse(e.URL)
	switch {
	case e.URL == "":
		fe.Add("url", "required: where the partner takes our events")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		fe.Add("url", "%s is not an http(s) URL with a host", postal.Quote(e.URL))
	case u.User != nil:
		fe.Add("url", "credentials in the URL are not kept; the partner authenticates our pushes by its own means")
	}
	if !slices.Contains(PushFormats, e.Format) {
		fe.Add("format", "%s is not one of %s", postal.Quote(e.Format), strings.Join(PushFormats, ", "))
	}
	return fe.Err("push endpoint")
}

// SetEndpoint stores a partner post's push endpoint (admins only): the
// next push worker round sends its waiting events there.
func (s *Service) SetEndpoint(ctx context.Context, who auth.Principal, e Endpoint) (Endpoint, error) {
	if who.Role != auth.RoleAdmin {
		return Endpoint{}, postal.Errorf(postal.CodeForbidden, "partner endpoints are set by admins; this is a %s key", who.Role)
	}
	if err := CheckEndpoint(e); err != nil {
		return Endpoint{}, err
	}
	now := s.now()
	e.UpdatedAt, e.UpdatedBy, e.Failures, e.RetryAt, e.LastOK, e.LastError = now, who.KeyID, 0, now, time.Time{}, ""
	if err := s.Store.SavePartnerEndpoint(ctx, e); err != nil {
		return Endpoint{}, err
	}
	return s.Store.PartnerEndpoint(ctx, e.Partner)
}

// mayReadEndpoint: admins, and the partner post's own key.
func mayReadEndpoint(who auth.Principal, partner string) error {
	if who.Role == auth.RoleAdmin || (who.Role == auth.RolePartner && who.Partner == partner) {
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "%s's push endpoint is shown to its own key and admins", partner)
}

// Endpoint returns a partner's push endpoint with its latest pushes.
func (s *Service) Endpoint(ctx context.Context, who auth.Principal, partner string, pushes int) (Endpoint, []Push, error) {
	if err := mayReadEndpoint(who, partner); err != nil {
		return Endpoint{}, nil, err
	}
	e, err := s.Store.PartnerEndpoint(ctx, partner)
	if err != nil {
		return Endpoint{}, nil, err
	}
	if pushes <= 0 || pushes > 500 {
		pushes = 20
	}
	ps, err := s.Store.PartnerPushes(ctx, partner, pushes)
	return e, ps, err
}

// Endpoints lists every partner's endpoint (admins).
func (s *Service) Endpoints(ctx context.Context, who auth.Principal) ([]Endpoint, error) {
	if who.Role != auth.RoleAdmin {
		return nil, postal.Errorf(postal.CodeForbidden, "partner endpoints are listed for admins; this is a %s key", who.Role)
	}
	return s.Store.PartnerEndpoints(ctx)
}

// RemoveEndpoint removes a partner's endpoint (admins): its events wait
// for pulls again.
func (s *Service) RemoveEndpoint(ctx context.Context, who auth.Principal, partner string) error {
	if who.Role != auth.RoleAdmin {
		return postal.Errorf(postal.CodeForbidden, "partner endpoints are removed by admins; this is a %s key", who.Role)
	}
	return s.Store.DeletePartnerEndpoint(ctx, partner)
}

// PushDue pushes the waiting events of every enabled endpoint due now
// (no failure, or its backoff over), one batch per partner, and answers
// how many events went back. node names this node in the records. A
// failed push puts its events back to wait and the endpoint backs off
// (PushBackoff); the first error is returned after the others ran.
func (s *Service) PushDue(ctx context.Context, p Pusher, node string) (int, error) {
	eps, err := s.Store.PartnerEndpoints(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var first error
	for _, e := range eps {
		now := s.now()
		if !e.Enabled || e.RetryAt.After(now) {
			continue
		}
		k, err := s.pushOne(ctx, p, e, node, now)
		n += k
		first = cmpErr(first, err)
	}
	return n, first
}

func (s *Service) pushOne(ctx context.Context, p Pusher, e Endpoint, node string, now time.Time) (int, error) {
	claim := newClaim()
	b, err := s.claimBatch(ctx, e.Partner, claim, now, now.Add(pushLease))
	if err != nil || len(b.Events) == 0 {
		return 0, err
	}
	rec := Push{Partner: e.Partner, Batch: b.Ref, URL: e.URL, Format: e.Format, Events: len(b.Events), AttemptedAt: now, Node: node}
	status, perr := p.Push(ctx, e, b)
	// What the partner answered is recorded even when the node is
	// stopping meanwhile: a push it took must not be pushed again.
	ctx = context.WithoutCancel(ctx)
	rec.Status = status
	if perr == nil && (status < 200 || status > 299) {
		perr = fmt.Errorf("%s answered HTTP %d", e.URL, status)
	}
	if perr != nil {
		rec.Error = perr.Error()
		if len(rec.Error) > 300 {
			rec.Error = rec.Error[:300]
		}
		err := s.Store.ReleaseClaimedEvents(ctx, e.Partner, claim)
		failures := e.Failures + 1
		err = cmpErr(err, s.Store.RecordPush(ctx, rec, failures, now.Add(PushBackoff(failures))))
		return 0, cmpErr(fmt.Errorf("push %d events to %s: %w", len(b.Events), e.Partner, perr), err)
	}
	rec.OK = true
	if err := s.Store.ReturnClaimedEvents(ctx, e.Partner, claim, b.Ref, now); err != nil {
		return 0, err
	}
	return len(b.Events), s.Store.RecordPush(ctx, rec, 0, now)
}
