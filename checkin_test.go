package rebound

import (
	"strings"
	"testing"
	"time"
)

func TestCheckIn_Validate(t *testing.T) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	fl := func(x float64) *float64 { return &x }
	in := func(x int) *int { return &x }
	tt := []struct {
		name string
		edit func(*CheckIn)
		want string // "" = valid; else substrings separated by |
	}{
		{"minimal", func(*CheckIn) {}, ""},
		{"all at the edges", func(c *CheckIn) {
			c.SleepS, c.HRVRMSSDms, c.RestingHRBPM, c.WeightKg = fl(16*3600), fl(5), fl(120), fl(25)
			c.SleepQuality, c.Soreness, c.Fatigue, c.Stress, c.Mood, c.AlcoholDrinks = in(1), in(5), in(1), in(5), in(3), in(30)
		}, ""},
		{"HRV 900", func(c *CheckIn) { c.HRVRMSSDms = fl(900) }, "rMSSD 900 ms out of range (5–300)"},
		{"sleep 30 h", func(c *CheckIn) { c.SleepS = fl(30 * 3600) }, "sleep 30 h out of range (0–16)"},
		{"negative sleep", func(c *CheckIn) { c.SleepS = fl(-1800) }, "sleep -0.5 h out of range (0–16)"},
		{"resting HR 24.5", func(c *CheckIn) { c.RestingHRBPM = fl(24.5) }, "resting HR 24.5 bpm out of range (25–120)"},
		{"weight 300", func(c *CheckIn) { c.WeightKg = fl(300) }, "weight 300 kg out of range (25–250)"},
		{"soreness 0 and mood 6", func(c *CheckIn) { c.Soreness, c.Mood = in(0), in(6) }, "soreness 0 out of range (1–5)|mood 6 out of range (1–5)"},
		{"drinks 31", func(c *CheckIn) { c.AlcoholDrinks = in(31) }, "alcohol drinks 31 out of range (0–30)"},
		{"no date", func(c *CheckIn) { c.Date = time.Time{} }, "date missing"},
		{"date with a time", func(c *CheckIn) { c.Date = c.Date.Add(time.Hour) }, "not a calendar date"},
		{"unknown source", func(c *CheckIn) { c.Source = "watch" }, `source "watch" unknown`},
		{"long note", func(c *CheckIn) { c.Notes = strings.Repeat("x", MaxTextLen+1) }, "notes 2001 characters long"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			c := CheckIn{AthleteID: 1, Date: day, Source: CheckInManual}
			tc.edit(&c)
			err := c.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || ErrorCode(err) != EInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			for _, w := range strings.Split(tc.want, "|") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestCheckIn_McLeanScore: sleep quality and mood count as given, soreness,
// fatigue and stress turned round (6 − x): 4 + 5 + (6−2) + (6−3) + (6−1) = 21.
func TestCheckIn_McLeanScore(t *testing.T) {
	in := func(x int) *int { return &x }
	c := CheckIn{SleepQuality: in(4), Mood: in(5), Soreness: in(2), Fatigue: in(3), Stress: in(1)}
	if got, ok := c.McLeanScore(); !ok || got != 21 {
		t.Errorf("got %d %v, want 21", got, ok)
	}
	c.Mood = nil
	if _, ok := c.McLeanScore(); ok {
		t.Error("score with a missing item")
	}
}

func TestCivilDate(t *testing.T) {
	loc := time.FixedZone("", -5*3600)
	got := CivilDate(time.Date(2026, 11, 1, 23, 30, 0, 0, loc)) // 04:30 UTC on the 2nd
	if want := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPlanMark_Validate(t *testing.T) {
	ok := PlanMark{PlanActivityID: 3, StepKind: StepNap, StepIndex: 0, Status: MarkSkipped}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid mark: %v", err)
	}
	bad := PlanMark{PlanActivityID: 0, StepKind: "yoga", StepIndex: -1, Status: "maybe"}
	err := bad.Validate()
	for _, w := range []string{"plan activity 0", `step "yoga" unknown`, "step index -1", `status "maybe"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
}
