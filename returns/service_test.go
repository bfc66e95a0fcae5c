package returns_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/tracking"
)

var t0 = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

type memStore struct{ rs map[string]returns.Return }

var _ returns.Store = (*memStore)(nil)

func (m *memStore) CreateReturn(_ context.Context, r returns.Return) (returns.Return, bool, error) {
	if got, ok := m.rs[r.ID]; ok {
		return got, false, nil
	}
	m.rs[r.ID] = r
	return r, true, nil
}

func (m *memStore) Return(_ context.Context, id string) (returns.Return, error) {
	r, ok := m.rs[id]
	if !ok {
		return r, postal.Errorf(postal.CodeNotFound, "no return %s", id)
	}
	return r, nil
}

func (m *memStore) Returns(context.Context, returns.Filter) ([]returns.Return, error) {
	var out []returns.Return
	for _, r := range m.rs {
		out = append(out, r)
	}
	return out, nil
}

func (m *memStore) UpdateReturn(_ context.Context, r returns.Return) error {
	m.rs[r.ID] = r
	return nil
}
func (m *memStore) RestockReturn(_ context.Context, r returns.Return) error {
	m.rs[r.ID] = r
	return nil
}

type world struct {
	events []tracking.Event
	posted []accounting.ReturnFact
}

func (w *world) EventsOf(_ context.Context, obj string) ([]tracking.Stored, error) {
	var out []tracking.Stored
	for _, e := range w.events {
		if e.Object == obj {
			out = append(out, tracking.Stored{Event: e})
		}
	}
	return out, nil
}

func (w *world) Record(_ context.Context, es ...tracking.Event) error {
	w.events = append(w.events, es...)
	return nil
}

func (w *world) PostReturn(_ context.Context, f accounting.ReturnFact) (accounting.Entry, error) {
	w.posted = append(w.posted, f)
	return accounting.Entry{Charge: accounting.Charge{Debtor: f.Debtor, Amount: decimal.RequireFromString("13.35"), Currency: "CNY"}}, nil
}

const ours, theirs = "EE123456785CN", "RR123456785JP"

func newService(w *world) *returns.Service {
	return &returns.Service{Store: &memStore{rs: map[string]returns.Return{}}, Scans: w, Events: w, Ledger: w, Country: "CN",
		Now: func() time.Time { return t0 },
		Items: func(_ context.Context, item string) (returns.Facts, bool, error) {
			if item != ours {
				return returns.Facts{}, false, nil
			}
			return returns.Facts{Merchant: "ACME", Product: "ems", WeightG: 850, OriginOffice: "CNXMNA", Dest: "PL"}, true, nil
		},
		Catalog: func(_ context.Context, wh, merchant string, skus []string) (string, error) {
			for i, s := range skus {
				if s != "TEA-1" {
					return "", postal.Invalid("unknown SKU", postal.FieldError{Field: "lines[" + string(rune('0'+i)) + "].sku", Message: s})
				}
			}
			return wh, nil
		}}
}

func TestToOriginChargesTheOriginPostOnce(t *testing.T) {
	w := &world{}
	svc := newService(w)
	in := returns.InboundReturn{Item: theirs, Partner: "JPPOST", Office: "CNXMND", Origin: "JPTYOA", Reason: "refused by the addressee", At: t0}
	r, err := svc.ToOrigin(context.Background(), in)
	if err != nil || r.ID != "RET-"+theirs || r.Kind != returns.KindUndeliverable || r.Direction != returns.ToOrigin || r.ChargeDebtor != "post:JPPOST" || r.Charge != "13.35" {
		t.Fatalf("ToOrigin = %+v, %v", r, err)
	}
	in.Customs = true
	if again, err := svc.ToOrigin(context.Background(), in); err != nil || again.Kind != returns.KindUndeliverable || len(w.posted) != 1 {
		t.Fatalf("ToOrigin again = %+v, %v, %d charges; want the first, charged once", again, err, len(w.posted))
	}
	// Its way back is read from the scans after the decision.
	w.events = append(w.events, tracking.Event{Object: theirs, Code: tracking.EMB, Office: "CNXMNA", Time: t0.Add(time.Hour)},
		tracking.Event{Object: theirs, Code: tracking.EMC, Office: "CNXMNA", Time: t0.Add(5 * time.Hour)})
	if got, err := svc.Get(context.Background(), auth.Principal{Role: auth.RolePartner, Partner: "JPPOST"}, theirs); err != nil || got.Status != returns.StatusDeparted {
		t.Fatalf("Get = %+v, %v; want departed", got, err)
	}
	if _, err := svc.Get(context.Background(), auth.Principal{Role: auth.RolePartner, Partner: "KRPOST"}, theirs); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Fatalf("another post reading it: %v", err)
	}
}

func TestRecall(t *testing.T) {
	ctx := context.Background()
	acme := auth.Principal{Role: auth.RoleMerchant, Merchant: "ACME"}
	for _, tc := range []struct {
		name   string
		events []tracking.Event
		who    auth.Principal
		reason string
		code   postal.Code
		status returns.Status
	}{
		{name: "not departed: taken out at once", events: []tracking.Event{{Object: ours, Code: tracking.EMA, Office: "CNXMNA", Time: t0.Add(-time.Hour)}},
			who: acme, reason: "buyer cancelled", status: returns.StatusReceived},
		{name: "departed: requested", events: []tracking.Event{{Object: ours, Code: tracking.EMC, Office: "CNXMNA", Time: t0.Add(-time.Hour)}},
			who: acme, reason: "buyer cancelled", status: returns.StatusRequested},
		{name: "delivered", events: []tracking.Event{{Object: ours, Code: tracking.EMI, Office: "PLWAWA", Time: t0.Add(-time.Hour)}},
			who: acme, reason: "buyer cancelled", code: postal.CodeConflict},
		{name: "another merchant", who: auth.Principal{Role: auth.RoleMerchant, Merchant: "OTHER"}, reason: "x", code: postal.CodeNotFound},
		{name: "a partner", who: auth.Principal{Role: auth.RolePartner, Partner: "PLPOST"}, reason: "x", code: postal.CodeForbidden},
		{name: "no reason", who: acme, code: postal.CodeInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &world{events: tc.events}
			svc := newService(w)
			r, err := svc.Recall(ctx, tc.who, returns.Request{Item: ours, Reason: tc.reason})
			if tc.code != "" {
				if postal.ErrorCode(err) != tc.code {
					t.Fatalf("Recall = %+v, %v; want %s", r, err, tc.code)
				}
				return
			}
			if err != nil || r.Status != tc.status || r.Kind != returns.KindMerchant {
				t.Fatalf("Recall = %+v, %v; want %s", r, err, tc.status)
			}
			if tc.status == returns.StatusRequested {
				if len(w.posted) != 0 || len(w.events) != len(tc.events) {
					t.Fatalf("a requested recall charged %d, recorded %d events", len(w.posted), len(w.events)-len(tc.events))
				}
				return
			}
			last := w.events[len(w.events)-1]
			if last.Code != tracking.EXX || !strings.Contains(last.Reason, r.ID) || r.ChargeDebtor != "merchant:ACME" {
				t.Fatalf("recall event %+v, return %+v", last, r)
			}
		})
	}
}

func TestRestockChecksTheInspection(t *testing.T) {
	ctx := context.Background()
	w := &world{events: []tracking.Event{{Object: ours, Code: tracking.EMA, Office: "CNXMNA", Time: t0.Add(-time.Hour)}}}
	svc := newService(w)
	admin := auth.Principal{Role: auth.RoleAdmin}
	r, err := svc.Recall(ctx, admin, returns.Request{Item: ours, Reason: "wrong item packed"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []returns.Inspection{
		{Lines: []returns.Line{{SKU: "TEA-1", Resaleable: 1}}},
		{Warehouse: "CNHGSW"},
		{Warehouse: "CNHGSW", Lines: []returns.Line{{SKU: "TEA-1"}}},
		{Warehouse: "CNHGSW", Lines: []returns.Line{{SKU: "TEA-1", Resaleable: 1}, {SKU: "TEA-1", Damaged: 1}}},
		{Warehouse: "CNHGSW", Lines: []returns.Line{{SKU: "NOPE", Resaleable: 1}}},
	} {
		if _, err := svc.Restock(ctx, admin, r.ID, bad); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("Restock(%+v) = %v, want invalid", bad, err)
		}
	}
	if _, err := svc.Restock(ctx, auth.Principal{Role: auth.RoleOperator, Offices: []string{"CNXMNA"}}, r.ID,
		returns.Inspection{Warehouse: "CNHGSW", Lines: []returns.Line{{SKU: "TEA-1", Resaleable: 2, Damaged: 1}}}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("an operator of another office restocking: %v", err)
	}
	got, err := svc.Restock(ctx, admin, r.ID, returns.Inspection{Warehouse: "cnhgsw", Lines: []returns.Line{{SKU: "TEA-1", Resaleable: 2, Damaged: 1}}})
	if err != nil || got.Status != returns.StatusRestocked || got.Warehouse != "CNHGSW" {
		t.Fatalf("Restock = %+v, %v", got, err)
	}
	if last := w.events[len(w.events)-1]; last.Code != tracking.EMI || last.Office != "CNHGSW" {
		t.Errorf("restock event %+v, want EMI at the warehouse", last)
	}
	if _, err := svc.Deliver(ctx, admin, r.ID, returns.Handover{Office: "CNXMNA", Signatory: "x"}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("handing back a restocked return: %v", err)
	}
}
