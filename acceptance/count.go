package acceptance

import (
	"context"
	"fmt"
	"time"

	"github.com/interpost/interpost/paging"
)

// Count is how many shipments one combination of product, merchant, origin
// office and destination country had in a period, and their gross weight.
type Count struct {
	Product     string
	Merchant    string
	Office      string // origin office of exchange
	Destination string // addressee country
	Shipments   int
	WeightG     int64
}

// Counter counts shipments by period without reading them one by one; the
// operator console's overview and trend charts read it.
type Counter interface {
	// CountShipments counts the shipments created in [from, to), one Count
	// per product, merchant, origin office and destination country that has
	// any, sorted by those four. An empty period gives no counts and no error.
	CountShipments(ctx context.Context, from, to time.Time) ([]Count, error)
}

// CountShipments counts the shipments created in [from, to) as Counter
// does: through the store's Counter when it has one, else by reading the
// period's shipments page by page. The counts are aggregates with no
// personal data; callers decide who may see which of them.
func (s *Service) CountShipments(ctx context.Context, from, to time.Time) ([]Count, error) {
	if counter, ok := s.Store.(Counter); ok {
		return counter.CountShipments(ctx, from, to)
	}
	type key struct{ p, m, o, d string }
	sums := map[key]*Count{}
	var after int64
	for {
		page, next, err := s.Store.Shipments(ctx, Filter{Since: from, After: after, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, sh := range page {
			if !sh.CreatedAt.Before(to) {
				continue
			}
			k := key{sh.Product, sh.Merchant, sh.OriginOffice, sh.Addressee.Country}
			n := sums[k]
			if n == nil {
				n = &Count{Product: k.p, Merchant: k.m, Office: k.o, Destination: k.d}
				sums[k] = n
			}
			n.Shipments++
			n.WeightG += int64(sh.WeightG)
		}
		if next == "" {
			break
		}
		if after, err = paging.DecodeCursor(next); err != nil {
			return nil, fmt.Errorf("count shipments: %w", err)
		}
	}
	out := make([]Count, 0, len(sums))
	for _, n := range sums {
		out = append(out, *n)
	}
	return out, nil
}
