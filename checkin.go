package rebound

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Where a check-in's values came from.
const (
	CheckInManual = "manual" // rebound checkin
	CheckInCSV    = "csv"    // an HRV-app CSV export (internal/importer/hrvcsv)
	CheckInFIT    = "fit"    // FIT hrv / monitoring data
)

// Allowed ranges of check-in values. Readings outside them are typing or
// device errors, not physiology, and are refused with the range.
const (
	// rMSSD 5–300 ms: resting rMSSD of healthy adults and endurance athletes
	// lies well inside this (issue 5 allowed range).
	MinHRVRMSSDms = 5.0
	MaxHRVRMSSDms = 300.0
	// Resting HR 25–120 bpm (issue 5 allowed range).
	MinRestingHRBPM = 25.0
	MaxRestingHRBPM = 120.0
	// Sleep 0–16 h a night (issue 5 allowed range).
	MaxSleepS = 16 * 3600.0
	// Body mass 25–250 kg (issue 5 allowed range).
	MinWeightKg = 25.0
	MaxWeightKg = 250.0
	// Alcoholic drinks 0–30 (issue 5 allowed range).
	MaxAlcoholDrinks = 30
	// Wellness scores are 1–5 (McLean 2010, science.md §7).
	MinScore = 1
	MaxScore = 5
	// MaxTextLen caps Pain and Notes. Rebound's choice: a note, not a diary.
	MaxTextLen = 2000
)

// CheckIn is one morning check-in: how the runner slept and feels, and what
// their watch or HRV app measured. Every measurement is optional (nil); a
// check-in is keyed by athlete and Date, and re-entering a date replaces it.
//
// The five 1–5 scores are McLean's items (McLean 2010, IJSPP 5:367–383;
// science.md §7), but each is scored as "how much of the named thing", so a
// runner can answer without a legend:
//
//   - SleepQuality, Mood: 5 = best (very good sleep, very good mood), as McLean.
//   - Soreness, Fatigue, Stress: 5 = worst (very sore, very tired, very
//     stressed), the reverse of McLean's sheet; McLean's score is 6 − value.
//     Issue 5 names "soreness 5/5" as a Red Alert trigger, so 5 must be the
//     worst soreness.
//
// Readiness (internal/readiness) orients every item so that worse is
// negative before computing z-scores. McLeanScore gives McLean's 5–25 sum.
type CheckIn struct {
	AthleteID int64     `json:"athlete_id"`
	Date      time.Time `json:"date"` // the civil date of the morning, at 00:00 UTC (see CivilDate)

	SleepS       *float64 `json:"sleep_s,omitempty"`       // last night's sleep
	SleepQuality *int     `json:"sleep_quality,omitempty"` // 1–5, 5 = very good
	Soreness     *int     `json:"soreness,omitempty"`      // 1–5, 5 = very sore
	Fatigue      *int     `json:"fatigue,omitempty"`       // 1–5, 5 = exhausted
	Stress       *int     `json:"stress,omitempty"`        // 1–5, 5 = very stressed
	Mood         *int     `json:"mood,omitempty"`          // 1–5, 5 = very good

	RestingHRBPM *float64 `json:"resting_hr_bpm,omitempty"` // morning resting heart rate
	HRVRMSSDms   *float64 `json:"hrv_rmssd_ms,omitempty"`   // morning rMSSD, fixed posture (Plews 2012)
	WeightKg     *float64 `json:"weight_kg,omitempty"`

	AlcoholDrinks *int   `json:"alcohol_drinks,omitempty"` // standard drinks the evening before
	Ill           bool   `json:"ill"`                      // illness symptoms (fever, chest, below the neck)
	Pain          string `json:"pain,omitempty"`           // where and how much, e.g. "left Achilles, 4/10"; "" = none
	Notes         string `json:"notes,omitempty"`
	Source        string `json:"source"` // CheckInManual, CheckInCSV, CheckInFIT
}

// CivilDate returns t's calendar date (in t's own location) as 00:00 UTC,
// the form CheckIn.Date is kept in.
func CivilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// HasPain reports whether the runner reported pain.
func (c *CheckIn) HasPain() bool { return strings.TrimSpace(c.Pain) != "" }

// McLeanScore is McLean's wellness sum (5–25, higher is better; McLean 2010)
// and true when all five items are present. Soreness, fatigue and stress are
// turned round (6 − value) to McLean's orientation.
func (c *CheckIn) McLeanScore() (int, bool) {
	if c.SleepQuality == nil || c.Soreness == nil || c.Fatigue == nil || c.Stress == nil || c.Mood == nil {
		return 0, false
	}
	return *c.SleepQuality + *c.Mood + (6 - *c.Soreness) + (6 - *c.Fatigue) + (6 - *c.Stress), true
}

// Validate checks every value against its allowed range. The error is an
// EInvalid *Error naming each bad field, its value and the range, e.g.
// "rMSSD 900 ms out of range (5–300)".
func (c *CheckIn) Validate() error {
	var bad []string
	if c.Date.IsZero() {
		bad = append(bad, "date missing")
	} else if !c.Date.Equal(CivilDate(c.Date)) || c.Date.Location() != time.UTC {
		bad = append(bad, fmt.Sprintf("date %s is not a calendar date at 00:00 UTC", c.Date.Format(time.RFC3339)))
	} else if y := c.Date.Year(); y < 1970 || y > 2200 {
		// Rebound's choice: anything outside this is a parsing accident.
		bad = append(bad, fmt.Sprintf("date %s out of range (1970–2200)", c.Date.Format(time.DateOnly)))
	}
	rangeF := func(name string, v *float64, lo, hi, scale float64, unit string) {
		if v == nil {
			return
		}
		x := *v / scale
		if math.IsNaN(x) || x < lo || x > hi {
			bad = append(bad, fmt.Sprintf("%s %s%s out of range (%s–%s)", name, num(x), unit, num(lo), num(hi)))
		}
	}
	rangeI := func(name string, v *int, lo, hi int) {
		if v != nil && (*v < lo || *v > hi) {
			bad = append(bad, fmt.Sprintf("%s %d out of range (%d–%d)", name, *v, lo, hi))
		}
	}
	rangeF("sleep", c.SleepS, 0, MaxSleepS/3600, 3600, " h")
	rangeI("sleep quality", c.SleepQuality, MinScore, MaxScore)
	rangeI("soreness", c.Soreness, MinScore, MaxScore)
	rangeI("fatigue", c.Fatigue, MinScore, MaxScore)
	rangeI("stress", c.Stress, MinScore, MaxScore)
	rangeI("mood", c.Mood, MinScore, MaxScore)
	rangeF("resting HR", c.RestingHRBPM, MinRestingHRBPM, MaxRestingHRBPM, 1, " bpm")
	rangeF("rMSSD", c.HRVRMSSDms, MinHRVRMSSDms, MaxHRVRMSSDms, 1, " ms")
	rangeF("weight", c.WeightKg, MinWeightKg, MaxWeightKg, 1, " kg")
	rangeI("alcohol drinks", c.AlcoholDrinks, 0, MaxAlcoholDrinks)
	if n := len(c.Pain); n > MaxTextLen {
		bad = append(bad, fmt.Sprintf("pain text %d characters long (at most %d)", n, MaxTextLen))
	}
	if n := len(c.Notes); n > MaxTextLen {
		bad = append(bad, fmt.Sprintf("notes %d characters long (at most %d)", n, MaxTextLen))
	}
	switch c.Source {
	case "", CheckInManual, CheckInCSV, CheckInFIT:
	default:
		bad = append(bad, fmt.Sprintf("source %q unknown (manual, csv, fit)", c.Source))
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "%s", strings.Join(bad, "; "))
	}
	return nil
}

// num formats a value without trailing zeros: 900, 7.5, 0.25.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Sprint(x)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// Statuses of a plan mark.
const (
	MarkDone    = "done"
	MarkSkipped = "skipped"
)

// PlanMark records whether the runner did a step of a recovery plan. It is
// keyed by the plan's activity, the step kind and StepIndex, the occurrence
// of that kind within the plan (0 = the first): re-planning that moves or
// re-times steps keeps the marks (issue 5 "marks survive re-planning").
type PlanMark struct {
	PlanActivityID int64     `json:"plan_activity_id"`
	StepKind       string    `json:"step_kind"`  // StepRefuel, ...
	StepIndex      int       `json:"step_index"` // occurrence of StepKind in the plan, from 0
	Status         string    `json:"status"`     // MarkDone or MarkSkipped
	At             time.Time `json:"at"`         // when the runner marked it (UTC)
}

// Validate checks a mark's fields.
func (m *PlanMark) Validate() error {
	var bad []string
	if m.PlanActivityID <= 0 {
		bad = append(bad, fmt.Sprintf("plan activity %d invalid", m.PlanActivityID))
	}
	known := false
	for _, k := range StepKinds() {
		known = known || k == m.StepKind
	}
	if !known {
		bad = append(bad, fmt.Sprintf("step %q unknown (%s)", m.StepKind, strings.Join(StepKinds(), ", ")))
	}
	if m.StepIndex < 0 {
		bad = append(bad, fmt.Sprintf("step index %d negative", m.StepIndex))
	}
	if m.Status != MarkDone && m.Status != MarkSkipped {
		bad = append(bad, fmt.Sprintf("status %q unknown (done, skipped)", m.Status))
	}
	if len(bad) > 0 {
		return Errorf(EInvalid, "%s", strings.Join(bad, "; "))
	}
	return nil
}

// AlertEpisode is one Red Alert Recovery Mode episode: from the morning it
// switched on until the morning its exit rule was met (Until nil while it is
// still on). Triggers are the signal names that switched it on or kept it on
// ("tsb", "hrv", "illness", ...), in first-seen order.
type AlertEpisode struct {
	Since    time.Time  `json:"since"`
	Until    *time.Time `json:"until,omitempty"`
	Triggers []string   `json:"triggers"`
	ExitRule string     `json:"exit_rule"`
}

// Active reports whether the episode has not ended.
func (e *AlertEpisode) Active() bool { return e.Until == nil }

// CheckInStore keeps check-ins, plan marks and the Red Alert history.
type CheckInStore interface {
	// PutCheckIn stores c, replacing any check-in of the same athlete and
	// date. c must pass Validate; the store returns EInvalid otherwise.
	PutCheckIn(ctx context.Context, c *CheckIn) error
	// CheckIns lists the check-ins with from ≤ Date ≤ to, oldest first.
	// Zero from or to means no limit on that side.
	CheckIns(ctx context.Context, athleteID int64, from, to time.Time) ([]*CheckIn, error)

	// PutPlanMark stores m, replacing the mark of the same plan, step kind
	// and step index.
	PutPlanMark(ctx context.Context, athleteID int64, m PlanMark) error
	// PlanMarks lists the marks of the given plans (every plan when
	// activityIDs is empty), ordered by plan, kind and index.
	PlanMarks(ctx context.Context, athleteID int64, activityIDs []int64) ([]PlanMark, error)

	// PutAlertEpisode stores e, replacing the episode with the same Since.
	PutAlertEpisode(ctx context.Context, athleteID int64, e AlertEpisode) error
	// AlertEpisodes lists the Red Alert history, oldest first.
	AlertEpisodes(ctx context.Context, athleteID int64) ([]AlertEpisode, error)
}
