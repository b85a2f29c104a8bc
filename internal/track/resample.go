package track

import (
	"math"
	"slices"
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
func Resample(points []rebound.Point, start time.Time) *rebound.Streams {
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
	if !anyFinite(distRaw) {
		distRaw = positionDistance(pts)
	}
	seg := segments(offs, distRaw)
	g := func(vals []float64, cumulative bool) []float64 { return grid(offs, vals, seg, n, cumulative) }
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
		s.SpeedMPS = speedFromDistance(s.DistanceM, offs, seg, n)
	}
	return s
}

// segments numbers the stretches of continuous recording: a new segment
// starts after a gap longer than MaxGapS unless the distance covered across
// it shows the runner kept moving (sparse recording, up to MaxBridgeS).
// Values are interpolated only within a segment.
func segments(offs, dist []float64) []int {
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
func sortedPoints(points []rebound.Point, start time.Time) []rebound.Point {
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
// have a position; points without one get NaN.
func positionDistance(pts []rebound.Point) []float64 {
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
func grid(offs, vals []float64, seg []int, n int, cumulative bool) []float64 {
	if !anyFinite(vals) {
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

// speedWindowS is the half-width of the centred difference used to derive
// speed from distance: ±2 s smooths 1 Hz GPS jitter without hiding a 20 s
// surge. Rebound's choice.
const speedWindowS = 2

// speedFromDistance derives speed from the cumulative distance by a centred
// difference, NaN where the grid sample falls in a pause.
func speedFromDistance(dist []float64, offs []float64, seg []int, n int) []float64 {
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
	return out
}
