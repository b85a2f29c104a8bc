package coach

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"rebound"
	"rebound/internal/load"
	"rebound/internal/protocol"
	"rebound/internal/readiness"
)

// Store is what the coach reads and writes.
type Store interface {
	rebound.ActivityStore
	rebound.AthleteStore
	rebound.LoadStore
	rebound.PlanStore
	rebound.CheckInStore
	rebound.DerivedStore
}

// Coach derives and answers for one athlete.
type Coach struct {
	Store     Store
	AthleteID int64
	Load      load.Params
	Wellness  readiness.Params
	Protocol  *protocol.Protocol
	// Now is the clock; Local the zone used when the athlete has none.
	Now   func() time.Time
	Local *time.Location
}

// New returns a coach with the default parameters.
func New(st Store, athleteID int64, proto *protocol.Protocol, now func() time.Time, local *time.Location) *Coach {
	if local == nil {
		local = time.Local
	}
	return &Coach{Store: st, AthleteID: athleteID, Load: load.DefaultParams(), Wellness: readiness.DefaultParams(),
		Protocol: proto, Now: now, Local: local}
}

// derivedKey is where the resolved profile and RPE calibration are kept.
const derivedKey = "load_model_v1"

// model is the derived state kept between commands.
type model struct {
	// AthleteUpdated is the profile's UpdatedAt the thresholds were resolved
	// with: a change of profile re-resolves them.
	AthleteUpdated time.Time           `json:"athlete_updated"`
	Profile        load.Profile        `json:"profile"`
	Calibration    load.RPECalibration `json:"calibration"`
	// Fingerprint of the profile as the load figures use it: when it
	// changes every workout's load is recomputed.
	Fingerprint string `json:"fingerprint"`
	// RestFromCheckIns is the check-in resting HR the profile was resolved
	// with: new check-ins that move it re-resolve the profile.
	RestFromCheckIns *float64 `json:"rest_from_check_ins"`
}

func (c *Coach) readModel(ctx context.Context) (*model, error) {
	b, err := c.Store.Derived(ctx, c.AthleteID, derivedKey)
	if err != nil || b == nil {
		return nil, err
	}
	var m model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil // an old or damaged cache is recomputed, not fatal
	}
	return &m, nil
}

func (c *Coach) writeModel(ctx context.Context, m *model) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return c.Store.PutDerived(ctx, c.AthleteID, derivedKey, b)
}

func fingerprint(p load.Profile) string {
	b, _ := json.Marshal(struct {
		Sex                                 string
		HRMax, HRRest, LTHR, ThresholdSpeed float64
	}{p.Sex, p.HRMaxBPM.Value, p.HRRestBPM.Value, p.LTHRBPM.Value, p.ThresholdSpeedMPS.Value})
	return string(b)
}

// location is the athlete's zone.
func (c *Coach) location(ath *rebound.Athlete) *time.Location { return ath.Location(c.Local) }

// RefreshReport says what Refresh recomputed.
type RefreshReport struct {
	LoadsComputed  int
	ProfileChanged bool
	DaysFrom       load.Date // first day of the daily model rewritten
	DaysWritten    int
}

// Refresh brings the derived data up to date after activities were added,
// the profile changed or check-ins arrived: the resolved thresholds, each
// workout's load (only those that are new or whose inputs changed), and the
// daily model from the first affected day on (an incremental update equal
// to a full recompute). fresh are activities just stored, with their
// streams, so they need not be read back.
func (c *Coach) Refresh(ctx context.Context, fresh []*rebound.Activity) (RefreshReport, error) {
	return c.refresh(ctx, fresh, nil)
}

// refresh is Refresh, using the measurements of spec where they hold.
func (c *Coach) refresh(ctx context.Context, fresh []*rebound.Activity, spec *Speculation) (RefreshReport, error) {
	var rep RefreshReport
	ath, err := c.Store.Athlete(ctx, c.AthleteID)
	if err != nil {
		return rep, err
	}
	acts, err := c.Store.Activities(ctx, c.AthleteID, rebound.ActivityFilter{})
	if err != nil {
		return rep, err
	}
	now := c.Now()
	freshByID := map[int64]*rebound.Activity{}
	for _, a := range fresh {
		if a != nil && a.ID != 0 {
			freshByID[a.ID] = a
		}
	}

	m, err := c.readModel(ctx)
	if err != nil {
		return rep, err
	}
	rest, err := c.restingHR(ctx, now)
	if err != nil {
		return rep, err
	}
	needProfile := m == nil || !m.AthleteUpdated.Equal(ath.UpdatedAt) || c.freshInLookback(fresh, now) || !sameFloat(rest, m.RestFromCheckIns)
	if m == nil {
		m = &model{}
	}
	oldFingerprint := m.Fingerprint
	if needProfile {
		prof, err := c.resolveProfile(ctx, ath, withFresh(acts, freshByID), rest, now)
		if err != nil {
			return rep, err
		}
		m.Profile, m.AthleteUpdated, m.Fingerprint, m.RestFromCheckIns = prof, ath.UpdatedAt, fingerprint(prof), rest
	}
	rep.ProfileChanged = m.Fingerprint != oldFingerprint

	stored, err := c.Store.WorkoutLoads(ctx, c.AthleteID, nil)
	if err != nil {
		return rep, err
	}
	var todo []*rebound.Activity
	var changedStarts []time.Time
	for _, a := range acts {
		_, have := stored[a.ID]
		if rep.ProfileChanged || !have || freshByID[a.ID] != nil {
			todo = append(todo, a)
			changedStarts = append(changedStarts, a.StartTime)
		}
	}
	// A run's character depends on the runs of the RecentDays before it
	// (the long-run rule): those after a new or changed one are measured
	// again, so the incremental result equals a full recompute.
	if !rep.ProfileChanged && len(changedStarts) > 0 {
		todo = withFollowers(acts, todo, changedStarts, c.Load.RecentDays)
	}
	computed, err := c.computeLoads(ctx, todo, acts, freshByID, m, spec)
	if err != nil {
		return rep, err
	}
	for id, wl := range computed {
		stored[id] = wl
	}
	// The RPE calibration depends on every HR-measured session; when it
	// moves, the RPE-measured sessions are measured again.
	cal := load.CalibrateRPE(rpePairs(stored), c.Load)
	if cal.Factor != m.Calibration.Factor {
		m.Calibration = cal
		var rpeActs []*rebound.Activity
		for _, a := range acts {
			if wl, ok := stored[a.ID]; ok && wl.LoadSource == rebound.LoadFromRPE {
				rpeActs = append(rpeActs, a)
			}
		}
		again, err := c.computeLoads(ctx, rpeActs, acts, freshByID, m, spec)
		if err != nil {
			return rep, err
		}
		for id, wl := range again {
			stored[id], computed[id] = wl, wl
		}
	}
	// The loads and the model are written while the daily model is
	// computed from the same loads in memory (on a first import each half
	// is ~0.1 s on one core; the writes themselves take turns on the
	// store's one writer). The daily model reads only its own cached rows.
	// Should writing the loads fail after the days were written, the next
	// refresh finds those loads missing and recomputes them and the days
	// from theirs.
	var wg sync.WaitGroup
	var putErr error
	wg.Go(func() {
		if len(computed) > 0 {
			list := make([]rebound.WorkoutLoad, 0, len(computed))
			for _, wl := range computed {
				list = append(list, wl)
			}
			slices.SortFunc(list, func(a, b rebound.WorkoutLoad) int { return cmpInt(a.ActivityID, b.ActivityID) })
			if putErr = c.Store.PutWorkoutLoads(ctx, c.AthleteID, list); putErr != nil {
				return
			}
		}
		putErr = c.writeModel(ctx, m)
	})
	rep.LoadsComputed = len(computed)

	// Daily model: from the first day a changed workout touches.
	changed := load.Date(1 << 30)
	for _, a := range acts {
		if _, ok := computed[a.ID]; ok {
			changed = min(changed, load.DateOf(a.LocalStart()))
		}
	}
	from, n, err := c.updateDays(ctx, ath, acts, stored, changed, now)
	wg.Wait()
	if putErr != nil {
		return rep, putErr
	}
	if err != nil {
		return rep, err
	}
	rep.DaysFrom, rep.DaysWritten = from, n
	return rep, nil
}

// freshInLookback reports whether a fresh run is recent enough to move the
// estimated thresholds.
func (c *Coach) freshInLookback(fresh []*rebound.Activity, now time.Time) bool {
	cut := now.AddDate(0, 0, -c.Load.ThresholdLookbackDays)
	for _, a := range fresh {
		if a != nil && a.StartTime.After(cut) {
			return true
		}
	}
	return false
}

// resolveProfile estimates the thresholds the runner did not state, from
// the runs of the lookback window and the resting HR of recent check-ins.
// acts are sorted by start; those without streams have theirs read.
func (c *Coach) resolveProfile(ctx context.Context, ath *rebound.Athlete, acts []*rebound.Activity, rest *float64, now time.Time) (load.Profile, error) {
	cut := now.AddDate(0, 0, -c.Load.ThresholdLookbackDays)
	var history []*rebound.Activity
	for _, a := range acts {
		if a.StartTime.Before(cut) || a.StartTime.After(now) {
			continue
		}
		full := a
		// Manual entries have no streams to read (as in computeLoads).
		if full.Streams == nil && full.SourceFormat != "manual" {
			var err error
			if full, err = c.withStreams(ctx, a); err != nil {
				return load.Profile{}, err
			}
		}
		history = append(history, full)
	}
	return load.ResolveProfile(ath, history, rest, now, c.Load), nil
}

// withFresh returns acts with each fresh activity (by ID) in place of its
// summary, so that its streams need not be read back.
func withFresh(acts []*rebound.Activity, fresh map[int64]*rebound.Activity) []*rebound.Activity {
	out := make([]*rebound.Activity, len(acts))
	for i, a := range acts {
		out[i] = a
		if f := fresh[a.ID]; f != nil && f.Streams != nil {
			out[i] = f
		}
	}
	return out
}

// restingHR is the median resting HR of the last 14 days of check-ins, nil
// without any. The median over two weeks follows science.md §7's advice to
// judge resting HR on weekly values, not single mornings.
func (c *Coach) restingHR(ctx context.Context, now time.Time) (*float64, error) {
	cis, err := c.Store.CheckIns(ctx, c.AthleteID, rebound.CivilDate(now.AddDate(0, 0, -14)), rebound.CivilDate(now))
	if err != nil {
		return nil, err
	}
	var vals []float64
	for _, ci := range cis {
		if ci.RestingHRBPM != nil {
			vals = append(vals, *ci.RestingHRBPM)
		}
	}
	if len(vals) == 0 {
		return nil, nil
	}
	slices.Sort(vals)
	med := vals[len(vals)/2]
	if len(vals)%2 == 0 {
		med = (vals[len(vals)/2-1] + vals[len(vals)/2]) / 2
	}
	return &med, nil
}

// computeLoads measures each activity of todo, reading its streams unless it
// is fresh. all is every activity (summaries) for the character's recent
// weeks. Activities are measured in parallel, one worker per CPU: measuring
// is pure CPU work on one activity's streams, and a first import measures
// thousands.
//
// An activity spec measured with m's profile and calibration is only
// classified against the others: its streams are neither read nor
// measured again.
func (c *Coach) computeLoads(ctx context.Context, todo, all []*rebound.Activity, fresh map[int64]*rebound.Activity, m *model, spec *Speculation) (map[int64]rebound.WorkoutLoad, error) {
	out := make(map[int64]rebound.WorkoutLoad, len(todo))
	var mu sync.Mutex
	jobs := make(chan *rebound.Activity)
	errs := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				full := fresh[a.ID]
				if meas, ok := spec.lookup(a, m); ok {
					// Classified on the stored summary, as a later full
					// recompute would be.
					wl := meas.Classify(a, recentBefore(all, a, c.Load.RecentDays), c.Load)
					wl.ActivityID = a.ID
					mu.Lock()
					out[a.ID] = wl
					mu.Unlock()
					continue
				}
				if full == nil || (full.Streams == nil && full.SourceFormat != "manual") {
					var err error
					if full, err = c.withStreams(ctx, a); err != nil {
						select {
						case errs <- fmt.Errorf("measure activity %d: %w", a.ID, err):
						default:
						}
						cancel()
						continue
					}
				}
				cp := *full
				cp.Kind = a.Kind // the runner's tag is authoritative (rebound tag)
				// The stored start, to the millisecond the store keeps: a
				// fresh activity's may have more (GPX and TCX times often
				// do), and a run's character looks at the runs of the weeks
				// before its start, so a later recompute from the store
				// must find the same ones.
				cp.StartTime = a.StartTime
				wl := load.Analyze(&cp, recentBefore(all, &cp, c.Load.RecentDays), m.Profile, m.Calibration, c.Load)
				wl.ActivityID = a.ID
				mu.Lock()
				out[a.ID] = wl
				mu.Unlock()
			}
		}()
	}
feed:
	for _, a := range todo {
		select {
		case jobs <- a:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil && len(out) < len(todo) {
		return nil, err
	}
	return out, nil
}

// withStreams returns a copy of the summary a (from Activities) with its
// stored streams. The load model needs no laps, so it reads the streams
// alone rather than the whole activity again.
func (c *Coach) withStreams(ctx context.Context, a *rebound.Activity) (*rebound.Activity, error) {
	st, err := c.Store.ActivityStreams(ctx, c.AthleteID, a.ID)
	if err != nil {
		return nil, err
	}
	cp := *a
	cp.Streams = st
	return &cp, nil
}

// recentBefore returns the activities that started in the days before a,
// for the character's "recent weeks" (all is sorted by start).
func recentBefore(all []*rebound.Activity, a *rebound.Activity, days int) []*rebound.Activity {
	from := a.StartTime.AddDate(0, 0, -days)
	lo, _ := slices.BinarySearchFunc(all, from, func(x *rebound.Activity, t time.Time) int { return x.StartTime.Compare(t) })
	hi, _ := slices.BinarySearchFunc(all, a.StartTime, func(x *rebound.Activity, t time.Time) int { return x.StartTime.Compare(t) })
	return all[lo:hi]
}

func rpePairs(loads map[int64]rebound.WorkoutLoad) []load.RPEPair {
	var pairs []load.RPEPair
	for _, wl := range loads {
		if wl.LoadSource == rebound.LoadFromHR && wl.SRPE != nil && wl.HRSS != nil {
			pairs = append(pairs, load.RPEPair{SRPE: *wl.SRPE, HRSS: *wl.HRSS})
		}
	}
	return pairs
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// withFollowers adds to todo every activity that starts within days after
// one of the changed starts (acts sorted by start).
func withFollowers(acts, todo []*rebound.Activity, changed []time.Time, days int) []*rebound.Activity {
	in := make(map[int64]bool, len(todo))
	for _, a := range todo {
		in[a.ID] = true
	}
	window := time.Duration(days) * 24 * time.Hour
	j := 0
	slices.SortFunc(changed, time.Time.Compare)
	for _, a := range acts {
		for j < len(changed) && a.StartTime.Sub(changed[j]) > window {
			j++
		}
		if j < len(changed) && !in[a.ID] && a.StartTime.After(changed[j]) {
			todo = append(todo, a)
			in[a.ID] = true
		}
	}
	return todo
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
