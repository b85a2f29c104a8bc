package fit

import (
	"math"
	"strings"

	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/proto"
)

// listener is the muktihari/fit front end of the accumulator: the decoder
// calls OnMesg for every data message (compressed timestamps resolved,
// components such as compressed_speed_distance and speed → enhanced_speed
// expanded, developer fields parsed and ignored here), and the listener
// copies the kept fields into a values array.
type listener struct {
	acc         *accumulator
	vals        values
	bpm, events [hrMaxBeats]float64
}

// OnMesg implements decoder.MesgListener. mesg and its fields live only
// until OnMesg returns; values copies numbers, and strings are cloned.
func (l *listener) OnMesg(mesg proto.Message) {
	k := kindOf(uint16(mesg.Num))
	if k == kindNone {
		return
	}
	l.vals.reset()
	productName := ""
	var bpm, events []float64
	for i := range mesg.Fields {
		f := &mesg.Fields[i]
		switch {
		case k == kindFileID && f.Num == fieldnum.FileIdProductName:
			productName = strings.Clone(f.Value.String())
			continue
		case k == kindHR && f.Num == fieldnum.HrFilteredBpm:
			bpm = l.bpm[:0]
			for _, x := range f.Value.SliceUint8() {
				bpm = append(bpm, invalidNaN(float64(x), x == 0xFF))
				if len(bpm) == hrMaxBeats {
					break
				}
			}
			continue
		case k == kindHR && f.Num == fieldnum.HrEventTimestamp:
			events = l.events[:0]
			for _, x := range f.Value.SliceUint32() {
				events = append(events, invalidNaN(float64(x)/hrEventScale, x == 0xFFFFFFFF))
				if len(events) == hrMaxBeats {
					break
				}
			}
			continue
		}
		s := slotOf(k, f.Num)
		if s.slot < 0 {
			continue
		}
		if x := stored(f.Value, f.BaseType); !math.IsNaN(x) {
			l.vals[s.slot] = x/s.scale - s.offset
		}
	}
	switch k {
	case kindFileID:
		l.acc.fileID(&l.vals, productName)
	case kindSport:
		l.acc.sport(&l.vals)
	case kindSession:
		l.acc.session(&l.vals)
	case kindLap:
		l.acc.lap(&l.vals)
	case kindRecord:
		l.acc.record(&l.vals)
	case kindActivity:
		l.acc.activity(&l.vals)
	case kindHR:
		l.acc.hr(&l.vals, bpm, events)
	}
}

func invalidNaN(x float64, invalid bool) float64 {
	if invalid {
		return math.NaN()
	}
	return x
}

// stored is a field's stored number, NaN for the base type's invalid
// sentinel (FIT protocol: 0xFF, 0x7FFF, ... mean "no value", never 0) or a
// non-numeric value. Arrays are not kept: none of Rebound's fields is one.
func stored(v proto.Value, bt basetype.BaseType) float64 {
	if !v.Valid(bt) {
		return math.NaN()
	}
	switch v.Type() {
	case proto.TypeInt8:
		return float64(v.Int8())
	case proto.TypeUint8:
		return float64(v.Uint8())
	case proto.TypeInt16:
		return float64(v.Int16())
	case proto.TypeUint16:
		return float64(v.Uint16())
	case proto.TypeInt32:
		return float64(v.Int32())
	case proto.TypeUint32:
		return float64(v.Uint32())
	case proto.TypeInt64:
		return float64(v.Int64())
	case proto.TypeUint64:
		return float64(v.Uint64())
	case proto.TypeFloat32:
		return finite(float64(v.Float32()))
	case proto.TypeFloat64:
		return finite(v.Float64())
	}
	return math.NaN()
}

// finite maps ±Inf to NaN: a float field holding infinity carries no value.
func finite(x float64) float64 {
	if math.IsInf(x, 0) {
		return math.NaN()
	}
	return x
}
