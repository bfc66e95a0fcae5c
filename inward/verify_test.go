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

func TestApplyScans(t *testing.T) {
	ctx := context.Background()
	s := service(t)
	if _, err := s.AcceptPredes(ctx, jppost, jpPredes()); err != nil {
		t.Fatal(err)
	}
	file := "scan,id,receptacle,weight_g,flags,condition\n" +
		"receptacle," + r1 + ",,8250,,\n" +
		"receptacle," + r1 + ",,8250,,\n" +
		"open," + r1 + ",,,,\n" +
		"item,RR123456785JP," + r1 + ",,,damaged\n" +
		"receptacle," + r2 + ",,3990,seal_broken;wet,\n"
	scans, err := inward.ParseScans(strings.NewReader(file))
	if err != nil || len(scans) != 5 || scans[4].Line != 6 || len(scans[4].Flags) != 2 {
		t.Fatalf("parse: %+v %v", scans, err)
	}
	res, err := s.ApplyScans(ctx, opPEK, "JPTYOACNPEKAAUN60017", scans)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scans != 5 || res.Repeated != 1 || kinds(res.Note.Discrepancies) != "damaged_item seal_broken damaged_receptacle missing_item" {
		t.Errorf("bulk: %d scans, %d repeated, %s", res.Scans, res.Repeated, kinds(res.Note.Discrepancies))
	}
	other := "scan,id,receptacle,weight_g,flags,condition\nreceptacle,KRSELACNPEKAAUN60017001000082,,,,\n"
	scans, err = inward.ParseScans(strings.NewReader(other))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyScans(ctx, opPEK, "JPTYOACNPEKAAUN60017", scans); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("other dispatch's receptacle: %v", err)
	}
}

func TestParseScansErrors(t *testing.T) {
	for in, want := range map[string]string{
		"": "line 1",
		"scan,id,receptacle,weight,flags,condition\n":                                      "column 4",
		"scan,id,receptacle,weight_g,flags,condition\n":                                    "no scans",
		"scan,id,receptacle,weight_g,flags,condition\nbag," + r1 + ",,,,\n":                "line 2, scan",
		"scan,id,receptacle,weight_g,flags,condition\nreceptacle,XX,,,,\n":                 "line 2, id",
		"scan,id,receptacle,weight_g,flags,condition\nreceptacle," + r1 + ",,-5,,\n":       "line 2, weight_g",
		"scan,id,receptacle,weight_g,flags,condition\nitem,RR123456785JP,,,,\n":            "line 2, receptacle",
		"scan,id,receptacle,weight_g,flags,condition\nopen," + r1 + ",,,\n":                "wrong number of fields",
		"scan,id,receptacle,weight_g,flags,condition\nitem,RR123456785JP," + r1 + ",,x,\n": "flags are for receptacles",
	} {
		_, err := inward.ParseScans(strings.NewReader(in))
		if postal.ErrorCode(err) != postal.CodeInvalid || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func FuzzParseScans(f *testing.F) {
	f.Add("scan,id,receptacle,weight_g,flags,condition\nreceptacle," + r1 + ",,8250,seal_broken,\nitem,RR123456785JP," + r1 + ",,,ok\n")
	f.Add("scan,id,receptacle,weight_g,flags,condition\nopen,x,,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		scans, err := inward.ParseScans(strings.NewReader(in))
		if err != nil {
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		for _, sc := range scans {
			if sc.Line < 2 || sc.WeightG < 0 || (sc.Kind != "receptacle" && sc.Kind != "open" && sc.Kind != "item") {
				t.Fatalf("bad scan %+v", sc)
			}
		}
	})
}
