package app

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/customs/cebport"
	"github.com/interpost/interpost/postal"
)

// CustomsReceiver is the DXP node of China Customs' cross-border e-commerce system (imports) that
// messages are addressed to: one source, unconfirmed (docs/formats.md, "CEB messages").
const CustomsReceiver = "DXPEDCCEB0000002"

// DefaultCEBExchangeEvery is how often a node hands queued CEB messages to the single-window
// client and reads the receipts it dropped.
const DefaultCEBExchangeEvery = 5 * time.Second

// cebPrincipal applies receipts read from the exchange directory (the audit trail names the
// receipt type as the officer, as for uploads).
var cebPrincipal = auth.Principal{KeyID: "cebport", Role: auth.RoleAdmin}

var nodeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// newCEBPort opens the exchange directory dir (outbox/ and inbox/ inside) for this node.
func newCEBPort(dir, node string, profiles map[string]ceb.Profile, o Options) (*cebport.Port, error) {
	sender := ""
	if p, ok := profiles["*"]; ok {
		sender = p.Transfer.DxpID
	}
	if sender == "" {
		offices := make([]string, 0, len(profiles))
		for k := range profiles {
			offices = append(offices, k)
		}
		sort.Strings(offices)
		for _, k := range offices {
			if sender = profiles[k].Transfer.DxpID; sender != "" {
				break
			}
		}
	}
	if sender == "" {
		return nil, fmt.Errorf("CEB exchange directory %s: no CEB profile gives a DXP id (transfer.dxpId) to send as", dir)
	}
	if node = nodeChars.ReplaceAllString(node, "-"); node == "" {
		node = "node"
	}
	return cebport.New(cebport.Config{Outbox: filepath.Join(dir, "outbox"), Inbox: filepath.Join(dir, "inbox"),
		Node: node, SenderID: sender, ReceiverIDs: []string{CustomsReceiver}, Now: o.Now, Logger: o.Logger})
}

// runCEBExchange hands queued messages to the client and applies the receipts it dropped, every
// cebEvery until ctx ends.
func (a *App) runCEBExchange(ctx context.Context) {
	apply := func(ctx context.Context, r cebport.Received) error {
		var err error
		if ceb.IsOrderOrPayment(r.Message) {
			_, err = a.CEBMatch.Intake(ctx, cebPrincipal, r.Message)
		} else {
			_, err = a.CEB.ApplyReceipts(ctx, cebPrincipal, r.Message)
		}
		if postal.ErrorCode(err) == postal.CodeInvalid || postal.ErrorCode(err) == postal.CodeForbidden {
			return fmt.Errorf("%w: %v", cebport.ErrPermanent, err)
		}
		return err
	}
	t := time.NewTicker(a.cebEvery)
	defer t.Stop()
	for {
		if res, err := a.cebPort.Transmit(ctx, a.Store, 500); err != nil && ctx.Err() == nil {
			a.Logger.Error("CEB outbox", "err", err)
		} else if res.Sent > 0 {
			a.Logger.Info("CEB messages handed to the single-window client", "sent", res.Sent, "waiting", res.Waiting)
		}
		if _, err := a.cebPort.Poll(ctx, apply); err != nil && ctx.Err() == nil {
			a.Logger.Error("CEB inbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
