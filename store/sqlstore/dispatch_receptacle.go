package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/postal"
)

// OpenReceptacle implements dispatch.ReceptacleStore.
func (s *Store) OpenReceptacle(ctx context.Context, id string, t dispatch.ReceptacleType, at time.Time) (dispatch.Receptacle, error) {
	var r dispatch.Receptacle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var serial int
		err := tx.QueryRowContext(ctx, s.q(`UPDATE dispatches SET receptacles = receptacles + 1
			WHERE id = ? AND status = 'open' AND receptacles < 999 RETURNING receptacles`), id).Scan(&serial)
		if errors.Is(err, sql.ErrNoRows) {
			d, derr := s.scanDispatch(tx.QueryRowContext(ctx, s.q(`SELECT `+dispatchCols+` FROM dispatches WHERE id = ?`), id))
			switch {
			case errors.Is(derr, sql.ErrNoRows):
				return postal.Errorf(postal.CodeNotFound, "no dispatch %s", id)
			case derr != nil:
				return s.wrap(derr, "read dispatch "+id)
			case d.Status != dispatch.StatusOpen:
				return postal.Errorf(postal.CodeConflict, "dispatch %s is %s: %w", id, d.Status, dispatch.ErrClosed)
			}
			return postal.Errorf(postal.CodeConflict, "dispatch %s has 999 receptacles, the most an S9 id can number: close it and open another", id)
		}
		if err != nil {
			return s.wrap(err, "number receptacle")
		}
		r = dispatch.Receptacle{Number: dispatch.ReceptacleNumber(id, serial), Dispatch: id, Serial: serial, Type: t, Status: dispatch.StatusOpen, OpenedAt: at}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO receptacles (number, dispatch, serial, type, status, opened_at) VALUES (?, ?, ?, ?, 'open', ?)`),
			r.Number, id, serial, string(t), s.t(at))
		return s.wrap(err, "store receptacle")
	})
	return r, err
}

// AddItem implements dispatch.ReceptacleStore.
func (s *Store) AddItem(ctx context.Context, it dispatch.ScannedItem, maxGrossG, tareG int, out dispatch.Outbox) (dispatch.Receptacle, bool, error) {
	var r dispatch.Receptacle
	dup := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO receptacle_items (office, item, receptacle, weight_g, registered, scanned_at, scanned_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (office, item) DO NOTHING`),
			it.Office, it.Item, it.Receptacle, it.WeightG, it.Registered, s.t(it.ScannedAt), it.ScannedBy)
		if err != nil {
			return s.wrap(err, "store scan")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var in string
			if err := tx.QueryRowContext(ctx, s.q(`SELECT receptacle FROM receptacle_items WHERE office = ? AND item = ?`), it.Office, it.Item).Scan(&in); err != nil {
				return s.wrap(err, "read scan")
			}
			if in != it.Receptacle {
				return fmt.Errorf("item %s is in %s: %w", it.Item, in, dispatch.ErrInOther)
			}
			dup = true
			r, err = s.receptacle(ctx, tx, it.Receptacle)
			return err
		}
		res, err = tx.ExecContext(ctx, s.q(`UPDATE receptacles SET items = items + 1, net_weight_g = net_weight_g + ?, registered = (registered OR ?)
			WHERE number = ? AND status = 'open' AND net_weight_g + ? + ? <= ?`),
			it.WeightG, it.Registered, it.Receptacle, it.WeightG, tareG, maxGrossG)
		if err != nil {
			return s.wrap(err, "count scan")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := s.receptacle(ctx, tx, it.Receptacle)
			if err != nil {
				return err
			}
			r = cur
			if cur.Status != dispatch.StatusOpen {
				return dispatch.ErrClosed
			}
			return dispatch.ErrFull
		}
		if err := s.appendOutbox(ctx, tx, it.ScannedAt, out); err != nil {
			return err
		}
		r, err = s.receptacle(ctx, tx, it.Receptacle)
		return err
	})
	return r, dup, err
}

// RemoveItem implements dispatch.ReceptacleStore.
func (s *Store) RemoveItem(ctx context.Context, receptacle, item string) (dispatch.Receptacle, error) {
	var r dispatch.Receptacle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.receptacle(ctx, tx, receptacle)
		if err != nil {
			return err
		}
		var w int
		var reg bool
		err = tx.QueryRowContext(ctx, s.q(`SELECT weight_g, registered FROM receptacle_items WHERE office = ? AND item = ? AND receptacle = ?`),
			cur.Dispatch[:6], item, receptacle).Scan(&w, &reg)
		if errors.Is(err, sql.ErrNoRows) {
			return postal.Errorf(postal.CodeNotFound, "item %s is not in receptacle %s", item, receptacle)
		}
		if err != nil {
			return s.wrap(err, "read scan")
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE receptacles SET items = items - 1, net_weight_g = net_weight_g - ? WHERE number = ? AND status = 'open'`), w, receptacle)
		if err != nil {
			return s.wrap(err, "uncount scan")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return postal.Errorf(postal.CodeConflict, "receptacle %s is closed: reopen it to take items out: %w", receptacle, dispatch.ErrClosed)
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM receptacle_items WHERE office = ? AND item = ?`), cur.Dispatch[:6], item); err != nil {
			return s.wrap(err, "delete scan")
		}
		if reg {
			// The registered flag holds while any registered item is left.
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE receptacles SET registered = EXISTS (SELECT 1 FROM receptacle_items
				WHERE receptacle = ? AND registered) WHERE number = ?`), receptacle, receptacle); err != nil {
				return s.wrap(err, "update registered flag")
			}
		}
		r, err = s.receptacle(ctx, tx, receptacle)
		return err
	})
	return r, err
}

// CloseReceptacle implements dispatch.ReceptacleStore.
func (s *Store) CloseReceptacle(ctx context.Context, c dispatch.ReceptacleClose) (dispatch.Receptacle, error) {
	var r dispatch.Receptacle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE receptacles SET status = 'closed', id = ?, gross_weight_g = ?, registered = ?, last = ?,
			closed_at = ?, closed_by = ? WHERE number = ? AND status = 'open' AND items = ?`),
			c.ID, c.GrossWeightG, c.Registered, c.Last, s.t(c.At), c.By, c.Number, c.Items)
		if err != nil {
			return s.wrap(err, "close receptacle "+c.Number)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := s.receptacle(ctx, tx, c.Number)
			if err != nil {
				return err
			}
			if cur.Status != dispatch.StatusOpen {
				return postal.Errorf(postal.CodeConflict, "receptacle %s is already %s: %w", c.Number, cur.Status, dispatch.ErrClosed)
			}
			return dispatch.ErrChanged
		}
		r, err = s.receptacle(ctx, tx, c.Number)
		return err
	})
	return r, err
}

// ReopenReceptacle implements dispatch.ReceptacleStore.
func (s *Store) ReopenReceptacle(ctx context.Context, number string) (dispatch.Receptacle, error) {
	var r dispatch.Receptacle
	err := s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.receptacle(ctx, tx, number)
		if err != nil {
			return err
		}
		// Lock the dispatch row first: closing the dispatch takes it too, so
		// a reopen and a close never both succeed.
		res, err := tx.ExecContext(ctx, s.q(`UPDATE dispatches SET receptacles = receptacles WHERE id = ? AND status = 'open'`), cur.Dispatch)
		if err != nil {
			return s.wrap(err, "lock dispatch")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return postal.Errorf(postal.CodeConflict, "dispatch %s is closed: a closed dispatch takes no items, put them in a new dispatch: %w", cur.Dispatch, dispatch.ErrClosed)
		}
		res, err = tx.ExecContext(ctx, s.q(`UPDATE receptacles SET status = 'open', id = NULL, gross_weight_g = 0, last = ?, closed_at = NULL, closed_by = ''
			WHERE number = ? AND status = 'closed'`), false, number)
		if err != nil {
			return s.wrap(err, "reopen receptacle")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return postal.Errorf(postal.CodeConflict, "receptacle %s is not closed", number)
		}
		r, err = s.receptacle(ctx, tx, number)
		return err
	})
	return r, err
}
