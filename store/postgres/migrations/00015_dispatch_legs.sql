-- +goose Up
-- The legs of a dispatch (issue 15): one row per consignment that carried
-- it, leg 1 from its origin, the next ones booked at the office each leg
-- reached (a transit hub or office of exchange), with the receptacles and
-- gross weight handed over on that leg and when the leg departed. Rating
-- reads every departed leg (basis dispatched) and plans only the way on
-- from the last one. dispatches.consignment keeps the latest leg.
CREATE TABLE dispatch_legs (
    dispatch       TEXT NOT NULL REFERENCES dispatches (id),
    leg            INTEGER NOT NULL,
    consignment    TEXT NOT NULL REFERENCES consignments (id),
    office         TEXT NOT NULL,       -- where the dispatch was handed to the carrier
    receptacles    INTEGER NOT NULL,
    gross_weight_g INTEGER NOT NULL,
    departed_at    TIMESTAMPTZ,
    PRIMARY KEY (dispatch, leg)
);
CREATE INDEX dispatch_legs_consignment ON dispatch_legs (consignment);

-- Until now a dispatch rode one consignment: that is its leg 1.
INSERT INTO dispatch_legs (dispatch, leg, consignment, office, receptacles, gross_weight_g, departed_at)
SELECT d.id, 1, d.consignment, c.office, d.receptacles, d.gross_weight_g, c.departed_at
FROM dispatches d JOIN consignments c ON c.id = d.consignment WHERE d.consignment <> '';

-- +goose Down
DROP TABLE dispatch_legs;
