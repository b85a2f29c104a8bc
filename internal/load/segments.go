package load

import (
	"math"
	"math/bits"
	"slices"

	"rebound"
)

// detectSegments finds the fast finish and the surges of a run from its
// cleaned speed (an.speed: GPS jumps removed, 5 s median-filtered by
// cleanSpeed).
// GPS speed is noisy (±0.3 m/s per second is common), so both work on
// smoothed speed and then place the edges on the unsmoothed one.
func detectSegments(an *analysis, p Params) (*rebound.Segment, []rebound.Segment) {
	v, pr := an.speed().mps, an.speedPrefix()
	med := an.movingMedian()
	if math.IsNaN(med) || med <= 0 {
		return nil, nil
	}
	ff := fastFinish(v, pr, med, p)
	var ranges [][2]int // the fast finish first, then the surges
	ffStart := len(v)
	if ff != nil {
		ffStart = ff[0]
		ranges = append(ranges, [2]int{ff[0], ff[1]})
	}
	for _, r := range surgeRanges(v, pr, an.speedKeys(), an.speedSingles(), p, an.sc) {
		if r[1] >= ffStart-int(p.SurgeMinGapS) {
			continue // part of (or the run-up to) the fast finish
		}
		ranges = append(ranges, r)
	}
	segs := an.segments(ranges)
	var ffSeg *rebound.Segment
	if ff != nil {
		ffSeg, segs = &segs[0], segs[1:]
	}
	if len(segs) == 0 {
		segs = nil
	}
	return ffSeg, segs
}

// fastFinish returns the [start, end] seconds of the fast finish, or nil.
// Rule (Rebound's choice, from the brief's "the last ≥ 3–5 min
// substantially faster"): the 30 s centred mean speed stays ≥
// (1+FastFinishFaster) × the run's median moving speed over a stretch that
// ends no more than FastFinishTailS before the last moving second (a short
// cool-down is allowed), with dips below that of ≤ 15 s tolerated (a bend,
// a crossing); its edges are then moved to the largest step of the raw
// speed within ±20 s; it must last ≥ FastFinishMinS and average above the
// threshold.
// pr is v's prefix.
func fastFinish(v []float64, pr prefix, med float64, p Params) []int {
	last := -1
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) && v[i] >= p.MovingSpeedMPS {
			last = i
			break
		}
	}
	if last < 0 {
		return nil
	}
	thr := (1 + p.FastFinishFaster) * med
	fast := func(i int) bool { // the 30 s centred mean clears the bar
		sm := pr.centred(v, i, 15)
		return !math.IsNaN(sm) && sm >= thr
	}
	end := -1
	for i := last; i >= 0 && float64(last-i) <= p.FastFinishTailS; i-- {
		if fast(i) {
			end = i
			break
		}
	}
	if end < 0 {
		return nil
	}
	const maxDip = 15
	start, dip := end, 0
	for i := end; i >= 0; i-- {
		if fast(i) {
			start, dip = i, 0
			continue
		}
		dip++
		if dip > maxDip {
			break
		}
	}
	start = stepEdge(pr, start, 20, 30, true)
	if end < last {
		end = stepEdge(pr, end+1, 20, 30, false) - 1
	} else {
		end = last
	}
	if float64(end-start+1) < p.FastFinishMinS {
		return nil
	}
	if m := pr.mean(start, end+1); math.IsNaN(m) || m < thr {
		return nil
	}
	return []int{start, end}
}

// stepEdge moves an edge near i (±reach s) to where the mean of the w
// seconds after it differs most from the mean of the w seconds before it:
// rising (up = true) or falling.
func stepEdge(pr prefix, i, reach, w int, up bool) int {
	best, bestK := math.Inf(-1), i
	for k := i - reach; k <= i+reach; k++ {
		if k-w < 0 || k+w > len(pr.sum)-1 {
			continue
		}
		d := pr.mean(k, k+w) - pr.mean(k-w, k)
		if !up {
			d = -d
		}
		if d > best {
			best, bestK = d, k
		}
	}
	return bestK
}

// surgeRanges returns the [start, end] seconds of surges. Rule (Rebound's
// choice, from the brief): the 5 s centred mean speed is ≥ (1+SurgeFaster)
// × the median speed of the surrounding ±SurgeContextS seconds (a median,
// so the surge itself barely moves it); stretches closer than 3 s merge;
// a stretch lasting SurgeMinS–SurgeMaxS whose mean also clears the bar is
// a surge; two closer than SurgeMinGapS are one effort, dropped when
// together they last longer than SurgeMaxS (that is an interval, not a
// surge).
// pr is v's prefix, keys its speed buckets, single their singleValues (or
// nil); buffers come from sc.
func surgeRanges(v []float64, pr prefix, keys []int16, single []float64, p Params, sc *scratch) [][2]int {
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
	// The test is taken for every sample, block by block of contextStep
	// samples (one base each: its bar, and meanAtLeast's bounds for a
	// full window, worked out once), and kept as bits: the per-sample
	// test with its lookups of the base was 0.9 of surgeRanges' 1.9
	// CPU-s in a profile of BenchmarkAnalyzeRealRunsMeasurer (9.2 of
	// Measure).
	hot := sc.bits(n)
	surgeTests(hot, v, pr, base, p)
	in := func(i int) bool { return hot[uint(i)/64]&(1<<(uint(i)%64)) != 0 }
	// next is the first i' ≥ i with in(i'), n when there is none.
	next := func(i int) int {
		if i >= n {
			return n
		}
		w := i / 64
		word := hot[w] >> (uint(i) % 64)
		if word != 0 {
			return min(n, i+bits.TrailingZeros64(word))
		}
		for w++; w < len(hot); w++ {
			if hot[w] != 0 {
				return min(n, w*64+bits.TrailingZeros64(hot[w]))
			}
		}
		return n
	}
	var raw [][2]int
	for i := next(0); i < n; i = next(i) {
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

// surgeTests sets bit i of hot (len(v)/64 words, rounded up; every word
// is written) to surgeRanges' test at sample i: the 5 s centred mean of v,
// pr.centred(v, i, 2), is ≥ (1+SurgeFaster)·base[i/contextStep], a base
// below MovingSpeedMPS (or NaN) allowing no surge, decided by meanAtLeast
// from v's prefix pr.
func surgeTests(hot []uint64, v []float64, pr prefix, base []float64, p Params) {
	clear(hot)
	n := len(v)
	sum, cnt := pr.sum, pr.cnt
	for c := 0; c < n; c += contextStep {
		b := base[c/contextStep]
		if math.IsNaN(b) || b < p.MovingSpeedMPS {
			continue // no surge in these 10 s
		}
		t := (1 + p.SurgeFaster) * b
		end := min(c+contextStep, n)
		if c >= 2 && end+3 <= n+1 && cnt == nil {
			// Full windows of 5 finite values: meanAtLeast(d, 5, t)
			// with its bounds for 5 worked out once (NaN where it
			// divides, so that both comparisons fail).
			up, down := math.NaN(), math.NaN()
			if q := t * 5; t > 0 && q > 1e-280 && q < 1e280 {
				m := q * 1e-12
				up, down = q+m, q-m
			}
			xs := v[c:end]
			hiS, loS := sum[c+3:end+3], sum[c-2:end-2]
			hiS, loS = hiS[:len(xs)], loS[:len(xs)]
			for j, x := range xs {
				if x != x {
					continue // (none: pr.cnt is nil)
				}
				d := hiS[j] - loS[j]
				if d >= up || !(d <= down) && d/5 >= t {
					i := uint(c + j)
					hot[i/64] |= 1 << (i % 64)
				}
			}
			continue
		}
		for i := c; i < end; i++ {
			if math.IsNaN(v[i]) {
				continue // a NaN v[i] has a NaN mean
			}
			lo, hi := max(i-2, 0), min(i+3, n)
			k := float64(hi - lo)
			if cnt != nil {
				k = cnt[hi] - cnt[lo] // ≥ 1: v[i] is finite
			}
			if meanAtLeast(sum[hi]-sum[lo], k, t) {
				hot[uint(i)/64] |= 1 << (uint(i) % 64)
			}
		}
	}
}

// rangeMeans returns, for each [start, end] range (in order, not
// overlapping), newPrefix(x).mean(start, end+1): the same running sums,
// taken in one pass up to the last range instead of stored.
func rangeMeans(x []float64, ranges [][2]int) []float64 {
	means := make([]float64, len(ranges))
	s, c := 0.0, 0.0 // sum and count of the finite values of x[:j]
	j := 0
	upTo := func(k int) {
		for ; j < k; j++ {
			if v := x[j]; !math.IsNaN(v) {
				s += v
				c++
			}
		}
	}
	for i, r := range ranges {
		upTo(r[0])
		s0, c0 := s, c
		upTo(r[1] + 1)
		means[i] = math.NaN()
		if c > c0 {
			means[i] = (s - s0) / (c - c0)
		}
	}
	return means
}

// heldRangeMeans is rangeMeans(x, ranges) for the x that holds each value
// of held for contextStep samples (x[j] = held[j/contextStep]), without x.
func heldRangeMeans(held []float64, ranges [][2]int) []float64 {
	means := make([]float64, len(ranges))
	s, c := 0.0, 0.0 // sum and count of the finite values of x[:j]
	j := 0
	upTo := func(k int) {
		for ; j < k; j++ {
			if v := held[j/contextStep]; !math.IsNaN(v) { // a constant divisor: a multiply
				s += v
				c++
			}
		}
	}
	for i, r := range ranges {
		upTo(r[0])
		s0, c0 := s, c
		upTo(r[1] + 1)
		means[i] = math.NaN()
		if c > c0 {
			means[i] = (s - s0) / (c - c0)
		}
	}
	return means
}

// contextStep is the seconds between two context medians.
const contextStep = 10

// contextMedian is contextMedians held for their 10 s each: out[k] is the
// median for second k. It writes to out (len(v) long) and returns it.
func contextMedian(out, v []float64, keys []int16, single []float64, half int) []float64 {
	meds := contextMedians(make([]float64, (len(v)+contextStep-1)/contextStep), v, keys, single, half)
	for k := range out {
		out[k] = meds[k/contextStep]
	}
	return out
}

// contextMedians is, per 10 s, the median moving speed over ±half seconds,
// evaluated every 10 s (at seconds 0, 10, …) and held in between (a 3-min
// median moves slowly). keys are v's speed buckets (speedKeys), single
// their singleValues (or nil). It writes to out (one per 10 s of v,
// rounded up) and returns it.
//
// Rather than sorting each window, its moving samples are counted per
// speed bucket; the median's bucket is found by walking from the previous
// one, and only the few window samples in it are sorted (see rankWindow):
// the same medians a sort of each window gives.
func contextMedians(out, v []float64, keys []int16, single []float64, half int) []float64 {
	n := len(v)
	w := rankWindow{v: v, bucket: keys, hi: -1, single: single}
	for c := 0; c < n; c += contextStep {
		lo, hi := max(0, c-half), min(n-1, c+half)
		w.countRange(w.lo, min(lo, w.hi+1), -1)
		w.countRange(max(w.hi+1, lo), hi+1, +1)
		w.lo, w.hi = lo, hi
		out[c/contextStep] = w.median()
	}
	return out
}

// speedBuckets is the number of buckets speedKeys spreads moving speeds
// over: enough that a bucket holds a handful of a 3-min window's samples.
const speedBuckets = 4096

// groupBuckets is the number of adjacent buckets rankWindow also counts
// together, so that a search for a far-away rank skips empty stretches.
const groupBuckets = 64

// speedKeys returns, per sample of v, its bucket among speedBuckets equal
// ones between the slowest and the fastest moving speed, or −1 when it is
// not moving (NaN or below MovingSpeedMPS). The bucket never decreases as
// the speed increases, so bucket order is value order: every value in a
// lower bucket is smaller than every value in a higher one.
func speedKeys(v []float64, p Params) []int16 { return speedKeysSingles(v, p, nil) }

// unsetBits marks, in speedKeysSingles, a bucket that has no sample yet:
// a NaN with a payload math.NaN() does not have, so told from "differ".
const unsetBits = 0x7FF8_0000_0000_0BAD

// speedKeysSingles is speedKeys, also writing singleValues(single, v,
// keys) when single (speedBuckets long) is not nil, in the same pass over
// v: a bucket's first sample sets its value, a later one with other bits
// makes it NaN (singleValues's two passes were 0.12 of Measure's 4.6
// CPU-s in a profile of BenchmarkAnalyzeRealRuns).
// Buckets without samples are left with a NaN (unsetBits).
func speedKeysSingles(v []float64, p Params, single []float64) []int16 {
	return speedKeysIn(make([]int16, len(v)), v, p, single)
}

// speedKeysIn is speedKeysSingles writing the keys to keys (len(v) long:
// every one is written) and returning it.
func speedKeysIn(keys []int16, v []float64, p Params, single []float64) []int16 {
	// Moving is x >= MovingSpeedMPS, false for NaN: the test
	// !math.IsNaN(x) && x >= MovingSpeedMPS without its first half (which
	// was 0.2 of speedKeysIn's 0.71 CPU-s in a profile of
	// BenchmarkAnalyzeRealRunsMeasurer).
	lowest, highest := movingRange(v, p.MovingSpeedMPS)
	return speedKeysRange(keys, v, p, single, lowest, highest)
}

// movingRange returns the smallest and the largest moving value of v
// (x >= movingMPS: not NaN), +Inf and −Inf when there is none. The
// comparisons are plain: a ±0 tie cannot change a bucket.
func movingRange(v []float64, movingMPS float64) (lowest, highest float64) {
	lowest, highest = math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if x >= movingMPS {
			if x < lowest {
				lowest = x
			}
			if x > highest {
				highest = x
			}
		}
	}
	return lowest, highest
}

// speedKeysRange is speedKeysIn given movingRange(v, p.MovingSpeedMPS):
// the analysis finds it in the pass that sums the speed (newSpeedPrefixIn),
// not in one of its own.
func speedKeysRange(keys []int16, v []float64, p Params, single []float64, lowest, highest float64) []int16 {
	movingMPS := p.MovingSpeedMPS
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
		if !(x >= movingMPS) {
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

// singleValues returns, per speed bucket of keys that holds samples of v,
// the one value all of them have (compared bit for bit), NaN when they
// differ; buckets without samples are left as they were (rankWindow reads
// only buckets it counts samples in). It writes to single (speedBuckets
// long) and returns it. Stored speeds are quantised (1 mm/s), and a
// bucket of a run is usually narrower than that: its samples are then all
// equal, and any order statistic that falls in the bucket is that value,
// with no need to collect and sort the bucket's samples of the window.
func singleValues(single, v []float64, keys []int16) []float64 {
	for i, b := range keys { // some sample's value per bucket
		if b >= 0 {
			single[b] = v[i]
		}
	}
	for i, b := range keys { // NaN where another differs
		if b >= 0 && math.Float64bits(v[i]) != math.Float64bits(single[b]) {
			single[b] = math.NaN()
		}
	}
	return single
}

// rankWindow finds order statistics of the moving samples of v[lo..hi]
// from their counts per speed bucket: the r-th smallest lies in the bucket
// where the running count passes r, and is found by sorting that bucket's
// samples only.
type rankWindow struct {
	v       []float64
	bucket  []int16 // speedKeys(v)
	lo, hi  int     // the window, counted with count
	size    int     // moving samples in the window
	cnt     [speedBuckets]int32
	group   [speedBuckets / groupBuckets]int32 // cnt summed over groupBuckets buckets
	at      int                                // the bucket the last search ended in
	below   int                                // moving samples of the window in buckets below at
	pick    []float64
	pickFor int       // the bucket whose samples pick holds, sorted; −1 when stale
	single  []float64 // singleValues of v and bucket, or nil: no shortcut
}

// count adds (d = +1) or removes (d = −1) sample i.
func (w *rankWindow) count(i int, d int32) {
	b := w.bucket[i]
	if b < 0 {
		return
	}
	w.cnt[b] += d
	w.group[b/groupBuckets] += d
	w.size += int(d)
	if int(b) < w.at {
		w.below += int(d)
	}
	w.pickFor = -1
}

// countRange is count(i, d) for each i in [from, to), with the window's
// totals kept in registers: count's read-modify-writes of w.size and
// w.below chained one sample on another through memory, and its test
// against w.at was a coin toss for the branch predictor (the median
// splits the window); here that test is a conditional move. Counting and
// kth's walks were 0.4 of contextMedian's 0.49 CPU-s in a profile of
// BenchmarkAnalyzeRealRuns (4.6 CPU-s of Measure).
func (w *rankWindow) countRange(from, to int, d int32) {
	if from >= to {
		return
	}
	size, below, at := w.size, w.below, w.at
	keys := w.bucket[from:to]
	for _, b := range keys {
		if b < 0 {
			continue
		}
		u := uint16(b) // ≥ 0: the group is a shift
		w.cnt[u] += d
		w.group[u/groupBuckets] += d
		size += int(d)
		lt := 0
		if int(u) < at {
			lt = int(d)
		}
		below += lt
	}
	w.size, w.below, w.pickFor = size, below, -1
}

// countAll adds every sample of v: the window v[0..len(v)−1], at bucket 0.
func (w *rankWindow) countAll() {
	for _, b := range w.bucket {
		if b >= 0 {
			w.cnt[b]++
			w.group[b/groupBuckets]++
			w.size++
		}
	}
	w.lo, w.hi, w.at, w.below, w.pickFor = 0, len(w.bucket)-1, 0, 0, -1
}

// kth is the r-th smallest (from 0) moving value of the window, r < size.
func (w *rankWindow) kth(r int) float64 {
	// Walk to the bucket where the running count passes r, a whole group
	// of buckets at a time where it cannot be inside it: the bucket a
	// one-by-one walk ends in.
	// The walk keeps its position in registers (at, below), not in w:
	// each step read the previous one's through memory.
	// Where no group can be skipped, four buckets are passed at once when
	// the count cannot pass r inside them (the bucket the walk ends in is
	// the same): a walk was ~17 buckets on real runs.
	at, below := w.at, w.below
	cnt := &w.cnt
	for r < below {
		if g := at/groupBuckets - 1; at%groupBuckets == 0 && g >= 0 && r < below-int(w.group[g]) {
			at -= groupBuckets
			below -= int(w.group[g])
			continue
		}
		if at >= 4 {
			if four := int(cnt[at-1]) + int(cnt[at-2]) + int(cnt[at-3]) + int(cnt[at-4]); r < below-four {
				at -= 4
				below -= four
				continue
			}
		}
		at--
		below -= int(cnt[at])
	}
	for r >= below+int(cnt[at]) {
		if g := at / groupBuckets; at%groupBuckets == 0 && r >= below+int(w.group[g]) {
			at += groupBuckets
			below += int(w.group[g])
			continue
		}
		if at+4 <= speedBuckets-1 {
			if four := int(cnt[at]) + int(cnt[at+1]) + int(cnt[at+2]) + int(cnt[at+3]); r >= below+four {
				at += 4
				below += four
				continue
			}
		}
		below += int(cnt[at])
		at++
	}
	w.at, w.below = at, below
	if w.single != nil {
		if x := w.single[w.at]; !math.IsNaN(x) {
			return x // every sample in the bucket is x
		}
	}
	if w.pickFor != w.at {
		w.pick = w.pick[:0]
		b, need := int16(w.at), int(w.cnt[w.at])
		for j := w.lo; len(w.pick) < need; j++ {
			if w.bucket[j] == b {
				w.pick = append(w.pick, w.v[j])
			}
		}
		slices.Sort(w.pick)
		w.pickFor = w.at
	}
	return w.pick[r-w.below]
}

// median is the median of the window's moving values (as median), NaN
// when there are none.
func (w *rankWindow) median() float64 {
	k := w.size
	if k == 0 {
		return math.NaN()
	}
	m := w.kth(k / 2)
	if k%2 == 0 {
		m = (w.kth(k/2-1) + m) / 2
	}
	return m
}

// segments describes each [a, b] of ranges (seconds of a run). Distance
// is the mean cleaned speed times the duration, so a GPS jump inside does
// not inflate it. The mean heart rate is newPrefix(raw HR).mean(a, b+1),
// taken from the running sums at the ends of the ranges only (prefixAt),
// not from a prefix of the whole channel in two arrays of n values.
func (an *analysis) segments(ranges [][2]int) []rebound.Segment {
	if len(ranges) == 0 {
		return nil
	}
	segs := make([]rebound.Segment, len(ranges))
	var hr []float64
	if s := an.s; s != nil && s.HeartRateBPM != nil {
		hr = s.HeartRateBPM
	}
	var ends []int
	for k, r := range ranges {
		a, b := r[0], r[1]
		d := float64(b - a + 1)
		sp := an.speedPrefix().mean(a, b+1)
		segs[k] = rebound.Segment{StartS: float64(a), DurationS: d, SpeedMPS: sp, DistanceM: sp * d}
		if hr != nil && len(hr) >= b+1 {
			ends = append(ends, min(max(a, 0), len(hr)), min(max(b+1, 0), len(hr)))
		}
	}
	if len(ends) == 0 {
		return segs
	}
	sum, cnt := prefixAt(hr, ends)
	e := 0
	for k, r := range ranges {
		if len(hr) < r[1]+1 {
			continue
		}
		// prefix.mean(a, b+1), clamped as it clamps.
		lo, hi := ends[e], ends[e+1]
		s0, s1, c0, c1 := sum[e], sum[e+1], cnt[e], cnt[e+1]
		e += 2
		if hi <= lo || c1-c0 == 0 {
			continue
		}
		if m := (s1 - s0) / (c1 - c0); !math.IsNaN(m) {
			segs[k].AvgHRBPM = rebound.Float(m)
		}
	}
	return segs
}

// prefixAt returns, for each index j of at (0 ≤ j ≤ len(x), any order),
// newPrefix(x).sum[j] and the number of finite values of x[:j] (exact):
// the running sum of the finite values of x, added in order, read off at
// those indexes.
func prefixAt(x []float64, at []int) (sums, counts []float64) {
	order := make([]int, len(at))
	for k := range order {
		order[k] = k
	}
	slices.SortFunc(order, func(a, b int) int { return at[a] - at[b] })
	sums, counts = make([]float64, len(at)), make([]float64, len(at))
	s, c, j := 0.0, 0.0, 0
	for _, k := range order {
		for ; j < at[k]; j++ {
			if v := x[j]; !math.IsNaN(v) {
				s += v
				c++
			}
		}
		sums[k], counts[k] = s, c
	}
	return sums, counts
}
