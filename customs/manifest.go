package customs

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/interpost/interpost/postal"
)

// Manifest formats.
const (
	FormatCSV   = "csv"
	FormatJSONL = "jsonl"
)

// LineError is one problem in a manifest: the file line, the item, the
// field (CSV column or JSON path) and what is wrong.
type LineError struct {
	Line   int    `json:"line"`
	ItemID string `json:"item_id,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e LineError) String() string {
	s := fmt.Sprintf("line %d", e.Line)
	if e.ItemID != "" {
		s += " (" + e.ItemID + ")"
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Reason
}

// Entry is one declaration read from a manifest: a JSON line, or the
// consecutive CSV rows of one item.
type Entry struct {
	Decl   Declaration
	Line   int         // first file line
	LineOf []int       // file line of each declaration line (CSV); nil for JSONL
	Errs   []LineError // problems found while reading; the entry is rejected
}

// ManifestReader reads entries one at a time. Next returns io.EOF at the
// end; any other error is fatal to the whole file (bad header, I/O error).
type ManifestReader interface {
	Next() (Entry, error)
	// Lines returns the number of data lines read so far.
	Lines() int
}

// NewManifestReader reads a manifest in format (csv or jsonl).
func NewManifestReader(r io.Reader, format string) (ManifestReader, error) {
	switch format {
	case FormatCSV:
		return newCSVReader(r)
	case FormatJSONL:
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), maxJSONLine)
		return &jsonlReader{sc: sc}, nil
	}
	return nil, fmt.Errorf("unknown manifest format %s: use csv or jsonl", postal.Quote(format))
}

// FormatOf guesses a manifest format from a file name or media type.
func FormatOf(nameOrType string) string {
	s := strings.ToLower(nameOrType)
	switch {
	case strings.HasSuffix(s, ".csv"), strings.HasPrefix(s, "text/csv"):
		return FormatCSV
	case strings.HasSuffix(s, ".jsonl"), strings.HasSuffix(s, ".ndjson"), strings.Contains(s, "ndjson"), strings.Contains(s, "jsonl"):
		return FormatJSONL
	}
	return ""
}

// maxJSONLine bounds one JSON line (a declaration of 99 lines is ~40 KiB).
const maxJSONLine = 1 << 20

type jsonlReader struct {
	sc    *bufio.Scanner
	line  int
	lines int
}

func (j *jsonlReader) Lines() int { return j.lines }

func (j *jsonlReader) Next() (Entry, error) {
	for j.sc.Scan() {
		j.line++
		b := bytes.TrimSpace(j.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		j.lines++
		e := Entry{Line: j.line}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e.Decl); err != nil {
			e.Errs = append(e.Errs, LineError{Line: j.line, ItemID: idHint(b), Field: jsonErrField(err), Reason: jsonErrReason(err)})
		} else if dec.More() {
			e.Errs = append(e.Errs, LineError{Line: j.line, ItemID: e.Decl.ID, Reason: "more than one JSON value on the line; put one declaration per line"})
		}
		return e, nil
	}
	if err := j.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Entry{}, fmt.Errorf("line %d: longer than %d bytes", j.line+1, maxJSONLine)
		}
		return Entry{}, fmt.Errorf("read manifest: %w", err)
	}
	return Entry{}, io.EOF
}

var idRE = regexp.MustCompile(`"id"\s*:\s*"([^"]{1,40})"`)

// idHint finds the item id in a line that failed to decode, for the report.
func idHint(b []byte) string {
	if m := idRE.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

func jsonErrField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(f, `"`)
	}
	return ""
}

func jsonErrReason(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fmt.Sprintf("expected a %s, got a JSON %s", te.Type, te.Value)
	case errors.As(err, &se):
		return fmt.Sprintf("not valid JSON at byte %d: %v", se.Offset, se)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "unknown field (see docs/formats.md, Customs manifests)"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON object is cut short"
	}
	return err.Error()
}

// Columns of a CSV manifest. Declaration columns repeat on every row of an
// item (or are left empty after the first); line columns describe one
// article per row.
var (
	declColumns = []string{"item_id", "stream", "direction", "office", "category", "explanation", "currency",
		"total_value", "gross_weight_g", "importer_ref", "ddp",
		"sender_name", "sender_company", "sender_address", "sender_city", "sender_postcode", "sender_country", "sender_tax_id",
		"addressee_name", "addressee_company", "addressee_address", "addressee_city", "addressee_postcode", "addressee_country", "addressee_tax_id",
		"product", "form", "carrier", "master_waybill", "manifest_line",
		"platform", "order_id", "seller_name", "seller_country", "payment_id", "transaction_value", "model"}
	lineColumns     = []string{"description", "quantity", "net_weight_g", "value", "hs_code", "origin_country"}
	requiredColumns = []string{"item_id", "stream", "direction", "office", "currency", "description", "quantity", "value"}
)

// CSVColumns returns every CSV manifest column in the order the writer uses.
func CSVColumns() []string { return append(append([]string{}, declColumns...), lineColumns...) }

type pendingRow struct {
	row  []string
	line int
	bad  *LineError
}

type csvReader struct {
	r       *csv.Reader
	col     map[string]int
	pending *pendingRow // the row read ahead
	seenEOF bool
	lines   int
}

func newCSVReader(r io.Reader) (*csvReader, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 256<<10))
	cr.ReuseRecord = false
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line 1: the manifest is empty; it needs a header row (%s)", strings.Join(requiredColumns, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("line 1: %w", err)
	}
	c := &csvReader{r: cr, col: map[string]int{}}
	known := CSVColumns()
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(known, h) {
			return nil, fmt.Errorf("line 1: unknown column %s (columns: %s)", postal.Quote(h), strings.Join(known, ","))
		}
		if _, dup := c.col[h]; dup {
			return nil, fmt.Errorf("line 1: column %q appears twice", h)
		}
		c.col[h] = i
	}
	var missing []string
	for _, h := range requiredColumns {
		if _, ok := c.col[h]; !ok {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("line 1: missing required columns %s", strings.Join(missing, ", "))
	}
	cr.FieldsPerRecord = len(head)
	return c, nil
}

func (c *csvReader) Lines() int { return c.lines }

// read returns the next row and its line; io.EOF at the end. A malformed
// row comes back as a one-error entry via bad.
func (c *csvReader) read() (row []string, line int, bad *LineError, err error) {
	if p := c.pending; p != nil {
		c.pending = nil
		return p.row, p.line, p.bad, nil
	}
	if c.seenEOF {
		return nil, 0, nil, io.EOF
	}
	row, err = c.r.Read()
	if errors.Is(err, io.EOF) {
		c.seenEOF = true
		return nil, 0, nil, io.EOF
	}
	c.lines++
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, pe.StartLine, &LineError{Line: pe.StartLine, Reason: csvReason(pe)}, nil
	}
	if err != nil {
		return nil, 0, nil, fmt.Errorf("read manifest: %w", err)
	}
	line, _ = c.r.FieldPos(0)
	return row, line, nil, nil
}

func csvReason(pe *csv.ParseError) string {
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return "wrong number of fields: every row needs one per header column"
	}
	return pe.Err.Error()
}

func (c *csvReader) get(row []string, col string) string {
	if i, ok := c.col[col]; ok {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func (c *csvReader) Next() (Entry, error) {
	row, line, bad, err := c.read()
	if err != nil {
		return Entry{}, err
	}
	if bad != nil {
		return Entry{Line: line, Errs: []LineError{*bad}}, nil
	}
	e := Entry{Line: line}
	id := c.get(row, "item_id")
	c.decl(&e, row, line)
	c.addLine(&e, row, line)
	for id != "" {
		next, nline, nbad, err := c.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Entry{}, err
		}
		if nbad != nil || c.get(next, "item_id") != id {
			c.pending = &pendingRow{row: next, line: nline, bad: nbad}
			break
		}
		c.sameDecl(&e, row, next, nline)
		c.addLine(&e, next, nline)
	}
	return e, nil
}

func (c *csvReader) decl(e *Entry, row []string, line int) {
	g := func(col string) string { return c.get(row, col) }
	d := &e.Decl
	d.ID, d.Stream, d.Direction, d.Office = g("item_id"), Stream(g("stream")), Direction(g("direction")), g("office")
	d.Category, d.Explanation, d.Currency, d.TotalValue = g("category"), g("explanation"), g("currency"), g("total_value")
	if d.Category == "" {
		d.Category = "sale_of_goods"
	}
	d.ImporterRef = g("importer_ref")
	d.GrossWeightG = c.atoi(e, line, row, "gross_weight_g")
	switch v := strings.ToLower(g("ddp")); v {
	case "", "no", "false", "0":
	case "yes", "true", "1":
		d.DDP = true
	default:
		e.Errs = append(e.Errs, LineError{Line: line, ItemID: d.ID, Field: "ddp", Reason: fmt.Sprintf("%q is not yes or no", v)})
	}
	d.Sender = Party{Name: g("sender_name"), Company: g("sender_company"), Address: g("sender_address"), City: g("sender_city"),
		Postcode: g("sender_postcode"), Country: g("sender_country"), TaxID: g("sender_tax_id")}
	d.Addressee = Party{Name: g("addressee_name"), Company: g("addressee_company"), Address: g("addressee_address"), City: g("addressee_city"),
		Postcode: g("addressee_postcode"), Country: g("addressee_country"), TaxID: g("addressee_tax_id")}
	switch d.Stream {
	case StreamPostal:
		d.Postal = &PostalInfo{Product: g("product"), Form: strings.ToUpper(g("form"))}
	case StreamExpress:
		d.Express = &ExpressInfo{Carrier: g("carrier"), MasterWaybill: g("master_waybill"), ManifestLine: c.atoi(e, line, row, "manifest_line")}
	case StreamEcommerce:
		d.Ecommerce = &EcommerceInfo{Platform: g("platform"), OrderID: g("order_id"), Seller: Party{Name: g("seller_name"), Country: g("seller_country")},
			PaymentID: g("payment_id"), TransactionValue: g("transaction_value"), Model: strings.ToUpper(g("model"))}
	}
}

// sameDecl checks that a continuation row does not contradict the first row.
func (c *csvReader) sameDecl(e *Entry, first, row []string, line int) {
	for _, col := range declColumns {
		i, ok := c.col[col]
		if !ok {
			continue
		}
		if v := strings.TrimSpace(row[i]); v != "" && v != strings.TrimSpace(first[i]) {
			e.Errs = append(e.Errs, LineError{Line: line, ItemID: e.Decl.ID, Field: col,
				Reason: fmt.Sprintf("%q differs from %q on line %d; rows of one item must agree on declaration columns", v, strings.TrimSpace(first[i]), e.Line)})
		}
	}
}

func (c *csvReader) addLine(e *Entry, row []string, line int) {
	ln := Line{Description: c.get(row, "description"), Value: c.get(row, "value"), HSCode: c.get(row, "hs_code"), OriginCountry: c.get(row, "origin_country")}
	ln.Quantity = c.atoi(e, line, row, "quantity")
	ln.NetWeightG = c.atoi(e, line, row, "net_weight_g")
	e.Decl.Lines = append(e.Decl.Lines, ln)
	e.LineOf = append(e.LineOf, line)
}

func (c *csvReader) atoi(e *Entry, line int, row []string, col string) int {
	s := c.get(row, col)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		e.Errs = append(e.Errs, LineError{Line: line, ItemID: c.get(row, "item_id"), Field: col, Reason: postal.Quote(s) + " is not a whole number"})
	}
	return n
}

// FieldErrors maps a declaration's validation errors to manifest lines and
// fields: CSV columns for CSV, JSON paths for JSON lines.
func (e *Entry) FieldErrors(errs []postal.FieldError, format string) []LineError {
	out := make([]LineError, 0, len(errs))
	for _, fe := range errs {
		field, msg := fe.Field, fe.Message
		line := e.Line
		if format == FormatCSV {
			line, field = e.csvField(field)
		}
		out = append(out, LineError{Line: line, ItemID: e.Decl.ID, Field: field, Reason: msg})
	}
	return out
}

var lineIdx = regexp.MustCompile(`^lines\[(\d+)\]\.?`)

// csvField turns a JSON path into a CSV line and column.
func (e *Entry) csvField(path string) (int, string) {
	line := e.Line
	if m := lineIdx.FindStringSubmatch(path); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && i < len(e.LineOf) {
			line = e.LineOf[i]
		}
		path = path[len(m[0]):]
	}
	for _, p := range []string{"postal.", "express.", "ecommerce."} {
		path = strings.TrimPrefix(path, p)
	}
	switch path {
	case "id":
		return line, "item_id"
	case "lines":
		return line, "description"
	}
	return line, strings.ReplaceAll(path, ".", "_")
}

// CSVWriter writes declarations as a CSV manifest, one row per line.
type CSVWriter struct {
	w *csv.Writer
}

// NewCSVWriter writes the header and returns a writer.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns()); err != nil {
		return nil, err
	}
	return &CSVWriter{w: cw}, nil
}

// Write writes one declaration.
func (c *CSVWriter) Write(d *Declaration) error {
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	ddp := ""
	if d.DDP {
		ddp = "yes"
	}
	head := []string{d.ID, string(d.Stream), string(d.Direction), d.Office, d.Category, d.Explanation, d.Currency,
		d.TotalValue, itoa(d.GrossWeightG), d.ImporterRef, ddp,
		d.Sender.Name, d.Sender.Company, d.Sender.Address, d.Sender.City, d.Sender.Postcode, d.Sender.Country, d.Sender.TaxID,
		d.Addressee.Name, d.Addressee.Company, d.Addressee.Address, d.Addressee.City, d.Addressee.Postcode, d.Addressee.Country, d.Addressee.TaxID,
		"", "", "", "", "", "", "", "", "", "", "", ""}
	if p := d.Postal; p != nil {
		head[25], head[26] = p.Product, p.Form
	}
	if x := d.Express; x != nil {
		head[27], head[28], head[29] = x.Carrier, x.MasterWaybill, itoa(x.ManifestLine)
	}
	if e := d.Ecommerce; e != nil {
		head[30], head[31], head[32], head[33], head[34], head[35], head[36] = e.Platform, e.OrderID, e.Seller.Name, e.Seller.Country, e.PaymentID, e.TransactionValue, e.Model
	}
	for _, ln := range d.Lines {
		row := append(head[:len(head):len(head)], ln.Description, strconv.Itoa(ln.Quantity), strconv.Itoa(ln.NetWeightG), ln.Value, ln.HSCode, ln.OriginCountry)
		if err := c.w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

// Flush flushes buffered rows and returns any write error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
