package load

import (
	"math"
	"slices"

	"rebound"
)

// This file cleans and smooths 1 s streams. Every helper treats NaN as
// "missing" and never panics on empty or short input.

// scratch hands out float64 buffers for one computation (one Analyze, one
// ResolveProfile) from a few large blocks instead of a make per helper and
// call: fresh memory is what costs most here (a 95-min run's channel is
// 45 kB). A buffer's contents are left over from earlier use: every helper
// writes all of a buffer it takes before reading it. Buffers taken after a
// mark are handed out again after release to it, so temporaries cost no
// new memory. A nil *scratch allocates each buffer afresh. Not safe for
// concurrent use; each call has its own, or each Measurer, which reuses it
// from one activity to the next (newAnalysisIn).
type scratch struct {
	block []float64
	used  int
	gen   int // counts blocks, so that a release never reaches into a new one
	keys  []int16
	flags []uint64
}

// bits returns a buffer of n bits, (n+63)/64 words (not zeroed): there is
// one, the surge tests of an analysis (surgeTests), reused from one
// analysis to the next.
func (sc *scratch) bits(n int) []uint64 {
	w := (n + 63) / 64
	if sc == nil {
		return make([]uint64, w)
	}
	if cap(sc.flags) < w {
		sc.flags = make([]uint64, w)
	}
	return sc.flags[:w]
}

// int16s returns a buffer of n int16 (not zeroed): there is one, the
// speed keys of an analysis, reused from one analysis to the next.
func (sc *scratch) int16s(n int) []int16 {
	if sc == nil {
		return make([]int16, n)
	}
	if cap(sc.keys) < n {
		sc.keys = make([]int16, n)
	}
	return sc.keys[:n]
}

// floats returns a buffer of n values (not zeroed).
func (sc *scratch) floats(n int) []float64 {
	if sc == nil {
		return make([]float64, n)
	}
	if sc.used+n > len(sc.block) {
		// A new block; buffers from the old one stay valid.
		sc.block, sc.used = make([]float64, max(2*len(sc.block), 4*n, 1024)), 0
		sc.gen++
	}
	b := sc.block[sc.used : sc.used+n : sc.used+n]
	sc.used += n
	return b
}

// scratchMark is a point to release a scratch back to.
type scratchMark struct{ used, gen int }

// mark returns the current point of sc.
func (sc *scratch) mark() scratchMark {
	if sc == nil {
		return scratchMark{}
	}
	return scratchMark{sc.used, sc.gen}
}

// release hands the buffers taken since m out again: none of them may be
// used any more.
func (sc *scratch) release(m scratchMark) {
	if sc != nil && sc.gen == m.gen {
		sc.used = m.used
	}
}

// reset makes every buffer handed out so far free for reuse: call it only
// when none of them is used any more.
func (sc *scratch) reset() {
	if sc != nil {
		sc.used = 0
	}
}

// hrStream is a heart-rate channel with its artefacts removed.
type hrStream struct {
	bpm      []float64 // spikes replaced by NaN
	span     int       // samples from the first to the last finite raw value
	valid    int       // finite samples after cleaning
	missing  int       // NaN samples inside the span (dropouts, pauses)
	spikes   int       // samples removed as spikes
	longestS int       // longest dropout inside the span, seconds
}

// cleanHR removes implausible spikes: a sample further than HRSpikeBPM from
// the median of its surrounding 11 s, or outside 25–250 bpm (the range
// internal/track accepts), is set to NaN. Buffers come from sc (may be nil).
func cleanHR(raw []float64, p Params, sc *scratch) hrStream {
	var h hrStream
	// The first and the last finite value, found from either end: a
	// pass testing every sample was 0.15 of cleanHR's 0.88 CPU-s in a
	// profile of BenchmarkAnalyzeRealRunsMeasurer.
	first := -1
	for i, v := range raw {
		if v == v { // not NaN
			first = i
			break
		}
	}
	if first < 0 {
		return h
	}
	last := first
	for i := len(raw) - 1; i > first; i-- {
		if v := raw[i]; v == v {
			last = i
			break
		}
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

// farFromMedian reports whether x[i] is further than limit from the median
// m of the finite values in x[i−half, i+half]: math.Abs(x[i]−m) > limit.
//
// Most samples need no median: when every finite value of the window lies
// within limit of x[i], so does the median, which lies between the
// window's smallest and largest value (an even window's mean of two
// values too), and rounding x[i]−m cannot cross a bound that both
// x[i]−largest and x[i]−smallest respect. (With a limit beyond 1e300 two
// values could overflow in that mean, so the median is always taken.)
// Other samples get the median the definition gives: the window's finite
// values sorted.
func farFromMedian(x []float64, i, half int, limit float64) bool {
	if limit <= 1e300 && nearAll(x, i, half, limit) {
		return false
	}
	return farFromWindowMedian(x, i, half, limit)
}

// nearAll reports whether every finite value of x[i−half, i+half] lies
// within limit of x[i]: math.Abs(x[i]−y) ≤ limit.
func nearAll(x []float64, i, half int, limit float64) bool {
	v := x[i]
	for _, y := range x[max(0, i-half):min(len(x), i+half+1)] {
		if math.Abs(v-y) > limit { // false for NaN: not a value
			return false
		}
	}
	return true
}

// windowRange returns the smallest and the largest value of w that is not
// NaN (±Inf included; +Inf and −Inf when there is none).
func windowRange(w []float64) (lowest, highest float64) {
	lowest, highest = math.Inf(1), math.Inf(-1)
	for _, y := range w {
		if y < lowest {
			lowest = y
		}
		if y > highest {
			highest = y
		}
	}
	return lowest, highest
}

// farFromWindowMedian is farFromMedian's test from the sorted window.
func farFromWindowMedian(x []float64, i, half int, limit float64) bool {
	v := x[i]
	win := x[max(0, i-half):min(len(x), i+half+1)]
	var small [16]float64
	buf := small[:0]
	for _, y := range win {
		if !math.IsNaN(y) {
			buf = append(buf, y)
		}
	}
	return math.Abs(v-median(buf)) > limit
}

// medianFilter replaces, in place, every finite x[i] by the median of the
// finite values in [i−half, i+half]; NaN stays NaN.
// The window is slid rather than rebuilt: the sample leaving it, the
// oldest, is removed as the first of its equals, and the one entering it
// is inserted behind its equals (an insertion-sort step), so the window is
// always exactly the stable sort of its samples — what sorting each window
// afresh gives, since slices.Sort sorts up to 12 values by insertion (for
// wider windows only the sign of a zero median could differ). The last
// half+1 original values are kept in a ring, since x is overwritten behind
// the window.
func medianFilter(x []float64, half int) []float64 {
	if half == 2 {
		return medianFilter5(x)
	}
	n := len(x)
	var small, ringBuf [16]float64
	win, ring := small[:0], ringBuf[:]
	if 2*half+1 > len(small) {
		win, ring = make([]float64, 0, 2*half+1), make([]float64, half+1)
	}
	ring = ring[:half+1] // ring[k%(half+1)] = the original x[k]
	insert := func(win []float64, v float64) []float64 {
		win = win[:len(win)+1]
		j := len(win) - 1
		for ; j > 0 && v < win[j-1]; j-- {
			win[j] = win[j-1]
		}
		win[j] = v
		return win
	}
	for j := range min(half, n) {
		if !math.IsNaN(x[j]) {
			win = insert(win, x[j])
		}
	}
	slot := 0 // i % (half+1), without a division: also where x[i−half−1] is
	for i := range n {
		out, in := math.NaN(), math.NaN() // the values leaving and entering
		if i-half-1 >= 0 {
			out = ring[slot]
		}
		if k := i + half; k < n {
			in = x[k]
		}
		switch {
		case !math.IsNaN(out) && !math.IsNaN(in):
			// Put in where out was (the first of its equals), then move it
			// left before larger values or right past smaller and equal
			// ones: the same window as a removal and an insertion.
			j := 0
			for win[j] < out {
				j++
			}
			for ; j > 0 && in < win[j-1]; j-- {
				win[j] = win[j-1]
			}
			for ; j < len(win)-1 && win[j+1] <= in; j++ {
				win[j] = win[j+1]
			}
			win[j] = in
		case !math.IsNaN(out):
			j := 0
			for win[j] < out {
				j++
			}
			for ; j < len(win)-1; j++ {
				win[j] = win[j+1]
			}
			win = win[:len(win)-1]
		case !math.IsNaN(in):
			win = insert(win, in)
		}
		v := x[i]
		ring[slot] = v
		if slot++; slot == half+1 {
			slot = 0
		}
		if math.IsNaN(v) {
			continue
		}
		m := math.NaN()
		if k := len(win); k > 0 {
			m = win[k/2]
			if k%2 == 0 {
				m = (win[k/2-1] + win[k/2]) / 2
			}
		}
		x[i] = m
	}
	return x
}

// medianFilter5 is medianFilter(x, 2), the speed channel's 5 s filter, for
// which sliding a sorted window costs more than taking each median afresh:
// the five original values around x[i] are kept in registers (x is
// overwritten only behind them). A full window of non-zero values gets its
// median from a selection network; any correct selection picks the same
// bits, since equal non-zero floats are identical. Other windows (gaps,
// ends, zeros, whose sign the stable order decides) are sorted as the
// definition says: by insertion, stably, as slices.Sort does up to 12 values.
//
// The values are carried as their bits: a window of positive numbers (a
// moving run's speeds) is selected on the bits as integers, which order
// positive floats as their values do, with integer min and max (a compare
// and a conditional move each, where the built-in float min and max also
// sort out NaN and ±0: the network was 250 of 370 ms here in a profile).
func medianFilter5(x []float64) []float64 {
	n := len(x)
	nan := math.Float64bits(math.NaN())
	at := func(k int) uint64 {
		if k < n {
			return math.Float64bits(x[k])
		}
		return nan
	}
	a, b, c, d, e := nan, nan, at(0), at(1), at(2) // x[i−2] … x[i+2]
	// bad is the last index up to i+2 whose value (NaN outside x) is not
	// positive: the window is all positive when bad < i−2, one test per
	// sample, of the value entering, instead of five.
	bad := -1
	for k, u := range [3]uint64{c, d, e} {
		if !positiveBits(u) {
			bad = k
		}
	}
	for i := range n {
		if i > 0 {
			a, b, c, d, e = b, c, d, e, at(i+2)
			if !positiveBits(e) {
				bad = i + 2
			}
		}
		if bad < i-2 { // positiveBits of a, b, c, d and e
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

// positiveBits reports whether u is the bits of a number > 0 (+Inf
// included, NaN and ±0 not): the bits of such numbers, as unsigned
// integers, are 1 … 0x7FF0000000000000 (+Inf), in the order of the values.
func positiveBits(u uint64) bool { return u-1 < 0x7FF0000000000000 }

// nonZero reports whether v is a number other than ±0 (false for NaN).
func nonZero(v float64) bool { return v > 0 || v < 0 }

// median sorts buf in place and returns its median, NaN when empty.
func median(buf []float64) float64 {
	if len(buf) == 0 {
		return math.NaN()
	}
	slices.Sort(buf)
	m := len(buf) / 2
	if len(buf)%2 == 1 {
		return buf[m]
	}
	return (buf[m-1] + buf[m]) / 2
}

// medianOf returns the median of the finite values of x without changing x.
func medianOf(x []float64) float64 {
	buf := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			buf = append(buf, v)
		}
	}
	return median(buf)
}

// prefix holds prefix sums of values and of finite counts, for O(1) window
// means that skip NaN. cnt is nil when x has no NaN: the count of x[lo:hi]
// is then hi−lo, the same number.
type prefix struct{ sum, cnt []float64 }

func newPrefix(x []float64) prefix { return newPrefixIn(x, nil) }

// newPrefixIn is newPrefix with its buffers from sc.
func newPrefixIn(x []float64, sc *scratch) prefix {
	p := prefix{sum: sc.floats(len(x) + 1)}
	s := 0.0
	p.sum[0] = s
	for i, v := range x {
		if math.IsNaN(v) {
			return p.withCounts(x, i, sc)
		}
		s += v
		p.sum[i+1] = s
	}
	return p
}

// newSpeedPrefixIn is newPrefixIn(x, sc) and movingRange(x, movingMPS)
// in one pass over x: the same running sums and counts, the same smallest
// and largest moving value (a pass of its own was 0.15 of Measure's 9.2
// CPU-s in a profile of BenchmarkAnalyzeRealRunsMeasurer).
func newSpeedPrefixIn(x []float64, movingMPS float64, sc *scratch) (p prefix, lowest, highest float64) {
	lowest, highest = math.Inf(1), math.Inf(-1)
	p = prefix{sum: sc.floats(len(x) + 1)}
	sum := p.sum[1:]
	sum = sum[:len(x)]
	s := 0.0
	p.sum[0] = s
	for i, v := range x {
		if v != v { // NaN: counts from here on
			p.cnt = sc.floats(len(x) + 1)
			for k := 0; k <= i; k++ {
				p.cnt[k] = float64(k)
			}
			c := p.cnt[i]
			cnt := p.cnt[1:]
			cnt = cnt[:len(x)]
			for ; i < len(x); i++ {
				if v := x[i]; v == v {
					s += v
					c++
					if v >= movingMPS {
						lowest, highest = min2(v, lowest), max2(v, highest)
					}
				}
				sum[i], cnt[i] = s, c
			}
			return p, lowest, highest
		}
		s += v
		sum[i] = s
		if v >= movingMPS {
			lowest, highest = min2(v, lowest), max2(v, highest)
		}
	}
	return p, lowest, highest
}

// min2 and max2 are movingRange's plain comparisons: y when x is not
// below (above) it.
func min2(x, y float64) float64 {
	if x < y {
		return x
	}
	return y
}

func max2(x, y float64) float64 {
	if x > y {
		return x
	}
	return y
}

// newPrefixLike is newPrefixIn(x, sc) for an x whose NaN are where those of
// ref are, ref's prefix being pr: the counts are then the same array, so
// they are shared, not built again. It checks that they are, and falls
// back to newPrefixIn otherwise.
func newPrefixLike(x, ref []float64, pr prefix, sc *scratch) prefix {
	if pr.cnt == nil || len(ref) != len(x) {
		return newPrefixIn(x, sc)
	}
	m := sc.mark()
	p := prefix{sum: sc.floats(len(x) + 1), cnt: pr.cnt}
	s := 0.0
	p.sum[0] = s
	for i, v := range x {
		if math.IsNaN(v) != math.IsNaN(ref[i]) {
			sc.release(m)
			return newPrefixIn(x, sc)
		}
		if !math.IsNaN(v) {
			s += v
		}
		p.sum[i+1] = s
	}
	return p
}

// withCounts finishes newPrefixIn from x[i], the first NaN, keeping counts.
func (p prefix) withCounts(x []float64, i int, sc *scratch) prefix {
	p.cnt = sc.floats(len(x) + 1)
	for k := 0; k <= i; k++ {
		p.cnt[k] = float64(k)
	}
	s, c := p.sum[i], p.cnt[i]
	for ; i < len(x); i++ {
		if v := x[i]; !math.IsNaN(v) {
			s += v
			c++
		}
		p.sum[i+1], p.cnt[i+1] = s, c
	}
	return p
}

// n is the number of finite values in x[lo:hi], 0 ≤ lo ≤ hi ≤ len(x), as a
// float (exact).
func (p prefix) n(lo, hi int) float64 {
	if p.cnt == nil {
		return float64(hi - lo)
	}
	return p.cnt[hi] - p.cnt[lo]
}

// mean is the mean of the finite values in x[lo:hi] (clamped), NaN if none.
func (p prefix) mean(lo, hi int) float64 {
	lo = max(lo, 0)
	hi = min(hi, len(p.sum)-1)
	if hi <= lo {
		return math.NaN()
	}
	c := p.n(lo, hi)
	if c == 0 {
		return math.NaN()
	}
	return (p.sum[hi] - p.sum[lo]) / c
}

// count is the number of finite values in x[lo:hi] (clamped).
func (p prefix) count(lo, hi int) int {
	lo = max(lo, 0)
	hi = min(hi, len(p.sum)-1)
	if hi <= lo {
		return 0
	}
	return int(p.n(lo, hi))
}

// centred is x[i] smoothed with a centred window of 2·half+1 samples from
// x's prefix sums pr; NaN where x[i] is NaN (a pause is not filled in).
// It is centredMean's value at i, without the array.
func (p prefix) centred(x []float64, i, half int) float64 {
	if math.IsNaN(x[i]) {
		return math.NaN()
	}
	return p.mean(i-half, i+half+1)
}

// centredMean writes to dst (len(x) long) and returns x smoothed with a
// centred window of 2·half+1 samples, from x's prefix sums pr; samples that
// are NaN in x stay NaN (a pause is not filled in). Each value is
// pr.centred(x, i, half), computed in one loop.
func centredMean(dst, x []float64, pr prefix, half int) []float64 {
	n := len(x)
	sum := pr.sum[:n+1]
	if pr.cnt == nil { // no NaN: every window is full
		for i := range x {
			lo, hi := max(i-half, 0), min(i+half+1, n)
			dst[i] = (sum[hi] - sum[lo]) / float64(hi-lo)
		}
		return dst
	}
	cnt := pr.cnt[:n+1]
	if half >= 0 {
		// x[i] lies in its own window, so a finite x[i] is counted: the
		// window is never empty and needs no test.
		for i, v := range x {
			if math.IsNaN(v) {
				dst[i] = math.NaN()
				continue
			}
			lo, hi := max(i-half, 0), min(i+half+1, n)
			dst[i] = (sum[hi] - sum[lo]) / (cnt[hi] - cnt[lo])
		}
		return dst
	}
	for i, v := range x {
		lo, hi := max(i-half, 0), min(i+half+1, n)
		m := math.NaN()
		if !math.IsNaN(v) && hi > lo {
			if c := cnt[hi] - cnt[lo]; c != 0 {
				m = (sum[hi] - sum[lo]) / c
			}
		}
		dst[i] = m
	}
	return dst
}

// meanAtLeast reports whether sum/c >= t as float64 arithmetic computes
// it (the quotient rounded, then compared), for a count c ≥ 1, mostly
// without the division: a window-mean test is the only use the surge and
// tempo detectors make of their smoothed speed, and a divide costs
// several multiplies. With p = t·c rounded (relative error ≤ 2⁻⁵³), a sum above p
// by more than 1e-12·|p| has a real quotient above t, so its rounded
// quotient is ≥ t (rounding is monotone and t is a float); a sum below
// p by more than that has a real quotient below t·(1 − 1e-12), whose
// rounding (relative error 2⁻⁵³) stays below t. Sums in between, and any
// t, p outside the range where those bounds hold (non-positive, tiny,
// huge, NaN), take the division itself, so the answer is always the one
// sum/c >= t gives.
func meanAtLeast(sum, c, t float64) bool {
	if p := t * c; t > 0 && p > 1e-280 && p < 1e280 {
		m := p * 1e-12
		if sum >= p+m {
			return true
		}
		if sum <= p-m {
			return false
		}
	}
	return sum/c >= t
}

// centredMeanOf is centredMean(dst, x, newPrefix(x), half) for half ≥ 0
// without the prefix arrays. The window's two ends each keep the running
// sum newPrefix stores (the finite values added in order from 0), one
// reaching x[:hi], the other x[:lo] some samples behind it: the same
// additions, so the same sums, and the same differences are divided (the
// counts, integers, are exact either way). For the altitude's 11 s mean
// this saves writing and zeroing two arrays of n values and reading them
// back (prefix and centred mean were 130 of 490 ms of gradedSpeed in a
// profile).
func centredMeanOf(dst, x []float64, half int) []float64 {
	if half < 0 {
		return centredMean(dst, x, newPrefix(x), half)
	}
	n := len(x)
	var st centredSums
	// From sample a to b−1 the window lies inside x and each step moves
	// each end by exactly one value: those samples take a loop of their
	// own over equal-length slices, the sums in registers (the general
	// loop's inner loops were 0.5 of centredMeanOf's 0.8 CPU-s in a
	// profile of BenchmarkAnalyzeRealRunsMeasurer). The same values are
	// added to the same sums in the same order.
	a, b := half+1, n-half
	if a >= b {
		st.run(dst, x, half, 0, n)
		return dst
	}
	st.run(dst, x, half, 0, a)
	sHi, sLo, cHi, cLo := st.sHi, st.sLo, st.cHi, st.cLo
	xs := x[a:b]
	ds, ins, outs := dst[a:b], x[a+half:b+half], x[a-half-1:b-half-1]
	ds, ins, outs = ds[:len(xs)], ins[:len(xs)], outs[:len(xs)]
	for j, v := range xs {
		if y := ins[j]; y == y { // x[i+half] enters: S[hi], hi = i+half+1
			sHi += y
			cHi++
		}
		if y := outs[j]; y == y { // x[i−half−1] leaves: S[lo], lo = i−half
			sLo += y
			cLo++
		}
		if v != v {
			ds[j] = math.NaN()
			continue
		}
		ds[j] = (sHi - sLo) / float64(cHi-cLo)
	}
	st = centredSums{sHi: sHi, sLo: sLo, cHi: cHi, cLo: cLo, hiAt: b + half, loAt: b - half - 1}
	st.run(dst, x, half, b, n)
	return dst
}

// centredSums is centredMeanOf's state: the running sums S[hi], S[lo] of
// the finite x[:hi], x[:lo], their counts, and the hi and lo they are at.
type centredSums struct {
	sHi, sLo   float64
	cHi, cLo   int
	hiAt, loAt int
}

// run is centredMeanOf's general loop over samples from … to−1, from
// the state after sample from−1.
func (st *centredSums) run(dst, x []float64, half, from, to int) {
	n := len(x)
	sHi, sLo, cHi, cLo, hiAt, loAt := st.sHi, st.sLo, st.cHi, st.cLo, st.hiAt, st.loAt
	for i := from; i < to; i++ {
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
	*st = centredSums{sHi, sLo, cHi, cLo, hiAt, loAt}
}

// speedStream is a cleaned speed channel.
type speedStream struct {
	mps      []float64 // GPS errors removed, isolated outliers median-filtered; NaN = missing
	derived  bool      // from distance differences, not a recorded speed channel
	jumps    int       // GPS jumps: samples over GPSMaxSpeedMPS or position jumps
	hasSpeed bool
}

// cleanSpeed takes the recorded speed, else the per-second distance
// difference, drops samples above GPSMaxSpeedMPS (GPS jumps), counts
// position jumps, and removes isolated outliers with a 5 s median filter
// (a 1–2 s spike below the hard limit must not look like a surge).
// Buffers come from sc (may be nil).
func cleanSpeed(s *rebound.Streams, p Params, sc *scratch) speedStream {
	var out speedStream
	n := s.Len()
	if n == 0 {
		return out
	}
	var raw []float64 // filtered in place into the cleaned speed
	finite := 0
	maxMPS := p.GPSMaxSpeedMPS
	switch {
	case s.SpeedMPS != nil && len(s.SpeedMPS) == n:
		// Copied and checked in one pass (a copy, then a pass over the
		// copy, were 0.3 of cleanSpeed's 1.37 CPU-s in a profile of
		// BenchmarkAnalyzeRealRunsMeasurer): the same values, NaN copied
		// as they are.
		raw = sc.floats(n)
		for i, v := range s.SpeedMPS {
			switch {
			case v != v: // NaN: missing
				raw[i] = v
			case v < 0 || v > maxMPS || math.IsInf(v, 0):
				raw[i] = math.NaN()
				out.jumps++
			default:
				raw[i] = v
				finite++
			}
		}
	case s.SpeedMPS != nil || s.DistanceM != nil:
		raw = sc.floats(n)
		if s.SpeedMPS != nil {
			copy(raw, s.SpeedMPS)
		} else {
			out.derived = true
			raw[0] = math.NaN()
			for i := 1; i < n; i++ {
				raw[i] = s.DistanceM[i] - s.DistanceM[i-1]
			}
		}
		for i, v := range raw {
			if math.IsNaN(v) {
				continue
			}
			if v < 0 || v > maxMPS || math.IsInf(v, 0) {
				raw[i] = math.NaN()
				out.jumps++
				continue
			}
			finite++
		}
	default:
		return out
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

// positionJumps counts the fixes further (haversine) from the previous
// one than maxMPS × the seconds between them.
//
// Most pairs are a few metres apart, far inside the limit, and need no
// trigonometry: with half-angle differences a = Δφ/2, b = Δλ/2 (radians),
// h = sin²a + cos φ₁·cos φ₂·sin²b ≤ a² + b² (|sin x| ≤ |x|, |cos| ≤ 1), and
// for √h ≤ 0.5, asin √h ≤ 1.05·√h (asin is convex and asin 0.5 =
// 1.0472·0.5), so the distance 2r·asin √h ≤ 2.1·r·√(a²+b²). A pair whose
// bound is below 0.98 × the limit (room for rounding, which is ~1e-15
// relative) cannot be a jump; any other pair gets the exact haversineM, so
// the count is the one haversineM alone gives.
func positionJumps(lat, lon []float64, maxMPS float64) int {
	const rad = math.Pi / 180
	const r = 6371008.8 // as haversineM
	// The previous fix is kept in registers, and the bound for fixes a
	// second apart (most of them) is worked out once: the same values.
	jumps, prev := 0, -1
	pLat, pLon := 0.0, 0.0
	m := min(len(lat), len(lon))
	lat, lon = lat[:m], lon[:m]
	limit1 := maxMPS * 1
	bound1 := 0.98 * limit1 * limit1
	for i, la := range lat {
		lo := lon[i]
		if math.IsNaN(la) || math.IsNaN(lo) {
			continue
		}
		if prev >= 0 {
			limit, limitBound := limit1, bound1
			if i-prev != 1 {
				limit = maxMPS * float64(i-prev)
				limitBound = 0.98 * limit * limit
			}
			a := (la - pLat) * rad / 2
			b := (lo - pLon) * rad / 2
			q := a*a + b*b
			bound := (2.1 * r) * (2.1 * r) * q
			surelyIn := limit > 0 && q <= 0.25 && bound <= limitBound
			if !surelyIn && haversineM(pLat, pLon, la, lo) > limit {
				jumps++
			}
		}
		prev, pLat, pLon = i, la, lo
	}
	return jumps
}

// haversineM is the great-circle distance in metres (same formula and
// radius as internal/track.HaversineM, repeated to keep this package's
// imports to the root package).
func haversineM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	const r = 6371008.8
	φ1, φ2 := lat1*rad, lat2*rad
	dφ := (lat2 - lat1) * rad
	dλ := (lon2 - lon1) * rad
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// MinettiCr is Minetti 2002's energy cost of running at grade i (fraction),
// J/kg/m: Cr(i) = 155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6
// (J Appl Physiol 93:1039–1046; science.md §5), with i clamped to ±0.45,
// the range the polynomial was fitted on.
func MinettiCr(i float64) float64 {
	// The built-in min and max are math.Min and math.Max (NaN and ±0
	// included, by the language spec), inlined.
	i = max(-0.45, min(0.45, i))
	return minettiPoly(i)
}

// plainClamp is max(−c, min(c, g)) for c > 0, by comparisons: NaN and ±0
// pass unchanged, as through the built-in min and max.
func plainClamp(g, c float64) float64 {
	if g > c {
		return c
	}
	if g < -c {
		return -c
	}
	return g
}

// minettiPoly is MinettiCr's polynomial, unclamped.
func minettiPoly(i float64) float64 {
	return ((((155.4*i-30.4)*i-43.3)*i+46.3)*i+19.5)*i + 3.6
}

// gradedSpeed returns the flat-equivalent speed v·Cr(i)/Cr(0) (Minetti
// 2002, science.md §5) per sample, and whether a grade was available. The
// grade comes from altitude smoothed with a centred 11 s mean, differenced
// over a centred window of at least GradeWindowS seconds and GradeMinDistM
// metres (widened up to 2 min; a standstill keeps grade 0), clamped to
// ±GradeClamp.
// Buffers come from sc (may be nil).
func gradedSpeed(s *rebound.Streams, v []float64, p Params, sc *scratch) ([]float64, bool) {
	return gradedSpeedSum(s, v, nil, p, sc)
}

// gradedSpeedSum is gradedSpeed given vsum, v's prefix sums
// (newPrefix(v).sum) or nil: without a recorded distance, the integral of
// the speed it takes is vsum[1:], the same running sum, not summed again
// into a new array.
func gradedSpeedSum(s *rebound.Streams, v, vsum []float64, p Params, sc *scratch) ([]float64, bool) {
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
	alt := centredMeanOf(sc.floats(n), s.AltitudeM, 5)
	cr0 := MinettiCr(0)
	any := false
	half := max(1, p.GradeWindowS/2)
	// With a clamp in (0, 0.45], plain comparisons clamp g as the built-in
	// min and max do (NaN and ±0 pass unchanged; only a zero or negative
	// clamp would make their handling of ±0 matter), and MinettiCr's own
	// clamp to ±0.45 then changes nothing.
	c := p.GradeClamp
	plain := c > 0 && c <= 0.45
	// Away from the ends the first window, w = half, is not clamped, and
	// when it is wide enough in time it is usually wide enough in
	// distance: that first step is taken on its own, without the clamps
	// and the loop, and the loop below, which takes it again (the same
	// decisions), only when it fails (the loop was 0.2 of gradedSpeed's
	// 1.2 CPU-s in a profile of BenchmarkAnalyzeRealRunsMeasurer).
	minDist, firstWide := p.GradeMinDistM, 2*half >= p.GradeWindowS
	for i := range n {
		if math.IsNaN(v[i]) {
			continue
		}
		g := math.NaN()
		if lo, hi := i-half, i+half; firstWide && lo >= 0 && hi < n {
			if dd := dist[hi] - dist[lo]; dd >= minDist { // (false for NaN)
				g = (alt[hi] - alt[lo]) / dd
			}
		}
		for w := half; w <= 60 && math.IsNaN(g); w++ {
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

// normalized returns the NP-style normalised value of x: the 4th root of
// the mean 4th power of the trailing window-second rolling mean (Allen &
// Coggan; science.md §5), over samples with a finite value; and the number
// of such samples. pr is x's prefix.
//
// Each finite value of x is also added to zones when it is not nil.
func normalized(x []float64, pr prefix, window int, zones *paceCount) (float64, int) {
	var s4 float64
	cnt := 0
	from := 0 // the samples before from are done
	if n := len(x); window > 0 && n >= window && len(pr.sum) == n+1 && (pr.cnt == nil || len(pr.cnt) == n+1) {
		// The samples from window−1 on have a window that starts inside
		// x: normalizedFrom's first two cases without the clamp, in
		// loops of their own over equal-length slices (no switch, no
		// bounds checks), after the first window−1 samples, which take
		// normalizedFrom. The same means, added to s4 in the same order
		// (the switch and clamps were 0.2 of normalized's 0.54 CPU-s in
		// a profile of BenchmarkAnalyzeRealRunsMeasurer).
		s4, cnt = normalizedFrom(x[:window-1], pr, window, zones, 0, s4, cnt)
		xs := x[window-1 : n]
		hi, lo := pr.sum[window:n+1], pr.sum[:n+1-window]
		hi, lo = hi[:len(xs)], lo[:len(xs)]
		if pr.cnt == nil {
			w := float64(window)
			for j, v := range xs {
				if v != v { // NaN: not counted (none, when pr.cnt is nil)
					continue
				}
				m := (hi[j] - lo[j]) / w
				s4 += m * m * m * m
				cnt++
				if zones != nil {
					zones.add(v)
				}
			}
		} else {
			cHi, cLo := pr.cnt[window:n+1], pr.cnt[:n+1-window]
			cHi, cLo = cHi[:len(xs)], cLo[:len(xs)]
			for j, v := range xs {
				if v != v {
					continue
				}
				// x[i] is finite, so counted: the count is ≥ 1.
				m := (hi[j] - lo[j]) / (cHi[j] - cLo[j])
				s4 += m * m * m * m
				cnt++
				if zones != nil {
					zones.add(v)
				}
			}
		}
		from = n
	}
	s4, cnt = normalizedFrom(x[from:], pr, window, zones, from, s4, cnt)
	if cnt == 0 {
		return math.NaN(), 0
	}
	return math.Pow(s4/float64(cnt), 0.25), cnt
}

// normalizedFrom is normalized's loop over x[from:] given as x, its sums
// so far s4 and cnt: it returns them with x's samples added.
func normalizedFrom(x []float64, pr prefix, window int, zones *paceCount, from int, s4 float64, cnt int) (float64, int) {
	for j, v := range x {
		i := from + j
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
	return s4, cnt
}

// consistent returns s when every non-nil channel has the same length, else
// a shallow copy whose channels are cut or NaN-padded to the longest one, so
// that no helper can index past a short channel of a corrupt activity.
func consistent(s *rebound.Streams) *rebound.Streams {
	if s == nil {
		return nil
	}
	n, ok := 0, true
	for _, c := range s.Channels() {
		if *c.Values == nil {
			continue
		}
		if n != 0 && len(*c.Values) != n {
			ok = false
		}
		n = max(n, len(*c.Values))
	}
	if ok {
		return s
	}
	cp := *s
	for _, c := range cp.Channels() {
		v := *c.Values
		if v == nil || len(v) == n {
			continue
		}
		w := make([]float64, n)
		copy(w, v)
		for i := len(v); i < n; i++ {
			w[i] = math.NaN()
		}
		*c.Values = w
	}
	return &cp
}
