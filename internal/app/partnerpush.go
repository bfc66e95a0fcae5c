package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/interpost/interpost/inward"
)

// httpPusher pushes batches of our events to partner posts' endpoints
// (inward.Pusher): one POST per batch, the body in the endpoint's format
// (docs/formats.md "Events pushed to the origin post").
type httpPusher struct{ client *http.Client }

func newHTTPPusher() httpPusher {
	return httpPusher{client: &http.Client{Timeout: 30 * time.Second}}
}

// pushedEvent and pushedBatch are the json format: the answer of
// GET /v1/inward/events.
type pushedEvent struct {
	Item       string    `json:"item"`
	Code       string    `json:"code"`
	Office     string    `json:"office"`
	Time       time.Time `json:"time"`
	Reason     string    `json:"reason,omitempty"`
	Signatory  string    `json:"signatory,omitempty"`
	ReturnedAt time.Time `json:"returned_at,omitzero"`
}

type pushedBatch struct {
	Partner  string        `json:"partner"`
	Ref      string        `json:"ref"`
	Prepared time.Time     `json:"prepared"`
	Events   []pushedEvent `json:"events"`
	EMSEVT   string        `json:"emsevt"`
	EDIFACT  string        `json:"edifact"`
}

// PushBody is the body and content type of a batch pushed in format.
func PushBody(format string, b inward.EventBatch) ([]byte, string, error) {
	switch format {
	case inward.FormatEMSEVT:
		return b.Text, "application/vnd.interpost.evt", nil
	case inward.FormatEDIFACT:
		return b.EDIFACT, "application/EDIFACT", nil
	case inward.FormatJSON:
		out := pushedBatch{Partner: b.Partner, Ref: b.Ref, Prepared: b.Prepared, Events: make([]pushedEvent, len(b.Events)),
			EMSEVT: string(b.Text), EDIFACT: string(b.EDIFACT)}
		for i, e := range b.Events {
			out.Events[i] = pushedEvent{Item: e.Item, Code: string(e.Code), Office: e.Office, Time: e.At, Reason: e.Reason, Signatory: e.Signatory,
				ReturnedAt: b.Prepared}
		}
		body, err := json.Marshal(out)
		return body, "application/json", err
	}
	return nil, "", fmt.Errorf("push format %q unknown", format)
}

func (p httpPusher) Push(ctx context.Context, e inward.Endpoint, b inward.EventBatch) (int, error) {
	body, ctype, err := PushBody(e.Format, b)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("push to %s: %w", e.Partner, err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "Interpost-Events/1")
	// The reference names the batch: a partner that gets it twice (our
	// push timed out after it took it) keeps it once.
	req.Header.Set("X-Interpost-Batch", b.Ref)
	req.Header.Set("X-Interpost-Partner", b.Partner)
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// PushPartnerEvents pushes the waiting events of every partner post whose
// endpoint is due, once, and answers how many went back.
func (a *App) PushPartnerEvents(ctx context.Context) (int, error) {
	return a.Inward.PushDue(ctx, a.pusher, a.node)
}

// runPartnerPush pushes the partners' waiting events to their endpoints
// at start and then every pushEvery. Every node runs it; the store's
// claim keeps two nodes from pushing the same event.
func (a *App) runPartnerPush(ctx context.Context) {
	t := time.NewTicker(a.pushEvery)
	defer t.Stop()
	for {
		if n, err := a.PushPartnerEvents(ctx); err != nil && ctx.Err() == nil {
			a.Logger.Warn("push events to partner posts", "err", err, "pushed", n)
		} else if n > 0 {
			a.Logger.Info("pushed events to partner posts", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
