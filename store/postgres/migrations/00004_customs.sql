-- +goose Up
-- Customs supervision (issue 5). Times are TIMESTAMPTZ. body holds the
-- whole customs.Item as JSONB; the other columns are copies for the
-- queries the queue, the splitting rule and the optimistic version check
-- need.
CREATE TABLE customs_items (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    stream          TEXT NOT NULL,
    direction       TEXT NOT NULL,
    office          TEXT NOT NULL,
    status          TEXT NOT NULL,
    score           INTEGER NOT NULL,
    action          TEXT NOT NULL,
    -- Queue order: declared_at (s) minus score × customs.PriorityPerPoint.
    priority        BIGINT NOT NULL,
    claimed_by      TEXT NOT NULL DEFAULT '',
    dest_country    TEXT NOT NULL,
    addressee_key   TEXT NOT NULL,
    value_sdr_milli BIGINT NOT NULL,
    manifest        TEXT NOT NULL DEFAULT '',
    declared_at     TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         INTEGER NOT NULL,
    body            JSONB NOT NULL
);
-- The queue holds pending and held items only, a small part of the table.
CREATE INDEX customs_items_queue ON customs_items (office, priority) WHERE status IN ('pending', 'held');
CREATE INDEX customs_items_addressee ON customs_items (addressee_key, declared_at);

CREATE TABLE customs_manifests (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    lines         INTEGER NOT NULL,
    declarations  INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    atomic        BOOLEAN NOT NULL,
    rules_version TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

-- Every officer decision: who, when, what, why. Append-only.
CREATE TABLE customs_audit (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     TEXT NOT NULL,
    office      TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    officer     TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    body        JSONB NOT NULL
);
CREATE INDEX customs_audit_item ON customs_audit (item_id, seq);

-- Outbox of tracking events: written with the decision, delivered after.
CREATE TABLE customs_events (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      TEXT NOT NULL,
    code         TEXT NOT NULL,
    office       TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    body         JSONB NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX customs_events_item ON customs_events (item_id, seq);
CREATE INDEX customs_events_undelivered ON customs_events (seq) WHERE delivered_at IS NULL;

-- +goose Down
DROP TABLE customs_events;
DROP TABLE customs_audit;
DROP TABLE customs_manifests;
DROP TABLE customs_items;
