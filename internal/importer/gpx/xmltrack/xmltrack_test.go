package xmltrack

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func TestFloat(t *testing.T) {
	nan := math.NaN()
	tt := []struct {
		in   string
		want float64
	}{
		{"12.5", 12.5},
		{" -5 ", -5},
		{"12,5", 12.5}, // decimal comma
		{"1e3", 1000},
		{"", nan},
		{"undefined", nan},
		{"bad data", nan},
		{"NaN", nan}, // strconv accepts these; a file value never means them
		{"Inf", nan},
		{"1,000.5", nan},
	}
	for _, tc := range tt {
		got := Float(tc.in)
		if !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("Float(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tt := []struct {
		in   string
		want Time
		ok   bool
	}{
		{"2021-01-19T23:30:50.000Z", Time{UTC: utc("2021-01-19T23:30:50Z")}, true},
		// OpenTracks: a +01:15 offset is local time 75 min east of UTC.
		{"2021-01-07T21:51:59.179+01:15", Time{UTC: utc("2021-01-07T20:36:59.179Z"), OffsetS: 4500, Explicit: true}, true},
		// +00:00 says nothing about the local zone.
		{"2021-08-02T18:28:31+00:00", Time{UTC: utc("2021-08-02T18:28:31Z")}, true},
		// GPSBabel writes 7 fractional digits.
		{"2001-12-13T20:45:52.2073437Z", Time{UTC: utc("2001-12-13T20:45:52.2073437Z")}, true},
		{"2024-05-01T06:00:00-0700", Time{UTC: utc("2024-05-01T13:00:00Z"), OffsetS: -25200, Explicit: true}, true},
		{"2024-05-01T06:00:00", Time{UTC: utc("2024-05-01T06:00:00Z")}, true}, // no zone: UTC (GPX 1.1)
		{"2024-05-01 06:00:00z", Time{UTC: utc("2024-05-01T06:00:00Z")}, true},
		{"Aug  6 2007, 20:16:30", Time{}, false},
		{"", Time{}, false},
	}
	for _, tc := range tt {
		got, ok := ParseTime(tc.in)
		if ok != tc.ok || !got.UTC.Equal(tc.want.UTC) || got.OffsetS != tc.want.OffsetS || got.Explicit != tc.want.Explicit {
			t.Errorf("ParseTime(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSport(t *testing.T) {
	tt := []struct{ in, sport, sub string }{
		{"9", rebound.SportRunning, ""}, // Strava codes
		{"1", rebound.SportCycling, ""},
		{"10", rebound.SportWalking, ""},
		{"4", rebound.SportHiking, ""},
		{"37", "", ""}, // a code Rebound does not know
		{"Running", rebound.SportRunning, ""},
		{" trail_running ", rebound.SportRunning, "trail"},
		{"mountain biking", rebound.SportCycling, "mountain"},
		{"unknown", "", ""},
		{"", "", ""},
		{"Kayaking", "kayaking", ""}, // kept, lower-cased
	}
	for _, tc := range tt {
		if s, sub := Sport(tc.in); s != tc.sport || sub != tc.sub {
			t.Errorf("Sport(%q) = %q, %q; want %q, %q", tc.in, s, sub, tc.sport, tc.sub)
		}
	}
}

func TestCharsetReader(t *testing.T) {
	// "Côte €” – ‰": ô = 0xF4 (Latin-1), €, ”, – and ‰ = 0x80, 0x94, 0x96,
	// 0x89 (windows-1252). One byte per Read exercises the buffering.
	in := "C\xf4te \x80\x94 \x96 \x89"
	for _, label := range []string{"ISO-8859-1", "windows-1252", "latin1"} {
		r, err := charsetReader(label, iotest.OneByteReader(strings.NewReader(in)))
		if err != nil {
			t.Fatal(err)
		}
		for _, small := range []bool{false, true} {
			var got []byte
			if small {
				// Two-byte reads force the converted bytes to wait in pending.
				buf := make([]byte, 2)
				for {
					n, err := r.Read(buf)
					got = append(got, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			} else {
				if got, err = io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
			}
			if want := "Côte €” – ‰"; string(got) != want {
				t.Errorf("%s (small reads %v): %q, want %q", label, small, got, want)
			}
			r, _ = charsetReader(label, strings.NewReader(in))
		}
	}
	if _, err := charsetReader("EBCDIC", strings.NewReader("")); err == nil {
		t.Error("EBCDIC accepted")
	}
}

func TestLookup(t *testing.T) {
	// gpxtpx:hr nested two deep, a bare power, and an unreadable cad.
	nodes := []Node{
		{XMLName: xmlName("TrackPointExtension"), Children: []Node{
			{XMLName: xmlName("cad"), Text: "n/a"},
			{XMLName: xmlName("hr"), Text: " 151 "},
		}},
		{XMLName: xmlName("power"), Text: "240"},
	}
	if got := Lookup(nodes, "hr"); got != 151 {
		t.Errorf("hr = %v, want 151", got)
	}
	if got := Lookup(nodes, "watts", "power"); got != 240 {
		t.Errorf("power = %v, want 240", got)
	}
	if got := Lookup(nodes, "cad"); !math.IsNaN(got) {
		t.Errorf("cad = %v, want NaN", got)
	}
}

func TestBuild_Cadence(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	now := t0.Add(time.Hour)
	mk := func(cads ...float64) []Point {
		var pts []Point
		for i, c := range cads {
			p := rebound.NewPoint(t0.Add(time.Duration(i) * time.Second))
			p.CadenceSPM = c
			pts = append(pts, Point{Point: p, Index: i + 1})
		}
		return pts
	}
	tt := []struct {
		name  string
		sport string
		cads  []float64
		want  []float64
	}{
		// Median 85 < 120: strides, doubled (zeros, standing, excluded from
		// the median and staying 0).
		{"run in strides", rebound.SportRunning, []float64{0, 84, 85, 86}, []float64{0, 168, 170, 172}},
		// Median 170: already steps.
		{"run in steps", rebound.SportRunning, []float64{168, 170, 172}, []float64{168, 170, 172}},
		{"ride in rpm", rebound.SportCycling, []float64{84, 85, 86}, []float64{84, 85, 86}},
		{"unknown sport left alone", "", []float64{84, 85, 86}, []float64{84, 85, 86}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Build(mk(tc.cads...), tc.sport, now)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.Activity.Streams.CadenceSPM); diff != "" {
				t.Errorf("cadence (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuild_Distance(t *testing.T) {
	// Four points 0.001° of latitude apart (111.195 m each, 333.585 m in
	// all), one per second, with the recorded distance given per test.
	t0 := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	leg := 6371008.8 * math.Pi / 180 * 1e-3
	mk := func(recorded ...float64) []Point {
		var pts []Point
		for i := range 4 {
			p := rebound.NewPoint(t0.Add(time.Duration(i) * time.Second))
			p.Lat, p.Lon = float64(i)*1e-3, 1
			if recorded != nil {
				p.DistanceM = recorded[i]
			}
			pts = append(pts, Point{Point: p, Index: i + 1})
		}
		return pts
	}
	tt := []struct {
		name     string
		pts      []Point
		want     float64
		rejected bool
	}{
		{"no recorded distance: positions", mk(), 3 * leg, false},
		// 300 m recorded vs 333.6 m of positions: 90 %, plausible, kept.
		{"plausible recorded distance kept", mk(0, 100, 200, 300), 300, false},
		// Recorded totals below half (0) or above twice (800 m) the
		// positions' are not metres: positions win.
		{"recorded zero rejected", mk(0, 0, 0, 0), 3 * leg, true},
		{"recorded too long rejected", mk(0, 300, 500, 800), 3 * leg, true},
		// An odometer that starts at 5 km: the activity covers 300 m.
		{"odometer start subtracted", mk(5000, 5100, 5200, 5300), 300, false},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Build(tc.pts, "", t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if got := b.Activity.DistanceM; math.Abs(got-tc.want) > 1e-6 || b.RecordedDistanceRejected != tc.rejected {
				t.Errorf("distance %v (rejected %v), want %v (%v)", got, b.RecordedDistanceRejected, tc.want, tc.rejected)
			}
		})
	}
}

func xmlName(local string) xml.Name { return xml.Name{Local: local} }
