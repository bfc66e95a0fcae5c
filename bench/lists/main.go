// Command lists measures the shipments list at volume on SQLite: a page of
// the list with its total (acceptance.Service.Find: the API's and the
// console's call) for the filters and searches operators use, over a
// store of -n shipments (1,000,000 by default), p50 and p99 of -reps runs
// each. The peer, measured in the same run on the same database, is the
// list as it is usually first written: OFFSET paging, COUNT(*) of the
// filter on every page view, and search by LIKE over the stored JSON.
//
//	go run ./bench/lists -n 1000000 -dir /tmp/lists1m
//
// With -dir the store is kept and reused by the next run (filling 1M
// shipments takes minutes).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/store/sqlite"
	"github.com/interpost/interpost/store/sqlstore"
	"github.com/interpost/interpost/tracking"
)

var t0 = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func main() {
	n := flag.Int("n", 1_000_000, "shipments in the store")
	dir := flag.String("dir", "", "data directory to keep and reuse (default: a temporary one)")
	reps := flag.Int("reps", 200, "runs of each query")
	withPeer := flag.Bool("peer", true, "measure the peer too")
	flag.Parse()
	if err := run(*n, *dir, *reps, *withPeer); err != nil {
		fmt.Fprintln(os.Stderr, "lists:", err)
		os.Exit(1)
	}
}

var (
	surnames = []string{"Müller", "Nowak", "Kowalski", "Smith", "García", "Łukasiewicz", "Dubois", "Rossi", "Jensen", "Novák", "O'Brien", "Petrov"}
	given    = []string{"Anna", "Hans", "José", "Zoë", "Piotr", "Mary", "Jean", "Luca", "Søren", "Eva", "Sean", "Ivan"}
	han      = []string{"王小明", "李娜", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏"}
	dests    = []string{"PL", "DE", "FR", "US", "GB", "ES", "IT", "NL", "CZ", "RU", "BR", "AU"}
	products = []string{"ems", "parcel", "e_packet", "registered_small_packet"}
	statuses = []string{"accepted", "departed", "in_transit", "arrived", "import_customs_held", "delivered"}
)

func shipment(r *rand.Rand, i int) acceptance.NewShipment {
	name := given[r.IntN(len(given))] + " " + surnames[r.IntN(len(surnames))]
	latin := ""
	if r.IntN(4) == 0 {
		name = han[r.IntN(len(han))]
		latin = "Chinese Name"
	}
	at := t0.Add(time.Duration(i) * (90 * 24 * time.Hour / 1_000_000)) // 7.776 s apart: 1M over 90 days
	return acceptance.NewShipment{
		Shipment: acceptance.Shipment{
			Merchant: fmt.Sprintf("M%02d", r.IntN(20)), MerchantRef: fmt.Sprintf("ORD-%07d", i), Product: products[r.IntN(len(products))],
			Status: acceptance.StatusCreated, OriginOffice: "CNXMNA",
			Sender:    acceptance.Party{Name: "Xiamen Tea Co", Address: "1 Hubin Rd", City: "Xiamen", Country: "CN"},
			Addressee: acceptance.Party{Name: name, NameLatin: latin, Address: "ul. Prosta 5", City: "Warszawa", Postcode: "00-850", Country: dests[r.IntN(len(dests))]},
			WeightG:   50 + r.IntN(1950), DimensionsMM: []int{300, 200, 100},
			Declaration: &acceptance.Declaration{Category: "sale_of_goods", Currency: "USD", Form: "CN22",
				Lines: []acceptance.Line{{Description: "Oolong tea", Quantity: 2, NetWeightG: 800, Value: "24.00", HSCode: "090230", OriginCountry: "CN"}}},
			CreatedAt: at,
		},
		Indicators: []string{"EA", "EB", "EC", "ED", "EE", "EF", "EG", "EH", "EI", "EJ", "EK", "EL", "EM", "EN", "EO"},
		Country:    "CN",
	}
}

func fill(ctx context.Context, st *sqlstore.Store, n int) error {
	var have int
	if err := st.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM shipments`).Scan(&have); err != nil {
		return err
	}
	if have >= n {
		fmt.Printf("store has %d shipments already\n", have)
		return nil
	}
	if err := st.PutOffices(ctx, []network.Office{{Code: "CNXMNA", Name: "Xiamen", Country: "CN", Kind: network.KindOE, Lat: 24.5, Lon: 118.1,
		TZ: "Asia/Shanghai", ConnectMin: 120, Customs: true}}); err != nil {
		return err
	}
	for m := range 20 {
		if err := st.PutMerchant(ctx, acceptance.Merchant{Code: fmt.Sprintf("M%02d", m), Name: "Merchant", Office: "CNXMNA", Country: "CN", CreatedAt: t0}); err != nil {
			return err
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	const batch = 5000
	for i := have; i < n; i += batch {
		ns := make([]acceptance.NewShipment, 0, batch)
		for j := i; j < min(n, i+batch); j++ {
			ns = append(ns, shipment(r, j))
		}
		if _, err := st.CreateShipments(ctx, ns, nil); err != nil {
			return fmt.Errorf("store shipments %d…: %w", i, err)
		}
		if (i/batch)%20 == 0 {
			fmt.Printf("\r%d shipments stored", i+len(ns))
		}
	}
	el := time.Since(start)
	fmt.Printf("\rstored %d shipments in %s (%.0f a second, with search terms and counts)\n", n-have, el.Round(time.Second), float64(n-have)/el.Seconds())
	// Move most of them on, as tracking's projector would: one UPDATE per
	// status (the counts follow by trigger).
	start = time.Now()
	for k, s := range statuses {
		_, err := st.W.ExecContext(ctx, `UPDATE shipments SET status = ?, status_at = created_at + ? WHERE seq % 8 = ?`,
			s, int64(24*time.Hour/time.Millisecond)*int64(k+1), k+1)
		if err != nil {
			return err
		}
	}
	fmt.Printf("statuses set in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

type result struct {
	name     string
	p50, p99 time.Duration
	rows     int
	total    string
}

func measure(name string, reps int, fn func(i int) (rows int, total string, err error)) (result, error) {
	var ds []time.Duration
	res := result{name: name}
	for i := range reps {
		start := time.Now()
		rows, total, err := fn(i)
		if err != nil {
			return res, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, time.Since(start))
		res.rows, res.total = rows, total
	}
	slices.Sort(ds)
	res.p50, res.p99 = ds[len(ds)/2], ds[min(len(ds)-1, len(ds)*99/100)]
	return res, nil
}

func run(n int, dir string, reps int, withPeer bool) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "bench-lists")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	st, err := sqlite.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := fill(ctx, st, n); err != nil {
		return err
	}
	now := t0.Add(100 * 24 * time.Hour)
	svc := &acceptance.Service{Store: st, Country: "CN", Statuses: tracking.StatusNames(), Now: func() time.Time { return now }}
	admin := auth.Principal{Role: auth.RoleAdmin}
	merchant := auth.Principal{Role: auth.RoleMerchant, Merchant: "M07"}
	searches := []string{"mül", "nowak", "wang", "王小", "zhang", "łukas", "gar", "ord-00123", "ivan p"}
	queries := []struct {
		name string
		who  auth.Principal
		q    func(i int) acceptance.Query
	}{
		{"newest first (admin)", admin, func(int) acceptance.Query { return acceptance.Query{} }},
		{"newest first, page 3", admin, nil},
		{"merchant's own list", merchant, func(int) acceptance.Query { return acceptance.Query{} }},
		{"status=import_customs_held", admin, func(int) acceptance.Query { return acceptance.Query{Status: "import_customs_held"} }},
		{"destination=PL, product=ems", admin, func(int) acceptance.Query { return acceptance.Query{Destination: "PL", Product: "ems"} }},
		{"one week (from, to)", admin, func(int) acceptance.Query {
			return acceptance.Query{From: t0.Add(30 * 24 * time.Hour), To: t0.Add(37 * 24 * time.Hour)}
		}},
		{"stuck > 5 days", admin, func(int) acceptance.Query { return acceptance.Query{StuckDays: 5} }},
		{"sort=-weight", admin, func(int) acceptance.Query { return acceptance.Query{Sort: "-weight"} }},
		{"search (name/ref prefixes)", admin, func(i int) acceptance.Query { return acceptance.Query{Search: searches[i%len(searches)]} }},
		{"merchant search", merchant, func(i int) acceptance.Query { return acceptance.Query{Search: searches[i%len(searches)]} }},
		{"search + destination", admin, func(i int) acceptance.Query {
			return acceptance.Query{Search: searches[i%len(searches)], Destination: "DE"}
		}},
	}
	var ours []result
	for _, qq := range queries {
		var r result
		if qq.q == nil { // three pages deep by cursor
			r, err = measure(qq.name, reps, func(int) (int, string, error) {
				var p acceptance.Page
				q := acceptance.Query{}
				for range 3 {
					if p, err = svc.Find(ctx, admin, q); err != nil {
						return 0, "", err
					}
					q.Cursor = p.NextCursor
				}
				return len(p.Items), total(p), nil
			})
		} else {
			r, err = measure(qq.name, reps, func(i int) (int, string, error) {
				p, err := svc.Find(ctx, qq.who, qq.q(i))
				return len(p.Items), total(p), err
			})
		}
		if err != nil {
			return err
		}
		fmt.Printf("measured %s: p50 %s p99 %s\n", r.name, ms(r.p50), ms(r.p99))
		ours = append(ours, r)
	}
	var peers []result
	if withPeer {
		if peers, err = peer(ctx, st.R, reps/4+1); err != nil {
			return err
		}
	}
	fmt.Printf("\nshipments list at %d shipments, SQLite, %d runs each (page of 50 and its total)\n\n", n, reps)
	fmt.Println("| query | p50 | p99 | rows | total |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range ours {
		fmt.Printf("| %s | %s | %s | %d | %s |\n", r.name, ms(r.p50), ms(r.p99), r.rows, r.total)
	}
	fmt.Printf("\npeer: OFFSET paging + COUNT(*) per view + LIKE over the JSON body, %d runs each\n\n", reps/4+1)
	fmt.Println("| query | p50 | p99 | rows | total |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, r := range peers {
		fmt.Printf("| %s | %s | %s | %d | %s |\n", r.name, ms(r.p50), ms(r.p99), r.rows, r.total)
	}
	return nil
}

func total(p acceptance.Page) string {
	if p.TotalExact {
		return fmt.Sprint(p.Total)
	}
	return fmt.Sprintf(">%d", p.Total)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// peer runs the usual first version of the same queries.
func peer(ctx context.Context, db *sql.DB, reps int) ([]result, error) {
	page := func(where string, args []any, offset int) (int, string, error) {
		var total int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM shipments`+where, args...).Scan(&total); err != nil {
			return 0, "", err
		}
		rows, err := db.QueryContext(ctx, `SELECT body FROM shipments`+where+` ORDER BY created_at DESC LIMIT 50 OFFSET ?`, append(args, offset)...)
		if err != nil {
			return 0, "", err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return 0, "", err
			}
			n++
		}
		return n, fmt.Sprint(total), rows.Err()
	}
	likes := []string{"müller", "nowak", "王小", "ord-00123"}
	var out []result
	for _, c := range []struct {
		name  string
		where string
		args  func(i int) []any
		off   int
	}{
		{"newest first (admin)", "", func(int) []any { return nil }, 0},
		{"newest first, page 3", "", func(int) []any { return nil }, 100},
		{"status=import_customs_held", " WHERE status = ?", func(int) []any { return []any{"import_customs_held"} }, 0},
		{"destination=PL, product=ems", " WHERE dest_country = ? AND product = ?", func(int) []any { return []any{"PL", "ems"} }, 0},
		{"search (LIKE in body)", " WHERE lower(body) LIKE ?", func(i int) []any { return []any{"%" + strings.ToLower(likes[i%len(likes)]) + "%"} }, 0},
	} {
		r, err := measure(c.name, reps, func(i int) (int, string, error) { return page(c.where, c.args(i), c.off) })
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
