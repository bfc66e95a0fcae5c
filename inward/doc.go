// Package inward is the destination side of the exchange: what partner
// posts and carriers announce before mail arrives. A partner's dispatch
// pre-advice (PREDES) and a carrier's consignment message (CARDIT) become
// expected dispatches (S8), receptacles (S9) and, where the PREDES lists
// them, items (S10) with the customs data an ITMATT would carry. Each
// accepted pre-advice is answered with a receipt confirmation (a
// RESDES-like message to the origin post or the carrier that sent it).
//
// Receiving and verifying at the inward office of exchange builds on the
// expected rows kept here (Store), moving them from expected to received.
// The package holds the rules; storage is behind Store, the wire formats
// in package edi.
package inward
