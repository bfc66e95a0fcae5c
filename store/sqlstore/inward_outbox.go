package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// InwardItem implements inward.Store: the item's latest listing, a
// received one first.
func (s *Store) InwardItem(ctx context.Context, item string) (inward.Item, error) {
	row := s.R.QueryRowContext(ctx, s.q(`SELECT `+inwardItemCols+` FROM inward_items WHERE item = ?
		ORDER BY CASE WHEN status = 'received' THEN 0 ELSE 1 END, received_at DESC, dispatch DESC LIMIT 1`), item)
	it, err := s.scanInwardItem(row)
	if errors.Is(err, sql.ErrNoRows) {
		return inward.Item{}, postal.Errorf(postal.CodeNotFound, "no inbound item %s", item)
	}
	return it, s.wrap(err, "inbound item "+item)
}

// AddPartnerEvents implements inward.Store: one transaction, rows
// inserted partnerEventRows at a time by one prepared statement.
func (s *Store) AddPartnerEvents(ctx context.Context, evs []inward.PartnerEvent) error {
	if len(evs) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		err := s.bulkUpsert(ctx, tx, "partner_events", partnerEventInsertCols, ` ON CONFLICT (item, code, event_at) DO NOTHING`, len(evs), bulkRows,
			func(i int, a []any) []any {
				e := evs[i]
				return append(a, e.Partner, e.Item, string(e.Code), e.Office, s.t(e.At), e.Reason, e.Signatory, s.t(e.RecordedAt))
			})
		return s.wrap(err, "partner events")
	})
}

var partnerEventInsertCols = []string{"partner", "item", "code", "office", "event_at", "reason", "signatory", "recorded_at"}

const partnerEventCols = `seq, partner, item, code, office, event_at, reason, signatory, recorded_at, returned_at, batch`

func (s *Store) partnerEvents(ctx context.Context, what, query string, args ...any) ([]inward.PartnerEvent, error) {
	rows, err := s.R.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.wrap(err, what)
	}
	out, err := s.scanPartnerEvents(rows)
	return out, s.wrap(err, what)
}

// scanPartnerEvents reads rows of partnerEventCols and closes them.
func (s *Store) scanPartnerEvents(rows *sql.Rows) ([]inward.PartnerEvent, error) {
	defer rows.Close()
	out := []inward.PartnerEvent{}
	for rows.Next() {
		var e inward.PartnerEvent
		var code string
		ret := nullTime{s: s}
		if err := rows.Scan(&e.Seq, &e.Partner, &e.Item, &code, &e.Office, s.scanTime(&e.At), &e.Reason, &e.Signatory,
			s.scanTime(&e.RecordedAt), &ret, &e.Batch); err != nil {
			return nil, err
		}
		e.Code, e.ReturnedAt = tracking.Code(code), ret.Time
		out = append(out, e)
	}
	return out, rows.Err()
}

// PartnerItemEvents implements inward.Store.
func (s *Store) PartnerItemEvents(ctx context.Context, item string) ([]inward.PartnerEvent, error) {
	return s.partnerEvents(ctx, "events of "+item, `SELECT `+partnerEventCols+` FROM partner_events WHERE item = ? ORDER BY seq`, item)
}

// PendingPartnerEvents implements inward.Store.
func (s *Store) PendingPartnerEvents(ctx context.Context, partner string, limit int) ([]inward.PartnerEvent, error) {
	return s.partnerEvents(ctx, "outbox of "+partner, `SELECT `+partnerEventCols+` FROM partner_events
		WHERE partner = ? AND returned_at IS NULL ORDER BY seq LIMIT ?`, partner, limit)
}

// MarkPartnerEventsReturned implements inward.Store.
func (s *Store) MarkPartnerEventsReturned(ctx context.Context, partner string, seqs []int64, batch string, at time.Time) error {
	if len(seqs) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(seqs); start += 500 {
			chunk := seqs[start:min(start+500, len(seqs))]
			args := []any{s.t(at), batch, partner}
			for _, q := range chunk {
				args = append(args, q)
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE partner_events SET returned_at = ?, batch = ?
				WHERE partner = ? AND returned_at IS NULL AND seq IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)`), args...); err != nil {
				return s.wrap(err, "mark events returned to "+partner)
			}
		}
		return nil
	})
}

// ArrivedPartnerEvents implements inward.Store.
func (s *Store) ArrivedPartnerEvents(ctx context.Context, from, to time.Time) ([]inward.PartnerEvent, error) {
	return s.partnerEvents(ctx, "arrivals", `SELECT `+partnerEventCols+` FROM partner_events WHERE item IN
		(SELECT item FROM partner_events WHERE code = 'EMD' AND event_at >= ? AND event_at < ?) ORDER BY item, seq`, s.t(from), s.t(to))
}

// AddReturn implements inward.Store.
func (s *Store) AddReturn(ctx context.Context, r inward.Return) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO inward_returns (item, partner, office, origin, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (item) DO NOTHING`), r.Item, r.Partner, r.Office, r.Origin, r.Reason, s.t(r.CreatedAt))
	return s.wrap(err, "return of "+r.Item)
}

// InwardReturn implements inward.Store.
func (s *Store) InwardReturn(ctx context.Context, item string) (inward.Return, error) {
	var r inward.Return
	err := s.R.QueryRowContext(ctx, s.q(`SELECT item, partner, office, origin, reason, created_at FROM inward_returns WHERE item = ?`), item).
		Scan(&r.Item, &r.Partner, &r.Office, &r.Origin, &r.Reason, s.scanTime(&r.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return inward.Return{}, postal.Errorf(postal.CodeNotFound, "item %s is not going back to its origin", item)
	}
	return r, s.wrap(err, "return of "+item)
}
