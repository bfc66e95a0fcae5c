package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
)

// PutCEBDocuments implements ceb.MatchStore.
func (s *Store) PutCEBDocuments(ctx context.Context, docs []ceb.Document) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, d := range docs {
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ceb_documents (seq, ckey, msg_guid, type, order_no, made_by, made_at, body)
				VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM ceb_documents), ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ckey) DO NOTHING`),
				d.Key, d.Message, d.Type, d.OrderNo, d.By, s.t(d.At), d.Body)
			if err != nil {
				return s.wrap(err, "store CEB document "+d.Key)
			}
			if n, err := res.RowsAffected(); err != nil {
				return s.wrap(err, "store CEB document "+d.Key)
			} else if n > 0 {
				added++
			}
		}
		return nil
	})
	return added, err
}

// CEBDocuments implements ceb.MatchStore.
func (s *Store) CEBDocuments(ctx context.Context, orderNo string) ([]ceb.Document, error) {
	var out []ceb.Document
	err := s.each(ctx, s.R, `SELECT ckey, msg_guid, type, order_no, made_by, made_at, body FROM ceb_documents WHERE order_no = ? ORDER BY seq`,
		[]any{orderNo}, func(rows *sql.Rows) error {
			var d ceb.Document
			err := rows.Scan(&d.Key, &d.Message, &d.Type, &d.OrderNo, &d.By, s.scanTime(&d.At), &d.Body)
			out = append(out, d)
			return err
		})
	return out, s.wrap(err, "read the CEB documents of order "+orderNo)
}

// CEBOrderRecords implements ceb.MatchStore.
func (s *Store) CEBOrderRecords(ctx context.Context, orderNo string) ([]ceb.Record, error) {
	var out []ceb.Record
	if orderNo == "" {
		return nil, nil
	}
	err := s.each(ctx, s.R, `SELECT `+cebColumns+` FROM ceb_messages WHERE order_no = ? ORDER BY seq`, []any{orderNo}, func(rows *sql.Rows) error {
		r, err := s.scanCEB(rows)
		out = append(out, r)
		return err
	})
	return out, s.wrap(err, "read the CEB messages of order "+orderNo)
}

// PutCEBMatch implements ceb.MatchStore.
func (s *Store) PutCEBMatch(ctx context.Context, e ceb.MatchEntry) error {
	res, err := json.Marshal(e.Result)
	if err != nil {
		return fmt.Errorf("encode the match of order %s: %w", e.OrderNo, err)
	}
	_, err = s.W.ExecContext(ctx, s.q(`INSERT INTO ceb_matching (order_no, item_id, office, state, result, note, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_no) DO UPDATE SET item_id = excluded.item_id, office = excluded.office,
		state = excluded.state, result = excluded.result, note = excluded.note, updated_at = excluded.updated_at`),
		e.OrderNo, e.ItemID, e.Office, e.State, string(res), e.Note, s.t(e.At))
	return s.wrap(err, "store the match of order "+e.OrderNo)
}

const matchColumns = `order_no, item_id, office, state, result, note, updated_at`

func (s *Store) scanMatch(row interface{ Scan(...any) error }) (ceb.MatchEntry, error) {
	var e ceb.MatchEntry
	var res []byte
	if err := row.Scan(&e.OrderNo, &e.ItemID, &e.Office, &e.State, &res, &e.Note, s.scanTime(&e.At)); err != nil {
		return e, err
	}
	if err := json.Unmarshal(res, &e.Result); err != nil {
		return e, fmt.Errorf("decode the match of order %s: %w", e.OrderNo, err)
	}
	return e, nil
}

// CEBMatch implements ceb.MatchStore.
func (s *Store) CEBMatch(ctx context.Context, orderNo string) (ceb.MatchEntry, error) {
	e, err := s.scanMatch(s.R.QueryRowContext(ctx, s.q(`SELECT `+matchColumns+` FROM ceb_matching WHERE order_no = ?`), orderNo))
	if errors.Is(err, sql.ErrNoRows) {
		return e, postal.Errorf(postal.CodeNotFound, "order %s is not in the matching queue", postal.Quote(orderNo))
	}
	return e, s.wrap(err, "read the match of order "+orderNo)
}

// CEBMatches implements ceb.MatchStore.
func (s *Store) CEBMatches(ctx context.Context, state string, limit int) ([]ceb.MatchEntry, error) {
	var out []ceb.MatchEntry
	err := s.each(ctx, s.R, `SELECT `+matchColumns+` FROM ceb_matching WHERE (? = '' OR state = ?) ORDER BY updated_at DESC, order_no LIMIT ?`,
		[]any{state, state, limit}, func(rows *sql.Rows) error {
			e, err := s.scanMatch(rows)
			out = append(out, e)
			return err
		})
	return out, s.wrap(err, "read the matching queue")
}

var _ ceb.MatchStore = (*Store)(nil)
