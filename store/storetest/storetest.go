// Package storetest is the contract every Interpost store passes, in the
// spirit of testing/fstest.TestFS: store/sqlite and store/postgres call Run
// from their tests with a function that opens a fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// Opener opens a new, empty, migrated store. A second call with the same
// arguments must reach the same database (a second node).
type Opener func(t *testing.T) (open func() store.Store)

// Run runs the contract against stores made by newDB: each call to newDB
// creates a new empty database and returns a function that opens a
// connection (a "node") to it.
func Run(t *testing.T, newDB Opener) {
	t.Run("Merchants", func(t *testing.T) { testMerchants(t, newDB(t)()) })
	t.Run("CreateShipment", func(t *testing.T) { testCreateShipment(t, newDB(t)()) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, newDB(t)()) })
	t.Run("ListShipments", func(t *testing.T) { testList(t, newDB(t)()) })
	t.Run("FindShipments", func(t *testing.T) { testFindShipments(t, newDB(t)()) })
	t.Run("ConcurrentS10", func(t *testing.T) { testConcurrentS10(t, newDB(t)) })
	t.Run("ConcurrentIdempotency", func(t *testing.T) { testConcurrentIdempotency(t, newDB(t)) })
	t.Run("Keys", func(t *testing.T) { testKeys(t, newDB(t)()) })
	t.Run("Offices", func(t *testing.T) { testOffices(t, newDB(t)()) })
	t.Run("Network", func(t *testing.T) { testNetwork(t, newDB(t)()) })
	t.Run("NetworkVersion", func(t *testing.T) { testNetworkVersion(t, newDB(t)) })
	t.Run("WatchLists", func(t *testing.T) { testWatchLists(t, newDB(t)) })
	t.Run("CreateShipments", func(t *testing.T) { testCreateShipments(t, newDB(t)()) })
	t.Run("Uploads", func(t *testing.T) { testUploads(t, newDB(t)()) })
	t.Run("CountShipments", func(t *testing.T) { testCountShipments(t, newDB(t)()) })
	t.Run("Privacy", func(t *testing.T) { testPrivacy(t, newDB(t)()) })
	runWarehouse(t, newDB)
	runCustoms(t, newDB)
	t.Run("Dispatch", func(t *testing.T) { runDispatch(t, newDB) })
	t.Run("Tracking", func(t *testing.T) { runTracking(t, newDB) })
	t.Run("Accounting", func(t *testing.T) { runAccounting(t, newDB) })
	t.Run("Inward", func(t *testing.T) { runInward(t, newDB) })
	t.Run("Inquiries", func(t *testing.T) { testInquiries(t, newDB(t)()) })
	t.Run("Returns", func(t *testing.T) { testReturns(t, newDB(t)()) })
}

var t0 = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)

func merchant(t *testing.T, s store.Store, code string) acceptance.Merchant {
	t.Helper()
	m := acceptance.Merchant{Code: code, Name: code + " Ltd", Office: "CNXMNA", Country: "CN", CreatedAt: t0}
	if err := s.PutMerchant(context.Background(), m); err != nil {
		t.Fatalf("PutMerchant(%s): %v", code, err)
	}
	return m
}

func newShipment(m, ref string, at time.Time) acceptance.NewShipment {
	return acceptance.NewShipment{
		Shipment: acceptance.Shipment{
			Merchant: m, MerchantRef: ref, Product: "ems", Status: acceptance.StatusCreated, OriginOffice: "CNXMNA",
			Sender:       acceptance.Party{Name: "Xiamen Tea Co", Address: "1 Hubin Rd", City: "Xiamen", Country: "CN"},
			Addressee:    acceptance.Party{Name: "Anna Nowak", Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: "PL"},
			WeightG:      850,
			DimensionsMM: []int{300, 200, 100},
			Declaration: &acceptance.Declaration{Category: "sale_of_goods", Currency: "USD", Form: "CN22",
				Lines: []acceptance.Line{{Description: "Oolong tea", Quantity: 2, NetWeightG: 800, Value: "24.00", HSCode: "090230", OriginCountry: "CN"}}},
			CreatedAt: at,
		},
		Indicators: []string{"EA", "EB"},
		Country:    "CN",
	}
}

func code(err error) postal.Code { return postal.ErrorCode(err) }

func testMerchants(t *testing.T, s store.Store) {
	ctx := context.Background()
	if _, err := s.Merchant(ctx, "NOPE"); code(err) != postal.CodeNotFound {
		t.Fatalf("Merchant(unknown) = %v, want not_found", err)
	}
	m := merchant(t, s, "ACME")
	got, err := s.Merchant(ctx, "ACME")
	if err != nil || got != m {
		t.Fatalf("Merchant = %+v, %v; want %+v", got, err, m)
	}
	m.Name = "Acme Renamed"
	if err := s.PutMerchant(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Merchant(ctx, "ACME"); got.Name != "Acme Renamed" {
		t.Fatalf("after update name = %q", got.Name)
	}
}

func testCreateShipment(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	sh, created, err := s.CreateShipment(ctx, newShipment("ACME", "ORDER-1", t0))
	if err != nil || !created {
		t.Fatalf("CreateShipment = %v, created=%v", err, created)
	}
	if sh.ID != "EA000000005CN" { // serial 0 of the first range; check digit 11→5
		t.Errorf("first id = %s, want EA000000005CN", sh.ID)
	}
	got, err := s.Shipment(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != sh.ID || got.MerchantRef != "ORDER-1" || !got.CreatedAt.Equal(t0) || got.Declaration == nil || got.Declaration.Lines[0].HSCode != "090230" {
		t.Errorf("read back %+v", got)
	}
	sh2, _, err := s.CreateShipment(ctx, newShipment("ACME", "ORDER-2", t0))
	if err != nil || sh2.ID != "EA000000014CN" {
		t.Errorf("second id = %s, %v; want EA000000014CN", sh2.ID, err)
	}
	if _, err := s.Shipment(ctx, "EE123456785CN"); code(err) != postal.CodeNotFound {
		t.Errorf("Shipment(unknown) = %v, want not_found", err)
	}
	n := newShipment("NOBODY", "X", t0)
	if _, _, err := s.CreateShipment(ctx, n); err == nil {
		t.Errorf("shipment for unknown merchant was stored")
	}
	id, err := s.AllocateS10(ctx, []string{"EA"}, "CN")
	if err != nil || id.Serial() != 2 {
		t.Errorf("AllocateS10 = %s, %v; want serial 2", id, err)
	}
	other, err := s.AllocateS10(ctx, []string{"RA"}, "CN")
	if err != nil || other.Serial() != 0 {
		t.Errorf("AllocateS10(RA) = %s, %v; want serial 0 of its own range", other, err)
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	merchant(t, s, "OTHER")
	n := newShipment("ACME", "ORDER-1", t0)
	n.IdempotencyKey, n.RequestHash = "key-1", "hash-a"
	first, created, err := s.CreateShipment(ctx, n)
	if err != nil || !created {
		t.Fatalf("first create: %v %v", err, created)
	}
	again, created, err := s.CreateShipment(ctx, n)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("retry = %s created=%v %v; want %s, not created", again.ID, created, err, first.ID)
	}
	n.RequestHash = "hash-b"
	if _, _, err := s.CreateShipment(ctx, n); !errors.Is(err, acceptance.ErrIdempotencyMismatch) {
		t.Fatalf("reuse with other body = %v, want ErrIdempotencyMismatch", err)
	}
	// Keys are per merchant.
	o := newShipment("OTHER", "O-1", t0)
	o.IdempotencyKey, o.RequestHash = "key-1", "hash-a"
	sh, created, err := s.CreateShipment(ctx, o)
	if err != nil || !created || sh.ID == first.ID {
		t.Fatalf("same key, other merchant: %s %v %v", sh.ID, created, err)
	}
	page, _, err := s.Shipments(ctx, acceptance.Filter{Limit: 10})
	if err != nil || len(page) != 2 {
		t.Fatalf("stored %d shipments, want 2 (%v)", len(page), err)
	}
}

func testList(t *testing.T, s store.Store) {
	ctx := context.Background()
	merchant(t, s, "ACME")
	merchant(t, s, "OTHER")
	var acme []postal.S10
	for i := range 25 {
		m := "ACME"
		if i%5 == 4 {
			m = "OTHER"
		}
		sh, _, err := s.CreateShipment(ctx, newShipment(m, fmt.Sprint("R", i), t0.Add(time.Duration(i)*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if m == "ACME" {
			acme = append(acme, sh.ID)
		}
	}
	var got []postal.S10
	f := acceptance.Filter{Merchant: "ACME", Limit: 7}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, next, err := s.Shipments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 7 {
			t.Fatalf("page of %d, limit 7", len(page))
		}
		for _, sh := range page {
			got = append(got, sh.ID)
		}
		if next == "" {
			break
		}
		if f.After, err = paging.DecodeCursor(next); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(got, acme) {
		t.Errorf("paged ids = %v\nwant %v", got, acme)
	}
	since, _, err := s.Shipments(ctx, acceptance.Filter{Since: t0.Add(20 * time.Hour), Limit: 100})
	if err != nil || len(since) != 5 {
		t.Errorf("since filter: %d rows, %v; want 5", len(since), err)
	}
	exact, next, err := s.Shipments(ctx, acceptance.Filter{Merchant: "OTHER", Limit: 5})
	if err != nil || len(exact) != 5 || next != "" {
		t.Errorf("exactly one full page: %d rows, next=%q, %v", len(exact), next, err)
	}
}

func testConcurrentS10(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	merchant(t, nodes[0], "ACME")
	const workers, each = 8, 25
	var mu sync.Mutex
	seen := map[postal.S10]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := nodes[w%len(nodes)]
			for i := range each {
				sh, _, err := s.CreateShipment(context.Background(), newShipment("ACME", fmt.Sprint(w, "-", i), t0))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				if seen[sh.ID] {
					errs <- fmt.Errorf("S10 %s handed out twice", sh.ID)
				}
				seen[sh.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct ids, want %d", len(seen), workers*each)
	}
	// Serials are dense: 0 … n-1 with no gaps or repeats.
	for id := range seen {
		if id.Serial() >= workers*each {
			t.Errorf("serial %d out of the dense range", id.Serial())
		}
	}
}

func testConcurrentIdempotency(t *testing.T, open func() store.Store) {
	nodes := []store.Store{open(), open()}
	merchant(t, nodes[0], "ACME")
	const tries = 12
	ids := make([]postal.S10, tries)
	created := make([]bool, tries)
	errs := make([]error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := newShipment("ACME", "ORDER-1", t0)
			n.IdempotencyKey, n.RequestHash = "same-key", "same-hash"
			sh, c, err := nodes[i%2].CreateShipment(context.Background(), n)
			ids[i], created[i], errs[i] = sh.ID, c, err
		}()
	}
	wg.Wait()
	nCreated := 0
	for i := range tries {
		if errs[i] != nil {
			t.Fatalf("try %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("try %d got %s, try 0 got %s", i, ids[i], ids[0])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Fatalf("%d tries report created, want exactly 1", nCreated)
	}
}

func testKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	k, secret, err := auth.NewKey(auth.RoleMerchant, "ACME", "", nil, "shop", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateKey(ctx, k); code(err) != postal.CodeConflict {
		t.Errorf("duplicate key = %v, want conflict", err)
	}
	op, _, _ := auth.NewKey(auth.RoleOperator, "", "", []string{"CNXMNA", "CNPEKA"}, "", t0.Add(time.Minute))
	if err := s.CreateKey(ctx, op); err != nil {
		t.Fatal(err)
	}
	p, err := auth.Authenticate(ctx, s, secret)
	if err != nil || p.Role != auth.RoleMerchant || p.Merchant != "ACME" || p.KeyID != k.ID {
		t.Fatalf("Authenticate = %+v, %v", p, err)
	}
	if _, err := auth.Authenticate(ctx, s, secret+"x"); !errors.Is(err, auth.ErrBadKey) {
		t.Errorf("wrong secret = %v, want ErrBadKey", err)
	}
	keys, err := s.Keys(ctx)
	if err != nil || len(keys) != 2 || keys[0].ID != op.ID || !slices.Equal(keys[0].Offices, []string{"CNXMNA", "CNPEKA"}) {
		t.Fatalf("Keys = %+v, %v", keys, err)
	}
	// The key's user's language preference: none at first, set, read back by
	// authentication, cleared; an unknown key is not_found.
	if p.Language != "" {
		t.Errorf("new key's language = %q, want none", p.Language)
	}
	if err := s.SetKeyLanguage(ctx, k.ID, "zh-CN"); err != nil {
		t.Fatal(err)
	}
	if p, err := auth.Authenticate(ctx, s, secret); err != nil || p.Language != "zh-CN" {
		t.Errorf("Authenticate after SetKeyLanguage = %+v, %v, want language zh-CN", p, err)
	}
	if keys, err := s.Keys(ctx); err != nil || keys[1].Language != "zh-CN" || keys[0].Language != "" {
		t.Errorf("Keys after SetKeyLanguage = %+v, %v", keys, err)
	}
	if err := s.SetKeyLanguage(ctx, "nokey", "en"); code(err) != postal.CodeNotFound {
		t.Errorf("SetKeyLanguage(unknown key) = %v, want not_found", err)
	}
	if err := s.RevokeKey(ctx, k.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetKeyLanguage(ctx, k.ID, "en"); code(err) != postal.CodeNotFound {
		t.Errorf("SetKeyLanguage(revoked key) = %v, want not_found", err)
	}
	if err := s.RevokeKey(ctx, k.ID, t0.Add(time.Hour)); code(err) != postal.CodeNotFound {
		t.Errorf("second revoke = %v, want not_found", err)
	}
	if _, err := auth.Authenticate(ctx, s, secret); !errors.Is(err, auth.ErrBadKey) {
		t.Errorf("revoked key = %v, want ErrBadKey", err)
	}
}

func testOffices(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.48, Lon: 118.09, TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true},
		{Code: "PLWAWA", Name: "Warszawa", Country: "PL", Kind: network.KindOE, Lat: 52.17, Lon: 20.97, TZ: "Europe/Warsaw", ConnectMin: 90},
	}
	if err := s.PutOffices(ctx, in); err != nil {
		t.Fatal(err)
	}
	in[1].ConnectMin = 60
	if err := s.PutOffices(ctx, in[1:]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Offices(ctx)
	if err != nil || !slices.Equal(got, in) {
		t.Fatalf("Offices = %+v, %v\nwant %+v", got, err, in)
	}
	if o, err := s.Office(ctx, "CNXMNA"); err != nil || o != in[0] {
		t.Errorf("Office = %+v, %v", o, err)
	}
	if _, err := s.Office(ctx, "XXXXXX"); code(err) != postal.CodeNotFound {
		t.Errorf("Office(unknown) = %v", err)
	}
}
