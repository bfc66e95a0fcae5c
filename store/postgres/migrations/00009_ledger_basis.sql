-- +goose Up
-- Issue 15: each ledger entry says what its charge was worked out from
-- (accepted, dispatched or planned; '' on entries posted before). Rating
-- reads what departed: the dispatches of each departed consignment.
ALTER TABLE ledger_entries ADD COLUMN basis TEXT NOT NULL DEFAULT '';
CREATE INDEX dispatches_consignment ON dispatches (consignment) WHERE consignment <> '';

-- +goose Down
DROP INDEX dispatches_consignment;
ALTER TABLE ledger_entries DROP COLUMN basis;
