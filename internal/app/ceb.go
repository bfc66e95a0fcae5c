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
// post declared was signed for: a final delivery (EMI) makes its CEB513 delivery status.
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
		if e.Code != tracking.EMI {
			continue
		}
		id := e.Object
		if i := strings.LastIndexByte(id, ':'); i >= 0 {
			id = id[i+1:] // ecommerce:PLATFORM:NUMBER
		}
		if _, err := s.hall.Delivered(ctx, id, e.Time); err != nil && s.log != nil {
			s.log.WarnContext(ctx, "CEB513 delivery status not made", "item", id, "err", err)
		}
	}
	return n, nil
}

// storeAppend is the tracking service's own sink when it has no bus: the store.
type storeAppend struct{ st tracking.EventStore }

func (s storeAppend) Append(ctx context.Context, evs []tracking.Event, received time.Time) (int, error) {
	return s.st.AppendEvents(ctx, evs, received)
}
