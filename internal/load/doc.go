// Package load owns Rebound's training-load model: each workout's stress
// (Banister TRIMP, HRSS, Minetti-graded rTSS, session-RPE and the one load
// figure chosen from them), its heart-rate and pace zones, its character
// (easy, long, workout, race) with fast finishes and surges, the athlete's
// resolved thresholds (HRmax, resting HR, LTHR, threshold pace), and the
// daily model built on the loads: fitness (CTL), fatigue (ATL), form (TSB),
// ramp, ACWR, monotony and strain, weekly volume, single-run spikes and the
// hard/easy pattern, each with a meaning, a warning and an explanation.
//
// It is pure: values in, values out. No I/O, no logging, no clock (callers
// pass the date or instant), no global mutable state. It imports only the
// root package and the standard library. Every formula and default comes
// from ../shared/science.md (§5 training load, §6, §8 age, §10 zones and
// thresholds, and its defaults table) and is cited where it is used;
// anything else is marked "Rebound's choice" with the reason.
package load
