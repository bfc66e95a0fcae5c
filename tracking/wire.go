package tracking

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interpost/interpost/postal"
)

// Columns are the wire names of an event's fields: the JSON keys and the CSV
// header, in this order. The last three may be empty.
var Columns = []string{"object", "code", "office", "time", "source", "reason", "next_office", "signatory"}

// requiredColumns is how many leading columns a CSV file must have.
const requiredColumns = 5

// Rejection says why one input record was not accepted.
type Rejection struct {
	Index  int                 `json:"index" doc:"0-based position of the record in the input"`
	Line   int                 `json:"line,omitempty" doc:"1-based line number in the body or file, when it has lines"`
	Object string              `json:"object,omitempty"`
	Reason string              `json:"reason"`
	Fields []postal.FieldError `json:"fields,omitempty"`
}

func reject(index, line int, object string, fields []postal.FieldError) Rejection {
	r := Rejection{Index: index, Line: line, Object: object, Fields: fields}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Error()
	}
	r.Reason = strings.Join(parts, "; ")
	return r
}

func malformed(index, line int, format string, args ...any) Rejection {
	return Rejection{Index: index, Line: line, Reason: fmt.Sprintf(format, args...)}
}

// Batch is what a Decoder yields: parsed events (not yet validated) with
// their position, and the records that could not be parsed at all.
type Batch struct {
	Events   []Event
	Index    []int // position of each event in the input (0-based)
	Lines    []int // line of each event (1-based; 0 when unknown)
	Rejected []Rejection
}

// Reset empties b, keeping its memory.
func (b *Batch) Reset() {
	b.Events, b.Index, b.Lines, b.Rejected = b.Events[:0], b.Index[:0], b.Lines[:0], b.Rejected[:0]
}

func (b *Batch) add(e Event, index, line int) {
	b.Events = append(b.Events, e)
	b.Index = append(b.Index, index)
	b.Lines = append(b.Lines, line)
}

// Decoder reads events from a stream in the wire format.
type Decoder interface {
	// Decode appends up to n records to b (events or rejections) and
	// returns io.EOF once the input is exhausted. Other errors mean the
	// rest of the input cannot be read.
	Decode(b *Batch, n int) error
}

// wireEvent is the JSON shape; strings throughout so errors can name the field.
type wireEvent struct {
	Object     string `json:"object"`
	Code       string `json:"code"`
	Office     string `json:"office"`
	Time       string `json:"time"`
	Source     string `json:"source"`
	Reason     string `json:"reason"`
	NextOffice string `json:"next_office"`
	Signatory  string `json:"signatory"`
}

func (w wireEvent) event() (Event, []postal.FieldError) {
	e := Event{Object: w.Object, Code: Code(w.Code), Office: w.Office, Source: w.Source,
		Reason: w.Reason, NextOffice: w.NextOffice, Signatory: w.Signatory}
	if w.Time != "" {
		t, err := ParseTime(w.Time)
		if err != nil {
			return e, []postal.FieldError{{Field: "time", Message: err.Error()}}
		}
		e.Time = t
	}
	return e, nil
}

// ParseTime reads an RFC 3339 time; the offset is required ("Z" counts).
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04:05.999999999", "2006-01-02 15:04", time.DateOnly} {
			if _, err2 := time.Parse(layout, s); err2 == nil {
				return time.Time{}, fmt.Errorf("%q has no UTC offset: write it as RFC 3339 with the office's offset, e.g. 2026-11-20T14:05:00+08:00", s)
			}
		}
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-11-20T14:05:00+08:00", s)
	}
	return t, nil
}

// FormatTime writes a time the way the wire format does.
func FormatTime(t time.Time) string { return t.Format(time.RFC3339Nano) }

// NewJSONDecoder reads a JSON array of events or JSON lines (one event per
// line), told apart by the first non-blank character. In JSON lines a
// malformed line is rejected with its line number and the rest is still
// read; a malformed array cannot be resynchronised, so it fails as a whole
// from the first bad element on.
func NewJSONDecoder(r io.Reader) Decoder {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		c, err := br.Peek(1)
		if err != nil {
			return &jsonLines{r: br}
		}
		switch c[0] {
		case ' ', '\t', '\r', '\n':
			if _, err := br.ReadByte(); err != nil {
				return &jsonLines{r: br}
			}
			continue
		case '[':
			return &jsonArray{dec: json.NewDecoder(br)}
		}
		return &jsonLines{r: br}
	}
}

type jsonLines struct {
	r     *bufio.Reader
	line  int
	index int
}

func (d *jsonLines) Decode(b *Batch, n int) error {
	for got := 0; got < n; {
		raw, err := d.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: read the rest of it.
			full := append([]byte(nil), raw...)
			for errors.Is(err, bufio.ErrBufferFull) {
				raw, err = d.r.ReadSlice('\n')
				full = append(full, raw...)
			}
			raw = full
		}
		if len(raw) > 0 {
			d.line++
			if line := bytes.TrimSpace(raw); len(line) > 0 {
				d.decodeLine(b, line)
				got++
			}
		}
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return fmt.Errorf("read line %d: %w", d.line+1, err)
		}
	}
	return nil
}

func (d *jsonLines) decodeLine(b *Batch, line []byte) {
	index := d.index
	d.index++
	var w wireEvent
	if err := strictUnmarshal(line, &w); err != nil {
		b.Rejected = append(b.Rejected, malformed(index, d.line, "line %d is not a JSON event object: %s", d.line, jsonProblem(err)))
		return
	}
	e, fe := w.event()
	if fe != nil {
		b.Rejected = append(b.Rejected, reject(index, d.line, w.Object, fe))
		return
	}
	b.add(e, index, d.line)
}

type jsonArray struct {
	dec     *json.Decoder
	started bool
	index   int
}

func (d *jsonArray) Decode(b *Batch, n int) error {
	if !d.started {
		if _, err := d.dec.Token(); err != nil { // the '['
			return postal.Invalid("bad JSON body", postal.FieldError{Message: jsonProblem(err)})
		}
		d.started = true
	}
	for got := 0; got < n; got++ {
		if !d.dec.More() {
			if _, err := d.dec.Token(); err != nil { // the ']'
				return postal.Invalid("bad JSON body", postal.FieldError{Field: fmt.Sprintf("[%d]", d.index), Message: jsonProblem(err)})
			}
			return io.EOF
		}
		var raw json.RawMessage
		if err := d.dec.Decode(&raw); err != nil {
			return postal.Invalid(fmt.Sprintf("bad JSON body at element %d; elements before it were read, the rest cannot be", d.index),
				postal.FieldError{Field: fmt.Sprintf("[%d]", d.index), Message: jsonProblem(err)})
		}
		index := d.index
		d.index++
		var w wireEvent
		if err := strictUnmarshal(raw, &w); err != nil {
			b.Rejected = append(b.Rejected, malformed(index, 0, "element %d is not an event object: %s", index, jsonProblem(err)))
			continue
		}
		e, fe := w.event()
		if fe != nil {
			b.Rejected = append(b.Rejected, reject(index, 0, w.Object, fe))
			continue
		}
		b.add(e, index, 0)
	}
	return nil
}

func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// jsonProblem describes a JSON error without Go type names.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d: %s", se.Offset, se.Error())
	case errors.As(err, &te):
		return fmt.Sprintf("field %q must be a string", te.Field)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of JSON"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// NewCSVDecoder reads the CSV wire format: a header naming the columns in
// the order of Columns (the first five required, the last three optional),
// then one event per record. A record with the wrong number of fields is
// rejected with its line number and the rest is still read.
func NewCSVDecoder(r io.Reader) Decoder {
	return &csvDecoder{r: bufio.NewReaderSize(r, 256<<10)}
}

type csvDecoder struct {
	r      *bufio.Reader
	cols   int
	line   int
	index  int
	fields []string
}

func (d *csvDecoder) Decode(b *Batch, n int) error {
	for got := 0; got < n; {
		rec, err := d.record()
		if err == io.EOF {
			if d.cols == 0 {
				return postal.Invalid("empty CSV", postal.FieldError{Field: "line 1", Message: "missing the header " + strings.Join(Columns, ",")})
			}
			return io.EOF
		}
		if err != nil {
			return err
		}
		if rec == nil { // blank line
			continue
		}
		if d.cols == 0 {
			if err := d.header(rec); err != nil {
				return err
			}
			continue
		}
		got++
		index := d.index
		d.index++
		if len(rec) != d.cols {
			b.Rejected = append(b.Rejected, malformed(index, d.line, "line %d has %d fields, the header has %d", d.line, len(rec), d.cols))
			continue
		}
		w := wireEvent{Object: rec[0], Code: rec[1], Office: rec[2], Time: rec[3], Source: rec[4]}
		if d.cols > 5 {
			w.Reason = rec[5]
		}
		if d.cols > 6 {
			w.NextOffice = rec[6]
		}
		if d.cols > 7 {
			w.Signatory = rec[7]
		}
		e, fe := w.event()
		if fe != nil {
			b.Rejected = append(b.Rejected, reject(index, d.line, w.Object, fe))
			continue
		}
		b.add(e, index, d.line)
	}
	return nil
}

func (d *csvDecoder) header(rec []string) error {
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a BOM from spreadsheet exports
	}
	if len(rec) < requiredColumns || len(rec) > len(Columns) {
		return d.badHeader(rec)
	}
	for i, c := range rec {
		if strings.TrimSpace(strings.ToLower(c)) != Columns[i] {
			return d.badHeader(rec)
		}
	}
	d.cols = len(rec)
	return nil
}

func (d *csvDecoder) badHeader(rec []string) error {
	return postal.Invalid("bad CSV header", postal.FieldError{Field: fmt.Sprintf("line %d", d.line),
		Message: fmt.Sprintf("got %q, want %s (the last three columns may be left out)", strings.Join(rec, ","), strings.Join(Columns, ","))})
}

// record reads one CSV record; a record is one line (fields may be quoted,
// but not span lines, so one bad quote cannot swallow the lines after it).
// Unquoted lines, nearly all of them, are split by hand; a line with a quote
// goes through encoding/csv.
func (d *csvDecoder) record() ([]string, error) {
	raw, err := d.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		full := append([]byte(nil), raw...)
		for errors.Is(err, bufio.ErrBufferFull) {
			raw, err = d.r.ReadSlice('\n')
			full = append(full, raw...)
		}
		raw = full
	}
	if len(raw) == 0 && err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read line %d: %w", d.line+1, err)
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("read line %d: %w", d.line+1, err)
	}
	d.line++
	line := bytes.TrimRight(raw, "\r\n")
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, nil
	}
	if bytes.IndexByte(line, '"') < 0 {
		d.fields = d.fields[:0]
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				d.fields = append(d.fields, string(line))
				return d.fields, nil
			}
			d.fields = append(d.fields, string(line[:i]))
			line = line[i+1:]
		}
	}
	return d.quoted(raw)
}

func (d *csvDecoder) quoted(raw []byte) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		return []string{}, nil // rejected by the caller as a wrong field count
	}
	return rec, nil
}

// WriteCSV writes events in the CSV wire format, header first.
func WriteCSV(w io.Writer, events []Event) error {
	cw := NewCSVWriter(w)
	for _, e := range events {
		cw.Write(e)
	}
	return cw.Flush()
}

// CSVWriter writes the CSV wire format; the header goes out with the first
// event (or at Flush if there is none).
type CSVWriter struct {
	w      *bufio.Writer
	header bool
	buf    []byte
}

// NewCSVWriter returns a writer of the CSV wire format.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: bufio.NewWriterSize(w, 256<<10)} }

// Write adds one event. Errors surface at Flush.
func (c *CSVWriter) Write(e Event) {
	if !c.header {
		c.header = true
		c.w.WriteString(strings.Join(Columns, ",") + "\n")
	}
	b := c.buf[:0]
	b = appendCSV(b, e.Object)
	b = append(b, ',')
	b = appendCSV(b, string(e.Code))
	b = append(b, ',')
	b = appendCSV(b, e.Office)
	b = append(b, ',')
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, ',')
	b = appendCSV(b, e.Source)
	b = append(b, ',')
	b = appendCSV(b, e.Reason)
	b = append(b, ',')
	b = appendCSV(b, e.NextOffice)
	b = append(b, ',')
	b = appendCSV(b, e.Signatory)
	b = append(b, '\n')
	c.buf = b
	c.w.Write(b)
}

// Flush writes out buffered data and reports the first write error.
func (c *CSVWriter) Flush() error {
	if !c.header {
		c.header = true
		c.w.WriteString(strings.Join(Columns, ",") + "\n")
	}
	return c.w.Flush()
}

func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && (s == "" || (s[0] != ' ' && s[len(s)-1] != ' ')) {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

// AppendJSON appends the JSON wire form of e (one object, no newline).
func AppendJSON(b []byte, e Event) []byte {
	b = append(b, `{"object":`...)
	b = appendJSONString(b, e.Object)
	b = append(b, `,"code":`...)
	b = appendJSONString(b, string(e.Code))
	b = append(b, `,"office":`...)
	b = appendJSONString(b, e.Office)
	b = append(b, `,"time":"`...)
	b = e.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","source":`...)
	b = appendJSONString(b, e.Source)
	if e.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, e.Reason)
	}
	if e.NextOffice != "" {
		b = append(b, `,"next_office":`...)
		b = appendJSONString(b, e.NextOffice)
	}
	if e.Signatory != "" {
		b = append(b, `,"signatory":`...)
		b = appendJSONString(b, e.Signatory)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// WriteJSONLines writes events as JSON lines.
func WriteJSONLines(w io.Writer, events []Event) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var b []byte
	for _, e := range events {
		b = AppendJSON(b[:0], e)
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}
