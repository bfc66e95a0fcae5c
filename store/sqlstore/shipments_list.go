package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// insertShipment stores a shipment and returns its position; status_at
// starts at its creation.
const insertShipment = `INSERT INTO shipments
	(id, merchant, merchant_ref, product, status, origin_office, dest_country, weight_g, created_at, status_at, body)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`

// termRow is one search key of a shipment, with the shipment's merchant and
// destination (they never change) so a search within either is one index
// range (migration 00032).
type termRow struct {
	seq            int64
	merchant, dest string
	term           acceptance.Term
}

func appendTerms(rows []termRow, seq int64, sh acceptance.Shipment) []termRow {
	for _, t := range sh.Terms() {
		rows = append(rows, termRow{seq, sh.Merchant, sh.Addressee.Country, t})
	}
	return rows
}

// termsPerInsert bounds one multi-row INSERT (5 parameters a row).
const termsPerInsert = 200

// insertTerms stores the search terms of shipments, many rows a statement.
func (s *Store) insertTerms(ctx context.Context, tx *sql.Tx, rows []termRow) error {
	for rest := rows; len(rest) > 0; {
		chunk := rest[:min(len(rest), termsPerInsert)]
		rest = rest[len(chunk):]
		args := make([]any, 0, 5*len(chunk))
		for _, r := range chunk {
			args = append(args, r.term.Key, r.seq, string(r.term.Kind), r.merchant, r.dest)
		}
		q := `INSERT INTO shipment_terms (term, seq, kind, merchant, dest) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(chunk)), ", ") + ` ON CONFLICT DO NOTHING`
		if _, err := tx.ExecContext(ctx, s.q(q), args...); err != nil {
			return s.wrap(err, "store shipment search terms")
		}
	}
	return nil
}

// sortColumns maps the list's sort names (acceptance.Sorts without "-") to
// columns; each has an index (column, seq).
var sortColumns = map[string]string{
	acceptance.SortCreated:     "seq",
	acceptance.SortUpdated:     "status_at",
	acceptance.SortWeight:      "weight_g",
	acceptance.SortDestination: "dest_country",
	acceptance.SortStatus:      "status",
}

// searchWithin names the column of shipment_terms a search of f is narrowed
// by: the merchant, else the destination (the shipment's own condition on
// it is then left out: the terms carry it), "" when f searches nothing or
// is neither.
func searchWithin(f acceptance.Filter) string {
	switch {
	case f.Search == "":
		return ""
	case f.Merchant != "":
		return "merchant"
	case f.Destination != "":
		return "dest"
	}
	return ""
}

// termsQuery is the search of f in shipment_terms: the positions of the
// shipments found, narrowed by searchWithin(f).
func termsQuery(f acceptance.Filter) (string, []any) {
	q, args := `SELECT seq FROM shipment_terms WHERE `, []any{}
	switch searchWithin(f) {
	case "merchant":
		q, args = q+`merchant = ? AND `, append(args, f.Merchant)
	case "dest":
		q, args = q+`dest = ? AND `, append(args, f.Destination)
	}
	// A prefix is the range [p, p + the highest code point): one index
	// range on both backends (PostgreSQL's column is COLLATE "C").
	return q + `term >= ? AND term < ?`, append(args, f.Search, f.Search+"\U0010FFFF")
}

// shipmentWhere turns the filter fields of f into SQL conditions.
func (s *Store) shipmentWhere(f acceptance.Filter) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	within := searchWithin(f)
	if f.Merchant != "" && within != "merchant" {
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
	if f.Product != "" {
		add(`product = ?`, f.Product)
	}
	if f.Destination != "" && within != "dest" {
		add(`dest_country = ?`, f.Destination)
	}
	if len(f.Offices) > 0 {
		a := make([]any, len(f.Offices))
		for i, o := range f.Offices {
			a[i] = o
		}
		add(`origin_office IN (`+placeholders(len(a))+`)`, a...)
	}
	if !f.StuckBefore.IsZero() {
		a := []any{s.t(f.StuckBefore)}
		for _, st := range acceptance.Final {
			a = append(a, st)
		}
		// COALESCE keeps the planners off the status_at index: stuck items
		// are many in a backlog, and walking the list's order and
		// skipping the others beats sorting every old status.
		add(`COALESCE(status_at, created_at) < ? AND status NOT IN (`+placeholders(len(acceptance.Final))+`)`, a...)
	}
	if f.Search != "" {
		q, a := termsQuery(f)
		add(`seq IN (`+q+`)`, a...)
	}
	return where, args
}

// Shipments implements acceptance.Store.
func (s *Store) Shipments(ctx context.Context, f acceptance.Filter) ([]acceptance.Shipment, string, error) {
	where, args := s.shipmentWhere(f)
	col, desc := "seq", false
	if f.Sort != "" {
		name := strings.TrimPrefix(f.Sort, "-")
		var ok bool
		if col, ok = sortColumns[name]; !ok {
			return nil, "", postal.Errorf(postal.CodeInvalid, "unknown shipments sort %q", f.Sort)
		}
		desc = strings.HasPrefix(f.Sort, "-")
	}
	cmp, dir := ">", "ASC"
	if desc {
		cmp, dir = "<", "DESC"
	}
	switch {
	case f.Sort == "":
		where = append(where, `seq > ?`)
		args = append(args, f.After)
	case f.Key != nil && col == "seq":
		where = append(where, `seq `+cmp+` ?`)
		args = append(args, f.Key.Seq)
	case f.Key != nil:
		v, err := s.keyValue(col, f.Key.Value)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(`+col+` `+cmp+` ? OR (`+col+` = ? AND seq `+cmp+` ?))`)
		args = append(args, v, v, f.Key.Seq)
	}
	query := `SELECT seq, body, status, ` + col + ` FROM shipments`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY ` + col + ` ` + dir
	if col != "seq" {
		query += `, seq ` + dir
	}
	query += ` LIMIT ?`
	args = append(args, f.Limit+1)
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list shipments")
	}
	defer rows.Close()
	var out []acceptance.Shipment
	var last paging.Key
	for rows.Next() {
		var body []byte
		var seq int64
		var status string
		var v any
		if err := rows.Scan(&seq, &body, &status, &v); err != nil {
			return nil, "", s.wrap(err, "list shipments")
		}
		if len(out) == f.Limit {
			if f.Sort == "" {
				return out, paging.EncodeCursor(last.Seq), rows.Close()
			}
			return out, paging.EncodeKey(last), rows.Close()
		}
		var sh acceptance.Shipment
		if err := json.Unmarshal(body, &sh); err != nil {
			return nil, "", fmt.Errorf("decode shipment at %d: %w", seq, err)
		}
		sh.Status = status
		out = append(out, sh)
		last = paging.Key{Sort: f.Sort, Seq: seq}
		if last.Value, err = s.keyText(col, v); err != nil {
			return nil, "", err
		}
	}
	return out, "", s.wrap(rows.Err(), "list shipments")
}

// keyText writes a sort column's value into a cursor.
func (s *Store) keyText(col string, v any) (string, error) {
	switch col {
	case "seq":
		return "", nil
	case "status_at":
		if v == nil {
			return "", nil
		}
		t, err := s.Dialect.ScanTime(v)
		if err != nil {
			return "", fmt.Errorf("read shipment status time: %w", err)
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	case "weight_g":
		switch n := v.(type) {
		case int64:
			return strconv.FormatInt(n, 10), nil
		case int32:
			return strconv.FormatInt(int64(n), 10), nil
		}
		return fmt.Sprint(v), nil
	}
	switch t := v.(type) {
	case string:
		return t, nil
	case []byte:
		return string(t), nil
	}
	return fmt.Sprint(v), nil
}

// keyValue reads a sort column's value back from a cursor.
func (s *Store) keyValue(col, text string) (any, error) {
	bad := postal.Invalid("bad cursor", postal.FieldError{Field: "cursor", Message: "not a cursor returned by this API"})
	switch col {
	case "status_at":
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return nil, bad
		}
		return s.t(t), nil
	case "weight_g":
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return nil, bad
		}
		return n, nil
	}
	return text, nil
}

// CountMatching implements acceptance.Store. Merchant and status alone are
// read from shipment_counts (kept by triggers); any other filter counts the
// matching rows, at most upTo+1 of them.
func (s *Store) CountMatching(ctx context.Context, f acceptance.Filter, upTo int) (int64, bool, error) {
	rest := f
	rest.Merchant, rest.Status, rest.After, rest.Sort, rest.Key, rest.Limit = "", "", 0, "", nil, 0
	if where, _ := s.shipmentWhere(rest); len(where) == 0 {
		var conds []string
		var args []any
		if f.Merchant != "" {
			conds, args = append(conds, `merchant = ?`), append(args, f.Merchant)
		}
		if f.Status != "" {
			conds, args = append(conds, `status = ?`), append(args, f.Status)
		}
		q := `SELECT COALESCE(SUM(n), 0) FROM shipment_counts`
		if len(conds) > 0 {
			q += ` WHERE ` + strings.Join(conds, ` AND `)
		}
		var n int64
		err := s.R.QueryRowContext(ctx, s.q(q), args...).Scan(&n)
		return n, true, s.wrap(err, "count shipments")
	}
	if termsOnly(f) {
		// A search alone, or within the merchant or the destination: count
		// in the terms index, without reading shipments.
		q, args := termsQuery(f)
		var n int64
		err := s.R.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT DISTINCT seq FROM (`+q+`) t LIMIT ?) m`), append(args, upTo+1)...).Scan(&n)
		if err != nil {
			return 0, false, s.wrap(err, "count shipments")
		}
		if n > int64(upTo) {
			return int64(upTo), false, nil
		}
		return n, true, nil
	}
	where, args := s.shipmentWhere(f)
	args = append(args, upTo+1)
	var n int64
	err := s.R.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM shipments WHERE `+strings.Join(where, ` AND `)+` LIMIT ?) m`), args...).Scan(&n)
	if err != nil {
		return 0, false, s.wrap(err, "count shipments")
	}
	if n > int64(upTo) {
		return int64(upTo), false, nil
	}
	return n, true, nil
}

// IndexShipmentTerms gives the shipments stored before migration 00023 their
// search terms, a batch a transaction; the stores call it when they open.
// It returns at once when there is nothing left to do.
func (s *Store) IndexShipmentTerms(ctx context.Context) error {
	for {
		var upto int64
		err := s.W.QueryRowContext(ctx, `SELECT upto FROM shipment_terms_backfill`).Scan(&upto)
		if err != nil {
			return s.wrap(err, "read search term backfill")
		}
		if upto <= 0 {
			return nil
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			var rows []termRow
			low, read := upto, 0
			err := s.each(ctx, tx, `SELECT seq, body FROM shipments WHERE seq <= ? ORDER BY seq DESC LIMIT 1000`, []any{upto}, func(r *sql.Rows) error {
				var seq int64
				var body []byte
				if err := r.Scan(&seq, &body); err != nil {
					return err
				}
				var sh acceptance.Shipment
				if err := json.Unmarshal(body, &sh); err != nil {
					return fmt.Errorf("decode shipment at %d: %w", seq, err)
				}
				rows = appendTerms(rows, seq, sh)
				low, read = seq, read+1
				return nil
			})
			if err != nil {
				return s.wrap(err, "read shipments to index")
			}
			if err := s.insertTerms(ctx, tx, rows); err != nil {
				return err
			}
			next := low - 1
			if read == 0 {
				next = 0
			}
			_, err = tx.ExecContext(ctx, s.q(`UPDATE shipment_terms_backfill SET upto = ?`), next)
			return s.wrap(err, "record search term backfill")
		})
		if err != nil {
			return err
		}
	}
}

// termsOnly reports whether f filters by a search and at most the one of
// merchant and destination its terms carry: shipment_terms alone answers it.
func termsOnly(f acceptance.Filter) bool {
	return f.Search != "" && f.Status == "" && f.Since.IsZero() && f.Until.IsZero() && f.Product == "" &&
		len(f.Offices) == 0 && f.StuckBefore.IsZero() && (f.Merchant == "" || f.Destination == "")
}
