package customs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Offices is what customs needs to know about the network.
type Offices interface {
	Office(ctx context.Context, code string) (network.Office, error)
	Offices(ctx context.Context) ([]network.Office, error)
}

// Service runs customs supervision.
type Service struct {
	Store   Store
	Offices Offices
	// Events receives decision events (tracking); nil leaves them in the
	// outbox until DeliverEvents runs with a sink.
	Events EventSink
	Now    func() time.Time
	// Logger reports event-delivery failures, which never fail a decision.
	Logger *slog.Logger
	// RulesFile is the rules file ReloadRules reads.
	RulesFile string
	// Rates is the operator's rates table, used by ReloadRules.
	Rates postal.Rates
	// Country is the post's own country: shipments leaving an office
	// elsewhere (an overseas warehouse) are not declared to this customs.
	Country string

	// DecidedElsewhere says whether another authority's system releases d (China Customs' CBEC
	// system answering the post's CEB messages): such items are never released by the risk
	// engine alone; they wait for that authority's answer (customs/ceb). nil: none.
	DecidedElsewhere func(d *Declaration) bool

	// Lists keeps the official watch lists; nil screens with the rules
	// file's own list only.
	Lists ListStore

	engine atomic.Pointer[risk.Engine] // base with the official lists
	base   atomic.Pointer[risk.Engine] // the rules file as compiled

	mu          sync.Mutex // orders SetRules and RefreshLists
	lists       []*risk.WatchList
	listRefs    []string
	listsLoaded bool
}

// SetRules puts a compiled rule set in force, with the official lists this
// node holds.
func (s *Service) SetRules(e *risk.Engine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.base.Store(e)
	if e != nil && len(s.lists) > 0 {
		e = e.WithLists(s.lists...)
	}
	s.engine.Store(e)
}

// Rules returns the rule set in force, or nil.
func (s *Service) Rules() *risk.Engine { return s.engine.Load() }

// ReloadRules reads RulesFile again. On any error the rules in force stay
// unchanged and the error names the line and key at fault.
func (s *Service) ReloadRules() (*risk.Engine, error) {
	if s.RulesFile == "" {
		return nil, postal.Errorf(postal.CodeInvalid, "no rules file is configured (set INTERPOST_CUSTOMS_RULES or --customs-rules); the rules in force are unchanged")
	}
	e, err := risk.LoadRules(s.RulesFile, s.Rates)
	if err != nil {
		var pe *postal.Error
		if errors.As(err, &pe) {
			return nil, &postal.Error{Code: pe.Code, Message: pe.Message + "; the rules in force are unchanged", Fields: pe.Fields, Err: err}
		}
		return nil, err
	}
	s.SetRules(e)
	return e, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) rules() (*risk.Engine, error) {
	e := s.engine.Load()
	if e == nil {
		return nil, ErrNoRules
	}
	return e, nil
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// mayDeclare says whether who may submit advance data for direction.
func mayDeclare(who auth.Principal, dir Direction) error {
	switch who.Role {
	case auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms:
		return nil
	case auth.RolePartner:
		if dir == Export {
			return postal.Errorf(postal.CodeForbidden, "partner keys send advance data for items coming in (direction import), not export declarations")
		}
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "role %s cannot submit customs declarations; merchants' shipments are declared when they are created", who.Role)
}

// checkOffice validates the office-related fields of a declaration.
func checkOffice(who auth.Principal, d *Declaration, o network.Office, found bool) (fe postal.FieldList, forbidden bool) {
	switch {
	case !found:
		fe.Add("office", "no office %s in the network", d.Office)
		return fe, false
	case !o.Customs:
		fe.Add("office", "%s (%s) is not a customs point", o.Code, o.Name)
	case d.Direction == Import && d.Addressee.Country != o.Country:
		fe.Add("addressee.country", "an import at %s must be addressed to %s, not %s", o.Code, o.Country, d.Addressee.Country)
	case d.Direction == Export && d.Addressee.Country == o.Country:
		fe.Add("addressee.country", "an export from %s cannot be addressed to %s itself", o.Code, o.Country)
	}
	if (who.Role == auth.RoleOperator || who.Role == auth.RoleCustoms) && !who.InOffice(o.Code) {
		fe.Add("office", "%s is outside the offices of your key", o.Code)
		return fe, true
	}
	return fe, false
}

// Declare validates, screens and stores one declaration.
func (s *Service) Declare(ctx context.Context, who auth.Principal, d Declaration) (Item, error) {
	e, err := s.rules()
	if err != nil {
		return Item{}, err
	}
	if err := mayDeclare(who, d.Direction); err != nil {
		return Item{}, err
	}
	v, err := Validate(d, e.Money())
	if err != nil {
		return Item{}, err
	}
	o, err := s.Offices.Office(ctx, v.Office)
	found := err == nil
	if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
		return Item{}, err
	}
	if fe, forbidden := checkOffice(who, &v, o, found); len(fe) > 0 {
		if forbidden {
			return Item{}, &postal.Error{Code: postal.CodeForbidden, Message: fmt.Sprintf("you may not declare items at office %s", v.Office), Fields: fe}
		}
		return Item{}, fe.Err("the declaration has invalid fields")
	}
	var out Item
	err = s.Store.ImportItems(ctx, func(tx ImportTx) error {
		now := s.now()
		items, err := s.screenBatch(ctx, tx, e, []Declaration{v}, "", now)
		if err != nil {
			return err
		}
		dups, err := tx.InsertItems(ctx, items)
		if err != nil {
			return err
		}
		if len(dups) > 0 {
			return postal.Errorf(postal.CodeConflict, "item %s is already declared", v.ID)
		}
		out = items[0]
		return nil
	})
	return out, err
}

// screenBatch screens validated declarations in order, counting earlier
// ones of the batch (and those already stored) for the splitting rule.
func (s *Service) screenBatch(ctx context.Context, tx ImportTx, e *risk.Engine, decls []Declaration, manifest string, now time.Time) ([]Item, error) {
	var priors map[string]risk.Prior
	if w := e.MaxWindow(); w > 0 {
		keys := make([]string, 0, len(decls))
		for i := range decls {
			keys = append(keys, decls[i].AddresseeKey())
		}
		var err error
		if priors, err = tx.Priors(ctx, keys, now.Add(-w)); err != nil {
			return nil, err
		}
	}
	// Each declaration's prior counts the stored ones and the earlier ones
	// of this batch; with those fixed, the screenings are independent and
	// run on every core. Splitting hits then hold earlier parcels, in order.
	subjects := make([]*risk.Subject, len(decls))
	ps := make([]risk.Prior, len(decls))
	local := map[string]risk.Prior{}
	for i := range decls {
		d := &decls[i]
		subjects[i] = d.subject(e.Money())
		key := d.AddresseeKey()
		ps[i] = priors[key]
		if l, ok := local[key]; ok {
			ps[i] = risk.Prior{Count: ps[i].Count + l.Count, ValueSDR: ps[i].ValueSDR + l.ValueSDR}
		}
		if priors != nil {
			local[key] = local[key].Add(subjects[i].ValueSDR)
		}
	}
	items := make([]Item, len(decls))
	scrs := make([]risk.Screening, len(decls))
	if err := parallel(len(decls), func(i int) error {
		scrs[i] = e.Screen(subjects[i], ps[i], now)
		it, err := s.newItem(e, decls[i], scrs[i], manifest, now)
		items[i] = it
		return err
	}); err != nil {
		return nil, err
	}
	earlier := map[string][]int{}   // addressee key → earlier items of this batch
	stored := map[string]risk.Hit{} // addressee key → split hit, when earlier items are stored
	for i := range decls {
		if priors == nil {
			break
		}
		key := decls[i].AddresseeKey()
		if h, ok := risk.SplitHit(scrs[i]); ok {
			if err := s.holdEarlier(e, items, earlier[key], h, manifest, now); err != nil {
				return nil, err
			}
			if _, seen := stored[key]; !seen && priors[key].Count > 0 {
				stored[key] = h
			}
		}
		earlier[key] = append(earlier[key], i)
	}
	if len(stored) > 0 {
		if err := s.rescreenStored(ctx, tx, e, stored, now); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// parallel runs fn(0) … fn(n-1) on GOMAXPROCS goroutines (in order on one
// when n is small) and returns the first error.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n/64)
	if workers <= 1 {
		for i := range n {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(64)) - 64
				if i >= n {
					return
				}
				for j := i; j < min(i+64, n); j++ {
					if err := fn(j); err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// rescreenStored adds the split hit to the earlier parcels of a split order
// that were stored before this batch and are still under customs control
// (pending or held): their score, proposed action and queue place follow,
// with an audit entry by the risk engine. Released items left customs
// control and stay released.
func (s *Service) rescreenStored(ctx context.Context, tx ImportTx, e *risk.Engine, hits map[string]risk.Hit, now time.Time) error {
	keys := make([]string, 0, len(hits))
	for k := range hits {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var w time.Duration
	if w = e.MaxWindow(); w <= 0 {
		return nil
	}
	open, err := tx.OpenPriors(ctx, keys, now.Add(-w))
	if err != nil {
		return err
	}
	var us []Update
	for _, it := range open {
		h, ok := hits[it.Declaration.AddresseeKey()]
		if !ok {
			continue
		}
		scr := e.WithHit(it.Screening, h)
		if len(scr.Hits) == len(it.Screening.Hits) {
			continue
		}
		next := it
		next.Screening, next.Version, next.UpdatedAt = scr, it.Version+1, now
		us = append(us, Update{Item: next, PrevVersion: it.Version, Audit: AuditEntry{ItemID: it.ID(), Office: it.Declaration.Office, At: now,
			Officer: RiskEngine, Action: "rescreen", FromStatus: it.Status, ToStatus: it.Status, Reason: h.Reason}})
	}
	if len(us) == 0 {
		return nil
	}
	return tx.Rescreen(ctx, us)
}

// RiskEngine is the officer name of audit entries the risk engine writes.
const RiskEngine = "risk-engine"

// holdEarlier puts the earlier parcels of a split order found in the same
// batch back under control with the splitting hit of the parcel that
// completed it: an officer sees the whole order, not only its last parcel.
func (s *Service) holdEarlier(e *risk.Engine, items []Item, idx []int, h risk.Hit, manifest string, now time.Time) error {
	for _, j := range idx {
		scr := e.WithHit(items[j].Screening, h)
		if len(scr.Hits) == len(items[j].Screening.Hits) {
			continue
		}
		it, err := s.newItem(e, items[j].Declaration, scr, manifest, now)
		if err != nil {
			return err
		}
		items[j] = it
	}
	return nil
}

// newItem makes the stored form of a screened declaration: released at once
// when the engine proposes release, else pending in the office's queue.
// Export items get a duty estimate for the destination; imports get the
// final assessment when they are released.
func (s *Service) newItem(e *risk.Engine, d Declaration, scr risk.Screening, manifest string, now time.Time) (Item, error) {
	it := Item{Declaration: d, Screening: scr, Status: StatusPending, Manifest: manifest, DeclaredAt: now, UpdatedAt: now, Version: 1}
	kind := DutyEstimate
	if scr.Action == risk.ActionRelease && (s.DecidedElsewhere == nil || !s.DecidedElsewhere(&it.Declaration)) {
		it.Status, it.AutoReleased, it.DecidedAt = StatusReleased, true, now
		if d.Direction == Import {
			kind = DutyFinal
		}
	}
	duties, ok, err := AssessDuties(e, &it.Declaration, kind, now)
	if err != nil {
		return Item{}, fmt.Errorf("assess duties on %s: %w", d.ID, err)
	}
	if ok {
		it.Duties = &duties
	}
	return it, nil
}

// FromShipment turns an accepted postal shipment into its export
// declaration at the merchant's office of exchange.
func FromShipment(sh acceptance.Shipment) (Declaration, bool) {
	if sh.Declaration == nil {
		return Declaration{}, false
	}
	sd := sh.Declaration
	d := Declaration{
		ID: string(sh.ID), Stream: StreamPostal, Direction: Export, Office: sh.OriginOffice,
		Category: sd.Category, Explanation: sd.Explanation, Currency: sd.Currency, GrossWeightG: sh.WeightG,
		Sender:      Party{Name: sh.Sender.Name, Company: sh.Sender.Company, Address: sh.Sender.Address, City: sh.Sender.City, Postcode: sh.Sender.Postcode, Country: sh.Sender.Country, TaxID: sh.Sender.TaxID},
		Addressee:   Party{Name: sh.Addressee.Name, Company: sh.Addressee.Company, Address: sh.Addressee.Address, City: sh.Addressee.City, Postcode: sh.Addressee.Postcode, Country: sh.Addressee.Country, TaxID: sh.Addressee.TaxID},
		ImporterRef: sd.ImporterRef,
		Postal:      &PostalInfo{Product: sh.Product, Form: sd.Form},
	}
	for _, ln := range sd.Lines {
		d.Lines = append(d.Lines, Line{Description: ln.Description, Quantity: ln.Quantity, NetWeightG: ln.NetWeightG, Value: ln.Value, HSCode: ln.HSCode, OriginCountry: ln.OriginCountry})
	}
	return d, true
}

// DeclareShipment records the export declaration of a shipment accepted
// through the foundation API. It is idempotent (a second call for the same
// item does nothing), so acceptance may call it again on a replayed request
// and Sync may call it for every shipment. Items that cross no border of
// this customs (sent from an overseas warehouse, or within one country) are
// skipped.
func (s *Service) DeclareShipment(ctx context.Context, sh acceptance.Shipment) error {
	return s.DeclareShipments(ctx, []acceptance.Shipment{sh})
}

// DeclareShipments is DeclareShipment for many shipments at once (a bulk
// upload), screened and stored in one transaction.
func (s *Service) DeclareShipments(ctx context.Context, shs []acceptance.Shipment) error {
	var decls []Declaration
	var e *risk.Engine
	offices := map[string]network.Office{}
	for _, sh := range shs {
		d, ok := FromShipment(sh)
		if !ok || d.Sender.Country == d.Addressee.Country {
			continue
		}
		o, seen := offices[d.Office]
		if !seen {
			var err error
			o, err = s.Offices.Office(ctx, d.Office)
			switch {
			case postal.ErrorCode(err) == postal.CodeNotFound:
				o = network.Office{}
			case err != nil:
				return err
			}
			offices[d.Office] = o
		}
		if o.Code == "" || !o.Customs || s.Country != "" && o.Country != s.Country || o.Country == d.Addressee.Country {
			continue
		}
		if e == nil {
			var err error
			if e, err = s.rules(); err != nil {
				return err
			}
		}
		v, err := Validate(d, e.Money())
		if err != nil {
			return fmt.Errorf("declaration of shipment %s: %w", sh.ID, err)
		}
		decls = append(decls, v)
	}
	if len(decls) == 0 {
		return nil
	}
	now := shs[len(shs)-1].CreatedAt.UTC()
	return s.Store.ImportItems(ctx, func(tx ImportTx) error {
		items, err := s.screenBatch(ctx, tx, e, decls, "", now)
		if err != nil {
			return err
		}
		_, err = tx.InsertItems(ctx, items) // an existing declaration is kept as it is
		return err
	})
}

// MayLeave says whether customs lets an item leave the country: nil for an
// item with no export declaration, or one pending (customs holds postal
// items by exception) or released; a conflict naming the decision for one
// held, seized or refused by export customs. The outward office of
// exchange asks before it puts an item into a receptacle, so that a
// receptacle scan (EMB) never hides a customs hold (docs/lifecycle.md).
func (s *Service) MayLeave(ctx context.Context, id string) error {
	it, err := s.Store.Item(ctx, id)
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		return nil
	case err != nil:
		return err
	case it.Declaration.Direction != Export:
		return nil
	}
	switch it.Status {
	case StatusHeld:
		return postal.Errorf(postal.CodeConflict, "item %s is held by export customs at %s (since %s): it goes into a receptacle once customs releases it",
			id, it.Declaration.Office, it.UpdatedAt.Format(time.RFC3339))
	case StatusSeized, StatusReturned:
		return postal.Errorf(postal.CodeConflict, "item %s was %s by export customs at %s: it does not leave the country", id, it.Status, it.Declaration.Office)
	}
	return nil
}

// Declared says which of the tracking objects (waybill:CARRIER:NUMBER,
// ecommerce:PLATFORM:NUMBER) were declared to customs under that carrier
// or platform, so tracking links their carriers' events to the declaration.
func (s *Service) Declared(ctx context.Context, objects []string) (map[string]bool, error) {
	byID := map[string][]string{}
	var ids []string
	for _, o := range objects {
		i := strings.LastIndexByte(o, ':')
		if i < 0 || i == len(o)-1 {
			continue
		}
		id := o[i+1:]
		if _, ok := byID[id]; !ok {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], o)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	have, err := s.Store.Declared(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, id := range ids {
		if !have[id] {
			continue
		}
		it, err := s.Store.Item(ctx, id)
		if err != nil {
			return nil, err
		}
		obj := it.Declaration.TrackingObject()
		for _, o := range byID[id] {
			if o == obj {
				out[o] = true
			}
		}
	}
	return out, nil
}

// Shipments pages through accepted shipments; *acceptance.Service is one.
type Shipments interface {
	List(ctx context.Context, who auth.Principal, merchant string, since time.Time, limit int, cursor string) ([]acceptance.Shipment, string, error)
}

// Sync declares every shipment that has no declaration yet (after a crash
// between acceptance and customs, or for shipments from before customs was
// wired in), reading them as who. It returns how many it declared.
func (s *Service) Sync(ctx context.Context, who auth.Principal, shipments Shipments) (int, error) {
	if !who.Is(auth.RoleAdmin) {
		return 0, postal.Errorf(postal.CodeForbidden, "only an admin can declare every undeclared shipment")
	}
	n := 0
	cursor := ""
	for {
		page, next, err := shipments.List(ctx, who, "", time.Time{}, 500, cursor)
		if err != nil {
			return n, err
		}
		ids := make([]string, len(page))
		for i, sh := range page {
			ids[i] = string(sh.ID)
		}
		have, err := s.Store.Declared(ctx, ids)
		if err != nil {
			return n, err
		}
		for _, sh := range page {
			if have[string(sh.ID)] || sh.Declaration == nil {
				continue
			}
			if err := s.DeclareShipment(ctx, sh); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}

// ItemView is an item with its audit trail and tracking events.
type ItemView struct {
	Item
	Audit  []AuditEntry `json:"audit"`
	Events []Event      `json:"events"`
}

// Get returns an item for customs staff: admins and operators see all,
// customs officers the items of their offices.
func (s *Service) Get(ctx context.Context, who auth.Principal, id string) (ItemView, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms) {
		return ItemView{}, postal.Errorf(postal.CodeForbidden, "role %s cannot read customs items", who.Role)
	}
	it, err := s.Store.Item(ctx, id)
	if err != nil {
		return ItemView{}, err
	}
	if who.Is(auth.RoleCustoms, auth.RoleOperator) && !who.InOffice(it.Declaration.Office) {
		return ItemView{}, postal.Errorf(postal.CodeForbidden, "item %s is cleared at %s, outside the offices of your key", id, it.Declaration.Office)
	}
	audit, events, err := s.Store.ItemHistory(ctx, id)
	if err != nil {
		return ItemView{}, err
	}
	if audit == nil {
		audit = []AuditEntry{}
	}
	if events == nil {
		events = []Event{}
	}
	return ItemView{Item: it, Audit: audit, Events: events}, nil
}

// EstimateDuties validates a declaration and estimates its duties and taxes
// (a DDP quote before acceptance). Nothing is stored.
func (s *Service) EstimateDuties(d Declaration) (Duties, error) {
	e, err := s.rules()
	if err != nil {
		return Duties{}, err
	}
	v, err := Validate(d, e.Money())
	if err != nil {
		return Duties{}, err
	}
	out, ok, err := AssessDuties(e, &v, DutyEstimate, s.now())
	if err != nil {
		return Duties{}, err
	}
	if !ok {
		return Duties{}, postal.Invalid("no duty table", postal.FieldError{Field: "addressee.country", Message: fmt.Sprintf("the rules %s have no duty table for %s", e.Version, v.Addressee.Country)})
	}
	return out, nil
}

// DeliverEvents hands undelivered events to the sink, oldest first, and
// returns how many it delivered. A batch the sink refuses as invalid is
// delivered event by event, so one bad event does not hold back the others;
// each event that cannot be delivered stays in the outbox with the reason
// (shown on the item, counted by OutboxCounts) and is logged at error level
// on its first failure. When the sink is unavailable the events keep
// waiting, with that reason, and the error is returned.
func (s *Service) DeliverEvents(ctx context.Context) (int, error) {
	if s.Events == nil {
		return 0, nil
	}
	n := 0
	var after int64
	for {
		evs, err := s.Store.UndeliveredEvents(ctx, after, 500)
		if err != nil || len(evs) == 0 {
			return n, err
		}
		after = evs[len(evs)-1].Seq
		err = s.Events.Record(ctx, evs)
		switch {
		case err == nil:
			if err := s.Store.MarkDelivered(ctx, seqsOf(evs), s.now()); err != nil {
				return n, err
			}
			n += len(evs)
		case postal.ErrorCode(err) == postal.CodeInvalid:
			for _, ev := range evs {
				if err := s.Events.Record(ctx, []Event{ev}); err != nil {
					if ferr := s.undeliverable(ctx, []Event{ev}, err); ferr != nil {
						return n, ferr
					}
					continue
				}
				if err := s.Store.MarkDelivered(ctx, []int64{ev.Seq}, s.now()); err != nil {
					return n, err
				}
				n++
			}
		default:
			if ferr := s.undeliverable(ctx, evs, err); ferr != nil {
				return n, ferr
			}
			return n, postal.Errorf(postal.CodeUnavailable, "deliver customs events: %w", err)
		}
		if len(evs) < 500 {
			return n, nil
		}
	}
}

// undeliverable records why events could not be delivered and logs the
// first failure of each at error level.
func (s *Service) undeliverable(ctx context.Context, evs []Event, cause error) error {
	reason := cause.Error()
	if len(reason) > 500 {
		reason = strings.ToValidUTF8(reason[:500], "") + "…"
	}
	for _, ev := range evs {
		if ev.Attempts == 0 {
			s.logger().ErrorContext(ctx, "customs event not delivered to tracking; it stays in the outbox", "item", ev.ItemID,
				"object", ev.TrackingObject(), "code", ev.Code, "seq", ev.Seq, "err", reason)
		}
	}
	return s.Store.MarkUndeliverable(ctx, seqsOf(evs), s.now(), reason)
}

func seqsOf(evs []Event) []int64 {
	seqs := make([]int64, len(evs))
	for i, ev := range evs {
		seqs[i] = ev.Seq
	}
	return seqs
}

// OutboxStats says how many customs events wait for tracking.
type OutboxStats struct {
	Waiting int // not delivered yet
	Failed  int // of which at least one attempt failed
}

// Outbox counts the events waiting in the outbox (for metrics).
func (s *Service) Outbox(ctx context.Context) (OutboxStats, error) {
	w, f, err := s.Store.OutboxCounts(ctx)
	return OutboxStats{Waiting: w, Failed: f}, err
}

func newManifestID(now time.Time) string {
	return "M" + now.Format("20060102T150405") + "-" + rand.Text()[:6]
}
