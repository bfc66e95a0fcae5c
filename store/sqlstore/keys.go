package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

const keyColumns = `id, hash, role, merchant, partner, offices, label, created_at, revoked_at, language`

// CreateKey implements auth.Store.
func (s *Store) CreateKey(ctx context.Context, k auth.Key) error {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO api_keys (`+keyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`),
		k.ID, k.Hash, string(k.Role), k.Merchant, k.Partner, strings.Join(k.Offices, ","), k.Label, s.t(k.CreatedAt), k.Language)
	return s.wrap(err, "create key "+k.ID)
}

func (s *Store) scanKey(row interface{ Scan(...any) error }) (auth.Key, error) {
	var k auth.Key
	var role, offices string
	revoked := nullTime{s: s}
	if err := row.Scan(&k.ID, &k.Hash, &role, &k.Merchant, &k.Partner, &offices, &k.Label, s.scanTime(&k.CreatedAt), &revoked, &k.Language); err != nil {
		return k, err
	}
	k.Role = auth.Role(role)
	if offices != "" {
		k.Offices = strings.Split(offices, ",")
	}
	k.RevokedAt = revoked.Time
	return k, nil
}

// KeyByHash implements auth.Store.
func (s *Store) KeyByHash(ctx context.Context, hash string) (auth.Key, error) {
	k, err := s.scanKey(s.R.QueryRowContext(ctx, s.q(`SELECT `+keyColumns+` FROM api_keys WHERE hash = ?`), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return k, postal.Errorf(postal.CodeNotFound, "no such key")
	}
	return k, s.wrap(err, "read key")
}

// Keys implements auth.Store.
func (s *Store) Keys(ctx context.Context) ([]auth.Key, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+keyColumns+` FROM api_keys ORDER BY created_at DESC, id`))
	if err != nil {
		return nil, s.wrap(err, "list keys")
	}
	defer rows.Close()
	var out []auth.Key
	for rows.Next() {
		k, err := s.scanKey(rows)
		if err != nil {
			return nil, s.wrap(err, "list keys")
		}
		out = append(out, k)
	}
	return out, s.wrap(rows.Err(), "list keys")
}

// RevokeKey implements auth.Store.
func (s *Store) RevokeKey(ctx context.Context, id string, t time.Time) error {
	res, err := s.W.ExecContext(ctx, s.q(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`), s.t(t), id)
	if err != nil {
		return s.wrap(err, "revoke key "+id)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return postal.Errorf(postal.CodeNotFound, "no active key %q", id)
	}
	return nil
}

// SetKeyLanguage implements auth.Store.
func (s *Store) SetKeyLanguage(ctx context.Context, id, lang string) error {
	res, err := s.W.ExecContext(ctx, s.q(`UPDATE api_keys SET language = ? WHERE id = ? AND revoked_at IS NULL`), lang, id)
	if err != nil {
		return s.wrap(err, "set language of key "+id)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return postal.Errorf(postal.CodeNotFound, "no active key %q", id)
	}
	return nil
}
