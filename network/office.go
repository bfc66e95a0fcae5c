package network

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interpost/interpost/postal"
)

// Kind of office.
type Kind string

// Office kinds.
const (
	KindOE        Kind = "oe"        // office of exchange
	KindIMPC      Kind = "impc"      // international mail processing centre
	KindHub       Kind = "hub"       // transit hub
	KindBorder    Kind = "border"    // land border crossing point
	KindWarehouse Kind = "warehouse" // overseas or border warehouse
	KindDelivery  Kind = "delivery"  // delivery office
)

// Kinds lists every office kind.
var Kinds = []Kind{KindOE, KindIMPC, KindHub, KindBorder, KindWarehouse, KindDelivery}

// Office is a place in the network.
type Office struct {
	Code       string  `json:"code" doc:"6-character office code, e.g. CNXMNA"`
	Name       string  `json:"name"`
	Country    string  `json:"country"`
	Kind       Kind    `json:"kind"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	TZ         string  `json:"tz" doc:"IANA time zone"`
	ConnectMin int     `json:"connect_min" doc:"Minimum minutes between arrival and a departure's cut-off"`
	Customs    bool    `json:"customs" doc:"Whether customs clears mail here"`
	Port       bool    `json:"port" doc:"Whether the office is at a sea port (sea services must connect two ports)"`
}

// Validate checks an office's fields; errors name the field.
func (o Office) Validate() error {
	var fe postal.FieldList
	if len(o.Code) != 6 || !isUpperAlnum(o.Code) {
		fe.Add("code", "%q must be 6 letters or digits (UPU office code such as CNXMNA)", o.Code)
	}
	if o.Name == "" {
		fe.Add("name", "required")
	}
	if !postal.ValidCountry(o.Country) {
		fe.Add("country", "%q is not an ISO 3166-1 alpha-2 code", o.Country)
	}
	if !slices.Contains(Kinds, o.Kind) {
		fe.Add("kind", "%q is not one of oe, impc, hub, border, warehouse, delivery", o.Kind)
	}
	if o.Lat < -90 || o.Lat > 90 {
		fe.Add("lat", "%v is outside -90…90", o.Lat)
	}
	if o.Lon < -180 || o.Lon > 180 {
		fe.Add("lon", "%v is outside -180…180", o.Lon)
	}
	if _, err := time.LoadLocation(o.TZ); err != nil || o.TZ == "" {
		fe.Add("tz", "%q is not an IANA time zone (e.g. Asia/Shanghai)", o.TZ)
	}
	if o.ConnectMin < 0 || o.ConnectMin > 7*24*60 {
		fe.Add("connect_min", "%d must be between 0 and 10080 minutes", o.ConnectMin)
	}
	return fe.Err(fmt.Sprintf("office %s is invalid", o.Code))
}

func isUpperAlnum(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// OfficeStore keeps offices.
type OfficeStore interface {
	// PutOffices creates or replaces offices by code, all or none, and moves
	// the network to its next version (LegStore.NetworkVersion).
	PutOffices(ctx context.Context, offices []Office) error
	// Offices lists all offices sorted by code.
	Offices(ctx context.Context) ([]Office, error)
	// Office returns one office, or not_found.
	Office(ctx context.Context, code string) (Office, error)
}
