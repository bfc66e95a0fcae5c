-- +goose Up
-- A key's user's language preference for the console and staff documents (issue 18 item 1):
-- a BCP 47 tag the console speaks, '' = none set (the browser's Accept-Language decides).
ALTER TABLE api_keys ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE api_keys DROP COLUMN language;
