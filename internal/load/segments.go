package load

import (
	"math"
	"sort"

	"rebound"
)

// detectSegments finds the fast finish and the surges of a run from its
// cleaned speed v (GPS jumps removed, 5 s median-filtered by cleanSpeed).
// GPS speed is noisy (±0.3 m/s per second is common), so both work on
// smoothed speed and then place the edges on the unsmoothed one.
func detectSegments(s *rebound.Streams, v []float64, p Params) (*rebound.Segment, []rebound.Segment) {
	med := movingMedian(v, p)
	if math.IsNaN(med) || med <= 0 {
		return nil, nil
	}
	ff := fastFinish(v, med, p)
	var ffSeg *rebound.Segment
	ffStart := len(v)
	if ff != nil {
		ffStart = ff[0]
		seg := segment(s, v, ff[0], ff[1])
		ffSeg = &seg
	}
	var surges []rebound.Segment
	for _, r := range surgeRanges(v, p) {
		if r[1] >= ffStart-int(p.SurgeMinGapS) {
			continue // part of (or the run-up to) the fast finish
		}
		surges = append(surges, segment(s, v, r[0], r[1]))
	}
	return ffSeg, surges
}

// movingMedian is the median speed of the moving seconds.
func movingMedian(v []float64, p Params) float64 {
	buf := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) && x >= p.MovingSpeedMPS {
			buf = append(buf, x)
		}
	}
	return median(buf)
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
func fastFinish(v []float64, med float64, p Params) []int {
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
	sm := centredMean(v, 15)
	fast := func(i int) bool { return !math.IsNaN(sm[i]) && sm[i] >= thr }
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
	pr := newPrefix(v)
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
func surgeRanges(v []float64, p Params) [][2]int {
	n := len(v)
	if n == 0 {
		return nil
	}
	sm := centredMean(v, 2)
	base := contextMedian(v, p.SurgeContextS, p)
	in := func(i int) bool {
		return !math.IsNaN(sm[i]) && !math.IsNaN(base[i]) && base[i] >= p.MovingSpeedMPS && sm[i] >= (1+p.SurgeFaster)*base[i]
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
	pr := newPrefix(v)
	bp := newPrefix(base)
	var out [][2]int
	for _, r := range raw {
		if len(out) > 0 && float64(r[0]-out[len(out)-1][1]-1) < p.SurgeMinGapS {
			out[len(out)-1][1] = r[1]
			continue
		}
		out = append(out, r)
	}
	kept := out[:0]
	for _, r := range out {
		d := float64(r[1] - r[0] + 1)
		if d < p.SurgeMinS || d > p.SurgeMaxS {
			continue
		}
		if pr.mean(r[0], r[1]+1) < (1+p.SurgeFaster)*bp.mean(r[0], r[1]+1) {
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

// contextMedian is, per second, the median moving speed over ±half seconds,
// evaluated every 10 s and held in between (a 3-min median moves slowly).
// The window is kept sorted and slid by inserting and removing the samples
// that enter and leave it, instead of sorting it afresh at every step: the
// same medians, about ten times less work on a long run.
func contextMedian(v []float64, half int, p Params) []float64 {
	n := len(v)
	out := make([]float64, n)
	moving := func(x float64) bool { return !math.IsNaN(x) && x >= p.MovingSpeedMPS }
	win := make([]float64, 0, 2*half+1) // the moving samples of [lo, hi], sorted
	lo, hi := 0, -1
	const step = 10
	for c := 0; c < n; c += step {
		for nhi := min(n-1, c+half); hi < nhi; {
			hi++
			if x := v[hi]; moving(x) {
				i := sort.SearchFloat64s(win, x)
				win = append(win, 0)
				copy(win[i+1:], win[i:])
				win[i] = x
			}
		}
		for nlo := max(0, c-half); lo < nlo; lo++ {
			if x := v[lo]; moving(x) {
				i := sort.SearchFloat64s(win, x)
				win = append(win[:i], win[i+1:]...)
			}
		}
		m := math.NaN()
		if k := len(win); k > 0 {
			m = win[k/2]
			if k%2 == 0 {
				m = (win[k/2-1] + win[k/2]) / 2
			}
		}
		for k := c; k < min(n, c+step); k++ {
			out[k] = m
		}
	}
	return out
}

// segment describes seconds [a, b] of a run. Distance is the mean cleaned
// speed times the duration, so a GPS jump inside does not inflate it.
func segment(s *rebound.Streams, v []float64, a, b int) rebound.Segment {
	pr := newPrefix(v)
	d := float64(b - a + 1)
	sp := pr.mean(a, b+1)
	seg := rebound.Segment{StartS: float64(a), DurationS: d, SpeedMPS: sp, DistanceM: sp * d}
	if s != nil && s.HeartRateBPM != nil && len(s.HeartRateBPM) >= b+1 {
		if hr := newPrefix(s.HeartRateBPM).mean(a, b+1); !math.IsNaN(hr) {
			seg.AvgHRBPM = rebound.Float(hr)
		}
	}
	return seg
}
