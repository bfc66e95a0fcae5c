package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/interpost/interpost/warehouse"
)

// orderStatusAt is when an order's status last changed: the latest change
// of one of its parcels (set with the status).
const orderStatusAt = `COALESCE((SELECT MAX(p.updated_at) FROM order_parcels p WHERE p.order_id = orders.id), created_at)`

// orderSortColumns maps the orders list's sort names (warehouse.OrderSorts
// without "-") to columns; each has an index (column, seq).
var orderSortColumns = map[string]string{
	warehouse.OrderSortCreated:     "seq",
	warehouse.OrderSortUpdated:     "status_at",
	warehouse.OrderSortStatus:      "status",
	warehouse.OrderSortDestination: "dest_country",
}

// insertOrderTerms stores the search keys of an order.
func (s *Store) insertOrderTerms(ctx context.Context, tx *sql.Tx, seq int64, o warehouse.Order) error {
	terms := o.Terms()
	if len(terms) == 0 {
		return nil
	}
	args := make([]any, 0, 3*len(terms))
	for _, t := range terms {
		args = append(args, t, seq, o.Merchant)
	}
	q := `INSERT INTO order_terms (term, seq, merchant) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(terms)), ", ") + ` ON CONFLICT DO NOTHING`
	_, err := tx.ExecContext(ctx, s.q(q), args...)
	return s.wrap(err, "store order search terms")
}

// orderTermsQuery is the search of f in order_terms, within f's merchant
// when it has one.
func orderTermsQuery(f warehouse.OrderFilter) (string, []any) {
	q, args := `SELECT seq FROM order_terms WHERE `, []any{}
	if f.Merchant != "" {
		q, args = q+`merchant = ? AND `, append(args, f.Merchant)
	}
	return q + `term >= ? AND term < ?`, append(args, f.Search, f.Search+"\U0010FFFF")
}

// orderWhere turns the filter fields of f into SQL conditions.
func (s *Store) orderWhere(f warehouse.OrderFilter) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	if f.Merchant != "" && f.Search == "" { // a search is narrowed by merchant in order_terms
		add(`merchant = ?`, f.Merchant)
	}
	if f.Status != "" {
		add(`status = ?`, f.Status)
	}
	if !f.Since.IsZero() {
		add(`created_at >= ?`, s.t(f.Since))
	}
	if !f.Until.IsZero() {
		add(`created_at < ?`, s.t(f.Until))
	}
	if f.Destination != "" {
		add(`dest_country = ?`, f.Destination)
	}
	if len(f.Warehouses) > 0 {
		a := make([]any, len(f.Warehouses))
		for i, w := range f.Warehouses {
			a[i] = w
		}
		add(`seq IN (SELECT order_seq FROM order_parcels WHERE warehouse IN (`+placeholders(len(a))+`))`, a...)
	}
	if !f.StuckBefore.IsZero() {
		add(`COALESCE(status_at, created_at) < ? AND status IN (?, ?)`, s.t(f.StuckBefore), warehouse.OrderReserved, warehouse.OrderPicking)
	}
	if f.Search != "" {
		q, a := orderTermsQuery(f)
		add(`seq IN (`+q+`)`, a...)
	}
	return where, args
}

// CountOrders implements warehouse.OrderStore: a walk of at most upTo+1
// matching rows (of order_terms alone for a search within a merchant), so
// a page view's count is bounded.
func (s *Store) CountOrders(ctx context.Context, f warehouse.OrderFilter, upTo int) (int64, bool, error) {
	var q string
	var args []any
	rest := f
	rest.Merchant, rest.Search, rest.After, rest.Sort, rest.Key, rest.Limit = "", "", 0, "", nil, 0
	if where, _ := s.orderWhere(rest); len(where) == 0 && f.Search != "" {
		t, a := orderTermsQuery(f)
		q, args = `SELECT DISTINCT seq FROM (`+t+`) t`, a
	} else {
		where, a := s.orderWhere(f)
		q, args = `SELECT 1 FROM orders`, a
		if len(where) > 0 {
			q += ` WHERE ` + strings.Join(where, ` AND `)
		}
	}
	var n int64
	err := s.R.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (`+q+` LIMIT ?) m`), append(args, upTo+1)...).Scan(&n)
	if err != nil {
		return 0, false, s.wrap(err, "count orders")
	}
	if n > int64(upTo) {
		return int64(upTo), false, nil
	}
	return n, true, nil
}

// IndexOrderTerms gives the orders stored before migration 00032 their
// search terms, a batch a transaction; the stores call it when they open.
// It returns at once when there is nothing left to do.
func (s *Store) IndexOrderTerms(ctx context.Context) error {
	for {
		var upto int64
		if err := s.W.QueryRowContext(ctx, `SELECT upto FROM order_terms_backfill`).Scan(&upto); err != nil {
			return s.wrap(err, "read order term backfill")
		}
		if upto <= 0 {
			return nil
		}
		err := s.tx(ctx, func(tx *sql.Tx) error {
			type row struct {
				seq int64
				o   warehouse.Order
			}
			var rows []row
			err := s.each(ctx, tx, `SELECT seq, id, merchant, merchant_order_id, body FROM orders WHERE seq <= ? ORDER BY seq DESC LIMIT 1000`, []any{upto}, func(r *sql.Rows) error {
				var x row
				var body []byte
				if err := r.Scan(&x.seq, &x.o.ID, &x.o.Merchant, &x.o.MerchantOrderID, &body); err != nil {
					return err
				}
				var b orderBody
				if err := json.Unmarshal(body, &b); err != nil {
					return fmt.Errorf("decode order %s: %w", x.o.ID, err)
				}
				x.o.Buyer = b.Buyer
				rows = append(rows, x)
				return nil
			})
			if err != nil {
				return s.wrap(err, "read orders to index")
			}
			for _, x := range rows {
				if err := s.insertOrderTerms(ctx, tx, x.seq, x.o); err != nil {
					return err
				}
			}
			next := int64(0)
			if len(rows) > 0 {
				next = rows[len(rows)-1].seq - 1
			}
			_, err = tx.ExecContext(ctx, s.q(`UPDATE order_terms_backfill SET upto = ?`), next)
			return s.wrap(err, "record order term backfill")
		})
		if err != nil {
			return err
		}
	}
}

// eraseOrderTerms keeps only the id terms of an erased order (its id and
// the merchant's order id): the buyer's name goes from the search.
func (s *Store) eraseOrderTerms(ctx context.Context, tx *sql.Tx, id string) error {
	o := warehouse.Order{ID: id}
	var seq int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT seq, merchant, merchant_order_id FROM orders WHERE id = ?`), id).Scan(&seq, &o.Merchant, &o.MerchantOrderID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return s.wrap(err, "read order "+id+" to erase its search terms")
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM order_terms WHERE seq = ?`), seq); err != nil {
		return s.wrap(err, "erase search terms of order "+id)
	}
	return s.insertOrderTerms(ctx, tx, seq, o)
}
