package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// CreateInbound implements warehouse.InboundStore.
func (s *Store) CreateInbound(ctx context.Context, in warehouse.Inbound) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode inbound %s: %w", in.ID, err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if in.Reference != "" {
			var first string
			err := tx.QueryRowContext(ctx, s.q(`SELECT id FROM inbounds WHERE merchant = ? AND reference = ?`), in.Merchant, in.Reference).Scan(&first)
			switch {
			case err == nil:
				return &postal.Error{Code: postal.CodeConflict, Message: "reference already booked",
					Fields: []postal.FieldError{{Field: "reference", Message: fmt.Sprintf("%s is already inbound %s of merchant %s", in.Reference, first, in.Merchant)}}}
			case !errors.Is(err, sql.ErrNoRows):
				return s.wrap(err, "look up inbound reference")
			}
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO inbounds (id, merchant, reference, warehouse, status, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			in.ID, in.Merchant, in.Reference, in.Warehouse, string(in.Status), s.t(in.CreatedAt), string(body))
		return s.wrap(err, "insert inbound "+in.ID)
	})
}

func (s *Store) inbound(ctx context.Context, q rowsQuerier, id string, lock bool) (warehouse.Inbound, error) {
	query := `SELECT body FROM inbounds WHERE id = ?`
	if lock {
		query += s.forUpdate()
	}
	var body []byte
	err := q.QueryRowContext(ctx, s.q(query), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return warehouse.Inbound{}, postal.Errorf(postal.CodeNotFound, "no inbound %s", id)
	}
	if err != nil {
		return warehouse.Inbound{}, s.wrap(err, "read inbound "+id)
	}
	var in warehouse.Inbound
	if err := json.Unmarshal(body, &in); err != nil {
		return in, fmt.Errorf("decode inbound %s: %w", id, err)
	}
	return in, nil
}

// Inbound implements warehouse.InboundStore.
func (s *Store) Inbound(ctx context.Context, id string) (warehouse.Inbound, error) {
	return s.inbound(ctx, s.R, id, false)
}

// Inbounds implements warehouse.InboundStore.
func (s *Store) Inbounds(ctx context.Context, f warehouse.InboundFilter) ([]warehouse.Inbound, string, error) {
	query := `SELECT seq, body FROM inbounds WHERE seq > ?`
	args := []any{f.After}
	for _, c := range []struct{ col, v string }{{"merchant", f.Merchant}, {"warehouse", f.Warehouse}, {"status", string(f.Status)}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` ORDER BY seq LIMIT ?`), append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", s.wrap(err, "list inbounds")
	}
	defer rows.Close()
	var out []warehouse.Inbound
	var last int64
	for rows.Next() {
		var seq int64
		var body []byte
		if err := rows.Scan(&seq, &body); err != nil {
			return nil, "", s.wrap(err, "list inbounds")
		}
		if len(out) == f.Limit {
			return out, paging.EncodeCursor(last), rows.Close()
		}
		var in warehouse.Inbound
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, "", fmt.Errorf("decode inbound at %d: %w", seq, err)
		}
		out = append(out, in)
		last = seq
	}
	return out, "", s.wrap(rows.Err(), "list inbounds")
}

func (s *Store) saveInbound(ctx context.Context, tx *sql.Tx, in warehouse.Inbound) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("encode inbound %s: %w", in.ID, err)
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE inbounds SET status = ?, body = ? WHERE id = ?`), string(in.Status), string(body), in.ID)
	return s.wrap(err, "save inbound "+in.ID)
}

// UpdateInbound implements warehouse.InboundStore.
func (s *Store) UpdateInbound(ctx context.Context, id string, change func(*warehouse.Inbound) error) (warehouse.Inbound, error) {
	var out warehouse.Inbound
	err := s.tx(ctx, func(tx *sql.Tx) error {
		in, err := s.inbound(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := change(&in); err != nil {
			return err
		}
		out = in
		return s.saveInbound(ctx, tx, in)
	})
	return out, err
}

// ReceiveInbound implements warehouse.InboundStore.
func (s *Store) ReceiveInbound(ctx context.Context, id string, at time.Time, receive func(*warehouse.Inbound) (bool, error)) (warehouse.Inbound, error) {
	var out warehouse.Inbound
	err := s.tx(ctx, func(tx *sql.Tx) error {
		in, err := s.inbound(ctx, tx, id, true)
		if err != nil {
			return err
		}
		apply, err := receive(&in)
		out = in
		if err != nil || !apply {
			return err
		}
		for _, l := range sortedReceipt(in.Receipt.Lines) {
			if l.Counted == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO stock (warehouse, merchant, sku, bin, on_hand, reserved) VALUES (?, ?, ?, ?, ?, 0)
				ON CONFLICT (warehouse, merchant, sku) DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand,
				bin = CASE WHEN stock.bin = '' THEN excluded.bin ELSE stock.bin END`),
				in.Warehouse, in.Merchant, l.SKU, l.Bin, l.Counted); err != nil {
				return s.wrap(err, "book receipt of "+l.SKU)
			}
			if err := s.move(ctx, tx, warehouse.Movement{At: at, Warehouse: in.Warehouse, Merchant: in.Merchant, SKU: l.SKU,
				OnHandDelta: l.Counted, Reason: warehouse.ReasonReceipt, Ref: in.ID}); err != nil {
				return err
			}
		}
		return s.saveInbound(ctx, tx, in)
	})
	return out, err
}
