-- +goose Up
-- Lists that find things (issue 19 item 2): what the shipments list
-- filters, searches, sorts and counts on, each served by an index.
--
-- status_at: when the shipment's status last changed (the projector sets it
-- with the status), for "stuck for more than N days" and sorting by update.
ALTER TABLE shipments ADD COLUMN status_at TIMESTAMPTZ;
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
-- prefix search is one index range. COLLATE "C": the range term >= p AND
-- term < p || U+FFFF must compare bytes, not the locale's order.
CREATE TABLE shipment_terms (
    term TEXT COLLATE "C" NOT NULL,
    seq  BIGINT NOT NULL REFERENCES shipments (seq) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (term, seq, kind)
);
CREATE INDEX shipment_terms_seq ON shipment_terms (seq);

-- The shipments stored before this migration get their terms when the store
-- next opens (Go folds names: pinyin, accents); upto is the last of them.
CREATE TABLE shipment_terms_backfill (upto BIGINT NOT NULL);
INSERT INTO shipment_terms_backfill (upto) SELECT COALESCE(MAX(seq), 0) FROM shipments;

-- shipment_counts: shipments per merchant and status, kept by triggers, so
-- a list page shows its total without counting the table.
CREATE TABLE shipment_counts (
    merchant TEXT NOT NULL,
    status   TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (merchant, status)
);
INSERT INTO shipment_counts (merchant, status, n)
    SELECT merchant, status, COUNT(*) FROM shipments GROUP BY merchant, status;

-- +goose StatementBegin
CREATE FUNCTION shipment_counts_keep() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE shipment_counts SET n = n - 1 WHERE merchant = OLD.merchant AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO shipment_counts (merchant, status, n) VALUES (NEW.merchant, NEW.status, 1)
            ON CONFLICT (merchant, status) DO UPDATE SET n = shipment_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER shipment_counts_insert AFTER INSERT OR DELETE ON shipments
    FOR EACH ROW EXECUTE FUNCTION shipment_counts_keep();
CREATE TRIGGER shipment_counts_update AFTER UPDATE OF status, merchant ON shipments
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.merchant IS DISTINCT FROM NEW.merchant)
    EXECUTE FUNCTION shipment_counts_keep();

-- +goose Down
DROP TRIGGER shipment_counts_update ON shipments;
DROP TRIGGER shipment_counts_insert ON shipments;
DROP FUNCTION shipment_counts_keep();
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
