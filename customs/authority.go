package customs

import (
	"context"
	"errors"
	"strings"

	"github.com/interpost/interpost/auth"
)

// decidePresent records that customs took the item in (a receipt's 120 "entered" or 300 "manual
// review"): the presented event, no change of status. Only ApplyAuthority uses it.
const decidePresent DecisionAction = "present"

// DecidePresent is the action ApplyAuthority takes for "entered by customs".
const DecidePresent = decidePresent

// ErrAlready: the item is already in the state the authority's decision asks for; nothing changed.
var ErrAlready = errors.New("the item is already in that state")

// ApplyAuthority applies a decision customs' own system made about an item (a CEB receipt from
// the single window), not an officer of this post's desk: by names the source (e.g. "ceb:CEB622")
// in the audit trail, a claim by a desk officer does not stop it, and info (the receipt's
// returnInfo) is appended to every tracking event's public reason. It is idempotent by state: a
// decision the item already reflects returns ErrAlready and stores nothing, so a receipt applied
// twice changes nothing. A decision a final item cannot take is a conflict.
func (s *Service) ApplyAuthority(ctx context.Context, id string, d Decision, by, info string) (Item, error) {
	if strings.TrimSpace(d.Reason) == "" {
		d.Reason = info
	}
	who := auth.Principal{Role: auth.RoleCustoms, KeyID: by}
	for attempt := 0; ; attempt++ {
		it, err := s.Store.Item(ctx, id)
		if err != nil {
			return Item{}, err
		}
		if already(it, d) {
			return it, ErrAlready
		}
		claimed, claimedAt := it.ClaimedBy, it.ClaimedAt
		it.ClaimedBy = ""
		u, err := s.apply(it, who, d)
		if err != nil {
			return Item{}, err
		}
		if !u.Item.Status.Final() {
			u.Item.ClaimedBy, u.Item.ClaimedAt = claimed, claimedAt
		}
		if info = strings.TrimSpace(info); info != "" {
			for i := range u.Events {
				u.Events[i].Reason += ": " + clip(info, 200)
			}
		}
		err = s.Store.UpdateItem(ctx, u)
		if errors.Is(err, ErrChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return Item{}, err
		}
		if _, err := s.DeliverEvents(ctx); err != nil {
			s.logger().ErrorContext(ctx, "customs events stay in the outbox", "item", id, "err", err)
		}
		return u.Item, nil
	}
}

// already reports whether it already reflects d.
func already(it Item, d Decision) bool {
	switch d.Action {
	case decidePresent:
		return it.Presented
	case DecideHold:
		return it.Status == StatusHeld && it.Hold == d.Check
	case DecideRelease:
		return it.Status == StatusReleased
	case DecideSeize:
		return it.Status == StatusSeized
	case DecideReturn:
		return it.Status == StatusReturned
	}
	return false
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
