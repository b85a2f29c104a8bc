package gpx

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// stepM is the length of 0.0001° of latitude on the mean-radius sphere:
// 6 371 008.8 m · π/180 · 1e-4 = 11.1195 m. The fixtures walk north along
// the meridian at 0.0001° E (off Null Island, which the decoder drops) in such steps, so distances are exact multiples.
var stepM = 6371008.8 * math.Pi / 180 * 1e-4

var t0 = time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)

// pt is one fixture point: seconds after t0, latitude steps north, and the
// extension XML inside <extensions>.
type pt struct {
	sec   int
	steps int
	ext   string
}

// doc writes a GPX 1.1 document with one track per segment list.
func doc(head, trkMeta string, segs ...[]pt) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(`<gpx version="1.1" creator="StravaGPX" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">` + "\n")
	b.WriteString("<trk>" + trkMeta + "\n")
	for _, seg := range segs {
		b.WriteString("<trkseg>\n")
		for _, p := range seg {
			fmt.Fprintf(&b, `<trkpt lat="%.4f" lon="0.0001"><ele>10</ele><time>%s</time>`, float64(p.steps)*1e-4, t0.Add(time.Duration(p.sec)*time.Second).Format(time.RFC3339))
			if p.ext != "" {
				b.WriteString("<extensions>" + p.ext + "</extensions>")
			}
			b.WriteString("</trkpt>\n")
		}
		b.WriteString("</trkseg>\n")
	}
	b.WriteString("</trk>\n</gpx>\n")
	return b.String()
}

// line walks steps 0..n at one step per second.
func line(n int, ext string) []pt {
	out := make([]pt, n+1)
	for i := range out {
		out[i] = pt{sec: i, steps: i, ext: ext}
	}
	return out
}

// summary is what the fixture tests compare.
type summary struct {
	Sport, SubSport, Name     string
	Start                     time.Time
	OffsetS                   int
	OffsetSource              string
	ElapsedS, DistanceM       float64
	AvgHR, AvgCadence, AvgPow *float64
	Laps                      int
}

func summarize(a *rebound.Activity) summary {
	return summary{a.Sport, a.SubSport, a.Name, a.StartTime, a.UTCOffsetS, a.OffsetSource, a.ElapsedS, a.DistanceM,
		a.AvgHeartRateBPM, a.AvgCadenceSPM, a.AvgPowerW, len(a.Laps)}
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func TestDecode_Fixtures(t *testing.T) {
	hrCad := `<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension><power>250</power>`
	tt := []struct {
		name string
		in   string
		want summary
	}{
		{
			// Strava: ten spaces and a BOM before the declaration, numeric
			// type 9 = run, cadence 85 in strides/min → 170 steps/min, bare
			// <power>. 10 steps in 10 s: 10·stepM.
			name: "strava leading spaces and BOM",
			in:   "          \xef\xbb\xbf" + xmlDecl + strings.TrimPrefix(doc("", "<name>Morning Run</name><type>9</type>", line(10, hrCad)), ""),
			want: summary{Sport: "running", Name: "Morning Run", Start: t0, ElapsedS: 10, DistanceM: 10 * stepM,
				AvgHR: rebound.Float(150), AvgCadence: rebound.Float(170), AvgPow: rebound.Float(250)},
		},
		{
			// Cadence already in steps/min (median ≥ 120) stays as is.
			name: "run cadence already in steps",
			in:   doc(xmlDecl, "<type>running</type>", line(4, `<gpxtpx:TrackPointExtension><gpxtpx:cad>172</gpxtpx:cad></gpxtpx:TrackPointExtension>`)),
			want: summary{Sport: "running", Start: t0, ElapsedS: 4, DistanceM: 4 * stepM, AvgCadence: rebound.Float(172)},
		},
		{
			// A ride's cadence is rpm and is never doubled.
			name: "ride cadence untouched",
			in:   doc(xmlDecl, "<type>1</type>", line(4, `<gpxtpx:TrackPointExtension><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension>`)),
			want: summary{Sport: "cycling", Start: t0, ElapsedS: 4, DistanceM: 4 * stepM, AvgCadence: rebound.Float(85)},
		},
		{
			// Default-namespace TrackPointExtension (no prefix) and trail type.
			name: "extension without prefix",
			in: doc(xmlDecl, "<type>trail running</type>", line(2,
				`<TrackPointExtension xmlns="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"><hr>140</hr><speed>1.1</speed></TrackPointExtension>`)),
			want: summary{Sport: "running", SubSport: "trail", Start: t0, ElapsedS: 2, DistanceM: 2 * stepM, AvgHR: rebound.Float(140)},
		},
		{
			// Two segments: a 60 s pause and a 10-step jump that is not
			// counted. Distance 5 + 5 steps; each segment is a lap.
			name: "segments are pauses",
			in:   doc(xmlDecl, "", line(5, ""), []pt{{65, 15, ""}, {66, 16, ""}, {67, 17, ""}, {68, 18, ""}, {69, 19, ""}, {70, 20, ""}}),
			want: summary{Start: t0, ElapsedS: 70, DistanceM: 10 * stepM, Laps: 2},
		},
		{
			// Times written in local time: UTC start, offset from the file.
			name: "offset in timestamps",
			in: xmlDecl + `<gpx version="1.1"><trk><trkseg>
<trkpt lat="0" lon="0.0001"><time>2024-05-01T08:00:00+02:00</time></trkpt>
<trkpt lat="0.0001" lon="0.0001"><time>2024-05-01T08:00:01+02:00</time></trkpt>
</trkseg></trk></gpx>`,
			want: summary{Start: t0, OffsetS: 7200, OffsetSource: rebound.OffsetFromFile, ElapsedS: 1, DistanceM: stepM},
		},
		{
			// GPX 1.0 without any namespace, name at the root, no zone on
			// the times (UTC), a point in the middle without a time (skipped,
			// its position too: 0 → 2 steps is 2·stepM).
			name: "gpx 1.0 without namespace",
			in: `<gpx version="1.0"><name>Old</name><trk><trkseg>
<trkpt lat="0" lon="0.0001"><time>2024-05-01T06:00:00</time><speed>1</speed></trkpt>
<trkpt lat="0.0005" lon="0.0001"></trkpt>
<trkpt lat="0.0002" lon="0.0001"><time>2024-05-01T06:00:02</time><speed>1</speed></trkpt>
</trkseg></trk></gpx>`,
			want: summary{Name: "Old", Start: t0, ElapsedS: 2, DistanceM: 2 * stepM},
		},
		{
			// Latin-1: ô is byte 0xF4, and windows-1252 byte 0x80 is €.
			name: "latin1 encoding",
			in: `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + `<gpx version="1.0"><trk><name>C` + "\xf4" + `te ` + "\x80" + `</name><trkseg>
<trkpt lat="0" lon="0.0001"><time>2024-05-01T06:00:00Z</time></trkpt>
<trkpt lat="0.0001" lon="0.0001"><time>2024-05-01T06:00:01Z</time></trkpt>
</trkseg></trk></gpx>`,
			want: summary{Name: "Côte €", Start: t0, ElapsedS: 1, DistanceM: stepM},
		},
		{
			// Bogus positions: (0,0) and "undefined" lose their position and
			// the point keeps its heart rate; legacy OpenTracks pause/resume
			// markers (latitude 100/200) split the track into two laps.
			name: "bogus positions and pause markers",
			in: xmlDecl + `<gpx version="1.1" xmlns:gpxtpx="x"><trk><type>unknown</type><trkseg>
<trkpt lat="0" lon="0.0001"><time>2024-05-01T06:00:00Z</time></trkpt>
<trkpt lat="0" lon="0"><time>2024-05-01T06:00:01Z</time><extensions><gpxtpx:hr>100</gpxtpx:hr></extensions></trkpt>
<trkpt lat="undefined" lon="x"><time>2024-05-01T06:00:02Z</time><extensions><gpxtpx:hr>120</gpxtpx:hr></extensions></trkpt>
<trkpt lat="0.0001" lon="0.0001"><time>2024-05-01T06:00:03Z</time></trkpt>
<trkpt lat="100" lon="0"><time>2024-05-01T06:00:04Z</time></trkpt>
<trkpt lat="200" lon="0"><time>2024-05-01T06:00:30Z</time></trkpt>
<trkpt lat="0.0003" lon="0.0001"><time>2024-05-01T06:00:31Z</time></trkpt>
<trkpt lat="0.0004" lon="0.0001"><time>2024-05-01T06:00:32Z</time></trkpt>
</trkseg></trk></gpx>`,
			want: summary{Start: t0, ElapsedS: 32, DistanceM: 2 * stepM, AvgHR: rebound.Float(110), Laps: 2},
		},
	}
	opts := cmpopts.EquateApprox(0, 1e-6)
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			acts, err := Decode(strings.NewReader(tc.in), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) != 1 {
				t.Fatalf("%d activities, want 1", len(acts))
			}
			checkActivity(t, acts[0])
			if diff := cmp.Diff(tc.want, summarize(acts[0]), opts); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecode_Laps(t *testing.T) {
	// Segment 1: 5 steps in 5 s; segment 2: 5 steps in 5 s after a pause.
	in := doc(xmlDecl, "", line(5, `<gpxtpx:TrackPointExtension><gpxtpx:hr>130</gpxtpx:hr></gpxtpx:TrackPointExtension>`),
		[]pt{{65, 15, ""}, {66, 16, ""}, {67, 17, ""}, {68, 18, ""}, {69, 19, ""}, {70, 20, ""}})
	acts, err := Decode(strings.NewReader(in), now)
	if err != nil {
		t.Fatal(err)
	}
	want := []rebound.Lap{
		{Index: 0, StartTime: t0, ElapsedS: 5, MovingS: 5, DistanceM: 5 * stepM, AvgSpeedMPS: stepM, AvgHeartRateBPM: rebound.Float(130), MaxHeartRateBPM: rebound.Float(130)},
		{Index: 1, StartTime: t0.Add(65 * time.Second), ElapsedS: 5, MovingS: 5, DistanceM: 5 * stepM, AvgSpeedMPS: stepM},
	}
	if diff := cmp.Diff(want, acts[0].Laps, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("laps (-want +got):\n%s", diff)
	}
}

func TestDecode_Errors(t *testing.T) {
	tt := []struct{ name, in, want string }{
		{"empty", "", "not a GPX file: no <gpx> element"},
		{"whitespace only", "   \n  ", "not a GPX file: no <gpx> element"},
		{"not gpx", xmlDecl + "<TrainingCenterDatabase/>", "not a GPX file: the document is a <TrainingCenterDatabase>"},
		{"route only", `<gpx><rte><rtept lat="1" lon="2"/></rte></gpx>`, "GPX file has a route but no recorded track"},
		{"waypoints only", `<gpx><wpt lat="1" lon="2"><time>2024-05-01T06:00:00Z</time></wpt></gpx>`, "GPX file has waypoints but no recorded track"},
		{"empty track", `<gpx><trk><trkseg></trkseg></trk></gpx>`, "GPX file has no track points"},
		{"no times", `<gpx><trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1.1" lon="2"/></trkseg></trk></gpx>`,
			"GPX track has no timestamps; Rebound needs times to measure a workout"},
		{"no usable value", `<gpx><trk><trkseg><trkpt lat="x" lon="y"><time>2024-05-01T06:00:00Z</time></trkpt></trkseg></trk></gpx>`,
			"no track point has a readable position or sensor value"},
		{"placeholder date", "<gpx>\n<trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\"><time>1901-12-13T20:45:52.2073437Z</time></trkpt></trkseg></trk></gpx>",
			"line 3: record 1: time 1901-12-13T20:45:52Z is before 1990"},
		{"future date", `<gpx><trk><trkseg><trkpt lat="1" lon="2"><time>2030-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>`,
			"record 1: time 2030-01-01T00:00:00Z is in the future"},
		{"heart rate out of range", "<gpx><trk><trkseg>\n<trkpt lat=\"1\" lon=\"2\"><time>2024-05-01T06:00:00Z</time></trkpt>\n<trkpt lat=\"1\" lon=\"2\"><time>2024-05-01T06:00:01Z</time><extensions><hr>400</hr></extensions></trkpt></trkseg></trk></gpx>",
			"line 3: record 2: heart rate 400 bpm out of range (20–250 bpm)"},
		{"invalid xml", "<gpx>\n<trk>\n<trkseg></trk></gpx>", "not valid XML at line 3: element <trkseg> closed by </trk>"},
		{"truncated", "<gpx>\n<trk><trkseg><trkpt lat=\"1\"", "not valid XML at line 2: unexpected end of file"},
		{"leading newlines keep line numbers", "\n\n<gpx>\n<trk>\n<trkseg></trk></gpx>", "not valid XML at line 5"},
		{"unknown encoding", `<?xml version="1.0" encoding="EBCDIC"?><gpx/>`, `unsupported character encoding "EBCDIC"`},
		{"span too long", `<gpx><trk><trkseg><trkpt lat="1" lon="2"><time>2024-01-01T00:00:00Z</time></trkpt><trkpt lat="1" lon="2"><time>2024-05-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>`,
			"track spans 121.0 days"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			acts, err := Decode(strings.NewReader(tc.in), now)
			if err == nil {
				t.Fatalf("got %d activities, want error %q", len(acts), tc.want)
			}
			if code := rebound.ErrorCode(err); code != rebound.EInvalid {
				t.Errorf("code %q, want %q (%v)", code, rebound.EInvalid, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// failingReader fails after its data: an I/O error is not the file's fault.
type failingReader struct{ data *strings.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	if f.data.Len() == 0 {
		return 0, fmt.Errorf("disk on fire")
	}
	return f.data.Read(p)
}

func TestDecode_ReadErrorIsNotInvalid(t *testing.T) {
	_, err := Decode(failingReader{strings.NewReader("<gpx><trk>")}, now)
	if err == nil || rebound.ErrorCode(err) != rebound.EInternal || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v (code %q), want an internal error wrapping the read failure", err, rebound.ErrorCode(err))
	}
}

// TestDecode_LapsAfterDroppedPoints: a point with a time and nothing else is
// dropped before the laps are made, and must not distort them.
func TestDecode_LapsAfterDroppedPoints(t *testing.T) {
	in := `<gpx><trk><trkseg>
<trkpt lat="x" lon="y"><time>2024-05-01T05:59:00Z</time></trkpt>
<trkpt lat="0.0000" lon="0.0001"><time>2024-05-01T06:00:00Z</time></trkpt>
<trkpt lat="0.0001" lon="0.0001"><time>2024-05-01T06:00:01Z</time></trkpt>
</trkseg><trkseg>
<trkpt lat="0.0005" lon="0.0001"><time>2024-05-01T06:01:00Z</time></trkpt>
<trkpt lat="0.0007" lon="0.0001"><time>2024-05-01T06:01:02Z</time></trkpt>
<trkpt lat="undefined" lon="0"><time>2024-05-01T06:05:00Z</time></trkpt>
</trkseg></trk></gpx>`
	acts, err := Decode(strings.NewReader(in), now)
	if err != nil {
		t.Fatal(err)
	}
	// Start at the first point with data (06:00:00); laps 0–1 s and 60–62 s,
	// 1 and 2 steps; the jump between segments (4 steps) is not counted.
	type lap struct {
		Start     time.Time
		ElapsedS  float64
		DistanceM float64
	}
	want := []lap{{t0, 1, stepM}, {t0.Add(time.Minute), 2, 2 * stepM}}
	var got []lap
	for _, l := range acts[0].Laps {
		got = append(got, lap{l.StartTime, l.ElapsedS, l.DistanceM})
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("laps (-want +got):\n%s", diff)
	}
	if a := acts[0]; !a.StartTime.Equal(t0) || a.ElapsedS != 62 || math.Abs(a.DistanceM-3*stepM) > 1e-6 {
		t.Errorf("start %s elapsed %v distance %v, want %s 62 %v", a.StartTime, a.ElapsedS, a.DistanceM, t0, 3*stepM)
	}
}
