package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

const serviceColumns = `id, from_office, to_office, mode, carrier, days, departs_min, duration_min, cutoff_min,
	capacity_kg, cost_per_kg, valid_from, valid_to, co2_g_per_kg, dg`

// ReplaceNetwork implements network.ServiceStore.
func (s *Store) ReplaceNetwork(ctx context.Context, offices []network.Office, services []network.Leg) error {
	var fe postal.FieldList
	for i, o := range offices {
		if err := o.Validate(); err != nil {
			fe.Add(fmt.Sprintf("offices[%d]", i), "%v", err)
		}
	}
	ids := make(map[string]bool, len(services))
	for i, sv := range services {
		if err := sv.Validate(); err != nil {
			fe.Add(fmt.Sprintf("services[%d]", i), "%v", err)
		}
		if ids[sv.ID] {
			fe.Add(fmt.Sprintf("services[%d].id", i), "service %s appears twice", sv.ID)
		}
		ids[sv.ID] = true
	}
	if err := fe.Err("network is invalid"); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putOffices(ctx, tx, offices); err != nil {
			return err
		}
		known, err := officeCodes(ctx, tx)
		if err != nil {
			return s.wrap(err, "list office codes")
		}
		for i, sv := range services {
			for _, ref := range []struct{ field, code string }{{"from", sv.From}, {"to", sv.To}} {
				if !known[ref.code] {
					fe.Add(fmt.Sprintf("services[%d].%s", i, ref.field), "unknown office %q", ref.code)
				}
			}
		}
		if err := fe.Err("network is invalid"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM services`); err != nil {
			return s.wrap(err, "clear services")
		}
		stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO services (`+serviceColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return s.wrap(err, "prepare service insert")
		}
		defer stmt.Close()
		for _, sv := range services {
			if _, err := stmt.ExecContext(ctx, sv.ID, sv.From, sv.To, string(sv.Mode), sv.Carrier, sv.Days.String(),
				int(sv.Departs), sv.DurationMin, sv.CutoffMin, sv.CapacityKg, sv.CostPerKg,
				nullDate(sv.ValidFrom), nullDate(sv.ValidTo), sv.CO2GPerKg, sv.DG); err != nil {
				return s.wrap(err, "save service "+sv.ID)
			}
		}
		return s.bumpNetwork(ctx, tx)
	})
}

// bumpNetwork moves the network to its next version in tx, the transaction
// that changes offices or services: a node that reads the version sees the
// change with it or not at all.
func (s *Store) bumpNetwork(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE network_version SET version = version + 1 WHERE id = 1`)
	return s.wrap(err, "bump the network version")
}

// NetworkVersion implements network.LegStore.
func (s *Store) NetworkVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.R.QueryRowContext(ctx, `SELECT version FROM network_version WHERE id = 1`).Scan(&v)
	return v, s.wrap(err, "read the network version")
}

func officeCodes(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code FROM offices`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

func nullDate(d civil.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// Services implements network.ServiceStore.
func (s *Store) Services(ctx context.Context) ([]network.Leg, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT `+serviceColumns+` FROM services ORDER BY id`)
	if err != nil {
		return nil, s.wrap(err, "list services")
	}
	defer rows.Close()
	var out []network.Leg
	for rows.Next() {
		var sv network.Leg
		var mode, days string
		var departs int
		var co2 sql.NullFloat64
		if err := rows.Scan(&sv.ID, &sv.From, &sv.To, &mode, &sv.Carrier, &days, &departs, &sv.DurationMin, &sv.CutoffMin,
			&sv.CapacityKg, &sv.CostPerKg, dateScanner{&sv.ValidFrom}, dateScanner{&sv.ValidTo}, &co2, &sv.DG); err != nil {
			return nil, s.wrap(err, "list services")
		}
		sv.Mode, sv.Departs = network.Mode(mode), civil.Clock(departs)
		if sv.Days, err = civil.ParseWeekdays(days); err != nil {
			return nil, s.wrap(fmt.Errorf("service %s: %w", sv.ID, err), "list services")
		}
		if co2.Valid {
			sv.CO2GPerKg = &co2.Float64
		}
		out = append(out, sv)
	}
	return out, s.wrap(rows.Err(), "list services")
}

// dateScanner reads a nullable date column: TEXT YYYY-MM-DD in SQLite, DATE
// (a time.Time) in PostgreSQL.
type dateScanner struct{ d *civil.Date }

func (ds dateScanner) Scan(src any) error {
	var err error
	switch v := src.(type) {
	case nil:
		*ds.d = civil.Date{}
	case time.Time:
		*ds.d = civil.DateOf(v.UTC())
	case string:
		*ds.d, err = civil.ParseDate(v)
	case []byte:
		*ds.d, err = civil.ParseDate(string(v))
	default:
		err = fmt.Errorf("date column holds %T", src)
	}
	return err
}
