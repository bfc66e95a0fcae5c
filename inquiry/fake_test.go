package inquiry

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// memStore is an in-memory Store for the service tests.
type memStore struct {
	mu     sync.Mutex
	inqs   map[string]Inquiry
	steps  map[string][]Step
	claims map[string]Claim
}

var _ Store = (*memStore)(nil)

func newMem() *memStore {
	return &memStore{inqs: map[string]Inquiry{}, steps: map[string][]Step{}, claims: map[string]Claim{}}
}

func (m *memStore) CreateInquiry(_ context.Context, in Inquiry, steps []Step) (Inquiry, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.inqs {
		if x.Item == in.Item && x.OpenedBy == in.OpenedBy {
			return x, false, nil
		}
	}
	m.inqs[in.ID] = in
	m.steps[in.ID] = append(m.steps[in.ID], steps...)
	return in, true, nil
}

func (m *memStore) Inquiry(_ context.Context, id string) (Inquiry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, ok := m.inqs[id]
	if !ok {
		return Inquiry{}, postal.Errorf(postal.CodeNotFound, "no inquiry %s", id)
	}
	return in, nil
}

func (m *memStore) UpdateInquiry(_ context.Context, in Inquiry, st Step) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.inqs[in.ID]
	if !ok {
		return postal.Errorf(postal.CodeNotFound, "no inquiry %s", in.ID)
	}
	if old.Version != in.Version {
		return postal.Errorf(postal.CodeConflict, "stale")
	}
	in.Version++
	m.inqs[in.ID] = in
	m.steps[in.ID] = append(m.steps[in.ID], st)
	return nil
}

func (m *memStore) Inquiries(_ context.Context, f Filter) ([]Inquiry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Inquiry
	for _, in := range m.inqs {
		if (len(f.States) == 0 || slices.Contains(f.States, in.State)) && (f.Owner == "" || f.Owner == in.Owner) &&
			(f.Merchant == "" || f.Merchant == in.Merchant) && (f.DueBefore.IsZero() || (!in.ReplyDue.IsZero() && in.ReplyDue.Before(f.DueBefore))) {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b Inquiry) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (m *memStore) InquiryTrail(_ context.Context, id string) ([]Step, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.steps[id]), nil
}

func (m *memStore) PutClaim(_ context.Context, c Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.claims[c.ID] = c
	return nil
}

func (m *memStore) Claim(_ context.Context, id string) (Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[id]
	if !ok {
		return Claim{}, postal.Errorf(postal.CodeNotFound, "no claim %s", id)
	}
	return c, nil
}

func (m *memStore) Claims(_ context.Context, inq string) ([]Claim, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Claim
	for _, c := range m.claims {
		if inq == "" || c.Inquiry == inq {
			out = append(out, c)
		}
	}
	return out, nil
}

// memScans holds events by object.
type memScans map[string][]tracking.Stored

func (m memScans) EventsOf(_ context.Context, obj string) ([]tracking.Stored, error) {
	return m[obj], nil
}

// ledger records what would be posted.
type ledger struct {
	posts   [][]accounting.Charge
	reasons []string
}

func (l *ledger) PostCompensation(_ context.Context, item, prefix string, want []accounting.Charge, reason string) ([]accounting.Entry, error) {
	l.posts = append(l.posts, want)
	l.reasons = append(l.reasons, reason)
	return nil, nil
}
