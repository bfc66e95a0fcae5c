package console

import (
	"fmt"
	"github.com/interpost/interpost/i18n"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// routesPage is the route planner: the form, and when asked, the earliest
// itinerary and the Pareto set over arrival, cost and CO2 with a time–cost
// chart.
type routesPage struct {
	Values   map[string]string
	Errors   map[string]string
	Offices  []network.Office
	Products []productCol
	Asked    bool
	Ready    time.Time
	FromTZ   string
	Rows     []routeRow
	Chart    *scatter
	Problem  string
	// Currency and CostBasis say what the costs are.
	Currency, CostBasis string
}

type routeRow struct {
	N          int
	Earliest   bool
	Depart     string // local at the origin
	Arrive     string // local at the destination
	Transit    string
	Hours      float64
	Cost, CO2  float64
	CostAmount string // with Currency, as the API writes it
	Currency   string
	Legs       []routeLeg
	LegSummary string
}

type routeLeg struct {
	From, To, Mode, Carrier, Service string
	Depart, Arrive                   string
}

func (c *Console) routes(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	offices, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	q := r.URL.Query()
	page := routesPage{Values: map[string]string{}, Errors: map[string]string{}, Offices: offices,
		Currency: network.CostCurrency, CostBasis: routing.CostBasis}
	for _, p := range postal.Products() {
		page.Products = append(page.Products, productCol{string(p.Code), p.Name})
	}
	for _, k := range []string{"from", "to", "ready", "weight_g", "product", "avoid", "surface", "dg"} {
		page.Values[k] = strings.TrimSpace(q.Get(k))
	}
	if page.Values["weight_g"] == "" {
		page.Values["weight_g"] = "1000"
	}
	page.Values["from"] = strings.ToUpper(page.Values["from"])
	page.Values["to"] = strings.ToUpper(page.Values["to"])
	zones := map[string]string{}
	for _, o := range offices {
		zones[o.Code] = o.TZ
	}
	page.Asked = page.Values["from"] != "" || page.Values["to"] != ""
	if page.Values["ready"] == "" {
		// Default: the next whole hour at the origin (or in UTC).
		loc := loadZone(zones[page.Values["from"]])
		page.Values["ready"] = c.now().In(loc).Truncate(time.Hour).Add(time.Hour).Format("2006-01-02T15:04")
	}
	if page.Asked {
		c.plan(r, &page, zones)
	}
	c.render(w, r, http.StatusOK, "routes", s.view("console.title.route_planner", "routes", page))
}

// plan runs the query of the form and fills the page's results or errors.
func (c *Console) plan(r *http.Request, page *routesPage, zones map[string]string) {
	tr := c.loc(r)
	v := page.Values
	bad := func(field, msg string) { page.Errors[field] = msg }
	from, okFrom := zones[v["from"]]
	if !okFrom {
		bad("from", tr.T("console.routes.no_office", "Office", fmt.Sprintf("%q", v["from"])))
	}
	if _, ok := zones[v["to"]]; !ok {
		bad("to", tr.T("console.routes.no_office", "Office", fmt.Sprintf("%q", v["to"])))
	}
	page.FromTZ = from
	ready, err := time.ParseInLocation("2006-01-02T15:04", v["ready"], loadZone(from))
	if err != nil {
		bad("ready", tr.T("console.routes.bad_ready"))
	}
	page.Ready = ready
	weight, err := strconv.Atoi(v["weight_g"])
	if err != nil || weight < 1 {
		bad("weight_g", tr.T("console.routes.bad_weight", "Value", fmt.Sprintf("%q", v["weight_g"])))
	}
	if len(page.Errors) > 0 {
		return
	}
	query := routing.Query{From: v["from"], To: v["to"], Ready: ready, WeightG: weight, Product: postal.Product(v["product"]),
		Surface: v["surface"] != "", DG: v["dg"] != "", Pareto: true}
	for a := range strings.SplitSeq(v["avoid"], ",") {
		if a = strings.ToUpper(strings.TrimSpace(a)); a != "" {
			query.Avoid = append(query.Avoid, a)
		}
	}
	planner, err := c.cfg.Routes.Current(r.Context())
	if postal.ErrorCode(err) == postal.CodeInvalid {
		page.Problem = "The stored timetable does not load: " + userMessage(err)
		return
	}
	if err != nil {
		page.Problem = tr.T("console.routes.unavailable")
		c.cfg.Logger.ErrorContext(r.Context(), "console routes", "err", err)
		return
	}
	res, err := planner.Plan(r.Context(), query)
	if err != nil {
		if fields := postal.Fields(err); len(fields) > 0 {
			for _, f := range fields {
				name := f.Field
				if name == "weight" {
					name = "weight_g"
				}
				bad(name, f.Message)
			}
			return
		}
		page.Problem = userMessage(err)
		return
	}
	its := res.Pareto
	if len(its) == 0 && res.Earliest != nil {
		its = []routing.Itinerary{*res.Earliest}
	}
	for i, it := range its {
		row := routeRow{N: i + 1, Cost: it.Cost, CostAmount: it.CostAmount, Currency: it.Currency, CO2: it.CO2Kg, Hours: it.Arrive.Sub(ready).Hours()}
		row.Earliest = res.Earliest != nil && it.Arrive.Equal(res.Earliest.Arrive) && i == 0
		row.Transit = transit(tr, it.Arrive.Sub(ready))
		if len(it.Legs) > 0 {
			row.Depart = localTime(tr, it.Legs[0].Depart, zones[it.Legs[0].From])
		}
		row.Arrive = localTime(tr, it.Arrive, zones[v["to"]])
		var summary []string
		for j, l := range it.Legs {
			row.Legs = append(row.Legs, routeLeg{From: l.From, To: l.To, Mode: string(l.Mode), Carrier: l.Carrier, Service: l.Service,
				Depart: localTime(tr, l.Depart, zones[l.From]), Arrive: localTime(tr, l.Arrive, zones[l.To])})
			if j == 0 {
				summary = append(summary, l.From)
			}
			summary = append(summary, "→ "+string(l.Mode)+" → "+l.To)
		}
		row.LegSummary = strings.Join(summary, " ")
		page.Rows = append(page.Rows, row)
	}
	if len(page.Rows) > 0 {
		page.Chart = timeCostChart(tr, page.Rows)
	}
}

func loadZone(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		return loc
	}
	return time.UTC
}

// transit writes a duration as "3 d 4 h" or "7 h 20 min".
func transit(tr *i18n.Localizer, d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0:
		return tr.T("console.duration.d_h", "D", days, "H", hours)
	case hours > 0:
		return tr.T("console.duration.h_min", "H", hours, "Min", mins)
	}
	return tr.T("console.duration.min", "Min", mins)
}

// scatter is a small SVG chart drawn on the server: transit time against
// cost, one dot per itinerary.
type scatter struct {
	W, H           float64
	Left, Bottom   float64 // plot area edges
	Right, Top     float64
	Points         []scatterPoint
	XTicks, YTicks []tick
}

type scatterPoint struct {
	X, Y     float64
	N        int
	Label    string
	Earliest bool
}

type tick struct {
	Pos   float64
	Label string
}

func timeCostChart(tr *i18n.Localizer, rows []routeRow) *scatter {
	ch := &scatter{W: 560, H: 300, Left: 64, Bottom: 256, Right: 540, Top: 16}
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		minX, maxX = math.Min(minX, r.Hours/24), math.Max(maxX, r.Hours/24)
		minY, maxY = math.Min(minY, r.Cost), math.Max(maxY, r.Cost)
	}
	x0, x1, xs := niceRange(minX, maxX)
	y0, y1, ys := niceRange(minY, maxY)
	px := func(v float64) float64 { return ch.Left + (v-x0)/(x1-x0)*(ch.Right-ch.Left) }
	py := func(v float64) float64 { return ch.Bottom - (v-y0)/(y1-y0)*(ch.Bottom-ch.Top) }
	for v := x0; v <= x1+xs/2; v += xs {
		ch.XTicks = append(ch.XTicks, tick{math.Round(px(v)*10) / 10, strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + " d"})
	}
	for v := y0; v <= y1+ys/2; v += ys {
		ch.YTicks = append(ch.YTicks, tick{math.Round(py(v)*10) / 10, strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)})
	}
	for _, r := range rows {
		ch.Points = append(ch.Points, scatterPoint{X: math.Round(px(r.Hours/24)*10) / 10, Y: math.Round(py(r.Cost)*10) / 10, N: r.N,
			Label: tr.T("console.routes.point", "N", r.N, "Transit", r.Transit, "Cost", tr.Money(r.CostAmount, r.Currency), "CO2", fmt.Sprintf("%.2f", r.CO2), "Legs", r.LegSummary), Earliest: r.Earliest})
	}
	return ch
}

// niceRange widens [lo, hi] to round steps, about five of them.
func niceRange(lo, hi float64) (float64, float64, float64) {
	if hi <= lo {
		lo, hi = lo-1, hi+1
		if lo < 0 {
			lo = 0
		}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}
