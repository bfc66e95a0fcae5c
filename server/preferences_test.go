package server_test

import (
	"net/http"
	"testing"
)

// TestPreferences: every role reads and sets its own language; a tag the
// console does not speak gives English, never an error; "" clears it; and
// one key's preference is not another's.
func TestPreferences(t *testing.T) {
	e := newEnv(t)
	type prefs struct {
		Language string `json:"language"`
	}
	get := func(key string) string {
		t.Helper()
		r := e.do(http.MethodGet, "/v1/me/preferences", key, nil)
		if r.status != http.StatusOK {
			t.Fatalf("GET preferences (%s) = %d %s", key, r.status, r.body)
		}
		var p prefs
		r.json(t, &p)
		return p.Language
	}
	put := func(key, lang string) string {
		t.Helper()
		r := e.do(http.MethodPut, "/v1/me/preferences", key, map[string]string{"language": lang})
		if r.status != http.StatusOK {
			t.Fatalf("PUT preferences (%s, %q) = %d %s", key, lang, r.status, r.body)
		}
		var p prefs
		r.json(t, &p)
		return p.Language
	}
	if got := get("operator"); got != "" {
		t.Fatalf("new key's language = %q, want none", got)
	}
	for _, c := range []struct{ in, want string }{
		{"zh-CN", "zh-CN"},
		{"zh-Hans-CN", "zh-CN"},
		{"zh", "zh-CN"},
		{"fr-CH, fr;q=0.9, zh;q=0.8", "zh-CN"},
		{"xx-Unknown", "en"},
		{"!!!", "en"},
		{"en-GB", "en"},
	} {
		t.Run(c.in, func(t *testing.T) {
			if got := put("operator", c.in); got != c.want {
				t.Errorf("PUT %q = %q, want %q", c.in, got, c.want)
			}
			if got := get("operator"); got != c.want {
				t.Errorf("GET after PUT %q = %q, want %q", c.in, got, c.want)
			}
		})
	}
	put("acme", "zh-CN")
	if got := put("operator", ""); got != "" {
		t.Errorf("clearing = %q", got)
	}
	if got, other := get("operator"), get("acme"); got != "" || other != "zh-CN" {
		t.Errorf("after clearing the operator's: operator %q, merchant %q; want \"\" and zh-CN", got, other)
	}
}
