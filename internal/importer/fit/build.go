package fit

import (
	"math"
	"slices"
	"sort"
	"time"

	"rebound"
	"rebound/internal/track"
)

// earliest is the first plausible activity date, as in track.CheckPoint: a
// FIT date_time of 0 is the 1989-12-31 epoch, which devices write as a
// placeholder (courses, workouts, unset clocks), and values below 0x10000000
// are relative "system time" (FIT profile, date_time), not dates.
var earliest = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// span is a session placed on the time line.
type span struct {
	v          *values
	start, end time.Time
}

// build turns what was kept into activities: one per session with the
// session's own totals (SummarySource file), or, without any session (a
// truncated file, a device that writes none), one from all records with
// totals computed from the streams (SummarySource streams).
func (a *accumulator) build(now time.Time) ([]*rebound.Activity, error) {
	if len(a.sessions) == 0 && len(a.points) == 0 {
		if !a.activitySeen && a.otherType != "" {
			return nil, rebound.Errorf(rebound.EInvalid, "not an activity file (FIT file type: %s)", a.otherType)
		}
		return nil, rebound.Errorf(rebound.EInvalid, "not an activity file: no sessions and no records")
	}
	a.mergeHR(now)
	// Time order, for the per-session scans; stable so that duplicate
	// timestamps keep file order (track.Resample lets the last one win).
	// Files are almost always in time order already, which addRecord
	// notes as the points come (a.unordered); else checking is a tenth
	// of the cost of a stable sort that finds nothing to move.
	if a.unordered && !sortedByTime(a.points) {
		slices.SortStableFunc(a.points, func(x, y rebound.Point) int { return x.Time.Compare(y.Time) })
	}
	slices.SortStableFunc(a.laps, func(x, y values) int { return lapMid(&x).Compare(lapMid(&y)) })

	if len(a.sessions) == 0 {
		act, err := a.fromRecords(now)
		if err != nil {
			return nil, err
		}
		return []*rebound.Activity{act}, nil
	}

	spans := make([]span, 0, len(a.sessions))
	for i := range a.sessions {
		s, err := a.place(&a.sessions[i], i, now)
		if err != nil {
			return nil, err
		}
		spans = append(spans, s)
	}
	slices.SortStableFunc(spans, func(x, y span) int { return x.start.Compare(y.start) })
	repairOverlaps(spans)

	acts := make([]*rebound.Activity, 0, len(spans))
	budget := maxStreamS
	for i, s := range spans {
		next := time.Time{}
		if i+1 < len(spans) {
			next = spans[i+1].start
		}
		act, err := a.fromSession(s, next, i, now, &budget)
		if err != nil {
			return nil, err
		}
		acts = append(acts, act)
	}
	return acts, nil
}

// sortedByTime is slices.IsSortedFunc by Time.Compare, without a call per
// point.
func sortedByTime(pts []rebound.Point) bool {
	for i := 1; i < len(pts); i++ {
		if pts[i].Time.Before(pts[i-1].Time) {
			return false
		}
	}
	return true
}

// maxStreamS caps the 1 s samples one file may produce across its sessions:
// 8 days, above the 150 h cut-off of the Tor des Géants, one of the longest
// non-stop foot races. Rebound's choice; it keeps a small corrupt or hostile
// file (many sessions, each with two records days apart) from allocating
// gigabytes of streams.
const maxStreamS = 8 * 24 * 3600.0

// place finds a session's start and end: start_time and start +
// total_elapsed_time, falling back on the message timestamp (written at the
// session's end) and then on the records.
func (a *accumulator) place(v *values, i int, now time.Time) (span, error) {
	s := span{v: v}
	switch {
	case v.has(sumStartTime):
		s.start = fitTime(v[sumStartTime])
	case v.has(sumTimestamp) && v.has(sumElapsed):
		s.start = fitTime(v[sumTimestamp]).Add(-seconds(v[sumElapsed]))
	case len(a.points) > 0:
		s.start = a.points[0].Time
	default:
		return s, rebound.Errorf(rebound.EInvalid, "session %d: no start time", i)
	}
	switch {
	case v.has(sumElapsed):
		s.end = s.start.Add(seconds(v[sumElapsed]))
	case v.has(sumTimestamp):
		s.end = fitTime(v[sumTimestamp])
	case len(a.points) > 0:
		s.end = a.points[len(a.points)-1].Time
	default:
		s.end = s.start
	}
	if s.start.Before(earliest) {
		return s, rebound.Errorf(rebound.EInvalid, "session %d: start time %s is before 1990 (a placeholder date, not a recording)", i, s.start.Format(time.RFC3339))
	}
	if s.start.After(now.Add(24 * time.Hour)) {
		return s, rebound.Errorf(rebound.EInvalid, "session %d: start time %s is in the future", i, s.start.Format(time.RFC3339))
	}
	return s, nil
}

// overlapToleranceS is how far a session may run into the next before its
// start_time is distrusted; devices round session boundaries to seconds.
const overlapToleranceS = 5

// repairOverlaps fixes a session whose start_time + total_elapsed_time runs
// into the next session while timestamp − total_elapsed_time does not: its
// start_time is wrong (seen on a Garmin Fenix 2 multisport file, whose first
// session claims 08:00 while its records and lap start at 07:14, exactly
// timestamp − elapsed). The session timestamp alone is no better a guide in
// general: summary-first files write it at the start, others minutes after
// the end, so start_time stays the rule.
func repairOverlaps(spans []span) {
	tol := overlapToleranceS * time.Second
	for i := 0; i+1 < len(spans); i++ {
		s, next := &spans[i], spans[i+1].start
		if !s.end.After(next.Add(tol)) || !s.v.has(sumTimestamp) || !s.v.has(sumElapsed) {
			continue
		}
		end := fitTime(s.v[sumTimestamp])
		if end.After(next.Add(tol)) {
			continue
		}
		s.start, s.end = end.Add(-seconds(s.v[sumElapsed])), end
	}
}

// inSpan tells whether t belongs to a session: within [start, end] and
// before the next session's start (multisport sessions touch at their ends).
func inSpan(t time.Time, s span, next time.Time) bool {
	if t.Before(s.start) || t.After(s.end) {
		return false
	}
	return next.IsZero() || t.Before(next)
}

func (a *accumulator) fromSession(s span, next time.Time, index int, now time.Time, budget *float64) (*rebound.Activity, error) {
	v := s.v
	act := a.newActivity(sportName(v[sumSport]), subSportName(v[sumSubSport]), s.start, index)
	act.SummarySource = rebound.SummaryFromFile
	act.ElapsedS = zero(v[sumElapsed])
	act.MovingS = zero(v[sumTimer])
	act.DistanceM = zero(v[sumDistance])
	act.AvgSpeedMPS = zero(first(v[sumEnhAvgSpeed], v[sumAvgSpeed]))
	act.MaxSpeedMPS = opt(first(v[sumEnhMaxSpeed], v[sumMaxSpeed]))
	act.AscentM = opt(v[sumAscent])
	act.DescentM = opt(v[sumDescent])
	act.AvgHeartRateBPM = optHR(v[sumAvgHR])
	act.MaxHeartRateBPM = optHR(v[sumMaxHR])
	act.AvgTemperatureC = opt(v[sumAvgTemp])
	act.MaxTemperatureC = opt(v[sumMaxTemp])
	act.MinTemperatureC = opt(v[sumMinTemp])
	act.AvgCadenceSPM = opt(cadence(v[sumAvgCadence], v[sumAvgFracCadence], act.Sport))
	act.AvgPowerW = opt(v[sumAvgPower])
	act.Calories = opt(v[sumCalories])

	// Laps and points are sorted by time (build), and sessions own disjoint
	// spans, so each session scans only its own part.
	j := sort.Search(len(a.laps), func(k int) bool { return !lapMid(&a.laps[k]).Before(s.start) })
	for ; j < len(a.laps) && inSpan(lapMid(&a.laps[j]), s, next); j++ {
		act.Laps = append(act.Laps, lap(&a.laps[j], len(act.Laps), act.Sport))
	}
	from := sort.Search(len(a.points), func(k int) bool { return !a.points[k].Time.Before(s.start) })
	// Every point from index from on is at or after the start, so inSpan
	// holds up to some index and fails from there on: a binary search
	// finds it.
	to := from + sort.Search(len(a.points)-from, func(k int) bool { return !inSpan(a.points[from+k].Time, s, next) })
	pts, checked, err := a.pointsFor(from, to, act.Sport, act.StartTime, now)
	if err != nil {
		return nil, err
	}
	if err := spend(budget, pts, s.start); err != nil {
		return nil, err
	}
	addStreams(act, checked)
	return act, nil
}

// fromRecords builds the single activity of a file without a session
// message: every total is computed from the records.
func (a *accumulator) fromRecords(now time.Time) (*rebound.Activity, error) {
	sport, sub := rebound.SportOther, ""
	switch {
	case len(a.sports) > 0:
		sport, sub = sportName(a.sports[0][spSport]), subSportName(a.sports[0][spSubSport])
	case len(a.laps) > 0 && a.laps[0].has(sumSport):
		sport, sub = sportName(a.laps[0][sumSport]), subSportName(a.laps[0][sumSubSport])
	}
	// The activity starts at the first record (len(a.points) > 0: build
	// returned early otherwise), which the streams start from too.
	start := a.points[0].Time
	pts, checked, err := a.pointsFor(0, len(a.points), sport, start.UTC(), now)
	if err != nil {
		return nil, err
	}
	budget := maxStreamS
	if err := spend(&budget, pts, start); err != nil {
		return nil, err
	}
	act := a.newActivity(sport, sub, start, 0)
	act.SummarySource = rebound.SummaryFromStreams
	for j := range a.laps {
		if a.laps[j].has(sumStartTime) {
			act.Laps = append(act.Laps, lap(&a.laps[j], len(act.Laps), sport))
		}
	}
	addStreams(act, checked)
	return act, nil
}

func (a *accumulator) newActivity(sport, sub string, start time.Time, index int) *rebound.Activity {
	act := &rebound.Activity{
		Sport:        sport,
		SubSport:     sub,
		StartTime:    start.UTC(),
		Device:       a.device,
		SourceFormat: "fit",
		SessionIndex: index,
	}
	if a.hasOffset {
		act.UTCOffsetS, act.OffsetSource = a.offsetS, rebound.OffsetFromFile
	}
	return act
}

// pointsFor range-checks the records from…to-1 (track.CheckPoints) and
// returns them, with what addStreams needs to resample them from start on,
// their cadence multiplied by 2 (strides/min → steps/min) for foot sports.
// Record i is the i-th record in time order, which is file order in any
// well-formed file. The points are a.points itself, neither copied nor
// converted: sessions may share records when a repaired session start
// breaks their order, so converting in place could double twice. Checking
// and resampling read the points in one pass (track.CheckForResample);
// resampling finishes in addStreams, after spend, so that a file over its
// sample budget fails before its streams are made.
func (a *accumulator) pointsFor(from, to int, sport string, start, now time.Time) ([]rebound.Point, *track.Checked, error) {
	factor := 1.0
	if stridesToSteps(sport) {
		factor = 2
	}
	pts := a.points[from:to]
	checked, err := track.CheckForResample(pts, from, start, factor, now)
	if err != nil {
		return nil, nil, err
	}
	return pts, checked, nil
}

// hrNearS is how close a record with a heart rate must be for an hr-message
// sample to be redundant: records come every 1 s, or every few seconds in
// "smart recording". Rebound's choice.
const hrNearS = 2

// mergeHR adds the heart rates of hr messages as HR-only points where no
// record within hrNearS has one: the swim intervals of a chest strap's
// store-and-forward (fitdecode garmin-fr935-cr.fit, fitparse
// event_timestamp.fit). Samples outside track.CheckPoint's ranges are
// dropped: they supplement the records and are not records themselves.
func (a *accumulator) mergeHR(now time.Time) {
	if len(a.hrs) == 0 {
		return
	}
	var have []int64 // Unix seconds of records with a heart rate, sorted
	for i := range a.points {
		if !math.IsNaN(a.points[i].HeartRateBPM) {
			have = append(have, a.points[i].Time.Unix())
		}
	}
	slices.Sort(have)
	for _, h := range a.hrs {
		t := fitEpoch.Add(time.Duration(h.t * float64(time.Second)))
		sec := t.Unix()
		if k, _ := slices.BinarySearch(have, sec-hrNearS); k < len(have) && have[k] <= sec+hrNearS {
			continue
		}
		p := rebound.NewPoint(t)
		p.HeartRateBPM = h.bpm
		if track.CheckPoint(0, p, now) != nil {
			continue
		}
		a.points = append(a.points, p)
		a.unordered = true
	}
}

// spend takes the span of pts from the file's sample budget. pts are in
// time order (build sorts them), so the last is the latest.
func spend(budget *float64, pts []rebound.Point, start time.Time) error {
	last := start
	if len(pts) > 0 && pts[len(pts)-1].Time.After(last) {
		last = pts[len(pts)-1].Time
	}
	*budget -= last.Sub(start).Seconds()
	if *budget < 0 {
		return rebound.Errorf(rebound.EInvalid, "records span more than %d days: not a plausible activity", int(maxStreamS/86400))
	}
	return nil
}

// addStreams resamples the points pointsFor checked to 1 s streams from the
// activity's start and fills every summary field the file left empty from
// them (file totals win).
func addStreams(act *rebound.Activity, checked *track.Checked) {
	st := checked.Resample() // no streams without points
	if st.Len() == 0 {
		return
	}
	act.Streams = st
	track.FillFrom(act, st) // Summarize(st).Fill(act), computing only what the session lacks
}

// lapMid is the middle of a lap, which decides its session: lap and session
// boundaries of one file can disagree by a second or two.
func lapMid(l *values) time.Time {
	t := fitTime(l[sumStartTime])
	if l.has(sumElapsed) {
		t = t.Add(seconds(l[sumElapsed] / 2))
	}
	return t
}

func lap(l *values, index int, sport string) rebound.Lap {
	return rebound.Lap{
		Index:           index,
		StartTime:       fitTime(l[sumStartTime]),
		ElapsedS:        zero(l[sumElapsed]),
		MovingS:         zero(l[sumTimer]),
		DistanceM:       zero(l[sumDistance]),
		AvgHeartRateBPM: optHR(l[sumAvgHR]),
		MaxHeartRateBPM: optHR(l[sumMaxHR]),
		AvgSpeedMPS:     zero(first(l[sumEnhAvgSpeed], l[sumAvgSpeed])),
		AvgCadenceSPM:   opt(cadence(l[sumAvgCadence], l[sumAvgFracCadence], sport)),
	}
}

// cadence is a FIT avg_cadence plus its fractional part, in steps/min for
// foot sports (see stridesToSteps) and in the FIT unit otherwise.
func cadence(whole, frac float64, sport string) float64 {
	if math.IsNaN(whole) {
		return math.NaN()
	}
	c := whole + zero(frac)
	if stridesToSteps(sport) {
		c *= 2
	}
	return c
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// opt is nil for a missing (NaN) value.
func opt(x float64) *float64 {
	if math.IsNaN(x) {
		return nil
	}
	return &x
}

// optHR is opt for heart rates, where 0 bpm means "no sensor" (Zwift and
// Onelap sessions without a strap say avg_heart_rate 0), as in records.
func optHR(x float64) *float64 {
	if x == 0 {
		return nil
	}
	return opt(x)
}

// zero is 0 for a missing (NaN) value, for the non-pointer summary fields
// where 0 means "unknown" and track.Summary.Fill fills it.
func zero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}
