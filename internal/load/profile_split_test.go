package load_test

import (
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/load"
)

// TestResolveProfile_SplitDoesNotMatter: ResolveProfile measures the runs
// of its window on every CPU; the profile, with its explanations (which
// run's date is quoted), must be the one measured on one goroutine.
// Two identical hardest runs on different days check that a tie still
// goes to the earlier run, as it did in the sequential loop.
func TestResolveProfile_SplitDoesNotMatter(t *testing.T) {
	p := load.DefaultParams()
	on := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var runs []*rebound.Activity
	for i := range 23 {
		day := on.AddDate(0, 0, -60+2*i)
		v := 2.8 + 0.05*float64(i%7)
		hr := 140 + float64(i%9)*4
		if i == 5 || i == 17 { // the two hardest, identical
			v, hr = 4.0, 176
		}
		s := synth([]piece{{600, 2.8, 135, 0}, {1900, v, hr, 0.01}, {400, 2.5, 130, -0.02}}, 0.1, 1.5, 42)
		runs = append(runs, runOf(int64(i+1), day, s))
	}
	// One run without HR and one walk: skipped by the HR and run rules.
	noHR := synth([]piece{{2000, 3.9, math.NaN(), 0}}, 0.1, 0, 7)
	runs = append(runs, runOf(90, on.AddDate(0, 0, -3), noHR))
	walk := runOf(91, on.AddDate(0, 0, -2), synth([]piece{{2000, 1.4, 110, 0}}, 0.05, 1, 8))
	walk.Sport = rebound.SportWalking
	runs = append(runs, walk)

	athletes := map[string]*rebound.Athlete{
		"nothing stated": {},
		"HRmax stated":   {HRMaxBPM: rebound.Float(192)},
		"both stated":    {HRMaxBPM: rebound.Float(192), LTHRBPM: rebound.Float(170)},
	}
	for name, a := range athletes {
		t.Run(name, func(t *testing.T) {
			prev := runtime.GOMAXPROCS(1)
			want := load.ResolveProfile(a, runs, nil, on, p)
			runtime.GOMAXPROCS(4)
			got := load.ResolveProfile(a, runs, nil, on, p)
			runtime.GOMAXPROCS(prev)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("profile on 4 CPUs differs from 1 CPU (-one +four):\n%s", diff)
			}
			// The tie: i = 5 is the earlier of the two hardest runs, whose
			// streams are identical (same pieces, same noise seed).
			first := runs[5].StartTime.Format(time.DateOnly)
			if !strings.Contains(got.ThresholdSpeedMPS.How, first) {
				t.Errorf("threshold pace %q, want it from the earlier tied run, %s", got.ThresholdSpeedMPS.How, first)
			}
			if a.LTHRBPM == nil && !strings.Contains(got.LTHRBPM.How, first) {
				t.Errorf("LTHR %q, want it from the earlier tied run, %s", got.LTHRBPM.How, first)
			}
		})
	}
}
