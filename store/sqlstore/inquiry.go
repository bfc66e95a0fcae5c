package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/inquiry"
	"github.com/interpost/interpost/postal"
)

const inquiryCols = `id, item, opened_by, merchant, known, state, owner, posted_at, opened_at, reply_due, remind_at, reminded,
	answer, answer_at, answer_office, signatory, reason, basis, updated_at, version`

// CreateInquiry implements inquiry.Store.
func (s *Store) CreateInquiry(ctx context.Context, in inquiry.Inquiry, steps []inquiry.Step) (inquiry.Inquiry, bool, error) {
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO inquiries (`+inquiryCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			in.ID, in.Item, in.OpenedBy, in.Merchant, in.Known, string(in.State), in.Owner, s.optTime(in.PostedAt), s.t(in.OpenedAt),
			s.optTime(in.ReplyDue), s.optTime(in.RemindAt), in.Reminded, string(in.Answer), s.optTime(in.AnswerAt), in.AnswerOffice,
			in.Signatory, in.Reason, in.Basis, s.t(in.UpdatedAt), 0)
		if err != nil {
			return s.wrap(err, "create inquiry "+in.ID)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return s.wrap(err, "create inquiry "+in.ID)
		}
		created = true
		return s.appendSteps(ctx, tx, steps)
	})
	if err != nil {
		return inquiry.Inquiry{}, false, err
	}
	got, err := s.inquiry(ctx, `item = ? AND opened_by = ?`, in.Item, in.OpenedBy)
	return got, created, err
}

func (s *Store) appendSteps(ctx context.Context, tx *sql.Tx, steps []inquiry.Step) error {
	for _, st := range steps {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO inquiry_steps (inquiry, at, actor, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?)`),
			st.Inquiry, s.t(st.At), st.Actor, string(st.From), string(st.To), st.Note); err != nil {
			return s.wrap(err, "append inquiry step")
		}
	}
	return nil
}

// Inquiry implements inquiry.Store.
func (s *Store) Inquiry(ctx context.Context, id string) (inquiry.Inquiry, error) {
	return s.inquiry(ctx, `id = ?`, id)
}

func (s *Store) inquiry(ctx context.Context, where string, args ...any) (inquiry.Inquiry, error) {
	in, err := s.scanInquiry(s.R.QueryRowContext(ctx, s.q(`SELECT `+inquiryCols+` FROM inquiries WHERE `+where), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return inquiry.Inquiry{}, postal.Errorf(postal.CodeNotFound, "no inquiry %s", postal.Quote(fmt.Sprint(args[0])))
	}
	return in, s.wrap(err, "read inquiry")
}

func (s *Store) scanInquiry(row interface{ Scan(...any) error }) (inquiry.Inquiry, error) {
	var in inquiry.Inquiry
	var state, answer string
	posted, due, remind, answerAt := nullTime{s: s}, nullTime{s: s}, nullTime{s: s}, nullTime{s: s}
	err := row.Scan(&in.ID, &in.Item, &in.OpenedBy, &in.Merchant, &in.Known, &state, &in.Owner, &posted, s.scanTime(&in.OpenedAt),
		&due, &remind, &in.Reminded, &answer, &answerAt, &in.AnswerOffice, &in.Signatory, &in.Reason, &in.Basis,
		s.scanTime(&in.UpdatedAt), &in.Version)
	in.State, in.Answer = inquiry.State(state), inquiry.Answer(answer)
	in.PostedAt, in.ReplyDue, in.RemindAt, in.AnswerAt = posted.Time, due.Time, remind.Time, answerAt.Time
	return in, err
}

// UpdateInquiry implements inquiry.Store.
func (s *Store) UpdateInquiry(ctx context.Context, in inquiry.Inquiry, step inquiry.Step) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE inquiries SET state = ?, owner = ?, reply_due = ?, remind_at = ?, reminded = ?,
			answer = ?, answer_at = ?, answer_office = ?, signatory = ?, reason = ?, basis = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`),
			string(in.State), in.Owner, s.optTime(in.ReplyDue), s.optTime(in.RemindAt), in.Reminded, string(in.Answer), s.optTime(in.AnswerAt),
			in.AnswerOffice, in.Signatory, in.Reason, in.Basis, s.t(in.UpdatedAt), in.ID, in.Version)
		if err != nil {
			return s.wrap(err, "update inquiry "+in.ID)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.wrap(err, "update inquiry "+in.ID)
		} else if n == 0 {
			var v int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT version FROM inquiries WHERE id = ?`), in.ID).Scan(&v); errors.Is(err, sql.ErrNoRows) {
				return postal.Errorf(postal.CodeNotFound, "no inquiry %s", in.ID)
			}
			return postal.Errorf(postal.CodeConflict, "inquiry %s changed meanwhile (version %d, not %d): reload it and retry", in.ID, v, in.Version)
		}
		return s.appendSteps(ctx, tx, []inquiry.Step{step})
	})
}

// Inquiries implements inquiry.Store.
func (s *Store) Inquiries(ctx context.Context, f inquiry.Filter) ([]inquiry.Inquiry, error) {
	var where []string
	var args []any
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	for col, v := range map[string]string{"owner": f.Owner, "merchant": f.Merchant, "item": f.Item} {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	if !f.DueBefore.IsZero() {
		where = append(where, "reply_due < ?")
		args = append(args, s.t(f.DueBefore))
	}
	q := `SELECT ` + inquiryCols + ` FROM inquiries`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY CASE WHEN reply_due IS NULL THEN 1 ELSE 0 END, reply_due, id`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.R.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, s.wrap(err, "list inquiries")
	}
	defer rows.Close()
	out := []inquiry.Inquiry{}
	for rows.Next() {
		in, err := s.scanInquiry(rows)
		if err != nil {
			return nil, s.wrap(err, "read inquiry")
		}
		out = append(out, in)
	}
	return out, s.wrap(rows.Err(), "list inquiries")
}

// InquiryTrail implements inquiry.Store.
func (s *Store) InquiryTrail(ctx context.Context, id string) ([]inquiry.Step, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT inquiry, at, actor, from_state, to_state, note FROM inquiry_steps WHERE inquiry = ? ORDER BY seq`), id)
	if err != nil {
		return nil, s.wrap(err, "read inquiry trail")
	}
	defer rows.Close()
	out := []inquiry.Step{}
	for rows.Next() {
		var st inquiry.Step
		var from, to string
		if err := rows.Scan(&st.Inquiry, s.scanTime(&st.At), &st.Actor, &from, &to, &st.Note); err != nil {
			return nil, s.wrap(err, "read inquiry step")
		}
		st.From, st.To = inquiry.State(from), inquiry.State(to)
		out = append(out, st)
	}
	return out, s.wrap(rows.Err(), "read inquiry trail")
}

const claimCols = `id, inquiry, item, kind, claimed, weight_g, product, liable, claimant, amount, capped, rule, evidence, decided_at,
	overridden_by, override, posted, insured_sdr, paid, paid_currency, rate_per_sdr, rate_date`

// PutClaim implements inquiry.Store.
func (s *Store) PutClaim(ctx context.Context, c inquiry.Claim) error {
	ev, err := json.Marshal(c.Evidence)
	if err != nil {
		return fmt.Errorf("encode the evidence of claim %s: %w", c.ID, err)
	}
	if c.Evidence == nil {
		ev = []byte("[]")
	}
	_, err = s.W.ExecContext(ctx, s.q(`INSERT INTO inquiry_claims (`+claimCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET liable = excluded.liable, amount = excluded.amount, capped = excluded.capped,
		overridden_by = excluded.overridden_by, override = excluded.override, posted = excluded.posted, paid = excluded.paid`),
		c.ID, c.Inquiry, c.Item, string(c.Kind), c.Claimed.String(), c.WeightG, c.Product, c.Liable, c.Claimant, c.Amount.String(), c.Capped,
		c.Rule, string(ev), s.t(c.DecidedAt), c.OverriddenBy, c.Override, c.Posted,
		decString(c.InsuredSDR), decString(c.Paid), c.PaidCurrency, decString(c.RatePerSDR), dateString(c.RateDate))
	return s.wrap(err, "save claim "+c.ID)
}

// Claim implements inquiry.Store.
func (s *Store) Claim(ctx context.Context, id string) (inquiry.Claim, error) {
	cs, err := s.claims(ctx, `id = ?`, id)
	if err != nil {
		return inquiry.Claim{}, err
	}
	if len(cs) == 0 {
		return inquiry.Claim{}, postal.Errorf(postal.CodeNotFound, "no claim %s", postal.Quote(id))
	}
	return cs[0], nil
}

// Claims implements inquiry.Store.
func (s *Store) Claims(ctx context.Context, inq string) ([]inquiry.Claim, error) {
	if inq == "" {
		return s.claims(ctx, `1 = 1`)
	}
	return s.claims(ctx, `inquiry = ?`, inq)
}

func (s *Store) claims(ctx context.Context, where string, args ...any) ([]inquiry.Claim, error) {
	rows, err := s.R.QueryContext(ctx, s.q(`SELECT `+claimCols+` FROM inquiry_claims WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, s.wrap(err, "read claims")
	}
	defer rows.Close()
	out := []inquiry.Claim{}
	for rows.Next() {
		var c inquiry.Claim
		var kind, claimed, amount, ev, insured, paid, rate, rateDate string
		if err := rows.Scan(&c.ID, &c.Inquiry, &c.Item, &kind, &claimed, &c.WeightG, &c.Product, &c.Liable, &c.Claimant, &amount, &c.Capped,
			&c.Rule, &ev, s.scanTime(&c.DecidedAt), &c.OverriddenBy, &c.Override, &c.Posted,
			&insured, &paid, &c.PaidCurrency, &rate, &rateDate); err != nil {
			return nil, s.wrap(err, "read claim")
		}
		c.Kind = inquiry.ClaimKind(kind)
		var err1, err2, err3, err4, err5, err6 error
		c.Claimed, err1 = decimal.NewFromString(claimed)
		c.Amount, err2 = decimal.NewFromString(amount)
		c.InsuredSDR, err3 = optDecimal(insured)
		c.Paid, err4 = optDecimal(paid)
		c.RatePerSDR, err5 = optDecimal(rate)
		if rateDate != "" {
			c.RateDate, err6 = time.Parse(time.DateOnly, rateDate)
		}
		if err := errors.Join(err1, err2, err3, err4, err5, err6, json.Unmarshal([]byte(ev), &c.Evidence)); err != nil {
			return nil, fmt.Errorf("read claim %s: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "read claims")
}

// decString writes an optional decimal: "" for zero.
func decString(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// optDecimal reads an optional decimal ("" = zero).
func optDecimal(v string) (decimal.Decimal, error) {
	if v == "" {
		return decimal.Zero, nil
	}
	return decimal.NewFromString(v)
}

// dateString writes an optional date: "" for zero.
func dateString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
