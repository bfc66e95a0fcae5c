package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

const officeColumns = `code, name, country, kind, lat, lon, tz, connect_min, customs, port`

// PutOffices implements network.OfficeStore.
func (s *Store) PutOffices(ctx context.Context, offices []network.Office) error {
	if len(offices) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putOffices(ctx, tx, offices); err != nil {
			return err
		}
		return s.bumpNetwork(ctx, tx)
	})
}

// putOffices upserts offices in tx (ReplaceNetwork shares it).
func (s *Store) putOffices(ctx context.Context, tx *sql.Tx, offices []network.Office) error {
	stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO offices (`+officeColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, country = excluded.country, kind = excluded.kind,
		lat = excluded.lat, lon = excluded.lon, tz = excluded.tz, connect_min = excluded.connect_min, customs = excluded.customs, port = excluded.port`))
	if err != nil {
		return s.wrap(err, "prepare office upsert")
	}
	defer stmt.Close()
	for _, o := range offices {
		if _, err := stmt.ExecContext(ctx, o.Code, o.Name, o.Country, string(o.Kind), o.Lat, o.Lon, o.TZ, o.ConnectMin, o.Customs, o.Port); err != nil {
			return s.wrap(err, "save office "+o.Code)
		}
	}
	return nil
}

func scanOffice(row interface{ Scan(...any) error }) (network.Office, error) {
	var o network.Office
	var kind string
	err := row.Scan(&o.Code, &o.Name, &o.Country, &kind, &o.Lat, &o.Lon, &o.TZ, &o.ConnectMin, &o.Customs, &o.Port)
	o.Kind = network.Kind(kind)
	return o, err
}

// Offices implements network.OfficeStore.
func (s *Store) Offices(ctx context.Context) ([]network.Office, error) {
	rows, err := s.R.QueryContext(ctx, `SELECT `+officeColumns+` FROM offices ORDER BY code`)
	if err != nil {
		return nil, s.wrap(err, "list offices")
	}
	defer rows.Close()
	var out []network.Office
	for rows.Next() {
		o, err := scanOffice(rows)
		if err != nil {
			return nil, s.wrap(err, "list offices")
		}
		out = append(out, o)
	}
	return out, s.wrap(rows.Err(), "list offices")
}

// Office implements network.OfficeStore.
func (s *Store) Office(ctx context.Context, code string) (network.Office, error) {
	o, err := scanOffice(s.R.QueryRowContext(ctx, s.q(`SELECT `+officeColumns+` FROM offices WHERE code = ?`), code))
	if errors.Is(err, sql.ErrNoRows) {
		return o, postal.Errorf(postal.CodeNotFound, "no office %q", code)
	}
	return o, s.wrap(err, "read office "+code)
}
