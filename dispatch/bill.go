package dispatch

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/postal"
)

// Bill is what the delivery bill (CN 38, CN 41 or CN 37) of a consignment
// lists: the consignment, the names of its offices, the dispatching
// office's zone, and each dispatch with its receptacles. Package document
// prints it; WriteBillCSV writes it as CSV.
type Bill struct {
	Consignment Consignment
	OfficeName  string         // name of the dispatching office; "" when unknown
	ToName      string         // name of the office of unloading; "" when unknown
	Zone        *time.Location // the dispatching office's zone; nil = unknown
	Dispatches  []BillDispatch
	// Insured lists the insured items in the bill's registered receptacles
	// (each individually, with its insured value): empty when the service
	// has no Items.
	Insured []BillInsured
}

// BillInsured is one insured item of a delivery bill.
type BillInsured struct {
	Item       string
	Receptacle string // S9
	Insurance  acceptance.Insurance
}

// Name is the bill's form and number, the stem of its file names:
// CN38-CNXMNA2600042.
func (b Bill) Name() string { return string(b.Consignment.Form) + "-" + b.Consignment.ID }

// BillDispatch is one dispatch of a bill with its receptacles.
type BillDispatch struct {
	Dispatch    Dispatch
	Receptacles []Receptacle
}

// DeliveryBill returns the CN 38, CN 41 or CN 37 of a consignment.
func (s *Service) DeliveryBill(ctx context.Context, id string) (Bill, error) {
	c, err := s.Consignment(ctx, id)
	if err != nil {
		return Bill{}, err
	}
	b := Bill{Consignment: c}
	if o, err := s.Network.Office(ctx, c.Office); err == nil {
		b.OfficeName = o.Name
		if loc, err := time.LoadLocation(o.TZ); err == nil {
			b.Zone = loc
		}
	}
	if o, err := s.Network.Office(ctx, c.To); err == nil {
		b.ToName = o.Name
	}
	for _, did := range c.Dispatches {
		d, err := s.Store.Dispatch(ctx, did)
		if err != nil {
			return b, err
		}
		rs, err := s.Store.Receptacles(ctx, did)
		if err != nil {
			return b, err
		}
		b.Dispatches = append(b.Dispatches, BillDispatch{Dispatch: d, Receptacles: rs})
		if err := s.billInsured(ctx, &b, rs); err != nil {
			return b, err
		}
	}
	return b, nil
}

// billInsured adds the insured items of receptacles to b: insured items
// travel in registered receptacles only, so only those are read.
func (s *Service) billInsured(ctx context.Context, b *Bill, rs []Receptacle) error {
	if s.Items == nil {
		return nil
	}
	for _, r := range rs {
		if !r.Registered {
			continue
		}
		items, err := s.Store.Contents(ctx, r.Number)
		if err != nil {
			return err
		}
		for _, it := range items {
			sh, err := s.Items.Shipment(ctx, postal.S10(it.Item))
			if postal.ErrorCode(err) == postal.CodeNotFound {
				continue // a partner's item in transit: not ours to insure
			}
			if err != nil {
				return fmt.Errorf("read the shipment of %s: %w", it.Item, err)
			}
			if sh.Insured != nil {
				b.Insured = append(b.Insured, BillInsured{Item: it.Item, Receptacle: r.ID, Insurance: *sh.Insured})
			}
		}
	}
	return nil
}

// BillCSVHeader is the header of a delivery bill as CSV: one row per
// receptacle (docs/formats.md).
var BillCSVHeader = []string{"form", "consignment", "service", "departure", "from", "to", "dispatch", "origin", "destination",
	"category", "subclass", "receptacle", "type", "registered", "last", "gross_weight_kg"}

// WriteBillCSV writes a delivery bill as CSV, one row per receptacle.
func WriteBillCSV(w io.Writer, b Bill) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(BillCSVHeader); err != nil {
		return err
	}
	c := b.Consignment
	for _, bd := range b.Dispatches {
		d := bd.Dispatch
		for _, r := range bd.Receptacles {
			if err := cw.Write([]string{string(c.Form), c.ID, c.Service, c.Departure.UTC().Format(time.RFC3339), c.From, c.To, d.ID, d.Origin,
				d.Destination, d.Category, d.Subclass, r.ID, string(r.Type), yesNo(r.Registered), yesNo(r.Last),
				strconv.FormatFloat(float64(r.GrossWeightG)/1000, 'f', 1, 64)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Predes returns the pre-advice of a closed dispatch to the destination
// post, with the planned transport once it is consigned.
func (s *Service) Predes(ctx context.Context, id string) (edi.Predes, error) {
	d, err := s.Dispatch(ctx, id)
	if err != nil {
		return edi.Predes{}, err
	}
	if d.Status == StatusOpen || d.Status == StatusCancelled {
		return edi.Predes{}, postal.Errorf(postal.CodeConflict, "dispatch %s is %s: its pre-advice goes out when it closes", d.ID, d.Status)
	}
	// The reference is the destination's next interchange serial, kept
	// for this dispatch: unique per partner and interchange (the dispatch
	// id's tail alone repeats across destinations).
	serial, err := s.Store.InterchangeSerial(ctx, d.Destination, "PREDES "+d.ID)
	if err != nil {
		return edi.Predes{}, err
	}
	p := edi.Predes{Ref: edi.Ref(d.Destination, serial), Prepared: s.now().Truncate(time.Minute), Dispatch: d.ID, Origin: d.Origin, Destination: d.Destination}
	rs, err := s.Store.Receptacles(ctx, d.ID)
	if err != nil {
		return p, err
	}
	for _, r := range rs {
		items, err := s.Store.Contents(ctx, r.Number)
		if err != nil {
			return p, err
		}
		er := edi.Receptacle{ID: r.ID, Type: string(r.Type), GrossWeightG: r.GrossWeightG}
		for _, it := range items {
			er.Items = append(er.Items, it.Item)
		}
		p.Receptacles = append(p.Receptacles, er)
	}
	if d.Consignment != "" {
		c, err := s.Store.Consignment(ctx, d.Consignment)
		if err != nil {
			return p, err
		}
		t := transportOf(c)
		p.Transport = &t
	}
	return p, p.Validate()
}

// Cardit returns the consignment message to the carrier.
func (s *Service) Cardit(ctx context.Context, id string) (edi.Cardit, error) {
	c, err := s.Consignment(ctx, id)
	if err != nil {
		return edi.Cardit{}, err
	}
	carrier := carrierCode(c)
	serial, err := s.Store.InterchangeSerial(ctx, carrier, "CARDIT "+c.ID)
	if err != nil {
		return edi.Cardit{}, err
	}
	m := edi.Cardit{Ref: edi.Ref(carrier, serial), Prepared: c.CreatedAt.Truncate(time.Minute), Consignment: c.ID,
		Form: string(c.Form), Office: c.Office, Carrier: carrier, Transport: transportOf(c)}
	for _, did := range c.Dispatches {
		rs, err := s.Store.Receptacles(ctx, did)
		if err != nil {
			return m, err
		}
		for _, r := range rs {
			m.Receptacles = append(m.Receptacles, edi.Receptacle{ID: r.ID, Type: string(r.Type), GrossWeightG: r.GrossWeightG})
		}
	}
	return m, m.Validate()
}

func transportOf(c Consignment) edi.Transport {
	return edi.Transport{Service: c.Service, Mode: c.Mode, Carrier: c.Carrier, From: c.From, To: c.To,
		Departure: c.Departure.Truncate(time.Minute), Arrival: c.Arrival.Truncate(time.Minute)}
}

// carrierCode is the carrier's code in messages: for air, the airline
// designator of the flight number (MF811 → MF, O36821 → O3); otherwise the
// service id (A–Z, 0–9, - and _, at most 20).
func carrierCode(c Consignment) string {
	id := c.Service
	if c.Mode == "air" && len(id) >= 3 && allDigits(id[2:]) {
		return id[:2]
	}
	out := []byte{}
	for i := 0; i < len(id) && len(out) < 20; i++ {
		ch := id[i]
		if (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' {
			out = append(out, ch)
		}
	}
	return string(out)
}
