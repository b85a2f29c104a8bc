package coach_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/demo"
	"rebound/internal/importer/fit"
	"rebound/internal/load"
	"rebound/internal/protocol"
	"rebound/internal/store"
)

// The tests run against real SQLite files in t.TempDir(): no mocks.

// demoEnd is the day after the demo history's last day; the tests' clock
// reads noon of that day in the demo's zone.
var demoEnd = time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)

func demoNow() time.Time {
	loc, _ := time.LoadLocation(demo.TimeZone)
	return time.Date(2026, 8, 24, 12, 0, 0, 0, loc)
}

// demoData is the built-in 16-week history, generated once per test binary
// (it takes seconds) and decoded once; tests take copies.
type demoData struct {
	hist *demo.History
	acts []*rebound.Activity // FIT files and manual entries, oldest first
}

var (
	demoOnce sync.Once
	demoVal  *demoData
	demoErr  error
)

func demoHistory(tb testing.TB) *demoData {
	tb.Helper()
	demoOnce.Do(func() {
		h, err := demo.Generate(demoEnd, 1)
		if err != nil {
			demoErr = err
			return
		}
		d := &demoData{hist: h}
		for _, f := range h.Files {
			as, err := fit.Decode(bytes.NewReader(f.Data), demoEnd)
			if err != nil {
				demoErr = err
				return
			}
			sum := sha256.Sum256(f.Data)
			for _, a := range as {
				// What internal/importer sets on a decoded file.
				a.AthleteID, a.SourceFile, a.SourceSHA256 = rebound.DefaultAthleteID, f.Name, hex.EncodeToString(sum[:])
			}
			d.acts = append(d.acts, as...)
		}
		d.acts = append(d.acts, h.Manual...)
		slices.SortStableFunc(d.acts, func(a, b *rebound.Activity) int { return a.StartTime.Compare(b.StartTime) })
		demoVal = d
	})
	if demoErr != nil {
		tb.Fatalf("demo history: %v", demoErr)
	}
	return demoVal
}

// copies returns shallow copies of acts (streams and laps shared, read
// only), so each store sets its own IDs.
func copies(acts []*rebound.Activity) []*rebound.Activity {
	out := make([]*rebound.Activity, len(acts))
	for i, a := range acts {
		c := *a
		c.ID = 0
		out[i] = &c
	}
	return out
}

// key names an activity across stores (IDs differ with insertion order).
func key(a *rebound.Activity) string {
	if a.SourceSHA256 != "" {
		return a.SourceSHA256
	}
	return "manual@" + a.StartTime.Format(time.RFC3339)
}

// openStore opens a fresh SQLite store in a temporary directory. Its clock
// (for UpdatedAt) is a counter that moves one second per call, so two
// profile writes never share a timestamp. The refresh writes from two
// goroutines at once, so the counter is locked.
func openStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "rebound.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	var mu sync.Mutex
	tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}
	return st
}

// newCoach returns a coach over st with the built-in protocol and a clock
// that reads *now.
func newCoach(tb testing.TB, st coach.Store, now *time.Time) *coach.Coach {
	tb.Helper()
	p, err := protocol.Load(protocol.Default(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return coach.New(st, rebound.DefaultAthleteID, p, func() time.Time { return *now }, time.UTC)
}

func putAthlete(tb testing.TB, st *store.Store, a rebound.Athlete) *rebound.Athlete {
	tb.Helper()
	a.ID = rebound.DefaultAthleteID
	if err := st.PutAthlete(context.Background(), &a); err != nil {
		tb.Fatal(err)
	}
	return &a
}

func add(tb testing.TB, st *store.Store, acts []*rebound.Activity) {
	tb.Helper()
	res, err := st.AddActivities(context.Background(), rebound.DefaultAthleteID, acts)
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range res {
		if r.Duplicate {
			tb.Fatalf("activity %d (%s) taken for a duplicate of %d", i, key(acts[i]), r.DuplicateOf)
		}
	}
}

func refresh(tb testing.TB, c *coach.Coach, fresh []*rebound.Activity) coach.RefreshReport {
	tb.Helper()
	rep, err := c.Refresh(context.Background(), fresh)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

// storedDays decodes every stored daily row.
func storedDays(tb testing.TB, st *store.Store) ([]rebound.DailyRow, []load.Day) {
	tb.Helper()
	rows, err := st.DailyRows(context.Background(), rebound.DefaultAthleteID)
	if err != nil {
		tb.Fatal(err)
	}
	days := make([]load.Day, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Payload, &days[i]); err != nil {
			tb.Fatalf("row %s: %v", r.Date.Format(time.DateOnly), err)
		}
	}
	return rows, days
}

// loadsByKey returns the stored loads keyed by key(activity), ActivityID
// cleared so two stores compare.
func loadsByKey(tb testing.TB, st *store.Store) map[string]rebound.WorkoutLoad {
	tb.Helper()
	ctx := context.Background()
	acts, err := st.Activities(ctx, rebound.DefaultAthleteID, rebound.ActivityFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	loads, err := st.WorkoutLoads(ctx, rebound.DefaultAthleteID, nil)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]rebound.WorkoutLoad, len(acts))
	for _, a := range acts {
		wl, ok := loads[a.ID]
		if !ok {
			tb.Fatalf("activity %d (%s) has no stored load", a.ID, key(a))
		}
		wl.ActivityID = 0
		out[key(a)] = wl
	}
	return out
}

// synthHistory is a synthetic summary-only history (no streams): n runs
// spread evenly over years ending the day before end, each with an average
// heart rate so its load is HRSS from the average (load.Workout, case
// "HRSS from the average heart rate only"). It has the shape of
// internal/load's BenchmarkDailyModel10y history: 5–25 km, ~5.5 min/km,
// one in four a workout (higher average HR).
func synthHistory(n int, years int, end time.Time) []*rebound.Activity {
	r := rand.New(rand.NewPCG(10, uint64(n)))
	start := end.AddDate(-years, 0, 0)
	span := end.Sub(start) - 24*time.Hour
	acts := make([]*rebound.Activity, n)
	for i := range acts {
		at := start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Add(time.Duration(r.IntN(3600)) * time.Second)
		km := 5 + 20*r.Float64()
		hr := 140 + 10*r.Float64()
		if r.Float64() < 0.25 {
			hr = 160 + 8*r.Float64()
		}
		acts[i] = &rebound.Activity{
			AthleteID: rebound.DefaultAthleteID, Sport: rebound.SportRunning, Name: "Run",
			StartTime: at.UTC(), UTCOffsetS: 3600, OffsetSource: rebound.OffsetFromFile,
			ElapsedS: km * 340, MovingS: km * 330, DistanceM: km * 1000, AvgSpeedMPS: 1000.0 / 330,
			AvgHeartRateBPM: rebound.Float(hr), SourceFormat: "fit", SummarySource: rebound.SummaryFromFile,
			SourceFile: "synthetic.fit", SessionIndex: i,
		}
	}
	return acts
}

// steadyRuns is one summary-only run a day at 07:00 in loc for days days
// from the civil date first: km kilometres at 5:30/km with an average heart
// rate of hr (load: HRSS from the average, as in synthHistory).
func steadyRuns(first time.Time, days int, km, hr float64, loc *time.Location) []*rebound.Activity {
	var acts []*rebound.Activity
	for i := range days {
		y, m, d := first.AddDate(0, 0, i).Date()
		at := time.Date(y, m, d, 7, 0, 0, 0, loc)
		_, off := at.Zone()
		acts = append(acts, &rebound.Activity{
			AthleteID: rebound.DefaultAthleteID, Sport: rebound.SportRunning, Name: "Run",
			StartTime: at.UTC(), UTCOffsetS: off, OffsetSource: rebound.OffsetFromFile,
			ElapsedS: km * 335, MovingS: km * 330, DistanceM: km * 1000, AvgSpeedMPS: 1000.0 / 330,
			AvgHeartRateBPM: rebound.Float(hr), SourceFormat: "fit", SummarySource: rebound.SummaryFromFile,
		})
	}
	return acts
}

// synthAthlete states every threshold, so none is estimated from the
// (stream-less) history.
func synthAthlete() rebound.Athlete {
	birth := time.Date(1985, 3, 1, 0, 0, 0, 0, time.UTC)
	return rebound.Athlete{
		Name: "Synthetic", BirthDate: &birth, Sex: "female", WeightKg: rebound.Float(60),
		HRMaxBPM: rebound.Float(190), HRRestBPM: rebound.Float(50), LTHRBPM: rebound.Float(170),
		ThresholdSpeedMPS: rebound.Float(1000.0 / 250), Units: "km", TimeZone: "Europe/Paris", Phase: "build",
	}
}
