-- +goose Up
-- Inward receipt and verification (issue 16 item 2): what our inward office
-- of exchange found when scanning receptacles and items, the discrepancies
-- (lines of a verification note, CN 43) and the closing of each dispatch
-- with its RESDES to the origin post.
ALTER TABLE inward_receptacles ADD COLUMN not_advised INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inward_receptacles ADD COLUMN received_weight_g INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inward_receptacles ADD COLUMN received_at INTEGER;
ALTER TABLE inward_receptacles ADD COLUMN received_office TEXT NOT NULL DEFAULT '';
ALTER TABLE inward_receptacles ADD COLUMN flags TEXT NOT NULL DEFAULT '';
ALTER TABLE inward_receptacles ADD COLUMN opened_at INTEGER;
-- Received receptacles by time: the inbound statistics (Service.Received).
CREATE INDEX inward_receptacles_received ON inward_receptacles (received_at);

ALTER TABLE inward_items ADD COLUMN not_advised INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inward_items ADD COLUMN item_condition TEXT NOT NULL DEFAULT '';
ALTER TABLE inward_items ADD COLUMN received_weight_g INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inward_items ADD COLUMN received_at INTEGER;

-- One row per finding; a repeated scan finds nothing new (the key).
CREATE TABLE inward_discrepancies (
    dispatch   TEXT NOT NULL REFERENCES inward_dispatches (id),
    receptacle TEXT NOT NULL,
    item       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    advised    TEXT NOT NULL,
    found      TEXT NOT NULL,
    office     TEXT NOT NULL,
    found_at   INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (dispatch, receptacle, item, kind)
);

-- The closing of a dispatch: CN 43 number (= the RESDES reference) and the
-- RESDES sent to the origin office; discrepancies counts the CN 43's lines.
CREATE TABLE inward_notes (
    dispatch      TEXT PRIMARY KEY REFERENCES inward_dispatches (id),
    number        TEXT NOT NULL,
    office        TEXT NOT NULL,
    origin        TEXT NOT NULL,
    partner       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    discrepancies INTEGER NOT NULL,
    reply_ref     TEXT NOT NULL,
    reply_text    TEXT NOT NULL
);
CREATE INDEX inward_notes_partner ON inward_notes (partner, created_at);

-- +goose Down
DROP TABLE inward_notes;
DROP TABLE inward_discrepancies;
DROP INDEX inward_receptacles_received;
ALTER TABLE inward_items DROP COLUMN received_at;
ALTER TABLE inward_items DROP COLUMN received_weight_g;
ALTER TABLE inward_items DROP COLUMN item_condition;
ALTER TABLE inward_items DROP COLUMN not_advised;
ALTER TABLE inward_receptacles DROP COLUMN opened_at;
ALTER TABLE inward_receptacles DROP COLUMN flags;
ALTER TABLE inward_receptacles DROP COLUMN received_office;
ALTER TABLE inward_receptacles DROP COLUMN received_at;
ALTER TABLE inward_receptacles DROP COLUMN received_weight_g;
ALTER TABLE inward_receptacles DROP COLUMN not_advised;
