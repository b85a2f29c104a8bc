-- Activities with their laps and 1 s streams. Summary fields are columns
-- (rebound.Activity, nil pointers as NULL); the streams are one compressed
-- blob per activity (internal/store/streamcodec), read only when asked for.

-- +goose Up
CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    athlete_id          INTEGER NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    sport               TEXT    NOT NULL,
    sub_sport           TEXT    NOT NULL DEFAULT '',
    name                TEXT    NOT NULL DEFAULT '',
    notes               TEXT    NOT NULL DEFAULT '',
    gear                TEXT    NOT NULL DEFAULT '',
    start_time_ms       INTEGER NOT NULL,
    utc_offset_s        INTEGER NOT NULL DEFAULT 0,
    offset_source       TEXT    NOT NULL DEFAULT '',
    elapsed_s           REAL    NOT NULL CHECK (elapsed_s >= 0),
    moving_s            REAL    NOT NULL CHECK (moving_s >= 0),
    distance_m          REAL    NOT NULL CHECK (distance_m >= 0),
    ascent_m            REAL,
    descent_m           REAL,
    avg_heart_rate_bpm  REAL,
    max_heart_rate_bpm  REAL,
    avg_speed_mps       REAL    NOT NULL,
    max_speed_mps       REAL,
    avg_temperature_c   REAL,
    min_temperature_c   REAL,
    max_temperature_c   REAL,
    avg_cadence_spm     REAL,
    avg_power_w         REAL,
    calories            REAL,
    device              TEXT    NOT NULL DEFAULT '',
    source_file         TEXT    NOT NULL DEFAULT '',
    source_sha256       TEXT    NOT NULL DEFAULT '',
    source_format       TEXT    NOT NULL DEFAULT '',
    session_index       INTEGER NOT NULL DEFAULT 0 CHECK (session_index >= 0),
    summary_source      TEXT    NOT NULL DEFAULT '',
    rpe                 INTEGER CHECK (rpe BETWEEN 0 AND 10), -- CR-10 (Foster 2001)
    kind                TEXT    NOT NULL DEFAULT '',
    manual_temp_c       REAL,
    created_at_ms       INTEGER NOT NULL
) STRICT;

-- One activity per session of a source file; manual entries have no file.
CREATE UNIQUE INDEX activities_source ON activities (athlete_id, source_sha256, session_index)
    WHERE source_sha256 <> '';
-- Listings by date and the ±60 s duplicate search.
CREATE INDEX activities_start ON activities (athlete_id, start_time_ms);

CREATE TABLE laps (
    activity_id         INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    athlete_id          INTEGER NOT NULL,
    seq                 INTEGER NOT NULL,           -- position in Activity.Laps
    lap_index           INTEGER NOT NULL,           -- Lap.Index as the file numbered it
    start_time_ms       INTEGER NOT NULL,
    elapsed_s           REAL    NOT NULL,
    moving_s            REAL    NOT NULL,
    distance_m          REAL    NOT NULL,
    avg_heart_rate_bpm  REAL,
    max_heart_rate_bpm  REAL,
    avg_speed_mps       REAL    NOT NULL,
    avg_cadence_spm     REAL,
    PRIMARY KEY (activity_id, seq)
) STRICT;

CREATE TABLE activity_streams (
    activity_id         INTEGER PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    athlete_id          INTEGER NOT NULL,
    codec               INTEGER NOT NULL,           -- streamcodec.Version that wrote data
    samples             INTEGER NOT NULL,
    data                BLOB    NOT NULL
) STRICT;

-- +goose Down
DROP TABLE activity_streams;
DROP TABLE laps;
DROP TABLE activities;
