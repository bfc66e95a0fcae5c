-- +goose Up
-- The network's version: one row, bumped in the transaction of every change
-- to offices or the timetable (PutOffices, ReplaceNetwork), so every node can
-- tell cheaply whether the route planner it holds is still current. The
-- UPDATE's row lock also orders concurrent network changes.
CREATE TABLE network_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO network_version (id, version) VALUES (1, 1);

-- +goose Down
DROP TABLE network_version;
