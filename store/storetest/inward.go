package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

func runInward(t *testing.T, newDB Opener) {
	t.Run("Predes", func(t *testing.T) { testInwardPredes(t, newDB(t)()) })
	t.Run("CarditThenPredes", func(t *testing.T) { testInwardMerge(t, newDB(t)()) })
	t.Run("Conflicts", func(t *testing.T) { testInwardConflicts(t, newDB(t)()) })
	t.Run("InterchangeSerial", func(t *testing.T) { testInterchangeSerial(t, newDB(t)) })
	t.Run("Receipt", func(t *testing.T) { testInwardReceipt(t, newDB(t)()) })
	t.Run("PartnerOutbox", func(t *testing.T) { testPartnerOutbox(t, newDB(t)()) })
	t.Run("PartnerClaims", func(t *testing.T) { testPartnerClaims(t, newDB(t)) })
	t.Run("PartnerEndpoints", func(t *testing.T) { testPartnerEndpoints(t, newDB(t)()) })
	t.Run("Transit", func(t *testing.T) { testInwardTransit(t, newDB(t)()) })
	t.Run("ReceiptBulk", func(t *testing.T) { testInwardReceiptBulk(t, newDB(t)()) })
	t.Run("PartnerOutboxBulk", func(t *testing.T) { testPartnerOutboxBulk(t, newDB(t)()) })
}

const (
	inDispatch = "JPTYOACNPEKAAUN60017"
	inR1       = "JPTYOACNPEKAAUN60017001000082"
	inR2       = "JPTYOACNPEKAAUN60017002100040"
)

func predesAdvice(ref string) inward.Advice {
	d := inward.Dispatch{ID: inDispatch, Origin: "JPTYOA", Destination: "CNPEKA", Partner: "JPPOST", Category: "A", Subclass: "UN",
		Status: inward.StatusExpected, PreAdvice: ref, Prepared: t0, Carrier: "NH", Service: "NH905", Mode: "air",
		Departure: t0.Add(2 * time.Hour), Arrival: t0.Add(6 * time.Hour), AdvisedAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)}
	return inward.Advice{
		Interchange: inward.Interchange{Partner: "JPTYOA", Ref: ref, Kind: inward.KindPredes, Digest: "d-" + ref, Message: []byte(`{"ref":"` + ref + `"}`),
			Dispatches: []string{inDispatch}, ReceivedAt: t0.Add(time.Minute),
			Reply: inward.Reply{Kind: "RESDES", Recipient: "JPTYOA", Ref: "JPTYOA00000001", Text: []byte("UNB+UNOC:3+CNPEKA+JPTYOA'")}},
		Dispatches: []inward.Dispatch{d},
		Receptacles: []inward.Receptacle{
			{ID: inR1, Dispatch: inDispatch, Type: "bag", GrossWeightG: 8200, Items: 2, Status: inward.StatusExpected, Predes: true},
			{ID: inR2, Dispatch: inDispatch, Type: "bag", GrossWeightG: 4000, Last: true, Status: inward.StatusExpected, Predes: true},
		},
		Items: []inward.Item{
			{Item: "RR123456785JP", Receptacle: inR1, Dispatch: inDispatch, Status: inward.StatusExpected, Contents: "Green tea", HSCode: "090210",
				WeightG: 250, Value: "3500", Currency: "JPY", SenderName: "Sato Hanako", SenderCountry: "JP", AddresseeName: "Li Wei", AddresseeCountry: "CN"},
			{Item: "EE123456785JP", Receptacle: inR1, Dispatch: inDispatch, Status: inward.StatusExpected},
		},
	}
}

func testInwardPredes(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := predesAdvice("JP00000017")
	if err := s.SaveAdvice(ctx, a); err != nil {
		t.Fatal(err)
	}
	d, err := s.InwardDispatch(ctx, inDispatch)
	if err != nil {
		t.Fatal(err)
	}
	want := a.Dispatches[0]
	want.Receptacles, want.GrossWeightG, want.Items = 2, 12200, 2
	if d != want {
		t.Errorf("dispatch\n got %+v\nwant %+v", d, want)
	}
	rs, err := s.InwardReceptacles(ctx, inDispatch)
	if err != nil || len(rs) != 2 || rs[0] != a.Receptacles[0] || rs[1] != a.Receptacles[1] {
		t.Errorf("receptacles %+v, %v", rs, err)
	}
	its, err := s.InwardItems(ctx, inDispatch)
	if err != nil || len(its) != 2 || its[0] != a.Items[1] || its[1] != a.Items[0] {
		t.Errorf("items (by receptacle, item) %+v, %v", its, err)
	}
	in, err := s.Interchange(ctx, "JPTYOA", "JP00000017")
	if err != nil || in.Digest != "d-JP00000017" || string(in.Reply.Text) != string(a.Interchange.Reply.Text) || in.Reply.Ref != "JPTYOA00000001" ||
		len(in.Dispatches) != 1 || !in.ReceivedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("interchange %+v, %v", in, err)
	}
	if _, err := s.Interchange(ctx, "KRSELA", "JP00000017"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("other partner's interchange: %v", err)
	}
	if _, err := s.InwardDispatch(ctx, "JPTYOACNPEKAAUN60018"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("unknown dispatch: %v", err)
	}
	for _, tc := range []struct {
		f    inward.DispatchFilter
		want int
	}{
		{inward.DispatchFilter{Status: inward.StatusExpected}, 1},
		{inward.DispatchFilter{Status: inward.StatusReceived}, 0},
		{inward.DispatchFilter{Destination: "CNPEKA"}, 1},
		{inward.DispatchFilter{Destination: "CNSHAA"}, 0},
		{inward.DispatchFilter{Offices: []string{"CNSHAA", "CNPEKA"}}, 1},
		{inward.DispatchFilter{Offices: []string{"CNSHAA"}}, 0},
		{inward.DispatchFilter{Partner: "JPPOST"}, 1},
		{inward.DispatchFilter{Partner: "KRPOST"}, 0},
	} {
		ds, err := s.InwardDispatches(ctx, tc.f)
		if err != nil || len(ds) != tc.want {
			t.Errorf("%+v: %d dispatches, %v; want %d", tc.f, len(ds), err, tc.want)
		}
	}
}

func testInwardMerge(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := inward.Advice{
		Interchange: inward.Interchange{Partner: "JPTYOA", Ref: "C1", Kind: inward.KindCardit, Digest: "c1", Message: []byte("{}"),
			Dispatches: []string{inDispatch}, ReceivedAt: t0, Reply: inward.Reply{Kind: "RESDES", Recipient: "JPTYOA", Ref: "JPTYOA00000001"}},
		Dispatches: []inward.Dispatch{{ID: inDispatch, Origin: "JPTYOA", Destination: "CNPEKA", Partner: "JPPOST", Category: "A", Subclass: "UN",
			Status: inward.StatusExpected, Consignment: "JPTYOA2600017", Carrier: "JL", Service: "JL21", Mode: "air",
			Departure: t0.Add(3 * time.Hour), Arrival: t0.Add(7 * time.Hour), AdvisedAt: t0, UpdatedAt: t0}},
		Receptacles: []inward.Receptacle{{ID: inR1, Dispatch: inDispatch, Type: "bag", GrossWeightG: 8150, Status: inward.StatusExpected,
			Consignment: "JPTYOA2600017", Cardit: true}},
	}
	if err := s.SaveAdvice(ctx, c); err != nil {
		t.Fatal(err)
	}
	if d, err := s.InwardDispatch(ctx, inDispatch); err != nil || d.PreAdvice != "" || d.Receptacles != 1 || d.Items != 0 {
		t.Fatalf("from the CARDIT: %+v, %v", d, err)
	}
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000017")); err != nil {
		t.Fatal(err)
	}
	d, err := s.InwardDispatch(ctx, inDispatch)
	if err != nil || d.PreAdvice != "JP00000017" || d.Consignment != "JPTYOA2600017" || d.Service != "JL21" || d.Receptacles != 2 ||
		d.Items != 2 || d.GrossWeightG != 12200 || !d.Prepared.Equal(t0) {
		t.Errorf("CARDIT then PREDES: %+v, %v", d, err)
	}
	rs, _ := s.InwardReceptacles(ctx, inDispatch)
	if len(rs) != 2 || !rs[0].Predes || !rs[0].Cardit || rs[0].GrossWeightG != 8200 || rs[0].Consignment != "JPTYOA2600017" || rs[1].Cardit {
		t.Errorf("receptacles: %+v", rs)
	}
}

func testInwardConflicts(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000017")); err != nil {
		t.Fatal(err)
	}
	// The same reference again: nothing more stored.
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000017")); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("same interchange twice: %v", err)
	}
	// A second PREDES for the dispatch under another reference: refused
	// whole, its interchange not stored either.
	if err := s.SaveAdvice(ctx, predesAdvice("JP00000018")); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("second PREDES for the dispatch: %v", err)
	}
	if _, err := s.Interchange(ctx, "JPTYOA", "JP00000018"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("refused interchange was stored: %v", err)
	}
	// An item twice in one message: nothing of it stored.
	a := predesAdvice("KR1")
	a.Interchange.Partner = "KRSELA"
	for i := range a.Dispatches {
		a.Dispatches[i].ID = "KRSELACNSHAAAUN60001"
	}
	a.Receptacles = a.Receptacles[:1]
	a.Receptacles[0].ID, a.Receptacles[0].Dispatch = "KRSELACNSHAAAUN60001001100082", "KRSELACNSHAAAUN60001"
	a.Items = []inward.Item{{Item: "RR123456785KR", Receptacle: a.Receptacles[0].ID, Dispatch: "KRSELACNSHAAAUN60001", Status: inward.StatusExpected},
		{Item: "RR123456785KR", Receptacle: a.Receptacles[0].ID, Dispatch: "KRSELACNSHAAAUN60001", Status: inward.StatusExpected}}
	if err := s.SaveAdvice(ctx, a); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("item twice: %v", err)
	}
	if _, err := s.InwardDispatch(ctx, "KRSELACNSHAAAUN60001"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("half-stored dispatch: %v", err)
	}
	if _, err := s.Interchange(ctx, "KRSELA", "KR1"); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("half-stored interchange: %v", err)
	}
}

func testInterchangeSerial(t *testing.T, open func() store.Store) {
	ctx := context.Background()
	a, b := open(), open()
	get := func(s store.Store, partner, subject string) int64 {
		t.Helper()
		n, err := s.InterchangeSerial(ctx, partner, subject)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := get(a, "DEFRAA", "PREDES CNXMNADEFRAAAUN60001"); n != 1 {
		t.Errorf("first serial %d", n)
	}
	if n := get(a, "JPTYOA", "PREDES CNXMNAJPTYOAAUN60001"); n != 1 {
		t.Errorf("another partner's first serial %d", n)
	}
	if n := get(b, "DEFRAA", "PREDES CNXMNADEFRAAAUN60001"); n != 1 {
		t.Errorf("same subject again (other node): %d", n)
	}
	// Two nodes taking serials at once: dense and unique per partner.
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func(s store.Store) {
			defer wg.Done()
			n, err := s.InterchangeSerial(ctx, "DEFRAA", fmt.Sprintf("subject %d", i))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen[n] = true
			mu.Unlock()
		}([]store.Store{a, b}[i%2])
	}
	wg.Wait()
	for n := int64(2); n <= 21; n++ {
		if !seen[n] {
			t.Errorf("serial %d not taken: %v", n, seen)
		}
	}
}

func testInwardReceipt(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := predesAdvice("JP00000017")
	if err := s.SaveAdvice(ctx, a); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(5 * time.Hour)
	r := a.Receptacles[0]
	r.Status, r.ReceivedWeightG, r.ReceivedAt, r.ReceivedOffice, r.Flags, r.OpenedAt = inward.StatusReceived, 9100, at, "CNPEKA", "seal_broken", at.Add(time.Minute)
	extra := inward.Receptacle{ID: "JPTYOACNPEKAAUN60017003000050", Dispatch: inDispatch, Status: inward.StatusReceived, NotAdvised: true,
		ReceivedWeightG: 5000, ReceivedAt: at, ReceivedOffice: "CNPEKA"}
	it := a.Items[0]
	it.Status, it.Condition, it.ReceivedWeightG, it.ReceivedAt = inward.StatusReceived, "ok", 260, at.Add(2*time.Minute)
	d1 := inward.Discrepancy{Dispatch: inDispatch, Receptacle: r.ID, Kind: inward.WeightDifference, Advised: "8.2 kg", Found: "9.1 kg", Office: "CNPEKA", At: at}
	d2 := inward.Discrepancy{Dispatch: inDispatch, Receptacle: extra.ID, Kind: inward.NotAdvisedReceptacle, Found: "received", Office: "CNPEKA", At: at}
	rec := inward.Receipt{Dispatch: inDispatch, Receptacles: []inward.Receptacle{r, extra}, Items: []inward.Item{it},
		Discrepancies: []inward.Discrepancy{d1, d2}, At: at}
	if err := s.SaveReceipt(ctx, rec); err != nil {
		t.Fatal(err)
	}
	// The same discrepancy again is stored once.
	if err := s.SaveReceipt(ctx, inward.Receipt{Dispatch: inDispatch, Discrepancies: []inward.Discrepancy{d1}, At: at}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.InwardReceptacles(ctx, inDispatch)
	if err != nil || len(rs) != 3 || rs[0] != r || rs[2] != extra {
		t.Errorf("receptacles\n got %+v\nwant %+v / %+v (%v)", rs, r, extra, err)
	}
	its, err := s.InwardItems(ctx, inDispatch)
	if err != nil || len(its) != 2 || its[1] != it {
		t.Errorf("items %+v, %v", its, err)
	}
	ds, err := s.InwardDiscrepancies(ctx, inDispatch)
	if err != nil || len(ds) != 2 || ds[0] != d1 || ds[1] != d2 {
		t.Errorf("discrepancies %+v, %v", ds, err)
	}
	if _, err := s.InwardNote(ctx, inDispatch); postal.ErrorCode(err) != postal.CodeNotFound {
		t.Errorf("note before closing: %v", err)
	}
	n := inward.Note{Number: "JPTYOA00000002", Dispatch: inDispatch, Office: "CNPEKA", Origin: "JPTYOA", Partner: "JPPOST", CreatedAt: at.Add(time.Hour),
		Reply: inward.Reply{Kind: "RESDES", Recipient: "JPTYOA", Ref: "JPTYOA00000002", Text: []byte("UNB'")}}
	close := inward.Receipt{Dispatch: inDispatch, Status: inward.StatusReceived, Note: &n, At: n.CreatedAt}
	if err := s.SaveReceipt(ctx, close); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveReceipt(ctx, close); postal.ErrorCode(err) != postal.CodeConflict {
		t.Errorf("closing twice: %v", err)
	}
	got, err := s.InwardNote(ctx, inDispatch)
	if err != nil || got.Number != n.Number || !got.CreatedAt.Equal(n.CreatedAt) || string(got.Reply.Text) != "UNB'" || got.Reply.Recipient != "JPTYOA" {
		t.Errorf("note %+v, %v", got, err)
	}
	if ns, err := s.InwardNotes(ctx, "JPPOST", 10); err != nil || len(ns) != 1 {
		t.Errorf("JPPOST notes %+v, %v", ns, err)
	}
	if ns, err := s.InwardNotes(ctx, "KRPOST", 10); err != nil || len(ns) != 0 {
		t.Errorf("KRPOST notes %+v, %v", ns, err)
	}
	if d, err := s.InwardDispatch(ctx, inDispatch); err != nil || d.Status != inward.StatusReceived || d.Receptacles != 3 {
		t.Errorf("dispatch %+v, %v", d, err)
	}
	recv, err := s.ReceivedReceptacles(ctx, at, at.Add(time.Minute))
	if err != nil || len(recv) != 2 || recv[0].Receptacle != r || len(recv[0].Items) != 1 || recv[0].Dispatch.Partner != "JPPOST" || recv[1].Receptacle != extra {
		t.Errorf("received %+v, %v", recv, err)
	}
	if recv, err := s.ReceivedReceptacles(ctx, at.Add(time.Second), at.Add(time.Hour)); err != nil || len(recv) != 0 {
		t.Errorf("received later %+v, %v", recv, err)
	}
}

// testInwardReceiptBulk stores a whole dispatch's advice and receipt (a
// scans file) with more rows than one statement takes: every row once,
// discrepancies in the order found, repeats dropped.
func testInwardReceiptBulk(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := predesAdvice("JP00000018")
	a.Items = nil
	const n = 1201
	for i := range n {
		a.Items = append(a.Items, inward.Item{Item: fmt.Sprintf("LX%09dJP", i), Receptacle: a.Receptacles[i%2].ID, Dispatch: inDispatch,
			Status: inward.StatusExpected, Contents: "Books", WeightG: 100 + i})
	}
	if err := s.SaveAdvice(ctx, a); err != nil {
		t.Fatal(err)
	}
	if d, err := s.InwardDispatch(ctx, inDispatch); err != nil || d.Items != n || d.Receptacles != 2 {
		t.Fatalf("advised dispatch %+v, %v", d, err)
	}
	at := t0.Add(5 * time.Hour)
	rec := inward.Receipt{Dispatch: inDispatch, At: at}
	for _, r := range a.Receptacles {
		r.Status, r.ReceivedWeightG, r.ReceivedAt, r.ReceivedOffice, r.OpenedAt = inward.StatusReceived, 9000, at, "CNPEKA", at
		rec.Receptacles = append(rec.Receptacles, r)
	}
	var want []inward.Discrepancy
	for i, it := range a.Items {
		it.Status, it.Condition, it.ReceivedWeightG, it.ReceivedAt = inward.StatusReceived, "ok", it.WeightG, at.Add(time.Duration(i)*time.Second)
		if i%2 == 0 {
			it.Condition = "damaged"
			d := inward.Discrepancy{Dispatch: inDispatch, Receptacle: it.Receptacle, Item: it.Item, Kind: inward.DamagedItem, Advised: "intact",
				Found: "item damaged", Office: "CNPEKA", At: it.ReceivedAt}
			rec.Discrepancies = append(rec.Discrepancies, d)
			want = append(want, d)
		}
		rec.Items = append(rec.Items, it)
	}
	rec.Discrepancies = append(rec.Discrepancies, want[0]) // found twice in one file: stored once
	if err := s.SaveReceipt(ctx, rec); err != nil {
		t.Fatal(err)
	}
	later := inward.Discrepancy{Dispatch: inDispatch, Receptacle: inR2, Kind: inward.SealBroken, Advised: "sealed", Found: "seal broken", Office: "CNPEKA", At: at}
	if err := s.SaveReceipt(ctx, inward.Receipt{Dispatch: inDispatch, Discrepancies: []inward.Discrepancy{want[3], later}, At: at}); err != nil {
		t.Fatal(err)
	}
	want = append(want, later)
	its, err := s.InwardItems(ctx, inDispatch)
	if err != nil || len(its) != n {
		t.Fatalf("items: %d, %v", len(its), err)
	}
	byID := map[string]inward.Item{}
	for _, it := range its {
		byID[it.Item] = it
	}
	for _, it := range rec.Items {
		if got := byID[it.Item]; got != it {
			t.Fatalf("item %s\n got %+v\nwant %+v", it.Item, got, it)
		}
	}
	rs, err := s.InwardReceptacles(ctx, inDispatch)
	if err != nil || len(rs) != 2 || rs[0] != rec.Receptacles[0] || rs[1] != rec.Receptacles[1] {
		t.Errorf("receptacles %+v, %v", rs, err)
	}
	ds, err := s.InwardDiscrepancies(ctx, inDispatch)
	if err != nil || len(ds) != len(want) {
		t.Fatalf("discrepancies: %d, want %d (%v)", len(ds), len(want), err)
	}
	for i := range want {
		if ds[i] != want[i] {
			t.Fatalf("discrepancy %d\n got %+v\nwant %+v", i, ds[i], want[i])
		}
	}
}
