package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/dispatch"
)

var _ accounting.DispatchFacts = (*Store)(nil)

// departedFrom and departedWhere select the dispatches (d) whose first leg
// (l) was carried by a consignment (c) whose departure, scheduled in
// [from, to), was recorded. CROSS JOIN keeps SQLite's join order
// (PostgreSQL plans it as an inner join): from the consignments of the
// period by their departure index, to their legs by
// dispatch_legs_consignment, to dispatches, receptacles and items by their
// keys and indexes, never a scan of every dispatch.
const departedFrom = `consignments c CROSS JOIN dispatch_legs l CROSS JOIN dispatches d`
const departedWhere = `l.consignment = c.id AND l.leg = 1 AND d.id = l.dispatch AND c.departure >= ? AND c.departure < ?
	AND c.departed_at IS NOT NULL AND l.departed_at IS NOT NULL`

// Departed implements accounting.DispatchFacts in five set-based queries
// over the period (consignments; the items each carried; dispatches with
// the count and gross weight of their receptacles; their departed legs;
// their items) and one per office of exchange and 500 items asked about.
func (s *Store) Departed(ctx context.Context, from, to time.Time, items []accounting.ItemFact) (accounting.Departed, error) {
	out := accounting.Departed{Left: map[string]bool{}}
	args := []any{s.t(from), s.t(to)}
	departs := map[string]time.Time{}
	err := s.each(ctx, s.R, `SELECT c.body FROM consignments c WHERE c.departure >= ? AND c.departure < ? AND c.departed_at IS NOT NULL
		ORDER BY c.departure, c.id`, args, func(rows *sql.Rows) error {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return err
		}
		var c dispatch.Consignment
		if err := json.Unmarshal(body, &c); err != nil {
			return fmt.Errorf("decode consignment: %w", err)
		}
		departs[c.ID] = c.Departure.UTC()
		out.Consignments = append(out.Consignments, accounting.ConsignmentFact{ID: c.ID, Service: c.Service, Departure: c.Departure.UTC(),
			Dispatches: c.Dispatches, GrossG: c.GrossWeightG})
		return nil
	})
	if err != nil {
		return out, s.wrap(err, "list departed consignments")
	}
	carried := map[string]int{}
	err = s.each(ctx, s.R, `SELECT l.consignment, SUM(d.items) FROM consignments c CROSS JOIN dispatch_legs l CROSS JOIN dispatches d
		WHERE l.consignment = c.id AND d.id = l.dispatch AND c.departure >= ? AND c.departure < ? AND c.departed_at IS NOT NULL
		GROUP BY l.consignment`, args, func(rows *sql.Rows) error {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		carried[id] = int(n)
		return nil
	})
	if err != nil {
		return out, s.wrap(err, "count the items of departed consignments")
	}
	for i := range out.Consignments {
		out.Consignments[i].Items = carried[out.Consignments[i].ID]
	}
	index := map[string]int{}
	err = s.each(ctx, s.R, `SELECT d.id, d.origin, d.destination, d.subclass, d.closed_at, l.consignment,
		COUNT(*), SUM(r.gross_weight_g)
		FROM `+departedFrom+` CROSS JOIN receptacles r
		WHERE r.dispatch = d.id AND `+departedWhere+`
		GROUP BY d.id, d.origin, d.destination, d.subclass, d.closed_at, l.consignment ORDER BY d.id`, args, func(rows *sql.Rows) error {
		var d accounting.DispatchFact
		var subclass string
		var receptacles, gross int64
		closed := nullTime{s: s}
		if err := rows.Scan(&d.ID, &d.Origin, &d.Dest, &subclass, &closed, &d.Consignment, &receptacles, &gross); err != nil {
			return err
		}
		d.ClosedAt, d.Receptacles, d.GrossG, d.Departure = closed.Time, int(receptacles), int(gross), departs[d.Consignment]
		if subclass != "" {
			d.Class = subclass[:1]
		}
		index[d.ID] = len(out.Dispatches)
		out.Dispatches = append(out.Dispatches, d)
		return nil
	})
	if err != nil {
		return out, s.wrap(err, "list departed dispatches")
	}
	// Every departed leg of those dispatches, whenever it departed.
	err = s.each(ctx, s.R, `SELECT n.dispatch, n.leg, n.receptacles, n.gross_weight_g, k.body
		FROM `+departedFrom+` CROSS JOIN dispatch_legs n CROSS JOIN consignments k
		WHERE `+departedWhere+` AND n.dispatch = d.id AND n.departed_at IS NOT NULL AND k.id = n.consignment
		ORDER BY n.dispatch, n.leg`, args, func(rows *sql.Rows) error {
		var id string
		var l accounting.LegFact
		var receptacles, gross int64
		var body []byte
		if err := rows.Scan(&id, &l.Leg, &receptacles, &gross, &body); err != nil {
			return err
		}
		var c dispatch.Consignment
		if err := json.Unmarshal(body, &c); err != nil {
			return fmt.Errorf("decode consignment: %w", err)
		}
		l.Consignment, l.Service, l.From, l.To, l.Departure, l.Arrival = c.ID, c.Service, c.Office, c.To, c.Departure.UTC(), c.Arrival.UTC()
		l.Receptacles, l.GrossG = int(receptacles), int(gross)
		if i, ok := index[id]; ok {
			out.Dispatches[i].Legs = append(out.Dispatches[i].Legs, l)
		}
		return nil
	})
	if err != nil {
		return out, s.wrap(err, "list the legs of departed dispatches")
	}
	for i := range out.Dispatches {
		d := &out.Dispatches[i]
		for _, l := range d.Legs {
			if l.To == d.Dest {
				break
			}
			if !slices.Contains(d.Transit, l.To) {
				d.Transit = append(d.Transit, l.To)
			}
			d.Reached, d.ReachedAt = l.To, l.Arrival
		}
		if n := len(d.Legs); n > 0 && d.Legs[n-1].To == d.Dest {
			d.Reached, d.ReachedAt = "", time.Time{}
		}
	}
	err = s.each(ctx, s.R, `SELECT d.id, ri.item FROM `+departedFrom+` CROSS JOIN receptacles r CROSS JOIN receptacle_items ri
		WHERE r.dispatch = d.id AND ri.receptacle = r.number AND ri.office = d.origin AND `+departedWhere+` ORDER BY d.id, ri.item`, args, func(rows *sql.Rows) error {
		var id, item string
		if err := rows.Scan(&id, &item); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out.Dispatches[i].Items = append(out.Dispatches[i].Items, item)
		}
		return nil
	})
	if err != nil {
		return out, s.wrap(err, "list the items of departed dispatches")
	}
	return out, s.leftItems(ctx, items, out.Left)
}

// leftItems marks the items that left their office of exchange in a
// departed dispatch, whenever it departed.
func (s *Store) leftItems(ctx context.Context, items []accounting.ItemFact, left map[string]bool) error {
	byOffice := map[string][]any{}
	for _, it := range items {
		byOffice[it.Origin] = append(byOffice[it.Origin], it.ID)
	}
	offices := make([]string, 0, len(byOffice))
	for o := range byOffice {
		offices = append(offices, o)
	}
	slices.Sort(offices)
	for _, office := range offices {
		ids := byOffice[office]
		for len(ids) > 0 {
			n := min(len(ids), 500)
			args := append([]any{office}, ids[:n]...)
			ids = ids[n:]
			err := s.each(ctx, s.R, `SELECT ri.item FROM receptacle_items ri JOIN receptacles r ON r.number = ri.receptacle
				JOIN dispatches d ON d.id = r.dispatch
				WHERE ri.office = ? AND ri.item IN (`+placeholders(n)+`) AND d.departed_at IS NOT NULL`, args, func(rows *sql.Rows) error {
				var item string
				if err := rows.Scan(&item); err != nil {
					return err
				}
				left[item] = true
				return nil
			})
			if err != nil {
				return s.wrap(err, "find the items that left in a dispatch")
			}
		}
	}
	return nil
}
