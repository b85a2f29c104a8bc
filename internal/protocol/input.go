package protocol

import (
	"time"

	"rebound"
	"rebound/internal/recovery"
)

// Input is everything Build needs about one finished workout. The caller
// (internal/cli) gathers it from the store and internal/load; Build does no
// I/O and reads no clock.
type Input struct {
	Activity *rebound.Activity
	// Load is internal/load's measure of the workout; nil = not measured, and
	// the character comes from Activity.Kind or the duration.
	Load *rebound.WorkoutLoad

	Athlete Athlete
	State   LoadState
	Body    *BodyMass         // optional weigh-in around the workout
	Signals []recovery.Signal // wellness terms (issue 5); empty until check-ins exist

	// NextHard is the next planned hard session's start, when known.
	NextHard *time.Time
	// NextHardTempC is the expected air temperature for it, when known.
	NextHardTempC *float64
	// TempC overrides the air temperature (rebound plan --temp).
	TempC *float64
	// DayTrainingH is the hours trained on the workout's day, this workout
	// included; 0 = this workout's duration. Sizes the daily carbohydrate.
	DayTrainingH float64
}

// Athlete holds the runner's facts as Build uses them.
type Athlete struct {
	WeightKg        *float64       // nil = unknown: amounts are given per kg
	Age             *int           // nil = unknown
	Sex             string         // "female", "male", "" (not used by the plan rules yet)
	Bedtime         string         // "22:30", "" = not given
	Wake            string         // "06:30", "" = not given
	Loc             *time.Location // nil = UTC
	Phase           string         // base, build, peak, taper, race, recovery, off, ""
	ThresholdsKnown bool           // LTHR or threshold pace set by the runner
}

// AthleteFrom converts the stored profile, with the age on day on and the
// zone falling back to fallback (the machine's zone, say).
func AthleteFrom(a *rebound.Athlete, on time.Time, fallback *time.Location) Athlete {
	out := Athlete{Loc: a.Location(fallback)}
	if a == nil {
		return out
	}
	out.WeightKg = a.WeightKg
	if age, ok := a.AgeOn(on); ok {
		out.Age = &age
	}
	out.Sex, out.Bedtime, out.Wake, out.Phase = a.Sex, a.Bedtime, a.Wake, a.Phase
	out.ThresholdsKnown = a.LTHRBPM != nil || a.ThresholdSpeedMPS != nil
	return out
}

// LoadState is the training-load picture at the end of the workout, from
// internal/load. CTL and ATL include the workout; TSB is the form figure the
// runner sees.
type LoadState struct {
	Known         bool // false = no load history: fitness and form are left out
	CTL, ATL, TSB float64
	HistoryDays   int

	SpikePct           *float64 // this run vs the longest of the past 30 days, percent longer
	PrevDayHard        bool     // the previous calendar day had a hard session
	HoursSincePrevHard *float64 // from the previous hard session's end to this workout's end
	HardGapH           float64  // the age rule's gap; 0 = from age (48 h, 72 h from 50)
}

// BodyMass is a weigh-in around the workout (science.md §1: sweat loss =
// pre − post + fluid drunk).
type BodyMass struct {
	PreKg, PostKg float64
	DrunkL        float64 // fluid drunk during the workout; 0 = none or unknown
}
