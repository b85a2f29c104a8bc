package protocol

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

var ny = mustLoc("America/New_York")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func fp(x float64) *float64 { return &x }
func ip(x int) *int         { return &x }

// hot19 is a 19-mile (30.6 km) long run at 27 °C with a fast finish: 3 h 12 min
// elapsed, 3 h 10 min moving, HR load 260, ending at endLocal (New York).
func hot19(endLocal time.Time) *rebound.Activity {
	el := 3*3600 + 12*60.0
	return &rebound.Activity{ID: 19, Sport: rebound.SportRunning,
		StartTime: endLocal.Add(-time.Duration(el) * time.Second).UTC(), ElapsedS: el, MovingS: 3*3600 + 10*60,
		DistanceM: 30578, AvgTemperatureC: fp(27)}
}

func longLoad() *rebound.WorkoutLoad {
	return &rebound.WorkoutLoad{ActivityID: 19, Load: 260, LoadSource: rebound.LoadFromHR,
		Character: rebound.CharacterLong, CharacterDetail: "fast finish",
		FastFinish: &rebound.Segment{StartS: 10200, DurationS: 1200, DistanceM: 4800, SpeedMPS: 4}}
}

// runner is a 38-year-old, 68 kg marathoner in a build, up at 06:00.
func runner() Athlete {
	return Athlete{WeightKg: fp(68), Age: ip(38), Wake: "06:00", Bedtime: "22:00", Loc: ny, Phase: "build", ThresholdsKnown: true}
}

func state() LoadState {
	return LoadState{Known: true, CTL: 55, ATL: 72, TSB: -12, HistoryDays: 120}
}

func local(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ny) }

func mustProto(t *testing.T, user string) *Protocol {
	t.Helper()
	p, err := Load(Default(), []byte(user))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func kinds(p *rebound.Plan) []string {
	out := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		out[i] = s.ID
	}
	return out
}

func stepByID(t *testing.T, p *rebound.Plan, id string) *rebound.Step {
	t.Helper()
	for i := range p.Steps {
		if p.Steps[i].ID == id {
			return &p.Steps[i]
		}
	}
	t.Fatalf("no step %q in %v", id, kinds(p))
	return nil
}

func hasStep(p *rebound.Plan, id string) bool {
	for _, s := range p.Steps {
		if s.ID == id {
			return true
		}
	}
	return false
}

func at(t *testing.T, s *rebound.Step, want time.Time) {
	t.Helper()
	if !s.At.Equal(want) || s.At.Location() != want.Location() {
		t.Errorf("%s at %s, want %s", s.ID, s.At.Format(time.RFC3339), want.Format(time.RFC3339))
	}
}

func amount(t *testing.T, s *rebound.Step, key string, want float64) {
	t.Helper()
	if got, ok := s.Amounts[key]; !ok || got != want {
		t.Errorf("%s %s = %v (present %v), want %v", s.ID, key, got, ok, want)
	}
}

func contains(t *testing.T, what, text, sub string) {
	t.Helper()
	if !strings.Contains(text, sub) {
		t.Errorf("%s does not say %q:\n%s", what, sub, text)
	}
}

var fullLong = []string{"refuel", "hydrate", "mobility", "meal", "shower", "nap", "caffeine", "walk", "sleep", "pre_run_hydrate", "pre_run_caffeine"}

func TestBuild(t *testing.T) {
	tt := []struct {
		name  string
		in    Input
		user  string
		steps []string // step ids in time order
		ice   string
		check func(t *testing.T, p *rebound.Plan)
	}{
		{
			// Full plan: ended 08:12 so the nap (2 h later, 90 min) ends 11:42,
			// well before 16:00; coffee at 11:42 is 10.3 h before the 22:00
			// bedtime (wake 06:00 − 8 h), clear of the 9 h cutoff. No ice bath
			// after a long run in build. Fluids: IF = √(260/3.167 h/100) = 0.906
			// → intensity (0.906−0.6)/0.45 = 0.68; heat (27−10)/20 = 0.85;
			// rate 0.5 + 1.5·(0.34+0.425) = 1.65 L/h; 5.22 L − 1.27 L drunk
			// (0.4 L/h) = 3.95 L, capped at 3% of 68 kg = 2.04 L; × 1.5 = 3.06
			// → 3050 mL; sodium 3.05 L × 50 mmol/L (hot) × 22.99 = 3506 → 3510 mg.
			// Protein 0.3 × 68 = 20.4 → 20 g; carbs 0.8 × 68 = 54.4 → 55 g.
			name:  "hot 19-mile long run finished 08:12",
			in:    Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				if p.Variant != rebound.PlanFull || p.Character != rebound.CharacterLong {
					t.Errorf("variant %s character %s", p.Variant, p.Character)
				}
				r := stepByID(t, p, "refuel")
				at(t, r, local(2026, 7, 11, 8, 12))
				amount(t, r, "protein_g", 20)
				amount(t, r, "carbs_g", 55)
				h := stepByID(t, p, "hydrate")
				amount(t, h, "fluid_ml", 3050)
				amount(t, h, "sodium_mg", 3510)
				contains(t, "hydrate why", h.Why, "hot (27 °C)")
				n := stepByID(t, p, "nap")
				at(t, n, local(2026, 7, 11, 10, 12))
				amount(t, n, "nap_min", 90)
				contains(t, "nap detail", n.Detail, "caps it at 90 min")
				c := stepByID(t, p, "caffeine")
				at(t, c, local(2026, 7, 11, 11, 42))
				amount(t, c, "caffeine_mg", 100)
				at(t, stepByID(t, p, "sleep"), local(2026, 7, 11, 22, 0))
				contains(t, "ice why", p.IceBath.Why, "Roberts 2015")
				contains(t, "ice why", p.IceBath.Why, "Malta 2021")
				// Pre-run: the earliest next hard session moved to the 05:00
				// habit; 3 mg/kg × 68 = 204 mg capped at 200 (EFSA single dose).
				pc := stepByID(t, p, "pre_run_caffeine")
				amount(t, pc, "caffeine_mg", 200)
				ph := stepByID(t, p, "pre_run_hydrate")
				amount(t, ph, "fluid_min_ml", 340) // 5 × 68
				amount(t, ph, "fluid_max_ml", 480) // 7 × 68 = 476
				contains(t, "pre-run", ph.Detail, "carry fluids")
				contains(t, "pre-run", ph.Detail, "practise the gels")
				if p.RedAlert.Active {
					t.Error("red alert on")
				}
			},
		},
		{
			// Same run ending 17:30: the nap would start 19:30, after 16:00 →
			// none, bedtime 30 min earlier (21:30) to bank sleep; the drink at
			// 19:30 is only 2 h before bed, under the 9 h cutoff → decaf.
			name:  "same run finished 17:30",
			in:    Input{Activity: hot19(local(2026, 7, 11, 17, 30)), Load: longLoad(), Athlete: runner(), State: state()},
			steps: []string{"refuel", "hydrate", "mobility", "meal", "shower", "caffeine", "walk", "sleep", "pre_run_hydrate", "pre_run_caffeine"},
			ice:   rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				c := stepByID(t, p, "caffeine")
				at(t, c, local(2026, 7, 11, 19, 30))
				amount(t, c, "caffeine_mg", 0)
				if c.Title != "Decaf or herbal tea" {
					t.Errorf("caffeine title %q", c.Title)
				}
				contains(t, "caffeine why", c.Why, "only 2.0 h before your 21:30 bedtime")
				s := stepByID(t, p, "sleep")
				at(t, s, local(2026, 7, 11, 21, 30))
				contains(t, "sleep", s.Detail, "too late for a nap")
			},
		},
		{
			// Easy 6 miles (9.7 km, 52 min) at 8 °C: light plan, no refuel or
			// nap, ice bath optional at +40 min. Fluids: IF √(45/0.867/100) =
			// 0.72 → 0.27; heat 0; 0.70 L/h × 0.867 h = 0.61 L (no drink under
			// 1 h) × 1.5 = 0.91 → 900 mL; Na 0.9 × 40 × 22.99 = 828 → 830 mg.
			// A light day (< 45 min? no: 52 min → ~1 h band) 5–7 g/kg.
			name: "easy 6-miler in cool weather",
			in: Input{Activity: &rebound.Activity{ID: 6, StartTime: local(2026, 3, 14, 6, 30).UTC(), ElapsedS: 52 * 60, MovingS: 52 * 60,
				DistanceM: 9656, AvgTemperatureC: fp(8)},
				Load:    &rebound.WorkoutLoad{Load: 45, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterEasy},
				Athlete: runner(), State: state()},
			steps: []string{"hydrate", "mobility", "ice_bath", "meal", "sleep"},
			ice:   rebound.IceBathOptional,
			check: func(t *testing.T, p *rebound.Plan) {
				if p.Variant != rebound.PlanLight {
					t.Errorf("variant %s", p.Variant)
				}
				h := stepByID(t, p, "hydrate")
				amount(t, h, "fluid_ml", 900)
				amount(t, h, "sodium_mg", 830)
				i := stepByID(t, p, "ice_bath")
				if !strings.HasPrefix(i.Title, "Optional") {
					t.Errorf("ice title %q", i.Title)
				}
				m := stepByID(t, p, "meal")
				contains(t, "meal", m.Detail, "No special refuel after an easy run")
				amount(t, m, "carbs_day_min_g", 340) // 5 × 68
				amount(t, m, "carbs_day_max_g", 480) // 7 × 68 = 476
			},
		},
		{
			// 12×400 m track session (workout): the full plan, nap 09:10–10:40.
			name: "12x400 m track session",
			in: Input{Activity: &rebound.Activity{ID: 400, StartTime: local(2026, 5, 5, 6, 0).UTC(), ElapsedS: 70 * 60, MovingS: 62 * 60,
				DistanceM: 10000, SubSport: "track"},
				Load:    &rebound.WorkoutLoad{Load: 95, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterWorkout, CharacterDetail: "intervals"},
				Athlete: runner(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				at(t, stepByID(t, p, "nap"), local(2026, 5, 5, 9, 10))
				// 95 × 0.16 = 15.2 h load; a hard session still needs the 48 h gap.
				if p.Recovery.Hours < 48 {
					t.Errorf("recovery %v h, want ≥ 48 (hard-session gap)", p.Recovery.Hours)
				}
			},
		},
		{
			// Half marathon race: post-race variant with packed food, a walk
			// and feet up, ice bath recommended (after a race), the Parkin
			// note on the meal because no hard day is planned within 24 h.
			name: "half-marathon race",
			in: Input{Activity: &rebound.Activity{ID: 21, StartTime: local(2026, 4, 19, 7, 0).UTC(), ElapsedS: 100 * 60, MovingS: 99 * 60,
				DistanceM: 21097, AvgTemperatureC: fp(14)},
				Load:    &rebound.WorkoutLoad{Load: 150, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterRace},
				Athlete: runner(), State: state()},
			steps: []string{"race_refuel", "hydrate", "race_walk", "race_elevate", "ice_bath", "meal", "shower", "nap", "caffeine", "sleep", "pre_run_hydrate", "pre_run_caffeine"},
			ice:   rebound.IceBathRecommended,
			check: func(t *testing.T, p *rebound.Plan) {
				if p.Variant != rebound.PlanPostRace {
					t.Errorf("variant %s", p.Variant)
				}
				contains(t, "race refuel", stepByID(t, p, "race_refuel").Detail, "From your bag")
				m := stepByID(t, p, "meal")
				contains(t, "meal", m.Detail, "No need for a big meal far from home")
				contains(t, "meal why", m.Why, "Parkin 1997")
				contains(t, "ice why", p.IceBath.Why, "after a race")
				amount(t, stepByID(t, p, "ice_bath"), "water_temp_c", 12)
			},
		},
		{
			// 55 years old, a workout 30 h after the previous hard session:
			// back-to-back hard days at 50+ → Red Alert; the age rule sets a
			// 72 h gap; sleep target 8 + 1 = 9 h → bedtime 06:00 − 9 h = 21:00;
			// no pre-run step while Red Alert is on; protein 0.4 × 68 = 27 g.
			name: "55-year-old, workout 30 h after the previous hard one",
			in: Input{Activity: &rebound.Activity{ID: 55, StartTime: local(2026, 6, 2, 6, 0).UTC(), ElapsedS: 75 * 60, MovingS: 70 * 60, DistanceM: 13000},
				Load:    &rebound.WorkoutLoad{Load: 110, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterWorkout},
				Athlete: func() Athlete { a := runner(); a.Age = ip(55); return a }(),
				State:   LoadState{Known: true, CTL: 50, ATL: 68, TSB: -14, HistoryDays: 200, HoursSincePrevHard: fp(30), PrevDayHard: true}},
			steps: []string{"red_alert", "refuel", "hydrate", "mobility", "meal", "shower", "nap", "caffeine", "walk", "sleep"},
			ice:   rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				if !p.RedAlert.Active || len(p.RedAlert.Triggers) != 1 || p.RedAlert.Triggers[0].Signal != "back_to_back_hard" {
					t.Fatalf("red alert %+v", p.RedAlert)
				}
				contains(t, "exit rule", p.RedAlert.ExitRule, "above −10")
				if p.Recovery.Hours != 72 {
					t.Errorf("recovery %v h, want 72 (age rule)", p.Recovery.Hours)
				}
				var names []string
				for _, c := range p.Recovery.Contributions {
					names = append(names, c.Name)
				}
				if !strings.Contains(strings.Join(names, ","), "age rule") {
					t.Errorf("contributions %v lack the age rule", names)
				}
				amount(t, stepByID(t, p, "refuel"), "protein_g", 27)
				s := stepByID(t, p, "sleep")
				at(t, s, local(2026, 6, 2, 21, 0))
				amount(t, s, "sleep_min", 540)
				contains(t, "red alert step", stepByID(t, p, "red_alert").Detail, "a hard session 30 h after the previous one at 55")
			},
		},
		{
			// Can't nap and lactose-free (set in the user file): no nap,
			// bedtime banked 30 min earlier, lactose-free food text.
			name:  "can't-nap lactose-free runner",
			user:  "preferences:\n  can_nap: false\n  dietary: [lactose_free]\n",
			in:    Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()},
			steps: []string{"refuel", "hydrate", "mobility", "meal", "shower", "caffeine", "walk", "sleep", "pre_run_hydrate", "pre_run_caffeine"},
			ice:   rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				contains(t, "refuel", stepByID(t, p, "refuel").Detail, "Lactose-free chocolate milk")
				contains(t, "meal", stepByID(t, p, "meal").Detail, "lactose-free yoghurt")
				s := stepByID(t, p, "sleep")
				at(t, s, local(2026, 7, 11, 21, 30))
				contains(t, "sleep", s.Detail, "can't nap")
				// No nap: the coffee goes where the nap would have started (10:12).
				at(t, stepByID(t, p, "caffeine"), local(2026, 7, 11, 10, 12))
			},
		},
		{
			// DST: ends Sat 31 Oct 2026 08:12 EDT; clocks fall back at 02:00
			// on 1 Nov. Wake 06:00 EST = 11:00Z; − 8 h = 03:00Z = 23:00 EDT,
			// so tonight's bedtime is 23:00 (8 real hours of sleep). Recovery
			// crosses the change: ready_at carries −05:00.
			name:  "plan crossing the November DST change",
			in:    Input{Activity: hot19(local(2026, 10, 31, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				s := stepByID(t, p, "sleep")
				if got := s.At.Format(time.RFC3339); got != "2026-10-31T23:00:00-04:00" {
					t.Errorf("bedtime %s", got)
				}
				if got := p.Recovery.ReadyAt.Format("-07:00"); got != "-05:00" {
					t.Errorf("ready_at %s not in EST", p.Recovery.ReadyAt.Format(time.RFC3339))
				}
				// The pre-run step keeps the 05:00 local habit after the change.
				pc := stepByID(t, p, "pre_run_caffeine")
				if got := pc.At.Format("15:04 -07:00"); got != "04:00 -05:00" {
					t.Errorf("pre-run caffeine at %s", pc.At.Format(time.RFC3339))
				}
			},
		},
		{
			// Spring forward (8 Mar 2026): wake 06:00 EDT = 10:00Z, − 8 h =
			// 02:00Z = 21:00 EST on 7 Mar.
			name:  "plan crossing the March DST change",
			in:    Input{Activity: hot19(local(2026, 3, 7, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				if got := stepByID(t, p, "sleep").At.Format(time.RFC3339); got != "2026-03-07T21:00:00-05:00" {
					t.Errorf("bedtime %s", got)
				}
			},
		},
		{
			// Missing body mass: amounts per kg, a note on the step and plan.
			name: "missing body mass",
			in: Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(),
				Athlete: func() Athlete { a := runner(); a.WeightKg = nil; return a }(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				r := stepByID(t, p, "refuel")
				amount(t, r, "protein_g_per_kg", 0.3)
				amount(t, r, "carbs_g_per_kg", 0.8)
				if _, ok := r.Amounts["protein_g"]; ok {
					t.Error("absolute protein without a body mass")
				}
				contains(t, "refuel", r.Detail, "No body mass on file")
				amount(t, stepByID(t, p, "pre_run_caffeine"), "caffeine_mg_per_kg", 3)
				contains(t, "notes", strings.Join(p.Notes, "\n"), "no body mass")
				// Fluid capped at 3% of the 70 kg reference: 2.1 L × 1.5 = 3150 mL.
				amount(t, stepByID(t, p, "hydrate"), "fluid_ml", 3150)
			},
		},
		{
			// A double day: next hard session at 12:00, under 8 h away → rapid
			// refuel 1.0 g/kg now (68 g → 70) and up to 1.2 g/kg/h (81.6 → 80);
			// the nap must end by 11:30, leaving 78 min → the 20-min short nap;
			// pre-run hydration (08:00) would fall before the end: left out,
			// the rehydrate step covers it.
			name: "second session at noon",
			in: Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state(),
				NextHard: func() *time.Time { x := local(2026, 7, 11, 12, 0); return &x }()},
			steps: []string{"refuel", "hydrate", "mobility", "meal", "shower", "nap", "caffeine", "walk", "pre_run_caffeine", "sleep"},
			ice:   rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				r := stepByID(t, p, "refuel")
				amount(t, r, "carbs_g", 70)
				amount(t, r, "carbs_per_h_max_g", 80)
				contains(t, "refuel why", r.Why, "Burke 2011")
				n := stepByID(t, p, "nap")
				amount(t, n, "nap_min", 20)
				contains(t, "nap why", n.Why, "30 min before your next session at 12:00")
				contains(t, "pre-run", stepByID(t, p, "pre_run_caffeine").Detail, "before you are ready")
			},
		},
		{
			// Weighed: 68.0 → 66.6 kg = 1.4 kg (2.1%, over the 2% limit);
			// 1.5 L/kg → 2100 mL; Na 2.1 × 50 × 22.99 = 2414 → 2410 mg.
			name: "weighed before and after",
			in: Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state(),
				Body: &BodyMass{PreKg: 68.0, PostKg: 66.6, DrunkL: 0.8}},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				h := stepByID(t, p, "hydrate")
				amount(t, h, "fluid_ml", 2100)
				amount(t, h, "sodium_mg", 2410)
				contains(t, "hydrate", h.Detail, "more than 2%")
			},
		},
		{
			// Elapsed time 0 but a moving time: the end is start + moving, and
			// the plan says so.
			name: "no elapsed time, moving time known",
			in: Input{Activity: &rebound.Activity{ID: 8, StartTime: local(2026, 7, 11, 7, 0).UTC(), MovingS: 3000, DistanceM: 9000},
				Load: &rebound.WorkoutLoad{Load: 50, LoadSource: rebound.LoadFromPace, Character: rebound.CharacterEasy}, Athlete: runner(), State: state()},
			steps: []string{"hydrate", "mobility", "ice_bath", "meal", "sleep"},
			ice:   rebound.IceBathOptional,
			check: func(t *testing.T, p *rebound.Plan) {
				if got := p.EndedAt.Format(time.RFC3339); got != "2026-07-11T07:50:00-04:00" {
					t.Errorf("ended_at %s", got)
				}
				contains(t, "notes", strings.Join(p.Notes, "\n"), "moving time")
			},
		},
		{
			// Taper week, no ice access: the policy would recommend, but the
			// runner has no ice → skip and say why; no ice_bath step.
			name: "taper, no ice access",
			user: "preferences:\n  ice_access: false\n",
			in: Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(),
				Athlete: func() Athlete { a := runner(); a.Phase = "taper"; return a }(), State: state()},
			steps: fullLong, ice: rebound.IceBathSkip,
			check: func(t *testing.T, p *rebound.Plan) {
				contains(t, "ice why", p.IceBath.Why, "no ice access")
				contains(t, "ice why", p.IceBath.Why, "recommended")
				if strings.Contains(stepByID(t, p, "pre_run_hydrate").Detail, "gels") {
					t.Error("gel practice outside build/peak")
				}
			},
		},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Build(tc.in, mustProto(t, tc.user))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.steps, kinds(p)); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
			if p.IceBath.Advice != tc.ice {
				t.Errorf("ice bath %q, want %q (%s)", p.IceBath.Advice, tc.ice, p.IceBath.Why)
			}
			checkInvariants(t, p)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

// checkInvariants holds for every plan: local times, sorted steps, why and
// source on each, offsets matching times, contributions summing to hours.
func checkInvariants(t *testing.T, p *rebound.Plan) {
	t.Helper()
	loc := p.EndedAt.Location()
	for i, s := range p.Steps {
		if s.At.Location() != loc {
			t.Errorf("%s not in the athlete's zone", s.ID)
		}
		if i > 0 && s.At.Before(p.Steps[i-1].At) {
			t.Errorf("%s before %s", s.ID, p.Steps[i-1].ID)
		}
		if s.Why == "" || s.Source == "" || s.Title == "" || s.Detail == "" {
			t.Errorf("%s lacks title, detail, why or source: %+v", s.ID, s)
		}
		if s.Amounts == nil {
			t.Errorf("%s: nil amounts", s.ID)
		}
		if want := s.At.Sub(p.EndedAt).Minutes(); s.OffsetMin != want {
			t.Errorf("%s offset %v, want %v", s.ID, s.OffsetMin, want)
		}
	}
	sum := 0.0
	for _, c := range p.Recovery.Contributions {
		sum += c.Hours
		if c.Why == "" {
			t.Errorf("contribution %s without why", c.Name)
		}
	}
	if d := sum - p.Recovery.Hours; d > 0.15 || d < -0.15 {
		t.Errorf("contributions sum to %v, total %v", sum, p.Recovery.Hours)
	}
	if p.Version == "" {
		t.Error("no version")
	}
}

func TestBuildErrors(t *testing.T) {
	proto := mustProto(t, "")
	base := func() Input {
		return Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()}
	}
	tt := []struct {
		name string
		mod  func(*Input)
		want string
	}{
		// A workout with no end time: no elapsed and no moving time.
		{"no end time", func(in *Input) { in.Activity.ElapsedS, in.Activity.MovingS = 0, 0 }, "has no end time"},
		{"no activity", func(in *Input) { in.Activity = nil }, "no activity"},
		{"no start", func(in *Input) { in.Activity.StartTime = time.Time{} }, "no start time"},
		{"silly weight", func(in *Input) { in.Athlete.WeightKg = fp(900) }, "body mass 900 kg out of range"},
		{"silly temperature", func(in *Input) { in.TempC = fp(80) }, "temperature 80 °C out of range"},
		{"weigh-in swing", func(in *Input) { in.Body = &BodyMass{PreKg: 70, PostKg: 60} }, "more than 10%"},
		{"unknown character", func(in *Input) { in.Load.Character = "tempo" }, `unknown character "tempo"`},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.mod(&in)
			_, err := Build(in, proto)
			if rebound.ErrorCode(err) != rebound.EInvalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an invalid error containing %q", err, tc.want)
			}
		})
	}
}

func TestBuildDeterministic(t *testing.T) {
	// Same input → same plan and version; a changed input → a new version.
	proto := mustProto(t, "")
	in := Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()}
	a, _ := Build(in, proto)
	b, _ := Build(in, proto)
	if d := cmp.Diff(a, b); d != "" {
		t.Fatalf("two builds differ:\n%s", d)
	}
	in.TempC = fp(31)
	c, _ := Build(in, proto)
	if c.Version == a.Version {
		t.Error("version unchanged after a temperature change")
	}
}

func TestGoldenPlan(t *testing.T) {
	in := Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()}
	p, err := Build(in, mustProto(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "plan_hot_long_run.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("plan JSON differs from %s (-want +got):\n%s", path, d)
	}
	// The contract: these keys, times with the local offset.
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"activity_id", "ended_at", "character", "red_alert", "ice_bath", "recovery", "steps"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if m["ended_at"] != "2026-07-11T08:12:00-04:00" {
		t.Errorf("ended_at %v", m["ended_at"])
	}
}
