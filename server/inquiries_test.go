package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/tracking"
)

// TestInquiriesAPI: a merchant's inquiry on an item last received in PL is
// routed to PLPOST, which answers; the merchant's claim is decided from the
// scans with evidence and posted to the ledger; an officer overrides it
// (audited); a buyer asks with the postcode.
func TestInquiriesAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.do("POST", "/v1/shipments", "acme", validBody())
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sh struct{ ID string }
	r.json(t, &sh)
	at := time.Now().UTC().Add(-72 * time.Hour).Truncate(time.Second)
	evs := []tracking.Event{
		{Object: sh.ID, Code: tracking.EMA, Office: "CNXMNA", Time: at, Source: "post"},
		{Object: sh.ID, Code: tracking.EMC, Office: "CNXMNA", Time: at.Add(10 * time.Hour), Source: "post"},
		{Object: sh.ID, Code: tracking.EMD, Office: "PLWAWA", Time: at.Add(30 * time.Hour), Source: "partner:PLPOST"},
	}
	if _, err := e.store.AppendEvents(ctx, evs, at.Add(31*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var in struct {
		ID, State, Owner, Signatory string
		Known                       bool
	}
	open := e.do("POST", "/v1/inquiries", "acme", map[string]any{"item": sh.ID, "note": "buyer asks"})
	if open.status != http.StatusCreated {
		t.Fatalf("open: %d %s", open.status, open.body)
	}
	open.json(t, &in)
	if in.State != "routed" || in.Owner != "post:PLPOST" || !in.Known {
		t.Fatalf("open = %s", open.body)
	}
	if again := e.do("POST", "/v1/inquiries", "acme", map[string]any{"item": sh.ID}); again.status != http.StatusOK || !strings.Contains(string(again.body), in.ID) {
		t.Errorf("again: %d %s", again.status, again.body)
	}
	if r := e.do("POST", "/v1/inquiries", "other", map[string]any{"item": sh.ID}); r.status != http.StatusNotFound {
		t.Errorf("another merchant: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inquiries", "acme", map[string]any{"item": "EE12345"}); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "body.item") {
		t.Errorf("bad id: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/inquiries?state=routed", "partner", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), in.ID) {
		t.Errorf("PLPOST's queue: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/inquiries/"+in.ID+"/answer", "partner", map[string]any{"answer": "lost", "note": "not found after search"}); r.status != http.StatusOK ||
		!strings.Contains(string(r.body), `"partner_answered"`) {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	cl := e.do("POST", "/v1/inquiries/"+in.ID+"/claims", "acme", map[string]any{"kind": "loss", "claimed": "500"})
	if cl.status != http.StatusCreated {
		t.Fatalf("claim: %d %s", cl.status, cl.body)
	}
	var c struct {
		ID, Liable, Amount, Capped string
		Evidence                   []struct{ Code, Office string }
	}
	cl.json(t, &c)
	// ems, 850 g: 40 + 4.50 × 0.85 = 43.83 SDR.
	if c.Liable != "post:PLPOST" || c.Amount != "43.83" || !strings.Contains(c.Capped, "capped") || len(c.Evidence) == 0 || c.Evidence[0].Code != "EMD" {
		t.Errorf("claim = %s", cl.body)
	}
	entries, _, err := e.store.Entries(ctx, accounting.EntryFilter{Kind: accounting.KindCompensation})
	if err != nil || len(entries) != 2 || entries[0].Debtor != "post:PLPOST" || entries[1].Creditor != "merchant:ACME" {
		t.Fatalf("ledger = %+v, %v", entries, err)
	}
	if r := e.do("POST", "/v1/claims/"+c.ID+"/override", "acme", map[string]any{"amount": "1", "reason": "x"}); r.status != http.StatusForbidden {
		t.Errorf("merchant override: %d", r.status)
	}
	ov := e.do("POST", "/v1/claims/"+c.ID+"/override", "admin", map[string]any{"liable": "post:CNPOST", "amount": "30", "reason": "the airline lost the bag"})
	if ov.status != http.StatusOK || !strings.Contains(string(ov.body), `"override":"the airline lost the bag"`) {
		t.Fatalf("override: %d %s", ov.status, ov.body)
	}
	entries, _, _ = e.store.Entries(ctx, accounting.EntryFilter{Kind: accounting.KindCompensation})
	if len(entries) != 4 {
		t.Errorf("after override %d entries, want 4 (reversal of PLPOST's, merchant adjustment)", len(entries))
	}
	audits, err := e.store.AuditEntries(ctx, time.Time{}, time.Now().Add(time.Hour), 0, 100)
	found := false
	for _, a := range audits {
		found = found || a.Operation == "inquiry-claim-override" && strings.Contains(a.Objects, "reason=the airline")
	}
	if err != nil || !found {
		t.Errorf("override not audited: %+v %v", audits, err)
	}
	if r := e.do("GET", "/v1/inquiries/"+in.ID, "acme", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"trail"`) ||
		strings.Count(string(r.body), `"actor"`) != 3 {
		t.Errorf("detail: %d %s", r.status, r.body)
	}

	// The buyer: wrong postcode is one 422; the right one opens the buyer's own inquiry.
	if r := e.do("POST", "/v1/public/inquiries", "", map[string]any{"item": sh.ID, "postcode": "11-111"}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("wrong postcode: %d %s", r.status, r.body)
	}
	pub := e.do("POST", "/v1/public/inquiries", "", map[string]any{"item": sh.ID, "postcode": "00850"})
	if pub.status != http.StatusCreated || !strings.Contains(string(pub.body), `"opened_by":"buyer"`) || strings.Contains(string(pub.body), "merchant") {
		t.Errorf("buyer: %d %s", pub.status, pub.body)
	}
}
