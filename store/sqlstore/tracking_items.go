package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

const trkItemColumns = `object, kind, merchant, merchant_ref, product, origin, dest, status, final, last_code, last_office,
	last_time, events, accepted_at, accepted_offset, departed_at, arrived_at, released_at, delivered_at, delivered_offset, updated_at,
	customs_held_at, customs_released_at, return_at, seized_at, last_delivered_at, duty_due`

const trkItemColumnCount = 27

// trkItemColumnList is trkItemColumns as a list.
var trkItemColumnList = strings.Split(strings.Join(strings.Fields(trkItemColumns), ""), ",")

// trkItemsPerUpsert is how many items one upsert statement writes.
const trkItemsPerUpsert = 40

func (s *Store) trkItemArgs(it tracking.Item) []any {
	return []any{it.Object, string(it.Kind), it.Merchant, it.MerchantRef, it.Product, it.Origin, it.Dest, string(it.Status),
		it.Status.Final(), string(it.LastCode), it.LastOffice, s.t(it.LastTime), it.Events,
		s.trkTime(it.AcceptedAt), it.AcceptedOffset, s.trkTime(it.DepartedAt), s.trkTime(it.ArrivedAt),
		s.trkTime(it.ReleasedAt), s.trkTime(it.DeliveredAt), it.DeliveredOffset, s.t(it.UpdatedAt),
		s.trkTime(it.CustomsHeldAt), s.trkTime(it.CustomsReleasedAt), s.trkTime(it.ReturnAt), s.trkTime(it.SeizedAt),
		s.trkTime(it.LastDeliveredAt), it.DutyDue}
}

// trkTime stores a zero time as NULL.
func (s *Store) trkTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.t(t)
}

func (s *Store) scanTrackedItem(row interface{ Scan(...any) error }) (tracking.Item, error) {
	var it tracking.Item
	var kind, status, code string
	var final bool
	acc, dep, arr, rel, del := nullTime{s: s}, nullTime{s: s}, nullTime{s: s}, nullTime{s: s}, nullTime{s: s}
	chd, crl, ret, sez, ldl := nullTime{s: s}, nullTime{s: s}, nullTime{s: s}, nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&it.Object, &kind, &it.Merchant, &it.MerchantRef, &it.Product, &it.Origin, &it.Dest, &status, &final,
		&code, &it.LastOffice, s.scanTime(&it.LastTime), &it.Events, &acc, &it.AcceptedOffset, &dep, &arr, &rel, &del,
		&it.DeliveredOffset, s.scanTime(&it.UpdatedAt), &chd, &crl, &ret, &sez, &ldl, &it.DutyDue)
	it.CustomsHeldAt, it.CustomsReleasedAt, it.ReturnAt, it.SeizedAt, it.LastDeliveredAt = chd.Time, crl.Time, ret.Time, sez.Time, ldl.Time
	it.Kind, it.Status, it.LastCode = tracking.ObjectKind(kind), tracking.Status(status), tracking.Code(code)
	it.AcceptedAt, it.DepartedAt, it.ArrivedAt, it.ReleasedAt, it.DeliveredAt = acc.Time, dep.Time, arr.Time, rel.Time, del.Time
	return it, err
}

// ProjectItems implements tracking.ProjectionStore.
func (s *Store) ProjectItems(ctx context.Context, limit int, apply tracking.ApplyFunc) (int, error) {
	if err := s.backend.BeforeProjection(ctx, s.W); err != nil {
		return 0, s.wrap(err, "tune writer")
	}
	n := 0
	err := s.connTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error {
		// One projector at a time across nodes; the others skip.
		cursorSQL := `SELECT seq FROM tracking_cursors WHERE name = 'items'` + s.Dialect.LockRows("", true)
		var cursor int64
		if err := tx.QueryRowContext(ctx, cursorSQL).Scan(&cursor); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return s.wrap(err, "read projection cursor")
		}
		var b tracking.ProjectionBatch
		err := s.each(ctx, tx, `SELECT `+trackingEventColumns+` FROM tracking_events WHERE seq > ? ORDER BY seq LIMIT ?`,
			[]any{cursor, limit}, func(rows *sql.Rows) error {
				e, err := s.scanStored(rows)
				b.Events = append(b.Events, e)
				return err
			})
		if err != nil || len(b.Events) == 0 {
			return s.wrap(err, "read events to project")
		}
		if err := s.loadProjection(ctx, tx, &b); err != nil {
			return err
		}
		res, err := apply(b)
		if err != nil {
			return err
		}
		if err := s.saveProjection(ctx, conn, tx, res); err != nil {
			return err
		}
		last := b.Events[len(b.Events)-1].Seq
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE tracking_cursors SET seq = ? WHERE name = 'items'`), last); err != nil {
			return s.wrap(err, "move projection cursor")
		}
		n = len(b.Events)
		return nil
	})
	return n, err
}

// loadProjection reads the current items of the batch's objects, the
// shipments of those not linked yet, and the active subscriptions.
func (s *Store) loadProjection(ctx context.Context, tx *sql.Tx, b *tracking.ProjectionBatch) error {
	var objects []string
	seen := map[string]bool{}
	for _, e := range b.Events {
		if !seen[e.Object] {
			seen[e.Object] = true
			objects = append(objects, e.Object)
		}
	}
	b.Items = make(map[string]tracking.Item, len(objects))
	for rest := objects; len(rest) > 0; {
		chunk := rest[:min(len(rest), trkChunk)]
		rest = rest[len(chunk):]
		args := make([]any, len(chunk))
		for i, o := range chunk {
			args[i] = o
		}
		err := s.each(ctx, tx, `SELECT `+trkItemColumns+` FROM tracking_items WHERE object IN (`+placeholders(len(chunk))+`)`, args,
			func(rows *sql.Rows) error {
				it, err := s.scanTrackedItem(rows)
				b.Items[it.Object] = it
				return err
			})
		if err != nil {
			return s.wrap(err, "read tracked items")
		}
	}
	var unlinked []string
	for _, o := range objects {
		if tracking.KindOf(o) == tracking.KindItem && !b.Items[o].Linked() {
			unlinked = append(unlinked, o)
		}
	}
	refs, err := s.itemRefs(ctx, tx, unlinked)
	if err != nil {
		return err
	}
	b.Refs = refs
	b.Subscriptions = map[string][]tracking.Subscription{}
	err = s.each(ctx, tx, `SELECT `+trkWebhookColumns+` FROM webhook_subscriptions WHERE disabled_at IS NULL`, nil, func(rows *sql.Rows) error {
		sub, err := s.scanWebhook(rows)
		b.Subscriptions[sub.Merchant] = append(b.Subscriptions[sub.Merchant], sub)
		return err
	})
	if err != nil {
		return s.wrap(err, "read webhook subscriptions")
	}
	return s.loadBuyers(ctx, tx, objects, b)
}

func (s *Store) saveProjection(ctx context.Context, conn *sql.Conn, tx *sql.Tx, res tracking.ProjectionResult) error {
	var set strings.Builder
	for i, c := range strings.Split(trkItemColumns, ",") {
		c = strings.TrimSpace(c)
		if i == 0 {
			continue
		}
		if i > 1 {
			set.WriteString(", ")
		}
		set.WriteString(c + " = excluded." + c)
	}
	row := "(" + placeholders(trkItemColumnCount) + ")"
	// Upsert in key order: neighbouring items share pages (see AppendEvents).
	items := slices.Clone(res.Items)
	slices.SortFunc(items, func(a, b tracking.Item) int { return strings.Compare(a.Object, b.Object) })
	rest := items
	if cp, ok := s.backend.(Copier); ok && len(items) > trkItemsPerUpsert {
		// One COPY into a staging table and one set-based upsert, rows in
		// key order as copied.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE tracking_items_in (LIKE tracking_items) ON COMMIT DROP`); err != nil {
			return s.wrap(err, "create projection staging table")
		}
		rows := make([][]any, len(items))
		for i, it := range items {
			rows[i] = s.trkItemArgs(it)
		}
		if err := cp.CopyFrom(ctx, conn, "tracking_items_in", trkItemColumnList, rows); err != nil {
			return s.wrap(err, "copy tracked items")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tracking_items (`+trkItemColumns+`) SELECT `+trkItemColumns+` FROM tracking_items_in
			ON CONFLICT (object) DO UPDATE SET `+set.String()); err != nil {
			return s.wrap(err, "save tracked items")
		}
		rest = nil
	}
	for len(rest) > 0 {
		chunk := rest[:min(len(rest), trkItemsPerUpsert)]
		rest = rest[len(chunk):]
		args := make([]any, 0, len(chunk)*trkItemColumnCount)
		for _, it := range chunk {
			args = append(args, s.trkItemArgs(it)...)
		}
		query := `INSERT INTO tracking_items (` + trkItemColumns + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+",", len(chunk)), ",") + ` ON CONFLICT (object) DO UPDATE SET ` + set.String()
		if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
			return s.wrap(err, "save tracked items")
		}
	}
	if err := s.saveShipmentStatuses(ctx, tx, items); err != nil {
		return err
	}
	for _, d := range res.Deliveries {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhook_deliveries (id, subscription, object, status, body, state, attempts, next_attempt, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`), d.ID, d.Subscription, d.Object, string(d.Status), string(d.Body), string(d.State),
			s.t(d.NextAttempt), s.t(d.CreatedAt))
		if err != nil {
			return s.wrap(err, "queue webhook delivery")
		}
	}
	return s.saveBuyerMails(ctx, tx, res.Mails)
}

// saveShipmentStatuses copies the linked items' statuses onto their
// shipments, one UPDATE per status and chunk of ids: the projector keeps
// shipments.status, the column the shipments list filters on.
func (s *Store) saveShipmentStatuses(ctx context.Context, tx *sql.Tx, items []tracking.Item) error {
	byStatus := map[tracking.Status][]any{}
	var order []tracking.Status
	for _, it := range items {
		if !it.Linked() || it.Kind != tracking.KindItem {
			continue
		}
		if _, ok := byStatus[it.Status]; !ok {
			order = append(order, it.Status)
		}
		byStatus[it.Status] = append(byStatus[it.Status], it.Object)
	}
	for _, st := range order {
		for rest := byStatus[st]; len(rest) > 0; {
			chunk := rest[:min(len(rest), trkChunk)]
			rest = rest[len(chunk):]
			args := append([]any{string(st), string(st)}, chunk...)
			// status_at is when the status changed: the item's last event.
			_, err := tx.ExecContext(ctx, s.q(`UPDATE shipments SET status = ?,
				status_at = (SELECT t.last_time FROM tracking_items t WHERE t.object = shipments.id)
				WHERE status <> ? AND id IN (`+placeholders(len(chunk))+`)`), args...)
			if err != nil {
				return s.wrap(err, "save shipment statuses")
			}
		}
	}
	return nil
}

// TrackedItem implements tracking.ProjectionStore.
func (s *Store) TrackedItem(ctx context.Context, object string) (tracking.Item, error) {
	it, err := s.scanTrackedItem(s.R.QueryRowContext(ctx, s.q(`SELECT `+trkItemColumns+` FROM tracking_items WHERE object = ?`), object))
	if errors.Is(err, sql.ErrNoRows) {
		return it, trkNotFound("no tracked item %s", object)
	}
	return it, s.wrap(err, "read tracked item "+object)
}

// TrackedItems implements tracking.ProjectionStore.
func (s *Store) TrackedItems(ctx context.Context, f tracking.ItemFilter) ([]tracking.Item, string, error) {
	var where []string
	var args []any
	if f.NotFinal {
		// Spelled as in the partial indexes' WHERE, so the planner uses them.
		where = append(where, s.Dialect.IsFalse("final"))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	for _, c := range []struct{ col, v string }{{"merchant", f.Merchant}, {"origin", f.Origin}, {"dest", f.Dest}, {"product", f.Product}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if !f.LastBefore.IsZero() {
		where = append(where, "last_time < ?")
		args = append(args, s.t(f.LastBefore))
	}
	if f.After != "" {
		t, obj, err := decodeItemCursor(f.After)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(last_time > ? OR (last_time = ? AND object > ?))")
		args = append(args, s.t(t), s.t(t), obj)
	}
	query := `SELECT ` + trkItemColumns + ` FROM tracking_items`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := max(1, f.Limit)
	query += ` ORDER BY last_time, object LIMIT ?`
	args = append(args, limit+1)
	out := []tracking.Item{}
	err := s.each(ctx, s.R, query, args, func(rows *sql.Rows) error {
		it, err := s.scanTrackedItem(rows)
		out = append(out, it)
		return err
	})
	if err != nil {
		return nil, "", s.wrap(err, "list tracked items")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		next = encodeItemCursor(last.LastTime, last.Object)
	}
	return out, next, nil
}

func encodeItemCursor(t time.Time, object string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("i" + strconv.FormatInt(t.UnixMicro(), 10) + "|" + object))
}

func decodeItemCursor(c string) (time.Time, string, error) {
	bad := postal.Invalid("bad cursor", postal.FieldError{Field: "query.cursor", Message: "not a cursor returned by this API"})
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'i' {
		return time.Time{}, "", bad
	}
	ts, obj, ok := strings.Cut(string(b[1:]), "|")
	us, err := strconv.ParseInt(ts, 10, 64)
	if !ok || err != nil {
		return time.Time{}, "", bad
	}
	return time.UnixMicro(us).UTC(), obj, nil
}

// TrackedItemsAccepted implements tracking.ProjectionStore.
func (s *Store) TrackedItemsAccepted(ctx context.Context, from, to time.Time, fn func(tracking.Item) error) error {
	err := s.each(ctx, s.R, `SELECT `+trkItemColumns+` FROM tracking_items WHERE accepted_at IS NOT NULL AND accepted_at >= ? AND accepted_at < ?`,
		[]any{s.t(from), s.t(to)}, func(rows *sql.Rows) error {
			it, err := s.scanTrackedItem(rows)
			if err != nil {
				return err
			}
			return fn(it)
		})
	if err != nil {
		var pe *postal.Error
		if errors.As(err, &pe) {
			return err
		}
		return s.wrap(err, fmt.Sprintf("read items accepted %s…%s", from.Format(time.DateOnly), to.Format(time.DateOnly)))
	}
	return nil
}
