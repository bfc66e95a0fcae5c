package sqlstore

import (
	"github.com/interpost/interpost/postal/latin"

	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/interpost/interpost/audit"
	"github.com/interpost/interpost/privacy"
)

// personalTables maps a kind of record with personal data to its table
// and the time its retention starts from.
var personalTables = map[privacy.Kind]struct{ table, made, due string }{
	// A shipment's retention runs from its last tracking event (the
	// projector keeps it in tracking_items) or, without one, acceptance.
	privacy.Shipments: {"shipments", "created_at", `created_at < ? AND NOT EXISTS
		(SELECT 1 FROM tracking_items t WHERE t.object = shipments.id AND t.last_time >= ?)`},
	privacy.Orders:      {"orders", "created_at", `created_at < ?`},
	privacy.CustomsItem: {"customs_items", "declared_at", `updated_at < ?`},
}

// PersonalDue implements privacy.Store.
func (s *Store) PersonalDue(ctx context.Context, kind privacy.Kind, cutoff time.Time, limit int) ([]privacy.Record, error) {
	if kind == privacy.InwardItem {
		return s.inwardDue(ctx, cutoff, limit)
	}
	t, ok := personalTables[kind]
	if !ok {
		return nil, s.wrap(errUnknownKind(kind), "personal data due")
	}
	args := []any{s.t(cutoff)}
	if strings.Count(t.due, "?") == 2 {
		args = append(args, s.t(cutoff))
	}
	args = append(args, limit)
	var out []privacy.Record
	err := s.each(ctx, s.R, `SELECT id, `+t.made+`, body FROM `+t.table+` WHERE erased_at IS NULL AND `+t.due+` ORDER BY seq LIMIT ?`, args,
		func(rows *sql.Rows) error {
			r := privacy.Record{Kind: kind}
			if err := rows.Scan(&r.ID, s.scanTime(&r.At), &r.Body); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	return out, s.wrap(err, "personal data due in "+t.table)
}

type errUnknownKind privacy.Kind

func (e errUnknownKind) Error() string { return "unknown kind of personal record " + string(e) }

// ErasePersonal implements privacy.Store.
func (s *Store) ErasePersonal(ctx context.Context, kind privacy.Kind, recs []privacy.Record, at time.Time) error {
	if kind == privacy.InwardItem {
		return s.eraseInward(ctx, recs, at)
	}
	t, ok := personalTables[kind]
	if !ok {
		return s.wrap(errUnknownKind(kind), "erase personal data")
	}
	q := `UPDATE ` + t.table + ` SET body = ?, erased_at = ? WHERE id = ?`
	if kind == privacy.CustomsItem {
		// The names go from the search terms too: an erased item is found by its id only.
		q = `UPDATE customs_items SET body = ?, erased_at = ?, addressee_key = ?, terms = ? WHERE id = ?`
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, s.q(q))
		if err != nil {
			return s.wrap(err, "erase personal data in "+t.table)
		}
		defer st.Close()
		for _, r := range recs {
			args := []any{string(r.Body), s.t(at), r.ID}
			if kind == privacy.CustomsItem {
				args = []any{string(r.Body), s.t(at), r.AddresseeKey, " " + latin.SearchKey(r.ID), r.ID}
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return s.wrap(err, "erase personal data of "+string(kind)+" "+r.ID)
			}
			if kind == privacy.Orders {
				// The buyer's name is also in the search terms: the order
				// stays findable by its ids only.
				if err := s.eraseOrderTerms(ctx, tx, r.ID); err != nil {
					return err
				}
			}
			if kind == privacy.Shipments {
				// The addressee's name is also in the search terms.
				_, err := tx.ExecContext(ctx, s.q(`DELETE FROM shipment_terms WHERE kind = 'n' AND seq = (SELECT seq FROM shipments WHERE id = ?)`), r.ID)
				if err != nil {
					return s.wrap(err, "erase search terms of shipment "+r.ID)
				}
			}
		}
		if kind == privacy.CustomsItem {
			ids := make([]string, len(recs))
			for i, r := range recs {
				ids[i] = r.ID
			}
			return s.eraseCEB(ctx, tx, ids)
		}
		return nil
	})
}

// likeEscape escapes LIKE wildcards with '!'.
var likeEscape = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// PersonalMatching implements privacy.Store. It scans the bodies: an
// export is rare and asked by an admin, and no index can serve a search
// inside JSON text on both backends.
func (s *Store) PersonalMatching(ctx context.Context, parts []string, limit int) ([]privacy.Record, error) {
	pattern := "%"
	for _, p := range parts {
		pattern += likeEscape.Replace(strings.ToLower(p)) + "%"
	}
	var out []privacy.Record
	for _, kind := range privacy.Kinds {
		if len(out) >= limit {
			break
		}
		if kind == privacy.InwardItem {
			recs, err := s.inwardMatching(ctx, pattern, limit-len(out))
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
			continue
		}
		t := personalTables[kind]
		err := s.each(ctx, s.R, `SELECT id, `+t.made+`, body, erased_at FROM `+t.table+
			` WHERE LOWER(CAST(body AS TEXT)) LIKE ? ESCAPE '!' ORDER BY seq LIMIT ?`, []any{pattern, limit - len(out)},
			func(rows *sql.Rows) error {
				r := privacy.Record{Kind: kind}
				erased := nullTime{s: s}
				if err := rows.Scan(&r.ID, s.scanTime(&r.At), &r.Body, &erased); err != nil {
					return err
				}
				r.Erased = !erased.Time.IsZero()
				out = append(out, r)
				return nil
			})
		if err != nil {
			return nil, s.wrap(err, "search "+t.table)
		}
	}
	return out, nil
}

// AddErasureRun implements privacy.Store.
func (s *Store) AddErasureRun(ctx context.Context, r privacy.Run) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO privacy_runs (at, run_by, shipments_before, orders_before, customs_before,
		shipments_erased, orders_erased, customs_erased, inward_erased) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		s.t(r.At), r.By, s.t(r.Cutoffs[privacy.Shipments]), s.t(r.Cutoffs[privacy.Orders]), s.t(r.Cutoffs[privacy.CustomsItem]),
		r.Erased[privacy.Shipments], r.Erased[privacy.Orders], r.Erased[privacy.CustomsItem], r.Erased[privacy.InwardItem])
	return s.wrap(err, "record erasure run")
}

// ErasureRuns implements privacy.Store.
func (s *Store) ErasureRuns(ctx context.Context, limit int) ([]privacy.Run, error) {
	var out []privacy.Run
	err := s.each(ctx, s.R, `SELECT id, at, run_by, shipments_before, orders_before, customs_before, shipments_erased, orders_erased, customs_erased, inward_erased
		FROM privacy_runs ORDER BY id DESC LIMIT ?`, []any{limit}, func(rows *sql.Rows) error {
		var r privacy.Run
		var sb, ob, cb time.Time
		var se, oe, ce, ie int
		if err := rows.Scan(&r.ID, s.scanTime(&r.At), &r.By, s.scanTime(&sb), s.scanTime(&ob), s.scanTime(&cb), &se, &oe, &ce, &ie); err != nil {
			return err
		}
		r.Cutoffs = map[privacy.Kind]time.Time{privacy.Shipments: sb, privacy.Orders: ob, privacy.CustomsItem: cb, privacy.InwardItem: sb}
		r.Erased = map[privacy.Kind]int{privacy.Shipments: se, privacy.Orders: oe, privacy.CustomsItem: ce, privacy.InwardItem: ie}
		out = append(out, r)
		return nil
	})
	return out, s.wrap(err, "list erasure runs")
}

const auditColumns = `at, key_id, role, offices, merchant, partner, via, method, operation, objects, client, status, request_id`

// AppendAudit implements audit.Store.
func (s *Store) AppendAudit(ctx context.Context, e audit.Entry) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO audit_log (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		s.t(e.At), e.KeyID, e.Role, e.Offices, e.Merchant, e.Partner, e.Via, e.Method, e.Operation, e.Objects, e.Client, e.Status, e.RequestID)
	return s.wrap(err, "append audit entry")
}

// AuditEntries implements audit.Store.
func (s *Store) AuditEntries(ctx context.Context, from, to time.Time, after int64, limit int) ([]audit.Entry, error) {
	var out []audit.Entry
	err := s.each(ctx, s.R, `SELECT seq, `+auditColumns+` FROM audit_log WHERE at >= ? AND at < ? AND seq > ? ORDER BY seq LIMIT ?`,
		[]any{s.t(from), s.t(to), after, limit}, func(rows *sql.Rows) error {
			var e audit.Entry
			if err := rows.Scan(&e.Seq, s.scanTime(&e.At), &e.KeyID, &e.Role, &e.Offices, &e.Merchant, &e.Partner, &e.Via, &e.Method,
				&e.Operation, &e.Objects, &e.Client, &e.Status, &e.RequestID); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	return out, s.wrap(err, "list audit entries")
}

// DeleteAuditBefore implements audit.Store.
func (s *Store) DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.W.ExecContext(ctx, s.q(`DELETE FROM audit_log WHERE at < ?`), s.t(before))
	if err != nil {
		return 0, s.wrap(err, "purge audit log")
	}
	n, err := res.RowsAffected()
	return n, s.wrap(err, "purge audit log")
}

// Inward items (a partner's pre-advice) keep names in columns: their
// record body is made up here, {"sender": {"name", "country"},
// "addressee": {…}}, and erasure writes the names back.

func (s *Store) inwardRecord(rows *sql.Rows) (privacy.Record, error) {
	r := privacy.Record{Kind: privacy.InwardItem}
	var dispatch, item, sn, sc, an, ac string
	erased := nullTime{s: s}
	if err := rows.Scan(&dispatch, &item, s.scanTime(&r.At), &sn, &sc, &an, &ac, &erased); err != nil {
		return r, err
	}
	r.ID, r.Erased = dispatch+" "+item, !erased.Time.IsZero()
	type party struct {
		Name    string `json:"name"`
		Country string `json:"country"`
	}
	body, err := json.Marshal(struct {
		Dispatch  string `json:"dispatch"`
		Item      string `json:"item"`
		Sender    party  `json:"sender"`
		Addressee party  `json:"addressee"`
	}{dispatch, item, party{sn, sc}, party{an, ac}})
	r.Body = body
	return r, err
}

const inwardSelect = `SELECT i.dispatch, i.item, d.advised_at, i.sender_name, i.sender_country, i.addressee_name, i.addressee_country, i.erased_at
	FROM inward_items i JOIN inward_dispatches d ON d.id = i.dispatch`

func (s *Store) inwardDue(ctx context.Context, cutoff time.Time, limit int) ([]privacy.Record, error) {
	var out []privacy.Record
	err := s.each(ctx, s.R, inwardSelect+` WHERE i.erased_at IS NULL AND d.updated_at < ? AND (i.sender_name <> '' OR i.addressee_name <> '')
		ORDER BY i.dispatch, i.item LIMIT ?`, []any{s.t(cutoff), limit}, func(rows *sql.Rows) error {
		r, err := s.inwardRecord(rows)
		out = append(out, r)
		return err
	})
	return out, s.wrap(err, "personal data due in inward_items")
}

func (s *Store) inwardMatching(ctx context.Context, pattern string, limit int) ([]privacy.Record, error) {
	var out []privacy.Record
	err := s.each(ctx, s.R, inwardSelect+` WHERE LOWER(i.sender_name) LIKE ? ESCAPE '!' OR LOWER(i.addressee_name) LIKE ? ESCAPE '!'
		ORDER BY i.dispatch, i.item LIMIT ?`, []any{pattern, pattern, limit}, func(rows *sql.Rows) error {
		r, err := s.inwardRecord(rows)
		out = append(out, r)
		return err
	})
	return out, s.wrap(err, "search inward_items")
}

func (s *Store) eraseInward(ctx context.Context, recs []privacy.Record, at time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range recs {
			dispatch, item, _ := strings.Cut(r.ID, " ")
			_, err := tx.ExecContext(ctx, s.q(`UPDATE inward_items SET
				sender_name = CASE WHEN sender_name = '' THEN '' ELSE ? END,
				addressee_name = CASE WHEN addressee_name = '' THEN '' ELSE ? END, erased_at = ?
				WHERE dispatch = ? AND item = ?`), privacy.Erased, privacy.Erased, s.t(at), dispatch, item)
			if err != nil {
				return s.wrap(err, "erase personal data of inward item "+r.ID)
			}
		}
		return nil
	})
}
