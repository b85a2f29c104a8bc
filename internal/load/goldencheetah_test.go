package load

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
)

// TestGoldenCheetahCrossCheck compares Rebound's per-second Banister TRIMP
// with GoldenCheetah's published form (src/Metrics/TRIMPPoints.cpp, the
// average-HR form: minutes · HRr̄ · a · e^(b·HRr̄), science.md §5) on every
// real run with heart rate in the corpus.
//
// The two agree exactly for constant HR. For a real run the per-second sum
// must be at least GoldenCheetah's figure (x·e^(bx) is convex, so the mean
// of the rate is at least the rate of the mean: Jensen's inequality) and,
// for steady running, within a few percent of it. HRSS must be exactly
// GoldenCheetah's TRIMP100 normalisation: 100 · TRIMP / TRIMP(60 min at
// LTHR).
func TestGoldenCheetahCrossCheck(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "fit")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("real-file corpus not found at %s (it sits beside the repository in CI): %v", dir, err)
	}
	p := DefaultParams()
	prof := Profile{Sex: "male", HRMaxBPM: Threshold{Value: 195}, HRRestBPM: Threshold{Value: 50}, LTHRBPM: Threshold{Value: 170}}
	a, b, _ := p.trimpCoeffs("male")
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	checked := 0
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		acts, err := fit.Decode(bytes.NewReader(data), now)
		if err != nil {
			continue // non-activity and corrupt files are the importer's tests
		}
		for _, act := range acts {
			if act.Sport != rebound.SportRunning || act.Streams == nil || act.Streams.HeartRateBPM == nil {
				continue
			}
			wl := Workout(act, prof, RPECalibration{}, p)
			if wl.TRIMP == nil || wl.HRSS == nil {
				continue
			}
			// GoldenCheetah's form over the same (cleaned) samples.
			h := cleanHR(consistent(act.Streams).HeartRateBPM, p, nil)
			sum, n := 0.0, 0
			for _, v := range h.bpm {
				if !math.IsNaN(v) {
					sum += v
					n++
				}
			}
			if n == 0 {
				continue
			}
			gc := TRIMPAverage(float64(n)/60, sum/float64(n), 50, 195, a, b)
			ratio := *wl.TRIMP / gc
			name := strings.TrimSuffix(e.Name(), ".fit")
			t.Logf("%-55s TRIMP %.1f, GoldenCheetah form %.1f, ratio %.3f", name, *wl.TRIMP, gc, ratio)
			if ratio < 1-1e-9 {
				t.Errorf("%s: per-second TRIMP %.3f below the average-HR form %.3f: breaks Jensen's inequality", name, *wl.TRIMP, gc)
			}
			if ratio > 1.25 {
				t.Errorf("%s: per-second TRIMP %.3f is %.2f× the average-HR form: too far for a run", name, *wl.TRIMP, ratio)
			}
			ref := 60 * TRIMPRate((170.0-50)/(195-50), a, b)
			if want := 100 * *wl.TRIMP / ref; math.Abs(*wl.HRSS-want) > 1e-9*want {
				t.Errorf("%s: HRSS %.6f, want GoldenCheetah's TRIMP100 %.6f", name, *wl.HRSS, want)
			}
			checked++
		}
	}
	if checked < 5 {
		t.Errorf("only %d corpus runs with heart rate were checked", checked)
	}
}
