package load

import (
	"math"
	"slices"

	"rebound"
)

// This file cleans and smooths 1 s streams. Every helper treats NaN as
// "missing" and never panics on empty or short input.

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
// internal/track accepts), is set to NaN.
func cleanHR(raw []float64, p Params) hrStream {
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
	h.bpm = make([]float64, len(raw))
	copy(h.bpm, raw)
	h.span = last - first + 1
	med := rollingMedian(raw, 5)
	run := 0
	for i := first; i <= last; i++ {
		v := raw[i]
		if math.IsNaN(v) {
			h.missing++
			run++
			h.longestS = max(h.longestS, run)
			continue
		}
		run = 0
		if v < 25 || v > 250 || math.Abs(v-med[i]) > p.HRSpikeBPM {
			h.bpm[i] = math.NaN()
			h.spikes++
			continue
		}
		h.valid++
	}
	return h
}

// rollingMedian returns, for each i, the median of the finite values in
// [i−half, i+half] (NaN when there are none).
func rollingMedian(x []float64, half int) []float64 {
	out := make([]float64, len(x))
	buf := make([]float64, 0, 2*half+1)
	for i := range x {
		buf = buf[:0]
		for j := max(0, i-half); j <= min(len(x)-1, i+half); j++ {
			if !math.IsNaN(x[j]) {
				buf = append(buf, x[j])
			}
		}
		out[i] = median(buf)
	}
	return out
}

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
// means that skip NaN.
type prefix struct{ sum, cnt []float64 }

func newPrefix(x []float64) prefix {
	p := prefix{sum: make([]float64, len(x)+1), cnt: make([]float64, len(x)+1)}
	for i, v := range x {
		p.sum[i+1], p.cnt[i+1] = p.sum[i], p.cnt[i]
		if !math.IsNaN(v) {
			p.sum[i+1] += v
			p.cnt[i+1]++
		}
	}
	return p
}

// mean is the mean of the finite values in x[lo:hi] (clamped), NaN if none.
func (p prefix) mean(lo, hi int) float64 {
	lo = max(lo, 0)
	hi = min(hi, len(p.sum)-1)
	if hi <= lo {
		return math.NaN()
	}
	c := p.cnt[hi] - p.cnt[lo]
	if c == 0 {
		return math.NaN()
	}
	return (p.sum[hi] - p.sum[lo]) / c
}

// count is the number of finite values in x[lo:hi] (clamped).
func (p prefix) count(lo, hi int) int {
	lo = max(lo, 0)
	hi = min(hi, len(p.cnt)-1)
	if hi <= lo {
		return 0
	}
	return int(p.cnt[hi] - p.cnt[lo])
}

// centredMean smooths x with a centred window of 2·half+1 samples; samples
// that are NaN in x stay NaN (a pause is not filled in).
func centredMean(x []float64, half int) []float64 {
	pr := newPrefix(x)
	out := make([]float64, len(x))
	for i, v := range x {
		if math.IsNaN(v) {
			out[i] = math.NaN()
			continue
		}
		out[i] = pr.mean(i-half, i+half+1)
	}
	return out
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
func cleanSpeed(s *rebound.Streams, p Params) speedStream {
	var out speedStream
	n := s.Len()
	if n == 0 {
		return out
	}
	raw := make([]float64, n)
	switch {
	case s.SpeedMPS != nil:
		copy(raw, s.SpeedMPS)
	case s.DistanceM != nil:
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
		prev := -1
		for i := 0; i < n; i++ {
			if math.IsNaN(s.Lat[i]) || math.IsNaN(s.Lon[i]) {
				continue
			}
			if prev >= 0 {
				d := haversineM(s.Lat[prev], s.Lon[prev], s.Lat[i], s.Lon[i])
				if d > p.GPSMaxSpeedMPS*float64(i-prev) {
					out.jumps++
				}
			}
			prev = i
		}
	}
	if finite == 0 {
		return out
	}
	out.hasSpeed = true
	med := rollingMedian(raw, 2)
	for i, v := range raw {
		if math.IsNaN(v) {
			med[i] = math.NaN()
		}
	}
	out.mps = med
	return out
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
	i = math.Max(-0.45, math.Min(0.45, i))
	return ((((155.4*i-30.4)*i-43.3)*i+46.3)*i+19.5)*i + 3.6
}

// gradedSpeed returns the flat-equivalent speed v·Cr(i)/Cr(0) (Minetti
// 2002, science.md §5) per sample, and whether a grade was available. The
// grade comes from altitude smoothed with a centred 11 s mean, differenced
// over a centred window of at least GradeWindowS seconds and GradeMinDistM
// metres (widened up to 2 min; a standstill keeps grade 0), clamped to
// ±GradeClamp.
func gradedSpeed(s *rebound.Streams, v []float64, p Params) ([]float64, bool) {
	n := len(v)
	out := make([]float64, n)
	copy(out, v)
	if s == nil || s.AltitudeM == nil || len(s.AltitudeM) != n {
		return out, false
	}
	// Cumulative distance: the recorded channel, else the integral of the
	// cleaned speed.
	dist := make([]float64, n)
	if s.DistanceM != nil && len(s.DistanceM) == n {
		copy(dist, s.DistanceM)
	} else {
		acc := 0.0
		for i, x := range v {
			if !math.IsNaN(x) {
				acc += x
			}
			dist[i] = acc
		}
	}
	alt := centredMean(s.AltitudeM, 5)
	cr0 := MinettiCr(0)
	any := false
	half := max(1, p.GradeWindowS/2)
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
		g = math.Max(-p.GradeClamp, math.Min(p.GradeClamp, g))
		out[i] = v[i] * MinettiCr(g) / cr0
	}
	return out, any
}

// normalized returns the NP-style normalised value of x: the 4th root of
// the mean 4th power of the trailing window-second rolling mean (Allen &
// Coggan; science.md §5), over samples with a finite value; and the number
// of such samples.
func normalized(x []float64, window int) (float64, int) {
	pr := newPrefix(x)
	var s4 float64
	cnt := 0
	for i, v := range x {
		if math.IsNaN(v) {
			continue
		}
		m := pr.mean(i-window+1, i+1)
		s4 += m * m * m * m
		cnt++
	}
	if cnt == 0 {
		return math.NaN(), 0
	}
	return math.Pow(s4/float64(cnt), 0.25), cnt
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
