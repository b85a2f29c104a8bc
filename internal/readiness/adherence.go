package readiness

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"rebound"
)

// Adherence rules. All are Rebound's choice: no study measures how closely a
// runner must follow a recovery routine, so Rebound learns "modestly"
// (issue 5) and says so.
const (
	// HabitMinSkips: a step skipped this many times (and never done) after
	// the same kind of workout in 28 days is a habit, not a bad day.
	HabitMinSkips = 3
	// PoorMinSkipped: a hard session's plan is poorly followed when at least
	// this many of its key steps were skipped and no more were done than
	// skipped.
	PoorMinSkipped = 2
	// PoorPlanHours: what a poorly followed plan adds to that session's
	// recovery estimate — half a day. A refuel delayed 2 h cuts early
	// glycogen synthesis by ≈ 45–50% (Ivy 1988), but with ≥ 24 h to the next
	// session the day's total intake decides (Parkin 1997; science.md §1); a
	// missed nap or short night costs more (§4). Half a day is the middle.
	PoorPlanHours = 12.0
)

// keySteps are the steps whose skipping plausibly slows recovery: fuel,
// fluid, food and sleep (science.md §1, §4). Mobility, shower, walk and the
// like are comfort, not recovery.
var keySteps = map[string]bool{
	rebound.StepRefuel: true, rebound.StepHydrate: true, rebound.StepMeal: true,
	rebound.StepNap: true, rebound.StepSleep: true,
}

// PlannedStep is one step of a plan as adherence needs it.
type PlannedStep struct {
	Kind string
	At   time.Time // when it is due; zero = at the plan's EndedAt
}

// PlanSummary is what adherence needs of one plan.
type PlanSummary struct {
	ActivityID int64
	EndedAt    time.Time
	Character  string        // rebound.CharacterEasy, ...
	Steps      []PlannedStep // in plan order; the red_alert step is ignored (nothing to do)
}

// Summarize reduces a plan to its PlanSummary.
func Summarize(p *rebound.Plan) PlanSummary {
	s := PlanSummary{ActivityID: p.ActivityID, EndedAt: p.EndedAt, Character: p.Character}
	for _, st := range p.Steps {
		s.Steps = append(s.Steps, PlannedStep{Kind: st.Kind, At: st.At})
	}
	return s
}

// Window is adherence over the plans of the last Days days.
type Window struct {
	Days     int      `json:"days"`
	Planned  int      `json:"planned"` // steps already due
	Done     int      `json:"done"`
	Skipped  int      `json:"skipped"`
	Unmarked int      `json:"unmarked"` // due but neither done nor skipped
	Rate     *float64 `json:"rate"`     // Done / Planned; nil when nothing was planned
}

// Suggestion flags a step the runner always skips after one kind of workout.
type Suggestion struct {
	StepKind  string `json:"step_kind"`
	Character string `json:"character"`
	Skipped   int    `json:"skipped"`
	Message   string `json:"message"`
}

// Extra is the extra recovery a poorly followed plan adds to its own
// estimate.
type Extra struct {
	ActivityID   int64                `json:"activity_id"`
	Contribution rebound.Contribution `json:"contribution"`
}

// Report is adherence as of a moment.
type Report struct {
	AsOf          time.Time    `json:"as_of"`
	Last7         Window       `json:"last_7"`
	Last28        Window       `json:"last_28"`
	AlwaysSkipped []Suggestion `json:"always_skipped"`
	// ExtraRecovery lists the hard sessions of the last 7 days whose plan
	// was poorly followed, with the term to add to their recovery estimate.
	ExtraRecovery []Extra `json:"extra_recovery"`
	// ExtraRecoveryHours is the term for the most recent of them (0 if none).
	ExtraRecoveryHours float64 `json:"extra_recovery_hours"`
}

type markKey struct {
	id    int64
	kind  string
	index int
}

func indexMarks(marks []rebound.PlanMark) map[markKey]string {
	m := make(map[markKey]string, len(marks))
	for _, k := range marks {
		m[markKey{k.PlanActivityID, k.StepKind, k.StepIndex}] = k.Status
	}
	return m
}

// dueStep is one step that has come due, with its mark status ("" unmarked).
type dueStep struct {
	kind, status string
}

// due lists the plan's steps due by asOf, with their marks. A step's index
// is its occurrence among the plan's steps of the same kind, as in
// rebound.PlanMark.
func due(p PlanSummary, marks map[markKey]string, asOf time.Time) []dueStep {
	seen := map[string]int{}
	var out []dueStep
	for _, st := range p.Steps {
		i := seen[st.Kind]
		seen[st.Kind]++
		if st.Kind == rebound.StepRedAlert {
			continue
		}
		at := st.At
		if at.IsZero() {
			at = p.EndedAt
		}
		if at.After(asOf) {
			continue
		}
		out = append(out, dueStep{st.Kind, marks[markKey{p.ActivityID, st.Kind, i}]})
	}
	return out
}

// inWindow reports whether a plan ended in (asOf − days, asOf].
func inWindow(p PlanSummary, asOf time.Time, days int) bool {
	from := asOf.Add(-time.Duration(days) * 24 * time.Hour)
	return p.EndedAt.After(from) && !p.EndedAt.After(asOf)
}

func window(plans []PlanSummary, marks map[markKey]string, asOf time.Time, days int) Window {
	w := Window{Days: days}
	for _, p := range plans {
		if !inWindow(p, asOf, days) {
			continue
		}
		for _, d := range due(p, marks, asOf) {
			w.Planned++
			switch d.status {
			case rebound.MarkDone:
				w.Done++
			case rebound.MarkSkipped:
				w.Skipped++
			default:
				w.Unmarked++
			}
		}
	}
	if w.Planned > 0 {
		r := round2(float64(w.Done) / float64(w.Planned))
		w.Rate = &r
	}
	return w
}

// Adherence reports how closely the plans of the last 7 and 28 days were
// followed as of asOf, flags steps the runner always skips, and lists the
// extra recovery of poorly followed hard sessions. Unmarked steps count as
// planned but neither done nor skipped: no answer is not a skip.
func Adherence(marks []rebound.PlanMark, plans []PlanSummary, asOf time.Time) Report {
	mi := indexMarks(marks)
	r := Report{
		AsOf:          asOf,
		Last7:         window(plans, mi, asOf, 7),
		Last28:        window(plans, mi, asOf, 28),
		AlwaysSkipped: []Suggestion{},
		ExtraRecovery: []Extra{},
	}

	type habitKey struct{ kind, character string }
	type tally struct{ done, skipped int }
	habits := map[habitKey]*tally{}
	for _, p := range plans {
		if !inWindow(p, asOf, 28) {
			continue
		}
		for _, d := range due(p, mi, asOf) {
			k := habitKey{d.kind, p.Character}
			if habits[k] == nil {
				habits[k] = &tally{}
			}
			switch d.status {
			case rebound.MarkDone:
				habits[k].done++
			case rebound.MarkSkipped:
				habits[k].skipped++
			}
		}
	}
	for k, t := range habits {
		if t.done == 0 && t.skipped >= HabitMinSkips {
			r.AlwaysSkipped = append(r.AlwaysSkipped, Suggestion{
				StepKind: k.kind, Character: k.character, Skipped: t.skipped,
				Message: habitMessage(k.kind, k.character, t.skipped),
			})
		}
	}
	sort.Slice(r.AlwaysSkipped, func(i, j int) bool {
		a, b := r.AlwaysSkipped[i], r.AlwaysSkipped[j]
		if a.StepKind != b.StepKind {
			return a.StepKind < b.StepKind
		}
		return a.Character < b.Character
	})

	recent := append([]PlanSummary(nil), plans...)
	sort.SliceStable(recent, func(i, j int) bool { return recent[i].EndedAt.Before(recent[j].EndedAt) })
	for _, p := range recent {
		if !inWindow(p, asOf, 7) {
			continue
		}
		if c, ok := ExtraRecovery(marks, p, asOf); ok {
			r.ExtraRecovery = append(r.ExtraRecovery, Extra{ActivityID: p.ActivityID, Contribution: c})
			r.ExtraRecoveryHours = c.Hours
		}
	}
	return r
}

// ExtraRecovery returns the term a poorly followed plan adds to its hard
// session's recovery estimate, and false when the session was not hard or
// the plan was followed well enough: at least PoorMinSkipped key steps
// (refuel, hydrate, meal, nap, sleep) skipped, and no more steps done than
// skipped. Unmarked steps are not held against the runner.
func ExtraRecovery(marks []rebound.PlanMark, p PlanSummary, asOf time.Time) (rebound.Contribution, bool) {
	if !isHard(p.Character) {
		return rebound.Contribution{}, false
	}
	done, skipped, nKey, keySkipped := 0, 0, 0, []string{}
	for _, d := range due(p, indexMarks(marks), asOf) {
		switch d.status {
		case rebound.MarkDone:
			done++
		case rebound.MarkSkipped:
			skipped++
			if keySteps[d.kind] {
				nKey++
				keySkipped = appendNew(keySkipped, d.kind)
			}
		}
	}
	if nKey < PoorMinSkipped || done > skipped {
		return rebound.Contribution{}, false
	}
	return rebound.Contribution{
		Name:  "plan not followed",
		Hours: PoorPlanHours,
		Why: fmt.Sprintf("after this %s you skipped %d key recovery step(s) (%s) and did %d of the plan's steps: +%.0f h. Rebound's choice — no study sizes this; a late refuel slows early glycogen synthesis (Ivy 1988) and lost sleep costs performance (Craven 2022)",
			p.Character, nKey, strings.Join(keySkipped, ", "), done, PoorPlanHours),
		Source: "Rebound's choice; Ivy 1988, Parkin 1997 (science.md §1); Craven 2022 (science.md §4)",
	}, true
}

func isHard(character string) bool {
	switch character {
	case rebound.CharacterLong, rebound.CharacterWorkout, rebound.CharacterRace:
		return true
	}
	return false
}

// habitMessage suggests the protocol preference that matches a skipped
// habit (internal/protocol preferences: can_nap, caffeine_free, ice_access).
func habitMessage(kind, character string, n int) string {
	after := characterPlural(character)
	switch kind {
	case rebound.StepNap:
		return fmt.Sprintf("you never nap after %s (skipped %d times) — set can_nap: false in your protocol file?", after, n)
	case rebound.StepCaffeine:
		return fmt.Sprintf("you always skip the coffee or tea after %s (%d times) — set caffeine_free: true in your protocol file?", after, n)
	case rebound.StepIceBath:
		return fmt.Sprintf("you always skip the ice bath after %s (%d times) — set ice_access: false in your protocol file?", after, n)
	}
	return fmt.Sprintf("you always skip the %s step after %s (%d times) — change it or drop it (drop: true) in your protocol file?", kind, after, n)
}

func characterPlural(c string) string {
	switch c {
	case rebound.CharacterEasy:
		return "easy runs"
	case rebound.CharacterLong:
		return "long runs"
	case rebound.CharacterWorkout:
		return "workouts"
	case rebound.CharacterRace:
		return "races"
	case "":
		return "runs"
	}
	return c + " runs"
}
