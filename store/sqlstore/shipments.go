package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/interpost/interpost/acceptance"
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
		var seq int64
		err = tx.QueryRowContext(ctx, s.q(insertShipment),
			string(sh.ID), sh.Merchant, sh.MerchantRef, sh.Product, sh.Status, sh.OriginOffice,
			sh.Addressee.Country, sh.WeightG, s.t(sh.CreatedAt), s.t(sh.CreatedAt), string(body)).Scan(&seq)
		if err != nil {
			return s.wrap(err, "insert shipment "+string(id))
		}
		if err := s.insertTerms(ctx, tx, appendTerms(nil, seq, sh)); err != nil {
			return err
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
