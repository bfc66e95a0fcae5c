package inward

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// receiving is the receipt of one dispatch in progress: its receptacles
// and items as stored, changed in memory scan by scan by the verification
// rules, then stored in one transaction (save). A single scan at the
// station and a whole scans file go through the same rules; the file
// reads the dispatch once and stores once, so its cost grows with its
// lines, not with lines × items.
type receiving struct {
	s       *Service
	who     auth.Principal
	id      postal.DispatchID
	d       Dispatch
	unknown bool // no dispatch stored nor created by a receptacle scan yet
	recs    map[string]*Receptacle
	items   map[string]*Item // by S10; nil until needed
	rec     Receipt
	changed map[string]bool // receptacles ("R"+S9) and items ("I"+S10) to store
	order   []string
	events  []tracking.Event
	ours    map[string]error // offices checked
	// tr is the dispatch's closed transit through us (bound abroad), nil for
	// mail to us; newTransit is stored with the receipt when the first
	// receptacle names the transit office of a dispatch nobody advised.
	tr, newTransit *Transit
}

// receiving loads a dispatch's receptacles (and its items when items).
func (s *Service) receiving(ctx context.Context, who auth.Principal, id postal.DispatchID, items bool) (*receiving, error) {
	b := &receiving{s: s, who: who, id: id, recs: map[string]*Receptacle{}, changed: map[string]bool{}, ours: map[string]error{}}
	b.rec.Dispatch = id.String()
	tr, err := s.transitOf(ctx, id)
	if err != nil {
		return nil, err
	}
	b.tr = tr
	d, err := s.Store.InwardDispatch(ctx, b.rec.Dispatch)
	switch {
	case postal.ErrorCode(err) == postal.CodeNotFound:
		b.unknown = true
		return b, nil
	case err != nil:
		return nil, err
	}
	b.d = d
	rs, err := s.Store.InwardReceptacles(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for i := range rs {
		b.recs[rs[i].ID] = &rs[i]
	}
	if items {
		return b, b.loadItems(ctx)
	}
	return b, nil
}

func (b *receiving) loadItems(ctx context.Context) error {
	if b.items != nil {
		return nil
	}
	b.items = map[string]*Item{}
	if b.unknown || b.rec.NewDispatch != nil {
		return nil
	}
	its, err := b.s.Store.InwardItems(ctx, b.d.ID)
	if err != nil {
		return err
	}
	for i := range its {
		b.items[its[i].Item] = &its[i]
	}
	return nil
}

func (b *receiving) touch(key string) {
	if !b.changed[key] {
		b.changed[key] = true
		b.order = append(b.order, key)
	}
}

func (b *receiving) ourOffice(ctx context.Context, office string) error {
	err, ok := b.ours[office]
	if !ok {
		err = b.s.ourOffice(ctx, "office", office)
		b.ours[office] = err
	}
	return err
}

// receptacle applies a receptacle scan (Service.ScanReceptacle).
func (b *receiving) receptacle(ctx context.Context, sc ReceptacleScan) (ScanResult, error) {
	rid, err := postal.ParseReceptacleID(sc.Receptacle)
	if err != nil {
		return ScanResult{}, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	id := rid.String()
	expected := rid.Dispatch.Destination // the office that should receive it
	if b.tr != nil {
		if expected = b.tr.Office; expected == "" && sc.Office == "" {
			return ScanResult{}, postal.Errorf(postal.CodeInvalid, "office: receptacle %s is bound for %s abroad and was not advised for transit through us: name the office that received it", id, rid.Dispatch.Destination)
		}
	}
	if sc.Office == "" {
		sc.Office = expected
	}
	if err := mayReceive(b.who, sc.Office); err != nil {
		return ScanResult{}, err
	}
	var fe postal.FieldList
	if sc.WeightG < 0 || sc.WeightG > 1_000_000 {
		fe.Add("weight_g", "%d is not a weight in grams (0–1000000)", sc.WeightG)
	}
	for i, f := range sc.Flags {
		if !slices.Contains(Flags, f) {
			fe.Add(fmt.Sprintf("flags[%d]", i), "%s is not one of %s", postal.Quote(f), strings.Join(Flags, ", "))
		}
	}
	if err := fe.Err("bad receptacle scan"); err != nil {
		return ScanResult{}, err
	}
	if err := b.ourOffice(ctx, sc.Office); err != nil {
		return ScanResult{}, err
	}
	now := b.s.now()
	if b.unknown {
		b.d = Dispatch{ID: b.rec.Dispatch, Origin: rid.Dispatch.Origin, Destination: rid.Dispatch.Destination, Partner: partnerOf(rid.Dispatch.Origin),
			Category: string(rid.Dispatch.Category), Subclass: rid.Dispatch.Subclass, Status: StatusExpected, AdvisedAt: now, UpdatedAt: now}
		b.rec.NewDispatch, b.unknown = &b.d, false
	}
	d := b.d
	if d.Status != StatusExpected {
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "dispatch %s is already closed (%s): a receptacle found later goes into a new dispatch's verification", d.ID, d.Status)
	}
	var r Receptacle
	if p := b.recs[id]; p != nil {
		r = *p
	}
	if r.Status == StatusReceived {
		return ScanResult{Receptacle: r, Repeated: true}, nil
	}
	var found []Discrepancy
	disc := func(kind DiscrepancyKind, advised, found_ string) {
		found = append(found, Discrepancy{Dispatch: d.ID, Receptacle: id, Kind: kind, Advised: advised, Found: found_, Office: sc.Office, At: now})
	}
	if r.ID == "" {
		r = Receptacle{ID: id, Dispatch: d.ID, Registered: rid.Registered, Last: rid.Last, NotAdvised: true}
		disc(NotAdvisedReceptacle, "", "receptacle "+id+" received, not in any PREDES or CARDIT")
	}
	weight := sc.WeightG
	if weight == 0 {
		weight = rid.WeightHg * 100
	}
	r.Status, r.ReceivedWeightG, r.ReceivedAt, r.ReceivedOffice, r.Flags = StatusReceived, weight, now, sc.Office, strings.Join(sc.Flags, " ")
	if expected != "" && sc.Office != expected {
		disc(WrongOffice, "for "+expected, "received at "+sc.Office)
	}
	if adv := r.GrossWeightG; adv > 0 && sc.WeightG > 0 && abs(sc.WeightG-adv) > Tolerance(adv) {
		disc(WeightDifference, kg(adv), fmt.Sprintf("%s (%+d g, tolerance %d g)", kg(sc.WeightG), sc.WeightG-adv, Tolerance(adv)))
	}
	for _, f := range sc.Flags {
		switch f {
		case FlagSealBroken:
			disc(SealBroken, "sealed", "seal broken or missing")
		case FlagDamaged:
			disc(DamagedReceptacle, "intact", "receptacle damaged")
		case FlagWet:
			disc(DamagedReceptacle, "dry", "receptacle wet or soiled")
		}
	}
	b.recs[id] = &r
	b.touch("R" + id)
	b.rec.Discrepancies = append(b.rec.Discrepancies, found...)
	if b.tr != nil {
		// Closed transit: checked unopened, arrived at the transit office
		// (EMJ on the receptacle and the items listed in it).
		if b.tr.Office == "" {
			b.tr.Office = sc.Office
			b.newTransit = &Transit{Dispatch: d.ID, Office: sc.Office, AdvisedAt: now}
		}
		if err := b.loadItems(ctx); err != nil {
			return ScanResult{}, err
		}
		b.events = append(b.events, tracking.Event{Object: id, Code: tracking.EMJ, Office: sc.Office, Time: now, Source: tracking.SourcePost})
		for _, it := range b.items {
			if it.Receptacle == id {
				b.events = append(b.events, tracking.Event{Object: it.Item, Code: tracking.EMJ, Office: sc.Office, Time: now, Source: tracking.SourcePost})
			}
		}
		return ScanResult{Receptacle: r, Discrepancies: found}, nil
	}
	b.events = append(b.events, tracking.Event{Object: id, Code: tracking.EMD, Office: sc.Office, Time: now, Source: "post"})
	return ScanResult{Receptacle: r, Discrepancies: found}, nil
}

// received returns a received receptacle of the dispatch.
func (b *receiving) received(receptacle string) (*Receptacle, error) {
	rid, err := postal.ParseReceptacleID(receptacle)
	if err != nil {
		return nil, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	if b.unknown {
		return nil, postal.Errorf(postal.CodeNotFound, "no inward dispatch %s", postal.Quote(rid.Dispatch.String()))
	}
	r := b.recs[rid.String()]
	if r == nil || r.Status != StatusReceived {
		return nil, postal.Errorf(postal.CodeConflict, "receptacle %s has not been received: scan it first", rid.String())
	}
	return r, nil
}

// open opens a received receptacle (Service.OpenReceptacle).
func (b *receiving) open(ctx context.Context, receptacle string) (Receptacle, []Item, error) {
	r, err := b.received(receptacle)
	if err != nil {
		return Receptacle{}, nil, err
	}
	if err := mayReceive(b.who, r.ReceivedOffice); err != nil {
		return Receptacle{}, nil, err
	}
	if err := b.loadItems(ctx); err != nil {
		return Receptacle{}, nil, err
	}
	var items []Item
	for _, it := range b.items {
		if it.Receptacle == r.ID {
			items = append(items, *it)
		}
	}
	slices.SortFunc(items, func(a, b Item) int { return strings.Compare(a.Item, b.Item) })
	if r.OpenedAt.IsZero() {
		r.OpenedAt = b.s.now()
		b.touch("R" + r.ID)
	}
	return *r, items, nil
}

// item applies an item scan (Service.ScanItem).
func (b *receiving) item(ctx context.Context, sc ItemScan) (ScanResult, error) {
	id, err := postal.ParseS10(sc.Item)
	if err != nil {
		return ScanResult{}, postal.Errorf(postal.CodeInvalid, "item: %v", err)
	}
	if sc.Condition == "" {
		sc.Condition = ConditionOK
	}
	var fe postal.FieldList
	if sc.Condition != ConditionOK && sc.Condition != ConditionDamaged && sc.Condition != ConditionRifled {
		fe.Add("condition", "%s is not ok, damaged or rifled", postal.Quote(sc.Condition))
	}
	if sc.WeightG < 0 || sc.WeightG > 100_000 {
		fe.Add("weight_g", "%d is not an item weight in grams (0–100000)", sc.WeightG)
	}
	if err := fe.Err("bad item scan"); err != nil {
		return ScanResult{}, err
	}
	rp, err := b.received(sc.Receptacle)
	if err != nil {
		return ScanResult{}, err
	}
	r, d := *rp, b.d
	if sc.Office == "" {
		sc.Office = r.ReceivedOffice
	}
	if err := mayReceive(b.who, sc.Office); err != nil {
		return ScanResult{}, err
	}
	if d.Status != StatusExpected {
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "dispatch %s is already closed (%s)", d.ID, d.Status)
	}
	if r.OpenedAt.IsZero() {
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "receptacle %s is not open: open it before scanning its items", r.ID)
	}
	if err := b.loadItems(ctx); err != nil {
		return ScanResult{}, err
	}
	now := b.s.now()
	var it Item
	if p := b.items[string(id)]; p != nil {
		it = *p
	}
	if it.Status == StatusReceived {
		return ScanResult{Receptacle: r, Item: &it, Repeated: true}, nil
	}
	var found []Discrepancy
	disc := func(kind DiscrepancyKind, advised, found_ string) {
		found = append(found, Discrepancy{Dispatch: d.ID, Receptacle: r.ID, Item: string(id), Kind: kind, Advised: advised, Found: found_, Office: sc.Office, At: now})
	}
	if it.Item == "" {
		it = Item{Item: string(id), Receptacle: r.ID, Dispatch: d.ID, NotAdvised: true}
		if registered(id) {
			disc(RegisteredUnlisted, "", "registered item "+string(id)+" without its listing (CN 33 / PREDES)")
		} else {
			disc(NotListedItem, "", "item "+string(id)+" not on the list of "+r.ID)
		}
	} else if it.Receptacle != r.ID {
		disc(NotListedItem, "in "+it.Receptacle, "found in "+r.ID)
	}
	switch sc.Condition {
	case ConditionDamaged:
		disc(DamagedItem, "intact", "item damaged")
	case ConditionRifled:
		disc(RifledItem, "intact", "item rifled (opened, contents tampered with)")
	}
	it.Status, it.Condition, it.ReceivedWeightG, it.ReceivedAt = StatusReceived, sc.Condition, sc.WeightG, now
	b.items[string(id)] = &it
	b.touch("I" + string(id))
	b.rec.Discrepancies = append(b.rec.Discrepancies, found...)
	code := tracking.EMD
	if b.s.openTransit(it) {
		code = tracking.EMJ // addressed abroad: we are its transit office
	}
	b.events = append(b.events, tracking.Event{Object: string(id), Code: code, Office: sc.Office, Time: now, Source: "post"})
	return ScanResult{Receptacle: r, Item: &it, Discrepancies: found}, nil
}

// close adds the closing of the dispatch (Service.Close) to the receipt
// in progress, from the receptacles and items in memory — what is stored
// once save has run — so that a scans file is received, verified and
// closed in one transaction. It closes nothing (false) when the dispatch
// is not expected any more or was not loaded with its items; the caller
// then closes after save.
func (b *receiving) close(ctx context.Context) (bool, error) {
	if b.unknown || b.items == nil || b.d.Status != StatusExpected {
		return false, nil
	}
	rs := make([]Receptacle, 0, len(b.recs))
	for _, r := range b.recs {
		rs = append(rs, *r)
	}
	slices.SortFunc(rs, func(x, y Receptacle) int { return strings.Compare(x.ID, y.ID) })
	items := make([]Item, 0, len(b.items))
	for _, it := range b.items {
		items = append(items, *it)
	}
	slices.SortFunc(items, func(x, y Item) int {
		if c := strings.Compare(x.Receptacle, y.Receptacle); c != 0 {
			return c
		}
		return strings.Compare(x.Item, y.Item)
	})
	office := b.s.verifyingOffice(ctx, b.d, rs)
	if err := mayReceive(b.who, office); err != nil && mayReceive(b.who, b.d.Destination) != nil {
		return false, err
	}
	rec, err := b.s.closing(ctx, b.d, rs, items, office)
	if err != nil {
		return false, err
	}
	for _, r := range rec.Receptacles {
		b.recs[r.ID] = &r
		b.touch("R" + r.ID)
	}
	for _, it := range rec.Items {
		b.items[it.Item] = &it
		b.touch("I" + it.Item)
	}
	b.rec.Discrepancies = append(b.rec.Discrepancies, rec.Discrepancies...)
	b.rec.Status, b.rec.Note = rec.Status, rec.Note
	return true, nil
}

// save stores what changed in one transaction, then records the EMD
// events.
func (b *receiving) save(ctx context.Context) error {
	if len(b.order) == 0 && b.rec.NewDispatch == nil && b.rec.Note == nil {
		return nil
	}
	b.rec.At = b.s.now()
	for _, k := range b.order {
		if k[0] == 'R' {
			b.rec.Receptacles = append(b.rec.Receptacles, *b.recs[k[1:]])
		} else {
			b.rec.Items = append(b.rec.Items, *b.items[k[1:]])
		}
	}
	if err := b.s.Store.SaveReceipt(ctx, b.rec); err != nil {
		return err
	}
	if b.newTransit != nil {
		if err := b.s.Store.SaveTransit(ctx, *b.newTransit); err != nil {
			return err
		}
		b.newTransit = nil
	}
	if len(b.events) == 0 {
		return nil
	}
	// Tracking, and the origin posts' outboxes for their items (record).
	if err := b.s.record(ctx, b.events...); err != nil {
		return err
	}
	return b.s.backHome(ctx, b.events)
}

// backHome tells package returns of our own items received back from
// abroad (EMD of an S10 id of our country): returns the destination post
// sent back, or the merchant recalled.
func (s *Service) backHome(ctx context.Context, evs []tracking.Event) error {
	if s.Returns == nil {
		return nil
	}
	for _, e := range evs {
		if e.Code != tracking.EMD {
			continue
		}
		if id, err := postal.ParseS10(e.Object); err != nil || id.Country() != s.Country {
			continue
		}
		if err := s.Returns.Back(ctx, e.Object, e.Office, e.Time); err != nil {
			return fmt.Errorf("item %s back from abroad: %w", e.Object, err)
		}
	}
	return nil
}
