package rebound

import (
	"context"
	"time"
)

// Store is everything Rebound keeps. The CLI uses the SQLite implementation;
// the server will use PostgreSQL behind the same interface. Every method is
// scoped to one athlete.
type Store interface {
	ActivityStore
	AthleteStore
	LoadStore
	PlanStore
	CheckInStore
	Close() error
}

// AddResult says what happened to one activity handed to AddActivities.
type AddResult struct {
	ID          int64 // the new activity's ID, or the existing one's when Duplicate
	Duplicate   bool
	DuplicateOf int64
}

// ActivityFilter narrows a listing. Zero values mean no limit.
type ActivityFilter struct {
	Since  time.Time // start time ≥ Since
	Until  time.Time // start time < Until
	Limit  int       // newest first when set
	Sports []string
}

// ActivityStore keeps activities with their laps and streams.
type ActivityStore interface {
	// AddActivities stores each activity that is not already there, with its
	// laps and streams, in one transaction: either every activity of the call
	// is stored (or recognised as a duplicate) or none is. Duplicates are the
	// same source file and session, or the same workout from another source
	// (see SameWorkout); they are not stored and are reported in the result.
	AddActivities(ctx context.Context, athleteID int64, acts []*Activity) ([]AddResult, error)
	// HasSource reports whether a file with this SHA-256 was already imported.
	HasSource(ctx context.Context, athleteID int64, sha256 string) (bool, error)
	// Activity returns one activity with laps, and streams when withStreams.
	// A missing ID is an ENotFound error.
	Activity(ctx context.Context, athleteID, id int64, withStreams bool) (*Activity, error)
	// ActivityStreams returns one activity's streams alone: nil when it has
	// none (a manual entry) or no such activity is stored. The load model
	// reads them for activities whose summary it already has.
	ActivityStreams(ctx context.Context, athleteID, id int64) (*Streams, error)
	// Activities lists activity summaries (no laps, no streams), oldest first
	// unless Limit is set, then the newest Limit in oldest-first order.
	Activities(ctx context.Context, athleteID int64, f ActivityFilter) ([]*Activity, error)
	// SetActivityKind records the runner's label for an activity ("" clears it).
	SetActivityKind(ctx context.Context, athleteID, id int64, kind string) error
}

// AthleteStore keeps the athlete's profile.
type AthleteStore interface {
	// Athlete returns the profile; a fresh store returns an empty profile
	// with the ID set, not an error.
	Athlete(ctx context.Context, athleteID int64) (*Athlete, error)
	PutAthlete(ctx context.Context, a *Athlete) error
}

// SameWorkoutWindow is how far apart two recordings of one workout may start.
const SameWorkoutWindow = 60 * time.Second

// SameWorkout reports whether a and b are the same workout recorded or
// exported twice (e.g. the FIT from a Garmin export and the GPX of the same
// run from Strava): same sport family, starts within 60 s, and durations
// within 10% or 5 minutes of each other, whichever is larger.
func SameWorkout(a, b *Activity) bool {
	fa, fb := sportFamily(a.Sport), sportFamily(b.Sport)
	if fa != "" && fb != "" && fa != fb {
		return false
	}
	d := a.StartTime.Sub(b.StartTime)
	if d < 0 {
		d = -d
	}
	if d > SameWorkoutWindow {
		return false
	}
	da, db := a.ElapsedS, b.ElapsedS
	diff := da - db
	if diff < 0 {
		diff = -diff
	}
	tol := 0.10 * max(da, db)
	if tol < 300 {
		tol = 300
	}
	return diff <= tol
}

// sportFamily folds sports that exporters name differently for the same
// workout (Strava "Run" vs FIT "running", GPX with no type).
func sportFamily(s string) string {
	switch s {
	case SportRunning, "run", "trail_running", "treadmill":
		return SportRunning
	case SportWalking, SportHiking, "walk", "hike":
		return SportWalking
	case SportCycling, "ride", "biking", "virtual_ride", "e_biking":
		return SportCycling
	case "", SportOther, "generic":
		return "" // unknown: matches any sport
	}
	return s
}

// LoadStore keeps what internal/load computes: each workout's load, and the
// daily model (fitness, fatigue, form, ...) as opaque rows so the store does
// not depend on the model's shape.
type LoadStore interface {
	// PutWorkoutLoads stores each load, replacing the activity's previous one.
	PutWorkoutLoads(ctx context.Context, athleteID int64, loads []WorkoutLoad) error
	// WorkoutLoads returns the stored loads keyed by activity ID (every
	// activity's when ids is empty).
	WorkoutLoads(ctx context.Context, athleteID int64, ids []int64) (map[int64]WorkoutLoad, error)
	// ReplaceDailyRows deletes the rows dated on or after from and stores
	// rows in one transaction: an incremental update of the daily model.
	ReplaceDailyRows(ctx context.Context, athleteID int64, from time.Time, rows []DailyRow) error
	// DailyRows returns every stored row, oldest first.
	DailyRows(ctx context.Context, athleteID int64) ([]DailyRow, error)
}

// DailyRow is one day of the daily training-load model, serialised by its
// owner (internal/load). Date is the civil date at 00:00 UTC.
type DailyRow struct {
	Date    time.Time
	Payload []byte
}

// PlanStore keeps recovery plans, one per activity, with a revision that
// grows whenever the plan's content (its Version hash) changes, so calendar
// clients see SEQUENCE increase.
type PlanStore interface {
	// PutPlan stores p for p.ActivityID and returns the stored revision:
	// unchanged when p.Version equals the stored plan's, else one more
	// (0 for a first plan). p.Revision is set to it.
	PutPlan(ctx context.Context, athleteID int64, p *Plan) (int, error)
	// Plan returns the stored plan of an activity (ENotFound if none).
	Plan(ctx context.Context, athleteID, activityID int64) (*Plan, error)
	// Plans lists plans whose workout ended at or after since, oldest first.
	Plans(ctx context.Context, athleteID int64, since time.Time) ([]*Plan, error)
}

// DerivedStore keeps values derived from the rest of the store that are
// costly to recompute on every command (the resolved threshold profile, the
// RPE calibration), as opaque payloads under a key.
type DerivedStore interface {
	// PutDerived stores payload under key, replacing the previous one.
	PutDerived(ctx context.Context, athleteID int64, key string, payload []byte) error
	// Derived returns the payload under key, or nil (and no error) when none.
	Derived(ctx context.Context, athleteID int64, key string) ([]byte, error)
}
