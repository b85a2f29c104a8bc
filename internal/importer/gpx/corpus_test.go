package gpx

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/testcorpus"
)

// now is the clock for every test: after the newest corpus file.
var now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// corpusFiles lists the corpus GPX files, plain and gzip-compressed.
func corpusFiles(tb testing.TB) []string {
	c := testcorpus.Require(tb)
	plain, _ := filepath.Glob(filepath.Join(c, "gpx", "*.gpx"))
	gz, _ := filepath.Glob(filepath.Join(c, "gz", "*.gpx.gz"))
	files := append(plain, gz...)
	sort.Strings(files)
	return files
}

// readCorpus returns a corpus file's bytes, gunzipped when it ends in .gz.
func readCorpus(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			tb.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			tb.Fatal(err)
		}
	}
	return b
}

func decodeFile(tb testing.TB, name string) ([]*rebound.Activity, error) {
	tb.Helper()
	c := testcorpus.Require(tb)
	return Decode(bytes.NewReader(readCorpus(tb, filepath.Join(c, name))), now)
}

func describe(a *rebound.Activity) string {
	f := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%.0f", *p)
	}
	return fmt.Sprintf("sport=%q start=%s off=%d/%q elapsed=%.0fs moving=%.0fs dist=%.0fm hr=%s cad=%s laps=%d n=%d",
		a.Sport, a.StartTime.Format(time.RFC3339), a.UTCOffsetS, a.OffsetSource, a.ElapsedS, a.MovingS, a.DistanceM,
		f(a.AvgHeartRateBPM), f(a.AvgCadenceSPM), len(a.Laps), a.Streams.Len())
}

// checkActivity asserts what holds for every decoded activity.
func checkActivity(tb testing.TB, a *rebound.Activity) {
	tb.Helper()
	for name, v := range map[string]float64{"elapsed": a.ElapsedS, "moving": a.MovingS, "distance": a.DistanceM, "avg speed": a.AvgSpeedMPS} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			tb.Errorf("%s = %v, want finite and ≥ 0", name, v)
		}
	}
	if a.MovingS > a.ElapsedS+1e-9 {
		tb.Errorf("moving %v s > elapsed %v s", a.MovingS, a.ElapsedS)
	}
	if a.SummarySource != rebound.SummaryFromStreams || a.SourceFormat != "gpx" {
		tb.Errorf("SummarySource %q SourceFormat %q", a.SummarySource, a.SourceFormat)
	}
	if a.StartTime.Location() != time.UTC {
		tb.Errorf("start %v not UTC", a.StartTime)
	}
}

// wantInvalid lists the corpus files Rebound rejects, with the reason (a
// substring of the message). Every other file must give an activity.
var wantInvalid = map[string]string{
	"geoactivity__Berlin_0.9km.gpx":          "GPX track has no timestamps",
	"gpxpy__track-with-extremes.gpx":         "GPX track has no timestamps",
	"togeojson__garmin_extensions.gpx":       "GPX track has no timestamps",
	"togeojson__north_core.gpx":              "GPX track has no timestamps",
	"gpxgo__gpx-without-root-attributes.gpx": "is before 1990",
	"gpxgo__gpx-without-xml-declaration.gpx": "is before 1990",
	"gpxpy__Mojstrovka.gpx":                  "line 12: record 1: time 1901-12-13T20:45:52Z is before 1990",
	"gpxpy__route.gpx":                       "GPX file has a route but no recorded track",
	"gpxgo__iso8859-1encoded.gpx":            "GPX file has waypoints but no recorded track", // read through the Latin-1 decoder
	"gpxpy__unicode_with_bom.gpx":            "GPX file has waypoints but no recorded track", // read past the BOM
	"gpxpy__unicode_with_bom_noencoding.gpx": "GPX file has waypoints but no recorded track",
	"togeojson__wpt.gpx":                     "GPX file has waypoints but no recorded track",
	"togeojson__empty_trk.gpx":               "GPX file has no track points",
	"togeojson__bad.gpx":                     "no track point has a readable position or sensor value",
	// Points from May to October 2001 in one track (ExpertGPS).
	"togeojson__blue_hills.gpx": "track spans 140.3 days",
}

func TestDecode_Corpus(t *testing.T) {
	outcomes := map[string][]string{}
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			acts, err := Decode(bytes.NewReader(readCorpus(t, path)), now)
			want, invalid := wantInvalid[name]
			if err != nil {
				if code := rebound.ErrorCode(err); code != rebound.EInvalid {
					t.Fatalf("error code %q, want %q: %v", code, rebound.EInvalid, err)
				}
				if !invalid || !strings.Contains(err.Error(), want) {
					t.Errorf("error %q, want %q", err, want)
				}
				outcomes["invalid"] = append(outcomes["invalid"], name+": "+err.Error())
				return
			}
			if invalid {
				t.Errorf("got an activity, want an error containing %q", want)
			}
			if len(acts) != 1 {
				t.Fatalf("%d activities, want 1", len(acts))
			}
			checkActivity(t, acts[0])
			outcomes["activity"] = append(outcomes["activity"], name+": "+describe(acts[0]))
		})
	}
	for _, k := range []string{"activity", "invalid"} {
		t.Logf("%s (%d):", k, len(outcomes[k]))
		for _, o := range outcomes[k] {
			t.Logf("  %s", o)
		}
	}
}

func TestDecode_CorpusFiles(t *testing.T) {
	ptr := func(v float64) *float64 { return &v }
	tt := []struct {
		file                     string
		sport, name              string
		start                    time.Time
		offsetS                  int
		offsetSource             string
		minCadence, maxCadence   float64 // average steps/min (0, 0: no cadence)
		maxHR                    *float64
		minDistanceM, maxDistanM float64
	}{
		{
			// Garmin Fenix 6 run: <type>running</type>, first <time>
			// 2021-01-19T23:30:50.000Z; ns3:cad median 91 strides/min →
			// about 182 steps/min; the highest ns3:hr is 189 (the same as the
			// TCX of that run's MaximumHeartRateBpm). Distance: about
			// 5.1 km, the TCX lap says 5124.84 m.
			file: "gpx/msimms__20210119_run_garmin_fenix6_sapphire.gpx", sport: "running", name: "01/19/2021 Hell n Blazes Run Club",
			start: time.Date(2021, 1, 19, 23, 30, 50, 0, time.UTC), minCadence: 176, maxCadence: 188, maxHR: ptr(189),
			minDistanceM: 5100, maxDistanM: 5160,
		},
		{
			// One point at 2021-01-07T21:51:59.179+01:15 → 20:36:59.179 UTC,
			// offset 75 min = 4500 s from the file.
			file: "gpx/opentracks__gpx_timezone.gpx", name: "2021-01-07 22:51",
			start: time.Date(2021, 1, 7, 20, 36, 59, 179e6, time.UTC), offsetS: 4500, offsetSource: rebound.OffsetFromFile,
		},
		{
			// Cycling: gpxtpx:cad is rpm and stays below 120.
			file: "gpx/msimms__20190602_bike_garmin_fenix_3_hr.gpx", sport: "cycling", name: "06/02/2019 Pineapple Man: Bike \U0001F34D",
			start: time.Date(2019, 6, 2, 11, 20, 13, 0, time.UTC), minCadence: 60, maxCadence: 100, maxHR: nil,
			minDistanceM: 24000, maxDistanM: 25500,
		},
		{
			// UTF-8 BOM, no GPX namespace, no creator: parses.
			file: "gpx/saf__broken1.gpx", name: "Vse kar bi lahk slo narobe je slo narobe", start: time.Date(2018, 6, 26, 9, 6, 55, 0, time.UTC),
			minDistanceM: 26000, maxDistanM: 28000,
		},
		{
			// Some points have no <time>: they are skipped, the rest is read.
			// The track's own name, not the first waypoint's ("001").
			file: "gpx/gpxpy__korita-zbevnica.gpx", sport: "jkljkl", name: "03-OCT-10",
			start: time.Date(2010, 10, 3, 9, 36, 30, 0, time.UTC), minDistanceM: 6000, maxDistanM: 6500,
		},
		{
			// The gzip copy of run_02 decodes like the plain file.
			file: "gz/msimms__run_02_iphone.gpx.gz", name: "Untitled",
			start: time.Date(2013, 3, 28, 16, 45, 8, 71e6, time.UTC), minDistanceM: 9700, maxDistanM: 9850,
		},
	}
	for _, tc := range tt {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			acts, err := decodeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			a := acts[0]
			checkActivity(t, a)
			if a.Sport != tc.sport || a.Name != tc.name {
				t.Errorf("sport %q name %q, want %q %q", a.Sport, a.Name, tc.sport, tc.name)
			}
			if !a.StartTime.Equal(tc.start) || a.UTCOffsetS != tc.offsetS || a.OffsetSource != tc.offsetSource {
				t.Errorf("start %s offset %d %q, want %s %d %q", a.StartTime, a.UTCOffsetS, a.OffsetSource, tc.start, tc.offsetS, tc.offsetSource)
			}
			if tc.maxCadence == 0 && a.AvgCadenceSPM != nil && tc.minCadence == 0 && a.Sport == "running" {
				t.Errorf("avg cadence %v, want none", *a.AvgCadenceSPM)
			}
			if tc.maxCadence > 0 && (a.AvgCadenceSPM == nil || *a.AvgCadenceSPM < tc.minCadence || *a.AvgCadenceSPM > tc.maxCadence) {
				t.Errorf("avg cadence %v, want %v–%v", a.AvgCadenceSPM, tc.minCadence, tc.maxCadence)
			}
			if tc.maxHR != nil && (a.MaxHeartRateBPM == nil || *a.MaxHeartRateBPM != *tc.maxHR || a.AvgHeartRateBPM == nil) {
				t.Errorf("max HR %v (avg %v), want %v", a.MaxHeartRateBPM, a.AvgHeartRateBPM, *tc.maxHR)
			}
			if a.DistanceM < tc.minDistanceM || (tc.maxDistanM > 0 && a.DistanceM > tc.maxDistanM) {
				t.Errorf("distance %.1f m, want %v–%v m", a.DistanceM, tc.minDistanceM, tc.maxDistanM)
			}
		})
	}
}
