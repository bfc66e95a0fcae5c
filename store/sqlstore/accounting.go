package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// PutTariffVersion implements accounting.Store.
func (s *Store) PutTariffVersion(ctx context.Context, v accounting.TariffVersion) error {
	files := make(map[string]string, len(v.Files))
	for name, b := range v.Files {
		files[name] = string(b) // validated UTF-8 text
	}
	fj, err := json.Marshal(files)
	if err != nil {
		return fmt.Errorf("encode tariff files: %w", err)
	}
	rj, err := json.Marshal(v.Rows)
	if err != nil {
		return fmt.Errorf("encode tariff row counts: %w", err)
	}
	_, err = s.W.ExecContext(ctx, s.q(`INSERT INTO tariff_versions (version, description, imported_at, imported_by, sha256, rows_json, files)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), v.Version, v.Description, s.t(v.ImportedAt), v.ImportedBy, v.SHA256, string(rj), string(fj))
	return s.wrap(err, "store tariff version "+v.Version)
}

const tariffCols = `seq, version, description, imported_at, imported_by, sha256, rows_json`

func (s *Store) scanTariff(sc interface{ Scan(...any) error }, v *accounting.TariffVersion, files *string) error {
	var rows string
	dst := []any{&v.Seq, &v.Version, &v.Description, s.scanTime(&v.ImportedAt), &v.ImportedBy, &v.SHA256, &rows}
	if files != nil {
		dst = append(dst, files)
	}
	if err := sc.Scan(dst...); err != nil {
		return err
	}
	return json.Unmarshal([]byte(rows), &v.Rows)
}

// TariffVersions implements accounting.Store.
func (s *Store) TariffVersions(ctx context.Context) ([]accounting.TariffVersion, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT `+tariffCols+` FROM tariff_versions ORDER BY seq DESC`)
	if err != nil {
		return nil, s.wrap(err, "list tariff versions")
	}
	defer rows.Close()
	out := []accounting.TariffVersion{}
	for rows.Next() {
		var v accounting.TariffVersion
		if err := s.scanTariff(rows, &v, nil); err != nil {
			return nil, s.wrap(err, "list tariff versions")
		}
		out = append(out, v)
	}
	return out, s.wrap(rows.Err(), "list tariff versions")
}

// TariffVersion implements accounting.Store.
func (s *Store) TariffVersion(ctx context.Context, version string) (accounting.TariffVersion, error) {
	query := `SELECT ` + tariffCols + `, files FROM tariff_versions WHERE version = ?`
	args := []any{version}
	if version == "" {
		query, args = `SELECT `+tariffCols+`, files FROM tariff_versions ORDER BY seq DESC LIMIT 1`, nil
	}
	var v accounting.TariffVersion
	var files string
	err := s.scanTariff(s.R.QueryRowContext(ctx, s.q(query), args...), &v, &files)
	if errors.Is(err, sql.ErrNoRows) {
		if version == "" {
			return v, postal.Errorf(postal.CodeNotFound, "no tariff version is loaded")
		}
		return v, postal.Errorf(postal.CodeNotFound, "no tariff version %q", version)
	}
	if err != nil {
		return v, s.wrap(err, "read tariff version "+version)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(files), &m); err != nil {
		return v, fmt.Errorf("decode files of tariff version %s: %w", v.Version, err)
	}
	v.Files = make(map[string][]byte, len(m))
	for name, text := range m {
		v.Files[name] = []byte(text)
	}
	return v, nil
}

const entryCols = `seq, charge_key, revision, posted_at, at, kind, category, debtor, creditor, amount_minor, currency, items, weight_g,
	item, dispatch, consignment, service, merchant, origin, dest, product, tariff_version, tariff_row, rate, reason, basis`

// AppendEntries implements accounting.Store.
func (s *Store) AppendEntries(ctx context.Context, entries []accounting.Entry) ([]accounting.Entry, error) {
	if len(entries) == 0 {
		return []accounting.Entry{}, nil
	}
	out := make([]accounting.Entry, len(entries))
	now := time.Now().UTC()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO ledger_entries (charge_key, revision, posted_at, at, kind, category, debtor, creditor,
			amount_minor, currency, items, weight_g, item, dispatch, consignment, service, merchant, origin, dest, product,
			tariff_version, tariff_row, rate, reason, basis)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`))
		if err != nil {
			return s.wrap(err, "prepare ledger insert")
		}
		defer stmt.Close()
		for i, e := range entries {
			if e.PostedAt.IsZero() {
				e.PostedAt = now
			}
			c := e.Charge
			err := stmt.QueryRowContext(ctx, e.Key, e.Revision, s.t(e.PostedAt), s.t(c.At), string(c.Kind), c.Category, string(c.Debtor), string(c.Creditor),
				accounting.ToMinor(c.Amount, c.Currency), c.Currency, c.Items, c.WeightG, c.Item, c.Dispatch, c.Consignment, c.Service,
				c.Merchant, c.Origin, c.Dest, c.Product, c.TariffVersion, c.TariffRow, c.Rate, e.Reason, c.Basis).Scan(&e.Seq)
			if err != nil {
				return s.wrap(err, fmt.Sprintf("post ledger entry %s revision %d", e.Key, e.Revision))
			}
			e.PostedAt = e.PostedAt.UTC().Truncate(time.Microsecond)
			e.Amount = accounting.Round(e.Amount, e.Currency)
			out[i] = e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Entries implements accounting.Store.
func (s *Store) Entries(ctx context.Context, f accounting.EntryFilter) ([]accounting.Entry, string, error) {
	query := `SELECT ` + entryCols + ` FROM ledger_entries WHERE seq > ?`
	args := []any{f.After}
	if f.Desc && f.Before > 0 {
		query += ` AND seq < ?`
		args = append(args, f.Before)
	}
	if !f.From.IsZero() {
		query += ` AND at >= ?`
		args = append(args, s.t(f.From))
	}
	if !f.To.IsZero() {
		query += ` AND at < ?`
		args = append(args, s.t(f.To))
	}
	if f.Party != "" {
		query += ` AND (debtor = ? OR creditor = ?)`
		args = append(args, string(f.Party), string(f.Party))
	}
	for _, c := range []struct{ col, v string }{{"kind", string(f.Kind)}, {"item", f.Item}, {"charge_key", f.Key}, {"currency", f.Currency}} {
		if c.v != "" {
			query += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if f.Through > 0 {
		query += ` AND seq <= ?`
		args = append(args, f.Through)
	}
	query += ` ORDER BY seq`
	if f.Desc {
		query += ` DESC`
	}
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit+1)
	}
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", s.wrap(err, "list ledger entries")
	}
	defer rows.Close()
	out := []accounting.Entry{}
	for rows.Next() {
		if f.Limit > 0 && len(out) == f.Limit {
			if f.Desc {
				return out, paging.EncodeKey(paging.Key{Sort: accounting.EntrySortNewest, Seq: out[len(out)-1].Seq}), rows.Close()
			}
			return out, paging.EncodeCursor(out[len(out)-1].Seq), rows.Close()
		}
		var e accounting.Entry
		var kind, debtor, creditor string
		var minor int64
		if err := rows.Scan(&e.Seq, &e.Key, &e.Revision, s.scanTime(&e.PostedAt), s.scanTime(&e.At), &kind, &e.Category, &debtor, &creditor,
			&minor, &e.Currency, &e.Items, &e.WeightG, &e.Item, &e.Dispatch, &e.Consignment, &e.Service, &e.Merchant, &e.Origin,
			&e.Dest, &e.Product, &e.TariffVersion, &e.TariffRow, &e.Rate, &e.Reason, &e.Basis); err != nil {
			return nil, "", s.wrap(err, "list ledger entries")
		}
		e.Kind, e.Debtor, e.Creditor = accounting.Kind(kind), accounting.Party(debtor), accounting.Party(creditor)
		e.Amount = accounting.FromMinor(minor, e.Currency)
		out = append(out, e)
	}
	return out, "", s.wrap(rows.Err(), "list ledger entries")
}

// ItemFacts implements accounting.Store: the shipments accepted in
// [from, to), oldest first.
func (s *Store) ItemFacts(ctx context.Context, from, to time.Time) ([]accounting.ItemFact, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT body FROM shipments WHERE created_at >= ? AND created_at < ? ORDER BY created_at, seq`),
		s.t(from), s.t(to))
	if err != nil {
		return nil, s.wrap(err, "list accepted items")
	}
	defer rows.Close()
	var out []accounting.ItemFact
	for rows.Next() {
		var body []byte
		if err := rows.Scan(&body); err != nil {
			return nil, s.wrap(err, "list accepted items")
		}
		var sh acceptance.Shipment
		if err := json.Unmarshal(body, &sh); err != nil {
			return nil, fmt.Errorf("decode shipment: %w", err)
		}
		out = append(out, accounting.FactOf(sh))
	}
	return out, s.wrap(rows.Err(), "list accepted items")
}
