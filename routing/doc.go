// Package routing plans the way of an item over the network's timetable: the
// earliest arrival, and the Pareto set of itineraries over arrival time, cost
// and CO2, for an item ready at an office at a given time.
//
// The planner is exact. It expands the weekly services of package network
// into dated departures ("connections") for the window a query needs and
// runs the Connection Scan Algorithm (CSA) of Dibbelt, Pajor, Strasser and
// Wagner: "Intriguingly Simple and Fast Transit Routing", SEA 2013, LNCS
// 7933, and the journal version "Connection Scan Algorithm", ACM Journal of
// Experimental Algorithmics 23 (2018), arXiv:1703.05997.
//
// Connections are scanned in order of their drop time, departure − cut-off,
// the latest moment an item can be at the office to make the departure. An
// item arriving at office X at time a can make a departure whose drop time is
// at least a + connect_min(X); at the origin the ready time counts and
// connect_min is not added. Every leg lasts at least a minute, so a
// connection that feeds another has a strictly earlier drop time: one pass in
// drop-time order sees every feeder before the connections it feeds, which is
// what makes CSA correct.
//
// Earliest arrival uses the legs-bounded CSA of section 5 of the journal
// paper: a label per office and number of legs (at most MaxLegs), so the
// earliest arrival respects the leg limit and the fewest legs that reach it
// are known. Ties on arrival are then broken exactly — fewer legs, then lower
// cost, then lower CO2 — by a backward scan over the connections the forward
// scan reached, which keeps per office and remaining leg budget the cheapest
// way on to the destination in time (a profile in the sense of the paper's
// section 4, with cost as the value).
//
// The Pareto set is computed by a forward multi-criteria scan: each office
// holds a bag of labels (ready time, cost, CO2, legs) none of which dominates
// another, as in McRAPTOR (Delling, Pajor and Werneck, "Round-Based Public
// Transit Routing", Transportation Science 49(3), 2015) and the
// multi-criteria CSA of the journal paper. Because connections come in drop
// order, a label ready for one departure is ready for all later ones, so
// each bag is split into pending labels (not ready yet) and active ones,
// compared on cost, CO2 and legs only. Labels that cannot lead to a new
// Pareto itinerary are dropped by target pruning with lower bounds: four
// backward Dijkstra runs over the admissible services (time without waits,
// cost, CO2, legs) bound what any way on from an office can still achieve,
// and a label is dropped when an itinerary already at the destination is no
// worse than those bounds and strictly better on one criterion. This is
// exact because every leg only adds time, cost, CO2 and a leg; ties are kept
// so the fewest-legs itinerary of each vector survives. The scan stops when
// no label is left.
//
// Costs and CO2 are added in integer units (1/10 000 of the cost unit per kg,
// milligrams per kg) and multiplied by the item's weight only at the end, so
// ties are ties and results do not depend on the order of additions. Tests
// check both scans against an exhaustive search on thousands of small random
// networks.
package routing
