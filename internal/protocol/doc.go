// Package protocol owns the recovery protocol as data and the plan builder.
//
// The protocol is a YAML file: the built-in default (default.yaml, embedded)
// follows the routine of "Running Recovery Extreme" corrected by the evidence
// in ../shared/science.md; a runner's own file changes any step's time, food,
// drink or routine, drops or adds steps, and sets preferences (diet,
// caffeine-free, can't nap, no ice access, recovery priority, units). Load
// merges the two and refuses a bad user file with every problem's line,
// field and allowed values; it never falls back silently.
//
// Build turns the protocol, a finished workout, the runner's facts and the
// load state into a rebound.Plan: timed steps in the runner's local time,
// each sized (protein, carbohydrate, fluid, sodium, caffeine, nap and sleep
// length) with why and source, plus the ice-bath verdict, the recovery
// estimate (internal/recovery) and Red Alert Recovery Mode. Build is pure:
// no clock, no I/O.
package protocol
