package console

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The network map is drawn on the server as SVG: country outlines from
// Natural Earth (world-atlas countries-110m.json, shipped in
// server/console/data) in the Equal Earth projection, so the console needs
// no map tiles and works offline. The TopoJSON is decoded and projected once
// at start; office markers and lines are projected per request.

// mapWidth is the width of the projected world in SVG user units; the
// height follows from the projection's aspect ratio.
const mapWidth = 1000.0

// Equal Earth (Šavrič, Patterson & Jenny 2018) constants.
const (
	eeA1 = 1.340264
	eeA2 = -0.081106
	eeA3 = 0.000893
	eeA4 = 0.003796
)

var (
	eeM = math.Sqrt(3) / 2
	// eeXMax and eeYMax bound the projection of the whole sphere.
	eeXMax, _ = equalEarth(180, 0)
	_, eeYMax = equalEarth(0, 90)
	mapHeight = math.Round(mapWidth*eeYMax/eeXMax*10) / 10
)

// equalEarth projects longitude and latitude in degrees to the unit plane
// (y up). Longitudes beyond ±180 keep going, which lets rings that cross
// the antimeridian be drawn twice and clipped to the sphere's outline.
func equalEarth(lon, lat float64) (x, y float64) {
	l := lon * math.Pi / 180
	p := lat * math.Pi / 180
	t := math.Asin(eeM * math.Sin(p))
	t2 := t * t
	t6 := t2 * t2 * t2
	x = l * math.Cos(t) / (eeM * (eeA1 + 3*eeA2*t2 + t6*(7*eeA3+9*eeA4*t2)))
	y = t * (eeA1 + eeA2*t2 + t6*(eeA3+eeA4*t2))
	return x, y
}

// project maps longitude and latitude to SVG coordinates (y down) on a
// mapWidth × mapHeight canvas.
func project(lon, lat float64) (x, y float64) {
	px, py := equalEarth(lon, lat)
	return (px/eeXMax + 1) * mapWidth / 2, (1 - py/eeYMax) * mapHeight / 2
}

// worldMap is the projected base map.
type worldMap struct {
	Width, Height float64
	Outline       string // the sphere's outline as a path; also the clip path
	Graticule     string // meridians every 30°, parallels every 30°
	Countries     []mapCountry
	names         map[string]string // alpha-2 → short name, where Natural Earth's is not abbreviated
}

// mapCountry is one country's outline.
type mapCountry struct {
	Code string // ISO 3166-1 alpha-2; "" for places world-atlas gives no id (N. Cyprus, Somaliland, Kosovo)
	Name string
	Path string
}

// topology is the part of a TopoJSON document the map reads.
type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string          `json:"type"`
			Arcs       json.RawMessage `json:"arcs"`
			ID         string          `json:"id"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

// loadWorldMap decodes the countries object of a TopoJSON topology and
// projects it. numeric maps ISO 3166-1 numeric codes (world-atlas ids) to
// alpha-2. Antarctica is left out: it is no postal destination and takes a
// sixth of the height.
func loadWorldMap(topoJSON []byte, numeric map[string]string) (*worldMap, error) {
	var topo topology
	if err := json.Unmarshal(topoJSON, &topo); err != nil {
		return nil, fmt.Errorf("decode world map: %w", err)
	}
	arcs := decodeArcs(topo)
	obj, ok := topo.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("decode world map: no countries object")
	}
	m := &worldMap{Width: mapWidth, Height: mapHeight, Outline: outlinePath(), Graticule: graticulePath(), names: map[string]string{}}
	for _, g := range obj.Geometries {
		if g.ID == "010" { // Antarctica
			continue
		}
		var polygons [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, fmt.Errorf("decode %s: %w", g.Properties.Name, err)
			}
			polygons = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polygons); err != nil {
				return nil, fmt.Errorf("decode %s: %w", g.Properties.Name, err)
			}
		default:
			continue
		}
		var path strings.Builder
		for _, poly := range polygons {
			for _, ring := range poly {
				pts, err := stitch(arcs, ring)
				if err != nil {
					return nil, fmt.Errorf("decode %s: %w", g.Properties.Name, err)
				}
				writeRing(&path, pts)
			}
		}
		code := numeric[g.ID]
		m.Countries = append(m.Countries, mapCountry{Code: code, Name: g.Properties.Name, Path: path.String()})
		if code != "" && !strings.Contains(g.Properties.Name, ".") {
			m.names[code] = g.Properties.Name
		}
	}
	return m, nil
}

// decodeArcs undoes TopoJSON's quantisation and delta encoding.
func decodeArcs(topo topology) [][][2]float64 {
	out := make([][][2]float64, len(topo.Arcs))
	for i, arc := range topo.Arcs {
		pts := make([][2]float64, len(arc))
		var x, y float64
		for j, p := range arc {
			if topo.Transform == nil {
				pts[j] = p
				continue
			}
			x, y = x+p[0], y+p[1]
			pts[j] = [2]float64{x*topo.Transform.Scale[0] + topo.Transform.Translate[0], y*topo.Transform.Scale[1] + topo.Transform.Translate[1]}
		}
		out[i] = pts
	}
	return out
}

// stitch joins a ring's arcs (a negative index ~i is arc i reversed),
// dropping the point each arc shares with the one before.
func stitch(arcs [][][2]float64, ring []int) ([][2]float64, error) {
	var pts [][2]float64
	for _, idx := range ring {
		i, rev := idx, false
		if idx < 0 {
			i, rev = ^idx, true
		}
		if i >= len(arcs) {
			return nil, fmt.Errorf("arc %d out of range", i)
		}
		arc := arcs[i]
		for k := range arc {
			p := arc[k]
			if rev {
				p = arc[len(arc)-1-k]
			}
			if k == 0 && len(pts) > 0 {
				continue
			}
			pts = append(pts, p)
		}
	}
	return pts, nil
}

// writeRing appends a ring as SVG path commands. Natural Earth cuts most
// shapes at the antimeridian, but a few rings (Russia's Chukotka, Fiji) hop
// across it. Such a ring is unwrapped into continuous longitudes and drawn
// twice, once shifted by 360°; the sphere clip path trims both copies.
func writeRing(b *strings.Builder, pts [][2]float64) {
	if len(pts) < 3 {
		return
	}
	unwrapped := make([][2]float64, len(pts))
	offset, minLon, maxLon := 0.0, math.Inf(1), math.Inf(-1)
	for i, p := range pts {
		if i > 0 {
			switch d := p[0] - pts[i-1][0]; {
			case d > 180:
				offset -= 360
			case d < -180:
				offset += 360
			}
		}
		lon := p[0] + offset
		unwrapped[i] = [2]float64{lon, p[1]}
		minLon, maxLon = min(minLon, lon), max(maxLon, lon)
	}
	writeProjected(b, unwrapped, 0)
	switch {
	case maxLon > 180:
		writeProjected(b, unwrapped, -360)
	case minLon < -180:
		writeProjected(b, unwrapped, 360)
	}
}

func writeProjected(b *strings.Builder, pts [][2]float64, shift float64) {
	lastX, lastY := math.NaN(), math.NaN()
	n := 0
	for _, p := range pts {
		x, y := project(p[0]+shift, p[1])
		x, y = math.Round(x*10)/10, math.Round(y*10)/10
		if x == lastX && y == lastY {
			continue // 110m data projected to 1000 units repeats points; skip them
		}
		if n == 0 {
			b.WriteByte('M')
		} else {
			b.WriteByte('L')
		}
		b.WriteString(num(x))
		b.WriteByte(' ')
		b.WriteString(num(y))
		lastX, lastY = x, y
		n++
	}
	b.WriteByte('Z')
}

// num formats a coordinate with at most one decimal.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// outlinePath traces the sphere's edge: the ±180° meridians.
func outlinePath() string {
	var pts [][2]float64
	for lat := -90.0; lat <= 90; lat += 5 {
		pts = append(pts, [2]float64{180, lat})
	}
	for lat := 90.0; lat >= -90; lat -= 5 {
		pts = append(pts, [2]float64{-180, lat})
	}
	var b strings.Builder
	writeProjected(&b, pts, 0)
	return b.String()
}

// graticulePath draws meridians and parallels every 30°.
func graticulePath() string {
	var b strings.Builder
	for lon := -150.0; lon <= 150; lon += 30 {
		for lat := -90.0; lat <= 90; lat += 5 {
			x, y := project(lon, lat)
			cmd := "L"
			if lat == -90 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%s %s", cmd, num(math.Round(x*10)/10), num(math.Round(y*10)/10))
		}
	}
	for lat := -60.0; lat <= 60; lat += 30 {
		for lon := -180.0; lon <= 180; lon += 10 {
			x, y := project(lon, lat)
			cmd := "L"
			if lon == -180 {
				cmd = "M"
			}
			fmt.Fprintf(&b, "%s%s %s", cmd, num(math.Round(x*10)/10), num(math.Round(y*10)/10))
		}
	}
	return b.String()
}

// readNumericCodes reads the alpha2,numeric CSV shipped beside the map.
func readNumericCodes(r io.Reader) (map[string]string, error) {
	rows, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read ISO 3166 numeric codes: %w", err)
	}
	out := make(map[string]string, len(rows))
	for i, row := range rows {
		if i == 0 || len(row) != 2 {
			continue
		}
		out[row[1]] = row[0]
	}
	return out, nil
}

// viewBox is a visible window onto the map.
type viewBox struct{ X, Y, W, H float64 }

func (v viewBox) String() string {
	return fmt.Sprintf("%s %s %s %s", num(math.Round(v.X)), num(math.Round(v.Y)), num(math.Round(v.W)), num(math.Round(v.H)))
}

// worldView shows the inhabited world: 84° N to 58° S (the map has no
// Antarctica).
func worldView() viewBox {
	_, top := project(0, 84)
	_, bottom := project(0, -58)
	return viewBox{0, top, mapWidth, bottom - top}
}

// fitView returns a window around points (longitude, latitude) with a
// margin, kept to the map's aspect ratio and no smaller than a fifth of the
// world, so a network in one region fills the frame.
func fitView(points [][2]float64) viewBox {
	world := worldView()
	if len(points) == 0 {
		return world
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range points {
		x, y := project(p[0], p[1])
		minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
	}
	w, h := (maxX-minX)*1.15+60, (maxY-minY)*1.15+60
	aspect := mapWidth / mapHeight
	w = max(w, h*aspect, mapWidth/5)
	h = w / aspect
	if w >= mapWidth || h >= world.H {
		return world
	}
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	x := math.Min(math.Max(cx-w/2, 0), mapWidth-w)
	y := math.Min(math.Max(cy-h/2, 0), mapHeight-h)
	return viewBox{x, y, w, h}
}
