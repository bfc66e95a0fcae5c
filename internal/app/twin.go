package app

import (
	"context"

	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/twin"
)

// NewTwin builds the services of a twin run over st, a scratch store,
// with the run's simulated clock as every service's clock. st must hold
// no data (twin.ErrLiveStore otherwise).
func NewTwin(ctx context.Context, st store.Store, o Options) (*App, twin.Services, error) {
	if err := twin.CheckScratch(ctx, st.Offices); err != nil {
		return nil, twin.Services{}, err
	}
	clock := &twin.Clock{}
	o.Now = clock.Now
	o.Bus = "" // events stay in process: the run reads back what it wrote
	a, err := New(ctx, st, o)
	if err != nil {
		return nil, twin.Services{}, err
	}
	return a, twin.Services{Clock: clock, Network: a.Network, Merchants: a.Merchants, Acceptance: a.Acceptance, Customs: a.Customs,
		Dispatch: a.Dispatch, Tracking: a.Tracking, Accounting: a.Accounting, Flush: a.Flush}, nil
}
