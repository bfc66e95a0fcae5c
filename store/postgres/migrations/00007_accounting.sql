-- +goose Up
-- Tariff versions and the settlement ledger (issue 10). Times are TIMESTAMPTZ.

-- One row per tariff version as loaded: files holds the tariff files as a
-- JSON object {name: text}; the newest version (highest seq) is in force.
CREATE TABLE tariff_versions (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version     TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    imported_at TIMESTAMPTZ NOT NULL,
    imported_by TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL,
    rows_json   TEXT NOT NULL,
    files       TEXT NOT NULL
);

-- The ledger: append-only (the trigger below refuses UPDATE and DELETE). An
-- adjustment is a new row with the same charge_key and the next revision;
-- (charge_key, revision) is unique so two nodes rating at once can't both
-- post the same correction. Amounts are integer minor units of currency.
CREATE TABLE ledger_entries (
    seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    charge_key     TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    posted_at      TIMESTAMPTZ NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    kind           TEXT NOT NULL,
    category       TEXT NOT NULL DEFAULT '',
    debtor         TEXT NOT NULL,
    creditor       TEXT NOT NULL,
    amount_minor   BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    items          INTEGER NOT NULL,
    weight_g       INTEGER NOT NULL,
    item           TEXT NOT NULL DEFAULT '',
    dispatch       TEXT NOT NULL DEFAULT '',
    consignment    TEXT NOT NULL DEFAULT '',
    service        TEXT NOT NULL DEFAULT '',
    merchant       TEXT NOT NULL DEFAULT '',
    origin         TEXT NOT NULL DEFAULT '',
    dest           TEXT NOT NULL DEFAULT '',
    product        TEXT NOT NULL DEFAULT '',
    tariff_version TEXT NOT NULL DEFAULT '',
    tariff_row     TEXT NOT NULL DEFAULT '',
    rate           TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    UNIQUE (charge_key, revision)
);
CREATE INDEX ledger_at ON ledger_entries (at);
CREATE INDEX ledger_debtor ON ledger_entries (debtor, at);
CREATE INDEX ledger_creditor ON ledger_entries (creditor, at);
CREATE INDEX ledger_item ON ledger_entries (item) WHERE item <> '';

-- +goose StatementBegin
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: post an adjusting entry';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- +goose Down
DROP TABLE ledger_entries;
DROP FUNCTION ledger_entries_append_only();
DROP TABLE tariff_versions;
