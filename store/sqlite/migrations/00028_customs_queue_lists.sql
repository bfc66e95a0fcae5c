-- +goose Up
-- The customs queue finds things (issue 19 item 2): search terms of each item (its id and the
-- sender's and addressee's names folded by postal/latin, each after a space), filled for older
-- items when the store opens; and the queue's other sort orders.
ALTER TABLE customs_items ADD COLUMN terms TEXT NOT NULL DEFAULT '';
CREATE INDEX customs_items_queue_declared ON customs_items (office, declared_at, seq) WHERE status IN ('pending', 'held');
CREATE INDEX customs_items_queue_score ON customs_items (office, score, seq) WHERE status IN ('pending', 'held');
-- Items stored before this migration: the backfill's read, empty once it is done.
CREATE INDEX customs_items_unindexed ON customs_items (seq) WHERE terms = '';

-- +goose Down
DROP INDEX customs_items_unindexed;
DROP INDEX customs_items_queue_score;
DROP INDEX customs_items_queue_declared;
ALTER TABLE customs_items DROP COLUMN terms;
