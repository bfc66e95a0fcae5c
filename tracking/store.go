package tracking

import (
	"context"
	"time"
)

// Store is what tracking needs from persistence.
type Store interface {
	EventStore
	ProjectionStore
	WebhookStore
	StandardStore
}

// EventStore keeps the event log.
type EventStore interface {
	// AppendEvents stores, in one transaction, the events whose identity is
	// not stored yet and returns how many were new. Events must have passed
	// Normalize. Errors: unavailable, internal.
	AppendEvents(ctx context.Context, events []Event, received time.Time) (added int, err error)
	// EventsOf returns the stored events of object ordered by time (an empty
	// slice, not not_found, for an object without events).
	EventsOf(ctx context.Context, object string) ([]Stored, error)
	// ObjectsNumbered returns the waybill and e-commerce objects with events
	// whose number is number (canonical ids, sorted; empty when none).
	ObjectsNumbered(ctx context.Context, number string) ([]string, error)
	// ItemRefs returns the shipment data of those S10 ids that have a
	// shipment; ids without one are absent from the map.
	ItemRefs(ctx context.Context, ids []string) (map[string]ItemRef, error)
}

// ProjectionStore keeps the read model of items.
type ProjectionStore interface {
	// ProjectItems runs one projection step in one transaction: it reads up to
	// limit events after the projection's cursor in arrival order, the
	// current state of their objects, the shipments of objects not linked
	// yet and the active webhook subscriptions; calls apply; writes the
	// item states and webhook deliveries apply returns; and moves the
	// cursor past the events read. It returns how many events it read: 0
	// when caught up, or when another node is projecting right now.
	ProjectItems(ctx context.Context, limit int, apply ApplyFunc) (int, error)
	// TrackedItem returns the projected state of an object, or not_found.
	TrackedItem(ctx context.Context, object string) (Item, error)
	// TrackedItems lists projected items matching f, oldest last event first, and
	// the cursor of the next page ("" on the last page).
	TrackedItems(ctx context.Context, f ItemFilter) ([]Item, string, error)
	// TrackedItemsAccepted calls fn for every item accepted (EMA) in [from, to).
	TrackedItemsAccepted(ctx context.Context, from, to time.Time, fn func(Item) error) error
	// ProjectionLag returns the seq of the last stored event and of the
	// last projected one.
	ProjectionLag(ctx context.Context) (last, projected int64, err error)
}

// WebhookStore keeps subscriptions and the delivery outbox.
type WebhookStore interface {
	// CreateWebhook stores a new subscription; a duplicate id is a conflict.
	CreateWebhook(ctx context.Context, s Subscription) error
	// Webhook returns one subscription, or not_found.
	Webhook(ctx context.Context, id string) (Subscription, error)
	// Webhooks lists the subscriptions of a merchant ("" = all), newest first.
	Webhooks(ctx context.Context, merchant string) ([]Subscription, error)
	// DisableWebhook stops deliveries to a subscription; not_found if none.
	DisableWebhook(ctx context.Context, id string, at time.Time) error
	// ClaimWebhookDeliveries leases up to limit pending deliveries due at now to
	// the caller until now+lease, so no other node sends them meanwhile.
	ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// FinishWebhookAttempt records the outcome of one delivery attempt.
	FinishWebhookAttempt(ctx context.Context, a Attempt) error
	// WebhookDeliveries lists the deliveries of a subscription, newest first,
	// starting after the cursor position before ("" = from the newest).
	WebhookDeliveries(ctx context.Context, subscription string, before int64, limit int) ([]Delivery, error)
}

// StandardStore keeps the delivery standards of lanes.
type StandardStore interface {
	// PutDeliveryStandard creates or replaces the standard of a lane.
	PutDeliveryStandard(ctx context.Context, s Standard) error
	// DeliveryStandards lists every configured standard.
	DeliveryStandards(ctx context.Context) ([]Standard, error)
}

// Stored is an event as stored.
type Stored struct {
	Event
	Seq      int64     `json:"-"`
	Received time.Time `json:"received"`
}

// ItemRef is what tracking needs of a shipment.
type ItemRef struct {
	Merchant     string
	MerchantRef  string
	Product      string
	OriginOffice string
	DestCountry  string
	CreatedAt    time.Time
}

// ApplyFunc turns one projection batch into the writes to make.
type ApplyFunc func(ProjectionBatch) (ProjectionResult, error)

// ProjectionBatch is what Project hands to apply.
type ProjectionBatch struct {
	Events []Stored           // in arrival order
	Items  map[string]Item    // current state of the batch's objects that have one
	Refs   map[string]ItemRef // shipments of the batch's items that are not linked yet
	// Subscriptions are the active webhook subscriptions by merchant.
	Subscriptions map[string][]Subscription
	// Buyers are the buyer e-mail subscriptions of the batch's objects.
	Buyers map[string][]BuyerSubscription
	// BuyerStatuses are the merchants' choices of notifying statuses
	// (merchants absent use DefaultBuyerStatuses).
	BuyerStatuses map[string][]Status
}

// ProjectionResult is what apply returns to Project.
type ProjectionResult struct {
	Items      []Item
	Deliveries []Delivery
	Mails      []BuyerMail
}

// ItemFilter selects projected items.
type ItemFilter struct {
	Statuses []Status // empty = any
	Merchant string   // "" = any
	Origin   string   // lane origin country, "" = any
	Dest     string   // lane destination country, "" = any
	Product  string   // "" = any
	// LastBefore keeps items whose latest event is before this time (stuck
	// for at least now-LastBefore); zero = any.
	LastBefore time.Time
	// NotFinal drops delivered, cancelled and terminated items.
	NotFinal bool
	After    string // cursor of the previous page
	Limit    int
}
