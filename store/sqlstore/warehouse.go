package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// rowsQuerier is what both *sql.DB and *sql.Tx offer for reads.
type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// forUpdate locks the selected rows until the transaction ends, where the
// backend needs row locks (Dialect.LockRows).
func (s *Store) forUpdate() string {
	return s.Dialect.LockRows("", false)
}

// in returns "?, ?, …" for n values.
func in(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// warehouseBody is the stored JSON of a warehouse.
type warehouseBody struct {
	Address warehouse.Address    `json:"address"`
	Serves  []warehouse.Coverage `json:"serves"`
	Zones   []warehouse.Zone     `json:"zones"`
}

// PutWarehouse implements warehouse.CatalogStore.
func (s *Store) PutWarehouse(ctx context.Context, w warehouse.Warehouse) error {
	body, err := json.Marshal(warehouseBody{Address: w.Address, Serves: w.Serves, Zones: w.Zones})
	if err != nil {
		return fmt.Errorf("encode warehouse %s: %w", w.Code, err)
	}
	_, err = s.W.ExecContext(ctx, s.q(`INSERT INTO warehouses (code, kind, updated_at, body) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, updated_at = excluded.updated_at, body = excluded.body`),
		w.Code, string(w.Kind), s.t(w.UpdatedAt), string(body))
	return s.wrap(err, "save warehouse "+w.Code)
}

const warehouseSelect = `SELECT w.code, w.kind, w.updated_at, w.body, COALESCE(o.name, ''), COALESCE(o.country, ''), COALESCE(o.tz, '')
	FROM warehouses w LEFT JOIN offices o ON o.code = w.code`

func (s *Store) scanWarehouse(row interface{ Scan(...any) error }) (warehouse.Warehouse, error) {
	var w warehouse.Warehouse
	var kind string
	var body []byte
	if err := row.Scan(&w.Code, &kind, s.scanTime(&w.UpdatedAt), &body, &w.Name, &w.Country, &w.TZ); err != nil {
		return w, err
	}
	w.Kind = warehouse.Kind(kind)
	var b warehouseBody
	if err := json.Unmarshal(body, &b); err != nil {
		return w, fmt.Errorf("decode warehouse %s: %w", w.Code, err)
	}
	w.Address, w.Serves, w.Zones = b.Address, b.Serves, b.Zones
	return w, nil
}

// Warehouse implements warehouse.CatalogStore.
func (s *Store) Warehouse(ctx context.Context, code string) (warehouse.Warehouse, error) {
	w, err := s.scanWarehouse(s.R.QueryRowContext(ctx, s.q(warehouseSelect+` WHERE w.code = ?`), code))
	if errors.Is(err, sql.ErrNoRows) {
		return w, postal.Errorf(postal.CodeNotFound, "no warehouse %q", code)
	}
	return w, s.wrap(err, "read warehouse "+code)
}

// Warehouses implements warehouse.CatalogStore.
func (s *Store) Warehouses(ctx context.Context) ([]warehouse.Warehouse, error) {
	rows, err := s.R.QueryContext(ctx, warehouseSelect+` ORDER BY w.code`)
	if err != nil {
		return nil, s.wrap(err, "list warehouses")
	}
	defer rows.Close()
	var out []warehouse.Warehouse
	for rows.Next() {
		w, err := s.scanWarehouse(rows)
		if err != nil {
			return nil, s.wrap(err, "list warehouses")
		}
		out = append(out, w)
	}
	return out, s.wrap(rows.Err(), "list warehouses")
}

// PutSKUs implements warehouse.CatalogStore.
func (s *Store) PutSKUs(ctx context.Context, skus []warehouse.SKU) error {
	checked := map[string]bool{}
	for _, k := range skus {
		if !checked[k.Merchant] {
			if _, err := s.Merchant(ctx, k.Merchant); err != nil {
				return err
			}
			checked[k.Merchant] = true
		}
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO skus (merchant, code, description, hs_code, unit_weight_g, unit_value, currency, origin_country, dangerous, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (merchant, code) DO UPDATE SET description = excluded.description, hs_code = excluded.hs_code,
			unit_weight_g = excluded.unit_weight_g, unit_value = excluded.unit_value, currency = excluded.currency,
			origin_country = excluded.origin_country, dangerous = excluded.dangerous, updated_at = excluded.updated_at`))
		if err != nil {
			return s.wrap(err, "prepare SKU upsert")
		}
		defer stmt.Close()
		for _, k := range skus {
			if _, err := stmt.ExecContext(ctx, k.Merchant, k.Code, k.Description, k.HSCode, k.UnitWeightG, k.UnitValue, k.Currency,
				k.OriginCountry, k.DangerousGoods, s.t(k.UpdatedAt)); err != nil {
				return s.wrap(err, "save SKU "+k.Merchant+"/"+k.Code)
			}
		}
		return nil
	})
}

// SKUs implements warehouse.CatalogStore.
func (s *Store) SKUs(ctx context.Context, merchant string, codes ...string) ([]warehouse.SKU, error) {
	query := `SELECT merchant, code, description, hs_code, unit_weight_g, unit_value, currency, origin_country, dangerous, updated_at
		FROM skus WHERE merchant = ?`
	args := []any{merchant}
	if len(codes) > 0 {
		query += ` AND code IN (` + in(len(codes)) + `)`
		for _, c := range codes {
			args = append(args, c)
		}
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` ORDER BY code`), args...)
	if err != nil {
		return nil, s.wrap(err, "list SKUs")
	}
	defer rows.Close()
	var out []warehouse.SKU
	for rows.Next() {
		var k warehouse.SKU
		if err := rows.Scan(&k.Merchant, &k.Code, &k.Description, &k.HSCode, &k.UnitWeightG, &k.UnitValue, &k.Currency,
			&k.OriginCountry, &k.DangerousGoods, s.scanTime(&k.UpdatedAt)); err != nil {
			return nil, s.wrap(err, "list SKUs")
		}
		out = append(out, k)
	}
	return out, s.wrap(rows.Err(), "list SKUs")
}

// move appends a ledger entry.
func (s *Store) move(ctx context.Context, tx *sql.Tx, m warehouse.Movement) error {
	insert, _ := s.stmt(ctx, tx, sqlMove)
	_, err := insert(s.t(m.At), m.Warehouse, m.Merchant, m.SKU, m.OnHandDelta, m.ReservedDelta, string(m.Reason), m.Ref)
	return s.wrap(err, "record stock movement")
}

const sqlMove = `INSERT INTO stock_movements (at, warehouse, merchant, sku, on_hand_delta, reserved_delta, reason, ref)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
