-- +goose Up
-- Lists that find things (issue 19 item 2): what the shipments list
-- filters, searches, sorts and counts on, each served by an index.
--
-- status_at: when the shipment's status last changed (the projector sets it
-- with the status), for "stuck for more than N days" and sorting by update.
ALTER TABLE shipments ADD COLUMN status_at INTEGER;
UPDATE shipments SET status_at = COALESCE(
    (SELECT t.last_time FROM tracking_items t WHERE t.object = shipments.id), created_at);
CREATE INDEX shipments_status_at ON shipments (status_at, seq);
CREATE INDEX shipments_product ON shipments (product, seq);
CREATE INDEX shipments_dest ON shipments (dest_country, seq);
CREATE INDEX shipments_office ON shipments (origin_office, seq);
CREATE INDEX shipments_weight ON shipments (weight_g, seq);
CREATE INDEX shipments_merchant_status ON shipments (merchant, status, seq);

-- shipment_terms: the search keys of a shipment (postal/latin.SearchTerms of
-- its id, merchant reference and addressee name; kind i, r or n), so a
-- prefix search is one index range. Written by the store with the shipment.
CREATE TABLE shipment_terms (
    term TEXT NOT NULL,
    seq  INTEGER NOT NULL REFERENCES shipments (seq) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (term, seq, kind)
) WITHOUT ROWID;
CREATE INDEX shipment_terms_seq ON shipment_terms (seq);

-- The shipments stored before this migration get their terms when the store
-- next opens (Go folds names: pinyin, accents); upto is the last of them.
CREATE TABLE shipment_terms_backfill (upto INTEGER NOT NULL);
INSERT INTO shipment_terms_backfill (upto) SELECT COALESCE(MAX(seq), 0) FROM shipments;

-- shipment_counts: shipments per merchant and status, kept by triggers, so
-- a list page shows its total without counting the table.
CREATE TABLE shipment_counts (
    merchant TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (merchant, status)
) WITHOUT ROWID;
INSERT INTO shipment_counts (merchant, status, n)
    SELECT merchant, status, COUNT(*) FROM shipments GROUP BY merchant, status;

-- +goose StatementBegin
CREATE TRIGGER shipment_counts_insert AFTER INSERT ON shipments
BEGIN
    INSERT INTO shipment_counts (merchant, status, n) VALUES (NEW.merchant, NEW.status, 1)
        ON CONFLICT (merchant, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER shipment_counts_update AFTER UPDATE OF status, merchant ON shipments
WHEN OLD.status <> NEW.status OR OLD.merchant <> NEW.merchant
BEGIN
    UPDATE shipment_counts SET n = n - 1 WHERE merchant = OLD.merchant AND status = OLD.status;
    INSERT INTO shipment_counts (merchant, status, n) VALUES (NEW.merchant, NEW.status, 1)
        ON CONFLICT (merchant, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER shipment_counts_delete AFTER DELETE ON shipments
BEGIN
    UPDATE shipment_counts SET n = n - 1 WHERE merchant = OLD.merchant AND status = OLD.status;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER shipment_counts_delete;
DROP TRIGGER shipment_counts_update;
DROP TRIGGER shipment_counts_insert;
DROP TABLE shipment_counts;
DROP TABLE shipment_terms_backfill;
DROP TABLE shipment_terms;
DROP INDEX shipments_merchant_status;
DROP INDEX shipments_weight;
DROP INDEX shipments_office;
DROP INDEX shipments_dest;
DROP INDEX shipments_product;
DROP INDEX shipments_status_at;
ALTER TABLE shipments DROP COLUMN status_at;
