package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// SaveTransit implements inward.TransitStore.
func (s *Store) SaveTransit(ctx context.Context, t inward.Transit) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return s.saveTransit(ctx, tx, []inward.Transit{t}) })
}

// saveTransit stores advised transit offices in a pre-advice's transaction.
func (s *Store) saveTransit(ctx context.Context, tx *sql.Tx, ts []inward.Transit) error {
	for _, t := range ts {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_transit (dispatch, office, advised_at) VALUES (?, ?, ?) ON CONFLICT (dispatch) DO NOTHING`),
			t.Dispatch, t.Office, s.t(t.AdvisedAt)); err != nil {
			return s.wrap(err, "transit of dispatch "+t.Dispatch)
		}
	}
	return nil
}

// InwardTransit implements inward.TransitStore.
func (s *Store) InwardTransit(ctx context.Context, dispatch string) (inward.Transit, error) {
	var t inward.Transit
	err := s.R.QueryRowContext(ctx, s.q(`SELECT dispatch, office, advised_at FROM inward_transit WHERE dispatch = ?`), dispatch).
		Scan(&t.Dispatch, &t.Office, s.scanTime(&t.AdvisedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return t, postal.Errorf(postal.CodeNotFound, "dispatch %s is not in transit through us", postal.Quote(dispatch))
	}
	return t, s.wrap(err, "read transit of "+dispatch)
}

// TransitDispatches implements inward.TransitStore.
func (s *Store) TransitDispatches(ctx context.Context, offices []string, limit int) ([]inward.Transit, error) {
	q, args := `SELECT dispatch, office, advised_at FROM inward_transit`, []any{}
	if len(offices) > 0 {
		q += ` WHERE office IN (?` + strings.Repeat(", ?", len(offices)-1) + `)`
		for _, o := range offices {
			args = append(args, o)
		}
	}
	rows, err := s.R.QueryContext(ctx, s.q(q+` ORDER BY advised_at DESC, dispatch LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, s.wrap(err, "list transit dispatches")
	}
	defer rows.Close()
	out := []inward.Transit{}
	for rows.Next() {
		var t inward.Transit
		if err := rows.Scan(&t.Dispatch, &t.Office, s.scanTime(&t.AdvisedAt)); err != nil {
			return nil, s.wrap(err, "read transit dispatch")
		}
		out = append(out, t)
	}
	return out, s.wrap(rows.Err(), "list transit dispatches")
}

// SaveForwardings implements inward.TransitStore.
func (s *Store) SaveForwardings(ctx context.Context, fs []inward.Forwarding) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, f := range fs {
			legs, err := json.Marshal(f.Legs)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inward_transit_forwardings (receptacle, dispatch, office, destination, service, mode,
				carrier, next_office, departure, arrival, legs, weight_g, forwarded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				f.Receptacle, f.Dispatch, f.Office, f.Destination, f.Service, f.Mode, f.Carrier, f.Next, s.t(f.Departure), s.t(f.Arrival),
				string(legs), f.WeightG, s.t(f.ForwardedAt)); err != nil {
				return s.wrap(err, "forwarding of receptacle "+f.Receptacle)
			}
		}
		return nil
	})
}

// Forwardings implements inward.TransitStore.
func (s *Store) Forwardings(ctx context.Context, dispatch string) ([]inward.Forwarding, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT receptacle, dispatch, office, destination, service, mode, carrier, next_office, departure,
		arrival, legs, weight_g, forwarded_at FROM inward_transit_forwardings WHERE dispatch = ? ORDER BY receptacle`), dispatch)
	if err != nil {
		return nil, s.wrap(err, "list forwardings")
	}
	defer rows.Close()
	out := []inward.Forwarding{}
	for rows.Next() {
		var f inward.Forwarding
		var legs string
		if err := rows.Scan(&f.Receptacle, &f.Dispatch, &f.Office, &f.Destination, &f.Service, &f.Mode, &f.Carrier, &f.Next,
			s.scanTime(&f.Departure), s.scanTime(&f.Arrival), &legs, &f.WeightG, s.scanTime(&f.ForwardedAt)); err != nil {
			return nil, s.wrap(err, "read forwarding")
		}
		if err := json.Unmarshal([]byte(legs), &f.Legs); err != nil {
			return nil, s.wrap(err, "read legs of forwarding "+f.Receptacle)
		}
		out = append(out, f)
	}
	return out, s.wrap(rows.Err(), "list forwardings")
}

// ConsignmentReceptacles implements inward.CarrierStore.
func (s *Store) ConsignmentReceptacles(ctx context.Context, consignment string) ([]inward.Received, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+inwardReceptacleCols+` FROM inward_receptacles WHERE consignment = ? ORDER BY id`), consignment)
	if err != nil {
		return nil, s.wrap(err, "list consignment receptacles")
	}
	var rs []inward.Receptacle
	for rows.Next() {
		r, err := s.scanInwardReceptacle(rows)
		if err != nil {
			rows.Close()
			return nil, s.wrap(err, "read consignment receptacle")
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "list consignment receptacles")
	}
	out := make([]inward.Received, 0, len(rs))
	ds := map[string]inward.Dispatch{}
	for _, r := range rs {
		d, ok := ds[r.Dispatch]
		if !ok {
			if d, err = s.InwardDispatch(ctx, r.Dispatch); err != nil {
				return nil, err
			}
			ds[r.Dispatch] = d
		}
		out = append(out, inward.Received{Dispatch: d, Receptacle: r})
	}
	return out, nil
}

// SaveCarrierReceipt implements inward.CarrierStore.
func (s *Store) SaveCarrierReceipt(ctx context.Context, c inward.CarrierReceipt) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO carrier_resdits (carrier, ref, consignment, office, receptacles, created_at, message, text)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (carrier, ref) DO NOTHING`),
		c.Carrier, c.Ref, c.Consignment, c.Office, c.Receptacles, s.t(c.CreatedAt), string(c.Message), string(c.Text))
	return s.wrap(err, "RESDIT "+c.Ref+" to "+c.Carrier)
}

// CarrierReceipts implements inward.CarrierStore.
func (s *Store) CarrierReceipts(ctx context.Context, consignment string) ([]inward.CarrierReceipt, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT carrier, ref, consignment, office, receptacles, created_at, message, text
		FROM carrier_resdits WHERE consignment = ? ORDER BY created_at, ref`), consignment)
	if err != nil {
		return nil, s.wrap(err, "list RESDITs")
	}
	defer rows.Close()
	out := []inward.CarrierReceipt{}
	for rows.Next() {
		var c inward.CarrierReceipt
		var msg, text string
		if err := rows.Scan(&c.Carrier, &c.Ref, &c.Consignment, &c.Office, &c.Receptacles, s.scanTime(&c.CreatedAt), &msg, &text); err != nil {
			return nil, s.wrap(err, "read RESDIT")
		}
		c.Message, c.Text = []byte(msg), []byte(text)
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "list RESDITs")
}
