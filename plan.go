package rebound

import "time"

// Step kinds of a recovery plan (issue "the recovery plan"). The order is the
// article's routine; a plan lists its steps by time, not by kind.
const (
	StepPreRun   = "pre_run"   // before the next key run: hydrate, caffeine, fuel
	StepRefuel   = "refuel"    // ≤ 10 min after: protein + simple sugars
	StepHydrate  = "hydrate"   // ≤ 30 min after: fluids with sodium
	StepMobility = "mobility"  // light strength / dynamic mobility, or feet up after a race
	StepMeal     = "meal"      // 45–60 min after: a full meal
	StepShower   = "shower"    // ~90 min after: shower, keep drinking, wind down
	StepNap      = "nap"       // ~2 h after, capped at 90 min, ends by 16:00
	StepCaffeine = "caffeine"  // after the nap: coffee or tea, or decaf/herbal near bedtime
	StepWalk     = "walk"      // 10-min easy walk or drills
	StepSleep    = "sleep"     // that night: bedtime from the wake time and sleep target
	StepIceBath  = "ice_bath"  // cold-water immersion when the policy allows it
	StepRedAlert = "red_alert" // Red Alert Recovery Mode: what triggered it, what changes, what ends it
)

// StepKinds lists every step kind in the article's order.
func StepKinds() []string {
	return []string{StepPreRun, StepRefuel, StepHydrate, StepMobility, StepMeal, StepShower,
		StepNap, StepCaffeine, StepWalk, StepSleep, StepIceBath, StepRedAlert}
}

// Ice-bath advice values.
const (
	IceBathSkip        = "skip"
	IceBathOptional    = "optional"
	IceBathRecommended = "recommended"
)

// Confidence levels of a recovery estimate.
const (
	ConfidenceLow    = "low"
	ConfidenceMedium = "medium"
	ConfidenceHigh   = "high"
)

// Plan variants: easy runs get the light plan, long runs and workouts the
// full one, races the post-race variant.
const (
	PlanLight    = "light"
	PlanFull     = "full"
	PlanPostRace = "post_race"
)

// Plan is the timed recovery protocol for one workout. Every time is in the
// athlete's local zone, so it marshals as RFC 3339 with the local offset. The
// JSON shape is the contract of `rebound plan --json` and the web API.
type Plan struct {
	ActivityID int64     `json:"activity_id"`
	EndedAt    time.Time `json:"ended_at"`
	Character  string    `json:"character"` // CharacterEasy, ...
	Variant    string    `json:"variant"`   // PlanLight, PlanFull, PlanPostRace
	TimeZone   string    `json:"time_zone"` // IANA name the times are shown in

	// Version is a short hash of the plan's content: it changes whenever any
	// step, amount or time changes. Revision is set by the store, which
	// increments it when Version changes; calendars use it as SEQUENCE.
	Version  string `json:"version"`
	Revision int    `json:"revision"`

	RedAlert RedAlert      `json:"red_alert"`
	IceBath  IceBathAdvice `json:"ice_bath"`
	Recovery Recovery      `json:"recovery"`
	Steps    []Step        `json:"steps"`
	Notes    []string      `json:"notes,omitempty"` // data gaps and assumptions, e.g. "no body mass on file"
}

// RedAlert is Red Alert Recovery Mode: on when load (and, later, wellness)
// signals are bad; the plan then holds hard sessions until ExitRule is met.
type RedAlert struct {
	Active   bool       `json:"active"`
	Since    *time.Time `json:"since,omitempty"`
	Triggers []Trigger  `json:"triggers"`
	ExitRule string     `json:"exit_rule"`
}

// Trigger is one signal that switched Red Alert on.
type Trigger struct {
	Signal string  `json:"signal"` // "tsb", "single_run_spike", "back_to_back_hard", or a wellness signal name
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Why    string  `json:"why"`
	Source string  `json:"source"`
}

// IceBathAdvice is the plan's cold-water-immersion verdict.
type IceBathAdvice struct {
	Advice string `json:"advice"` // IceBathSkip, IceBathOptional, IceBathRecommended
	Why    string `json:"why"`
}

// Recovery is the estimate of when the next hard session can start.
type Recovery struct {
	Hours         float64        `json:"hours"`
	ReadyAt       time.Time      `json:"ready_at"`
	Contributions []Contribution `json:"contributions"`
	Confidence    string         `json:"confidence"` // ConfidenceLow, ...
	ConfidenceWhy string         `json:"confidence_why,omitempty"`
}

// Contribution is one term of a recovery estimate; the terms sum to Hours.
type Contribution struct {
	Name   string  `json:"name"` // "workout load", "fitness", "form", "hard-session gap", "sleep", ...
	Hours  float64 `json:"hours"`
	Why    string  `json:"why"`
	Source string  `json:"source,omitempty"`
}

// Step is one timed action of a plan. Amounts are SI with the unit in the key
// (protein_g, carbs_g, fluid_ml, sodium_mg, caffeine_mg, ...); per-kilogram
// amounts end in _per_kg when the body mass is unknown.
type Step struct {
	ID          string             `json:"id"`   // the protocol step it came from, e.g. "refuel", "race_walk"
	Kind        string             `json:"kind"` // StepRefuel, ...
	At          time.Time          `json:"at"`
	OffsetMin   float64            `json:"offset_min"` // minutes after the workout ended
	DurationMin float64            `json:"duration_min"`
	Title       string             `json:"title"`
	Detail      string             `json:"detail"`
	Amounts     map[string]float64 `json:"amounts"`
	Why         string             `json:"why"`
	Source      string             `json:"source"`
}

// End is when the step's window closes.
func (s *Step) End() time.Time {
	return s.At.Add(time.Duration(s.DurationMin * float64(time.Minute)))
}
