// Package recovery owns the recovery-time estimate and Red Alert Recovery
// Mode: how many hours until the runner is ready for the next hard session,
// built from the workout's load, fitness and form, age and (from issue 5)
// wellness signals, each stated as a contribution with its reason and
// source, plus the load triggers that switch Red Alert on and the rule that
// ends it.
//
// It is pure: plain numbers in (the caller computes CTL/ATL/TSB with
// internal/load), values out; no clock, no I/O. Numbers come from
// ../shared/science.md §5, §6 and §8; anything else is marked "Rebound's
// choice" with the reason.
package recovery
