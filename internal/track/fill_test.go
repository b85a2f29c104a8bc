package track

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// bitsEqual compares float64s bit for bit, so that NaN equals the same
// NaN and −0 differs from +0.
var bitsEqual = cmp.Comparer(func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })

// randomFill returns streams of up to 40 samples, each channel absent or
// drawn from values that exercise the summary's edge cases (NaN, ±0, the
// moving threshold, hysteresis steps), and an activity whose summary
// fields are each either set or left to Fill.
func randomFill(r *rand.Rand) (*rebound.Activity, *rebound.Streams) {
	picks := []float64{math.NaN(), 0, math.Copysign(0, -1), 0.49, MovingSpeedMPS, 0.51, 3, 150, -5, 1e6}
	n := r.IntN(41)
	s := &rebound.Streams{}
	for _, c := range s.Channels() {
		if r.IntN(5) < 2 {
			continue
		}
		v := make([]float64, n)
		for i := range v {
			if r.IntN(3) == 0 {
				v[i] = picks[r.IntN(len(picks))]
			} else {
				v[i] = r.Float64() * 200
			}
		}
		*c.Values = v
	}
	a := &rebound.Activity{}
	scalar := func(dst *float64) {
		if r.IntN(2) == 0 {
			*dst = picks[r.IntN(len(picks))]
		}
	}
	ptr := func(dst **float64) {
		if r.IntN(2) == 0 {
			x := picks[r.IntN(len(picks))]
			*dst = &x
		}
	}
	scalar(&a.ElapsedS)
	scalar(&a.MovingS)
	scalar(&a.DistanceM)
	scalar(&a.AvgSpeedMPS)
	for _, p := range []**float64{&a.AscentM, &a.DescentM, &a.AvgHeartRateBPM, &a.MaxHeartRateBPM, &a.MaxSpeedMPS,
		&a.AvgTemperatureC, &a.MinTemperatureC, &a.MaxTemperatureC, &a.AvgCadenceSPM, &a.AvgPowerW} {
		ptr(p)
	}
	return a, s
}

// TestFillFromMatchesSummarize: FillFrom must leave an activity exactly as
// Summarize(s).Fill does, on random streams and activities (the expected
// value is Summarize's own, which reference_test.go pins).
func TestFillFromMatchesSummarize(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	for i := range 20000 {
		a, s := randomFill(r)
		want, got := *a, *a
		Summarize(s).Fill(&want)
		FillFrom(&got, s)
		if d := cmp.Diff(&want, &got, bitsEqual); d != "" {
			t.Fatalf("case %d: FillFrom differs from Summarize().Fill (-want +got):\n%s", i, d)
		}
	}
}

// FuzzFillFrom is TestFillFromMatchesSummarize from fuzzed seeds.
func FuzzFillFrom(f *testing.F) {
	for i := range uint64(8) {
		f.Add(i, i*31+1)
	}
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		a, s := randomFill(rand.New(rand.NewPCG(s1, s2)))
		want, got := *a, *a
		Summarize(s).Fill(&want)
		FillFrom(&got, s)
		if d := cmp.Diff(&want, &got, bitsEqual); d != "" {
			t.Fatalf("FillFrom differs from Summarize().Fill (-want +got):\n%s", d)
		}
	})
}
