-- +goose Up
-- Tracking (issue 6): the event log, the item read model projected from it,
-- webhook subscriptions with their delivery outbox, and lane delivery
-- standards. Times are INTEGER microseconds since the epoch, UTC.

-- The event log. seq is the arrival order: with SQLite's single writer it
-- is also commit order, so the projector can follow it as a cursor. The
-- unique index is the event identity (object, code, office, time, source);
-- its column order, object then time, also serves timelines.
CREATE TABLE tracking_events (
    seq         INTEGER PRIMARY KEY,
    object      TEXT NOT NULL,
    code        TEXT NOT NULL,
    office      TEXT NOT NULL,
    time        INTEGER NOT NULL,
    tz_offset   INTEGER NOT NULL, -- seconds east of UTC the time was sent with
    source      TEXT NOT NULL,
    reason      TEXT,             -- NULL when empty (cheaper to bind in bulk)
    next_office TEXT,
    signatory   TEXT,
    received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tracking_events_identity ON tracking_events (object, time, code, office, source);

-- How far each projection has read tracking_events.
CREATE TABLE tracking_cursors (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
);
INSERT INTO tracking_cursors (name, seq) VALUES ('items', 0);

-- The read model: one row per object with events (tracking.Item).
CREATE TABLE tracking_items (
    object           TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    merchant         TEXT NOT NULL DEFAULT '',
    merchant_ref     TEXT NOT NULL DEFAULT '',
    product          TEXT NOT NULL DEFAULT '',
    origin           TEXT NOT NULL DEFAULT '',
    dest             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    final            INTEGER NOT NULL,
    last_code        TEXT NOT NULL,
    last_office      TEXT NOT NULL,
    last_time        INTEGER NOT NULL,
    events           INTEGER NOT NULL,
    accepted_at      INTEGER,
    accepted_offset  INTEGER NOT NULL DEFAULT 0,
    departed_at      INTEGER,
    arrived_at       INTEGER,
    released_at      INTEGER,
    delivered_at     INTEGER,
    delivered_offset INTEGER NOT NULL DEFAULT 0,
    updated_at       INTEGER NOT NULL
) WITHOUT ROWID;
-- Stuck items: not final, by status, oldest last event first.
CREATE INDEX tracking_items_stuck ON tracking_items (status, last_time) WHERE final = 0;
CREATE INDEX tracking_items_open ON tracking_items (last_time) WHERE final = 0;
CREATE INDEX tracking_items_accepted ON tracking_items (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX tracking_items_merchant ON tracking_items (merchant, last_time) WHERE merchant <> '';

CREATE TABLE webhook_subscriptions (
    id          TEXT PRIMARY KEY,
    merchant    TEXT NOT NULL REFERENCES merchants (code),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    statuses    TEXT NOT NULL DEFAULT '', -- comma-separated; empty = all
    created_at  INTEGER NOT NULL,
    disabled_at INTEGER
);
CREATE INDEX webhook_subscriptions_merchant ON webhook_subscriptions (merchant);

-- The outbox: written in the projection's transaction, so a status change
-- and its notification are stored together or not at all.
CREATE TABLE webhook_deliveries (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    subscription  TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    object        TEXT NOT NULL,
    status        TEXT NOT NULL,
    body          TEXT NOT NULL,
    state         TEXT NOT NULL, -- pending, delivered, failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL,
    lease_until   INTEGER NOT NULL DEFAULT 0,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    delivered_at  INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription, seq);

-- Delivery standards per lane ('' = any).
CREATE TABLE delivery_standards (
    origin  TEXT NOT NULL,
    dest    TEXT NOT NULL,
    product TEXT NOT NULL,
    days    INTEGER NOT NULL,
    PRIMARY KEY (origin, dest, product)
);

-- +goose Down
DROP TABLE delivery_standards;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE tracking_items;
DROP TABLE tracking_cursors;
DROP TABLE tracking_events;
