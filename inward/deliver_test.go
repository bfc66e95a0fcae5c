package inward_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/tracking"
)

// customsStore looks items up in the customs store, as internal/app does.
type customsLink struct {
	*customs.Service
}

func (c customsLink) Item(ctx context.Context, id string) (customs.Item, error) {
	return c.Store.Item(ctx, id)
}

// clearWorld is a Beijing inward office with import customs on the demo
// rules, and a JP dispatch received and verified.
func clearWorld(t *testing.T) (*inward.Service, *customs.Service, *recorder) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	office := func(code, country, tz string, customs bool) network.Office {
		return network.Office{Code: code, Name: code, Country: country, Kind: network.KindOE, Lat: 1, Lon: 1, TZ: tz, ConnectMin: 120, Customs: customs}
	}
	if err := st.PutOffices(ctx, []network.Office{office("CNPEKA", "CN", "Asia/Shanghai", true), office("CNBJSA", "CN", "Asia/Shanghai", false),
		office("JPTYOA", "JP", "Asia/Tokyo", true)}); err != nil {
		t.Fatal(err)
	}
	e, err := risk.LoadRules("../demo/customs-rules.yaml", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	cs := &customs.Service{Store: st, Offices: st, Country: "CN", Now: clock}
	cs.SetRules(e)
	rec := &recorder{}
	s := &inward.Service{Store: st, Network: st, Country: "CN", Events: rec, Customs: customsLink{cs}, Now: clock}
	if _, err := s.AcceptPredes(ctx, jppost, jpPredes()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: r1, WeightG: 8200}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.OpenReceptacle(ctx, opPEK, r1); err != nil {
		t.Fatal(err)
	}
	for _, it := range []string{"RR123456785JP", "EE123456785JP"} {
		if _, err := s.ScanItem(ctx, opPEK, inward.ItemScan{Item: it, Receptacle: r1}); err != nil {
			t.Fatal(err)
		}
	}
	return s, cs, rec
}

// TestImportClearanceAndDelivery: received items go to the import queue
// with their pre-advised data (or keyed in), released items are handed
// over, arrive, are attempted and delivered; every event joins JPPOST's
// outbox, which JPPOST pulls once; quality facts follow.
func TestImportClearanceAndDelivery(t *testing.T) {
	ctx := context.Background()
	s, cs, rec := clearWorld(t)
	// Scope: a Shanghai operator does not clear Beijing's items.
	if _, err := s.DeclareImport(ctx, opSHA, "RR123456785JP", nil); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("Shanghai operator: %v", err)
	}
	rep, err := s.ClearDispatch(ctx, opPEK, "JPTYOACNPEKAAUN60017")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Declared) != 1 || rep.Declared[0].Item != "RR123456785JP" || rep.Declared[0].Source != inward.SourcePreAdvice ||
		strings.Join(rep.NeedsData, " ") != "EE123456785JP" {
		t.Fatalf("clear dispatch: %+v", rep)
	}
	c := rep.Declared[0]
	if c.Status != customs.StatusReleased || c.Duties == nil || c.Duties.Country != "CN" {
		t.Errorf("green tea worth 3500 JPY: %+v %+v", c, c.Duties)
	}
	if again, err := s.DeclareImport(ctx, opPEK, "RR123456785JP", nil); err != nil || !again.Repeated {
		t.Errorf("declared twice: %+v %v", again, err)
	}
	// The EMS item came without data: refused naming what to key, then keyed.
	if _, err := s.DeclareImport(ctx, opPEK, "EE123456785JP", nil); postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), "key the declaration in") {
		t.Errorf("no data: %v", err)
	}
	keyed := &inward.ImportData{Category: "gift", Currency: "JPY", Sender: customs.Party{Name: "Sato", Country: "JP"},
		Addressee: customs.Party{Name: "Wang Fang", Country: "CN"},
		Lines:     []customs.Line{{Description: "Camera", Quantity: 1, NetWeightG: 900, Value: "180000", HSCode: "852589", OriginCountry: "JP"}}}
	kc, err := s.DeclareImport(ctx, opPEK, "EE123456785JP", keyed)
	if err != nil || kc.Source != inward.SourceKeyed {
		t.Fatalf("keyed: %+v %v", kc, err)
	}
	// Delivery: handover needs the release; steps go forward only.
	del := func(who auth.Principal, sc inward.DeliveryScan) (inward.Delivery, error) {
		return s.ScanDelivery(ctx, who, sc)
	}
	if _, err := del(opPEK, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepArrived, Office: "CNPEKA"}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("arrived before handover: %v", err)
	}
	if _, err := del(opPEK, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepHandover, Office: "CNPEKA"}); postal.ErrorCode(err) != postal.CodeInvalid ||
		!strings.Contains(err.Error(), "next_office") {
		t.Errorf("handover without next office: %v", err)
	}
	if kc.Status != customs.StatusReleased {
		if _, err := del(opPEK, inward.DeliveryScan{Item: "EE123456785JP", Step: inward.StepHandover, Office: "CNPEKA", NextOffice: "CNBJSA"}); postal.ErrorCode(err) != postal.CodeConflict {
			t.Errorf("handover of an item customs holds: %v", err)
		}
	}
	if _, err := del(opPEK, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepHandover, Office: "CNPEKA", NextOffice: "CNBJSA"}); err != nil {
		t.Fatal(err)
	}
	// The delivery office's own operator scans there; Beijing OE's may not.
	opBJS := auth.Principal{KeyID: "d", Role: auth.RoleOperator, Offices: []string{"CNBJSA"}}
	if _, err := del(opPEK, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepArrived, Office: "CNBJSA"}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("OE operator at the delivery office: %v", err)
	}
	s.Now = func() time.Time { return now.Add(20 * time.Hour) }
	if _, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepArrived, Office: "CNBJSA"}); err != nil {
		t.Fatal(err)
	}
	if _, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepAttempt, Office: "CNBJSA", Reason: "nobody"}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("unknown reason: %v", err)
	}
	if _, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepAttempt, Office: "CNBJSA", Reason: "addressee_absent"}); err != nil {
		t.Fatal(err)
	}
	if _, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepDeliver, Office: "CNBJSA"}); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("delivery without signatory: %v", err)
	}
	s.Now = func() time.Time { return now.Add(30 * time.Hour) }
	d, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepDeliver, Office: "CNBJSA", Signatory: "Li Wei"})
	if err != nil || d.Step != inward.StepDeliver {
		t.Fatalf("deliver: %+v %v", d, err)
	}
	if again, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepDeliver, Office: "CNBJSA", Signatory: "Li Wei"}); err != nil || !again.Repeated {
		t.Errorf("delivered twice: %+v %v", again, err)
	}
	if _, err := del(opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepReturn, Office: "CNBJSA", Reason: "refused"}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("return after delivery: %v", err)
	}
	var codes []string
	for _, e := range rec.events {
		if e.Object == "RR123456785JP" {
			codes = append(codes, string(e.Code))
		}
	}
	if got := strings.Join(codes, " "); got != "EMD EDB EDC EMF EMG EMH EMI" {
		t.Errorf("tracking events: %s", got)
	}
	// JPPOST pulls its events; KRPOST may not; a second pull is empty.
	if _, err := s.PullEvents(ctx, krpost, "JPPOST"); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("KRPOST pulling JPPOST's events: %v", err)
	}
	s.Now = func() time.Time { return now.Add(31 * time.Hour) }
	b, err := s.PullEvents(ctx, jppost, "JPPOST")
	if err != nil || b.Ref == "" || len(b.Events) < 8 || !strings.HasPrefix(string(b.Text), "HDR|EMSEVT|3|CNPOST|JPPOST|") ||
		!strings.Contains(string(b.Text), "EVT|RR123456785JP|EMI|CNBJSA|") {
		t.Fatalf("pull: %v %+v\n%s", err, b, b.Text)
	}
	if b2, err := s.PullEvents(ctx, jppost, "JPPOST"); err != nil || len(b2.Events) != 0 {
		t.Errorf("second pull: %+v %v", b2, err)
	}
	qs, err := s.Qualities(ctx, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var q inward.Quality
	for _, x := range qs {
		if x.Item == "RR123456785JP" {
			q = x
		}
	}
	if q.Partner != "JPPOST" || !q.WithinStandard || !q.Final.Equal(now.Add(20*time.Hour)) || !q.ArrivalSent.Equal(now.Add(31*time.Hour)) ||
		!q.FinalSent.Equal(now.Add(31*time.Hour)) {
		t.Errorf("quality: %+v", q)
	}
	_ = cs
	_ = tracking.EMD
}

// TestReturnToOrigin: after an attempt an item goes back to its origin
// office, once.
func TestReturnToOrigin(t *testing.T) {
	ctx := context.Background()
	s, _, _ := clearWorld(t)
	if _, err := s.DeclareImport(ctx, opPEK, "RR123456785JP", nil); err != nil {
		t.Fatal(err)
	}
	opBJS := auth.Principal{KeyID: "d", Role: auth.RoleOperator, Offices: []string{"CNBJSA", "CNPEKA"}}
	for _, sc := range []inward.DeliveryScan{
		{Step: inward.StepHandover, Office: "CNPEKA", NextOffice: "CNBJSA"},
		{Step: inward.StepArrived, Office: "CNBJSA"},
	} {
		sc.Item = "RR123456785JP"
		if _, err := s.ScanDelivery(ctx, opBJS, sc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ScanDelivery(ctx, opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepReturn, Office: "CNBJSA", Reason: "refused"}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("return before an attempt: %v", err)
	}
	if _, err := s.ScanDelivery(ctx, opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepAttempt, Office: "CNBJSA", Reason: "refused"}); err != nil {
		t.Fatal(err)
	}
	d, err := s.ScanDelivery(ctx, opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepReturn, Office: "CNBJSA", Reason: "refused by addressee"})
	if err != nil || d.Return == nil || d.Return.Origin != "JPTYOA" || d.Return.Partner != "JPPOST" {
		t.Fatalf("return: %+v %v", d, err)
	}
	if again, err := s.ScanDelivery(ctx, opBJS, inward.DeliveryScan{Item: "RR123456785JP", Step: inward.StepReturn, Office: "CNBJSA", Reason: "x"}); err != nil || !again.Repeated {
		t.Errorf("return twice: %+v %v", again, err)
	}
}
