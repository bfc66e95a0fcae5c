// Package export writes what a list shows as a table file: CSV (UTF-8 with
// a byte-order mark, so spreadsheet programs read Chinese and accented
// names) or XLSX (github.com/xuri/excelize, streamed row by row). Every
// list's export goes through it, so all exports look and behave alike.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/interpost/interpost/postal"
)

// Formats lists the formats Write takes.
var Formats = []string{"csv", "xlsx"}

// ContentType returns the media type of a format.
func ContentType(format string) string {
	if format == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Rows yields the rows of a table, in order, to emit; it stops at emit's
// first error and returns it.
type Rows func(emit func(row []string) error) error

// Write writes header and rows to w in format ("csv" or "xlsx"; anything
// else is an invalid-argument error on field "query.format").
func Write(w io.Writer, format string, header []string, rows Rows) error {
	switch format {
	case "csv":
		return writeCSV(w, header, rows)
	case "xlsx":
		return writeXLSX(w, header, rows)
	}
	return postal.Invalid("bad format", postal.FieldError{Field: "query.format",
		Message: fmt.Sprintf("%q is not an export format; use one of %s", format, strings.Join(Formats, ", "))})
}

// defuse keeps a spreadsheet from reading a cell as a formula (CSV
// injection, OWASP): text starting with = + - @ or a tab gets a leading '.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeCSV(w io.Writer, header []string, rows Rows) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	err := rows(func(row []string) error {
		out := make([]string, len(row))
		for i, c := range row {
			out[i] = defuse(c)
		}
		return cw.Write(out)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

func writeXLSX(w io.Writer, header []string, rows Rows) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write XLSX: %w", cerr)
		}
	}()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	n := 1
	put := func(row []string) error {
		cells := make([]any, len(row))
		for i, c := range row {
			// Text cells, never formulas: a value starting with = stays text.
			cells[i] = excelize.Cell{Value: c}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		n++
		return sw.SetRow(cell, cells)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := put(header); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if err := rows(put); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
