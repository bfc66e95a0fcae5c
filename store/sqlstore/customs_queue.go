package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// queueSortColumns maps the queue's sort names (customs.QueueSorts without
// "-") to columns; each has a partial index (office, column) over the queue.
var queueSortColumns = map[string]string{
	customs.SortPriority: "priority",
	customs.SortDeclared: "declared_at",
	customs.SortScore:    "score",
}

// queueWhere turns the filter fields of f into SQL conditions.
func (s *Store) queueWhere(f customs.QueueFilter) ([]string, []any) {
	where := []string{`office = ?`, `status IN ('pending', 'held')`}
	args := []any{f.Office}
	add := func(cond string, a any) {
		where = append(where, cond)
		args = append(args, a)
	}
	if f.Status != "" {
		add(`status = ?`, string(f.Status))
	}
	if f.Stream != "" {
		add(`stream = ?`, string(f.Stream))
	}
	if f.Direction != "" {
		add(`direction = ?`, string(f.Direction))
	}
	if f.Search != "" {
		// terms is " term term …" of folded letters and digits: a word
		// prefix is " " + prefix anywhere. The queue of one office is a
		// small part of the table, walked through its partial index.
		add(`terms LIKE ?`, "% "+f.Search+"%")
	}
	return where, args
}

// QueuePage implements customs.Store.
func (s *Store) QueuePage(ctx context.Context, f customs.QueueFilter) ([]customs.Item, string, error) {
	if f.Sort == "" {
		f.Sort = customs.SortPriority
	}
	col, ok := queueSortColumns[strings.TrimPrefix(f.Sort, "-")]
	if !ok {
		return nil, "", postal.Errorf(postal.CodeInvalid, "unknown customs queue sort %q", f.Sort)
	}
	cmp, dir := ">", "ASC"
	if strings.HasPrefix(f.Sort, "-") {
		cmp, dir = "<", "DESC"
	}
	where, args := s.queueWhere(f)
	if f.Key != nil {
		v, err := s.queueKeyValue(col, f.Key.Value)
		if err != nil {
			return nil, "", err
		}
		where = append(where, `(`+col+` `+cmp+` ? OR (`+col+` = ? AND seq `+cmp+` ?))`)
		args = append(args, v, v, f.Key.Seq)
	}
	args = append(args, f.Limit+1)
	query := `SELECT seq, ` + col + `, body FROM customs_items WHERE ` + strings.Join(where, ` AND `) +
		` ORDER BY ` + col + ` ` + dir + `, seq ` + dir + ` LIMIT ?`
	var out []customs.Item
	var last paging.Key
	next := ""
	err := s.each(ctx, s.R, query, args, func(rows *sql.Rows) error {
		var seq int64
		var v any
		var body []byte
		if err := rows.Scan(&seq, &v, &body); err != nil {
			return err
		}
		if len(out) == f.Limit {
			next = paging.EncodeKey(last)
			return nil
		}
		it, err := decodeItem(body)
		if err != nil {
			return err
		}
		out = append(out, it)
		last = paging.Key{Sort: f.Sort, Seq: seq}
		last.Value, err = s.queueKeyText(col, v)
		return err
	})
	return out, next, s.wrap(err, "read customs queue")
}

// queueKeyText writes a sort column's value into a cursor.
func (s *Store) queueKeyText(col string, v any) (string, error) {
	if col == "declared_at" {
		t, err := s.Dialect.ScanTime(v)
		if err != nil {
			return "", fmt.Errorf("read customs item declared time: %w", err)
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	switch n := v.(type) {
	case int64:
		return strconv.FormatInt(n, 10), nil
	case int32:
		return strconv.FormatInt(int64(n), 10), nil
	}
	return fmt.Sprint(v), nil
}

// queueKeyValue reads a sort column's value back from a cursor.
func (s *Store) queueKeyValue(col, text string) (any, error) {
	bad := postal.Invalid("bad cursor", postal.FieldError{Field: "query.cursor", Message: "not a cursor returned by this API"})
	if col == "declared_at" {
		t, err := time.Parse(time.RFC3339Nano, text)
		if err != nil {
			return nil, bad
		}
		return s.t(t), nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, bad
	}
	return n, nil
}

// CountQueue implements customs.Store: the matching rows, at most upTo+1 of
// them, through the queue's partial index.
func (s *Store) CountQueue(ctx context.Context, f customs.QueueFilter, upTo int) (int64, bool, error) {
	where, args := s.queueWhere(f)
	args = append(args, upTo+1)
	var n int64
	err := s.R.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM (SELECT 1 FROM customs_items WHERE `+strings.Join(where, ` AND `)+` LIMIT ?) m`), args...).Scan(&n)
	if err != nil {
		return 0, false, s.wrap(err, "count customs queue")
	}
	if n > int64(upTo) {
		return int64(upTo), false, nil
	}
	return n, true, nil
}

// IndexCustomsTerms gives the customs items stored before migration 00028
// their search terms, a batch a transaction; the stores call it when they
// open. It returns at once when there is nothing left to do.
func (s *Store) IndexCustomsTerms(ctx context.Context) error {
	for {
		type row struct {
			seq   int64
			terms string
		}
		var batch []row
		err := s.each(ctx, s.W, `SELECT seq, body FROM customs_items WHERE terms = '' ORDER BY seq LIMIT 1000`, nil, func(r *sql.Rows) error {
			var seq int64
			var body []byte
			if err := r.Scan(&seq, &body); err != nil {
				return err
			}
			it, err := decodeItem(body)
			if err != nil {
				return fmt.Errorf("customs item at %d: %w", seq, err)
			}
			t := it.SearchTerms()
			if t == "" {
				t = " "
			}
			batch = append(batch, row{seq, t})
			return nil
		})
		if err != nil {
			return s.wrap(err, "read customs items to index")
		}
		if len(batch) == 0 {
			return nil
		}
		err = s.tx(ctx, func(tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, s.q(`UPDATE customs_items SET terms = ? WHERE seq = ? AND terms = ''`))
			if err != nil {
				return err
			}
			defer st.Close()
			for _, r := range batch {
				if _, err := st.ExecContext(ctx, r.terms, r.seq); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return s.wrap(err, "index customs items for search")
		}
	}
}
