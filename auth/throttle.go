package auth

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// Throttle slows down key guessing: after Max failed authentications from
// one client address, or for one key prefix (the key id part of a secret),
// within Window, further attempts from that address or for that prefix are
// refused until the window has passed, without looking the key up.
type Throttle struct {
	Max    int           // failures allowed per window; default 10
	Window time.Duration // default one minute
	// MaxTracked bounds memory: past it, expired windows are dropped, and
	// if that is not enough the table starts afresh. Default 100,000.
	MaxTracked int

	mu   sync.Mutex
	seen map[string]*window
}

type window struct {
	start time.Time
	fails int
}

// ThrottledError is returned instead of looking a key up while its client
// or key prefix is throttled.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed authentications from this address or for this key; retry in %d s", int(e.RetryAfter.Round(time.Second)/time.Second))
}

func (t *Throttle) limits() (int, time.Duration, int) {
	n, w, m := t.Max, t.Window, t.MaxTracked
	if n <= 0 {
		n = 10
	}
	if w <= 0 {
		w = time.Minute
	}
	if m <= 0 {
		m = 100_000
	}
	return n, w, m
}

// wait returns how long any of keys stays throttled at now (0: not at all).
func (t *Throttle) wait(now time.Time, keys ...string) time.Duration {
	max, win, _ := t.limits()
	t.mu.Lock()
	defer t.mu.Unlock()
	var longest time.Duration
	for _, k := range keys {
		w := t.seen[k]
		if w == nil || w.fails < max {
			continue
		}
		if left := w.start.Add(win).Sub(now); left > longest {
			longest = left
		}
	}
	return longest
}

// fail records a failed authentication for each of keys at now.
func (t *Throttle) fail(now time.Time, keys ...string) {
	_, win, maxTracked := t.limits()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen = map[string]*window{}
	}
	if len(t.seen) >= maxTracked {
		for k, w := range t.seen {
			if !now.Before(w.start.Add(win)) {
				delete(t.seen, k)
			}
		}
		if len(t.seen) >= maxTracked {
			t.seen = map[string]*window{}
		}
	}
	for _, k := range keys {
		w := t.seen[k]
		if w == nil || !now.Before(w.start.Add(win)) {
			w = &window{start: now}
			t.seen[k] = w
		}
		w.fails++
	}
}

// ClientOf returns the address part of a "host:port" remote address, the
// unit failures are counted per (the port changes with every connection).
func ClientOf(remoteAddr string) string {
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		return host
	}
	return remoteAddr
}

// Check returns a *ThrottledError while any of keys is throttled at now,
// for callers other than key authentication (the public inquiry page).
func (t *Throttle) Check(now time.Time, keys ...string) error {
	if d := t.wait(now, keys...); d > 0 {
		return &ThrottledError{RetryAfter: d}
	}
	return nil
}

// Fail records a failed attempt for each of keys at now.
func (t *Throttle) Fail(now time.Time, keys ...string) { t.fail(now, keys...) }
