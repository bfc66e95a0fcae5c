package app

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/accounting"
)

func TestInboundFactsAdapter(t *testing.T) {
	p := accounting.Month(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC))
	var asked [2]time.Time
	f := inboundFacts{received: func(_ context.Context, from, to time.Time) ([]accounting.InboundItem, error) {
		asked = [2]time.Time{from, to}
		return []accounting.InboundItem{{Item: "RR000000001JP", Partner: "JPPOST", Items: 1, WeightG: 120}}, nil
	}}
	items, err := f.Inbound(context.Background(), p)
	if err != nil || len(items) != 1 || asked != [2]time.Time{p.From, p.To} {
		t.Fatalf("inbound %+v %v, asked %v", items, err, asked)
	}
	if tr, err := f.Transit(context.Background(), p); err != nil || tr != nil {
		t.Fatalf("transit without a source: %+v %v", tr, err)
	}
}
