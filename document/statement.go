package document

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/interpost/interpost/i18n"
)

// Statement is a multi-page A4 account: a statement between posts, a
// carrier's statement or a merchant's invoice. Amounts arrive as text,
// already rounded and formatted by the caller, so the PDF shows exactly
// what the CSV and the ledger hold.
type Statement struct {
	Title     string  // "Statement of account", "Invoice"
	Number    string  // e.g. ST-2026-11-PLPOST
	Issuer    Account // who draws it (the home post)
	Recipient Account
	// Facts are label/value pairs in the header box (period, issued, …).
	Facts [][2]string
	// Due, when set, is printed large under the parties: "CNPOST owes
	// PLPOST 1,234.56 XDR" or "Amount due 1,234.56 CNY".
	Due    []string
	Blocks []Block
	Footer string // printed on every page before "page n of N"
	Issued time.Time
	Lang   *i18n.Localizer // the reader's language for the page furniture; nil = English
}

// Account is a party as printed.
type Account struct {
	Caption string   // "From", "Bill to"
	Name    string   // display name
	Code    string   // e.g. post:PLPOST
	Lines   []string // further lines (address, kind)
}

// Block is a titled table or a paragraph block.
type Block struct {
	Title   string
	Columns []Column
	Rows    []Row
	Text    []string // paragraphs, printed when there are no columns
	Warning bool     // framed and marked: something needs attention
}

// Column is a table column; widths are relative (they share the page's
// width in proportion).
type Column struct {
	Title string
	Width float64
	Right bool // right-aligned (numbers)
}

// Row is a table row.
type Row struct {
	Cells []string
	Bold  bool // a subtotal or total
	Shade bool // a section heading row, printed shaded across the table
}

// ErrInvalidStatement is wrapped by WriteStatement's validation errors.
var ErrInvalidStatement = errors.New("invalid statement")

// WriteStatement renders s as an A4 PDF to w.
func WriteStatement(w io.Writer, s Statement) error {
	if s.Title == "" || s.Number == "" {
		return fmt.Errorf("%w: title and number are required", ErrInvalidStatement)
	}
	for i, b := range s.Blocks {
		for j, r := range b.Rows {
			if len(b.Columns) > 0 && len(r.Cells) != len(b.Columns) && !r.Shade {
				return fmt.Errorf("%w: block %d (%s) row %d has %d cells for %d columns", ErrInvalidStatement, i, b.Title, j, len(r.Cells), len(b.Columns))
			}
		}
	}
	l, err := newStatementLayout()
	if err != nil {
		return err
	}
	l.w = wordsFor(s.Lang)
	l.c.pdf.SetInfo(pdfInfo(s.Title+" "+s.Number, s.Issued))
	l.header(s)
	for _, b := range s.Blocks {
		l.block(b)
	}
	l.footers(s)
	if l.c.err != nil {
		return fmt.Errorf("render %s: %w", s.Number, l.c.err)
	}
	if _, err := l.c.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write %s: %w", s.Number, err)
	}
	return nil
}
