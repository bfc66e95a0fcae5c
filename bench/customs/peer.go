package main

import (
	"strings"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/network"
)

type networkOffice = network.Office

// naivePeer screens like a straightforward implementation would: every rule
// against every line (prefix and substring tests), and every watch-list name
// and alias against each party by Jaro–Winkler on the normalised full name.
// The watch list is normalised once, up front, as any sane peer would.
// It returns declarations per second on one goroutine.
func naivePeer(_ *risk.Engine, rf *risk.RuleFile, ds []customs.Declaration) float64 {
	var names []string
	for _, w := range rf.Watchlist {
		names = append(names, risk.NormalizeName(w.Name))
		for _, a := range w.Aliases {
			names = append(names, risk.NormalizeName(a))
		}
	}
	hits := 0
	start := time.Now()
	for i := range ds {
		d := &ds[i]
		for _, r := range rf.Rules {
			for _, ln := range d.Lines {
				for _, p := range r.HS {
					if strings.HasPrefix(ln.HSCode, p) {
						hits++
					}
				}
				desc := strings.ToLower(ln.Description)
				for _, k := range r.Keywords {
					if strings.Contains(desc, strings.ToLower(strings.TrimSuffix(k, "*"))) {
						hits++
					}
				}
			}
		}
		parties := []string{d.Sender.Name, d.Addressee.Name}
		if d.Ecommerce != nil {
			parties = append(parties, d.Ecommerce.Seller.Name)
		}
		for _, p := range parties {
			q := risk.NormalizeName(p)
			for _, n := range names {
				if jaroWinkler(q, n) >= 0.9 {
					hits++
				}
			}
		}
	}
	el := time.Since(start).Seconds()
	if hits < 0 {
		panic("unreachable: keeps the comparisons from being optimised away")
	}
	return float64(len(ds)) / el
}

func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(max(la, lb)/2-1, 0)
	ma, mb := make([]bool, la), make([]bool, lb)
	m := 0
	for i := range la {
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, k := 0, 0
	for i := range la {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	f := float64(m)
	j := (f/float64(la) + f/float64(lb) + (f-float64(t)/2)/f) / 3
	p := 0
	for p < min(4, la, lb) && a[p] == b[p] {
		p++
	}
	return j + float64(p)*0.1*(1-j)
}
