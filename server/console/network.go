package console

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/interpost/interpost/auth"
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
}

type legendStep struct {
	Level    int
	From, To int
}

func (c *Console) network(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	offices, err := c.cfg.Store.Offices(ctx)
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
		page.View, view = "world", viewBox{0, 0, mapWidth, mapHeight}
	}
	levels, legend := quintiles(perCountry)
	page.Legend = legend
	page.Map = c.mapView(view, offices, perCountry, levels, "Map of the network's offices; countries shaded by shipments sent there in the last 14 days")
	kinds := map[string]*share{}
	for _, o := range offices {
		k := kinds[string(o.Kind)]
		if k == nil {
			k = &share{Key: string(o.Kind), Label: kindLabel(o.Kind)}
			kinds[string(o.Kind)] = k
		}
		k.N++
	}
	page.Kinds = shares(kinds, 0)
	page.Countries = len(perCountry)
	c.render(w, r, http.StatusOK, "network", s.view("Network", "network", page))
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
}

func (c *Console) office(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	o, err := c.cfg.Store.Office(ctx, r.PathValue("code"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := officePage{Office: o, KindLabel: kindLabel(o.Kind), CountryName: countryLabel(o.Country), LocalNow: localTime(c.now(), o.TZ)}
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
			tally(dest, n.Destination, countryLabel(n.Destination), n)
			tally(prod, n.Product, productName(n.Product), n)
			tally(merch, n.Merchant, n.Merchant, n)
		}
		page.ByDestination, page.ByProduct, page.ByMerchant = shares(dest, 8), shares(prod, 0), shares(merch, 0)
	}
	x, y := project(o.Lon, o.Lat)
	w0 := mapWidth / 5
	view := viewBox{X: math.Min(math.Max(x-w0/2, 0), mapWidth-w0), W: w0, H: w0 * mapHeight / mapWidth}
	view.Y = math.Min(math.Max(y-view.H/2, 0), mapHeight-view.H)
	page.Map = c.mapView(view, []network.Office{o}, nil, func(int) int { return 0 }, "Where "+o.Name+" is")
	c.render(w, r, http.StatusOK, "office", s.view(o.Name, "network", page))
}

// coord formats a latitude or longitude with its hemisphere.
func coord(v float64, pos, neg string) string {
	h := pos
	if v < 0 {
		h, v = neg, -v
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "° " + h
}
