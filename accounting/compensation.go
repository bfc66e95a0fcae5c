package accounting

import (
	"context"
	"fmt"
	"strings"
)

// BasisClaim marks compensation decided on a claim (package inquiry).
const BasisClaim = "claim"

// PostCompensation brings the compensation entries of one claim (keys
// beginning with prefix, on item) to want: a first decision posts each
// charge as revision 0; a later one (an officer's override) posts, with
// reason, the reversals and differences that make the ledger agree, never
// changing an entry. Posting the same decision again posts nothing, so a
// retried call is harmless. It returns the entries posted.
func (s *Service) PostCompensation(ctx context.Context, item, prefix string, want []Charge, reason string) ([]Entry, error) {
	for _, c := range want {
		if c.Kind != KindCompensation || !strings.HasPrefix(c.Key, prefix) || c.Item != item {
			return nil, fmt.Errorf("post compensation: charge %s is not compensation under %s for %s", c.Key, prefix, item)
		}
	}
	existing, err := s.allEntries(ctx, EntryFilter{Item: item, Kind: KindCompensation})
	if err != nil {
		return nil, fmt.Errorf("post compensation for %s: %w", item, err)
	}
	mine := existing[:0]
	for _, e := range existing {
		if strings.HasPrefix(e.Key, prefix) {
			mine = append(mine, e)
		}
	}
	pos := positions(mine)
	var out []Entry
	made := map[string]bool{}
	for _, c := range want {
		made[c.Key] = true
		p := pos[c.Key]
		if p == nil {
			out = append(out, Entry{Charge: c, Reason: reason})
			continue
		}
		rev := p.last.Revision
		want := side{c.Debtor, c.Creditor, c.Currency}
		for _, sd := range sortedSides(p.sums) {
			if sd != want && !p.sums[sd].zero() {
				rev++
				out = append(out, reversal(p.sums[sd], rev, "reversed: "+reason))
			}
		}
		have := p.sums[want]
		if have == nil {
			have = &sums{}
		}
		adj := c
		adj.Amount, adj.Items, adj.WeightG = c.Amount.Sub(have.amount), c.Items-have.items, c.WeightG-have.weightG
		if adj.Amount.IsZero() && adj.Items == 0 && adj.WeightG == 0 {
			continue
		}
		rev++
		out = append(out, Entry{Charge: adj, Revision: rev, Reason: reason})
	}
	for _, key := range sortedKeys(pos) {
		if made[key] {
			continue
		}
		p := pos[key]
		rev := p.last.Revision
		for _, sd := range sortedSides(p.sums) {
			if !p.sums[sd].zero() {
				rev++
				out = append(out, reversal(p.sums[sd], rev, "reversed: "+reason))
			}
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	at := s.now()
	for i := range out {
		out[i].PostedAt = at
	}
	posted, err := s.Store.AppendEntries(ctx, out)
	if err != nil {
		return nil, fmt.Errorf("post compensation for %s: %w", item, err)
	}
	return posted, nil
}
