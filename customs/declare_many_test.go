package customs_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/postal"
)

func declarationsOf(t *testing.T, csv string) []customs.Declaration {
	t.Helper()
	mr, err := customs.NewManifestReader(strings.NewReader(csv), customs.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	var out []customs.Declaration
	for {
		ent, err := mr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil || len(ent.Errs) > 0 {
			t.Fatalf("read: %v %v", err, ent.Errs)
		}
		out = append(out, ent.Decl)
	}
}

// TestDeclareManyAsManifest: the bulk path answers each declaration as
// Declare would (invalid fields, an id twice, one already declared) and
// stores the rest with the same screening as a manifest import of the
// same declarations, the split order across the batch included.
func TestDeclareManyAsManifest(t *testing.T) {
	ctx := context.Background()
	admin := auth.Principal{Role: auth.RoleAdmin}
	csv := manifestOf(300, 150)
	ds := declarationsOf(t, csv)
	ds = append(ds, ds[5]) // the same item twice in one call

	bulk, bst := batchService(t)
	items, errs, err := bulk.DeclareMany(ctx, admin, ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(ds) || len(errs) != len(ds) {
		t.Fatalf("%d items, %d errors for %d declarations", len(items), len(errs), len(ds))
	}
	if postal.ErrorCode(errs[149]) != postal.CodeInvalid || !strings.Contains(errs[149].Error(), "invalid fields") {
		t.Errorf("bad HS code: %v, want invalid", errs[149])
	}
	if postal.ErrorCode(errs[300]) != postal.CodeConflict {
		t.Errorf("id twice: %v, want conflict", errs[300])
	}
	if bst.txs != 1 {
		t.Errorf("%d transactions, want 1", bst.txs)
	}

	man, mst := batchService(t)
	if _, err := man.ImportManifest(ctx, admin, strings.NewReader(csv), customs.ImportOptions{Format: customs.FormatCSV}); err != nil {
		t.Fatal(err)
	}
	for i, d := range ds[:300] {
		if i == 149 {
			if errs[i] == nil {
				t.Errorf("line %d stored", i+1)
			}
			continue
		}
		if errs[i] != nil {
			t.Fatalf("declaration %d: %v", i, errs[i])
		}
		got, err := bst.Item(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := mst.Item(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want.Status || got.Screening.Score != want.Screening.Score || got.Screening.Action != want.Screening.Action ||
			got.Version != want.Version || items[i].Status != got.Status {
			t.Errorf("%s: bulk %s score %d %s v%d (answered %s), manifest %s score %d %s v%d", d.ID, got.Status, got.Screening.Score,
				got.Screening.Action, got.Version, items[i].Status, want.Status, want.Screening.Score, want.Screening.Action, want.Version)
		}
	}

	// Again: every one is already declared; nothing changes.
	_, again, err := bulk.DeclareMany(ctx, admin, ds[:10])
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range again {
		if postal.ErrorCode(e) != postal.CodeConflict {
			t.Errorf("again %d: %v, want conflict", i, e)
		}
	}

	// An operator of another office may not declare at CNSHAA.
	_, errs, err = bulk.DeclareMany(ctx, auth.Principal{Role: auth.RoleOperator, Offices: []string{"CNPEKA"}}, ds[20:22])
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		if postal.ErrorCode(e) != postal.CodeForbidden {
			t.Errorf("other office: %v, want forbidden", e)
		}
	}
}
