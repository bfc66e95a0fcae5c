package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
)

// CountShipments implements acceptance.Counter. It groups in SQL over the
// created_at index, so a day of a large post's volume is one range scan and
// a few hundred rows back, not millions of decoded shipments.
func (s *Store) CountShipments(ctx context.Context, from, to time.Time) ([]acceptance.Count, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT product, merchant, origin_office, dest_country, COUNT(*), COALESCE(SUM(weight_g), 0)
		FROM shipments WHERE created_at >= ? AND created_at < ?
		GROUP BY product, merchant, origin_office, dest_country`), s.t(from), s.t(to))
	if err != nil {
		return nil, s.wrap(err, "count shipments")
	}
	defer rows.Close()
	var out []acceptance.Count
	for rows.Next() {
		var c acceptance.Count
		var n, g int64
		if err := rows.Scan(&c.Product, &c.Merchant, &c.Office, &c.Destination, &n, &g); err != nil {
			return nil, s.wrap(err, "count shipments")
		}
		c.Shipments, c.WeightG = int(n), g
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "count shipments")
	}
	// Sorted here, not by ORDER BY: PostgreSQL's collation may order
	// "e-packet" and "ems" differently from SQLite's byte order.
	slices.SortFunc(out, func(a, b acceptance.Count) int {
		return cmp.Or(strings.Compare(a.Product, b.Product), strings.Compare(a.Merchant, b.Merchant),
			strings.Compare(a.Office, b.Office), strings.Compare(a.Destination, b.Destination))
	})
	return out, nil
}
