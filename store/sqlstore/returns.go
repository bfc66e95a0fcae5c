package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/returns"
	"github.com/interpost/interpost/warehouse"
)

const returnCols = `id, item, kind, direction, status, reason, merchant, partner, office, return_to, origin, dest, product, weight_g,
	created_at, created_by, received_at, received_office, closed_at, closed_office, signatory, warehouse, charge, charge_currency, charge_debtor`

// CreateReturn implements returns.Store.
func (s *Store) CreateReturn(ctx context.Context, r returns.Return) (returns.Return, bool, error) {
	res, err := s.W.ExecContext(ctx, s.q(`INSERT INTO returns (`+returnCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		r.ID, r.Item, string(r.Kind), string(r.Direction), string(r.Status), r.Reason, r.Merchant, r.Partner, r.Office, r.ReturnTo,
		r.Origin, r.Dest, r.Product, r.WeightG, s.t(r.CreatedAt), r.CreatedBy, s.optTime(r.ReceivedAt), r.ReceivedOffice,
		s.optTime(r.ClosedAt), r.ClosedOffice, r.Signatory, r.Warehouse, r.Charge, r.ChargeCurrency, r.ChargeDebtor)
	if err != nil {
		return returns.Return{}, false, s.wrap(err, "add return "+r.ID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return returns.Return{}, false, s.wrap(err, "add return "+r.ID)
	}
	got, err := s.returnWhere(ctx, s.R, `item = ?`, r.Item)
	return got, n > 0, err
}

// Return implements returns.Store.
func (s *Store) Return(ctx context.Context, id string) (returns.Return, error) {
	return s.returnWhere(ctx, s.R, `id = ?`, id)
}

func (s *Store) returnWhere(ctx context.Context, q rowsQuerier, where string, arg string) (returns.Return, error) {
	r, err := s.scanReturn(q.QueryRowContext(ctx, s.q(`SELECT `+returnCols+` FROM returns WHERE `+where), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return returns.Return{}, postal.Errorf(postal.CodeNotFound, "no return %s", postal.Quote(arg))
	}
	if err != nil {
		return returns.Return{}, s.wrap(err, "read return")
	}
	r.Lines, err = s.returnLines(ctx, q, r.ID)
	return r, err
}

func (s *Store) returnLines(ctx context.Context, q rowsQuerier, id string) ([]returns.Line, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT sku, resaleable, damaged FROM return_lines WHERE return_id = ? ORDER BY sku`), id)
	if err != nil {
		return nil, s.wrap(err, "read return lines")
	}
	defer rows.Close()
	var out []returns.Line
	for rows.Next() {
		var l returns.Line
		if err := rows.Scan(&l.SKU, &l.Resaleable, &l.Damaged); err != nil {
			return nil, s.wrap(err, "read return lines")
		}
		out = append(out, l)
	}
	return out, s.wrap(rows.Err(), "read return lines")
}

func (s *Store) scanReturn(row interface{ Scan(...any) error }) (returns.Return, error) {
	var r returns.Return
	var kind, dir, status string
	received, closed := nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&r.ID, &r.Item, &kind, &dir, &status, &r.Reason, &r.Merchant, &r.Partner, &r.Office, &r.ReturnTo, &r.Origin, &r.Dest,
		&r.Product, &r.WeightG, s.scanTime(&r.CreatedAt), &r.CreatedBy, &received, &r.ReceivedOffice, &closed, &r.ClosedOffice,
		&r.Signatory, &r.Warehouse, &r.Charge, &r.ChargeCurrency, &r.ChargeDebtor)
	r.Kind, r.Direction, r.Status = returns.Kind(kind), returns.Direction(dir), returns.Status(status)
	r.ReceivedAt, r.ClosedAt = received.Time, closed.Time
	return r, err
}

// Returns implements returns.Store.
func (s *Store) Returns(ctx context.Context, f returns.Filter) ([]returns.Return, error) {
	query := `SELECT ` + returnCols + ` FROM returns WHERE 1 = 1`
	var args []any
	for _, c := range []struct{ col, val string }{{"merchant", f.Merchant}, {"partner", f.Partner}, {"kind", string(f.Kind)},
		{"direction", string(f.Direction)}, {"status", string(f.Status)}} {
		if c.val != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.val)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	query += ` ORDER BY created_at DESC, id LIMIT ?`
	args = append(args, limit)
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, "list returns")
	}
	var out []returns.Return
	for rows.Next() {
		r, err := s.scanReturn(rows)
		if err != nil {
			rows.Close()
			return nil, s.wrap(err, "list returns")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, s.wrap(err, "list returns")
	}
	rows.Close()
	for i := range out {
		if out[i].Status == returns.StatusRestocked {
			if out[i].Lines, err = s.returnLines(ctx, s.R, out[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// UpdateReturn implements returns.Store.
func (s *Store) UpdateReturn(ctx context.Context, r returns.Return) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return s.updateReturn(ctx, tx, r) })
}

func (s *Store) updateReturn(ctx context.Context, tx *sql.Tx, r returns.Return) error {
	res, err := tx.ExecContext(ctx, s.q(`UPDATE returns SET status = ?, received_at = ?, received_office = ?, closed_at = ?,
		closed_office = ?, signatory = ?, warehouse = ?, charge = ?, charge_currency = ?, charge_debtor = ? WHERE id = ?`),
		string(r.Status), s.optTime(r.ReceivedAt), r.ReceivedOffice, s.optTime(r.ClosedAt), r.ClosedOffice, r.Signatory, r.Warehouse,
		r.Charge, r.ChargeCurrency, r.ChargeDebtor, r.ID)
	if err != nil {
		return s.wrap(err, "update return "+r.ID)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return s.wrap(err, "update return "+r.ID)
		}
		return postal.Errorf(postal.CodeNotFound, "no return %s", r.ID)
	}
	return nil
}

// RestockReturn implements returns.Store: the return, its inspection and
// the resaleable units back in stock, in one transaction.
func (s *Store) RestockReturn(ctx context.Context, r returns.Return) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.updateReturn(ctx, tx, r); err != nil {
			return err
		}
		for _, l := range r.Lines {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO return_lines (return_id, sku, resaleable, damaged) VALUES (?, ?, ?, ?)`),
				r.ID, l.SKU, l.Resaleable, l.Damaged); err != nil {
				return s.wrap(err, "inspection of "+r.ID)
			}
			if l.Resaleable == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO stock (warehouse, merchant, sku, bin, on_hand, reserved) VALUES (?, ?, ?, '', ?, 0)
				ON CONFLICT (warehouse, merchant, sku) DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand`),
				r.Warehouse, r.Merchant, l.SKU, l.Resaleable); err != nil {
				return s.wrap(err, "restock "+l.SKU)
			}
			if err := s.move(ctx, tx, warehouse.Movement{At: r.ClosedAt, Warehouse: r.Warehouse, Merchant: r.Merchant, SKU: l.SKU,
				OnHandDelta: l.Resaleable, Reason: warehouse.ReasonReturn, Ref: r.ID}); err != nil {
				return err
			}
		}
		return nil
	})
}
