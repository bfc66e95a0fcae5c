// Package returns sends items back: inbound items we could not deliver
// (refused, unknown addressee, not collected) or that our import customs
// refused go back to their origin post in our outward dispatches; our own
// items refused by export customs, sent back by the destination post, or
// recalled by their merchant come back to the merchant, its sender address
// or its warehouse (restocked after inspection).
//
// A return keeps the item's S10 id: the item travels back under its own
// barcode (UPU practice for letter post and parcels returned to the
// sender with a CN 15 label — unconfirmed, see docs/inquiries.md
// "Returns"), and the return is a record of its own, id "RET-" + the S10
// id, linked both ways: the return names the item, and the return's id is
// in the reason of the item's return event on its timeline.
//
// Who pays is our rule (docs/inquiries.md): the origin post pays for an
// inbound item sent back to it; the merchant pays for its own item coming
// back. How much is the tariff's returns.csv (package accounting).
package returns
