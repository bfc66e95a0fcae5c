package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/warehouse"
)

// Stock rows are always locked in (warehouse, merchant, SKU) order, so two
// transactions touching the same rows can't deadlock on PostgreSQL.

func sortedReceipt(lines []warehouse.ReceiptLine) []warehouse.ReceiptLine {
	out := slices.Clone(lines)
	slices.SortFunc(out, func(a, b warehouse.ReceiptLine) int { return cmp.Compare(a.SKU, b.SKU) })
	return out
}

// Stock implements warehouse.StockStore.
func (s *Store) Stock(ctx context.Context, f warehouse.StockFilter, skus ...string) ([]warehouse.Stock, error) {
	query := `SELECT warehouse, merchant, sku, bin, on_hand, reserved FROM stock WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, v string }{{"warehouse", f.Warehouse}, {"merchant", f.Merchant}, {"sku", f.SKU}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if len(skus) > 0 {
		query += ` AND sku IN (` + in(len(skus)) + `)`
		for _, k := range skus {
			args = append(args, k)
		}
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` ORDER BY warehouse, merchant, sku`), args...)
	if err != nil {
		return nil, s.wrap(err, "list stock")
	}
	defer rows.Close()
	var out []warehouse.Stock
	for rows.Next() {
		var r warehouse.Stock
		if err := rows.Scan(&r.Warehouse, &r.Merchant, &r.SKU, &r.Bin, &r.OnHand, &r.Reserved); err != nil {
			return nil, s.wrap(err, "list stock")
		}
		r.Available = r.OnHand - r.Reserved
		out = append(out, r)
	}
	return out, s.wrap(rows.Err(), "list stock")
}

// Movements implements warehouse.StockStore.
func (s *Store) Movements(ctx context.Context, f warehouse.MovementFilter) ([]warehouse.Movement, string, error) {
	query := `SELECT seq, at, warehouse, merchant, sku, on_hand_delta, reserved_delta, reason, ref FROM stock_movements WHERE seq > ?`
	args := []any{f.After}
	for _, c := range []struct{ col, v string }{{"warehouse", f.Warehouse}, {"merchant", f.Merchant}, {"sku", f.SKU}, {"ref", f.Ref}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` ORDER BY seq LIMIT ?`), append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", s.wrap(err, "list stock movements")
	}
	defer rows.Close()
	var out []warehouse.Movement
	for rows.Next() {
		var m warehouse.Movement
		var reason string
		if err := rows.Scan(&m.Seq, s.scanTime(&m.At), &m.Warehouse, &m.Merchant, &m.SKU, &m.OnHandDelta, &m.ReservedDelta, &reason, &m.Ref); err != nil {
			return nil, "", s.wrap(err, "list stock movements")
		}
		if len(out) == f.Limit {
			return out, paging.EncodeCursor(out[len(out)-1].Seq), rows.Close()
		}
		m.Reason = warehouse.Reason(reason)
		out = append(out, m)
	}
	return out, "", s.wrap(rows.Err(), "list stock movements")
}

// VerifyLedger implements warehouse.StockStore.
func (s *Store) VerifyLedger(ctx context.Context) ([]warehouse.LedgerMismatch, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT s.warehouse, s.merchant, s.sku, s.on_hand, s.reserved, COALESCE(m.on_hand, 0), COALESCE(m.reserved, 0)
		FROM stock s LEFT JOIN (
			SELECT warehouse, merchant, sku, SUM(on_hand_delta) AS on_hand, SUM(reserved_delta) AS reserved
			FROM stock_movements GROUP BY warehouse, merchant, sku) m
		ON m.warehouse = s.warehouse AND m.merchant = s.merchant AND m.sku = s.sku
		WHERE s.on_hand <> COALESCE(m.on_hand, 0) OR s.reserved <> COALESCE(m.reserved, 0)
		ORDER BY s.warehouse, s.merchant, s.sku`)
	if err != nil {
		return nil, s.wrap(err, "verify stock ledger")
	}
	defer rows.Close()
	out := []warehouse.LedgerMismatch{}
	for rows.Next() {
		var m warehouse.LedgerMismatch
		if err := rows.Scan(&m.Warehouse, &m.Merchant, &m.SKU, &m.OnHand, &m.Reserved, &m.LedgerOnHand, &m.LedgerReserved); err != nil {
			return nil, s.wrap(err, "verify stock ledger")
		}
		out = append(out, m)
	}
	return out, s.wrap(rows.Err(), "verify stock ledger")
}

// RecordCount implements warehouse.StockStore.
func (s *Store) RecordCount(ctx context.Context, c warehouse.CycleCount) (warehouse.CycleCount, error) {
	c.Lines = slices.Clone(c.Lines)
	order := make([]int, len(c.Lines))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(c.Lines[a].Merchant, c.Lines[b].Merchant), cmp.Compare(c.Lines[a].SKU, c.Lines[b].SKU))
	})
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, i := range order {
			l := &c.Lines[i]
			var onHand, reserved int
			err := tx.QueryRowContext(ctx, s.q(`SELECT on_hand, reserved, bin FROM stock WHERE warehouse = ? AND merchant = ? AND sku = ?`+s.forUpdate()),
				c.Warehouse, l.Merchant, l.SKU).Scan(&onHand, &reserved, &l.Bin)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if l.Counted > 0 {
					if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO stock (warehouse, merchant, sku, on_hand, reserved) VALUES (?, ?, ?, ?, 0)`),
						c.Warehouse, l.Merchant, l.SKU, l.Counted); err != nil {
						return s.wrap(err, "book count of "+l.SKU)
					}
				}
			case err != nil:
				return s.wrap(err, "read stock of "+l.SKU)
			case l.Counted < reserved:
				return warehouse.CountBelowReserved(i, *l, reserved)
			default:
				if _, err := tx.ExecContext(ctx, s.q(`UPDATE stock SET on_hand = ? WHERE warehouse = ? AND merchant = ? AND sku = ?`),
					l.Counted, c.Warehouse, l.Merchant, l.SKU); err != nil {
					return s.wrap(err, "book count of "+l.SKU)
				}
			}
			l.Expected, l.Adjustment = onHand, l.Counted-onHand
			if l.Adjustment != 0 {
				if err := s.move(ctx, tx, warehouse.Movement{At: c.CountedAt, Warehouse: c.Warehouse, Merchant: l.Merchant, SKU: l.SKU,
					OnHandDelta: l.Adjustment, Reason: warehouse.ReasonCount, Ref: c.ID}); err != nil {
					return err
				}
			}
		}
		body, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encode count %s: %w", c.ID, err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO cycle_counts (id, warehouse, counted_at, body) VALUES (?, ?, ?, ?)`),
			c.ID, c.Warehouse, s.t(c.CountedAt), string(body))
		return s.wrap(err, "save count "+c.ID)
	})
	return c, err
}

// Demand implements warehouse.StockStore.
func (s *Store) Demand(ctx context.Context, merchant string, since time.Time) ([]warehouse.Demand, error) {
	query := `SELECT warehouse, merchant, sku, SUM(reserved_delta) FROM stock_movements
		WHERE reason IN ('reserve', 'release') AND at >= ?`
	args := []any{s.t(since)}
	if merchant != "" {
		query += ` AND merchant = ?`
		args = append(args, merchant)
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` GROUP BY warehouse, merchant, sku ORDER BY warehouse, merchant, sku`), args...)
	if err != nil {
		return nil, s.wrap(err, "sum demand")
	}
	defer rows.Close()
	var out []warehouse.Demand
	for rows.Next() {
		var d warehouse.Demand
		if err := rows.Scan(&d.Warehouse, &d.Merchant, &d.SKU, &d.Units); err != nil {
			return nil, s.wrap(err, "sum demand")
		}
		out = append(out, d)
	}
	return out, s.wrap(rows.Err(), "sum demand")
}
