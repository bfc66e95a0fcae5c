package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// InterchangeSerial implements inward.Store (and dispatch's outbound
// references): the partner's next serial the first time a subject asks,
// the same serial after.
func (s *Store) InterchangeSerial(ctx context.Context, partner, subject string) (int64, error) {
	var serial int64
	err := s.R.QueryRowContext(ctx, s.q(`SELECT serial FROM interchange_refs WHERE partner = ? AND subject = ?`), partner, subject).Scan(&serial)
	if err == nil {
		return serial, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, s.wrap(err, "read interchange reference")
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// A concurrent caller may have taken it meanwhile.
		err := tx.QueryRowContext(ctx, s.q(`SELECT serial FROM interchange_refs WHERE partner = ? AND subject = ?`), partner, subject).Scan(&serial)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return s.wrap(err, "read interchange reference")
		}
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO interchange_serials (partner, last_serial) VALUES (?, 1)
			ON CONFLICT (partner) DO UPDATE SET last_serial = interchange_serials.last_serial + 1 RETURNING last_serial`), partner).Scan(&serial); err != nil {
			return s.wrap(err, "take interchange serial")
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO interchange_refs (partner, subject, serial) VALUES (?, ?, ?)`), partner, subject, serial)
		return s.wrap(err, "store interchange reference")
	})
	if postal.ErrorCode(err) == postal.CodeConflict {
		// Lost a race for the same subject on another node: read the winner's.
		if e := s.W.QueryRowContext(ctx, s.q(`SELECT serial FROM interchange_refs WHERE partner = ? AND subject = ?`), partner, subject).Scan(&serial); e == nil {
			return serial, nil
		}
	}
	return serial, err
}

// SaveAdvice implements inward.Store.
func (s *Store) SaveAdvice(ctx context.Context, a inward.Advice) error {
	in := a.Interchange
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_interchanges (partner, ref, kind, digest, message, dispatches, received_at,
			reply_kind, reply_to, reply_ref, reply_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			in.Partner, in.Ref, string(in.Kind), in.Digest, string(in.Message), strings.Join(in.Dispatches, " "), s.t(in.ReceivedAt),
			in.Reply.Kind, in.Reply.Recipient, in.Reply.Ref, string(in.Reply.Text)); err != nil {
			return s.wrap(err, "interchange "+in.Ref+" from "+in.Partner)
		}
		for _, d := range a.Dispatches {
			if err := s.saveInwardDispatch(ctx, tx, in.Kind, d); err != nil {
				return err
			}
		}
		onConflict := ` ON CONFLICT (id) DO UPDATE SET consignment = excluded.consignment, cardit = excluded.cardit`
		if in.Kind == inward.KindPredes {
			onConflict = ` ON CONFLICT (id) DO UPDATE SET type = excluded.type, gross_weight_g = excluded.gross_weight_g, items = excluded.items, predes = excluded.predes`
		}
		if err := s.bulkUpsert(ctx, tx, "inward_receptacles", adviceReceptacleCols, onConflict, len(a.Receptacles), bulkRows, func(i int, args []any) []any {
			r := a.Receptacles[i]
			return append(args, r.ID, r.Dispatch, r.Type, r.GrossWeightG, r.Registered, r.Last, r.Items, string(r.Status), r.Consignment, r.Predes, r.Cardit)
		}); err != nil {
			return s.wrap(err, "receptacles of interchange "+in.Ref)
		}
		if err := s.bulkInsert(ctx, tx, "inward_items", adviceItemCols, len(a.Items), bulkRows, func(i int, args []any) []any {
			it := a.Items[i]
			return append(args, it.Dispatch, it.Item, it.Receptacle, string(it.Status), it.Contents, it.HSCode, it.WeightG, it.Value, it.Currency,
				it.SenderName, it.SenderCountry, it.AddresseeName, it.AddresseeCountry)
		}); err != nil {
			return s.wrap(err, "items of interchange "+in.Ref)
		}
		if err := s.saveTransit(ctx, tx, a.Transit); err != nil {
			return err
		}
		for _, d := range a.Dispatches {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE inward_dispatches SET
				receptacles = (SELECT COUNT(*) FROM inward_receptacles WHERE dispatch = ?),
				gross_weight_g = (SELECT COALESCE(SUM(gross_weight_g), 0) FROM inward_receptacles WHERE dispatch = ?),
				items = (SELECT COUNT(*) FROM inward_items WHERE dispatch = ?) WHERE id = ?`), d.ID, d.ID, d.ID, d.ID); err != nil {
				return s.wrap(err, "total dispatch "+d.ID)
			}
		}
		return nil
	})
}

var (
	adviceReceptacleCols = []string{"id", "dispatch", "type", "gross_weight_g", "registered", "last", "items", "status", "consignment", "predes", "cardit"}
	adviceItemCols       = []string{"dispatch", "item", "receptacle", "status", "contents", "hs_code", "weight_g",
		"value", "currency", "sender_name", "sender_country", "addressee_name", "addressee_country"}
)

// saveInwardDispatch inserts a dispatch, or completes the one a CARDIT
// (for a PREDES) or a PREDES or CARDIT (for a CARDIT) announced.
func (s *Store) saveInwardDispatch(ctx context.Context, tx *sql.Tx, kind inward.Kind, d inward.Dispatch) error {
	var set string
	if kind == inward.KindPredes {
		set = `pre_advice = excluded.pre_advice, prepared_at = excluded.prepared_at, updated_at = excluded.updated_at,
			carrier = CASE WHEN inward_dispatches.carrier = '' THEN excluded.carrier ELSE inward_dispatches.carrier END,
			service = CASE WHEN inward_dispatches.service = '' THEN excluded.service ELSE inward_dispatches.service END,
			mode = CASE WHEN inward_dispatches.mode = '' THEN excluded.mode ELSE inward_dispatches.mode END,
			departure = COALESCE(inward_dispatches.departure, excluded.departure),
			arrival = COALESCE(inward_dispatches.arrival, excluded.arrival)
			WHERE inward_dispatches.pre_advice = '' AND inward_dispatches.status = 'expected'`
	} else {
		set = `consignment = excluded.consignment, carrier = excluded.carrier, service = excluded.service, mode = excluded.mode,
			departure = excluded.departure, arrival = excluded.arrival, updated_at = excluded.updated_at
			WHERE inward_dispatches.status = 'expected'`
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_dispatches (id, origin, destination, partner, category, subclass, status,
		pre_advice, prepared_at, consignment, carrier, service, mode, departure, arrival, advised_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET `+set),
		d.ID, d.Origin, d.Destination, d.Partner, d.Category, d.Subclass, string(d.Status), d.PreAdvice, s.optTime(d.Prepared),
		d.Consignment, d.Carrier, d.Service, d.Mode, s.optTime(d.Departure), s.optTime(d.Arrival), s.t(d.AdvisedAt), s.t(d.UpdatedAt))
	if err != nil {
		return s.wrap(err, "dispatch "+d.ID)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		old, err := s.inwardDispatch(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if old.Status != inward.StatusExpected {
			return postal.Errorf(postal.CodeConflict, "dispatch %s is already %s: pre-advice comes before the mail", d.ID, old.Status)
		}
		return postal.Errorf(postal.CodeConflict, "dispatch %s was pre-advised by interchange %s; a corrected pre-advice is not taken yet", d.ID, old.PreAdvice)
	}
	return nil
}

// optTime stores a zero time as NULL.
func (s *Store) optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.t(t)
}

const inwardDispatchCols = `id, origin, destination, partner, category, subclass, status, pre_advice, prepared_at, consignment, carrier,
	service, mode, departure, arrival, receptacles, gross_weight_g, items, advised_at, updated_at`

type rowScanner interface{ Scan(dest ...any) error }

func (s *Store) scanInwardDispatch(row rowScanner) (inward.Dispatch, error) {
	var d inward.Dispatch
	var status string
	prepared, dep, arr := nullTime{s: s}, nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&d.ID, &d.Origin, &d.Destination, &d.Partner, &d.Category, &d.Subclass, &status, &d.PreAdvice, &prepared,
		&d.Consignment, &d.Carrier, &d.Service, &d.Mode, &dep, &arr, &d.Receptacles, &d.GrossWeightG, &d.Items,
		s.scanTime(&d.AdvisedAt), s.scanTime(&d.UpdatedAt))
	d.Status, d.Prepared, d.Departure, d.Arrival = inward.Status(status), prepared.Time, dep.Time, arr.Time
	return d, err
}

func (s *Store) inwardDispatch(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (inward.Dispatch, error) {
	d, err := s.scanInwardDispatch(q.QueryRowContext(ctx, s.q(`SELECT `+inwardDispatchCols+` FROM inward_dispatches WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, postal.Errorf(postal.CodeNotFound, "no inward dispatch %s", postal.Quote(id))
	}
	return d, s.wrap(err, "read inward dispatch "+id)
}

// InwardDispatch implements inward.Store.
func (s *Store) InwardDispatch(ctx context.Context, id string) (inward.Dispatch, error) {
	return s.inwardDispatch(ctx, s.R, id)
}

// InwardDispatches implements inward.Store.
func (s *Store) InwardDispatches(ctx context.Context, f inward.DispatchFilter) ([]inward.Dispatch, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Destination != "" {
		where, args = append(where, "destination = ?"), append(args, f.Destination)
	}
	if len(f.Offices) > 0 {
		where = append(where, "destination IN (?"+strings.Repeat(", ?", len(f.Offices)-1)+")")
		for _, o := range f.Offices {
			args = append(args, o)
		}
	}
	if f.Partner != "" {
		where, args = append(where, "partner = ?"), append(args, f.Partner)
	}
	q := `SELECT ` + inwardDispatchCols + ` FROM inward_dispatches`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += ` ORDER BY CASE WHEN arrival IS NULL THEN 1 ELSE 0 END, arrival, id LIMIT ?`
	rows, err := s.R.QueryContext(ctx, s.q(q), append(args, limit)...)
	if err != nil {
		return nil, s.wrap(err, "list inward dispatches")
	}
	defer rows.Close()
	out := []inward.Dispatch{}
	for rows.Next() {
		d, err := s.scanInwardDispatch(rows)
		if err != nil {
			return nil, s.wrap(err, "read inward dispatch")
		}
		out = append(out, d)
	}
	return out, s.wrap(rows.Err(), "list inward dispatches")
}

// InwardReceptacles implements inward.Store.
func (s *Store) InwardReceptacles(ctx context.Context, dispatch string) ([]inward.Receptacle, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+inwardReceptacleCols+` FROM inward_receptacles WHERE dispatch = ? ORDER BY id`), dispatch)
	if err != nil {
		return nil, s.wrap(err, "list inward receptacles")
	}
	defer rows.Close()
	out := []inward.Receptacle{}
	for rows.Next() {
		r, err := s.scanInwardReceptacle(rows)
		if err != nil {
			return nil, s.wrap(err, "read inward receptacle")
		}
		out = append(out, r)
	}
	return out, s.wrap(rows.Err(), "list inward receptacles")
}

const inwardReceptacleCols = `id, dispatch, type, gross_weight_g, registered, last, items, status, consignment, predes, cardit,
	not_advised, received_weight_g, received_at, received_office, flags, opened_at`

func (s *Store) scanInwardReceptacle(row rowScanner) (inward.Receptacle, error) {
	var r inward.Receptacle
	var status string
	recv, opened := nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&r.ID, &r.Dispatch, &r.Type, &r.GrossWeightG, &r.Registered, &r.Last, &r.Items, &status, &r.Consignment,
		&r.Predes, &r.Cardit, &r.NotAdvised, &r.ReceivedWeightG, &recv, &r.ReceivedOffice, &r.Flags, &opened)
	r.Status, r.ReceivedAt, r.OpenedAt = inward.Status(status), recv.Time, opened.Time
	return r, err
}

// InwardItems implements inward.Store.
func (s *Store) InwardItems(ctx context.Context, dispatch string) ([]inward.Item, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+inwardItemCols+` FROM inward_items WHERE dispatch = ? ORDER BY receptacle, item`), dispatch)
	if err != nil {
		return nil, s.wrap(err, "list inward items")
	}
	defer rows.Close()
	out := []inward.Item{}
	for rows.Next() {
		it, err := s.scanInwardItem(rows)
		if err != nil {
			return nil, s.wrap(err, "read inward item")
		}
		out = append(out, it)
	}
	return out, s.wrap(rows.Err(), "list inward items")
}

const inwardItemCols = `item, receptacle, dispatch, status, contents, hs_code, weight_g, value, currency,
	sender_name, sender_country, addressee_name, addressee_country, not_advised, item_condition, received_weight_g, received_at`

func (s *Store) scanInwardItem(row rowScanner) (inward.Item, error) {
	var it inward.Item
	var status string
	recv := nullTime{s: s}
	err := row.Scan(&it.Item, &it.Receptacle, &it.Dispatch, &status, &it.Contents, &it.HSCode, &it.WeightG, &it.Value, &it.Currency,
		&it.SenderName, &it.SenderCountry, &it.AddresseeName, &it.AddresseeCountry, &it.NotAdvised, &it.Condition, &it.ReceivedWeightG, &recv)
	it.Status, it.ReceivedAt = inward.Status(status), recv.Time
	return it, err
}

// Interchange implements inward.Store.
func (s *Store) Interchange(ctx context.Context, partner, ref string) (inward.Interchange, error) {
	var in inward.Interchange
	var kind, msg, dispatches, reply string
	err := s.R.QueryRowContext(ctx, s.q(`SELECT partner, ref, kind, digest, message, dispatches, received_at, reply_kind, reply_to, reply_ref, reply_text
		FROM inward_interchanges WHERE partner = ? AND ref = ?`), partner, ref).Scan(&in.Partner, &in.Ref, &kind, &in.Digest, &msg, &dispatches,
		s.scanTime(&in.ReceivedAt), &in.Reply.Kind, &in.Reply.Recipient, &in.Reply.Ref, &reply)
	if errors.Is(err, sql.ErrNoRows) {
		return in, postal.Errorf(postal.CodeNotFound, "no interchange %s from %s", postal.Quote(ref), postal.Quote(partner))
	}
	if err != nil {
		return in, s.wrap(err, "read interchange")
	}
	in.Kind, in.Message, in.Reply.Text, in.Dispatches = inward.Kind(kind), []byte(msg), []byte(reply), strings.Fields(dispatches)
	return in, nil
}
