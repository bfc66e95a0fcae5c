package inward

import (
	"context"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Open transit (issue 16 item 4): items of a dispatch to our office of
// exchange addressed abroad (the PREDES's item data names the addressee's
// country). They arrive at our office as a transit office — scanned out
// of their opened receptacle they get EMJ, not EMD, and are not inbound
// mail of ours (Received leaves them out) — and are re-sorted into our
// own outward dispatches by the office's sort plan (Resort).

// ResortItem is an open-transit item as the sort plan needs it.
type ResortItem struct {
	Item    string // S10
	Country string // addressee's country
	WeightG int    // as received (as advised when not weighed)
}

// Resorted is where the office's sort plan sends an open-transit item:
// the outward dispatch stream (Stream, the first 15 characters of its S8
// ids) or, when no rule takes it, Reason.
type Resorted struct {
	Item        string
	Country     string
	Destination string // outward office of exchange
	Category    string
	Subclass    string
	Receptacle  string // bag, tray, pallet
	Stream      string
	Reason      string // why unsorted ("" when sorted)
}

// Presorter applies an office's outward sort plan (internal/app adapts
// package dispatch).
type Presorter interface {
	Presort(ctx context.Context, office string, items []ResortItem) ([]Resorted, error)
}

// openTransit reports whether an advised item is addressed abroad.
func (s *Service) openTransit(it Item) bool {
	return it.AddresseeCountry != "" && it.AddresseeCountry != s.Country
}

// ResortResult is the re-sort of a dispatch's open-transit items.
type ResortResult struct {
	Dispatch string
	Office   string
	Items    []Resorted
	Waiting  []string // open-transit items listed, not received yet
}

// Resort re-sorts a received dispatch's open-transit items by the outward
// sort plan of the office that received them: each item's outward stream,
// or why the plan has no rule for it. Items not received yet are listed
// as waiting. Operators of that office and admins may re-sort; it stores
// nothing, so asking again is harmless.
func (s *Service) Resort(ctx context.Context, who auth.Principal, dispatch string) (ResortResult, error) {
	did, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return ResortResult{}, postal.Errorf(postal.CodeInvalid, "dispatch: %v", err)
	}
	if !s.bound(did.Destination) {
		return ResortResult{}, postal.Errorf(postal.CodeConflict, "dispatch %s is closed transit to %s: it is forwarded unopened, not re-sorted", did, did.Destination)
	}
	d, err := s.Store.InwardDispatch(ctx, did.String())
	if err != nil {
		return ResortResult{}, err
	}
	rs, err := s.Store.InwardReceptacles(ctx, d.ID)
	if err != nil {
		return ResortResult{}, err
	}
	office := s.verifyingOffice(ctx, d, rs)
	if err := mayReceive(who, office); err != nil {
		return ResortResult{}, err
	}
	items, err := s.Store.InwardItems(ctx, d.ID)
	if err != nil {
		return ResortResult{}, err
	}
	res := ResortResult{Dispatch: d.ID, Office: office, Items: []Resorted{}}
	var in []ResortItem
	for _, it := range items {
		switch {
		case !s.openTransit(it):
		case it.Status != StatusReceived:
			res.Waiting = append(res.Waiting, it.Item)
		default:
			w := it.ReceivedWeightG
			if w == 0 {
				w = it.WeightG
			}
			in = append(in, ResortItem{Item: it.Item, Country: it.AddresseeCountry, WeightG: w})
		}
	}
	if len(in) == 0 {
		return res, nil
	}
	if s.Presorter == nil {
		return ResortResult{}, postal.Errorf(postal.CodeUnavailable, "no outward sort plans on this node: open transit cannot be re-sorted")
	}
	if res.Items, err = s.Presorter.Presort(ctx, office, in); err != nil {
		return ResortResult{}, err
	}
	return res, nil
}

// OpenTransitItem is a received open-transit item as our outward dispatch
// and accounting need it: where it came in and where it is addressed.
type OpenTransitItem struct {
	Item       string // S10
	Dispatch   string // the inward dispatch it came in (S8)
	Receptacle string // its inward receptacle (S9)
	Origin     string // partner's office of exchange
	Partner    string // origin post, e.g. KRPOST
	Subclass   string // of the inward dispatch
	Office     string // our office of exchange that received it
	Country    string // addressee's country
	Addressee  string // addressee's name as advised
	WeightG    int    // as received (as advised when not weighed)
	ReceivedAt time.Time
}

func (s *Service) openTransitItem(d Dispatch, r Receptacle, it Item) OpenTransitItem {
	w := it.ReceivedWeightG
	if w == 0 {
		w = it.WeightG
	}
	office := r.ReceivedOffice
	if office == "" {
		office = d.Destination
	}
	return OpenTransitItem{Item: it.Item, Dispatch: d.ID, Receptacle: r.ID, Origin: d.Origin, Partner: d.Partner, Subclass: d.Subclass,
		Office: office, Country: it.AddresseeCountry, Addressee: it.AddresseeName, WeightG: max(w, 1), ReceivedAt: it.ReceivedAt}
}

// OpenTransit returns a received open-transit item (scanned out of its
// opened receptacle at our office, EMJ recorded, addressed abroad), so
// an operator can scan it into one of our outward receptacles; not_found
// for any other item, and for one listed but not received yet.
func (s *Service) OpenTransit(ctx context.Context, item string) (OpenTransitItem, error) {
	it, err := s.Store.InwardItem(ctx, item)
	if err != nil {
		return OpenTransitItem{}, err
	}
	if !s.openTransit(it) || it.Status != StatusReceived || s.inTransit(it.Dispatch) {
		return OpenTransitItem{}, postal.Errorf(postal.CodeNotFound, "%s is not a received open-transit item", item)
	}
	d, err := s.Store.InwardDispatch(ctx, it.Dispatch)
	if err != nil {
		return OpenTransitItem{}, err
	}
	rs, err := s.Store.InwardReceptacles(ctx, it.Dispatch)
	if err != nil {
		return OpenTransitItem{}, err
	}
	var r Receptacle
	if i := slices.IndexFunc(rs, func(r Receptacle) bool { return r.ID == it.Receptacle }); i >= 0 {
		r = rs[i]
	}
	return s.openTransitItem(d, r, it), nil
}

// OpenTransitReceived lists the open-transit items received at our
// offices in receptacles received in [from, to), by receipt: what the
// origin posts owe transit charges for once the items leave in our
// outward dispatches.
func (s *Service) OpenTransitReceived(ctx context.Context, from, to time.Time) ([]OpenTransitItem, error) {
	rs, err := s.Store.ReceivedReceptacles(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []OpenTransitItem
	for _, x := range rs {
		if s.inTransit(x.Dispatch.ID) {
			continue // closed transit: its items are not ours to sort
		}
		d := x.Dispatch
		if did, err := postal.ParseDispatchID(d.ID); err == nil {
			d.Destination = did.Destination
		}
		for _, it := range x.Items {
			if s.openTransit(it) && it.Status == StatusReceived {
				out = append(out, s.openTransitItem(d, x.Receptacle, it))
			}
		}
	}
	return out, nil
}
