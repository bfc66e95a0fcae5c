package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/interpost/interpost/tracking"
)

func TestGate(t *testing.T) {
	t.Parallel()
	g := &Gate{Version: "test"}
	get := func(path string) (int, string, http.Header) {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String(), rec.Header()
	}
	// Starting: migrations run, nothing but liveness answers.
	if code, body, _ := get("/readyz"); code != 503 || !strings.Contains(body, `"phase":"starting"`) {
		t.Errorf("readyz while starting: %d %s", code, body)
	}
	if code, _, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz while starting: %d", code)
	}
	if code, body, h := get("/v1/products"); code != 503 || h.Get("Retry-After") == "" || !strings.Contains(body, "starting") {
		t.Errorf("API while starting: %d %s %v", code, body, h)
	}
	g.Serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	if code, _, _ := get("/readyz"); code != http.StatusTeapot {
		t.Errorf("serving: %d, want the handler's answer", code)
	}
	g.Unready()
	if code, body, _ := get("/readyz"); code != 503 || !strings.Contains(body, `"phase":"draining"`) {
		t.Errorf("readyz while unready: %d %s", code, body)
	}
	if code, _, _ := get("/v1/shipments"); code != http.StatusTeapot {
		t.Errorf("API while unready: %d, want it still served", code)
	}
	g.Drain()
	if !g.Draining() {
		t.Error("Draining() false after Drain")
	}
	if code, body, h := get("/readyz"); code != 503 || !strings.Contains(body, `"phase":"draining"`) || h.Get("Connection") != "close" {
		t.Errorf("readyz while draining: %d %s %v", code, body, h)
	}
	if code, body, _ := get("/v1/shipments"); code != 503 || !strings.Contains(body, "shutting down") {
		t.Errorf("API while draining: %d %s", code, body)
	}
	if code, _, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz while draining: %d", code)
	}
}

// TestTrackETagCoversEmailForm: a node with an SMTP server offers the e-mail
// form and one without does not, so their pages of the same timeline must
// not share a validator.
func TestTrackETagCoversEmailForm(t *testing.T) {
	tl := tracking.Timeline{Object: "EE123456789CN"}
	if trackETag(tl, "en", 1, true) == trackETag(tl, "en", 1, false) {
		t.Fatal("same ETag with and without the e-mail form")
	}
	a, b := trackETag(tl, "en", 1, true), trackETag(tl, "en", 1, true)
	if a != b {
		t.Fatal("ETag not stable")
	}
}
