package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/tracking"
)

const trkWebhookColumns = `id, merchant, url, secret, statuses, created_at, disabled_at`

func (s *Store) scanWebhook(row interface{ Scan(...any) error }) (tracking.Subscription, error) {
	var sub tracking.Subscription
	var statuses string
	disabled := nullTime{s: s}
	err := row.Scan(&sub.ID, &sub.Merchant, &sub.URL, &sub.Secret, &statuses, s.scanTime(&sub.CreatedAt), &disabled)
	sub.DisabledAt = disabled.Time
	if statuses != "" {
		for _, st := range strings.Split(statuses, ",") {
			sub.Statuses = append(sub.Statuses, tracking.Status(st))
		}
	}
	return sub, err
}

// CreateWebhook implements tracking.WebhookStore.
func (s *Store) CreateWebhook(ctx context.Context, sub tracking.Subscription) error {
	statuses := make([]string, len(sub.Statuses))
	for i, st := range sub.Statuses {
		statuses[i] = string(st)
	}
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO webhook_subscriptions (id, merchant, url, secret, statuses, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		sub.ID, sub.Merchant, sub.URL, sub.Secret, strings.Join(statuses, ","), s.t(sub.CreatedAt))
	return s.wrap(err, "save webhook subscription "+sub.ID)
}

// Webhook implements tracking.WebhookStore.
func (s *Store) Webhook(ctx context.Context, id string) (tracking.Subscription, error) {
	sub, err := s.scanWebhook(s.R.QueryRowContext(ctx, s.q(`SELECT `+trkWebhookColumns+` FROM webhook_subscriptions WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, trkNotFound("no webhook subscription %s", id)
	}
	return sub, s.wrap(err, "read webhook subscription "+id)
}

// Webhooks implements tracking.WebhookStore.
func (s *Store) Webhooks(ctx context.Context, merchant string) ([]tracking.Subscription, error) {
	query, args := `SELECT `+trkWebhookColumns+` FROM webhook_subscriptions`, []any{}
	if merchant != "" {
		query += ` WHERE merchant = ?`
		args = append(args, merchant)
	}
	out := []tracking.Subscription{}
	err := s.each(ctx, s.R, query+` ORDER BY created_at DESC, id`, args, func(rows *sql.Rows) error {
		sub, err := s.scanWebhook(rows)
		out = append(out, sub)
		return err
	})
	return out, s.wrap(err, "list webhook subscriptions")
}

// DisableWebhook implements tracking.WebhookStore.
func (s *Store) DisableWebhook(ctx context.Context, id string, at time.Time) error {
	res, err := s.W.ExecContext(ctx, s.q(`UPDATE webhook_subscriptions SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL`), s.t(at), id)
	if err != nil {
		return s.wrap(err, "disable webhook subscription "+id)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		_, err := s.Webhook(ctx, id) // not_found, or already disabled (fine)
		return err
	}
	return nil
}

const trkDeliveryColumns = `d.seq, d.id, d.subscription, d.object, d.status, d.body, d.state, d.attempts, d.next_attempt,
	d.last_status, d.last_error, d.created_at, d.delivered_at`

func (s *Store) scanDelivery(row interface{ Scan(...any) error }, extra ...any) (tracking.Delivery, error) {
	var d tracking.Delivery
	var status, state, body string
	delivered := nullTime{s: s}
	dest := []any{&d.Seq, &d.ID, &d.Subscription, &d.Object, &status, &body, &state, &d.Attempts, s.scanTime(&d.NextAttempt),
		&d.LastStatus, &d.LastError, s.scanTime(&d.CreatedAt), &delivered}
	err := row.Scan(append(dest, extra...)...)
	d.Status, d.State, d.Body, d.DeliveredAt = tracking.Status(status), tracking.DeliveryState(state), []byte(body), delivered.Time
	if d.State != tracking.DeliveryPending {
		d.NextAttempt = time.Time{}
	}
	return d, err
}

// ClaimWebhookDeliveries implements tracking.WebhookStore.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]tracking.Delivery, error) {
	var out []tracking.Delivery
	err := s.tx(ctx, func(tx *sql.Tx) error {
		query := `SELECT ` + trkDeliveryColumns + `, w.url, w.secret FROM webhook_deliveries d
			JOIN webhook_subscriptions w ON w.id = d.subscription
			WHERE d.state = 'pending' AND d.next_attempt <= ? AND d.lease_until <= ? AND w.disabled_at IS NULL
			ORDER BY d.next_attempt LIMIT ?` + s.Dialect.LockRows("d", true) // other nodes take the next ones
		err := s.each(ctx, tx, query, []any{s.t(now), s.t(now), limit}, func(rows *sql.Rows) error {
			var url, secret string
			d, err := s.scanDelivery(rows, &url, &secret)
			d.URL, d.Secret = url, secret
			out = append(out, d)
			return err
		})
		if err != nil || len(out) == 0 {
			return s.wrap(err, "claim webhook deliveries")
		}
		args := []any{s.t(now.Add(lease))}
		for _, d := range out {
			args = append(args, d.Seq)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE webhook_deliveries SET lease_until = ? WHERE seq IN (`+placeholders(len(out))+`)`), args...)
		return s.wrap(err, "lease webhook deliveries")
	})
	return out, err
}

// FinishWebhookAttempt implements tracking.WebhookStore.
func (s *Store) FinishWebhookAttempt(ctx context.Context, a tracking.Attempt) error {
	next := a.NextAttempt
	if next.IsZero() {
		next = a.At
	}
	var delivered any
	if a.State == tracking.DeliveryDelivered {
		delivered = s.t(a.At)
	}
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt = ?, lease_until = ?,
		last_status = ?, last_error = ?, delivered_at = ? WHERE seq = ?`),
		string(a.State), a.Attempts, s.t(next), s.t(time.Unix(0, 0)), a.ResponseStatus, a.Error, delivered, a.Seq)
	return s.wrap(err, "record webhook attempt")
}

// WebhookDeliveries implements tracking.WebhookStore.
func (s *Store) WebhookDeliveries(ctx context.Context, subscription string, before int64, limit int) ([]tracking.Delivery, error) {
	query, args := `SELECT `+trkDeliveryColumns+` FROM webhook_deliveries d WHERE d.subscription = ?`, []any{subscription}
	if before > 0 {
		query += ` AND d.seq < ?`
		args = append(args, before)
	}
	args = append(args, limit)
	out := []tracking.Delivery{}
	err := s.each(ctx, s.R, query+` ORDER BY d.seq DESC LIMIT ?`, args, func(rows *sql.Rows) error {
		d, err := s.scanDelivery(rows)
		out = append(out, d)
		return err
	})
	return out, s.wrap(err, "list webhook deliveries")
}
