package ceb

import (
	"context"
	"fmt"
	"strings"
)

// StatusSent: handed to the single-window client (written into its outbox); receipts then set the
// returnStatus.
const StatusSent = "sent"

// Outbox is what a transmitter reads of the stored messages and marks.
type Outbox interface {
	// QueuedCEB returns up to limit messages the post made and has not handed over yet, oldest first.
	QueuedCEB(ctx context.Context, limit int) ([]Record, error)
	// MarkCEBSent sets a queued message's status to sent; one no longer queued is left as it is.
	MarkCEBSent(ctx context.Context, key string) error
	// CEBBuyer returns an item's buyer, or not_found.
	CEBBuyer(ctx context.Context, itemID string) (BuyerRecord, error)
}

// Unmasked returns a stored message with the buyer's identity number and phones put back: stored
// bodies carry them masked (Mask), the message customs receives carries them whole. An element
// whose masked value does not match the buyer's (another person's data) is refused.
func Unmasked(body string, b Buyer) ([]byte, error) {
	m, err := Parse([]byte(body))
	if err != nil {
		return nil, err
	}
	consignee := b.ConsigneeTelephone
	if consignee == "" {
		consignee = b.Telephone
	}
	whole := map[string]string{"buyerIdNumber": b.IDNumber, "buyerTelephone": b.Telephone, "consigneeTelephone": consignee}
	var bad error
	var walk func(e *Element)
	walk = func(e *Element) {
		if v, ok := whole[e.Name]; ok && len(e.Children) == 0 {
			if masked := personal[e.Name](v); strings.TrimSpace(e.Text) != masked {
				bad = fmt.Errorf("%s of the stored %s does not match the buyer on file", e.Name, m.Type())
			}
			e.Text = v
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(m.Root)
	if bad != nil {
		return nil, bad
	}
	return Marshal(m, EncodeOptions{})
}

// HasPersonal reports whether a stored body carries masked personal data to put back.
func HasPersonal(body string) bool {
	for _, n := range []string{"buyerIdNumber>", "buyerTelephone>", "consigneeTelephone>"} {
		if strings.Contains(body, n) {
			return true
		}
	}
	return false
}
