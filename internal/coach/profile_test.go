package coach_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/load"
)

// TestRefreshProfileChange: a new LTHR in the profile re-measures every
// workout. TRIMP does not use LTHR and stays; HRSS = TRIMP / TRIMP(1 h at
// LTHR) × 100 (load.HRSSOf), so every HRSS — and with it every HR-based
// load, and CTL and ATL, which are linear in the loads — scales by
// HRSSOf(1, 160)/HRSSOf(1, 170) with the profile's rest 50, max 190 and
// Morton's female coefficients 0.86, 1.67 (science.md §6): ≈ 1.17.
func TestRefreshProfileChange(t *testing.T) {
	ctx := context.Background()
	st, _, after := steadyStore(t)
	loc, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(after.Year(), after.Month(), after.Day(), 9, 0, 0, 0, loc)
	c := newCoach(t, st, &now)
	rep := refresh(t, c, nil)
	if !rep.ProfileChanged || rep.LoadsComputed != 365 {
		t.Fatalf("first refresh: %+v, want the profile resolved and 365 loads", rep)
	}
	if rep = refresh(t, c, nil); rep.ProfileChanged || rep.LoadsComputed != 0 {
		t.Errorf("refresh with nothing changed: %+v, want no profile change and no load", rep)
	}
	before := loadsByKey(t, st)
	_, daysBefore := storedDays(t, st)

	ath, err := st.Athlete(ctx, rebound.DefaultAthleteID)
	if err != nil {
		t.Fatal(err)
	}
	ath.LTHRBPM = rebound.Float(160)
	if err := st.PutAthlete(ctx, ath); err != nil {
		t.Fatal(err)
	}
	rep = refresh(t, c, nil)
	if !rep.ProfileChanged || rep.LoadsComputed != 365 {
		t.Errorf("refresh after a new LTHR: %+v, want ProfileChanged and all 365 loads recomputed", rep)
	}
	prof, err := c.Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if prof.LTHRBPM.Value != 160 {
		t.Errorf("resolved LTHR %v, want 160 (stated)", prof.LTHRBPM.Value)
	}

	ratio := load.HRSSOf(1, 160, 50, 190, 0.86, 1.67) / load.HRSSOf(1, 170, 50, 190, 0.86, 1.67)
	if ratio < 1.1 || ratio > 1.25 {
		t.Fatalf("expected HRSS ratio %.4f outside the hand estimate ≈ 1.17", ratio)
	}
	afterLoads := loadsByKey(t, st)
	for k, b := range before {
		a := afterLoads[k]
		if b.LoadSource != rebound.LoadFromHR || a.LoadSource != rebound.LoadFromHR || b.TRIMP == nil || a.TRIMP == nil {
			t.Fatalf("%s: load sources %q → %q, want HR (average heart rate)", k, b.LoadSource, a.LoadSource)
		}
		if *a.TRIMP != *b.TRIMP {
			t.Errorf("%s: TRIMP %v → %v, want unchanged (LTHR is not in TRIMP)", k, *b.TRIMP, *a.TRIMP)
		}
		if got := a.Load / b.Load; math.Abs(got-ratio) > 1e-9 {
			t.Errorf("%s: load %v → %v (×%.6f), want ×%.6f", k, b.Load, a.Load, got, ratio)
		}
	}
	_, daysAfter := storedDays(t, st)
	if len(daysAfter) != len(daysBefore) || len(daysAfter) == 0 {
		t.Fatalf("%d days after, %d before", len(daysAfter), len(daysBefore))
	}
	for i, d := range daysAfter {
		b := daysBefore[i]
		if math.Abs(d.CTL-ratio*b.CTL) > 1e-9*math.Max(1, b.CTL) || math.Abs(d.ATL-ratio*b.ATL) > 1e-9*math.Max(1, b.ATL) {
			t.Fatalf("%s: CTL %v → %v, ATL %v → %v; want both ×%.6f", d.Date, b.CTL, d.CTL, b.ATL, d.ATL, ratio)
		}
	}
}

// TestRefreshCheckInsUpdateRestingHR: without a stated resting HR the
// profile takes the median resting HR of the last 14 days of check-ins
// (coach.restingHR, science.md §7), and `rebound checkin` refreshes after
// storing one — so morning check-ins that arrive after the history must
// reach the profile and the loads, as in a store that had them from the
// start. Known answer: seven mornings at 42 bpm → resting HR 42.
func TestRefreshCheckInsUpdateRestingHR(t *testing.T) {
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	first := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	after := first.AddDate(0, 0, 60)
	now := time.Date(after.Year(), after.Month(), after.Day(), 9, 0, 0, 0, loc)
	noRest := synthAthlete()
	noRest.HRRestBPM = nil
	checkIns := func(st interface {
		PutCheckIn(context.Context, *rebound.CheckIn) error
	}) {
		for i := range 7 {
			ci := &rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: after.AddDate(0, 0, i-6),
				RestingHRBPM: rebound.Float(42), Source: rebound.CheckInManual}
			if err := st.PutCheckIn(ctx, ci); err != nil {
				t.Fatal(err)
			}
		}
	}

	inc := openStore(t)
	putAthlete(t, inc, noRest)
	ci := newCoach(t, inc, &now)
	acts := steadyRuns(first, 60, 8, 140, loc)
	add(t, inc, acts)
	refresh(t, ci, acts)
	checkIns(inc)
	rep := refresh(t, ci, nil) // what rebound checkin does
	prof, err := ci.Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if prof.HRRestBPM.Value != 42 || !rep.ProfileChanged {
		t.Errorf("after check-ins: resting HR %v (%s), ProfileChanged %v; want 42 from the check-ins, true",
			prof.HRRestBPM.Value, prof.HRRestBPM.How, rep.ProfileChanged)
	}

	full := openStore(t)
	putAthlete(t, full, noRest)
	cf := newCoach(t, full, &now)
	acts = steadyRuns(first, 60, 8, 140, loc)
	add(t, full, acts)
	checkIns(full)
	refresh(t, cf, acts)
	if p, _ := cf.Profile(ctx); p.HRRestBPM.Value != 42 {
		t.Fatalf("full recompute: resting HR %v, want 42", p.HRRestBPM.Value)
	}
	_, got := storedDays(t, inc)
	_, want := storedDays(t, full)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("daily model: after check-ins (+) differs from a full recompute (-):\n%s", diff)
	}
}
