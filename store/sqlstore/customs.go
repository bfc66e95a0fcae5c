package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// itemColumns are the customs_items columns an insert writes, in order.
const itemColumns = `id, stream, direction, office, status, score, action, priority, claimed_by, dest_country,
	addressee_key, value_sdr_milli, manifest, declared_at, updated_at, version, body, terms`

const itemColumnCount = 18

// itemRowsPerInsert is the rows of one multi-row INSERT: a full chunk's
// statement is prepared once per transaction and reused, and a statement
// of this size costs little to parse (one of 400 rows cost as much to
// parse as to run).
const itemRowsPerInsert = 64

// Copier is a Backend that loads rows in bulk inside a transaction on conn
// (PostgreSQL's COPY). Imports use it when the backend has it.
type Copier interface {
	CopyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error
}

// ImportItems implements customs.Store. The transaction runs on one
// connection held for it, so a Copier backend can COPY into the same
// transaction.
func (s *Store) ImportItems(ctx context.Context, fn func(customs.ImportTx) error) error {
	return s.connTx(ctx, func(conn *sql.Conn, tx *sql.Tx) error { return fn(&customsTx{s: s, tx: tx, conn: conn}) })
}

type customsTx struct {
	s    *Store
	tx   *sql.Tx
	conn *sql.Conn
	// staged: the session's staging table for COPY exists.
	staged bool
	// full is the prepared insert of itemRowsPerInsert rows (closed with tx).
	full *sql.Stmt
}

func (c *customsTx) Priors(ctx context.Context, keys []string, since time.Time) (map[string]risk.Prior, error) {
	out := map[string]risk.Prior{}
	uniq := uniqueStrings(keys)
	for len(uniq) > 0 {
		n := min(len(uniq), 500)
		args := make([]any, 0, n+1)
		for _, k := range uniq[:n] {
			args = append(args, k)
		}
		uniq = uniq[n:]
		args = append(args, c.s.t(since))
		err := c.s.each(ctx, c.tx, `SELECT addressee_key, COUNT(*), CAST(SUM(value_sdr_milli) AS BIGINT) FROM customs_items
			WHERE addressee_key IN (`+placeholders(n)+`) AND declared_at >= ? GROUP BY addressee_key`, args, func(rows *sql.Rows) error {
			var key string
			var count, milli int64
			if err := rows.Scan(&key, &count, &milli); err != nil {
				return err
			}
			out[key] = risk.Prior{Count: int(count), ValueSDR: float64(milli) / 1000}
			return nil
		})
		if err != nil {
			return nil, c.s.wrap(err, "count earlier declarations")
		}
	}
	return out, nil
}

// OpenPriors implements customs.ImportTx.
func (c *customsTx) OpenPriors(ctx context.Context, keys []string, since time.Time) ([]customs.Item, error) {
	var out []customs.Item
	uniq := uniqueStrings(keys)
	for len(uniq) > 0 {
		n := min(len(uniq), 500)
		args := make([]any, 0, n+1)
		for _, k := range uniq[:n] {
			args = append(args, k)
		}
		uniq = uniq[n:]
		args = append(args, c.s.t(since))
		err := c.s.each(ctx, c.tx, `SELECT body FROM customs_items WHERE addressee_key IN (`+placeholders(n)+`)
			AND declared_at >= ? AND status IN ('pending', 'held') ORDER BY seq`, args, func(rows *sql.Rows) error {
			var body []byte
			if err := rows.Scan(&body); err != nil {
				return err
			}
			it, err := decodeItem(body)
			if err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
		if err != nil {
			return nil, c.s.wrap(err, "read earlier declarations")
		}
	}
	return out, nil
}

// Rescreen implements customs.ImportTx.
func (c *customsTx) Rescreen(ctx context.Context, us []customs.Update) error {
	for _, u := range us {
		it := u.Item
		body, err := json.Marshal(it)
		if err != nil {
			return fmt.Errorf("encode customs item %s: %w", it.ID(), err)
		}
		res, err := c.tx.ExecContext(ctx, c.s.q(`UPDATE customs_items SET score = ?, action = ?, priority = ?, updated_at = ?, version = ?, body = ?
			WHERE id = ? AND version = ?`),
			it.Screening.Score, string(it.Screening.Action), it.Priority(), c.s.t(it.UpdatedAt), it.Version, string(body), it.ID(), u.PrevVersion)
		if err != nil {
			return c.s.wrap(err, "rescreen customs item "+it.ID())
		}
		if n, err := res.RowsAffected(); err != nil {
			return c.s.wrap(err, "rescreen customs item "+it.ID())
		} else if n == 0 {
			return postal.Errorf(postal.CodeConflict, "customs item %s version %d: %w", it.ID(), u.PrevVersion, customs.ErrChanged)
		}
		a := u.Audit
		audit, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encode audit entry: %w", err)
		}
		if _, err := c.tx.ExecContext(ctx, c.s.q(`INSERT INTO customs_audit (item_id, office, at, officer, action, from_status, to_status, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ItemID, a.Office, c.s.t(a.At), a.Officer, a.Action, string(a.FromStatus), string(a.ToStatus), string(audit)); err != nil {
			return c.s.wrap(err, "record customs rescreening")
		}
	}
	return nil
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each runs query (with ? placeholders) and calls fn for every row.
func (s *Store) each(ctx context.Context, db queryer, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// encodedItem is an item's stored JSON body and search terms.
type encodedItem struct {
	body, terms string
}

// encodeItems encodes items on every core: the JSON bodies and search
// terms cost as much CPU as the inserts, which run on one connection.
func encodeItems(items []customs.Item) ([]encodedItem, error) {
	out := make([]encodedItem, len(items))
	errs := make([]error, len(items))
	n := len(items)
	workers := min(runtime.GOMAXPROCS(0), n/64)
	encode := func(i int) {
		body, err := json.Marshal(items[i])
		if err != nil {
			errs[i] = fmt.Errorf("encode customs item %s: %w", items[i].ID(), err)
			return
		}
		out[i] = encodedItem{body: string(body), terms: items[i].SearchTerms()}
	}
	if workers <= 1 {
		for i := range n {
			encode(i)
		}
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				for i := w; i < n; i += workers {
					encode(i)
				}
			})
		}
		wg.Wait()
	}
	return out, errors.Join(errs...)
}

func (c *customsTx) InsertItems(ctx context.Context, items []customs.Item) ([]int, error) {
	var dups []int
	enc, err := encodeItems(items)
	if err != nil {
		return nil, err
	}
	per := itemRowsPerInsert
	insert := c.insertChunk
	if cp, ok := c.s.backend.(Copier); ok {
		per, insert = len(items), func(ctx context.Context, items []customs.Item, enc []encodedItem) (map[string]bool, error) {
			return c.copyChunk(ctx, cp, items, enc)
		}
	}
	for start := 0; start < len(items); start += per {
		end := min(len(items), start+per)
		chunk := items[start:end]
		inserted, err := insert(ctx, chunk, enc[start:end])
		if err != nil {
			return nil, err
		}
		first := make(map[string]int, len(chunk))
		for i, it := range chunk {
			if f, ok := first[it.ID()]; ok && f != i || !inserted[it.ID()] {
				dups = append(dups, start+i)
			} else {
				first[it.ID()] = i
			}
		}
	}
	return dups, nil
}

// insertChunk inserts items, skipping ids already stored, and returns the
// ids it inserted.
func (c *customsTx) insertChunk(ctx context.Context, items []customs.Item, enc []encodedItem) (map[string]bool, error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO customs_items (` + itemColumns + `) VALUES `)
	args := make([]any, 0, len(items)*itemColumnCount)
	row := "(" + placeholders(itemColumnCount) + ")"
	seen := make(map[string]bool, len(items))
	n := 0
	for i, it := range items {
		if seen[it.ID()] { // the same id twice in one statement would fail the whole statement on PostgreSQL
			continue
		}
		seen[it.ID()] = true
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
		n++
		d := &it.Declaration
		args = append(args, d.ID, string(d.Stream), string(d.Direction), d.Office, string(it.Status), it.Screening.Score,
			string(it.Screening.Action), it.Priority(), it.ClaimedBy, d.Addressee.Country, d.AddresseeKey(),
			sdrMilli(d.TotalValueSDR), it.Manifest, c.s.t(it.DeclaredAt), c.s.t(it.UpdatedAt), it.Version, enc[i].body, enc[i].terms)
	}
	b.WriteString(` ON CONFLICT (id) DO NOTHING RETURNING id`)
	var rows *sql.Rows
	var err error
	if n == itemRowsPerInsert {
		if c.full == nil {
			if c.full, err = c.tx.PrepareContext(ctx, c.s.q(b.String())); err != nil {
				return nil, c.s.wrap(err, "insert customs items")
			}
		}
		rows, err = c.full.QueryContext(ctx, args...)
	} else {
		rows, err = c.tx.QueryContext(ctx, c.s.q(b.String()), args...)
	}
	if err != nil {
		return nil, c.s.wrap(err, "insert customs items")
	}
	defer rows.Close()
	inserted := make(map[string]bool, len(items))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, c.s.wrap(err, "insert customs items")
		}
		inserted[id] = true
	}
	return inserted, c.s.wrap(rows.Err(), "insert customs items")
}

// customsStaging is the session's staging table of a COPY import: rows are
// copied in, then moved into customs_items by one INSERT … SELECT that skips
// ids already stored.
const customsStaging = `CREATE TEMP TABLE IF NOT EXISTS customs_items_in (ord INTEGER NOT NULL, id TEXT, stream TEXT, direction TEXT,
	office TEXT, status TEXT, score INTEGER, action TEXT, priority BIGINT, claimed_by TEXT, dest_country TEXT, addressee_key TEXT,
	value_sdr_milli BIGINT, manifest TEXT, declared_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, version INTEGER, body JSONB, terms TEXT) ON COMMIT DELETE ROWS`

// copyChunk inserts items through the backend's COPY and a set-based
// insert, skipping ids already stored, and returns the ids it inserted.
func (c *customsTx) copyChunk(ctx context.Context, cp Copier, items []customs.Item, enc []encodedItem) (map[string]bool, error) {
	if !c.staged {
		if _, err := c.tx.ExecContext(ctx, customsStaging); err != nil {
			return nil, c.s.wrap(err, "create import staging table")
		}
		c.staged = true
	}
	rows := make([][]any, 0, len(items))
	seen := make(map[string]bool, len(items))
	for i, it := range items {
		if seen[it.ID()] {
			continue
		}
		seen[it.ID()] = true
		d := &it.Declaration
		rows = append(rows, []any{i, d.ID, string(d.Stream), string(d.Direction), d.Office, string(it.Status), it.Screening.Score,
			string(it.Screening.Action), it.Priority(), it.ClaimedBy, d.Addressee.Country, d.AddresseeKey(),
			sdrMilli(d.TotalValueSDR), it.Manifest, c.s.t(it.DeclaredAt), c.s.t(it.UpdatedAt), it.Version, enc[i].body, enc[i].terms})
	}
	cols := append([]string{"ord"}, strings.Split(strings.Join(strings.Fields(itemColumns), ""), ",")...)
	if err := cp.CopyFrom(ctx, c.conn, "customs_items_in", cols, rows); err != nil {
		return nil, c.s.wrap(err, "copy customs items")
	}
	rs, err := c.tx.QueryContext(ctx, `INSERT INTO customs_items (`+itemColumns+`) SELECT `+itemColumns+`
		FROM customs_items_in ORDER BY ord ON CONFLICT (id) DO NOTHING RETURNING id`)
	if err != nil {
		return nil, c.s.wrap(err, "insert customs items")
	}
	defer rs.Close()
	inserted := make(map[string]bool, len(items))
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			return nil, c.s.wrap(err, "insert customs items")
		}
		inserted[id] = true
	}
	if err := rs.Err(); err != nil {
		return nil, c.s.wrap(err, "insert customs items")
	}
	if _, err := c.tx.ExecContext(ctx, `TRUNCATE customs_items_in`); err != nil {
		return nil, c.s.wrap(err, "empty import staging table")
	}
	return inserted, nil
}

func (c *customsTx) PutManifest(ctx context.Context, m customs.Manifest) error {
	_, err := c.tx.ExecContext(ctx, c.s.q(`INSERT INTO customs_manifests
		(id, name, format, submitted_by, lines, declarations, accepted, rejected, atomic, rules_version, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		m.ID, m.Name, m.Format, m.SubmittedBy, m.Lines, m.Declarations, m.Accepted, m.Rejected, m.Atomic, m.RulesVersion, c.s.t(m.CreatedAt))
	return c.s.wrap(err, "record manifest "+m.ID)
}

func sdrMilli(s string) int64 {
	var whole, frac int64
	var scale int64 = 1000
	intPart, fracPart, _ := strings.Cut(s, ".")
	for _, ch := range intPart {
		whole = whole*10 + int64(ch-'0')
	}
	for _, ch := range fracPart {
		if scale == 1 {
			break
		}
		scale /= 10
		frac += int64(ch-'0') * scale
	}
	if whole > math.MaxInt64/1000-1 {
		return math.MaxInt64
	}
	return whole*1000 + frac
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func uniqueStrings(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Item implements customs.Store.
func (s *Store) Item(ctx context.Context, id string) (customs.Item, error) {
	var body []byte
	err := s.R.QueryRowContext(ctx, s.q(`SELECT body FROM customs_items WHERE id = ?`), id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return customs.Item{}, postal.Errorf(postal.CodeNotFound, "no customs item %s", id)
	}
	if err != nil {
		return customs.Item{}, s.wrap(err, "read customs item "+id)
	}
	return decodeItem(body)
}

func decodeItem(body []byte) (customs.Item, error) {
	var it customs.Item
	if err := json.Unmarshal(body, &it); err != nil {
		return customs.Item{}, fmt.Errorf("decode customs item: %w", err)
	}
	return it, nil
}

// Queue implements customs.Store.
func (s *Store) Queue(ctx context.Context, f customs.QueueFilter) ([]customs.Item, error) {
	f.Key = nil
	items, _, err := s.QueuePage(ctx, f)
	return items, err
}

// UpdateItem implements customs.Store.
func (s *Store) UpdateItem(ctx context.Context, u customs.Update) error {
	it := u.Item
	body, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("encode customs item %s: %w", it.ID(), err)
	}
	audit, err := json.Marshal(u.Audit)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE customs_items SET status = ?, claimed_by = ?, updated_at = ?, version = ?, body = ?
			WHERE id = ? AND version = ?`),
			string(it.Status), it.ClaimedBy, s.t(it.UpdatedAt), it.Version, string(body), it.ID(), u.PrevVersion)
		if err != nil {
			return s.wrap(err, "update customs item "+it.ID())
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update customs item "+it.ID())
		} else if n == 0 {
			return postal.Errorf(postal.CodeConflict, "customs item %s version %d: %w", it.ID(), u.PrevVersion, customs.ErrChanged)
		}
		a := u.Audit
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO customs_audit (item_id, office, at, officer, action, from_status, to_status, body)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ItemID, a.Office, s.t(a.At), a.Officer, a.Action, string(a.FromStatus), string(a.ToStatus), string(audit)); err != nil {
			return s.wrap(err, "record customs decision")
		}
		for _, ev := range u.Events {
			eb, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("encode event: %w", err)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO customs_events (item_id, code, office, at, body) VALUES (?, ?, ?, ?, ?)`),
				ev.ItemID, ev.Code, ev.Office, s.t(ev.At), string(eb)); err != nil {
				return s.wrap(err, "record customs event")
			}
		}
		return nil
	})
}

// ItemHistory implements customs.Store.
func (s *Store) ItemHistory(ctx context.Context, id string) ([]customs.AuditEntry, []customs.Event, error) {
	var audit []customs.AuditEntry
	err := s.scanBodies(ctx, `SELECT seq, body FROM customs_audit WHERE item_id = ? ORDER BY seq`, []any{id}, func(seq int64, b []byte) error {
		var a customs.AuditEntry
		if err := json.Unmarshal(b, &a); err != nil {
			return fmt.Errorf("decode audit entry %d: %w", seq, err)
		}
		a.Seq = seq
		audit = append(audit, a)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	events, err := s.events(ctx, `WHERE item_id = ? ORDER BY seq`, id)
	return audit, events, err
}

// UndeliveredEvents implements customs.Store.
func (s *Store) UndeliveredEvents(ctx context.Context, after int64, limit int) ([]customs.Event, error) {
	return s.events(ctx, `WHERE delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// events reads customs_events rows selected by where: the stored body, and
// the outbox's delivery state from its columns.
func (s *Store) events(ctx context.Context, where string, args ...any) ([]customs.Event, error) {
	var out []customs.Event
	var decodeErr error
	err := s.each(ctx, s.R, `SELECT seq, body, delivered_at, attempts, delivery_error FROM customs_events `+where, args, func(rows *sql.Rows) error {
		var seq int64
		var body []byte
		delivered := nullTime{s: s}
		var attempts int
		var reason sql.NullString
		if err := rows.Scan(&seq, &body, &delivered, &attempts, &reason); err != nil {
			return err
		}
		var ev customs.Event
		if err := json.Unmarshal(body, &ev); err != nil {
			decodeErr = fmt.Errorf("decode customs event %d: %w", seq, err)
			return decodeErr
		}
		ev.Seq, ev.Attempts, ev.DeliveryError = seq, attempts, reason.String
		ev.DeliveredAt = time.Time{}
		if delivered.Valid {
			ev.DeliveredAt = delivered.Time
		}
		out = append(out, ev)
		return nil
	})
	if decodeErr != nil {
		return nil, decodeErr
	}
	return out, s.wrap(err, "read customs events")
}

// MarkUndeliverable implements customs.Store.
func (s *Store) MarkUndeliverable(ctx context.Context, seqs []int64, at time.Time, reason string) error {
	if len(seqs) == 0 {
		return nil
	}
	args := make([]any, 0, len(seqs)+2)
	args = append(args, s.t(at), reason)
	for _, q := range seqs {
		args = append(args, q)
	}
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE customs_events SET attempts = attempts + 1, failed_at = ?, delivery_error = ?
		WHERE seq IN (`+placeholders(len(seqs))+`) AND delivered_at IS NULL`), args...)
	return s.wrap(err, "record undelivered customs events")
}

// OutboxCounts implements customs.Store.
func (s *Store) OutboxCounts(ctx context.Context) (waiting, failed int, err error) {
	err = s.R.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) FROM customs_events WHERE delivered_at IS NULL`).
		Scan(&waiting, &failed)
	return waiting, failed, s.wrap(err, "count the customs outbox")
}

func (s *Store) scanBodies(ctx context.Context, query string, args []any, fn func(seq int64, body []byte) error) error {
	var decodeErr error
	err := s.each(ctx, s.R, query, args, func(rows *sql.Rows) error {
		var seq int64
		var body []byte
		if err := rows.Scan(&seq, &body); err != nil {
			return err
		}
		if err := fn(seq, body); err != nil {
			decodeErr = err
			return err
		}
		return nil
	})
	if decodeErr != nil {
		return decodeErr
	}
	return s.wrap(err, "read customs history")
}

// MarkDelivered implements customs.Store.
func (s *Store) MarkDelivered(ctx context.Context, seqs []int64, at time.Time) error {
	if len(seqs) == 0 {
		return nil
	}
	args := make([]any, 0, len(seqs)+1)
	args = append(args, s.t(at))
	for _, q := range seqs {
		args = append(args, q)
	}
	_, err := s.W.ExecContext(ctx, s.q(`UPDATE customs_events SET delivered_at = ? WHERE seq IN (`+placeholders(len(seqs))+`) AND delivered_at IS NULL`), args...)
	return s.wrap(err, "mark customs events delivered")
}

// Manifest implements customs.Store.
func (s *Store) Manifest(ctx context.Context, id string) (customs.Manifest, error) {
	var m customs.Manifest
	err := s.R.QueryRowContext(ctx, s.q(`SELECT id, name, format, submitted_by, lines, declarations, accepted, rejected, atomic, rules_version, created_at
		FROM customs_manifests WHERE id = ?`), id).Scan(&m.ID, &m.Name, &m.Format, &m.SubmittedBy, &m.Lines, &m.Declarations,
		&m.Accepted, &m.Rejected, &m.Atomic, &m.RulesVersion, s.scanTime(&m.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return m, postal.Errorf(postal.CodeNotFound, "no manifest %s", id)
	}
	return m, s.wrap(err, "read manifest "+id)
}

// Declared implements customs.Store.
func (s *Store) Declared(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		err := s.each(ctx, s.R, `SELECT id FROM customs_items WHERE id IN (`+placeholders(n)+`)`, args, func(rows *sql.Rows) error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
			return nil
		})
		if err != nil {
			return nil, s.wrap(err, "look up declarations")
		}
	}
	return out, nil
}
