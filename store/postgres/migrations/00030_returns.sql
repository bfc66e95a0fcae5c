-- +goose Up
-- Returns (issue 20 item 4): one row per item sent back (the item keeps
-- its S10 id; the return's id is RET-<S10>), with its kind, direction,
-- where it stands, the charge posted and, once restocked, the inspection
-- of each SKU (return_lines). docs/inquiries.md "Returns".
CREATE TABLE returns (
    id              TEXT PRIMARY KEY,
    item            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    direction       TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    merchant        TEXT NOT NULL,
    partner         TEXT NOT NULL,
    office          TEXT NOT NULL,
    return_to       TEXT NOT NULL,
    origin          TEXT NOT NULL,
    dest            TEXT NOT NULL,
    product         TEXT NOT NULL,
    weight_g        INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    received_at     TIMESTAMPTZ,
    received_office TEXT NOT NULL,
    closed_at       TIMESTAMPTZ,
    closed_office   TEXT NOT NULL,
    signatory       TEXT NOT NULL,
    warehouse       TEXT NOT NULL,
    charge          TEXT NOT NULL,
    charge_currency TEXT NOT NULL,
    charge_debtor   TEXT NOT NULL
);
CREATE INDEX returns_merchant ON returns (merchant, created_at);
CREATE INDEX returns_partner ON returns (partner, created_at);
CREATE INDEX returns_status ON returns (status, created_at);
CREATE TABLE return_lines (
    return_id  TEXT NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
    sku        TEXT NOT NULL,
    resaleable INTEGER NOT NULL,
    damaged    INTEGER NOT NULL,
    PRIMARY KEY (return_id, sku)
);

-- +goose Down
DROP TABLE return_lines;
DROP TABLE returns;
