package twin

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
)

// WriteCharts draws the comparison as two SVG charts in dir: the backlog
// at the origin offices per day (lines) and the on-time share per lane
// (bars), the baseline grey and the scenario blue, the difference in
// the labels.
func (c Comparison) WriteCharts(dir string) ([]string, error) {
	runs := []*Result{c.Baseline}
	if c.Scenario != nil {
		runs = append(runs, c.Scenario)
	}
	colours := []string{"#9e9e9e", "#1565c0"}
	var files []string
	// Backlog per day, all offices.
	series := make([]map[string]float64, len(runs))
	var days []string
	for i, r := range runs {
		series[i] = map[string]float64{}
		for _, b := range r.Backlog {
			series[i][b.Date] += float64(b.Items)
		}
	}
	for d := range series[0] {
		days = append(days, d)
	}
	for _, s := range series[1:] {
		for d := range s {
			if _, ok := series[0][d]; !ok {
				days = append(days, d)
			}
		}
	}
	days = sortedKeys(setOf(days))
	maxY := 1.0
	for _, s := range series {
		for _, v := range s {
			maxY = max(maxY, v)
		}
	}
	const w, h, left, bottom = 720.0, 320.0, 50.0, 40.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" font-family="sans-serif" font-size="11">`, w, h)
	fmt.Fprintf(&b, `<text x="%g" y="16" font-size="13">Backlog at the origin offices, items at each day's end</text>`, left)
	x := func(i int) float64 { return left + float64(i)*(w-left-20)/float64(max(len(days)-1, 1)) }
	y := func(v float64) float64 { return h - bottom - v/maxY*(h-bottom-30) }
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#444"/>`, left, y(0), w-20, y(0))
	fmt.Fprintf(&b, `<text x="4" y="%g">%.0f</text><text x="4" y="%g">0</text>`, y(maxY)+4, maxY, y(0))
	for i, d := range days {
		if i%2 == 0 {
			fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">%s</text>`, x(i), h-bottom+16, d[5:])
		}
	}
	for k, s := range series {
		var pts []string
		for i, d := range days {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s[d])))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colours[k], strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%g" y="%g" fill="%s">%s</text>`, w-200, 34+14*float64(k), colours[k], html.EscapeString(runs[k].Name))
	}
	b.WriteString(`</svg>`)
	if err := os.WriteFile(filepath.Join(dir, "backlog.svg"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	files = append(files, "backlog.svg")

	// On-time share per lane (all weeks), bars side by side.
	shares := make([]map[string][2]int, len(runs))
	lanes := map[string]bool{}
	for i, r := range runs {
		shares[i] = map[string][2]int{}
		for _, l := range r.OnTime {
			k := l.Origin + "-" + l.Destination
			v := shares[i][k]
			v[0] += l.OnTime
			v[1] += l.Delivered
			shares[i][k] = v
			if v[1] > 0 {
				lanes[k] = true
			}
		}
	}
	keys := sortedKeys(lanes)
	rowH := 16.0
	hh := 40 + rowH*float64(len(keys))*float64(len(runs)) + 10
	b.Reset()
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" font-family="sans-serif" font-size="11">`, w, hh)
	b.WriteString(`<text x="10" y="16" font-size="13">On-time share per lane (delivered by J+n of the lane's standard)</text>`)
	for i, k := range keys {
		for r := range runs {
			v := shares[r][k]
			share := 0.0
			if v[1] > 0 {
				share = float64(v[0]) / float64(v[1])
			}
			top := 30 + rowH*float64(i*len(runs)+r)
			if r == 0 {
				fmt.Fprintf(&b, `<text x="10" y="%g">%s</text>`, top+11, html.EscapeString(k))
			}
			fmt.Fprintf(&b, `<rect x="150" y="%g" width="%.1f" height="%g" fill="%s"/>`, top, share*(w-260), rowH-3, colours[r])
			fmt.Fprintf(&b, `<text x="%.1f" y="%g">%.0f %% of %d</text>`, 155+share*(w-260), top+11, 100*share, v[1])
		}
	}
	b.WriteString(`</svg>`)
	if err := os.WriteFile(filepath.Join(dir, "on_time.svg"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	return append(files, "on_time.svg"), nil
}

func setOf(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}
