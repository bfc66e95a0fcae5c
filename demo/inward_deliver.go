package demo

import (
	"context"
	"fmt"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
)

// DeliveryResult says what the demo did with the received inbound items.
type DeliveryResult struct {
	Declared, Released, Held, NeedsData int // import customs
	Delivered, Attempted, Returned      int // domestic delivery
	EventsReturned                      int // events JPPOST and KRPOST took back
	// PushPartner has a push endpoint at PushURL, a local port that
	// refuses: the node's push worker retries it with backoff.
	PushPartner, PushURL string
}

// demoPushURL is Deutsche Post's demo push endpoint: the discard port on
// loopback, where nothing listens, so its pushes show as failed and
// retrying (GET /v1/inward/partners/DEPOST/endpoint).
const demoPushURL = "http://127.0.0.1:9/interpost/events"

// deliveryOffice is the demo's delivery office behind each inward office
// of exchange.
var deliveryOffice = map[string]string{"CNPEKA": "CNPEKD", "CNSHAA": "CNSHAD", "CNCANA": "CNCAND", "CNXMNA": "CNXMND"}

// deliverDemo puts a received dispatch's items into the import queue with
// their pre-advised data; items the risk engine released are handed over
// to the delivery office and, by their position, delivered, attempted
// (addressee absent) or refused and sent back;
// items customs holds wait in its queue. Steps already scanned (a second
// run) are left alone.
func deliverDemo(ctx context.Context, svc *inward.Service, who auth.Principal, p edi.Predes, lane int, res *DeliveryResult) error {
	if svc.Customs == nil {
		return nil
	}
	rep, err := svc.ClearDispatch(ctx, who, p.Dispatch)
	if err != nil {
		return err
	}
	res.NeedsData += len(rep.NeedsData)
	dest := deliveryOffice[p.Destination]
	for k, c := range rep.Declared {
		if !c.Repeated {
			res.Declared++
		}
		if c.Status != customs.StatusReleased {
			res.Held++
			continue
		}
		res.Released++
		if dest == "" {
			continue
		}
		steps := []inward.DeliveryScan{
			{Step: inward.StepHandover, Office: c.Office, NextOffice: dest},
			{Step: inward.StepArrived, Office: dest},
		}
		switch {
		case k%6 == 5:
			steps = append(steps, inward.DeliveryScan{Step: inward.StepAttempt, Office: dest, Reason: "refused"},
				inward.DeliveryScan{Step: inward.StepReturn, Office: dest, Reason: "refused by the addressee"})
		case k%4 == 2:
			steps = append(steps, inward.DeliveryScan{Step: inward.StepAttempt, Office: dest, Reason: "addressee_absent"})
		default:
			steps = append(steps, inward.DeliveryScan{Step: inward.StepDeliver, Office: dest, Signatory: fmt.Sprintf("Addressee %d-%d", lane, k)})
		}
		for _, sc := range steps {
			sc.Item = c.Item
			d, err := svc.ScanDelivery(ctx, who, sc)
			if postal.ErrorCode(err) == postal.CodeConflict {
				break // scanned on an earlier run
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", sc.Step, c.Item, err)
			}
			if d.Repeated {
				continue
			}
			switch sc.Step {
			case inward.StepDeliver:
				res.Delivered++
			case inward.StepAttempt:
				res.Attempted++
			case inward.StepReturn:
				res.Returned++
			}
		}
	}
	return nil
}

// returnDemo lets Japan Post and Korea Post take their events back (the
// others have not pulled yet, so their 24 h shares stay unmet) and gives
// Deutsche Post a push endpoint that refuses (kept as it is on a second
// run).
func returnDemo(ctx context.Context, svc *inward.Service, who auth.Principal, res *DeliveryResult) error {
	res.PushPartner, res.PushURL = "DEPOST", demoPushURL
	if _, _, err := svc.Endpoint(ctx, who, res.PushPartner, 1); postal.ErrorCode(err) == postal.CodeNotFound {
		if _, err := svc.SetEndpoint(ctx, who, inward.Endpoint{Partner: res.PushPartner, URL: demoPushURL, Format: inward.FormatEDIFACT, Enabled: true}); err != nil {
			return fmt.Errorf("demo push endpoint: %w", err)
		}
	} else if err != nil {
		return err
	}
	for _, partner := range []string{"JPPOST", "KRPOST"} {
		b, err := svc.PullEvents(ctx, who, partner)
		if err != nil {
			return fmt.Errorf("demo events back to %s: %w", partner, err)
		}
		res.EventsReturned += len(b.Events)
	}
	return nil
}
