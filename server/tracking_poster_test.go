package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWebhookPosterRefusesInternal(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	ctx := context.Background()
	_, err := NewWebhookPoster(WebhookPolicy{}).Post(ctx, srv.URL, []byte("{}"), nil)
	if !errors.Is(err, ErrWebhookAddress) || !strings.Contains(err.Error(), "127.0.0.1 is a loopback address") {
		t.Fatalf("post to a loopback endpoint = %v, want ErrWebhookAddress naming the address", err)
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
