package console

import (
	"cmp"
	"fmt"
	"github.com/interpost/interpost/i18n"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
)

// mapView is what the "worldmap" template draws.
type mapView struct {
	W, H      float64
	ViewBox   string
	Outline   string
	Graticule string
	Countries []countryShape
	Offices   []officeMarker
	Lines     []serviceLine
	R         float64 // marker radius in user units, so markers keep their size when zoomed
	Label     float64 // label font size in user units
	Caption   string  // accessible name of the map
}

type countryShape struct {
	Code, Name, Path string
	Level            int  // 0–4: destination volume quintile
	Office           bool // has one of our offices
	N                int  // shipments to it in the period
}

// serviceLine is the services between two offices by one mode, drawn as
// one curve whose width grows with the weekly capacity.
type serviceLine struct {
	From, To, Mode string
	Path           string
	Services       int
	Departures     int     // per week
	CapacityKg     float64 // per week
	Width          float64 // stroke width in user units
	Title          string
}

type officeMarker struct {
	network.Office
	X, Y float64
}

type networkPage struct {
	Map       mapView
	View      string // "fit" or "world"
	Offices   []network.Office
	Kinds     []share
	Since     time.Time
	Countries int
	Legend    []legendStep
	Services  int
	Modes     []string
}

type legendStep struct {
	Level    int
	From, To int
}

func (c *Console) network(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	offices, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	now := c.now()
	since := now.AddDate(0, 0, -trendDays)
	counts, err := c.countShipments(ctx, since, now.Add(time.Minute))
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	perCountry := map[string]int{}
	for _, n := range counts {
		perCountry[n.Destination] += n.Shipments
	}
	page := networkPage{Offices: offices, Since: since, View: "fit"}
	view := fitView(officePoints(offices))
	if r.URL.Query().Get("view") == "world" {
		page.View, view = "world", worldView()
	}
	levels, legend := quintiles(perCountry)
	page.Legend = legend
	page.Map = c.mapView(view, offices, perCountry, levels, tr.T("console.network.map_caption"))
	services, err := c.cfg.Network.Legs(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Map.Lines = serviceLines(tr, offices, services, page.Map.R)
	page.Services = len(services)
	for _, l := range page.Map.Lines {
		if !slices.Contains(page.Modes, l.Mode) {
			page.Modes = append(page.Modes, l.Mode)
		}
	}
	slices.Sort(page.Modes)
	kinds := map[string]*share{}
	for _, o := range offices {
		k := kinds[string(o.Kind)]
		if k == nil {
			k = &share{Key: string(o.Kind), Label: kindLabel(tr, o.Kind)}
			kinds[string(o.Kind)] = k
		}
		k.N++
	}
	page.Kinds = shares(kinds, 0)
	page.Countries = len(perCountry)
	c.render(w, r, http.StatusOK, "network", s.view("console.title.network", "network", page))
}

// mapView projects offices and shades countries for one view of the map.
func (c *Console) mapView(view viewBox, offices []network.Office, perCountry map[string]int, levels func(int) int, caption string) mapView {
	m := mapView{
		W: c.world.Width, H: c.world.Height, ViewBox: view.String(), Outline: c.world.Outline, Graticule: c.world.Graticule,
		R: math.Round(view.W/mapWidth*4.5*100) / 100, Label: math.Round(view.W/mapWidth*11*100) / 100, Caption: caption,
	}
	has := map[string]bool{}
	for _, o := range offices {
		has[o.Country] = true
		x, y := project(o.Lon, o.Lat)
		m.Offices = append(m.Offices, officeMarker{Office: o, X: math.Round(x*10) / 10, Y: math.Round(y*10) / 10})
	}
	// Hubs and processing centres last, so they draw on top of nearby offices.
	slices.SortStableFunc(m.Offices, func(a, b officeMarker) int { return kindRank(a.Kind) - kindRank(b.Kind) })
	for _, ct := range c.world.Countries {
		n := perCountry[ct.Code]
		m.Countries = append(m.Countries, countryShape{Code: ct.Code, Name: ct.Name, Path: ct.Path, Level: levels(n), Office: has[ct.Code], N: n})
	}
	return m
}

// serviceLines groups services by (from, to, mode) and projects each group
// as a curve, bowed to the left of travel so that the two directions of a
// lane don't overlap.
func serviceLines(tr *i18n.Localizer, offices []network.Office, services []network.Leg, r float64) []serviceLine {
	pos := map[string][2]float64{}
	for _, o := range offices {
		pos[o.Code] = [2]float64{o.Lon, o.Lat}
	}
	type key struct{ from, to, mode string }
	groups := map[key]*serviceLine{}
	var order []key
	for _, sv := range services {
		k := key{sv.From, sv.To, string(sv.Mode)}
		g := groups[k]
		if g == nil {
			g = &serviceLine{From: sv.From, To: sv.To, Mode: string(sv.Mode)}
			groups[k] = g
			order = append(order, k)
		}
		days := 0
		for d := time.Sunday; d <= time.Saturday; d++ {
			if sv.Days.Has(d) {
				days++
			}
		}
		g.Services++
		g.Departures += days
		g.CapacityKg += float64(days) * sv.CapacityKg
	}
	out := make([]serviceLine, 0, len(order))
	for _, k := range order {
		g := groups[k]
		a, okA := pos[g.From]
		b, okB := pos[g.To]
		if !okA || !okB {
			continue
		}
		g.Path = arcPath(a, b)
		// 1 to 3 marker radii wide, by the cube root of weekly capacity.
		g.Width = math.Round(r*(0.25+math.Min(0.75, math.Cbrt(g.CapacityKg)/60))*100) / 100
		g.Title = tr.T("console.network.line_title", "From", g.From, "To", g.To, "Mode", tr.Code("mode", string(g.Mode)), "Departures", g.Departures, "Kg", formatInt(tr, int(g.CapacityKg)))
		out = append(out, *g)
	}
	// Wide lines first so narrow ones stay visible on top.
	slices.SortStableFunc(out, func(a, b serviceLine) int { return cmp.Compare(b.Width, a.Width) })
	return out
}

// arcPath draws a line from a to b (longitude, latitude) as a gentle curve.
// A lane more than 180° of longitude wide goes the short way, across the
// antimeridian (Shanghai–Los Angeles over the Pacific): it is drawn twice,
// leaving each edge of the map, and the sphere clip trims both.
func arcPath(a, b [2]float64) string {
	switch d := b[0] - a[0]; {
	case d > 180:
		return curve(a, [2]float64{b[0] - 360, b[1]}) + curve([2]float64{a[0] + 360, a[1]}, b)
	case d < -180:
		return curve(a, [2]float64{b[0] + 360, b[1]}) + curve([2]float64{a[0] - 360, a[1]}, b)
	}
	return curve(a, b)
}

func curve(a, b [2]float64) string {
	x1, y1 := project(a[0], a[1])
	x2, y2 := project(b[0], b[1])
	dx, dy := x2-x1, y2-y1
	cx, cy := (x1+x2)/2+dy*0.12, (y1+y2)/2-dx*0.12
	return fmt.Sprintf("M%.1f %.1fQ%.1f %.1f %.1f %.1f", x1, y1, cx, cy, x2, y2)
}

func kindRank(k network.Kind) int {
	switch k {
	case network.KindIMPC:
		return 3
	case network.KindHub:
		return 2
	case network.KindOE:
		return 1
	}
	return 0
}

func officePoints(offices []network.Office) [][2]float64 {
	pts := make([][2]float64, len(offices))
	for i, o := range offices {
		pts[i] = [2]float64{o.Lon, o.Lat}
	}
	return pts
}

// quintiles splits the countries that received shipments into up to four
// classes of about equal size (level 0 is none) and describes them.
func quintiles(perCountry map[string]int) (func(int) int, []legendStep) {
	var vals []int
	for _, n := range perCountry {
		if n > 0 {
			vals = append(vals, n)
		}
	}
	slices.Sort(vals)
	var cuts []int // upper bound of each level from 1
	for q := 1; q <= 4 && len(vals) > 0; q++ {
		cut := vals[(len(vals)*q+3)/4-1]
		if len(cuts) == 0 || cut > cuts[len(cuts)-1] {
			cuts = append(cuts, cut)
		}
	}
	level := func(n int) int {
		if n <= 0 {
			return 0
		}
		for i, c := range cuts {
			if n <= c {
				return i + 1
			}
		}
		return len(cuts)
	}
	var legend []legendStep
	from := 1
	for i, c := range cuts {
		legend = append(legend, legendStep{Level: i + 1, From: from, To: c})
		from = c + 1
	}
	return level, legend
}

type officePage struct {
	network.Office
	KindLabel     string
	LocalNow      string
	CountryName   string
	Map           mapView
	Shipments     int
	WeightG       int64
	ByDestination []share
	ByProduct     []share
	ByMerchant    []share
	Departures    []departure
	BoardDays     int
}

// departure is one row of an office's departures board.
type departure struct {
	Depart, Cutoff, Arrive string
	At                     time.Time
	To, ToName, Mode       string
	Carrier, Service       string
	CapacityKg             float64
}

// boardDays is how far ahead the departures board looks.
const boardDays = 3

func (c *Console) office(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	o, err := c.cfg.Network.Office(ctx, r.PathValue("code"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := officePage{Office: o, KindLabel: kindLabel(tr, o.Kind), CountryName: c.countryName(tr, o.Country), LocalNow: localTime(tr, c.now(), o.TZ)}
	if s.Who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms) {
		now := c.now()
		counts, err := c.countShipments(ctx, now.AddDate(0, 0, -trendDays), now.Add(time.Minute))
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
		dest, prod, merch := map[string]*share{}, map[string]*share{}, map[string]*share{}
		for _, n := range counts {
			if n.Office != o.Code {
				continue
			}
			page.Shipments += n.Shipments
			page.WeightG += n.WeightG
			tally(dest, n.Destination, c.countryName(tr, n.Destination), n)
			tally(prod, n.Product, tr.Code("product", string(n.Product)), n)
			tally(merch, n.Merchant, n.Merchant, n)
		}
		page.ByDestination, page.ByProduct, page.ByMerchant = shares(dest, 8), shares(prod, 0), shares(merch, 0)
	}
	services, err := c.cfg.Network.Legs(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	offices, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Departures, page.BoardDays = departures(tr, o, offices, services, c.now()), boardDays
	x, y := project(o.Lon, o.Lat)
	w0 := mapWidth / 5
	view := viewBox{X: math.Min(math.Max(x-w0/2, 0), mapWidth-w0), W: w0, H: w0 * mapHeight / mapWidth}
	view.Y = math.Min(math.Max(y-view.H/2, 0), mapHeight-view.H)
	page.Map = c.mapView(view, []network.Office{o}, nil, func(int) int { return 0 }, tr.T("console.office.map_caption", "Name", o.Name))
	c.render(w, r, http.StatusOK, "office", s.view(o.Name, "network", page))
}

// departures lists the office's scheduled departures from now over the
// next boardDays days, in the office's local time, earliest first.
func departures(tr *i18n.Localizer, o network.Office, offices []network.Office, services []network.Leg, now time.Time) []departure {
	loc := loadZone(o.TZ)
	byCode := map[string]network.Office{}
	for _, of := range offices {
		byCode[of.Code] = of
	}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	var out []departure
	for _, sv := range services {
		if sv.From != o.Code {
			continue
		}
		for d := range boardDays + 1 {
			day := today.AddDate(0, 0, d)
			date := civil.DateOf(day)
			if !sv.Days.Has(day.Weekday()) || (!sv.ValidFrom.IsZero() && date.Before(sv.ValidFrom)) || (!sv.ValidTo.IsZero() && sv.ValidTo.Before(date)) {
				continue
			}
			dep := time.Date(day.Year(), day.Month(), day.Day(), int(sv.Departs)/60, int(sv.Departs)%60, 0, 0, loc)
			if dep.Before(now) || dep.After(now.AddDate(0, 0, boardDays)) {
				continue
			}
			to := byCode[sv.To]
			out = append(out, departure{
				At: dep, Depart: dep.Format("Mon 2 Jan 15:04"), Cutoff: dep.Add(-time.Duration(sv.CutoffMin) * time.Minute).Format("15:04"),
				Arrive: localTime(tr, dep.Add(time.Duration(sv.DurationMin)*time.Minute), to.TZ),
				To:     sv.To, ToName: to.Name, Mode: string(sv.Mode), Carrier: sv.Carrier, Service: sv.ID, CapacityKg: sv.CapacityKg,
			})
		}
	}
	slices.SortFunc(out, func(a, b departure) int { return a.At.Compare(b.At) })
	return out
}

// coord formats a latitude or longitude with its hemisphere.
func coord(v float64, pos, neg string) string {
	h := pos
	if v < 0 {
		h, v = neg, -v
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "° " + h
}
