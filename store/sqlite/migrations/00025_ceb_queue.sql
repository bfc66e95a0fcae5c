-- +goose Up
-- The transmitter's read: messages the post made and has not handed to the single-window client.
CREATE INDEX ceb_messages_queued ON ceb_messages (seq) WHERE dir = 'out' AND status = 'queued';

-- +goose Down
DROP INDEX ceb_messages_queued;
