-- Athletes: one row per athlete. The CLI has one (rebound.DefaultAthleteID),
-- created on first use; the server will have many. Every other table carries
-- athlete_id so each query is scoped to one athlete.
--
-- Conventions for every SQLite migration (the PostgreSQL files mirror them):
--   * STRICT tables, so SQLite enforces column types as PostgreSQL does;
--     INTEGER here is BIGINT there, REAL is DOUBLE PRECISION, BLOB is BYTEA.
--   * Instants are INTEGER Unix milliseconds UTC (columns named *_ms):
--     GPX/TCX carry sub-second timestamps, integers compare and subtract
--     the same way in both dialects, and no driver time conversion is involved.
--   * Optional measurements are NULL; absent text is ''.

-- +goose Up
CREATE TABLE athletes (
    athlete_id          INTEGER PRIMARY KEY,
    name                TEXT    NOT NULL DEFAULT '',
    birth_date          TEXT,                       -- YYYY-MM-DD
    sex                 TEXT    NOT NULL DEFAULT '',
    weight_kg           REAL,
    hr_max_bpm          REAL,
    hr_rest_bpm         REAL,
    lthr_bpm            REAL,
    threshold_speed_mps REAL,
    units               TEXT    NOT NULL DEFAULT '',
    time_zone           TEXT    NOT NULL DEFAULT '',
    bedtime             TEXT    NOT NULL DEFAULT '',
    wake                TEXT    NOT NULL DEFAULT '',
    phase               TEXT    NOT NULL DEFAULT '',
    created_at_ms       INTEGER NOT NULL,
    updated_at_ms       INTEGER                     -- NULL until the runner sets the profile
) STRICT;

-- +goose Down
DROP TABLE athletes;
