package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// dispatchSortColumns maps the dispatches list's sort names
// (dispatch.DispatchSorts without "-") to columns; id breaks ties.
var dispatchSortColumns = map[string]string{
	dispatch.DispatchSortOpened:      "opened_at",
	dispatch.DispatchSortStatus:      "status",
	dispatch.DispatchSortDestination: "destination",
}

// dispatchWhere turns the filter fields of f into SQL conditions.
func (s *Store) dispatchWhere(f dispatch.DispatchFilter) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	for _, c := range []struct{ col, v string }{{"origin", f.Origin}, {"destination", f.Destination}, {"status", string(f.Status)}, {"category", f.Category}} {
		if c.v != "" {
			add(c.col+` = ?`, c.v)
		}
	}
	if len(f.Offices) > 0 {
		a := make([]any, len(f.Offices))
		for i, o := range f.Offices {
			a[i] = o
		}
		add(`origin IN (`+placeholders(len(a))+`)`, a...)
	}
	if f.Country != "" {
		add(`substr(destination, 1, 2) = ?`, f.Country)
	}
	if !f.Since.IsZero() {
		add(`opened_at >= ?`, s.t(f.Since))
	}
	if !f.Until.IsZero() {
		add(`opened_at < ?`, s.t(f.Until))
	}
	if f.Search != "" {
		add(`substr(id, 1, `+strconv.Itoa(len(f.Search))+`) = ?`, f.Search)
	}
	return where, args
}

// FindDispatches implements dispatch.DispatchStore: the dispatches list in
// f.Sort order after f.Key, the id breaking ties.
func (s *Store) FindDispatches(ctx context.Context, f dispatch.DispatchFilter) ([]dispatch.Dispatch, string, error) {
	col, ok := dispatchSortColumns[strings.TrimPrefix(f.Sort, "-")]
	if !ok {
		return nil, "", postal.Errorf(postal.CodeInvalid, "unknown dispatches sort %q", f.Sort)
	}
	desc := strings.HasPrefix(f.Sort, "-")
	where, args := s.dispatchWhere(f)
	cmp, dir := ">", "ASC"
	if desc {
		cmp, dir = "<", "DESC"
	}
	if f.Key != nil {
		text, id, found := strings.Cut(f.Key.Value, "\x1f")
		if !found {
			return nil, "", badDispatchCursor()
		}
		var v any = text
		if col == "opened_at" {
			t, err := time.Parse(time.RFC3339Nano, text)
			if err != nil {
				return nil, "", badDispatchCursor()
			}
			v = s.t(t)
		}
		where = append(where, `(`+col+` `+cmp+` ? OR (`+col+` = ? AND id `+cmp+` ?))`)
		args = append(args, v, v, id)
	}
	query := `SELECT ` + dispatchCols + ` FROM dispatches`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	query += ` ORDER BY ` + col + ` ` + dir + `, id ` + dir + ` LIMIT ?`
	rows, err := s.R.QueryContext(ctx, s.q(query), append(args, max(f.Limit, 1)+1)...)
	if err != nil {
		return nil, "", s.wrap(err, "list dispatches")
	}
	var out []dispatch.Dispatch
	next := ""
	for rows.Next() {
		d, err := s.scanDispatch(rows)
		if err != nil {
			rows.Close()
			return nil, "", s.wrap(err, "read dispatch")
		}
		if len(out) == max(f.Limit, 1) {
			last := out[len(out)-1]
			next = paging.EncodeKey(paging.Key{Sort: f.Sort, Value: last.KeyValue(f.Sort) + "\x1f" + last.ID})
			break
		}
		out = append(out, d)
	}
	if err := rows.Close(); err != nil {
		return nil, "", s.wrap(err, "list dispatches")
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list dispatches")
	}
	for i := range out {
		if err := s.openTotals(ctx, s.R, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}

func badDispatchCursor() error {
	return postal.Invalid("bad cursor", postal.FieldError{Field: "cursor", Message: "not a cursor returned by this API"})
}

// CountDispatches implements dispatch.DispatchStore: a walk of at most
// upTo+1 matching rows, so a page view's count is bounded.
func (s *Store) CountDispatches(ctx context.Context, f dispatch.DispatchFilter, upTo int) (int64, bool, error) {
	where, args := s.dispatchWhere(f)
	q := `SELECT 1 FROM dispatches`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	var n int64
	if err := s.R.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (`+q+` LIMIT ?) m`), append(args, upTo+1)...).Scan(&n); err != nil {
		return 0, false, s.wrap(err, "count dispatches")
	}
	if n > int64(upTo) {
		return int64(upTo), false, nil
	}
	return n, true, nil
}
