package track

import (
	"math"
	"slices"
	"sync"
	"time"

	"rebound"
)

// MaxGapS is the longest gap between two samples that is bridged by linear
// interpolation. Devices in "smart recording" mode log every 1–8 s, so gaps
// up to 10 s are normal recording; a longer gap is a pause (auto-pause or the
// timer stopped) and stays empty. Rebound's choice.
const MaxGapS = 10

// MaxBridgeS is the longest gap bridged when the runner kept moving across
// it: phones and old GPS units log every 15–60 s, and a gap covered at
// running or walking speed is sparse recording, not a stop. Rebound's choice.
const MaxBridgeS = 300

// maxSamples caps a stream at 7 days of 1 s samples so a corrupt timestamp
// cannot make Resample allocate without bound.
const maxSamples = 7 * 24 * 3600

// Resample turns raw points (any order; points with the same time collapse,
// the last wins) into 1 s streams whose sample i is at start+i s, up to the
// last point. Values are linearly interpolated across gaps ≤ MaxGapS; longer
// gaps are pauses and hold NaN, except cumulative distance, which holds its
// last value. A channel with no finite value is nil. Cumulative distance
// comes from Point.DistanceM when the file records it, else from the
// haversine sum of positions; speed from Point.SpeedMPS when recorded, else
// from the distance covered over the surrounding seconds.
//
// Resample does not modify points, and does not copy them when they are
// already in strictly increasing time order from start on.
func Resample(points []rebound.Point, start time.Time) *rebound.Streams {
	return ResampleCadence(points, start, 1)
}

// ResampleCadence is Resample with every point's cadence multiplied by
// cadenceFactor first: the FIT importer's strides/min → steps/min for foot
// sports, without copying the points to convert them.
func ResampleCadence(points []rebound.Point, start time.Time, cadenceFactor float64) *rebound.Streams {
	pts := sortedPoints(points, start)
	s := &rebound.Streams{}
	if len(pts) == 0 {
		return s
	}
	last := pts[len(pts)-1].Time.Sub(start).Seconds()
	n := int(math.Floor(last)) + 1
	if n > maxSamples {
		n = maxSamples
	}

	sc, _ := scratchPool.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer sc.release()

	// Cumulative distance comes from Point.DistanceM when the file records
	// it, else from the positions (nil without any); it also decides
	// where pauses are (segments).
	col := grow(&sc.col, len(pts))
	column(col, pts, chDist, cadenceFactor)
	dist := col
	if !anyFinite(dist) {
		dist = positionDistance(grow(&sc.dist, len(pts)), pts)
	}
	smp := samples(grow(&sc.smp, len(pts)), pts, start, n, dist)

	var present [numChannels]bool
	for c := range numChannels {
		if c == chDist {
			present[c] = anyFinite(dist)
		} else {
			present[c] = anyFiniteIn(pts, c, cadenceFactor)
		}
	}
	fillStreams(s, sc, n, smp, dist, &present, false, func(c int) []float64 {
		column(col, pts, c, cadenceFactor)
		return col
	})
	return s
}

// fillStreams sets the channels of s that present marks on the grid of n
// seconds, from the placed samples smp and cumulative distance dist;
// values(c) returns channel c's values, one per sample (it may reuse one
// buffer: each is used before the next call). bounded says that no
// difference of two finite values of a channel overflows (fillChannel).
// All streams are cut from one allocation, each capped at its end, with
// speed derived from distance when it is not recorded.
func fillStreams(s *rebound.Streams, sc *scratch, n int, smp []sample, dist []float64, present *[numChannels]bool, bounded bool, values func(c int) []float64) {
	count := 0
	for c := range numChannels {
		if present[c] {
			count++
		}
	}
	needSpeed := !present[chSpeed] && present[chDist]
	if needSpeed {
		count++
	}
	buf := make([]float64, count*n)
	next := func() []float64 {
		out := buf[:n:n]
		buf = buf[n:]
		return out
	}

	fields := [numChannels]*[]float64{chDist: &s.DistanceM, chLat: &s.Lat, chLon: &s.Lon, chAlt: &s.AltitudeM, chHR: &s.HeartRateBPM,
		chTemp: &s.TemperatureC, chCad: &s.CadenceSPM, chPower: &s.PowerW, chSpeed: &s.SpeedMPS}
	uncovered := sc.uncovered[:0]
	for c := range numChannels {
		if !present[c] {
			continue
		}
		vals := dist
		if c != chDist {
			vals = values(c)
		}
		out := next()
		uncovered = fillChannel(out, smp, vals, uncovered[:0], bounded)
		*fields[c] = out
	}
	sc.uncovered = uncovered
	if s.DistanceM != nil {
		holdDistance(s.DistanceM)
	}
	if needSpeed {
		s.SpeedMPS = next()
		speedFromDistance(s.SpeedMPS, s.DistanceM, smp, grow(&sc.recorded, n))
	}
}

// scratch is ResampleCadence's working memory, reused from call to call
// through scratchPool: the points' columns and grid places are ~50 bytes a
// point, zeroed when allocated, and the next activity needs about as much.
// Nothing ResampleCadence returns points into it.
type scratch struct {
	col, dist []float64
	cols      []float64 // CheckForResample's columns, numChannels per point
	smp       []sample
	uncovered []int32
	recorded  []bool
}

// scratchPool holds *scratch.
var scratchPool sync.Pool

// maxPooledScratch caps the points of the scratch scratchPool keeps: 2¹⁸
// (~13 MB of scratch) is 73 h of 1 s records; a larger scratch is left to
// the garbage collector rather than held. Rebound's choice.
const maxPooledScratch = 1 << 18

// release returns sc to scratchPool unless it is too large to hold on to.
func (sc *scratch) release() {
	if cap(sc.col) <= maxPooledScratch && cap(sc.smp) <= maxPooledScratch &&
		cap(sc.dist) <= maxPooledScratch && cap(sc.recorded) <= maxPooledScratch*8 &&
		cap(sc.cols) <= maxPooledScratch*numChannels &&
		cap(sc.uncovered) <= maxPooledScratch {
		scratchPool.Put(sc)
	}
}

// grow returns (*buf)[:n], reallocating *buf when it is too short. What it
// returns holds stale values: callers write every element before reading
// it.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// anyFiniteIn tells whether channel c has a finite value in some point; it
// stops at the first, usually the first point.
func anyFiniteIn(pts []rebound.Point, c int, cadenceFactor float64) bool {
	for i := range pts {
		p := &pts[i]
		var x float64
		switch c {
		case chDist:
			x = p.DistanceM
		case chLat:
			x = p.Lat
		case chLon:
			x = p.Lon
		case chAlt:
			x = p.AltitudeM
		case chHR:
			x = p.HeartRateBPM
		case chTemp:
			x = p.TemperatureC
		case chCad:
			x = p.CadenceSPM * cadenceFactor
		case chPower:
			x = p.PowerW
		case chSpeed:
			x = p.SpeedMPS
		}
		if finite(x) {
			return true
		}
	}
	return false
}

// Channel numbers, for column.
const (
	chDist = iota
	chLat
	chLon
	chAlt
	chHR
	chTemp
	chCad
	chPower
	chSpeed
	numChannels
)

// column copies channel c of every point into col, cadence multiplied by
// cadenceFactor: one field at a time keeps the loops below tight.
func column(col []float64, pts []rebound.Point, c int, cadenceFactor float64) {
	col = col[:len(pts)]
	switch c {
	case chDist:
		for i := range pts {
			col[i] = pts[i].DistanceM
		}
	case chLat:
		for i := range pts {
			col[i] = pts[i].Lat
		}
	case chLon:
		for i := range pts {
			col[i] = pts[i].Lon
		}
	case chAlt:
		for i := range pts {
			col[i] = pts[i].AltitudeM
		}
	case chHR:
		for i := range pts {
			col[i] = pts[i].HeartRateBPM
		}
	case chTemp:
		for i := range pts {
			col[i] = pts[i].TemperatureC
		}
	case chCad:
		for i := range pts {
			col[i] = pts[i].CadenceSPM * cadenceFactor
		}
	case chPower:
		for i := range pts {
			col[i] = pts[i].PowerW
		}
	case chSpeed:
		for i := range pts {
			col[i] = pts[i].SpeedMPS
		}
	}
}

// finite is neither NaN nor ±Inf: x−x is 0 for finite x and NaN otherwise.
func finite(x float64) bool { return x-x == 0 }

func fillNaN(v []float64) {
	nan := math.NaN()
	for i := range v {
		v[i] = nan
	}
}

// sample is a point placed on the grid of n seconds. The grid indexes are
// clamped to n, which keeps them in an int32 and changes nothing: no loop
// below reaches n.
type sample struct {
	t    float64 // offset from the start, s
	seg  int32   // segment: values are interpolated only within one
	ceil int32   // min(⌈t⌉, n)
	hi   int32   // min(⌊t⌋, n−1)
	near int32   // min(round(t), n), the nearest grid second
	// step: t is a whole second on the grid, 1 s after the previous
	// sample, in the same segment (1 Hz recording, the common case).
	step bool
	run  int32 // how many samples after this one are steps in a row
}

// samples places the points on the grid and numbers the segments, the
// stretches of continuous recording: a new segment starts after a gap
// longer than MaxGapS unless the distance covered across it shows the
// runner kept moving (sparse recording, up to MaxBridgeS).
func samples(smp []sample, pts []rebound.Point, start time.Time, n int, dist []float64) []sample {
	smp = smp[:len(pts)]
	// start == start.Round(0) when start has no monotonic clock reading
	// (Round(0) strips it and nothing else); Time.Sub then subtracts wall
	// clocks, as the loop below does.
	wall := start == start.Round(0)
	su, sn := start.Unix(), int64(start.Nanosecond())
	for j := range pts {
		t := pts[j].Time
		var off float64
		whole := false // off is a whole number of seconds
		if ds, dn := t.Unix()-su, int64(t.Nanosecond())-sn; wall && ds > -maxDiffS && ds < maxDiffS {
			// Time.Sub's own arithmetic without its overflow check
			// (an Add and an Equal), which only a difference beyond a
			// Duration's ±292 years needs. Without nanoseconds,
			// Duration.Seconds is float64(ds) + 0/1e9: float64(ds).
			if whole = dn == 0; whole {
				off = float64(ds)
			} else {
				off = (time.Duration(ds)*time.Second + time.Duration(dn)).Seconds()
			}
		} else {
			off = t.Sub(start).Seconds()
		}
		smp[j].t, smp[j].step = off, whole
	}
	place(smp, n, dist)
	return smp
}

// place finishes the samples whose t holds the offset from the start and
// step whether it is a whole number of seconds (samples): it numbers the
// segments and sets the grid fields and the runs. step false is right for
// any t: it only saves the rounding of a whole one.
func place(smp []sample, n int, dist []float64) {
	seg := int32(0)
	lastDist := math.NaN()
	if len(dist) > 0 {
		lastDist = dist[0]
	}
	prevT, prevSeg := 0.0, int32(0)
	for j := range smp {
		sp := &smp[j]
		off, whole := sp.t, sp.step
		if j > 0 {
			gap := off - prevT
			if gap > MaxGapS {
				moving := false
				if dist != nil && !math.IsNaN(dist[j]) && !math.IsNaN(lastDist) && gap > 0 {
					moving = (dist[j]-lastDist)/gap >= MovingSpeedMPS
				}
				if !(moving && gap <= MaxBridgeS) {
					seg++
				}
			}
			if dist != nil && !math.IsNaN(dist[j]) {
				lastDist = dist[j]
			}
		}
		fl, ce, near := int(off), int(off), int(off) // ⌊off⌋ = ⌈off⌉ = round(off) for whole off
		if !whole {
			fl, ce, near = int(math.Floor(off)), int(math.Ceil(off)), int(math.Round(off))
		}
		// Field by field: a composite literal is built aside and copied
		// in 16-byte moves, which the next loads of sp cannot forward from.
		sp.seg = seg
		sp.ceil, sp.hi, sp.near = int32(min(ce, n)), int32(min(fl, n-1)), int32(min(near, n))
		sp.step = j > 0 && off == prevT+1 && fl == ce && fl <= n-1 && prevSeg == seg
		prevT, prevSeg = off, seg
	}
	setRuns(smp)
}

// setRuns sets the run of every sample from the steps. smp may be reused
// memory, so every run is written.
func setRuns(smp []sample) {
	if len(smp) > 0 {
		smp[len(smp)-1].run = 0
	}
	for j := len(smp) - 2; j >= 0; j-- {
		smp[j].run = 0
		if smp[j+1].step {
			smp[j].run = smp[j+1].run + 1
		}
	}
}

// maxDiffS bounds the differences in seconds that samples subtracts
// itself: 9e9 s with up to ±1 s of nanoseconds is well inside a Duration's
// ±9.22e18 ns.
const maxDiffS = 9e9

// fillChannel puts one channel's values on the 1 s grid out: linear
// interpolation between consecutive finite samples of the same segment at
// most MaxBridgeS apart, writing each grid second k with ⌈t0⌉ ≤ k ≤ ⌊t1⌋;
// then each finite sample on its nearest second where nothing else landed
// (the first sample wins); NaN elsewhere. uncovered is scratch space,
// returned for reuse. bounded promises that no difference of two finite
// values overflows (as when every finite value is below 2¹⁰²² in
// magnitude), which lets the 1 Hz loop skip the check for it.
func fillChannel(out []float64, smp []sample, vals []float64, uncovered []int32, bounded bool) []int32 {
	n := len(out)
	vals = vals[:len(smp)]
	filled := 0 // out[filled:] is not written yet
	prev := false
	prevJ := -1
	var t0, v0 float64
	var ceil0, seg0 int32
	overflow := false // a difference of values overflowed: a written value may be NaN
	// Not a range loop: the 1 Hz loop below advances j too.
	for j := 0; j < len(smp); j++ {
		x := vals[j]
		if !finite(x) {
			continue
		}
		sj := &smp[j]
		if k := int(sj.hi); sj.step && prevJ == j-1 && filled == k {
			// 1 Hz: the line below from t0 = k−1 to t = k, where
			// k−t0 is 0 and 1 exactly and gap 1. The line covers the
			// nearest second k, filled is k: all before k is written.
			// The loop runs on over the steps that follow (each 1 s
			// on: k+1) while their values are finite.
			end := j + int(sj.run)
			// steps are the values of samples j…end, on grid seconds
			// k…k+end−j (each ≤ n−1, as step says).
			steps := vals[j : end+1]
			o := out[k-1 : k+len(steps)]
			var i int
			if bounded {
				i = stepRun(o, steps, v0)
			} else {
				var bad bool
				i, bad = stepRunChecked(o, steps, v0)
				overflow = overflow || bad
			}
			j += i
			v0 = vals[j]
			sj = &smp[j]
			filled = int(sj.hi) + 1
			prevJ, t0, ceil0, seg0 = j, sj.t, sj.ceil, sj.seg
			continue
		}
		near := int(sj.near)
		covered := near >= n // the nearest second is off the grid: nothing to do
		if prev {
			if gap := sj.t - t0; gap > 0 && seg0 == sj.seg && gap <= MaxBridgeS {
				lo, hi := int(ceil0), int(sj.hi)
				if lo <= hi {
					if lo > filled {
						fillNaN(out[filled:lo])
					}
					if !line(out[lo:hi+1], lo, t0, v0, x, gap) {
						overflow = true
					}
					filled = max(filled, hi+1)
					// The line wrote a number on the nearest second, and
					// only the next line can write there again (when t
					// is whole), a number too — unless a difference
					// overflowed, when every sample is looked at below.
					covered = covered || lo <= near && near <= hi
				}
			}
		}
		if !covered {
			uncovered = append(uncovered, int32(j))
		}
		prev, prevJ, t0, v0, ceil0, seg0 = true, j, sj.t, x, sj.ceil, sj.seg
	}
	fillNaN(out[filled:])
	nearest := func(j int) {
		if k := int(smp[j].near); k < n && finite(vals[j]) && math.IsNaN(out[k]) {
			out[k] = vals[j]
		}
	}
	if overflow {
		for j := range smp {
			nearest(j)
		}
	} else {
		for _, j := range uncovered {
			nearest(int(j))
		}
	}
	return uncovered
}

// stepRun writes a 1 Hz run for fillChannel: steps[i] is the value of a
// sample on grid second k+i, o[i] grid second k+i−1, v0 the value of the
// previous sample, on k−1. For each step it writes the line from the
// previous sample to it (see line), o[i] = v0 + (x−v0)·0 and o[i+1] = v0 +
// (x−v0)·1, until the last step or one whose next value is not finite;
// it returns the index of that step. o[i+1] of one step is o[i] of the
// next, which overwrites it, so only the last step writes both. The caller
// promises that no difference x−v0 overflows; stepRunChecked tells
// whether one did.
//
// A difference being finite, (x−v0)·0 is ±0, and v0 + ±0 is v0 but for
// −0 + +0, which is +0: without a −0 value, each o[i] between the first
// and the last is the previous step's value, which copy moves faster than
// a loop computes it.
func stepRun(o, steps []float64, v0 float64) int {
	o = o[:len(steps)+1]
	i, neg := 0, steps[0] == 0 && math.Signbit(steps[0])
	for i+1 < len(steps) {
		y := steps[i+1]
		if !finite(y) {
			break
		}
		if y == 0 && math.Signbit(y) {
			neg = true
		}
		i++
	}
	if neg {
		return stepRunFormula(o, steps, v0)
	}
	x := steps[0]
	o[0] = v0 + float64((x-v0)*0)
	copy(o[1:i+1], steps[:i])
	if i > 0 {
		v0 = steps[i-1]
	}
	o[i+1] = v0 + float64((steps[i]-v0)*1)
	return i
}

// stepRunFormula is stepRun computing every value by the formula.
// stepRun and stepRunChecked are functions of their own so that their
// loops keep their variables in registers: inside fillChannel they were
// spilled to the stack.
func stepRunFormula(o, steps []float64, v0 float64) int {
	o = o[:len(steps)+1]
	i := 0
	for i+1 < len(steps) && finite(steps[i+1]) {
		x := steps[i]
		o[i] = v0 + float64((x-v0)*0)
		v0 = x
		i++
	}
	x := steps[i]
	d := x - v0
	o[i] = v0 + float64(d*0)
	o[i+1] = v0 + float64(d*1)
	return i
}

// stepRunChecked is stepRun that also reports whether a difference x−v0
// overflowed to ±Inf, making (x−v0)·0 NaN: its bits then have exponent
// bits set, where ±0 has at most the sign bit.
func stepRunChecked(o, steps []float64, v0 float64) (int, bool) {
	o = o[:len(steps)+1]
	i := 0
	var bits uint64
	for i+1 < len(steps) && finite(steps[i+1]) {
		x := steps[i]
		z := (x - v0) * 0
		o[i] = v0 + float64(z)
		bits |= math.Float64bits(z)
		v0 = x
		i++
	}
	x := steps[i]
	d := x - v0
	z := d * 0
	o[i] = v0 + float64(z)
	o[i+1] = v0 + float64(d*1)
	bits |= math.Float64bits(z)
	return i, bits&^(1<<63) != 0
}

// line writes out[i], grid second lo+i, on the line from (t0, v0) to
// (t0+gap, v1), and reports whether every value written is a number: it is
// unless v1−v0 overflows.
func line(out []float64, lo int, t0, v0, v1, gap float64) bool {
	d := v1 - v0
	if gap == 1 {
		// x/1 is x exactly, so this is the general formula below without
		// its division (the common 1 Hz case). The float64 conversion
		// forbids fusing the product into the sum (Go spec, "Arithmetic
		// operators"), as the division does below, so both round alike on
		// every architecture.
		for i := range out {
			out[i] = v0 + float64(d*(float64(lo+i)-t0))
		}
	} else {
		for i := range out {
			out[i] = v0 + d*(float64(lo+i)-t0)/gap
		}
	}
	return finite(d)
}

// holdDistance completes cumulative distance: 0 before its first sample
// (nothing has been covered yet), its last value across pauses.
func holdDistance(out []float64) {
	k := 0
	for ; k < len(out) && math.IsNaN(out[k]); k++ {
		out[k] = 0
	}
	for k = max(k, 1); k < len(out); k++ {
		if math.IsNaN(out[k]) {
			out[k] = out[k-1]
		}
	}
}

// sortedPoints returns the points at or after start, sorted by time, with
// duplicate times collapsed (last wins) — some devices write two records per
// second around laps and pauses. It returns points itself, not a copy, when
// they already are so.
func sortedPoints(points []rebound.Point, start time.Time) []rebound.Point {
	if inOrder(points, start) {
		return points // nothing to drop, move or merge: no copy
	}
	pts := make([]rebound.Point, 0, len(points))
	for _, p := range points {
		if !p.Time.Before(start) {
			pts = append(pts, p)
		}
	}
	// Usually sorted already (the FIT importer sorts); checking costs a
	// tenth of a stable sort that finds nothing to move.
	byTime := func(a, b rebound.Point) int { return a.Time.Compare(b.Time) }
	if !slices.IsSortedFunc(pts, byTime) {
		slices.SortStableFunc(pts, byTime)
	}
	out := pts[:0]
	for _, p := range pts {
		if len(out) > 0 && out[len(out)-1].Time.Equal(p.Time) {
			out[len(out)-1] = mergePoint(out[len(out)-1], p)
			continue
		}
		out = append(out, p)
	}
	return out
}

// inOrder tells whether points are in strictly increasing time order from
// start on, as the FIT importer's usually are.
func inOrder(points []rebound.Point, start time.Time) bool {
	if len(points) > 0 && points[0].Time.Before(start) {
		return false
	}
	for i := 1; i < len(points); i++ {
		if points[i-1].Time.Compare(points[i].Time) >= 0 {
			return false
		}
	}
	return true
}

// mergePoint keeps b's values and fills b's missing ones from a.
func mergePoint(a, b rebound.Point) rebound.Point {
	fill := func(dst *float64, src float64) {
		if math.IsNaN(*dst) {
			*dst = src
		}
	}
	fill(&b.Lat, a.Lat)
	fill(&b.Lon, a.Lon)
	fill(&b.AltitudeM, a.AltitudeM)
	fill(&b.DistanceM, a.DistanceM)
	fill(&b.SpeedMPS, a.SpeedMPS)
	fill(&b.HeartRateBPM, a.HeartRateBPM)
	fill(&b.CadenceSPM, a.CadenceSPM)
	fill(&b.TemperatureC, a.TemperatureC)
	fill(&b.PowerW, a.PowerW)
	return b
}

func anyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// positionDistance is the cumulative haversine distance over the points that
// have a position, written into out (len(pts) long); points without one get
// NaN. It returns nil when no point has a position.
func positionDistance(out []float64, pts []rebound.Point) []float64 {
	out = out[:len(pts)]
	total := 0.0
	prev := -1
	any := false
	for i := range pts {
		p := &pts[i]
		if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) {
			out[i] = math.NaN()
			continue
		}
		if prev >= 0 {
			total += HaversineM(pts[prev].Lat, pts[prev].Lon, p.Lat, p.Lon)
		}
		out[i] = total
		prev = i
		any = true
	}
	if !any {
		return nil
	}
	return out
}

// speedWindowS is the half-width of the centred difference used to derive
// speed from distance: ±2 s smooths 1 Hz GPS jitter without hiding a 20 s
// surge. Rebound's choice.
const speedWindowS = 2

// speedFromDistance sets out to the speed derived from the cumulative
// distance by a centred difference over the recorded grid seconds, NaN
// where the grid sample falls in a pause. recorded is scratch space of
// len(dist), any contents.
func speedFromDistance(out, dist []float64, smp []sample, recorded []bool) {
	n := len(dist)
	// Which grid seconds are recorded (not inside a pause)? Those between
	// consecutive samples of a segment, whatever the gap, and each sample's
	// nearest second.
	recorded = recorded[:n]
	clear(recorded)
	for j := range smp {
		if j > 0 && smp[j].seg == smp[j-1].seg {
			for k := int(smp[j-1].ceil); k <= int(smp[j].hi); k++ {
				recorded[k] = true
			}
		}
		if k := int(smp[j].near); k < n {
			recorded[k] = true
		}
	}
	for i := range out {
		if !recorded[i] {
			out[i] = math.NaN()
			continue
		}
		a, b := i, i
		for a > 0 && i-a < speedWindowS && recorded[a-1] {
			a--
		}
		for b < n-1 && b-i < speedWindowS && recorded[b+1] {
			b++
		}
		if b == a {
			out[i] = 0
			continue
		}
		out[i] = math.Max(0, (dist[b]-dist[a])/float64(b-a))
	}
}
