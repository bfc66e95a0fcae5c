package cebport

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
)

type fakeOutbox struct {
	queued []ceb.Record
	buyers map[string]ceb.Buyer
	sent   []string
}

func (f *fakeOutbox) QueuedCEB(_ context.Context, limit int) ([]ceb.Record, error) {
	var out []ceb.Record
	for _, r := range f.queued {
		if r.Status == ceb.StatusQueued && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeOutbox) MarkCEBSent(_ context.Context, key string) error {
	for i := range f.queued {
		if f.queued[i].Key == key && f.queued[i].Status == ceb.StatusQueued {
			f.queued[i].Status = ceb.StatusSent
			f.sent = append(f.sent, key)
		}
	}
	return nil
}

func (f *fakeOutbox) CEBBuyer(_ context.Context, item string) (ceb.BuyerRecord, error) {
	b, ok := f.buyers[item]
	if !ok {
		return ceb.BuyerRecord{}, postal.Errorf(postal.CodeNotFound, "no CEB buyer for %s", item)
	}
	return ceb.BuyerRecord{ItemID: item, Buyer: b}, nil
}

// stored is a CEB621 as the hall stores it: personal data masked.
func stored(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../ceb/testdata/ceb621-inventory.xml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ceb.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	ceb.Mask(m)
	out, err := ceb.Marshal(m, ceb.EncodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestTransmitPutsTheBuyerBackAndSendsOnce(t *testing.T) {
	dir := t.TempDir()
	p := newPort(t, dir, "a")
	buyer := ceb.Buyer{IDNumber: "110101199001011234", Telephone: "13800000000"}
	f := &fakeOutbox{buyers: map[string]ceb.Buyer{"EA000000019CN": buyer, "EA000000022CN": {IDNumber: "110101198501015678", Telephone: "13900000000"}},
		queued: []ceb.Record{
			{Key: "G-1", ItemID: "EA000000019CN", Type: "CEB621", Status: ceb.StatusQueued, Body: stored(t)},
			{Key: "G-2", ItemID: "EA000000036CN", Type: "CEB621", Status: ceb.StatusQueued, Body: stored(t)}, // no buyer on file
			{Key: "G-3", ItemID: "EA000000022CN", Type: "CEB621", Status: ceb.StatusQueued, Body: stored(t)}, // another person's buyer
			{Key: "G-4", ItemID: "EA000000045CN", Type: "CEB511", Status: ceb.StatusQueued, Body: "<ceb:CEB511Message/>"},
			{Key: "G-5", ItemID: "EA000000053CN", Type: "CEB621", Status: ceb.StatusQueued, Body: ""}, // erased
		}}
	res, err := p.Transmit(context.Background(), f, 100)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 2 || res.Waiting != 3 || strings.Join(f.sent, ",") != "G-1,G-4" {
		t.Fatalf("transmit %+v, sent %v; want G-1 and G-4 sent, three waiting", res, f.sent)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out", "G-1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	_, payload, err := ceb.UnwrapDxp(data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(payload), ">110101199001011234<") || !strings.Contains(string(payload), ">13800000000<") || strings.Contains(string(payload), "****") {
		t.Fatalf("the inventory customs receives lacks the buyer's whole identity:\n%s", payload)
	}
	// A crash after writing, before marking: the next run marks it without a second file.
	f.queued[0].Status = ceb.StatusQueued
	if res, err := p.Transmit(context.Background(), f, 100); err != nil || res.Sent != 1 {
		t.Fatalf("after a crash: %+v %v", res, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "out", "*.xml"))
	if len(files) != 2 {
		t.Fatalf("outbox holds %v, want G-1 and G-4 once", files)
	}
}
