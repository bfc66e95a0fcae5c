package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
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

func TestInternalAddr(t *testing.T) {
	for addr, internal := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.9": true, "192.168.1.1": true,
		"169.254.169.254": true, "100.64.3.4": true, "0.0.0.0": true, "::": true, "fd00::1": true, "fe80::1": true,
		"224.0.0.1": true, "::ffff:10.0.0.1": true,
		"8.8.8.8": false, "203.0.113.7": false, "2001:4860:4860::8888": false, "100.128.0.1": false,
	} {
		got := internalAddr(netip.MustParseAddr(addr).Unmap())
		if (got != "") != internal {
			t.Errorf("internalAddr(%s) = %q, want internal=%v", addr, got, internal)
		}
	}
}
