-- +goose Up
-- Lists that find things, at volume (issue 19 item 2): a search combined
-- with the merchant or the destination reads one index range of
-- shipment_terms instead of every shipment the prefix matches. A
-- shipment's merchant and destination never change after it is stored, so
-- its terms carry them.
ALTER TABLE shipment_terms ADD COLUMN merchant TEXT NOT NULL DEFAULT '';
ALTER TABLE shipment_terms ADD COLUMN dest TEXT NOT NULL DEFAULT '';
UPDATE shipment_terms SET merchant = s.merchant, dest = s.dest_country
    FROM shipments s WHERE s.seq = shipment_terms.seq;
CREATE INDEX shipment_terms_merchant ON shipment_terms (merchant, term, seq);
CREATE INDEX shipment_terms_dest ON shipment_terms (dest, term, seq);

-- The orders list finds things: the buyer's country and when the status
-- last changed (the latest change of a parcel) as columns, indexes for the
-- filters and sorts, and order_terms: the search keys of an order
-- (warehouse.Order.Terms: its id, the merchant's order id, the buyer's
-- name folded with pinyin and accents) with the order's merchant, so a
-- merchant's search is one index range. Orders stored before this
-- migration get their terms when the store next opens (order_terms_backfill).
ALTER TABLE orders ADD COLUMN dest_country TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN status_at TIMESTAMPTZ;
UPDATE orders SET dest_country = COALESCE(body->'buyer'->>'country', ''),
    status_at = COALESCE((SELECT MAX(p.updated_at) FROM order_parcels p WHERE p.order_id = orders.id), created_at);
CREATE INDEX orders_status ON orders (status, seq);
CREATE INDEX orders_dest ON orders (dest_country, seq);
CREATE INDEX orders_status_at ON orders (status_at, seq);
CREATE INDEX order_parcels_warehouse ON order_parcels (warehouse, order_seq);
CREATE TABLE order_terms (
    term     TEXT COLLATE "C" NOT NULL,
    seq      BIGINT NOT NULL REFERENCES orders (seq) ON DELETE CASCADE,
    merchant TEXT NOT NULL,
    PRIMARY KEY (term, seq)
);
CREATE INDEX order_terms_merchant ON order_terms (merchant, term, seq);
CREATE INDEX order_terms_seq ON order_terms (seq);
CREATE TABLE order_terms_backfill (upto BIGINT NOT NULL);
INSERT INTO order_terms_backfill (upto) SELECT COALESCE(MAX(seq), 0) FROM orders;

-- +goose Down
DROP TABLE order_terms_backfill;
DROP TABLE order_terms;
DROP INDEX order_parcels_warehouse;
DROP INDEX orders_status_at;
DROP INDEX orders_dest;
DROP INDEX orders_status;
ALTER TABLE orders DROP COLUMN status_at;
ALTER TABLE orders DROP COLUMN dest_country;
DROP INDEX shipment_terms_dest;
DROP INDEX shipment_terms_merchant;
ALTER TABLE shipment_terms DROP COLUMN dest;
ALTER TABLE shipment_terms DROP COLUMN merchant;
