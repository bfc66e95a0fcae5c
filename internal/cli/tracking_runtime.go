package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interpost/interpost/bus/natsbus"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/server"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
)

// trackingRuntime is the tracking service of one node and what runs beside
// it: the projector, the webhook dispatcher and, with --bus, the persister.
type trackingRuntime struct {
	svc *tracking.Service
	bus *natsbus.Bus // nil without --bus
	// allowPrivate: --webhook-allow-private
	allowPrivate bool
	st           store.Store
	log          *slog.Logger
	customs      *customs.Service // its waiting decision events are delivered at start
}

// trackingService builds the node's tracking service over st; with --bus it
// connects to NATS and sends accepted events there.
func (o *Options) trackingService(st store.Store, log *slog.Logger) (*trackingRuntime, error) {
	rt := &trackingRuntime{st: st, log: log, allowPrivate: o.WebhookAllowPrivate}
	rt.svc = &tracking.Service{Store: st, Offices: st, Merchants: st, Logger: log, Estimator: &routeEstimator{st: st},
		AllowPrivateWebhooks: o.WebhookAllowPrivate}
	if o.Bus != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		b, err := natsbus.Open(ctx, o.Bus, natsbus.Config{Name: "interpost " + o.Addr})
		if err != nil {
			return nil, err
		}
		rt.bus, rt.svc.Sink = b, b
	}
	return rt, nil
}

// customsSink hands customs decisions (EME held, EDC released, …) to tracking.
func customsSink(svc *tracking.Service) customs.EventSink {
	return customs.EventSinkFunc(func(ctx context.Context, evs []customs.Event) error {
		out := make([]tracking.Event, len(evs))
		for i, e := range evs {
			reason := e.Reason
			if e.Retention != "" {
				reason = e.Retention
			}
			if len(reason) > 100 {
				reason = reason[:100]
			}
			out[i] = tracking.Event{Object: e.ItemID, Code: tracking.Code(e.Code), Office: e.Office, Time: e.At, Source: tracking.SourceCustoms, Reason: reason}
		}
		return svc.Record(ctx, out...)
	})
}

// start runs the background work until ctx ends; the returned function
// stops it and waits.
func (rt *trackingRuntime) start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	run(rt.svc.RunProjector)
	run((&tracking.Dispatcher{Store: rt.st, Poster: server.NewWebhookPoster(server.WebhookPolicy{AllowPrivate: rt.allowPrivate}), Logger: rt.log}).Run)
	if rt.bus != nil {
		p := &natsbus.Persister{Bus: rt.bus, Store: rt.st, Logger: rt.log, Stored: func(_, added int) {
			if added > 0 {
				rt.svc.Notify()
			}
		}}
		run(p.Run)
	}
	if cs := rt.customs; cs != nil {
		run(func(ctx context.Context) {
			// Decisions taken while tracking was unreachable wait in the
			// customs outbox; Decide delivers new ones itself.
			if _, err := cs.DeliverEvents(ctx); err != nil && ctx.Err() == nil {
				rt.log.Warn("deliver waiting customs events", "err", err)
			}
		})
	}
	return func() {
		cancel()
		wg.Wait()
		if rt.bus != nil {
			if err := rt.bus.Close(); err != nil {
				rt.log.Warn("close NATS connection", "err", err)
			}
		}
	}
}

// routeEstimator estimates delivery with the route planner: the earliest
// arrival from the item's latest office at the destination's inward office
// of exchange, plus lastMileDays working days there. The planner is rebuilt
// from the store every 10 minutes.
type routeEstimator struct {
	st      store.Store
	mu      sync.Mutex
	planner *routing.Planner
	inward  map[string]string
	built   time.Time
}

const lastMileDays = 2

func (r *routeEstimator) load(ctx context.Context) (*routing.Planner, map[string]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.built.IsZero() && time.Since(r.built) < 10*time.Minute {
		return r.planner, r.inward, nil
	}
	offices, err := r.st.Offices(ctx)
	if err != nil {
		return nil, nil, err
	}
	services, err := r.st.Services(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := routing.New(offices, services)
	if err != nil {
		// No usable network (no services yet): estimate from the delivery
		// standards until the next rebuild.
		p = nil
	}
	inward := map[string]string{}
	for _, o := range offices {
		if _, ok := inward[o.Country]; !ok && (o.Kind == network.KindOE || o.Kind == network.KindIMPC) {
			inward[o.Country] = o.Code
		}
	}
	r.planner, r.inward, r.built = p, inward, time.Now()
	return p, inward, nil
}

// EstimateDelivery implements tracking.Estimator.
func (r *routeEstimator) EstimateDelivery(ctx context.Context, q tracking.EstimateQuery) (time.Time, bool, error) {
	p, inward, err := r.load(ctx)
	if err != nil || p == nil {
		return time.Time{}, false, err
	}
	to, ok := inward[q.DestCountry]
	from, known := p.Office(q.From)
	if !ok || !known {
		return time.Time{}, false, nil
	}
	arrive := q.Ready
	if from.Country != q.DestCountry {
		it, err := p.Earliest(routing.Query{From: q.From, To: to, Ready: q.Ready, Product: postal.Product(q.Product)})
		if err != nil {
			return time.Time{}, false, fmt.Errorf("plan %s → %s: %w", q.From, to, err)
		}
		if it == nil {
			return time.Time{}, false, nil
		}
		arrive = it.Arrive
	}
	d := arrive
	for n := 0; n < lastMileDays; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d, true, nil
}
