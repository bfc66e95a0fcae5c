// Command customsqueue measures the customs queue list at volume on
// SQLite: a page with its total (customs.Service.FindQueue: the API's and
// the console's call) for the filters and searches officers use, over a
// store of -n customs items of which -queued are pending or held, spread
// over four offices; p50 and p99 of -reps runs each. The peer, measured in
// the same run on the same database, is the search as it is usually first
// written: LIKE over the stored JSON with COUNT(*) of the filter.
//
//	go run ./bench/customsqueue -n 200000 -queued 0.2
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/store/sqlite"
)

var t0 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

var (
	names   = []string{"Anna Müller", "Hans Nowak", "José García", "王小明", "李娜", "张伟", "Иван Петров", "Mary Smith", "Søren Jensen", "Eva Novák"}
	offices = []string{"CNSHAA", "CNPEKA", "CNXMNA", "CNCANA"}
	streams = []customs.Stream{customs.StreamPostal, customs.StreamExpress, customs.StreamEcommerce}
)

func main() {
	n := flag.Int("n", 200_000, "customs items in the store")
	queued := flag.Float64("queued", 0.2, "share of items pending or held")
	reps := flag.Int("reps", 200, "runs of each query")
	flag.Parse()
	if err := run(*n, *queued, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "customsqueue:", err)
		os.Exit(1)
	}
}

func item(r *rand.Rand, i int, queued float64) customs.Item {
	at := t0.Add(time.Duration(i) * time.Second)
	st := customs.StatusReleased
	if r.Float64() < queued {
		st = customs.StatusPending
		if r.IntN(4) == 0 {
			st = customs.StatusHeld
		}
	}
	return customs.Item{
		Declaration: customs.Declaration{ID: fmt.Sprintf("1Z%016d", i), Stream: streams[r.IntN(3)], Direction: customs.Import,
			Office: offices[r.IntN(len(offices))], Category: "sale_of_goods", Currency: "USD", TotalValue: "10.00", TotalValueSDR: "7.33",
			Sender:    customs.Party{Name: names[r.IntN(len(names))], Country: "US"},
			Addressee: customs.Party{Name: names[r.IntN(len(names))], Postcode: "200120", Country: "CN"},
			Lines:     []customs.Line{{Description: "Shoes", Quantity: 1, NetWeightG: 700, Value: "10.00", HSCode: "640411", OriginCountry: "VN"}}},
		Screening:  risk.Screening{RulesVersion: "v1", Score: r.IntN(100), Action: risk.ActionXray, At: at},
		Status:     st,
		DeclaredAt: at, UpdatedAt: at, Version: 1,
	}
}

func run(n int, queued float64, reps int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "customsqueue")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	for i := 0; i < n; i += 5000 {
		batch := make([]customs.Item, 0, 5000)
		for j := i; j < min(n, i+5000); j++ {
			batch = append(batch, item(r, j, queued))
		}
		if err := st.ImportItems(ctx, func(tx customs.ImportTx) error { _, err := tx.InsertItems(ctx, batch); return err }); err != nil {
			return err
		}
	}
	fmt.Printf("filled %d items (%.0f%% queued, 4 offices) in %s\n", n, queued*100, time.Since(start).Round(time.Second))
	svc := &customs.Service{Store: st, Now: func() time.Time { return t0.Add(time.Duration(n) * time.Second) }}
	admin := auth.Principal{Role: auth.RoleAdmin}
	cases := []struct {
		name string
		q    customs.QueueQuery
		peer string // LIKE pattern over the body, "" = none
	}{
		{"default page (priority)", customs.QueueQuery{}, ""},
		{"newest first", customs.QueueQuery{Sort: "-declared"}, ""},
		{"stream=postal, held", customs.QueueQuery{Stream: "postal", Status: "held"}, ""},
		{"q=petrov (Cyrillic name)", customs.QueueQuery{Search: "petrov"}, "%Петров%"},
		{"q=wang xiao (pinyin)", customs.QueueQuery{Search: "wang xiao"}, "%王小%"},
		{"q=1Z00000000001234 (id)", customs.QueueQuery{Search: "1Z00000000001234"}, "%1Z00000000001234%"},
	}
	db := st.R
	fmt.Printf("%-28s %10s %10s %8s %12s %12s\n", "query", "p50", "p99", "total", "peer p50", "peer p99")
	for _, c := range cases {
		c.q.Office, c.q.Limit = "CNSHAA", 50
		var total int64
		ours := measure(reps, func() error {
			p, err := svc.FindQueue(ctx, admin, c.q)
			total = p.Total
			return err
		})
		if ours.err != nil {
			return fmt.Errorf("%s: %w", c.name, ours.err)
		}
		p50, p99 := "–", "–"
		if c.peer != "" {
			peer := measure(reps, func() error {
				var k int64
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM customs_items WHERE office = ? AND status IN ('pending','held') AND body LIKE ?`, "CNSHAA", c.peer).Scan(&k); err != nil {
					return err
				}
				rows, err := db.QueryContext(ctx, `SELECT body FROM customs_items WHERE office = ? AND status IN ('pending','held') AND body LIKE ? ORDER BY priority LIMIT 50`, "CNSHAA", c.peer)
				if err != nil {
					return err
				}
				for rows.Next() {
				}
				return rows.Close()
			})
			if peer.err != nil {
				return fmt.Errorf("%s peer: %w", c.name, peer.err)
			}
			p50, p99 = peer.p50.String(), peer.p99.String()
		}
		fmt.Printf("%-28s %10s %10s %8d %12s %12s\n", c.name, ours.p50, ours.p99, total, p50, p99)
	}
	return nil
}

type result struct {
	p50, p99 time.Duration
	err      error
}

func measure(reps int, fn func() error) result {
	ds := make([]time.Duration, 0, reps)
	for range reps {
		s := time.Now()
		if err := fn(); err != nil {
			return result{err: err}
		}
		ds = append(ds, time.Since(s))
	}
	slices.Sort(ds)
	return result{p50: ds[len(ds)/2].Round(10 * time.Microsecond), p99: ds[len(ds)*99/100].Round(10 * time.Microsecond)}
}
