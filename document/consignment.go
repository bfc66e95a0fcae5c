package document

import "github.com/interpost/interpost/dispatch"

// ConsignmentBill lays out the delivery bill of a consignment for
// WriteDeliveryBill.
func ConsignmentBill(b dispatch.Bill) DeliveryBill {
	c := b.Consignment
	out := DeliveryBill{Form: string(c.Form), Number: c.ID, Office: c.Office, Carrier: c.Carrier, Service: c.Service, Mode: c.Mode,
		From: c.From, To: c.To, Departure: c.Departure, Arrival: c.Arrival, Prepared: c.CreatedAt,
		OfficeName: b.OfficeName, FromName: b.OfficeName, ToName: b.ToName, Zone: b.Zone}
	for _, bd := range b.Dispatches {
		d := bd.Dispatch
		od := BillDispatch{ID: d.ID, Origin: d.Origin, Destination: d.Destination, Category: d.Category, Subclass: d.Subclass}
		for _, r := range bd.Receptacles {
			od.Receptacles = append(od.Receptacles, BillReceptacle{ID: r.ID, Type: string(r.Type), Registered: r.Registered,
				Last: r.Last, GrossWeightG: r.GrossWeightG})
		}
		out.Dispatches = append(out.Dispatches, od)
	}
	for _, in := range b.Insured {
		out.Insured = append(out.Insured, BillInsured{Item: in.Item, Receptacle: in.Receptacle, Value: in.Insurance.Value,
			Currency: in.Insurance.Currency, ValueSDR: in.Insurance.ValueSDR})
	}
	return out
}
