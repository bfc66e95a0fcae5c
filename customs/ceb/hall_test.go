package ceb_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlite"
)

var hallNow = time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)

func newHall(t *testing.T) (*ceb.Hall, store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, _, err := demo.SeedNetwork(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return hallNow }
	svc, err := demo.NewCustoms(st, st, postal.DefaultRates(), clock)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := demo.CEBProfiles()
	if err != nil {
		t.Fatal(err)
	}
	h := &ceb.Hall{Store: st, Customs: svc, Profiles: profiles, Rates: postal.DefaultRates(), Now: clock}
	svc.DecidedElsewhere = h.DecidedByCustoms
	return h, st
}

// TestReceiptSequence plays the simulated responder's receipts on the demo items and reads each
// item's timeline: entered → inspection (held) → released; a return; an unknown status flagged
// and not applied; the same receipt twice changing nothing; a receipt for a message never sent.
func TestReceiptSequence(t *testing.T) {
	ctx := context.Background()
	h, st := newHall(t)
	res, err := demo.SeedCEB(ctx, h, hallNow)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 8 {
		t.Errorf("sent %d messages, want 8 (a CEB511 and a CEB621 per item)", res.Sent)
	}
	timeline := func(id string) string {
		_, evs, err := st.ItemHistory(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, e := range evs {
			b.WriteString(e.Code + " " + e.Reason + "\n")
		}
		return b.String()
	}
	status := func(id string) customs.Status {
		it, err := st.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return it.Status
	}
	tl := timeline(res.Inspected)
	want := "EDB presented to import customs: [SIMULATED customs] 运单已入库\n" +
		"EME held by customs for physical inspection: [SIMULATED customs] 布控查验：品名与实货核对\n" +
		"EDC released by customs; duty due 33.83 CNY: [SIMULATED customs] 查验正常，放行\n"
	if tl != want {
		t.Errorf("timeline of %s:\n%s\nwant like:\n%s", res.Inspected, tl, want)
	}
	if s := status(res.Inspected); s != customs.StatusReleased {
		t.Errorf("%s is %s, want released", res.Inspected, s)
	}
	if s := status(res.Returned); s != customs.StatusReturned {
		t.Errorf("%s is %s, want returned", res.Returned, s)
	}
	if tl := timeline(res.Returned); !strings.Contains(tl, "EDX refused by customs: returned to sender: [SIMULATED customs] 退单") {
		t.Errorf("timeline of %s:\n%s", res.Returned, tl)
	}
	if s := status(res.Flagged); s == customs.StatusReleased || s == customs.StatusReturned {
		t.Errorf("%s is %s: an unknown status must not be applied", res.Flagged, s)
	}
	recs, err := h.Messages(ctx, auth.Principal{Role: auth.RoleAdmin}, res.Flagged)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if last.Status != "950" || !strings.Contains(last.Flag, "unknown returnStatus") {
		t.Errorf("last record of %s = %+v, want the 950 receipt flagged", res.Flagged, last)
	}
	outcomes := map[string]int{}
	for _, rep := range res.Receipts {
		for _, r := range rep.Receipts {
			outcomes[r.Outcome]++
			if rep.Type == "CEB312" && (r.Outcome != ceb.OutcomeFlagged || !strings.Contains(r.Flag, "never sent")) {
				t.Errorf("CEB312 receipt: %+v, want flagged: never sent", r)
			}
		}
	}
	if outcomes[ceb.OutcomeDuplicate] != 1 || outcomes[ceb.OutcomeFlagged] != 2 {
		t.Errorf("outcomes = %v, want 1 duplicate and 2 flagged", outcomes)
	}
	// The delivery status went out for the released items, and its receipt answered it.
	recs, _ = h.Messages(ctx, auth.Principal{Role: auth.RoleAdmin}, "TG20261207001")
	var types []string
	for _, r := range recs {
		types = append(types, r.Type+":"+r.Status)
	}
	if got := strings.Join(types, " "); got != "CEB511:120 CEB621:899 CEB512:120 CEB622:120 CEB622:800 CEB622:899 CEB513:399 CEB514:399" {
		t.Errorf("messages of TG20261207001: %s", got)
	}
	for _, r := range recs {
		if strings.Contains(r.Body, "310101199001010000") || strings.Contains(r.Body, "13900000000") {
			t.Errorf("%s body carries the buyer's identity number or phone unmasked", r.Type)
		}
	}
	// The whole sequence again changes nothing.
	before := timeline(res.Inspected) + timeline(res.Returned)
	for _, data := range res.Uploads {
		rep, err := h.ApplyReceipts(ctx, auth.Principal{Role: auth.RoleAdmin}, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Receipts {
			if r.Outcome != ceb.OutcomeDuplicate {
				t.Errorf("replayed %s: %+v, want duplicate", rep.Type, r)
			}
		}
	}
	if after := timeline(res.Inspected) + timeline(res.Returned); after != before {
		t.Errorf("replaying the receipts changed the timelines:\n%s\nwas\n%s", after, before)
	}
	t.Logf("timeline of %s:\n%s", res.Inspected, timeline(res.Inspected))
}

func TestLimitsAndScope(t *testing.T) {
	ctx := context.Background()
	h, _ := newHall(t)
	admin := auth.Principal{KeyID: "a", Role: auth.RoleAdmin}
	buyer := ceb.Buyer{IDNumber: "310101199001010000", Telephone: "13900000000"}
	declare := func(id, value string, qty int) {
		t.Helper()
		d := customs.Declaration{ID: id, Stream: customs.StreamEcommerce, Direction: customs.Import, Office: "CNSHAA", Category: "sale_of_goods", Currency: "CNY",
			Sender:    customs.Party{Name: "Seller", Address: "1 Street", City: "Berlin", Country: "DE"},
			Addressee: customs.Party{Name: "刘洋", Address: "陕西北路 66 号", City: "Shanghai", Postcode: "200040", Country: "CN"},
			Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "O-" + id, Model: customs.ModelB2C, Seller: customs.Party{Name: "Seller", Country: "DE"}},
			Lines:     []customs.Line{{Description: "Face cream", Quantity: qty, NetWeightG: 100, Value: value, HSCode: "3304990099", OriginCountry: "DE"}}}
		if _, err := h.Customs.Declare(ctx, admin, d); err != nil {
			t.Fatalf("declare %s: %v", id, err)
		}
	}
	declare("TGLIMIT1", "5200.00", 2)
	if _, err := h.Send(ctx, admin, "TGLIMIT1", buyer); !errors.Is(err, ceb.ErrLimit) || !strings.Contains(err.Error(), "5,000 per-transaction") {
		t.Errorf("CNY 5,200 in two units: %v, want the per-transaction limit", err)
	}
	for i, v := range []string{"4900.00", "4900.00", "4900.00", "4900.00", "4900.00"} {
		id := "TGYEAR" + string(rune('A'+i))
		declare(id, v, 1)
		if _, err := h.Send(ctx, admin, id, buyer); err != nil {
			t.Fatalf("send %s: %v", id, err)
		}
	}
	declare("TGYEARF", "2000.00", 1)
	_, err := h.Send(ctx, admin, "TGYEARF", buyer)
	if !errors.Is(err, ceb.ErrLimit) || !strings.Contains(err.Error(), "26,000 annual") || strings.Contains(err.Error(), buyer.IDNumber) {
		t.Errorf("the sixth order: %v, want the annual limit with the identity number masked", err)
	}
	// Resending an item does not count it twice.
	if _, err := h.Send(ctx, admin, "TGYEARA", ceb.Buyer{}); err != nil {
		t.Errorf("resend: %v", err)
	}
	other := auth.Principal{KeyID: "o", Role: auth.RoleOperator, Offices: []string{"CNPEKA"}}
	if _, err := h.Messages(ctx, other, "TGYEARA"); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("operator of another office: %v, want forbidden", err)
	}
	merchant := auth.Principal{KeyID: "m", Role: auth.RoleMerchant}
	if _, err := h.ApplyReceipts(ctx, merchant, []byte("<x/>")); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("merchant uploads a receipt: %v, want forbidden", err)
	}
	if _, err := h.ApplyReceipts(ctx, admin, []byte(`<CEB511Message xmlns="http://www.chinaport.gov.cn/ceb"/>`)); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("not a receipt: %v, want invalid", err)
	}
}

// TestExportHall sends an e-commerce export's CEB505/CEB603 through the hall and makes its
// CEB507 (arrival) and CEB509 (departure) once each, whatever tracking repeats.
func TestExportHall(t *testing.T) {
	ctx := context.Background()
	h, _ := newHall(t)
	admin := auth.Principal{KeyID: "t", Role: auth.RoleAdmin}
	d := customs.Declaration{ID: "LX20261207001CN", Stream: customs.StreamEcommerce, Direction: customs.Export, Office: "CNSHAA",
		Category: "sale_of_goods", Currency: "CNY", GrossWeightG: 350,
		Sender:    customs.Party{Name: "Hangzhou Silk Co", Address: "1 Silk Rd", City: "Hangzhou", Postcode: "310000", Country: "CN"},
		Addressee: customs.Party{Name: "Anna Becker", Address: "Torstr. 1", City: "Berlin", Postcode: "10119", Country: "DE"},
		Ecommerce: &customs.EcommerceInfo{Platform: "tmall-global", OrderID: "EX-10001", Model: customs.ModelB2C,
			Seller: customs.Party{Name: "Hangzhou Silk Co", Country: "CN"}},
		Lines: []customs.Line{{Description: "Silk scarf", Quantity: 2, NetWeightG: 300, Value: "380.00", HSCode: "621410", OriginCountry: "CN"}}}
	if _, err := h.Customs.Declare(ctx, admin, d); err != nil {
		t.Fatal(err)
	}
	if h.DecidedByCustoms(&d) {
		t.Error("exports are decided by the local engine")
	}
	for range 2 {
		recs, err := h.Send(ctx, admin, d.ID, ceb.Buyer{})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 || recs[0].Type != "CEB505" || recs[1].Type != "CEB603" || recs[0].Status != ceb.StatusQueued {
			t.Fatalf("%+v", recs)
		}
	}
	at := hallNow.Add(time.Hour)
	for i, f := range []func(context.Context, string, time.Time) (bool, error){h.Arrived, h.Arrived, h.Departed, h.Departed} {
		made, err := f(ctx, d.ID, at)
		if err != nil || made != (i%2 == 0) {
			t.Errorf("call %d: made %v, %v", i, made, err)
		}
	}
	recs, _ := h.Messages(ctx, admin, d.ID)
	var types []string
	for _, r := range recs {
		types = append(types, r.Type)
		if _, err := ceb.DecodeUnsigned([]byte(r.Body)); err != nil {
			t.Errorf("%s: %v", r.Type, err)
		}
	}
	if got := strings.Join(types, " "); got != "CEB505 CEB603 CEB507 CEB509" {
		t.Errorf("records %s", got)
	}
	// An item without a CEB505 (an import, or never sent) makes nothing.
	if made, err := h.Departed(ctx, "TG20261207001", at); made || err != nil {
		t.Errorf("departure of an import: %v %v", made, err)
	}
}

// TestDemoExport: the demo world's e-commerce export carries its four export messages.
func TestDemoExport(t *testing.T) {
	ctx := context.Background()
	h, _ := newHall(t)
	res, err := demo.SeedCEB(ctx, h, hallNow)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := h.Messages(ctx, auth.Principal{Role: auth.RoleAdmin}, res.Exported)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range recs {
		types = append(types, r.Type)
	}
	if got := strings.Join(types, " "); got != "CEB505 CEB603 CEB507 CEB509" {
		t.Errorf("demo export %s: %s", res.Exported, got)
	}
}
