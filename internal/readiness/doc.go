// Package readiness owns the morning verdict and what follows from it: the
// runner's personal baselines (HRV, resting HR, the 1–5 wellness scores,
// sleep), the readiness traffic light (ready, easy, Red Alert, or "unknown"
// with the days of check-ins still needed), the Red Alert Recovery Mode state
// machine and its episode history, the wellness terms of the recovery
// estimate, and adherence to recovery plans.
//
// It is pure: check-ins, plan marks and load-side triggers in, values out; no
// clock (callers pass the date), no I/O, no logging. It imports only the
// domain package and internal/recovery (for the recovery estimate's signal
// type); it must never import an adapter.
//
// Every threshold comes from ../shared/science.md §4 and §7 and its defaults
// table and is cited where it is used; anything else is marked "Rebound's
// choice" with the reason.
package readiness
