package inward_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

type recorder struct{ events []tracking.Event }

func (r *recorder) Record(_ context.Context, es ...tracking.Event) error {
	r.events = append(r.events, es...)
	return nil
}

const (
	r1    = "JPTYOACNPEKAAUN60017001000082"
	r2    = "JPTYOACNPEKAAUN60017002100040"
	extra = "JPTYOACNPEKAAUN60017003000050"
)

func TestReceiveAndVerify(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	rec := &recorder{}
	s.Events = rec
	if _, err := s.AcceptPredes(ctx, jppost, jpPredes()); err != nil {
		t.Fatal(err)
	}
	// Another office's operator may not scan at Beijing.
	if _, err := s.ScanReceptacle(ctx, opSHA, inward.ReceptacleScan{Receptacle: r1, Office: "CNPEKA", WeightG: 8200}); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("Shanghai operator at Beijing: %v", err)
	}
	if _, err := s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: r1, WeightG: 8200, Flags: []string{"torn"}}); postal.ErrorCode(err) != postal.CodeInvalid ||
		!strings.Contains(err.Error(), "flags[0]") {
		t.Errorf("unknown flag: %v", err)
	}
	// Overweight (8.2 kg advised, 8.9 kg found: tolerance 410 g) and seal broken.
	res, err := s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: r1, WeightG: 8900, Flags: []string{inward.FlagSealBroken}})
	if err != nil {
		t.Fatal(err)
	}
	if kinds(res.Discrepancies) != "weight seal_broken" || res.Receptacle.ReceivedWeightG != 8900 || res.Receptacle.Status != inward.StatusReceived {
		t.Errorf("scan r1: %s %+v", kinds(res.Discrepancies), res.Receptacle)
	}
	if again, err := s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: r1, WeightG: 8900}); err != nil || !again.Repeated {
		t.Errorf("second scan: %+v %v", again, err)
	}
	// Within tolerance: no discrepancy, but a receptacle nobody advised is.
	res, err = s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: extra})
	if err != nil || kinds(res.Discrepancies) != "not_advised_receptacle" || res.Receptacle.ReceivedWeightG != 5000 {
		t.Errorf("not advised: %+v %v", res, err)
	}
	if _, err := s.ScanItem(ctx, opPEK, inward.ItemScan{Item: "RR123456785JP", Receptacle: r1}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("item scan before opening: %v", err)
	}
	if _, items, err := s.OpenReceptacle(ctx, opPEK, r1); err != nil || len(items) != 2 {
		t.Fatalf("open: %v %v", items, err)
	}
	res, err = s.ScanItem(ctx, opPEK, inward.ItemScan{Item: "RR123456785JP", Receptacle: r1, WeightG: 260})
	if err != nil || !res.OK() {
		t.Errorf("listed item: %+v %v", res, err)
	}
	if again, err := s.ScanItem(ctx, opPEK, inward.ItemScan{Item: "RR123456785JP", Receptacle: r1}); err != nil || !again.Repeated {
		t.Errorf("item twice: %+v %v", again, err)
	}
	res, err = s.ScanItem(ctx, opPEK, inward.ItemScan{Item: "RR876543216JP", Receptacle: r1, Condition: inward.ConditionRifled})
	if err != nil || kinds(res.Discrepancies) != "registered_unlisted rifled_item" {
		t.Errorf("unlisted registered item: %+v %v", res, err)
	}
	s.Now = func() time.Time { return now.Add(time.Hour) }
	n, err := s.Close(ctx, opPEK, "JPTYOACNPEKAAUN60017")
	if err != nil {
		t.Fatal(err)
	}
	want := "weight seal_broken not_advised_receptacle registered_unlisted rifled_item missing_receptacle missing_item"
	if kinds(n.Discrepancies) != want {
		t.Errorf("note discrepancies\n got %s\nwant %s", kinds(n.Discrepancies), want)
	}
	text := string(n.Reply.Text)
	for _, w := range []string{r1 + ":received", r2 + ":missing", extra + ":not_advised"} {
		id, st, _ := strings.Cut(w, ":")
		if !strings.Contains(text, id) || !strings.Contains(text, st) {
			t.Errorf("RESDES lacks %s %s:\n%s", id, st, text)
		}
	}
	if n.Number == "" || n.Partner != "JPPOST" || n.Reply.Recipient != "JPTYOA" {
		t.Errorf("note %+v", n)
	}
	if again, err := s.Close(ctx, opPEK, "JPTYOACNPEKAAUN60017"); err != nil || again.Number != n.Number || len(again.Discrepancies) != len(n.Discrepancies) {
		t.Errorf("close twice: %+v %v", again, err)
	}
	if _, err := s.ScanReceptacle(ctx, opPEK, inward.ReceptacleScan{Receptacle: r2}); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("scan after close: %v", err)
	}
	// The partner reads its note; another post does not.
	if _, err := s.Note(ctx, jppost, "JPTYOACNPEKAAUN60017"); err != nil {
		t.Errorf("JP reads its note: %v", err)
	}
	if _, err := s.Note(ctx, krpost, "JPTYOACNPEKAAUN60017"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("KR reads JP's note: %v", err)
	}
	if ns, err := s.Notes(ctx, jppost, "", 0); err != nil || len(ns) != 1 {
		t.Errorf("JP notes: %v %v", ns, err)
	}
	// One EMD per object scanned, none for repeated scans.
	var got []string
	for _, e := range rec.events {
		got = append(got, string(e.Code)+" "+e.Object)
	}
	if strings.Join(got, ",") != "EMD "+r1+",EMD "+extra+",EMD RR123456785JP,EMD RR876543216JP" {
		t.Errorf("events %v", got)
	}
	// Received: the two items of r1 (one weighed, the other its share),
	// the not-advised receptacle as one row.
	rows, err := s.Received(ctx, now.Add(-time.Hour), now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Item != "RR123456785JP" || rows[0].WeightG != 260 || rows[1].Item != "RR876543216JP" || rows[1].WeightG != 8640 ||
		rows[2].Item != "" || rows[2].Items != 1 || rows[2].WeightG != 5000 || rows[0].Partner != "JPPOST" || rows[0].Destination != "CNPEKA" {
		t.Errorf("received %+v", rows)
	}
	if rows, err := s.Received(ctx, now.Add(time.Minute), now.Add(2*time.Hour)); err != nil || len(rows) != 0 {
		t.Errorf("received after the scans: %+v %v", rows, err)
	}
}

func TestTolerance(t *testing.T) {
	for adv, want := range map[int]int{0: 100, 1000: 100, 2000: 100, 4000: 200, 30000: 1500} {
		if got := inward.Tolerance(adv); got != want {
			t.Errorf("Tolerance(%d) = %d, want %d", adv, got, want)
		}
	}
}

func kinds(ds []inward.Discrepancy) string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Kind))
	}
	return strings.Join(out, " ")
}
