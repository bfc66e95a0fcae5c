-- +goose Up
-- Inward pre-advice (issue 16): what partner posts (PREDES) and carriers
-- (CARDIT) announce to our offices of exchange. Explicit columns for what is
-- queried (status, expected office, partner, arrival); the received message
-- is kept whole (message, canonical JSON) with the answer sent back.

-- One row per received message: (partner, ref) is the interchange, its
-- digest tells a re-sent copy (idempotent) from another message under a
-- used reference (refused).
CREATE TABLE inward_interchanges (
    partner      TEXT NOT NULL,
    ref          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    digest       TEXT NOT NULL,
    message      TEXT NOT NULL,
    dispatches   TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    reply_kind   TEXT NOT NULL,
    reply_to     TEXT NOT NULL,
    reply_ref    TEXT NOT NULL,
    reply_text   TEXT NOT NULL,
    PRIMARY KEY (partner, ref)
);

CREATE TABLE inward_dispatches (
    id             TEXT PRIMARY KEY,
    origin         TEXT NOT NULL,
    destination    TEXT NOT NULL,
    partner        TEXT NOT NULL,
    category       TEXT NOT NULL,
    subclass       TEXT NOT NULL,
    status         TEXT NOT NULL,
    pre_advice     TEXT NOT NULL DEFAULT '',
    prepared_at    INTEGER,
    consignment    TEXT NOT NULL DEFAULT '',
    carrier        TEXT NOT NULL DEFAULT '',
    service        TEXT NOT NULL DEFAULT '',
    mode           TEXT NOT NULL DEFAULT '',
    departure      INTEGER,
    arrival        INTEGER,
    receptacles    INTEGER NOT NULL DEFAULT 0,
    gross_weight_g INTEGER NOT NULL DEFAULT 0,
    items          INTEGER NOT NULL DEFAULT 0,
    advised_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX inward_dispatches_expected ON inward_dispatches (status, destination, arrival);
CREATE INDEX inward_dispatches_partner ON inward_dispatches (partner, status);

CREATE TABLE inward_receptacles (
    id             TEXT PRIMARY KEY,
    dispatch       TEXT NOT NULL REFERENCES inward_dispatches (id),
    type           TEXT NOT NULL DEFAULT '',
    gross_weight_g INTEGER NOT NULL,
    registered     INTEGER NOT NULL,
    last           INTEGER NOT NULL,
    items          INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    consignment    TEXT NOT NULL DEFAULT '',
    predes         INTEGER NOT NULL,
    cardit         INTEGER NOT NULL
);
CREATE INDEX inward_receptacles_dispatch ON inward_receptacles (dispatch);

-- Items listed by a PREDES with the customs data it carried (ITMATT-like).
CREATE TABLE inward_items (
    dispatch          TEXT NOT NULL REFERENCES inward_dispatches (id),
    item              TEXT NOT NULL,
    receptacle        TEXT NOT NULL REFERENCES inward_receptacles (id),
    status            TEXT NOT NULL,
    contents          TEXT NOT NULL DEFAULT '',
    hs_code           TEXT NOT NULL DEFAULT '',
    weight_g          INTEGER NOT NULL DEFAULT 0,
    value             TEXT NOT NULL DEFAULT '',
    currency          TEXT NOT NULL DEFAULT '',
    sender_name       TEXT NOT NULL DEFAULT '',
    sender_country    TEXT NOT NULL DEFAULT '',
    addressee_name    TEXT NOT NULL DEFAULT '',
    addressee_country TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dispatch, item)
);
CREATE INDEX inward_items_item ON inward_items (item);
CREATE INDEX inward_items_receptacle ON inward_items (receptacle);

-- Our interchange references: a serial per partner (UNB recipient), the
-- same one for a message re-sent about the same subject.
CREATE TABLE interchange_serials (
    partner     TEXT PRIMARY KEY,
    last_serial INTEGER NOT NULL
);
CREATE TABLE interchange_refs (
    partner TEXT NOT NULL,
    subject TEXT NOT NULL,
    serial  INTEGER NOT NULL,
    PRIMARY KEY (partner, subject),
    UNIQUE (partner, serial)
);

-- +goose Down
DROP TABLE interchange_refs;
DROP TABLE interchange_serials;
DROP TABLE inward_items;
DROP TABLE inward_receptacles;
DROP TABLE inward_dispatches;
DROP TABLE inward_interchanges;
