package server_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
)

// TestCEBMatchingAPI: a platform's order and a payment uploaded for an e-commerce import whose
// waybill and inventory were made; the documents disagree, so the item is held and the queue
// shows the order with its differences; the same upload again stores nothing; bad XML and a
// receipt are refused with element paths.
func TestCEBMatchingAPI(t *testing.T) {
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	e := newCustomsEnvWith(t, app.Options{CEBProfiles: profiles})
	const orderNo = "TMG20261207000123"
	d := declaration("TGMATCH01", func(d map[string]any) {
		d["stream"], d["currency"] = "ecommerce", "CNY"
		delete(d, "express")
		d["ecommerce"] = map[string]any{"platform": "tmall-global", "order_id": orderNo, "model": "B2C", "seller": map[string]any{"name": "Seller", "country": "DE"}}
		d["lines"] = []map[string]any{{"description": "Face cream", "quantity": 1, "net_weight_g": 100, "value": "300.00", "hs_code": "3304990099", "origin_country": "DE"}}
	})
	e.need(e.do("POST", "/v1/declarations", "admin", d), 201, "declare")
	body := map[string]any{"buyer": map[string]any{"idNumber": "110101199001011234", "telephone": "13800000000"}}
	e.need(e.do("POST", "/v1/customs/items/TGMATCH01/ceb", "admin", body), 200, "send")
	var q struct {
		Orders []ceb.MatchEntry `json:"orders"`
	}
	e.need(e.do("GET", "/v1/customs/ceb/matching", "admin", nil), 200, "queue").json(t, &q)
	if len(q.Orders) != 1 || q.Orders[0].State != ceb.MatchWaiting || q.Orders[0].ItemID != "TGMATCH01" {
		t.Fatalf("after sending, the order waits for the platform's documents: %+v", q.Orders)
	}
	order, err := os.ReadFile("../customs/ceb/testdata/ceb311-order.xml")
	if err != nil {
		t.Fatal(err)
	}
	e.need(e.do("POST", "/v1/customs/ceb/documents", "officer", string(order), "Content-Type", "application/xml"), 403, "an officer uploads")
	r := e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", string(order), "Content-Type", "application/xml"), 200, "order")
	var rep ceb.IntakeReport
	r.json(t, &rep)
	if rep.Added != 1 || len(rep.Orders) != 1 || rep.Orders[0].State != ceb.MatchMismatched || len(rep.Orders[0].Result.Mismatches) == 0 {
		t.Fatalf("the testdata order disagrees with the post's inventory: %+v", rep)
	}
	if it, _ := e.app.Store.Item(t.Context(), "TGMATCH01"); it.Status != "held" {
		t.Errorf("a mismatch holds the item: status %s", it.Status)
	}
	r = e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", string(order), "Content-Type", "application/xml"), 200, "order again")
	r.json(t, &rep)
	if rep.Added != 0 || rep.Orders[0].State != ceb.MatchMismatched {
		t.Errorf("the same order again: %+v", rep)
	}
	payment, err := os.ReadFile("../customs/ceb/testdata/ceb411-payment.xml")
	if err != nil {
		t.Fatal(err)
	}
	e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", string(payment), "Content-Type", "application/xml"), 200, "payment")
	var v ceb.MatchView
	e.need(e.do("GET", "/v1/customs/ceb/matching/"+orderNo, "officer", nil), 200, "one order").json(t, &v)
	types := []string{}
	for _, d := range v.Documents {
		types = append(types, d.Type)
		if strings.Contains(d.Body, "110101199001011234") || strings.Contains(d.Body, "13800000000") {
			t.Errorf("%s stored with personal data unmasked", d.Type)
		}
	}
	if strings.Join(types, ",") != "CEB311,CEB411,CEB511,CEB621" || len(v.Result.Missing) != 0 {
		t.Errorf("documents %v, missing %v", types, v.Result.Missing)
	}
	e.need(e.do("GET", "/v1/customs/ceb/matching?state=mismatched", "officer", nil), 200, "mismatched").json(t, &q)
	if len(q.Orders) != 1 {
		t.Errorf("mismatched queue: %+v", q.Orders)
	}
	e.need(e.do("GET", "/v1/customs/ceb/matching?state=matched", "officer", nil), 200, "matched").json(t, &q)
	if len(q.Orders) != 0 {
		t.Errorf("matched queue: %+v", q.Orders)
	}
	bad := strings.Replace(string(order), "<ceb:orderNo>"+orderNo+"</ceb:orderNo>", "", 1)
	r = e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", bad, "Content-Type", "application/xml"), 422, "no order number")
	if !strings.Contains(string(r.body), "OrderHead") {
		t.Errorf("the refusal names no element path: %.400s", r.body)
	}
	receipt, err := os.ReadFile("../customs/ceb/testdata/ceb622-receipt.xml")
	if err != nil {
		t.Fatal(err)
	}
	e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", string(receipt), "Content-Type", "application/xml"), 422, "a receipt")
	e.need(e.do("GET", "/v1/customs/ceb/matching/NOPE", "admin", nil), 404, "unknown order")
}

// TestCEBMatchingClears: the platform's order agrees with the post's waybill and inventory but the
// payment's amount differs: mismatched, held. A corrected payment (new guid) makes the set match:
// the mismatch clears and the item stays held (customs decides).
func TestCEBMatchingClears(t *testing.T) {
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	e := newCustomsEnvWith(t, app.Options{CEBProfiles: profiles})
	const orderNo = "JDW-MATCH-2"
	d := declaration("JDMATCH02", func(d map[string]any) {
		d["stream"], d["currency"] = "ecommerce", "CNY"
		delete(d, "express")
		d["ecommerce"] = map[string]any{"platform": "jd-worldwide", "order_id": orderNo, "model": "B2C", "seller": map[string]any{"name": "Seller", "country": "JP"}}
		d["lines"] = []map[string]any{{"description": "Vitamin tablets", "quantity": 2, "net_weight_g": 200, "value": "120.00", "hs_code": "2106909090", "origin_country": "JP"}}
	})
	e.need(e.do("POST", "/v1/declarations", "admin", d), 201, "declare")
	buyer := ceb.Buyer{IDNumber: "310104199203030000", Telephone: "13700000000"}
	e.need(e.do("POST", "/v1/customs/items/JDMATCH02/ceb", "admin", map[string]any{"buyer": buyer}), 200, "send")
	recs, err := e.app.Store.CEBOrderRecords(t.Context(), orderNo)
	if err != nil || len(recs) != 2 {
		t.Fatalf("the post's messages of the order: %d, %v", len(recs), err)
	}
	var msgs []*ceb.Message
	for _, r := range recs {
		b, err := ceb.Unmasked(r.Body, buyer)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ceb.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	order, payment, err := ceb.PlatformDocuments(msgs[0], msgs[1], "", at)
	if err != nil {
		t.Fatal(err)
	}
	_, wrong, err := ceb.PlatformDocuments(msgs[0], msgs[1], "1.5", at)
	if err != nil {
		t.Fatal(err)
	}
	upload := func(m *ceb.Message, edit func(string) string) ceb.IntakeReport {
		b, err := ceb.Marshal(m, ceb.EncodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if edit != nil {
			s = edit(s)
		}
		var rep ceb.IntakeReport
		e.need(e.do("POST", "/v1/customs/ceb/documents", "admin", s, "Content-Type", "application/xml"), 200, "upload "+m.Type()).json(t, &rep)
		return rep
	}
	if rep := upload(order, nil); rep.Orders[0].State != ceb.MatchWaiting || len(rep.Orders[0].Result.Mismatches) != 0 {
		t.Fatalf("the simulated order should agree with the waybill and inventory: %+v", rep.Orders[0].Result)
	}
	rep := upload(wrong, nil)
	if rep.Orders[0].State != ceb.MatchMismatched || len(rep.Orders[0].Result.Mismatches) != 1 ||
		!strings.Contains(rep.Orders[0].Result.Mismatches[0].Check, "amount paid") {
		t.Fatalf("amount paid differs: %+v", rep.Orders[0])
	}
	if it, _ := e.app.Store.Item(t.Context(), "JDMATCH02"); it.Status != "held" {
		t.Errorf("a mismatch holds the item: status %s", it.Status)
	}
	oldGUID := wrong.Root.Child("Payment").Get("PaymentHead/guid")
	rep = upload(payment, func(s string) string { return strings.Replace(s, oldGUID, "4E1A6C1F-0000-4000-8000-0000000000AA", 1) })
	if rep.Added != 1 || rep.Orders[0].State != ceb.MatchMatched {
		t.Fatalf("the corrected payment matches: %+v", rep)
	}
	if it, _ := e.app.Store.Item(t.Context(), "JDMATCH02"); it.Status != "held" {
		t.Errorf("matching releases nothing by itself: status %s", it.Status)
	}
}

// TestCEBMatchingDemo: the demo's simulated platforms' orders and payments agree with the post's
// messages except the one order whose payment is CNY 10 short, which is held.
func TestCEBMatchingDemo(t *testing.T) {
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	e := newCustomsEnvWith(t, app.Options{CEBProfiles: profiles})
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	cr, err := demo.SeedCEB(t.Context(), e.app.CEB, now)
	if err != nil {
		t.Fatal(err)
	}
	mr, err := demo.SeedCEBMatching(t.Context(), e.app.CEBMatch, now)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, o := range mr.Orders {
		states[o.OrderNo] = o.State
		if o.OrderNo == demo.CEBMismatched && (len(o.Result.Mismatches) != 1 || !strings.Contains(o.Result.Mismatches[0].Check, "amount paid")) {
			t.Errorf("the mismatched demo order: %+v", o.Result)
		}
	}
	if len(mr.Orders) != len(cr.Items) || states[demo.CEBMismatched] != ceb.MatchMismatched {
		t.Fatalf("demo matching states: %v", states)
	}
	for no, st := range states {
		if no != demo.CEBMismatched && st != ceb.MatchMatched {
			t.Errorf("demo order %s is %s, want matched", no, st)
		}
	}
	if it, _ := e.app.Store.Item(t.Context(), cr.Flagged); it.Status != "held" {
		t.Errorf("the mismatched demo item is %s, want held", it.Status)
	}
	again, err := demo.SeedCEBMatching(t.Context(), e.app.CEBMatch, now)
	if err != nil || len(again.Orders) != len(mr.Orders) {
		t.Fatalf("seeding again: %d orders, %v", len(again.Orders), err)
	}
}
