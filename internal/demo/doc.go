// Package demo provides Rebound's built-in history: a deterministic 16-week
// marathon build written as real FIT activity files (muktihari/fit's
// encoder), a few manual entries and eight weeks of morning check-ins, for
// `rebound demo` and for tests that need realistic data.
//
// Generate builds the whole history; EncodeRun writes one run from a
// per-second script of segments, so tests of other packages can make FIT
// fixtures with known segments (surges, fast finishes, pauses, HR-less runs).
//
// The physiology is a deliberately simple model, Rebound's modelling choice
// and not a validated simulator: speed follows the scripted target with a
// bounded acceleration, heart rate follows the flat-equivalent speed
// (Minetti 2002 cost of running for grade, science.md §5) through a
// first-order lag, and drifts upward in long or hot runs. Every constant
// says where it comes from.
package demo
