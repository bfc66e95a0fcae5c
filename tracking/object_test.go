package tracking

import (
	"errors"
	"strings"
	"testing"

	"github.com/interpost/interpost/postal"
)

func TestParseObjectKinds(t *testing.T) {
	for _, c := range []struct {
		in, want string
		kind     ObjectKind
		part     string // the IDError part of a refusal
	}{
		{in: "EE123456785CN", want: "EE123456785CN", kind: KindItem},
		{in: " ee 123 456 785 cn ", want: "EE123456785CN", kind: KindItem},
		{in: "LX305678945JP", want: "LX305678945JP", kind: KindItem},
		{in: "CNPEKAPLWAWAAUN61001", want: "CNPEKAPLWAWAAUN61001", kind: KindDispatch},
		{in: "CNPEKAPLWAWAAUN61001001000100", want: "CNPEKAPLWAWAAUN61001001000100", kind: KindReceptacle},
		{in: "waybill:UPS:1Z84F2W60412945528", want: "waybill:UPS:1Z84F2W60412945528", kind: KindWaybill},
		{in: "Waybill:dhl:4812766390", want: "waybill:DHL:4812766390", kind: KindWaybill},
		{in: "ecommerce:tmall-global:TG20261123003", want: "ecommerce:TMALL-GLOBAL:TG20261123003", kind: KindEcommerce},
		{in: "ECOMMERCE:AE:LP00123456789/2", want: "ecommerce:AE:LP00123456789/2", kind: KindEcommerce},
		// Refused, naming the part at fault.
		{in: "EE123456784CN", part: "check digit"},
		{in: "CNPEKAPLWAWAAUN6100100100010X", part: "weight"},
		{in: "waybill:UPS", part: "form"},
		{in: "waybill:U:1Z84F2W60412945528", part: "carrier"},
		{in: "waybill:UPS LTD:1Z84F2W60412945528", part: "carrier"},
		{in: "waybill:UPS:12345", part: "number"},
		{in: "ecommerce:TMALL:TG 2026", part: "number"},
		{in: "ecommerce:TMALL:-TG2026112", part: "number"},
		{in: "ecommerce:" + strings.Repeat("A", 21) + ":TG20261123003", part: "platform"},
		{in: "4812766390", part: "kind"},
		{in: "TG20261123003", part: "kind"},
	} {
		got, kind, err := ParseObject(c.in)
		if c.part != "" {
			var ie *postal.IDError
			if err == nil || !errors.As(err, &ie) || ie.Part != c.part {
				t.Errorf("ParseObject(%q) = %q, %v; want an error on the %s", c.in, got, err, c.part)
			}
			continue
		}
		if err != nil || got != c.want || kind != c.kind || KindOf(got) != c.kind {
			t.Errorf("ParseObject(%q) = %q, %s, %v; want %q, %s", c.in, got, kind, err, c.want, c.kind)
		}
	}
}

func TestBareNumber(t *testing.T) {
	for in, want := range map[string]string{
		"4812766390":         "4812766390",
		"tg20261123003":      "TG20261123003",
		"1Z84F2W60412945528": "1Z84F2W60412945528",
		"EE123456785CN":      "", // a valid S10 id
		"EE123456784CN":      "", // a mistyped S10 id: its own error is clearer
		"waybill:UPS:123":    "",
		"12-34":              "",
	} {
		if got := BareNumber(in); got != want {
			t.Errorf("BareNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKindOfStreams(t *testing.T) {
	// A stream id may have the length of a UPU id: its prefix decides.
	for obj, want := range map[string]ObjectKind{
		"ecommerce:AB:123456":          KindEcommerce, // 19
		"ecommerce:ABC:123456":         KindEcommerce, // 20, an S8's length
		"waybill:ABCDEFGHIJK:12345678": KindWaybill,   // 28
		"EE123456785CN":                KindItem,
		"x":                            "",
	} {
		if got := KindOf(obj); got != want {
			t.Errorf("KindOf(%q) = %q, want %q", obj, got, want)
		}
	}
}

// FuzzParseObject checks that what ParseObject accepts it gives back in a
// canonical form that parses to itself, with the same kind.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{"EE123456785CN", "waybill:UPS:1Z84F2W60412945528", "ecommerce:tmall-global:TG20261123003",
		"CNPEKAPLWAWAAUN61001", "CNPEKAPLWAWAAUN61001001000100", "Waybill:dhl:4812766390 ", "4812766390", "ecommerce:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		obj, kind, err := ParseObject(s)
		if err != nil {
			return
		}
		if KindOf(obj) != kind {
			t.Fatalf("KindOf(%q) = %q, ParseObject said %q", obj, KindOf(obj), kind)
		}
		again, kind2, err := ParseObject(obj)
		if err != nil || again != obj || kind2 != kind {
			t.Fatalf("ParseObject(%q) = %q → ParseObject = %q, %q, %v", s, obj, again, kind2, err)
		}
	})
}
