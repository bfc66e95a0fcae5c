-- +goose Up
-- The three documents matched (issue 23 item 3): platforms' orders (CEB311) and payment
-- companies' payments (CEB411) as received, one row per entity guid, bodies with identity numbers
-- and phones masked; the order number of the post's own waybills and inventories; and the
-- matching queue, one entry per order.
ALTER TABLE ceb_messages ADD COLUMN order_no TEXT NOT NULL DEFAULT '';
CREATE INDEX ceb_messages_order ON ceb_messages (order_no) WHERE order_no <> '';

CREATE TABLE ceb_documents (
    ckey     TEXT PRIMARY KEY,
    seq      INTEGER NOT NULL,
    msg_guid TEXT NOT NULL,
    type     TEXT NOT NULL,
    order_no TEXT NOT NULL,
    made_by  TEXT NOT NULL,
    made_at  INTEGER NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX ceb_documents_order ON ceb_documents (order_no, seq);

CREATE TABLE ceb_matching (
    order_no   TEXT PRIMARY KEY,
    item_id    TEXT NOT NULL,
    office     TEXT NOT NULL,
    state      TEXT NOT NULL,
    result     TEXT NOT NULL,
    note       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ceb_matching_state ON ceb_matching (state, updated_at);

-- +goose Down
DROP TABLE ceb_matching;
DROP TABLE ceb_documents;
DROP INDEX ceb_messages_order;
ALTER TABLE ceb_messages DROP COLUMN order_no;
