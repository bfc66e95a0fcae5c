-- +goose Up
-- The timetable: one row per scheduled service (docs/formats.md, services.csv).
-- days holds ISO weekday digits ("135"); departs_min the local departure time
-- in minutes after midnight in the from office's zone; valid_from/valid_to
-- are local departure dates, NULL when open; co2_g_per_kg is NULL when the
-- distance-based estimate applies.
CREATE TABLE services (
    id           TEXT PRIMARY KEY,
    from_office  TEXT NOT NULL REFERENCES offices (code),
    to_office    TEXT NOT NULL REFERENCES offices (code),
    mode         TEXT NOT NULL,
    carrier      TEXT NOT NULL,
    days         TEXT NOT NULL,
    departs_min  INTEGER NOT NULL,
    duration_min INTEGER NOT NULL,
    cutoff_min   INTEGER NOT NULL,
    capacity_kg  DOUBLE PRECISION NOT NULL,
    cost_per_kg  DOUBLE PRECISION NOT NULL,
    valid_from   DATE,
    valid_to     DATE,
    co2_g_per_kg DOUBLE PRECISION,
    dg           BOOLEAN NOT NULL
);
CREATE INDEX services_from ON services (from_office);
CREATE INDEX services_to ON services (to_office);

-- +goose Down
DROP TABLE services;
