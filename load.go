package rebound

// Workout characters (issue "training load"): what kind of session an
// activity was, decided by internal/load or set by the runner (rebound tag).
const (
	CharacterEasy    = "easy"
	CharacterLong    = "long"
	CharacterWorkout = "workout"
	CharacterRace    = "race"
)

// Sources of an activity's single load figure, in order of preference.
const (
	LoadFromHR     = "hr"     // HRSS from a credible heart-rate stream
	LoadFromPace   = "pace"   // rTSS from grade-adjusted pace
	LoadFromRPE    = "rpe"    // session-RPE, calibrated to the TSS-like scale
	LoadFromManual = "manual" // duration-based estimate for a manual entry without RPE
	LoadFromNone   = "none"   // nothing to measure (no HR, no speed, no RPE)
)

// WorkoutLoad is what internal/load measures for one activity. It is stored
// with the activity and recomputed when the profile changes.
type WorkoutLoad struct {
	ActivityID int64

	TRIMP *float64 // Banister TRIMP (Morton 1990)
	HRSS  *float64 // TRIMP normalised: 1 h at LTHR = 100
	RTSS  *float64 // hours · (NGP/threshold speed)² · 100, Minetti-graded
	SRPE  *float64 // RPE × minutes (Foster 2001)

	Load       float64 // the one TSS-like figure used by the daily model
	LoadSource string  // LoadFromHR, ...
	LoadWhy    string  // one line: which rule chose the source and why

	HRZones   []ZoneTime // Friel %LTHR zones; nil without HR
	PaceZones []ZoneTime // Daniels zones from threshold pace; nil without speed

	Character         string // CharacterEasy, ...
	CharacterDetail   string // e.g. "intervals", "tempo", "fast finish", "progression"
	CharacterWhy      string
	CharacterOverride bool // true when the runner set it with rebound tag

	FastFinish *Segment  // nil when none
	Surges     []Segment // short faster bursts inside the run

	QualityFlags []string // e.g. "hr_dropouts", "hr_spikes", "gps_jumps", "no_hr_stream"
}

// ZoneTime is the time spent in one zone.
type ZoneTime struct {
	Zone     string  // "Z1", "Z5a", "E", "T", ...
	LowBPM   float64 `json:",omitempty"` // bounds in the zone's unit: bpm for HR zones,
	HighBPM  float64 `json:",omitempty"` // m/s for pace zones (LowMPS/HighMPS)
	LowMPS   float64 `json:",omitempty"`
	HighMPS  float64 `json:",omitempty"`
	Seconds  float64
	Fraction float64 // of the time with valid data
}

// Segment is a stretch of an activity, by offset from its start.
type Segment struct {
	StartS    float64 // seconds after the activity's start
	DurationS float64
	DistanceM float64
	SpeedMPS  float64
	AvgHRBPM  *float64
}
