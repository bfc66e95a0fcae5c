// Package inquiry handles what goes wrong after posting: inquiries ("where
// is my item?") opened by a merchant, a buyer (item id and postcode, no
// login) or a partner post; the automatic answer from the scans where they
// answer it; routing to the post that last held the item otherwise, with
// the UPU deadlines (admissibility, reply, reminder, escalation); and claims
// for loss, theft, damage or EMS delay, whose liability is decided from the
// scan chain and whose compensation, in SDR, is posted to the ledger
// between posts.
//
// The package imports no SQL or HTTP: it declares the store it needs
// (Store) and reads the scans through Scans (tracking's event store) and
// the shipment facts through Items. See docs/inquiries.md.
package inquiry
