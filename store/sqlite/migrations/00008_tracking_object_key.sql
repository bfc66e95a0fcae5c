-- +goose Up
-- Tracking events keep an S10 item id as one INTEGER (store/sqlstore/
-- tracking_objkey.go: letters, nine digits, letters packed so that integer
-- order is string order) and other ids as TEXT, so the object column has no
-- declared type (a TEXT column would turn the integers back into text).
-- The table is rebuilt; seq, the projection cursor, is kept.
CREATE TABLE tracking_events_packed (
    seq         INTEGER PRIMARY KEY,
    object      NOT NULL,         -- INTEGER (S10) or TEXT (S8, S9)
    code        TEXT NOT NULL,
    office      TEXT NOT NULL,
    time        INTEGER NOT NULL,
    tz_offset   INTEGER NOT NULL,
    source      TEXT NOT NULL,
    reason      TEXT,
    next_office TEXT,
    signatory   TEXT,
    received_at INTEGER NOT NULL
);
INSERT INTO tracking_events_packed (seq, object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at)
SELECT seq,
       CASE WHEN object GLOB '[A-Z][A-Z][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][A-Z][A-Z]'
            THEN ((unicode(substr(object, 1, 1)) - 65) * 26 + unicode(substr(object, 2, 1)) - 65) * 676000000000
                 + CAST(substr(object, 3, 9) AS INTEGER) * 676
                 + (unicode(substr(object, 12, 1)) - 65) * 26 + unicode(substr(object, 13, 1)) - 65
            ELSE object END,
       code, office, time, tz_offset, source, reason, next_office, signatory, received_at
FROM tracking_events ORDER BY seq;
DROP TABLE tracking_events;
ALTER TABLE tracking_events_packed RENAME TO tracking_events;
CREATE UNIQUE INDEX tracking_events_identity ON tracking_events (object, time, code, office, source);

-- +goose Down
CREATE TABLE tracking_events_text (
    seq         INTEGER PRIMARY KEY,
    object      TEXT NOT NULL,
    code        TEXT NOT NULL,
    office      TEXT NOT NULL,
    time        INTEGER NOT NULL,
    tz_offset   INTEGER NOT NULL,
    source      TEXT NOT NULL,
    reason      TEXT,
    next_office TEXT,
    signatory   TEXT,
    received_at INTEGER NOT NULL
);
INSERT INTO tracking_events_text (seq, object, code, office, time, tz_offset, source, reason, next_office, signatory, received_at)
SELECT seq,
       CASE WHEN typeof(object) = 'integer'
            THEN char(65 + object / 676000000000 / 26, 65 + object / 676000000000 % 26)
                 || printf('%09d', object / 676 % 1000000000)
                 || char(65 + object % 676 / 26, 65 + object % 26)
            ELSE object END,
       code, office, time, tz_offset, source, reason, next_office, signatory, received_at
FROM tracking_events ORDER BY seq;
DROP TABLE tracking_events;
ALTER TABLE tracking_events_text RENAME TO tracking_events;
CREATE UNIQUE INDEX tracking_events_identity ON tracking_events (object, time, code, office, source);
