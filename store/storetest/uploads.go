package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/store"
)

// testCreateShipments: a batch allocates dense S10 ids in order, replays
// keys stored before or earlier in the batch, fails only the item whose key
// has another hash.
func testCreateShipments(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	before, _, err := s.CreateShipment(ctx, withKey(newShipment("ACME", "R0", t0), "merchant_ref:R0", "h0"))
	if err != nil {
		t.Fatal(err)
	}
	ns := []acceptance.NewShipment{
		withKey(newShipment("ACME", "R1", t0), "merchant_ref:R1", "h1"),
		withKey(newShipment("ACME", "R0", t0), "merchant_ref:R0", "h0"),    // stored before: replayed
		withKey(newShipment("ACME", "R1", t0), "merchant_ref:R1", "h1"),    // earlier in the batch: replayed
		withKey(newShipment("ACME", "R0", t0), "merchant_ref:R0", "other"), // other data: fails alone
		newShipment("ACME", "", t0),
	}
	var calls int
	res, err := s.CreateShipments(ctx, ns, func(int) { calls++ })
	if err != nil || len(res) != 5 || calls == 0 {
		t.Fatalf("CreateShipments = %d results, %v, %d progress calls", len(res), err, calls)
	}
	if !res[0].Created || res[0].Shipment.ID == "" || res[4].Shipment.ID == "" || !res[4].Created {
		t.Errorf("new items = %+v / %+v", res[0], res[4])
	}
	if res[1].Created || res[1].Shipment.ID != before.ID || res[1].Err != nil {
		t.Errorf("replay of a stored key = %+v", res[1])
	}
	if res[2].Created || res[2].Shipment.ID != res[0].Shipment.ID || res[2].Err != nil {
		t.Errorf("replay within the batch = %+v", res[2])
	}
	if !errors.Is(res[3].Err, acceptance.ErrIdempotencyMismatch) {
		t.Errorf("other data under a key = %+v", res[3])
	}
	// Serials follow the one taken before, in the batch's order.
	if before.ID[:11] >= res[0].Shipment.ID[:11] || res[0].Shipment.ID[:11] >= res[4].Shipment.ID[:11] {
		t.Errorf("ids %s, %s, %s not in order", before.ID, res[0].Shipment.ID, res[4].Shipment.ID)
	}
	if got, err := s.Shipment(ctx, res[4].Shipment.ID); err != nil || got.Merchant != "ACME" {
		t.Errorf("stored item: %+v %v", got, err)
	}
}

func withKey(n acceptance.NewShipment, key, hash string) acceptance.NewShipment {
	n.IdempotencyKey, n.RequestHash = key, hash
	return n
}

// testUploads: a job is unique per merchant and file hash; its row results
// page in row order.
func testUploads(t *testing.T, s store.Store) {
	ctx := context.Background()
	j := bulk.Job{ID: "up_1", Merchant: "ACME", FileHash: "abc", FileName: "a.csv", Format: "csv", Mode: bulk.ModeAll,
		Status: bulk.StatusValidating, Rows: 3, CreatedAt: t0, UpdatedAt: t0}
	got, created, err := s.CreateUpload(ctx, j)
	if err != nil || !created || got.ID != "up_1" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("CreateUpload = %+v %v %v", got, created, err)
	}
	again := j
	again.ID = "up_2"
	if got, created, err := s.CreateUpload(ctx, again); err != nil || created || got.ID != "up_1" {
		t.Fatalf("same file again = %+v %v %v", got, created, err)
	}
	other := again
	other.Merchant = "OTHER"
	if _, created, err := s.CreateUpload(ctx, other); err != nil || !created {
		t.Fatalf("same file, other merchant: %v %v", created, err)
	}
	j.Status, j.Done, j.Errors, j.Stored, j.Message, j.UpdatedAt = bulk.StatusDone, 3, 1, 2, "ok", t0.Add(1)
	if err := s.UpdateUpload(ctx, j); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Upload(ctx, "up_1"); err != nil || got.Status != bulk.StatusDone || got.Done != 3 || got.Errors != 1 || got.Stored != 2 || got.Message != "ok" {
		t.Fatalf("Upload = %+v %v", got, err)
	}
	if _, err := s.Upload(ctx, "up_x"); code(err) != "not_found" {
		t.Errorf("unknown upload: %v", err)
	}
	rows := []bulk.RowResult{
		{Row: 4, Status: bulk.RowCreated, Shipment: "EA000000001CN", MerchantRef: "R3"},
		{Row: 2, Status: bulk.RowInvalid, MerchantRef: "R1", Problems: []bulk.Problem{{Column: "weight_g", Reason: "must be a whole number"}}},
		{Row: 3, Status: bulk.RowCreated, Shipment: "EA000000002CN"},
	}
	if err := s.PutUploadRows(ctx, "up_1", rows); err != nil {
		t.Fatal(err)
	}
	page, err := s.UploadRows(ctx, "up_1", 0, 2)
	if err != nil || len(page) != 2 || page[0].Row != 2 || page[0].Problems[0].Column != "weight_g" || page[1].Shipment != "EA000000002CN" {
		t.Fatalf("first page = %+v %v", page, err)
	}
	if page, err := s.UploadRows(ctx, "up_1", 3, 2); err != nil || len(page) != 1 || page[0].Row != 4 || page[0].Problems != nil {
		t.Fatalf("second page = %+v %v", page, err)
	}
}
