package inward

import (
	"context"
	"fmt"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Events records tracking events (tracking.Service does).
type Events interface {
	Record(ctx context.Context, events ...tracking.Event) error
}

// Weight tolerance of a receptacle: the received weight may differ from
// the advised one by max(ToleranceMinG, TolerancePct % of the advised
// weight) before it is a discrepancy. Our own setting: the UPU Letter Post
// Regulations call for a CN 43 on a weight difference, but the threshold
// could not be confirmed from ../shared/domain (unconfirmed, 2026-12-07);
// docs/formats.md "Inward verification".
const (
	ToleranceMinG = 100
	TolerancePct  = 5
)

// Tolerance returns the accepted difference for an advised weight.
func Tolerance(advisedG int) int { return max(ToleranceMinG, advisedG*TolerancePct/100) }

// ReceptacleScan is one receptacle scanned at an inward office.
type ReceptacleScan struct {
	Receptacle string   // S9
	Office     string   // our office scanning; "" = the S9's destination
	WeightG    int      // weighed; 0 = not weighed (the S9's weight is used)
	Flags      []string // FlagSealBroken, FlagDamaged, FlagWet
}

// ItemScan is one item scanned out of an opened receptacle.
type ItemScan struct {
	Item       string // S10
	Receptacle string // S9 of the opened receptacle
	Office     string // "" = where the receptacle was received
	Condition  string // "" = ok
	WeightG    int
}

// ScanResult answers a scan.
type ScanResult struct {
	Receptacle    Receptacle
	Item          *Item // for an item scan
	Repeated      bool  // scanned before: nothing new stored, no new event
	Discrepancies []Discrepancy
}

// OK reports a scan without discrepancies.
func (r ScanResult) OK() bool { return len(r.Discrepancies) == 0 }

// mayReceive checks who may scan at an office: admins, and operators of
// that office.
func mayReceive(who auth.Principal, office string) error {
	switch who.Role {
	case auth.RoleAdmin:
		return nil
	case auth.RoleOperator:
		if !who.InOffice(office) {
			return postal.Errorf(postal.CodeForbidden, "this key is for offices %v, not %s", who.Offices, office)
		}
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "receiving is for operators at the inward office; this is a %s key", who.Role)
}

// ourOffice checks office is one of ours.
func (s *Service) ourOffice(ctx context.Context, field, office string) error {
	var fe postal.FieldList
	s.checkOffice(ctx, field, office, true, &fe)
	return fe.Err("cannot receive there")
}

// ScanReceptacle receives a receptacle: checked against its pre-advice
// (not advised, wrong office, weight outside Tolerance, flags), stored
// as received with its weight and time, with an EMD event on the S9. A
// receptacle never advised is accepted as not advised (its dispatch too
// when unknown), never refused. Scanning it again changes nothing.
func (s *Service) ScanReceptacle(ctx context.Context, who auth.Principal, sc ReceptacleScan) (ScanResult, error) {
	rid, err := postal.ParseReceptacleID(sc.Receptacle)
	if err != nil {
		return ScanResult{}, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	b, err := s.receiving(ctx, who, rid.Dispatch, false)
	if err != nil {
		return ScanResult{}, err
	}
	res, err := b.receptacle(ctx, sc)
	if err != nil {
		return ScanResult{}, err
	}
	return res, b.save(ctx)
}

// OpenReceptacle marks a received receptacle opened: its listed items are
// now expected to be scanned, and those not scanned when the dispatch is
// closed are missing. Opening twice is harmless.
func (s *Service) OpenReceptacle(ctx context.Context, who auth.Principal, receptacle string) (Receptacle, []Item, error) {
	rid, err := postal.ParseReceptacleID(receptacle)
	if err != nil {
		return Receptacle{}, nil, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	b, err := s.receiving(ctx, who, rid.Dispatch, false)
	if err != nil {
		return Receptacle{}, nil, err
	}
	r, items, err := b.open(ctx, receptacle)
	if err != nil {
		return Receptacle{}, nil, err
	}
	return r, items, b.save(ctx)
}

// ScanItem receives an item out of an opened receptacle: not on the list
// (a registered one is flagged as such), damaged or rifled are
// discrepancies. The item gets an EMD event at the office; scanning it
// again changes nothing.
func (s *Service) ScanItem(ctx context.Context, who auth.Principal, sc ItemScan) (ScanResult, error) {
	if _, err := postal.ParseS10(sc.Item); err != nil {
		return ScanResult{}, postal.Errorf(postal.CodeInvalid, "item: %v", err)
	}
	rid, err := postal.ParseReceptacleID(sc.Receptacle)
	if err != nil {
		return ScanResult{}, postal.Errorf(postal.CodeInvalid, "receptacle: %v", err)
	}
	b, err := s.receiving(ctx, who, rid.Dispatch, false)
	if err != nil {
		return ScanResult{}, err
	}
	res, err := b.item(ctx, sc)
	if err != nil {
		return ScanResult{}, err
	}
	return res, b.save(ctx)
}

// registered reports an item needing a listing: registered (R), insured
// (V) and EMS (E) items travel listed.
func registered(id postal.S10) bool {
	switch id.ServiceIndicator()[0] {
	case 'R', 'V', 'E':
		return true
	}
	return false
}

// Close ends the verification of a dispatch: advised receptacles not
// received and listed items not found in opened receptacles are missing;
// the dispatch is received. The answer is the Note: its discrepancies
// (the CN 43) and the RESDES to the origin office with each receptacle's
// state. Closing again returns the same note.
func (s *Service) Close(ctx context.Context, who auth.Principal, dispatch string) (Note, error) {
	did, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return Note{}, postal.Errorf(postal.CodeInvalid, "dispatch: %v", err)
	}
	d, err := s.Store.InwardDispatch(ctx, did.String())
	if err != nil {
		return Note{}, err
	}
	rs, err := s.Store.InwardReceptacles(ctx, d.ID)
	if err != nil {
		return Note{}, err
	}
	office := s.verifyingOffice(ctx, d, rs)
	if err := mayReceive(who, office); err != nil && mayReceive(who, d.Destination) != nil {
		return Note{}, err
	}
	if d.Status != StatusExpected {
		return s.note(ctx, d.ID)
	}
	items, err := s.Store.InwardItems(ctx, d.ID)
	if err != nil {
		return Note{}, err
	}
	rec, err := s.closing(ctx, d, rs, items, office)
	if err != nil {
		return Note{}, err
	}
	if err := s.Store.SaveReceipt(ctx, rec); err != nil {
		if postal.ErrorCode(err) == postal.CodeConflict {
			return s.note(ctx, d.ID) // closed concurrently
		}
		return Note{}, err
	}
	return s.note(ctx, d.ID)
}

// closing is the receipt that closes dispatch d (its receptacles rs in id
// order and items in receptacle and item order, as stored): receptacles
// not received and items not found in opened receptacles become missing
// with their discrepancies, and the verification note with the RESDES
// for the origin post. office is the verifying office.
func (s *Service) closing(ctx context.Context, d Dispatch, rs []Receptacle, items []Item, office string) (Receipt, error) {
	now := s.now()
	rec := Receipt{Dispatch: d.ID, Status: StatusReceived, At: now}
	opened := map[string]bool{}
	m := edi.Resdes{Prepared: now.Truncate(time.Minute), Sender: office, Recipient: d.Origin, Confirms: d.PreAdvice, ConfirmsKind: string(KindPredes),
		Consignment: d.Consignment, Status: "received"}
	if m.Confirms == "" {
		m.Confirms, m.ConfirmsKind = "NONE", string(KindCardit)
		if d.Consignment == "" {
			m.ConfirmsKind = string(KindPredes)
		}
	}
	rd := edi.ResdesDispatch{ID: d.ID, Office: office}
	for _, r := range rs {
		status := "received"
		switch {
		case r.Status == StatusExpected:
			status = "missing"
			r.Status = StatusMissing
			rec.Receptacles = append(rec.Receptacles, r)
			rec.Discrepancies = append(rec.Discrepancies, Discrepancy{Dispatch: d.ID, Receptacle: r.ID, Kind: MissingReceptacle,
				Advised: fmt.Sprintf("%s, %s", r.Type, kg(r.GrossWeightG)), Found: "not received", Office: office, At: now})
		case r.NotAdvised:
			status = "not_advised"
		}
		if !r.OpenedAt.IsZero() {
			opened[r.ID] = true
		}
		rd.Receptacles = append(rd.Receptacles, edi.ResdesReceptacle{ID: r.ID, Status: status})
	}
	for _, it := range items {
		if it.Status == StatusExpected && opened[it.Receptacle] {
			it.Status = StatusMissing
			rec.Items = append(rec.Items, it)
			rec.Discrepancies = append(rec.Discrepancies, Discrepancy{Dispatch: d.ID, Receptacle: it.Receptacle, Item: it.Item, Kind: MissingItem,
				Advised: "listed in " + it.Receptacle, Found: "not in the opened receptacle", Office: office, At: now})
		}
	}
	m.Dispatches = []edi.ResdesDispatch{rd}
	serial, err := s.Store.InterchangeSerial(ctx, d.Origin, "RESDES received "+d.ID)
	if err != nil {
		return Receipt{}, err
	}
	m.Ref = edi.Ref(d.Origin, serial)
	if err := m.Validate(); err != nil {
		return Receipt{}, fmt.Errorf("RESDES for %s: %w", d.ID, err)
	}
	rec.Note = &Note{Number: m.Ref, Dispatch: d.ID, Office: office, Origin: d.Origin, Partner: d.Partner, CreatedAt: now,
		Reply: Reply{Kind: "RESDES", Recipient: d.Origin, Ref: m.Ref, Text: m.MarshalProfile(s.Profiles.For(d.Origin))}}
	return rec, nil
}

func (s *Service) note(ctx context.Context, dispatch string) (Note, error) {
	n, err := s.Store.InwardNote(ctx, dispatch)
	if err != nil {
		return Note{}, err
	}
	n.Discrepancies, err = s.Store.InwardDiscrepancies(ctx, dispatch)
	return n, err
}

// Note returns a closed dispatch's note in the caller's scope: operators
// and customs of our office, the origin post (its verification notes).
func (s *Service) Note(ctx context.Context, who auth.Principal, dispatch string) (Note, error) {
	if _, err := s.Dispatch(ctx, who, dispatch); err != nil {
		return Note{}, err
	}
	return s.note(ctx, dispatch)
}

// Notes lists verification notes with discrepancies: a partner post sees
// its own, admins any (partner = "" for all).
func (s *Service) Notes(ctx context.Context, who auth.Principal, partner string, limit int) ([]Note, error) {
	switch who.Role {
	case auth.RoleAdmin:
	case auth.RolePartner:
		if partner != "" && partner != who.Partner {
			return nil, postal.Errorf(postal.CodeForbidden, "this key is %s's, not %s's", who.Partner, partner)
		}
		partner = who.Partner
	default:
		return nil, postal.Errorf(postal.CodeForbidden, "verification notes are listed for partner posts and admins; this is a %s key", who.Role)
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	return s.Store.InwardNotes(ctx, partner, limit)
}

// record records events with tracking and, for a partner's items, puts
// them into the partner's outbox (Enqueue).
func (s *Service) record(ctx context.Context, es ...tracking.Event) error {
	if s.Events != nil {
		if err := s.Events.Record(ctx, es...); err != nil {
			return err
		}
	}
	return s.Enqueue(ctx, es...)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// kg writes grams as kilograms with one decimal, as delivery bills do.
func kg(g int) string { return fmt.Sprintf("%d.%d kg", g/1000, g%1000/100) }

// ReceivedItem is one item as verified on receipt (not as pre-advised).
type ReceivedItem struct {
	Dispatch, Receptacle, Item string // S8, S9, S10 (Item empty for a receptacle received without an item list)
	Origin, Destination        string // origin office (6 chars, partner's), our inward office
	Partner                    string // the origin post's code as in inward_dispatches.partner
	Category, Subclass         string // mail category (A/B/C/D) and subclass (UA, UN, CN, EM, …)
	Items                      int    // items this row stands for (1 for a listed item; the receptacle's count otherwise)
	WeightG                    int    // received weight (item's if listed and weighed, else its share of the receptacle's received weight)
	ReceivedAt                 time.Time
}

// Received lists what was received at our offices in [from, to): one row
// per item received out of an opened receptacle, one per receptacle
// received without item scans (standing for its listed items, at least
// one); closed transit is not among them. Weights come from the receipt: an item's own when weighed, else
// an equal share of what its receptacle's unweighed items weigh.
func (s *Service) Received(ctx context.Context, from, to time.Time) ([]ReceivedItem, error) {
	rs, err := s.Store.ReceivedReceptacles(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var out []ReceivedItem
	for _, x := range rs {
		d, r := x.Dispatch, x.Receptacle
		if s.inTransit(d.ID) {
			continue // closed transit: charged as transit (TransitReceived)
		}
		row := ReceivedItem{Dispatch: d.ID, Receptacle: r.ID, Origin: d.Origin, Destination: r.ReceivedOffice, Partner: d.Partner,
			Category: d.Category, Subclass: d.Subclass, ReceivedAt: r.ReceivedAt}
		if len(x.Items) == 0 {
			row.Items, row.WeightG = max(r.Items, 1), r.ReceivedWeightG
			out = append(out, row)
			continue
		}
		rest, unweighed := r.ReceivedWeightG, 0
		for _, it := range x.Items {
			if it.ReceivedWeightG > 0 {
				rest -= it.ReceivedWeightG
			} else {
				unweighed++
			}
		}
		rest = max(rest, 0)
		for _, it := range x.Items {
			if s.openTransit(it) {
				continue // open transit: re-sorted abroad, not mail for us
			}
			row.Item, row.Items, row.WeightG, row.ReceivedAt = it.Item, 1, it.ReceivedWeightG, it.ReceivedAt
			if it.ReceivedWeightG == 0 {
				row.WeightG = rest / unweighed
			}
			out = append(out, row)
		}
	}
	return out, nil
}

// NoteView is a note with what its CN 43 prints (document.VerificationNote
// has the same fields).
type NoteView struct {
	Note       Note
	Dispatch   Dispatch
	OfficeName string
	OriginName string
	Zone       *time.Location // our office's zone
}

// VerificationNote returns a closed dispatch's note with the dispatch and
// the offices' names, in the caller's scope.
func (s *Service) VerificationNote(ctx context.Context, who auth.Principal, dispatch string) (NoteView, error) {
	d, err := s.Dispatch(ctx, who, dispatch)
	if err != nil {
		return NoteView{}, err
	}
	n, err := s.note(ctx, d.Dispatch.ID)
	if err != nil {
		return NoteView{}, err
	}
	v := NoteView{Note: n, Dispatch: d.Dispatch}
	if o, err := s.Network.Office(ctx, n.Office); err == nil {
		v.OfficeName = o.Name
		if z, err := time.LoadLocation(o.TZ); err == nil && o.TZ != "" {
			v.Zone = z
		}
	}
	if o, err := s.Network.Office(ctx, n.Origin); err == nil {
		v.OriginName = o.Name
	}
	return v, nil
}
