// Package tracking keeps the scans and decisions made on items, receptacles
// and dispatches as they cross the network — acceptance, the origin office of
// exchange, departure, arrival abroad, customs, delivery — and derives from
// them what senders and planners ask: an item's timeline and status, the
// items stuck at one step, webhook notifications of status changes, and
// end-to-end performance per lane against the delivery standard (J+n).
//
// Events are append-only and idempotent: an event's identity is (object,
// code, office, time, source), and the same event arriving twice — in one
// batch, in two batches, through two nodes — is stored once. Event codes are
// the UPU EMSEVT V3 codes (see Codes); events arrive out of order, so every
// derived view orders them by event time, never by arrival.
//
// The write path is Service.Ingest (API, file import, partner messages) and
// Service.Record (other Interpost packages). A Sink stores validated events:
// the store directly, or a message bus whose consumers store them. The read
// model of items (status, milestones, lane) is a projection of the event log
// that a Projector keeps up to date in the background; webhook deliveries are
// written to an outbox in the same transaction as the projection, so a
// restart loses none.
//
// The package knows nothing of SQL, HTTP or NATS: Store, Sink and Estimator
// are what it needs from the outside.
package tracking
