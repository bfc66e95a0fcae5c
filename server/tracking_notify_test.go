package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/tracking"
)

type fakeMailer struct {
	mu   sync.Mutex
	sent []tracking.MailMessage
}

func (f *fakeMailer) Send(_ context.Context, m tracking.MailMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, m)
	return nil
}

func postForm(t *testing.T, u string, v url.Values) (int, string) {
	t.Helper()
	res, err := http.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, b.String()
}

// TestBuyerNotify: a buyer subscribes on the public page in Chinese, the
// merchant's default statuses make one mail in Chinese with a working
// unsubscribe link; the merchant's API chooses statuses.
func TestBuyerNotify(t *testing.T) {
	e, id, a := heldItemApp(t)
	if a.Mail != nil {
		t.Fatal("mail dispatcher without --smtp")
	}
	if page := e.do("GET", "/track/"+id, "", nil); strings.Contains(string(page.body), `action="/track/notify/`) {
		t.Error("subscription form offered without an SMTP server")
	}
	// The same world with an SMTP server configured.
	e2, id2, a2 := heldItemAppWith(t, app.Options{SMTP: "smtp://127.0.0.1:1?from=notify@post.example&tls=none", PublicURL: "https://track.example"})
	mailer := &fakeMailer{}
	a2.Mail.Mailer = mailer
	ctx := context.Background()
	if _, err := a2.Tracking.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	page := e2.do("GET", "/track/"+id2+"?lang=zh-CN", "", nil)
	if !strings.Contains(string(page.body), `action="/track/notify/`+id2+`"`) {
		t.Fatalf("no subscription form:\n%s", page.body)
	}
	if st, body := postForm(t, e2.srv.URL+"/track/notify/"+id2, url.Values{"email": {"not an address"}, "lang": {"zh-CN"}}); st != 422 ||
		!strings.Contains(body, "not an e-mail address") {
		t.Errorf("bad address: %d\n%s", st, body)
	}
	st, body := postForm(t, e2.srv.URL+"/track/notify/"+id2, url.Values{"email": {"buyer@example.com"}, "lang": {"zh-CN"}})
	if st != 200 || !strings.Contains(body, "已订阅") {
		t.Fatalf("subscribe: %d\n%s", st, body)
	}
	// The merchant's API: bad status named; the default set before a choice.
	if r := e2.do("GET", "/v1/buyer-notifications", "acme", nil); r.status != 200 || !strings.Contains(string(r.body), `"import_customs_held"`) ||
		!strings.Contains(string(r.body), `"enabled":true`) {
		t.Errorf("GET buyer-notifications = %d %s", r.status, r.body)
	}
	if r := e2.do("PUT", "/v1/buyer-notifications", "acme", map[string]any{"statuses": []string{"delivered", "teleported"}}); r.status != 422 ||
		!strings.Contains(string(r.body), "statuses[1]") {
		t.Errorf("PUT bad status = %d %s", r.status, r.body)
	}
	if r := e2.do("PUT", "/v1/buyer-notifications", "acme", map[string]any{"statuses": []string{"import_customs_released", "delivered"}}); r.status != 200 {
		t.Errorf("PUT = %d %s", r.status, r.body)
	}
	if r := e2.do("PUT", "/v1/buyer-notifications", "acme", map[string]any{"merchant": "other", "statuses": []string{}}); r.status != 403 && r.status != 404 {
		t.Errorf("PUT for another merchant = %d %s", r.status, r.body)
	}
	released := tracking.Event{Object: id2, Code: tracking.EDC, Office: "PLWAWA", Time: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC), Source: "customs"}
	if err := a2.Tracking.Record(ctx, released); err != nil {
		t.Fatal(err)
	}
	if _, err := a2.Tracking.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := a2.Mail.Step(ctx); err != nil || n != 1 || len(mailer.sent) != 1 {
		t.Fatalf("Step = %d, %v; sent %d", n, err, len(mailer.sent))
	}
	m := mailer.sent[0]
	if m.To != "buyer@example.com" || m.Lang != "zh-CN" || !strings.Contains(m.Subject, "进口海关已放行") ||
		!strings.HasPrefix(m.Unsubscribe, "https://track.example/track/unsubscribe/") {
		t.Fatalf("mail = %+v", m)
	}
	link := strings.TrimPrefix(m.Unsubscribe, "https://track.example")
	path, _, _ := strings.Cut(link, "?")
	if r := e2.do("GET", link, "", nil); r.status != 200 || !strings.Contains(string(r.body), `method="post" action="`+path+`"`) ||
		!strings.Contains(string(r.body), "退订") {
		t.Errorf("unsubscribe page = %d\n%s", r.status, r.body)
	}
	if st, body := postForm(t, e2.srv.URL+path, nil); st != 200 || !strings.Contains(body, "已退订") {
		t.Errorf("unsubscribe: %d\n%s", st, body)
	}
	if st, body := postForm(t, e2.srv.URL+path, nil); st != 200 || !strings.Contains(body, "no subscription any more") {
		t.Errorf("unsubscribe again: %d\n%s", st, body)
	}
}
