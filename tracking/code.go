package tracking

import (
	"slices"
	"strings"
)

// Code is a UPU EMSEVT V3 event code such as "EMC" (departure from the
// outward office of exchange). Codes lists them all.
type Code string

// Event codes (UPU EMSEVT V3, M40; ../shared/domain/upu-standards.md §3).
const (
	EMA Code = "EMA" // posting / collection
	EMB Code = "EMB" // arrival at outward OE
	EXA Code = "EXA" // presented to export customs or security
	EXB Code = "EXB" // held by export customs or security
	EXC Code = "EXC" // returned from export customs or security
	EXD Code = "EXD" // held at outward OE
	EXX Code = "EXX" // export cancelled
	EMC Code = "EMC" // departure from outward OE
	EMJ Code = "EMJ" // arrival at transit OE
	EMK Code = "EMK" // departure from transit OE
	EMD Code = "EMD" // arrival at inward OE
	EDA Code = "EDA" // held at inward OE
	EDB Code = "EDB" // presented to import customs
	EME Code = "EME" // held by import customs
	EDC Code = "EDC" // returned from import customs
	EMF Code = "EMF" // departure from inward OE
	EDD Code = "EDD" // into sorting centre
	EDE Code = "EDE" // out of sorting centre
	EMG Code = "EMG" // arrival at delivery office
	EDF Code = "EDF" // held at delivery depot or office
	EDG Code = "EDG" // out for physical delivery
	EDH Code = "EDH" // arrival at collection point for pick-up
	EMH Code = "EMH" // unsuccessful (attempted) delivery
	EMI Code = "EMI" // final delivery
	EDX Code = "EDX" // import terminated
)

// Stage is the part of the chain an event belongs to.
type Stage string

// Stages, in chain order.
const (
	StageOrigin      Stage = "origin"      // acceptance, outward OE, export customs
	StageTransport   Stage = "transport"   // line-haul and transit OEs
	StageDestination Stage = "destination" // inward OE and import customs
	StageLastMile    Stage = "last_mile"   // domestic network and delivery
)

// Status is the lifecycle state of an item, derived from its events by the
// state machine in lifecycle.go (docs/lifecycle.md). It is the one status
// every view shows: the shipment, its timeline, the public page, webhooks.
type Status string

// Statuses, in lifecycle order. StatusCreated is an item with data but no scan.
const (
	StatusCreated               Status = "created"
	StatusAccepted              Status = "accepted"
	StatusAtOutwardOE           Status = "at_outward_oe"
	StatusExportCustomsHeld     Status = "export_customs_held"
	StatusExportCustomsReleased Status = "export_customs_released"
	StatusDeparted              Status = "departed"
	StatusInTransit             Status = "in_transit"
	StatusArrived               Status = "arrived"
	StatusImportCustomsHeld     Status = "import_customs_held"
	StatusImportCustomsReleased Status = "import_customs_released"
	StatusInDeliveryNetwork     Status = "in_delivery_network"
	StatusAtDeliveryOffice      Status = "at_delivery_office"
	StatusAwaitingPickup        Status = "awaiting_pickup"
	StatusOutForDelivery        Status = "out_for_delivery"
	StatusDeliveryAttempted     Status = "delivery_attempted"
	StatusDelivered             Status = "delivered"
	StatusReturning             Status = "returning"
	StatusReturned              Status = "returned"
	StatusSeized                Status = "seized"
)

// statusOrder lists every status in lifecycle order.
var statusOrder = []Status{
	StatusCreated, StatusAccepted, StatusAtOutwardOE, StatusExportCustomsHeld, StatusExportCustomsReleased,
	StatusDeparted, StatusInTransit, StatusArrived, StatusImportCustomsHeld, StatusImportCustomsReleased,
	StatusInDeliveryNetwork, StatusAtDeliveryOffice, StatusAwaitingPickup, StatusOutForDelivery,
	StatusDeliveryAttempted, StatusDelivered, StatusReturning, StatusReturned, StatusSeized,
}

// statusLabels are what the public tracking page says for each status.
var statusLabels = map[Status]string{
	StatusCreated:               "Label created, not yet handed over",
	StatusAccepted:              "Accepted by the post",
	StatusAtOutwardOE:           "At the outward office of exchange",
	StatusExportCustomsHeld:     "With export customs",
	StatusExportCustomsReleased: "Released by export customs",
	StatusDeparted:              "Left the country of origin",
	StatusInTransit:             "In transit",
	StatusArrived:               "Arrived in the destination country",
	StatusImportCustomsHeld:     "Held by import customs",
	StatusImportCustomsReleased: "Released by import customs",
	StatusInDeliveryNetwork:     "In the destination postal network",
	StatusAtDeliveryOffice:      "At the delivery office",
	StatusAwaitingPickup:        "Ready for pick-up",
	StatusOutForDelivery:        "Out for delivery",
	StatusDeliveryAttempted:     "Delivery attempted",
	StatusDelivered:             "Delivered",
	StatusReturning:             "Returning to the sender",
	StatusReturned:              "Returned to the sender",
	StatusSeized:                "Seized by customs",
}

// Label returns a short human description of the status.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Final reports whether no further movement is expected.
func (s Status) Final() bool {
	return s == StatusDelivered || s == StatusReturned || s == StatusSeized
}

// Statuses lists every status in lifecycle order.
func Statuses() []Status { return slices.Clone(statusOrder) }

// StatusNames lists every status name in lifecycle order.
func StatusNames() []string {
	out := make([]string, len(statusOrder))
	for i, s := range statusOrder {
		out[i] = string(s)
	}
	return out
}

// ParseStatus checks a status name.
func ParseStatus(s string) (Status, bool) {
	st := Status(s)
	_, ok := statusLabels[st]
	return st, ok
}

// CodeInfo describes an event code.
type CodeInfo struct {
	Code    Code   `json:"code"`
	Meaning string `json:"meaning"`
	Stage   Stage  `json:"stage"`
	// Position orders codes along the chain (posting 10 … delivery 90); it
	// breaks ties between events with the same time.
	Position int    `json:"position"`
	Status   Status `json:"status" doc:"Status of an item whose current event (see docs/lifecycle.md) has this code"`
	Customs  bool   `json:"customs,omitempty" doc:"A customs step (export or import)"`
}

// Final reports whether the code ends the item's journey: a delivery, or a
// return or seizure decision (EXX, EDX).
func (c CodeInfo) Final() bool {
	return c.Status.Final() || c.Code == EXX || c.Code == EDX
}

// codeTable is the EMSEVT V3 code list in chain order. Meanings follow the
// UPU wording; see ../shared/domain/upu-standards.md §3. EMH is an attempted
// delivery (some third-party code wrongly maps it to arrival at the delivery
// office).
var codeTable = []CodeInfo{
	{EMA, "Posting / collection", StageOrigin, 10, StatusAccepted, false},
	{EMB, "Arrival at outward office of exchange", StageOrigin, 20, StatusAtOutwardOE, false},
	{EXA, "Presented to export customs or security", StageOrigin, 25, StatusExportCustomsHeld, true},
	{EXB, "Held by export customs or security", StageOrigin, 26, StatusExportCustomsHeld, true},
	{EXC, "Returned from export customs or security", StageOrigin, 27, StatusExportCustomsReleased, true},
	{EXD, "Held at outward office of exchange", StageOrigin, 28, StatusAtOutwardOE, false},
	{EXX, "Export cancelled", StageOrigin, 29, StatusReturning, false},
	{EMC, "Departure from outward office of exchange", StageTransport, 40, StatusDeparted, false},
	{EMJ, "Arrival at transit office of exchange", StageTransport, 45, StatusInTransit, false},
	{EMK, "Departure from transit office of exchange", StageTransport, 46, StatusInTransit, false},
	{EMD, "Arrival at inward office of exchange", StageDestination, 50, StatusArrived, false},
	{EDA, "Held at inward office of exchange", StageDestination, 52, StatusArrived, false},
	{EDB, "Presented to import customs", StageDestination, 55, StatusImportCustomsHeld, true},
	{EME, "Held by import customs", StageDestination, 56, StatusImportCustomsHeld, true},
	{EDC, "Returned from import customs", StageDestination, 57, StatusImportCustomsReleased, true},
	{EMF, "Departure from inward office of exchange", StageLastMile, 60, StatusInDeliveryNetwork, false},
	{EDD, "Into sorting centre", StageLastMile, 65, StatusInDeliveryNetwork, false},
	{EDE, "Out of sorting centre", StageLastMile, 66, StatusInDeliveryNetwork, false},
	{EMG, "Arrival at delivery office", StageLastMile, 70, StatusAtDeliveryOffice, false},
	{EDF, "Held at delivery depot or office", StageLastMile, 72, StatusAtDeliveryOffice, false},
	{EDG, "Out for physical delivery", StageLastMile, 80, StatusOutForDelivery, false},
	{EDH, "Arrival at collection point for pick-up by the addressee", StageLastMile, 82, StatusAwaitingPickup, false},
	{EMH, "Unsuccessful (attempted) delivery", StageLastMile, 85, StatusDeliveryAttempted, false},
	{EMI, "Final delivery", StageLastMile, 90, StatusDelivered, false},
	{EDX, "Import terminated", StageLastMile, 95, StatusReturning, false},
}

// codeIndex maps a code to its entry in codeTable.
var codeIndex = func() map[Code]int {
	m := make(map[Code]int, len(codeTable))
	for i, c := range codeTable {
		m[c.Code] = i
	}
	return m
}()

// LookupCode returns the description of a code; ok is false for codes not in
// the table.
func LookupCode(c Code) (CodeInfo, bool) {
	i, ok := codeIndex[c]
	if !ok {
		return CodeInfo{}, false
	}
	return codeTable[i], true
}

// Codes returns the code table in chain order. The caller may modify it.
func Codes() []CodeInfo { return slices.Clone(codeTable) }

func codeList() string {
	var b strings.Builder
	for i, c := range codeTable {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(string(c.Code))
	}
	return b.String()
}

// Milestones of an item used for performance measurement: J is the posting
// (EMA); the UPU EMS reports split the journey at EMC (left the origin),
// EMD (arrived at the destination) and EMF (left the inward OE, so customs
// is done) before delivery (EMI).
const (
	MilestoneAccepted  = EMA
	MilestoneDeparted  = EMC
	MilestoneArrived   = EMD
	MilestoneReleased  = EMF
	MilestoneDelivered = EMI
)
