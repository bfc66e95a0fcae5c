package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/interpost/interpost/postal"
)

// Limits of one upload.
const (
	MaxRows  = 50_000   // data rows, the header not counted
	MaxBytes = 64 << 20 // size of the file
)

// Sheet is an upload file read into cells: the header's column names and
// the data rows, each with its line (CSV) or row (XLSX) number.
type Sheet struct {
	Format   string // "csv" or "xlsx"
	Encoding string // "utf-8" or "gb18030" (CSV only)
	Header   []string
	Rows     []Row
}

// Row is one data row as read.
type Row struct {
	Number   int      // 1-based line or sheet row, the header being 1
	Cells    []string // as many as the row has (may differ from the header)
	Formulas []string // XLSX columns whose cell holds a formula
}

// Read reads an upload file: XLSX when it starts as a zip archive, else CSV
// in UTF-8 (with or without a byte-order mark) or GB18030. It refuses the
// whole file (invalid) for the wrong encoding, a missing or unknown header,
// more than MaxRows rows or MaxBytes bytes; problems of single rows are
// left to the row checks.
func Read(data []byte) (Sheet, error) {
	if len(data) > MaxBytes {
		return Sheet{}, refuse("file", "%d bytes; at most %d MB per upload: split the file", len(data), MaxBytes>>20)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	text, enc, err := decode(data)
	if err != nil {
		return Sheet{}, err
	}
	return readCSV(text, enc)
}

func refuse(field, format string, args ...any) error {
	return postal.Invalid("the upload file is refused", postal.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// decode returns the text of a CSV file as UTF-8 and the encoding it was in.
func decode(data []byte) (string, string, error) {
	switch {
	case len(data) == 0:
		return "", "", refuse("file", "is empty; the first line must name the columns (docs/formats.md)")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "", "", refuse("encoding", "the file is UTF-16; save it as CSV in UTF-8 or GB18030")
	case bytes.IndexByte(data, 0) >= 0:
		return "", "", refuse("encoding", "the file has NUL bytes (UTF-16 or not a text file); save it as CSV in UTF-8 or GB18030, or upload an XLSX workbook")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(text, utf8.RuneError) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return "", "", refuse("encoding", "line %d is neither UTF-8 nor GB18030; save the file as CSV in UTF-8 (or GB18030)", line)
	}
	return string(text), "gb18030", nil
}

// firstInvalid is the offset of the first byte that is not valid UTF-8.
func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func readCSV(text, enc string) (Sheet, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1 // rows with a wrong number of cells are reported per row
	r.ReuseRecord = false
	sh := Sheet{Format: "csv", Encoding: enc}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Sheet{}, refuse("file", "line %d: %v", pe.StartLine, pe.Err)
			}
			return Sheet{}, refuse("file", "%v", err)
		}
		if sh.Header == nil {
			if err := sh.setHeader(rec); err != nil {
				return Sheet{}, err
			}
			continue
		}
		if blank(rec) {
			continue
		}
		if len(sh.Rows) == MaxRows {
			return Sheet{}, refuse("file", "more than %d rows; at most %d shipments per upload: split the file", MaxRows, MaxRows)
		}
		line, _ := r.FieldPos(0) // a record has at least one field
		sh.Rows = append(sh.Rows, Row{Number: line, Cells: rec})
	}
	if sh.Header == nil {
		return Sheet{}, refuse("header", "missing; the first line must name the columns (docs/formats.md)")
	}
	return sh, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// setHeader checks the first row: every name a template column, no column
// twice, the required ones present.
func (sh *Sheet) setHeader(rec []string) error {
	seen := map[string]bool{}
	var unknown []string
	h := make([]string, len(rec))
	for i, c := range rec {
		c = strings.ToLower(strings.TrimSpace(c))
		h[i] = c
		switch {
		case c == "":
			return refuse("header", "column %d has no name; the first line must name every column (docs/formats.md)", i+1)
		case !knownColumn(c):
			unknown = append(unknown, postal.Quote(c))
		case seen[c]:
			return refuse("header", "column %s appears twice", c)
		}
		seen[c] = true
	}
	if len(unknown) > 0 {
		if len(unknown) == len(rec) {
			return refuse("header", "missing; the first line must name the columns (docs/formats.md), e.g. %s, got %s", strings.Join(required[:3], ","), unknown[0])
		}
		if len(unknown) > 5 {
			unknown = append(unknown[:5], "…")
		}
		return refuse("header", "unknown columns %s; the template's columns are in docs/formats.md", strings.Join(unknown, ", "))
	}
	var missing []string
	for _, c := range required {
		if !seen[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return refuse("header", "required columns missing: %s", strings.Join(missing, ", "))
	}
	sh.Header = h
	return nil
}

// readXLSX reads the first sheet of a workbook. Cell values are taken as
// stored; a formula is never evaluated: its row is reported.
func readXLSX(data []byte) (Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return Sheet{}, refuse("file", "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Sheet{}, refuse("file", "the workbook has no sheet")
	}
	name := sheets[0]
	rows, err := f.Rows(name)
	if err != nil {
		return Sheet{}, refuse("file", "sheet %s: %v", postal.Quote(name), err)
	}
	defer rows.Close()
	sh := Sheet{Format: "xlsx"}
	n := 0
	for rows.Next() {
		n++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Sheet{}, refuse("file", "sheet %s row %d: %v", postal.Quote(name), n, err)
		}
		if sh.Header == nil {
			if blank(rec) {
				continue
			}
			if err := sh.setHeader(rec); err != nil {
				return Sheet{}, err
			}
			if sh.Rows, err = nil, formulaCheck(f, name, n, len(rec)); err != nil {
				return Sheet{}, err
			}
			continue
		}
		if blank(rec) {
			continue
		}
		if len(sh.Rows) == MaxRows {
			return Sheet{}, refuse("file", "more than %d rows; at most %d shipments per upload: split the file", MaxRows, MaxRows)
		}
		sh.Rows = append(sh.Rows, Row{Number: n, Cells: rec})
	}
	if err := rows.Error(); err != nil {
		return Sheet{}, refuse("file", "sheet %s: %v", postal.Quote(name), err)
	}
	if sh.Header == nil {
		return Sheet{}, refuse("header", "missing; the first row must name the columns (docs/formats.md)")
	}
	for i := range sh.Rows {
		r := &sh.Rows[i]
		for c := range max(len(r.Cells), len(sh.Header)) {
			ref, _ := excelize.CoordinatesToCellName(c+1, r.Number)
			if fm, _ := f.GetCellFormula(name, ref); fm != "" {
				col := ref
				if c < len(sh.Header) {
					col = sh.Header[c]
				}
				r.Formulas = append(r.Formulas, col)
			}
		}
	}
	return sh, nil
}

// formulaCheck refuses a formula in the header row.
func formulaCheck(f *excelize.File, sheet string, row, cols int) error {
	for c := range cols {
		ref, _ := excelize.CoordinatesToCellName(c+1, row)
		if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
			return refuse("header", "cell %s is a formula; formulas are not evaluated: type the column names", ref)
		}
	}
	return nil
}
