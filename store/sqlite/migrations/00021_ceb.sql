-- +goose Up
-- China Customs cross-border e-commerce (issue 23 items 2, 4, 6): the CEB messages the post sent
-- for an item (CEB511 waybill, CEB513 delivery status, CEB621 inventory) and the receipts customs
-- answered with, keyed by message guid or by receipt (type/guid/returnStatus/returnTime) so the
-- same receipt twice is stored once. Bodies carry buyer identity numbers and phones masked.
CREATE TABLE ceb_messages (
    ckey    TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    office  TEXT NOT NULL,
    type    TEXT NOT NULL,
    dir     TEXT NOT NULL,
    answers TEXT NOT NULL,
    status  TEXT NOT NULL,
    meaning TEXT NOT NULL,
    info    TEXT NOT NULL,
    action  TEXT NOT NULL,
    flag    TEXT NOT NULL,
    made_at INTEGER NOT NULL,
    body    TEXT NOT NULL
);
CREATE INDEX ceb_messages_item ON ceb_messages (item_id, seq);

-- The buyer a CEB621 declares (identity number, phones: personal data needed in the inventory
-- and nowhere else), apart from the declaration; erased with the customs item (privacy).
-- id_hash and year sum a buyer's inventories for the annual limit.
CREATE TABLE ceb_buyers (
    item_id    TEXT PRIMARY KEY,
    office     TEXT NOT NULL,
    id_hash    TEXT NOT NULL,
    year       INTEGER NOT NULL,
    total_fen  BIGINT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX ceb_buyers_annual ON ceb_buyers (id_hash, year);

-- +goose Down
DROP TABLE ceb_buyers;
DROP TABLE ceb_messages;
