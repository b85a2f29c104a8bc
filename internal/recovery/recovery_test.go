package recovery

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func fp(x float64) *float64 { return &x }
func ip(x int) *int         { return &x }

var end = time.Date(2026, 7, 11, 12, 12, 0, 0, time.UTC)

func TestDaysToFreshForm(t *testing.T) {
	tt := []struct {
		ctl, atl, want float64
	}{
		// science.md §6 example: ATL 80, CTL 50 → 8.4·ln(1.6) = 3.948 d.
		{50, 80, math.Log(1.6) / (1.0/7 - 1.0/42)},
		{50, 50, 0}, // already fresh
		{50, 40, 0},
		{0, 40, 0}, // no fitness: undefined, 0
	}
	for _, tc := range tt {
		if got := DaysToFreshForm(tc.ctl, tc.atl); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("DaysToFreshForm(%v, %v) = %v, want %v", tc.ctl, tc.atl, got, tc.want)
		}
	}
	if got := DaysToFreshForm(50, 80); math.Abs(got-3.948) > 0.001 {
		t.Errorf("science.md example: %v, want 3.948", got)
	}
}

func TestHoursToTSB(t *testing.T) {
	tsb := func(ctl, atl, h float64) float64 {
		d := h / 24
		return ctl*math.Exp(-d/42) - atl*math.Exp(-d/7)
	}
	tt := []struct {
		ctl, atl, target float64
	}{
		{55, 72, -10}, {40, 75, -10}, {50, 80, -10}, {60, 140, -30},
	}
	for _, tc := range tt {
		h := hoursToTSB(tc.ctl, tc.atl, tc.target)
		// Plugging the answer back gives the target (bisection to < 1 s).
		if got := tsb(tc.ctl, tc.atl, h); math.Abs(got-tc.target) > 0.001 {
			t.Errorf("hoursToTSB(%v, %v, %v) = %v h, TSB there %v", tc.ctl, tc.atl, tc.target, h, got)
		}
	}
	// Target 0 uses the closed form: 24 · 3.948 d = 94.75 h.
	if h := hoursToTSB(50, 80, 0); math.Abs(h-24*DaysToFreshForm(50, 80)) > 1e-9 {
		t.Errorf("target 0: %v h", h)
	}
	if h := hoursToTSB(50, 55, -10); h != 0 {
		t.Errorf("form −5 is above −10 already: %v h", h)
	}
}

func TestEstimate(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tt := []struct {
		name       string
		in         Input
		hours      float64
		parts      map[string]float64 // contribution name → hours
		confidence string
		alert      []string // trigger signals
	}{
		{
			// Load 40 × 0.16 = 6.4 h; an easy run needs no hard gap; HR load
			// against estimated thresholds (1 point), no history → low.
			name:  "easy run, no history",
			in:    Input{EndedAt: end, Load: 40, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterEasy},
			hours: 6.4, parts: map[string]float64{"workout load": 6.4}, confidence: rebound.ConfidenceLow,
		},
		{
			// Load 300 → 48 h, exactly the 150–300 band's upper edge; CTL at
			// the reference 50 → fitness 0; form 0 → no form term; 48 h meets
			// the gap. Own thresholds (2) + 90 days (1) → high.
			name: "long run at the reference fitness",
			in: Input{EndedAt: end, Load: 300, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterLong,
				FitnessKnown: true, CTL: 50, ATL: 50, HistoryDays: 90, ThresholdsKnown: true},
			hours: 48, parts: map[string]float64{"workout load": 48, "fitness": 0}, confidence: rebound.ConfidenceHigh,
		},
		{
			// Load 700 → 112 h capped at 96; CTL 30 → √(50/30) = 1.291 → +27.9
			// h; form: CTL 30 − ATL 30 = 0 → none; 96 + 27.9 = 123.9 → cap −27.9.
			name: "huge load, low fitness: capped",
			in: Input{EndedAt: end, Load: 700, LoadSource: rebound.LoadFromPace, Character: rebound.CharacterRace,
				FitnessKnown: true, CTL: 30, ATL: 30, HistoryDays: 20},
			hours: 96, parts: map[string]float64{"workout load": 96, "fitness": 27.9, "cap": -27.9}, confidence: rebound.ConfidenceLow,
		},
		{
			// Hard workout at 55, 30 h after the previous hard one: load 100 →
			// 16 h; the age rule needs 72 h after this hard session (72 − 30 =
			// 42 h from the previous is less) → +56; Red Alert (back to back at
			// 50+); its 48 h floor is already met.
			name: "55-year-old, hard 30 h after hard",
			in: Input{EndedAt: end, Load: 100, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterWorkout,
				Age: ip(55), HoursSincePrevHard: fp(30)},
			hours: 72, parts: map[string]float64{"workout load": 16, "age rule": 56}, confidence: rebound.ConfidenceLow,
			alert: []string{"back_to_back_hard"},
		},
		{
			// Easy run at 55, 30 h after a hard session: the next hard one
			// waits for 72 − 30 = 42 h; load 40 → 6.4 h; + 35.6. No Red Alert
			// (an easy run is not a hard day).
			name: "55-year-old, easy 30 h after hard",
			in: Input{EndedAt: end, Load: 40, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterEasy,
				Age: ip(55), HoursSincePrevHard: fp(30)},
			hours: 42, parts: map[string]float64{"workout load": 6.4, "age rule": 35.6}, confidence: rebound.ConfidenceLow,
		},
		{
			// Same hard workout at 38: 48 h gap → 16 + 32.
			name: "38-year-old, hard 30 h after hard",
			in: Input{EndedAt: end, Load: 100, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterWorkout,
				Age: ip(38), HoursSincePrevHard: fp(30)},
			hours: 48, parts: map[string]float64{"workout load": 16, "hard-session gap": 32}, confidence: rebound.ConfidenceLow,
		},
		{
			// A > 100% single-run spike: Red Alert; load 200 → 32 h, the hard
			// gap lifts it to 48 (+16), which also meets Red Alert's 48 h.
			name: "single-run spike 120%",
			in: Input{EndedAt: end, Load: 200, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterLong,
				SpikePct: fp(120)},
			hours: 48, parts: map[string]float64{"workout load": 32, "hard-session gap": 16}, confidence: rebound.ConfidenceLow,
			alert: []string{"single_run_spike"},
		},
		{
			// A red wellness signal (issue 5's hook): +6 h and a trigger; the
			// check-in adds a confidence point (HR 1 + check-ins 1 = medium).
			name: "red sleep signal",
			in: Input{EndedAt: end, Load: 50, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterEasy,
				Signals: []Signal{{Name: "sleep", Level: LevelRed, Value: 5.2, Limit: 6, Hours: 6, Why: "slept 5.2 h, under 6", Source: "Craven 2022"}}},
			// 8 + 6 = 14 h, then Red Alert's 48 h floor: +34.
			hours: 48, parts: map[string]float64{"workout load": 8, "sleep": 6, "red alert": 34}, confidence: rebound.ConfidenceMedium,
			alert: []string{"sleep"},
		},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			r := Estimate(tc.in)
			if r.Recovery.Hours != tc.hours {
				t.Errorf("hours %v, want %v (%+v)", r.Recovery.Hours, tc.hours, r.Recovery.Contributions)
			}
			got := map[string]float64{}
			for _, c := range r.Recovery.Contributions {
				got[c.Name] = c.Hours
				if c.Why == "" {
					t.Errorf("%s has no why", c.Name)
				}
			}
			if d := cmp.Diff(tc.parts, got); d != "" {
				t.Errorf("contributions (-want +got):\n%s", d)
			}
			if r.Recovery.Confidence != tc.confidence {
				t.Errorf("confidence %s (%s), want %s", r.Recovery.Confidence, r.Recovery.ConfidenceWhy, tc.confidence)
			}
			var sig []string
			for _, tr := range r.RedAlert.Triggers {
				sig = append(sig, tr.Signal)
			}
			if d := cmp.Diff(tc.alert, sig); d != "" {
				t.Errorf("triggers (-want +got):\n%s", d)
			}
			if r.RedAlert.Active != (len(tc.alert) > 0) {
				t.Errorf("active %v", r.RedAlert.Active)
			}
			if r.RedAlert.Active && !strings.Contains(r.RedAlert.ExitRule, "above −10") {
				t.Errorf("exit rule %q", r.RedAlert.ExitRule)
			}
			if want := end.Add(time.Duration(tc.hours * float64(time.Hour))); !r.Recovery.ReadyAt.Equal(want.Truncate(time.Minute)) {
				t.Errorf("ready at %v, want %v", r.Recovery.ReadyAt, want)
			}
		})
	}
	// ReadyAt is local: 12:12Z + 48 h = 08:12 EDT two days later.
	r := Estimate(Input{EndedAt: end, Loc: ny, Load: 300, Character: rebound.CharacterLong})
	if got := r.Recovery.ReadyAt.Format(time.RFC3339); got != "2026-07-13T08:12:00-04:00" {
		t.Errorf("ready_at %s", got)
	}
}

func TestRedAlertForm(t *testing.T) {
	// TSB −35 < −30: Red Alert. CTL 40, ATL 75 → form climbs to −10 only
	// after hoursToTSB(40, 75, −10) hours, which the estimate must cover.
	in := Input{EndedAt: end, Load: 120, LoadSource: rebound.LoadFromHR, Character: rebound.CharacterWorkout,
		FitnessKnown: true, CTL: 40, ATL: 75, TSB: -35, HistoryDays: 60}
	r := Estimate(in)
	if !r.RedAlert.Active || r.RedAlert.Triggers[0].Signal != "tsb" || r.RedAlert.Triggers[0].Value != -35 {
		t.Fatalf("red alert %+v", r.RedAlert)
	}
	if need := hoursToTSB(40, 75, -10); r.Recovery.Hours < need-0.1 || r.Recovery.Hours < 48 {
		t.Errorf("hours %v, want ≥ %v and ≥ 48", r.Recovery.Hours, need)
	}
	if r.RedAlert.Since == nil || !r.RedAlert.Since.Equal(end) {
		t.Errorf("since %v", r.RedAlert.Since)
	}
	// Unknown fitness: TSB is not trusted, no trigger.
	in.FitnessKnown = false
	if r := Estimate(in); r.RedAlert.Active {
		t.Errorf("red alert without load history: %+v", r.RedAlert)
	}
}

func TestGapFor(t *testing.T) {
	for _, tc := range []struct {
		age  *int
		want float64
	}{{nil, 48}, {ip(49), 48}, {ip(50), 72}, {ip(70), 72}} {
		if got := GapFor(tc.age); got != tc.want {
			t.Errorf("GapFor(%v) = %v, want %v", tc.age, got, tc.want)
		}
	}
}
