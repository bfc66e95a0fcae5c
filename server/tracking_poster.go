package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/interpost/interpost/tracking"
)

// webhookPoster sends webhook deliveries over HTTP.
type webhookPoster struct {
	client *http.Client
}

// NewWebhookPoster returns the HTTP sender of webhook deliveries: no
// redirects followed (a 3xx is a failed attempt), a body read of at most
// 4 KB from the endpoint, and the attempt's context as its deadline.
func NewWebhookPoster() tracking.Poster {
	return &webhookPoster{client: &http.Client{
		Timeout: 30 * time.Second, // a backstop; each attempt's context is shorter
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Post implements tracking.Poster.
func (p *webhookPoster) Post(ctx context.Context, url string, body []byte, headers map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("bad webhook URL: %w", err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, errors.New("no answer before the timeout")
		}
		return 0, err
	}
	// The status is the answer; drain a little of the body so the
	// connection can be reused, ignoring how that goes.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, resp.Body.Close()
}
