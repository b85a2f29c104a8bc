package load

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/store/streamcodec"
	"rebound/internal/testcorpus"
)

// The helpers rewritten to make Measure cheaper (cleanHR, cleanSpeed,
// centredMeanOf, normalized, speedKeysIn, surgeRanges, hotFrom, features,
// activeSeconds, gradedSpeedSum, medianFilter5; and newSpeedPrefixIn, the
// speed's prefix found with the range of its speed keys) must give what
// their previous versions (old_impl_test.go) give, bit for bit: every
// float compared by its bits (NaN payloads and the sign of zero
// included), every count, every range.

// sameBits reports whether x and y are the same value, bit for bit, with
// their paths in diff form when not.
func sameBits(x, y any) string {
	var diffs []string
	// path is formatted only for a difference: walking a channel of
	// 10,000 values must not format 10,000 paths.
	type pathFn func() string
	var walk func(path pathFn, a, b reflect.Value)
	walk = func(path pathFn, a, b reflect.Value) {
		if len(diffs) > 3 {
			return
		}
		switch a.Kind() {
		case reflect.Float64:
			if math.Float64bits(a.Float()) != math.Float64bits(b.Float()) {
				diffs = append(diffs, fmt.Sprintf("%s: %v (%#x) vs %v (%#x)", path(), a.Float(), math.Float64bits(a.Float()), b.Float(), math.Float64bits(b.Float())))
			}
		case reflect.Slice, reflect.Array:
			if a.Kind() == reflect.Slice && (a.IsNil() != b.IsNil() || a.Len() != b.Len()) {
				diffs = append(diffs, fmt.Sprintf("%s: nil %v len %d vs nil %v len %d", path(), a.IsNil(), a.Len(), b.IsNil(), b.Len()))
				return
			}
			for i := range a.Len() {
				ai, bi := a.Index(i), b.Index(i)
				switch ai.Kind() { // scalars without a closure each
				case reflect.Float64:
					if math.Float64bits(ai.Float()) == math.Float64bits(bi.Float()) {
						continue
					}
				case reflect.Int, reflect.Int16:
					if ai.Int() == bi.Int() {
						continue
					}
				}
				walk(func() string { return fmt.Sprintf("%s[%d]", path(), i) }, ai, bi)
			}
		case reflect.Struct:
			for i := range a.NumField() {
				walk(func() string { return path() + "." + a.Type().Field(i).Name }, a.Field(i), b.Field(i))
			}
		case reflect.Pointer, reflect.Interface:
			if a.IsNil() != b.IsNil() {
				diffs = append(diffs, fmt.Sprintf("%s: nil %v vs nil %v", path(), a.IsNil(), b.IsNil()))
				return
			}
			if !a.IsNil() {
				walk(path, a.Elem(), b.Elem())
			}
		case reflect.Int, reflect.Int16, reflect.Int32, reflect.Int64:
			if a.Int() != b.Int() {
				diffs = append(diffs, fmt.Sprintf("%s: %d vs %d", path(), a.Int(), b.Int()))
			}
		case reflect.Uint64:
			if a.Uint() != b.Uint() {
				diffs = append(diffs, fmt.Sprintf("%s: %d vs %d", path(), a.Uint(), b.Uint()))
			}
		case reflect.Bool:
			if a.Bool() != b.Bool() {
				diffs = append(diffs, fmt.Sprintf("%s: %v vs %v", path(), a.Bool(), b.Bool()))
			}
		case reflect.String:
			if a.String() != b.String() {
				diffs = append(diffs, fmt.Sprintf("%s: %q vs %q", path(), a.String(), b.String()))
			}
		default:
			diffs = append(diffs, fmt.Sprintf("%s: cannot compare %s", path(), a.Kind()))
		}
	}
	walk(func() string { return "" }, reflect.ValueOf(x), reflect.ValueOf(y))
	if len(diffs) == 0 {
		return ""
	}
	return fmt.Sprint(diffs)
}

// hotStretches is what hotFrom (or hotFromOld, as hf) emits.
func hotStretches(hf func([]float64, prefix, int, float64, int, func(int, int)), x []float64, pr prefix, half int, bar float64, gap int) [][2]int {
	var out [][2]int
	hf(x, pr, half, bar, gap, func(a, b int) { out = append(out, [2]int{a, b}) })
	return out
}

// checkHelpersOldNew compares the rewritten helpers that work on one
// channel x (any values) with their old versions, with the window halves,
// bars and gaps given.
func checkHelpersOldNew(t testing.TB, what string, x []float64, half, window, gap int, bar float64, p Params) {
	t.Helper()
	pr := newPrefix(x)
	if half >= 0 {
		if d := sameBits(hotStretches(hotFromOld, x, pr, half, bar, gap), hotStretches(hotFrom, x, pr, half, bar, gap)); d != "" {
			t.Fatalf("%s: hotFrom(half %d, bar %v, gap %d) differs: %s", what, half, bar, gap, d)
		}
	}
	for _, withZones := range []bool{false, true} {
		var z1, z2 *paceCount
		if withZones {
			z1, z2 = newPaceCount(bar, p), newPaceCount(bar, p)
		}
		m1, c1 := normalizedOld(x, pr, window, z1)
		m2, c2 := normalized(x, pr, window, z2)
		if d := sameBits([]any{m1, c1, z1}, []any{m2, c2, z2}); d != "" {
			t.Fatalf("%s: normalized(window %d) differs: %s", what, window, d)
		}
	}
	single1, single2 := make([]float64, speedBuckets), make([]float64, speedBuckets)
	k1 := speedKeysInOld(make([]int16, len(x)), x, p, single1)
	k2 := speedKeysIn(make([]int16, len(x)), x, p, single2)
	if d := sameBits([]any{k1, single1}, []any{k2, single2}); d != "" {
		t.Fatalf("%s: speedKeysIn differs: %s", what, d)
	}
	// The analysis's fused pass: the prefix newPrefixIn gives and the
	// range speedKeysInOld scans for, and with it the same keys.
	sp, lowest, highest := newSpeedPrefixIn(x, p.MovingSpeedMPS, &scratch{})
	lo1, hi1 := math.Inf(1), math.Inf(-1)
	for _, y := range x {
		if !math.IsNaN(y) && y >= p.MovingSpeedMPS {
			if y < lo1 {
				lo1 = y
			}
			if y > hi1 {
				hi1 = y
			}
		}
	}
	single3 := make([]float64, speedBuckets)
	k3 := speedKeysRange(make([]int16, len(x)), x, p, single3, lowest, highest)
	if d := sameBits([]any{newPrefixIn(x, &scratch{}), lo1, hi1, k1, single1}, []any{sp, lowest, highest, k3, single3}); d != "" {
		t.Fatalf("%s: newSpeedPrefixIn differs: %s", what, d)
	}
	sc1, sc2 := &scratch{}, &scratch{}
	r1 := surgeRangesOld(x, newPrefixIn(x, sc1), k1, single1, p, sc1)
	r2 := surgeRanges(x, newPrefixIn(x, sc2), k2, single2, p, sc2)
	if d := sameBits(r1, r2); d != "" {
		t.Fatalf("%s: surgeRanges differs: %s", what, d)
	}
	for _, hw := range []int{half, 5, 0, max(window, 0)} { // (centredMean takes no negative half)
		c1 := centredMeanOfOld(make([]float64, len(x)), x, hw)
		c2 := centredMeanOf(make([]float64, len(x)), x, hw)
		if d := sameBits(c1, c2); d != "" {
			t.Fatalf("%s: centredMeanOf(half %d) differs: %s", what, hw, d)
		}
	}
	if d := sameBits(medianFilter5Old(slices.Clone(x)), medianFilter5(slices.Clone(x))); d != "" {
		t.Fatalf("%s: medianFilter5 differs: %s", what, d)
	}
	h1, h2 := cleanHROld(x, p, nil), cleanHR(x, p, nil)
	if d := sameBits(h1, h2); d != "" {
		t.Fatalf("%s: cleanHR differs: %s", what, d)
	}
}

// checkActivityOldNew compares the rewritten helpers, old and new, on the
// streams of a measured with prof, and features on a full analysis.
func checkActivityOldNew(t testing.TB, what string, a *rebound.Activity, prof Profile, p Params) {
	t.Helper()
	if a == nil || a.Streams == nil {
		return
	}
	s := consistent(a.Streams)
	n := s.Len()
	a1, m1 := activeSecondsOld(s, n)
	a2, m2 := activeSeconds(s, n)
	if a1 != a2 || m1 != m2 {
		t.Fatalf("%s: activeSeconds %d, %d vs %d, %d", what, a1, m1, a2, m2)
	}
	sp1, sp2 := cleanSpeedOld(s, p, nil), cleanSpeed(s, p, nil)
	if d := sameBits(sp1, sp2); d != "" {
		t.Fatalf("%s: cleanSpeed differs: %s", what, d)
	}
	if hr := s.HeartRateBPM; hr != nil {
		if d := sameBits(cleanHROld(hr, p, nil), cleanHR(hr, p, nil)); d != "" {
			t.Fatalf("%s: cleanHR differs: %s", what, d)
		}
	}
	if sp2.hasSpeed {
		q := p
		for _, g := range []struct {
			clamp  float64
			window int
			dist   float64
		}{{p.GradeClamp, p.GradeWindowS, p.GradeMinDistM}, {0.45, 3, 0}, {0.5, 1, 50}, {-0.1, 30, 10}} {
			q.GradeClamp, q.GradeWindowS, q.GradeMinDistM = g.clamp, g.window, g.dist
			for _, vsum := range [][]float64{nil, newPrefix(sp2.mps).sum} {
				o1, ok1 := gradedSpeedSumOld(s, sp2.mps, vsum, q, nil)
				o2, ok2 := gradedSpeedSum(s, sp2.mps, vsum, q, nil)
				if d := sameBits([]any{o1, ok1}, []any{o2, ok2}); d != "" {
					t.Fatalf("%s: gradedSpeedSum(%+v, vsum %v) differs: %s", what, g, vsum != nil, d)
				}
			}
		}
	}
	cal := CalibrateRPE(nil, p)
	wl1, an1 := workout(a, prof, cal, p)
	wl2, an2 := workout(a, prof, cal, p)
	if d := sameBits(wl1, wl2); d != "" {
		t.Fatalf("%s: workout is not deterministic: %s", what, d)
	}
	if d := sameBits(featuresOld(a, wl1, prof, p, an1), features(a, wl2, prof, p, an2)); d != "" {
		t.Fatalf("%s: features differs: %s", what, d)
	}
	if !an1.speed().hasSpeed {
		return
	}
	// The channels the detectors see, with the bars they use.
	v := an1.speed().mps
	g, _ := an1.grade()
	med := an1.movingMedian()
	thr := prof.ThresholdSpeedMPS.Value
	for _, c := range []struct {
		x    []float64
		half int
		bar  float64
	}{{v, 7, (1 + p.IntervalFaster) * med}, {v, 15, (1 + p.FastFinishFaster) * med}, {g, 15, (p.DanielsM + p.DanielsT) / 2 * thr / p.DanielsT}, {g, 2, thr}} {
		checkHelpersOldNew(t, what, c.x, c.half, p.NPWindowS, 30, c.bar, p)
	}
}

// realRunCases decodes the corpus's FIT files, each as decoded and as
// stored (quantised); nil when the corpus is absent.
func realRunCases(t testing.TB) []*rebound.Activity {
	files, _ := filepath.Glob(filepath.Join(testcorpus.Require(t), "fit", "*.fit"))
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var out []*rebound.Activity
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, quantise := range []bool{false, true} {
			as, err := fit.DecodeBytes(data, now)
			if err != nil {
				continue
			}
			for _, a := range as {
				if quantise && a.Streams != nil {
					if _, err := streamcodec.QuantizeEncode(a.Streams); err != nil {
						continue
					}
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// oldNewProfiles are a full profile, none, and an LTHR without a threshold
// pace (the HR tempo path).
func oldNewProfiles() []Profile {
	full := Profile{HRMaxBPM: Threshold{Value: 190}, HRRestBPM: Threshold{Value: 50},
		LTHRBPM: Threshold{Value: 170}, ThresholdSpeedMPS: Threshold{Value: 4}}
	hrOnly := full
	hrOnly.ThresholdSpeedMPS = Threshold{}
	return []Profile{full, {}, hrOnly}
}

// TestOldNewCorpus compares old and new on every real run of the corpus.
func TestOldNewCorpus(t *testing.T) {
	p := DefaultParams()
	acts := realRunCases(t)
	if len(acts) < 10 {
		t.Fatalf("only %d activities", len(acts))
	}
	for i, a := range acts {
		for k, prof := range oldNewProfiles() {
			checkActivityOldNew(t, fmt.Sprintf("activity %d, profile %d", i, k), a, prof, p)
		}
	}
}

// randomRun is a synthetic run of n seconds: speeds around 2.5–4 m/s to
// the millimetre per second, with surges, a fast finish, standing, pauses
// (NaN on every channel), GPS jumps, HR with spikes and dropouts, hills.
func randomRun(r *rand.Rand, n int) *rebound.Activity {
	s := &rebound.Streams{}
	mk := func() []float64 { return make([]float64, n) }
	s.SpeedMPS, s.HeartRateBPM, s.AltitudeM, s.DistanceM, s.Lat, s.Lon = mk(), mk(), mk(), mk(), mk(), mk()
	base, hr, alt, dist, lat, lon := 2.5+1.5*r.Float64(), 140.0, 100.0, 0.0, 48.0, 2.0
	for i := range n {
		v := base + 0.3*(r.Float64()-0.5)
		if i%400 >= 250 && i%400 < 250+10+i%37 {
			v *= 1.3 // a surge
		}
		if i > n-300 {
			v *= 1.15 // a fast finish
		}
		hr = max(90, min(200, hr+(v-base)*2+r.NormFloat64()))
		alt += 0.05 * math.Sin(float64(i)/300)
		switch k := r.IntN(400); {
		case k == 0:
			v = 0.2 // standing
		case k == 1:
			v = 60 // a GPS jump
		case k < 8 && i > 0:
			v = s.SpeedMPS[i-1]
		}
		dist += v
		lat += v / 111000
		s.SpeedMPS[i] = math.Round(v*1000) / 1000
		s.HeartRateBPM[i] = math.Round(hr)
		if r.IntN(150) == 0 {
			s.HeartRateBPM[i] += 50 // a spike
		}
		if r.IntN(300) == 0 {
			s.HeartRateBPM[i] = math.NaN() // a dropout
		}
		s.AltitudeM[i], s.DistanceM[i], s.Lat[i], s.Lon[i] = math.Round(alt*10)/10, dist, lat, lon
	}
	if n > 600 && r.IntN(2) == 0 { // a pause
		at := r.IntN(n - 100)
		for i := at; i < at+60; i++ {
			for _, c := range s.Channels() {
				if *c.Values != nil {
					(*c.Values)[i] = math.NaN()
				}
			}
		}
	}
	switch r.IntN(5) { // channels missing
	case 0:
		s.HeartRateBPM = nil
	case 1:
		s.AltitudeM = nil
	case 2:
		s.SpeedMPS = nil // speed from distance
	case 3:
		s.Lat, s.Lon = nil, nil
	}
	return &rebound.Activity{Sport: rebound.SportRunning, MovingS: float64(n), ElapsedS: float64(n), Streams: s}
}

// TestOldNewRandom compares old and new on synthetic runs and on awkward
// values (NaN, ±0, ±Inf, huge, repeats) with random windows and bars.
func TestOldNewRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	p := DefaultParams()
	profs := oldNewProfiles()
	for trial := range 150 {
		a := randomRun(r, r.IntN(4000))
		checkActivityOldNew(t, fmt.Sprintf("run %d", trial), a, profs[trial%len(profs)], p)
	}
	for trial := range 2000 {
		x := awkward(r, r.IntN(300))
		if trial%2 == 0 { // speed-like: positive, with repeats and a few NaN
			for i := range x {
				x[i] = math.Round((1+4*r.Float64())*1000) / 1000
				if i > 0 && r.IntN(4) == 0 {
					x[i] = x[i-1]
				}
				if trial%4 == 0 && r.IntN(50) == 0 {
					x[i] = math.NaN()
				}
			}
		}
		if trial%3 == 0 { // long stretches of one value: means tie with bars and medians
			for i := 1; i < len(x); i++ {
				if r.IntN(20) != 0 {
					x[i] = x[i-1]
				}
			}
		}
		bar := []float64{3, 0, -1, math.NaN(), math.Inf(1), 1e-300, 1e300, 2.5 + r.Float64()}[trial%8]
		if trial%8 == 7 && len(x) > 0 { // a bar some mean ties with
			bar = x[r.IntN(len(x))]
		}
		checkHelpersOldNew(t, fmt.Sprintf("trial %d", trial), x, r.IntN(20), r.IntN(40)-2, r.IntN(40), bar, p)
		q := p
		q.MovingSpeedMPS = []float64{0, -1, math.NaN(), 1, 3}[trial%5]
		q.SurgeFaster = []float64{0.1, 0, -0.5, math.NaN()}[trial%4]
		checkHelpersOldNew(t, fmt.Sprintf("trial %d (params)", trial), x, r.IntN(20), r.IntN(40)-2, r.IntN(40), bar, q)
	}
}

// FuzzOldNew compares old and new on arbitrary channels (as FuzzAnalyze
// builds them), windows, bars and thresholds.
func FuzzOldNew(f *testing.F) {
	r := rand.New(rand.NewPCG(63, 64))
	a := randomRun(r, 700)
	var seed []byte
	for i := range a.Streams.Len() {
		for _, c := range [][]float64{a.Streams.HeartRateBPM, a.Streams.SpeedMPS, a.Streams.AltitudeM, a.Streams.DistanceM, a.Streams.Lat} {
			v := math.NaN()
			if c != nil {
				v = c[i]
			}
			seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(v))
		}
	}
	f.Add(seed, uint8(0xff), 170.0, 4.0, uint8(7), 3.0, 0.8)
	f.Add([]byte{1, 2, 3}, uint8(0), 0.0, 0.0, uint8(0), 0.0, 0.0)
	f.Fuzz(func(t *testing.T, data []byte, shape uint8, lthr, thr float64, half uint8, bar, moving float64) {
		var chans [5][]float64
		for i := 0; i+8 <= len(data); i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i:]))
			k := (i / 8) % 5
			if shape&(1<<k) != 0 || k == 0 {
				chans[k] = append(chans[k], v)
			}
		}
		st := &rebound.Streams{HeartRateBPM: chans[0], SpeedMPS: chans[1], AltitudeM: chans[2], DistanceM: chans[3], Lat: chans[4]}
		if shape&0x80 != 0 {
			st.Lon = chans[4]
		}
		a := &rebound.Activity{Sport: rebound.SportRunning, MovingS: float64(len(data)), ElapsedS: float64(len(data)), Streams: st}
		p := DefaultParams()
		prof := oldNewProfiles()[0]
		prof.LTHRBPM.Value, prof.ThresholdSpeedMPS.Value = lthr, thr
		checkActivityOldNew(t, "activity", a, prof, p)
		if shape&0x40 != 0 {
			p.MovingSpeedMPS = moving
		}
		for k, x := range chans {
			checkHelpersOldNew(t, fmt.Sprintf("channel %d", k), x, int(half%40), int(half%64)-2, int(shape%50), bar, p)
		}
	})
}
