package acceptance

import (
	"context"
	"time"
)

// Count is how many shipments one combination of product, merchant, origin
// office and destination country had in a period, and their gross weight.
type Count struct {
	Product     string
	Merchant    string
	Office      string // origin office of exchange
	Destination string // addressee country
	Shipments   int
	WeightG     int64
}

// Counter counts shipments by period without reading them one by one; the
// operator console's overview and trend charts read it.
type Counter interface {
	// CountShipments counts the shipments created in [from, to), one Count
	// per product, merchant, origin office and destination country that has
	// any, sorted by those four. An empty period gives no counts and no error.
	CountShipments(ctx context.Context, from, to time.Time) ([]Count, error)
}
