-- +goose Up
-- Exchange operations (issue 7): sort plans, dispatches (S8), receptacles
-- (S9) and the items in them, consignments with the load of each departure,
-- carrier responses, and the event outbox. Times are TIMESTAMPTZ.

-- One plan per office of exchange; rules is the JSON list of rules.
CREATE TABLE sort_plans (
    office     TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    rules      JSONB NOT NULL
);

-- The S8 dispatch serial per pair of offices and year: one conditional
-- UPSERT … RETURNING takes the next, so serials are dense and unique.
CREATE TABLE dispatch_serials (
    origin      TEXT NOT NULL,
    destination TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (origin, destination, year)
);

CREATE TABLE dispatches (
    id             TEXT PRIMARY KEY,
    origin         TEXT NOT NULL,
    destination    TEXT NOT NULL,
    category       TEXT NOT NULL,
    subclass       TEXT NOT NULL,
    year           INTEGER NOT NULL,
    serial         INTEGER NOT NULL,
    status         TEXT NOT NULL,
    at_office      TEXT NOT NULL,       -- where the dispatch is: origin, then each leg's arrival
    receptacles    INTEGER NOT NULL DEFAULT 0,
    items          INTEGER NOT NULL DEFAULT 0,
    net_weight_g   BIGINT NOT NULL DEFAULT 0,
    gross_weight_g BIGINT NOT NULL DEFAULT 0,
    registered     BOOLEAN NOT NULL DEFAULT FALSE,
    consignment    TEXT NOT NULL DEFAULT '',
    opened_at      TIMESTAMPTZ NOT NULL,
    opened_by      TEXT NOT NULL,
    closed_at      TIMESTAMPTZ,
    closed_by      TEXT NOT NULL DEFAULT '',
    departed_at    TIMESTAMPTZ,
    UNIQUE (origin, destination, year, serial)
);
CREATE INDEX dispatches_origin ON dispatches (origin, status, opened_at);
CREATE INDEX dispatches_at_office ON dispatches (at_office, status);

-- number = dispatch id + 3-digit serial; id = the S9 once closed.
CREATE TABLE receptacles (
    number         TEXT PRIMARY KEY,
    dispatch       TEXT NOT NULL REFERENCES dispatches (id),
    serial         INTEGER NOT NULL,
    id             TEXT UNIQUE,
    type           TEXT NOT NULL,
    status         TEXT NOT NULL,
    items          INTEGER NOT NULL DEFAULT 0,
    net_weight_g   BIGINT NOT NULL DEFAULT 0,
    gross_weight_g BIGINT NOT NULL DEFAULT 0,
    registered     BOOLEAN NOT NULL DEFAULT FALSE,
    last           BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at      TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ,
    closed_by      TEXT NOT NULL DEFAULT '',
    UNIQUE (dispatch, serial)
);

-- An item is scanned once per office (it may be re-dispatched at a hub).
CREATE TABLE receptacle_items (
    office     TEXT NOT NULL,
    item       TEXT NOT NULL,
    receptacle TEXT NOT NULL,
    weight_g   INTEGER NOT NULL,
    registered BOOLEAN NOT NULL,
    scanned_at TIMESTAMPTZ NOT NULL,
    scanned_by TEXT NOT NULL,
    PRIMARY KEY (office, item)
);
CREATE INDEX receptacle_items_receptacle ON receptacle_items (receptacle);

CREATE TABLE consignment_serials (
    office      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (office, year)
);

CREATE TABLE consignments (
    id             TEXT PRIMARY KEY,
    office         TEXT NOT NULL,
    service        TEXT NOT NULL,
    departure      TIMESTAMPTZ NOT NULL,
    status         TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    departed_at    TIMESTAMPTZ,
    body           JSONB NOT NULL        -- the rest of the consignment, JSON
);
CREATE INDEX consignments_departure ON consignments (departure);
CREATE INDEX consignments_office ON consignments (office, departure);

-- Weight consigned per departure. The CHECK-free conditional UPDATE
-- (loaded_g + w <= capacity_g) is what keeps a departure within capacity.
CREATE TABLE departure_loads (
    service    TEXT NOT NULL,
    departure  TIMESTAMPTZ NOT NULL,
    capacity_g BIGINT NOT NULL,
    loaded_g   BIGINT NOT NULL,
    PRIMARY KEY (service, departure)
);

CREATE TABLE carrier_events (
    receptacle TEXT NOT NULL,
    code       TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    carrier    TEXT NOT NULL,
    office     TEXT NOT NULL,
    transport  TEXT NOT NULL,
    message    TEXT NOT NULL,
    received   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (receptacle, code, at, carrier)
);

-- Events are written here in the transaction of the change they report and
-- handed to tracking afterwards (at least once; tracking is idempotent).
CREATE TABLE dispatch_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    at           TIMESTAMPTZ NOT NULL,
    body         JSONB NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX dispatch_outbox_pending ON dispatch_outbox (seq) WHERE delivered_at IS NULL;

-- +goose Down
DROP TABLE dispatch_outbox;
DROP TABLE carrier_events;
DROP TABLE departure_loads;
DROP TABLE consignments;
DROP TABLE consignment_serials;
DROP TABLE receptacle_items;
DROP TABLE receptacles;
DROP TABLE dispatches;
DROP TABLE dispatch_serials;
DROP TABLE sort_plans;
