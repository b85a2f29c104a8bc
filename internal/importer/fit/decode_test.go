package fit

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/kit/hash/crc16"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"

	"rebound"
)

func TestDecodeTenMinuteRun(t *testing.T) {
	acts, err := Decode(bytes.NewReader(tenMinuteRun().encode(t)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 {
		t.Fatalf("got %d activities, want 1", len(acts))
	}
	a := acts[0]
	if a.Streams == nil || a.Streams.Len() != 600 {
		t.Fatalf("streams: got %d samples, want 600 (records 0…599 s)", a.Streams.Len())
	}
	// Every summary value comes from the session message (see tenMinuteRun),
	// except the temperatures, which the session lacks: they are filled from
	// the 20 °C stream. Cadence: 2 × (85 + 64/128) = 171 steps/min. Offset:
	// local_timestamp − timestamp = 2 h.
	want := &rebound.Activity{
		Sport:           rebound.SportRunning,
		StartTime:       fixtureStart,
		UTCOffsetS:      7200,
		OffsetSource:    rebound.OffsetFromFile,
		ElapsedS:        600,
		MovingS:         600,
		DistanceM:       1800,
		AvgHeartRateBPM: rebound.Float(150),
		MaxHeartRateBPM: rebound.Float(179),
		AvgSpeedMPS:     3,
		MaxSpeedMPS:     rebound.Float(3), // streams: 3.0 m/s throughout
		AvgTemperatureC: rebound.Float(20),
		MinTemperatureC: rebound.Float(20),
		MaxTemperatureC: rebound.Float(20),
		AvgCadenceSPM:   rebound.Float(171),
		Calories:        rebound.Float(123),
		Device:          "garmin fenix6",
		SourceFormat:    "fit",
		SummarySource:   rebound.SummaryFromFile,
		Laps: []rebound.Lap{{
			Index: 0, StartTime: fixtureStart, ElapsedS: 600, MovingS: 600, DistanceM: 1800,
			AvgHeartRateBPM: rebound.Float(150),
		}},
	}
	// Ascent/descent/power: no altitude or power in the file, so nil.
	if diff := cmp.Diff(want, a, cmpopts.IgnoreFields(rebound.Activity{}, "Streams")); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
	// Stream sample i is record i: HR 120 + ⌊i/10⌋, distance 3·i m,
	// cadence 171 spm.
	for _, i := range []int{0, 9, 10, 599} {
		s := a.Streams
		if got, want := s.HeartRateBPM[i], float64(120+i/10); got != want {
			t.Errorf("HR[%d] = %v, want %v", i, got, want)
		}
		if got, want := s.DistanceM[i], 3*float64(i); math.Abs(got-want) > 1e-9 {
			t.Errorf("distance[%d] = %v, want %v", i, got, want)
		}
		if got := s.CadenceSPM[i]; got != 171 {
			t.Errorf("cadence[%d] = %v, want 171", i, got)
		}
	}
}

// TestDecodeTruncated cuts the reference run before its lap, session and
// activity messages: the totals come from the streams.
func TestDecodeTruncated(t *testing.T) {
	full := tenMinuteRun().encode(t)
	f := tenMinuteRun()
	f.noTail = true
	prefix := f.encode(t)
	cut := len(prefix) - 2 // the records end where the short file's CRC begins
	if !bytes.Equal(full[14:cut], prefix[14:cut]) {
		t.Fatal("fixture: the file without summary messages is not a prefix of the full one")
	}

	acts, err := Decode(bytes.NewReader(full[:cut]), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 {
		t.Fatalf("got %d activities, want 1", len(acts))
	}
	a := acts[0]
	// From 600 records 1 s apart: elapsed 599 s, distance 3·599 = 1797 m,
	// all moving (3 m/s ≥ 0.5), HR mean of 120+⌊i/10⌋ = 149.5, max 179; no
	// session, so no offset (the importer fills it from the athlete). The
	// sport message says running, so cadence is 2 × 85.5 = 171 steps/min.
	checks := []struct {
		name      string
		got, want float64
	}{
		{"elapsed", a.ElapsedS, 599},
		{"distance", a.DistanceM, 1797},
		{"avg HR", deref(a.AvgHeartRateBPM), 149.5},
		{"max HR", deref(a.MaxHeartRateBPM), 179},
		{"avg cadence", deref(a.AvgCadenceSPM), 171},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if a.SummarySource != rebound.SummaryFromStreams || a.OffsetSource != "" || a.UTCOffsetS != 0 {
		t.Errorf("summary source %q, offset %d %q; want streams, 0, \"\"", a.SummarySource, a.UTCOffsetS, a.OffsetSource)
	}

	// Cut inside the first message: nothing to import.
	_, err = Decode(bytes.NewReader(full[:20]), testNow)
	wantInvalid(t, err, "file is truncated at byte 20")
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// wantInvalid fails unless err is an EInvalid *rebound.Error containing msg.
func wantInvalid(t *testing.T, err error, msg string) {
	t.Helper()
	var re *rebound.Error
	if !errors.As(err, &re) || re.Code != rebound.EInvalid {
		t.Fatalf("error %v (%T), want an EInvalid *rebound.Error", err, err)
	}
	if !strings.Contains(re.Message, msg) {
		t.Fatalf("error %q, want it to contain %q", re.Message, msg)
	}
}

func TestDecodeCRC(t *testing.T) {
	run := tenMinuteRun().encode(t)
	tests := []struct {
		name    string
		data    []byte
		wantErr string // "" = one activity
	}{
		{"encoder output (valid header CRC)", run, ""},
		{"header CRC 0, file CRC over header+data", withZeroHeaderCRC(run), ""},
		{"12-byte header, file CRC over header+data", withShortHeader(run), ""},
		{"bad file CRC", withBadCRC(run), "file checksum mismatch: the file is corrupt"},
		{"bad header CRC", func() []byte { b := bytes.Clone(run); b[12] ^= 1; return b }(), "file header checksum mismatch"},
		{"chained: good then bad", append(bytes.Clone(run), withBadCRC(run)...), ""},
		{"chained: bad then good", append(withBadCRC(run), run...), "file checksum mismatch"},
		{"chained: good then garbage", append(bytes.Clone(run), "garbage"...), ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := Decode(bytes.NewReader(tt.data), testNow)
			if tt.wantErr != "" {
				wantInvalid(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("[%d] %v", i, err)
			}
			if len(acts) != 1 || acts[0].DistanceM != 1800 {
				t.Fatalf("[%d] got %d activities, want the one 1800 m run", i, len(acts))
			}
		})
	}
}

// TestZeroHeaderCRCFixtureIsRejectedByMuktihari shows why Rebound checks the
// CRC itself: muktihari/fit checks the data-only CRC and rejects the file.
func TestZeroHeaderCRCFixtureIsRejectedByMuktihari(t *testing.T) {
	b := withZeroHeaderCRC(tenMinuteRun().encode(t))
	_, err := decoder.New(bytes.NewReader(b)).Decode()
	if !errors.Is(err, decoder.ErrCRCChecksumMismatch) {
		t.Fatalf("muktihari/fit: %v, want a checksum mismatch (if it now accepts, WithIgnoreChecksum may be dropped)", err)
	}
}

// TestCRCTable checks the byte-wise CRC against muktihari/fit's nibble
// implementation of the FIT SDK algorithm.
func TestCRCTable(t *testing.T) {
	data := tenMinuteRun().encode(t)
	h := crc16.New()
	_, _ = h.Write(data)
	if got, want := crcUpdate(0, data), h.Sum16(); got != want {
		t.Fatalf("crc = %#04x, want %#04x", got, want)
	}
	// The FIT header example of muktihari/fit's crc16 test: CRC 12856.
	if got := crcUpdate(0, []byte{14, 32, 84, 8, 214, 204, 9, 0, 46, 70, 73, 84}); got != 12856 {
		t.Fatalf("header crc = %d, want 12856", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	run := tenMinuteRun()
	epoch := run
	epoch.start = fitEpoch // the FIT placeholder date
	future := run
	future.start = testNow.Add(48 * time.Hour)
	recordsAtEpoch := epoch
	recordsAtEpoch.noTail = true
	hr := run
	hr.badHR = map[int]int{42: 251}
	settings := run
	settings.fileType = typedef.FileSettings
	settings.records = 0
	settings.noTail = true
	onlyID := run
	onlyID.records = 0
	onlyID.noTail = true

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "file is empty"},
		{"not FIT", []byte("hello, this is a text file, not a FIT file"), "not a FIT file"},
		{"settings file", settings.encode(t), "not an activity file (FIT file type: settings)"},
		{"only a file_id", onlyID.encode(t), "not an activity file: no sessions and no records"},
		{"placeholder session date", epoch.encode(t), "session 0: start time 1989-12-31T00:00:00Z is before 1990"},
		{"placeholder record dates", recordsAtEpoch.encode(t), "record 0: time 1989-12-31T00:00:00Z is before 1990"},
		{"future", future.encode(t), "is in the future"},
		{"heart rate out of range", hr.encode(t), "record 42: heart rate 251 bpm out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := Decode(bytes.NewReader(tt.data), testNow)
			if acts != nil {
				t.Errorf("got %d activities with the error", len(acts))
			}
			wantInvalid(t, err, tt.want)
		})
	}
}

// TestDecodeMultisportFixture: a run (0–300 s) then a ride (300–600 s) in one
// file give two activities that split the records at 300 s.
func TestDecodeMultisportFixture(t *testing.T) {
	f := tenMinuteRun()
	f.sessions = []fixtureSession{
		{sport: typedef.SportCycling, from: 300, to: 600, avgHR: 165, distanceCm: 90000},
		{sport: typedef.SportRunning, from: 0, to: 300, avgHR: 135, distanceCm: 90000},
	}
	acts, err := Decode(bytes.NewReader(f.encode(t)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Sport    string
		Index    int
		Start    time.Time
		HR       float64
		Samples  int
		Laps     int
		Cadence0 float64
	}
	var got []row
	for _, a := range acts {
		got = append(got, row{a.Sport, a.SessionIndex, a.StartTime, deref(a.AvgHeartRateBPM), a.Streams.Len(), len(a.Laps), a.Streams.CadenceSPM[0]})
	}
	// Sessions come back in start order whatever the message order. The run
	// owns records 0…299 (300 samples; record 300 starts the ride), the ride
	// 300…599; running cadence is doubled (171 steps/min), cycling stays rpm
	// (85.5).
	want := []row{
		{rebound.SportRunning, 0, fixtureStart, 135, 300, 1, 171},
		{rebound.SportCycling, 1, fixtureStart.Add(300 * time.Second), 165, 300, 1, 85.5},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDecodeChainedSettingsThenActivity: a chained file whose first sequence is not an
// activity still imports the activity that follows.
func TestDecodeChainedSettingsThenActivity(t *testing.T) {
	s := mesgdef.NewFileId(nil).SetType(typedef.FileSettings).SetManufacturer(typedef.ManufacturerGarmin).ToMesg(nil)
	var buf bytes.Buffer
	if err := encoder.New(&buf).Encode(&proto.FIT{Messages: []proto.Message{s}}); err != nil {
		t.Fatal(err)
	}
	data := append(buf.Bytes(), tenMinuteRun().encode(t)...)
	acts, err := Decode(bytes.NewReader(data), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].DistanceM != 1800 {
		t.Fatalf("got %d activities, want the 1800 m run", len(acts))
	}
}

// failingReader returns its data, then a read error that is not io.EOF.
type failingReader struct{ data []byte }

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestDecodeReadError: a failing reader is an internal error, not a
// verdict on the file.
func TestDecodeReadError(t *testing.T) {
	run := tenMinuteRun().encode(t)
	_, err := Decode(&failingReader{run[:len(run)/2]}, testNow)
	if err == nil || rebound.ErrorCode(err) != rebound.EInternal || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v (code %q), want the wrapped read error with code internal", err, rebound.ErrorCode(err))
	}
}

// TestDecodeHRMessages: heart rates only in hr messages (16 beats at 1 s,
// the first at start+100.5 s, see fixture.hrMesgs) land in the HR stream at
// 100.5…115.5 s: samples 101…115 interpolate between beats of 150 bpm, the
// last beat also lands on its nearest second, 116 (track.Resample), and
// elsewhere there is none.
func TestDecodeHRMessages(t *testing.T) {
	f := tenMinuteRun()
	f.hrMesgs = true
	acts, err := Decode(bytes.NewReader(f.encode(t)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	hr := acts[0].Streams.HeartRateBPM
	if hr == nil {
		t.Fatal("no heart-rate stream")
	}
	for i, v := range hr {
		want := math.NaN()
		if i >= 101 && i <= 116 {
			want = 150
		}
		if !(v == want || math.IsNaN(v) && math.IsNaN(want)) {
			t.Errorf("HR[%d] = %v, want %v", i, v, want)
		}
	}
}
