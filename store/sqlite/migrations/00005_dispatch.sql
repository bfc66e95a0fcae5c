-- +goose Up
-- Exchange operations (issue 7): sort plans, dispatches (S8), receptacles
-- (S9) and the items in them, consignments with the load of each departure,
-- carrier responses, and the event outbox. Times are INTEGER microseconds
-- since the epoch, UTC.

-- One plan per office of exchange; rules is the JSON list of rules.
CREATE TABLE sort_plans (
    office     TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    rules      TEXT NOT NULL
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
    net_weight_g   INTEGER NOT NULL DEFAULT 0,
    gross_weight_g INTEGER NOT NULL DEFAULT 0,
    registered     INTEGER NOT NULL DEFAULT 0,
    consignment    TEXT NOT NULL DEFAULT '',
    opened_at      INTEGER NOT NULL,
    opened_by      TEXT NOT NULL,
    closed_at      INTEGER,
    closed_by      TEXT NOT NULL DEFAULT '',
    departed_at    INTEGER,
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
    net_weight_g   INTEGER NOT NULL DEFAULT 0,
    gross_weight_g INTEGER NOT NULL DEFAULT 0,
    registered     INTEGER NOT NULL DEFAULT 0,
    last           INTEGER NOT NULL DEFAULT 0,
    opened_at      INTEGER NOT NULL,
    closed_at      INTEGER,
    closed_by      TEXT NOT NULL DEFAULT '',
    UNIQUE (dispatch, serial)
) WITHOUT ROWID;

-- An item is scanned once per office (it may be re-dispatched at a hub).
-- WITHOUT ROWID: the primary key is the table, which halves bulk inserts.
CREATE TABLE receptacle_items (
    office     TEXT NOT NULL,
    item       TEXT NOT NULL,
    receptacle TEXT NOT NULL,
    weight_g   INTEGER NOT NULL,
    registered INTEGER NOT NULL,
    scanned_at INTEGER NOT NULL,
    scanned_by TEXT NOT NULL,
    PRIMARY KEY (office, item)
) WITHOUT ROWID;
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
    departure      INTEGER NOT NULL,
    status         TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    departed_at    INTEGER,
    body           TEXT NOT NULL        -- the rest of the consignment, JSON
);
CREATE INDEX consignments_departure ON consignments (departure);
CREATE INDEX consignments_office ON consignments (office, departure);

-- Weight consigned per departure. The CHECK-free conditional UPDATE
-- (loaded_g + w <= capacity_g) is what keeps a departure within capacity.
CREATE TABLE departure_loads (
    service    TEXT NOT NULL,
    departure  INTEGER NOT NULL,
    capacity_g INTEGER NOT NULL,
    loaded_g   INTEGER NOT NULL,
    PRIMARY KEY (service, departure)
);

CREATE TABLE carrier_events (
    receptacle TEXT NOT NULL,
    code       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    carrier    TEXT NOT NULL,
    office     TEXT NOT NULL,
    transport  TEXT NOT NULL,
    message    TEXT NOT NULL,
    received   INTEGER NOT NULL,
    PRIMARY KEY (receptacle, code, at, carrier)
);

-- Events are written here in the transaction of the change they report and
-- handed to tracking afterwards (at least once; tracking is idempotent).
CREATE TABLE dispatch_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    body         TEXT NOT NULL,
    delivered_at INTEGER
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
