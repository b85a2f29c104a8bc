package fitwellness

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"rebound/internal/importer/fit"
	"sort"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"

	"rebound"
)

// MaxBytes caps the input. Rebound's choice: wellness files are kilobytes,
// the longest activity files a few tens of megabytes.
const MaxBytes = 64 << 20

// Thresholds for RR-interval recordings (hrv messages).
const (
	// MaxRestingRecordingS is the longest recording taken as a morning
	// reading. Rebound's choice: a morning HRV reading is one to five
	// minutes lying or sitting still (HRV apps, snapshot recordings);
	// anything longer with RR data is an exercise file.
	MaxRestingRecordingS = 600
	// MinCleanRRS is the least clean RR data for an rMSSD. Rebound's
	// choice, after ultra-short rMSSD over 1 min agreeing with the 5-min
	// standard in athletes (Esco & Flatt 2014, J Sports Sci Med 13:535–541).
	MinCleanRRS = 60
	// MinRRS and MaxRRS bound a plausible beat: 0.3–2.0 s, i.e. 200–30 bpm.
	// Rebound's choice; outside it a beat is a detection error.
	MinRRS = 0.3
	MaxRRS = 2.0
	// MaxRRChange rejects a beat differing from the previous one by more
	// than this share: the "20 % rule" common in HRV software (after Malik
	// et al. 1989, Med Biol Eng Comput 27:603–611), Rebound's choice of
	// filter. It removes ectopic beats and missed or extra detections.
	MaxRRChange = 0.20
	// MaxArtefactShare refuses a recording with more rejected beats than
	// this share. Rebound's choice: beyond it the rMSSD of what is left says
	// more about the strap than the runner.
	MaxArtefactShare = 0.20
	// MaxRestingMeanHRBPM refuses a recording whose mean heart rate is
	// higher. Rebound's choice: 100 bpm, the usual bound of resting
	// tachycardia; above it the runner was not at rest.
	MaxRestingMeanHRBPM = 100
)

// nightGap splits hrv_value runs into nights, and sleep_level runs where
// the runner was awake (or unmeasured) for longer. Rebound's choice: within
// a night 5-minute values are minutes apart, and three hours awake end it.
const nightGap = 3 * time.Hour

// maxErrors stops collecting entry errors after this many (as hrvcsv).
const maxErrors = 500

// EntryError is a reading that was skipped; the others are kept.
type EntryError struct {
	Seq   int    // 1-based FIT sequence in a chained file
	Index int    // 1-based data message in the sequence (a recording's or night's first)
	Mesg  string // FIT message: hrv_status_summary, hrv_value, monitoring_hr_data, hrv, sleep_level
	Msg   string
}

func (e EntryError) Error() string {
	if e.Seq > 1 {
		return fmt.Sprintf("FIT sequence %d, message %d (%s): %s", e.Seq, e.Index, e.Mesg, e.Msg)
	}
	return fmt.Sprintf("message %d (%s): %s", e.Index, e.Mesg, e.Msg)
}

// Found counts the readings found in the file, before validation and before
// several readings of one morning are reduced to one.
type Found struct {
	HRVStatus int // hrv_status_summary last-night rMSSD values
	HRVNights int // nights of hrv_value 5-minute rMSSD values
	RR        int // resting RR recordings
	Exercise  int // RR recordings skipped as exercise or not at rest
	RestingHR int // monitoring_hr_data current-day resting HR values
	Sleep     int // nights of sleep_level stages
}

// Result is what a file yielded.
type Result struct {
	CheckIns []rebound.CheckIn // one per date, oldest first; Source "fit", AthleteID 0 (the caller sets it)
	Errors   []EntryError      // skipped readings
	Warnings []string          // file-level notes: exercise RR skipped, several readings of a morning, ...
	Found    Found
}

// Parse reads one FIT file (chained sequences allowed) and returns the
// check-in values it carries, one rebound.CheckIn per civil date. Dates are
// taken in the device's zone when the file records it, else in loc (UTC when
// nil). latest is the last date a reading may carry — today in the runner's
// zone, e.g. rebound.CivilDate(now.In(loc)); only its calendar date counts,
// and zero means no limit.
//
// The error is an EInvalid *rebound.Error when the file cannot be read at
// all or carries no HRV, resting heart rate or sleep data; bad readings are
// in Result.Errors.
func Parse(r io.Reader, loc *time.Location, latest time.Time) (res *Result, err error) {
	defer func() {
		// muktihari/fit is fuzzed upstream and here, but a runner's file
		// must never crash the CLI: a decoder panic becomes an internal
		// error (as in internal/importer/fit).
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("fitwellness: decoder panic: %v", p)
		}
	}()
	if loc == nil {
		loc = time.UTC
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read FIT file: %w", err)
	}
	switch {
	case len(data) > MaxBytes:
		return nil, rebound.Errorf(rebound.EInvalid, "FIT file larger than %d MB", MaxBytes>>20)
	case len(data) == 0:
		return nil, rebound.Errorf(rebound.EInvalid, "empty file: not a FIT file")
	}
	integrity := fit.CheckSequences(data)
	l := &listener{}
	dec := decoder.New(bytes.NewReader(data), decoder.WithMesgListener(l), decoder.WithBroadcastOnly(),
		decoder.WithNoComponentExpansion(), decoder.WithIgnoreChecksum())

	res = &Result{CheckIns: []rebound.CheckIn{}, Errors: []EntryError{}, Warnings: []string{}}
	var entries []entry
	var fileTypes []typedef.File
	sawWellness := false
	for seq := 1; dec.Next(); seq++ {
		l.reset(seq)
		var reason string
		_, err := dec.Decode()
		switch {
		case errors.Is(err, decoder.ErrNotFITFile):
			reason = "not a FIT file"
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			reason = "truncated (" + err.Error() + ")"
		case err != nil:
			reason = err.Error()
		case seq > len(integrity):
			reason = "truncated" // cannot happen: the decoder read the whole sequence
		case integrity[seq-1] == fit.IntegrityBadHeaderCRC:
			reason = "file header checksum mismatch: the file is corrupt"
		case integrity[seq-1] == fit.IntegrityBadCRC:
			reason = "file checksum mismatch: the file is corrupt"
		}
		if reason == "" {
			es := l.finish(loc, res)
			entries = append(entries, es...)
			fileTypes = append(fileTypes, l.fileType)
			sawWellness = sawWellness || l.wellness()
			continue
		}
		if seq == 1 {
			return nil, rebound.Errorf(rebound.EInvalid, "unreadable FIT file: %s", reason)
		}
		// The earlier sequences were whole: keep them, drop this one.
		if reason == "not a FIT file" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("bytes after FIT sequence %d are not FIT data: ignored", seq-1))
			break
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("FIT sequence %d unreadable (%s): its data was not used", seq, reason))
		break
	}
	if !sawWellness {
		msg := "no HRV, resting heart rate or sleep data in this FIT file"
		for _, ft := range fileTypes {
			if ft == typedef.FileActivity {
				msg += " (it is an activity file: import it with rebound import)"
				break
			}
		}
		return nil, rebound.Errorf(rebound.EInvalid, "%s", msg)
	}
	res.merge(entries, rebound.CivilDate(latest))
	return res, nil
}

// Fields of a check-in an entry fills, and where a value came from, in the
// order of preference for rMSSD (lower wins).
type field int

const (
	fHRV field = iota
	fRHR
	fSleep
)

type source int

const (
	srcRR      source = iota // hrv RR recording: the fixed-posture morning reading
	srcStatus                // hrv_status_summary
	srcNight                 // mean of hrv_value
	srcMonitor               // monitoring_hr_data
	srcSleep                 // sleep_level
)

// entry is one reading, dated, before validation and merging.
type entry struct {
	field field
	src   source
	date  time.Time // civil date, 00:00 UTC
	v     float64   // ms, bpm or s
	seq   int
	idx   int
	mesg  string
}

// merge validates the entries and reduces them to one check-in per date.
func (res *Result) merge(entries []entry, latest time.Time) {
	type slot struct {
		e    *entry
		more int // other readings of this field on this date
	}
	type day struct{ f [3]slot }
	days := map[time.Time]*day{}
	for i := range entries {
		e := &entries[i]
		c := rebound.CheckIn{Date: e.date, Source: rebound.CheckInFIT}
		v := e.v
		switch e.field {
		case fHRV:
			c.HRVRMSSDms = &v
		case fRHR:
			c.RestingHRBPM = &v
		case fSleep:
			c.SleepS = &v
		}
		if err := c.Validate(); err != nil {
			res.addError(e, err.Error())
			continue
		}
		if !latest.IsZero() && e.date.After(latest) {
			res.addError(e, fmt.Sprintf("date %s is in the future", e.date.Format(time.DateOnly)))
			continue
		}
		d := days[e.date]
		if d == nil {
			d = &day{}
			days[e.date] = d
		}
		s := &d.f[e.field]
		if s.e == nil {
			s.e = e
			continue
		}
		s.more++
		if better(e, s.e) {
			s.e = e
		}
	}
	severalHRV, severalSleep := 0, 0
	for date, d := range days {
		c := rebound.CheckIn{Date: date, Source: rebound.CheckInFIT}
		for f, s := range d.f {
			if s.e == nil {
				continue
			}
			v := s.e.v
			switch field(f) {
			case fHRV:
				c.HRVRMSSDms = &v
				if s.more > 0 {
					severalHRV++
				}
			case fRHR:
				c.RestingHRBPM = &v
			case fSleep:
				c.SleepS = &v
				if s.more > 0 {
					severalSleep++
				}
			}
		}
		res.CheckIns = append(res.CheckIns, c)
	}
	sort.Slice(res.CheckIns, func(i, j int) bool { return res.CheckIns[i].Date.Before(res.CheckIns[j].Date) })
	if severalHRV > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d morning(s) with more than one rMSSD reading: kept a resting RR recording over Garmin's overnight average, else the first", severalHRV))
	}
	if severalSleep > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d morning(s) with more than one sleep period ending on it: kept the longest", severalSleep))
	}
}

// better reports whether e should replace the kept reading k of the same
// field and date (see the package doc).
func better(e, k *entry) bool {
	switch e.field {
	case fHRV:
		return e.src < k.src // same source: the first stays
	case fRHR:
		return true // the day's last update
	default:
		return e.v > k.v // the longest night
	}
}

func (res *Result) addError(e *entry, msg string) {
	res.addErr(EntryError{Seq: e.seq, Index: e.idx, Mesg: e.mesg, Msg: msg})
}

func (res *Result) addErr(e EntryError) {
	switch {
	case len(res.Errors) < maxErrors:
		res.Errors = append(res.Errors, e)
	case len(res.Errors) == maxErrors:
		res.Errors = append(res.Errors, EntryError{Seq: e.Seq, Index: e.Index, Mesg: e.Mesg, Msg: fmt.Sprintf("stopped reporting bad readings after %d", maxErrors)})
	}
}

// tsVal is a stamped value of one message.
type tsVal struct {
	idx int
	ts  uint32
	v   uint16
	v2  uint16
}

// listener collects one FIT sequence's messages as the decoder streams them
// (decoder.WithBroadcastOnly: nothing is kept but what is copied here).
type listener struct {
	seq         int
	n           int // data messages seen
	fileType    typedef.File
	timeCreated uint32
	firstTS     uint32 // first and last absolute timestamp of any message
	lastTS      uint32
	offset      int64 // device UTC offset, s, when hasOffset
	hasOffset   bool
	elapsedS    float64       // sessions' total elapsed time
	sport       typedef.Sport // the first session's sport that is exercise, else SportInvalid

	status, nights, rhr, sleep []tsVal

	rr        []uint16 // ms, kept while the recording is short enough to be a reading
	rrIdx     int      // first hrv message
	rrMesgs   int
	rrTotalMs int64 // every valid interval, kept or not
}

func (l *listener) reset(seq int) {
	*l = listener{seq: seq, fileType: typedef.FileInvalid, timeCreated: basetype.Uint32Invalid, sport: typedef.SportInvalid,
		status: l.status[:0], nights: l.nights[:0], rhr: l.rhr[:0], sleep: l.sleep[:0], rr: l.rr[:0]}
}

func (l *listener) wellness() bool {
	return len(l.status)+len(l.nights)+len(l.rhr)+len(l.sleep)+l.rrMesgs > 0
}

// absolute reports whether a FIT date_time is a real instant: below
// 0x10000000 it counts seconds since the device powered on (FIT profile,
// date_time type).
func absolute(ts uint32) bool { return ts >= 0x10000000 && ts != basetype.Uint32Invalid }

// fitEpoch is 1989-12-31T00:00:00Z, the zero of FIT timestamps.
var fitEpoch = time.Unix(631065600, 0).UTC()

func fitTime(ts uint32) time.Time { return fitEpoch.Add(time.Duration(ts) * time.Second) }

func (l *listener) OnMesg(m proto.Message) {
	l.n++
	ts := m.FieldValueByNum(proto.FieldNumTimestamp).Uint32()
	if absolute(ts) {
		if l.firstTS == 0 || ts < l.firstTS {
			l.firstTS = ts
		}
		l.lastTS = max(l.lastTS, ts)
	}
	switch m.Num {
	case mesgnum.FileId:
		if l.fileType == typedef.FileInvalid {
			l.fileType = typedef.File(m.FieldValueByNum(fieldnum.FileIdType).Uint8())
			l.timeCreated = m.FieldValueByNum(fieldnum.FileIdTimeCreated).Uint32()
		}
	case mesgnum.Activity:
		l.setOffset(ts, m.FieldValueByNum(fieldnum.ActivityLocalTimestamp).Uint32())
	case mesgnum.MonitoringInfo:
		l.setOffset(ts, m.FieldValueByNum(fieldnum.MonitoringInfoLocalTimestamp).Uint32())
	case mesgnum.Session:
		if v := m.FieldValueByNum(fieldnum.SessionTotalElapsedTime).Uint32(); v != basetype.Uint32Invalid {
			l.elapsedS += float64(v) / 1000
		}
		sp := typedef.Sport(m.FieldValueByNum(fieldnum.SessionSport).Uint8())
		sub := typedef.SubSport(m.FieldValueByNum(fieldnum.SessionSubSport).Uint8())
		if l.sport == typedef.SportInvalid && exercise(sp, sub) {
			l.sport = sp
		}
	case mesgnum.HrvStatusSummary:
		l.status = append(l.status, tsVal{idx: l.n, ts: ts, v: m.FieldValueByNum(fieldnum.HrvStatusSummaryLastNightAverage).Uint16()})
	case mesgnum.HrvValue:
		l.nights = append(l.nights, tsVal{idx: l.n, ts: ts, v: m.FieldValueByNum(fieldnum.HrvValueValue).Uint16()})
	case mesgnum.MonitoringHrData:
		l.rhr = append(l.rhr, tsVal{idx: l.n, ts: ts,
			v:  uint16(m.FieldValueByNum(fieldnum.MonitoringHrDataCurrentDayRestingHeartRate).Uint8()),
			v2: uint16(m.FieldValueByNum(fieldnum.MonitoringHrDataRestingHeartRate).Uint8())})
	case mesgnum.SleepLevel:
		l.sleep = append(l.sleep, tsVal{idx: l.n, ts: ts, v: uint16(m.FieldValueByNum(fieldnum.SleepLevelSleepLevel).Uint8())})
	case mesgnum.Hrv:
		if l.rrMesgs == 0 {
			l.rrIdx = l.n
		}
		l.rrMesgs++
		for _, v := range m.FieldValueByNum(fieldnum.HrvTime).SliceUint16() {
			if v == basetype.Uint16Invalid {
				continue // unused slot of the 5-wide array, not a beat
			}
			l.rrTotalMs += int64(v)
			// Past the longest reading the file is exercise: count, don't keep.
			if l.rrTotalMs <= MaxRestingRecordingS*1000 {
				l.rr = append(l.rr, v)
			}
		}
	}
}

// exercise reports whether a session's sport is exercise, whose RR data is
// never a morning reading however short. Rebound's choice: only generic
// (or unknown), meditation and breathing sessions can be a resting
// recording.
func exercise(sp typedef.Sport, sub typedef.SubSport) bool {
	switch {
	case sp == typedef.SportGeneric, sp == typedef.SportInvalid, sp == typedef.SportMeditation:
		return false
	case sub == typedef.SubSportBreathing:
		return false
	}
	return true
}

// setOffset records the device's UTC offset from a local_timestamp and the
// timestamp of the same message, rounded to 15 minutes (every zone offset in
// use is a multiple of 15 min) and kept only within ±14 h.
func (l *listener) setOffset(ts, local uint32) {
	if !absolute(ts) || local == basetype.Uint32Invalid || l.hasOffset {
		return
	}
	off := int64(local) - int64(ts)
	off = int64(math.Round(float64(off)/900)) * 900
	if off < -14*3600 || off > 14*3600 {
		return
	}
	l.offset, l.hasOffset = off, true
}

// finish turns the sequence's messages into dated entries; errors of
// undatable or empty readings and warnings go to res.
func (l *listener) finish(loc *time.Location, res *Result) []entry {
	zone := loc
	if l.hasOffset {
		zone = time.FixedZone("FIT local time", int(l.offset))
	}
	day := func(ts uint32) time.Time { return rebound.CivilDate(fitTime(ts).In(zone)) }
	var out []entry
	bad := func(idx int, mesg, msg string) {
		res.addErr(EntryError{Seq: l.seq, Index: idx, Mesg: mesg, Msg: msg})
	}
	undatable := func(ts uint32) string {
		if ts == basetype.Uint32Invalid {
			return "no timestamp"
		}
		return fmt.Sprintf("timestamp %d is seconds since the device powered on, not a date (watch not synced)", ts)
	}

	for _, s := range l.status {
		const mesg = "hrv_status_summary"
		switch {
		case !absolute(s.ts):
			bad(s.idx, mesg, undatable(s.ts))
		case s.v == basetype.Uint16Invalid:
			bad(s.idx, mesg, "no last-night rMSSD")
		default:
			res.Found.HRVStatus++
			out = append(out, entry{fHRV, srcStatus, day(s.ts), float64(s.v) / 128, l.seq, s.idx, mesg})
		}
	}

	gap := func(a, b tsVal) bool { return time.Duration(b.ts-a.ts)*time.Second > nightGap }
	for _, night := range nightsOf(l.nights, func(v tsVal) bool { return v.v != basetype.Uint16Invalid }, gap, "hrv_value", bad, undatable) {
		sum := 0.0
		for _, v := range night {
			sum += float64(v.v) / 128
		}
		res.Found.HRVNights++
		last := night[len(night)-1]
		out = append(out, entry{fHRV, srcNight, day(last.ts), sum / float64(len(night)), l.seq, night[0].idx, "hrv_value"})
	}

	weekly := 0
	for _, s := range l.rhr {
		const mesg = "monitoring_hr_data"
		cur := s.v != uint16(basetype.Uint8Invalid)
		switch {
		case !cur && s.v2 != uint16(basetype.Uint8Invalid):
			weekly++
		case !cur:
			bad(s.idx, mesg, "no resting heart rate")
		case !absolute(s.ts):
			bad(s.idx, mesg, undatable(s.ts))
		default:
			res.Found.RestingHR++
			out = append(out, entry{fRHR, srcMonitor, day(s.ts), float64(s.v), l.seq, s.idx, mesg})
		}
	}
	if weekly > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d monitoring_hr_data message(s) carry only Garmin's 7-day resting heart rate average, not the day's value: not used", weekly))
	}

	isStage := func(v tsVal) bool { return typedef.SleepLevel(v.v) <= typedef.SleepLevelRem }
	// A stage lasts until the next record, so a long gap after a sleep
	// stage is sleep; only a long gap after waking, or one longer than any
	// night (rebound.MaxSleepS), starts a new period.
	wake := func(a, b tsVal) bool {
		d := float64(b.ts - a.ts)
		asleep := typedef.SleepLevel(a.v) >= typedef.SleepLevelLight
		return (!asleep && d > nightGap.Seconds()) || d > rebound.MaxSleepS
	}
	for _, night := range nightsOf(l.sleep, isStage, wake, "sleep_level", bad, undatable) {
		asleep := 0.0
		for i := 0; i+1 < len(night); i++ {
			switch typedef.SleepLevel(night[i].v) {
			case typedef.SleepLevelLight, typedef.SleepLevelDeep, typedef.SleepLevelRem:
				asleep += float64(night[i+1].ts - night[i].ts)
			}
		}
		if asleep == 0 {
			continue // no sleep recorded in this run (awake or unmeasurable only)
		}
		res.Found.Sleep++
		out = append(out, entry{fSleep, srcSleep, day(night[len(night)-1].ts), asleep, l.seq, night[0].idx, "sleep_level"})
	}

	if l.rrMesgs > 0 {
		if e, ok := l.recording(res, day, bad, undatable); ok {
			out = append(out, e)
		}
	}
	return out
}

// nightsOf drops the values keep refuses or that cannot be dated (reported
// through bad), sorts the rest by time and splits them where split says a
// new night starts between two values.
func nightsOf(vs []tsVal, keep func(tsVal) bool, split func(a, b tsVal) bool, mesg string, bad func(int, string, string), undatable func(uint32) string) [][]tsVal {
	var ok []tsVal
	for _, v := range vs {
		switch {
		case !absolute(v.ts):
			bad(v.idx, mesg, undatable(v.ts))
		case keep(v):
			ok = append(ok, v)
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].ts < ok[j].ts })
	var out [][]tsVal
	start := 0
	for i := 1; i <= len(ok); i++ {
		if i == len(ok) || split(ok[i-1], ok[i]) {
			out = append(out, ok[start:i])
			start = i
		}
	}
	return out
}

// recording judges the sequence's RR intervals: a short resting recording
// gives an rMSSD entry; exercise is skipped with a warning.
func (l *listener) recording(res *Result, day func(uint32) time.Time, bad func(int, string, string), undatable func(uint32) string) (entry, bool) {
	const mesg = "hrv"
	span := 0.0
	if l.firstTS != 0 {
		span = float64(l.lastTS - l.firstTS)
	}
	durS := max(float64(l.rrTotalMs)/1000, l.elapsedS, span)
	where := ""
	if l.seq > 1 {
		where = fmt.Sprintf("FIT sequence %d: ", l.seq)
	}
	if l.sport != typedef.SportInvalid {
		res.Found.Exercise++
		res.Warnings = append(res.Warnings, fmt.Sprintf("%sRR intervals from a %s activity skipped: exercise HRV is not a morning reading", where, l.sport))
		return entry{}, false
	}
	if durS > MaxRestingRecordingS {
		res.Found.Exercise++
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s%.0f min of RR intervals from an exercise recording skipped: only a resting recording of at most %d min is a morning HRV reading", where, math.Round(durS/60), MaxRestingRecordingS/60))
		return entry{}, false
	}
	st := RMSSD(l.rr)
	if st.Kept > 0 && st.MeanHRBPM > MaxRestingMeanHRBPM {
		res.Found.Exercise++
		res.Warnings = append(res.Warnings, fmt.Sprintf("%sRR recording with a mean heart rate of %.0f bpm skipped: not at rest (a morning reading is below %d bpm)", where, st.MeanHRBPM, MaxRestingMeanHRBPM))
		return entry{}, false
	}
	ts := l.firstTS
	if ts == 0 {
		ts = l.timeCreated
	}
	switch {
	case st.Beats == 0:
		bad(l.rrIdx, mesg, "no RR intervals")
	case float64(st.Rejected) > MaxArtefactShare*float64(st.Beats):
		bad(l.rrIdx, mesg, fmt.Sprintf("%d of %d beats rejected as artefacts (more than %.0f%%): too noisy for an rMSSD", st.Rejected, st.Beats, MaxArtefactShare*100))
	case st.CleanS < MinCleanRRS || st.Pairs == 0:
		bad(l.rrIdx, mesg, fmt.Sprintf("only %.0f s of clean RR intervals (at least %d s needed)", st.CleanS, MinCleanRRS))
	case !absolute(ts):
		bad(l.rrIdx, mesg, undatable(ts))
	default:
		res.Found.RR++
		return entry{fHRV, srcRR, day(ts), st.RMSSDms, l.seq, l.rrIdx, mesg}, true
	}
	return entry{}, false
}

// RRStats describes an RR recording after artefact rejection.
type RRStats struct {
	Beats     int     // intervals in the recording
	Rejected  int     // intervals rejected as artefacts
	Kept      int     // Beats − Rejected
	Pairs     int     // successive differences used: both beats kept and adjacent in the recording
	CleanS    float64 // sum of the kept intervals
	MeanHRBPM float64 // 60 / mean kept interval (0 when none kept)
	RMSSDms   float64 // √(mean of squared successive differences), ms (0 when no pair)
}

// RMSSD computes rMSSD from RR intervals in ms (FIT hrv.time × 1000). A
// beat is rejected when it lies outside MinRRS–MaxRRS, or differs from the
// last kept beat by more than MaxRRChange of it (the 20 % rule), so an
// ectopic beat and its compensatory pause both go while the next normal
// beat stays. After three such rejections in a row the rhythm itself has
// changed (or the first beat was the artefact), and the newest beat becomes
// the reference — Rebound's choice, so one bad beat cannot reject the rest
// of a recording. Only differences between two kept beats that are adjacent
// in the recording enter the mean: a removed beat never makes a false
// difference.
func RMSSD(rrMs []uint16) RRStats {
	var st RRStats
	st.Beats = len(rrMs)
	ref, run := 0.0, 0 // last kept beat (ms) and rejections against it in a row
	prev, prevKept := 0.0, false
	sumSq, sum := 0.0, 0.0
	for _, v := range rrMs {
		x := float64(v)
		switch {
		case x < MinRRS*1000 || x > MaxRRS*1000:
			st.Rejected++
			prevKept = false
			continue
		case ref > 0 && math.Abs(x-ref) > MaxRRChange*ref:
			st.Rejected++
			prevKept = false
			if run++; run >= 3 {
				ref, run = x, 0
			}
			continue
		}
		ref, run = x, 0
		st.Kept++
		sum += x
		if prevKept {
			d := x - prev
			sumSq += d * d
			st.Pairs++
		}
		prev, prevKept = x, true
	}
	st.CleanS = sum / 1000
	if st.Kept > 0 {
		st.MeanHRBPM = 60000 / (sum / float64(st.Kept))
	}
	if st.Pairs > 0 {
		st.RMSSDms = math.Sqrt(sumSq / float64(st.Pairs))
	}
	return st
}
