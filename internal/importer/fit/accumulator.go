package fit

import (
	"math"
	"time"

	"github.com/muktihari/fit/profile/typedef"

	"rebound"
)

// fitEpoch is the FIT time origin, 1989-12-31T00:00:00Z (FIT protocol,
// "date_time": seconds since UTC 00:00 Dec 31 1989).
var fitEpoch = time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC)

// fitTime converts a FIT date_time (seconds since fitEpoch) to UTC; callers
// check the value exists, NaN gives the epoch itself.
func fitTime(s float64) time.Time {
	if math.IsNaN(s) {
		return fitEpoch
	}
	return fitEpoch.Add(time.Duration(s) * time.Second)
}

// fitEpochUnix is fitEpoch in Unix seconds.
const fitEpochUnix = 631065600

// recordTime is fitTime for the timestamps of records, which are whole
// seconds from a uint32 (0 ≤ s < 2³²): the same time.Time, to the bit,
// without time.Time.Add's general path (TestRecordTime).
func recordTime(s float64) time.Time {
	if s >= 0 && s < 1<<32 {
		return time.Unix(fitEpochUnix+int64(s), 0).UTC()
	}
	return fitTime(s)
}

// semicircleDeg converts FIT semicircles to degrees: 2³¹ semicircles = 180°.
const semicircleDeg = 180.0 / (1 << 31)

// accumulator is what Rebound keeps of a FIT file, fed one message at a time
// by a decoder front end. It copies everything it keeps, so the message
// buffers may be reused as soon as a method returns.
type accumulator struct {
	// Current FIT sequence of a chained file.
	seqType  int  // file_id.type of the current sequence, -1 before its file_id
	seqAlive bool // the current sequence is kept (activity, or no file_id at all)

	activitySeen bool   // some sequence declared itself an activity file
	otherType    string // FIT type name of the first non-activity sequence

	device   string
	points   []rebound.Point // cadence still in FIT rpm here; build converts by sport
	sessions []values
	laps     []values
	sports   []values

	// unordered: points may be out of time order, so build must check
	// them. addRecord sets it when a record's timestamp is below the
	// previous one's (lastTS), mergeHR when it adds points, rollback
	// always; while it is false the points are in time order.
	unordered bool
	lastTS    float64 // FIT timestamp of the last point addRecord added

	offsetS   int
	hasOffset bool

	hrs      []hrSample // from hr messages; build merges them where records lack HR
	hrAnchor struct {
		ts, event float64 // at FIT time ts (s) the strap clock read event (s)
		ok        bool
	}
}

// hrSample is one heart rate from an hr message.
type hrSample struct {
	t   float64 // FIT time, s (fractional)
	bpm float64
}

func newAccumulator() *accumulator {
	return &accumulator{seqType: -1, seqAlive: true}
}

// startSequence is called before each FIT sequence of a chained file.
func (a *accumulator) startSequence() {
	a.seqType, a.seqAlive = -1, true
}

// mark is a rollback point: the state before a FIT sequence.
type mark struct {
	points, sessions, laps, sports, hrs int
	activitySeen, hasOffset             bool
	offsetS                             int
	device, otherType                   string
}

func (a *accumulator) mark() mark {
	return mark{len(a.points), len(a.sessions), len(a.laps), len(a.sports), len(a.hrs),
		a.activitySeen, a.hasOffset, a.offsetS, a.device, a.otherType}
}

// rollback forgets everything kept since m (a corrupt FIT sequence).
func (a *accumulator) rollback(m mark) {
	a.points, a.sessions, a.laps, a.sports = a.points[:m.points], a.sessions[:m.sessions], a.laps[:m.laps], a.sports[:m.sports]
	a.hrs = a.hrs[:m.hrs]
	a.activitySeen, a.hasOffset, a.offsetS, a.device, a.otherType = m.activitySeen, m.hasOffset, m.offsetS, m.device, m.otherType
	a.unordered = true // lastTS may be past the last point kept: check
}

// fileID handles file_id: it says what the sequence is. productName is the
// optional free-form device name (file_id.product_name).
func (a *accumulator) fileID(v *values, productName string) {
	if a.seqType >= 0 {
		return // only the first file_id of a sequence counts (FIT protocol: file_id comes first)
	}
	a.seqType = int(typedef.FileActivity) // no type: assume activity, the only file with records
	if v.has(fidType) {
		a.seqType = int(v[fidType])
	}
	if a.seqType != int(typedef.FileActivity) {
		a.seqAlive = false
		if a.otherType == "" {
			a.otherType = fileTypeName(a.seqType)
		}
		return
	}
	a.activitySeen = true
	if a.device == "" {
		a.device = deviceName(v, productName)
	}
}

func (a *accumulator) sport(v *values) {
	if a.seqAlive {
		a.sports = append(a.sports, *v)
	}
}

func (a *accumulator) session(v *values) {
	if a.seqAlive {
		a.sessions = append(a.sessions, *v)
	}
}

func (a *accumulator) lap(v *values) {
	if a.seqAlive {
		a.laps = append(a.laps, *v)
	}
}

// activity handles the activity message: local_timestamp − timestamp is the
// local UTC offset (FIT profile, activity.local_timestamp), rounded to the
// 15 min granularity of real time zones.
func (a *accumulator) activity(v *values) {
	if !a.seqAlive || a.hasOffset || !v.has(actTimestamp) || !v.has(actLocalTimestamp) {
		return
	}
	d := v[actLocalTimestamp] - v[actTimestamp]
	off := math.Round(d/900) * 900
	if math.Abs(off) > 14*3600 { // UTC−12…UTC+14 are the real extremes; anything else is a bad clock
		return
	}
	a.offsetS, a.hasOffset = int(off), true
}

// record handles one record message. Records without a timestamp cannot be
// placed on the time line and are dropped.
func (a *accumulator) record(v *values) {
	a.addRecord((*[numRecordSlots]float64)(v[:numRecordSlots]))
}

// addRecord is record for the record slots alone (the fast path keeps no
// values array for records). It writes the point in place at the end of
// a.points rather than building it and copying it there.
func (a *accumulator) addRecord(v *[numRecordSlots]float64) {
	if !a.seqAlive || math.IsNaN(v[recTimestamp]) {
		return
	}
	// recordTime is non-decreasing in the timestamp over [0, 2³²), which
	// FIT's uint32 timestamps never leave, so timestamps in order are
	// points in time order.
	if ts := v[recTimestamp]; ts < a.lastTS || ts >= 1<<32 {
		a.unordered = true
	} else {
		a.lastTS = ts
	}
	n := len(a.points)
	if n == cap(a.points) {
		a.points = append(a.points, rebound.Point{})
	} else {
		a.points = a.points[:n+1]
	}
	p := &a.points[n]
	p.Time = recordTime(v[recTimestamp])
	p.Lat, p.Lon = math.NaN(), math.NaN()
	if lat, lon := v[recLat], v[recLon]; !math.IsNaN(lat) && !math.IsNaN(lon) {
		p.Lat, p.Lon = lat*semicircleDeg, lon*semicircleDeg
	}
	p.AltitudeM = first2(v[recEnhAltitude], v[recAltitude])
	p.SpeedMPS = first2(v[recEnhSpeed], v[recSpeed])
	p.DistanceM = v[recDistance]
	p.HeartRateBPM = v[recHeartRate]
	if p.HeartRateBPM == 0 {
		// Devices write 0 bpm, not the invalid sentinel, while a strap or
		// optical sensor has no contact (corpus: fitparse nick.fit,
		// null_compressed_speed_dist.fit, tormoder 0134902991.fit). It is no
		// reading; keeping it would fail track.CheckPoint and drag averages.
		p.HeartRateBPM = math.NaN()
	}
	p.PowerW = v[recPower]
	p.TemperatureC = v[recTemperature]
	p.CadenceSPM = math.NaN()
	if c := v[recCadence]; !math.IsNaN(c) {
		if f := v[recFracCadence]; !math.IsNaN(f) {
			c += f
		}
		p.CadenceSPM = c
	}
}

// first2 is first(x, y) without the variadic slice: x unless it is NaN,
// else y if it is not, else NaN.
func first2(x, y float64) float64 {
	if !math.IsNaN(x) {
		return x
	}
	if !math.IsNaN(y) {
		return y
	}
	return math.NaN()
}

// first returns the first value that is not NaN (NaN when none is).
func first(vs ...float64) float64 {
	for _, x := range vs {
		if !math.IsNaN(x) {
			return x
		}
	}
	return math.NaN()
}

// hr handles an hr message: heart rates a chest strap stored while the
// watch could not receive them (swimming) and sent afterwards. bpm and
// events (strap clock, s) are parallel arrays. The FIT SDK's
// HrToRecordMesgBroadcastPlugin places them: a message with a timestamp
// anchors its first event time stamp at timestamp + fractional_timestamp,
// and every event is placed relative to the latest anchor.
func (a *accumulator) hr(v *values, bpm, events []float64) {
	if !a.seqAlive || len(events) == 0 {
		return
	}
	if v.has(hrTimestamp) && !math.IsNaN(events[0]) {
		a.hrAnchor.ts = v[hrTimestamp] + zero(v[hrFractionalTimestamp])
		a.hrAnchor.event, a.hrAnchor.ok = events[0], true
	}
	if !a.hrAnchor.ok {
		return
	}
	for i := range min(len(bpm), len(events)) {
		if math.IsNaN(bpm[i]) || bpm[i] == 0 || math.IsNaN(events[i]) {
			continue
		}
		a.hrs = append(a.hrs, hrSample{a.hrAnchor.ts + events[i] - a.hrAnchor.event, bpm[i]})
	}
}
