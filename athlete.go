package rebound

import "time"

// DefaultAthleteID is the single athlete of a CLI store. The multi-user server
// keys every row by athlete too, so nothing changes when more appear.
const DefaultAthleteID int64 = 1

// Athlete is the runner's profile as they set it. Nil fields were not given;
// the load model estimates them from the data and says how.
type Athlete struct {
	ID                int64
	Name              string
	BirthDate         *time.Time // a date; the time of day is ignored
	Sex               string     // "female", "male" or ""
	WeightKg          *float64
	HRMaxBPM          *float64
	HRRestBPM         *float64
	LTHRBPM           *float64
	ThresholdSpeedMPS *float64 // threshold pace as a speed
	Units             string   // "km" or "mi"; "" = km
	TimeZone          string   // IANA name; "" = the machine's local zone
	Bedtime           string   // "22:30"; "" = not given
	Wake              string   // "06:00"; "" = not given
	Phase             string   // base, build, peak, taper, race, recovery, off; "" = not given
	UpdatedAt         time.Time
}

// Location returns the athlete's time zone, or fallback when none is set or
// the name is unknown.
func (a *Athlete) Location(fallback *time.Location) *time.Location {
	if a == nil || a.TimeZone == "" {
		return fallback
	}
	loc, err := time.LoadLocation(a.TimeZone)
	if err != nil {
		return fallback
	}
	return loc
}

// AgeOn returns the athlete's age in whole years on day t, and false when the
// birth date is unknown.
func (a *Athlete) AgeOn(t time.Time) (int, bool) {
	if a == nil || a.BirthDate == nil {
		return 0, false
	}
	b := *a.BirthDate
	age := t.Year() - b.Year()
	if t.YearDay() < b.YearDay() {
		age--
	}
	return age, true
}
