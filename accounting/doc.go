// Package accounting settles what posts, carriers and merchants owe each
// other for the mail Interpost carries.
//
// Tariffs are data: a tariff set is a directory of dated rate tables the
// finance team edits (tariff.yaml plus CSV files, docs/formats.md "Tariffs
// and ledger"): terminal dues per destination country or country group and
// format, inward land rates for parcels, EMS pair rates, transit charges per
// transit post, conveyance rates per service or mode, merchant price lists
// with weight bands, zones and surcharges, and the post's own handling cost.
// Every row has a validity period; rows of one key may neither overlap nor
// leave a gap. Each import is stored as a new version; the latest is in
// force.
//
// Rating turns facts into charges: an accepted item (package acceptance)
// is billed to its merchant and owes terminal dues, an inward land rate or
// an EMS rate to the destination post; its way through the network owes
// conveyance to carriers and transit charges to third-country posts. What
// departed (DispatchFacts: consignments whose departure was recorded and
// their dispatches) is charged from the consignment (conveyance on its gross
// weight) and the dispatch (transit on its items and receptacles); an item
// that never left in a dispatch is charged along its planned way, the
// timetable planner's earliest itinerary (package routing). What partner
// posts sent us (InboundFacts: the verified receipt at our inward office,
// never the pre-advice) owes us terminal dues, inward land rates and EMS
// pair rates at our rates as destination, and closed transit through us
// our transit charge; registered letter post also earns its supplement
// when the partner's quality conditions were met (QualityFacts: the UPU
// 56 % of events returned within 24 h). Each charge says its basis:
// accepted, dispatched, planned or received.
//
// Charges are posted to an append-only ledger: who owes whom, how much, in
// which currency, on what facts (item, dispatch or consignment id, and the
// tariff version, file and line used). Rating again after a tariff
// correction posts adjusting entries for the difference, never edits; a
// balance is a sum of entries. Statements per partner post, carrier and
// merchant are drawn from the ledger and reconcile to it to the cent; the
// margin report compares revenue with costs per lane and product, with an
// optional what-if tariff.
//
// Money is shopspring/decimal, never float. Rounding rules (also in
// docs/formats.md): every charge is computed exactly and rounded once, half
// away from zero, to its currency's minor units (XDR to 2 places) when it
// becomes a ledger entry; a percentage surcharge is taken of the rounded
// base; statement and invoice totals are sums of rounded entries and are
// never rounded again. Report conversions go through the SDR rates table.
package accounting
