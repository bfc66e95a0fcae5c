package edi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
