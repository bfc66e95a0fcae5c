package edi

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// A Profile is a partner's segment layout of the messages it exchanges:
// which segments, in which order, which element and component carries
// which field (docs/formats.md, "Exchange profiles"). The messages' meaning
// — the fields a PREDES or CARDIT has — is fixed in code; where a partner
// puts them is configuration. Our own layout is the embedded profile
// "interpost" (profiles/interpost.json).
type Profile struct {
	Name string `json:"name"`
	Doc  string `json:"doc,omitempty"`
	// Partners are the UNB sender/recipient identifications the profile is
	// for (office codes, carrier codes); empty for the default profile.
	Partners []string                  `json:"partners,omitempty"`
	Messages map[string]*MessageLayout `json:"messages"`
}

// MessageLayout is the body of one message type between UNH and UNT.
type MessageLayout struct {
	// Version is UNH's message version, release and agency.
	Version  []string `json:"version"`
	Segments []Entry  `json:"segments"`
}

// Entry is one segment of a layout, or a group of segments.
type Entry struct {
	// Tag is the segment tag (a segment entry).
	Tag string `json:"tag,omitempty"`
	// Fixed maps positions ("element.component", 1-based after the tag) to
	// constant values: qualifiers, written as given and required on read.
	Fixed map[string]string `json:"fixed,omitempty"`
	// Fields maps positions to field names, "name" or "name:type" (text,
	// int, kg, time:203, time:102, time:201, seq).
	Fields map[string]string `json:"fields,omitempty"`
	// Group names a group of segments (a group entry); its first segment
	// starts each occurrence.
	Group    string  `json:"group,omitempty"`
	Segments []Entry `json:"segments,omitempty"`
	// Optional entries may be absent; Repeat groups occur any number of
	// times (at least once unless Optional).
	Optional bool `json:"optional,omitempty"`
	Repeat   bool `json:"repeat,omitempty"`

	fixed  []slot
	fields []slot
}

// slot is one position of a segment with its value or field.
type slot struct {
	el, comp int    // 0-based
	value    string // fixed value, or field name
	typ      string // field type
}

// Record is a message as data: field values by name and nested groups.
// Decoding fills values in canonical form: time as CCYYMMDDHHMM (UTC), kg
// as grams, int as digits.
type Record struct {
	Fields map[string]string
	Groups map[string][]*Record
	// at names the segment of each field, for errors.
	at map[string]Segment
}

func newRecord() *Record {
	return &Record{Fields: map[string]string{}, Groups: map[string][]*Record{}, at: map[string]Segment{}}
}

// Set sets a field (empty values are not written).
func (r *Record) Set(name, value string) { r.Fields[name] = value }

// Add appends a group occurrence and returns it.
func (r *Record) Add(group string) *Record {
	c := newRecord()
	r.Groups[group] = append(r.Groups[group], c)
	return c
}

// Get returns a field's value.
func (r *Record) Get(name string) string { return r.Fields[name] }

// Int returns an int field (0 when absent).
func (r *Record) Int(name string) int {
	n, _ := strconv.Atoi(r.Fields[name])
	return n
}

// Time returns a time field (zero when absent).
func (r *Record) Time(name string) time.Time {
	t, _ := time.Parse(dtmFormat, r.Fields[name])
	return t
}

// Where names the segment a field came from ("" when it was not read).
func (r *Record) Where(name string) string {
	if s, ok := r.at[name]; ok {
		return s.String()
	}
	return ""
}

//go:embed profiles/*.json
var profileFiles embed.FS

// Ours is our own layout, the embedded profile "interpost".
var Ours = mustProfile("profiles/interpost.json")

func mustProfile(name string) *Profile {
	b, err := profileFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	p, err := LoadProfile(b)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	return p
}

// LoadProfile reads and checks a profile file (JSON).
func LoadProfile(data []byte) (*Profile, error) {
	var p Profile
	if err := strictJSON(data, &p); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if p.Name == "" {
		return nil, fmt.Errorf("profile: name is required")
	}
	if len(p.Messages) == 0 {
		return nil, fmt.Errorf("profile %s: no messages", p.Name)
	}
	for typ, m := range p.Messages {
		if m == nil || len(m.Segments) == 0 {
			return nil, fmt.Errorf("profile %s: message %s has no segments", p.Name, typ)
		}
		if len(m.Version) != 3 {
			return nil, fmt.Errorf("profile %s: message %s: version needs version, release and agency", p.Name, typ)
		}
		if err := compile(m.Segments, fmt.Sprintf("profile %s: message %s", p.Name, typ)); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

var fieldTypes = map[string]bool{"text": true, "int": true, "kg": true, "time:203": true, "time:102": true, "time:201": true, "seq": true}

func compile(es []Entry, where string) error {
	for i := range es {
		e := &es[i]
		name := fmt.Sprintf("%s: segments[%d]", where, i)
		switch {
		case e.Group != "" && e.Tag != "":
			return fmt.Errorf("%s: an entry is a segment (tag) or a group, not both", name)
		case e.Group != "":
			if len(e.Segments) == 0 || e.Segments[0].Group != "" {
				return fmt.Errorf("%s: group %s must start with a segment", name, e.Group)
			}
			if err := compile(e.Segments, name+" ("+e.Group+")"); err != nil {
				return err
			}
			continue
		case len(e.Tag) != 3 || !upperAlnum(e.Tag):
			return fmt.Errorf("%s: tag %q must be 3 capital letters or digits", name, e.Tag)
		case e.Repeat:
			return fmt.Errorf("%s (%s): only groups repeat; make a group of one segment", name, e.Tag)
		}
		e.fixed, e.fields = nil, nil
		for pos, v := range e.Fixed {
			el, comp, err := position(pos)
			if err != nil {
				return fmt.Errorf("%s (%s): fixed %w", name, e.Tag, err)
			}
			e.fixed = append(e.fixed, slot{el: el, comp: comp, value: v})
		}
		for pos, v := range e.Fields {
			el, comp, err := position(pos)
			if err != nil {
				return fmt.Errorf("%s (%s): field %w", name, e.Tag, err)
			}
			f, typ, _ := strings.Cut(v, ":")
			if typ == "" {
				typ = "text"
			} else if strings.HasPrefix(v[len(f)+1:], "time:") {
				typ = v[len(f)+1:]
			}
			if f == "" || !fieldTypes[typ] {
				return fmt.Errorf("%s (%s): field %q: want name or name:type (text, int, kg, time:203, time:102, time:201, seq)", name, e.Tag, v)
			}
			if _, clash := e.Fixed[pos]; clash {
				return fmt.Errorf("%s (%s): position %s is both fixed and a field", name, e.Tag, pos)
			}
			e.fields = append(e.fields, slot{el: el, comp: comp, value: f, typ: typ})
		}
		sortSlots(e.fixed)
		sortSlots(e.fields)
	}
	return nil
}

func sortSlots(s []slot) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].el != s[j].el {
			return s[i].el < s[j].el
		}
		return s[i].comp < s[j].comp
	})
}

// position reads "element.component" (1-based; "3" is "3.1").
func position(p string) (el, comp int, err error) {
	a, b, ok := strings.Cut(p, ".")
	if !ok {
		b = "1"
	}
	el, err1 := strconv.Atoi(a)
	comp, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || el < 1 || comp < 1 || el > 35 || comp > 35 {
		return 0, 0, fmt.Errorf("position %q: want element.component, both from 1", p)
	}
	return el - 1, comp - 1, nil
}

// Layout returns the profile's layout of a message type.
func (p *Profile) Layout(typ string) (*MessageLayout, error) {
	m := p.Messages[typ]
	if m == nil {
		return nil, fmt.Errorf("profile %s has no %s layout", p.Name, typ)
	}
	return m, nil
}

// Encode writes a record's body segments.
func (m *MessageLayout) Encode(r *Record) []Segment {
	var out []Segment
	encodeEntries(m.Segments, r, &out, 0)
	return out
}

func encodeEntries(es []Entry, r *Record, out *[]Segment, seq int) {
	for i := range es {
		e := &es[i]
		if e.Group != "" {
			for j, c := range r.Groups[e.Group] {
				encodeEntries(e.Segments, c, out, j+1)
				if !e.Repeat {
					break
				}
			}
			continue
		}
		has := false
		for _, f := range e.fields {
			if f.typ != "seq" && r.Fields[f.value] != "" {
				has = true
			}
		}
		if e.Optional && !has {
			continue
		}
		var elems [][]string
		put := func(s slot, v string) {
			for len(elems) <= s.el {
				elems = append(elems, nil)
			}
			for len(elems[s.el]) <= s.comp {
				elems[s.el] = append(elems[s.el], "")
			}
			elems[s.el][s.comp] = v
		}
		for _, s := range e.fixed {
			put(s, s.value)
		}
		for _, s := range e.fields {
			v := r.Fields[s.value]
			switch {
			case s.typ == "seq":
				v = strconv.Itoa(seq)
			case s.typ == "kg" && v != "":
				g, _ := strconv.Atoi(v)
				v = kgText(g)
			case strings.HasPrefix(s.typ, "time:") && v != "":
				t, _ := time.Parse(dtmFormat, v)
				v = t.Format(timeLayouts[s.typ])
			}
			put(s, v)
		}
		// Trailing empty components and elements are not written.
		for len(elems) > 0 {
			el := elems[len(elems)-1]
			for len(el) > 0 && el[len(el)-1] == "" {
				el = el[:len(el)-1]
			}
			elems[len(elems)-1] = el
			if len(el) > 0 {
				break
			}
			elems = elems[:len(elems)-1]
		}
		for j := range elems {
			if elems[j] == nil {
				elems[j] = []string{""}
			}
		}
		*out = append(*out, Segment{Tag: e.Tag, Elements: elems})
	}
}

var timeLayouts = map[string]string{"time:203": "200601021504", "time:102": "20060102", "time:201": "0601021504"}

// Decode reads body segments into a record, naming the segment at fault.
func (m *MessageLayout) Decode(segs []Segment) (*Record, error) {
	r := newRecord()
	i, err := decodeEntries(m.Segments, segs, 0, r)
	if err != nil {
		return nil, err
	}
	if i < len(segs) {
		return nil, fmt.Errorf("%s: unexpected segment", segs[i])
	}
	return r, nil
}

// matches says whether s is the segment entry e: same tag, fixed values.
func (e *Entry) matches(s Segment) bool {
	if s.Tag != e.Tag {
		return false
	}
	for _, f := range e.fixed {
		if s.Component(f.el, f.comp) != f.value {
			return false
		}
	}
	return true
}

// first is the segment entry that opens e.
func (e *Entry) first() *Entry {
	for e.Group != "" {
		e = &e.Segments[0]
	}
	return e
}

func decodeEntries(es []Entry, segs []Segment, i int, r *Record) (int, error) {
	for k := range es {
		e := &es[k]
		if e.Group != "" {
			n := 0
			for i < len(segs) && e.first().matches(segs[i]) && (e.Repeat || n == 0) {
				if len(segs) > MaxSegments {
					return i, fmt.Errorf("more than %d segments", MaxSegments)
				}
				var err error
				if i, err = decodeEntries(e.Segments, segs, i, r.Add(e.Group)); err != nil {
					return i, err
				}
				n++
			}
			if n == 0 && !e.Optional {
				return i, want(segs, i, e.first())
			}
			continue
		}
		if i >= len(segs) || !e.matches(segs[i]) {
			if e.Optional {
				continue
			}
			return i, want(segs, i, e)
		}
		s := segs[i]
		for _, f := range e.fields {
			v := s.Component(f.el, f.comp)
			if v == "" || f.typ == "seq" {
				continue
			}
			c, err := canonical(f, v)
			if err != nil {
				return i, fmt.Errorf("%s: element %d.%d: %v", s, f.el+1, f.comp+1, err)
			}
			r.Fields[f.value] = c
			r.at[f.value] = s
		}
		i++
	}
	return i, nil
}

func canonical(f slot, v string) (string, error) {
	switch {
	case f.typ == "int":
		if !digits(v) || len(v) > 9 {
			return "", fmt.Errorf("%s is not a count", postal.Quote(v))
		}
	case f.typ == "kg":
		g, err := parseKg(v)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(g), nil
	case strings.HasPrefix(f.typ, "time:"):
		layout := timeLayouts[f.typ]
		t, err := time.Parse(layout, v)
		if err != nil || len(v) != len(layout) {
			return "", fmt.Errorf("%s is not %s (format %s)", postal.Quote(v), strings.NewReplacer("2006", "CCYY", "06", "YY", "01", "MM", "02", "DD", "15", "HH", "04", "MM").Replace(layout), f.typ[5:])
		}
		return t.Format(dtmFormat), nil
	}
	return v, nil
}

// want explains what the layout expected at position i.
func want(segs []Segment, i int, e *Entry) error {
	wantText := e.describe()
	if i >= len(segs) {
		return fmt.Errorf("the end of the message: want %s here (the message was cut off?)", wantText)
	}
	s := segs[i]
	if s.Tag == e.Tag {
		for _, f := range e.fixed {
			if got := s.Component(f.el, f.comp); got != f.value {
				return fmt.Errorf("%s: element %d.%d is %s, want %s", s, f.el+1, f.comp+1, postal.Quote(got), wantText)
			}
		}
	}
	return fmt.Errorf("%s: want %s here", s, wantText)
}

// describe writes the entry as a segment pattern: LOC+5, DTM+137:…:203.
func (e *Entry) describe() string {
	var elems [][]string
	for _, s := range e.fixed {
		for len(elems) <= s.el {
			elems = append(elems, nil)
		}
		for len(elems[s.el]) <= s.comp {
			elems[s.el] = append(elems[s.el], "…")
		}
		elems[s.el][s.comp] = s.value
	}
	var b bytes.Buffer
	b.WriteString(e.Tag)
	for _, el := range elems {
		b.WriteByte('+')
		b.WriteString(strings.Join(el, ":"))
	}
	return b.String()
}

// Profiles chooses a partner's profile by its UNB identification.
type Profiles struct {
	byPartner map[string]*Profile
}

// NewProfiles indexes profiles by their partners; Ours is the default.
func NewProfiles(ps ...*Profile) (*Profiles, error) {
	x := &Profiles{byPartner: map[string]*Profile{}}
	for _, p := range ps {
		for _, code := range p.Partners {
			if q := x.byPartner[code]; q != nil {
				return nil, fmt.Errorf("partner %s has two profiles: %s and %s", code, q.Name, p.Name)
			}
			x.byPartner[code] = p
		}
	}
	return x, nil
}

// For returns the profile of a partner: its own, or Ours.
func (x *Profiles) For(partner string) *Profile {
	if x != nil {
		if p := x.byPartner[partner]; p != nil {
			return p
		}
	}
	return Ours
}

// encodeWith writes a message of type typ in profile p's layout.
func encodeWith(p *Profile, typ, from, to, ref string, prepared time.Time, r *Record) []byte {
	m, err := p.Layout(typ)
	if err != nil {
		m = Ours.Messages[typ]
	}
	return Interchange{Sender: from, Recipient: to, Prepared: prepared, Ref: ref, Type: typ, Version: m.Version, Body: m.Encode(r)}.encode()
}

// decodeWith reads an interchange of type typ in the layout of the
// sender's profile.
func decodeWith(x *Profiles, data []byte, typ string) (Interchange, *Record, error) {
	ic, err := parseInterchange(data, typ)
	if err != nil {
		return ic, nil, err
	}
	p := x.For(ic.Sender)
	m, err := p.Layout(typ)
	if err != nil {
		return ic, nil, err
	}
	r, err := m.Decode(ic.Body)
	if err != nil {
		return ic, nil, fmt.Errorf("%w (profile %s)", err, p.Name)
	}
	return ic, r, nil
}

// locations maps field paths of a decoded message (receptacles[1].id) to
// the segment each came from, so validation errors of EDIFACT input name
// the segment as well as the field.
type locations map[string]string

func (l locations) add(path string, r *Record, field string) {
	if w := r.Where(field); w != "" {
		l[path] = w
	}
}

// locate appends the segment to each field error of err it can place.
func (l locations) locate(err error) error {
	var pe *postal.Error
	if !errors.As(err, &pe) || len(l) == 0 {
		return err
	}
	out := *pe
	out.Fields = make([]postal.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		path := f.Field
		for path != "" {
			if w, ok := l[path]; ok {
				f.Message += " (" + w + ")"
				break
			}
			j := strings.LastIndexAny(path, ".[")
			if j < 0 {
				break
			}
			path = path[:j]
		}
		out.Fields[i] = f
	}
	return &out
}
