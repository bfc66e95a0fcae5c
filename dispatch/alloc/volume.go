package alloc

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Volume is one lane's mail for the planning day.
type Volume struct {
	Origin      string `json:"origin" example:"CNXMNA"`
	Destination string `json:"destination" example:"DEFRAA"`
	Category    string `json:"category" example:"A"`
	Grams       int64  `json:"grams"`
	Items       int    `json:"items"`
	// Ready is the local time the mail is ready at the origin on the
	// planning date; 0 = Options.ReadyAt.
	Ready civil.Clock `json:"ready,omitempty"`
}

// ForecastHeader is the header of a forecast file; ready may be left out.
var ForecastHeader = []string{"origin", "destination", "category", "kg", "items", "ready"}

// ReadForecast reads a forecast CSV (origin,destination,category,kg,items
// and an optional ready HH:MM) and checks every line against the network:
// offices must exist and be offices of exchange, the two must differ,
// the category must be A–D, kg a positive number. Errors name the line and
// the reason; a file with any error yields nothing. Lines for the same
// lane and ready time are added up.
func ReadForecast(r io.Reader, offices map[string]network.Office) ([]Volume, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, postal.Invalid("forecast file is empty", postal.FieldError{Field: "line 1", Message: "want header " + strings.Join(ForecastHeader, ",")})
	}
	if err != nil {
		return nil, postal.Invalid("forecast file is not valid CSV", postal.FieldError{Field: "line 1", Message: err.Error()})
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if !slices.Equal(header, ForecastHeader) && !slices.Equal(header, ForecastHeader[:5]) {
		return nil, postal.Invalid("forecast file has the wrong header", postal.FieldError{Field: "line 1",
			Message: fmt.Sprintf("got %q, want %s (ready is optional)", strings.Join(header, ","), strings.Join(ForecastHeader, ","))})
	}
	var fe postal.FieldList
	sum := map[Volume]int{} // key without grams/items → index
	var out []Volume
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, err
			}
			fe.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
			continue
		}
		line, _ := cr.FieldPos(0)
		v, ok := parseVolume(rec, len(header), offices, fmt.Sprintf("line %d", line), &fe)
		if !ok {
			if len(fe) > 100 {
				break
			}
			continue
		}
		key := Volume{Origin: v.Origin, Destination: v.Destination, Category: v.Category, Ready: v.Ready}
		if i, ok := sum[key]; ok {
			out[i].Grams += v.Grams
			out[i].Items += v.Items
			continue
		}
		sum[key] = len(out)
		out = append(out, v)
	}
	if err := fe.Err("forecast file has errors"); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, postal.Invalid("forecast file has no lanes", postal.FieldError{Field: "line 2", Message: "add one line per lane"})
	}
	return out, nil
}

func parseVolume(rec []string, cols int, offices map[string]network.Office, line string, fe *postal.FieldList) (Volume, bool) {
	n := len(*fe)
	if len(rec) != cols {
		fe.Add(line, "has %d columns, want %d", len(rec), cols)
		return Volume{}, false
	}
	v := Volume{Origin: strings.ToUpper(strings.TrimSpace(rec[0])), Destination: strings.ToUpper(strings.TrimSpace(rec[1])),
		Category: strings.ToUpper(strings.TrimSpace(rec[2]))}
	for _, f := range []struct{ col, code string }{{"origin", v.Origin}, {"destination", v.Destination}} {
		o, ok := offices[f.code]
		switch {
		case !ok:
			fe.Add(line+": "+f.col, "unknown office %q (not in the network)", f.code)
		case o.Kind != network.KindOE && o.Kind != network.KindIMPC && o.Kind != network.KindWarehouse:
			fe.Add(line+": "+f.col, "%s is a %s; lanes run between offices of exchange (or from a warehouse)", f.code, o.Kind)
		}
	}
	if v.Origin == v.Destination && v.Origin != "" {
		fe.Add(line+": destination", "same office as the origin")
	}
	if len(v.Category) != 1 || !postal.MailCategory(v.Category[0]).Valid() {
		fe.Add(line+": category", "%q must be A, B, C or D", rec[2])
	}
	kg, err := strconv.ParseFloat(strings.TrimSpace(rec[3]), 64)
	if err != nil || math.IsNaN(kg) || math.IsInf(kg, 0) || kg <= 0 || kg > 1e7 {
		fe.Add(line+": kg", "%q must be a number of kilograms above 0 (at most 10,000 t)", rec[3])
	}
	v.Grams = int64(math.Round(kg * 1000))
	items, err := strconv.Atoi(strings.TrimSpace(rec[4]))
	if err != nil || items < 0 {
		fe.Add(line+": items", "%q must be a whole number ≥ 0", rec[4])
	}
	v.Items = items
	if cols == 6 && strings.TrimSpace(rec[5]) != "" {
		c, err := civil.ParseClock(strings.TrimSpace(rec[5]))
		if err != nil {
			fe.Add(line+": ready", "%v", err)
		}
		v.Ready = c
	}
	return v, len(*fe) == n
}

// Standard is a lane's delivery standard: arrival at the destination office
// of exchange by local day J+Days, J being the planning date. Origin and
// Destination are office codes, 2-letter countries or "" for any.
type Standard struct {
	Origin      string `json:"origin,omitempty"`
	Destination string `json:"destination,omitempty"`
	Category    string `json:"category"`
	Days        int    `json:"days"`
}

// DefaultStandards are the standards used when none is configured:
// calendar days to the destination office of exchange, J+3 for air mail
// (the UPU's J+5 end to end leaves two days for the inward office and
// delivery), J+6 for S.A.L., J+20 for priority surface and J+35 for
// surface mail, which includes the China–Europe rail and sea corridors.
var DefaultStandards = []Standard{
	{Category: "A", Days: 3},
	{Category: "B", Days: 6},
	{Category: "D", Days: 20},
	{Category: "C", Days: 35},
}

// standardFor returns the most specific standard for a lane: office beats
// country beats any, origin before destination.
func standardFor(stds []Standard, v Volume, offices map[string]network.Office) int {
	best, score := -1, -1
	for _, s := range stds {
		if s.Category != v.Category {
			continue
		}
		so, ok1 := matchPlace(s.Origin, v.Origin, offices)
		sd, ok2 := matchPlace(s.Destination, v.Destination, offices)
		if !ok1 || !ok2 {
			continue
		}
		if sc := so*3 + sd; sc > score {
			best, score = s.Days, sc
		}
	}
	if best < 0 {
		for _, s := range DefaultStandards {
			if s.Category == v.Category {
				return s.Days
			}
		}
		return 35
	}
	return best
}

// matchPlace says whether pattern (office, country or "") covers office,
// and how specifically (2 office, 1 country, 0 any).
func matchPlace(pattern, office string, offices map[string]network.Office) (int, bool) {
	switch {
	case pattern == "":
		return 0, true
	case pattern == office:
		return 2, true
	case len(pattern) == 2 && offices[office].Country == pattern:
		return 1, true
	}
	return 0, false
}
