package tracking

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// TestSubscribeRefusesInternal checks that a subscription to an internal
// address literal or localhost is refused at once, naming the url field.
func TestSubscribeRefusesInternal(t *testing.T) {
	s := &Service{}
	who := auth.Principal{Role: auth.RoleMerchant, Merchant: "ACME"}
	for _, u := range []string{"http://127.0.0.1:8080/hook", "https://localhost/hook", "http://api.localhost/x", "http://10.0.0.5/x",
		"http://169.254.169.254/latest/meta-data", "http://[::1]:9000/", "http://[fd00::7]/", "http://100.64.0.1/"} {
		_, err := s.Subscribe(context.Background(), who, "", u, nil)
		fields := postal.Fields(err)
		if len(fields) != 1 || fields[0].Field != "url" || !strings.Contains(fields[0].Message, "must be public") {
			t.Errorf("Subscribe(%s) = %v, want a url field error", u, err)
		}
	}
}

func TestInternalAddress(t *testing.T) {
	for addr, internal := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.9": true, "192.168.1.1": true,
		"169.254.169.254": true, "100.64.3.4": true, "0.0.0.0": true, "::": true, "fd00::1": true, "fe80::1": true,
		"224.0.0.1": true, "::ffff:10.0.0.1": true,
		"8.8.8.8": false, "203.0.113.7": false, "2001:4860:4860::8888": false, "100.128.0.1": false,
	} {
		if got := InternalAddress(netip.MustParseAddr(addr)); (got != "") != internal {
			t.Errorf("InternalAddress(%s) = %q, want internal=%v", addr, got, internal)
		}
	}
}
