-- +goose Up
-- Times are INTEGER microseconds since the Unix epoch, UTC.
CREATE TABLE merchants (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    office     TEXT NOT NULL,
    country    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    hash       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL,
    merchant   TEXT NOT NULL DEFAULT '',
    partner    TEXT NOT NULL DEFAULT '',
    offices    TEXT NOT NULL DEFAULT '',
    label      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- One row per S10 range (service indicator + issuing country); next_serial is
-- the serial the next allocation hands out.
CREATE TABLE s10_series (
    indicator   TEXT NOT NULL,
    country     TEXT NOT NULL,
    next_serial INTEGER NOT NULL,
    PRIMARY KEY (indicator, country)
);

CREATE TABLE shipments (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    merchant      TEXT NOT NULL REFERENCES merchants (code),
    merchant_ref  TEXT NOT NULL DEFAULT '',
    product       TEXT NOT NULL,
    status        TEXT NOT NULL,
    origin_office TEXT NOT NULL DEFAULT '',
    dest_country  TEXT NOT NULL,
    weight_g      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    body          TEXT NOT NULL
);
CREATE INDEX shipments_merchant ON shipments (merchant, seq);
CREATE INDEX shipments_created ON shipments (created_at);

CREATE TABLE idempotency_keys (
    merchant     TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    shipment_id  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (merchant, key)
);

CREATE TABLE offices (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    tz          TEXT NOT NULL,
    connect_min INTEGER NOT NULL,
    customs     INTEGER NOT NULL
);

-- +goose Down
DROP TABLE offices;
DROP TABLE idempotency_keys;
DROP TABLE shipments;
DROP TABLE s10_series;
DROP TABLE api_keys;
DROP TABLE merchants;
