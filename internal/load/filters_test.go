package load

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The fast stream helpers must give exactly what their definitions give:
// these tests compare them bit for bit (NaN equal to NaN, −0 not equal to
// +0) on random data full of the awkward cases: NaN gaps, ±0, ±Inf,
// repeated values, huge values.

func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// awkward returns n values drawn from a mix of speeds, repeats, zeros of
// both signs, NaN, ±Inf and huge values.
func awkward(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch k := r.IntN(20); {
		case k == 0:
			x[i] = math.NaN()
		case k == 1:
			x[i] = math.Copysign(0, -1)
		case k == 2:
			x[i] = 0
		case k == 3:
			x[i] = math.Inf(1 - 2*r.IntN(2))
		case k == 4:
			x[i] = 1e300 * r.Float64()
		case k < 9:
			x[i] = float64(r.IntN(4)) // repeated values
		default:
			x[i] = 5 * r.Float64()
		}
	}
	return x
}

// windowMedian is the definition: the median of the non-NaN values of
// x[i−half, i+half] in index order, sorted.
func windowMedian(x []float64, i, half int) float64 {
	var buf []float64
	for j := max(0, i-half); j <= min(len(x)-1, i+half); j++ {
		if !math.IsNaN(x[j]) {
			buf = append(buf, x[j])
		}
	}
	return median(buf)
}

// TestMedianFilterMatchesDefinition covers windows of up to 11 values,
// which slices.Sort sorts by insertion (stably), as cleanSpeed's 5 s filter.
func TestMedianFilterMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		n, half := r.IntN(60), r.IntN(6)
		x := awkward(r, n)
		got := medianFilter(slices.Clone(x), half)
		for i := range x {
			want := math.NaN()
			if !math.IsNaN(x[i]) {
				want = windowMedian(x, i, half)
			}
			if !same(got[i], want) {
				t.Fatalf("trial %d (half %d): sample %d = %v, want %v; x = %v", trial, half, i, got[i], want, x)
			}
		}
	}
}

func TestFarFromMedianMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	limits := []float64{20, 0, -1, 3.5, 1e300, 1e301, math.Inf(1), math.NaN()}
	for trial := range 300 {
		n := 1 + r.IntN(40)
		x := awkward(r, n)
		for i := range x {
			if r.IntN(2) == 0 && !math.IsNaN(x[i]) {
				x[i] = 140 + 30*r.Float64() // mostly heart rates
			}
		}
		limit := limits[trial%len(limits)]
		for i := range x {
			if math.IsNaN(x[i]) {
				continue
			}
			want := math.Abs(x[i]-windowMedian(x, i, 5)) > limit
			if got := farFromMedian(x, i, 5, limit); got != want {
				t.Fatalf("trial %d (limit %v): sample %d: %v, want %v; x = %v", trial, limit, i, got, want, x)
			}
		}
	}
}

func TestPositionJumpsMatchesHaversine(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 200 {
		n := r.IntN(300)
		lat, lon := make([]float64, n), make([]float64, n)
		la, lo := 180*r.Float64()-90, 360*r.Float64()-180
		for i := range n {
			// Steps from a few metres to just around and far beyond the
			// 12 m/s limit, gaps, and now and then garbage.
			step := []float64{3e-5, 1.05e-4, 1.1e-4, 1e-3, 0.5, 100}[r.IntN(6)]
			la += step * (r.Float64() - 0.5)
			lo += step * (r.Float64() - 0.5)
			lat[i], lon[i] = la, lo
			switch r.IntN(30) {
			case 0:
				lat[i] = math.NaN()
			case 1:
				lon[i] = math.Inf(1)
			case 2:
				lat[i] = 1e200
			}
		}
		for _, limit := range []float64{12, 0, -3, math.NaN(), 1e9} {
			want, prev := 0, -1
			for i := range n {
				if math.IsNaN(lat[i]) || math.IsNaN(lon[i]) {
					continue
				}
				if prev >= 0 && haversineM(lat[prev], lon[prev], lat[i], lon[i]) > limit*float64(i-prev) {
					want++
				}
				prev = i
			}
			if got := positionJumps(lat, lon, limit); got != want {
				t.Fatalf("trial %d, limit %v: %d jumps, want %d", trial, limit, got, want)
			}
		}
	}
}

func TestPrefixAndCentredMeanMatchDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for trial := range 200 {
		n := r.IntN(80)
		x := make([]float64, n)
		for i := range x {
			x[i] = 3 + r.NormFloat64()
			if trial%2 == 1 && r.IntN(6) == 0 {
				x[i] = math.NaN()
			}
		}
		// The definition: running sums and counts of the finite values.
		sum, cnt := make([]float64, n+1), make([]float64, n+1)
		for i, v := range x {
			sum[i+1], cnt[i+1] = sum[i], cnt[i]
			if !math.IsNaN(v) {
				sum[i+1] += v
				cnt[i+1]++
			}
		}
		mean := func(lo, hi int) float64 {
			lo, hi = max(lo, 0), min(hi, n)
			if hi <= lo || cnt[hi] == cnt[lo] {
				return math.NaN()
			}
			return (sum[hi] - sum[lo]) / (cnt[hi] - cnt[lo])
		}
		pr := newPrefixIn(x, &scratch{})
		for lo := -2; lo <= n+1; lo++ {
			for hi := lo - 1; hi <= n+2; hi++ {
				if got, want := pr.mean(lo, hi), mean(lo, hi); !same(got, want) {
					t.Fatalf("trial %d: mean(%d, %d) = %v, want %v", trial, lo, hi, got, want)
				}
				c := 0
				if l, h := max(lo, 0), min(hi, n); h > l {
					c = int(cnt[h] - cnt[l])
				}
				if got := pr.count(lo, hi); got != c {
					t.Fatalf("trial %d: count(%d, %d) = %d, want %d", trial, lo, hi, got, c)
				}
			}
		}
		half := r.IntN(10)
		sm := centredMean(make([]float64, n), x, pr, half)
		for i := range x {
			want := math.NaN()
			if !math.IsNaN(x[i]) {
				want = mean(i-half, i+half+1)
			}
			if !same(sm[i], want) {
				t.Fatalf("trial %d: centred mean at %d = %v, want %v", trial, i, sm[i], want)
			}
		}
	}
}

// TestRankWindowMedian checks the bucketed order statistics against a sort,
// on whole arrays (movingMedian) and windows (contextMedian), including
// infinite and huge speeds that crowd every value into one bucket; every
// other trial with singleValues and countAll, the shortcuts Analyze takes,
// and speeds quantised as stored (1 mm/s) so that they fire; those must
// also give the very bits of the plain path.
func TestRankWindowMedian(t *testing.T) {
	p := DefaultParams()
	r := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		n := r.IntN(500)
		v := awkward(r, n)
		if trial%3 == 0 {
			for i := range v { // finite speeds only: buckets spread out
				if math.IsNaN(v[i]) || math.IsInf(v[i], 0) || v[i] > 10 {
					v[i] = 3 + r.NormFloat64()
				}
			}
		}
		shortcuts := trial%2 == 1
		if shortcuts && trial%3 != 2 {
			for i := range v {
				v[i] = math.Round(v[i]*1000) / 1000
			}
		}
		var moving []float64
		for _, x := range v {
			if !math.IsNaN(x) && x >= p.MovingSpeedMPS {
				moving = append(moving, x)
			}
		}
		want := median(moving)
		keys := speedKeys(v, p)
		w := rankWindow{v: v, bucket: keys, hi: n - 1}
		for i := range v {
			w.count(i, +1)
		}
		plain := w.median()
		if !(plain == want || math.IsNaN(plain) && math.IsNaN(want)) {
			t.Fatalf("trial %d: median %v, want %v", trial, plain, want)
		}
		var single []float64
		if shortcuts {
			single = singleValues(make([]float64, speedBuckets), v, keys)
			w := rankWindow{v: v, bucket: keys, single: single}
			w.countAll()
			if got := w.median(); !same(got, plain) {
				t.Fatalf("trial %d: median with shortcuts %v, without %v", trial, got, plain)
			}
		}
		half := r.IntN(100)
		got := contextMedian(make([]float64, n), v, keys, single, half)
		if shortcuts {
			without := contextMedian(make([]float64, n), v, keys, nil, half)
			for i := range got {
				if !same(got[i], without[i]) {
					t.Fatalf("trial %d (half %d): context median at %d with shortcuts %v, without %v", trial, half, i, got[i], without[i])
				}
			}
		}
		for c := 0; c < n; c += 10 {
			var buf []float64
			for j := max(0, c-half); j <= min(n-1, c+half); j++ {
				if !math.IsNaN(v[j]) && v[j] >= p.MovingSpeedMPS {
					buf = append(buf, v[j])
				}
			}
			want := median(buf)
			if !(got[c] == want || math.IsNaN(got[c]) && math.IsNaN(want)) {
				t.Fatalf("trial %d (half %d): context median at %d = %v, want %v", trial, half, c, got[c], want)
			}
		}
	}
}

func TestRangeMeansMatchPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for trial := range 200 {
		n := 1 + r.IntN(200)
		x := awkward(r, n)
		var ranges [][2]int
		for at := r.IntN(5); at < n; {
			end := min(n-1, at+r.IntN(20))
			ranges = append(ranges, [2]int{at, end})
			at = end + 1 + r.IntN(10)
		}
		pr := newPrefix(x)
		for k, got := range rangeMeans(x, ranges) {
			if want := pr.mean(ranges[k][0], ranges[k][1]+1); !same(got, want) {
				t.Fatalf("trial %d: range %v mean %v, want %v", trial, ranges[k], got, want)
			}
		}
	}
}

// TestCleanHRMatchesDefinition checks cleanHR's sliding window against
// the definition sample by sample: NaN stays NaN, values outside 25–250
// bpm and values farFromMedian (the 11 s window, by sorting) become NaN,
// others are kept; the counts follow.
func TestCleanHRMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	limits := []float64{20, 0, 3.5, 1e300, 1e301, math.Inf(1), math.NaN()}
	for trial := range 400 {
		n := r.IntN(80)
		raw := make([]float64, n)
		for i := range raw {
			switch k := r.IntN(20); {
			case k == 0:
				raw[i] = math.NaN()
			case k == 1:
				raw[i] = math.Inf(1 - 2*r.IntN(2))
			case k == 2:
				raw[i] = 300 * r.Float64() // in range or not
			case k < 6 && i > 0:
				raw[i] = raw[i-1] // repeats, as whole-bpm recordings have
			default:
				raw[i] = float64(130 + r.IntN(30))
			}
		}
		p := DefaultParams()
		p.HRSpikeBPM = limits[trial%len(limits)]
		h := cleanHR(raw, p, nil)
		valid, spikes := 0, 0
		for i, v := range raw {
			want := v
			if !math.IsNaN(v) && (v < 25 || v > 250 || farFromMedian(raw, i, 5, p.HRSpikeBPM)) {
				want = math.NaN()
				spikes++
			} else if !math.IsNaN(v) {
				valid++
			}
			if h.bpm != nil && !same(h.bpm[i], want) {
				t.Fatalf("trial %d (limit %v): sample %d = %v, want %v; raw = %v", trial, p.HRSpikeBPM, i, h.bpm[i], want, raw)
			}
		}
		if h.valid != valid || h.spikes != spikes {
			t.Fatalf("trial %d: valid %d, spikes %d, want %d, %d; raw = %v", trial, h.valid, h.spikes, valid, spikes, raw)
		}
	}
}

// TestPlainClampMatchesBuiltins checks gradedSpeed's shortcut for a grade
// clamp c in (0, 0.45]: minettiPoly(plainClamp(g, c)) has the bits of
// MinettiCr(max(−c, min(c, g))), ±0, NaN and ±Inf grades included.
func TestPlainClampMatchesBuiltins(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	grades := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1),
		0.45, -0.45, 0.46, -0.46, 5e-324, -5e-324, 1e300, -1e300}
	for range 200 {
		grades = append(grades, 2*r.Float64()-1)
	}
	for _, c := range []float64{0.45, 0.3, 0.1, 5e-324, 0.44999999999999996} {
		for _, g := range grades {
			got := minettiPoly(plainClamp(g, c))
			want := MinettiCr(max(-c, min(c, g)))
			if !same(got, want) {
				t.Errorf("clamp %v, grade %v: %v, want %v", c, g, got, want)
			}
		}
	}
}
