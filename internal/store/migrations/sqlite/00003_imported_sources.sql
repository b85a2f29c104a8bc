-- Every file ever imported, by SHA-256, so HasSource also knows files whose
-- activities were all duplicates of ones already stored (nothing of them
-- reached the activities table).

-- +goose Up
CREATE TABLE imported_sources (
    athlete_id          INTEGER NOT NULL REFERENCES athletes (athlete_id) ON DELETE CASCADE,
    sha256              TEXT    NOT NULL,
    file_name           TEXT    NOT NULL DEFAULT '',
    imported_at_ms      INTEGER NOT NULL,
    PRIMARY KEY (athlete_id, sha256)
) STRICT;

-- +goose Down
DROP TABLE imported_sources;
