package document

import (
	"fmt"
	"io"
	"time"
)

// Layout is how a batch of labels is laid out on pages.
type Layout string

// Layouts of WriteLabels.
const (
	LayoutRoll Layout = "roll" // one 100 × 150 mm label per page, for a thermal roll
	LayoutA4   Layout = "a4"   // four labels per A4 page, one per 105 × 148.5 mm quarter (A6 label sheets)
)

// A4 page and the quarters of a 4-up label sheet, in millimetres.
const (
	quarterW       = a4W / 2 // a4W, a4H: statement_layout.go
	quarterH       = a4H / 2
	labelsPerSheet = 4
)

// WriteLabels renders labels in order as one PDF: a page per label on a
// roll, or four to an A4 page. The 100 × 150 mm label is centred in its
// 105 × 148.5 mm quarter; its frame (2 mm inside the label) fits. It
// returns an error naming the label (by position and item id) that cannot
// be drawn; nothing is written then.
func WriteLabels(w io.Writer, labels []Label, layout Layout, created time.Time) error {
	if len(labels) == 0 {
		return fmt.Errorf("%w: no labels to print", ErrInvalidLabel)
	}
	for i, l := range labels {
		if err := l.validate(); err != nil {
			return fmt.Errorf("label %d (%s): %w", i+1, l.ItemID, err)
		}
	}
	pageW, pageH, perPage := labelW, labelH, 1
	switch layout {
	case LayoutRoll, "":
	case LayoutA4:
		pageW, pageH, perPage = a4W, a4H, labelsPerSheet
	default:
		return fmt.Errorf("%w: layout %q is not roll or a4", ErrInvalidLabel, layout)
	}
	c, err := newCanvas(pageW, pageH)
	if err != nil {
		return err
	}
	c.pdf.SetInfo(pdfInfo(fmt.Sprintf("%d labels", len(labels)), created))
	for i, l := range labels {
		slot := i % perPage
		if i > 0 && slot == 0 {
			c.pdf.AddPage()
		}
		if layout == LayoutA4 {
			c.ox = float64(slot%2)*quarterW + (quarterW-labelW)/2
			c.oy = float64(slot/2)*quarterH + (quarterH-labelH)/2
		}
		drawLabel(c, l)
		if c.err != nil {
			return fmt.Errorf("render label %d (%s): %w", i+1, l.ItemID, c.err)
		}
	}
	if _, err := c.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write %d labels: %w", len(labels), err)
	}
	return nil
}
