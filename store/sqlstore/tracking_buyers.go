package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/tracking"
)

const buyerSubColumns = `id, object, email, lang, token, created_at`

func (s *Store) scanBuyerSub(row interface{ Scan(...any) error }) (tracking.BuyerSubscription, error) {
	var b tracking.BuyerSubscription
	err := row.Scan(&b.ID, &b.Object, &b.Email, &b.Lang, &b.Token, s.scanTime(&b.CreatedAt))
	return b, err
}

// loadBuyers reads the buyer subscriptions of the batch's objects and the
// choices of their merchants; nothing when no buyer has subscribed at all.
func (s *Store) loadBuyers(ctx context.Context, tx *sql.Tx, objects []string, b *tracking.ProjectionBatch) error {
	var some int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM buyer_subscriptions LIMIT 1) x`).Scan(&some)
	if err != nil || some == 0 {
		return s.wrap(err, "read buyer subscriptions")
	}
	b.Buyers = map[string][]tracking.BuyerSubscription{}
	for rest := objects; len(rest) > 0; {
		chunk := rest[:min(len(rest), trkChunk)]
		rest = rest[len(chunk):]
		args := make([]any, len(chunk))
		for i, o := range chunk {
			args[i] = o
		}
		err := s.each(ctx, tx, `SELECT `+buyerSubColumns+` FROM buyer_subscriptions WHERE object IN (`+placeholders(len(chunk))+`) ORDER BY created_at, id`, args,
			func(rows *sql.Rows) error {
				sub, err := s.scanBuyerSub(rows)
				b.Buyers[sub.Object] = append(b.Buyers[sub.Object], sub)
				return err
			})
		if err != nil {
			return s.wrap(err, "read buyer subscriptions")
		}
	}
	b.BuyerStatuses = map[string][]tracking.Status{}
	if len(b.Buyers) == 0 {
		return nil
	}
	err = s.each(ctx, tx, `SELECT merchant, statuses FROM buyer_notify_settings`, nil, func(rows *sql.Rows) error {
		var m, sts string
		err := rows.Scan(&m, &sts)
		b.BuyerStatuses[m] = splitStatuses(sts)
		return err
	})
	return s.wrap(err, "read buyer notification settings")
}

func splitStatuses(s string) []tracking.Status {
	out := []tracking.Status{}
	if s == "" {
		return out
	}
	for _, st := range strings.Split(s, ",") {
		out = append(out, tracking.Status(st))
	}
	return out
}

func (s *Store) saveBuyerMails(ctx context.Context, tx *sql.Tx, mails []tracking.BuyerMail) error {
	for _, m := range mails {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO buyer_mails (id, subscription, object, status, event_time, state, attempts, next_attempt, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`), m.ID, m.Subscription, m.Object, string(m.Status), m.EventTime, string(m.State),
			s.t(m.NextAttempt), s.t(m.CreatedAt))
		if err != nil {
			return s.wrap(err, "queue buyer mail")
		}
	}
	return nil
}

// CreateBuyerSubscription implements tracking.BuyerStore.
func (s *Store) CreateBuyerSubscription(ctx context.Context, sub tracking.BuyerSubscription) (tracking.BuyerSubscription, error) {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO buyer_subscriptions (`+buyerSubColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (object, email) DO NOTHING`), sub.ID, sub.Object, sub.Email, sub.Lang, sub.Token, s.t(sub.CreatedAt))
	if err != nil {
		return sub, s.wrap(err, "save buyer subscription")
	}
	got, err := s.scanBuyerSub(s.W.QueryRowContext(ctx, s.q(`SELECT `+buyerSubColumns+` FROM buyer_subscriptions WHERE object = ? AND email = ?`),
		sub.Object, sub.Email))
	return got, s.wrap(err, "read buyer subscription")
}

// DeleteBuyerSubscription implements tracking.BuyerStore.
func (s *Store) DeleteBuyerSubscription(ctx context.Context, token string) (tracking.BuyerSubscription, error) {
	var sub tracking.BuyerSubscription
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		sub, err = s.scanBuyerSub(tx.QueryRowContext(ctx, s.q(`SELECT `+buyerSubColumns+` FROM buyer_subscriptions WHERE token = ?`), token))
		if errors.Is(err, sql.ErrNoRows) {
			return trkNotFound("no subscription for this unsubscribe link (it may have ended already)")
		} else if err != nil {
			return s.wrap(err, "read buyer subscription")
		}
		return s.deleteBuyerSubs(ctx, tx, `id = ?`, sub.ID)
	})
	return sub, err
}

func (s *Store) deleteBuyerSubs(ctx context.Context, tx *sql.Tx, where string, args ...any) error {
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM buyer_mails WHERE subscription IN (SELECT id FROM buyer_subscriptions WHERE `+where+`)`), args...); err != nil {
		return s.wrap(err, "delete buyer mails")
	}
	_, err := tx.ExecContext(ctx, s.q(`DELETE FROM buyer_subscriptions WHERE `+where), args...)
	return s.wrap(err, "delete buyer subscriptions")
}

// EraseBuyerEmail implements tracking.BuyerStore.
func (s *Store) EraseBuyerEmail(ctx context.Context, email string) (int, error) {
	return s.eraseBuyers(ctx, `LOWER(email) = LOWER(?)`, email)
}

// EraseBuyerSubscriptions implements tracking.BuyerStore.
func (s *Store) EraseBuyerSubscriptions(ctx context.Context, before time.Time) (int, error) {
	return s.eraseBuyers(ctx, `created_at < ?`, s.t(before))
}

func (s *Store) eraseBuyers(ctx context.Context, where string, arg any) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM buyer_subscriptions WHERE `+where), arg).Scan(&n); err != nil {
			return s.wrap(err, "count buyer subscriptions")
		}
		return s.deleteBuyerSubs(ctx, tx, where, arg)
	})
	return n, err
}

// PutBuyerStatuses implements tracking.BuyerStore.
func (s *Store) PutBuyerStatuses(ctx context.Context, merchant string, statuses []tracking.Status, at time.Time) error {
	sts := make([]string, len(statuses))
	for i, st := range statuses {
		sts[i] = string(st)
	}
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO buyer_notify_settings (merchant, statuses, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (merchant) DO UPDATE SET statuses = excluded.statuses, updated_at = excluded.updated_at`),
		merchant, strings.Join(sts, ","), s.t(at))
	return s.wrap(err, "save buyer notification settings of "+merchant)
}

// BuyerStatuses implements tracking.BuyerStore.
func (s *Store) BuyerStatuses(ctx context.Context, merchant string) ([]tracking.Status, bool, error) {
	var sts string
	err := s.R.QueryRowContext(ctx, s.q(`SELECT statuses FROM buyer_notify_settings WHERE merchant = ?`), merchant).Scan(&sts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap(err, "read buyer notification settings of "+merchant)
	}
	return splitStatuses(sts), true, nil
}

const buyerMailColumns = `m.seq, m.id, m.subscription, m.object, m.status, m.event_time, m.state, m.attempts, m.next_attempt,
	m.last_error, m.created_at, m.sent_at`

func (s *Store) scanBuyerMail(row interface{ Scan(...any) error }, extra ...any) (tracking.BuyerMail, error) {
	var m tracking.BuyerMail
	var status, state string
	sent := nullTime{s: s}
	dest := []any{&m.Seq, &m.ID, &m.Subscription, &m.Object, &status, &m.EventTime, &state, &m.Attempts, s.scanTime(&m.NextAttempt),
		&m.LastError, s.scanTime(&m.CreatedAt), &sent}
	err := row.Scan(append(dest, extra...)...)
	m.Status, m.State, m.SentAt = tracking.Status(status), tracking.DeliveryState(state), sent.Time
	if m.State != tracking.DeliveryPending {
		m.NextAttempt = time.Time{}
	}
	return m, err
}

// ClaimBuyerMails implements tracking.BuyerStore.
func (s *Store) ClaimBuyerMails(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]tracking.BuyerMail, error) {
	var out []tracking.BuyerMail
	err := s.tx(ctx, func(tx *sql.Tx) error {
		query := `SELECT ` + buyerMailColumns + `, b.email, b.lang, b.token FROM buyer_mails m
			JOIN buyer_subscriptions b ON b.id = m.subscription
			WHERE m.state = 'pending' AND m.next_attempt <= ? AND m.lease_until <= ?
			ORDER BY m.next_attempt LIMIT ?` + s.Dialect.LockRows("m", true)
		err := s.each(ctx, tx, query, []any{s.t(now), s.t(now), limit}, func(rows *sql.Rows) error {
			var email, lang, token string
			m, err := s.scanBuyerMail(rows, &email, &lang, &token)
			m.Email, m.Lang, m.Token = email, lang, token
			out = append(out, m)
			return err
		})
		if err != nil || len(out) == 0 {
			return s.wrap(err, "claim buyer mails")
		}
		args := []any{s.t(now.Add(lease))}
		for _, m := range out {
			args = append(args, m.Seq)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE buyer_mails SET lease_until = ? WHERE seq IN (`+placeholders(len(out))+`)`), args...)
		return s.wrap(err, "lease buyer mails")
	})
	return out, err
}

// FinishBuyerMail implements tracking.BuyerStore.
func (s *Store) FinishBuyerMail(ctx context.Context, a tracking.MailAttempt) error {
	next := a.NextAttempt
	if next.IsZero() {
		next = a.At
	}
	var sent any
	if a.State == tracking.DeliveryDelivered {
		sent = s.t(a.At)
	}
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE buyer_mails SET state = ?, attempts = ?, next_attempt = ?, lease_until = ?,
		last_error = ?, sent_at = ? WHERE seq = ?`),
		string(a.State), a.Attempts, s.t(next), s.t(time.Unix(0, 0)), a.Error, sent, a.Seq)
	return s.wrap(err, "record buyer mail attempt")
}

// BuyerMails implements tracking.BuyerStore.
func (s *Store) BuyerMails(ctx context.Context, object string) ([]tracking.BuyerMail, error) {
	out := []tracking.BuyerMail{}
	err := s.each(ctx, s.R, `SELECT `+buyerMailColumns+` FROM buyer_mails m WHERE m.object = ? ORDER BY m.seq`, []any{object},
		func(rows *sql.Rows) error {
			m, err := s.scanBuyerMail(rows)
			out = append(out, m)
			return err
		})
	return out, s.wrap(err, "list buyer mails")
}
