package bus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/interpost/interpost/tracking"
)

// Local is the in-process bus: events go straight to the store.
type Local struct {
	Store tracking.EventStore
}

// Append implements tracking.Sink.
func (l Local) Append(ctx context.Context, events []tracking.Event, received time.Time) (int, error) {
	return l.Store.AppendEvents(ctx, events, received)
}

// Encode appends events to b as JSON lines.
func Encode(b []byte, events []tracking.Event) []byte {
	for _, e := range events {
		b = tracking.AppendJSON(b, e)
		b = append(b, '\n')
	}
	return b
}

// Decode reads a payload made by Encode. The events were validated before
// they were published, so any rejection means a corrupt payload.
func Decode(payload []byte) ([]tracking.Event, error) {
	dec := tracking.NewJSONDecoder(bytes.NewReader(payload))
	var b tracking.Batch
	for {
		err := dec.Decode(&b, 1<<20)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(b.Rejected) > 0 {
		return nil, fmt.Errorf("corrupt event payload: %s", b.Rejected[0].Reason)
	}
	return b.Events, nil
}
