package edi

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// ContentType is the media type of a partner event message.
const ContentType = "application/vnd.interpost.evt"

// The record layout, one record per line, fields separated by '|':
//
//	HDR|EMSEVT|3|sender|recipient|reference|prepared YYYYMMDDhhmmss|offset ±hhmm
//	EVT|object|code|office|local time YYYYMMDDhhmmss|offset ±hhmm|reason|action|next office|signatory
//	TRL|number of EVT records
//
// A '|', '\', line feed or carriage return inside a field is written
// \|, \\, \n or \r.
const (
	recHeader  = "HDR"
	recEvent   = "EVT"
	recTrailer = "TRL"
	msgType    = "EMSEVT"
	msgVersion = "3"
	evtFields  = 10
	hdrFields  = 8
	stampFmt   = "20060102150405"
)

// Message is a partner event message.
type Message struct {
	Sender    string    // partner code of the sending post, e.g. PLPOST
	Recipient string    // our code, e.g. CNPOST
	Ref       string    // the sender's message reference
	Prepared  time.Time // when the sender prepared the message
	Events    []tracking.Event
	Lines     []int // line of each event
	// Rejected lists EVT records that could not be read; Index counts EVT
	// records from 0.
	Rejected []tracking.Rejection
	index    []int
}

// Source is the tracking source of the message's events: partner:SENDER.
func (m *Message) Source() string { return tracking.SourcePartner + ":" + m.Sender }

// DecodeEvents reads a partner event message. The header and trailer must
// be right — a missing trailer or a count that does not match means the
// message was cut short, and nothing of it is taken. A malformed EVT record
// is rejected with its line number; the others are read.
func DecodeEvents(r io.Reader) (*Message, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	m := &Message{}
	line, records, evts, trailer := 0, 0, 0, -1
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := split(text)
		if trailer >= 0 {
			return nil, bad(line, "records after the TRL trailer")
		}
		if m.Sender == "" && f[0] != recHeader {
			return nil, bad(line, "the message must start with its HDR record")
		}
		switch f[0] {
		case recHeader:
			if m.Sender != "" {
				return nil, bad(line, "a second HDR record")
			}
			if err := m.header(f, line); err != nil {
				return nil, err
			}
		case recEvent:
			m.event(f, line, records)
			records++
			evts++
		case recTrailer:
			n, err := strconv.Atoi(field(f, 1))
			if len(f) != 2 || err != nil {
				return nil, bad(line, "TRL must be TRL|count")
			}
			trailer = n
		default:
			m.Rejected = append(m.Rejected, tracking.Rejection{Index: records, Line: line, Reason: fmt.Sprintf("line %d: unknown record type %q (want EVT)", line, f[0])})
			records++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, bad(line+1, err.Error())
	}
	switch {
	case m.Sender == "":
		return nil, bad(1, "empty message: no HDR record")
	case trailer < 0:
		return nil, bad(line, "no TRL trailer: the message is incomplete")
	case trailer != evts:
		return nil, bad(line, fmt.Sprintf("the trailer counts %d events but the message has %d: it is incomplete", trailer, evts))
	}
	return m, nil
}

func bad(line int, msg string) error {
	return postal.Invalid("bad partner event message", postal.FieldError{Field: fmt.Sprintf("line %d", line), Message: msg})
}

func field(f []string, i int) string {
	if i < len(f) {
		return f[i]
	}
	return ""
}

func (m *Message) header(f []string, line int) error {
	if len(f) != hdrFields || f[1] != msgType || f[2] != msgVersion {
		return bad(line, fmt.Sprintf("HDR must be HDR|%s|%s|sender|recipient|reference|YYYYMMDDhhmmss|±hhmm", msgType, msgVersion))
	}
	m.Sender, m.Recipient, m.Ref = f[3], f[4], f[5]
	if msg := tracking.CheckSource(m.Source()); msg != "" {
		return bad(line, "sender: "+msg)
	}
	t, err := parseStamp(f[6], f[7])
	if err != nil {
		return bad(line, "prepared: "+err.Error())
	}
	m.Prepared = t
	return nil
}

func (m *Message) event(f []string, line, index int) {
	if len(f) != evtFields {
		m.Rejected = append(m.Rejected, tracking.Rejection{Index: index, Line: line,
			Reason: fmt.Sprintf("line %d: EVT has %d fields, want %d", line, len(f), evtFields)})
		return
	}
	e := tracking.Event{Object: f[1], Code: tracking.Code(f[2]), Office: f[3], Source: m.Source(), NextOffice: f[8], Signatory: f[9]}
	e.Reason = f[6]
	if f[7] != "" {
		e.Reason += "/" + f[7]
	}
	t, err := parseStamp(f[4], f[5])
	if err != nil {
		m.Rejected = append(m.Rejected, tracking.Rejection{Index: index, Line: line, Object: f[1],
			Reason: "time: " + err.Error(), Fields: []postal.FieldError{{Field: "time", Message: err.Error()}}})
		return
	}
	e.Time = t
	m.Events = append(m.Events, e)
	m.Lines = append(m.Lines, line)
	m.index = append(m.index, index)
}

// parseStamp reads a local time and its UTC offset.
func parseStamp(stamp, offset string) (time.Time, error) {
	off, err := parseOffset(offset)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.ParseInLocation(stampFmt, stamp, time.FixedZone("", off))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a local time YYYYMMDDhhmmss", stamp)
	}
	return t, nil
}

func parseOffset(s string) (int, error) {
	if len(s) != 5 || (s[0] != '+' && s[0] != '-') {
		return 0, fmt.Errorf("offset %q must be ±hhmm, e.g. +0100", s)
	}
	h, err1 := strconv.Atoi(s[1:3])
	mi, err2 := strconv.Atoi(s[3:5])
	if err1 != nil || err2 != nil || h > 14 || mi > 59 {
		return 0, fmt.Errorf("offset %q must be ±hhmm, e.g. +0100", s)
	}
	off := h*3600 + mi*60
	if s[0] == '-' {
		off = -off
	}
	return off, nil
}

func formatOffset(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

// split cuts a record at unescaped '|' and unescapes the fields.
func split(line string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			i++
			switch line[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(line[i])
			}
		case c == '|':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

var escaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`, "\n", `\n`, "\r", `\r`)

// EncodeEvents writes a partner event message for events, which must be
// whole-second times (the format has no fractions). reason is written as
// reason/action when it holds a '/'.
func EncodeEvents(w io.Writer, m Message) error {
	bw := bufio.NewWriter(w)
	prepared := m.Prepared
	if prepared.IsZero() {
		prepared = time.Now()
	}
	fmt.Fprintf(bw, "%s|%s|%s|%s|%s|%s|%s|%s\n", recHeader, msgType, msgVersion, escaper.Replace(m.Sender), escaper.Replace(m.Recipient),
		escaper.Replace(m.Ref), prepared.Format(stampFmt), formatOffset(prepared))
	for _, e := range m.Events {
		reason, action, _ := strings.Cut(e.Reason, "/")
		fmt.Fprintf(bw, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", recEvent, escaper.Replace(e.Object), escaper.Replace(string(e.Code)),
			escaper.Replace(e.Office), e.Time.Format(stampFmt), formatOffset(e.Time), escaper.Replace(reason), escaper.Replace(action),
			escaper.Replace(e.NextOffice), escaper.Replace(e.Signatory))
	}
	fmt.Fprintf(bw, "%s|%d\n", recTrailer, len(m.Events))
	return bw.Flush()
}

// Decoder returns the message's events and rejections as a tracking
// decoder, so they go through the same validation and storage as any other
// events.
func (m *Message) Decoder() tracking.Decoder { return &msgDecoder{m: m} }

type msgDecoder struct {
	m    *Message
	done bool
}

func (d *msgDecoder) Decode(b *tracking.Batch, _ int) error {
	if d.done {
		return io.EOF
	}
	d.done = true
	b.Events = append(b.Events, d.m.Events...)
	b.Lines = append(b.Lines, d.m.Lines...)
	b.Index = append(b.Index, d.m.index...)
	b.Rejected = append(b.Rejected, d.m.Rejected...)
	return io.EOF
}

// Sniff reports whether data starts like a partner event message.
func Sniff(data []byte) bool {
	return strings.HasPrefix(string(data[:min(len(data), 16)]), recHeader+"|"+msgType+"|")
}
