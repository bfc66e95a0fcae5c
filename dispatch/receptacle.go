package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// receptacle resolves a receptacle reference: its 23-character number or
// its S9 id.
func (s *Service) receptacle(ctx context.Context, ref string) (Receptacle, error) {
	t := strings.ToUpper(strings.TrimSpace(ref))
	switch len(t) {
	case 23:
		if _, err := postal.ParseDispatchID(t[:20]); err != nil || !allDigits(t[20:]) {
			return Receptacle{}, postal.Invalid("bad receptacle", postal.FieldError{Field: "path.id", Message: fmt.Sprintf("%q is not a receptacle number (S8 dispatch id + 3 digits)", ref)})
		}
	case 29:
		if _, err := postal.ParseReceptacleID(t); err != nil {
			return Receptacle{}, postal.Invalid("bad receptacle", postal.FieldError{Field: "path.id", Message: err.Error()})
		}
	default:
		return Receptacle{}, postal.Invalid("bad receptacle", postal.FieldError{Field: "path.id",
			Message: fmt.Sprintf("%q is neither a receptacle number (23 characters) nor an S9 id (29)", ref)})
	}
	return s.Store.Receptacle(ctx, t)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Receptacle returns a receptacle by number or S9 id.
func (s *Service) Receptacle(ctx context.Context, ref string) (Receptacle, error) {
	return s.receptacle(ctx, ref)
}

// Contents lists a receptacle's items.
func (s *Service) Contents(ctx context.Context, ref string) ([]ScannedItem, error) {
	r, err := s.receptacle(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.Store.Contents(ctx, r.Number)
}

// OpenReceptacle adds a receptacle of type t to an open dispatch.
func (s *Service) OpenReceptacle(ctx context.Context, who auth.Principal, dispatch string, t ReceptacleType) (Receptacle, error) {
	d, err := s.Dispatch(ctx, dispatch)
	if err != nil {
		return Receptacle{}, err
	}
	if err := authorize(who, d.Origin); err != nil {
		return Receptacle{}, err
	}
	if t == "" {
		t = Bag
	}
	if _, ok := LookupType(t); !ok {
		return Receptacle{}, postal.Invalid("bad receptacle type", postal.FieldError{Field: "type", Message: fmt.Sprintf("%q is not bag, tray or pallet", t)})
	}
	if d.Status != StatusOpen {
		return Receptacle{}, postal.Errorf(postal.CodeConflict, "dispatch %s is %s: open a new dispatch for more mail", d.ID, d.Status)
	}
	return s.Store.OpenReceptacle(ctx, d.ID, t, s.now())
}

// ScanResult is the answer to a scan.
type ScanResult struct {
	Receptacle Receptacle `json:"receptacle"`
	Item       Item       `json:"item"`
	// Duplicate is set when the item was already in this receptacle: the
	// scan changed nothing.
	Duplicate bool `json:"duplicate"`
}

// Scan puts an item into an open receptacle. The item must belong there by
// the office's sort plan: otherwise the scan is refused naming the
// receptacle (or dispatch) it belongs in. Scanning it again is harmless.
func (s *Service) Scan(ctx context.Context, who auth.Principal, ref, item, category string) (ScanResult, error) {
	r, err := s.receptacle(ctx, ref)
	if err != nil {
		return ScanResult{}, err
	}
	d, err := s.Store.Dispatch(ctx, r.Dispatch)
	if err != nil {
		return ScanResult{}, err
	}
	office := d.Origin
	if err := authorize(who, office); err != nil {
		return ScanResult{}, err
	}
	it, err := s.item(ctx, item, category)
	if err != nil {
		return ScanResult{}, err
	}
	if prev, err := s.Store.Scanned(ctx, office, string(it.ID)); err == nil {
		if prev.Receptacle == r.Number {
			return ScanResult{Receptacle: r, Item: it, Duplicate: true}, nil
		}
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "item %s is already in receptacle %s at %s (scanned %s): take it out there first",
			it.ID, prev.Receptacle, office, prev.ScannedAt.Format("2006-01-02 15:04 MST"))
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return ScanResult{}, err
	}
	if s.Customs != nil {
		if err := s.Customs(ctx, string(it.ID)); err != nil {
			return ScanResult{}, err
		}
	}
	plan, err := s.SortPlan(ctx, office)
	if err != nil {
		return ScanResult{}, err
	}
	t, err := plan.Sort(it)
	if err != nil {
		return ScanResult{}, err
	}
	if t.Destination != d.Destination || t.Category != d.Category || t.Subclass != d.Subclass || t.Receptacle != r.Type {
		return ScanResult{}, s.wrongReceptacle(ctx, office, it, t, r)
	}
	if r.Status != StatusOpen || d.Status != StatusOpen {
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "receptacle %s is %s (dispatch %s %s): it takes no more items", r.Number, r.Status, d.ID, d.Status)
	}
	spec, _ := LookupType(r.Type)
	now := s.now()
	sc := ScannedItem{Item: string(it.ID), Receptacle: r.Number, Office: office, WeightG: it.WeightG, Registered: it.Registered, ScannedAt: now, ScannedBy: by(who)}
	out := Outbox{Events: []Event{{Object: string(it.ID), Code: CodeAtOutwardOE, Office: office, Time: now, Source: SourcePost,
		Reason: "into receptacle " + r.Number, NextOffice: d.Destination}}}
	got, dup, err := s.Store.AddItem(ctx, sc, spec.MaxGrossG, spec.TareG, out)
	switch {
	case errors.Is(err, ErrFull):
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "receptacle %s is full: %.1f kg of items + %.1f kg tare + this item's %.1f kg > %.1f kg for a %s: close it and open a new one",
			r.Number, kg(got.NetWeightG), kg(spec.TareG), kg(it.WeightG), kg(spec.MaxGrossG), r.Type)
	case errors.Is(err, ErrInOther):
		prev, perr := s.Store.Scanned(ctx, office, string(it.ID))
		if perr != nil {
			return ScanResult{}, err
		}
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "item %s is already in receptacle %s at %s", it.ID, prev.Receptacle, office)
	case errors.Is(err, ErrClosed):
		return ScanResult{}, postal.Errorf(postal.CodeConflict, "receptacle %s was closed meanwhile: it takes no more items", r.Number)
	case err != nil:
		return ScanResult{}, err
	}
	if !dup {
		s.deliver(ctx)
	}
	return ScanResult{Receptacle: got, Item: it, Duplicate: dup}, nil
}

// wrongReceptacle is the refusal of an item scanned into a receptacle of
// another stream: it names the receptacle the item belongs in.
func (s *Service) wrongReceptacle(ctx context.Context, office string, it Item, t Target, r Receptacle) error {
	want := fmt.Sprintf("%s→%s category %s subclass %s in a %s", office, t.Destination, t.Category, t.Subclass, t.Receptacle)
	d, rn, err := s.openFor(ctx, office, t)
	if err != nil {
		return err
	}
	var fix string
	switch {
	case rn != "":
		fix = "scan it into receptacle " + rn
	case d != "":
		fix = fmt.Sprintf("open a %s in dispatch %s for it", t.Receptacle, d)
	default:
		fix = fmt.Sprintf("open a dispatch %s→%s %s/%s for it", office, t.Destination, t.Category, t.Subclass)
	}
	e := postal.Errorf(postal.CodeConflict, "item %s (%s to %s) goes %s by sort-plan rule %d, not into receptacle %s: %s",
		it.ID, it.Product, it.Country, want, t.Rule, r.Number, fix)
	e.Fields = []postal.FieldError{{Field: "item", Message: fix, Value: rn}}
	return e
}

// Unscan takes an item out of an open receptacle.
func (s *Service) Unscan(ctx context.Context, who auth.Principal, ref, item string) (Receptacle, error) {
	r, err := s.receptacle(ctx, ref)
	if err != nil {
		return Receptacle{}, err
	}
	if err := authorize(who, r.Dispatch[:6]); err != nil {
		return Receptacle{}, err
	}
	id, err := postal.ParseS10(item)
	if err != nil {
		return Receptacle{}, postal.Invalid("bad item id", postal.FieldError{Field: "path.item", Message: err.Error()})
	}
	return s.Store.RemoveItem(ctx, r.Number, string(id))
}

// CloseReceptacleRequest closes a receptacle.
type CloseReceptacleRequest struct {
	// GrossWeightG is the weight on the scale; 0 takes the items' weight
	// plus the receptacle's tare.
	GrossWeightG int `json:"gross_weight_g,omitempty" minimum:"0" doc:"Weighed gross weight in grams; 0 or absent = items + tare"`
	// Last marks the highest-numbered receptacle of the dispatch; closing
	// the dispatch sets it anyway.
	Last bool `json:"last,omitempty"`
}

// CloseReceptacle closes an open receptacle and gives it its S9 id. An empty
// receptacle can't be closed.
func (s *Service) CloseReceptacle(ctx context.Context, who auth.Principal, ref string, req CloseReceptacleRequest) (Receptacle, error) {
	for attempt := 0; ; attempt++ {
		r, err := s.receptacle(ctx, ref)
		if err != nil {
			return Receptacle{}, err
		}
		if err := authorize(who, r.Dispatch[:6]); err != nil {
			return Receptacle{}, err
		}
		if r.Status != StatusOpen {
			return Receptacle{}, postal.Errorf(postal.CodeConflict, "receptacle %s is already closed as %s", r.Number, r.ID)
		}
		if r.Items == 0 {
			return Receptacle{}, postal.Errorf(postal.CodeConflict, "receptacle %s is empty: scan items into it before closing, or leave it for the next dispatch", r.Number)
		}
		spec, _ := LookupType(r.Type)
		gross := r.NetWeightG + spec.TareG
		if req.GrossWeightG > 0 {
			if req.GrossWeightG < r.NetWeightG {
				return Receptacle{}, postal.Invalid("bad weight", postal.FieldError{Field: "gross_weight_g",
					Message: fmt.Sprintf("%d g is less than the %d g of the %d items in it: weigh it again", req.GrossWeightG, r.NetWeightG, r.Items)})
			}
			gross = req.GrossWeightG
		}
		id, err := S9(r.Dispatch, r.Serial, req.Last, r.Registered, gross)
		if err != nil {
			return Receptacle{}, postal.Invalid("bad weight", postal.FieldError{Field: "gross_weight_g", Message: err.Error()})
		}
		got, err := s.Store.CloseReceptacle(ctx, ReceptacleClose{Number: r.Number, Items: r.Items, ID: id, GrossWeightG: gross,
			Registered: r.Registered, Last: req.Last, At: s.now(), By: by(who)})
		if errors.Is(err, ErrChanged) && attempt < 3 {
			continue
		}
		return got, err
	}
}

// ReopenReceptacle opens a closed receptacle of an open dispatch again.
func (s *Service) ReopenReceptacle(ctx context.Context, who auth.Principal, ref string) (Receptacle, error) {
	r, err := s.receptacle(ctx, ref)
	if err != nil {
		return Receptacle{}, err
	}
	if err := authorize(who, r.Dispatch[:6]); err != nil {
		return Receptacle{}, err
	}
	return s.Store.ReopenReceptacle(ctx, r.Number)
}

// CloseDispatch closes an open dispatch whose receptacles are all closed.
// The highest-numbered receptacle gets the last-receptacle flag (and any
// other loses it); receptacles whose S9 id changes are listed for
// relabelling. Closing emits EMB for each receptacle and the dispatch.
func (s *Service) CloseDispatch(ctx context.Context, who auth.Principal, id string) (DispatchView, error) {
	for attempt := 0; ; attempt++ {
		v, err := s.View(ctx, id)
		if err != nil {
			return DispatchView{}, err
		}
		if err := authorize(who, v.Origin); err != nil {
			return DispatchView{}, err
		}
		if v.Status != StatusOpen {
			return DispatchView{}, postal.Errorf(postal.CodeConflict, "dispatch %s is already %s", v.ID, v.Status)
		}
		c, out, err := closing(v, s.now(), by(who))
		if err != nil {
			return DispatchView{}, err
		}
		d, err := s.Store.CloseDispatch(ctx, c, out)
		if errors.Is(err, ErrChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return DispatchView{}, err
		}
		s.deliver(ctx)
		res, err := s.View(ctx, d.ID)
		res.Relabelled = sortedKeys(c.Relabel)
		return res, err
	}
}

// closing computes a dispatch's closing: the relabelled receptacles and the
// events.
func closing(v DispatchView, at time.Time, who string) (DispatchClose, Outbox, error) {
	c := DispatchClose{ID: v.ID, Receptacles: len(v.ReceptacleList), Relabel: map[string]string{}, At: at, By: who}
	var open []string
	for _, r := range v.ReceptacleList {
		if r.Status == StatusOpen {
			open = append(open, r.Number)
		}
	}
	switch {
	case len(v.ReceptacleList) == 0:
		return c, Outbox{}, postal.Errorf(postal.CodeConflict, "dispatch %s has no receptacles: cancel it instead (its serial stays used)", v.ID)
	case len(open) > 0:
		return c, Outbox{}, postal.Errorf(postal.CodeConflict, "dispatch %s has %d open receptacles (%s): close them, or take their items out, first",
			v.ID, len(open), strings.Join(open, ", "))
	}
	var out Outbox
	highest := v.ReceptacleList[len(v.ReceptacleList)-1].Serial
	for _, r := range v.ReceptacleList {
		last := r.Serial == highest
		id := r.ID
		if r.Last != last {
			var err error
			if id, err = S9(r.Dispatch, r.Serial, last, r.Registered, r.GrossWeightG); err != nil {
				return c, Outbox{}, err
			}
			c.Relabel[r.Number] = id
		}
		out.Events = append(out.Events, Event{Object: id, Code: CodeAtOutwardOE, Office: v.Origin, Time: at, Source: SourcePost,
			Reason: "closed into dispatch " + v.ID, NextOffice: v.Destination})
	}
	out.Events = append(out.Events, Event{Object: v.ID, Code: CodeAtOutwardOE, Office: v.Origin, Time: at, Source: SourcePost,
		Reason: fmt.Sprintf("dispatch closed: %d receptacles", len(v.ReceptacleList)), NextOffice: v.Destination})
	return c, out, nil
}

// CancelDispatch cancels an open dispatch that holds no items.
func (s *Service) CancelDispatch(ctx context.Context, who auth.Principal, id string) (Dispatch, error) {
	d, err := s.Dispatch(ctx, id)
	if err != nil {
		return Dispatch{}, err
	}
	if err := authorize(who, d.Origin); err != nil {
		return Dispatch{}, err
	}
	return s.Store.CancelDispatch(ctx, d.ID, s.now(), by(who))
}

func kg(g int) float64 { return float64(g) / 1000 }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
