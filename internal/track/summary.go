package track

import (
	"math"

	"rebound"
)

// MovingSpeedMPS is the speed at or above which a sample counts as moving:
// 0.5 m/s (1.8 km/h) is below the slowest walk and above GPS drift while
// standing. Rebound's choice, in the range other tools use (Strava and
// GoldenCheetah use thresholds of this order).
const MovingSpeedMPS = 0.5

// ElevationHysteresisM is the climb or drop that must accumulate before it is
// counted: it rejects barometric and GPS altitude noise, which otherwise
// inflates gain by tens of percent. Rebound's choice (common practice ranges
// from 2 to 5 m).
const ElevationHysteresisM = 3

// Summary is an activity's summary computed from its streams.
type Summary struct {
	ElapsedS, MovingS, DistanceM, AvgSpeedMPS float64

	AscentM, DescentM                *float64
	AvgHeartRateBPM, MaxHeartRateBPM *float64
	MaxSpeedMPS                      *float64
	AvgTemperatureC, MinTemperatureC *float64
	MaxTemperatureC                  *float64
	AvgCadenceSPM, AvgPowerW         *float64
}

// Summarize computes the summary from 1 s streams. Elapsed time is the span
// of the grid; moving time counts samples with speed ≥ MovingSpeedMPS or,
// without a speed channel, samples with any data; averages are over finite
// samples (HR, cadence and power over moving samples where speed is known, as
// watches report them).
func Summarize(s *rebound.Streams) Summary {
	var sum Summary
	n := s.Len()
	if n == 0 {
		return sum
	}
	sum.ElapsedS = float64(n - 1)
	moving := movingMask(s, n)
	for _, m := range moving {
		if m {
			sum.MovingS++
		}
	}
	// Each moving sample stands for one second, but the last second of the
	// grid ends the activity: moving time cannot exceed elapsed time.
	sum.MovingS = math.Min(sum.MovingS, sum.ElapsedS)
	if s.DistanceM != nil {
		sum.DistanceM = lastFinite(s.DistanceM)
	}
	if sum.MovingS > 0 {
		sum.AvgSpeedMPS = sum.DistanceM / sum.MovingS
	}
	if s.AltitudeM != nil {
		up, down := elevation(s.AltitudeM)
		sum.AscentM, sum.DescentM = &up, &down
	}
	sum.AvgHeartRateBPM = mean(s.HeartRateBPM, moving)
	sum.MaxHeartRateBPM = extreme(s.HeartRateBPM, true)
	sum.MaxSpeedMPS = extreme(s.SpeedMPS, true)
	sum.AvgTemperatureC = mean(s.TemperatureC, nil)
	sum.MinTemperatureC, sum.MaxTemperatureC = minMax(s.TemperatureC)
	sum.AvgCadenceSPM = mean(s.CadenceSPM, moving)
	sum.AvgPowerW = mean(s.PowerW, moving)
	return sum
}

// movingMask marks the samples that count as moving.
func movingMask(s *rebound.Streams, n int) []bool {
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

func lastFinite(v []float64) float64 {
	for i := len(v) - 1; i >= 0; i-- {
		if !math.IsNaN(v[i]) {
			return v[i]
		}
	}
	return 0
}

// mean averages the finite values, over the moving samples when a mask is
// given and any moving sample has a value; nil when there is none.
func mean(v []float64, moving []bool) *float64 {
	if v == nil {
		return nil
	}
	total, count := 0.0, 0
	if moving != nil {
		for i, x := range v {
			if !math.IsNaN(x) && moving[i] {
				total += x
				count++
			}
		}
	}
	if count == 0 { // total is still 0
		for _, x := range v {
			if !math.IsNaN(x) {
				total += x
				count++
			}
		}
	}
	if count == 0 {
		return nil
	}
	r := total / float64(count)
	return &r
}

// extreme is the largest (or, if !largest, the smallest) value that is not
// NaN; nil when there is none. It picks as math.Max and math.Min do, +0
// over −0 for the largest and −0 over +0 for the smallest, with a
// comparison instead of a call per sample.
func extreme(v []float64, largest bool) *float64 {
	found := false
	r := 0.0
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		switch {
		case !found:
			r, found = x, true
		case largest:
			if x > r || x == 0 && r == 0 && !math.Signbit(x) {
				r = x // max(r, x)
			}
		default:
			if x < r || x == 0 && r == 0 && math.Signbit(x) {
				r = x // min(r, x)
			}
		}
	}
	if !found {
		return nil
	}
	return &r
}

// minMax is extreme(v, false) and extreme(v, true) in one pass.
func minMax(v []float64) (lo, hi *float64) {
	found := false
	mn, mx := 0.0, 0.0
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		if !found {
			mn, mx, found = x, x, true
			continue
		}
		mn, mx = min(mn, x), max(mx, x)
	}
	if !found {
		return nil, nil
	}
	return &mn, &mx
}

// elevation sums climbs and drops with ElevationHysteresisM hysteresis: the
// reference altitude moves only once the altitude has moved that far from it.
func elevation(alt []float64) (up, down float64) {
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

// Fill sets every field of a that is zero or nil from s, so a file's own
// totals win and the streams fill what the file lacks.
func (s Summary) Fill(a *rebound.Activity) {
	if a.ElapsedS == 0 {
		a.ElapsedS = s.ElapsedS
	}
	if a.MovingS == 0 {
		a.MovingS = s.MovingS
	}
	if a.DistanceM == 0 {
		a.DistanceM = s.DistanceM
	}
	if a.AvgSpeedMPS == 0 {
		a.AvgSpeedMPS = s.AvgSpeedMPS
		if a.MovingS > 0 && a.DistanceM > 0 {
			a.AvgSpeedMPS = a.DistanceM / a.MovingS
		}
	}
	fill := func(dst **float64, src *float64) {
		if *dst == nil && src != nil {
			v := *src
			*dst = &v
		}
	}
	fill(&a.AscentM, s.AscentM)
	fill(&a.DescentM, s.DescentM)
	fill(&a.AvgHeartRateBPM, s.AvgHeartRateBPM)
	fill(&a.MaxHeartRateBPM, s.MaxHeartRateBPM)
	fill(&a.MaxSpeedMPS, s.MaxSpeedMPS)
	fill(&a.AvgTemperatureC, s.AvgTemperatureC)
	fill(&a.MinTemperatureC, s.MinTemperatureC)
	fill(&a.MaxTemperatureC, s.MaxTemperatureC)
	fill(&a.AvgCadenceSPM, s.AvgCadenceSPM)
	fill(&a.AvgPowerW, s.AvgPowerW)
}

// FillFrom is Summarize(s).Fill(a), to the bit, computing only the
// summary fields a lacks: a FIT session brings most of its totals, and
// the streams need not be scanned for what Fill would throw away.
func FillFrom(a *rebound.Activity, s *rebound.Streams) {
	n := s.Len()
	if n == 0 {
		Summary{}.Fill(a)
		return
	}
	var moving []bool // movingMask(s, n), when first needed
	mask := func() []bool {
		if moving == nil {
			moving = movingMask(s, n)
		}
		return moving
	}
	elapsed := float64(n - 1)
	movingS := func() float64 {
		m := 0.0
		for _, x := range mask() {
			if x {
				m++
			}
		}
		return math.Min(m, elapsed) // as Summarize
	}
	dist := 0.0
	if s.DistanceM != nil {
		dist = lastFinite(s.DistanceM)
	}
	var mov float64
	movKnown := false
	if a.ElapsedS == 0 {
		a.ElapsedS = elapsed
	}
	if a.MovingS == 0 {
		mov, movKnown = movingS(), true
		a.MovingS = mov
	}
	if a.DistanceM == 0 {
		a.DistanceM = dist
	}
	if a.AvgSpeedMPS == 0 {
		if a.MovingS > 0 && a.DistanceM > 0 {
			a.AvgSpeedMPS = a.DistanceM / a.MovingS
		} else {
			if !movKnown {
				mov = movingS()
			}
			a.AvgSpeedMPS = 0
			if mov > 0 {
				a.AvgSpeedMPS = dist / mov
			}
		}
	}
	if (a.AscentM == nil || a.DescentM == nil) && s.AltitudeM != nil {
		up, down := elevation(s.AltitudeM)
		if a.AscentM == nil {
			a.AscentM = &up
		}
		if a.DescentM == nil {
			a.DescentM = &down
		}
	}
	if a.AvgHeartRateBPM == nil && s.HeartRateBPM != nil {
		a.AvgHeartRateBPM = mean(s.HeartRateBPM, mask())
	}
	if a.MaxHeartRateBPM == nil {
		a.MaxHeartRateBPM = extreme(s.HeartRateBPM, true)
	}
	if a.MaxSpeedMPS == nil {
		a.MaxSpeedMPS = extreme(s.SpeedMPS, true)
	}
	if a.AvgTemperatureC == nil {
		a.AvgTemperatureC = mean(s.TemperatureC, nil)
	}
	if a.MinTemperatureC == nil || a.MaxTemperatureC == nil {
		lo, hi := minMax(s.TemperatureC)
		if a.MinTemperatureC == nil {
			a.MinTemperatureC = lo
		}
		if a.MaxTemperatureC == nil {
			a.MaxTemperatureC = hi
		}
	}
	if a.AvgCadenceSPM == nil && s.CadenceSPM != nil {
		a.AvgCadenceSPM = mean(s.CadenceSPM, mask())
	}
	if a.AvgPowerW == nil && s.PowerW != nil {
		a.AvgPowerW = mean(s.PowerW, mask())
	}
}
