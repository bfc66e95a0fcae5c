// Package natsbus is the multi-node event bus over NATS JetStream
// (`interpost serve --bus nats://…`). Bus.Append publishes accepted
// tracking events to a file-backed stream and returns only when the stream
// has acknowledged every message; a Persister, run by every node under one
// durable consumer, stores them in batches and acknowledges them after the
// commit. Delivery is at least once (an unacknowledged message comes back
// after AckWait, possibly to another node); storage is exactly once because
// the store drops events whose identity it already has.
//
// The package is named natsbus so it doesn't collide with the client
// package, which it imports as natsgo. It uses only JetStream features of
// nats-server 2.9 (one filter subject, pull consumers), the version Debian
// ships.
package natsbus
