-- +goose Up
-- Import clearance, delivery and the events returned to origin posts
-- (issue 16 item 3). partner_events is each partner post's outbox: our
-- events on its inbound items (EMD, EDB…EDX, EMF…EMI) with when each went
-- back (returned_at, the 24 h quality share) and in which message.
CREATE TABLE partner_events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner     TEXT NOT NULL,
    item        TEXT NOT NULL,
    code        TEXT NOT NULL,
    office      TEXT NOT NULL,
    event_at    TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    signatory   TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMPTZ NOT NULL,
    returned_at TIMESTAMPTZ,
    batch       TEXT NOT NULL DEFAULT '',
    UNIQUE (item, code, event_at)
);
-- The outbox of a partner: what still waits, oldest first.
CREATE INDEX partner_events_waiting ON partner_events (partner, returned_at, seq);
-- Arrivals by time: the quality facts of a period.
CREATE INDEX partner_events_code_at ON partner_events (code, event_at);

-- Inbound items going back to their origin post under their own S10.
CREATE TABLE inward_returns (
    item       TEXT PRIMARY KEY,
    partner    TEXT NOT NULL,
    office     TEXT NOT NULL,
    origin     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE inward_returns;
DROP TABLE partner_events;
