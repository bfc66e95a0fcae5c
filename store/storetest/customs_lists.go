package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	customsdomain "github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// testWatchLists: an official list imported on one node is in force on
// another after RefreshLists; a re-import reports the diff; importing an
// older version puts it back in force; one version per list is in force.
func testWatchLists(t *testing.T, newNode func() store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	engine, err := risk.CompileRules([]byte("version: w1\nactions: {document_check: 10}\nrules:\n  - {id: W, kind: watchlist, score: 10, parties: [sender]}\n"), "w.yaml", postal.DefaultRates())
	if err != nil {
		t.Fatal(err)
	}
	node := func() *customsdomain.Service {
		st := newNode()
		s := &customsdomain.Service{Store: st, Offices: st, Lists: st, Now: func() time.Time { return at }}
		s.SetRules(engine)
		if err := s.RefreshLists(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := node(), node()
	if got := b.ListsInForce(); len(got) != 0 {
		t.Fatalf("fresh store has lists %v", got)
	}
	v1 := &risk.WatchList{Name: "un-sc", Version: "2026-11-30+aaa", Format: "un-xml", Published: "2026-11-30", Entries: []risk.ListEntry{
		{ID: "QDi.1", Name: "Nurlan Qasymov", Countries: []string{"KZ"}, Aliases: []risk.Alias{{Name: "Нұрлан Қасымов", Strength: risk.Strong}}},
		{ID: "QDi.2", Name: "Viktor Kalinin"}}}
	v2 := &risk.WatchList{Name: "un-sc", Version: "2026-12-06+bbb", Format: "un-xml", Entries: []risk.ListEntry{
		{ID: "QDi.2", Name: "Viktor Kalinin"}, {ID: "QDi.3", Name: "Zenith Dynamics"}}}

	rep, err := a.ImportList(ctx, v1)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Ref != "un-sc@2026-11-30+aaa" || len(rep.Diff.Added) != 2 || rep.Previous != "" {
		t.Errorf("first import report %+v", rep)
	}
	if err := b.RefreshLists(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.ListsInForce(); !slices.Equal(got, []string{"un-sc@2026-11-30+aaa"}) {
		t.Fatalf("node b screens with %v after node a imported", got)
	}
	recs, err := b.Lists.WatchListsInForce(ctx)
	if err != nil || len(recs) != 1 {
		t.Fatalf("in force: %v, %v", recs, err)
	}
	if got := recs[0].List; got.Published != "2026-11-30" || len(got.Entries) != 2 || got.Entries[0].Aliases[0] != v1.Entries[0].Aliases[0] ||
		!recs[0].ImportedAt.Equal(at) || len(recs[0].Diff.Added) != 2 {
		t.Errorf("stored list %+v at %v diff %+v", got, recs[0].ImportedAt, recs[0].Diff)
	}
	scr := b.Rules().Screen(&risk.Subject{Sender: risk.Party{Name: "Нұрлан Қасымов"}}, risk.Prior{}, at)
	if len(scr.Hits) != 1 || !slices.Equal(scr.Lists, []string{"un-sc@2026-11-30+aaa"}) {
		t.Errorf("node b screening %+v", scr)
	}

	if rep, err = a.ImportList(ctx, v1); err != nil || !rep.Unchanged {
		t.Errorf("same version again: %+v, %v", rep, err)
	}
	rep, err = a.ImportList(ctx, v2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rep.Diff.Added, []string{"QDi.3 Zenith Dynamics"}) || !slices.Equal(rep.Diff.Removed, []string{"QDi.1 Nurlan Qasymov"}) || rep.Previous != v1.Version {
		t.Errorf("re-import report %+v", rep)
	}
	if err := b.RefreshLists(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.ListsInForce(); !slices.Equal(got, []string{"un-sc@2026-12-06+bbb"}) {
		t.Errorf("node b after the second import: %v", got)
	}
	if _, err := a.ImportList(ctx, v1); err != nil {
		t.Fatal(err)
	}
	refs, err := b.Lists.WatchListRefs(ctx)
	if err != nil || !slices.Equal(refs, []string{"un-sc@2026-11-30+aaa"}) {
		t.Errorf("after reinstating v1: %v, %v", refs, err)
	}
}
