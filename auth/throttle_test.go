package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	svc := &auth.Service{Store: &memStore{keys: map[string]auth.Key{}}, Now: func() time.Time { return now },
		Throttle: &auth.Throttle{Max: 3, Window: time.Minute}}
	k, good, err := auth.NewKey(auth.RoleAdmin, "", "", nil, "", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Store.CreateKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	bad := "ipk_" + strings.Repeat("a", 52)
	for i := range 3 {
		if _, err := svc.Authenticate(ctx, "10.0.0.1", bad); !errors.Is(err, auth.ErrBadKey) {
			t.Fatalf("failure %d = %v, want ErrBadKey", i+1, err)
		}
	}
	var th *auth.ThrottledError
	// The address is throttled now, even with a good key...
	if _, err := svc.Authenticate(ctx, "10.0.0.1", good); !errors.As(err, &th) || th.RetryAfter != time.Minute {
		t.Fatalf("4th attempt from the address = %v, want throttled for a minute", err)
	}
	// ...and so is the guessed key prefix, from any address.
	if _, err := svc.Authenticate(ctx, "10.0.0.2", bad); !errors.As(err, &th) {
		t.Fatalf("the guessed prefix from another address = %v, want throttled", err)
	}
	// Another address with another key is not.
	if p, err := svc.Authenticate(ctx, "10.0.0.2", good); err != nil || p.KeyID != k.ID {
		t.Fatalf("another address = %+v, %v", p, err)
	}
	now = now.Add(40 * time.Second)
	if _, err := svc.Authenticate(ctx, "10.0.0.1", good); !errors.As(err, &th) || th.RetryAfter != 20*time.Second {
		t.Fatalf("40 s later = %v, want 20 s to wait", err)
	}
	now = now.Add(20 * time.Second)
	if _, err := svc.Authenticate(ctx, "10.0.0.1", good); err != nil {
		t.Fatalf("after the window = %v", err)
	}
}

func TestClientOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"127.0.0.1:5555": "127.0.0.1", "[::1]:80": "::1", "pipe": "pipe"} {
		if got := auth.ClientOf(in); got != want {
			t.Errorf("ClientOf(%q) = %q, want %q", in, got, want)
		}
	}
}
