-- +goose Up
-- Events pushed to origin posts (issue 16 item 3): a partner post's push
-- endpoint (partner_endpoints, with its retry state), each push attempt
-- (partner_pushes), and the claim of outbox events by a puller or a
-- pushing node (partner_events.claim: the claim token in batch until
-- lease_until; a pull or a push that succeeded stamps returned_at).
ALTER TABLE partner_events ADD COLUMN lease_until INTEGER;
CREATE TABLE partner_endpoints (
    partner    TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    format     TEXT NOT NULL,
    enabled    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    failures   INTEGER NOT NULL DEFAULT 0,
    retry_at   INTEGER NOT NULL,
    last_ok_at INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE partner_pushes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner      TEXT NOT NULL,
    batch        TEXT NOT NULL,
    url          TEXT NOT NULL,
    format       TEXT NOT NULL,
    events       INTEGER NOT NULL,
    attempted_at INTEGER NOT NULL,
    ok           INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    error        TEXT NOT NULL DEFAULT '',
    node         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_pushes_partner ON partner_pushes (partner, id);

-- +goose Down
DROP INDEX partner_pushes_partner;
DROP TABLE partner_pushes;
DROP TABLE partner_endpoints;
ALTER TABLE partner_events DROP COLUMN lease_until;
