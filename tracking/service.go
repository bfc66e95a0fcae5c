package tracking

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Sink takes validated events for storage. The store is the default sink;
// with a message bus, events go to the bus and its consumers store them.
type Sink interface {
	// Append makes events durable and returns how many were new, or
	// Unknown when that is decided later (a bus). Errors: unavailable.
	Append(ctx context.Context, events []Event, received time.Time) (added int, err error)
}

// Unknown is what a Sink returns for "added" when it cannot tell yet.
const Unknown = -1

// OfficeLister lists the network's offices.
type OfficeLister interface {
	Offices(ctx context.Context) ([]network.Office, error)
}

// MerchantLookup finds a merchant.
type MerchantLookup interface {
	Merchant(ctx context.Context, code string) (acceptance.Merchant, error)
}

// Service is the tracking use cases: ingest, timelines, stuck items,
// webhooks, end-to-end performance.
type Service struct {
	Store     Store
	Sink      Sink // nil = Store
	Offices   OfficeLister
	Merchants MerchantLookup // checks webhook merchants; optional
	Estimator Estimator      // estimated delivery dates; optional
	Now       func() time.Time
	Logger    *slog.Logger
	// MaxListed caps the rejected and unlinked events a Result lists
	// (counts stay exact). Default 1000.
	MaxListed int
	// Declared, if set, says which of the given waybill and e-commerce
	// objects were declared to customs (customs.Service.Declared): their
	// carriers' events are linked to the declaration, not counted as
	// unlinked.
	Declared func(ctx context.Context, objects []string) (map[string]bool, error)
	// AllowPrivateWebhooks accepts subscriptions to internal addresses
	// (see InternalAddress); the sender must allow them too.
	AllowPrivateWebhooks bool
	// Buyers keeps buyers' e-mail subscriptions; nil = no e-mail notifications.
	Buyers BuyerStore

	offices  officeCache
	stdCache standardsCache
	once     sync.Once
	wake     chan struct{}
	caught   chan struct{}
}

func (s *Service) init() {
	s.once.Do(func() { s.wake, s.caught = make(chan struct{}, 1), make(chan struct{}, 1) })
}

// Projected is signalled when RunProjector has folded new events in (and
// so may have queued webhook deliveries): the node's webhook dispatcher
// waits on it as well as on its ticker, so a status change reaches the
// merchant without waiting for the next poll.
func (s *Service) Projected() <-chan struct{} {
	s.init()
	return s.caught
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Service) sink() Sink {
	if s.Sink != nil {
		return s.Sink
	}
	return storeSink{s.Store}
}

type storeSink struct{ st EventStore }

func (ss storeSink) Append(ctx context.Context, events []Event, received time.Time) (int, error) {
	return ss.st.AppendEvents(ctx, events, received)
}

// Result reports an ingest.
type Result struct {
	Received int `json:"received" doc:"Records read from the input"`
	Accepted int `json:"accepted" doc:"Valid events made durable (stored, or acknowledged by the bus)"`
	New      int `json:"new" doc:"Accepted events not stored before; -1 when a bus stores them later"`
	// Duplicates counts accepted events that repeat one earlier in the
	// input or (when known) one already stored.
	Duplicates    int         `json:"duplicates"`
	RejectedCount int         `json:"rejected_count"`
	Rejected      []Rejection `json:"rejected" doc:"Why each invalid record was refused (up to 1000 listed)"`
	UnlinkedCount int         `json:"unlinked_count" doc:"Accepted item events for which no shipment exists (yet)"`
	Unlinked      []Unlinked  `json:"unlinked,omitempty" doc:"Up to 1000 of them"`
	Queued        bool        `json:"queued,omitempty" doc:"Events went to the message bus; storage and dedupe follow asynchronously"`
	Truncated     bool        `json:"truncated,omitempty" doc:"Some rejected or unlinked events are counted but not listed"`
}

// Unlinked is an accepted event whose item has no shipment in Interpost:
// partner scans may precede our data, so it is stored all the same.
type Unlinked struct {
	Index  int    `json:"index"`
	Line   int    `json:"line,omitempty"`
	Object string `json:"object"`
}

func (r *Result) add(o Result, max int) {
	r.Received += o.Received
	r.Accepted += o.Accepted
	if r.New != Unknown {
		if o.New == Unknown {
			r.New = Unknown
		} else {
			r.New += o.New
		}
	}
	r.Duplicates += o.Duplicates
	r.RejectedCount += o.RejectedCount
	r.UnlinkedCount += o.UnlinkedCount
	r.Queued = r.Queued || o.Queued
	for _, x := range o.Rejected {
		if len(r.Rejected) >= max {
			r.Truncated = true
			break
		}
		r.Rejected = append(r.Rejected, x)
	}
	for _, x := range o.Unlinked {
		if len(r.Unlinked) >= max {
			r.Truncated = true
			break
		}
		r.Unlinked = append(r.Unlinked, x)
	}
	r.Truncated = r.Truncated || o.Truncated
}

// StreamOptions tune IngestStream.
type StreamOptions struct {
	// Batch is how many records go to the sink at a time; 0 reads the whole
	// input first, so a structurally broken input stores nothing.
	Batch int
	// Progress is called after each batch with the records read so far.
	Progress func(records int)
}

// prepared is one validated batch on its way to the sink.
type prepared struct {
	events []Event
	res    Result
}

// IngestStream reads events from dec, validates each, and stores the valid
// ones in batches; it returns counts, the rejected records with their index
// and reason, and the accepted events of items we have no shipment for.
// Validation of batch n+1 overlaps storage of batch n. A decoder error (a
// broken JSON array, a bad CSV header) stops the stream: batches before it
// are stored, and the error says where it stopped.
func (s *Service) IngestStream(ctx context.Context, who auth.Principal, dec Decoder, o StreamOptions) (Result, error) {
	s.init()
	max := orDefault(s.MaxListed, 1000)
	res := Result{Rejected: []Rejection{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan prepared, 1)
	var decErr error
	go func() {
		defer close(ch)
		n := o.Batch
		if n <= 0 {
			n = int(^uint(0) >> 1)
		}
		var b Batch
		for {
			b.Reset()
			err := dec.Decode(&b, n)
			if err != nil && !errors.Is(err, io.EOF) {
				decErr = err
				return
			}
			if len(b.Events)+len(b.Rejected) > 0 {
				p, perr := s.prepare(ctx, who, &b)
				if perr != nil {
					decErr = perr
					return
				}
				select {
				case ch <- p:
				case <-ctx.Done():
					return
				}
			}
			if err != nil { // io.EOF
				return
			}
		}
	}()
	received := s.now().UTC()
	for p := range ch {
		if len(p.events) > 0 {
			added, err := s.sink().Append(ctx, p.events, received)
			if err != nil {
				cancel()
				for range ch { // let the decoder goroutine finish
				}
				return res, fmt.Errorf("store events after %d records: %w", res.Received, err)
			}
			p.res.New = added
			if added == Unknown {
				p.res.Queued = true
			} else {
				p.res.Duplicates += len(p.events) - added
			}
			s.notify()
		}
		res.add(p.res, max)
		if o.Progress != nil {
			o.Progress(res.Received)
		}
	}
	if decErr != nil {
		return res, decErr
	}
	return res, ctx.Err()
}

// Ingest stores events given in memory (see IngestStream).
func (s *Service) Ingest(ctx context.Context, who auth.Principal, events []Event) (Result, error) {
	return s.IngestStream(ctx, who, &sliceDecoder{events: events}, StreamOptions{})
}

type sliceDecoder struct {
	events []Event
	next   int
}

func (d *sliceDecoder) Decode(b *Batch, n int) error {
	for ; n > 0 && d.next < len(d.events); n-- {
		b.add(d.events[d.next], d.next, 0)
		d.next++
	}
	if d.next == len(d.events) {
		return io.EOF
	}
	return nil
}

// prepare validates a decoded batch: it normalises each event, checks the
// caller may report it, drops repeats within the batch and finds the
// accepted item events without a shipment.
func (s *Service) prepare(ctx context.Context, who auth.Principal, b *Batch) (prepared, error) {
	now := s.now()
	offices, err := s.officeChecker(ctx)
	if err != nil {
		return prepared{}, err
	}
	p := prepared{events: make([]Event, 0, len(b.Events))}
	p.res.Received = len(b.Events) + len(b.Rejected)
	p.res.Rejected = append(p.res.Rejected, b.Rejected...)
	// The store drops repeats itself (and counts them); a bus cannot tell
	// what it already carries, so drop repeats within the batch before
	// publishing.
	var seen map[Key]struct{}
	if s.Sink != nil {
		seen = make(map[Key]struct{}, len(b.Events))
	}
	var idx []int // input index of each accepted event
	dests, err := s.partnerDestinations(ctx, who, b.Events)
	if err != nil {
		return prepared{}, err
	}
	for i := range b.Events {
		e := b.Events[i]
		fe := Normalize(&e, now, offices)
		if len(fe) == 0 {
			fe = authorize(who, &e, offices.country)
		}
		if len(fe) == 0 && dests != nil {
			fe = destinationScope(who, e, dests)
		}
		if len(fe) > 0 {
			p.res.Rejected = append(p.res.Rejected, reject(b.Index[i], b.Lines[i], e.Object, fe))
			continue
		}
		if seen != nil {
			k := e.Key()
			if _, dup := seen[k]; dup {
				p.res.Duplicates++
				continue
			}
			seen[k] = struct{}{}
		}
		p.events = append(p.events, e)
		idx = append(idx, i)
	}
	p.res.RejectedCount = len(p.res.Rejected)
	p.res.Accepted = len(p.events) + p.res.Duplicates
	unlinked, err := s.unlinked(ctx, p.events)
	if err != nil {
		return prepared{}, err
	}
	for _, j := range unlinked {
		i := idx[j]
		p.res.Unlinked = append(p.res.Unlinked, Unlinked{Index: b.Index[i], Line: b.Lines[i], Object: p.events[j].Object})
	}
	p.res.UnlinkedCount = len(unlinked)
	// Sort here, on the decoding goroutine, so the writer gets the batch in
	// storage order and spends its core on storing it.
	SortForStorage(p.events)
	return p, nil
}

// authorize checks that who may report e, filling in its source where the
// key implies it: partners report as partner:CODE, a partner post (a code
// such as PLPOST) only at offices in its own country; operators and customs
// officers at their offices, customs officers customs steps only.
// countryOf gives an office's country.
func authorize(who auth.Principal, e *Event, countryOf func(office string) string) []postal.FieldError {
	switch who.Role {
	case auth.RoleAdmin, "":
		return nil
	case auth.RolePartner:
		want := SourcePartner + ":" + who.Partner
		if e.Source != want {
			return []postal.FieldError{{Field: "source", Message: fmt.Sprintf("forbidden: a key of partner %s reports events as %q", who.Partner, want)}}
		}
		if c, ok := PartnerCountry(who.Partner); ok {
			if at := countryOf(e.Office); at != c {
				return []postal.FieldError{{Field: "office", Message: fmt.Sprintf("forbidden: partner %s reports events at its own offices (%s), not at %s (%s)", who.Partner, c, e.Office, at)}}
			}
		}
		return nil
	case auth.RoleOperator, auth.RoleCustoms:
		if !who.InOffice(e.Office) {
			return []postal.FieldError{{Field: "office", Message: fmt.Sprintf("forbidden: office %s is not in this key's scope", e.Office)}}
		}
		if info, _ := LookupCode(e.Code); who.Role == auth.RoleCustoms && !info.Customs {
			return []postal.FieldError{{Field: "code", Message: fmt.Sprintf("forbidden: customs keys report customs steps only, not %s", e.Code)}}
		}
		return nil
	}
	return []postal.FieldError{{Message: fmt.Sprintf("forbidden: role %s cannot report events", who.Role)}}
}

// partnerDestinations returns, for a partner post's batch, the destination
// country of every item in it that has a shipment here (nil for any other
// caller): a partner post scans our items at the destination only if they
// are bound for its country.
func (s *Service) partnerDestinations(ctx context.Context, who auth.Principal, events []Event) (map[string]string, error) {
	if who.Role != auth.RolePartner {
		return nil, nil
	}
	if _, post := PartnerCountry(who.Partner); !post {
		return nil, nil
	}
	var ids []string
	seen := map[string]bool{}
	for _, e := range events {
		if KindOf(e.Object).Shipment() && !seen[e.Object] {
			seen[e.Object] = true
			ids = append(ids, e.Object)
		}
	}
	dests := map[string]string{}
	if len(ids) == 0 {
		return dests, nil
	}
	refs, err := s.Store.ItemRefs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("look up shipments: %w", err)
	}
	for id, r := range refs {
		dests[id] = r.DestCountry
	}
	return dests, nil
}

// destinationScope refuses a partner post's arrival, import customs and
// delivery scans of our items bound for another country: the Polish post
// may carry a French item in transit, but not deliver it.
func destinationScope(who auth.Principal, e Event, dests map[string]string) []postal.FieldError {
	dest, ours := dests[e.Object]
	if !ours {
		return nil // a partner's own item, or one we don't know
	}
	info, _ := LookupCode(e.Code)
	if info.Stage != StageDestination && info.Stage != StageLastMile {
		return nil
	}
	if c, _ := PartnerCountry(who.Partner); c != dest {
		return []postal.FieldError{{Field: "code", Message: fmt.Sprintf("forbidden: %s is bound for %s; partner %s scans %s only on items bound for %s", e.Object, dest, who.Partner, e.Code, c)}}
	}
	return nil
}

// unlinked returns the positions of events of items, waybills and
// e-commerce consignments without a shipment in Interpost.
func (s *Service) unlinked(ctx context.Context, events []Event) ([]int, error) {
	var ids []string
	seen := map[string]bool{}
	for _, e := range events {
		if KindOf(e.Object).Shipment() && !seen[e.Object] {
			seen[e.Object] = true
			ids = append(ids, e.Object)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	refs, err := s.Store.ItemRefs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("look up shipments: %w", err)
	}
	var declared map[string]bool
	if s.Declared != nil {
		var ask []string
		for _, id := range ids {
			if _, ok := refs[id]; !ok && KindOf(id) != KindItem {
				ask = append(ask, id)
			}
		}
		if len(ask) > 0 {
			if declared, err = s.Declared(ctx, ask); err != nil {
				return nil, fmt.Errorf("look up customs declarations: %w", err)
			}
		}
	}
	var out []int
	for j, e := range events {
		if KindOf(e.Object).Shipment() {
			if _, ok := refs[e.Object]; !ok && !declared[e.Object] {
				out = append(out, j)
			}
		}
	}
	return out, nil
}

// Record stores events Interpost itself produces (customs decisions,
// dispatch scans …). All must be valid, else nothing is stored and the
// error lists each bad field as events[i].field. Re-recording an event is
// harmless: it is stored once.
func (s *Service) Record(ctx context.Context, events ...Event) error {
	s.init()
	offices, err := s.officeChecker(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	var fe postal.FieldList
	valid := make([]Event, len(events))
	for i, e := range events {
		for _, f := range Normalize(&e, now, offices) {
			fe = append(fe, postal.FieldError{Field: fmt.Sprintf("events[%d].%s", i, f.Field), Message: f.Message})
		}
		valid[i] = e
	}
	if err := fe.Err("bad tracking event"); err != nil {
		return err
	}
	if _, err := s.sink().Append(ctx, valid, now.UTC()); err != nil {
		return fmt.Errorf("record %d tracking events: %w", len(valid), err)
	}
	s.notify()
	return nil
}

// notify wakes the projector.
func (s *Service) notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// officeCache keeps the network's offices for validation and display; it
// reloads every minute, and on a miss at most every 5 seconds.
type officeCache struct {
	mu      sync.Mutex
	byCode  map[string]network.Office
	loaded  time.Time
	tried   time.Time
	loading sync.Mutex
}

type officeSnapshot struct {
	s   *Service
	ctx context.Context
	m   map[string]network.Office
}

// country returns the country of a known office ("" for an unknown one).
func (o *officeSnapshot) country(code string) string {
	if !o.Known(code) {
		return ""
	}
	return o.m[code].Country
}

// PartnerCountry returns the country of a partner post's code (PLPOST →
// PL); false for a code that names no post (a carrier).
func PartnerCountry(partner string) (string, bool) {
	c, ok := strings.CutSuffix(partner, "POST")
	if !ok || !postal.ValidCountry(c) {
		return "", false
	}
	return c, true
}

func (o *officeSnapshot) Known(code string) bool {
	if _, ok := o.m[code]; ok {
		return true
	}
	m, err := o.s.reloadOffices(o.ctx, 5*time.Second)
	if err != nil {
		return false
	}
	o.m = m
	_, ok := m[code]
	return ok
}

func (s *Service) officeChecker(ctx context.Context) (*officeSnapshot, error) {
	m, err := s.officeMap(ctx)
	if err != nil {
		return nil, err
	}
	return &officeSnapshot{s: s, ctx: ctx, m: m}, nil
}

// officeMap returns the cached offices, reloading them once a minute.
func (s *Service) officeMap(ctx context.Context) (map[string]network.Office, error) {
	c := &s.offices
	c.mu.Lock()
	m, fresh := c.byCode, time.Since(c.loaded) < time.Minute
	c.mu.Unlock()
	if m != nil && fresh {
		return m, nil
	}
	m2, err := s.reloadOffices(ctx, 0)
	if err != nil && m != nil {
		return m, nil // keep serving the old list while the store is down
	}
	return m2, err
}

// reloadOffices reads the offices unless they were read within minAge.
func (s *Service) reloadOffices(ctx context.Context, minAge time.Duration) (map[string]network.Office, error) {
	c := &s.offices
	c.loading.Lock()
	defer c.loading.Unlock()
	c.mu.Lock()
	if c.byCode != nil && time.Since(c.tried) < minAge {
		m := c.byCode
		c.mu.Unlock()
		return m, nil
	}
	c.tried = time.Now()
	c.mu.Unlock()
	if s.Offices == nil {
		return map[string]network.Office{}, nil
	}
	list, err := s.Offices.Offices(ctx)
	if err != nil {
		return nil, fmt.Errorf("load offices: %w", err)
	}
	m := make(map[string]network.Office, len(list))
	for _, o := range list {
		m[o.Code] = o
	}
	c.mu.Lock()
	c.byCode, c.loaded = m, time.Now()
	c.mu.Unlock()
	return m, nil
}

// office returns a known office (ok=false if unknown).
func (s *Service) office(ctx context.Context, code string) (network.Office, bool) {
	m, err := s.officeMap(ctx)
	if err != nil {
		return network.Office{}, false
	}
	o, ok := m[code]
	return o, ok
}

// countryOf returns a CountryOf over the cached offices.
func (s *Service) countryOf(ctx context.Context) CountryOf {
	m, _ := s.officeMap(ctx)
	return func(code string) string { return m[code].Country }
}
