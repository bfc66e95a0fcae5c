package cli

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
)

// clock returns the clock of --now: the fixed moment it names, or the
// machine's clock when it is empty.
func (o *Options) clock() (func() time.Time, error) {
	if o.Now == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, o.Now)
	if err != nil {
		return nil, postal.Invalid("bad --now", postal.FieldError{Field: "--now", Message: "give a time as RFC 3339, e.g. 2026-11-23T12:00:00Z"})
	}
	return func() time.Time { return t }, nil
}

// newApp builds every service over st (internal/app) as the flags
// configure them. withBus connects to --bus when it is set; commands that
// send no tracking events leave it off so they work while NATS is down.
func (o *Options) newApp(ctx context.Context, st store.Store, log *slog.Logger, withBus bool) (*app.App, error) {
	rates, err := o.rates()
	if err != nil {
		return nil, err
	}
	now, err := o.clock()
	if err != nil {
		return nil, err
	}
	profiles, err := o.ediProfiles()
	if err != nil {
		return nil, err
	}
	cebProfiles, err := o.cebProfiles()
	if err != nil {
		return nil, err
	}
	retention, err := parseRetention(o.Retention)
	if err != nil {
		return nil, err
	}
	opts := app.Options{Country: o.Country, Rates: rates, CustomsRules: o.CustomsRules, Node: o.Addr,
		WebhookAllowPrivate: o.WebhookAllowPrivate, Logger: log, Now: now, EDIProfiles: profiles, Retention: retention,
		CEBProfiles: cebProfiles, CEBExchange: o.CEBExchange, SMTP: o.SMTP, PublicURL: o.publicURL(),
		PartnerPushEvery: o.PartnerPushEvery}
	if withBus {
		opts.Bus = o.Bus
	}
	return app.New(ctx, st, opts)
}

// withApp opens the store the flags name, builds the services over it and
// runs fn; both are released afterwards.
func (o *Options) withApp(ctx context.Context, withBus bool, fn func(*app.App) error) (err error) {
	st, err := o.openStore(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	a, err := o.newApp(ctx, st, slog.Default(), withBus)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	return fn(a)
}

// asFlags renames the fields of a validation error to the flags that set
// them (field "merchant" → "--merchant"), so the message names what the
// user typed. Other errors pass through unchanged.
func asFlags(err error, flags map[string]string) error {
	var pe *postal.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = make([]postal.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		if flag, ok := flags[f.Field]; ok {
			f.Field = flag
		}
		out.Fields[i] = f
	}
	return &out
}

// postToday is today's date where the post is: the app clock read in the
// time zone of the post's own offices (the first office of --country), or
// UTC when the network has none yet.
func postToday(ctx context.Context, a *app.App) (civil.Date, error) {
	offices, err := a.Network.Offices(ctx)
	if err != nil {
		return civil.Date{}, err
	}
	loc := time.UTC
	for _, of := range offices {
		if of.Country != a.Country {
			continue
		}
		if l, err := time.LoadLocation(of.TZ); err == nil {
			loc = l
			break
		}
	}
	return civil.DateOf(a.Now().In(loc)), nil
}

// publicURL is --public-url, or the listen address.
func (o *Options) publicURL() string {
	if o.PublicURL != "" {
		return o.PublicURL
	}
	return "http://" + o.Addr
}
