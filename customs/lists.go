package customs

import (
	"context"
	"slices"
	"time"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// ListStore keeps the official watch lists (OFAC SDN, UN consolidated
// list), versioned: each import is stored and put in force in one
// transaction, so every node screens with the same versions.
type ListStore interface {
	// PutWatchList stores version rec.List.Version of list rec.List.Name (or
	// finds it stored) and puts it in force in place of the list's version
	// before.
	PutWatchList(ctx context.Context, rec ListRecord) error
	// WatchListsInForce returns the lists in force, with their entries,
	// ordered by name.
	WatchListsInForce(ctx context.Context) ([]ListRecord, error)
	// WatchListRefs returns "name@version" of the lists in force, sorted: a
	// cheap check whether a node's lists are current.
	WatchListRefs(ctx context.Context) ([]string, error)
}

// ListRecord is one stored version of an official list.
type ListRecord struct {
	List       *risk.WatchList
	ImportedAt time.Time
	Diff       risk.ListDiff // against the version in force before it
}

// ListImport reports an import.
type ListImport struct {
	Ref       string        `json:"ref"` // name@version
	Entries   int           `json:"entries"`
	Aliases   int           `json:"aliases"`
	Previous  string        `json:"previous,omitempty"` // the version it replaces
	Unchanged bool          `json:"unchanged,omitempty"`
	Diff      risk.ListDiff `json:"diff"`
	Warnings  []string      `json:"warnings,omitempty"`
}

// ImportList stores a parsed official list and puts it in force on this
// node; other nodes pick it up with RefreshLists. The list is compared with
// the version in force: entries added, removed and changed.
func (s *Service) ImportList(ctx context.Context, l *risk.WatchList) (ListImport, error) {
	if s.Lists == nil {
		return ListImport{}, postal.Errorf(postal.CodeUnavailable, "this store keeps no watch lists")
	}
	cur, err := s.Lists.WatchListsInForce(ctx)
	if err != nil {
		return ListImport{}, err
	}
	var prev *risk.WatchList
	for _, r := range cur {
		if r.List.Name == l.Name {
			prev = r.List
		}
	}
	rep := ListImport{Ref: l.Ref(), Entries: len(l.Entries), Warnings: l.Warnings, Diff: l.Diff(prev)}
	for _, e := range l.Entries {
		rep.Aliases += len(e.Aliases)
	}
	if prev != nil {
		rep.Previous = prev.Version
		rep.Unchanged = prev.Version == l.Version
	}
	if !rep.Unchanged {
		if err := s.Lists.PutWatchList(ctx, ListRecord{List: l, ImportedAt: s.now(), Diff: rep.Diff}); err != nil {
			return ListImport{}, err
		}
	}
	return rep, s.RefreshLists(ctx)
}

// RefreshLists loads the lists in force from the store when they differ
// from the ones this node screens with, and screens with them from then on.
// Nodes call it periodically (app.App.WatchLists) and at start.
func (s *Service) RefreshLists(ctx context.Context) error {
	if s.Lists == nil {
		return nil
	}
	refs, err := s.Lists.WatchListRefs(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Equal(refs, s.listRefs) && s.listsLoaded {
		return nil
	}
	recs, err := s.Lists.WatchListsInForce(ctx)
	if err != nil {
		return err
	}
	lists := make([]*risk.WatchList, len(recs))
	refs = refs[:0]
	for i, r := range recs {
		lists[i] = r.List
		refs = append(refs, r.List.Ref())
	}
	s.lists, s.listRefs, s.listsLoaded = lists, refs, true
	if base := s.base.Load(); base != nil {
		s.engine.Store(base.WithLists(lists...))
	}
	return nil
}

// ListsInForce returns "name@version" of the official lists this node
// screens with.
func (s *Service) ListsInForce() []string {
	if e := s.engine.Load(); e != nil {
		return e.Lists()
	}
	return nil
}

// RunLists checks every interval (30 s when zero) whether the lists in
// force changed on another node and reloads them, until ctx ends.
func (s *Service) RunLists(ctx context.Context, every time.Duration) {
	if s.Lists == nil {
		return
	}
	if every <= 0 {
		every = 30 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.RefreshLists(ctx); err != nil && ctx.Err() == nil {
				s.logger().Warn("reload the official watch lists", "err", err)
			}
		}
	}
}
