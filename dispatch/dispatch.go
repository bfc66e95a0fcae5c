package dispatch

import (
	"fmt"
	"time"

	"github.com/interpost/interpost/postal"
)

// Status of a dispatch, a receptacle or a consignment.
type Status string

// Statuses. Receptacles are open or closed; dispatches go open → closed →
// consigned → departed (or open → cancelled when abandoned empty);
// consignments are consigned, then departed.
const (
	StatusOpen      Status = "open"
	StatusClosed    Status = "closed"
	StatusConsigned Status = "consigned"
	StatusDeparted  Status = "departed"
	StatusCancelled Status = "cancelled"
)

// Dispatch is the set of receptacles sent from one office of exchange to
// another in one mail category and subclass at one time, identified by an
// S8 id.
type Dispatch struct {
	ID          string `json:"id" doc:"S8 dispatch id" example:"CNXMNADEFRAAAUN60042"`
	Origin      string `json:"origin" example:"CNXMNA"`
	Destination string `json:"destination" example:"DEFRAA"`
	Category    string `json:"category" doc:"Mail category A, B, C or D" example:"A"`
	Subclass    string `json:"subclass" example:"UN"`
	Year        int    `json:"year" doc:"Year of the dispatch serial (the S8 id keeps its last digit)"`
	Serial      int    `json:"serial" doc:"Dispatch serial within the year for this pair of offices, 1–9999"`
	Status      Status `json:"status" enum:"open,closed,consigned,departed,cancelled"`
	Form        Form   `json:"form" doc:"Delivery bill the dispatch is listed on: CN38 (air), CN41 (S.A.L.), CN37 (surface)"`
	// AtOffice is where the dispatch is: its origin until it departs, then
	// the office its last consignment went to (a transit hub, or abroad).
	AtOffice string `json:"at_office"`
	// Receptacles counts the receptacles opened in the dispatch: the next
	// receptacle gets serial Receptacles+1.
	Receptacles  int        `json:"receptacles"`
	Items        int        `json:"items"`
	NetWeightG   int        `json:"net_weight_g" doc:"Sum of the items' weights"`
	GrossWeightG int        `json:"gross_weight_g" doc:"Sum of the closed receptacles' gross weights"`
	Registered   bool       `json:"registered" doc:"Holds registered, insured or declared-value items"`
	Consignment  string     `json:"consignment,omitempty"`
	OpenedAt     time.Time  `json:"opened_at"`
	OpenedBy     string     `json:"opened_by"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	ClosedBy     string     `json:"closed_by,omitempty"`
	DepartedAt   *time.Time `json:"departed_at,omitempty"`
}

// S8 returns the parsed dispatch id.
func (d Dispatch) S8() postal.DispatchID {
	id, _ := postal.ParseDispatchID(d.ID)
	return id
}

// MailCategory returns the dispatch's category.
func (d Dispatch) MailCategory() postal.MailCategory { return postal.MailCategory(d.Category[0]) }

// Receptacle is a bag, tray or pallet of a dispatch. Its Number (the
// dispatch id and the 3-digit receptacle serial) is fixed when it opens;
// its S9 id, which adds the last-receptacle and registered flags and the
// gross weight, is known when it closes.
type Receptacle struct {
	Number       string         `json:"number" doc:"Dispatch id + receptacle serial (23 characters): the receptacle's handle while open" example:"CNXMNADEFRAAAUN60042001"`
	ID           string         `json:"id,omitempty" doc:"S9 receptacle id, set when closed" example:"CNXMNADEFRAAAUN60042001101125"`
	Dispatch     string         `json:"dispatch"`
	Serial       int            `json:"serial"`
	Type         ReceptacleType `json:"type" enum:"bag,tray,pallet"`
	Status       Status         `json:"status" enum:"open,closed"`
	Items        int            `json:"items"`
	NetWeightG   int            `json:"net_weight_g"`
	GrossWeightG int            `json:"gross_weight_g,omitempty" doc:"Weighed (or net + tare) when closed"`
	Registered   bool           `json:"registered"`
	Last         bool           `json:"last" doc:"Highest-numbered receptacle of its dispatch (S9 flag)"`
	OpenedAt     time.Time      `json:"opened_at"`
	ClosedAt     *time.Time     `json:"closed_at,omitempty"`
	ClosedBy     string         `json:"closed_by,omitempty"`
}

// ReceptacleNumber returns the 23-character handle of receptacle serial n
// of a dispatch.
func ReceptacleNumber(dispatch string, serial int) string {
	return fmt.Sprintf("%s%03d", dispatch, serial)
}

// S9 returns the receptacle id for the given flags and gross weight. The
// weight is rounded to 0.1 kg (half up) and must fit in 4 digits.
func S9(dispatch string, serial int, last, registered bool, grossG int) (string, error) {
	d, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return "", err
	}
	r := postal.ReceptacleID{Dispatch: d, Serial: serial, Last: last, Registered: registered, WeightHg: (grossG + 50) / 100}
	if err := r.Validate(); err != nil {
		return "", err
	}
	return r.String(), nil
}

// ScannedItem is an item in a receptacle.
type ScannedItem struct {
	Item       string    `json:"item" example:"EE123456785CN"`
	Receptacle string    `json:"receptacle" doc:"Receptacle number (23 characters)"`
	Office     string    `json:"office"`
	WeightG    int       `json:"weight_g"`
	Registered bool      `json:"registered"`
	ScannedAt  time.Time `json:"scanned_at"`
	ScannedBy  string    `json:"scanned_by"`
}

// Consignment hands dispatches to a carrier for one departure of a
// service; its delivery bill is a CN 38, CN 41 or CN 37.
type Consignment struct {
	ID           string     `json:"id" doc:"Office, year and serial" example:"CNXMNA2600042"`
	Office       string     `json:"office"`
	Service      string     `json:"service" example:"MF811"`
	Carrier      string     `json:"carrier"`
	Mode         string     `json:"mode"`
	From         string     `json:"from" doc:"First office of the service"`
	To           string     `json:"to" doc:"Office where the service arrives"`
	Departure    time.Time  `json:"departure"`
	Arrival      time.Time  `json:"arrival"`
	Form         Form       `json:"form" enum:"CN38,CN41,CN37"`
	Category     string     `json:"category"`
	Dispatches   []string   `json:"dispatches"`
	Receptacles  int        `json:"receptacles"`
	GrossWeightG int        `json:"gross_weight_g"`
	CapacityKg   float64    `json:"capacity_kg" doc:"Capacity of the departure"`
	LoadedG      int        `json:"loaded_g" doc:"Weight consigned to the departure so far, this consignment included"`
	Status       Status     `json:"status" enum:"consigned,departed"`
	CreatedAt    time.Time  `json:"created_at"`
	CreatedBy    string     `json:"created_by"`
	DepartedAt   *time.Time `json:"departed_at,omitempty"`
}

// ConsignedLeg is one consignment that carried a dispatch: leg 1 from its origin,
// the next ones booked at the office each leg reached, until one reaches
// its destination. The receptacles and gross weight are those handed over
// on the leg; DepartedAt is set when the leg's consignment departed.
type ConsignedLeg struct {
	Dispatch     string     `json:"dispatch"`
	Leg          int        `json:"leg" doc:"1 from the dispatch's origin, then one per onward consignment"`
	Consignment  string     `json:"consignment"`
	Service      string     `json:"service"`
	Carrier      string     `json:"carrier"`
	From         string     `json:"from" doc:"Office where the dispatch was handed to the carrier"`
	To           string     `json:"to" doc:"Office the leg's service arrives at"`
	Departure    time.Time  `json:"departure" doc:"Scheduled departure of the leg"`
	Arrival      time.Time  `json:"arrival" doc:"Scheduled arrival of the leg"`
	Receptacles  int        `json:"receptacles"`
	GrossWeightG int        `json:"gross_weight_g"`
	DepartedAt   *time.Time `json:"departed_at,omitempty"`
}
