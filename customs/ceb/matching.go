package ceb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// Document is one platform order (CEB311 Order) or payment (CEB411 Payment) received from a
// platform or payment company, stored for matching with the post's waybill and inventory.
type Document struct {
	Key     string    `json:"key" doc:"The entity's guid (OrderHead/guid, PaymentHead/guid): a second upload of it stores nothing"`
	Message string    `json:"message_guid"`
	Type    string    `json:"type" enum:"CEB311,CEB411"`
	OrderNo string    `json:"order_no"`
	By      string    `json:"by,omitempty" doc:"The key that uploaded it, or cebport for the exchange inbox"`
	At      time.Time `json:"at"`
	Body    string    `json:"body,omitempty" doc:"The message XML; identity numbers and phones masked"`
}

// Matching states of an order.
const (
	MatchWaiting    = "waiting"    // a document has not arrived; those here agree
	MatchMismatched = "mismatched" // documents disagree: the item is held
	MatchMatched    = "matched"    // all four agree
)

// MatchEntry is an order's place in the matching queue.
type MatchEntry struct {
	OrderNo string      `json:"order_no"`
	ItemID  string      `json:"item_id,omitempty" doc:"The customs item whose waybill/inventory carry the order number; empty until they are made"`
	Office  string      `json:"office,omitempty"`
	State   string      `json:"state" enum:"waiting,mismatched,matched"`
	Result  MatchResult `json:"result"`
	Note    string      `json:"note,omitempty" doc:"What became of the hold: why the item could not be held"`
	At      time.Time   `json:"at"`
}

// MatchStore keeps received documents and the matching queue.
type MatchStore interface {
	// PutCEBDocuments inserts documents; one whose key exists is left as it is. Returns how many were new.
	PutCEBDocuments(ctx context.Context, docs []Document) (int, error)
	// CEBDocuments returns the documents received for an order, oldest first.
	CEBDocuments(ctx context.Context, orderNo string) ([]Document, error)
	// CEBOrderRecords returns the messages the post made for an order, oldest first.
	CEBOrderRecords(ctx context.Context, orderNo string) ([]Record, error)
	// PutCEBMatch stores an order's queue entry, replacing the previous one.
	PutCEBMatch(ctx context.Context, e MatchEntry) error
	// CEBMatch returns an order's queue entry, or not_found.
	CEBMatch(ctx context.Context, orderNo string) (MatchEntry, error)
	// CEBMatches returns the queue entries in state (all when empty), latest first, at most limit.
	CEBMatches(ctx context.Context, state string, limit int) ([]MatchEntry, error)
}

// Matcher receives platforms' orders and payments and matches them with the post's waybills and
// inventories: the three documents matched, as a queue.
type Matcher struct {
	Store   MatchStore
	Customs *customs.Service
	Now     func() time.Time
}

func (m *Matcher) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

// IntakeReport is what an uploaded order or payment message did.
type IntakeReport struct {
	Type   string       `json:"type" example:"CEB311"`
	Added  int          `json:"added" doc:"Entities stored; the rest were received before"`
	Orders []MatchEntry `json:"orders" doc:"The matching state of each order the message names"`
}

// Intake stores a CEB311 or CEB411 message (bare or in its DxpMsg) with personal data masked,
// once per entity guid, and matches each order it names. A message that does not validate is
// refused whole with the element paths.
func (m *Matcher) Intake(ctx context.Context, who auth.Principal, data []byte) (IntakeReport, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return IntakeReport{}, postal.Errorf(postal.CodeForbidden, "role %s cannot upload platforms' orders or payments", who.Role)
	}
	if IsDxp(data) {
		_, body, err := UnwrapDxp(data)
		if err != nil {
			return IntakeReport{}, invalid("the DxpMsg envelope is invalid", err)
		}
		data = body
	}
	msg, err := DecodeUnsigned(data)
	if err != nil {
		return IntakeReport{}, invalid("the order or payment is invalid", err)
	}
	typ := msg.Type()
	if typ != "CEB311" && typ != "CEB411" {
		return IntakeReport{}, postal.Invalid(typ+" is not an order or a payment", postal.FieldError{Field: "/" + msg.Root.Name,
			Message: "upload platforms' orders (CEB311) and payment companies' payments (CEB411); receipts go to /v1/customs/ceb/receipts"})
	}
	entities, orderNos := Entities(msg)
	_, headName := matchEntity(typ)
	now := m.now()
	Mask(msg)
	body, err := Marshal(msg, EncodeOptions{})
	if err != nil {
		return IntakeReport{}, fmt.Errorf("encode the masked %s: %w", typ, err)
	}
	docs := make([]Document, 0, len(entities))
	for i, e := range entities {
		guid := strings.TrimSpace(e.Get(headName + "/guid"))
		if guid == "" || orderNos[i] == "" {
			return IntakeReport{}, postal.Invalid(typ+" names no entity guid or order number",
				postal.FieldError{Field: fmt.Sprintf("/%s/%s[%d]/%s", msg.Root.Name, e.Name, i+1, headName), Message: "guid and orderNo are required"})
		}
		// Scope: an operator limited to offices uploads only for orders of items at them.
		recs, err := m.Store.CEBOrderRecords(ctx, orderNos[i])
		if err != nil {
			return IntakeReport{}, err
		}
		for _, r := range recs {
			if !who.InOffice(r.Office) {
				return IntakeReport{}, postal.Errorf(postal.CodeForbidden, "order %s belongs to item %s cleared at %s, outside the offices of your key",
					postal.Quote(orderNos[i]), r.ItemID, r.Office)
			}
		}
		docs = append(docs, Document{Key: typ + "/" + guid, Message: msg.GUID(), Type: typ, OrderNo: orderNos[i], By: who.KeyID, At: now, Body: string(body)})
	}
	n, err := m.Store.PutCEBDocuments(ctx, docs)
	if err != nil {
		return IntakeReport{}, err
	}
	rep := IntakeReport{Type: typ, Added: n, Orders: []MatchEntry{}}
	seen := map[string]bool{}
	for _, d := range docs {
		if seen[d.OrderNo] {
			continue
		}
		seen[d.OrderNo] = true
		e, err := m.Rematch(ctx, d.OrderNo)
		if err != nil {
			return rep, fmt.Errorf("match order %s: %w", d.OrderNo, err)
		}
		rep.Orders = append(rep.Orders, e)
	}
	return rep, nil
}

// latest returns the entity of the newest body (bodies oldest first) that carries orderNo.
func latestEntity(bodies []string, orderNo string) (*Element, error) {
	for i := len(bodies) - 1; i >= 0; i-- {
		if bodies[i] == "" {
			continue // erased
		}
		msg, err := Parse([]byte(bodies[i]))
		if err != nil {
			return nil, fmt.Errorf("stored message: %w", err)
		}
		es, nos := Entities(msg)
		for j, e := range es {
			if nos[j] == orderNo {
				return e, nil
			}
		}
	}
	return nil, nil
}

// Rematch matches an order's stored documents and updates its queue entry. When the documents
// newly disagree the item is held (document check) with the first difference as reason; when a
// later set agrees the entry is cleared but nothing is released: customs decides.
func (m *Matcher) Rematch(ctx context.Context, orderNo string) (MatchEntry, error) {
	docs, err := m.Store.CEBDocuments(ctx, orderNo)
	if err != nil {
		return MatchEntry{}, err
	}
	recs, err := m.Store.CEBOrderRecords(ctx, orderNo)
	if err != nil {
		return MatchEntry{}, err
	}
	byType := map[string][]string{}
	for _, d := range docs {
		byType[d.Type] = append(byType[d.Type], d.Body)
	}
	e := MatchEntry{OrderNo: orderNo, At: m.now()}
	for _, r := range recs {
		if r.Dir == Out && (r.Type == "CEB511" || r.Type == "CEB621") {
			byType[r.Type] = append(byType[r.Type], r.Body)
			e.ItemID, e.Office = r.ItemID, r.Office
		}
	}
	var set Documents
	for _, x := range []struct {
		typ string
		dst **Element
	}{{"CEB311", &set.Order}, {"CEB411", &set.Payment}, {"CEB511", &set.Waybill}, {"CEB621", &set.Inventory}} {
		if *x.dst, err = latestEntity(byType[x.typ], orderNo); err != nil {
			return MatchEntry{}, fmt.Errorf("%s of order %s: %w", x.typ, orderNo, err)
		}
	}
	e.Result = Match(set)
	e.Result.OrderNo = orderNo
	switch {
	case len(e.Result.Mismatches) > 0:
		e.State = MatchMismatched
	case len(e.Result.Missing) > 0:
		e.State = MatchWaiting
	default:
		e.State = MatchMatched
	}
	prev, err := m.Store.CEBMatch(ctx, orderNo)
	if err != nil && postal.ErrorCode(err) != postal.CodeNotFound {
		return MatchEntry{}, err
	}
	if e.State == MatchMismatched && e.ItemID != "" && (prev.State != MatchMismatched || prev.ItemID == "") {
		e.Note = m.hold(ctx, e)
	} else if e.State == MatchMismatched {
		e.Note = prev.Note
	}
	if err := m.Store.PutCEBMatch(ctx, e); err != nil {
		return MatchEntry{}, err
	}
	return e, nil
}

// hold puts a mismatched order's item on hold; it returns why it could not, if so.
func (m *Matcher) hold(ctx context.Context, e MatchEntry) string {
	if m.Customs == nil {
		return "not held: no customs workflow on this node"
	}
	first := e.Result.Mismatches[0].Check
	reason := fmt.Sprintf("three documents do not match (order %s): %s", e.OrderNo, first)
	if n := len(e.Result.Mismatches); n > 1 {
		reason += fmt.Sprintf(" and %d more", n-1)
	}
	d := customs.Decision{Action: customs.DecideHold, Check: risk.ActionDocumentCheck, Reason: clipRunes(reason, 480)}
	_, err := m.Customs.ApplyAuthority(ctx, e.ItemID, d, "ceb:match", "")
	switch {
	case err == nil, errors.Is(err, customs.ErrAlready):
		return ""
	default:
		return "not held: " + clipRunes(err.Error(), 200)
	}
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Queue returns the matching queue entries in state (all when empty) of the offices in who's scope.
func (m *Matcher) Queue(ctx context.Context, who auth.Principal, state string) ([]MatchEntry, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms) {
		return nil, postal.Errorf(postal.CodeForbidden, "role %s cannot see the matching queue", who.Role)
	}
	switch state {
	case "", MatchWaiting, MatchMismatched, MatchMatched:
	default:
		return nil, postal.Invalid("bad state", postal.FieldError{Field: "state", Message: fmt.Sprintf("%s is not waiting, mismatched or matched", postal.Quote(state))})
	}
	all, err := m.Store.CEBMatches(ctx, state, 500)
	if err != nil {
		return nil, err
	}
	out := []MatchEntry{}
	for _, e := range all {
		if who.InOffice(e.Office) {
			out = append(out, e)
		}
	}
	return out, nil
}

// MatchView is one order's entry with the four documents side by side.
type MatchView struct {
	MatchEntry
	Documents []Document `json:"documents" doc:"The received orders and payments and the post's waybill and inventory, oldest first"`
}

// Order returns an order's entry with its documents.
func (m *Matcher) Order(ctx context.Context, who auth.Principal, orderNo string) (MatchView, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms) {
		return MatchView{}, postal.Errorf(postal.CodeForbidden, "role %s cannot see the matching queue", who.Role)
	}
	e, err := m.Store.CEBMatch(ctx, orderNo)
	if err != nil {
		return MatchView{}, err
	}
	if !who.InOffice(e.Office) {
		return MatchView{}, postal.Errorf(postal.CodeForbidden, "order %s belongs to an item cleared at %s, outside the offices of your key", postal.Quote(orderNo), e.Office)
	}
	v := MatchView{MatchEntry: e}
	if v.Documents, err = m.Store.CEBDocuments(ctx, orderNo); err != nil {
		return v, err
	}
	recs, err := m.Store.CEBOrderRecords(ctx, orderNo)
	if err != nil {
		return v, err
	}
	for _, r := range recs {
		if r.Dir == Out && (r.Type == "CEB511" || r.Type == "CEB621") {
			v.Documents = append(v.Documents, Document{Key: r.Key, Message: r.Key, Type: r.Type, OrderNo: orderNo, At: r.At, Body: r.Body})
		}
	}
	if v.Documents == nil {
		v.Documents = []Document{}
	}
	return v, nil
}

// IsOrderOrPayment reports whether a bare message's root (within its first 512 bytes) is a
// CEB311Message or CEB411Message: what an exchange inbox hands to Intake rather than to
// ApplyReceipts.
func IsOrderOrPayment(data []byte) bool {
	head := data[:min(len(data), 512)]
	return bytes.Contains(head, []byte("CEB311Message")) || bytes.Contains(head, []byte("CEB411Message"))
}
