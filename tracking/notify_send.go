package tracking

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/i18n"
	"golang.org/x/text/language"
)

// MailMessage is one rendered buyer e-mail.
type MailMessage struct {
	To, Subject, Text string
	Lang              string
	// Unsubscribe is the one-click unsubscribe URL (also sent as the
	// List-Unsubscribe header, RFC 2369 and RFC 8058).
	Unsubscribe string
	// ID is stable across retries (the Message-ID's local part).
	ID string
}

// Mailer sends e-mail. ErrPermanent in the chain marks a failure that
// retrying cannot fix (the server refused the address).
type Mailer interface {
	Send(ctx context.Context, m MailMessage) error
}

// ErrPermanent marks a send failure not worth retrying.
var ErrPermanent = errors.New("permanent mail failure")

// RenderBuyerMail writes the e-mail of m in its subscriber's language
// (English for languages without mail texts; nil cat = i18n.Default()). base is the public URL of
// the server, such as https://track.example.com.
func RenderBuyerMail(cat *i18n.Catalog, base string, m BuyerMail) MailMessage {
	if cat == nil {
		cat = i18n.Default()
	}
	tag := cat.Match(m.Lang)
	if len(cat.Missing(tag, "notify.")) > 0 {
		tag = language.English // the mail reads in one language, not a mix
	}
	l := cat.For(tag)
	base = strings.TrimRight(base, "/")
	status := l.T("public.status." + string(m.Status))
	page := base + "/track/" + url.PathEscape(m.Object) + "?lang=" + url.QueryEscape(l.Lang())
	unsub := base + "/track/unsubscribe/" + url.PathEscape(m.Token) + "?lang=" + url.QueryEscape(l.Lang())
	var b strings.Builder
	b.WriteString(l.T("notify.greeting") + "\n\n")
	b.WriteString(l.T("notify.body", "ID", m.Object, "Status", status, "Time", m.EventTime) + "\n\n")
	b.WriteString(l.T("notify.follow", "URL", page) + "\n\n-- \n")
	b.WriteString(l.T("notify.why", "ID", m.Object) + "\n")
	b.WriteString(l.T("notify.unsubscribe", "URL", unsub) + "\n")
	return MailMessage{To: m.Email, Lang: l.Lang(), ID: m.ID, Unsubscribe: unsub,
		Subject: l.T("notify.subject", "ID", m.Object, "Status", status), Text: b.String()}
}

// MailDispatcher sends the buyer mail outbox with the webhook retry policy
// (Backoff, MaxAttempts). Without a Mailer it sends nothing and the mails
// stay queued.
type MailDispatcher struct {
	Store   BuyerStore
	Mailer  Mailer
	Catalog *i18n.Catalog // default i18n.Default()
	BaseURL string        // public URL of the tracking page's server
	Now     func() time.Time
	Logger  *slog.Logger
	Timeout time.Duration // per mail; default 30 s
	Workers int           // default 4
	Every   time.Duration // poll interval; default 2 s
	Wake    <-chan struct{}
}

// Run sends mails until ctx ends.
func (d *MailDispatcher) Run(ctx context.Context) {
	t := time.NewTicker(orDefault(d.Every, 2*time.Second))
	defer t.Stop()
	for {
		if _, err := d.Step(ctx); err != nil && ctx.Err() == nil {
			d.logger().Error("buyer mail dispatcher", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.Wake:
		}
	}
}

func (d *MailDispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

func (d *MailDispatcher) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// Step claims and sends one round of due mails and returns how many it attempted.
func (d *MailDispatcher) Step(ctx context.Context) (int, error) {
	if d.Mailer == nil {
		return 0, nil
	}
	timeout := orDefault(d.Timeout, 30*time.Second)
	workers := orDefault(d.Workers, 4)
	due, err := d.Store.ClaimBuyerMails(ctx, d.now(), timeout+time.Minute, workers*4)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	cat := d.Catalog
	if cat == nil {
		cat = i18n.Default()
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, m := range due {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := d.attempt(ctx, cat, m, timeout); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return len(due), fmt.Errorf("record %d buyer mail attempts: %w", len(errs), errs[0])
	}
	return len(due), nil
}

func (d *MailDispatcher) attempt(ctx context.Context, cat *i18n.Catalog, m BuyerMail, timeout time.Duration) error {
	actx, cancel := context.WithTimeout(ctx, timeout)
	err := d.Mailer.Send(actx, RenderBuyerMail(cat, d.BaseURL, m))
	cancel()
	if ctx.Err() != nil {
		return nil // shutting down: the lease expires and the mail is retried
	}
	now := d.now().UTC()
	a := MailAttempt{Seq: m.Seq, At: now, Attempts: m.Attempts + 1, State: DeliveryDelivered}
	if err != nil {
		// The error may quote the address (SMTP replies do): the log names the mail only.
		d.logger().Warn("buyer mail attempt failed", "mail", m.ID, "item", m.Object, "attempt", a.Attempts,
			"permanent", errors.Is(err, ErrPermanent))
		a.Error = scrubAddress(err.Error(), m.Email)
		if len(a.Error) > 300 {
			a.Error = a.Error[:300]
		}
		a.State, a.NextAttempt = DeliveryPending, now.Add(jitter(Backoff(a.Attempts)))
		if a.Attempts >= MaxAttempts || errors.Is(err, ErrPermanent) {
			a.State, a.NextAttempt = DeliveryFailed, time.Time{}
		}
	}
	return d.Store.FinishBuyerMail(context.WithoutCancel(ctx), a)
}

// scrubAddress removes the buyer's address from an error text.
func scrubAddress(s, email string) string {
	if email == "" {
		return s
	}
	return strings.ReplaceAll(s, email, "<buyer>")
}
