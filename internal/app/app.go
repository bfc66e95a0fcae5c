// Package app is Interpost's composition root: it builds every use-case
// service once over a store, with one clock, one logger, the post's country
// and its exchange rates, and hands them to the adapters (the HTTP API and
// console, the CLI, the demo). Nothing else constructs a service, so the
// server and the CLI are always configured identically.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/bus/natsbus"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/customs/cebport"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/internal/smtpmail"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/privacy"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/routing"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
	"github.com/interpost/interpost/warehouse"
)

// Options configure the services.
type Options struct {
	// Country of the post running Interpost: issuing country of its S10 ids.
	Country string
	// Rates are the SDR exchange rates; zero means postal.DefaultRates.
	Rates postal.Rates
	// CustomsRules names a rules file (YAML or JSON); empty loads the demo rules.
	CustomsRules string
	// Bus is a NATS JetStream URL; empty keeps tracking events in process.
	Bus string
	// Node names this node to the bus (its listen address, say).
	Node string
	// WebhookAllowPrivate lets webhooks reach internal addresses.
	WebhookAllowPrivate bool
	// SMTP is the URL of the SMTP server that sends buyers' e-mail
	// notifications (internal/smtpmail); empty: buyers cannot subscribe and
	// nothing is sent.
	SMTP string
	// PublicURL is where buyers reach the tracking page, for the links in
	// e-mails (such as https://track.post.example).
	PublicURL string
	// Logger receives the services' logs; nil discards nothing and uses slog.Default.
	Logger *slog.Logger
	// Now is the clock of every service; nil is the machine's clock.
	Now func() time.Time
	// EDIProfiles are partners' EDIFACT layouts (profile files, see
	// docs/formats.md); partners without one use ours.
	EDIProfiles []*edi.Profile
	// CEBProfiles is the post's configuration in China Customs' cross-border e-commerce system
	// per office of exchange ("*": every office): enterprise codes, DXP id, declaring role.
	// Empty: no CEB messages are made.
	CEBProfiles map[string]ceb.Profile
	// CEBExchange is the single-window client's exchange directory (outbox/ and inbox/ inside):
	// Start writes the queued CEB messages into it and applies the receipts it finds
	// (customs/cebport, docs/formats.md "CEB exchange directory"). Empty: messages stay queued
	// and receipts are uploaded over the API.
	CEBExchange string
	// CEBExchangeEvery is how often; 0 means DefaultCEBExchangeEvery.
	CEBExchangeEvery time.Duration
	// NetworkCheck is how often the node checks the stored network version
	// to swap in a new route planner; 0 means routing.DefaultCheckEvery.
	NetworkCheck time.Duration
	// Retention is how long personal data and the audit log are kept;
	// zero fields take privacy's defaults.
	Retention privacy.Retention
	// PrivacyEvery is how often Start erases personal data past its
	// retention and purges the audit log; 0 means DefaultPrivacyEvery,
	// negative never.
	PrivacyEvery time.Duration
	// PartnerPushEvery is how often Start pushes partner posts' waiting
	// events to their endpoints (inward.Service.PushDue); 0 means
	// inward.DefaultPushEvery, negative never.
	PartnerPushEvery time.Duration
}

// DefaultPrivacyEvery is how often a node erases personal data past its
// retention. Every node does it; the work is idempotent.
const DefaultPrivacyEvery = 6 * time.Hour

// App holds the services of one node. Fields are set by New; tests may
// replace one before handing the App to an adapter.
type App struct {
	Store   store.Store
	Logger  *slog.Logger
	Now     func() time.Time
	Country string
	Rates   postal.Rates

	Auth      *auth.Service
	Merchants *acceptance.Merchants
	Network   *network.Directory
	// Routes hands out the route planner of the current network, built
	// once per network version (a *routing.Cache that Start keeps current).
	Routes     routing.Planners
	Acceptance *acceptance.Service
	Uploads    *bulk.Service
	Customs    *customs.Service
	CEB        *ceb.Hall    // the post as logistics enterprise in China Customs' CBEC system; nil without CEB profiles
	CEBMatch   *ceb.Matcher // platforms' orders and payments matched with CEB's waybills and inventories; nil without CEB profiles
	Tracking   *tracking.Service
	Dispatch   *dispatch.Service
	Inward     *inward.Service
	Planner    *alloc.Planner
	Warehouse  *warehouse.Service
	Accounting *accounting.Service
	Inquiry    *inquiry.Service
	Returns    *returns.Service
	Audit      *audit.Service
	Privacy    *privacy.Service
	// Mail sends buyers' e-mail notifications; nil without an SMTP server.
	Mail *tracking.MailDispatcher

	privacyEvery time.Duration
	pushEvery    time.Duration
	pusher       inward.Pusher
	node         string
	cebPort      *cebport.Port
	cebEvery     time.Duration
	bus          *natsbus.Bus
	routes       *routing.Cache
	allowPrivate bool
	listCheck    time.Duration // how often RunLists looks for new official lists
}

// New builds every service over st. A customs rules file that does not
// load, or a bus that cannot be reached, stops the start.
func New(ctx context.Context, st store.Store, o Options) (*App, error) {
	if o.Country == "" {
		o.Country = "CN"
	}
	if o.Rates.PerSDR == nil {
		o.Rates = postal.DefaultRates()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	a := &App{Store: st, Logger: o.Logger, Now: o.Now, Country: o.Country, Rates: o.Rates, allowPrivate: o.WebhookAllowPrivate}
	a.Network = &network.Directory{Store: st}
	a.routes = &routing.Cache{Source: a.Network, Every: o.NetworkCheck, Now: o.Now, Logger: o.Logger}
	a.Routes = a.routes
	a.Merchants = &acceptance.Merchants{Store: st, Office: a.Network.CheckOffice, Now: o.Now}
	a.Auth = &auth.Service{Store: st, Refs: refs{a}, Now: o.Now, Throttle: &auth.Throttle{}}

	engine, err := loadRules(o.CustomsRules, o.Rates)
	if err != nil {
		return nil, err
	}
	a.Customs = &customs.Service{Store: st, Offices: st, Lists: st, Rates: o.Rates, Logger: o.Logger, RulesFile: o.CustomsRules, Country: o.Country, Now: o.Now}
	a.Customs.SetRules(engine)
	if err := a.Customs.RefreshLists(ctx); err != nil {
		return nil, fmt.Errorf("load the official watch lists: %w", err)
	}
	a.listCheck = o.NetworkCheck

	a.Tracking = &tracking.Service{Store: st, Offices: st, Merchants: st, Logger: o.Logger, Now: o.Now,
		Estimator: &routeEstimator{routes: a.routes}, AllowPrivateWebhooks: o.WebhookAllowPrivate}
	if o.SMTP != "" {
		m, err := smtpmail.New(o.SMTP)
		if err != nil {
			return nil, err
		}
		a.Tracking.Buyers = st
		a.Mail = &tracking.MailDispatcher{Store: st, Mailer: m, BaseURL: o.PublicURL, Now: o.Now, Logger: o.Logger,
			Wake: a.Tracking.Projected()}
	}
	if o.Bus != "" {
		bctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		b, err := natsbus.Open(bctx, o.Bus, natsbus.Config{Name: "interpost " + o.Node})
		if err != nil {
			return nil, err
		}
		a.bus, a.Tracking.Sink = b, b
	}
	a.Customs.Events = CustomsEvents(a.Tracking)
	if len(o.CEBProfiles) > 0 {
		a.CEB = &ceb.Hall{Store: st, Customs: a.Customs, Profiles: o.CEBProfiles, Rates: o.Rates, Now: o.Now}
		a.Customs.DecidedElsewhere = a.CEB.DecidedByCustoms
		a.CEBMatch = &ceb.Matcher{Store: st, Customs: a.Customs, Now: o.Now}
		a.CEB.Sent = func(ctx context.Context, orderNo string) error {
			_, err := a.CEBMatch.Rematch(ctx, orderNo)
			return err
		}
		var sink tracking.Sink = storeAppend{st}
		if a.Tracking.Sink != nil {
			sink = a.Tracking.Sink
		}
		a.Tracking.Sink = cebDelivered{Sink: sink, hall: a.CEB, log: o.Logger}
		if o.CEBExchange != "" {
			if a.cebPort, err = newCEBPort(o.CEBExchange, o.Node, o.CEBProfiles, o); err != nil {
				return nil, err
			}
			a.cebEvery = cmp.Or(o.CEBExchangeEvery, DefaultCEBExchangeEvery)
		}
	}
	a.Tracking.Declared = a.Customs.Declared

	a.Acceptance = &acceptance.Service{Store: st, Rates: o.Rates, Country: o.Country, Declared: a.Customs.DeclareShipment, DeclaredBatch: a.Customs.DeclareShipments, Now: o.Now,
		Statuses: tracking.StatusNames()}
	a.Acceptance.Scanned = func(ctx context.Context, sh acceptance.Shipment, at time.Time) error {
		return a.Tracking.Record(ctx, tracking.Event{Object: string(sh.ID), Code: tracking.EMA, Office: sh.OriginOffice, Time: at,
			Source: tracking.SourcePost, Reason: "accepted at the counter"})
	}
	a.Uploads = &bulk.Service{Store: st, Acceptance: a.Acceptance, Now: o.Now, Logger: o.Logger}
	a.Dispatch = &dispatch.Service{Store: st, Network: st, Items: dispatchItems{st: st, a: a}, Events: dispatch.TrackingSink(a.Tracking), Now: o.Now, Logger: o.Logger,
		Customs: a.Customs.MayLeave}
	profiles, err := edi.NewProfiles(o.EDIProfiles...)
	if err != nil {
		return nil, err
	}
	a.Inward = &inward.Service{Store: st, Network: st, Country: o.Country, Profiles: profiles, Events: a.Tracking, Now: o.Now,
		Customs: customsLink{a.Customs}, Router: transitRouter{routes: a.routes}, Presorter: openTransitSorter{dispatch: a.Dispatch}}
	// Import customs' events on partners' items (EDB…EDX) go back to the
	// origin post with ours (inward's partner outbox).
	a.Customs.Events = returning(a.Customs.Events, a.Inward)
	a.Planner = &alloc.Planner{Network: st, Store: st, Shipments: st}
	a.Warehouse = &warehouse.Service{Store: st, Items: a.Acceptance, Planner: warehouse.RoutePlanner{Planners: a.routes},
		Rates: o.Rates, Country: o.Country, Now: o.Now}
	a.Accounting = &accounting.Service{Store: st, Network: st, Merchants: st, Country: o.Country, Rates: o.Rates, Now: o.Now}
	// Conveyance and transit are charged from what departed: consignments
	// and their dispatches; items that never left in one on their planned way.
	a.Accounting.Dispatches = st
	// What partner posts owe us is rated from the verified receipt at the
	// inward office (inward.Service.Received), transit charges from the
	// closed transit it forwarded (inward.Service.TransitReceived). Its
	// quality-linked part comes from the partner outbox: when arrival and
	// delivery events were returned to the origin post (inward.Service.Qualities).
	a.Accounting.Inbound = inboundFacts{received: a.receivedInbound, transit: a.transitReceived}
	a.Accounting.Quality = qualityFacts{a.Inward}
	// Returns: inbound items going back to their origin post (inward's
	// return step; they leave in our outward dispatches through
	// dispatchItems), our items back from abroad (inward's receipt) or
	// refused by export customs, and merchants' recalls; charged per the
	// tariff's returns.csv.
	a.Returns = &returns.Service{Store: st, Scans: st, Items: returnItems(st), Events: a.Tracking, Ledger: a.Accounting,
		Catalog: returnCatalog(st), Country: o.Country, Now: o.Now, Logger: o.Logger}
	a.Inward.Returns = inwardReturns{a.Returns}
	a.Customs.Events = exportReturns(a.Customs.Events, a.Returns)
	a.Audit = &audit.Service{Store: st, Now: o.Now}
	a.Privacy = &privacy.Service{Store: st, Retention: o.Retention.WithDefaults(), Now: o.Now, Logger: o.Logger, Subscribers: st}
	// Inquiries read the scans from tracking's event store and the shipment
	// from acceptance's; compensation goes to the ledger, overrides to the
	// audit log; the public page's postcode guesses are throttled.
	a.Inquiry = &inquiry.Service{Store: st, Scans: st, Items: inquiryItems(st), Ledger: a.Accounting, Audit: inquiryAudit(a.Audit),
		Rules: inquiry.DefaultRules(), Rates: o.Rates, Country: o.Country, Now: o.Now, Buyers: &auth.Throttle{}}
	a.pushEvery, a.pusher, a.node = cmp.Or(o.PartnerPushEvery, inward.DefaultPushEvery), newHTTPPusher(), o.Node
	a.privacyEvery = o.PrivacyEvery
	if a.privacyEvery == 0 {
		a.privacyEvery = DefaultPrivacyEvery
	}
	return a, nil
}

// loadRules compiles the customs rules of path, or the demo rules.
func loadRules(path string, rates postal.Rates) (*risk.Engine, error) {
	if path == "" {
		return risk.CompileRules(demo.CustomsRules, "demo/customs-rules.yaml (built in)", rates)
	}
	return risk.LoadRules(path, rates)
}

// LogRules logs which customs rules the node runs.
func (a *App) LogRules() {
	if e := a.Customs.Rules(); e != nil {
		a.Logger.Info("customs rules loaded", "version", e.Version, "source", e.Source, "rules", e.Counts.Rules,
			"watchlist", e.Counts.Watchlist, "duty_tables", e.Counts.Duties)
	}
}

// webhooks is the node's webhook dispatcher. An attempt cut short when the
// node stops is not recorded: its lease expires and it is sent again (a
// receiver deduplicates by the delivery id header).
func (a *App) webhooks() *tracking.Dispatcher {
	return &tracking.Dispatcher{Store: a.Store, Poster: webhookPoster(a.allowPrivate), Logger: a.Logger, Now: a.Now,
		Wake: a.Tracking.Projected()}
}

// Flush does once, until ctx ends, what the background work of Start does
// continually, so that a node shutting down leaves nothing waiting that it
// could have finished: customs decisions still in the outbox go to
// tracking, stored events are projected onto items and shipments, and due
// webhook deliveries are sent. Call it after the HTTP server has drained
// and Start's work has stopped. Events accepted onto the bus are already
// in the stream (acknowledged by JetStream before the request was
// answered); any node's persister stores them.
func (a *App) Flush(ctx context.Context) error {
	var errs []error
	if n, err := a.Customs.DeliverEvents(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush customs outbox: %w", err))
	} else if n > 0 {
		a.Logger.Info("flushed customs outbox", "events", n)
	}
	if _, err := a.Tracking.CatchUp(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush tracking projector: %w", err))
	}
	if n, err := a.webhooks().Step(ctx); err != nil {
		errs = append(errs, fmt.Errorf("flush webhook deliveries: %w", err))
	} else if n > 0 {
		a.Logger.Info("flushed webhook deliveries", "attempted", n)
	}
	if a.Mail != nil {
		if _, err := a.Mail.Step(ctx); err != nil {
			errs = append(errs, fmt.Errorf("flush buyer mails: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Close releases what New opened besides the store (the bus connection).
func (a *App) Close() error {
	if a.bus == nil {
		return nil
	}
	err := a.bus.Close()
	a.bus = nil
	return err
}

// refs checks the merchants and offices a key names.
type refs struct{ a *App }

func (r refs) CheckMerchant(ctx context.Context, code string) error {
	return r.a.Merchants.Check(ctx, code)
}
func (r refs) CheckOffice(ctx context.Context, code string) error {
	return r.a.Network.CheckOffice(ctx, code)
}

// CustomsEvents hands customs decisions (EME held, EDC released, …) to tracking.
func CustomsEvents(svc *tracking.Service) customs.EventSink {
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
			out[i] = tracking.Event{Object: e.TrackingObject(), Code: tracking.Code(e.Code), Office: e.Office, Time: e.At, Source: tracking.SourceCustoms, Reason: reason}
		}
		return svc.Record(ctx, out...)
	})
}

// Start runs the node's background work until ctx ends: the route
// planner's watch on the network version, the tracking projector, the
// webhook dispatcher, with a bus the persister, and the delivery of customs
// events that waited in the outbox, and the push of partner posts' waiting
// events to their endpoints. The returned function stops it and waits.
func (a *App) Start(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	run(a.routes.Run)
	run(a.Tracking.RunProjector)
	run(a.webhooks().Run)
	if a.Mail != nil {
		run(a.Mail.Run)
	}
	if a.bus != nil {
		p := &natsbus.Persister{Bus: a.bus, Store: a.Store, Logger: a.Logger, Stored: func(_, added int) {
			if added > 0 {
				a.Tracking.Notify()
			}
		}}
		run(p.Run)
	}
	// Official watch lists imported on another node reach this one within
	// a check interval.
	run(func(ctx context.Context) { a.Customs.RunLists(ctx, a.listCheck) })
	run(func(ctx context.Context) {
		// Decisions taken while tracking was unreachable wait in the
		// customs outbox; Decide delivers new ones itself.
		if _, err := a.Customs.DeliverEvents(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Warn("deliver waiting customs events", "err", err)
		}
	})
	if a.privacyEvery > 0 {
		run(a.runPrivacy)
	}
	run(a.runInquirySweep)
	if a.pushEvery > 0 {
		run(a.runPartnerPush)
	}
	if a.cebPort != nil {
		run(a.runCEBExchange)
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// runPrivacy erases personal data past its retention and purges the audit
// log at start and then every privacyEvery; the cut-offs come from the
// app's clock.
func (a *App) runPrivacy(ctx context.Context) {
	t := time.NewTicker(a.privacyEvery)
	defer t.Stop()
	for {
		if err := a.ErasePersonal(ctx, "scheduler"); err != nil && ctx.Err() == nil {
			a.Logger.Warn("privacy erasure", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ErasePersonal erases personal data past its configured retention and
// purges audit entries past theirs.
func (a *App) ErasePersonal(ctx context.Context, by string) error {
	if _, err := a.Privacy.Erase(ctx, by, time.Time{}); err != nil {
		return err
	}
	cut := a.Now().UTC().AddDate(0, -a.Privacy.Retention.WithDefaults().Audit, 0)
	n, err := a.Audit.Purge(ctx, cut)
	if n > 0 {
		a.Logger.Info("audit log purged", "before", cut, "entries", n)
	}
	return err
}
