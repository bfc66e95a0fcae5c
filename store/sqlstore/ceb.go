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

const cebColumns = `ckey, item_id, office, type, dir, answers, status, meaning, info, action, flag, made_at, body, order_no`

// insertCEB inserts one record unless its key is stored; reports whether it did.
func (s *Store) insertCEB(ctx context.Context, tx *sql.Tx, r ceb.Record) (bool, error) {
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO ceb_messages (seq, `+cebColumns+`)
		VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM ceb_messages), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (ckey) DO NOTHING`),
		r.Key, r.ItemID, r.Office, r.Type, r.Dir, r.Answers, r.Status, r.Meaning, r.Info, r.Action, r.Flag, s.t(r.At), r.Body, r.OrderNo)
	if err != nil {
		return false, s.wrap(err, "store CEB record "+r.Key)
	}
	n, err := res.RowsAffected()
	return n > 0, s.wrap(err, "store CEB record "+r.Key)
}

// PutCEBRecords implements ceb.Store.
func (s *Store) PutCEBRecords(ctx context.Context, recs []ceb.Record) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, r := range recs {
			ok, err := s.insertCEB(ctx, tx, r)
			if err != nil {
				return err
			}
			if ok {
				added++
			}
		}
		return nil
	})
	return added, err
}

// RecordReceipt implements ceb.Store.
func (s *Store) RecordReceipt(ctx context.Context, r ceb.Record) (bool, error) {
	var added bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ok, err := s.insertCEB(ctx, tx, r)
		if err != nil || !ok || r.Answers == "" {
			added = ok
			return err
		}
		added = true
		_, err = tx.ExecContext(ctx, s.q(`UPDATE ceb_messages SET status = ?, meaning = ? WHERE ckey = ?`), r.Status, r.Meaning, r.Answers)
		return s.wrap(err, "set the status of CEB message "+r.Answers)
	})
	return added, err
}

func (s *Store) scanCEB(rows interface{ Scan(...any) error }) (ceb.Record, error) {
	var r ceb.Record
	err := rows.Scan(&r.Key, &r.ItemID, &r.Office, &r.Type, &r.Dir, &r.Answers, &r.Status, &r.Meaning, &r.Info, &r.Action, &r.Flag, s.scanTime(&r.At), &r.Body, &r.OrderNo)
	return r, err
}

// CEBRecord implements ceb.Store.
func (s *Store) CEBRecord(ctx context.Context, key string) (ceb.Record, error) {
	r, err := s.scanCEB(s.R.QueryRowContext(ctx, s.q(`SELECT `+cebColumns+` FROM ceb_messages WHERE ckey = ?`), key))
	if errors.Is(err, sql.ErrNoRows) {
		return r, postal.Errorf(postal.CodeNotFound, "no CEB message %s", postal.Quote(key))
	}
	return r, s.wrap(err, "read CEB message")
}

// CEBRecords implements ceb.Store.
func (s *Store) CEBRecords(ctx context.Context, itemID string) ([]ceb.Record, error) {
	var out []ceb.Record
	err := s.each(ctx, s.R, `SELECT `+cebColumns+` FROM ceb_messages WHERE item_id = ? ORDER BY seq`, []any{itemID}, func(rows *sql.Rows) error {
		r, err := s.scanCEB(rows)
		out = append(out, r)
		return err
	})
	return out, s.wrap(err, "read the CEB messages of "+itemID)
}

// PutCEBBuyer implements ceb.Store.
func (s *Store) PutCEBBuyer(ctx context.Context, b ceb.BuyerRecord) error {
	body, err := json.Marshal(b.Buyer)
	if err != nil {
		return fmt.Errorf("encode CEB buyer: %w", err)
	}
	_, err = s.W.ExecContext(ctx, s.q(`INSERT INTO ceb_buyers (item_id, office, id_hash, year, total_fen, body, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id) DO UPDATE SET office = excluded.office, id_hash = excluded.id_hash,
		year = excluded.year, total_fen = excluded.total_fen, body = excluded.body`),
		b.ItemID, b.Office, b.IDHash, b.Year, b.TotalFen, string(body), s.t(b.At))
	return s.wrap(err, "store the CEB buyer of "+b.ItemID)
}

// CEBBuyer implements ceb.Store.
func (s *Store) CEBBuyer(ctx context.Context, itemID string) (ceb.BuyerRecord, error) {
	b := ceb.BuyerRecord{ItemID: itemID}
	var body []byte
	err := s.R.QueryRowContext(ctx, s.q(`SELECT office, id_hash, year, total_fen, body, created_at FROM ceb_buyers WHERE item_id = ?`), itemID).
		Scan(&b.Office, &b.IDHash, &b.Year, &b.TotalFen, &body, s.scanTime(&b.At))
	if errors.Is(err, sql.ErrNoRows) {
		return b, postal.Errorf(postal.CodeNotFound, "no CEB buyer for %s", postal.Quote(itemID))
	}
	if err != nil {
		return b, s.wrap(err, "read the CEB buyer of "+itemID)
	}
	if err := json.Unmarshal(body, &b.Buyer); err != nil {
		return b, fmt.Errorf("decode the CEB buyer of %s: %w", itemID, err)
	}
	return b, nil
}

// CEBBuyerSpent implements ceb.Store.
func (s *Store) CEBBuyerSpent(ctx context.Context, idHash string, year int, except string) (int64, error) {
	var n sql.NullInt64
	err := s.R.QueryRowContext(ctx, s.q(`SELECT SUM(total_fen) FROM ceb_buyers WHERE id_hash = ? AND year = ? AND item_id <> ?`), idHash, year, except).Scan(&n)
	return n.Int64, s.wrap(err, "sum a CEB buyer's year")
}

// eraseCEB removes the buyers and blanks the CEB message bodies of customs items whose personal
// data is erased (privacy): the records stay, without names, addresses or phones.
func (s *Store) eraseCEB(ctx context.Context, tx *sql.Tx, ids []string) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM ceb_buyers WHERE item_id = ?`), id); err != nil {
			return s.wrap(err, "erase the CEB buyer of "+id)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE ceb_documents SET body = '' WHERE order_no IN
			(SELECT order_no FROM ceb_messages WHERE item_id = ? AND order_no <> '')`), id); err != nil {
			return s.wrap(err, "erase the CEB orders and payments of "+id)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE ceb_messages SET body = '' WHERE item_id = ?`), id); err != nil {
			return s.wrap(err, "erase the CEB messages of "+id)
		}
	}
	return nil
}

var _ ceb.Store = (*Store)(nil)

// QueuedCEB implements ceb.Outbox.
func (s *Store) QueuedCEB(ctx context.Context, limit int) ([]ceb.Record, error) {
	var out []ceb.Record
	err := s.each(ctx, s.R, `SELECT `+cebColumns+` FROM ceb_messages WHERE dir = 'out' AND status = 'queued' ORDER BY seq LIMIT ?`, []any{limit},
		func(rows *sql.Rows) error {
			r, err := s.scanCEB(rows)
			out = append(out, r)
			return err
		})
	return out, s.wrap(err, "read the queued CEB messages")
}

// MarkCEBSent implements ceb.Outbox.
func (s *Store) MarkCEBSent(ctx context.Context, key string) error {
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE ceb_messages SET status = ? WHERE ckey = ? AND status = ?`), ceb.StatusSent, key, ceb.StatusQueued)
	return s.wrap(err, "mark CEB message "+key+" sent")
}
