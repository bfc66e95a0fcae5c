package customs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/store/sqlite"
)

const manifestHeader = "item_id,stream,direction,office,currency,sender_name,sender_country,addressee_name,addressee_postcode,addressee_country,carrier,description,quantity,net_weight_g,value,hs_code,origin_country\n"

// manifestOf is a CSV manifest of n valid express imports to different
// addressees, except that the first and the last go to Zhang Wei (a split
// order across the whole file; the first is hair spray, held for a look,
// so the split reaches it in the queue); bad, when > 0, makes that line's
// HS code invalid.
func manifestOf(n, bad int) string {
	var b strings.Builder
	b.WriteString(manifestHeader)
	for i := 1; i <= n; i++ {
		name, postcode, goods := "Chen Jing", fmt.Sprint(100000+i), "Sports socks,1,150,4.00,611595,VN"
		if i == 1 || i == n {
			name, postcode = "Zhang Wei", "200120"
		}
		if i == 1 {
			goods = "Hair spray 250 ml,1,280,4.00,330530,US"
		}
		if i == bad {
			goods = "Sports socks,1,150,4.00,12,VN"
		}
		fmt.Fprintf(&b, "1Z%016d,express,import,CNSHAA,USD,Acme Inc,US,%s,%s,CN,UPS,%s\n", i, name, postcode, goods)
	}
	return b.String()
}

// countingStore counts import transactions and fails the one numbered
// failAt (from 1), if set.
type countingStore struct {
	customs.Store
	txs, failAt int
}

var errDisk = errors.New("disk full")

func (c *countingStore) ImportItems(ctx context.Context, fn func(customs.ImportTx) error) error {
	c.txs++
	if c.txs == c.failAt {
		return c.Store.ImportItems(ctx, func(tx customs.ImportTx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errDisk
		})
	}
	return c.Store.ImportItems(ctx, fn)
}

func batchService(t *testing.T) (*customs.Service, *countingStore) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &countingStore{Store: st}
	svc := &customs.Service{Store: cs, Offices: fakeOffices{}, Now: func() time.Time { return t0 }}
	svc.SetRules(demoEngine(t))
	return svc, cs
}

// TestImportCommitsInBatches: the default mode commits a batch at a time
// (the writer is free in between); what it stores, and the split order
// spanning the batches, are as if it were one transaction.
func TestImportCommitsInBatches(t *testing.T) {
	defer customs.SetImportBatches(100, 250)()
	ctx := context.Background()
	svc, cs := batchService(t)
	rep, err := svc.ImportManifest(ctx, auth.Principal{Role: auth.RoleAdmin}, strings.NewReader(manifestOf(1000, 0)), customs.ImportOptions{Format: customs.FormatCSV})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Stored || rep.Accepted != 1000 || rep.Rejected != 0 || rep.Lines != 1000 || rep.Declarations != 1000 {
		t.Fatalf("report: stored %v, %d accepted, %d rejected, %d lines", rep.Stored, rep.Accepted, rep.Rejected, rep.Lines)
	}
	if cs.txs != 4 { // 300, 300, 300 (each ≥ 250 after 100-declaration batches), then the last 100 with the manifest
		t.Errorf("%d transactions, want 4", cs.txs)
	}
	m, err := cs.Manifest(ctx, rep.Manifest)
	if err != nil || m.Accepted != 1000 || m.Declarations != 1000 {
		t.Fatalf("manifest record = %+v, %v", m, err)
	}
	first, err := cs.Item(ctx, "1Z0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := risk.SplitHit(first.Screening); !ok || first.Version != 2 {
		t.Errorf("first parcel of the split (committed in the first batch): version %d, reasons %v; want the split hit", first.Version, first.Screening.Reasons())
	}
}

// TestImportAtomicWithBatches: atomic mode stores nothing when the very
// last declaration is rejected, however many batches came before.
func TestImportAtomicWithBatches(t *testing.T) {
	defer customs.SetImportBatches(100, 250)()
	ctx := context.Background()
	svc, cs := batchService(t)
	rep, err := svc.ImportManifest(ctx, auth.Principal{Role: auth.RoleAdmin}, strings.NewReader(manifestOf(1000, 1000)),
		customs.ImportOptions{Format: customs.FormatCSV, Atomic: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stored || rep.Manifest != "" || rep.Rejected != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 1001 {
		t.Fatalf("report: stored %v, manifest %q, rejected %d, errors %+v", rep.Stored, rep.Manifest, rep.Rejected, rep.Errors)
	}
	if cs.txs != 1 {
		t.Errorf("%d transactions, want 1", cs.txs)
	}
	if have, err := cs.Declared(ctx, []string{"1Z0000000000000001", "1Z0000000000000500"}); err != nil || len(have) != 0 {
		t.Errorf("declared after a rejected atomic import: %v, %v", have, err)
	}
}

// TestImportStoppedHalfway: a failure in the third transaction keeps the
// two committed batches, says so, and a retry stores the rest and reports
// the stored ones as duplicates.
func TestImportStoppedHalfway(t *testing.T) {
	defer customs.SetImportBatches(100, 250)()
	ctx := context.Background()
	svc, cs := batchService(t)
	cs.failAt = 3
	admin := auth.Principal{Role: auth.RoleAdmin}
	_, err := svc.ImportManifest(ctx, admin, strings.NewReader(manifestOf(1000, 0)), customs.ImportOptions{Format: customs.FormatCSV})
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "stopped after storing 600 declarations (up to line 601)") {
		t.Fatalf("err = %v, want disk full after 600 stored", err)
	}
	have, err := cs.Declared(ctx, []string{"1Z0000000000000600", "1Z0000000000000601"})
	if err != nil || !have["1Z0000000000000600"] || have["1Z0000000000000601"] {
		t.Fatalf("declared = %v, %v; want the first 600 only", have, err)
	}
	cs.failAt = 0
	rep, err := svc.ImportManifest(ctx, admin, strings.NewReader(manifestOf(1000, 0)), customs.ImportOptions{Format: customs.FormatCSV})
	if err != nil || !rep.Stored || rep.Accepted != 400 || rep.Rejected != 600 {
		t.Fatalf("retry: %+v, %v", rep, err)
	}
	if !strings.Contains(rep.Errors[0].Reason, "duplicate item id") {
		t.Errorf("retry error = %+v", rep.Errors[0])
	}
}
