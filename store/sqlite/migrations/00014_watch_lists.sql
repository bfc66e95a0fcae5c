-- +goose Up
-- Official watch lists (OFAC SDN, UN Security Council consolidated list) as
-- imported by `interpost customs lists import` (issue 17). One row per list
-- version; the row with in_force = 1 is the one every node screens with, so
-- nodes compare (name, version) of the rows in force with what they hold and
-- reload on a change. body holds the entries as JSON (risk.ListEntry); diff
-- the entries added, removed and changed against the version before.
-- imported_at is Unix epoch seconds, UTC.
CREATE TABLE watch_lists (
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    format      TEXT NOT NULL,
    published   TEXT NOT NULL DEFAULT '',
    entries     INTEGER NOT NULL,
    in_force    INTEGER NOT NULL DEFAULT 0,
    imported_at INTEGER NOT NULL,
    diff        TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE UNIQUE INDEX watch_lists_in_force ON watch_lists (name) WHERE in_force = 1;

-- +goose Down
DROP TABLE watch_lists;
