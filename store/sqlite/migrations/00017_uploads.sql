-- +goose Up
-- Shipment uploads (bulk CSV/XLSX): one row per job, with the counters any
-- node reports as progress, and one row per file row with its outcome.
-- (merchant, file_hash) is unique: the same file uploaded again by the same
-- merchant is the same job.
CREATE TABLE uploads (
    id         TEXT PRIMARY KEY,
    merchant   TEXT NOT NULL,
    file_hash  TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    format     TEXT NOT NULL,
    mode       TEXT NOT NULL,
    status     TEXT NOT NULL,
    rows       INTEGER NOT NULL,
    done       INTEGER NOT NULL,
    errors     INTEGER NOT NULL,
    stored     INTEGER NOT NULL,
    replayed   INTEGER NOT NULL,
    message    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (merchant, file_hash)
);
CREATE TABLE upload_rows (
    upload_id    TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
    line_no      INTEGER NOT NULL,
    status       TEXT NOT NULL,
    shipment_id  TEXT NOT NULL,
    merchant_ref TEXT NOT NULL,
    problems     TEXT NOT NULL, -- JSON array of {column, reason}, returned whole
    PRIMARY KEY (upload_id, line_no)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE upload_rows;
DROP TABLE uploads;
