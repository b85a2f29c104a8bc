package tcx

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

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/importer/gpx"
	"rebound/internal/testcorpus"
)

// now is the clock for every test: after the newest corpus file.
var now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// corpusFiles lists the corpus TCX files, plain and gzip-compressed.
func corpusFiles(tb testing.TB) []string {
	c := testcorpus.Require(tb)
	plain, _ := filepath.Glob(filepath.Join(c, "tcx", "*.tcx"))
	gz, _ := filepath.Glob(filepath.Join(c, "gz", "*.tcx.gz"))
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
	cal := "-"
	if a.Calories != nil {
		cal = fmt.Sprintf("%.0f", *a.Calories)
	}
	return fmt.Sprintf("kcal=%s sport=%q start=%s off=%d/%q elapsed=%.0fs moving=%.0fs dist=%.0fm hr=%s cad=%s laps=%d n=%d",
		cal, a.Sport, a.StartTime.Format(time.RFC3339), a.UTCOffsetS, a.OffsetSource, a.ElapsedS, a.MovingS, a.DistanceM,
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
	if (a.SummarySource != rebound.SummaryFromStreams && a.SummarySource != rebound.SummaryFromFile) || a.SourceFormat != "tcx" {
		tb.Errorf("SummarySource %q SourceFormat %q", a.SummarySource, a.SourceFormat)
	}
	if a.StartTime.Location() != time.UTC {
		tb.Errorf("start %v not UTC", a.StartTime)
	}
}

// wantInvalid lists the corpus files Rebound rejects, with the reason (a
// substring of the message). Every other file must give activities.
var wantInvalid = map[string]string{
	"togeojson__tcx-courses.tcx": "TCX course, not an activity",
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
				t.Errorf("got activities, want an error containing %q", want)
			}
			if len(acts) == 0 {
				t.Fatalf("no activity and no error")
			}
			for _, a := range acts {
				checkActivity(t, a)
				outcomes["activity"] = append(outcomes["activity"], name+": "+describe(a))
			}
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
	tt := []struct {
		file                   string
		sport                  string
		start                  time.Time
		offsetS                int
		offsetSource           string
		distanceM, distTol     float64
		minCadence, maxCadence float64 // average steps/min (0, 0: not checked)
		calories               float64 // 0: none
		lap0                   *rebound.Lap
		hasPositions           bool
	}{
		{
			// Garmin Fenix 6: Sport="Running", Id 2021-01-19T23:30:50.000Z;
			// the one Lap says TotalTimeSeconds 1230.479, DistanceMeters
			// 5124.84, Calories 268, average HR 157, maximum 189. RunCadence
			// median 91 strides/min → about 182 steps/min.
			file: "tcx/msimms__20210119_run_garmin_fenix6_sapphire.tcx", sport: "running",
			start: time.Date(2021, 1, 19, 23, 30, 50, 0, time.UTC), distanceM: 5124.84, distTol: 1,
			minCadence: 176, maxCadence: 188, calories: 268, hasPositions: true,
			lap0: &rebound.Lap{MovingS: 1230.479, DistanceM: 5124.84, AvgHeartRateBPM: rebound.Float(157), MaxHeartRateBPM: rebound.Float(189)},
		},
		{
			// Per-second DistanceMeters: the distance comes from positions,
			// 5309.0 m (see TestDecode_Distance).
			file: "tcx/msimms__20200103_intervals.tcx", sport: "running",
			start: time.Date(2020, 1, 3, 15, 7, 43, 200e3, time.UTC), distanceM: 5309.0, distTol: 1, hasPositions: true,
		},
		{
			// Times at +01:00, bogus (0,0) and "no"/"undefined" positions,
			// the same two laps twice; DistanceMeters 2604.45 → 2607.12.
			// Calories 221 per lap, twice.
			file: "tcx/togeojson__bad.tcx", sport: "cycling",
			start: time.Date(2020, 12, 27, 14, 59, 36, 0, time.UTC), offsetS: 3600, offsetSource: rebound.OffsetFromFile,
			distanceM: 2.67, distTol: 0.01, calories: 442, hasPositions: true,
		},
		{
			// Pool swim, Sport="Other", no positions: recorded distance.
			file: "tcx/saf__pool_swim-activity_1.tcx", sport: "",
			start: time.Date(2022, 8, 26, 16, 35, 13, 0, time.UTC), distanceM: 1500, distTol: 1, calories: 329,
		},
		{
			// The gzip copy decodes like the plain file: Forerunner 405CX,
			// recorded 4019.53 − 4.01 m.
			file: "gz/msimms__20120611_run_garmin_fr405cx.tcx.gz", sport: "running",
			start: time.Date(2012, 6, 11, 10, 57, 32, 0, time.UTC), distanceM: 4015.52, distTol: 0.1, calories: 278, hasPositions: true,
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
			if a.Sport != tc.sport {
				t.Errorf("sport %q, want %q", a.Sport, tc.sport)
			}
			if !a.StartTime.Equal(tc.start) || a.UTCOffsetS != tc.offsetS || a.OffsetSource != tc.offsetSource {
				t.Errorf("start %s offset %d %q, want %s %d %q", a.StartTime, a.UTCOffsetS, a.OffsetSource, tc.start, tc.offsetS, tc.offsetSource)
			}
			if math.Abs(a.DistanceM-tc.distanceM) > tc.distTol {
				t.Errorf("distance %.2f m, want %.2f ± %v m", a.DistanceM, tc.distanceM, tc.distTol)
			}
			if tc.maxCadence > 0 && (a.AvgCadenceSPM == nil || *a.AvgCadenceSPM < tc.minCadence || *a.AvgCadenceSPM > tc.maxCadence) {
				t.Errorf("avg cadence %v, want %v–%v steps/min", a.AvgCadenceSPM, tc.minCadence, tc.maxCadence)
			}
			if (tc.calories == 0) != (a.Calories == nil) || (a.Calories != nil && *a.Calories != tc.calories) {
				t.Errorf("calories %v, want %v", a.Calories, tc.calories)
			}
			if (a.Streams.Lat != nil) != tc.hasPositions {
				t.Errorf("positions present = %v, want %v", a.Streams.Lat != nil, tc.hasPositions)
			}
			if tc.lap0 != nil {
				if len(a.Laps) == 0 {
					t.Fatal("no laps")
				}
				l := a.Laps[0]
				got := rebound.Lap{MovingS: l.MovingS, DistanceM: l.DistanceM, AvgHeartRateBPM: l.AvgHeartRateBPM, MaxHeartRateBPM: l.MaxHeartRateBPM}
				if diff := cmp.Diff(*tc.lap0, got); diff != "" {
					t.Errorf("lap 0 (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestDecode_SameRunTwoFormats decodes the Fenix 6 run exported as GPX and
// as TCX: the two must agree on what a runner sees.
func TestDecode_SameRunTwoFormats(t *testing.T) {
	c := testcorpus.Require(t)
	gpxData := readCorpus(t, filepath.Join(c, "gpx", "msimms__20210119_run_garmin_fenix6_sapphire.gpx"))
	tcxActs, err := Decode(bytes.NewReader(readCorpus(t, filepath.Join(c, "tcx", "msimms__20210119_run_garmin_fenix6_sapphire.tcx"))), now)
	if err != nil {
		t.Fatal(err)
	}
	gpxActs, err := gpx.Decode(bytes.NewReader(gpxData), now)
	if err != nil {
		t.Fatal(err)
	}
	g, x := gpxActs[0], tcxActs[0]
	if !g.StartTime.Equal(x.StartTime) || g.Sport != x.Sport {
		t.Errorf("start/sport: gpx %s %q, tcx %s %q", g.StartTime, g.Sport, x.StartTime, x.Sport)
	}
	// The watch's distance (TCX) and the positions' sum (GPX) differ by
	// 0.2 % on this run; within 1 % is agreement.
	if rel := math.Abs(g.DistanceM-x.DistanceM) / x.DistanceM; rel > 0.01 {
		t.Errorf("distance: gpx %.1f m, tcx %.1f m", g.DistanceM, x.DistanceM)
	}
	if math.Abs(*g.AvgCadenceSPM-*x.AvgCadenceSPM) > 2 || math.Abs(*g.AvgHeartRateBPM-*x.AvgHeartRateBPM) > 2 || *g.MaxHeartRateBPM != *x.MaxHeartRateBPM {
		t.Errorf("cadence/HR: gpx %.1f/%.1f/%.0f, tcx %.1f/%.1f/%.0f", *g.AvgCadenceSPM, *g.AvgHeartRateBPM, *g.MaxHeartRateBPM,
			*x.AvgCadenceSPM, *x.AvgHeartRateBPM, *x.MaxHeartRateBPM)
	}
}
