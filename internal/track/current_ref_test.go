package track

// This file is a verbatim copy of resample.go and CheckPoints of check.go
// as they were before CheckResample (identifiers prefixed with cur), the
// reference that check_resample_test.go compares CheckResample and the
// current ResampleCadence against. Do not edit it to follow later changes.

import (
	"math"
	"slices"
	"sync"
	"time"

	"rebound"
)

// curResampleCadence is Resample with every point's cadence multiplied by
// cadenceFactor first: the FIT importer's strides/min → steps/min for foot
// sports, without copying the points to convert them.
func curResampleCadence(points []rebound.Point, start time.Time, cadenceFactor float64) *rebound.Streams {
	pts := curSortedPoints(points, start)
	s := &rebound.Streams{}
	if len(pts) == 0 {
		return s
	}
	last := pts[len(pts)-1].Time.Sub(start).Seconds()
	n := int(math.Floor(last)) + 1
	if n > maxSamples {
		n = maxSamples
	}

	sc, _ := curScratchPool.Get().(*curScratch)
	if sc == nil {
		sc = new(curScratch)
	}
	defer sc.curRelease()

	// Cumulative distance comes from Point.DistanceM when the file records
	// it, else from the positions (nil without any); it also decides
	// where pauses are (segments).
	col := curGrow(&sc.col, len(pts))
	curColumn(col, pts, curChDist, cadenceFactor)
	dist := col
	if !curAnyFinite(dist) {
		dist = curPositionDistance(curGrow(&sc.dist, len(pts)), pts)
	}
	smp := curSamples(curGrow(&sc.smp, len(pts)), pts, start, n, dist)

	// A channel with a curFinite value gets a stream; derived speed too. All
	// are cut from one allocation, each capped at its end.
	var present [curNumChannels]bool
	count := 0
	for c := range curNumChannels {
		if c == curChDist {
			present[c] = curAnyFinite(dist)
		} else {
			present[c] = curAnyFiniteIn(pts, c, cadenceFactor)
		}
		if present[c] {
			count++
		}
	}
	needSpeed := !present[curChSpeed] && present[curChDist]
	if needSpeed {
		count++
	}
	buf := make([]float64, count*n)
	next := func() []float64 {
		out := buf[:n:n]
		buf = buf[n:]
		return out
	}

	fields := [curNumChannels]*[]float64{curChDist: &s.DistanceM, curChLat: &s.Lat, curChLon: &s.Lon, curChAlt: &s.AltitudeM, curChHR: &s.HeartRateBPM,
		curChTemp: &s.TemperatureC, curChCad: &s.CadenceSPM, curChPower: &s.PowerW, curChSpeed: &s.SpeedMPS}
	uncovered := sc.uncovered[:0]
	for c := range curNumChannels {
		if !present[c] {
			continue
		}
		vals := dist
		if c != curChDist {
			curColumn(col, pts, c, cadenceFactor)
			vals = col
		}
		out := next()
		uncovered = curFillChannel(out, smp, vals, uncovered[:0])
		*fields[c] = out
	}
	sc.uncovered = uncovered
	if s.DistanceM != nil {
		curHoldDistance(s.DistanceM)
	}
	if needSpeed {
		s.SpeedMPS = next()
		curSpeedFromDistance(s.SpeedMPS, s.DistanceM, smp, curGrow(&sc.recorded, n))
	}
	return s
}

// curScratch is curResampleCadence's working memory, reused from call to call
// through curScratchPool: the points' columns and grid places are ~50 bytes a
// point, zeroed when allocated, and the next activity needs about as much.
// Nothing curResampleCadence returns points into it.
type curScratch struct {
	col, dist []float64
	smp       []curSample
	uncovered []int32
	recorded  []bool
}

// curScratchPool holds *curScratch.
var curScratchPool sync.Pool

// curMaxPooledScratch caps the points of the curScratch curScratchPool keeps: 2¹⁸
// (~13 MB of curScratch) is 73 h of 1 s records; a larger curScratch is left to
// the garbage collector rather than held. Rebound's choice.
const curMaxPooledScratch = 1 << 18

// curRelease returns sc to curScratchPool unless it is too large to hold on to.
func (sc *curScratch) curRelease() {
	if cap(sc.col) <= curMaxPooledScratch && cap(sc.smp) <= curMaxPooledScratch &&
		cap(sc.dist) <= curMaxPooledScratch && cap(sc.recorded) <= curMaxPooledScratch*8 &&
		cap(sc.uncovered) <= curMaxPooledScratch {
		curScratchPool.Put(sc)
	}
}

// curGrow returns (*buf)[:n], reallocating *buf when it is too short. What it
// returns holds stale values: callers write every element before reading
// it.
func curGrow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// curAnyFiniteIn tells whether channel c has a curFinite value in some point; it
// stops at the first, usually the first point.
func curAnyFiniteIn(pts []rebound.Point, c int, cadenceFactor float64) bool {
	for i := range pts {
		p := &pts[i]
		var x float64
		switch c {
		case curChDist:
			x = p.DistanceM
		case curChLat:
			x = p.Lat
		case curChLon:
			x = p.Lon
		case curChAlt:
			x = p.AltitudeM
		case curChHR:
			x = p.HeartRateBPM
		case curChTemp:
			x = p.TemperatureC
		case curChCad:
			x = p.CadenceSPM * cadenceFactor
		case curChPower:
			x = p.PowerW
		case curChSpeed:
			x = p.SpeedMPS
		}
		if curFinite(x) {
			return true
		}
	}
	return false
}

// Channel numbers, for curColumn.
const (
	curChDist = iota
	curChLat
	curChLon
	curChAlt
	curChHR
	curChTemp
	curChCad
	curChPower
	curChSpeed
	curNumChannels
)

// curColumn copies channel c of every point into col, cadence multiplied by
// cadenceFactor: one field at a time keeps the loops below tight.
func curColumn(col []float64, pts []rebound.Point, c int, cadenceFactor float64) {
	col = col[:len(pts)]
	switch c {
	case curChDist:
		for i := range pts {
			col[i] = pts[i].DistanceM
		}
	case curChLat:
		for i := range pts {
			col[i] = pts[i].Lat
		}
	case curChLon:
		for i := range pts {
			col[i] = pts[i].Lon
		}
	case curChAlt:
		for i := range pts {
			col[i] = pts[i].AltitudeM
		}
	case curChHR:
		for i := range pts {
			col[i] = pts[i].HeartRateBPM
		}
	case curChTemp:
		for i := range pts {
			col[i] = pts[i].TemperatureC
		}
	case curChCad:
		for i := range pts {
			col[i] = pts[i].CadenceSPM * cadenceFactor
		}
	case curChPower:
		for i := range pts {
			col[i] = pts[i].PowerW
		}
	case curChSpeed:
		for i := range pts {
			col[i] = pts[i].SpeedMPS
		}
	}
}

// curFinite is neither NaN nor ±Inf: x−x is 0 for curFinite x and NaN otherwise.
func curFinite(x float64) bool { return x-x == 0 }

func curFillNaN(v []float64) {
	nan := math.NaN()
	for i := range v {
		v[i] = nan
	}
}

// curSample is a point placed on the grid of n seconds. The grid indexes are
// clamped to n, which keeps them in an int32 and changes nothing: no loop
// below reaches n.
type curSample struct {
	t    float64 // offset from the start, s
	seg  int32   // segment: values are interpolated only within one
	ceil int32   // min(⌈t⌉, n)
	hi   int32   // min(⌊t⌋, n−1)
	near int32   // min(round(t), n), the nearest grid second
	// step: t is a whole second on the grid, 1 s after the previous
	// curSample, in the same segment (1 Hz recording, the common case).
	step bool
	run  int32 // how many curSamples after this one are steps in a row
}

// curSamples places the points on the grid and numbers the segments, the
// stretches of continuous recording: a new segment starts after a gap
// longer than MaxGapS unless the distance covered across it shows the
// runner kept moving (sparse recording, up to MaxBridgeS).
func curSamples(smp []curSample, pts []rebound.Point, start time.Time, n int, dist []float64) []curSample {
	smp = smp[:len(pts)]
	// start == start.Round(0) when start has no monotonic clock reading
	// (Round(0) strips it and nothing else); Time.Sub then subtracts wall
	// clocks, as the loop below does.
	wall := start == start.Round(0)
	su, sn := start.Unix(), int64(start.Nanosecond())
	seg := int32(0)
	lastDist := math.NaN()
	if len(dist) > 0 {
		lastDist = dist[0]
	}
	prevT, prevSeg := 0.0, int32(0)
	for j := range pts {
		t := pts[j].Time
		var off float64
		whole := false // off is a whole number of seconds
		if ds, dn := t.Unix()-su, int64(t.Nanosecond())-sn; wall && ds > -curMaxDiffS && ds < curMaxDiffS {
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
		sp := &smp[j]
		sp.t, sp.seg = off, seg
		sp.ceil, sp.hi, sp.near = int32(min(ce, n)), int32(min(fl, n-1)), int32(min(near, n))
		sp.step = j > 0 && off == prevT+1 && fl == ce && fl <= n-1 && prevSeg == seg
		prevT, prevSeg = off, seg
	}
	// run: smp may be reused memory, so every run is written.
	if len(smp) > 0 {
		smp[len(smp)-1].run = 0
	}
	for j := len(smp) - 2; j >= 0; j-- {
		smp[j].run = 0
		if smp[j+1].step {
			smp[j].run = smp[j+1].run + 1
		}
	}
	return smp
}

// curMaxDiffS bounds the differences in seconds that curSamples subtracts
// itself: 9e9 s with up to ±1 s of nanoseconds is well inside a Duration's
// ±9.22e18 ns.
const curMaxDiffS = 9e9

// curFillChannel puts one channel's values on the 1 s grid out: linear
// interpolation between consecutive curFinite curSamples of the same segment at
// most MaxBridgeS apart, writing each grid second k with ⌈t0⌉ ≤ k ≤ ⌊t1⌋;
// then each curFinite curSample on its nearest second where nothing else landed
// (the first curSample wins); NaN elsewhere. uncovered is curScratch space,
// returned for reuse.
func curFillChannel(out []float64, smp []curSample, vals []float64, uncovered []int32) []int32 {
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
		if !curFinite(x) {
			continue
		}
		sj := &smp[j]
		if k := int(sj.hi); sj.step && prevJ == j-1 && filled == k {
			// 1 Hz: the curLine below from t0 = k−1 to t = k, where
			// k−t0 is 0 and 1 exactly and gap 1. The curLine covers the
			// nearest second k, filled is k: all before k is written.
			// The loop runs on over the steps that follow (each 1 s
			// on: k+1) while their values are curFinite.
			end := j + int(sj.run)
			bad := 0.0 // d*0 is ±0, or NaN when d overflowed to ±Inf
			for {
				d := x - v0
				z := d * 0
				out[k-1] = v0 + float64(z)
				out[k] = v0 + float64(d*1)
				bad += z
				v0 = x
				if j == end || !curFinite(vals[j+1]) {
					break
				}
				j, k = j+1, k+1
				x = vals[j]
			}
			overflow = overflow || bad != bad
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
						curFillNaN(out[filled:lo])
					}
					if !curLine(out[lo:hi+1], lo, t0, v0, x, gap) {
						overflow = true
					}
					filled = max(filled, hi+1)
					// The curLine wrote a number on the nearest second, and
					// only the next curLine can write there again (when t
					// is whole), a number too — unless a difference
					// overflowed, when every curSample is looked at below.
					covered = covered || lo <= near && near <= hi
				}
			}
		}
		if !covered {
			uncovered = append(uncovered, int32(j))
		}
		prev, prevJ, t0, v0, ceil0, seg0 = true, j, sj.t, x, sj.ceil, sj.seg
	}
	curFillNaN(out[filled:])
	nearest := func(j int) {
		if k := int(smp[j].near); k < n && curFinite(vals[j]) && math.IsNaN(out[k]) {
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

// curLine writes out[i], grid second lo+i, on the curLine from (t0, v0) to
// (t0+gap, v1), and reports whether every value written is a number: it is
// unless v1−v0 overflows.
func curLine(out []float64, lo int, t0, v0, v1, gap float64) bool {
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
	return curFinite(d)
}

// curHoldDistance completes cumulative distance: 0 before its first curSample
// (nothing has been covered yet), its last value across pauses.
func curHoldDistance(out []float64) {
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

// curSortedPoints returns the points at or after start, sorted by time, with
// duplicate times collapsed (last wins) — some devices write two records per
// second around laps and pauses. It returns points itself, not a copy, when
// they already are so.
func curSortedPoints(points []rebound.Point, start time.Time) []rebound.Point {
	if curInOrder(points, start) {
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
			out[len(out)-1] = curMergePoint(out[len(out)-1], p)
			continue
		}
		out = append(out, p)
	}
	return out
}

// curInOrder tells whether points are in strictly increasing time order from
// start on, as the FIT importer's usually are.
func curInOrder(points []rebound.Point, start time.Time) bool {
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

// curMergePoint keeps b's values and fills b's missing ones from a.
func curMergePoint(a, b rebound.Point) rebound.Point {
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

func curAnyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// curPositionDistance is the cumulative haversine distance over the points that
// have a position, written into out (len(pts) long); points without one get
// NaN. It returns nil when no point has a position.
func curPositionDistance(out []float64, pts []rebound.Point) []float64 {
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

// curSpeedWindowS is the half-width of the centred difference used to derive
// speed from distance: ±2 s smooths 1 Hz GPS jitter without hiding a 20 s
// surge. Rebound's choice.
const curSpeedWindowS = 2

// curSpeedFromDistance sets out to the speed derived from the cumulative
// distance by a centred difference over the recorded grid seconds, NaN
// where the grid curSample falls in a pause. recorded is curScratch space of
// len(dist), any contents.
func curSpeedFromDistance(out, dist []float64, smp []curSample, recorded []bool) {
	n := len(dist)
	// Which grid seconds are recorded (not inside a pause)? Those between
	// consecutive curSamples of a segment, whatever the gap, and each curSample's
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
		for a > 0 && i-a < curSpeedWindowS && recorded[a-1] {
			a--
		}
		for b < n-1 && b-i < curSpeedWindowS && recorded[b+1] {
			b++
		}
		if b == a {
			out[i] = 0
			continue
		}
		out[i] = math.Max(0, (dist[b]-dist[a])/float64(b-a))
	}
}

// curCheckPoints range-checks pts as CheckPoint does, pts[i] being record
// first+i, with each cadence multiplied by cadenceFactor first (the FIT
// importer's strides/min → steps/min), and returns the error of the first
// point that fails. It neither copies nor modifies pts.
func curCheckPoints(pts []rebound.Point, first int, cadenceFactor float64, now time.Time) error {
	limit := now.Add(24 * time.Hour)
	for i := range pts {
		p := &pts[i]
		// A comparison with NaN is false, so NaN (missing) passes, as in
		// CheckPoint; ±Inf fails against the curFinite bounds.
		if p.Time.Before(earliestActivity) || p.Time.After(limit) ||
			p.HeartRateBPM < bounds[0].min || p.HeartRateBPM > bounds[0].max ||
			p.SpeedMPS < bounds[1].min || p.SpeedMPS > bounds[1].max ||
			p.DistanceM < bounds[2].min || p.DistanceM > bounds[2].max ||
			p.Lat < bounds[3].min || p.Lat > bounds[3].max ||
			p.Lon < bounds[4].min || p.Lon > bounds[4].max ||
			p.AltitudeM < bounds[5].min || p.AltitudeM > bounds[5].max ||
			p.TemperatureC < bounds[6].min || p.TemperatureC > bounds[6].max ||
			p.CadenceSPM*cadenceFactor < bounds[7].min || p.CadenceSPM*cadenceFactor > bounds[7].max ||
			p.PowerW < bounds[8].min || p.PowerW > bounds[8].max {
			q := *p
			q.CadenceSPM *= cadenceFactor
			if err := CheckPoint(first+i, q, now); err != nil {
				return err
			}
		}
	}
	return nil
}
