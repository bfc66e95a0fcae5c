-- +goose Up
-- Closed transit through us (issue 16 item 4) and our receipt confirmations
-- to carriers (RESDIT). A dispatch bound abroad keeps its inward_dispatches
-- row (destination = the office abroad); inward_transit names our office of
-- exchange it arrives at, inward_transit_forwardings what left unopened on
-- which planned service (the facts of transit charges).
CREATE TABLE inward_transit (
    dispatch   TEXT PRIMARY KEY REFERENCES inward_dispatches (id),
    office     TEXT NOT NULL,
    advised_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inward_transit_office ON inward_transit (office, advised_at);

CREATE TABLE inward_transit_forwardings (
    receptacle   TEXT PRIMARY KEY,
    dispatch     TEXT NOT NULL REFERENCES inward_dispatches (id),
    office       TEXT NOT NULL,
    destination  TEXT NOT NULL,
    service      TEXT NOT NULL,
    mode         TEXT NOT NULL,
    carrier      TEXT NOT NULL,
    next_office  TEXT NOT NULL,
    departure    TIMESTAMPTZ NOT NULL,
    arrival      TIMESTAMPTZ NOT NULL,
    legs         TEXT NOT NULL,
    weight_g     INTEGER NOT NULL,
    forwarded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inward_transit_forwardings_dispatch ON inward_transit_forwardings (dispatch);

-- Our RESDIT to a carrier confirming what of its consignment we received;
-- (carrier, ref) is the interchange, subject what it confirms (a re-sent
-- confirmation keeps its reference).
CREATE TABLE carrier_resdits (
    carrier     TEXT NOT NULL,
    ref         TEXT NOT NULL,
    consignment TEXT NOT NULL,
    office      TEXT NOT NULL,
    receptacles INTEGER NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    message     TEXT NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (carrier, ref)
);
CREATE INDEX carrier_resdits_consignment ON carrier_resdits (consignment, created_at);

-- +goose Down
DROP TABLE carrier_resdits;
DROP TABLE inward_transit_forwardings;
DROP TABLE inward_transit;
