// Package inward is the destination side of the exchange: what partner
// posts and carriers announce before mail arrives. A partner's dispatch
// pre-advice (PREDES) and a carrier's consignment message (CARDIT) become
// expected dispatches (S8), receptacles (S9) and, where the PREDES lists
// them, items (S10) with the customs data an ITMATT would carry. Each
// accepted pre-advice is answered with a receipt confirmation (a
// RESDES-like message to the origin post or the carrier that sent it).
//
// Receiving and verifying at the inward office of exchange (verify.go)
// moves them from expected to received or missing: receptacle and item
// scans are checked against the pre-advice, each discrepancy is kept with
// its evidence, and closing a dispatch gives the verification note (CN 43)
// and the RESDES to the origin post. Received lists what was received for
// the inbound statistics.
// The package holds the rules; storage is behind Store, the wire formats
// in package edi.
package inward
