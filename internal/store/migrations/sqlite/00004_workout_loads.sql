-- What internal/load computes: each activity's workout load, and the daily
-- training-load model as opaque rows the store does not interpret.
--
-- workout_loads keeps the figures later queries filter or sum on as columns
-- (nil pointers as NULL) and the rest of rebound.WorkoutLoad (zones,
-- segments, quality flags, the why texts) as one JSON document. A load
-- belongs to its activity: deleting the activity deletes it.

-- +goose Up
CREATE TABLE workout_loads (
    athlete_id          INTEGER NOT NULL,
    activity_id         INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    load                REAL    NOT NULL,           -- the TSS-like figure of the daily model
    load_source         TEXT    NOT NULL DEFAULT '',
    character           TEXT    NOT NULL DEFAULT '',
    trimp               REAL,
    hrss                REAL,
    rtss                REAL,
    srpe                REAL,
    payload             TEXT    NOT NULL,           -- JSON, see internal/store/load.go loadPayload
    updated_at_ms       INTEGER NOT NULL,
    PRIMARY KEY (athlete_id, activity_id)
) STRICT;
-- The cascade looks children up by activity_id alone.
CREATE INDEX workout_loads_activity ON workout_loads (activity_id);

-- One row per calendar day; ReplaceDailyRows rewrites the tail from a date.
CREATE TABLE daily_rows (
    athlete_id          INTEGER NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    date                TEXT    NOT NULL,           -- YYYY-MM-DD
    payload             BLOB    NOT NULL,           -- serialised by internal/load
    PRIMARY KEY (athlete_id, date)
) STRICT;

-- +goose Down
DROP TABLE daily_rows;
DROP TABLE workout_loads;
