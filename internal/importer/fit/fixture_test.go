package fit

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"
)

// Fixtures are FIT files written by the test with muktihari/fit's encoder,
// so these tests run without the corpus.

// fixtureStart is when the fixture run starts.
var fixtureStart = time.Date(2024, 5, 4, 7, 0, 0, 0, time.UTC)

// testNow is the "now" handed to Decode: after every file of the corpus.
var testNow = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

// fixture describes a FIT file to encode.
type fixture struct {
	fileType typedef.File
	start    time.Time
	records  int         // 1 Hz records from start
	badHR    map[int]int // record index → heart rate to write instead
	noTail   bool        // leave out lap, session and activity (as if cut off)
	hrMesgs  bool        // records without heart rate; 150 bpm at 1 s intervals for s 100…115 in two hr messages
	sessions []fixtureSession
}

type fixtureSession struct {
	sport      typedef.Sport
	from, to   int // record offsets in seconds
	avgHR      uint8
	distanceCm uint32
}

// tenMinuteRun is the reference fixture: a 600 s run at a steady 3.0 m/s
// (record i at start+i s, distance 3.0·i m), heart rate 120 + ⌊i/10⌋ bpm
// (120…179, mean 149.5), cadence 85 strides/min + fractional 64/128 (= 171
// steps/min), 20 °C. Its session says 600 s elapsed and timer, 1800 m,
// avg HR 150, max 179, cadence 85 + 64/128, 3.0 m/s; the activity message
// puts local time 2 h ahead of UTC.
func tenMinuteRun() fixture {
	return fixture{
		fileType: typedef.FileActivity,
		start:    fixtureStart,
		records:  600,
		sessions: []fixtureSession{{sport: typedef.SportRunning, from: 0, to: 600, avgHR: 150, distanceCm: 180000}},
	}
}

// encode writes f as FIT bytes: file_id, sport, records, then lap, session and
// activity at the end as most devices write them.
func (f fixture) encode(tb testing.TB) []byte {
	tb.Helper()
	msgs := []proto.Message{
		mesgdef.NewFileId(nil).SetType(f.fileType).SetManufacturer(typedef.ManufacturerGarmin).
			SetProduct(typedef.GarminProductFenix6.Uint16()).SetTimeCreated(f.start).SetSerialNumber(1234).ToMesg(nil),
	}
	if len(f.sessions) > 0 {
		// Garmin watches write the sport message near the start; it names the
		// sport of a file cut before its session.
		msgs = append(msgs, mesgdef.NewSport(nil).SetSport(f.sessions[0].sport).ToMesg(nil))
	}
	for i := 0; i < f.records; i++ {
		hr := uint8(120 + i/10)
		if v, ok := f.badHR[i]; ok {
			hr = uint8(v)
		}
		if f.hrMesgs {
			hr = 0xFF // invalid: no heart rate in the record
		}
		msgs = append(msgs, mesgdef.NewRecord(nil).
			SetTimestamp(f.start.Add(time.Duration(i)*time.Second)).
			SetDistance(uint32(i*300)).
			SetEnhancedSpeed(3000).
			SetHeartRate(hr).
			SetCadence(85).
			SetFractionalCadence(64).
			SetTemperature(20).
			ToMesg(nil))
	}
	if f.hrMesgs {
		// The strap clock runs from an arbitrary origin (here 5000 s). The
		// first message anchors its first beat at start+100.5 s (timestamp
		// start+100 s, fractional_timestamp 16384/32768 = 0.5 s); the second
		// has no timestamp and is placed relative to that anchor.
		beats := func(from int) (ev []uint32, bpm []uint8) {
			for k := 0; k < 8; k++ {
				ev = append(ev, uint32((5000+from+k)*hrEventScale))
				bpm = append(bpm, 150)
			}
			return ev, bpm
		}
		ev, bpm := beats(0)
		msgs = append(msgs, mesgdef.NewHr(nil).SetTimestamp(f.start.Add(100*time.Second)).
			SetFractionalTimestamp(16384).SetEventTimestamp(ev).SetFilteredBpm(bpm).ToMesg(nil))
		ev, bpm = beats(8)
		msgs = append(msgs, mesgdef.NewHr(nil).SetEventTimestamp(ev).SetFilteredBpm(bpm).ToMesg(nil))
	}
	if !f.noTail {
		for _, s := range f.sessions {
			st := f.start.Add(time.Duration(s.from) * time.Second)
			ms := uint32((s.to - s.from) * 1000)
			msgs = append(msgs, mesgdef.NewLap(nil).
				SetTimestamp(f.start.Add(time.Duration(s.to)*time.Second)).SetStartTime(st).
				SetTotalElapsedTime(ms).SetTotalTimerTime(ms).SetTotalDistance(s.distanceCm).
				SetAvgHeartRate(s.avgHR).SetSport(s.sport).ToMesg(nil))
		}
		for _, s := range f.sessions {
			st := f.start.Add(time.Duration(s.from) * time.Second)
			ms := uint32((s.to - s.from) * 1000)
			msgs = append(msgs, mesgdef.NewSession(nil).
				SetTimestamp(f.start.Add(time.Duration(s.to)*time.Second)).SetStartTime(st).
				SetSport(s.sport).SetSubSport(typedef.SubSportGeneric).
				SetTotalElapsedTime(ms).SetTotalTimerTime(ms).SetTotalDistance(s.distanceCm).
				SetAvgHeartRate(s.avgHR).SetMaxHeartRate(179).
				SetAvgCadence(85).SetAvgFractionalCadence(64).
				SetEnhancedAvgSpeed(3000).SetTotalCalories(123).ToMesg(nil))
		}
		end := f.start.Add(time.Duration(f.records) * time.Second)
		msgs = append(msgs, mesgdef.NewActivity(nil).
			SetTimestamp(end).SetLocalTimestamp(end.Add(2*time.Hour)).
			SetNumSessions(uint16(len(f.sessions))).SetType(typedef.ActivityManual).ToMesg(nil))
	}
	var buf bytes.Buffer
	if err := encoder.New(&buf).Encode(&proto.FIT{Messages: msgs}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// withZeroHeaderCRC rewrites a 14-byte-header FIT file the way some Garmin
// Edge units write theirs: header CRC 0 ("not computed") and the file CRC
// over header + data, which differs from the CRC over the data alone.
func withZeroHeaderCRC(b []byte) []byte {
	b = bytes.Clone(b)
	b[12], b[13] = 0, 0
	binary.LittleEndian.PutUint16(b[len(b)-2:], crcUpdate(0, b[:len(b)-2]))
	return b
}

// withShortHeader turns a 14-byte header into the legacy 12-byte one and
// puts the CRC over header + data at the end.
func withShortHeader(b []byte) []byte {
	out := append([]byte{12}, b[1:12]...)
	out = append(out, b[14:len(b)-2]...)
	return binary.LittleEndian.AppendUint16(out, crcUpdate(0, out))
}

// withBadCRC flips the file CRC.
func withBadCRC(b []byte) []byte {
	b = bytes.Clone(b)
	b[len(b)-1] ^= 0xFF
	return b
}
