package customs

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// ReadRates reads the operator's rates table: CSV with the header
// date,currency,units_per_sdr and one row per currency, all of one date
// (the IMF's representative rates of that day). Problems are reported with
// their line.
func ReadRates(r io.Reader) (postal.Rates, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 3
	cr.Comment = '#'
	head, err := cr.Read()
	if err != nil {
		return postal.Rates{}, postal.Invalid("bad rates table", postal.FieldError{Field: "line 1", Message: "needs the header date,currency,units_per_sdr"})
	}
	if strings.Join(head, ",") != "date,currency,units_per_sdr" {
		return postal.Rates{}, postal.Invalid("bad rates table", postal.FieldError{Field: "line 1", Message: fmt.Sprintf("header is %s, want date,currency,units_per_sdr", postal.Quote(strings.Join(head, ",")))})
	}
	out := postal.Rates{PerSDR: map[string]decimal.Decimal{}}
	var fe postal.FieldList
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			fe.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
			continue
		}
		if err != nil {
			return postal.Rates{}, fmt.Errorf("read rates: %w", err)
		}
		at := fmt.Sprintf("line %d", line)
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(row[0]))
		switch {
		case err != nil:
			fe.Add(at+": date", "%q is not a date like 2026-11-23", row[0])
		case out.AsOf.IsZero():
			out.AsOf = d
		case !d.Equal(out.AsOf):
			fe.Add(at+": date", "%s differs from %s: a table holds one day's rates", row[0], out.AsOf.Format(time.DateOnly))
		}
		cur := strings.ToUpper(strings.TrimSpace(row[1]))
		if !postal.ValidCurrency(cur) || cur == postal.SDR {
			fe.Add(at+": currency", "%q is not an ISO 4217 currency code other than XDR", row[1])
		} else if _, dup := out.PerSDR[cur]; dup {
			fe.Add(at+": currency", "%s appears twice", cur)
		}
		v, err := decimal.NewFromString(strings.TrimSpace(row[2]))
		if err != nil || !v.IsPositive() {
			fe.Add(at+": units_per_sdr", "%q is not a positive number", row[2])
			continue
		}
		out.PerSDR[cur] = v
	}
	if len(out.PerSDR) == 0 && len(fe) == 0 {
		fe.Add("line 2", "the table has no rates")
	}
	if err := fe.Err("bad rates table"); err != nil {
		return postal.Rates{}, err
	}
	return out, nil
}
