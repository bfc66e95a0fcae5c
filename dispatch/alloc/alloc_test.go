package alloc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/mcf"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

var day = civil.Date{Year: 2026, Month: 11, Day: 24}

// smallWorld is a random network of a few offices in one zone with daily
// services of small capacity, so that capacity binds.
func smallWorld(rng *rand.Rand) ([]network.Office, []network.Leg) {
	codes := []string{"CNAAAA", "CNBBBA", "CNCCCA", "DEDDDA", "NLEEEA"}
	var offices []network.Office
	for i, c := range codes {
		offices = append(offices, network.Office{Code: c, Name: c, Country: c[:2], Kind: network.KindOE, Lat: float64(i), Lon: float64(i),
			TZ: "UTC", ConnectMin: 60 * rng.IntN(3)})
	}
	var services []network.Leg
	for i := range 7 {
		a, b := rng.IntN(len(codes)), rng.IntN(len(codes))
		if a == b {
			continue
		}
		mode := network.ModeAir
		if rng.IntN(4) == 0 {
			mode = network.ModeRoad
		}
		services = append(services, network.Leg{ID: fmt.Sprintf("S%d", i), From: codes[a], To: codes[b], Mode: mode, Carrier: "c",
			Days: civil.EveryDay, Departs: civil.Clock(rng.IntN(24) * 60), DurationMin: 60 + rng.IntN(20)*60, CutoffMin: 60,
			CapacityKg: float64(1 + rng.IntN(4)), CostPerKg: float64(1 + rng.IntN(9))})
	}
	return offices, services
}

func randomVolumes(rng *rand.Rand, offices []network.Office, n int) []Volume {
	var vs []Volume
	seen := map[[3]string]bool{}
	for range n {
		o, d := offices[rng.IntN(len(offices))].Code, offices[rng.IntN(len(offices))].Code
		cat := []string{"A", "A", "B"}[rng.IntN(3)]
		if o == d || seen[[3]string{o, d, cat}] {
			continue
		}
		seen[[3]string{o, d, cat}] = true
		vs = append(vs, Volume{Origin: o, Destination: d, Category: cat, Grams: int64(500 + rng.IntN(5000)), Items: 1, Ready: civil.Clock(rng.IntN(20) * 60)})
	}
	return vs
}

// lpOptimum solves the multi-commodity problem exactly as an LP with
// gonum's simplex: one flow variable per commodity and arc of its graph,
// conservation per commodity and node, each arc's own capacity, and the
// shared capacity of every departure.
func lpOptimum(t *testing.T, a *Allocator) float64 {
	t.Helper()
	type col struct {
		k, from, to int
		dep         int32
		cap, cost   int64
	}
	var cols []col
	nodes := make([]int, len(a.ks))
	base := make([]int, len(a.ks))
	rows := 0
	for ki, k := range a.ks {
		kg := a.build(k, ownOnly, nil, -1, nil)
		base[ki], nodes[ki] = rows, kg.nodes
		rows += kg.nodes - 1 // one conservation row per node but T (rank)
		for i, ar := range kg.arcs {
			_ = i
			capacity := int64(mcf.Inf)
			cost := int64(0)
			switch {
			case ar.dep >= 0:
				capacity, cost = a.x.deps[ar.dep].capG, a.x.deps[ar.dep].cost
			case ar.lane >= 0:
				capacity = a.lanes[k.lanes[ar.lane]].v.Grams
			case ar.late >= 0:
				cost = int64(ar.late) * k.late
			case ar.from == 0 && ar.to == 1:
				cost = k.unserved
			}
			cols = append(cols, col{ki, int(ar.from), int(ar.to), ar.dep, capacity, cost})
		}
	}
	// Rows: conservation, then one capacity row per finite-capacity column,
	// then one shared row per departure.
	var capCols []int
	for i, c := range cols {
		if c.cap < mcf.Inf {
			capCols = append(capCols, i)
		}
	}
	depRow := map[int32]int{}
	for _, c := range cols {
		if c.dep >= 0 {
			if _, ok := depRow[c.dep]; !ok {
				depRow[c.dep] = len(depRow)
			}
		}
	}
	nRows := rows + len(capCols) + len(depRow)
	nCols := len(cols) + len(capCols) + len(depRow)
	A := mat.NewDense(nRows, nCols, nil)
	b := make([]float64, nRows)
	c := make([]float64, nCols)
	for j, cl := range cols {
		c[j] = float64(cl.cost) / 1e7
		if cl.from != 1 {
			A.Set(base[cl.k]+rowOf(cl.from), j, A.At(base[cl.k]+rowOf(cl.from), j)-1)
		}
		if cl.to != 1 {
			A.Set(base[cl.k]+rowOf(cl.to), j, A.At(base[cl.k]+rowOf(cl.to), j)+1)
		}
	}
	for ki, k := range a.ks {
		b[base[ki]] = -float64(k.supply) // node 0 is S
	}
	for i, j := range capCols {
		A.Set(rows+i, j, 1)
		A.Set(rows+i, len(cols)+i, 1)
		b[rows+i] = float64(cols[j].cap)
	}
	for j, cl := range cols {
		if cl.dep >= 0 {
			A.Set(rows+len(capCols)+depRow[cl.dep], j, 1)
		}
	}
	for d, r := range depRow {
		A.Set(rows+len(capCols)+r, len(cols)+len(capCols)+r, 1)
		b[rows+len(capCols)+r] = float64(a.x.deps[d].capG)
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-9, nil)
	if err != nil {
		t.Fatalf("LP (%d×%d): %v", nRows, nCols, err)
	}
	return opt
}

// rowOf maps a local node to its conservation row: S is 0, T (1) has no
// row, node n ≥ 2 is row n-1.
func rowOf(n int) int {
	if n == 0 {
		return 0
	}
	return n - 1
}

// TestAgainstLP compares the allocation with the LP optimum of the whole
// multi-commodity problem on small random networks: never below it (that
// would break a constraint), exact with one commodity, and close with
// several; the priority pass alone is measured too, to show what the price
// rounds buy.
func TestAgainstLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	var worst, worstPriority float64
	checked, exact := 0, 0
	for range 120 {
		offices, services := smallWorld(rng)
		vols := randomVolumes(rng, offices, 8)
		if len(vols) == 0 {
			continue
		}
		cost := func(rounds int) (*Allocator, float64) {
			a := &Allocator{opts: Options{Date: day, HorizonDays: 3, Rounds: rounds}, offMap: network.OfficeMap(offices)}
			a.opts.defaults()
			if err := a.setup(offices, services, vols); err != nil {
				t.Fatal(err)
			}
			if len(a.x.deps) == 0 {
				return nil, 0
			}
			best, err := a.run()
			if err != nil {
				t.Fatal(err)
			}
			var c int64
			for _, s := range best {
				c += s.cost
			}
			return a, float64(c) / 1e7
		}
		a, got := cost(0)
		if a == nil {
			continue
		}
		_, priority := cost(-1)
		want := lpOptimum(t, a)
		checked++
		// The solver also pays one unit per gram and day of arrival to
		// break ties; the LP doesn't, so allow that much.
		var eps float64
		for _, k := range a.ks {
			eps += float64(k.supply) * float64(a.opts.HorizonDays+1) / 1e7
		}
		if got < want-1e-6 {
			t.Fatalf("plan cost %.4f below the LP optimum %.4f: the plan breaks a constraint", got, want)
		}
		if a.stats.LowerBound > want+1e-4 {
			t.Fatalf("lower bound %.4f above the LP optimum %.4f", a.stats.LowerBound, want)
		}
		if len(a.ks) == 1 && math.Abs(got-want) > 1e-6+eps {
			t.Fatalf("one commodity: cost %.4f, LP optimum %.4f (must be exact)", got, want)
		}
		if math.Abs(got-want) <= 1e-6+eps {
			exact++
		}
		worst = math.Max(worst, (got-want-eps)/math.Max(want, 1e-9))
		worstPriority = math.Max(worstPriority, (priority-want)/math.Max(want, 1e-9))
	}
	t.Logf("%d cases: %d at the LP optimum; worst gap %.2f%% (priority pass alone: %.2f%%)", checked, exact, 100*worst, 100*worstPriority)
	if checked < 100 {
		t.Fatalf("only %d cases", checked)
	}
	if worst > 0.02 {
		t.Errorf("worst gap to the LP optimum %.2f%% exceeds 2%%", 100*worst)
	}
}

// TestSpill: two days of one 4 kg flight; 6 kg ready on day one. 4 kg take
// the preferred flight, 2 kg spill to the next day's.
func TestSpill(t *testing.T) {
	offices := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, TZ: "Asia/Shanghai", ConnectMin: 150},
		{Code: "NLAMSA", Name: "Amsterdam", Country: "NL", Kind: network.KindOE, TZ: "Europe/Amsterdam", ConnectMin: 120},
	}
	services := []network.Leg{{ID: "MF811", From: "CNXMNA", To: "NLAMSA", Mode: network.ModeAir, Carrier: "Xiamen Airlines",
		Days: civil.EveryDay, Departs: 23*60 + 30, DurationMin: 780, CutoffMin: 240, CapacityKg: 4000, CostPerKg: 5.85}}
	p, err := Allocate(offices, services, []Volume{{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Grams: 6_000_000, Items: 9000, Ready: 12 * 60}},
		Options{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Departures) != 2 || p.Departures[0].AllocatedKg != 4000 || p.Departures[0].Utilisation != 1 || p.Departures[1].AllocatedKg != 2000 {
		t.Fatalf("departures %+v", p.Departures)
	}
	if len(p.Spill) != 1 || p.Spill[0].Kg != 2000 || p.Spill[0].DelayHours != 24 ||
		!strings.HasPrefix(p.Spill[0].Preferred, "MF811 CNXMNA→NLAMSA 2026-11-24 15:30Z") || !strings.HasPrefix(p.Spill[0].Took, "MF811 CNXMNA→NLAMSA 2026-11-25") {
		t.Fatalf("spill %+v", p.Spill)
	}
	l := p.Lanes[0]
	if l.OnTimeShare != 1 || l.Cost != 35100 || len(l.Routes) != 2 {
		t.Fatalf("lane %+v", l)
	}
	// Money as the API writes it: decimal strings beside their currency.
	if l.CostAmount != "35100.00" || l.Currency != "USD" || p.Totals.CostAmount != "35100.00" || p.Totals.Currency != "USD" ||
		p.Totals.ObjectiveAmount != fmt.Sprintf("%.2f", p.Totals.Objective) || p.Consolidation.Currency != "USD" {
		t.Fatalf("amounts: lane %q %q, totals %+v", l.CostAmount, l.Currency, p.Totals)
	}
	// Preloaded: 3.5 t already consigned on the first flight.
	p, _ = Allocate(offices, services, []Volume{{Origin: "CNXMNA", Destination: "NLAMSA", Category: "A", Grams: 1_000_000, Items: 1, Ready: 12 * 60}},
		Options{Date: day, Loads: map[dispatch.DepartureKey]int{{Service: "MF811", Departure: p.Departures[0].Departs}: 3_500_000}})
	if p.Departures[0].AllocatedKg != 500 || p.Departures[0].ConsignedKg != 3500 || p.Departures[0].Utilisation != 1 {
		t.Fatalf("preloaded %+v", p.Departures)
	}
}

func TestUnserved(t *testing.T) {
	offices := []network.Office{
		{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, TZ: "Asia/Shanghai"},
		{Code: "BRSAOA", Name: "Sao Paulo", Country: "BR", Kind: network.KindOE, TZ: "America/Sao_Paulo"},
	}
	p, err := Allocate(offices, nil, []Volume{{Origin: "CNXMNA", Destination: "BRSAOA", Category: "A", Grams: 5000, Items: 1}}, Options{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	if p.Totals.UnservedKg != 5 || len(p.Spill) != 1 || p.Spill[0].Took != "" {
		t.Fatalf("unserved: %+v %+v", p.Totals, p.Spill)
	}
}

func TestReadForecast(t *testing.T) {
	offices := network.OfficeMap([]network.Office{
		{Code: "CNXMNA", Country: "CN", Kind: network.KindOE}, {Code: "DEFRAA", Country: "DE", Kind: network.KindOE},
		{Code: "DEDUIA", Country: "DE", Kind: network.KindHub},
	})
	good := "origin,destination,category,kg,items,ready\nCNXMNA,DEFRAA,A,1200.5,3000,\nCNXMNA,DEFRAA,A,100,10,\n# comment\nCNXMNA,DEFRAA,C,50,10,09:30\n"
	vs, err := ReadForecast(strings.NewReader(good), offices)
	if err != nil || len(vs) != 2 || vs[0].Grams != 1_300_500 || vs[0].Items != 3010 || vs[1].Ready != 9*60+30 {
		t.Fatalf("ReadForecast = %+v, %v", vs, err)
	}
	bad := "origin,destination,category,kg,items\nCNXMNA,DEXXXA,A,10,1\nCNXMNA,DEDUIA,A,10,1\nCNXMNA,DEFRAA,E,10,1\nCNXMNA,DEFRAA,A,-3,1\nCNXMNA,CNXMNA,A,1,x\n"
	_, err = ReadForecast(strings.NewReader(bad), offices)
	if postal.ErrorCode(err) != postal.CodeInvalid {
		t.Fatalf("bad forecast: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{`line 2: destination: unknown office "DEXXXA"`, "line 3: destination: DEDUIA is a hub", "line 4: category",
		"line 5: kg", "line 6: destination: same office", "line 6: items"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}
