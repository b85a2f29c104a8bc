package load

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound/internal/importer/fit"
	"rebound/internal/store/streamcodec"
	"rebound/internal/testcorpus"
)

// These tests check the shortcuts Measure takes for speed against the
// plain computations they replace, bit for bit: the golden tests prove the
// results on the corpus, these on inputs built to reach the edge cases.

// TestMeanAtLeastMatchesDivision compares meanAtLeast with the division
// it avoids, on sums placed exactly on, and one or a few ulps either side
// of, bar·count (where the rounded quotient can go either way), and on
// non-finite, zero, negative, tiny and huge values.
func TestMeanAtLeastMatchesDivision(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	odd := []float64{0, math.Copysign(0, -1), -1, 1e-300, 1e-310, 1e300, math.Inf(1), math.Inf(-1), math.NaN(), 3.5}
	checked := 0
	for trial := range 200000 {
		c := float64(1 + r.IntN(61))
		bar := 0.5 + 6*r.Float64()
		if trial%10 == 0 {
			bar = odd[r.IntN(len(odd))]
		}
		sum := bar * c
		switch k := r.IntN(6); {
		case k == 0: // exactly on
		case k < 4: // a few ulps away
			for range 1 + r.IntN(3) {
				sum = math.Nextafter(sum, math.Inf(2*r.IntN(2)-1))
			}
		case k == 4: // a relative 1e-12 or so away: the edge of the bounds
			sum *= 1 + (r.Float64()-0.5)*4e-12
		default:
			sum = odd[r.IntN(len(odd))]
		}
		want := sum/c >= bar
		if got := meanAtLeast(sum, c, bar); got != want {
			t.Fatalf("meanAtLeast(%v, %v, %v) = %v, want %v (sum/c = %v)", sum, c, bar, got, want, sum/c)
		}
		checked++
	}
	if checked != 200000 {
		t.Fatalf("checked %d cases", checked)
	}
}

// TestHotFromMatchesStretches compares hotFrom with its definition:
// stretches of the centred means (centredMean from the prefix) that clear
// the bar. Bars are taken from the means themselves, so that ties occur.
func TestHotFromMatchesStretches(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for trial := range 400 {
		n := r.IntN(400)
		x := make([]float64, n)
		for i := range x {
			switch k := r.IntN(40); {
			case k == 0 && trial%2 == 0:
				x[i] = math.NaN()
			case k < 8 && i > 0:
				x[i] = x[i-1]
			default:
				x[i] = math.Round((1+4*r.Float64())*1000) / 1000
			}
		}
		half, gap := r.IntN(20), r.IntN(40)
		pr := newPrefix(x)
		sm := centredMean(make([]float64, n), x, pr, half)
		bar := 3.0
		if finite := slices.DeleteFunc(slices.Clone(sm), math.IsNaN); len(finite) > 0 && trial%3 != 0 {
			bar = finite[r.IntN(len(finite))]
		}
		if trial%17 == 0 {
			bar = []float64{0, -1, math.NaN(), math.Inf(1)}[trial%4]
		}
		hot := make([]bool, n)
		for i, m := range sm {
			hot[i] = !math.IsNaN(m) && m >= bar
		}
		want := stretches(hot, gap)
		var got [][2]int
		hotFrom(x, pr, half, bar, gap, func(a, b int) { got = append(got, [2]int{a, b}) })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("trial %d (n %d, half %d, bar %v, gap %d): stretches differ (-want +got):\n%s", trial, n, half, bar, gap, diff)
		}
	}
}

// TestCentredMeanOfMatchesPrefix compares centredMeanOf (sums in a ring)
// with centredMean from stored prefix sums, bit for bit.
func TestCentredMeanOfMatchesPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for trial := range 300 {
		n := r.IntN(300)
		x := awkward(r, n)
		if trial%2 == 0 { // altitude-like: no NaN, small steps
			for i := range x {
				x[i] = 100 + float64(i%37)*0.2 + r.Float64()
			}
		}
		half := r.IntN(40)
		want := centredMean(make([]float64, n), x, newPrefix(x), half)
		got := centredMeanOf(make([]float64, n), x, half)
		for i := range want {
			if !same(got[i], want[i]) {
				t.Fatalf("trial %d (half %d): sample %d = %v, want %v", trial, half, i, got[i], want[i])
			}
		}
	}
}

// TestMedianFilter5PositiveWindows compares the 5 s filter with the
// definition on runs of positive speeds, where the integer selection on
// the bits is taken, with a few gaps, zeros and negative values.
func TestMedianFilter5PositiveWindows(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	full := 0
	for trial := range 200 {
		n := r.IntN(500)
		x := make([]float64, n)
		for i := range x {
			switch k := r.IntN(100); {
			case k == 0:
				x[i] = math.NaN()
			case k == 1:
				x[i] = []float64{0, math.Copysign(0, -1), -2, math.Inf(1), 1e-310}[r.IntN(5)]
			case k < 30 && i > 0:
				x[i] = x[i-1]
			default:
				x[i] = math.Round((0.5+5*r.Float64())*1000) / 1000
			}
		}
		got := medianFilter(slices.Clone(x), 2)
		for i := range x {
			want := math.NaN()
			if !math.IsNaN(x[i]) {
				want = windowMedian(x, i, 2)
			}
			if !same(got[i], want) {
				t.Fatalf("trial %d: sample %d = %v, want %v; x = %v", trial, i, got[i], want, x[max(0, i-2):min(n, i+3)])
			}
			if i >= 2 && i+2 < n && !slices.ContainsFunc(x[i-2:i+3], func(v float64) bool { return !(v > 0) }) {
				full++
			}
		}
	}
	if full < 10000 {
		t.Fatalf("only %d windows of positive values: the shortcut is hardly tested", full)
	}
}

// TestTrimpAndZonesMatchesDefinition compares the one-pass TRIMP and
// zone seconds with the sum of TRIMPRate/60 over the finite samples in
// order and a count of each sample's band of % LTHR (hrZonesOf's bands:
// < 85, [85, 90), [90, 95), [95, 100), [100, 103), [103, 106], > 106).
func TestTrimpAndZonesMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	const rest, hrMax, lthr, a, b = 50.0, 190.0, 168.0, 0.64, 1.92
	for trial := range 100 {
		n := r.IntN(3000)
		bpm := make([]float64, n)
		for i := range bpm {
			switch k := r.IntN(20); {
			case k == 0:
				bpm[i] = math.NaN()
			case k < 12 && i > 0:
				bpm[i] = bpm[i-1]
			case k < 16:
				bpm[i] = float64(100 + r.IntN(100)) // whole bpm, many bands
			default:
				bpm[i] = math.Round((100+100*r.Float64())*10) / 10
			}
		}
		wantT := 0.0
		var wantSecs [7]int
		for _, v := range bpm {
			if math.IsNaN(v) {
				continue
			}
			wantT += TRIMPRate((v-rest)/(hrMax-rest), a, b) / 60
			pct := 100 * v / lthr
			k := 6
			for j, edge := range []float64{85, 90, 95, 100, 103} {
				if pct < edge {
					k = j
					break
				}
			}
			if k == 6 && pct <= 106 {
				k = 5
			}
			wantSecs[k]++
		}
		gotT, gotSecs := trimpAndZones(bpm, rest, hrMax, a, b, lthr)
		if gotT != wantT || gotSecs != wantSecs {
			t.Fatalf("trial %d: TRIMP %v, seconds %v; want %v, %v", trial, gotT, gotSecs, wantT, wantSecs)
		}
	}
}

// TestCleanHRLongSeries checks cleanHR against the definition on long
// series with slow climbs, steps and spikes, where the running range of
// cleanHR must be narrowed to the window again and again.
func TestCleanHRLongSeries(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	p := DefaultParams()
	for trial := range 20 {
		n := 500 + r.IntN(3000)
		raw := make([]float64, n)
		hr := 120.0
		for i := range raw {
			hr = max(60, min(200, hr+(r.Float64()-0.45)*3))
			raw[i] = math.Round(hr)
			switch k := r.IntN(200); {
			case k == 0:
				raw[i] = math.NaN()
			case k == 1:
				raw[i] += 40 - 80*float64(r.IntN(2)) // a spike
			case k == 2:
				hr += 30 - 60*float64(r.IntN(2)) // a step
			}
		}
		h := cleanHR(raw, p, nil)
		for i, v := range raw {
			want := v
			if !math.IsNaN(v) && (v < 25 || v > 250 || farFromMedian(raw, i, 5, p.HRSpikeBPM)) {
				want = math.NaN()
			}
			if !same(h.bpm[i], want) {
				t.Fatalf("trial %d: sample %d = %v, want %v; raw around = %v", trial, i, h.bpm[i], want, raw[max(0, i-5):min(n, i+6)])
			}
		}
	}
}

// TestScratchFitsOneBlock checks newAnalysis's sizing of its one scratch
// block on the corpus's real runs (quantised as stored): measuring and
// classifying each one must not need a second block (sc.gen stays 0), or
// the block size no longer covers what the analysis takes at once.
func TestScratchFitsOneBlock(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testcorpus.Require(t), "fit", "*.fit"))
	p := DefaultParams()
	prof := Profile{HRMaxBPM: Threshold{Value: 190}, HRRestBPM: Threshold{Value: 50},
		LTHRBPM: Threshold{Value: 170}, ThresholdSpeedMPS: Threshold{Value: 4}}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	measured := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		as, err := fit.DecodeBytes(data, now)
		if err != nil {
			continue
		}
		for _, a := range as {
			if a.Streams == nil || a.Streams.Len() == 0 {
				continue
			}
			if _, err := streamcodec.QuantizeEncode(a.Streams); err != nil {
				continue
			}
			wl, an := workout(a, prof, CalibrateRPE(nil, p), p)
			features(a, wl, prof, p, an)
			if an.sc.gen != 0 {
				t.Errorf("%s: %d samples needed %d more scratch blocks", filepath.Base(f), an.n, an.sc.gen)
			}
			measured++
		}
	}
	if measured < 10 {
		t.Fatalf("only %d activities with streams measured", measured)
	}
}

// TestHeldRangeMeansMatchesRangeMeans compares the means over held values
// with rangeMeans over the values written out per sample.
func TestHeldRangeMeansMatchesRangeMeans(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	for trial := range 200 {
		n := 1 + r.IntN(500)
		held := awkward(r, (n+contextStep-1)/contextStep)
		x := make([]float64, n)
		for j := range x {
			x[j] = held[j/contextStep]
		}
		var ranges [][2]int
		for at := r.IntN(20); at < n; {
			end := min(n-1, at+r.IntN(60))
			ranges = append(ranges, [2]int{at, end})
			at = end + 1 + r.IntN(40)
		}
		want := rangeMeans(x, ranges)
		got := heldRangeMeans(held, ranges)
		for k := range want {
			if !same(got[k], want[k]) {
				t.Fatalf("trial %d: range %v mean %v, want %v", trial, ranges[k], got[k], want[k])
			}
		}
	}
}

// TestPrefixAtMatchesPrefix compares prefixAt with the stored prefix at
// indexes in any order, repeated, 0 and len(x) included.
func TestPrefixAtMatchesPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for trial := range 200 {
		n := r.IntN(300)
		x := awkward(r, n)
		at := []int{n, 0}
		for range r.IntN(10) {
			at = append(at, r.IntN(n+1))
		}
		pr := newPrefix(x)
		sums, counts := prefixAt(x, at)
		for k, j := range at {
			wantC := float64(j)
			if pr.cnt != nil {
				wantC = pr.cnt[j]
			}
			if !same(sums[k], pr.sum[j]) || counts[k] != wantC {
				t.Fatalf("trial %d: index %d: %v, %v; want %v, %v", trial, j, sums[k], counts[k], pr.sum[j], wantC)
			}
		}
	}
}

// TestSpeedKeysSinglesMatchesSingleValues compares the one-pass singles
// with singleValues on the buckets that hold samples, the only ones read.
func TestSpeedKeysSinglesMatchesSingleValues(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	p := DefaultParams()
	for trial := range 100 {
		n := r.IntN(3000)
		v := make([]float64, n)
		for i := range v {
			switch k := r.IntN(20); {
			case k == 0:
				v[i] = math.NaN()
			case k == 1:
				v[i] = 0.2 // not moving
			case k < 10:
				v[i] = math.Round((2+3*r.Float64())*1000) / 1000 // stored to 1 mm/s
			default:
				v[i] = 2 + 3*r.Float64()
			}
		}
		single := make([]float64, speedBuckets)
		keys := speedKeysSingles(v, p, single)
		if diff := cmp.Diff(speedKeys(v, p), keys); diff != "" {
			t.Fatalf("trial %d: keys differ (-want +got):\n%s", trial, diff)
		}
		want := singleValues(make([]float64, speedBuckets), v, keys)
		for _, b := range keys {
			if b >= 0 && !same(single[b], want[b]) {
				t.Fatalf("trial %d: bucket %d single %v, want %v", trial, b, single[b], want[b])
			}
		}
	}
}

// surgeRangesRef is surgeRanges as it was before the context medians were
// held per 10 s and the 5 s means tested by meanAtLeast: the reference.
func surgeRangesRef(v []float64, pr prefix, keys []int16, single []float64, p Params, sc *scratch) [][2]int {
	n := len(v)
	if n == 0 {
		return nil
	}
	defer sc.release(sc.mark()) // base and the 5 s mean are temporary
	base := contextMedian(sc.floats(n), v, keys, single, p.SurgeContextS)
	mean5 := centredMean(sc.floats(n), v, pr, 2) // pr.centred(v, i, 2) per i
	in := func(i int) bool {
		if math.IsNaN(base[i]) || base[i] < p.MovingSpeedMPS {
			return false
		}
		sm := mean5[i]
		return !math.IsNaN(sm) && sm >= (1+p.SurgeFaster)*base[i]
	}
	var raw [][2]int
	for i := 0; i < n; {
		if !in(i) {
			i++
			continue
		}
		j := i
		for k := i + 1; k < n && k-j <= 3; k++ {
			if in(k) {
				j = k
			}
		}
		raw = append(raw, [2]int{i, j})
		i = j + 1
	}
	var out [][2]int
	for _, r := range raw {
		if len(out) > 0 && float64(r[0]-out[len(out)-1][1]-1) < p.SurgeMinGapS {
			out[len(out)-1][1] = r[1]
			continue
		}
		out = append(out, r)
	}
	baseMean := rangeMeans(base, out)
	kept := out[:0]
	for k, r := range out {
		d := float64(r[1] - r[0] + 1)
		if d < p.SurgeMinS || d > p.SurgeMaxS {
			continue
		}
		if pr.mean(r[0], r[1]+1) < (1+p.SurgeFaster)*baseMean[k] {
			continue
		}
		// The 5 s mean crosses the bar up to 2 s early or late; put the
		// edges on the largest step of the raw speed nearby.
		a := stepEdge(pr, r[0], 3, 10, true)
		b := stepEdge(pr, r[1]+1, 3, 10, false) - 1
		if b > a {
			r = [2]int{a, b}
		}
		kept = append(kept, r)
	}
	return kept
}

// TestSurgeRangesMatchesReference compares surgeRanges with the plain
// version on synthetic runs with surges, pauses, gaps and ties.
func TestSurgeRangesMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	p := DefaultParams()
	found := 0
	for trial := range 200 {
		n := r.IntN(4000)
		v := make([]float64, n)
		base := 2.5 + r.Float64()
		for i := range v {
			v[i] = math.Round((base+0.3*(r.Float64()-0.5))*1000) / 1000
			if i%300 >= 200 && i%300 < 200+10+r.IntN(40) { // a surge
				v[i] *= 1.3 + 0.2*r.Float64()
			}
			switch k := r.IntN(200); {
			case k == 0 && trial%3 == 0:
				v[i] = math.NaN()
			case k == 1:
				v[i] = 0.3 // standing
			case k < 40 && i > 0:
				v[i] = v[i-1]
			}
		}
		sc := &scratch{}
		pr := newPrefixIn(v, sc)
		keys := speedKeys(v, p)
		single := singleValues(make([]float64, speedBuckets), v, keys)
		want := surgeRangesRef(v, pr, keys, single, p, sc)
		got := surgeRanges(v, pr, keys, single, p, sc)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("trial %d (n %d): surges differ (-want +got):\n%s", trial, n, diff)
		}
		found += len(got)
	}
	if found < 100 {
		t.Fatalf("only %d surges in all trials: the test hardly tests", found)
	}
}
