package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/warehouse"
)

// Statements every order runs (prepared once on SQLite, see orderBatch).
const (
	sqlOrderKey     = `SELECT request_hash, order_id FROM order_keys WHERE merchant = ? AND key = ?`
	sqlOrderByRef   = `SELECT id FROM orders WHERE merchant = ? AND merchant_order_id = ?`
	sqlReserve      = `UPDATE stock SET reserved = reserved + ? WHERE warehouse = ? AND merchant = ? AND sku = ? AND on_hand - reserved >= ?`
	sqlInsertOrder  = `INSERT INTO orders (id, merchant, merchant_order_id, status, created_at, body, dest_country, status_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`
	sqlInsertParcel = `INSERT INTO order_parcels (order_id, no, order_seq, warehouse, status, delivery_days, lines, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlInsertKey = `INSERT INTO order_keys (merchant, key, request_hash, order_id, created_at) VALUES (?, ?, ?, ?, ?)`
)

// orderBody is the stored JSON of an order: what never changes.
type orderBody struct {
	ServiceLevel warehouse.ServiceLevel `json:"service_level"`
	Buyer        acceptance.Party       `json:"buyer"`
	Lines        []warehouse.SKULine    `json:"lines"`
}

// stockLine is one stock row's share of a parcel.
type stockLine struct {
	warehouse, sku string
	qty            int
}

// parcelLines lists the stock rows parcels touch, in lock order.
func parcelLines(ps []warehouse.Parcel) []stockLine {
	var out []stockLine
	for _, p := range ps {
		for _, l := range p.Lines {
			out = append(out, stockLine{p.Warehouse, l.SKU, l.Quantity})
		}
	}
	slices.SortFunc(out, func(a, b stockLine) int {
		return cmp.Or(cmp.Compare(a.warehouse, b.warehouse), cmp.Compare(a.sku, b.sku))
	})
	return out
}

// errDuplicateRef is a merchant order id already stored.
var errDuplicateRef = postal.Errorf(postal.CodeConflict, "merchant order id already used")

// CreateOrder implements warehouse.OrderStore.
func (s *Store) CreateOrder(ctx context.Context, n warehouse.NewOrder) (warehouse.Order, bool, error) {
	o, created, err := s.createOrder(ctx, n)
	if n.IdempotencyKey != "" && postal.ErrorCode(err) == postal.CodeConflict &&
		!errors.Is(err, warehouse.ErrOrderKeyMismatch) && !errors.Is(err, warehouse.ErrInsufficientStock) {
		// A concurrent request with the same key committed first (possible
		// on PostgreSQL, where writers don't queue): return its order.
		o, created, err = s.createOrder(ctx, n)
	}
	if errors.Is(err, errDuplicateRef) {
		var first string
		if err := s.R.QueryRowContext(ctx, s.q(sqlOrderByRef), n.Order.Merchant, n.Order.MerchantOrderID).Scan(&first); err != nil {
			return warehouse.Order{}, false, s.wrap(err, "look up merchant order id")
		}
		return warehouse.Order{}, false, &postal.Error{Code: postal.CodeConflict, Message: "merchant order id already used", Fields: []postal.FieldError{{
			Field: "merchant_order_id", Message: fmt.Sprintf("%s is already order %s", n.Order.MerchantOrderID, first)}}}
	}
	return o, created, err
}

func (s *Store) createOrder(ctx context.Context, n warehouse.NewOrder) (warehouse.Order, bool, error) {
	if s.W.Stats().MaxOpenConnections == 1 {
		return s.orders.add(ctx, s, n)
	}
	var out warehouse.Order
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, created, err = s.createOrderTx(ctx, tx, n)
		return err
	})
	if err != nil {
		return warehouse.Order{}, false, err
	}
	return out, created, nil
}

// createOrderTx reserves and stores one order inside tx.
func (s *Store) createOrderTx(ctx context.Context, tx *sql.Tx, n warehouse.NewOrder) (warehouse.Order, bool, error) {
	o := n.Order
	if n.IdempotencyKey != "" {
		var hash, id string
		_, row := s.stmt(ctx, tx, sqlOrderKey)
		err := row(o.Merchant, n.IdempotencyKey).Scan(&hash, &id)
		switch {
		case err == nil && hash != n.RequestHash:
			return warehouse.Order{}, false, warehouse.ErrOrderKeyMismatch
		case err == nil:
			out, err := s.order(ctx, tx, id, false)
			return out, false, err
		case !errors.Is(err, sql.ErrNoRows):
			return warehouse.Order{}, false, s.wrap(err, "look up order key")
		}
	}
	for _, l := range parcelLines(o.Parcels) {
		// The conditional update is the reservation: it takes the row
		// lock on PostgreSQL and re-checks availability on the row's
		// latest version, so concurrent orders never oversell.
		reserve, _ := s.stmt(ctx, tx, sqlReserve)
		res, err := reserve(l.qty, l.warehouse, o.Merchant, l.sku, l.qty)
		if err != nil {
			return warehouse.Order{}, false, s.wrap(err, "reserve "+l.sku)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return warehouse.Order{}, false, errors.Join(warehouse.Short(l.warehouse, o.Merchant, l.sku, l.qty), err)
		}
		if err := s.move(ctx, tx, warehouse.Movement{At: o.CreatedAt, Warehouse: l.warehouse, Merchant: o.Merchant, SKU: l.sku,
			ReservedDelta: l.qty, Reason: warehouse.ReasonReserve, Ref: o.ID}); err != nil {
			return warehouse.Order{}, false, err
		}
	}
	body, err := json.Marshal(orderBody{ServiceLevel: o.ServiceLevel, Buyer: o.Buyer, Lines: o.Lines})
	if err != nil {
		return warehouse.Order{}, false, fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	o.Status = warehouse.StatusOf(o.Parcels)
	var seq int64
	_, insert := s.stmt(ctx, tx, sqlInsertOrder)
	if err := insert(o.ID, o.Merchant, o.MerchantOrderID, o.Status, s.t(o.CreatedAt), string(body), o.Buyer.Country, s.t(o.CreatedAt)).Scan(&seq); err != nil {
		if s.Dialect.IsUnique(err) {
			// UNIQUE (merchant, merchant_order_id): CreateOrder names the
			// first order once this transaction is gone.
			return warehouse.Order{}, false, errDuplicateRef
		}
		return warehouse.Order{}, false, s.wrap(err, "insert order "+o.ID)
	}
	for _, p := range o.Parcels {
		lines, err := json.Marshal(p.Lines)
		if err != nil {
			return warehouse.Order{}, false, fmt.Errorf("encode parcel lines: %w", err)
		}
		insert, _ := s.stmt(ctx, tx, sqlInsertParcel)
		if _, err := insert(o.ID, p.No, seq, p.Warehouse, string(p.Status), p.DeliveryDays, string(lines), s.t(p.UpdatedAt)); err != nil {
			return warehouse.Order{}, false, s.wrap(err, "insert parcel of "+o.ID)
		}
	}
	if err := s.insertOrderTerms(ctx, tx, seq, o); err != nil {
		return warehouse.Order{}, false, err
	}
	if n.IdempotencyKey != "" {
		insert, _ := s.stmt(ctx, tx, sqlInsertKey)
		if _, err := insert(o.Merchant, n.IdempotencyKey, n.RequestHash, o.ID, s.t(o.CreatedAt)); err != nil {
			return warehouse.Order{}, false, s.wrap(err, "record order key")
		}
	}
	return o, true, nil
}

// order reads an order with its parcels; lock takes the parcels' row locks.
func (s *Store) order(ctx context.Context, q rowsQuerier, id string, lock bool) (warehouse.Order, error) {
	var o warehouse.Order
	var body []byte
	err := q.QueryRowContext(ctx, s.q(`SELECT id, merchant, merchant_order_id, status, created_at, body FROM orders WHERE id = ?`), id).
		Scan(&o.ID, &o.Merchant, &o.MerchantOrderID, &o.Status, s.scanTime(&o.CreatedAt), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return o, postal.Errorf(postal.CodeNotFound, "no order %s", id)
	}
	if err != nil {
		return o, s.wrap(err, "read order "+id)
	}
	if err := decodeOrder(&o, body); err != nil {
		return o, err
	}
	query := `SELECT order_id, no, warehouse, status, delivery_days, lines, pick_list, item_id, updated_at FROM order_parcels WHERE order_id = ? ORDER BY no`
	if lock {
		query += s.forUpdate()
	}
	ps, err := s.parcels(ctx, q, query, id)
	o.Parcels = ps[id]
	return o, err
}

func decodeOrder(o *warehouse.Order, body []byte) error {
	var b orderBody
	if err := json.Unmarshal(body, &b); err != nil {
		return fmt.Errorf("decode order %s: %w", o.ID, err)
	}
	o.ServiceLevel, o.Buyer, o.Lines = b.ServiceLevel, b.Buyer, b.Lines
	return nil
}

// parcels runs a parcel query and groups the rows by order id.
func (s *Store) parcels(ctx context.Context, q rowsQuerier, query string, args ...any) (map[string][]warehouse.Parcel, error) {
	rows, err := q.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, "read parcels")
	}
	defer rows.Close()
	out := map[string][]warehouse.Parcel{}
	for rows.Next() {
		var p warehouse.Parcel
		var order, status, item string
		var lines []byte
		if err := rows.Scan(&order, &p.No, &p.Warehouse, &status, &p.DeliveryDays, &lines, &p.PickList, &item, s.scanTime(&p.UpdatedAt)); err != nil {
			return nil, s.wrap(err, "read parcels")
		}
		p.Status, p.ItemID = warehouse.ParcelStatus(status), postal.S10(item)
		if err := json.Unmarshal(lines, &p.Lines); err != nil {
			return nil, fmt.Errorf("decode parcel %s/%d: %w", order, p.No, err)
		}
		out[order] = append(out[order], p)
	}
	return out, s.wrap(rows.Err(), "read parcels")
}

// Order implements warehouse.OrderStore.
func (s *Store) Order(ctx context.Context, id string) (warehouse.Order, error) {
	return s.order(ctx, s.R, id, false)
}

// OrderByKey implements warehouse.OrderStore.
func (s *Store) OrderByKey(ctx context.Context, merchant, key string) (warehouse.Order, string, error) {
	var hash, id string
	err := s.R.QueryRowContext(ctx, s.q(`SELECT request_hash, order_id FROM order_keys WHERE merchant = ? AND key = ?`), merchant, key).Scan(&hash, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return warehouse.Order{}, "", postal.Errorf(postal.CodeNotFound, "no order with this key")
	}
	if err != nil {
		return warehouse.Order{}, "", s.wrap(err, "look up order key")
	}
	o, err := s.order(ctx, s.R, id, false)
	return o, hash, err
}

// Orders implements warehouse.OrderStore: oldest first after f.After when
// f.Sort is "", else the orders list in f.Sort order after f.Key.
func (s *Store) Orders(ctx context.Context, f warehouse.OrderFilter) ([]warehouse.Order, string, error) {
	col, desc := "seq", false
	var where []string
	var args []any
	if f.Sort == "" {
		for _, c := range []struct{ col, v string }{{"merchant", f.Merchant}, {"status", f.Status}} {
			if c.v != "" {
				where, args = append(where, c.col+` = ?`), append(args, c.v)
			}
		}
		where, args = append(where, `seq > ?`), append(args, f.After)
	} else {
		var ok bool
		if col, ok = orderSortColumns[strings.TrimPrefix(f.Sort, "-")]; !ok {
			return nil, "", postal.Errorf(postal.CodeInvalid, "unknown orders sort %q", f.Sort)
		}
		desc = strings.HasPrefix(f.Sort, "-")
		where, args = s.orderWhere(f)
		cmp := ">"
		if desc {
			cmp = "<"
		}
		switch {
		case f.Key != nil && col == "seq":
			where, args = append(where, `seq `+cmp+` ?`), append(args, f.Key.Seq)
		case f.Key != nil:
			v, err := s.keyValue(col, f.Key.Value)
			if err != nil {
				return nil, "", err
			}
			where = append(where, `(`+col+` `+cmp+` ? OR (`+col+` = ? AND seq `+cmp+` ?))`)
			args = append(args, v, v, f.Key.Seq)
		}
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	query := `SELECT seq, id, merchant, merchant_order_id, status, created_at, body, ` + col + ` FROM orders`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY ` + col + ` ` + dir
	if col != "seq" {
		query += `, seq ` + dir
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` LIMIT ?`), append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", s.wrap(err, "list orders")
	}
	defer rows.Close()
	var out []warehouse.Order
	var last paging.Key
	next := ""
	for rows.Next() {
		var o warehouse.Order
		var seq int64
		var body []byte
		var v any
		if err := rows.Scan(&seq, &o.ID, &o.Merchant, &o.MerchantOrderID, &o.Status, s.scanTime(&o.CreatedAt), &body, &v); err != nil {
			return nil, "", s.wrap(err, "list orders")
		}
		if len(out) == f.Limit {
			if f.Sort == "" {
				next = paging.EncodeCursor(last.Seq)
			} else {
				next = paging.EncodeKey(last)
			}
			break
		}
		if err := decodeOrder(&o, body); err != nil {
			return nil, "", err
		}
		out = append(out, o)
		last = paging.Key{Sort: f.Sort, Seq: seq}
		if last.Value, err = s.keyText(col, v); err != nil {
			return nil, "", err
		}
	}
	if err := rows.Close(); err != nil {
		return nil, "", s.wrap(err, "list orders")
	}
	if len(out) == 0 {
		return out, next, nil
	}
	ids := make([]any, len(out))
	for i, o := range out {
		ids[i] = o.ID
	}
	ps, err := s.parcels(ctx, s.R, `SELECT order_id, no, warehouse, status, delivery_days, lines, pick_list, item_id, updated_at
		FROM order_parcels WHERE order_id IN (`+in(len(ids))+`) ORDER BY order_id, no`, ids...)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].Parcels = ps[out[i].ID]
	}
	return out, next, nil
}

// setOrderStatus stores the status derived from the order's parcels.
func (s *Store) setOrderStatus(ctx context.Context, tx *sql.Tx, o *warehouse.Order) error {
	o.Status = warehouse.StatusOf(o.Parcels)
	_, err := tx.ExecContext(ctx, s.q(`UPDATE orders SET status = ?, status_at = `+orderStatusAt+` WHERE id = ?`), o.Status, o.ID)
	return s.wrap(err, "update order "+o.ID)
}

// CancelOrder implements warehouse.OrderStore.
func (s *Store) CancelOrder(ctx context.Context, id string, at time.Time) (warehouse.Order, error) {
	var out warehouse.Order
	err := s.tx(ctx, func(tx *sql.Tx) error {
		o, err := s.order(ctx, tx, id, true)
		if err != nil {
			return err
		}
		out = o
		if o.Status == warehouse.OrderCancelled {
			return nil // replay
		}
		for _, p := range o.Parcels {
			if p.Status != warehouse.ParcelReserved {
				return postal.Errorf(postal.CodeConflict, "order %s can't be cancelled: parcel %d at %s is %s (cancellation is possible until it is picked)", id, p.No, p.Warehouse, p.Status)
			}
		}
		for _, l := range parcelLines(o.Parcels) {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE stock SET reserved = reserved - ? WHERE warehouse = ? AND merchant = ? AND sku = ? AND reserved >= ?`),
				l.qty, l.warehouse, o.Merchant, l.sku, l.qty)
			if err := rowChanged(res, err); err != nil {
				return s.wrap(err, fmt.Sprintf("release %s/%s at %s", o.Merchant, l.sku, l.warehouse))
			}
			if err := s.move(ctx, tx, warehouse.Movement{At: at, Warehouse: l.warehouse, Merchant: o.Merchant, SKU: l.sku,
				ReservedDelta: -l.qty, Reason: warehouse.ReasonRelease, Ref: o.ID}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE order_parcels SET status = ?, updated_at = ? WHERE order_id = ?`),
			string(warehouse.ParcelCancelled), s.t(at), id); err != nil {
			return s.wrap(err, "cancel parcels of "+id)
		}
		for i := range o.Parcels {
			o.Parcels[i].Status, o.Parcels[i].UpdatedAt = warehouse.ParcelCancelled, at
		}
		out = o
		return s.setOrderStatus(ctx, tx, &out)
	})
	return out, err
}

// rowChanged turns "no row matched" into an error: a stock row that must
// exist and hold the reserved units did not (the ledger would be wrong).
func rowChanged(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return errors.New("stock row missing or holding fewer reserved units than the order")
	}
	return nil
}

// CreatePickList implements warehouse.OrderStore.
func (s *Store) CreatePickList(ctx context.Context, wh string, max int, at time.Time, build func([]warehouse.PickParcel) warehouse.PickList) (warehouse.PickList, error) {
	var pl warehouse.PickList
	err := s.tx(ctx, func(tx *sql.Tx) error {
		query := `SELECT p.order_id, p.no, p.warehouse, p.status, p.delivery_days, p.lines, p.pick_list, p.item_id, p.updated_at
			FROM order_parcels p WHERE p.warehouse = ? AND p.status = ? ORDER BY p.order_seq, p.no LIMIT ?`
		// Two nodes making pick lists at once take different parcels.
		query += s.Dialect.LockRows("", true)
		byOrder, err := s.parcels(ctx, tx, query, wh, string(warehouse.ParcelReserved), max)
		if err != nil {
			return err
		}
		if len(byOrder) == 0 {
			return postal.Errorf(postal.CodeNotFound, "warehouse %s: %w", wh, warehouse.ErrNothingToPick)
		}
		ids := make([]any, 0, len(byOrder))
		for id := range byOrder {
			ids = append(ids, id)
		}
		merchants, err := s.orderMerchants(ctx, tx, ids)
		if err != nil {
			return err
		}
		bins, err := s.bins(ctx, tx, wh, merchants)
		if err != nil {
			return err
		}
		var ps []warehouse.PickParcel
		for id, list := range byOrder {
			m := merchants[id]
			for _, p := range list {
				ps = append(ps, warehouse.PickParcel{Order: id, Merchant: m, Parcel: p, Bins: bins[m]})
			}
		}
		slices.SortFunc(ps, func(a, b warehouse.PickParcel) int {
			return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.Parcel.No, b.Parcel.No))
		})
		pl = build(ps)
		pl.CreatedAt = at
		body, err := json.Marshal(pl)
		if err != nil {
			return fmt.Errorf("encode pick list %s: %w", pl.ID, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO pick_lists (id, warehouse, created_at, body) VALUES (?, ?, ?, ?)`),
			pl.ID, wh, s.t(at), string(body)); err != nil {
			return s.wrap(err, "insert pick list")
		}
		// An order has at most one parcel per warehouse, so the order ids
		// name the parcels taken; each of those orders is now picking.
		args := append([]any{string(warehouse.ParcelPicking), pl.ID, s.t(at), wh}, ids...)
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE order_parcels SET status = ?, pick_list = ?, updated_at = ?
			WHERE warehouse = ? AND order_id IN (`+in(len(ids))+`)`), args...); err != nil {
			return s.wrap(err, "mark parcels picking")
		}
		args = append([]any{warehouse.OrderPicking}, ids...)
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE orders SET status = ?, status_at = `+orderStatusAt+` WHERE id IN (`+in(len(ids))+`)`), args...); err != nil {
			return s.wrap(err, "mark orders picking")
		}
		return nil
	})
	return pl, err
}

func (s *Store) orderMerchants(ctx context.Context, q rowsQuerier, ids []any) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, s.q(`SELECT id, merchant FROM orders WHERE id IN (`+in(len(ids))+`)`), ids...)
	if err != nil {
		return nil, s.wrap(err, "read order merchants")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, m string
		if err := rows.Scan(&id, &m); err != nil {
			return nil, s.wrap(err, "read order merchants")
		}
		out[id] = m
	}
	return out, s.wrap(rows.Err(), "read order merchants")
}

// bins returns merchant → SKU → bin at a warehouse for the given merchants.
func (s *Store) bins(ctx context.Context, q rowsQuerier, wh string, merchants map[string]string) (map[string]map[string]string, error) {
	args := []any{wh}
	seen := map[string]bool{}
	for _, m := range merchants {
		if !seen[m] {
			seen[m] = true
			args = append(args, m)
		}
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT merchant, sku, bin FROM stock WHERE warehouse = ? AND merchant IN (`+in(len(args)-1)+`)`), args...)
	if err != nil {
		return nil, s.wrap(err, "read bins")
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var m, sku, bin string
		if err := rows.Scan(&m, &sku, &bin); err != nil {
			return nil, s.wrap(err, "read bins")
		}
		if out[m] == nil {
			out[m] = map[string]string{}
		}
		out[m][sku] = bin
	}
	return out, s.wrap(rows.Err(), "read bins")
}

// PickList implements warehouse.OrderStore.
func (s *Store) PickList(ctx context.Context, id string) (warehouse.PickList, error) {
	var body []byte
	err := s.R.QueryRowContext(ctx, s.q(`SELECT body FROM pick_lists WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return warehouse.PickList{}, postal.Errorf(postal.CodeNotFound, "no pick list %s", id)
	}
	if err != nil {
		return warehouse.PickList{}, s.wrap(err, "read pick list "+id)
	}
	var pl warehouse.PickList
	if err := json.Unmarshal(body, &pl); err != nil {
		return pl, fmt.Errorf("decode pick list %s: %w", id, err)
	}
	return pl, nil
}

// PackParcel implements warehouse.OrderStore.
func (s *Store) PackParcel(ctx context.Context, id string, no int, item string, at time.Time) (warehouse.Order, error) {
	var out warehouse.Order
	err := s.tx(ctx, func(tx *sql.Tx) error {
		o, err := s.order(ctx, tx, id, true)
		if err != nil {
			return err
		}
		out = o
		if no < 1 || no > len(o.Parcels) {
			return postal.Errorf(postal.CodeNotFound, "order %s has no parcel %d", id, no)
		}
		p := &o.Parcels[no-1]
		switch {
		case p.Status == warehouse.ParcelPacked && string(p.ItemID) == item:
			return nil // replay
		case p.Status != warehouse.ParcelPicking:
			return postal.Errorf(postal.CodeConflict, "parcel %d of order %s is %s, not picking", no, id, p.Status)
		}
		ref := id + "/" + strconv.Itoa(no)
		for _, l := range parcelLines([]warehouse.Parcel{*p}) {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ?
				WHERE warehouse = ? AND merchant = ? AND sku = ? AND reserved >= ?`), l.qty, l.qty, l.warehouse, o.Merchant, l.sku, l.qty)
			if err := rowChanged(res, err); err != nil {
				return s.wrap(err, fmt.Sprintf("ship %s/%s at %s", o.Merchant, l.sku, l.warehouse))
			}
			if err := s.move(ctx, tx, warehouse.Movement{At: at, Warehouse: l.warehouse, Merchant: o.Merchant, SKU: l.sku,
				OnHandDelta: -l.qty, ReservedDelta: -l.qty, Reason: warehouse.ReasonShip, Ref: ref}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE order_parcels SET status = ?, item_id = ?, updated_at = ? WHERE order_id = ? AND no = ?`),
			string(warehouse.ParcelPacked), item, s.t(at), id, no); err != nil {
			return s.wrap(err, "mark parcel packed")
		}
		p.Status, p.ItemID, p.UpdatedAt = warehouse.ParcelPacked, postal.S10(item), at
		out = o
		return s.setOrderStatus(ctx, tx, &out)
	})
	return out, err
}
