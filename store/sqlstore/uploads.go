package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/postal"
)

const uploadColumns = `id, merchant, file_hash, file_name, format, mode, status, rows, done, errors, stored, replayed, message, created_at, updated_at`

// CreateUpload implements bulk.Store.
func (s *Store) CreateUpload(ctx context.Context, j bulk.Job) (bulk.Job, bool, error) {
	_, err := s.W.ExecContext(ctx, s.q(`INSERT INTO uploads (`+uploadColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (merchant, file_hash) DO NOTHING`),
		j.ID, j.Merchant, j.FileHash, j.FileName, j.Format, string(j.Mode), j.Status, j.Rows, j.Done, j.Errors, j.Stored, j.Replayed, j.Message,
		s.t(j.CreatedAt), s.t(j.UpdatedAt))
	if err != nil {
		return bulk.Job{}, false, s.wrap(err, "create upload")
	}
	got, err := s.upload(ctx, `merchant = ? AND file_hash = ?`, j.Merchant, j.FileHash)
	if err != nil {
		return bulk.Job{}, false, err
	}
	return got, got.ID == j.ID, nil
}

// UpdateUpload implements bulk.Store.
func (s *Store) UpdateUpload(ctx context.Context, j bulk.Job) error {
	res, err := s.W.ExecContext(ctx, s.q(`UPDATE uploads SET mode = ?, status = ?, rows = ?, done = ?, errors = ?, stored = ?, replayed = ?, message = ?, updated_at = ?
		WHERE id = ?`), string(j.Mode), j.Status, j.Rows, j.Done, j.Errors, j.Stored, j.Replayed, j.Message, s.t(j.UpdatedAt), j.ID)
	if err != nil {
		return s.wrap(err, "update upload "+j.ID)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return postal.Errorf(postal.CodeNotFound, "no upload %s", j.ID)
	}
	return nil
}

// Upload implements bulk.Store.
func (s *Store) Upload(ctx context.Context, id string) (bulk.Job, error) {
	return s.upload(ctx, `id = ?`, id)
}

func (s *Store) upload(ctx context.Context, where string, args ...any) (bulk.Job, error) {
	var j bulk.Job
	var mode string
	err := s.R.QueryRowContext(ctx, s.q(`SELECT `+uploadColumns+` FROM uploads WHERE `+where), args...).Scan(
		&j.ID, &j.Merchant, &j.FileHash, &j.FileName, &j.Format, &mode, &j.Status, &j.Rows, &j.Done, &j.Errors, &j.Stored, &j.Replayed, &j.Message,
		s.scanTime(&j.CreatedAt), s.scanTime(&j.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return bulk.Job{}, postal.Errorf(postal.CodeNotFound, "no upload %s", postal.Quote(fmt.Sprint(args[0])))
	}
	j.Mode = bulk.Mode(mode)
	return j, s.wrap(err, "read upload")
}

// PutUploadRows implements bulk.Store.
func (s *Store) PutUploadRows(ctx context.Context, id string, rows []bulk.RowResult) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM upload_rows WHERE upload_id = ?`), id); err != nil {
			return s.wrap(err, "clear upload rows")
		}
		ins, err := tx.PrepareContext(ctx, s.q(`INSERT INTO upload_rows (upload_id, line_no, status, shipment_id, merchant_ref, problems) VALUES (?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return s.wrap(err, "prepare upload rows")
		}
		defer ins.Close()
		for _, r := range rows {
			ps := []byte("[]")
			if len(r.Problems) > 0 {
				if ps, err = json.Marshal(r.Problems); err != nil {
					return fmt.Errorf("encode problems of row %d: %w", r.Row, err)
				}
			}
			if _, err := ins.ExecContext(ctx, id, r.Row, r.Status, r.Shipment, r.MerchantRef, string(ps)); err != nil {
				return s.wrap(err, fmt.Sprintf("save upload row %d", r.Row))
			}
		}
		return nil
	})
}

// UploadRows implements bulk.Store.
func (s *Store) UploadRows(ctx context.Context, id string, after, limit int) ([]bulk.RowResult, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT line_no, status, shipment_id, merchant_ref, problems FROM upload_rows
		WHERE upload_id = ? AND line_no > ? ORDER BY line_no LIMIT ?`), id, after, limit)
	if err != nil {
		return nil, s.wrap(err, "list upload rows")
	}
	defer rows.Close()
	var out []bulk.RowResult
	for rows.Next() {
		var r bulk.RowResult
		var ps string
		if err := rows.Scan(&r.Row, &r.Status, &r.Shipment, &r.MerchantRef, &ps); err != nil {
			return nil, s.wrap(err, "list upload rows")
		}
		if ps != "[]" {
			if err := json.Unmarshal([]byte(ps), &r.Problems); err != nil {
				return nil, fmt.Errorf("decode problems of upload %s row %d: %w", id, r.Row, err)
			}
		}
		out = append(out, r)
	}
	return out, s.wrap(rows.Err(), "list upload rows")
}
