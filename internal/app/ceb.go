package app

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/tracking"
)

// cebDelivered is the tracking sink that also tells China Customs when an e-commerce import the
// post declared was signed for: a final delivery (EMI) makes its CEB513 delivery status. For an
// e-commerce export whose CEB505 was sent, arrival at the outward office (EMB, or EXC: back from
// export customs) makes its CEB507 (运抵) and departure from it (EMC) its CEB509 (离境).
type cebDelivered struct {
	tracking.Sink
	hall *ceb.Hall
	log  *slog.Logger
}

// Append implements tracking.Sink. A failure to make the CEB513 is logged, never fails the scan.
func (s cebDelivered) Append(ctx context.Context, evs []tracking.Event, received time.Time) (int, error) {
	n, err := s.Sink.Append(ctx, evs, received)
	if err != nil {
		return n, err
	}
	for _, e := range evs {
		var build func(context.Context, string, time.Time) (bool, error)
		var what string
		switch e.Code {
		case tracking.EMI:
			build, what = s.hall.Delivered, "CEB513 delivery status"
		case tracking.EMB, tracking.EXC:
			build, what = s.hall.Arrived, "CEB507 arrival"
		case tracking.EMC:
			build, what = s.hall.Departed, "CEB509 departure"
		default:
			continue
		}
		id := e.Object
		if i := strings.LastIndexByte(id, ':'); i >= 0 {
			id = id[i+1:] // ecommerce:PLATFORM:NUMBER
		}
		if _, err := build(ctx, id, e.Time); err != nil && s.log != nil {
			s.log.WarnContext(ctx, what+" not made", "item", id, "err", err)
		}
	}
	return n, nil
}

// storeAppend is the tracking service's own sink when it has no bus: the store.
type storeAppend struct{ st tracking.EventStore }

func (s storeAppend) Append(ctx context.Context, evs []tracking.Event, received time.Time) (int, error) {
	return s.st.AppendEvents(ctx, evs, received)
}
