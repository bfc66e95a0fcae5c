// Package bus carries tracking events from the nodes that accept them to
// the store. The default, Local, is in-process: an accepted event is stored
// before the request is answered. bus/natsbus is the multi-node bus: a node
// publishes accepted events to a NATS JetStream stream and answers once the
// stream has acknowledged them; a consumer group of persisters stores them.
//
// The payload codec here is shared by every bus: a batch of events as JSON
// lines in the tracking wire format.
package bus
