-- +goose Up
-- The item lifecycle (issue 15, docs/lifecycle.md): the facts the state
-- machine folds besides the current event, the statuses renamed to the
-- lifecycle's, and the shipment's status kept by the projector in an
-- indexed column for the shipments list filter.
ALTER TABLE tracking_items ADD COLUMN customs_held_at INTEGER;
ALTER TABLE tracking_items ADD COLUMN customs_released_at INTEGER;
ALTER TABLE tracking_items ADD COLUMN return_at INTEGER;
ALTER TABLE tracking_items ADD COLUMN seized_at INTEGER;
ALTER TABLE tracking_items ADD COLUMN last_delivered_at INTEGER;
ALTER TABLE tracking_items ADD COLUMN duty_due BOOLEAN NOT NULL DEFAULT 0;

-- Old status names → lifecycle names. Items terminated before this
-- migration (export_cancelled, import_terminated) become returned: the
-- read model did not keep whether it was a seizure, and their next event
-- re-derives the status from the full rules.
UPDATE tracking_items SET status = CASE status
    WHEN 'at_origin_oe' THEN 'at_outward_oe'
    WHEN 'held_origin' THEN 'at_outward_oe'
    WHEN 'export_customs' THEN 'export_customs_held'
    WHEN 'export_cancelled' THEN 'returned'
    WHEN 'held_inward' THEN 'arrived'
    WHEN 'import_customs' THEN 'import_customs_held'
    WHEN 'held_customs' THEN 'import_customs_held'
    WHEN 'customs_released' THEN 'import_customs_released'
    WHEN 'in_domestic_network' THEN 'in_delivery_network'
    WHEN 'held_delivery_office' THEN 'at_delivery_office'
    WHEN 'import_terminated' THEN 'returned'
    ELSE status END;
UPDATE tracking_items SET final = 1 WHERE status = 'returned';
UPDATE tracking_items SET status = 'export_customs_released' WHERE last_code = 'EXC';

-- Subscriptions name statuses comma-separated.
UPDATE webhook_subscriptions SET statuses = trim(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        ',' || statuses || ',',
        ',at_origin_oe,', ',at_outward_oe,'), ',held_origin,', ',at_outward_oe,'),
        ',export_customs,', ',export_customs_held,'), ',export_cancelled,', ',returning,'),
        ',held_inward,', ',arrived,'), ',import_customs,', ',import_customs_held,'),
        ',held_customs,', ',import_customs_held,'), ',customs_released,', ',import_customs_released,'),
        ',in_domestic_network,', ',in_delivery_network,'), ',held_delivery_office,', ',at_delivery_office,'),
        ',import_terminated,', ',returning,'), ',')
WHERE statuses <> '';

UPDATE shipments SET status = (SELECT t.status FROM tracking_items t WHERE t.object = shipments.id)
WHERE EXISTS (SELECT 1 FROM tracking_items t WHERE t.object = shipments.id);
CREATE INDEX shipments_status ON shipments (status, seq);

-- +goose Down
DROP INDEX shipments_status;
UPDATE shipments SET status = 'created';
ALTER TABLE tracking_items DROP COLUMN duty_due;
ALTER TABLE tracking_items DROP COLUMN last_delivered_at;
ALTER TABLE tracking_items DROP COLUMN seized_at;
ALTER TABLE tracking_items DROP COLUMN return_at;
ALTER TABLE tracking_items DROP COLUMN customs_released_at;
ALTER TABLE tracking_items DROP COLUMN customs_held_at;
