package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// SaveReceipt implements inward.Store.
func (s *Store) SaveReceipt(ctx context.Context, r inward.Receipt) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if d := r.NewDispatch; d != nil {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_dispatches (id, origin, destination, partner, category, subclass, status,
				advised_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
				d.ID, d.Origin, d.Destination, d.Partner, d.Category, d.Subclass, string(d.Status), s.t(d.AdvisedAt), s.t(d.UpdatedAt)); err != nil {
				return s.wrap(err, "dispatch "+d.ID)
			}
		}
		if r.Note != nil {
			n := r.Note
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_notes (dispatch, number, office, origin, partner, created_at, discrepancies,
				reply_ref, reply_text) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`), n.Dispatch, n.Number, n.Office, n.Origin, n.Partner, s.t(n.CreatedAt),
				n.Reply.Ref, string(n.Reply.Text)); err != nil {
				return s.wrap(err, "verification note for "+n.Dispatch)
			}
		}
		if err := s.bulkUpsert(ctx, tx, "inward_receptacles", receiptReceptacleCols,
			` ON CONFLICT (id) DO UPDATE SET status = excluded.status, received_weight_g = excluded.received_weight_g,
			received_at = excluded.received_at, received_office = excluded.received_office, flags = excluded.flags, opened_at = excluded.opened_at`,
			len(r.Receptacles), bulkRows, func(i int, a []any) []any {
				x := r.Receptacles[i]
				return append(a, x.ID, x.Dispatch, x.Type, x.GrossWeightG, x.Registered, x.Last, x.Items, string(x.Status), x.Consignment, x.Predes,
					x.Cardit, x.NotAdvised, x.ReceivedWeightG, s.optTime(x.ReceivedAt), x.ReceivedOffice, x.Flags, s.optTime(x.OpenedAt))
			}); err != nil {
			return s.wrap(err, "receptacles of dispatch "+r.Dispatch)
		}
		if err := s.bulkUpsert(ctx, tx, "inward_items", receiptItemCols,
			` ON CONFLICT (dispatch, item) DO UPDATE SET status = excluded.status, item_condition = excluded.item_condition,
			received_weight_g = excluded.received_weight_g, received_at = excluded.received_at`,
			len(r.Items), bulkRows, func(i int, a []any) []any {
				it := r.Items[i]
				return append(a, it.Dispatch, it.Item, it.Receptacle, string(it.Status), it.Contents, it.HSCode, it.WeightG, it.Value, it.Currency,
					it.SenderName, it.SenderCountry, it.AddresseeName, it.AddresseeCountry, it.NotAdvised, it.Condition, it.ReceivedWeightG,
					s.optTime(it.ReceivedAt))
			}); err != nil {
			return s.wrap(err, "items of dispatch "+r.Dispatch)
		}
		if len(r.Discrepancies) > 0 {
			// Numbered in the order found after those already stored; a
			// finding stored before keeps its number (gaps are harmless).
			var seq int64
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COALESCE(MAX(seq), 0) FROM inward_discrepancies WHERE dispatch = ?`), r.Dispatch).Scan(&seq); err != nil {
				return s.wrap(err, "number discrepancies of "+r.Dispatch)
			}
			if err := s.bulkUpsert(ctx, tx, "inward_discrepancies", discrepancyCols, ` ON CONFLICT (dispatch, receptacle, item, kind) DO NOTHING`,
				len(r.Discrepancies), bulkRows, func(i int, a []any) []any {
					d := r.Discrepancies[i]
					return append(a, d.Dispatch, d.Receptacle, d.Item, string(d.Kind), d.Advised, d.Found, d.Office, s.t(d.At), seq+int64(i)+1)
				}); err != nil {
				return s.wrap(err, "discrepancies of "+r.Dispatch)
			}
		}
		if r.Note != nil {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE inward_notes SET discrepancies = (SELECT COUNT(*) FROM inward_discrepancies WHERE dispatch = ?)
				WHERE dispatch = ?`), r.Dispatch, r.Dispatch); err != nil {
				return s.wrap(err, "count discrepancies of "+r.Dispatch)
			}
		}
		if r.Status != "" || len(r.Receptacles) > 0 || len(r.Items) > 0 {
			status := r.Status
			set := `updated_at = ?`
			args := []any{s.t(r.At)}
			if status != "" {
				set += `, status = ?`
				args = append(args, string(status))
			}
			set += `, receptacles = (SELECT COUNT(*) FROM inward_receptacles WHERE dispatch = ?), items = (SELECT COUNT(*) FROM inward_items WHERE dispatch = ?)`
			args = append(args, r.Dispatch, r.Dispatch, r.Dispatch)
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE inward_dispatches SET `+set+` WHERE id = ?`), args...); err != nil {
				return s.wrap(err, "dispatch "+r.Dispatch)
			}
		}
		return nil
	})
}

var (
	receiptReceptacleCols = []string{"id", "dispatch", "type", "gross_weight_g", "registered", "last", "items", "status",
		"consignment", "predes", "cardit", "not_advised", "received_weight_g", "received_at", "received_office", "flags", "opened_at"}
	receiptItemCols = []string{"dispatch", "item", "receptacle", "status", "contents", "hs_code", "weight_g",
		"value", "currency", "sender_name", "sender_country", "addressee_name", "addressee_country", "not_advised", "item_condition", "received_weight_g", "received_at"}
	discrepancyCols = []string{"dispatch", "receptacle", "item", "kind", "advised", "found", "office", "found_at", "seq"}
)

// InwardDiscrepancies implements inward.Store.
func (s *Store) InwardDiscrepancies(ctx context.Context, dispatch string) ([]inward.Discrepancy, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT dispatch, receptacle, item, kind, advised, found, office, found_at
		FROM inward_discrepancies WHERE dispatch = ? ORDER BY seq`), dispatch)
	if err != nil {
		return nil, s.wrap(err, "list discrepancies")
	}
	defer rows.Close()
	out := []inward.Discrepancy{}
	for rows.Next() {
		var d inward.Discrepancy
		var kind string
		if err := rows.Scan(&d.Dispatch, &d.Receptacle, &d.Item, &kind, &d.Advised, &d.Found, &d.Office, s.scanTime(&d.At)); err != nil {
			return nil, s.wrap(err, "read discrepancy")
		}
		d.Kind = inward.DiscrepancyKind(kind)
		out = append(out, d)
	}
	return out, s.wrap(rows.Err(), "list discrepancies")
}

const inwardNoteCols = `dispatch, number, office, origin, partner, created_at, reply_ref, reply_text`

func (s *Store) scanInwardNote(row rowScanner) (inward.Note, error) {
	var n inward.Note
	var text string
	err := row.Scan(&n.Dispatch, &n.Number, &n.Office, &n.Origin, &n.Partner, s.scanTime(&n.CreatedAt), &n.Reply.Ref, &text)
	n.Reply.Kind, n.Reply.Recipient, n.Reply.Text = "RESDES", n.Origin, []byte(text)
	return n, err
}

// InwardNote implements inward.Store.
func (s *Store) InwardNote(ctx context.Context, dispatch string) (inward.Note, error) {
	n, err := s.scanInwardNote(s.R.QueryRowContext(ctx, s.q(`SELECT `+inwardNoteCols+` FROM inward_notes WHERE dispatch = ?`), dispatch))
	if errors.Is(err, sql.ErrNoRows) {
		return n, postal.Errorf(postal.CodeNotFound, "dispatch %s has not been closed: no verification yet", postal.Quote(dispatch))
	}
	return n, s.wrap(err, "read verification note")
}

// InwardNotes implements inward.Store.
func (s *Store) InwardNotes(ctx context.Context, partner string, limit int) ([]inward.Note, error) {
	q := `SELECT ` + inwardNoteCols + ` FROM inward_notes WHERE discrepancies > 0`
	var args []any
	if partner != "" {
		q, args = q+` AND partner = ?`, append(args, partner)
	}
	rows, err := s.R.QueryContext(ctx, s.q(q+` ORDER BY created_at DESC, dispatch LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, s.wrap(err, "list verification notes")
	}
	defer rows.Close()
	out := []inward.Note{}
	for rows.Next() {
		n, err := s.scanInwardNote(rows)
		if err != nil {
			return nil, s.wrap(err, "read verification note")
		}
		out = append(out, n)
	}
	return out, s.wrap(rows.Err(), "list verification notes")
}

// ReceivedReceptacles implements inward.Store.
func (s *Store) ReceivedReceptacles(ctx context.Context, from, to time.Time) ([]inward.Received, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT r.id, r.dispatch, r.type, r.gross_weight_g, r.registered, r.last, r.items, r.status,
		r.consignment, r.predes, r.cardit, r.not_advised, r.received_weight_g, r.received_at, r.received_office, r.flags, r.opened_at, d.origin, d.partner, d.category, d.subclass
		FROM inward_receptacles r JOIN inward_dispatches d ON d.id = r.dispatch
		WHERE r.received_at >= ? AND r.received_at < ? AND r.status = 'received' ORDER BY r.received_at, r.id`), s.t(from), s.t(to))
	if err != nil {
		return nil, s.wrap(err, "list received receptacles")
	}
	var out []inward.Received
	idx := map[string]int{}
	dispatches := map[string]bool{}
	for rows.Next() {
		var x inward.Received
		var r inward.Receptacle
		var status string
		recv, opened := nullTime{s: s}, nullTime{s: s}
		if err := rows.Scan(&r.ID, &r.Dispatch, &r.Type, &r.GrossWeightG, &r.Registered, &r.Last, &r.Items, &status, &r.Consignment,
			&r.Predes, &r.Cardit, &r.NotAdvised, &r.ReceivedWeightG, &recv, &r.ReceivedOffice, &r.Flags, &opened,
			&x.Dispatch.Origin, &x.Dispatch.Partner, &x.Dispatch.Category, &x.Dispatch.Subclass); err != nil {
			rows.Close()
			return nil, s.wrap(err, "read received receptacle")
		}
		r.Status, r.ReceivedAt, r.OpenedAt = inward.Status(status), recv.Time, opened.Time
		x.Receptacle, x.Dispatch.ID = r, r.Dispatch
		idx[r.ID] = len(out)
		dispatches[r.Dispatch] = true
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list received receptacles")
	}
	for d := range dispatches {
		its, err := s.InwardItems(ctx, d)
		if err != nil {
			return nil, err
		}
		for _, it := range its {
			if i, ok := idx[it.Receptacle]; ok && it.Status == inward.StatusReceived {
				out[i].Items = append(out[i].Items, it)
			}
		}
	}
	return out, nil
}
