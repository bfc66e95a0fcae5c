package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/interpost/interpost/tracking"
)

func TestWebhookPosterRefusesInternal(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	ctx := context.Background()
	_, err := NewWebhookPoster(WebhookPolicy{}).Post(ctx, srv.URL, []byte("{}"), nil)
	// The merchant is told the class; the address stays in the cause,
	// which only the server's log shows.
	var de *tracking.DeliveryError
	if !errors.Is(err, ErrWebhookAddress) || !errors.As(err, &de) || !strings.Contains(de.Cause.Error(), "127.0.0.1 is a loopback address") ||
		err.Error() != "endpoint refused: internal address (webhooks go to public addresses only)" {
		t.Fatalf("post to a loopback endpoint = %v, want a classified ErrWebhookAddress naming the address in its cause", err)
	}
	// A name is checked after it resolves.
	_, err = NewWebhookPoster(WebhookPolicy{}).Post(ctx, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), []byte("{}"), nil)
	if !errors.Is(err, ErrWebhookAddress) {
		t.Fatalf("post to localhost = %v, want ErrWebhookAddress", err)
	}
	if hits != 0 {
		t.Fatalf("the endpoint was reached %d times", hits)
	}
	status, err := NewWebhookPoster(WebhookPolicy{AllowPrivate: true}).Post(ctx, srv.URL, []byte("{}"), nil)
	if err != nil || status != http.StatusOK || hits != 1 {
		t.Fatalf("with AllowPrivate: %d, %v, %d hits", status, err, hits)
	}
}
