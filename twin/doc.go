// Package twin is the network's digital twin: it simulates days to weeks
// of the whole outward chain — demand by merchant, lane and product,
// acceptance, export customs, presort, capacity allocation, packing and
// consigning, transport with per-mode delays and cancellations and border
// waits, the partner's inward handling, import customs and delivery
// attempts, scans as partners send them (late, repeated, out of order),
// tariffs and the ledger — by driving the real services through their Go
// APIs over a scratch store, never writing their tables. A Scenario is a
// set of changes to the baseline (a transit country closed, a service
// cancelled or added, an allotment scaled, demand scaled, customs rates,
// a tariff replaced); Compare sets a scenario's results beside the
// baseline's. Every distribution and its source is in docs/twin.md; a
// run is deterministic for its seed.
package twin
