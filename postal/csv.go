package postal

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// OpenCSV starts reading a CSV file whose first line must be exactly header
// (a UTF-8 byte-order mark before it is ignored). what names the file in
// errors ("offices file"); comment, if not 0, marks comment lines. Records
// may have any number of fields, so callers report a wrong count per line.
func OpenCSV(r io.Reader, what string, header []string, comment rune) (*csv.Reader, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = comment
	got, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Invalid(what+" is empty", FieldError{Field: "line 1", Message: "want header " + strings.Join(header, ",")})
	}
	if err != nil {
		return nil, Invalid(what+" is not valid CSV", FieldError{Field: "line 1", Message: err.Error()})
	}
	if len(got) > 0 {
		got[0] = strings.TrimPrefix(got[0], "\ufeff")
	}
	if !slices.Equal(got, header) {
		return nil, Invalid(what+" has the wrong header", FieldError{Field: "line 1",
			Message: fmt.Sprintf("got %q, want %s", strings.Join(got, ","), strings.Join(header, ","))})
	}
	return cr, nil
}
