package fit

import (
	"math"

	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
)

// This file is the one place that says which FIT fields Rebound keeps. A
// feeder (the muktihari listener today, a hand-written framing walker later)
// looks a (message, field number) pair up with slotOf, converts the field's
// stored integer to float64 (NaN for the base type's invalid sentinel) and
// stores stored/scale − offset in that slot. Scales and offsets are those of
// the FIT profile (Profile.xlsx, as generated into muktihari/fit's fieldnum
// package comments).

// kind is a FIT message Rebound reads.
type kind uint8

const (
	kindNone kind = iota
	kindFileID
	kindSport
	kindSession
	kindLap
	kindRecord
	kindActivity
	kindHR
	numKinds
)

// kindOf maps a global FIT message number to the kind Rebound reads.
func kindOf(num uint16) kind {
	switch num {
	case mesgnum.FileId:
		return kindFileID
	case mesgnum.Sport:
		return kindSport
	case mesgnum.Session:
		return kindSession
	case mesgnum.Lap:
		return kindLap
	case mesgnum.Record:
		return kindRecord
	case mesgnum.Activity:
		return kindActivity
	case mesgnum.Hr:
		return kindHR
	}
	return kindNone
}

// Slots of each kind. The values of one message live in a values array
// indexed by these.
const (
	// file_id
	fidType = iota
	fidManufacturer
	fidProduct
	numFileIDSlots
)

const (
	// sport
	spSport = iota
	spSubSport
	numSportSlots
)

const (
	// session and lap share their slot layout; the field numbers differ.
	sumTimestamp = iota
	sumStartTime
	sumSport
	sumSubSport
	sumElapsed
	sumTimer
	sumDistance
	sumCalories
	sumAvgSpeed
	sumMaxSpeed
	sumEnhAvgSpeed
	sumEnhMaxSpeed
	sumAvgHR
	sumMaxHR
	sumAvgCadence
	sumAvgFracCadence
	sumAvgPower
	sumAscent
	sumDescent
	sumAvgTemp
	sumMaxTemp
	sumMinTemp
	numSummarySlots
)

const (
	// record
	recTimestamp = iota
	recLat
	recLon
	recAltitude
	recEnhAltitude
	recHeartRate
	recCadence
	recFracCadence
	recDistance
	recSpeed
	recEnhSpeed
	recPower
	recTemperature
	numRecordSlots
)

const (
	// activity
	actTimestamp = iota
	actLocalTimestamp
	numActivitySlots
)

const (
	// hr (heart-rate strap store-and-forward, scalar fields only; the
	// filtered_bpm and event_timestamp arrays go to hrArrays)
	hrTimestamp = iota
	hrFractionalTimestamp
	numHRSlots
)

// maxSlots is the size of a values array: the largest slot count of any kind.
const maxSlots = numSummarySlots

// values holds the kept fields of one message in FIT units after scale and
// offset (s, m, m/s, semicircles, bpm, rpm, W, °C; times as seconds since the
// FIT epoch); NaN where the message lacks the field or holds the invalid
// sentinel.
type values [maxSlots]float64

func (v *values) reset() {
	for i := range v {
		v[i] = math.NaN()
	}
}

func (v *values) has(s int) bool { return !math.IsNaN(v[s]) }

// spec says where one FIT field goes.
type spec struct {
	slot          int8
	scale, offset float64
}

// The two array fields of hr: beat-to-beat samples, up to 8 per message.
// event_timestamp is seconds ×1024 on the strap's own clock; devices write
// it packed as event_timestamp_12, which muktihari/fit expands (with
// accumulation) into event_timestamp.
const (
	hrEventScale = 1024 // FIT profile: hr.event_timestamp, scale 1024, s
	hrMaxBeats   = 8    // FIT profile: filtered_bpm / event_timestamp arrays, 8 in practice
)

// noSlot marks a field Rebound ignores.
var noSlot = spec{slot: -1}

// slotOf tells where field num of a message of kind k goes. The switch
// compiles to jump tables, so the lookup costs a few nanoseconds per field.
func slotOf(k kind, num byte) spec {
	switch k {
	case kindFileID:
		switch num {
		case fieldnum.FileIdType:
			return spec{fidType, 1, 0}
		case fieldnum.FileIdManufacturer:
			return spec{fidManufacturer, 1, 0}
		case fieldnum.FileIdProduct:
			return spec{fidProduct, 1, 0}
		}
	case kindSport:
		switch num {
		case fieldnum.SportSport:
			return spec{spSport, 1, 0}
		case fieldnum.SportSubSport:
			return spec{spSubSport, 1, 0}
		}
	case kindSession:
		return sessionSlot(num)
	case kindLap:
		return lapSlot(num)
	case kindRecord:
		return recordSlot(num)
	case kindActivity:
		switch num {
		case fieldnum.ActivityTimestamp:
			return spec{actTimestamp, 1, 0}
		case fieldnum.ActivityLocalTimestamp:
			return spec{actLocalTimestamp, 1, 0}
		}
	case kindHR:
		switch num {
		case fieldnum.HrTimestamp:
			return spec{hrTimestamp, 1, 0}
		case fieldnum.HrFractionalTimestamp:
			return spec{hrFractionalTimestamp, 32768, 0}
		}
	}
	return noSlot
}

func sessionSlot(num byte) spec {
	switch num {
	case fieldnum.SessionTimestamp:
		return spec{sumTimestamp, 1, 0}
	case fieldnum.SessionStartTime:
		return spec{sumStartTime, 1, 0}
	case fieldnum.SessionSport:
		return spec{sumSport, 1, 0}
	case fieldnum.SessionSubSport:
		return spec{sumSubSport, 1, 0}
	case fieldnum.SessionTotalElapsedTime:
		return spec{sumElapsed, 1000, 0}
	case fieldnum.SessionTotalTimerTime:
		return spec{sumTimer, 1000, 0}
	case fieldnum.SessionTotalDistance:
		return spec{sumDistance, 100, 0}
	case fieldnum.SessionTotalCalories:
		return spec{sumCalories, 1, 0}
	case fieldnum.SessionAvgSpeed:
		return spec{sumAvgSpeed, 1000, 0}
	case fieldnum.SessionMaxSpeed:
		return spec{sumMaxSpeed, 1000, 0}
	case fieldnum.SessionEnhancedAvgSpeed:
		return spec{sumEnhAvgSpeed, 1000, 0}
	case fieldnum.SessionEnhancedMaxSpeed:
		return spec{sumEnhMaxSpeed, 1000, 0}
	case fieldnum.SessionAvgHeartRate:
		return spec{sumAvgHR, 1, 0}
	case fieldnum.SessionMaxHeartRate:
		return spec{sumMaxHR, 1, 0}
	case fieldnum.SessionAvgCadence:
		return spec{sumAvgCadence, 1, 0}
	case fieldnum.SessionAvgFractionalCadence:
		return spec{sumAvgFracCadence, 128, 0}
	case fieldnum.SessionAvgPower:
		return spec{sumAvgPower, 1, 0}
	case fieldnum.SessionTotalAscent:
		return spec{sumAscent, 1, 0}
	case fieldnum.SessionTotalDescent:
		return spec{sumDescent, 1, 0}
	case fieldnum.SessionAvgTemperature:
		return spec{sumAvgTemp, 1, 0}
	case fieldnum.SessionMaxTemperature:
		return spec{sumMaxTemp, 1, 0}
	case fieldnum.SessionMinTemperature:
		return spec{sumMinTemp, 1, 0}
	}
	return noSlot
}

func lapSlot(num byte) spec {
	switch num {
	case fieldnum.LapTimestamp:
		return spec{sumTimestamp, 1, 0}
	case fieldnum.LapStartTime:
		return spec{sumStartTime, 1, 0}
	case fieldnum.LapSport:
		return spec{sumSport, 1, 0}
	case fieldnum.LapSubSport:
		return spec{sumSubSport, 1, 0}
	case fieldnum.LapTotalElapsedTime:
		return spec{sumElapsed, 1000, 0}
	case fieldnum.LapTotalTimerTime:
		return spec{sumTimer, 1000, 0}
	case fieldnum.LapTotalDistance:
		return spec{sumDistance, 100, 0}
	case fieldnum.LapTotalCalories:
		return spec{sumCalories, 1, 0}
	case fieldnum.LapAvgSpeed:
		return spec{sumAvgSpeed, 1000, 0}
	case fieldnum.LapMaxSpeed:
		return spec{sumMaxSpeed, 1000, 0}
	case fieldnum.LapEnhancedAvgSpeed:
		return spec{sumEnhAvgSpeed, 1000, 0}
	case fieldnum.LapEnhancedMaxSpeed:
		return spec{sumEnhMaxSpeed, 1000, 0}
	case fieldnum.LapAvgHeartRate:
		return spec{sumAvgHR, 1, 0}
	case fieldnum.LapMaxHeartRate:
		return spec{sumMaxHR, 1, 0}
	case fieldnum.LapAvgCadence:
		return spec{sumAvgCadence, 1, 0}
	case fieldnum.LapAvgFractionalCadence:
		return spec{sumAvgFracCadence, 128, 0}
	case fieldnum.LapAvgPower:
		return spec{sumAvgPower, 1, 0}
	case fieldnum.LapTotalAscent:
		return spec{sumAscent, 1, 0}
	case fieldnum.LapTotalDescent:
		return spec{sumDescent, 1, 0}
	case fieldnum.LapAvgTemperature:
		return spec{sumAvgTemp, 1, 0}
	case fieldnum.LapMaxTemperature:
		return spec{sumMaxTemp, 1, 0}
	case fieldnum.LapMinTemperature:
		return spec{sumMinTemp, 1, 0}
	}
	return noSlot
}

func recordSlot(num byte) spec {
	switch num {
	case fieldnum.RecordTimestamp:
		return spec{recTimestamp, 1, 0}
	case fieldnum.RecordPositionLat:
		return spec{recLat, 1, 0}
	case fieldnum.RecordPositionLong:
		return spec{recLon, 1, 0}
	case fieldnum.RecordAltitude:
		return spec{recAltitude, 5, 500}
	case fieldnum.RecordEnhancedAltitude:
		return spec{recEnhAltitude, 5, 500}
	case fieldnum.RecordHeartRate:
		return spec{recHeartRate, 1, 0}
	case fieldnum.RecordCadence:
		return spec{recCadence, 1, 0}
	case fieldnum.RecordFractionalCadence:
		return spec{recFracCadence, 128, 0}
	case fieldnum.RecordDistance:
		return spec{recDistance, 100, 0}
	case fieldnum.RecordSpeed:
		return spec{recSpeed, 1000, 0}
	case fieldnum.RecordEnhancedSpeed:
		return spec{recEnhSpeed, 1000, 0}
	case fieldnum.RecordPower:
		return spec{recPower, 1, 0}
	case fieldnum.RecordTemperature:
		return spec{recTemperature, 1, 0}
	}
	return noSlot
}
