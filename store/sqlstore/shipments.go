package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// CreateShipment implements acceptance.Store.
func (s *Store) CreateShipment(ctx context.Context, n acceptance.NewShipment) (acceptance.Shipment, bool, error) {
	sh, created, err := s.createShipment(ctx, n)
	if n.IdempotencyKey != "" && postal.ErrorCode(err) == postal.CodeConflict && !errors.Is(err, acceptance.ErrIdempotencyMismatch) {
		// A concurrent request with the same key committed first (possible
		// on PostgreSQL, where writers don't queue): return its shipment.
		return s.createShipment(ctx, n)
	}
	return sh, created, err
}

func (s *Store) createShipment(ctx context.Context, n acceptance.NewShipment) (acceptance.Shipment, bool, error) {
	var out acceptance.Shipment
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if n.IdempotencyKey != "" {
			var hash, id string
			err := tx.QueryRowContext(ctx, s.q(`SELECT request_hash, shipment_id FROM idempotency_keys WHERE merchant = ? AND key = ?`),
				n.Shipment.Merchant, n.IdempotencyKey).Scan(&hash, &id)
			switch {
			case err == nil:
				if hash != n.RequestHash {
					return acceptance.ErrIdempotencyMismatch
				}
				sh, err := s.shipment(ctx, tx, id)
				out = sh
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return s.wrap(err, "look up idempotency key")
			}
		}
		id, err := s.allocate(ctx, tx, n.Indicators, n.Country)
		if err != nil {
			return err
		}
		sh := n.Shipment
		sh.ID = id
		body, err := json.Marshal(sh)
		if err != nil {
			return fmt.Errorf("encode shipment %s: %w", id, err)
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO shipments
			(id, merchant, merchant_ref, product, status, origin_office, dest_country, weight_g, created_at, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			string(sh.ID), sh.Merchant, sh.MerchantRef, sh.Product, sh.Status, sh.OriginOffice,
			sh.Addressee.Country, sh.WeightG, s.t(sh.CreatedAt), string(body))
		if err != nil {
			return s.wrap(err, "insert shipment "+string(id))
		}
		if n.IdempotencyKey != "" {
			_, err = tx.ExecContext(ctx, s.q(`INSERT INTO idempotency_keys (merchant, key, request_hash, shipment_id, created_at)
				VALUES (?, ?, ?, ?, ?)`), sh.Merchant, n.IdempotencyKey, n.RequestHash, string(sh.ID), s.t(sh.CreatedAt))
			if err != nil {
				return s.wrap(err, "record idempotency key")
			}
		}
		out, created = sh, true
		return nil
	})
	if err != nil && created {
		created = false
	}
	return out, created, err
}

// AllocateS10 implements acceptance.Store.
func (s *Store) AllocateS10(ctx context.Context, indicators []string, country string) (postal.S10, error) {
	var id postal.S10
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.allocate(ctx, tx, indicators, country)
		return err
	})
	return id, err
}

func (s *Store) allocate(ctx context.Context, tx *sql.Tx, indicators []string, country string) (postal.S10, error) {
	return acceptance.AllocateS10(indicators, country, func(ind string) (uint32, bool, error) {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO s10_series (indicator, country, next_serial) VALUES (?, ?, 0)
			ON CONFLICT (indicator, country) DO NOTHING`), ind, country); err != nil {
			return 0, false, s.wrap(err, "open S10 range")
		}
		var serial int64
		err := tx.QueryRowContext(ctx, s.q(`UPDATE s10_series SET next_serial = next_serial + 1
			WHERE indicator = ? AND country = ? AND next_serial <= ? RETURNING next_serial - 1`),
			ind, country, acceptance.MaxSerial).Scan(&serial)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, s.wrap(err, "bump S10 serial")
		}
		return uint32(serial), true, nil
	})
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) shipment(ctx context.Context, q querier, id string) (acceptance.Shipment, error) {
	var body []byte
	var status string
	err := q.QueryRowContext(ctx, s.q(`SELECT body, status FROM shipments WHERE id = ?`), id).Scan(&body, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return acceptance.Shipment{}, postal.Errorf(postal.CodeNotFound, "no shipment %s", id)
	}
	if err != nil {
		return acceptance.Shipment{}, s.wrap(err, "read shipment "+id)
	}
	var sh acceptance.Shipment
	if err := json.Unmarshal(body, &sh); err != nil {
		return acceptance.Shipment{}, fmt.Errorf("decode shipment %s: %w", id, err)
	}
	sh.Status = status // kept by the tracking projector; the body has the status at creation
	return sh, nil
}

// Shipment implements acceptance.Store.
func (s *Store) Shipment(ctx context.Context, id postal.S10) (acceptance.Shipment, error) {
	return s.shipment(ctx, s.R, string(id))
}

// Shipments implements acceptance.Store.
func (s *Store) Shipments(ctx context.Context, f acceptance.Filter) ([]acceptance.Shipment, string, error) {
	query := `SELECT seq, body, status FROM shipments WHERE seq > ?`
	args := []any{f.After}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, f.Status)
	}
	if f.Merchant != "" {
		query += ` AND merchant = ?`
		args = append(args, f.Merchant)
	}
	if !f.Since.IsZero() {
		query += ` AND created_at >= ?`
		args = append(args, s.t(f.Since))
	}
	query += ` ORDER BY seq LIMIT ?`
	args = append(args, f.Limit+1)
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list shipments")
	}
	defer rows.Close()
	var out []acceptance.Shipment
	var last int64
	for rows.Next() {
		var body []byte
		var seq int64
		var status string
		if err := rows.Scan(&seq, &body, &status); err != nil {
			return nil, "", s.wrap(err, "list shipments")
		}
		if len(out) == f.Limit {
			return out, paging.EncodeCursor(last), rows.Close()
		}
		var sh acceptance.Shipment
		if err := json.Unmarshal(body, &sh); err != nil {
			return nil, "", fmt.Errorf("decode shipment at %d: %w", seq, err)
		}
		sh.Status = status
		out = append(out, sh)
		last = seq
	}
	return out, "", s.wrap(rows.Err(), "list shipments")
}

// PutMerchant implements acceptance.Store.
func (s *Store) PutMerchant(ctx context.Context, m acceptance.Merchant) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO merchants (code, name, office, country, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, office = excluded.office, country = excluded.country`),
		m.Code, m.Name, m.Office, m.Country, s.t(m.CreatedAt))
	return s.wrap(err, "save merchant "+m.Code)
}

// Merchant implements acceptance.Store.
func (s *Store) Merchant(ctx context.Context, code string) (acceptance.Merchant, error) {
	m := acceptance.Merchant{}
	err := s.R.QueryRowContext(ctx, s.q(`SELECT code, name, office, country, created_at FROM merchants WHERE code = ?`), code).
		Scan(&m.Code, &m.Name, &m.Office, &m.Country, s.scanTime(&m.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return m, postal.Errorf(postal.CodeNotFound, "no merchant %q", code)
	}
	return m, s.wrap(err, "read merchant "+code)
}
