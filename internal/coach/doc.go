// Package coach is Rebound's application service: it keeps what the domain
// packages derive from a runner's data up to date in the store and answers
// the questions the CLI (and later the web server) ask — the status of a
// day, the daily model, the recovery plan of a workout.
//
// It owns no rules of its own: load figures come from internal/load,
// readiness and Red Alert from internal/readiness, plans from
// internal/protocol. It sees the store only through the domain interfaces,
// so SQLite and PostgreSQL serve it alike. It never reads the wall clock:
// Now is injected.
package coach
