package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// testFindDispatches: the dispatches list newest first, filtered by
// status, origin office (and the key's offices), destination office or
// country, category, date range and id prefix, sorted and counted across
// pages (issue 19 item 2).
func testFindDispatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	svc := &dispatch.Service{Store: s, Now: func() time.Time { return t0.Add(48 * time.Hour) }}
	type spec struct{ origin, dest, cat string }
	specs := []spec{
		{"CNXMNA", "NLAMSA", "A"}, {"CNXMNA", "DEFRAA", "C"}, {"CNSHAA", "NLAMSA", "A"}, {"CNXMNA", "NLAMSA", "C"},
		{"CNSHAA", "DEFRAA", "B"}, {"CNXMNA", "DEFRAA", "A"}, {"CNXMNA", "PLWAWA", "A"},
	}
	var all []dispatch.Dispatch // in opening order
	for i, sp := range specs {
		d, err := s.OpenDispatch(ctx, dispatch.NewDispatch{Origin: sp.origin, Destination: sp.dest, Category: sp.cat, Subclass: "UN",
			Year: 2026, At: t0.Add(time.Duration(i) * time.Hour), By: "op"})
		if err != nil {
			t.Fatalf("OpenDispatch %d: %v", i, err)
		}
		all = append(all, d)
	}
	if _, err := s.CancelDispatch(ctx, all[3].ID, t0.Add(10*time.Hour), "op"); err != nil {
		t.Fatal(err)
	}
	want := func(keep func(i int, sp spec) bool) []string {
		var out []string
		for i := len(all) - 1; i >= 0; i-- {
			if keep(i, specs[i]) {
				out = append(out, all[i].ID)
			}
		}
		return out
	}
	admin := auth.Principal{KeyID: "admin", Role: auth.RoleAdmin}
	xmn := auth.Principal{KeyID: "xmn", Role: auth.RoleOperator, Offices: []string{"CNXMNA"}}
	check := func(name string, who auth.Principal, q dispatch.DispatchQuery, w []string) {
		t.Helper()
		var got []string
		total := int64(-1)
		for page := 0; page < 10; page++ {
			p, err := svc.FindDispatches(ctx, who, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if total < 0 {
				total = p.Total
			}
			for _, d := range p.Items {
				got = append(got, d.ID)
			}
			if p.NextCursor == "" {
				break
			}
			q.Cursor = p.NextCursor
		}
		if !slices.Equal(got, w) || total != int64(len(w)) {
			t.Errorf("%s = %v (total %d), want %v", name, got, total, w)
		}
	}
	check("newest first", admin, dispatch.DispatchQuery{Limit: 2}, want(func(int, spec) bool { return true }))
	check("operator sees its office", xmn, dispatch.DispatchQuery{Limit: 3}, want(func(_ int, sp spec) bool { return sp.origin == "CNXMNA" }))
	check("origin", admin, dispatch.DispatchQuery{Origin: "cnshaa"}, want(func(_ int, sp spec) bool { return sp.origin == "CNSHAA" }))
	check("destination office", admin, dispatch.DispatchQuery{Destination: "NLAMSA", Limit: 1}, want(func(_ int, sp spec) bool { return sp.dest == "NLAMSA" }))
	check("destination country", admin, dispatch.DispatchQuery{Destination: "de"}, want(func(_ int, sp spec) bool { return sp.dest == "DEFRAA" }))
	check("category", xmn, dispatch.DispatchQuery{Category: "c"}, want(func(_ int, sp spec) bool { return sp.origin == "CNXMNA" && sp.cat == "C" }))
	check("status", admin, dispatch.DispatchQuery{Status: "cancelled"}, []string{all[3].ID})
	check("open", admin, dispatch.DispatchQuery{Status: "open"}, want(func(i int, _ spec) bool { return i != 3 }))
	check("range", admin, dispatch.DispatchQuery{From: t0.Add(2 * time.Hour), To: t0.Add(5 * time.Hour), Limit: 2},
		want(func(i int, _ spec) bool { return i >= 2 && i < 5 }))
	check("id prefix", admin, dispatch.DispatchQuery{Search: "cnxmna defraa"}, want(func(_ int, sp spec) bool { return sp.origin == "CNXMNA" && sp.dest == "DEFRAA" }))
	check("whole id", admin, dispatch.DispatchQuery{Search: all[4].ID}, []string{all[4].ID})
	check("oldest first", admin, dispatch.DispatchQuery{Sort: "opened", Limit: 3}, []string{all[0].ID, all[1].ID, all[2].ID, all[3].ID, all[4].ID, all[5].ID, all[6].ID})
	// Ties go by id, in the column's direction.
	check("by destination", admin, dispatch.DispatchQuery{Sort: "destination", Limit: 2},
		[]string{all[4].ID, all[5].ID, all[1].ID, all[2].ID, all[0].ID, all[3].ID, all[6].ID})
	check("by status, descending", admin, dispatch.DispatchQuery{Sort: "-status", Limit: 4},
		[]string{all[6].ID, all[0].ID, all[1].ID, all[5].ID, all[2].ID, all[4].ID, all[3].ID})

	// Bad filters: 422 naming the field and the allowed values; another
	// office than the key's is forbidden.
	for _, c := range []struct {
		q     dispatch.DispatchQuery
		field string
	}{
		{dispatch.DispatchQuery{Status: "lost"}, "query.status"},
		{dispatch.DispatchQuery{Category: "E"}, "query.category"},
		{dispatch.DispatchQuery{Sort: "weight"}, "query.sort"},
		{dispatch.DispatchQuery{Destination: "Amsterdam"}, "query.destination"},
		{dispatch.DispatchQuery{Destination: "XX"}, "query.destination"},
		{dispatch.DispatchQuery{Search: "CN-XMN"}, "query.q"},
		{dispatch.DispatchQuery{From: t0, To: t0}, "query.to"},
		{dispatch.DispatchQuery{Cursor: "nope"}, "cursor"},
	} {
		_, err := svc.FindDispatches(ctx, admin, c.q)
		if fe := postal.Fields(err); code(err) != postal.CodeInvalid || len(fe) != 1 || fe[0].Field != c.field {
			t.Errorf("FindDispatches(%+v) = %v, want invalid on %s", c.q, err, c.field)
		}
	}
	if _, err := svc.FindDispatches(ctx, xmn, dispatch.DispatchQuery{Origin: "CNSHAA"}); code(err) != postal.CodeForbidden {
		t.Errorf("operator of CNXMNA listing CNSHAA = %v, want forbidden", err)
	}

	// The export walks the whole filtered list in the list's order.
	var rows [][]string
	err := svc.ExportDispatches(ctx, xmn, dispatch.DispatchQuery{Destination: "DE"}, func(h []string, fill func(func([]string) error) error) error {
		rows = append(rows, h)
		return fill(func(r []string) error { rows = append(rows, r); return nil })
	})
	if err != nil || len(rows) != 3 || rows[0][0] != "id" || rows[1][0] != all[5].ID || rows[2][0] != all[1].ID || rows[2][5] != "open" {
		t.Errorf("ExportDispatches = %v, %v", rows, err)
	}
}
