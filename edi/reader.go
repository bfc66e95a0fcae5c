package edi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/interpost/interpost/postal"
)

// reader walks the body segments of a message in order.
type reader struct {
	segs []Segment
	i    int
}

func (r *reader) peek(tag string) bool { return r.i < len(r.segs) && r.segs[r.i].Tag == tag }

func (r *reader) next() Segment {
	s := r.segs[r.i]
	r.i++
	return s
}

// where names the current position for errors.
func (r *reader) where() string {
	if r.i < len(r.segs) {
		return r.segs[r.i].String()
	}
	return "the end of the message"
}

func (r *reader) need(tag string) (Segment, error) {
	if !r.peek(tag) {
		return Segment{}, fmt.Errorf("%s: want %s here", r.where(), tag)
	}
	return r.next(), nil
}

// loc reads a LOC segment with the given qualifier.
func (r *reader) loc(qualifier string) (string, error) {
	s, err := r.need("LOC")
	if err != nil {
		return "", err
	}
	if s.Component(0, 0) != qualifier {
		return "", fmt.Errorf("%s: qualifier %q, want %s", s, s.Component(0, 0), qualifier)
	}
	v := s.Component(1, 0)
	if v == "" {
		return "", fmt.Errorf("%s: place is empty", s)
	}
	return v, nil
}

// date reads a DTM segment with the given qualifier.
func (r *reader) date(qualifier string) (time.Time, error) {
	s, err := r.need("DTM")
	if err != nil {
		return time.Time{}, err
	}
	q, t, err := parseDTM(s)
	if err != nil {
		return time.Time{}, err
	}
	if q != qualifier {
		return time.Time{}, fmt.Errorf("%s: qualifier %q, want %s", s, q, qualifier)
	}
	return t, nil
}

// header reads DTM+137 (preparation time) and LOC segments with the
// qualifiers given, in the order 5, 8 (origin, destination) or as listed.
func (r *reader) header(prepared *time.Time, locs map[string]*string) error {
	t, err := r.date("137")
	if err != nil {
		return err
	}
	*prepared = t
	for _, q := range []string{"5", "8"} {
		dst, ok := locs[q]
		if !ok {
			continue
		}
		if *dst, err = r.loc(q); err != nil {
			return err
		}
	}
	return nil
}

// transport reads TDT, LOC+9, LOC+11, DTM+133, DTM+132.
func (r *reader) transport() (Transport, error) {
	var t Transport
	s, err := r.need("TDT")
	if err != nil {
		return t, err
	}
	if s.Component(0, 0) != "20" {
		return t, fmt.Errorf("%s: stage qualifier %q, want 20 (main carriage)", s, s.Component(0, 0))
	}
	t.Service, t.Mode, t.Carrier = s.Component(1, 0), s.Component(2, 0), s.Component(3, 0)
	if t.From, err = r.loc("9"); err != nil {
		return t, err
	}
	if t.To, err = r.loc("11"); err != nil {
		return t, err
	}
	if t.Departure, err = r.date("133"); err != nil {
		return t, err
	}
	t.Arrival, err = r.date("132")
	return t, err
}

// counts reads CNT+11 (receptacles) and CNT+7 (gross weight, KGM).
func (r *reader) counts() (count, weightG int, err error) {
	s, err := r.need("CNT")
	if err != nil {
		return 0, 0, err
	}
	if s.Component(0, 0) != "11" {
		return 0, 0, fmt.Errorf("%s: qualifier %q, want 11 (number of receptacles)", s, s.Component(0, 0))
	}
	if count, err = strconv.Atoi(s.Component(0, 1)); err != nil || count < 0 {
		return 0, 0, fmt.Errorf("%s: %q is not a count", s, s.Component(0, 1))
	}
	if s, err = r.need("CNT"); err != nil {
		return 0, 0, err
	}
	if s.Component(0, 0) != "7" || s.Component(0, 2) != "KGM" {
		return 0, 0, fmt.Errorf("%s: want CNT+7:weight:KGM (gross weight in kg)", s)
	}
	if weightG, err = parseKg(s.Component(0, 1)); err != nil {
		return 0, 0, fmt.Errorf("%s: %v", s, err)
	}
	return count, weightG, nil
}

// receptacle reads GID, RFF+RCP, MEA+WT.
func (r *reader) receptacle() (Receptacle, error) {
	var rc Receptacle
	g, err := r.need("GID")
	if err != nil {
		return rc, err
	}
	rc.Type = g.Component(1, 0)
	s, err := r.need("RFF")
	if err != nil {
		return rc, err
	}
	if s.Component(0, 0) != "RCP" {
		return rc, fmt.Errorf("%s: qualifier %q, want RCP (receptacle id)", s, s.Component(0, 0))
	}
	rc.ID = s.Component(0, 1)
	if s, err = r.need("MEA"); err != nil {
		return rc, err
	}
	if s.Component(0, 0) != "WT" || s.Component(1, 0) != "G" || s.Component(2, 0) != "KGM" {
		return rc, fmt.Errorf("%s: want MEA+WT+G+KGM:weight", s)
	}
	if rc.GrossWeightG, err = parseKg(s.Component(2, 1)); err != nil {
		return rc, fmt.Errorf("%s: %v", s, err)
	}
	return rc, nil
}

func (r *reader) end() error {
	if r.i < len(r.segs) {
		return fmt.Errorf("%s: unexpected segment", r.where())
	}
	return nil
}

func checkCounts(count, weightG, n, sumG int) error {
	if count != n {
		return fmt.Errorf("CNT+11 says %d receptacles, the message lists %d", count, n)
	}
	if weightG != sumG {
		return fmt.Errorf("CNT+7 says %s kg, the receptacles weigh %s kg", kgText(weightG), kgText(sumG))
	}
	return nil
}

// invalid wraps a decoding problem as an invalid-input error.
func invalid(kind string, err error) error {
	var pe *postal.Error
	if errors.As(err, &pe) {
		return err
	}
	return postal.Invalid(kind+" message cannot be read", postal.FieldError{Field: "message", Message: err.Error()})
}

func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, "\ufeff \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// strictJSON decodes exactly one JSON object, refusing unknown fields.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("more than one JSON value")
	}
	return nil
}
