package dispatch

import (
	"context"

	"github.com/interpost/interpost/tracking"
)

// TrackingSink hands exchange-operation events (receptacle and dispatch
// scans, departures, carrier responses) to the tracking service, where they
// join the items' timelines.
func TrackingSink(svc *tracking.Service) EventSink {
	return EventSinkFunc(func(ctx context.Context, evs []Event) error {
		out := make([]tracking.Event, len(evs))
		for i, e := range evs {
			out[i] = tracking.Event{Object: e.Object, Code: tracking.Code(e.Code), Office: e.Office, Time: e.Time, Source: e.Source,
				Reason: e.Reason, NextOffice: e.NextOffice}
		}
		return svc.Record(ctx, out...)
	})
}
