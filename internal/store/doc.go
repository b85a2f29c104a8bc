// Package store provides the database/sql implementation of rebound.Store:
// activities with their laps and 1 s streams, imported source files and the
// athlete's profile.
//
// SQLite (modernc.org/sqlite, pure Go) is the only database today; the code
// is written for two dialects (see dialect.go) so PostgreSQL (pgx/v5) can
// follow with its own migrations/postgres and a dialect value. Migrations are
// embedded numbered SQL files applied with goose on Open. Streams are stored
// as one compressed blob per activity (package streamcodec).
//
// Like every adapter, store depends on the domain package only; it never
// imports another adapter, and it does not log: errors carry what failed.
package store
