-- Values derived from the rest of the store that are costly to recompute on
-- every command (the resolved threshold profile, the RPE calibration). Opaque
-- payloads under a key; losing them only costs a recompute.

-- +goose Up
CREATE TABLE derived (
    athlete_id    INTEGER NOT NULL,
    key           TEXT    NOT NULL,
    payload       BLOB    NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (athlete_id, key)
) STRICT;

-- +goose Down
DROP TABLE derived;
