package cebport

import (
	"context"
	"errors"
	"fmt"

	"github.com/interpost/interpost/customs/ceb"
)

// TransmitResult counts what one Transmit did.
type TransmitResult struct {
	Sent    int `json:"sent"`    // written into the outbox and marked sent
	Waiting int `json:"waiting"` // left queued: no buyer on file to put back, or erased
}

// Transmit hands the messages the post made (ceb.Hall stores them queued) to the client's outbox,
// oldest first, at most limit: the buyer's identity number and phones, stored masked, are put
// back from the buyer on file (ceb.Unmasked) before the message is signed and written. A message
// written before a crash (ErrAlreadySent) is marked sent without a second file. A message whose
// buyer is not on file, or whose body privacy erasure blanked, stays queued and is counted as
// waiting; it never blocks the others.
func (p *Port) Transmit(ctx context.Context, out ceb.Outbox, limit int) (TransmitResult, error) {
	var res TransmitResult
	if p.c.Outbox == "" {
		return res, errors.New("cebport: no outbox directory configured")
	}
	recs, err := out.QueuedCEB(ctx, limit)
	if err != nil {
		return res, fmt.Errorf("cebport: %w", err)
	}
	for _, r := range recs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if r.Body == "" {
			res.Waiting++ // erased (privacy): nothing left to send
			continue
		}
		msg := []byte(r.Body)
		if ceb.HasPersonal(r.Body) {
			b, err := out.CEBBuyer(ctx, r.ItemID)
			if err != nil {
				p.c.Logger.Warn("CEB message waits: no buyer on file", "message", r.Key, "type", r.Type, "item", r.ItemID, "err", err)
				res.Waiting++
				continue
			}
			if msg, err = ceb.Unmasked(r.Body, b.Buyer); err != nil {
				p.c.Logger.Warn("CEB message waits", "message", r.Key, "type", r.Type, "item", r.ItemID, "err", err)
				res.Waiting++
				continue
			}
		}
		if _, err := p.Send(ctx, r.Type, r.Key, msg); err != nil && !errors.Is(err, ErrAlreadySent) {
			return res, err
		}
		if err := out.MarkCEBSent(ctx, r.Key); err != nil {
			return res, fmt.Errorf("cebport: %w", err)
		}
		res.Sent++
	}
	return res, nil
}
