package customs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// DecisionAction is what an officer does to an item.
type DecisionAction string

// Officer actions.
const (
	DecideClaim   DecisionAction = "claim"   // take the item: others can't decide it until unclaimed
	DecideUnclaim DecisionAction = "unclaim" // give it back to the queue
	DecideHold    DecisionAction = "hold"    // hold for a check (document check, X-ray, physical inspection)
	DecideInspect DecisionAction = "inspect" // record the result of a check on a held item
	DecideRelease DecisionAction = "release" // clear the item
	DecideSeize   DecisionAction = "seize"   // seize the item
	DecideReturn  DecisionAction = "return"  // refuse it: return to sender
)

// Decision is an officer's decision on an item.
type Decision struct {
	Action   DecisionAction `json:"action" enum:"claim,unclaim,hold,inspect,release,seize,return"`
	Reason   string         `json:"reason,omitempty" maxLength:"500" doc:"Why; required for hold, inspect, release, seize and return"`
	Check    risk.Action    `json:"check,omitempty" enum:"document_check,xray,physical_inspection" doc:"hold: the check to run; inspect: the check done (default: the one held for)"`
	Result   string         `json:"result,omitempty" enum:"clear,discrepancy,prohibited" doc:"inspect: the outcome"`
	Findings string         `json:"findings,omitempty" maxLength:"1000" doc:"inspect: what the check found"`
}

var checks = []risk.Action{risk.ActionDocumentCheck, risk.ActionXray, risk.ActionPhysicalInspection}

func (d Decision) validate() error {
	var fe postal.FieldList
	switch d.Action {
	case DecideClaim, DecideUnclaim:
	case DecideHold:
		if !slices.Contains(checks, d.Check) {
			fe.Add("check", "hold needs the check to run: document_check, xray or physical_inspection")
		}
	case DecideInspect:
		if d.Check != "" && !slices.Contains(checks, d.Check) {
			fe.Add("check", "%q is not document_check, xray or physical_inspection", d.Check)
		}
		if d.Result != "clear" && d.Result != "discrepancy" && d.Result != "prohibited" {
			fe.Add("result", "inspect needs a result: clear, discrepancy or prohibited")
		}
	case DecideRelease, DecideSeize, DecideReturn:
	case decidePresent:
		fe.Add("action", "present is recorded from customs' own receipts, not decided")
	default:
		fe.Add("action", "%q is not claim, unclaim, hold, inspect, release, seize or return", d.Action)
	}
	if d.Action != DecideClaim && d.Action != DecideUnclaim && strings.TrimSpace(d.Reason) == "" {
		fe.Add("reason", "required: every decision is audited with its reason")
	}
	if utf8.RuneCountInString(d.Reason) > 500 {
		fe.Add("reason", "longer than 500 characters")
	}
	if utf8.RuneCountInString(d.Findings) > 1000 {
		fe.Add("findings", "longer than 1000 characters")
	}
	return fe.Err("the decision has invalid fields")
}

// eventCodes are the UPU EMSEVT v3 codes customs emits, per direction:
// presented to customs, held by customs, released (returned from customs),
// terminated (export cancelled / import terminated).
var eventCodes = map[Direction][4]string{
	Export: {"EXA", "EXB", "EXC", "EXX"},
	Import: {"EDB", "EME", "EDC", "EDX"},
}

// holdReasons are the public phrases for a hold.
var holdReasons = map[risk.Action]string{
	risk.ActionDocumentCheck:      "held by customs for a document check",
	risk.ActionXray:               "held by customs for X-ray examination",
	risk.ActionPhysicalInspection: "held by customs for physical inspection",
}

// Decide applies an officer's decision to an item. Only customs keys whose
// offices include the item's office may decide (403 otherwise). The new
// state, the audit entry and the tracking events are stored together; the
// events are then handed to the EventSink.
func (s *Service) Decide(ctx context.Context, who auth.Principal, id string, d Decision) (ItemView, error) {
	if who.Role != auth.RoleCustoms {
		return ItemView{}, postal.Errorf(postal.CodeForbidden, "only customs officers decide on items; this is a %s key", who.Role)
	}
	if err := d.validate(); err != nil {
		return ItemView{}, err
	}
	for attempt := 0; ; attempt++ {
		it, err := s.Store.Item(ctx, id)
		if err != nil {
			return ItemView{}, err
		}
		if !who.InOffice(it.Declaration.Office) {
			return ItemView{}, postal.Errorf(postal.CodeForbidden, "item %s is cleared at %s, outside the offices of your key", id, it.Declaration.Office)
		}
		u, err := s.apply(it, who, d)
		if err != nil {
			return ItemView{}, err
		}
		err = s.Store.UpdateItem(ctx, u)
		if errors.Is(err, ErrChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return ItemView{}, err
		}
		if _, err := s.DeliverEvents(ctx); err != nil {
			s.logger().ErrorContext(ctx, "customs events stay in the outbox", "item", id, "err", err)
		}
		return s.Get(ctx, who, id)
	}
}

// apply computes the result of a decision: the state machine of an item.
func (s *Service) apply(it Item, who auth.Principal, d Decision) (Update, error) {
	now := s.now()
	if it.Status.Final() {
		return Update{}, postal.Errorf(postal.CodeConflict, "item %s is already %s; decisions are final", it.ID(), it.Status)
	}
	if it.ClaimedBy != "" && it.ClaimedBy != who.KeyID && d.Action != DecideUnclaim {
		return Update{}, postal.Errorf(postal.CodeConflict, "item %s is claimed by officer %s since %s", it.ID(), it.ClaimedBy, it.ClaimedAt.Format(time.RFC3339))
	}
	next := it
	next.Version, next.UpdatedAt = it.Version+1, now
	next.Inspections = append([]Inspection(nil), it.Inspections...)
	audit := AuditEntry{ItemID: it.ID(), Office: it.Declaration.Office, At: now, Officer: who.KeyID, Action: string(d.Action),
		FromStatus: it.Status, Reason: strings.TrimSpace(d.Reason), Check: d.Check, Result: d.Result, Findings: strings.TrimSpace(d.Findings)}
	codes := eventCodes[it.Declaration.Direction]
	var events []Event
	emit := func(code, reason, retention string) {
		events = append(events, Event{ItemID: it.ID(), Object: it.Declaration.TrackingObject(), Code: code, Office: it.Declaration.Office, At: now,
			Reason: reason, Retention: retention, Source: "customs"})
	}
	present := func() {
		if !next.Presented {
			emit(codes[0], "presented to "+string(it.Declaration.Direction)+" customs", "")
			next.Presented = true
		}
	}
	if d.Action != DecideUnclaim && d.Action != DecideClaim {
		next.ClaimedBy, next.ClaimedAt = who.KeyID, now
	}
	switch d.Action {
	case DecideClaim:
		if it.ClaimedBy == who.KeyID {
			return Update{}, postal.Errorf(postal.CodeConflict, "you already claimed item %s", it.ID())
		}
		next.ClaimedBy, next.ClaimedAt = who.KeyID, now
	case DecideUnclaim:
		if it.ClaimedBy == "" {
			return Update{}, postal.Errorf(postal.CodeConflict, "item %s is not claimed", it.ID())
		}
		if it.ClaimedBy != who.KeyID {
			return Update{}, postal.Errorf(postal.CodeConflict, "item %s is claimed by officer %s; only they can unclaim it", it.ID(), it.ClaimedBy)
		}
		next.ClaimedBy, next.ClaimedAt = "", time.Time{}
	case decidePresent:
		if it.Presented {
			return Update{}, postal.Errorf(postal.CodeConflict, "item %s is already presented to customs", it.ID())
		}
		present()
	case DecideHold:
		if it.Status == StatusHeld && it.Hold == d.Check {
			return Update{}, postal.Errorf(postal.CodeConflict, "item %s is already held for %s", it.ID(), d.Check)
		}
		present()
		if it.Status != StatusHeld {
			emit(codes[1], holdReasons[d.Check], string(d.Check))
		}
		next.Status, next.Hold = StatusHeld, d.Check
	case DecideInspect:
		if it.Status != StatusHeld {
			return Update{}, postal.Errorf(postal.CodeConflict, "item %s is %s: hold it for a check before recording an inspection", it.ID(), it.Status)
		}
		check := d.Check
		if check == "" {
			check = it.Hold
		}
		audit.Check = check
		next.Inspections = append(next.Inspections, Inspection{Check: check, Result: d.Result, Findings: audit.Findings, Officer: who.KeyID, At: now})
	case DecideRelease:
		present()
		next.Status, next.Hold = StatusReleased, ""
		if err := s.finalDuties(&next, now); err != nil {
			return Update{}, err
		}
		reason := "released by customs"
		if d := next.Duties; d != nil && d.PaidBy == "addressee" {
			// Tracking reads "duty due" to show it on the item (docs/lifecycle.md).
			reason += "; duty due " + d.Total + " " + d.Currency
		}
		emit(codes[2], reason, "")
	case DecideSeize:
		present()
		if it.Status != StatusHeld {
			emit(codes[1], "held by customs", "seizure")
		}
		emit(codes[3], "seized by customs", "seizure")
		next.Status, next.Hold = StatusSeized, ""
	case DecideReturn:
		present()
		emit(codes[3], "refused by customs: returned to sender", "")
		next.Status, next.Hold = StatusReturned, ""
	}
	if next.Status.Final() {
		next.DecidedBy, next.DecidedAt = who.KeyID, now
	}
	audit.ToStatus = next.Status
	for _, ev := range events {
		audit.Events = append(audit.Events, ev.Code)
	}
	return Update{Item: next, PrevVersion: it.Version, Audit: audit, Events: events}, nil
}

// finalDuties assesses duties on an import when it is released.
func (s *Service) finalDuties(it *Item, now time.Time) error {
	if it.Declaration.Direction != Import {
		return nil
	}
	e, err := s.rules()
	if err != nil {
		return err
	}
	d, ok, err := AssessDuties(e, &it.Declaration, DutyFinal, now)
	if err != nil {
		return fmt.Errorf("assess duties on %s: %w", it.ID(), err)
	}
	if ok {
		it.Duties = &d
	}
	return nil
}

// QueueEntry is one item in an office's queue.
type QueueEntry struct {
	ItemID         string      `json:"item_id"`
	Stream         Stream      `json:"stream"`
	Direction      Direction   `json:"direction"`
	Status         Status      `json:"status"`
	Score          int         `json:"score"`
	Action         risk.Action `json:"action" doc:"Proposed action"`
	Hold           risk.Action `json:"hold,omitempty"`
	ClaimedBy      string      `json:"claimed_by,omitempty"`
	WaitingMinutes int         `json:"waiting_minutes"`
	DeclaredAt     time.Time   `json:"declared_at"`
	Reasons        []string    `json:"reasons"`
}

// Queue returns an office's items waiting for officers, ordered by risk and
// waiting time (see PriorityPerPoint). Customs keys see only their offices.
func (s *Service) Queue(ctx context.Context, who auth.Principal, f QueueFilter) ([]QueueEntry, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleCustoms, auth.RoleOperator) {
		return nil, postal.Errorf(postal.CodeForbidden, "role %s cannot read customs queues", who.Role)
	}
	if f.Office == "" {
		return nil, postal.Invalid("office missing", postal.FieldError{Field: "query.office", Message: "required: the office whose queue to show, e.g. CNSHAA"})
	}
	if !who.InOffice(f.Office) {
		return nil, postal.Errorf(postal.CodeForbidden, "office %s is outside the offices of your key", f.Office)
	}
	switch f.Status {
	case "", StatusPending, StatusHeld:
	default:
		return nil, postal.Invalid("bad status", postal.FieldError{Field: "query.status", Message: fmt.Sprintf("%q: the queue holds pending and held items only", f.Status)})
	}
	var err error
	if f.Limit, err = paging.Limit(f.Limit, 50, "query.limit"); err != nil {
		return nil, err
	}
	items, err := s.Store.Queue(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.entries(items), nil
}

// entries turns stored items into queue entries, waiting time counted now.
func (s *Service) entries(items []Item) []QueueEntry {
	now := s.now()
	out := make([]QueueEntry, len(items))
	for i, it := range items {
		out[i] = entry(it, now)
	}
	return out
}

func entry(it Item, now time.Time) QueueEntry {
	return QueueEntry{ItemID: it.ID(), Stream: it.Declaration.Stream, Direction: it.Declaration.Direction, Status: it.Status,
		Score: it.Screening.Score, Action: it.Screening.Action, Hold: it.Hold, ClaimedBy: it.ClaimedBy,
		WaitingMinutes: int(now.Sub(it.DeclaredAt) / time.Minute), DeclaredAt: it.DeclaredAt, Reasons: it.Screening.Reasons()}
}
