// Package alloc allocates a planning day's mail to capacity-limited
// departures and measures what consolidating several origins' mail saves.
//
// The day's volume is a set of lanes (origin office of exchange →
// destination office of exchange, mail category) with kilograms and item
// counts, from accepted items or a forecast file. The network is expanded
// in time: one node per office and moment (a departure's hand-over
// deadline, an arrival plus the office's connection time, a lane's ready
// time), waiting arcs between consecutive moments at an office, and one
// arc per dated departure with its capacity (less what is already
// consigned) and its cost per kg. Arriving at the lane's destination on
// local day J+n costs a lateness penalty per kg for each day past the
// lane's standard; mail the horizon can't carry at all costs the unserved
// penalty.
//
// Each commodity — the lanes sharing a destination, category and
// standard, which are interchangeable once they meet — is an exact
// single-commodity min-cost flow (package mcf). Commodities share
// capacity, which makes the whole a multi-commodity flow; it is solved by
// priority (air and priority mail first, as loading rules require, then
// the bigger flows), followed by rounds that take each commodity's flow
// out and route it again against the others until no round lowers the
// total cost. The tests compare the result with gonum's LP optimum on
// small networks.
package alloc
