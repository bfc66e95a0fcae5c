package smtpmail

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/interpost/interpost/tracking"
)

// recorder is an in-process SMTP server that records what it receives and
// refuses the recipients it is told to.
type recorder struct {
	mu       sync.Mutex
	messages []received
	refuse   map[string]*smtp.SMTPError // by recipient
}

type received struct {
	From, To string
	Data     string
}

func (r *recorder) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{r: r}, nil }

type session struct {
	r        *recorder
	from, to string
}

func (s *session) Reset()        {}
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	if e := s.r.refuse[to]; e != nil {
		return e
	}
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.r.mu.Lock()
	s.r.messages = append(s.r.messages, received{From: s.from, To: s.to, Data: string(b)})
	s.r.mu.Unlock()
	return err
}

func startSMTP(t *testing.T, rec *recorder) string {
	t.Helper()
	srv := smtp.NewServer(rec)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// memStore is the outbox part of tracking.BuyerStore, in memory.
type memStore struct {
	tracking.BuyerStore
	mails []tracking.BuyerMail
}

func (m *memStore) ClaimBuyerMails(_ context.Context, now time.Time, _ time.Duration, limit int) ([]tracking.BuyerMail, error) {
	var out []tracking.BuyerMail
	for _, ml := range m.mails {
		if ml.State == tracking.DeliveryPending && !ml.NextAttempt.After(now) && len(out) < limit {
			out = append(out, ml)
		}
	}
	return out, nil
}

func (m *memStore) FinishBuyerMail(_ context.Context, a tracking.MailAttempt) error {
	for i := range m.mails {
		if m.mails[i].Seq == a.Seq {
			m.mails[i].State, m.mails[i].Attempts, m.mails[i].NextAttempt, m.mails[i].LastError = a.State, a.Attempts, a.NextAttempt, a.Error
		}
	}
	return nil
}

func TestNew(t *testing.T) {
	for _, bad := range []string{"http://x?from=a@b.c", "smtp://host", "smtp://host?from=a@b.c&tls=maybe", "smtp://host:99999?from=a@b.c"} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%q) = nil error", bad)
		}
	}
	if _, err := New("smtp://user:s3cret@mail.example.com?from=notify@post.example"); err != nil {
		t.Error(err)
	}
	if _, err := New("smtp://user:s3cret@mail.example.com:bad?from=x"); err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error quotes the password: %v", err)
	}
	if got := Redacted("smtp://user:s3cret@mail.example.com:587?from=a@b.c"); got != "smtp://mail.example.com:587" {
		t.Errorf("Redacted = %q", got)
	}
}

// TestDispatch sends the outbox through a real SMTP conversation: the mail
// in the buyer's language with its unsubscribe link and header, a
// temporary refusal retried after the backoff, a permanent one given up.
func TestDispatch(t *testing.T) {
	rec := &recorder{refuse: map[string]*smtp.SMTPError{
		"later@example.com": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later@example.com again"},
		"gone@example.com":  {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"},
	}}
	addr := startSMTP(t, rec)
	m, err := New("smtp://" + addr + "?from=Interpost+<notify@post.example>&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	m.Now = func() time.Time { return now }
	mail := func(seq int64, email, lang string) tracking.BuyerMail {
		return tracking.BuyerMail{Seq: seq, ID: "bnm_" + string(rune('a'+seq)), Object: "EE123456785CN", Status: tracking.StatusOutForDelivery,
			EventTime: "2026-11-25 08:00 +01:00", State: tracking.DeliveryPending, NextAttempt: now, Email: email, Lang: lang, Token: "tok" + lang}
	}
	st := &memStore{mails: []tracking.BuyerMail{mail(1, "buyer@example.com", "zh-CN"), mail(2, "later@example.com", "de"), mail(3, "gone@example.com", "en")}}
	d := &tracking.MailDispatcher{Store: st, Mailer: m, BaseURL: "https://track.post.example/", Now: func() time.Time { return now }}
	if n, err := d.Step(context.Background()); err != nil || n != 3 {
		t.Fatalf("Step = %d, %v", n, err)
	}
	if len(rec.messages) != 1 {
		t.Fatalf("server received %d messages, want 1", len(rec.messages))
	}
	got := rec.messages[0]
	got.Data = strings.NewReplacer("\r\n ", " ", "\r\n\t", " ").Replace(got.Data) // unfold headers
	for _, want := range []string{"Subject: =?UTF-8?", "List-Unsubscribe: <https://track.post.example/track/unsubscribe/tokzh-CN?lang=zh-CN>",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Content-Language: zh-CN", "Message-ID: <bnm_b@post.example>"} {
		if !strings.Contains(got.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, got.Data)
		}
	}
	if got.To != "buyer@example.com" || got.From != "notify@post.example" {
		t.Errorf("envelope = %s -> %s", got.From, got.To)
	}
	sent, later, gone := st.mails[0], st.mails[1], st.mails[2]
	if sent.State != tracking.DeliveryDelivered {
		t.Errorf("first mail = %+v", sent)
	}
	if later.State != tracking.DeliveryPending || later.Attempts != 1 || later.NextAttempt.Before(now.Add(20*time.Second)) ||
		strings.Contains(later.LastError, "later@example.com") {
		t.Errorf("temporarily refused mail = %+v (want pending, retried after ~30 s, address scrubbed)", later)
	}
	if gone.State != tracking.DeliveryFailed || gone.Attempts != 1 {
		t.Errorf("permanently refused mail = %+v", gone)
	}
	// The retry succeeds once the server accepts, and the German reader gets English.
	rec.mu.Lock()
	delete(rec.refuse, "later@example.com")
	rec.mu.Unlock()
	now = now.Add(time.Minute)
	if n, err := d.Step(context.Background()); err != nil || n != 1 {
		t.Fatalf("retry Step = %d, %v", n, err)
	}
	if st.mails[1].State != tracking.DeliveryDelivered || len(rec.messages) != 2 || !strings.Contains(rec.messages[1].Data, "Subject: EE123456785CN: Out for delivery") {
		t.Errorf("after retry: %+v, %d messages", st.mails[1], len(rec.messages))
	}
}

// TestRender: zh-CN text, English fallback, links.
func TestRender(t *testing.T) {
	m := tracking.BuyerMail{ID: "bnm_x", Object: "EE123456785CN", Status: tracking.StatusDelivered, EventTime: "2026-11-26 12:00 +01:00",
		Token: "tok", Lang: "zh-CN"}
	zh := tracking.RenderBuyerMail(nil, "https://t.example", m)
	if zh.Subject != "EE123456785CN：已妥投" || !strings.Contains(zh.Text, "https://t.example/track/EE123456785CN?lang=zh-CN") ||
		!strings.Contains(zh.Text, "https://t.example/track/unsubscribe/tok") {
		t.Errorf("zh-CN mail = %+v", zh)
	}
	m.Lang = "pl"
	if en := tracking.RenderBuyerMail(nil, "https://t.example", m); !strings.Contains(en.Text, "Your item EE123456785CN has a new status") {
		t.Errorf("pl mail (English texts) = %+v", en)
	}
}
