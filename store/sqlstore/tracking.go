package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Tracking events are written by each backend's own bulk path
// (Backend.AppendEvents): the generic one-row-per-statement helpers run at a
// fraction of the rate the ingest needs.

const trackingEventColumns = `seq, object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at`

// AppendEvents implements tracking.EventStore.
func (s *Store) AppendEvents(ctx context.Context, events []tracking.Event, received time.Time) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	// Insert in index order: neighbouring keys share index pages, so a
	// sorted batch touches (and rewrites in the WAL) far fewer of them. The
	// ingest hands batches over sorted (tracking.CompareStorage); others
	// are sorted here.
	order := tracking.StorageOrder(events)
	if order == nil {
		order = make([]int32, len(events))
		for i := range order {
			order[i] = int32(i)
		}
	}
	if err := s.storeNumbers(ctx, events); err != nil {
		return 0, err
	}
	n, err := s.backend.AppendEvents(ctx, s.W, events, order, received)
	if err != nil {
		return 0, s.wrap(err, "store events")
	}
	return n, nil
}

// storeNumbers records the number of each waybill and e-commerce object of
// events (tracking_numbers), so a bare number finds its object. It runs
// before the events are stored: a number without events (the events'
// transaction failing) only resolves to an empty timeline. S10 batches
// find none and write nothing.
func (s *Store) storeNumbers(ctx context.Context, events []tracking.Event) error {
	var rows []any
	seen := map[string]bool{}
	for i := range events {
		obj := events[i].Object
		if obj == "" || obj[0] < 'a' || seen[obj] {
			continue
		}
		seen[obj] = true
		var number string
		switch tracking.KindOf(obj) {
		case tracking.KindWaybill:
			w, err := postal.ParseWaybill(obj)
			if err != nil {
				return s.wrap(err, "store events")
			}
			number = w.Number
		case tracking.KindEcommerce:
			c, err := postal.ParseConsignment(obj)
			if err != nil {
				return s.wrap(err, "store events")
			}
			number = c.Number
		default:
			continue
		}
		rows = append(rows, number, obj)
	}
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), 2*trkChunk)]
		rows = rows[len(chunk):]
		vals := strings.Repeat("(?, ?),", len(chunk)/2)
		if _, err := s.W.ExecContext(ctx, s.q(`INSERT INTO tracking_numbers (number, object) VALUES `+vals[:len(vals)-1]+` ON CONFLICT DO NOTHING`), chunk...); err != nil {
			return s.wrap(err, "store waybill and consignment numbers")
		}
	}
	return nil
}

// ObjectsNumbered implements tracking.EventStore.
func (s *Store) ObjectsNumbered(ctx context.Context, number string) ([]string, error) {
	out := []string{}
	err := s.each(ctx, s.R, `SELECT object FROM tracking_numbers WHERE number = ? ORDER BY object`, []any{number}, func(rows *sql.Rows) error {
		var o string
		if err := rows.Scan(&o); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, s.wrap(err, "look up number "+number)
}

// EventsOf implements tracking.EventStore.
func (s *Store) EventsOf(ctx context.Context, object string) ([]tracking.Stored, error) {
	st, err := s.readStmt(ctx, `SELECT `+trackingEventColumns+` FROM tracking_events WHERE object = ? ORDER BY time, seq`)
	if err != nil {
		return nil, s.wrap(err, "prepare events read")
	}
	rows, err := st.QueryContext(ctx, s.backend.EventObject(object))
	if err != nil {
		return nil, s.wrap(err, "read events of "+object)
	}
	defer rows.Close()
	out := []tracking.Stored{}
	for rows.Next() {
		e, err := s.scanStored(rows)
		if err != nil {
			return nil, s.wrap(err, "read events of "+object)
		}
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "read events of "+object)
}

func (s *Store) scanStored(row interface{ Scan(...any) error }) (tracking.Stored, error) {
	var e tracking.Stored
	var t time.Time
	var off int
	var reason, next, sig sql.NullString
	var code string
	err := row.Scan(&e.Seq, objectScanner{s.backend, &e.Object}, &code, &e.Office, s.scanTime(&t), &off, &e.Source, &reason, &next, &sig, s.scanTime(&e.Received))
	e.Code = tracking.Code(code)
	e.Time = t.In(time.FixedZone("", off))
	e.Reason, e.NextOffice, e.Signatory = reason.String, next.String, sig.String
	return e, err
}

// objectScanner reads tracking_events.object as the backend stores it.
type objectScanner struct {
	b   Backend
	dst *string
}

func (o objectScanner) Scan(src any) error {
	id, err := o.b.ScanEventObject(src)
	*o.dst = id
	return err
}

// trkChunk bounds the ids of one IN (…) list.
const trkChunk = 500

// ItemRefs implements tracking.EventStore.
func (s *Store) ItemRefs(ctx context.Context, ids []string) (map[string]tracking.ItemRef, error) {
	return s.itemRefs(ctx, s.R, ids)
}

const trkRefsSQL = `SELECT id, merchant, merchant_ref, product, origin_office, dest_country, created_at FROM shipments WHERE id IN (`

// readStmt returns query (with ? placeholders) prepared on s.R, once per
// store (s.stmts): timelines and the ingest's shipment lookups run these
// statements at high rates, and parsing one cost as much as running it.
func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.R.PrepareContext(ctx, s.q(query))
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

func (s *Store) itemRefs(ctx context.Context, db queryer, ids []string) (map[string]tracking.ItemRef, error) {
	out := make(map[string]tracking.ItemRef, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), trkChunk)]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		q := db
		if db == queryer(s.R) && (len(chunk) == trkChunk || len(chunk) == 1) {
			st, err := s.readStmt(ctx, trkRefsSQL+placeholders(len(chunk))+`)`)
			if err != nil {
				return nil, s.wrap(err, "prepare shipment lookup")
			}
			q = stmtQueryer{st}
		}
		err := s.each(ctx, q, trkRefsSQL+placeholders(len(chunk))+`)`, args, func(rows *sql.Rows) error {
			var id string
			var r tracking.ItemRef
			if err := rows.Scan(&id, &r.Merchant, &r.MerchantRef, &r.Product, &r.OriginOffice, &r.DestCountry, s.scanTime(&r.CreatedAt)); err != nil {
				return err
			}
			out[id] = r
			return nil
		})
		if err != nil {
			return nil, s.wrap(err, "look up shipments")
		}
	}
	return out, nil
}

// stmtQueryer runs a prepared statement whatever query it is given (each
// passes the statement's own text).
type stmtQueryer struct{ st *sql.Stmt }

func (q stmtQueryer) QueryContext(ctx context.Context, _ string, args ...any) (*sql.Rows, error) {
	return q.st.QueryContext(ctx, args...)
}

// ProjectionLag implements tracking.ProjectionStore.
func (s *Store) ProjectionLag(ctx context.Context) (last, projected int64, err error) {
	err = s.R.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM tracking_events), 0),
		(SELECT seq FROM tracking_cursors WHERE name = 'items')`).Scan(&last, &projected)
	return last, projected, s.wrap(err, "read projection lag")
}

// PutDeliveryStandard implements tracking.StandardStore.
func (s *Store) PutDeliveryStandard(ctx context.Context, st tracking.Standard) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO delivery_standards (origin, dest, product, days) VALUES (?, ?, ?, ?)
		ON CONFLICT (origin, dest, product) DO UPDATE SET days = excluded.days`), st.Origin, st.Dest, st.Product, st.Days)
	return s.wrap(err, fmt.Sprintf("save delivery standard %s-%s %s", st.Origin, st.Dest, st.Product))
}

// DeliveryStandards implements tracking.StandardStore.
func (s *Store) DeliveryStandards(ctx context.Context) ([]tracking.Standard, error) {
	out := []tracking.Standard{}
	err := s.each(ctx, s.R, `SELECT origin, dest, product, days FROM delivery_standards ORDER BY origin, dest, product`, nil, func(rows *sql.Rows) error {
		var st tracking.Standard
		if err := rows.Scan(&st.Origin, &st.Dest, &st.Product, &st.Days); err != nil {
			return err
		}
		out = append(out, st)
		return nil
	})
	return out, s.wrap(err, "list delivery standards")
}

// notFound is a not_found error for a missing row.
func trkNotFound(format string, args ...any) error {
	return postal.Errorf(postal.CodeNotFound, format, args...)
}
