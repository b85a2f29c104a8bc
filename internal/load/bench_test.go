package load_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"rebound"
	"rebound/internal/load"
)

// history10y is a synthetic 10-year history of 3,000 runs (≈ 5.8 a week)
// with their loads already measured.
func history10y() ([]*rebound.Activity, []rebound.WorkoutLoad) {
	r := rand.New(rand.NewPCG(10, 3000))
	start := time.Date(2015, 1, 1, 6, 0, 0, 0, time.UTC)
	span := 10 * 365 * 24 * time.Hour
	acts := make([]*rebound.Activity, 3000)
	loads := make([]rebound.WorkoutLoad, 3000)
	for i := range acts {
		at := start.Add(time.Duration(float64(span) * float64(i) / 3000)).Add(time.Duration(r.IntN(3600)) * time.Second)
		km := 5 + 20*r.Float64()
		acts[i] = &rebound.Activity{ID: int64(i + 1), Sport: rebound.SportRunning, StartTime: at, UTCOffsetS: 3600,
			DistanceM: km * 1000, MovingS: km * 330, ElapsedS: km * 340}
		ch := rebound.CharacterEasy
		if r.Float64() < 0.25 {
			ch = rebound.CharacterWorkout
		}
		loads[i] = rebound.WorkoutLoad{ActivityID: int64(i + 1), Load: km * (4 + 4*r.Float64()), LoadSource: rebound.LoadFromHR, Character: ch}
	}
	return acts, loads
}

// BenchmarkDailyModel10y is the whole daily model for 10 years and 3,000
// activities: days from activities, then every day's figures and the
// status of the last day (issue 3 target: < 5 ms).
func BenchmarkDailyModel10y(b *testing.B) {
	acts, loads := history10y()
	p := load.DefaultParams()
	c0 := cpuTime()
	for b.Loop() {
		in := load.Inputs(acts, loads)
		days := load.Days(in, in[0].Date, in[len(in)-1].Date, p)
		last := days[len(days)-1]
		if _, err := load.StatusOn(days, last.Date, last.Date.Time().Add(20*time.Hour), nil, p); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}

// BenchmarkUpdateLastDay is the incremental path: one more workout today.
func BenchmarkUpdateLastDay(b *testing.B) {
	acts, loads := history10y()
	p := load.DefaultParams()
	in := load.Inputs(acts, loads)
	days := load.Days(in, in[0].Date, in[len(in)-1].Date, p)
	last := in[len(in)-1].Date
	in = append(in, load.DailyInput{Date: last, Load: 50, DistanceM: 8000, TimeS: 2700, Runs: 1, LongestRunM: 8000})
	for b.Loop() {
		load.Update(days, last, in, last, p)
	}
}

// BenchmarkAnalyzeLongRun measures one 95-min 1 Hz run (5,700 samples):
// load, zones, grade, fast finish, surges and character.
func BenchmarkAnalyzeLongRun(b *testing.B) {
	s, _, _ := articleRun(0.3, 3, 1)
	a := runOf(1, t0, s)
	p := load.DefaultParams()
	prof := testProfile()
	c0 := cpuTime()
	for b.Loop() {
		load.Analyze(a, nil, prof, load.RPECalibration{}, p)
	}
	reportCPU(b, c0)
}

// yearOfRuns is a synthetic year of 260 runs of 30–100 min with 1 s
// streams (easy running with hills, surges, some dropouts and GPS jumps),
// the history ResolveProfile reads after an import.
func yearOfRuns(end time.Time) []*rebound.Activity {
	r := rand.New(rand.NewPCG(365, 260))
	runs := make([]*rebound.Activity, 260)
	for i := range runs {
		var ps []piece
		for range 2 + r.IntN(8) {
			ps = append(ps, piece{120 + r.IntN(900), 2.6 + 1.8*r.Float64(), 130 + 45*r.Float64(), 0.1 * (r.Float64() - 0.5)})
		}
		s := synth(ps, 0.3, 3, uint64(i))
		addGPSJumps(s, r.IntN(5), uint64(i))
		runs[i] = runOf(int64(i+1), end.Add(-time.Duration(i)*33*time.Hour), s)
	}
	return runs
}

// BenchmarkResolveProfileYear resolves an athlete who stated nothing from
// a year of runs: every run's credible HRmax, LTHR effort and best 30-min
// grade-adjusted speed (no race on record).
func BenchmarkResolveProfileYear(b *testing.B) {
	on := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	runs := yearOfRuns(on.Add(-time.Hour))
	p := load.DefaultParams()
	c0 := cpuTime()
	for b.Loop() {
		load.ResolveProfile(&rebound.Athlete{}, runs, nil, on, p)
	}
	reportCPU(b, c0)
}
