package tcx

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"time"

	"rebound"
	"rebound/internal/importer/gpx/xmltrack"
	"rebound/internal/track"
)

// xmlTrackpoint is one Trackpoint. Fields match by local name in any
// namespace, so ns3:TPX, a default-namespace TPX and no namespace all work.
type xmlTrackpoint struct {
	Time     string `xml:"Time"`
	Position *struct {
		Lat string `xml:"LatitudeDegrees"`
		Lon string `xml:"LongitudeDegrees"`
	} `xml:"Position"`
	AltitudeMeters string          `xml:"AltitudeMeters"`
	DistanceMeters string          `xml:"DistanceMeters"`
	HeartRateBpm   xmlValue        `xml:"HeartRateBpm"`
	Cadence        string          `xml:"Cadence"`
	Extensions     []xmltrack.Node `xml:"Extensions"`
}

// xmlValue is a HeartRateBpm_t: <Value>n</Value>; a few writers put the
// number directly in the element.
type xmlValue struct {
	Value string `xml:"Value"`
	Text  string `xml:",chardata"`
}

func (v xmlValue) float() float64 {
	if f := xmltrack.Float(v.Value); !math.IsNaN(f) {
		return f
	}
	return xmltrack.Float(v.Text)
}

// lap is one Lap as the file gives it.
type lap struct {
	start                 time.Time
	hasStart              bool
	totalTimeS, distanceM float64
	calories              float64
	avgHR, maxHR          float64
	first, last           time.Time // times of the lap's first and last trackpoint
	points                int
}

// activity accumulates one Activity element.
type activity struct {
	sport, id, notes, device string
	laps                     []lap
	points                   []xmltrack.Point
	trackpoints              int // every Trackpoint, with or without a usable time
	tracks                   int
	offsetS                  int
	offsetFound              bool
	line                     int
}

// parser accumulates one TCX document.
type parser struct {
	now      time.Time
	sawRoot  bool
	courses  int
	cur      *activity
	curDepth int // stack depth of cur's <Activity> element, to find its end
	out      []*rebound.Activity
	totalS   float64 // elapsed time of the activities so far
}

// Decode parses a TCX v2 document: one activity per <Activity> (usually
// one). Trackpoints without a readable time are skipped. The summary is
// computed from the streams (SummarySource "streams"), the laps keep the
// file's own lap totals, and calories are the sum of the laps'. now bounds
// plausible dates.
func Decode(r io.Reader, now time.Time) ([]*rebound.Activity, error) {
	d := xmltrack.NewDecoder(r)
	p := &parser{now: now}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, d.Err(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			} else if name != "TrainingCenterDatabase" {
				return nil, rebound.Errorf(rebound.EInvalid, "not a TCX file: the document is a <%s>, not a <TrainingCenterDatabase>", name)
			}
			consumed, err := p.start(d, &t, name, parent)
			if err != nil {
				return nil, err
			}
			if !consumed {
				stack = append(stack, name)
				if name == "Activity" && p.cur != nil && p.curDepth == 0 {
					p.curDepth = len(stack)
				}
			}
		case xml.EndElement:
			if len(stack) == 0 {
				continue
			}
			if p.cur != nil && len(stack) == p.curDepth {
				a, err := p.cur.build(len(p.out)+1, p.now)
				if err != nil {
					return nil, err
				}
				p.out = append(p.out, a)
				p.cur, p.curDepth = nil, 0
				// Each activity's streams may hold up to xmltrack.MaxSpan of
				// samples; bound the whole file the same way so a document
				// of many long activities cannot exhaust memory.
				if p.totalS += a.ElapsedS; p.totalS > xmltrack.MaxSpan.Seconds() {
					return nil, rebound.Errorf(rebound.EInvalid, "the activities in this file add up to more than 7 days")
				}
			}
			stack = stack[:len(stack)-1]
		}
	}
	switch {
	case !p.sawRoot:
		return nil, rebound.Errorf(rebound.EInvalid, "not a TCX file: no <TrainingCenterDatabase> element")
	case len(p.out) == 0 && p.courses > 0:
		return nil, rebound.Errorf(rebound.EInvalid, "TCX course, not an activity (a planned route is not a workout)")
	case len(p.out) == 0:
		return nil, rebound.Errorf(rebound.EInvalid, "TCX file has no activity")
	}
	return p.out, nil
}

// start handles a start element and reports whether it consumed the element
// (with its end) by decoding or skipping it.
func (p *parser) start(d *xmltrack.Decoder, t *xml.StartElement, name, parent string) (bool, error) {
	text := func() (string, error) {
		var s string
		if err := d.DecodeElement(&s, t); err != nil {
			return "", d.Err(err)
		}
		return strings.TrimSpace(s), nil
	}
	number := func() (float64, error) {
		var v xmlValue
		if err := d.DecodeElement(&v, t); err != nil {
			return 0, d.Err(err)
		}
		return v.float(), nil
	}
	a := p.cur
	var l *lap
	if a != nil && len(a.laps) > 0 {
		l = &a.laps[len(a.laps)-1]
	}
	switch {
	case name == "TrainingCenterDatabase" && parent == "":
		p.sawRoot = true
	case name == "Courses" || name == "Workouts":
		if name == "Courses" {
			p.courses++
		}
		return true, d.SkipElement()
	case name == "Activity" && p.cur == nil && (parent == "Activities" || parent == "FirstSport" || parent == "NextSport"):
		p.cur = &activity{line: d.Line()}
		for _, at := range t.Attr {
			if at.Name.Local == "Sport" {
				p.cur.sport = at.Value
			}
		}
	case a == nil:
		// Outside an activity: Author, Folders, Extensions.
	case parent == "Activity" && (name == "Id" || name == "Notes"):
		s, err := text()
		if err != nil {
			return true, err
		}
		if name == "Id" {
			a.id = s
		} else {
			a.notes = s
		}
		return true, nil
	case parent == "Activity" && name == "Creator":
		var c struct {
			Name string `xml:"Name"`
		}
		if err := d.DecodeElement(&c, t); err != nil {
			return true, d.Err(err)
		}
		a.device = strings.TrimSpace(c.Name)
		return true, nil
	case parent == "Activity" && name == "Lap":
		nl := lap{totalTimeS: math.NaN(), distanceM: math.NaN(), calories: math.NaN(), avgHR: math.NaN(), maxHR: math.NaN()}
		for _, at := range t.Attr {
			if at.Name.Local == "StartTime" {
				if ts, ok := xmltrack.ParseTime(at.Value); ok {
					nl.start, nl.hasStart = ts.UTC, true
				}
			}
		}
		a.laps = append(a.laps, nl)
	case parent == "Lap" && l != nil:
		var dst *float64
		switch name {
		case "TotalTimeSeconds":
			dst = &l.totalTimeS
		case "DistanceMeters":
			dst = &l.distanceM
		case "Calories":
			dst = &l.calories
		case "AverageHeartRateBpm":
			dst = &l.avgHR
		case "MaximumHeartRateBpm":
			dst = &l.maxHR
		case "Track":
			a.tracks++
			return false, nil
		default:
			return false, nil
		}
		v, err := number()
		if err != nil {
			return true, err
		}
		*dst = v
		return true, nil
	case name == "Trackpoint" && parent == "Track":
		line := d.Line()
		var x xmlTrackpoint
		if err := d.DecodeElement(&x, t); err != nil {
			return true, d.Err(err)
		}
		a.addPoint(&x, l, line)
		return true, nil
	}
	return false, nil
}

func (a *activity) addPoint(x *xmlTrackpoint, l *lap, line int) {
	a.trackpoints++
	t, ok := xmltrack.ParseTime(x.Time)
	if !ok {
		return // a point without a time cannot be placed on the 1 s grid
	}
	if t.Explicit && !a.offsetFound {
		a.offsetS, a.offsetFound = t.OffsetS, true
	}
	pt := rebound.NewPoint(t.UTC)
	if x.Position != nil {
		pt.Lat, pt.Lon = xmltrack.Float(x.Position.Lat), xmltrack.Float(x.Position.Lon)
	}
	pt.AltitudeM = xmltrack.Float(x.AltitudeMeters)
	pt.DistanceM = xmltrack.Float(x.DistanceMeters)
	pt.HeartRateBPM = x.HeartRateBpm.float()
	pt.SpeedMPS = xmltrack.Lookup(x.Extensions, "speed")
	pt.PowerW = xmltrack.Lookup(x.Extensions, "watts")
	// Cadence is rpm on a bike and strides/min on a run (RunCadence in the
	// TPX extension, or Cadence); Build doubles a run's strides.
	pt.CadenceSPM = xmltrack.Lookup(x.Extensions, "runcadence")
	if math.IsNaN(pt.CadenceSPM) {
		pt.CadenceSPM = xmltrack.Float(x.Cadence)
	}
	a.points = append(a.points, xmltrack.Point{Point: pt, Seg: a.tracks, Index: a.trackpoints, Line: line})
	if l != nil {
		if l.points == 0 || t.UTC.Before(l.first) {
			l.first = t.UTC
		}
		if l.points == 0 || t.UTC.After(l.last) {
			l.last = t.UTC
		}
		l.points++
	}
}

// sport maps Activity@Sport, whose schema allows Running, Biking and Other.
func sport(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "running":
		return rebound.SportRunning
	case "biking":
		return rebound.SportCycling
	case "other", "":
		return ""
	}
	sp, _ := xmltrack.Sport(s)
	return sp
}

// build turns the accumulated activity n (1-based) into a rebound.Activity.
func (a *activity) build(n int, now time.Time) (*rebound.Activity, error) {
	sp := sport(a.sport)
	var out *rebound.Activity
	rejected := false
	switch {
	case len(a.points) > 0:
		b, err := xmltrack.Build(a.points, sp, now)
		if err != nil {
			return nil, rebound.Errorf(rebound.ErrorCode(err), "activity %d: %s", n, errMessage(err))
		}
		out, rejected = b.Activity, b.RecordedDistanceRejected
	case a.trackpoints > 0:
		return nil, rebound.Errorf(rebound.EInvalid, "activity %d (line %d): TCX track has no timestamps; Rebound needs times to measure a workout", n, a.line)
	default:
		la, err := a.fromLaps(sp, now)
		if err != nil {
			return nil, rebound.Errorf(rebound.EInvalid, "activity %d (line %d): %s", n, a.line, errMessage(err))
		}
		out = la
	}
	out.Notes = a.notes
	out.Device = a.device
	out.SourceFormat = "tcx"
	if a.offsetFound {
		out.UTCOffsetS, out.OffsetSource = a.offsetS, rebound.OffsetFromFile
	} else if ts, ok := xmltrack.ParseTime(a.id); ok && ts.Explicit {
		out.UTCOffsetS, out.OffsetSource = ts.OffsetS, rebound.OffsetFromFile
	}
	if out.Streams != nil {
		out.Laps = a.streamLaps(out, rejected)
	}
	cal, any := 0.0, false
	for _, l := range a.laps {
		if l.calories > 0 {
			cal, any = cal+l.calories, true
		}
	}
	if any {
		out.Calories = rebound.Float(cal)
	}
	return out, nil
}

// errMessage is the runner-facing text of err, for re-prefixing.
func errMessage(err error) string {
	var e *rebound.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func positive(v float64) float64 {
	if v > 0 {
		return v
	}
	return math.NaN()
}

// streamLaps makes the laps: the file's own totals where present and sane,
// the streams for the rest. When the recorded distance was rejected the lap
// distances are from the streams too.
func (a *activity) streamLaps(act *rebound.Activity, distanceRejected bool) []rebound.Lap {
	var laps []rebound.Lap
	for _, l := range a.laps {
		if l.points == 0 {
			continue
		}
		from := l.first
		w := xmltrack.Window(act.Streams, act.StartTime, from, l.last)
		lp := xmltrack.Lap(len(laps), from, w)
		if l.hasStart && !l.start.After(from) && from.Sub(l.start) < time.Minute {
			lp.StartTime = l.start
		}
		if v := l.totalTimeS; v > 0 {
			lp.MovingS = v
		}
		if v := l.distanceM; v >= 0 && !distanceRejected {
			lp.DistanceM = v
		}
		if v := l.avgHR; v > 0 {
			lp.AvgHeartRateBPM = rebound.Float(v)
		}
		if v := l.maxHR; v > 0 {
			lp.MaxHeartRateBPM = rebound.Float(v)
		}
		lp.AvgSpeedMPS = 0
		if lp.MovingS > 0 {
			lp.AvgSpeedMPS = lp.DistanceM / lp.MovingS
		}
		laps = append(laps, lp)
	}
	return laps
}

// fromLaps builds an activity from lap totals alone, for a TCX that has laps
// but no trackpoints (a manual entry or a summary export): the file's totals
// are all there is (SummarySource "file"), and there are no streams.
func (a *activity) fromLaps(sp string, now time.Time) (*rebound.Activity, error) {
	out := &rebound.Activity{Sport: sp, SummarySource: rebound.SummaryFromFile}
	found := false
	for i, l := range a.laps {
		if !l.hasStart || !(l.totalTimeS > 0) {
			continue
		}
		// The lap totals get the checks a trackpoint gets.
		chk := rebound.NewPoint(l.start)
		chk.HeartRateBPM, chk.DistanceM = positive(l.maxHR), l.distanceM
		if err := track.CheckPoint(i+1, chk, now); err != nil {
			return nil, rebound.Errorf(rebound.EInvalid, "lap %d: %s", i+1, errMessage(err))
		}
		if !found || l.start.Before(out.StartTime) {
			out.StartTime = l.start
		}
		found = true
		lp := rebound.Lap{Index: i, StartTime: l.start, ElapsedS: l.totalTimeS, MovingS: l.totalTimeS}
		out.ElapsedS += l.totalTimeS
		out.MovingS += l.totalTimeS
		if l.distanceM > 0 {
			lp.DistanceM = l.distanceM
			lp.AvgSpeedMPS = l.distanceM / l.totalTimeS
			out.DistanceM += l.distanceM
		}
		if l.avgHR > 0 {
			lp.AvgHeartRateBPM = rebound.Float(l.avgHR)
		}
		if l.maxHR > 0 {
			lp.MaxHeartRateBPM = rebound.Float(l.maxHR)
		}
		out.Laps = append(out.Laps, lp)
	}
	if !found {
		return nil, rebound.Errorf(rebound.EInvalid, "TCX activity has no track points and no lap with a start time and duration")
	}
	if out.MovingS > 0 {
		out.AvgSpeedMPS = out.DistanceM / out.MovingS
	}
	// Heart rate: the time-weighted mean of the laps' averages, the maximum
	// of their maxima.
	var hrSum, hrTime float64
	for _, lp := range out.Laps {
		if lp.AvgHeartRateBPM != nil {
			hrSum += *lp.AvgHeartRateBPM * lp.MovingS
			hrTime += lp.MovingS
		}
		if lp.MaxHeartRateBPM != nil && (out.MaxHeartRateBPM == nil || *lp.MaxHeartRateBPM > *out.MaxHeartRateBPM) {
			out.MaxHeartRateBPM = rebound.Float(*lp.MaxHeartRateBPM)
		}
	}
	if hrTime > 0 {
		out.AvgHeartRateBPM = rebound.Float(hrSum / hrTime)
	}
	return out, nil
}
