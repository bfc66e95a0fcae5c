package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// ItemPartners implements inward.Store.
func (s *Store) ItemPartners(ctx context.Context, items []string) (map[string]string, error) {
	out := make(map[string]string, len(items))
	for start := 0; start < len(items); start += 500 {
		chunk := items[start:min(start+500, len(items))]
		args := make([]any, len(chunk))
		for i, it := range chunk {
			args[i] = it
		}
		// Latest listing first, a received one before others, as
		// InwardItem: the first row per item wins.
		err := s.each(ctx, s.R, `SELECT i.item, d.partner FROM inward_items i JOIN inward_dispatches d ON d.id = i.dispatch
			WHERE i.item IN (`+placeholders(len(chunk))+`)
			ORDER BY i.item, CASE WHEN i.status = 'received' THEN 0 ELSE 1 END, i.received_at DESC, i.dispatch DESC`, args,
			func(rows *sql.Rows) error {
				var item, partner string
				if err := rows.Scan(&item, &partner); err != nil {
					return err
				}
				if _, ok := out[item]; !ok {
					out[item] = partner
				}
				return nil
			})
		if err != nil {
			return nil, s.wrap(err, "partners of inbound items")
		}
	}
	return out, nil
}

// ClaimPartnerEvents implements inward.Store: the waiting events are read
// and leased in one write transaction, rows another transaction holds
// skipped (PostgreSQL) or transactions one at a time (SQLite).
func (s *Store) ClaimPartnerEvents(ctx context.Context, partner, claim string, limit int, now, until time.Time) ([]inward.PartnerEvent, error) {
	var out []inward.PartnerEvent
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var seqs []any
		err := s.each(ctx, tx, `SELECT seq FROM partner_events WHERE partner = ? AND returned_at IS NULL
			AND (lease_until IS NULL OR lease_until <= ?) ORDER BY seq LIMIT ?`+s.Dialect.LockRows("", true),
			[]any{partner, s.t(now), limit}, func(rows *sql.Rows) error {
				var seq int64
				err := rows.Scan(&seq)
				seqs = append(seqs, seq)
				return err
			})
		if err != nil || len(seqs) == 0 {
			return err
		}
		for start := 0; start < len(seqs); start += 500 {
			chunk := seqs[start:min(start+500, len(seqs))]
			args := append([]any{claim, s.t(until)}, chunk...)
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE partner_events SET batch = ?, lease_until = ?
				WHERE seq IN (`+placeholders(len(chunk))+`)`), args...); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, s.q(`SELECT `+partnerEventCols+` FROM partner_events WHERE partner = ? AND batch = ?
			AND returned_at IS NULL ORDER BY seq`), partner, claim)
		if err != nil {
			return err
		}
		out, err = s.scanPartnerEvents(rows)
		return err
	})
	if err != nil {
		return nil, s.wrap(err, "claim events of "+partner)
	}
	if out == nil {
		out = []inward.PartnerEvent{}
	}
	return out, nil
}

// ReturnClaimedEvents implements inward.Store.
func (s *Store) ReturnClaimedEvents(ctx context.Context, partner, claim, batch string, at time.Time) error {
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE partner_events SET returned_at = ?, batch = ?, lease_until = NULL
		WHERE partner = ? AND batch = ? AND returned_at IS NULL`), s.t(at), batch, partner, claim)
	return s.wrap(err, "stamp events returned to "+partner)
}

// ReleaseClaimedEvents implements inward.Store.
func (s *Store) ReleaseClaimedEvents(ctx context.Context, partner, claim string) error {
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE partner_events SET batch = '', lease_until = NULL
		WHERE partner = ? AND batch = ? AND returned_at IS NULL`), partner, claim)
	return s.wrap(err, "release events of "+partner)
}

// SavePartnerEndpoint implements inward.Store.
func (s *Store) SavePartnerEndpoint(ctx context.Context, e inward.Endpoint) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO partner_endpoints (partner, url, format, enabled, updated_at, updated_by, failures, retry_at,
		last_ok_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '')
		ON CONFLICT (partner) DO UPDATE SET url = excluded.url, format = excluded.format, enabled = excluded.enabled,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by, failures = excluded.failures, retry_at = excluded.retry_at,
		last_ok_at = NULL, last_error = ''`),
		e.Partner, e.URL, e.Format, e.Enabled, s.t(e.UpdatedAt), e.UpdatedBy, e.Failures, s.t(e.RetryAt))
	return s.wrap(err, "endpoint of "+e.Partner)
}

const partnerEndpointCols = `partner, url, format, enabled, updated_at, updated_by, failures, retry_at, last_ok_at, last_error`

func (s *Store) scanEndpoint(row interface{ Scan(...any) error }) (inward.Endpoint, error) {
	var e inward.Endpoint
	ok := nullTime{s: s}
	err := row.Scan(&e.Partner, &e.URL, &e.Format, &e.Enabled, s.scanTime(&e.UpdatedAt), &e.UpdatedBy, &e.Failures, s.scanTime(&e.RetryAt),
		&ok, &e.LastError)
	e.LastOK = ok.Time
	return e, err
}

// PartnerEndpoint implements inward.Store.
func (s *Store) PartnerEndpoint(ctx context.Context, partner string) (inward.Endpoint, error) {
	e, err := s.scanEndpoint(s.R.QueryRowContext(ctx, s.q(`SELECT `+partnerEndpointCols+` FROM partner_endpoints WHERE partner = ?`), partner))
	if errors.Is(err, sql.ErrNoRows) {
		return inward.Endpoint{}, postal.Errorf(postal.CodeNotFound, "%s has no push endpoint: it pulls its events", partner)
	}
	return e, s.wrap(err, "endpoint of "+partner)
}

// PartnerEndpoints implements inward.Store.
func (s *Store) PartnerEndpoints(ctx context.Context) ([]inward.Endpoint, error) {
	out := []inward.Endpoint{}
	err := s.each(ctx, s.R, `SELECT `+partnerEndpointCols+` FROM partner_endpoints ORDER BY partner`, nil, func(rows *sql.Rows) error {
		e, err := s.scanEndpoint(rows)
		out = append(out, e)
		return err
	})
	return out, s.wrap(err, "partner endpoints")
}

// DeletePartnerEndpoint implements inward.Store.
func (s *Store) DeletePartnerEndpoint(ctx context.Context, partner string) error {
	res, err := s.W.ExecContext(ctx, s.q(`DELETE FROM partner_endpoints WHERE partner = ?`), partner)
	if err != nil {
		return s.wrap(err, "endpoint of "+partner)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return postal.Errorf(postal.CodeNotFound, "%s has no push endpoint", partner)
	}
	return nil
}

// RecordPush implements inward.Store.
func (s *Store) RecordPush(ctx context.Context, p inward.Push, failures int, retryAt time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO partner_pushes (partner, batch, url, format, events, attempted_at, ok, status, error, node)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), p.Partner, p.Batch, p.URL, p.Format, p.Events, s.t(p.AttemptedAt), p.OK, p.Status,
			p.Error, p.Node); err != nil {
			return s.wrap(err, "push to "+p.Partner)
		}
		q := `UPDATE partner_endpoints SET failures = ?, retry_at = ?, last_error = ? WHERE partner = ?`
		args := []any{failures, s.t(retryAt), p.Error, p.Partner}
		if p.OK {
			q = `UPDATE partner_endpoints SET failures = ?, retry_at = ?, last_error = ?, last_ok_at = ? WHERE partner = ?`
			args = []any{failures, s.t(retryAt), "", s.t(p.AttemptedAt), p.Partner}
		}
		_, err := tx.ExecContext(ctx, s.q(q), args...)
		return s.wrap(err, "endpoint of "+p.Partner)
	})
}

// PartnerPushes implements inward.Store.
func (s *Store) PartnerPushes(ctx context.Context, partner string, limit int) ([]inward.Push, error) {
	out := []inward.Push{}
	err := s.each(ctx, s.R, `SELECT id, partner, batch, url, format, events, attempted_at, ok, status, error, node FROM partner_pushes
		WHERE partner = ? ORDER BY id DESC LIMIT ?`, []any{partner, limit}, func(rows *sql.Rows) error {
		var p inward.Push
		err := rows.Scan(&p.ID, &p.Partner, &p.Batch, &p.URL, &p.Format, &p.Events, s.scanTime(&p.AttemptedAt), &p.OK, &p.Status, &p.Error, &p.Node)
		out = append(out, p)
		return err
	})
	return out, s.wrap(err, "pushes to "+partner)
}
