package edi

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// Segment is one EDIFACT segment: a tag and its data elements, each a list
// of components.
type Segment struct {
	Tag      string
	Elements [][]string
	// Index is the 1-based position of the segment in the interchange
	// (0 for segments built in code); errors name it.
	Index int
}

// seg builds a segment from elements given as "a:b" strings split on ':'
// (components are escaped when written, so build them with comp when a
// component may contain ':').
func seg(tag string, elems ...[]string) Segment { return Segment{Tag: tag, Elements: elems} }

// e is one element of components.
func e(components ...string) []string { return components }

// Component returns component j of element i ("" when absent).
func (s Segment) Component(i, j int) string {
	if i >= len(s.Elements) || j >= len(s.Elements[i]) {
		return ""
	}
	return s.Elements[i][j]
}

func (s Segment) String() string {
	if s.Index > 0 {
		return fmt.Sprintf("segment %d (%s)", s.Index, s.Tag)
	}
	return s.Tag
}

// syntax is the set of service characters.
type syntax struct {
	component, element, decimal, release, terminator byte
}

var defaultSyntax = syntax{component: ':', element: '+', decimal: '.', release: '?', terminator: '\''}

// Encode writes segments with the default service characters, one segment
// per line, escaping service characters in the data.
func Encode(segs []Segment) []byte {
	var b bytes.Buffer
	for _, s := range segs {
		b.WriteString(s.Tag)
		for _, el := range s.Elements {
			b.WriteByte('+')
			for j, c := range el {
				if j > 0 {
					b.WriteByte(':')
				}
				escape(&b, c)
			}
		}
		b.WriteString("'\n")
	}
	return b.Bytes()
}

func escape(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '?', ':', '+', '\'', '\r', '\n':
			// Line breaks between segments are layout; inside data they
			// are released like the service characters.
			b.WriteByte('?')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// Limits of what Parse accepts.
const (
	MaxSegments = 1_000_000
	maxTagLen   = 3
)

// Parse splits EDIFACT text into segments. An optional UNA service string
// advice sets the service characters; white space between segments is
// ignored. Errors name the segment.
func Parse(data []byte) ([]Segment, error) {
	sx := defaultSyntax
	data = bytes.TrimLeft(data, "\ufeff \t\r\n")
	if bytes.HasPrefix(data, []byte("UNA")) {
		if len(data) < 9 {
			return nil, fmt.Errorf("segment 1 (UNA): service string advice needs 6 characters after UNA")
		}
		a := data[3:9]
		sx = syntax{component: a[0], element: a[1], decimal: a[2], release: a[3], terminator: a[5]}
		seen := map[byte]bool{}
		for _, c := range []byte{sx.component, sx.element, sx.release, sx.terminator} {
			if seen[c] || c == ' ' || isAlnum(c) {
				return nil, fmt.Errorf("segment 1 (UNA): service characters %q must be distinct and not letters, digits or spaces", string(a))
			}
			seen[c] = true
		}
		data = data[9:]
	}
	var segs []Segment
	var elems [][]string
	var comps []string
	var cur strings.Builder
	inSeg := false
	flushComp := func() { comps = append(comps, cur.String()); cur.Reset() }
	flushElem := func() { flushComp(); elems = append(elems, comps); comps = nil }
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inSeg {
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				continue
			}
			inSeg = true
		}
		switch c {
		case sx.release:
			if i+1 >= len(data) {
				return nil, fmt.Errorf("segment %d: release character %q at the end of the input escapes nothing", len(segs)+1, string(c))
			}
			i++
			cur.WriteByte(data[i])
		case sx.component:
			flushComp()
		case sx.element:
			flushElem()
		case sx.terminator:
			flushElem()
			s, err := toSegment(elems, len(segs)+1)
			if err != nil {
				return nil, err
			}
			segs = append(segs, s)
			if len(segs) > MaxSegments {
				return nil, fmt.Errorf("more than %d segments", MaxSegments)
			}
			elems, inSeg = nil, false
		default:
			if c == '\r' || c == '\n' {
				continue
			}
			cur.WriteByte(c)
		}
	}
	if inSeg {
		return nil, fmt.Errorf("segment %d: not terminated by %q (the input was cut off?)", len(segs)+1, string(sx.terminator))
	}
	if len(segs) == 0 {
		return nil, fmt.Errorf("no segments: the message is empty")
	}
	return segs, nil
}

func toSegment(elems [][]string, index int) (Segment, error) {
	tag := ""
	if len(elems) > 0 && len(elems[0]) > 0 {
		tag = elems[0][0]
	}
	if len(tag) != maxTagLen || !upperAlnum(tag) || len(elems[0]) != 1 {
		return Segment{}, fmt.Errorf("segment %d: tag %q must be 3 capital letters or digits", index, tag)
	}
	if tag == "UNA" {
		return Segment{}, fmt.Errorf("segment %d: UNA (service string advice) may only open the text", index)
	}
	return Segment{Tag: tag, Elements: elems[1:], Index: index}, nil
}

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if (s[i] < 'A' || s[i] > 'Z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// Interchange is an UNB…UNZ envelope holding one UNH…UNT message.
type Interchange struct {
	Sender    string
	Recipient string
	Prepared  time.Time // UTC, minutes
	Ref       string    // interchange control reference
	Type      string    // message type: PREDES, CARDIT, RESDIT
	Version   []string  // UNH version, release, agency (default 2:1:UP)
	Body      []Segment // the segments between UNH and UNT
}

// messageVersion is the version:release:agency written in UNH. UP is our
// own agency marker: the layout is EDIFACT-style, not the UPU standard's.
var messageVersion = []string{"2", "1", "UP"}

// encode wraps the body in the envelope.
func (ic Interchange) encode() []byte {
	version := ic.Version
	if len(version) == 0 {
		version = messageVersion
	}
	segs := []Segment{
		seg("UNB", e("UNOC", "3"), e(ic.Sender), e(ic.Recipient), e(ic.Prepared.UTC().Format("060102"), ic.Prepared.UTC().Format("1504")), e(ic.Ref)),
		seg("UNH", e("1"), append(e(ic.Type), version...)),
	}
	segs = append(segs, ic.Body...)
	segs = append(segs,
		seg("UNT", e(strconv.Itoa(len(ic.Body)+2)), e("1")),
		seg("UNZ", e("1"), e(ic.Ref)))
	return Encode(segs)
}

// parseInterchange reads and checks the envelope of a message of type want.
func parseInterchange(data []byte, want string) (Interchange, error) {
	segs, err := Parse(data)
	if err != nil {
		return Interchange{}, err
	}
	var ic Interchange
	if len(segs) < 4 {
		return ic, fmt.Errorf("%d segments: a message needs at least UNB, UNH, UNT and UNZ", len(segs))
	}
	unb, unh, unt, unz := segs[0], segs[1], segs[len(segs)-2], segs[len(segs)-1]
	if unb.Tag != "UNB" {
		return ic, fmt.Errorf("%s: want UNB (interchange header) first", unb)
	}
	if unh.Tag != "UNH" {
		return ic, fmt.Errorf("%s: want UNH (message header) after UNB; one message per interchange", unh)
	}
	if unt.Tag != "UNT" || unz.Tag != "UNZ" {
		return ic, fmt.Errorf("the message must end with UNT and UNZ, not %s and %s", unt.Tag, unz.Tag)
	}
	ic.Sender, ic.Recipient, ic.Ref = unb.Component(1, 0), unb.Component(2, 0), unb.Component(4, 0)
	if ic.Sender == "" || ic.Recipient == "" || ic.Ref == "" {
		return ic, fmt.Errorf("%s: sender, recipient and control reference are required", unb)
	}
	ic.Prepared, err = time.Parse("0601021504", unb.Component(3, 0)+unb.Component(3, 1))
	if err != nil {
		return ic, fmt.Errorf("%s: date and time %q:%q must be YYMMDD:HHMM", unb, unb.Component(3, 0), unb.Component(3, 1))
	}
	ic.Type = unh.Component(1, 0)
	if ic.Type != want {
		return ic, fmt.Errorf("%s: message type %q, want %s", unh, ic.Type, want)
	}
	if n, err := strconv.Atoi(unt.Component(0, 0)); err != nil || n != len(segs)-2 {
		return ic, fmt.Errorf("%s: segment count %q, but the message has %d segments from UNH to UNT", unt, unt.Component(0, 0), len(segs)-2)
	}
	if unt.Component(1, 0) != unh.Component(0, 0) {
		return ic, fmt.Errorf("%s: message reference %q differs from UNH's %q", unt, unt.Component(1, 0), unh.Component(0, 0))
	}
	if unz.Component(0, 0) != "1" || unz.Component(1, 0) != ic.Ref {
		return ic, fmt.Errorf("%s: want 1 message and reference %q", unz, ic.Ref)
	}
	for _, s := range segs[2 : len(segs)-2] {
		switch s.Tag {
		case "UNB", "UNH", "UNT", "UNZ":
			return ic, fmt.Errorf("%s: envelope segment inside the message (one message per interchange)", s)
		}
	}
	ic.Body = segs[2 : len(segs)-2]
	return ic, nil
}

// Date/time formats (EDIFACT code list 2379): 203 = CCYYMMDDHHMM. Times
// are UTC.
const dtmFormat = "200601021504"

func dtm(qualifier string, t time.Time) Segment {
	return seg("DTM", e(qualifier, t.UTC().Format(dtmFormat), "203"))
}

func parseDTM(s Segment) (string, time.Time, error) {
	if s.Component(0, 2) != "203" {
		return "", time.Time{}, fmt.Errorf("%s: format %q, want 203 (CCYYMMDDHHMM, UTC)", s, s.Component(0, 2))
	}
	t, err := time.Parse(dtmFormat, s.Component(0, 1))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%s: %q is not CCYYMMDDHHMM", s, s.Component(0, 1))
	}
	return s.Component(0, 0), t, nil
}

// kgText writes grams as kilograms with up to 3 decimals.
func kgText(g int) string {
	return strconv.FormatFloat(float64(g)/1000, 'f', -1, 64)
}

// parseKg reads kilograms with at most 3 decimals into grams.
func parseKg(s string) (int, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 7 || len(frac) > 3 || !digits(whole) || (frac != "" && !digits(frac)) {
		return 0, fmt.Errorf("%s is not a weight in kg with at most 3 decimals", postal.Quote(s))
	}
	for len(frac) < 3 {
		frac += "0"
	}
	g, _ := strconv.Atoi(whole + frac)
	return g, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
