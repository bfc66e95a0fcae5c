-- +goose Up
-- Express waybills and e-commerce consignments in tracking (issue 15): a
-- lookup from a bare waybill or consignment number to the objects named
-- waybill:CARRIER:NUMBER or ecommerce:PLATFORM:NUMBER, written with their
-- events, so /v1/items/{number}/events finds them.
CREATE TABLE tracking_numbers (
    number TEXT NOT NULL,
    object TEXT NOT NULL,
    PRIMARY KEY (number, object)
);

-- The customs outbox says why an event could not be delivered to tracking.
ALTER TABLE customs_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customs_events ADD COLUMN failed_at TIMESTAMPTZ;
ALTER TABLE customs_events ADD COLUMN delivery_error TEXT;

-- +goose Down
ALTER TABLE customs_events DROP COLUMN delivery_error;
ALTER TABLE customs_events DROP COLUMN failed_at;
ALTER TABLE customs_events DROP COLUMN attempts;
DROP TABLE tracking_numbers;
