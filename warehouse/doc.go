// Package warehouse runs overseas and border warehouses: merchants' SKUs,
// inbound consolidated (B2B) shipments with one customs clearance for the
// bulk, receiving with discrepancy reports, stock with a movement ledger,
// cycle counts, outbound B2C orders (warehouse choice, atomic reservation,
// pick lists, packing into postal items through acceptance) and
// replenishment advice.
//
// Stock is three numbers per (warehouse, merchant, SKU): on hand, reserved
// and available = on hand − reserved. Every change is a Movement in an
// append-only ledger with a reason and a reference, so on hand and reserved
// can be recomputed from it (Store.VerifyLedger). A store reserves an
// order's lines all or none in one transaction, with a conditional update
// (available ≥ quantity) per stock row: concurrent orders can never reserve
// more than is available (no overselling) on SQLite or PostgreSQL.
//
// It knows nothing of SQL or HTTP; Store is what it needs from persistence,
// Planner and Customs are seams for the route planner and the customs engine.
package warehouse
