package coach

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"rebound"
	"rebound/internal/load"
)

// Speculation measures the activities of an import while the importer has
// their streams in memory, with the thresholds and RPE calibration that
// Refresh is expected to use afterwards; its Coach.RefreshWith then only classifies
// them (load.Measurement.Classify) instead of reading every stream back
// from the store and measuring it there, a seventh of a first import's CPU
// time (docs/PERFORMANCE.md). The expectation is checked, not trusted: a
// measurement is used only when Refresh ends with exactly the profile and
// calibration it was made with, and for an activity of the same kind;
// anything else is measured as without a Speculation. The results are the
// same either way (TestSpeculationMatchesRefresh).
//
// The thresholds come from the last ThresholdLookbackDays of runs. Those
// among the files being imported must therefore be known before the import:
// the importer decodes them ahead (importer.Options.Ahead) and passes them
// to Speculate. A recent run that arrives without having been seen ahead
// would move the thresholds, so it stops the speculation (Stored).
//
// Measure may be called from many goroutines at once; a nil *Speculation
// measures nothing.
type Speculation struct {
	c     *Coach
	model model     // as Refresh is expected to resolve it
	cut   time.Time // start of the lookback window
	now   time.Time
	ahead map[activityKey]bool
	dead  atomic.Bool

	// measurers holds *load.Measurer: each keeps its scratch memory from
	// one activity to the next, and Measure runs concurrently in the
	// import's workers, so each call takes one of its own (a pool per
	// Speculation, not a package's, which would be global state).
	measurers sync.Pool

	mu       sync.Mutex
	measured map[activityKey]measured
}

// activityKey identifies an activity before it has an ID: its file and
// session, and its start. The start is in milliseconds, as the store keeps
// it, so that the key of a decoded activity is also the key of its stored
// summary (Activities), and the refresh can find a measurement without
// the import keeping every new activity's summary until then.
type activityKey struct {
	sha     string
	session int
	start   int64 // Unix milliseconds
}

func keyOf(a *rebound.Activity) activityKey {
	return activityKey{sha: a.SourceSHA256, session: a.SessionIndex, start: a.StartTime.UnixMilli()}
}

// measured is one speculative measurement and the runner's label it was
// made with (the manual-load estimate and the character depend on it).
type measured struct {
	m    load.Measurement
	kind string
}

// Speculate prepares a Speculation for an import whose recent activities
// (those that may start in the lookback window) are ahead, decoded with
// their streams as they will be stored. complete says ahead holds every
// such activity of the import; without that nothing is speculated and nil
// is returned.
func (c *Coach) Speculate(ctx context.Context, ahead []*rebound.Activity, complete bool) (*Speculation, error) {
	if !complete {
		return nil, nil
	}
	ath, err := c.Store.Athlete(ctx, c.AthleteID)
	if err != nil {
		return nil, err
	}
	acts, err := c.Store.Activities(ctx, c.AthleteID, rebound.ActivityFilter{})
	if err != nil {
		return nil, err
	}
	m, err := c.readModel(ctx)
	if err != nil {
		return nil, err
	}
	now := c.Now()
	rest, err := c.restingHR(ctx, now)
	if err != nil {
		return nil, err
	}
	// The same decision and resolution as Refresh, with the ahead runs as
	// the fresh ones.
	if m == nil || !m.AthleteUpdated.Equal(ath.UpdatedAt) || c.freshInLookback(ahead, now) || !sameFloat(rest, m.RestFromCheckIns) {
		all := append(slices.Clip(acts), ahead...)
		slices.SortStableFunc(all, func(a, b *rebound.Activity) int { return a.StartTime.Compare(b.StartTime) })
		prof, err := c.resolveProfile(ctx, ath, all, rest, now)
		if err != nil {
			return nil, err
		}
		if m == nil {
			m = &model{}
		}
		m.Profile = prof
	}
	s := &Speculation{c: c, model: *m, now: now, cut: now.AddDate(0, 0, -c.Load.ThresholdLookbackDays),
		ahead: make(map[activityKey]bool, len(ahead)), measured: map[activityKey]measured{}}
	for _, a := range ahead {
		s.ahead[keyOf(a)] = true
	}
	return s, nil
}

// Measure measures a, decoded and not yet stored, unless the speculation
// has stopped.
func (s *Speculation) Measure(a *rebound.Activity) {
	if s == nil || s.dead.Load() {
		return
	}
	lm, _ := s.measurers.Get().(*load.Measurer)
	if lm == nil {
		lm = new(load.Measurer)
	}
	meas := lm.Measure(a, s.model.Profile, s.model.Calibration, s.c.Load)
	s.measurers.Put(lm)
	s.mu.Lock()
	s.measured[keyOf(a)] = measured{m: meas, kind: a.Kind}
	s.mu.Unlock()
}

// Stored is told of each activity the import stored. A run in the lookback
// window that was not among the ahead activities means the thresholds will
// not be the expected ones: the speculation stops, and what it measured is
// dropped.
func (s *Speculation) Stored(acts []*rebound.Activity) {
	if s == nil || s.dead.Load() {
		return
	}
	for _, a := range acts {
		if !a.StartTime.Before(s.cut) && !a.StartTime.After(s.now) && !s.ahead[keyOf(a)] {
			s.dead.Store(true)
			s.mu.Lock()
			s.measured = nil
			s.mu.Unlock()
			return
		}
	}
}

// RefreshWith is Refresh using spec's measurements where they hold; a nil
// spec is plain Refresh.
func (c *Coach) RefreshWith(ctx context.Context, fresh []*rebound.Activity, spec *Speculation) (RefreshReport, error) {
	if spec == nil || spec.dead.Load() || spec.c != c {
		return c.Refresh(ctx, fresh)
	}
	return c.refresh(ctx, fresh, spec)
}

// lookup returns the measurement of the stored activity a (its summary)
// when one was made while it was imported, with m's profile and calibration
// and a's label. Only activities decoded by this import were measured, and
// a file imported before is never decoded again, so a key found is a's own
// measurement.
func (s *Speculation) lookup(a *rebound.Activity, m *model) (load.Measurement, bool) {
	if s == nil || s.dead.Load() {
		return load.Measurement{}, false
	}
	if s.model.Calibration != m.Calibration || !reflect.DeepEqual(s.model.Profile, m.Profile) {
		return load.Measurement{}, false
	}
	s.mu.Lock()
	got, ok := s.measured[keyOf(a)]
	s.mu.Unlock()
	if !ok || got.kind != a.Kind {
		return load.Measurement{}, false
	}
	return got.m, true
}
