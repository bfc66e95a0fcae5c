package network

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/interpost/interpost/postal"
)

// OfficeHeader is the header offices.csv must start with (docs/formats.md).
var OfficeHeader = []string{"code", "name", "country", "kind", "lat", "lon", "tz", "connect_min", "customs", "port"}

// officeHeaderV1 is the header before the port column: still read, every office not a port.
var officeHeaderV1 = OfficeHeader[:9]

// ReadOffices parses an offices.csv. It reads the whole file and returns
// every problem found, each naming its line and column, so nothing is stored
// from a file with errors.
func ReadOffices(r io.Reader) ([]Office, error) {
	// Offices files are small: read it whole to accept the header without the port column.
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	header := OfficeHeader
	if first, _, _ := bytes.Cut(data, []byte("\n")); strings.TrimSpace(strings.TrimPrefix(string(first), "\ufeff")) == strings.Join(officeHeaderV1, ",") {
		header = officeHeaderV1
	}
	cr, err := postal.OpenCSV(bytes.NewReader(data), "offices file", header, 0)
	if err != nil {
		return nil, err
	}
	var out []Office
	var fe postal.FieldList
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// FieldPos panics after a failed Read; the ParseError has the line.
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				fe.Add("line ?", "%v", err)
				break
			}
			fe.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
			if len(fe) > 100 {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			fe.Add(fmt.Sprintf("line %d", line), "has %d columns, want %d", len(rec), len(header))
			continue
		}
		o, errs := parseOffice(rec)
		for _, e := range errs {
			fe.Add(fmt.Sprintf("line %d: %s", line, e.Field), "%s", e.Message)
		}
		if len(errs) == 0 {
			if first, dup := seen[o.Code]; dup {
				fe.Add(fmt.Sprintf("line %d: code", line), "office %s already defined on line %d", o.Code, first)
			}
			seen[o.Code] = line
			out = append(out, o)
		}
		if len(fe) > 100 {
			break
		}
	}
	if err := fe.Err("offices file has errors"); err != nil {
		return nil, err
	}
	return out, nil
}

func parseOffice(rec []string) (Office, []postal.FieldError) {
	var fe postal.FieldList
	o := Office{Code: rec[0], Name: rec[1], Country: rec[2], Kind: Kind(rec[3]), TZ: rec[6]}
	var err error
	if o.Lat, err = strconv.ParseFloat(rec[4], 64); err != nil {
		fe.Add("lat", "%q is not a number", rec[4])
	}
	if o.Lon, err = strconv.ParseFloat(rec[5], 64); err != nil {
		fe.Add("lon", "%q is not a number", rec[5])
	}
	if o.ConnectMin, err = strconv.Atoi(rec[7]); err != nil {
		fe.Add("connect_min", "%q is not a whole number of minutes", rec[7])
	}
	switch rec[8] {
	case "yes":
		o.Customs = true
	case "no":
	default:
		fe.Add("customs", "%q must be yes or no", rec[8])
	}
	if len(rec) > 9 {
		switch rec[9] {
		case "yes":
			o.Port = true
		case "no", "":
		default:
			fe.Add("port", "%q must be yes or no", rec[9])
		}
	}
	if len(fe) == 0 {
		fe = append(fe, postal.Fields(o.Validate())...)
	}
	return o, fe
}

// WriteOffices writes offices in the offices.csv format.
func WriteOffices(w io.Writer, offices []Office) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(OfficeHeader); err != nil {
		return err
	}
	for _, o := range offices {
		customs, port := "no", "no"
		if o.Customs {
			customs = "yes"
		}
		if o.Port {
			port = "yes"
		}
		if err := cw.Write([]string{o.Code, o.Name, o.Country, string(o.Kind),
			strconv.FormatFloat(o.Lat, 'f', -1, 64), strconv.FormatFloat(o.Lon, 'f', -1, 64),
			o.TZ, strconv.Itoa(o.ConnectMin), customs, port}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
