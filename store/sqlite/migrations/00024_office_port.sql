-- +goose Up
-- Whether an office is at a sea port: sea services must connect two ports
-- (network.ReadServices), so sea freight never ends at a landlocked office.
ALTER TABLE offices ADD COLUMN port INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE offices DROP COLUMN port;
