package coach_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
	"rebound/internal/load"
	"rebound/internal/readiness"
	"rebound/internal/store"
)

// steadyStore is a store with a year of identical daily easy runs (8 km at
// an average 140 bpm), so fitness and fatigue have settled and form is near
// zero: no load-side Red Alert trigger. It returns the store and the first
// day after the history.
func steadyStore(t *testing.T) (*store.Store, *time.Location, time.Time) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	s := openStore(t)
	putAthlete(t, s, synthAthlete())
	first := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	add(t, s, steadyRuns(first, 365, 8, 140, loc))
	return s, loc, first.AddDate(0, 0, 365)
}

// TestStatusIllnessEpisode: check-ins with three ill mornings switch Red
// Alert on (trigger "illness"), it stays on after one green morning, ends
// on the second (readiness.GreenMorningsToExit), and the history lists the
// episode.
func TestStatusIllnessEpisode(t *testing.T) {
	ctx := context.Background()
	st, loc, after := steadyStore(t)
	// Ten mornings of check-ins ending on the last run's day; ill on
	// mornings 3–5 (0-based), green otherwise: 8 h of sleep, average
	// scores, no pain. With ten mornings the HRV, resting-HR and score
	// baselines are still unknown (they need 7 / 28 mornings), so nothing
	// but illness can be amber or red.
	d0 := after.AddDate(0, 0, -10)
	day := func(i int) time.Time { return d0.AddDate(0, 0, i) }
	for i := range 10 {
		three := 3
		ci := &rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: day(i), SleepS: rebound.Float(8 * 3600),
			SleepQuality: &three, Soreness: &three, Fatigue: &three, Stress: &three, Mood: &three,
			RestingHRBPM: rebound.Float(50), Ill: i >= 3 && i <= 5, Source: rebound.CheckInManual}
		if err := st.PutCheckIn(ctx, ci); err != nil {
			t.Fatal(err)
		}
	}
	now := after
	c := newCoach(t, st, &now)
	refresh(t, c, nil)
	at := func(i int) time.Time { y, m, d := day(i).Date(); return time.Date(y, m, d, 9, 0, 0, 0, loc) }

	for _, tc := range []struct {
		name    string
		morning int
		active  bool
		verdict string
		// history: the episode's Until (morning index), -1 while open.
		until int
	}{
		{"before", 2, false, "", 0},
		{"first ill morning", 3, true, readiness.VerdictRedAlert, -1},
		{"last ill morning", 5, true, readiness.VerdictRedAlert, -1},
		// One green morning is not enough (two in a row end it).
		{"first green morning", 6, true, "", -1},
		{"second green morning", 7, false, "", 7},
		{"later", 9, false, "", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now = at(tc.morning)
			s, err := c.Status(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := load.DateOf(day(tc.morning)); s.Date != want {
				t.Errorf("Date %s, want %s", s.Date, want)
			}
			if s.RedAlert.Active != tc.active {
				t.Errorf("red alert active %v, want %v (triggers %v)", s.RedAlert.Active, tc.active, s.RedAlert.Triggers)
			}
			if s.RedAlert.ExitRule != readiness.ExitRule {
				t.Errorf("exit rule %q, want the check-in rule %q", s.RedAlert.ExitRule, readiness.ExitRule)
			}
			if tc.verdict != "" && s.Readiness.Verdict != tc.verdict {
				t.Errorf("readiness verdict %q, want %q", s.Readiness.Verdict, tc.verdict)
			}
			ill := tc.morning >= 3 && tc.morning <= 5
			var sigs []string
			for _, tr := range s.RedAlert.Triggers {
				sigs = append(sigs, tr.Signal)
			}
			switch {
			case ill && !cmp.Equal(sigs, []string{readiness.SignalIllness}):
				t.Errorf("triggers %v, want [illness]", sigs)
			case !ill && len(sigs) != 0:
				t.Errorf("triggers %v on a green morning, want none", sigs)
			}
			if tc.active && (s.RedAlert.Since == nil || !s.RedAlert.Since.Equal(day(3))) {
				t.Errorf("since %v, want %s (the first ill morning)", s.RedAlert.Since, day(3).Format(time.DateOnly))
			}
			var want []rebound.AlertEpisode
			if tc.morning >= 3 {
				ep := rebound.AlertEpisode{Since: day(3), Triggers: []string{readiness.SignalIllness}, ExitRule: readiness.ExitRule}
				if tc.until >= 0 {
					u := day(tc.until)
					ep.Until = &u
				}
				want = append(want, ep)
			}
			if diff := cmp.Diff(want, s.History, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			if s.Load == nil {
				t.Error("no load status over a year of runs")
			}
		})
	}

	// rebound status keeps the history: saved, it reads back the same.
	now = at(9)
	s, err := c.Status(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SaveAlertHistory(ctx, s.History); err != nil {
		t.Fatal(err)
	}
	saved, err := st.AlertEpisodes(ctx, rebound.DefaultAthleteID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.History, saved); diff != "" {
		t.Errorf("saved history (-status +store):\n%s", diff)
	}
}

// TestStatusLoadOnlyRedAlert: without check-ins, a ten-day block of long
// hard runs after a steady year drives form below −30, and Red Alert is
// on from the load side alone with the load-only exit rule; weeks of rest
// later it is off.
func TestStatusLoadOnlyRedAlert(t *testing.T) {
	ctx := context.Background()
	st, loc, after := steadyStore(t)
	// 25 km at 165 bpm a day for ten days: ≈ 207 HRSS each against a
	// settled daily load of ≈ 38 (TRIMP from the average HR, Morton's
	// female coefficients; HRSS = TRIMP / TRIMP(1 h at LTHR) × 100). From
	// CTL ≈ ATL ≈ 38, ten days of 207 give ATL ≈ 38 + 169·(1 − (6/7)^10)
	// ≈ 171 and CTL ≈ 38 + 169·(1 − (41/42)^10) ≈ 75: TSB ≈ −96.
	block := steadyRuns(after, 10, 25, 165, loc)
	add(t, st, block)
	end := after.AddDate(0, 0, 10) // the morning after the block
	now := time.Date(end.Year(), end.Month(), end.Day(), 9, 0, 0, 0, loc)
	c := newCoach(t, st, &now)
	refresh(t, c, block)

	s, err := c.Status(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	days, err := c.Days(ctx, load.DateOf(end))
	if err != nil {
		t.Fatal(err)
	}
	today := days[len(days)-1]
	if today.Date != load.DateOf(end) || s.Date != today.Date {
		t.Fatalf("status date %s, last day %s, want %s", s.Date, today.Date, load.DateOf(end))
	}
	// The closed form above, within the error of the approximations
	// (HRSS by hand to 3 figures, CTL/ATL before the block ≈ 38.5).
	if today.TSB > -80 || today.TSB < -110 {
		t.Errorf("TSB after the block %.1f, want ≈ −96", today.TSB)
	}
	if !s.RedAlert.Active {
		t.Fatalf("red alert off with TSB %.1f < −30", today.TSB)
	}
	want := []rebound.Trigger{{Signal: "tsb", Value: today.TSB, Limit: -30}}
	if diff := cmp.Diff(want, s.RedAlert.Triggers, cmp.FilterPath(func(p cmp.Path) bool {
		n := p.Last().String()
		return n == ".Why" || n == ".Source"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("triggers (-want +got):\n%s", diff)
	}
	if s.RedAlert.Since != nil {
		t.Errorf("since %v: the load-only alert has no history to date it from", s.RedAlert.Since)
	}
	// The load-only exit rule: form back above −30 and the other load
	// triggers cleared; it points at check-ins for the wellness side.
	if r := s.RedAlert.ExitRule; !strings.HasPrefix(r, "form (TSB) back above −30") || !strings.Contains(r, "rebound checkin") || r == readiness.ExitRule {
		t.Errorf("exit rule %q, want the load-only rule", r)
	}
	if len(s.History) != 0 {
		t.Errorf("history %v without check-ins, want none", s.History)
	}
	if s.Readiness.Verdict != readiness.VerdictUnknown {
		t.Errorf("readiness %q without check-ins, want unknown", s.Readiness.Verdict)
	}

	// Six weeks of rest later form is positive: Red Alert is off.
	now = now.AddDate(0, 0, 42)
	if s, err = c.Status(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if s.RedAlert.Active || len(s.RedAlert.Triggers) != 0 {
		t.Errorf("six weeks later: red alert %v, triggers %v; want off", s.RedAlert.Active, s.RedAlert.Triggers)
	}
}
