// Package dispatch runs an office of exchange's outbound work: it presorts
// the day's items by destination office of exchange and mail category into
// receptacles (bags, trays, pallets) following the office's sort plan,
// closes receptacles under UPU S9 ids and dispatches under S8 ids, hands
// dispatches to carriers for one departure of a service (a consignment,
// listed on a CN 38, CN 37 or CN 41 delivery bill), and emits the tracking
// events of each step.
//
// The life of a dispatch: Open (its S8 serial is taken then, per origin
// and destination office and year, so receptacle labels can be printed as
// each receptacle closes) → receptacles opened, filled by scans and closed
// → Close (every receptacle closed; the highest-numbered one carries the
// S9 "last receptacle" flag; a PREDES pre-advice can go out) → Consign to
// a departure, refused when the departure's capacity would be exceeded →
// Depart. A closed dispatch takes no more items: its pre-advice may have
// gone to the destination post already.
//
// Subpackages: mcf is a min-cost flow solver; alloc allocates a day's
// volume to capacity-limited departures over the time-expanded network
// and measures multi-warehouse consolidation.
//
// The package knows nothing of SQL, HTTP or PDF rendering details: Store,
// Network, Items and EventSink are what it needs from the outside.
package dispatch
