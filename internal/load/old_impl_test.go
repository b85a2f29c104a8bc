package load

// This file keeps, verbatim but for their names (suffix Old) and the calls
// between them, the versions of the functions the round of 2026-11-27
// ("make load.Measure cheaper") replaced, as references for
// TestOldNewEquivalence and FuzzOldNew (oldnew_test.go): the new versions
// must give the same results, bit for bit.

import (
	"math"

	"rebound"
)

func cleanHROld(raw []float64, p Params, sc *scratch) hrStream {
	var h hrStream
	first, last := -1, -1
	for i, v := range raw {
		if !math.IsNaN(v) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return h
	}
	h.bpm = sc.floats(len(raw))
	copy(h.bpm, raw)
	h.span = last - first + 1
	const half = 5 // the 11 s window
	limit := p.HRSpikeBPM
	// farFromMedian, in two steps: nearAll decides most samples without a
	// median. nearAll holds when the window's smallest and largest values
	// (NaN skipped, ±Inf not) are within limit of x[i] (x[i] − y, rounded,
	// is monotone in y), and so when those of any wider stretch around the
	// window are: lowest and highest cover raw[from … i+half], from ≤
	// i−half, values being added as they enter and none removed as they
	// leave. Only when that wider range fails is it narrowed to the window
	// (from = i−half), where the test is nearAll itself. After a spike or a
	// climb has left the window, one rescan of 11 values; otherwise two
	// comparisons a sample where nearAll made 11 (nearAll was 200 of 480
	// ms of cleanHR in a profile).
	from := max(0, first-half)
	lowest, highest := windowRange(raw[from:min(len(raw), first+half+1)])
	run := 0
	for i := first; i <= last; i++ {
		if k := i + half; i > first && k < len(raw) {
			if y := raw[k]; y < lowest { // NaN: neither
				lowest = y
			} else if y > highest {
				highest = y
			}
		}
		v := raw[i]
		if math.IsNaN(v) {
			h.missing++
			run++
			h.longestS = max(h.longestS, run)
			continue
		}
		run = 0
		if v < 25 || v > 250 {
			h.bpm[i] = math.NaN()
			h.spikes++
			continue
		}
		near := false
		if limit <= 1e300 {
			near = !(v-lowest > limit) && !(highest-v > limit)
			if lo := max(0, i-half); !near && from < lo {
				from = lo
				lowest, highest = windowRange(raw[lo:min(len(raw), i+half+1)])
				near = !(v-lowest > limit) && !(highest-v > limit)
			}
		}
		if !near && farFromWindowMedian(raw, i, half, limit) {
			h.bpm[i] = math.NaN()
			h.spikes++
			continue
		}
		h.valid++
	}
	return h
}

func cleanSpeedOld(s *rebound.Streams, p Params, sc *scratch) speedStream {
	var out speedStream
	n := s.Len()
	if n == 0 {
		return out
	}
	var raw []float64 // filtered in place into the cleaned speed
	switch {
	case s.SpeedMPS != nil:
		raw = sc.floats(n)
		copy(raw, s.SpeedMPS)
	case s.DistanceM != nil:
		raw = sc.floats(n)
		out.derived = true
		raw[0] = math.NaN()
		for i := 1; i < n; i++ {
			raw[i] = s.DistanceM[i] - s.DistanceM[i-1]
		}
	default:
		return out
	}
	finite := 0
	for i, v := range raw {
		if math.IsNaN(v) {
			continue
		}
		if v < 0 || v > p.GPSMaxSpeedMPS || math.IsInf(v, 0) {
			raw[i] = math.NaN()
			out.jumps++
			continue
		}
		finite++
	}
	if s.Lat != nil && s.Lon != nil && len(s.Lat) == n && len(s.Lon) == n {
		out.jumps += positionJumps(s.Lat, s.Lon, p.GPSMaxSpeedMPS)
	}
	if finite == 0 {
		return out
	}
	out.hasSpeed = true
	out.mps = medianFilter(raw, 2)
	return out
}

func normalizedOld(x []float64, pr prefix, window int, zones *paceCount) (float64, int) {
	var s4 float64
	cnt := 0
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		var m float64
		switch lo := i - window + 1; {
		case pr.cnt == nil && window > 0 && lo >= 0:
			m = (pr.sum[i+1] - pr.sum[lo]) / float64(window) // pr.mean(lo, i+1), inlined
		case pr.cnt != nil && window > 0:
			// pr.mean(lo, i+1), inlined: x[i] is finite, so counted.
			lo = max(lo, 0)
			m = (pr.sum[i+1] - pr.sum[lo]) / (pr.cnt[i+1] - pr.cnt[lo])
		default:
			m = pr.mean(lo, i+1)
		}
		s4 += m * m * m * m
		cnt++
		if zones != nil {
			zones.add(v)
		}
	}
	if cnt == 0 {
		return math.NaN(), 0
	}
	return math.Pow(s4/float64(cnt), 0.25), cnt
}

func speedKeysInOld(keys []int16, v []float64, p Params, single []float64) []int16 {
	moving := func(x float64) bool { return !math.IsNaN(x) && x >= p.MovingSpeedMPS }
	lowest, highest := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if moving(x) { // not NaN: plain comparisons (a ±0 tie cannot change a bucket)
			if x < lowest {
				lowest = x
			}
			if x > highest {
				highest = x
			}
		}
	}
	scale := 0.0
	if span := highest - lowest; span > 0 && !math.IsInf(span, 0) {
		scale = (speedBuckets - 1) / span
	}
	keys = keys[:len(v)]
	if single != nil {
		single = single[:speedBuckets]
		single[0] = math.Float64frombits(unsetBits)
		for k := 1; k < len(single); k *= 2 { // by copies: a loop of stores was 70 ms
			copy(single[k:], single[:k])
		}
	}
	for i, x := range v {
		if !moving(x) {
			keys[i] = -1
			continue
		}
		b := 0 // below the first bucket's edge (or NaN, from an infinite speed)
		if f := (x - lowest) * scale; f >= speedBuckets-1 {
			b = speedBuckets - 1
		} else if f > 0 {
			b = int(f)
		}
		keys[i] = int16(b)
		if single != nil {
			switch sb := math.Float64bits(single[b]); {
			case sb == unsetBits:
				single[b] = x
			case sb != math.Float64bits(x):
				single[b] = math.NaN() // never a moving speed's bits
			}
		}
	}
	return keys
}

func surgeRangesOld(v []float64, pr prefix, keys []int16, single []float64, p Params, sc *scratch) [][2]int {
	n := len(v)
	if n == 0 {
		return nil
	}
	// The context medians are kept one per 10 s (contextMedians), not
	// repeated per second: a tenth of the memory to take and zero.
	defer sc.release(sc.mark()) // base is temporary
	base := contextMedians(sc.floats((n+contextStep-1)/contextStep), v, keys, single, p.SurgeContextS)
	// in is the test on the 5 s centred mean, pr.centred(v, i, 2) >=
	// (1+SurgeFaster)·base[i], taken from the prefix sums where base
	// allows a surge at all, by meanAtLeast: no array of means, and a
	// division for 14 of the 416,400 mean tests of the surge, tempo and
	// interval detectors on 50 real runs instead of one per second (the
	// 5 s mean was 190 of 770 ms of surgeRanges in a profile).
	sum, cnt := pr.sum, pr.cnt
	in := func(i int) bool {
		b := base[i/contextStep]
		if math.IsNaN(b) || b < p.MovingSpeedMPS || math.IsNaN(v[i]) {
			return false // a NaN v[i] has a NaN mean
		}
		lo, hi := max(i-2, 0), min(i+3, n)
		c := float64(hi - lo)
		if cnt != nil {
			c = cnt[hi] - cnt[lo] // ≥ 1: v[i] is finite
		}
		return meanAtLeast(sum[hi]-sum[lo], c, (1+p.SurgeFaster)*b)
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
	// Only stretches of a surge's duration need the mean of their base
	// (usually none), and its running sums only up to the last of them.
	kept := out[:0]
	for _, r := range out {
		if d := float64(r[1] - r[0] + 1); d >= p.SurgeMinS && d <= p.SurgeMaxS {
			kept = append(kept, r)
		}
	}
	baseMean := heldRangeMeans(base, kept)
	cand := kept
	kept = out[:0] // writes behind the reads of cand: kept[k] is cand[k] or before it
	for k, r := range cand {
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

func hotFromOld(x []float64, pr prefix, half int, bar float64, maxGap int, emit func(start, end int)) {
	n := len(x)
	sum, cnt := pr.sum[:n+1], pr.cnt
	var upBuf, downBuf [32]float64
	up, down := upBuf[:], downBuf[:] // by count: sums ≥ up are hot, ≤ down not
	if 2*half+2 > len(up) {
		up, down = make([]float64, 2*half+2), make([]float64, 2*half+2)
	}
	for k := range up {
		up[k], down[k] = math.NaN(), math.NaN()
		if p := bar * float64(k); bar > 0 && p > 1e-280 && p < 1e280 { // as meanAtLeast
			m := p * 1e-12
			up[k], down[k] = p+m, p-m
		}
	}
	start, last := -1, -1
	for i, v := range x {
		if math.IsNaN(v) {
			continue // a NaN sample has a NaN mean: not hot
		}
		lo, hi := max(i-half, 0), min(i+half+1, n)
		k := hi - lo
		if cnt != nil {
			k = int(cnt[hi] - cnt[lo]) // ≥ 1: x[i] is counted
		}
		switch d := sum[hi] - sum[lo]; {
		case d >= up[k]:
		case d <= down[k] || !(d/float64(k) >= bar):
			continue
		}
		if start >= 0 && i-last-1 <= maxGap {
			last = i
			continue
		}
		if start >= 0 {
			emit(start, last)
		}
		start, last = i, i
	}
	if start >= 0 {
		emit(start, last)
	}
}

func featuresOld(a *rebound.Activity, wl rebound.WorkoutLoad, prof Profile, p Params, an *analysis) runFeatures {
	f := runFeatures{fastFinish: wl.FastFinish != nil, surges: len(wl.Surges)}
	// Intensity share: HR zones when the load came from HR, else pace zones.
	share := func(z []rebound.ZoneTime, from int) float64 {
		s := 0.0
		for i := from; i < len(z); i++ {
			s += z[i].Fraction
		}
		return s
	}
	if wl.LoadSource == rebound.LoadFromHR && len(wl.HRZones) == 7 {
		f.hardShare = share(wl.HRZones, 3) // Z4 and above
	} else if len(wl.PaceZones) == 5 {
		f.hardShare = share(wl.PaceZones, 2) // T, I, R
	}
	s := an.s
	if an.n == 0 {
		return f
	}
	sp := an.speed()
	var v []float64
	if sp.hasSpeed {
		v = sp.mps
		f.median = an.movingMedian()
	}
	// Tempo: longest stretch at T pace or faster (grade-adjusted, 30 s
	// smoothing) or at ≥ 95 % LTHR, dips ≤ 30 s tolerated.
	// The smoothed values are only compared with a bar, so each is tested
	// from the prefix sums as it comes (hotFrom: no array of means, no
	// array of flags, few divisions) and the stretches are followed as
	// they form (with their arrays they were ~0.45 of Measure's 4.6
	// CPU-s in a profile of BenchmarkAnalyzeRealRuns).
	thr, lthr := prof.ThresholdSpeedMPS.Value, prof.LTHRBPM.Value
	longest := 0
	if v != nil && thr > 0 {
		g, _ := an.grade()
		tLow := (p.DanielsM + p.DanielsT) / 2 * thr / p.DanielsT
		hotFromOld(g, an.gPrefix(), 15, tLow, 30, func(a, b int) { longest = max(longest, b-a+1) })
	} else if s.HeartRateBPM != nil && lthr > 0 {
		bpm := an.hr().bpm
		mark := an.sc.mark()
		hotFromOld(bpm, newPrefixIn(bpm, an.sc), 15, 0.95*lthr, 30, func(a, b int) { longest = max(longest, b-a+1) })
		an.sc.release(mark)
	}
	f.tempoS = float64(longest) // the longest stretch, as the max of their lengths
	if f.tempoS < p.TempoMinS {
		f.tempoS = 0
	}
	if v == nil || math.IsNaN(f.median) || f.median <= 0 {
		return f
	}
	// Intervals: bouts of IntervalMinWorkS–IntervalMaxWorkS at ≥
	// (1+IntervalFaster) × median (15 s smoothing, dips ≤ 10 s merged),
	// excluding the fast finish.
	bar := (1 + p.IntervalFaster) * f.median
	ffStart := len(v)
	if wl.FastFinish != nil {
		ffStart = int(wl.FastFinish.StartS)
	}
	hotFromOld(v, an.speedPrefix(), 7, bar, 10, func(a, b int) {
		d := float64(b - a + 1)
		if a < ffStart && d >= p.IntervalMinWorkS && d <= p.IntervalMaxWorkS {
			f.intervals++
		}
	})
	if f.intervals < p.IntervalMinReps {
		f.intervals = 0
	}
	// Progression: quarter means of the moving speed rising step by step
	// (each quarter summed in order, then divided by its length).
	moving := func(x float64) bool { return !math.IsNaN(x) && x >= p.MovingSpeedMPS }
	nMoving := an.nMoving // counted by movingMedian
	if nMoving >= 20*60 {
		q := nMoving / 4
		var m [4]float64
		k, j := 0, 0 // quarter k holds moving samples k·q … k·q+q−1; j counts within it
		for _, x := range v {
			if !moving(x) {
				continue
			}
			if k < 4 {
				m[k] += x
			}
			if j++; j == q {
				k, j = k+1, 0
			}
		}
		for k := range m {
			m[k] /= float64(q)
		}
		f.progression = m[3] >= m[0]*(1+p.FastFinishFaster)
		for k := 1; k < 4; k++ {
			if m[k] < m[k-1]*(1+p.ProgressionStep) {
				f.progression = false
			}
		}
	}
	return f
}

func activeSecondsOld(s *rebound.Streams, n int) (active, noHR int) {
	hr, speed, lat := s.HeartRateBPM, s.SpeedMPS, s.Lat
	finite := func(c []float64, i int) bool { return i < len(c) && !math.IsNaN(c[i]) }
	for i := range n {
		if finite(hr, i) || finite(speed, i) || finite(lat, i) {
			active++
			if hr != nil && math.IsNaN(hr[i]) {
				noHR++
			}
		}
	}
	return active, noHR
}

func centredMeanOfOld(dst, x []float64, half int) []float64 {
	if half < 0 {
		return centredMean(dst, x, newPrefix(x), half)
	}
	n := len(x)
	sHi, sLo := 0.0, 0.0 // S[hi], S[lo]: sums of the finite x[:hi], x[:lo]
	cHi, cLo := 0, 0     // their counts
	hiAt, loAt := 0, 0   // the hi and lo they are at
	for i := range n {
		for hi := min(i+half+1, n); hiAt < hi; hiAt++ {
			if v := x[hiAt]; !math.IsNaN(v) {
				sHi += v
				cHi++
			}
		}
		for lo := max(i-half, 0); loAt < lo; loAt++ {
			if v := x[loAt]; !math.IsNaN(v) {
				sLo += v
				cLo++
			}
		}
		if math.IsNaN(x[i]) {
			dst[i] = math.NaN()
			continue
		}
		// x[i] is counted: the window is never empty. Without NaN the
		// count is hi−lo, the divisor centredMean uses then.
		dst[i] = (sHi - sLo) / float64(cHi-cLo)
	}
	return dst
}

func gradedSpeedSumOld(s *rebound.Streams, v, vsum []float64, p Params, sc *scratch) ([]float64, bool) {
	n := len(v)
	out := sc.floats(n)
	copy(out, v)
	if s == nil || s.AltitudeM == nil || len(s.AltitudeM) != n {
		return out, false
	}
	defer sc.release(sc.mark()) // the distance and altitude are temporary
	// Cumulative distance: the recorded channel, else the integral of the
	// cleaned speed.
	dist := s.DistanceM
	if (dist == nil || len(dist) != n) && len(vsum) == n+1 {
		dist = vsum[1:]
	} else if dist == nil || len(dist) != n {
		dist = sc.floats(n)
		acc := 0.0
		for i, x := range v {
			if !math.IsNaN(x) {
				acc += x
			}
			dist[i] = acc
		}
	}
	// Altitude smoothed with a centred 11 s mean.
	alt := centredMeanOfOld(sc.floats(n), s.AltitudeM, 5)
	cr0 := MinettiCr(0)
	any := false
	half := max(1, p.GradeWindowS/2)
	// With a clamp in (0, 0.45], plain comparisons clamp g as the built-in
	// min and max do (NaN and ±0 pass unchanged; only a zero or negative
	// clamp would make their handling of ±0 matter), and MinettiCr's own
	// clamp to ±0.45 then changes nothing.
	c := p.GradeClamp
	plain := c > 0 && c <= 0.45
	for i := range n {
		if math.IsNaN(v[i]) {
			continue
		}
		g := math.NaN()
		for w := half; w <= 60; w++ {
			lo, hi := max(0, i-w), min(n-1, i+w)
			dd := dist[hi] - dist[lo]
			if math.IsNaN(dd) {
				break
			}
			if dd >= p.GradeMinDistM && hi-lo >= p.GradeWindowS {
				g = (alt[hi] - alt[lo]) / dd
				break
			}
			if lo == 0 && hi == n-1 {
				break
			}
		}
		if math.IsNaN(g) {
			continue // no usable grade: keep the raw speed
		}
		any = true
		if plain {
			out[i] = v[i] * minettiPoly(plainClamp(g, c)) / cr0
			continue
		}
		g = max(-c, min(c, g)) // as math.Max, math.Min
		out[i] = v[i] * MinettiCr(g) / cr0
	}
	return out, any
}

func medianFilter5Old(x []float64) []float64 {
	n := len(x)
	nan := math.Float64bits(math.NaN())
	at := func(k int) uint64 {
		if k < n {
			return math.Float64bits(x[k])
		}
		return nan
	}
	a, b, c, d, e := nan, nan, at(0), at(1), at(2) // x[i−2] … x[i+2]
	for i := range n {
		if i > 0 {
			a, b, c, d, e = b, c, d, e, at(i+2)
		}
		if positiveBits(a) && positiveBits(b) && positiveBits(c) && positiveBits(d) && positiveBits(e) {
			// The smallest and the largest of a…d cannot be the median of
			// five; it is the median of e and the other two.
			f := max(min(a, b), min(c, d))
			g := min(max(a, b), max(c, d))
			x[i] = math.Float64frombits(max(min(e, f), min(max(e, f), g)))
			continue
		}
		a, b, c, d, e := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c), math.Float64frombits(d), math.Float64frombits(e)
		if math.IsNaN(c) {
			continue
		}
		if nonZero(a) && nonZero(b) && nonZero(c) && nonZero(d) && nonZero(e) {
			f := max(min(a, b), min(c, d)) // as above, on the values
			g := min(max(a, b), max(c, d))
			x[i] = max(min(e, f), min(max(e, f), g))
			continue
		}
		var buf [5]float64
		w := buf[:0]
		for _, v := range [5]float64{a, b, c, d, e} {
			if math.IsNaN(v) {
				continue
			}
			w = w[:len(w)+1]
			j := len(w) - 1
			for ; j > 0 && v < w[j-1]; j-- {
				w[j] = w[j-1]
			}
			w[j] = v
		}
		m := len(w) / 2
		if len(w)%2 == 1 {
			x[i] = w[m]
		} else {
			x[i] = (w[m-1] + w[m]) / 2
		}
	}
	return x
}
