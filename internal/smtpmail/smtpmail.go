// Package smtpmail sends buyer notifications (tracking.MailMessage) through
// an SMTP server with github.com/wneessen/go-mail.
//
// The server is named by a URL:
//
//	smtp://[user:password@]host[:port]?from=notify@post.example[&tls=starttls|opportunistic|none]
//	smtps://[user:password@]host[:port]?from=...   (TLS from the first byte, port 465)
//
// smtp:// defaults to port 587 and STARTTLS required.
package smtpmail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/interpost/interpost/tracking"
)

// Mailer is a tracking.Mailer over SMTP.
type Mailer struct {
	host   string
	from   string
	domain string // of From, for Message-IDs
	opts   []gomail.Option
	Now    func() time.Time
}

// New parses an SMTP URL (see the package comment). The error never quotes
// the password.
func New(raw string) (*Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("--smtp: not a URL such as smtp://user:password@mail.example.com:587?from=notify@example.com")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" || u.Hostname() == "" {
		return nil, fmt.Errorf("--smtp: want smtp://host[:port]?from=… or smtps://host[:port]?from=…, got scheme %q host %q", u.Scheme, u.Hostname())
	}
	q := u.Query()
	from, err := mail.ParseAddress(q.Get("from"))
	if err != nil {
		return nil, fmt.Errorf("--smtp: the from= parameter must be the sender's address, such as from=notify@post.example")
	}
	m := &Mailer{host: u.Hostname(), from: from.String(), domain: from.Address[len(from.Address)-len(domainOf(from.Address)):]}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		m.opts = append(m.opts, gomail.WithSSL())
	} else {
		switch q.Get("tls") {
		case "", "starttls":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "opportunistic":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "none":
			m.opts = append(m.opts, gomail.WithTLSPolicy(gomail.NoTLS))
		default:
			return nil, fmt.Errorf("--smtp: tls=%q; want starttls, opportunistic or none", q.Get("tls"))
		}
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("--smtp: port %q is not a number from 1 to 65535", p)
		}
		port = n
	}
	m.opts = append(m.opts, gomail.WithPort(port), gomail.WithTimeout(30*time.Second))
	if u.User != nil {
		pw, _ := u.User.Password()
		m.opts = append(m.opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return m, nil
}

func domainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return addr
}

// Redacted is the URL for logs and the console: host and port, no secrets.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Scheme + "://" + net.JoinHostPort(u.Hostname(), u.Port())
}

// Send implements tracking.Mailer. A 5xx refusal is tracking.ErrPermanent.
func (m *Mailer) Send(ctx context.Context, msg tracking.MailMessage) error {
	gm := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := gm.From(m.from); err != nil {
		return fmt.Errorf("sender: %w", err)
	}
	if err := gm.To(msg.To); err != nil {
		return fmt.Errorf("recipient: %w: %w", tracking.ErrPermanent, err)
	}
	gm.Subject(msg.Subject)
	gm.SetMessageIDWithValue(msg.ID + "@" + m.domain)
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	gm.SetDateWithValue(now())
	if msg.Lang != "" {
		gm.SetGenHeader(gomail.HeaderContentLang, msg.Lang)
	}
	if msg.Unsubscribe != "" {
		gm.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+msg.Unsubscribe+">")
		gm.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	c, err := gomail.NewClient(m.host, m.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, gm); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return fmt.Errorf("smtp: %w: %w", tracking.ErrPermanent, err)
		}
		return fmt.Errorf("smtp: %w", err)
	}
	return nil
}
