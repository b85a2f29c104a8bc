package load

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestContextMedianMatchesSortedWindows checks the sliding sorted window
// against the definition: at every 10th second the median of the moving
// samples within ±half seconds, held for the next 10.
func TestContextMedianMatchesSortedWindows(t *testing.T) {
	p := DefaultParams()
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 50 {
		n := 1 + rng.IntN(3000)
		v := make([]float64, n)
		for i := range v {
			switch r := rng.Float64(); {
			case r < 0.05:
				v[i] = math.NaN()
			case r < 0.10:
				v[i] = 0.2 // standing: not moving
			default:
				v[i] = 2 + 3*rng.Float64()
				if rng.Float64() < 0.2 {
					v[i] = math.Round(v[i]*10) / 10 // repeated values
				}
			}
		}
		half := 1 + rng.IntN(120)
		got := contextMedian(make([]float64, n), v, speedKeys(v, p), nil, half)
		for c := 0; c < n; c += 10 {
			var buf []float64
			for j := max(0, c-half); j <= min(n-1, c+half); j++ {
				if !math.IsNaN(v[j]) && v[j] >= p.MovingSpeedMPS {
					buf = append(buf, v[j])
				}
			}
			want := median(buf)
			for k := c; k < min(n, c+10); k++ {
				if !(got[k] == want || math.IsNaN(got[k]) && math.IsNaN(want)) {
					t.Fatalf("trial %d (n %d, half %d): second %d median %v, want %v", trial, n, half, k, got[k], want)
				}
			}
		}
	}
}
