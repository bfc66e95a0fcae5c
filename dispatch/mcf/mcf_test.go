package mcf

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

type arc struct {
	from, to  int
	cap, cost int64
}

type problem struct {
	n      int
	arcs   []arc
	s, t   int
	amount int64
}

func (p problem) graph() *Graph {
	g := New(p.n)
	for _, a := range p.arcs {
		g.AddArc(a.from, a.to, a.cap, a.cost)
	}
	return g
}

// randomProblem makes a small random network. Half of them are DAGs (arcs
// from lower to higher node numbers) where some costs are negative; the
// others have cycles and non-negative costs. Neither has a negative cycle.
func randomProblem(rng *rand.Rand, n, m int, maxCap int64) problem {
	p := problem{n: n, s: 0, t: n - 1}
	dag := rng.IntN(2) == 0
	for range m {
		u, v := rng.IntN(n), rng.IntN(n)
		if u == v {
			continue
		}
		cost := int64(rng.IntN(20))
		if dag {
			if u > v {
				u, v = v, u
			}
			if rng.IntN(5) == 0 {
				cost = -cost
			}
		}
		p.arcs = append(p.arcs, arc{u, v, 1 + rng.Int64N(maxCap), cost})
	}
	return p
}

// bruteForce enumerates every integer flow within the capacities and
// returns the least cost of sending exactly amount, ok=false if none does.
func bruteForce(p problem) (int64, bool) {
	best, ok := int64(math.MaxInt64), false
	x := make([]int64, len(p.arcs))
	var rec func(i int)
	rec = func(i int) {
		if i == len(p.arcs) {
			bal := make([]int64, p.n)
			var c int64
			for k, a := range p.arcs {
				bal[a.from] -= x[k]
				bal[a.to] += x[k]
				c += x[k] * a.cost
			}
			for v := range bal {
				want := int64(0)
				switch v {
				case p.s:
					want = -p.amount
				case p.t:
					want = p.amount
				}
				if bal[v] != want {
					return
				}
			}
			if c < best {
				best, ok = c, true
			}
			return
		}
		for f := int64(0); f <= p.arcs[i].cap; f++ {
			x[i] = f
			rec(i + 1)
		}
	}
	rec(0)
	return best, ok
}

func TestAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	checked := 0
	for range 400 {
		p := randomProblem(rng, 4+rng.IntN(2), 5+rng.IntN(3), 3)
		p.amount = 1 + rng.Int64N(4)
		want, ok := bruteForce(p)
		g := p.graph()
		res, err := g.Solve(p.s, p.t, p.amount)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			if res.Flow == p.amount {
				t.Fatalf("%+v: solver sent %d, brute force found no flow", p, res.Flow)
			}
			continue
		}
		checked++
		if res.Flow != p.amount || res.Cost != want {
			t.Fatalf("%+v: flow %d cost %d, brute force cost %d", p, res.Flow, res.Cost, want)
		}
		b, err := p.graph().SolveBellmanFord(p.s, p.t, p.amount)
		if err != nil || b.Flow != p.amount || b.Cost != want {
			t.Fatalf("%+v: Bellman-Ford flow %d cost %d (%v), want %d", p, b.Flow, b.Cost, err, want)
		}
		verify(t, p, g, res)
	}
	if checked < 100 {
		t.Fatalf("only %d feasible cases", checked)
	}
}

// verify checks capacities, conservation and the reported cost.
func verify(t *testing.T, p problem, g *Graph, res Result) {
	t.Helper()
	bal := make([]int64, p.n)
	var c int64
	for k, a := range p.arcs {
		f := g.Flow(k)
		if f < 0 || f > a.cap {
			t.Fatalf("arc %d carries %d, capacity %d", k, f, a.cap)
		}
		bal[a.from] -= f
		bal[a.to] += f
		c += f * a.cost
	}
	for v, b := range bal {
		want := int64(0)
		switch v {
		case p.s:
			want = -res.Flow
		case p.t:
			want = res.Flow
		}
		if b != want {
			t.Fatalf("node %d balance %d, want %d", v, b, want)
		}
	}
	if c != res.Cost {
		t.Fatalf("arc costs sum to %d, result says %d", c, res.Cost)
	}
}

// lpCost solves the same problem as a linear program with gonum's simplex:
// minimise Σ cost·x subject to conservation and 0 ≤ x ≤ cap (slacks).
func lpCost(t *testing.T, p problem) float64 {
	t.Helper()
	m := len(p.arcs)
	rows := p.n - 1 + m // conservation (one node dropped: rank) + capacity
	A := mat.NewDense(rows, 2*m, nil)
	b := make([]float64, rows)
	c := make([]float64, 2*m)
	for k, a := range p.arcs {
		c[k] = float64(a.cost)
		if a.from < p.n-1 {
			A.Set(a.from, k, A.At(a.from, k)-1)
		}
		if a.to < p.n-1 {
			A.Set(a.to, k, A.At(a.to, k)+1)
		}
		A.Set(p.n-1+k, k, 1)
		A.Set(p.n-1+k, m+k, 1)
		b[p.n-1+k] = float64(a.cap)
	}
	b[p.s] = -float64(p.amount)
	if p.t < p.n-1 {
		b[p.t] = float64(p.amount)
	}
	opt, _, err := lp.Simplex(c, A, b, 1e-9, nil)
	if err != nil {
		t.Fatalf("LP: %v", err)
	}
	return opt
}

func TestAgainstLP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for range 40 {
		p := randomProblem(rng, 8+rng.IntN(5), 20+rng.IntN(15), 50)
		for v := 0; v+1 < p.n; v++ { // connected, so every conservation row counts
			p.arcs = append(p.arcs, arc{v, v + 1, 5, 100})
		}
		for i := range p.arcs {
			if p.arcs[i].cost < 0 {
				p.arcs[i].cost = -p.arcs[i].cost // the LP needs a bounded problem; keep it simple
			}
		}
		maxFlow, _ := p.graph().Solve(p.s, p.t, Inf)
		if maxFlow.Flow == 0 {
			continue
		}
		p.amount = 1 + rng.Int64N(maxFlow.Flow)
		g := p.graph()
		res, err := g.Solve(p.s, p.t, p.amount)
		if err != nil || res.Flow != p.amount {
			t.Fatalf("flow %d of %d: %v", res.Flow, p.amount, err)
		}
		verify(t, p, g, res)
		if want := lpCost(t, p); math.Abs(float64(res.Cost)-want) > 1e-6 {
			t.Fatalf("%+v: cost %d, LP optimum %.3f", p, res.Cost, want)
		}
	}
}

func TestNegativeCycle(t *testing.T) {
	g := New(3)
	g.AddArc(0, 1, 5, 1)
	g.AddArc(1, 2, 5, -3)
	g.AddArc(2, 1, 5, 1)
	if _, err := g.Solve(0, 2, 1); err != ErrNegativeCycle {
		t.Fatalf("err = %v, want ErrNegativeCycle", err)
	}
}

func TestIncremental(t *testing.T) {
	// Solving in two steps equals solving at once.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		p := randomProblem(rng, 10, 30, 20)
		one, _ := p.graph().Solve(p.s, p.t, 30)
		g := p.graph()
		a, _ := g.Solve(p.s, p.t, 10)
		b, _ := g.Solve(p.s, p.t, 20)
		if a.Flow+b.Flow != one.Flow || a.Cost+b.Cost != one.Cost {
			t.Fatalf("steps %d+%d flow, %d+%d cost; at once %d, %d", a.Flow, b.Flow, a.Cost, b.Cost, one.Flow, one.Cost)
		}
	}
}

func BenchmarkSolve(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	p := randomProblem(rng, 2000, 12000, 1000)
	for i := range p.arcs {
		p.arcs[i].cost = max(p.arcs[i].cost, 0)
	}
	b.ReportAllocs()
	for b.Loop() {
		p.graph().Solve(p.s, p.t, 50000)
	}
}
