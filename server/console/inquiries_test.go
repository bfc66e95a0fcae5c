package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/sqlstore"
	"github.com/interpost/interpost/tracking"
)

// TestInquiryDesk: the desk opens an inquiry in one click (answered from
// the scans), shows the timeline beside it, and proposes liability with
// its evidence; in Chinese too.
func TestInquiryDesk(t *testing.T) {
	ctx := context.Background()
	var st store.Store
	tc := newTestConsoleWith(t, func(s *sqlstore.Store, cfg *Config) {
		st = s
		cfg.Tracking = &tracking.Service{Store: s, Offices: s}
		cfg.Inquiry = &inquiry.Service{Store: s, Scans: s, Rules: inquiry.DefaultRules(), Country: "CN",
			Items: func(ctx context.Context, id string) (inquiry.Facts, bool, error) {
				sh, err := s.Shipment(ctx, postal.S10(id))
				if err != nil {
					return inquiry.Facts{}, false, nil
				}
				return inquiry.Facts{Merchant: sh.Merchant, Product: sh.Product, WeightG: sh.WeightG, CreatedAt: sh.CreatedAt}, true, nil
			}}
	})
	sh, _, err := st.CreateShipment(ctx, newShipmentForTest())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	if _, err := st.AppendEvents(ctx, []tracking.Event{
		{Object: string(sh.ID), Code: tracking.EMA, Office: "CNXMNA", Time: at, Source: "post"},
		{Object: string(sh.ID), Code: tracking.EMC, Office: "CNXMNA", Time: at.Add(5 * time.Hour), Source: "post"},
		{Object: string(sh.ID), Code: tracking.EMD, Office: "PLWAWA", Time: at.Add(20 * time.Hour), Source: "partner:PLPOST"},
		{Object: string(sh.ID), Code: tracking.EMI, Office: "PLWAWA", Time: at.Add(30 * time.Hour), Source: "partner:PLPOST", Signatory: "A. Nowak"},
	}, at.Add(31*time.Hour)); err != nil {
		t.Fatal(err)
	}
	cookies, token := tc.signIn(t, "admin")
	resp, page := tc.do(t, "GET", "/console/inquiries", nil, cookies)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="inquiry-open"`) {
		t.Fatalf("queue = %d", resp.StatusCode)
	}
	if resp, page := tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {token}, "item": {"EE1"}}, cookies); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(page, `id="inquiry-error"`) {
		t.Errorf("bad id = %d", resp.StatusCode)
	}
	resp, _ = tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {token}, "item": {string(sh.ID)}}, cookies)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/inquiries/Q") {
		t.Fatalf("open = %d %s", resp.StatusCode, loc)
	}
	path := strings.TrimSuffix(loc, "#main")
	resp, page = tc.do(t, "GET", path, nil, cookies)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="inquiry-answer"`) || !strings.Contains(page, "A. Nowak") || !strings.Contains(page, `id="timeline"`) {
		t.Fatalf("inquiry page = %d\n%s", resp.StatusCode, page)
	}
	resp, _ = tc.do(t, "POST", path+"/claims", url.Values{"csrf": {token}, "kind": {"damage"}, "currency": {"EUR"}}, cookies)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim = %d", resp.StatusCode)
	}
	_, page = tc.do(t, "GET", path, nil, cookies, "Accept-Language", "zh-CN")
	if !strings.Contains(page, "post:PLPOST") || !strings.Contains(page, "扫描证据") || !strings.Contains(page, "<span class=\"code strong\">EMI</span>") {
		t.Errorf("claim with evidence in Chinese missing:\n%s", page)
	}
	// Paid in euros: both amounts, the rate and its date.
	if !strings.Contains(page, " EUR</strong>") || !strings.Contains(page, "（2026-11-02 汇率表）") {
		t.Errorf("claim paid in EUR missing (zh-CN):\n%s", page)
	}
	if _, page = tc.do(t, "GET", path, nil, cookies); !strings.Contains(page, "EUR per SDR (rates of 2026-11-02)") {
		t.Errorf("claim paid in EUR missing (en):\n%s", page)
	}
}

func newShipmentForTest() acceptance.NewShipment {
	return acceptance.NewShipment{Shipment: acceptance.Shipment{Merchant: "ACME", Product: "ems", Status: acceptance.StatusCreated, OriginOffice: "CNXMNA",
		Sender:    acceptance.Party{Name: "Xiamen Tea Co", Address: "1 Hubin Rd", City: "Xiamen", Country: "CN"},
		Addressee: acceptance.Party{Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"},
		WeightG:   850, DimensionsMM: []int{300, 200, 100}, CreatedAt: time.Now().UTC().Add(-72 * time.Hour)},
		Indicators: []string{"EE"}, Country: "CN"}
}

// TestClaimList: the claims page lists a merchant's own claims only, newest
// first, with the item, kind, inquiry state, decision and the compensation
// in the claimant's currency; another merchant's inquiry is not found
// (neither its page nor a claim on it); staff see every claim; customs
// officers may not open the page.
func TestClaimList(t *testing.T) {
	ctx := context.Background()
	var st store.Store
	now := time.Now().UTC().Truncate(time.Second)
	tick := now
	tc := newTestConsoleWith(t, func(s *sqlstore.Store, cfg *Config) {
		st = s
		cfg.Tracking = &tracking.Service{Store: s, Offices: s}
		cfg.Inquiry = &inquiry.Service{Store: s, Scans: s, Rules: inquiry.DefaultRules(), Country: "CN",
			Now: func() time.Time { tick = tick.Add(time.Minute); return tick },
			Items: func(ctx context.Context, id string) (inquiry.Facts, bool, error) {
				sh, err := s.Shipment(ctx, postal.S10(id))
				if err != nil {
					return inquiry.Facts{}, false, nil
				}
				f := inquiry.Facts{Merchant: sh.Merchant, Product: sh.Product, WeightG: sh.WeightG, CreatedAt: sh.CreatedAt}
				if sh.Insured != nil {
					f.InsuredSDR = decimal.RequireFromString(sh.Insured.ValueSDR)
				}
				return f, true, nil
			}}
	})
	if err := st.PutMerchant(ctx, acceptance.Merchant{Code: "OTHER", Name: "Other", Office: "CNXMNA", Country: "CN", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	// The merchant's item is insured: its unsigned handover is flagged.
	ins := newShipmentForTest()
	ins.Shipment.Insured = &acceptance.Insurance{Value: "300.00", Currency: "USD", ValueSDR: "219.78", RatesOf: "2026-11-02"}
	mine, _, err := st.CreateShipment(ctx, ins)
	if err != nil {
		t.Fatal(err)
	}
	ns := newShipmentForTest()
	ns.Shipment.Merchant = "OTHER"
	theirs, _, err := st.CreateShipment(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	at := now.Add(-48 * time.Hour)
	for _, id := range []postal.S10{mine.ID, theirs.ID} {
		if _, err := st.AppendEvents(ctx, []tracking.Event{
			{Object: string(id), Code: tracking.EMA, Office: "CNXMNA", Time: at, Source: "post"},
			{Object: string(id), Code: tracking.EMC, Office: "CNXMNA", Time: at.Add(5 * time.Hour), Source: "post"},
			{Object: string(id), Code: tracking.EMD, Office: "PLWAWA", Time: at.Add(20 * time.Hour), Source: "partner:PLPOST"},
		}, at.Add(21*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	// The desk opens an inquiry on the other merchant's item and claims.
	admin, adminToken := tc.signIn(t, "admin")
	resp, _ := tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {adminToken}, "item": {string(theirs.ID)}}, admin)
	theirPath := strings.TrimSuffix(resp.Header.Get("Location"), "#main")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open theirs = %d", resp.StatusCode)
	}
	if resp, _ := tc.do(t, "POST", theirPath+"/claims", url.Values{"csrf": {adminToken}, "kind": {"loss"}}, admin); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim theirs = %d", resp.StatusCode)
	}
	// The merchant opens an inquiry on its own item and claims, paid in euros.
	merchant, token := tc.signIn(t, "merchant")
	resp, _ = tc.do(t, "POST", "/console/inquiries", url.Values{"csrf": {token}, "item": {string(mine.ID)}}, merchant)
	myPath := strings.TrimSuffix(resp.Header.Get("Location"), "#main")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(myPath, "/console/inquiries/Q") {
		t.Fatalf("open mine = %d %s", resp.StatusCode, myPath)
	}
	for _, kind := range []string{"damage", "loss"} {
		if resp, page := tc.do(t, "POST", myPath+"/claims", url.Values{"csrf": {token}, "kind": {kind}, "currency": {"EUR"}}, merchant); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim mine (%s) = %d\n%s", kind, resp.StatusCode, page)
		}
	}
	// The insured item's inquiry: the arrival in PL (a receipt by another
	// post) was not signed — marked on the timeline and in the evidence;
	// the shipment page marks it too.
	_, page := tc.do(t, "GET", myPath, nil, merchant)
	if n := strings.Count(page, "insured: handover without signature"); n < 3 || !strings.Contains(page, `class="pill danger unsigned-handover"`) {
		t.Errorf("unsigned handover marked %d times on the insured item's inquiry (timeline + two claims' evidence):\n%s", n, page)
	}
	if _, page := tc.do(t, "GET", "/console/shipments/"+string(mine.ID), nil, merchant, "Accept-Language", "zh-CN"); !strings.Contains(page, "保价邮件：交接无签收") {
		t.Errorf("shipment page lacks the unsigned handover (zh-CN):\n%s", page)
	}
	if _, page := tc.do(t, "GET", theirPath, nil, admin); strings.Contains(page, "unsigned-handover") {
		t.Errorf("an uninsured item's handover is flagged:\n%s", page)
	}
	// Another merchant's inquiry: not found, and no claim on it.
	if resp, _ := tc.do(t, "GET", theirPath, nil, merchant); resp.StatusCode != http.StatusNotFound {
		t.Errorf("their inquiry for the merchant = %d, want 404", resp.StatusCode)
	}
	if resp, _ := tc.do(t, "POST", theirPath+"/claims", url.Values{"csrf": {token}, "kind": {"damage"}}, merchant); resp.StatusCode != http.StatusNotFound {
		t.Errorf("claim on their inquiry by the merchant = %d, want 404", resp.StatusCode)
	}
	resp, page = tc.do(t, "GET", "/console/claims", nil, merchant)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("claims page = %d", resp.StatusCode)
	}
	if strings.Contains(page, string(theirs.ID)) || strings.Contains(page, "OTHER") {
		t.Errorf("the merchant sees another merchant's claim:\n%s", page)
	}
	loss, damage := strings.Index(page, `data-claim="`+inquiry.ClaimID(strings.TrimPrefix(myPath, "/console/inquiries/"), inquiry.ClaimLoss)),
		strings.Index(page, `data-claim="`+inquiry.ClaimID(strings.TrimPrefix(myPath, "/console/inquiries/"), inquiry.ClaimDamage))
	if loss < 0 || damage < 0 || loss > damage {
		t.Errorf("want the loss claim (newer) before the damage claim: loss at %d, damage at %d\n%s", loss, damage, page)
	}
	for _, want := range []string{`href="` + myPath + `#claims"`, string(mine.ID), " EUR</strong>", "SDR", "post:PLPOST is liable", ">Loss<", ">Damage<"} {
		if !strings.Contains(page, want) {
			t.Errorf("claims page lacks %q:\n%s", want, page)
		}
	}
	if _, page := tc.do(t, "GET", "/console/claims", nil, merchant, "Accept-Language", "zh-CN"); !strings.Contains(page, "post:PLPOST 承担责任") || !strings.Contains(page, "最新判定在前") {
		t.Errorf("claims page in Chinese:\n%s", page)
	}
	// Staff see both merchants' claims, with the merchant.
	if _, page := tc.do(t, "GET", "/console/claims", nil, admin); !strings.Contains(page, string(theirs.ID)) || !strings.Contains(page, string(mine.ID)) || !strings.Contains(page, ">OTHER<") {
		t.Errorf("staff claims page lacks a claim:\n%s", page)
	}
	customs, _ := tc.signIn(t, "customs")
	if resp, _ := tc.do(t, "GET", "/console/claims", nil, customs); resp.StatusCode != http.StatusForbidden {
		t.Errorf("claims page for customs = %d, want 403", resp.StatusCode)
	}
}
