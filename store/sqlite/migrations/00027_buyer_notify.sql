-- +goose Up
-- Buyers' e-mail subscriptions to an item's status changes (issue 19 item 6).
-- The address is personal data: privacy erasure deletes the row and its mails.
CREATE TABLE buyer_subscriptions (
    id          TEXT PRIMARY KEY,
    object      TEXT NOT NULL,
    email       TEXT NOT NULL,
    lang        TEXT NOT NULL,
    token       TEXT NOT NULL UNIQUE, -- the unsubscribe link's secret
    created_at  INTEGER NOT NULL,
    UNIQUE (object, email)
);

-- Which status changes notify a merchant's buyers; no row = the default set.
CREATE TABLE buyer_notify_settings (
    merchant    TEXT PRIMARY KEY REFERENCES merchants (code),
    statuses    TEXT NOT NULL, -- comma-separated; empty = none
    updated_at  INTEGER NOT NULL
);

-- The mail outbox, written in the projection's transaction.
CREATE TABLE buyer_mails (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    subscription  TEXT NOT NULL REFERENCES buyer_subscriptions (id) ON DELETE CASCADE,
    object        TEXT NOT NULL,
    status        TEXT NOT NULL,
    event_time    TEXT NOT NULL,
    state         TEXT NOT NULL, -- pending, delivered, failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt  INTEGER NOT NULL,
    lease_until   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER
);
CREATE INDEX buyer_mails_due ON buyer_mails (next_attempt) WHERE state = 'pending';
CREATE INDEX buyer_mails_subscription ON buyer_mails (subscription);

-- +goose Down
DROP TABLE buyer_mails;
DROP TABLE buyer_notify_settings;
DROP TABLE buyer_subscriptions;
