package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
)

// Consign implements dispatch.ConsignmentStore.
func (s *Store) Consign(ctx context.Context, c dispatch.Consignment) (dispatch.Consignment, error) {
	capG := int64(math.Round(c.CapacityKg * 1000))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		year := c.Departure.UTC().Year()
		serial, err := s.takeSerials(ctx, tx, "consignment_serials", "office, year", []any{c.Office, year}, 1)
		if err != nil {
			return err
		}
		if serial > 99999 {
			return postal.Errorf(postal.CodeUnavailable, "the 99,999 consignment numbers of %s for %d are used up", c.Office, year)
		}
		c.ID = fmt.Sprintf("%s%02d%05d", c.Office, year%100, serial)
		for _, id := range c.Dispatches {
			res, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET status = 'consigned', consignment = ?
				WHERE id = ? AND at_office = ? AND status IN ('closed', 'departed')`), c.ID, id, c.Office)
			if err != nil {
				return s.wrap(err, "consign dispatch "+id)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				d, err := s.scanDispatch(tx.QueryRowContext(ctx, s.q(`SELECT `+dispatchCols+` FROM dispatches WHERE id = ?`), id))
				if errors.Is(err, sql.ErrNoRows) {
					return postal.Errorf(postal.CodeNotFound, "no dispatch %s", id)
				}
				if err != nil {
					return s.wrap(err, "read dispatch "+id)
				}
				if d.Status == dispatch.StatusConsigned {
					return postal.Errorf(postal.CodeConflict, "dispatch %s is already on consignment %s", id, d.Consignment)
				}
				return postal.Errorf(postal.CodeConflict, "dispatch %s is %s at %s, not ready at %s: only closed dispatches (or ones that arrived here) are consigned",
					id, d.Status, d.AtOffice, c.Office)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO departure_loads (service, departure, capacity_g, loaded_g) VALUES (?, ?, ?, 0)
			ON CONFLICT (service, departure) DO NOTHING`), c.Service, s.t(c.Departure), capG); err != nil {
			return s.wrap(err, "open departure load")
		}
		var loaded int64
		err = tx.QueryRowContext(ctx, s.q(`UPDATE departure_loads SET loaded_g = loaded_g + ?, capacity_g = ?
			WHERE service = ? AND departure = ? AND loaded_g + ? <= ? RETURNING loaded_g`),
			c.GrossWeightG, capG, c.Service, s.t(c.Departure), c.GrossWeightG, capG).Scan(&loaded)
		if errors.Is(err, sql.ErrNoRows) {
			if err := tx.QueryRowContext(ctx, s.q(`SELECT loaded_g FROM departure_loads WHERE service = ? AND departure = ?`),
				c.Service, s.t(c.Departure)).Scan(&loaded); err != nil {
				return s.wrap(err, "read departure load")
			}
			return &dispatch.CapacityError{Service: c.Service, Departure: c.Departure, CapacityG: int(capG), LoadedG: int(loaded), AddG: c.GrossWeightG}
		}
		if err != nil {
			return s.wrap(err, "load departure")
		}
		c.LoadedG = int(loaded)
		c.Status = dispatch.StatusConsigned
		body, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err = tx.ExecContext(ctx, s.q(`INSERT INTO consignments (id, office, service, departure, status, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.Office, c.Service, s.t(c.Departure), string(c.Status), s.t(c.CreatedAt), string(body)); err != nil {
			return s.wrap(err, "store consignment")
		}
		// Each dispatch's next leg; the status guard above keeps two
		// consignments from taking the same one.
		for _, id := range c.Dispatches {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO dispatch_legs (dispatch, leg, consignment, office, receptacles, gross_weight_g)
				SELECT d.id, (SELECT COUNT(*) FROM dispatch_legs l WHERE l.dispatch = d.id) + 1, ?, ?, d.receptacles, d.gross_weight_g
				FROM dispatches d WHERE d.id = ?`), c.ID, c.Office, id); err != nil {
				return s.wrap(err, "add a leg to dispatch "+id)
			}
		}
		return nil
	})
	return c, err
}

const consignmentCols = `status, departed_at, body`

func (s *Store) scanConsignment(row scanner) (dispatch.Consignment, error) {
	var c dispatch.Consignment
	var status string
	var body []byte
	departed := nullTime{s: s}
	if err := row.Scan(&status, &departed, &body); err != nil {
		return c, err
	}
	if err := json.Unmarshal(body, &c); err != nil {
		return c, fmt.Errorf("decode consignment: %w", err)
	}
	c.Status = dispatch.Status(status)
	if departed.Valid {
		c.DepartedAt = &departed.Time
	}
	return c, nil
}

// Consignment implements dispatch.ConsignmentStore.
func (s *Store) Consignment(ctx context.Context, id string) (dispatch.Consignment, error) {
	return s.consignment(ctx, s.R, id)
}

func (s *Store) consignment(ctx context.Context, q querier, id string) (dispatch.Consignment, error) {
	c, err := s.scanConsignment(q.QueryRowContext(ctx, s.q(`SELECT `+consignmentCols+` FROM consignments WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, postal.Errorf(postal.CodeNotFound, "no consignment %s", id)
	}
	return c, s.wrap(err, "read consignment "+id)
}

// Consignments implements dispatch.ConsignmentStore.
func (s *Store) Consignments(ctx context.Context, office string, from, to time.Time) ([]dispatch.Consignment, error) {
	query := `SELECT ` + consignmentCols + ` FROM consignments WHERE departure >= ? AND departure < ?`
	args := []any{s.t(from), s.t(to)}
	if office != "" {
		query += ` AND office = ?`
		args = append(args, office)
	}
	rows, err := s.R.QueryContext(ctx, s.q(query+` ORDER BY departure, id`), args...)
	if err != nil {
		return nil, s.wrap(err, "list consignments")
	}
	defer rows.Close()
	var out []dispatch.Consignment
	for rows.Next() {
		c, err := s.scanConsignment(rows)
		if err != nil {
			return nil, s.wrap(err, "read consignment")
		}
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "list consignments")
}

// Depart implements dispatch.ConsignmentStore.
func (s *Store) Depart(ctx context.Context, id string, at time.Time, out dispatch.Outbox) (dispatch.Consignment, bool, error) {
	var c dispatch.Consignment
	changed := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.consignment(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE consignments SET status = 'departed', departed_at = ? WHERE id = ? AND status = 'consigned'`), s.t(at), id)
		if err != nil {
			return s.wrap(err, "depart consignment")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			c, err = s.consignment(ctx, tx, id)
			return err
		}
		changed = true
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET status = 'departed', departed_at = ?, at_office = ? WHERE consignment = ?`),
			s.t(at), cur.To, id); err != nil {
			return s.wrap(err, "depart dispatches")
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE dispatch_legs SET departed_at = ? WHERE consignment = ?`), s.t(at), id); err != nil {
			return s.wrap(err, "depart dispatch legs")
		}
		if err := s.appendOutbox(ctx, tx, at, out); err != nil {
			return err
		}
		c, err = s.consignment(ctx, tx, id)
		return err
	})
	return c, changed, err
}

// Legs implements dispatch.ConsignmentStore.
func (s *Store) Legs(ctx context.Context, id string) ([]dispatch.ConsignedLeg, error) {
	var out []dispatch.ConsignedLeg
	err := s.each(ctx, s.R, `SELECT l.leg, l.office, l.receptacles, l.gross_weight_g, l.departed_at, c.body
		FROM dispatch_legs l JOIN consignments c ON c.id = l.consignment WHERE l.dispatch = ? ORDER BY l.leg`, []any{id}, func(rows *sql.Rows) error {
		l := dispatch.ConsignedLeg{Dispatch: id}
		departed := nullTime{s: s}
		var body []byte
		if err := rows.Scan(&l.Leg, &l.From, &l.Receptacles, &l.GrossWeightG, &departed, &body); err != nil {
			return err
		}
		var c dispatch.Consignment
		if err := json.Unmarshal(body, &c); err != nil {
			return fmt.Errorf("decode consignment: %w", err)
		}
		l.Consignment, l.Service, l.Carrier, l.To, l.Departure, l.Arrival = c.ID, c.Service, c.Carrier, c.To, c.Departure.UTC(), c.Arrival.UTC()
		if departed.Valid {
			l.DepartedAt = &departed.Time
		}
		out = append(out, l)
		return nil
	})
	return out, s.wrap(err, "list the legs of dispatch "+id)
}

// DepartureLoads implements dispatch.ConsignmentStore.
func (s *Store) DepartureLoads(ctx context.Context, from, to time.Time) (map[dispatch.DepartureKey]int, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT service, departure, loaded_g FROM departure_loads WHERE departure >= ? AND departure < ?`), s.t(from), s.t(to))
	if err != nil {
		return nil, s.wrap(err, "list departure loads")
	}
	defer rows.Close()
	out := map[dispatch.DepartureKey]int{}
	for rows.Next() {
		var k dispatch.DepartureKey
		var g int
		if err := rows.Scan(&k.Service, s.scanTime(&k.Departure), &g); err != nil {
			return nil, s.wrap(err, "read departure load")
		}
		out[k] = g
	}
	return out, s.wrap(rows.Err(), "list departure loads")
}

// RecordCarrierEvents implements dispatch.ConsignmentStore.
func (s *Store) RecordCarrierEvents(ctx context.Context, evs []dispatch.CarrierEvent, out func([]dispatch.CarrierEvent) dispatch.Outbox) (int, error) {
	var fresh []dispatch.CarrierEvent
	err := s.tx(ctx, func(tx *sql.Tx) error {
		fresh = fresh[:0]
		for _, e := range evs {
			res, err := tx.ExecContext(ctx, s.q(`INSERT INTO carrier_events (receptacle, code, at, carrier, office, transport, message, received)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (receptacle, code, at, carrier) DO NOTHING`),
				e.Receptacle, e.Code, s.t(e.Time), e.Carrier, e.Office, e.Transport, e.Message, s.t(e.Received))
			if err != nil {
				return s.wrap(err, "store carrier event")
			}
			if n, _ := res.RowsAffected(); n > 0 {
				fresh = append(fresh, e)
			}
		}
		if len(fresh) == 0 || out == nil {
			return nil
		}
		return s.appendOutbox(ctx, tx, fresh[0].Received, out(fresh))
	})
	return len(fresh), err
}

// CarrierEvents implements dispatch.ConsignmentStore.
func (s *Store) CarrierEvents(ctx context.Context, receptacle string) ([]dispatch.CarrierEvent, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT receptacle, code, at, carrier, office, transport, message, received
		FROM carrier_events WHERE receptacle = ? ORDER BY at, code`), receptacle)
	if err != nil {
		return nil, s.wrap(err, "list carrier events")
	}
	defer rows.Close()
	var out []dispatch.CarrierEvent
	for rows.Next() {
		var e dispatch.CarrierEvent
		if err := rows.Scan(&e.Receptacle, &e.Code, s.scanTime(&e.Time), &e.Carrier, &e.Office, &e.Transport, &e.Message, s.scanTime(&e.Received)); err != nil {
			return nil, s.wrap(err, "read carrier event")
		}
		out = append(out, e)
	}
	return out, s.wrap(rows.Err(), "list carrier events")
}

// PendingOutbox implements dispatch.OutboxStore.
func (s *Store) PendingOutbox(ctx context.Context, limit int) ([]dispatch.Outbox, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT seq, body FROM dispatch_outbox WHERE delivered_at IS NULL ORDER BY seq LIMIT ?`), limit)
	if err != nil {
		return nil, s.wrap(err, "read event outbox")
	}
	defer rows.Close()
	var out []dispatch.Outbox
	for rows.Next() {
		var o dispatch.Outbox
		var body []byte
		if err := rows.Scan(&o.Seq, &body); err != nil {
			return nil, s.wrap(err, "read outbox entry")
		}
		if err := json.Unmarshal(body, &o); err != nil {
			return nil, fmt.Errorf("decode outbox entry %d: %w", o.Seq, err)
		}
		out = append(out, o)
	}
	return out, s.wrap(rows.Err(), "read event outbox")
}

// MarkOutboxDelivered implements dispatch.OutboxStore.
func (s *Store) MarkOutboxDelivered(ctx context.Context, seqs []int64, at time.Time) error {
	if len(seqs) == 0 {
		return nil
	}
	args := []any{s.t(at)}
	for _, q := range seqs {
		args = append(args, q)
	}
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE dispatch_outbox SET delivered_at = ? WHERE seq IN (?`+strings.Repeat(", ?", len(seqs)-1)+`)`), args...)
	return s.wrap(err, "mark events delivered")
}
