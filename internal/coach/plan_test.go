package coach_test

import (
	"bytes"
	"context"
	"math"
	"testing"
	"time"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/demo"
	"rebound/internal/importer/fit"
	"rebound/internal/readiness"
	"rebound/internal/store"
)

// longRunStore stores the demo runner's profile (build phase, 68 kg) and
// one long run with a fast finish, written as a FIT file by demo.EncodeRun
// and decoded by the FIT importer: 5 min warm-up, 120 min at 3.25 m/s and
// a 5-min fast finish at 6:15/mi, ending at 08:12 New York time on a warm
// July morning — the article's long run. It returns the store, the stored
// activity and its end.
func longRunStore(t *testing.T) (*store.Store, *rebound.Activity, time.Time) {
	t.Helper()
	loc, err := time.LoadLocation(demo.TimeZone)
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	segs := []demo.Seg{
		{DurationS: 300, SpeedMPS: 2.95, Label: "warm-up"},
		{DurationS: 7200, SpeedMPS: 3.25, Label: "long"},
		{DurationS: 300, SpeedMPS: demo.Mile / 375, Label: "fast finish"},
	}
	end := time.Date(2026, 7, 11, 8, 12, 0, 0, loc)
	data, err := demo.EncodeRun(demo.RunSpec{
		Start: end.Add(-7800 * time.Second), UTCOffsetS: -4 * 3600, Segments: segs,
		Noise: demo.Noise{SpeedSD: 0.05, HRSD: 1, GPSJitterM: 1.5, Seed: 3},
		TempC: 24, TempRiseCPerH: 1, Athlete: demo.DemoAthlete(),
	})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := fit.Decode(bytes.NewReader(data), end)
	if err != nil || len(acts) != 1 {
		t.Fatalf("decode the long run: %d activities, %v", len(acts), err)
	}
	st := openStore(t)
	putAthlete(t, st, demo.DemoAthleteProfile(end))
	add(t, st, acts)
	return st, acts[0], acts[0].EndTime()
}

func sumContributions(r rebound.Recovery) float64 {
	s := 0.0
	for _, c := range r.Contributions {
		s += c.Hours
	}
	return s
}

func stepOf(p *rebound.Plan, kind string) *rebound.Step {
	for i := range p.Steps {
		if p.Steps[i].Kind == kind {
			return &p.Steps[i]
		}
	}
	return nil
}

// TestPlanLongRunFastFinish: the coach measures the run (long, with the
// fast finish found), plans the full protocol, skips the ice bath in a
// build phase (issue 4's policy), explains the estimate term by term, and
// revises the plan only when an input changes it.
func TestPlanLongRunFastFinish(t *testing.T) {
	ctx := context.Background()
	st, act, end := longRunStore(t)
	now := end.Add(time.Hour)
	c := newCoach(t, st, &now)
	refresh(t, c, []*rebound.Activity{act})

	loads, err := st.WorkoutLoads(ctx, rebound.DefaultAthleteID, []int64{act.ID})
	if err != nil {
		t.Fatal(err)
	}
	wl := loads[act.ID]
	// 130 min ≥ 90 min with fewer than 3 recent runs → long (load.isLong).
	if wl.Character != rebound.CharacterLong || wl.FastFinish == nil {
		t.Errorf("measured as %q (%s), fast finish %v; want long with a fast finish", wl.Character, wl.CharacterDetail, wl.FastFinish)
	}

	p0, err := c.Plan(ctx, act.ID, coach.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p0.Character != rebound.CharacterLong || p0.Variant != rebound.PlanFull {
		t.Errorf("plan for a %q run is %q, want the full plan for a long run", p0.Character, p0.Variant)
	}
	if p0.IceBath.Advice != rebound.IceBathSkip {
		t.Errorf("ice bath %q (%s), want skip after a long run in the build phase", p0.IceBath.Advice, p0.IceBath.Why)
	}
	for _, k := range []string{rebound.StepRefuel, rebound.StepHydrate, rebound.StepMeal, rebound.StepNap, rebound.StepSleep} {
		if stepOf(p0, k) == nil {
			t.Errorf("full plan has no %s step", k)
		}
	}
	if s := sumContributions(p0.Recovery); math.Abs(s-p0.Recovery.Hours) > 1e-9 || p0.Recovery.Hours <= 0 {
		t.Errorf("contributions sum to %.6f h, estimate %.6f h; want equal and positive", s, p0.Recovery.Hours)
	}
	if p0.Revision != 0 {
		t.Errorf("first plan revision %d, want 0", p0.Revision)
	}

	p1, err := c.Plan(ctx, act.ID, coach.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p1.Revision != 0 || p1.Version != p0.Version {
		t.Errorf("re-plan with nothing changed: revision %d version %s, want 0 and %s", p1.Revision, p1.Version, p0.Version)
	}

	// A plan-changing input: the runner now weighs 80 kg. The refuel's
	// protein is 0.3 g/kg (Thomas 2016, internal/protocol) = 24 g.
	ath, err := st.Athlete(ctx, rebound.DefaultAthleteID)
	if err != nil {
		t.Fatal(err)
	}
	ath.WeightKg = rebound.Float(80)
	if err := st.PutAthlete(ctx, ath); err != nil {
		t.Fatal(err)
	}
	p2, err := c.Plan(ctx, act.ID, coach.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Revision != 1 || p2.Version == p0.Version {
		t.Errorf("after a weight change: revision %d version %s, want 1 and a new version", p2.Revision, p2.Version)
	}
	if r := stepOf(p2, rebound.StepRefuel); r == nil || math.Abs(r.Amounts["protein_g"]-24) > 0.5 {
		t.Errorf("refuel after the weight change: %+v, want protein_g 24", r)
	}
	stored, err := st.Plan(ctx, rebound.DefaultAthleteID, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Revision != 1 || stored.Version != p2.Version {
		t.Errorf("stored plan revision %d version %s, want 1 and %s", stored.Revision, stored.Version, p2.Version)
	}
}

// TestPlanAdherenceLengthensEstimate: two key steps of a hard session's
// plan marked skipped (refuel and hydrate; readiness.PoorMinSkipped = 2,
// none done) add readiness.PoorPlanHours to the estimate on re-planning,
// as a named contribution, and move the ready time by as much.
func TestPlanAdherenceLengthensEstimate(t *testing.T) {
	ctx := context.Background()
	st, act, end := longRunStore(t)
	now := end.Add(time.Hour)
	c := newCoach(t, st, &now)
	refresh(t, c, []*rebound.Activity{act})
	p0, err := c.Plan(ctx, act.ID, coach.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{rebound.StepRefuel, rebound.StepHydrate} {
		m := rebound.PlanMark{PlanActivityID: act.ID, StepKind: k, StepIndex: 0, Status: rebound.MarkSkipped, At: end.Add(2 * time.Hour)}
		if err := st.PutPlanMark(ctx, rebound.DefaultAthleteID, m); err != nil {
			t.Fatal(err)
		}
	}
	// The next morning: both steps are long due.
	now = end.Add(24 * time.Hour)
	p1, err := c.Plan(ctx, act.ID, coach.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var extra *rebound.Contribution
	for i, k := range p1.Recovery.Contributions {
		if k.Name == "plan not followed" {
			extra = &p1.Recovery.Contributions[i]
		}
	}
	if extra == nil || extra.Hours != readiness.PoorPlanHours {
		t.Fatalf("contributions %+v: want \"plan not followed\" of %.0f h", p1.Recovery.Contributions, readiness.PoorPlanHours)
	}
	if got, want := p1.Recovery.Hours, p0.Recovery.Hours+readiness.PoorPlanHours; math.Abs(got-want) > 1e-9 {
		t.Errorf("estimate %.3f h, want %.3f + %.0f", got, p0.Recovery.Hours, readiness.PoorPlanHours)
	}
	if got, want := p1.Recovery.ReadyAt, p0.Recovery.ReadyAt.Add(time.Duration(readiness.PoorPlanHours)*time.Hour); !got.Equal(want) {
		t.Errorf("ready at %s, want %s", got, want)
	}
	if s := sumContributions(p1.Recovery); math.Abs(s-p1.Recovery.Hours) > 1e-9 {
		t.Errorf("contributions sum to %.6f h, estimate %.6f h", s, p1.Recovery.Hours)
	}
	if p1.Revision != 1 {
		t.Errorf("revision %d after the estimate changed, want 1", p1.Revision)
	}
	// The marks survive re-planning (issue 5).
	marks, err := st.PlanMarks(ctx, rebound.DefaultAthleteID, []int64{act.ID})
	if err != nil || len(marks) != 2 {
		t.Errorf("marks after re-planning: %v, %v; want the 2 skips", marks, err)
	}
}
