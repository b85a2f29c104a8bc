package fitwellness

import (
	"bytes"
	"encoding/binary"
	"github.com/muktihari/fit/kit/hash/crc16"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/muktihari/fit/encoder"
	"github.com/muktihari/fit/kit/datetime"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/proto"

	"rebound"
	"rebound/internal/testcorpus"
)

// cet is the runner's zone in most tests: 23:30 UTC is already tomorrow.
var cet = time.FixedZone("CET", 3600)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}
func f(x float64) *float64 { return &x }

// ci is a FIT check-in with rMSSD ms, resting HR bpm and sleep h (nil when < 0).
func ci(t time.Time, rmssd, rhr, sleepH float64) rebound.CheckIn {
	c := rebound.CheckIn{Date: t, Source: rebound.CheckInFIT}
	if rmssd >= 0 {
		c.HRVRMSSDms = f(rmssd)
	}
	if rhr >= 0 {
		c.RestingHRBPM = f(rhr)
	}
	if sleepH >= 0 {
		c.SleepS = f(sleepH * 3600)
	}
	return c
}

// encode writes each message list as one FIT sequence, chained.
func encode(tb testing.TB, seqs ...[]proto.Message) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := encoder.New(&buf)
	for _, ms := range seqs {
		if err := enc.Encode(&proto.FIT{Messages: ms}); err != nil {
			tb.Fatal(err)
		}
	}
	return buf.Bytes()
}

func fileID(ft typedef.File, created time.Time) proto.Message {
	m := mesgdef.NewFileId(nil).SetType(ft).SetManufacturer(typedef.ManufacturerGarmin)
	if !created.IsZero() {
		m.SetTimeCreated(created)
	}
	return m.ToMesg(nil)
}

func status(ts time.Time, rmssd128 uint16) proto.Message {
	return mesgdef.NewHrvStatusSummary(nil).SetTimestamp(ts).SetLastNightAverage(rmssd128).ToMesg(nil)
}

func hrvValue(ts time.Time, v128 uint16) proto.Message {
	return mesgdef.NewHrvValue(nil).SetTimestamp(ts).SetValue(v128).ToMesg(nil)
}

// rhr is a monitoring_hr_data message; 0xFF leaves a field out.
func rhr(ts time.Time, current, weekly uint8) proto.Message {
	return mesgdef.NewMonitoringHrData(nil).SetTimestamp(ts).SetCurrentDayRestingHeartRate(current).SetRestingHeartRate(weekly).ToMesg(nil)
}

func sleep(ts time.Time, l typedef.SleepLevel) proto.Message {
	return mesgdef.NewSleepLevel(nil).SetTimestamp(ts).SetSleepLevel(l).ToMesg(nil)
}

func monitoringInfo(ts time.Time, offset time.Duration) proto.Message {
	return mesgdef.NewMonitoringInfo(nil).SetTimestamp(ts).SetLocalTimestamp(ts.Add(offset)).ToMesg(nil)
}

func activity(ts time.Time, offset time.Duration) proto.Message {
	return mesgdef.NewActivity(nil).SetTimestamp(ts).SetLocalTimestamp(ts.Add(offset)).ToMesg(nil)
}

func session(start time.Time, sport typedef.Sport, elapsedS uint32) proto.Message {
	return mesgdef.NewSession(nil).SetTimestamp(start.Add(time.Duration(elapsedS) * time.Second)).SetStartTime(start).
		SetSport(sport).SetSubSport(typedef.SubSportGeneric).SetTotalElapsedTime(elapsedS * 1000).ToMesg(nil)
}

func record(ts time.Time, hr uint8) proto.Message {
	return mesgdef.NewRecord(nil).SetTimestamp(ts).SetHeartRate(hr).ToMesg(nil)
}

// hrvMesgs packs RR intervals (ms) five to a message, as Garmin does,
// padding the last with the invalid value 0xFFFF.
func hrvMesgs(rr []uint16) []proto.Message {
	var out []proto.Message
	for i := 0; i < len(rr); i += 5 {
		chunk := make([]uint16, 5)
		for k := range chunk {
			chunk[k] = 0xFFFF
			if i+k < len(rr) {
				chunk[k] = rr[i+k]
			}
		}
		out = append(out, mesgdef.NewHrv(nil).SetTime(chunk).ToMesg(nil))
	}
	return out
}

// alternating returns n beats alternating a, b ms: every successive
// difference is |a−b|, so rMSSD is exactly |a−b| ms.
func alternating(n int, a, b uint16) []uint16 {
	rr := make([]uint16, n)
	for i := range rr {
		rr[i] = a
		if i%2 == 1 {
			rr[i] = b
		}
	}
	return rr
}

// rrFile is an RR recording: file_id created at `created`, then the beats.
func rrFile(created time.Time, rr []uint16, extra ...proto.Message) []proto.Message {
	ms := append([]proto.Message{fileID(typedef.FileActivity, created)}, extra...)
	return append(ms, hrvMesgs(rr)...)
}

// withArtefact is 290 alternating 1000/1050 ms beats (297 s) with a
// 1500 ms beat after beat 100: rejected by the 20 % rule (50 % above the
// 1000 ms before it); the 1050 after it is kept (5 % from 1000) but has
// no kept neighbour before it, so no false difference enters. Every used
// difference is 50 ms: rMSSD = 50 ms exactly.
func withArtefact() []uint16 {
	rr := alternating(290, 1000, 1050)
	return append(rr[:101:101], append([]uint16{1500}, rr[101:]...)...)
}

// Fixtures shared by TestParse and FuzzParse.
var (
	// Two nights of Garmin HRV Status, and a third stamped 23:30 UTC = 00:30 CET.
	// 68.5 ms × 128 = 8768, 60 × 128 = 7680, 55 × 128 = 7040.
	fixStatus = [][]proto.Message{{
		fileID(typedef.FileMonitoringB, utc(2026, 11, 3, 6, 0)),
		status(utc(2026, 11, 2, 5, 30), 8768),
		status(utc(2026, 11, 3, 4, 45), 7680),
		status(utc(2026, 11, 3, 23, 30), 7040),
	}}
	// Three daily logs stamped at the device's local midnight (UTC+1:
	// 23:00 UTC the day before), a midday update of day 3 (52 → 50 bpm,
	// the last value of a day wins).
	fixMonitoring = [][]proto.Message{{
		fileID(typedef.FileMonitoringB, utc(2026, 11, 4, 12, 0)),
		monitoringInfo(utc(2026, 10, 31, 23, 0), time.Hour),
		rhr(utc(2026, 10, 31, 23, 0), 48, 49),
		rhr(utc(2026, 11, 1, 23, 0), 47, 48),
		rhr(utc(2026, 11, 2, 23, 0), 52, 49),
		rhr(utc(2026, 11, 3, 12, 0), 50, 49),
	}}
	// A 5-minute morning recording with one artefact, created 06:10 UTC.
	fixRR = [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), withArtefact())}
	// 15 minutes of RR with no session: too long to be a resting reading.
	fixLongRR = [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(900, 1000, 1000))}
	// A night: light 22:30–00:00, deep –01:30, REM –02:00, awake –02:10,
	// light –05:40 (3.5 h without a record: still the same night, the
	// runner was asleep), awake (end) = 1.5 + 1.5 + 0.5 + 3.5 = 7 h,
	// ending 06:40 CET.
	fixSleep = [][]proto.Message{{
		fileID(typedef.FileInvalid, time.Time{}),
		sleep(utc(2026, 11, 1, 22, 30), typedef.SleepLevelLight),
		sleep(utc(2026, 11, 2, 0, 0), typedef.SleepLevelDeep),
		sleep(utc(2026, 11, 2, 1, 30), typedef.SleepLevelRem),
		sleep(utc(2026, 11, 2, 2, 0), typedef.SleepLevelAwake),
		sleep(utc(2026, 11, 2, 2, 10), typedef.SleepLevelLight),
		sleep(utc(2026, 11, 2, 5, 40), typedef.SleepLevelAwake),
	}}
	// A run: file_id activity, session, records, no RR and no wellness data.
	fixActivity = [][]proto.Message{{
		fileID(typedef.FileActivity, utc(2026, 11, 5, 7, 0)),
		record(utc(2026, 11, 5, 7, 0), 120),
		record(utc(2026, 11, 5, 7, 1), 140),
		session(utc(2026, 11, 5, 7, 0), typedef.SportRunning, 60),
		activity(utc(2026, 11, 5, 7, 1), time.Hour),
	}}
)

func TestParse(t *testing.T) {
	tt := []struct {
		name     string
		seqs     [][]proto.Message
		loc      *time.Location
		latest   time.Time
		want     []rebound.CheckIn
		found    Found
		errs     []string // substrings, one per entry error, in order
		warnings []string // substrings, one per warning
	}{
		{
			// The 23:30 UTC summary belongs to the CET morning of 4 November.
			name:  "hrv status, nights dated in the runner's zone",
			seqs:  fixStatus,
			loc:   cet,
			want:  []rebound.CheckIn{ci(date(2026, 11, 2), 68.5, -1, -1), ci(date(2026, 11, 3), 60, -1, -1), ci(date(2026, 11, 4), 55, -1, -1)},
			found: Found{HRVStatus: 3},
		},
		{
			// The activity message says the device was at UTC+2 (local =
			// timestamp + 2 h): 22:30 UTC is 00:30 on 2 November there,
			// although loc is UTC.
			name: "device offset from activity.local_timestamp decides the date",
			seqs: [][]proto.Message{{
				fileID(typedef.FileMonitoringB, time.Time{}),
				status(utc(2026, 11, 1, 22, 30), 64*128),
				activity(utc(2026, 11, 1, 22, 30), 2*time.Hour),
			}},
			loc:   time.UTC,
			want:  []rebound.CheckIn{ci(date(2026, 11, 2), 64, -1, -1)},
			found: Found{HRVStatus: 1},
		},
		{
			// monitoring_info's +1 h offset puts 23:00 UTC on the next
			// day even with loc = UTC; 47 and 48 stay, day 3 keeps its
			// last value 50; the 7-day averages (field 0) are never used.
			name: "monitoring resting HR, three days",
			seqs: fixMonitoring,
			loc:  time.UTC,
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), -1, 48, -1), ci(date(2026, 11, 2), -1, 47, -1), ci(date(2026, 11, 3), -1, 50, -1),
			},
			found: Found{RestingHR: 4},
		},
		{
			name: "monitoring with only Garmin's 7-day average",
			seqs: [][]proto.Message{{
				fileID(typedef.FileMonitoringB, time.Time{}),
				rhr(utc(2026, 11, 1, 23, 0), 0xFF, 49),
				rhr(utc(2026, 11, 2, 23, 0), 0xFF, 0xFF),
			}},
			loc:      cet,
			errs:     []string{"message 3 (monitoring_hr_data): no resting heart rate"},
			warnings: []string{"1 monitoring_hr_data message(s) carry only Garmin's 7-day"},
		},
		{
			// See withArtefact: rMSSD 50 ms exactly; 06:10 UTC = 07:10 CET.
			name:  "5-minute RR recording with an artefact",
			seqs:  fixRR,
			loc:   cet,
			want:  []rebound.CheckIn{ci(date(2026, 11, 5), 50, -1, -1)},
			found: Found{RR: 1},
		},
		{
			name:     "15 minutes of RR is exercise, skipped",
			seqs:     fixLongRR,
			loc:      cet,
			found:    Found{Exercise: 1},
			warnings: []string{"15 min of RR intervals from an exercise recording skipped"},
		},
		{
			// Short, but a running session: never a morning reading.
			name:     "RR from a short run is skipped",
			seqs:     [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(290, 1000, 1050), session(utc(2026, 11, 5, 6, 10), typedef.SportRunning, 300))},
			loc:      cet,
			found:    Found{Exercise: 1},
			warnings: []string{"RR intervals from a running activity skipped"},
		},
		{
			// 500/520 ms beats: mean 510 ms = 117.6 bpm.
			name:     "RR at 118 bpm is not at rest",
			seqs:     [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(580, 500, 520))},
			loc:      cet,
			found:    Found{Exercise: 1},
			warnings: []string{"mean heart rate of 118 bpm skipped: not at rest"},
		},
		{
			// 1000/600 alternate: every 600 is 40 % off the kept 1000, half
			// the beats go (145 of 290 > 20 %).
			name: "noisy RR recording refused",
			seqs: [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(290, 1000, 600))},
			loc:  cet,
			errs: []string{"message 2 (hrv): 145 of 290 beats rejected as artefacts"},
		},
		{
			// A meditation session is rest: its recording counts (5 min).
			name:  "RR in a meditation session is a reading",
			seqs:  [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(290, 1000, 1040), session(utc(2026, 11, 5, 6, 10), typedef.SportMeditation, 300))},
			loc:   cet,
			want:  []rebound.CheckIn{ci(date(2026, 11, 5), 40, -1, -1)},
			found: Found{RR: 1},
		},
		{
			// Errors in a later sequence of a chained file name it.
			name:  "error in the second sequence",
			seqs:  [][]proto.Message{fixStatus[0], {fileID(typedef.FileMonitoringB, time.Time{}), status(utc(2026, 11, 6, 5, 0), 400*128)}},
			loc:   cet,
			want:  []rebound.CheckIn{ci(date(2026, 11, 2), 68.5, -1, -1), ci(date(2026, 11, 3), 60, -1, -1), ci(date(2026, 11, 4), 55, -1, -1)},
			found: Found{HRVStatus: 4},
			errs:  []string{"FIT sequence 2, message 2 (hrv_status_summary): rMSSD 400 ms out of range (5–300)"},
		},
		{
			name: "30 s of RR is too short",
			seqs: [][]proto.Message{rrFile(utc(2026, 11, 5, 6, 10), alternating(30, 1000, 1000))},
			loc:  cet,
			errs: []string{"only 30 s of clean RR intervals (at least 60 s needed)"},
		},
		{
			// The night of fixSleep (7 h), then a 40-min nap ending the
			// same day, 7 h 20 min later (a separate period): the
			// longest is kept.
			name: "sleep stages, nap on the same day",
			seqs: [][]proto.Message{append(append([]proto.Message{}, fixSleep[0]...),
				sleep(utc(2026, 11, 2, 13, 0), typedef.SleepLevelLight),
				sleep(utc(2026, 11, 2, 13, 40), typedef.SleepLevelAwake))},
			loc:      cet,
			want:     []rebound.CheckIn{ci(date(2026, 11, 2), -1, -1, 7)},
			found:    Found{Sleep: 2},
			warnings: []string{"1 morning(s) with more than one sleep period"},
		},
		{
			// 40, 50, 60 ms (× 128) average 50 on 1 Nov; on 2 Nov the
			// summary (62 ms) beats the 5-minute values (30 ms).
			name: "hrv_value nights averaged when no summary",
			seqs: [][]proto.Message{{
				fileID(typedef.FileInvalid, time.Time{}),
				hrvValue(utc(2026, 11, 1, 0, 0), 40*128),
				hrvValue(utc(2026, 11, 1, 0, 5), 50*128),
				hrvValue(utc(2026, 11, 1, 0, 10), 60*128),
				hrvValue(utc(2026, 11, 2, 0, 0), 30*128),
				status(utc(2026, 11, 2, 5, 0), 62*128),
			}},
			loc:      cet,
			want:     []rebound.CheckIn{ci(date(2026, 11, 1), 50, -1, -1), ci(date(2026, 11, 2), 62, -1, -1)},
			found:    Found{HRVStatus: 1, HRVNights: 2},
			warnings: []string{"1 morning(s) with more than one rMSSD reading"},
		},
		{
			// 400 ms is out of range, 130 bpm too; a relative timestamp
			// (1000 s after power-on) cannot be dated; 9 Nov is after
			// latest (8 Nov). 2 Nov's 66 ms and resting HR 45 stay.
			name: "bad readings are errors, the rest kept",
			seqs: [][]proto.Message{{
				fileID(typedef.FileMonitoringB, time.Time{}),
				status(utc(2026, 11, 1, 5, 0), 400*128),
				status(utc(2026, 11, 2, 5, 0), 66*128),
				status(datetime.Epoch().Add(1000*time.Second), 66*128),
				status(utc(2026, 11, 9, 5, 0), 66*128),
				rhr(utc(2026, 11, 2, 5, 0), 45, 0xFF),
				rhr(utc(2026, 11, 3, 5, 0), 130, 0xFF),
			}},
			loc:    cet,
			latest: date(2026, 11, 8),
			want:   []rebound.CheckIn{ci(date(2026, 11, 2), 66, 45, -1)},
			found:  Found{HRVStatus: 3, RestingHR: 2},
			errs: []string{
				"message 4 (hrv_status_summary): timestamp 1000 is seconds since the device powered on",
				"message 2 (hrv_status_summary): rMSSD 400 ms out of range (5–300)",
				"message 5 (hrv_status_summary): date 2026-11-09 is in the future",
				"message 7 (monitoring_hr_data): resting HR 130 bpm out of range (25–120)",
			},
		},
		{
			// Sequence 1: HRV status; 2: an RR recording the same morning
			// (preferred); 3: monitoring. One check-in per date.
			name:     "chained sequences merged per date",
			seqs:     [][]proto.Message{fixStatus[0], rrFile(utc(2026, 11, 3, 6, 0), withArtefact()), fixMonitoring[0]},
			loc:      cet,
			want:     []rebound.CheckIn{ci(date(2026, 11, 1), -1, 48, -1), ci(date(2026, 11, 2), 68.5, 47, -1), ci(date(2026, 11, 3), 50, 50, -1), ci(date(2026, 11, 4), 55, -1, -1)},
			found:    Found{HRVStatus: 3, RR: 1, RestingHR: 4},
			warnings: []string{"1 morning(s) with more than one rMSSD reading: kept a resting RR recording"},
		},
	}
	for i, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(encode(t, tc.seqs...)), tc.loc, tc.latest)
			if err != nil {
				t.Fatalf("[%d] %v", i, err)
			}
			want := tc.want
			if want == nil {
				want = []rebound.CheckIn{}
			}
			if d := cmp.Diff(want, res.CheckIns); d != "" {
				t.Errorf("check-ins (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.found, res.Found); d != "" {
				t.Errorf("found (-want +got):\n%s", d)
			}
			matchAll(t, "error", tc.errs, errStrings(res.Errors))
			matchAll(t, "warning", tc.warnings, res.Warnings)
			for _, c := range res.CheckIns {
				if err := c.Validate(); err != nil {
					t.Errorf("kept an invalid check-in: %v", err)
				}
			}
		})
	}
}

func errStrings(es []EntryError) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

// matchAll checks that got has one entry per want, each containing it.
func matchAll(t *testing.T, what string, want, got []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%ss: got %q, want %d matching %q", what, got, len(want), want)
		return
	}
	for k := range want {
		if !strings.Contains(got[k], want[k]) {
			t.Errorf("%s %d = %q, want it to contain %q", what, k, got[k], want[k])
		}
	}
}

func TestParse_Invalid(t *testing.T) {
	good := encode(t, fixStatus...)
	flipped := append([]byte{}, good...)
	flipped[len(flipped)-5] ^= 0x40 // a data byte: the CRC no longer matches
	tt := []struct {
		name string
		data []byte
		want string // the whole message
	}{
		{"activity file", encode(t, fixActivity...), "no HRV, resting heart rate or sleep data in this FIT file (it is an activity file: import it with rebound import)"},
		{"settings file", encode(t, []proto.Message{fileID(typedef.FileSettings, time.Time{})}), "no HRV, resting heart rate or sleep data in this FIT file"},
		{"empty", nil, "empty file: not a FIT file"},
		{"not FIT", []byte("date,rmssd\n2026-11-01,68\n"), "unreadable FIT file: not a FIT file"},
		{"truncated", good[:len(good)-20], "unreadable FIT file: truncated"},
		{"checksum", flipped, "unreadable FIT file: file checksum mismatch: the file is corrupt"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(tc.data), cet, time.Time{})
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Fatalf("got %v, %v; want EInvalid", res, err)
			}
			if got := err.Error(); !strings.HasPrefix(got, tc.want) {
				t.Errorf("error %q, want %q", got, tc.want)
			}
		})
	}
}

// A bad second sequence is dropped with a warning; the first is kept.
func TestParse_CorruptSecondSequence(t *testing.T) {
	first := encode(t, fixStatus...)
	second := encode(t, fixMonitoring...)
	second[len(second)-5] ^= 0x40
	res, err := Parse(bytes.NewReader(append(first, second...)), cet, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CheckIns) != 3 || res.Found.RestingHR != 0 {
		t.Errorf("check-ins %v, found %+v; want the 3 HRV nights only", res.CheckIns, res.Found)
	}
	matchAll(t, "warning", []string{"FIT sequence 2 unreadable (file checksum mismatch"}, res.Warnings)
}

// Bytes after the last sequence that are not FIT (padding, a cut copy)
// are ignored with a warning.
func TestParse_TrailingBytes(t *testing.T) {
	data := append(encode(t, fixStatus...), "garbage after the file"...)
	res, err := Parse(bytes.NewReader(data), cet, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CheckIns) != 3 {
		t.Errorf("got %d check-ins, want 3", len(res.CheckIns))
	}
	matchAll(t, "warning", []string{"bytes after FIT sequence 1 are not FIT data: ignored"}, res.Warnings)
}

// Most real files have a 12-byte header and the protocol's CRC over header
// and data, which muktihari/fit's own check refuses: Parse accepts it.
func TestParse_TwelveByteHeader(t *testing.T) {
	data := encode(t, fixStatus...)
	if data[0] != 14 {
		t.Fatalf("encoder header size %d, want 14", data[0])
	}
	size := int(binary.LittleEndian.Uint32(data[4:8]))
	twelve := append([]byte{12}, data[1:12]...)
	twelve = append(twelve, data[14:14+size]...)
	twelve = binary.LittleEndian.AppendUint16(twelve, crc(twelve))
	res, err := Parse(bytes.NewReader(twelve), cet, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CheckIns) != 3 {
		t.Errorf("got %d check-ins, want 3", len(res.CheckIns))
	}
}

func TestRMSSD(t *testing.T) {
	tt := []struct {
		name string
		rr   []uint16
		want RRStats
	}{
		{
			// Differences 20, −30, 20 ms: √((400 + 900 + 400) / 3) = √(1700/3).
			name: "closed form",
			rr:   []uint16{800, 820, 790, 810},
			want: RRStats{Beats: 4, Kept: 4, Pairs: 3, CleanS: 3.22, MeanHRBPM: 60000 / 805.0, RMSSDms: 23.804761428476166},
		},
		{
			// 2500 ms is out of range; the 1000 after it is kept without
			// a difference across the gap; three 50 ms differences remain.
			name: "out-of-range beat",
			rr:   []uint16{1000, 1050, 1000, 2500, 1000, 1050},
			want: RRStats{Beats: 6, Rejected: 1, Kept: 5, Pairs: 3, CleanS: 5.1, MeanHRBPM: 60000 / 1020.0, RMSSDms: 50},
		},
		{
			// An ectopic 700 and its compensatory 1300 (30 % off the kept
			// 1000) go; the pairs are the two 1000–1000 ones: rMSSD 0.
			name: "ectopic beat and pause",
			rr:   []uint16{1000, 1000, 700, 1300, 1000, 1000},
			want: RRStats{Beats: 6, Rejected: 2, Kept: 4, Pairs: 2, CleanS: 4, MeanHRBPM: 60, RMSSDms: 0},
		},
		{
			// The first beat is the artefact: 1000, 1000, 1000 are each
			// 67 % off 600; after three the reference moves to 1000 and
			// the last two stay (600 is kept: nothing came before it).
			// One pair, 1000–1000 → rMSSD 0.
			name: "first beat artefact",
			rr:   []uint16{600, 1000, 1000, 1000, 1000, 1000},
			want: RRStats{Beats: 6, Rejected: 3, Kept: 3, Pairs: 1, CleanS: 2.6, MeanHRBPM: 60000 / (2600.0 / 3), RMSSDms: 0},
		},
		{name: "empty", rr: nil, want: RRStats{}},
	}
	for i, tc := range tt {
		got := RMSSD(tc.rr)
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })); d != "" {
			t.Errorf("[%d] %s (-want +got):\n%s", i, tc.name, d)
		}
	}
}

// The corpus' indoor ride (Garmin Edge 530 with RR data) is exercise HRV:
// skipped with a warning, never a morning value.
func TestParse_CorpusExerciseHRV(t *testing.T) {
	p := filepath.Join(testcorpus.Require(t), "fit", "fitparse-rs__hrv-activity.fit")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("corpus file absent (%v): skipping", err)
	}
	res, err := Parse(bytes.NewReader(data), cet, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CheckIns) != 0 || len(res.Errors) != 0 || res.Found != (Found{Exercise: 1}) {
		t.Errorf("got %+v, want no check-ins and one skipped exercise recording", res)
	}
	matchAll(t, "warning", []string{"RR intervals from a cycling activity skipped"}, res.Warnings)
}

func FuzzParse(f *testing.F) {
	for _, seqs := range [][][]proto.Message{fixStatus, fixMonitoring, fixRR, fixLongRR, fixSleep, fixActivity} {
		f.Add(encode(f, seqs...))
	}
	f.Add(encode(f, fixStatus[0], fixRR[0], fixMonitoring[0]))
	f.Add([]byte{})
	if data, err := os.ReadFile(filepath.Join(testcorpus.Dir(), "fit", "fitparse-rs__hrv-activity.fit")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Most mutations break the CRC and stop at the integrity check:
		// also parse the input with its checksums repaired, so they reach
		// the messages.
		checkParse(t, data)
		checkParse(t, fixCRCs(data))
	})
}

// fixCRCs returns a copy of data with each whole sequence's header and file
// CRC recomputed (see fit.CheckSequences).
func fixCRCs(data []byte) []byte {
	out := append([]byte{}, data...)
	for b := out; len(b) >= 14; {
		hs := int(b[0])
		if (hs != 12 && hs != 14) || string(b[8:12]) != ".FIT" {
			break
		}
		size := int(binary.LittleEndian.Uint32(b[4:8]))
		if size < 0 || len(b)-hs-2 < size {
			break
		}
		if hs == 14 {
			binary.LittleEndian.PutUint16(b[12:], crc(b[:12]))
		}
		binary.LittleEndian.PutUint16(b[hs+size:], crc(b[:hs+size]))
		b = b[hs+size+2:]
	}
	return out
}

// checkParse asserts Parse's properties on any input.
func checkParse(t *testing.T, data []byte) {
	res, err := Parse(bytes.NewReader(data), cet, date(2030, 1, 1))
	if err != nil {
		if rebound.ErrorCode(err) != rebound.EInvalid {
			t.Fatalf("file error not invalid: %v", err)
		}
		return
	}
	var last time.Time
	for k, c := range res.CheckIns {
		if err := c.Validate(); err != nil {
			t.Fatalf("kept an invalid check-in %+v: %v", c, err)
		}
		if c.Source != rebound.CheckInFIT || c.AthleteID != 0 || (c.HRVRMSSDms == nil && c.RestingHRBPM == nil && c.SleepS == nil) {
			t.Fatalf("check-in %+v", c)
		}
		if c.Date.After(date(2030, 1, 1)) {
			t.Fatalf("check-in after latest: %v", c.Date)
		}
		if k > 0 && !c.Date.After(last) {
			t.Fatalf("dates not strictly ascending: %v after %v", c.Date, last)
		}
		last = c.Date
	}
	for _, e := range res.Errors {
		if e.Seq < 1 || e.Index < 1 || e.Mesg == "" || e.Msg == "" {
			t.Fatalf("entry error %+v", e)
		}
	}
	if len(res.Errors) > maxErrors+1 {
		t.Fatalf("%d entry errors", len(res.Errors))
	}
}

// crc is the FIT CRC-16 by muktihari/fit's implementation, independent of
// the one under test.
func crc(b []byte) uint16 {
	h := crc16.New()
	_, _ = h.Write(b)
	return h.Sum16()
}
