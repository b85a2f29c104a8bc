package demo

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"

	"rebound"
	"rebound/internal/track"
)

// fitEpoch is the FIT time origin, 1989-12-31T00:00:00Z; earlier times
// cannot be written.
var fitEpoch = time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC)

// kcalPerKgKm is the energy cost of running used for total_calories.
// Rebound's modelling choice: about 1 kcal per kg per km, the textbook net
// cost of running, nearly independent of speed (Margaria 1963; not in
// science.md). Only shown, never used for load.
const kcalPerKgKm = 1.0

// EncodeRun writes one run as a FIT activity file the way a Garmin watch
// does: file_id, device_info, sport, a timer start event, 1 Hz records, laps
// as they end, timer stop/start events around pauses, and at the end a
// stop_all event, the last lap, the session and the activity message with
// local_timestamp. Every lap and session total is computed from the records
// exactly as they are stored (after the FIT scaling), so totals recomputed
// from the records agree with the file's own.
func EncodeRun(spec RunSpec) ([]byte, error) {
	b, _, err := encodeRun(spec)
	return b, err
}

func encodeRun(spec RunSpec) ([]byte, *simulation, error) {
	if spec.Start.Before(fitEpoch) || spec.Start.Year() > 2100 {
		return nil, nil, rebound.Errorf(rebound.EInvalid, "run spec: start %s out of range (1990–2100)", spec.Start.Format(time.RFC3339))
	}
	if spec.UTCOffsetS < -14*3600 || spec.UTCOffsetS > 14*3600 {
		return nil, nil, rebound.Errorf(rebound.EInvalid, "run spec: UTC offset %d s out of range (±14 h)", spec.UTCOffsetS)
	}
	sim, err := simulate(&spec)
	if err != nil {
		return nil, nil, err
	}
	out := &memFile{b: make([]byte, 0, len(sim.samples)*34+4096)}
	// Several local message types (as devices use) avoid re-writing a
	// definition each time a lap or event interrupts the records.
	enc, err := encoder.NewStream(out, encoder.WithHeaderOption(encoder.HeaderOptionNormal, 15))
	if err != nil {
		return nil, nil, fmt.Errorf("encode fit: %w", err)
	}
	if err := buildMessages(&spec, sim, enc.WriteMessage); err != nil {
		return nil, nil, fmt.Errorf("encode fit: %w", err)
	}
	if err := enc.SequenceCompleted(); err != nil {
		return nil, nil, fmt.Errorf("encode fit: %w", err)
	}
	return out.b, sim, nil
}

// stats are the totals of a run of samples, a lap or the session.
type stats struct {
	startT, endT     int
	timerS           int
	distRaw          int64
	avgSpeedRaw      int64
	maxSpeedRaw      int64
	avgHR, maxHR     int // -1 = none
	minHR            int
	avgCadRaw        int // 1/128 strides/min
	maxCad           int // strides/min
	ascent, descent  float64
	avgT, maxT, minT int
	hasAlt           bool
}

// summarize computes the totals over samples a..b: the span from sample a's
// time to sample b's, with averages over the records a+1..b (each covers the
// second before it). Averages of heart rate and cadence are over moving
// records, as internal/track and watches compute them.
func summarize(ss []sample, a, b int) stats {
	st := stats{startT: ss[a].t, endT: ss[b].t, timerS: ss[b].timer - ss[a].timer,
		distRaw: ss[b].distRaw - ss[a].distRaw, avgHR: -1, maxHR: -1, minHR: -1}
	if st.timerS > 0 {
		st.avgSpeedRaw = int64(math.Round(float64(st.distRaw) * 10 / float64(st.timerS)))
	}
	from := a + 1
	if a == 0 {
		from = 0 // the session includes the first record
	}
	var hrSum, hrN, cadSum, cadN, tSum, tN int
	st.minT, st.maxT = math.MaxInt, math.MinInt
	for i := from; i <= b; i++ {
		s := &ss[i]
		st.maxSpeedRaw = max(st.maxSpeedRaw, s.speedRaw)
		if s.hr >= 0 {
			st.maxHR = max(st.maxHR, s.hr)
			if st.minHR < 0 || s.hr < st.minHR {
				st.minHR = s.hr
			}
			if s.moving() {
				hrSum += s.hr
				hrN++
			}
		}
		if s.moving() {
			cadSum += s.cadRaw
			cadN++
		}
		st.maxCad = max(st.maxCad, s.cadRaw/128)
		tSum += s.temp
		tN++
		st.minT, st.maxT = min(st.minT, s.temp), max(st.maxT, s.temp)
	}
	if hrN > 0 {
		st.avgHR = int(math.Round(float64(hrSum) / float64(hrN)))
	}
	if cadN > 0 {
		st.avgCadRaw = int(math.Round(float64(cadSum) / float64(cadN)))
	}
	if tN > 0 {
		st.avgT = int(math.Round(float64(tSum) / float64(tN)))
	}
	if ss[a].altRaw >= 0 {
		st.hasAlt = true
		alts := make([]float64, 0, b-a+1)
		for i := a; i <= b; i++ {
			alts = append(alts, ss[i].alt())
		}
		st.ascent, st.descent = elevation(alts)
	}
	return st
}

// elevation sums climbs and drops with internal/track's hysteresis, so the
// file's totals are what Rebound computes from the stream.
func elevation(alt []float64) (up, down float64) {
	ref := math.NaN()
	for _, a := range alt {
		if math.IsNaN(ref) {
			ref = a
			continue
		}
		switch d := a - ref; {
		case d >= track.ElevationHysteresisM:
			up += d
			ref = a
		case d <= -track.ElevationHysteresisM:
			down -= d
			ref = a
		}
	}
	return up, down
}

func clampU8(v int) uint8 { return uint8(max(0, min(254, v))) }

// memFile is an in-memory io.WriteSeeker: the stream encoder needs to seek
// back to finish the header, and then encodes every message only once.
type memFile struct {
	b   []byte
	off int
}

func (f *memFile) Write(p []byte) (int, error) {
	if n := f.off + len(p); n > len(f.b) {
		f.b = append(f.b, make([]byte, n-len(f.b))...)
	}
	copy(f.b[f.off:], p)
	f.off += len(p)
	return len(p), nil
}

func (f *memFile) Seek(offset int64, whence int) (int64, error) {
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = int64(f.off)
	case io.SeekEnd:
		base = int64(len(f.b))
	default:
		return 0, fmt.Errorf("seek: bad whence %d", whence)
	}
	n := base + offset
	if n < 0 || n > int64(len(f.b)) {
		return 0, fmt.Errorf("seek: offset %d out of range", n)
	}
	f.off = int(n)
	return n, nil
}

// buildMessages writes the file's messages in time order.
func buildMessages(spec *RunSpec, sim *simulation, write func(*proto.Message) error) error {
	ss := sim.samples
	start := spec.Start.UTC().Truncate(time.Second)
	at := func(t int) time.Time { return start.Add(time.Duration(t) * time.Second) }
	dev := spec.Device
	if dev.Manufacturer == 0 && dev.Product == 0 {
		dev = Device{Manufacturer: typedef.ManufacturerGarmin, Product: typedef.GarminProductFr965.Uint16(),
			SerialNumber: 3421876509, SoftwareVersion: 22.26}
	}
	sport := spec.Sport
	if sport == typedef.SportGeneric {
		sport = typedef.SportRunning
	}
	name := spec.SportName
	if name == "" {
		switch spec.SubSport {
		case typedef.SubSportTrack:
			name = "Track Run"
		case typedef.SubSportTreadmill:
			name = "Treadmill"
		case typedef.SubSportTrail:
			name = "Trail Run"
		default:
			name = "Run"
		}
	}
	p := spec.Athlete.orDefault()
	end := ss[len(ss)-1].t

	var werr error
	put := func(m proto.Message) {
		if werr == nil {
			werr = write(&m)
		}
	}
	put(mesgdef.NewFileId(nil).SetType(typedef.FileActivity).SetManufacturer(dev.Manufacturer).
		SetProduct(dev.Product).SetSerialNumber(dev.SerialNumber).SetTimeCreated(start).ToMesg(nil))
	put(mesgdef.NewDeviceInfo(nil).SetTimestamp(start).SetDeviceIndex(typedef.DeviceIndexCreator).
		SetManufacturer(dev.Manufacturer).SetProduct(dev.Product).SetSerialNumber(dev.SerialNumber).
		SetSoftwareVersion(uint16(math.Round(dev.SoftwareVersion * 100))).SetSourceType(typedef.SourceTypeLocal).ToMesg(nil))
	put(mesgdef.NewSport(nil).SetSport(sport).SetSubSport(spec.SubSport).SetName(name).ToMesg(nil))
	put(mesgdef.NewEvent(nil).SetTimestamp(start).SetEvent(typedef.EventTimer).
		SetEventType(typedef.EventTypeStart).SetEventGroup(0).ToMesg(nil))

	// Lap boundaries: lap k spans samples bounds[k]..bounds[k+1]. A boundary
	// on the last sample would make an empty lap and is dropped.
	var bounds []int
	var marks []lapMark
	for _, m := range sim.laps {
		if m.at < len(ss)-1 && (len(bounds) == 0 || m.at > bounds[len(bounds)-1]) {
			bounds = append(bounds, m.at)
			marks = append(marks, m)
		}
	}
	bounds = append(bounds, len(ss)-1)
	lapMsg := func(k int) proto.Message {
		a, b := bounds[k], bounds[k+1]
		st := summarize(ss, a, b)
		trig := typedef.LapTriggerSessionEnd
		if k+1 < len(marks) {
			trig = marks[k+1].trigger
		}
		lap := mesgdef.NewLap(nil).SetMessageIndex(typedef.MessageIndex(k)).SetTimestamp(at(st.endT)).
			SetStartTime(at(st.startT)).SetEvent(typedef.EventLap).SetEventType(typedef.EventTypeStop).
			SetSport(sport).SetSubSport(spec.SubSport).SetIntensity(marks[k].intensity).SetLapTrigger(trig).
			SetTotalElapsedTime(uint32((st.endT - st.startT) * 1000)).SetTotalTimerTime(uint32(st.timerS * 1000)).
			SetTotalDistance(uint32(st.distRaw)).
			SetTotalCalories(uint16(math.Round(kcalPerKgKm * p.WeightKg * float64(st.distRaw) / 1e5))).
			SetEnhancedAvgSpeed(uint32(st.avgSpeedRaw)).SetEnhancedMaxSpeed(uint32(st.maxSpeedRaw))
		setCommon(lap, nil, st, ss, a, b)
		return lap.ToMesg(nil)
	}

	tmpl := mesgdef.NewRecord(nil) // all fields invalid
	pause := 0
	lapK := 0
	for i := range ss {
		if ss[i].resume && i > 0 {
			put(mesgdef.NewEvent(nil).SetTimestamp(at(ss[i].t)).SetEvent(typedef.EventTimer).
				SetEventType(typedef.EventTypeStart).SetEventGroup(0).ToMesg(nil))
		}
		put(recordMsg(at, tmpl, &ss[i]))
		if pause < len(sim.pauses) && sim.pauses[pause].after == i {
			put(mesgdef.NewEvent(nil).SetTimestamp(at(ss[i].t)).SetEvent(typedef.EventTimer).
				SetEventType(typedef.EventTypeStop).SetEventGroup(0).ToMesg(nil))
			pause++
		}
		if lapK+1 < len(bounds)-1 && bounds[lapK+1] == i {
			put(lapMsg(lapK))
			lapK++
		}
	}
	put(mesgdef.NewEvent(nil).SetTimestamp(at(end)).SetEvent(typedef.EventTimer).
		SetEventType(typedef.EventTypeStopAll).SetEventGroup(0).ToMesg(nil))
	put(lapMsg(lapK))

	st := summarize(ss, 0, len(ss)-1)
	sess := mesgdef.NewSession(nil).SetMessageIndex(0).SetTimestamp(at(end)).SetStartTime(start).
		SetEvent(typedef.EventSession).SetEventType(typedef.EventTypeStop).SetTrigger(typedef.SessionTriggerActivityEnd).
		SetSport(sport).SetSubSport(spec.SubSport).SetSportProfileName(name).
		SetTotalElapsedTime(uint32(end * 1000)).SetTotalTimerTime(uint32(st.timerS * 1000)).
		SetTotalDistance(uint32(st.distRaw)).
		SetTotalCalories(uint16(math.Round(kcalPerKgKm * p.WeightKg * float64(st.distRaw) / 1e5))).
		SetEnhancedAvgSpeed(uint32(st.avgSpeedRaw)).SetEnhancedMaxSpeed(uint32(st.maxSpeedRaw)).
		SetFirstLapIndex(0).SetNumLaps(uint16(len(bounds) - 1))
	setCommon(nil, sess, st, ss, 0, len(ss)-1)
	put(sess.ToMesg(nil))
	put(mesgdef.NewDeviceInfo(nil).SetTimestamp(at(end)).SetDeviceIndex(typedef.DeviceIndexCreator).
		SetManufacturer(dev.Manufacturer).SetProduct(dev.Product).SetSerialNumber(dev.SerialNumber).
		SetSoftwareVersion(uint16(math.Round(dev.SoftwareVersion * 100))).SetSourceType(typedef.SourceTypeLocal).ToMesg(nil))
	endT := at(end)
	put(mesgdef.NewActivity(nil).SetTimestamp(endT).
		SetLocalTimestamp(endT.Add(time.Duration(spec.UTCOffsetS) * time.Second)).
		SetTotalTimerTime(uint32(st.timerS * 1000)).SetNumSessions(1).SetType(typedef.ActivityManual).
		SetEvent(typedef.EventActivity).SetEventType(typedef.EventTypeStop).ToMesg(nil))
	return werr
}

// setCommon sets the heart-rate, cadence, temperature, elevation and position
// fields shared by lap and session (exactly one of lap, sess is non-nil).
func setCommon(lap *mesgdef.Lap, sess *mesgdef.Session, st stats, ss []sample, a, b int) {
	cad, frac := uint8(st.avgCadRaw/128), uint8(st.avgCadRaw%128)
	first, last := &ss[a], &ss[b]
	if lap != nil {
		if st.avgHR >= 0 {
			lap.SetAvgHeartRate(clampU8(st.avgHR)).SetMaxHeartRate(clampU8(st.maxHR)).SetMinHeartRate(clampU8(st.minHR))
		}
		if st.avgCadRaw > 0 {
			lap.SetAvgCadence(cad).SetAvgFractionalCadence(frac).SetMaxCadence(clampU8(st.maxCad))
		}
		lap.SetAvgTemperature(int8(st.avgT)).SetMaxTemperature(int8(st.maxT)).SetMinTemperature(int8(st.minT))
		if st.hasAlt {
			lap.SetTotalAscent(uint16(math.Round(st.ascent))).SetTotalDescent(uint16(math.Round(st.descent)))
		}
		if first.lat != math.MaxInt32 {
			lap.SetStartPositionLat(first.lat).SetStartPositionLong(first.lon).
				SetEndPositionLat(last.lat).SetEndPositionLong(last.lon)
		}
		return
	}
	if st.avgHR >= 0 {
		sess.SetAvgHeartRate(clampU8(st.avgHR)).SetMaxHeartRate(clampU8(st.maxHR)).SetMinHeartRate(clampU8(st.minHR))
	}
	if st.avgCadRaw > 0 {
		sess.SetAvgCadence(cad).SetAvgFractionalCadence(frac).SetMaxCadence(clampU8(st.maxCad))
	}
	sess.SetAvgTemperature(int8(st.avgT)).SetMaxTemperature(int8(st.maxT)).SetMinTemperature(int8(st.minT))
	if st.hasAlt {
		sess.SetTotalAscent(uint16(math.Round(st.ascent))).SetTotalDescent(uint16(math.Round(st.descent)))
	}
	if first.lat != math.MaxInt32 {
		sess.SetStartPositionLat(first.lat).SetStartPositionLong(first.lon).
			SetEndPositionLat(last.lat).SetEndPositionLong(last.lon)
	}
}

// recordMsg is one 1 Hz record.
func recordMsg(at func(int) time.Time, tmpl *mesgdef.Record, s *sample) proto.Message {
	rec := *tmpl
	r := (&rec).SetTimestamp(at(s.t)).SetDistance(uint32(s.distRaw)).
		SetEnhancedSpeed(uint32(s.speedRaw)).SetTemperature(int8(s.temp))
	if s.lat != math.MaxInt32 {
		r.SetPositionLat(s.lat).SetPositionLong(s.lon)
	}
	if s.altRaw >= 0 {
		r.SetEnhancedAltitude(uint32(s.altRaw))
	}
	if s.hr >= 0 {
		r.SetHeartRate(clampU8(s.hr))
	}
	// Running cadence in FIT is strides (one foot) per minute plus a
	// fractional part in 1/128 (ECOSYSTEM.md §3).
	r.SetCadence(uint8(s.cadRaw / 128)).SetFractionalCadence(uint8(s.cadRaw % 128))
	return r.ToMesg(nil)
}
