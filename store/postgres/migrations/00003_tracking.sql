-- +goose Up
-- Tracking (issue 6): the event log, the item read model projected from it,
-- webhook subscriptions with their delivery outbox, and lane delivery
-- standards.

-- The event log. Writers take a transaction-level advisory lock around
-- their insert, so seq order is commit order and the projector can follow
-- seq as a cursor without skipping a late-committing batch. The unique index
-- is the event identity (object, code, office, time, source); its column
-- order, object then time, also serves timelines.
CREATE TABLE tracking_events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object      TEXT NOT NULL,
    code        TEXT NOT NULL,
    office      TEXT NOT NULL,
    time        TIMESTAMPTZ NOT NULL,
    tz_offset   INTEGER NOT NULL, -- seconds east of UTC the time was sent with
    source      TEXT NOT NULL,
    reason      TEXT,
    next_office TEXT,
    signatory   TEXT,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX tracking_events_identity ON tracking_events (object, time, code, office, source);

CREATE TABLE tracking_cursors (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO tracking_cursors (name, seq) VALUES ('items', 0);

CREATE TABLE tracking_items (
    object           TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    merchant         TEXT NOT NULL DEFAULT '',
    merchant_ref     TEXT NOT NULL DEFAULT '',
    product          TEXT NOT NULL DEFAULT '',
    origin           TEXT NOT NULL DEFAULT '',
    dest             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    final            BOOLEAN NOT NULL,
    last_code        TEXT NOT NULL,
    last_office      TEXT NOT NULL,
    last_time        TIMESTAMPTZ NOT NULL,
    events           INTEGER NOT NULL,
    accepted_at      TIMESTAMPTZ,
    accepted_offset  INTEGER NOT NULL DEFAULT 0,
    departed_at      TIMESTAMPTZ,
    arrived_at       TIMESTAMPTZ,
    released_at      TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    delivered_offset INTEGER NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX tracking_items_stuck ON tracking_items (status, last_time) WHERE NOT final;
CREATE INDEX tracking_items_open ON tracking_items (last_time) WHERE NOT final;
CREATE INDEX tracking_items_accepted ON tracking_items (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX tracking_items_merchant ON tracking_items (merchant, last_time) WHERE merchant <> '';

CREATE TABLE webhook_subscriptions (
    id          TEXT PRIMARY KEY,
    merchant    TEXT NOT NULL REFERENCES merchants (code),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    statuses    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    disabled_at TIMESTAMPTZ
);
CREATE INDEX webhook_subscriptions_merchant ON webhook_subscriptions (merchant);

CREATE TABLE webhook_deliveries (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    subscription  TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    object        TEXT NOT NULL,
    status        TEXT NOT NULL,
    body          TEXT NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  TIMESTAMPTZ NOT NULL,
    lease_until   TIMESTAMPTZ NOT NULL DEFAULT 'epoch',
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    delivered_at  TIMESTAMPTZ
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription, seq);

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
