-- +goose Up
-- Whether an office is at a sea port: sea services must connect two ports
-- (network.ReadServices), so sea freight never ends at a landlocked office.
ALTER TABLE offices ADD COLUMN port BOOLEAN NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE offices DROP COLUMN port;
