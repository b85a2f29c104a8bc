package track

// The reference implementations of Resample and Summarize, frozen before
// they were optimised (issue 6): the differential tests and
// FuzzResampleMatchesReference compare the production code against them
// exactly. Do not edit these functions; they define the behaviour the
// importers' golden outputs were recorded with.

import (
	"math"
	"slices"
	"time"

	"rebound"
)

// referenceResample is a verbatim copy of Resample as of commit f0fbf39,
// kept as the reference the optimised Resample must match bit for bit.
// Resample turns raw points (any order; points with the same time collapse,
// the last wins) into 1 s streams whose sample i is at start+i s, up to the
// last point. Values are linearly interpolated across gaps ≤ MaxGapS; longer
// gaps are pauses and hold NaN, except cumulative distance, which holds its
// last value. A channel with no finite value is nil. Cumulative distance
// comes from Point.DistanceM when the file records it, else from the
// haversine sum of positions; speed from Point.SpeedMPS when recorded, else
// from the distance covered over the surrounding seconds.
func referenceResample(points []rebound.Point, start time.Time) *rebound.Streams {
	pts := refSortedPoints(points, start)
	s := &rebound.Streams{}
	if len(pts) == 0 {
		return s
	}
	last := pts[len(pts)-1].Time.Sub(start).Seconds()
	n := int(math.Floor(last)) + 1
	if n > maxSamples {
		n = maxSamples
	}
	offs := make([]float64, len(pts))
	for i := range pts {
		offs[i] = pts[i].Time.Sub(start).Seconds()
	}

	get := func(f func(*rebound.Point) float64) []float64 {
		vals := make([]float64, len(pts))
		for i := range pts {
			vals[i] = f(&pts[i])
		}
		return vals
	}

	distRaw := get(func(p *rebound.Point) float64 { return p.DistanceM })
	if !refAnyFinite(distRaw) {
		distRaw = refPositionDistance(pts)
	}
	seg := refSegments(offs, distRaw)
	g := func(vals []float64, cumulative bool) []float64 { return refGrid(offs, vals, seg, n, cumulative) }
	s.DistanceM = g(distRaw, true)
	s.Lat = g(get(func(p *rebound.Point) float64 { return p.Lat }), false)
	s.Lon = g(get(func(p *rebound.Point) float64 { return p.Lon }), false)
	s.AltitudeM = g(get(func(p *rebound.Point) float64 { return p.AltitudeM }), false)
	s.HeartRateBPM = g(get(func(p *rebound.Point) float64 { return p.HeartRateBPM }), false)
	s.TemperatureC = g(get(func(p *rebound.Point) float64 { return p.TemperatureC }), false)
	s.CadenceSPM = g(get(func(p *rebound.Point) float64 { return p.CadenceSPM }), false)
	s.PowerW = g(get(func(p *rebound.Point) float64 { return p.PowerW }), false)
	s.SpeedMPS = g(get(func(p *rebound.Point) float64 { return p.SpeedMPS }), false)
	if s.SpeedMPS == nil && s.DistanceM != nil {
		s.SpeedMPS = refSpeedFromDistance(s.DistanceM, offs, seg, n)
	}
	return s
}

// segments numbers the stretches of continuous recording: a new segment
// starts after a gap longer than MaxGapS unless the distance covered across
// it shows the runner kept moving (sparse recording, up to MaxBridgeS).
// Values are interpolated only within a segment.
func refSegments(offs, dist []float64) []int {
	seg := make([]int, len(offs))
	lastDist := math.NaN()
	if len(dist) > 0 {
		lastDist = dist[0]
	}
	for j := 1; j < len(offs); j++ {
		seg[j] = seg[j-1]
		gap := offs[j] - offs[j-1]
		moving := false
		if dist != nil && !math.IsNaN(dist[j]) && !math.IsNaN(lastDist) && gap > 0 {
			moving = (dist[j]-lastDist)/gap >= MovingSpeedMPS
		}
		if gap > MaxGapS && !(moving && gap <= MaxBridgeS) {
			seg[j]++
		}
		if dist != nil && !math.IsNaN(dist[j]) {
			lastDist = dist[j]
		}
	}
	return seg
}

// sortedPoints returns the points at or after start, sorted by time, with
// duplicate times collapsed (last wins) — some devices write two records per
// second around laps and pauses.
func refSortedPoints(points []rebound.Point, start time.Time) []rebound.Point {
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
			out[len(out)-1] = refMergePoint(out[len(out)-1], p)
			continue
		}
		out = append(out, p)
	}
	return out
}

// mergePoint keeps b's values and fills b's missing ones from a.
func refMergePoint(a, b rebound.Point) rebound.Point {
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

func refAnyFinite(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return true
		}
	}
	return false
}

// positionDistance is the cumulative haversine distance over the points that
// have a position; points without one get NaN.
func refPositionDistance(pts []rebound.Point) []float64 {
	out := make([]float64, len(pts))
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

// grid puts (offset, value) pairs on the 1 s grid: linear interpolation
// between consecutive finite samples of the same segment, and each sample
// on its nearest second where nothing else landed. cumulative channels start
// at 0 and hold their last value across pauses instead of becoming NaN.
func refGrid(offs, vals []float64, seg []int, n int, cumulative bool) []float64 {
	if !refAnyFinite(vals) {
		return nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	prev := -1
	for j, v := range vals {
		if !finite(v) {
			continue
		}
		if prev >= 0 {
			t0, v0, t1 := offs[prev], vals[prev], offs[j]
			if gap := t1 - t0; gap > 0 && seg[prev] == seg[j] && gap <= MaxBridgeS {
				for k := max(0, int(math.Ceil(t0))); k <= int(math.Floor(t1)) && k < n; k++ {
					out[k] = v0 + (v-v0)*(float64(k)-t0)/gap
				}
			}
		}
		prev = j
	}
	for j, v := range vals {
		if k := int(math.Round(offs[j])); finite(v) && k >= 0 && k < n && math.IsNaN(out[k]) {
			out[k] = v
		}
	}
	if cumulative {
		for k := 0; k < n && math.IsNaN(out[k]); k++ {
			out[k] = 0 // before the first sample nothing has been covered yet
		}
		for k := 1; k < n; k++ {
			if math.IsNaN(out[k]) {
				out[k] = out[k-1]
			}
		}
	}
	return out
}

// refSpeedWindowS is speedWindowS as it was when the reference was frozen.
const refSpeedWindowS = 2

// refSpeedFromDistance derives speed from the cumulative distance by a centred
// difference, NaN where the grid sample falls in a pause.
func refSpeedFromDistance(dist []float64, offs []float64, seg []int, n int) []float64 {
	// Which grid seconds are recorded (not inside a pause)?
	recorded := make([]bool, n)
	for j := range offs {
		if j > 0 && seg[j] == seg[j-1] {
			for k := int(math.Ceil(offs[j-1])); k <= int(math.Floor(offs[j])) && k < n; k++ {
				if k >= 0 {
					recorded[k] = true
				}
			}
		}
		if k := int(math.Round(offs[j])); k >= 0 && k < n {
			recorded[k] = true
		}
	}
	out := make([]float64, n)
	for i := range out {
		if !recorded[i] {
			out[i] = math.NaN()
			continue
		}
		a, b := i, i
		for a > 0 && i-a < refSpeedWindowS && recorded[a-1] {
			a--
		}
		for b < n-1 && b-i < refSpeedWindowS && recorded[b+1] {
			b++
		}
		if b == a {
			out[i] = 0
			continue
		}
		out[i] = math.Max(0, (dist[b]-dist[a])/float64(b-a))
	}
	return out
}

// Summarize computes the summary from 1 s streams. Elapsed time is the span
// of the grid; moving time counts samples with speed ≥ MovingSpeedMPS or,
// without a speed channel, samples with any data; averages are over finite
// samples (HR, cadence and power over moving samples where speed is known, as
// watches report them).
func referenceSummarize(s *rebound.Streams) Summary {
	var sum Summary
	n := s.Len()
	if n == 0 {
		return sum
	}
	sum.ElapsedS = float64(n - 1)
	moving := refMovingMask(s, n)
	for _, m := range moving {
		if m {
			sum.MovingS++
		}
	}
	// Each moving sample stands for one second, but the last second of the
	// grid ends the activity: moving time cannot exceed elapsed time.
	sum.MovingS = math.Min(sum.MovingS, sum.ElapsedS)
	if s.DistanceM != nil {
		sum.DistanceM = refLastFinite(s.DistanceM)
	}
	if sum.MovingS > 0 {
		sum.AvgSpeedMPS = sum.DistanceM / sum.MovingS
	}
	if s.AltitudeM != nil {
		up, down := refElevation(s.AltitudeM)
		sum.AscentM, sum.DescentM = &up, &down
	}
	sum.AvgHeartRateBPM = refMean(s.HeartRateBPM, moving)
	sum.MaxHeartRateBPM = refExtreme(s.HeartRateBPM, math.Max)
	sum.MaxSpeedMPS = refExtreme(s.SpeedMPS, math.Max)
	sum.AvgTemperatureC = refMean(s.TemperatureC, nil)
	sum.MinTemperatureC = refExtreme(s.TemperatureC, math.Min)
	sum.MaxTemperatureC = refExtreme(s.TemperatureC, math.Max)
	sum.AvgCadenceSPM = refMean(s.CadenceSPM, moving)
	sum.AvgPowerW = refMean(s.PowerW, moving)
	return sum
}

// movingMask marks the samples that count as moving.
func refMovingMask(s *rebound.Streams, n int) []bool {
	m := make([]bool, n)
	if s.SpeedMPS != nil {
		for i, v := range s.SpeedMPS {
			m[i] = v >= MovingSpeedMPS
		}
		return m
	}
	for i := range m {
		for _, c := range s.Channels() {
			vals := *c.Values
			if vals != nil && c.Name != "distance_m" && !math.IsNaN(vals[i]) {
				m[i] = true
				break
			}
		}
	}
	return m
}

func refLastFinite(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) {
			return v[i]
		}
	}
	return 0
}

// mean averages the finite values, over the moving samples when a mask is
// given and any moving sample has a value; nil when there is none.
func refMean(v []float64, moving []bool) *float64 {
	if v == nil {
		return nil
	}
	avg := func(useMask bool) (float64, int) {
		total, count := 0.0, 0
		for i, x := range v {
			if math.IsNaN(x) || (useMask && !moving[i]) {
				continue
			}
			total += x
			count++
		}
		return total, count
	}
	total, count := 0.0, 0
	if moving != nil {
		total, count = avg(true)
	}
	if count == 0 {
		total, count = avg(false)
	}
	if count == 0 {
		return nil
	}
	r := total / float64(count)
	return &r
}

func refExtreme(v []float64, pick func(a, b float64) float64) *float64 {
	found := false
	r := 0.0
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if !found {
			r, found = x, true
			continue
		}
		r = pick(r, x)
	}
	if !found {
		return nil
	}
	return &r
}

// elevation sums climbs and drops with ElevationHysteresisM hysteresis: the
// reference altitude moves only once the altitude has moved that far from it.
func refElevation(alt []float64) (up, down float64) {
	ref := math.NaN()
	for _, a := range alt {
		if math.IsNaN(a) {
			continue
		}
		if math.IsNaN(ref) {
			ref = a
			continue
		}
		switch d := a - ref; {
		case d >= ElevationHysteresisM:
			up += d
			ref = a
		case d <= -ElevationHysteresisM:
			down -= d
			ref = a
		}
	}
	return up, down
}
