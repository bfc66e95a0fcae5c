package tracking

import (
	"errors"
	"fmt"
)

// Delivery failure classes: what a merchant is told about a failed webhook
// attempt. The details (resolved addresses, resolver, TLS alerts) stay in
// the server's logs: they would show a merchant how our network looks.
const (
	FailInternalAddress = "internal_address"
	FailDNS             = "dns"
	FailRefused         = "refused"
	FailTimeout         = "timeout"
	FailTLS             = "tls"
	FailBadURL          = "bad_url"
	FailNetwork         = "network"
)

var failMessages = map[string]string{
	FailInternalAddress: "endpoint refused: internal address (webhooks go to public addresses only)",
	FailDNS:             "endpoint's host name does not resolve",
	FailRefused:         "endpoint refused the connection",
	FailTimeout:         "no answer before the timeout",
	FailTLS:             "TLS handshake with the endpoint failed",
	FailBadURL:          "bad webhook URL",
	FailNetwork:         "network error reaching the endpoint",
}

// DeliveryError is a failed webhook attempt: Class says what a merchant
// may see, Cause (unwrapped, logged) the detail.
type DeliveryError struct {
	Class string
	Cause error
}

// FailedDelivery classifies cause.
func FailedDelivery(class string, cause error) *DeliveryError {
	return &DeliveryError{Class: class, Cause: cause}
}

func (e *DeliveryError) Error() string {
	if m, ok := failMessages[e.Class]; ok {
		return m
	}
	return failMessages[FailNetwork]
}

func (e *DeliveryError) Unwrap() error { return e.Cause }

// shownError is what the merchant sees of a failed attempt: a classified
// message, or for an error no poster classified, a generic one.
func shownError(err error) string {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Error()
	}
	return fmt.Sprintf("delivery failed (%s)", failMessages[FailNetwork])
}
