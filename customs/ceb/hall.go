package ceb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// Directions of a stored record.
const (
	Out = "out" // a message the post sent (as logistics or declaring enterprise)
	In  = "in"  // a receipt customs sent back
)

// Status of a sent message before any receipt answers it: generated and handed to the
// transmitter (the E-Port client's outbox).
const StatusQueued = "queued"

// Record is one CEB message of an item as stored: a message the post sent, or a receipt.
type Record struct {
	Key     string    `json:"key" doc:"The message guid (sent), or type/receipt guid/returnStatus/returnTime (receipt)"`
	ItemID  string    `json:"item_id,omitempty"`
	Office  string    `json:"office,omitempty"`
	Type    string    `json:"type" example:"CEB511"`
	Dir     string    `json:"direction" enum:"out,in"`
	Answers string    `json:"answers,omitempty" doc:"Receipt: the guid of the message it answers"`
	Status  string    `json:"status" doc:"Sent: queued or the returnStatus of the latest receipt; receipt: its returnStatus"`
	Meaning string    `json:"meaning,omitempty" doc:"What the status means (official label)"`
	Info    string    `json:"info,omitempty" doc:"Receipt: returnInfo"`
	Action  string    `json:"action,omitempty" doc:"Receipt: the customs action it caused (present, hold, release, seize, return)"`
	Flag    string    `json:"flag,omitempty" doc:"Why the record needs a person: unknown status, no such message sent, not applicable"`
	At      time.Time `json:"at"`
	Body    string    `json:"body,omitempty" doc:"The XML; buyer identity numbers and phones masked"`
	OrderNo string    `json:"order_no,omitempty" doc:"Sent CEB511/621: the platform's order number, the key of the three documents matched"`
}

// BuyerRecord is the personal data a CEB621 needs, kept apart from the declaration and the
// stored messages (which carry it masked), and erased with the customs item.
type BuyerRecord struct {
	ItemID   string
	Office   string
	IDHash   string // sha256 of the normalized identity number: the key of the annual limit
	Buyer    Buyer
	Year     int   // Beijing-time year of the inventory
	TotalFen int64 // the inventory's goods value in CNY fen, counted toward the annual limit
	At       time.Time
}

// Store keeps CEB records and buyers.
type Store interface {
	// PutCEBRecords inserts records; one whose key exists is left as it is. Returns how many were new.
	PutCEBRecords(ctx context.Context, recs []Record) (int, error)
	// CEBRecord returns a record by key, or not_found.
	CEBRecord(ctx context.Context, key string) (Record, error)
	// CEBRecords returns an item's records, oldest first.
	CEBRecords(ctx context.Context, itemID string) ([]Record, error)
	// RecordReceipt stores a receipt and, when answers is not empty, sets the status of the
	// message it answers, in one transaction; false when the receipt's key is already stored.
	RecordReceipt(ctx context.Context, r Record) (bool, error)
	// PutCEBBuyer stores (or replaces) an item's buyer.
	PutCEBBuyer(ctx context.Context, b BuyerRecord) error
	// CEBBuyer returns an item's buyer, or not_found.
	CEBBuyer(ctx context.Context, itemID string) (BuyerRecord, error)
	// CEBBuyerSpent sums TotalFen of the buyer's inventories of year, other items than except.
	CEBBuyerSpent(ctx context.Context, idHash string, year int, except string) (int64, error)
}

// Limits of cross-border e-commerce retail imports per buyer identity, in CNY fen: CNY 5,000 per
// transaction and CNY 26,000 per year since 1 Jan 2019 (Cai Guan Shui [2018] No. 49; sources and
// dates in docs/customs-rules.md).
const (
	TransactionLimitFen = 500000
	AnnualLimitFen      = 2600000
)

// ErrLimit: the inventory would exceed a buyer's limit; nothing was sent.
var ErrLimit = errors.New("cross-border e-commerce limit")

// Hall is the post as logistics (and declaring) enterprise at China's cross-border e-commerce
// clearance: it makes the CEB messages of the items it carries and applies customs' receipts to
// the customs workflow.
type Hall struct {
	Store   Store
	Customs *customs.Service
	// Profiles is the CEB configuration per office of exchange; "*" applies to offices without one.
	Profiles map[string]Profile
	Rates    postal.Rates
	Now      func() time.Time
	// Sent, when set, is told the order numbers of the waybills and inventories Send stored (the
	// three documents matched: Matcher.Rematch).
	Sent func(ctx context.Context, orderNo string) error
}

func (h *Hall) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// Profile returns the office's CEB profile.
func (h *Hall) Profile(office string) (Profile, bool) {
	if p, ok := h.Profiles[office]; ok {
		return p, true
	}
	p, ok := h.Profiles["*"]
	return p, ok
}

// item reads an item for who: admins all, operators and customs officers the items of their offices.
func (h *Hall) item(ctx context.Context, who auth.Principal, id string, roles ...auth.Role) (customs.Item, error) {
	if !who.Is(roles...) {
		return customs.Item{}, postal.Errorf(postal.CodeForbidden, "role %s cannot do this with CEB messages", who.Role)
	}
	it, err := h.Customs.Store.Item(ctx, id)
	if err != nil {
		return customs.Item{}, err
	}
	if who.Role != auth.RoleAdmin && !who.InOffice(it.Declaration.Office) {
		return customs.Item{}, postal.Errorf(postal.CodeForbidden, "item %s is cleared at %s, outside the offices of your key", id, it.Declaration.Office)
	}
	return it, nil
}

// Messages returns an item's CEB messages and receipts, oldest first.
func (h *Hall) Messages(ctx context.Context, who auth.Principal, id string) ([]Record, error) {
	if _, err := h.item(ctx, who, id, auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms); err != nil {
		return nil, err
	}
	recs, err := h.Store.CEBRecords(ctx, id)
	if recs == nil {
		recs = []Record{}
	}
	return recs, err
}

// Send makes the CEB511 waybill and, where the office's profile declares, the CEB621 inventory
// of an e-commerce import item (for an export: the CEB505 waybill and CEB603 inventory), checks the buyer's limits and records them as queued for the
// transmitter. b is the buyer from the platform's order; empty, the stored one is used (a
// resend). Sending twice stores nothing new: the guids derive from the item.
func (h *Hall) Send(ctx context.Context, who auth.Principal, id string, b Buyer) ([]Record, error) {
	it, err := h.item(ctx, who, id, auth.RoleAdmin, auth.RoleOperator)
	if err != nil {
		return nil, err
	}
	d := &it.Declaration
	p, ok := h.Profile(d.Office)
	if !ok {
		return nil, postal.Errorf(postal.CodeInvalid, "office %s has no CEB profile: configure its enterprise codes and DXP id", d.Office)
	}
	if d.Direction == customs.Export {
		return h.sendExport(ctx, d, p)
	}
	if b == (Buyer{}) {
		if br, err := h.Store.CEBBuyer(ctx, id); err == nil {
			b = br.Buyer
		} else if postal.ErrorCode(err) != postal.CodeNotFound {
			return nil, err
		}
	}
	b.IDNumber = strings.ToUpper(strings.TrimSpace(b.IDNumber))
	now := h.now()
	waybill, inv, err := FromDeclaration(d, p, b, h.Rates, now)
	if err != nil {
		var ps Problems
		if errors.As(err, &ps) {
			fe := make([]postal.FieldError, 0, len(ps))
			for _, pr := range ps {
				fe = append(fe, postal.FieldError{Field: pr.Path, Message: pr.Reason})
			}
			return nil, postal.Invalid(fmt.Sprintf("item %s cannot be declared in CEB messages", id), fe...)
		}
		return nil, err
	}
	if inv != nil {
		br, err := h.checkLimits(ctx, id, d.Office, b, inv, now)
		if err != nil {
			return nil, err
		}
		if err := h.Store.PutCEBBuyer(ctx, br); err != nil {
			return nil, err
		}
	}
	var recs []Record
	for _, m := range []*Message{waybill, inv} {
		if m != nil {
			recs = append(recs, h.outRecord(m, id, d.Office, now))
		}
	}
	if _, err := h.Store.PutCEBRecords(ctx, recs); err != nil {
		return nil, err
	}
	if h.Sent != nil && d.Ecommerce != nil && d.Ecommerce.OrderID != "" {
		if err := h.Sent(ctx, d.Ecommerce.OrderID); err != nil {
			return nil, fmt.Errorf("match order %s: %w", d.Ecommerce.OrderID, err)
		}
	}
	return h.Store.CEBRecords(ctx, id)
}

func (h *Hall) outRecord(m *Message, id, office string, at time.Time) Record {
	Mask(m)
	body, _ := Marshal(m, EncodeOptions{})
	r := Record{Key: m.GUID(), ItemID: id, Office: office, Type: m.Type(), Dir: Out, Status: StatusQueued, At: at, Body: string(body)}
	if _, nos := Entities(m); len(nos) > 0 {
		r.OrderNo = nos[0]
	}
	return r
}

// checkLimits checks the buyer's per-transaction and annual limits for inv.
func (h *Hall) checkLimits(ctx context.Context, id, office string, b Buyer, inv *Message, now time.Time) (BuyerRecord, error) {
	var total decimal.Decimal
	units := decimal.Zero
	for _, in := range inv.Inventories() {
		for _, l := range in.Lines {
			v, _ := decimal.NewFromString(string(l.TotalPrice))
			q, _ := decimal.NewFromString(string(l.Qty))
			total, units = total.Add(v), units.Add(q)
		}
	}
	fen := total.Shift(2).Round(0).IntPart()
	year := now.In(China).Year()
	br := BuyerRecord{ItemID: id, Office: office, IDHash: HashID(b.IDNumber), Buyer: b, Year: year, TotalFen: fen, At: now}
	// A single indivisible item above CNY 5,000 may still use the channel (at full duty) and
	// counts toward the annual limit (docs/customs-rules.md).
	if fen > TransactionLimitFen && units.GreaterThan(decimal.NewFromInt(1)) {
		return br, postal.Errorf(postal.CodeInvalid, "item %s: goods worth CNY %s exceed the CNY 5,000 per-transaction limit of cross-border e-commerce retail imports; the inventory was not sent: %w",
			id, Minor(fen, 2), ErrLimit)
	}
	spent, err := h.Store.CEBBuyerSpent(ctx, br.IDHash, year, id)
	if err != nil {
		return br, err
	}
	if spent+fen > AnnualLimitFen {
		return br, postal.Errorf(postal.CodeInvalid, "item %s: the buyer (%s) has declared CNY %s in %d; CNY %s more exceeds the CNY 26,000 annual limit; the inventory was not sent: %w",
			id, MaskID(b.IDNumber), Minor(spent, 2), year, Minor(fen, 2), ErrLimit)
	}
	return br, nil
}

// Delivered makes the CEB513 delivery status (logisticsStatus S) of an item whose CEB511 was
// sent, when tracking says it was signed for. Nothing happens for other items; twice is once.
func (h *Hall) Delivered(ctx context.Context, id string, at time.Time) (bool, error) {
	w, err := h.Store.CEBRecord(ctx, guidFor(id, "511"))
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	p, ok := h.Profile(w.Office)
	if !ok {
		return false, nil
	}
	m := NewDeliveryStatuses(guidFor(id, "513"), p.Transfer, DeliveryStatus{
		Declared:      Declared{GUID: guidFor(id, "513H"), AppTime: at},
		LogisticsCode: p.LogisticsCode, LogisticsName: p.LogisticsName, LogisticsNo: id, LogisticsTime: at,
	})
	if ps := m.ValidateUnsigned(); len(ps) > 0 {
		return false, ps
	}
	n, err := h.Store.PutCEBRecords(ctx, []Record{h.outRecord(m, id, w.Office, h.now())})
	return n > 0, err
}

// Outcomes of one receipt.
const (
	OutcomeApplied   = "applied"   // it changed the customs workflow
	OutcomeRecorded  = "recorded"  // stored; the item already reflected it or it asks for nothing
	OutcomeDuplicate = "duplicate" // the same receipt was applied before: nothing changed
	OutcomeFlagged   = "flagged"   // stored and flagged for a person
)

// ReceiptResult is what became of one receipt entity.
type ReceiptResult struct {
	Key     string `json:"key"`
	ItemID  string `json:"item_id,omitempty"`
	Status  string `json:"return_status"`
	Meaning string `json:"meaning"`
	Outcome string `json:"outcome" enum:"applied,recorded,duplicate,flagged"`
	Action  string `json:"action,omitempty"`
	Flag    string `json:"flag,omitempty"`
}

// ReceiptReport is what an uploaded receipt message did.
type ReceiptReport struct {
	Type     string          `json:"type" example:"CEB622"`
	Receipts []ReceiptResult `json:"receipts"`
	Applied  int             `json:"applied"`
	Flagged  int             `json:"flagged"`
}

// decisionFor maps a returnStatus onto the customs workflow (docs/formats.md, CEB receipts).
func decisionFor(status string) (customs.Decision, bool) {
	switch status {
	case "120", "300":
		return customs.Decision{Action: customs.DecidePresent}, true
	case "500":
		return customs.Decision{Action: customs.DecideHold, Check: risk.ActionPhysicalInspection}, true
	case "800", "899":
		return customs.Decision{Action: customs.DecideRelease}, true
	case "100", "700":
		return customs.Decision{Action: customs.DecideReturn}, true
	case "501", "502", "503", "599":
		return customs.Decision{Action: customs.DecideSeize}, true
	}
	return customs.Decision{}, false
}

// answeredType is the type a receipt answers: CEB512 → CEB511.
func answeredType(typ string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(typ, "CEB"))
	if err != nil {
		return ""
	}
	return strconv.Itoa(n - 1)
}

// receiptItem is the item a receipt entity names: the waybill number, or the enterprise's
// document number (Interpost uses the item id as copNo).
func receiptItem(r Receipt) string {
	for _, k := range []string{"logisticsNo", "copNo"} {
		if v := strings.TrimSpace(r.Key(k)); v != "" {
			return v
		}
	}
	return ""
}

// ApplyReceipts reads a receipt message (bare or in its DxpMsg; prefixed or default namespace)
// and applies each receipt idempotently: its returnStatus moves the item through the customs
// workflow with the returnInfo as reason. An unknown status, a receipt for a message never sent
// or one the item can no longer take is stored and flagged, never dropped; the same receipt
// twice changes nothing. A message that does not validate is refused whole.
func (h *Hall) ApplyReceipts(ctx context.Context, who auth.Principal, data []byte) (ReceiptReport, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return ReceiptReport{}, postal.Errorf(postal.CodeForbidden, "role %s cannot upload CEB receipts", who.Role)
	}
	if IsDxp(data) {
		_, body, err := UnwrapDxp(data)
		if err != nil {
			return ReceiptReport{}, invalid("the DxpMsg envelope is invalid", err)
		}
		data = body
	}
	m, err := DecodeUnsigned(data)
	if err != nil {
		return ReceiptReport{}, invalid("the receipt is invalid", err)
	}
	if !m.Schema.Receipt {
		return ReceiptReport{}, postal.Invalid(m.Type()+" is not a receipt", postal.FieldError{Field: "/" + m.Root.Name,
			Message: "upload receipts (CEB312, CEB512, CEB514, CEB622, …); messages to customs are made by Interpost"})
	}
	rep := ReceiptReport{Type: m.Type(), Receipts: []ReceiptResult{}}
	for _, r := range m.Receipts() {
		res, err := h.applyReceipt(ctx, who, m, r)
		if err != nil {
			return rep, fmt.Errorf("receipt %s: %w", res.Key, err)
		}
		switch res.Outcome {
		case OutcomeApplied:
			rep.Applied++
		case OutcomeFlagged:
			rep.Flagged++
		}
		rep.Receipts = append(rep.Receipts, res)
	}
	return rep, nil
}

func invalid(msg string, err error) error {
	var ps Problems
	if !errors.As(err, &ps) {
		return postal.Invalid(msg, postal.FieldError{Field: "/", Message: err.Error()})
	}
	fe := make([]postal.FieldError, 0, len(ps))
	for _, p := range ps {
		fe = append(fe, postal.FieldError{Field: p.Path, Message: p.Reason})
	}
	return postal.Invalid(msg, fe...)
}

func (h *Hall) applyReceipt(ctx context.Context, who auth.Principal, m *Message, r Receipt) (ReceiptResult, error) {
	typ := m.Type()
	meaning, known := DescribeStatus(r.Status)
	rec := Record{Key: fmt.Sprintf("%s/%s/%s/%d", typ, r.GUID, r.Status, r.Time.UnixMilli()), Type: typ, Dir: In,
		Status: r.Status, Meaning: meaning, Info: r.Info, At: h.now()}
	res := ReceiptResult{Key: rec.Key, Status: r.Status, Meaning: meaning}
	if _, err := h.Store.CEBRecord(ctx, rec.Key); err == nil {
		res.Outcome = OutcomeDuplicate
		return res, nil
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return res, err
	}
	rec.Body = receiptBody(m, r)
	id := receiptItem(r)
	rec.ItemID, res.ItemID = id, id
	flag := func(format string, args ...any) {
		if rec.Flag == "" {
			rec.Flag = fmt.Sprintf(format, args...)
		}
	}
	sent, err := h.Store.CEBRecord(ctx, guidFor(id, answeredType(typ)))
	switch {
	case err == nil:
		rec.Answers, rec.Office = sent.Key, sent.Office
		if who.Role != auth.RoleAdmin && !who.InOffice(sent.Office) {
			return res, postal.Errorf(postal.CodeForbidden, "the receipt answers item %s of %s, outside the offices of your key", id, sent.Office)
		}
	case postal.ErrorCode(err) == postal.CodeNotFound:
		flag("answers a CEB%s for %s that Interpost never sent", answeredType(typ), postal.Quote(id))
	default:
		return res, err
	}
	if !known {
		flag("unknown returnStatus %s: not applied; decide by hand", postal.Quote(r.Status))
	}
	if d, ok := decisionFor(r.Status); ok && rec.Flag == "" {
		d.Reason = typ + " " + r.Status + " " + meaning
		_, err := h.Customs.ApplyAuthority(ctx, id, d, "ceb:"+typ, r.Info)
		switch {
		case err == nil:
			rec.Action = string(d.Action)
		case errors.Is(err, customs.ErrAlready):
		case postal.ErrorCode(err) == postal.CodeConflict || postal.ErrorCode(err) == postal.CodeNotFound:
			flag("%s not applied: %v", d.Action, err)
		default:
			return res, err
		}
	}
	added, err := h.Store.RecordReceipt(ctx, rec)
	if err != nil {
		return res, err
	}
	res.Action, res.Flag = rec.Action, rec.Flag
	switch {
	case !added:
		res.Outcome = OutcomeDuplicate
	case rec.Flag != "":
		res.Outcome = OutcomeFlagged
	case rec.Action != "":
		res.Outcome = OutcomeApplied
	default:
		res.Outcome = OutcomeRecorded
	}
	return res, nil
}

// receiptBody is the XML of one receipt entity as its own message.
func receiptBody(m *Message, r Receipt) string {
	one, err := NewReceipts(m.Type(), m.GUID(), r)
	if err != nil {
		return ""
	}
	b, _ := Marshal(one, EncodeOptions{})
	return string(b)
}

// personal are the elements holding a buyer's identity number or phones.
var personal = map[string]func(string) string{
	"buyerIdNumber": MaskID, "buyerTelephone": MaskPhone, "consigneeTelephone": MaskPhone,
	"payerIdNumber": MaskID, "telephone": MaskPhone,
}

// Mask replaces the buyer's identity number and phones in m by their masked forms.
func Mask(m *Message) {
	var walk func(e *Element)
	walk = func(e *Element) {
		if f, ok := personal[e.Name]; ok && len(e.Children) == 0 {
			e.Text = f(e.Text)
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(m.Root)
}

// MaskID keeps the first 4 and last 4 characters of an identity number: 3101**********0000.
func MaskID(s string) string { return maskKeep(s, 4, 4) }

// MaskPhone keeps the first 3 and last 4 digits of a phone: 139****0000.
func MaskPhone(s string) string { return maskKeep(s, 3, 4) }

func maskKeep(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// HashID is the key of a buyer's annual limit: sha256 of the upper-cased identity number.
func HashID(id string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(id))))
	return hex.EncodeToString(sum[:])
}

// DecidedByCustoms says whether China Customs' CBEC system decides d: an e-commerce import at an
// office with a CEB profile. Set it as customs.Service.DecidedElsewhere so the local risk engine
// never releases such an item alone: its receipts do.
func (h *Hall) DecidedByCustoms(d *customs.Declaration) bool {
	if d.Stream != customs.StreamEcommerce || d.Direction != customs.Import {
		return false
	}
	_, ok := h.Profile(d.Office)
	return ok
}
