-- +goose Up
-- Warehouses, SKUs, inbound shipments, stock with its ledger, orders and
-- pick lists (issue 8). Times are TIMESTAMPTZ.

-- A warehouse is an office of kind warehouse; body holds its address, the
-- countries it serves and its zones (bins are ZONE-001… up to each zone's count).
CREATE TABLE warehouses (
    code       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    body       JSONB NOT NULL
);

CREATE TABLE skus (
    merchant       TEXT NOT NULL REFERENCES merchants (code),
    code           TEXT NOT NULL,
    description    TEXT NOT NULL,
    hs_code        TEXT NOT NULL,
    unit_weight_g  INTEGER NOT NULL,
    unit_value     TEXT NOT NULL,
    currency       TEXT NOT NULL,
    origin_country TEXT NOT NULL,
    dangerous      BOOLEAN NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant, code)
);

-- One row per warehouse, merchant and SKU. available = on_hand - reserved;
-- the CHECK is the last line of defence against overselling: reservations
-- are conditional updates (on_hand - reserved >= qty) and can't pass it.
CREATE TABLE stock (
    warehouse TEXT NOT NULL REFERENCES warehouses (code),
    merchant  TEXT NOT NULL,
    sku       TEXT NOT NULL,
    bin       TEXT NOT NULL DEFAULT '',
    on_hand   INTEGER NOT NULL DEFAULT 0,
    reserved  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse, merchant, sku),
    FOREIGN KEY (merchant, sku) REFERENCES skus (merchant, code),
    CHECK (reserved >= 0 AND reserved <= on_hand)
);
CREATE INDEX stock_merchant ON stock (merchant, sku);

-- The ledger: append-only; a stock row's numbers are the sums of its deltas.
CREATE TABLE stock_movements (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    warehouse      TEXT NOT NULL,
    merchant       TEXT NOT NULL,
    sku            TEXT NOT NULL,
    on_hand_delta  INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    ref            TEXT NOT NULL
);
CREATE INDEX stock_movements_row ON stock_movements (warehouse, merchant, sku, seq);
CREATE INDEX stock_movements_at ON stock_movements (at);
CREATE INDEX stock_movements_ref ON stock_movements (ref);

CREATE TABLE inbounds (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    merchant   TEXT NOT NULL REFERENCES merchants (code),
    reference  TEXT NOT NULL DEFAULT '',
    warehouse  TEXT NOT NULL REFERENCES warehouses (code),
    status     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    body       JSONB NOT NULL
);
CREATE UNIQUE INDEX inbounds_reference ON inbounds (merchant, reference) WHERE reference <> '';
CREATE INDEX inbounds_merchant ON inbounds (merchant, seq);
CREATE INDEX inbounds_warehouse ON inbounds (warehouse, status, seq);

-- body holds what never changes (buyer, lines, service level); parcels and
-- status change as the order is picked, packed or cancelled.
CREATE TABLE orders (
    seq               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    merchant          TEXT NOT NULL REFERENCES merchants (code),
    merchant_order_id TEXT NOT NULL,
    status            TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    body              JSONB NOT NULL,
    UNIQUE (merchant, merchant_order_id)
);
CREATE INDEX orders_merchant ON orders (merchant, seq);

CREATE TABLE order_parcels (
    order_id      TEXT NOT NULL REFERENCES orders (id),
    no            INTEGER NOT NULL,
    order_seq     BIGINT NOT NULL,
    warehouse     TEXT NOT NULL REFERENCES warehouses (code),
    status        TEXT NOT NULL,
    delivery_days INTEGER NOT NULL,
    lines         TEXT NOT NULL,
    pick_list     TEXT NOT NULL DEFAULT '',
    item_id       TEXT NOT NULL DEFAULT '',
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (order_id, no)
);
CREATE INDEX order_parcels_queue ON order_parcels (warehouse, status, order_seq);

CREATE TABLE order_keys (
    merchant     TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant, key)
);

CREATE TABLE pick_lists (
    id         TEXT PRIMARY KEY,
    warehouse  TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    body       JSONB NOT NULL
);

CREATE TABLE cycle_counts (
    id         TEXT PRIMARY KEY,
    warehouse  TEXT NOT NULL,
    counted_at TIMESTAMPTZ NOT NULL,
    body       JSONB NOT NULL
);

-- +goose Down
DROP TABLE cycle_counts;
DROP TABLE pick_lists;
DROP TABLE order_keys;
DROP TABLE order_parcels;
DROP TABLE orders;
DROP TABLE inbounds;
DROP TABLE stock_movements;
DROP TABLE stock;
DROP TABLE skus;
DROP TABLE warehouses;
