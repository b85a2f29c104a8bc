// Package track turns the raw samples a file gives (rebound.Point) into the
// 1 s streams Rebound stores, computes an activity summary from streams when
// the file carries no totals, and range-checks samples.
//
// It is pure domain code shared by every importer: no I/O, no clock.
package track
