-- Recovery plans, one per activity. The plan is stored whole as JSON (the
-- `rebound plan --json` shape, times with the athlete's local offset);
-- ended_at_ms, version and revision are columns for listing and for the
-- revision rule (see PutPlan). Deleting the activity deletes its plan.

-- +goose Up
CREATE TABLE plans (
    athlete_id          INTEGER NOT NULL,
    activity_id         INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    ended_at_ms         INTEGER NOT NULL,
    version             TEXT    NOT NULL,
    revision            INTEGER NOT NULL CHECK (revision >= 0), -- iCalendar SEQUENCE
    payload             TEXT    NOT NULL,           -- JSON of rebound.Plan
    created_at_ms       INTEGER NOT NULL,
    updated_at_ms       INTEGER NOT NULL,
    PRIMARY KEY (athlete_id, activity_id)
) STRICT;
CREATE INDEX plans_ended ON plans (athlete_id, ended_at_ms);
CREATE INDEX plans_activity ON plans (activity_id);

-- +goose Down
DROP TABLE plans;
