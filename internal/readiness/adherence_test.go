package readiness

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// plan builds a PlanSummary ending on day n at hh:00, its steps 30 min apart.
func plan(id int64, n, hh int, character string, kinds ...string) PlanSummary {
	end := day(n).Add(time.Duration(hh) * time.Hour)
	p := PlanSummary{ActivityID: id, EndedAt: end, Character: character}
	for k, kind := range kinds {
		p.Steps = append(p.Steps, PlannedStep{Kind: kind, At: end.Add(time.Duration(k) * 30 * time.Minute)})
	}
	return p
}

func mark(id int64, kind string, index int, status string) rebound.PlanMark {
	return rebound.PlanMark{PlanActivityID: id, StepKind: kind, StepIndex: index, Status: status, At: day(0)}
}

const (
	done = rebound.MarkDone
	skip = rebound.MarkSkipped
)

func adherenceFixture() ([]rebound.PlanMark, []PlanSummary, time.Time) {
	asOf := day(0).Add(12 * time.Hour)
	plans := []PlanSummary{
		// 1: long run yesterday, 5 steps: 1 done, 3 skipped, 1 unmarked.
		plan(1, -1, 6, rebound.CharacterLong, rebound.StepRefuel, rebound.StepHydrate, rebound.StepMeal, rebound.StepNap, rebound.StepSleep),
		// 2: easy run 3 days ago, 3 steps, all done.
		plan(2, -3, 7, rebound.CharacterEasy, rebound.StepRefuel, rebound.StepHydrate, rebound.StepSleep),
		// 3: long run 10 days ago: refuel, meal done; nap skipped.
		plan(3, -10, 7, rebound.CharacterLong, rebound.StepRefuel, rebound.StepMeal, rebound.StepNap),
		// 4: long run 17 days ago: nap and caffeine skipped.
		plan(4, -17, 7, rebound.CharacterLong, rebound.StepNap, rebound.StepCaffeine),
		// 5: long run 30 days ago, outside 28 days.
		plan(5, -30, 7, rebound.CharacterLong, rebound.StepNap),
		// 6: workout today at 11:00: steps at 11:00, 11:30, 12:00 are due at
		// 12:00, the nap at 12:30 is not; red_alert is never counted.
		plan(6, 0, 11, rebound.CharacterWorkout, rebound.StepRefuel, rebound.StepHydrate, rebound.StepMeal, rebound.StepNap, rebound.StepRedAlert),
	}
	marks := []rebound.PlanMark{
		mark(1, rebound.StepRefuel, 0, done), mark(1, rebound.StepHydrate, 0, skip), mark(1, rebound.StepMeal, 0, skip), mark(1, rebound.StepNap, 0, skip),
		mark(2, rebound.StepRefuel, 0, done), mark(2, rebound.StepHydrate, 0, done), mark(2, rebound.StepSleep, 0, done),
		mark(3, rebound.StepRefuel, 0, done), mark(3, rebound.StepMeal, 0, done), mark(3, rebound.StepNap, 0, skip),
		mark(4, rebound.StepNap, 0, skip), mark(4, rebound.StepCaffeine, 0, skip),
		mark(5, rebound.StepNap, 0, skip),
		mark(6, rebound.StepNap, 0, done), // marked ahead of time: not due yet, not counted
	}
	return marks, plans, asOf
}

func TestAdherence(t *testing.T) {
	marks, plans, asOf := adherenceFixture()
	r := Adherence(marks, plans, asOf)
	// Last 7 days: plans 1, 2, 6. Planned 5 + 3 + 3 = 11; done 1 + 3 = 4;
	// skipped 3; unmarked 1 + 3 = 4; rate 4/11 = 0.36.
	// Last 28 days: plus 3 and 4. Planned 11 + 3 + 2 = 16; done 4 + 2 = 6;
	// skipped 3 + 1 + 2 = 6; unmarked 4; rate 6/16 = 0.375 → 0.38.
	want7 := Window{Days: 7, Planned: 11, Done: 4, Skipped: 3, Unmarked: 4, Rate: f(0.36)}
	want28 := Window{Days: 28, Planned: 16, Done: 6, Skipped: 6, Unmarked: 4, Rate: f(0.38)}
	if diff := cmp.Diff(want7, r.Last7); diff != "" {
		t.Errorf("last 7 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want28, r.Last28); diff != "" {
		t.Errorf("last 28 (-want +got):\n%s", diff)
	}
	// The nap after long runs was skipped in plans 1, 3, 4 and never done
	// (plan 5 is too old); caffeine only once: no habit.
	if len(r.AlwaysSkipped) != 1 {
		t.Fatalf("always skipped = %+v", r.AlwaysSkipped)
	}
	sg := r.AlwaysSkipped[0]
	if sg.StepKind != rebound.StepNap || sg.Character != rebound.CharacterLong || sg.Skipped != 3 ||
		!strings.Contains(sg.Message, "you never nap after long runs") || !strings.Contains(sg.Message, "can_nap: false") {
		t.Errorf("suggestion = %+v", sg)
	}
	// Plan 1 (long, hard): 3 key steps skipped (hydrate, meal, nap), 1 done
	// → poorly followed, +12 h. Plan 6 has no marks due → nothing.
	if len(r.ExtraRecovery) != 1 || r.ExtraRecovery[0].ActivityID != 1 || r.ExtraRecoveryHours != PoorPlanHours ||
		!strings.Contains(r.ExtraRecovery[0].Contribution.Why, "Rebound's choice") {
		t.Errorf("extra recovery = %+v, %v h", r.ExtraRecovery, r.ExtraRecoveryHours)
	}
}

// TestAdherence_MarksSurviveReplanning: a re-built plan with an extra step in
// front and new times keeps its marks, which are keyed by kind and
// occurrence, not position or time.
func TestAdherence_MarksSurviveReplanning(t *testing.T) {
	marks, plans, asOf := adherenceFixture()
	before := Adherence(marks, plans, asOf)
	re := plan(1, -1, 5, rebound.CharacterLong, rebound.StepMobility, rebound.StepRefuel, rebound.StepHydrate, rebound.StepMeal, rebound.StepNap, rebound.StepSleep)
	plans[0] = re
	after := Adherence(marks, plans, asOf)
	// One more planned (mobility, unmarked); done and skipped unchanged.
	if after.Last7.Planned != before.Last7.Planned+1 || after.Last7.Done != before.Last7.Done ||
		after.Last7.Skipped != before.Last7.Skipped || after.Last7.Unmarked != before.Last7.Unmarked+1 {
		t.Errorf("before %+v after %+v", before.Last7, after.Last7)
	}
}

// TestExtraRecovery is the poorly-followed rule: hard session, ≥ 2 key steps
// skipped, no more done than skipped.
func TestExtraRecovery(t *testing.T) {
	asOf := day(0).Add(20 * time.Hour)
	p := plan(9, 0, 8, rebound.CharacterWorkout, rebound.StepRefuel, rebound.StepHydrate, rebound.StepMobility, rebound.StepHydrate, rebound.StepShower, rebound.StepNap)
	tt := []struct {
		name      string
		character string
		marks     []rebound.PlanMark
		want      bool
	}{
		{"two key skipped, none done", rebound.CharacterWorkout, []rebound.PlanMark{mark(9, rebound.StepRefuel, 0, skip), mark(9, rebound.StepNap, 0, skip)}, true},
		// The second hydrate step is its own mark (index 1).
		{"both hydrate steps skipped", rebound.CharacterWorkout, []rebound.PlanMark{mark(9, rebound.StepHydrate, 0, skip), mark(9, rebound.StepHydrate, 1, skip)}, true},
		{"one key skipped", rebound.CharacterWorkout, []rebound.PlanMark{mark(9, rebound.StepRefuel, 0, skip), mark(9, rebound.StepShower, 0, skip)}, false},
		{"more done than skipped", rebound.CharacterWorkout, []rebound.PlanMark{mark(9, rebound.StepRefuel, 0, skip), mark(9, rebound.StepNap, 0, skip),
			mark(9, rebound.StepHydrate, 0, done), mark(9, rebound.StepHydrate, 1, done), mark(9, rebound.StepMobility, 0, done)}, false},
		{"as many done as skipped", rebound.CharacterWorkout, []rebound.PlanMark{mark(9, rebound.StepRefuel, 0, skip), mark(9, rebound.StepNap, 0, skip),
			mark(9, rebound.StepHydrate, 0, done), mark(9, rebound.StepMobility, 0, done)}, true},
		{"easy run", rebound.CharacterEasy, []rebound.PlanMark{mark(9, rebound.StepRefuel, 0, skip), mark(9, rebound.StepNap, 0, skip)}, false},
		{"nothing marked", rebound.CharacterRace, nil, false},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			q := p
			q.Character = tc.character
			c, ok := ExtraRecovery(tc.marks, q, asOf)
			if ok != tc.want || (ok && c.Hours != PoorPlanHours) {
				t.Errorf("got %v %+v, want %v", ok, c, tc.want)
			}
		})
	}
}

func TestAdherence_Empty(t *testing.T) {
	r := Adherence(nil, nil, day(0))
	if r.Last7.Rate != nil || r.Last28.Planned != 0 || r.AlwaysSkipped == nil || r.ExtraRecovery == nil {
		t.Errorf("got %+v", r)
	}
}

func TestSummarize(t *testing.T) {
	end := day(0).Add(9 * time.Hour)
	p := &rebound.Plan{ActivityID: 7, EndedAt: end, Character: rebound.CharacterRace, Steps: []rebound.Step{
		{Kind: rebound.StepRefuel, At: end.Add(10 * time.Minute)}, {Kind: rebound.StepNap, At: end.Add(2 * time.Hour)},
	}}
	want := PlanSummary{ActivityID: 7, EndedAt: end, Character: rebound.CharacterRace, Steps: []PlannedStep{
		{rebound.StepRefuel, end.Add(10 * time.Minute)}, {rebound.StepNap, end.Add(2 * time.Hour)},
	}}
	if diff := cmp.Diff(want, Summarize(p)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
