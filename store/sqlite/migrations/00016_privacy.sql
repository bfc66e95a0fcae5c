-- +goose Up
-- Privacy (issue 22): when a record's personal data was erased, the
-- record of each erasure run, and the staff audit log. Times are INTEGER
-- microseconds since the Unix epoch, UTC.
ALTER TABLE shipments ADD COLUMN erased_at INTEGER;
ALTER TABLE orders ADD COLUMN erased_at INTEGER;
ALTER TABLE customs_items ADD COLUMN erased_at INTEGER;
ALTER TABLE inward_items ADD COLUMN erased_at INTEGER;
CREATE INDEX customs_items_updated ON customs_items (updated_at);
CREATE INDEX orders_created ON orders (created_at);

CREATE TABLE privacy_runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    at                INTEGER NOT NULL,
    run_by            TEXT NOT NULL,
    shipments_before  INTEGER NOT NULL,
    orders_before     INTEGER NOT NULL,
    customs_before    INTEGER NOT NULL,
    shipments_erased  INTEGER NOT NULL,
    orders_erased     INTEGER NOT NULL,
    customs_erased    INTEGER NOT NULL,
    inward_erased     INTEGER NOT NULL
);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    key_id     TEXT NOT NULL,
    role       TEXT NOT NULL,
    offices    TEXT NOT NULL,
    merchant   TEXT NOT NULL,
    partner    TEXT NOT NULL,
    via        TEXT NOT NULL,
    method     TEXT NOT NULL,
    operation  TEXT NOT NULL,
    objects    TEXT NOT NULL,
    client     TEXT NOT NULL,
    status     INTEGER NOT NULL,
    request_id TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE privacy_runs;
DROP INDEX orders_created;
DROP INDEX customs_items_updated;
ALTER TABLE inward_items DROP COLUMN erased_at;
ALTER TABLE customs_items DROP COLUMN erased_at;
ALTER TABLE orders DROP COLUMN erased_at;
ALTER TABLE shipments DROP COLUMN erased_at;
