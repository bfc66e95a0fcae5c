package console

import (
	"context"
	"github.com/interpost/interpost/i18n"
	"net/http"
	"slices"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// trendDays is how far back the overview looks.
const trendDays = 14

type overviewPage struct {
	Zone            string
	Today           overviewDay
	Yesterday       overviewDay
	Total, Weight   int
	Merchants       int
	Destinations    int
	Days            []overviewDay // oldest first
	Products        []productCol
	TodayByOffice   []officeRow
	ByProduct       []share
	ByMerchant      []share
	ByOffice        []share
	ByDestination   []share
	Offices         int
	CustomsOffices  int
	OfficeCountries int
	OfficeKinds     []share
	Chart           trendChart
	// Customs is whether this node runs customs; CustomsQueue the items
	// waiting for an officer at every customs office, CustomsHeld those
	// held for a check.
	Customs                   bool
	CustomsQueue, CustomsHeld int
}

type overviewDay struct {
	Date      time.Time
	Total     int
	WeightG   int64
	ByProduct []int // in the order of overviewPage.Products
}

type productCol struct{ Code, Name string }

// officeRow is one origin office's shipments today, per product.
type officeRow struct {
	Code, Name string
	ByProduct  []int
	Total      int
}

// trendChart is the JSON the trend chart script draws (uPlot).
type trendChart struct {
	Days     []int64       `json:"days"` // Unix seconds of each day's start
	Series   []trendSeries `json:"series"`
	DayLabel string        `json:"dayLabel"` // the legend's name of the day column, in the page's language
}

type trendSeries struct {
	Label  string `json:"label"`
	Values []int  `json:"values"`
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request, s *session) {
	tr := c.loc(r)
	ctx := r.Context()
	offices, err := c.cfg.Network.Offices(ctx)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	loc := c.homeZone(offices)
	now := c.now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	page := overviewPage{Zone: loc.String()}
	for _, p := range postal.Products() {
		page.Products = append(page.Products, productCol{string(p.Code), tr.Code("product", string(p.Code))})
	}
	col := map[string]int{}
	for i, p := range page.Products {
		col[p.Code] = i
	}
	names := officeNames(offices)
	byProduct, byMerchant, byOffice, byDest := map[string]*share{}, map[string]*share{}, map[string]*share{}, map[string]*share{}
	todayOffice := map[string]*officeRow{}
	for d := range trendDays {
		from := today.AddDate(0, 0, d-trendDays+1)
		counts, err := c.countShipments(ctx, from, from.AddDate(0, 0, 1))
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
		day := overviewDay{Date: from, ByProduct: make([]int, len(page.Products))}
		for _, n := range counts {
			day.Total += n.Shipments
			day.WeightG += n.WeightG
			if i, ok := col[n.Product]; ok {
				day.ByProduct[i] += n.Shipments
			}
			tally(byProduct, n.Product, tr.Code("product", string(n.Product)), n)
			tally(byMerchant, n.Merchant, n.Merchant, n)
			tally(byOffice, n.Office, names[n.Office], n)
			tally(byDest, n.Destination, c.countryName(tr, n.Destination), n)
			if d == trendDays-1 {
				row := todayOffice[n.Office]
				if row == nil {
					row = &officeRow{Code: n.Office, Name: names[n.Office], ByProduct: make([]int, len(page.Products))}
					todayOffice[n.Office] = row
				}
				if i, ok := col[n.Product]; ok {
					row.ByProduct[i] += n.Shipments
				}
				row.Total += n.Shipments
			}
		}
		page.Total += day.Total
		page.Weight += int(day.WeightG)
		page.Days = append(page.Days, day)
	}
	page.Today, page.Yesterday = page.Days[trendDays-1], page.Days[trendDays-2]
	page.Merchants, page.Destinations = len(byMerchant), len(byDest)
	page.ByProduct = shares(byProduct, 0)
	page.ByMerchant = shares(byMerchant, 0)
	page.ByOffice = shares(byOffice, 0)
	page.ByDestination = shares(byDest, 10)
	for _, row := range todayOffice {
		page.TodayByOffice = append(page.TodayByOffice, *row)
	}
	slices.SortFunc(page.TodayByOffice, func(a, b officeRow) int { return b.Total - a.Total })
	page.summariseOffices(tr, offices)
	page.Chart = trendChartOf(page.Days, page.Products)
	page.Chart.DayLabel = tr.T("console.label.day")
	if c.cfg.Customs != nil {
		queues, err := c.queueOffices(ctx, s.Who)
		if err != nil {
			c.internalError(w, r, s, err)
			return
		}
		page.Customs = true
		for _, q := range queues {
			page.CustomsQueue += q.Waiting()
			page.CustomsHeld += q.Held
		}
	}
	c.render(w, r, http.StatusOK, "overview", s.view("console.title.overview", "overview", page))
}

func tally(m map[string]*share, key, label string, n acceptance.Count) {
	s := m[key]
	if s == nil {
		s = &share{Key: key, Label: label}
		m[key] = s
	}
	s.N += n.Shipments
	s.WeightG += n.WeightG
}

func (p *overviewPage) summariseOffices(tr *i18n.Localizer, offices []network.Office) {
	kinds := map[string]*share{}
	countries := map[string]bool{}
	for _, o := range offices {
		p.Offices++
		if o.Customs {
			p.CustomsOffices++
		}
		countries[o.Country] = true
		k := kinds[string(o.Kind)]
		if k == nil {
			k = &share{Key: string(o.Kind), Label: kindLabel(tr, o.Kind)}
			kinds[string(o.Kind)] = k
		}
		k.N++
	}
	p.OfficeCountries = len(countries)
	p.OfficeKinds = shares(kinds, 0)
}

// trendChartOf keeps the products that had shipments, so the chart's
// legend lists only what is drawn.
func trendChartOf(days []overviewDay, products []productCol) trendChart {
	var ch trendChart
	for _, d := range days {
		ch.Days = append(ch.Days, d.Date.Unix())
	}
	for i, p := range products {
		vals := make([]int, len(days))
		any := false
		for j, d := range days {
			vals[j] = d.ByProduct[i]
			any = any || vals[j] > 0
		}
		if any {
			ch.Series = append(ch.Series, trendSeries{Label: p.Name, Values: vals})
		}
	}
	return ch
}

// countShipments counts a period's shipments (acceptance.CountShipments).
func (c *Console) countShipments(ctx context.Context, from, to time.Time) ([]acceptance.Count, error) {
	return c.cfg.Acceptance.CountShipments(ctx, from, to)
}

// homeZone is the time zone the overview's days follow: that of the post's
// own offices (the country its S10 ids carry), else UTC.
func (c *Console) homeZone(offices []network.Office) *time.Location {
	country := ""
	if c.cfg.Acceptance != nil {
		country = c.cfg.Acceptance.Country
	}
	for _, o := range offices {
		if o.Country == country {
			if loc, err := time.LoadLocation(o.TZ); err == nil {
				return loc
			}
		}
	}
	return time.UTC
}

func officeNames(offices []network.Office) map[string]string {
	m := make(map[string]string, len(offices))
	for _, o := range offices {
		m[o.Code] = o.Name
	}
	return m
}

func kindLabel(tr *i18n.Localizer, k network.Kind) string { return tr.Code("office_kind", string(k)) }
