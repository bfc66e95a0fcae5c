package server

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"syscall"
	"time"

	"github.com/interpost/interpost/tracking"
)

// webhookPoster sends webhook deliveries over HTTP.
type webhookPoster struct {
	client *http.Client
}

// WebhookPolicy says where webhook deliveries may go.
type WebhookPolicy struct {
	// AllowPrivate lets deliveries reach loopback, private (RFC 1918,
	// fc00::/7), link-local (169.254.0.0/16, where cloud metadata services
	// answer), shared (100.64.0.0/10) and unspecified addresses. Off by
	// default: a merchant's subscription must not make the post's servers
	// call its own internal services (server-side request forgery).
	AllowPrivate bool
}

// ErrWebhookAddress is returned for a delivery whose endpoint resolves to an
// address the policy refuses.
var ErrWebhookAddress = errors.New("webhook endpoint address not allowed")

// NewWebhookPoster returns the HTTP sender of webhook deliveries: no
// redirects followed (a 3xx is a failed attempt), a body read of at most
// 4 KB from the endpoint, the attempt's context as its deadline, and the
// address checked against the policy when connecting — after name
// resolution, so a name that resolves to an internal address is refused too.
func NewWebhookPoster(p WebhookPolicy) tracking.Poster {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		dialer.Control = refuseInternal
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a proxy would connect on our behalf, past the check
	tr.DialContext = dialer.DialContext
	return &webhookPoster{client: &http.Client{
		Transport: tr,
		Timeout:   30 * time.Second, // a backstop; each attempt's context is shorter
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// refuseInternal is a net.Dialer Control: it runs with the resolved address
// of each connection attempt.
func refuseInternal(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrWebhookAddress, address, err)
	}
	if why := tracking.InternalAddress(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s; webhooks go to public addresses only (serve --webhook-allow-private allows internal ones)",
			ErrWebhookAddress, ap.Addr(), why)
	}
	return nil
}

// Post implements tracking.Poster.
func (p *webhookPoster) Post(ctx context.Context, url string, body []byte, headers map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, tracking.FailedDelivery(tracking.FailBadURL, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, tracking.FailedDelivery(failureClass(err), err)
	}
	// The status is the answer; drain a little of the body so the
	// connection can be reused, ignoring how that goes.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, resp.Body.Close()
}

// failureClass sorts a failed POST into the classes a merchant is told.
func failureClass(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, ErrWebhookAddress):
		return tracking.FailInternalAddress
	case errors.Is(err, context.DeadlineExceeded), os.IsTimeout(err):
		return tracking.FailTimeout
	case errors.As(err, &dnsErr):
		return tracking.FailDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return tracking.FailRefused
	case errors.As(err, &certErr), errors.As(err, &recordErr), errors.As(err, &alert):
		return tracking.FailTLS
	}
	return tracking.FailNetwork
}
