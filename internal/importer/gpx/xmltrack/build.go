package xmltrack

import (
	"errors"
	"math"
	"slices"
	"sort"
	"time"

	"rebound"
	"rebound/internal/track"
)

// Point is one track point as read from a file, with where it came from.
type Point struct {
	rebound.Point
	Seg   int // segment (GPX trkseg, TCX Track): no distance is counted between segments
	Index int // 1-based position of the point in the file, for messages
	Line  int // line of the point in the file, for messages
}

// MaxSpan is the longest time a track may span. The longest events people
// record (multi-day ultras) last a few days; a longer span means a corrupt
// timestamp. It matches the 7-day cap of track.Resample. Rebound's choice.
const MaxSpan = 7 * 24 * time.Hour

// runCadenceStrideLimit: a run whose median cadence is below this many per
// minute is in strides (one foot), and is doubled to steps/min. Running step
// rates are about 150–200 steps/min and stride rates half that, so the two
// ranges do not overlap around 120 (ECOSYSTEM.md §3: FIT and TCX running
// cadence is strides/min, Strava's GPX cad is often steps/min already).
// Rebound's choice of threshold.
const runCadenceStrideLimit = 120

// Distance plausibility check. When a file records cumulative distance and
// also positions, the recorded distance is used unless its total is below
// half or above twice the haversine total of the positions (taken through
// every position, gaps between segments included, since an excerpt or a
// file with pauses covered that ground too): then it is
// not distance in metres (msimms' interval TCX holds per-second increments,
// the Apple Watch track-run TCX holds 0 throughout) and the positions are
// used instead. The check needs at least minCheckDistanceM of positions, so
// a few stray fixes on a treadmill run cannot overrule a foot pod.
// Rebound's choices.
const (
	minRecordedRatio  = 0.5
	maxRecordedRatio  = 2.0
	minCheckDistanceM = 100
)

// Built is an activity built from points, with what Build decided.
type Built struct {
	Activity *rebound.Activity
	// RecordedDistanceRejected is true when the file's own distance failed
	// the plausibility check; per-lap distances from the file are then
	// wrong too.
	RecordedDistanceRejected bool
	// Points are the points kept, sorted by time, with their distances.
	// Build reuses the slice it was given: callers must use these, not it.
	Points []Point
}

// Build turns a file's points (each with a time) into an activity with 1 s
// streams and a summary computed from them (SummarySource streams). It drops
// positions at exactly (0,0) — Null Island, what devices write before a fix
// — and heart rates ≤ 0 (no strap contact), doubles a run's cadence when it
// is in strides (runCadenceStrideLimit), range-checks every point with
// track.CheckPoint, and sets each point's cumulative distance: the recorded
// one when plausible, else the haversine sum of positions within each
// segment, so the gap of a pause between segments is not counted.
func Build(pts []Point, sport string, now time.Time) (*Built, error) {
	if len(pts) == 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "no track points with a time")
	}
	for i := range pts {
		p := &pts[i].Point
		if math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || (p.Lat == 0 && p.Lon == 0) {
			p.Lat, p.Lon = math.NaN(), math.NaN()
		}
		if p.HeartRateBPM <= 0 {
			p.HeartRateBPM = math.NaN()
		}
	}
	// A point with a time and nothing else ("undefined" coordinates, an
	// unreadable elevation) says nothing; drop it.
	kept := pts[:0]
	for _, p := range pts {
		if hasData(&p.Point) {
			kept = append(kept, p)
		}
	}
	pts = kept
	if len(pts) == 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "no track point has a readable position or sensor value")
	}
	if sport == rebound.SportRunning {
		normaliseRunCadence(pts)
	}
	for i := range pts {
		if err := track.CheckPoint(pts[i].Index, pts[i].Point, now); err != nil {
			var e *rebound.Error
			if errors.As(err, &e) {
				return nil, rebound.Errorf(e.Code, "line %d: %s", pts[i].Line, e.Message)
			}
			return nil, err
		}
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Time.Before(pts[j].Time) })
	start, end := pts[0].Time, pts[len(pts)-1].Time
	if span := end.Sub(start); span > MaxSpan {
		return nil, rebound.Errorf(rebound.EInvalid, "track spans %.1f days (%s to %s); a workout cannot be longer than 7 days, a time in the file is wrong",
			span.Hours()/24, start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	rejected := setDistance(pts)

	raw := make([]rebound.Point, len(pts))
	for i := range pts {
		raw[i] = pts[i].Point
	}
	s := track.Resample(raw, start)
	a := &rebound.Activity{
		Sport:         sport,
		StartTime:     start,
		SummarySource: rebound.SummaryFromStreams,
		Streams:       s,
	}
	sum := track.Summarize(s)
	// Summarize counts moving samples while elapsed time spans the gaps
	// between them (n samples, n−1 seconds), so a run moving throughout
	// would show one second more moving than elapsed time.
	if sum.MovingS > sum.ElapsedS {
		sum.MovingS = sum.ElapsedS
		sum.AvgSpeedMPS = 0
		if sum.MovingS > 0 {
			sum.AvgSpeedMPS = sum.DistanceM / sum.MovingS
		}
	}
	sum.Fill(a)
	return &Built{Activity: a, RecordedDistanceRejected: rejected, Points: pts}, nil
}

func hasData(p *rebound.Point) bool {
	for _, v := range [...]float64{p.Lat, p.AltitudeM, p.DistanceM, p.SpeedMPS, p.HeartRateBPM, p.CadenceSPM, p.TemperatureC, p.PowerW} {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}

// normaliseRunCadence doubles cadence recorded in strides/min.
func normaliseRunCadence(pts []Point) {
	var vals []float64
	for i := range pts {
		if c := pts[i].CadenceSPM; c > 0 {
			vals = append(vals, c)
		}
	}
	if len(vals) == 0 {
		return
	}
	slices.Sort(vals)
	if median := vals[len(vals)/2]; median >= runCadenceStrideLimit {
		return
	}
	for i := range pts {
		pts[i].CadenceSPM *= 2 // NaN stays NaN
	}
}

// setDistance fills Point.DistanceM (see Build) on time-sorted points and
// reports whether a recorded distance was rejected.
func setDistance(pts []Point) (rejected bool) {
	cum := make([]float64, len(pts))
	total := 0.0   // within segments: the fallback distance
	through := 0.0 // across segment gaps too: the plausibility reference
	prev := -1
	havPoints := 0
	for i := range pts {
		p := &pts[i]
		if math.IsNaN(p.Lat) {
			cum[i] = math.NaN()
			continue
		}
		if prev >= 0 {
			d := track.HaversineM(pts[prev].Lat, pts[prev].Lon, p.Lat, p.Lon)
			through += d
			if pts[prev].Seg == p.Seg {
				total += d
			}
		}
		cum[i] = total
		prev = i
		havPoints++
	}

	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range pts {
		if d := pts[i].DistanceM; !math.IsNaN(d) {
			lo, hi = math.Min(lo, d), math.Max(hi, d)
		}
	}
	recorded := hi >= lo
	if recorded {
		// A file cut from a longer recording (or a device that never resets
		// its odometer) starts above 0: the activity covers last − first.
		first := math.NaN()
		for i := range pts {
			if d := pts[i].DistanceM; !math.IsNaN(d) {
				if math.IsNaN(first) {
					first = d
				}
				pts[i].DistanceM = math.Max(0, d-first)
			}
		}
		if havPoints < 2 || through < minCheckDistanceM {
			return false
		}
		if r := (hi - lo) / through; r >= minRecordedRatio && r <= maxRecordedRatio {
			return false
		}
	}
	if havPoints == 0 {
		return false
	}
	for i := range pts {
		pts[i].DistanceM = cum[i]
	}
	return recorded
}

// Window summarises the streams between from and to (inclusive, clamped to
// the streams), with distance counted from the window's start: the summary
// of one lap or segment.
func Window(s *rebound.Streams, start, from, to time.Time) track.Summary {
	n := s.Len()
	if n == 0 {
		return track.Summary{}
	}
	idx := func(t time.Time) int {
		i := int(math.Round(t.Sub(start).Seconds()))
		return min(max(i, 0), n-1)
	}
	i0, i1 := idx(from), idx(to)
	if i1 < i0 {
		i1 = i0
	}
	sub := &rebound.Streams{}
	src, dst := s.Channels(), sub.Channels()
	for k := range src {
		v := *src[k].Values
		if v == nil {
			continue
		}
		w := v[i0 : i1+1]
		if src[k].Values == &s.DistanceM {
			rel := make([]float64, len(w))
			for j, d := range w {
				rel[j] = d - w[0]
			}
			w = rel
		}
		*dst[k].Values = w
	}
	w := track.Summarize(sub)
	if w.MovingS > w.ElapsedS { // see Build
		w.MovingS = w.ElapsedS
		w.AvgSpeedMPS = 0
		if w.MovingS > 0 {
			w.AvgSpeedMPS = w.DistanceM / w.MovingS
		}
	}
	return w
}

// Lap makes a lap from a window summary.
func Lap(index int, from time.Time, w track.Summary) rebound.Lap {
	return rebound.Lap{
		Index:           index,
		StartTime:       from,
		ElapsedS:        w.ElapsedS,
		MovingS:         w.MovingS,
		DistanceM:       w.DistanceM,
		AvgHeartRateBPM: w.AvgHeartRateBPM,
		MaxHeartRateBPM: w.MaxHeartRateBPM,
		AvgSpeedMPS:     w.AvgSpeedMPS,
		AvgCadenceSPM:   w.AvgCadenceSPM,
	}
}
