package load_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"rebound"
	"rebound/internal/load"
)

// TestAnalyze_GarbageStreams runs Analyze on 300 random activities whose
// channels hold NaN, random bit patterns (±Inf, huge, denormal) and differ in
// length by up to 2 samples: no panic, and a finite non-negative load.
func TestAnalyze_GarbageStreams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := load.DefaultParams()
	for it := 0; it < 300; it++ {
		n := r.IntN(6000)
		mk := func() []float64 {
			if r.IntN(4) == 0 {
				return nil
			}
			x := make([]float64, n+r.IntN(3))
			for i := range x {
				switch r.IntN(6) {
				case 0:
					x[i] = math.NaN()
				case 1:
					x[i] = math.Float64frombits(r.Uint64())
				default:
					x[i] = 200 * r.Float64()
				}
			}
			return x
		}
		st := &rebound.Streams{HeartRateBPM: mk(), SpeedMPS: mk(), AltitudeM: mk(), DistanceM: mk(), Lat: mk(), Lon: mk()}
		a := &rebound.Activity{Sport: rebound.SportRunning, MovingS: float64(n), Streams: st}
		wl := load.Analyze(a, nil, testProfile(), load.RPECalibration{}, p)
		if math.IsNaN(wl.Load) || math.IsInf(wl.Load, 0) || wl.Load < 0 || wl.LoadSource == "" {
			t.Errorf("case %d (n %d): load %v from %q", it, n, wl.Load, wl.LoadSource)
		}
	}
}
