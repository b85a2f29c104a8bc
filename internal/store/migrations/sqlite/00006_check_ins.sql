-- Morning check-ins, marks on plan steps, and the Red Alert history.
--
-- plan_marks reference the activity, not the plans row: a plan is replaced
-- whenever it is rebuilt and its marks must survive re-planning; they go
-- only with the activity.

-- +goose Up
CREATE TABLE check_ins (
    athlete_id          INTEGER NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    date                TEXT    NOT NULL,           -- YYYY-MM-DD, the morning's civil date
    sleep_s             REAL,
    sleep_quality       INTEGER,                    -- 1–5 (McLean 2010), 5 = very good
    soreness            INTEGER,                    -- 1–5, 5 = very sore
    fatigue             INTEGER,                    -- 1–5, 5 = exhausted
    stress              INTEGER,                    -- 1–5, 5 = very stressed
    mood                INTEGER,                    -- 1–5, 5 = very good
    resting_hr_bpm      REAL,
    hrv_rmssd_ms        REAL,
    weight_kg           REAL,
    alcohol_drinks      INTEGER,
    ill                 INTEGER NOT NULL DEFAULT 0 CHECK (ill IN (0, 1)), -- BOOLEAN in PostgreSQL
    pain                TEXT    NOT NULL DEFAULT '',
    notes               TEXT    NOT NULL DEFAULT '',
    source              TEXT    NOT NULL DEFAULT '',
    created_at_ms       INTEGER NOT NULL,
    updated_at_ms       INTEGER NOT NULL,
    PRIMARY KEY (athlete_id, date)
) STRICT;

CREATE TABLE plan_marks (
    athlete_id          INTEGER NOT NULL,
    plan_activity_id    INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    step_kind           TEXT    NOT NULL,
    step_index          INTEGER NOT NULL CHECK (step_index >= 0),
    status              TEXT    NOT NULL CHECK (status IN ('done', 'skipped')),
    at_ms               INTEGER NOT NULL,           -- when the runner marked it
    PRIMARY KEY (athlete_id, plan_activity_id, step_kind, step_index)
) STRICT;
CREATE INDEX plan_marks_activity ON plan_marks (plan_activity_id);

CREATE TABLE alert_episodes (
    athlete_id          INTEGER NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    since_ms            INTEGER NOT NULL,
    until_ms            INTEGER CHECK (until_ms IS NULL OR until_ms >= since_ms), -- NULL while active
    triggers            TEXT    NOT NULL,           -- JSON array of signal names
    exit_rule           TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (athlete_id, since_ms)
) STRICT;

-- +goose Down
DROP TABLE alert_episodes;
DROP TABLE plan_marks;
DROP TABLE check_ins;
