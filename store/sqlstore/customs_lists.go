package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
)

// PutWatchList implements customs.ListStore.
func (s *Store) PutWatchList(ctx context.Context, rec customs.ListRecord) error {
	l := rec.List
	body, err := json.Marshal(l.Entries)
	if err != nil {
		return fmt.Errorf("encode watch list %s: %w", l.Ref(), err)
	}
	diff, err := json.Marshal(rec.Diff)
	if err != nil {
		return fmt.Errorf("encode watch list diff %s: %w", l.Ref(), err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE watch_lists SET in_force = ? WHERE name = ? AND in_force = ?`), false, l.Name, true); err != nil {
			return s.wrap(err, "retire watch list "+l.Name)
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE watch_lists SET in_force = ? WHERE name = ? AND version = ?`), true, l.Name, l.Version)
		if err != nil {
			return s.wrap(err, "reinstate watch list "+l.Ref())
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			return nil
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO watch_lists (name, version, format, published, entries, in_force, imported_at, diff, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), l.Name, l.Version, l.Format, l.Published, len(l.Entries), true, s.t(rec.ImportedAt), string(diff), string(body))
		return s.wrap(err, "store watch list "+l.Ref())
	})
}

// WatchListsInForce implements customs.ListStore.
func (s *Store) WatchListsInForce(ctx context.Context) ([]customs.ListRecord, error) {
	var out []customs.ListRecord
	err := s.each(ctx, s.R, `SELECT name, version, format, published, imported_at, diff, body FROM watch_lists WHERE in_force = ? ORDER BY name`,
		[]any{true}, func(rows *sql.Rows) error {
			l := &risk.WatchList{}
			rec := customs.ListRecord{List: l}
			var diff, body string
			if err := rows.Scan(&l.Name, &l.Version, &l.Format, &l.Published, s.scanTime(&rec.ImportedAt), &diff, &body); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(body), &l.Entries); err != nil {
				return fmt.Errorf("watch list %s: %w", l.Ref(), err)
			}
			if err := json.Unmarshal([]byte(diff), &rec.Diff); err != nil {
				return fmt.Errorf("watch list %s diff: %w", l.Ref(), err)
			}
			out = append(out, rec)
			return nil
		})
	return out, s.wrap(err, "read the watch lists in force")
}

// WatchListRefs implements customs.ListStore.
func (s *Store) WatchListRefs(ctx context.Context) ([]string, error) {
	var out []string
	err := s.each(ctx, s.R, `SELECT name, version FROM watch_lists WHERE in_force = ? ORDER BY name`, []any{true}, func(rows *sql.Rows) error {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return err
		}
		out = append(out, n+"@"+v)
		return nil
	})
	return out, s.wrap(err, "read the watch list versions")
}
