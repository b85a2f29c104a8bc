package store

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// t0 is a fixed instant for fixtures: 2026-03-01 07:00:00.250 UTC (the
// milliseconds check that sub-second GPX/TCX start times survive).
var t0 = time.Date(2026, 3, 1, 7, 0, 0, 250e6, time.UTC)

// clock is the store clock in tests.
var clock = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

// forEachDialect runs f as a subtest per database dialect, each with a fresh
// store. Today that is SQLite (a real file in t.TempDir()). PostgreSQL will
// run when REBOUND_TEST_POSTGRES names a database; until it is implemented,
// setting the variable fails the test rather than silently testing less.
func forEachDialect(t *testing.T, f func(t *testing.T, s *Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		f(t, mustOpen(t, filepath.Join(t.TempDir(), "rebound.db")))
	})
	if dsn := os.Getenv("REBOUND_TEST_POSTGRES"); dsn != "" {
		t.Run("postgres", func(t *testing.T) {
			t.Fatal("REBOUND_TEST_POSTGRES is set, but the PostgreSQL store is not implemented yet (store.Open refuses postgres:// URLs)")
		})
	}
}

func mustOpen(tb testing.TB, path string, opts ...Option) *Store {
	tb.Helper()
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	s.Now = func() time.Time { return clock }
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// gridStreams returns n samples whose values all lie on the codec's quanta
// (integers divided by the channel's scale), so they round-trip exactly.
// Samples 100–119 are a pause: NaN everywhere but distance. Temperature is
// absent (nil), as on most watches without a sensor pod.
func gridStreams(n int) *rebound.Streams {
	s := &rebound.Streams{
		DistanceM: make([]float64, n), SpeedMPS: make([]float64, n), HeartRateBPM: make([]float64, n),
		AltitudeM: make([]float64, n), Lat: make([]float64, n), Lon: make([]float64, n),
		CadenceSPM: make([]float64, n), PowerW: make([]float64, n),
	}
	for i := range n {
		s.DistanceM[i] = float64(min(i, 100)*320+max(i-120, 0)*320) / 100
		if i >= 100 && i < 120 {
			for _, c := range []*[]float64{&s.SpeedMPS, &s.HeartRateBPM, &s.AltitudeM, &s.Lat, &s.Lon, &s.CadenceSPM, &s.PowerW} {
				(*c)[i] = math.NaN()
			}
			continue
		}
		s.SpeedMPS[i] = float64(3000+i%50) / 1000
		s.HeartRateBPM[i] = float64(1400+i%200) / 10
		s.AltitudeM[i] = float64(5000+i%300) / 100
		s.Lat[i] = float64(488566000+i*37) / 1e7
		s.Lon[i] = float64(-23522000-i*29) / 1e7
		s.CadenceSPM[i] = float64(1700+i%20) / 10
		s.PowerW[i] = float64(2450+i%100) / 10
	}
	return s
}

// realisticStreams is a 1 s run with sensor noise at FIT resolution (see
// streamcodec's benchmark), for benchmarks where compressibility matters.
func realisticStreams(n int, seed uint64) *rebound.Streams {
	r := rand.New(rand.NewPCG(seed, 7))
	q := func(v, step float64) float64 { return math.Round(v/step) * step }
	semi := 180 / math.Exp2(31)
	s := &rebound.Streams{}
	for _, c := range s.Channels() {
		*c.Values = make([]float64, n)
	}
	dist, lat, lon, heading := 0.0, 48.8566, 2.3522, 0.3
	for i := range n {
		t := float64(i)
		speed := 3.2 + 0.3*math.Sin(t/400) + 0.08*r.NormFloat64()
		dist += speed
		heading += 0.01 * r.NormFloat64()
		lat += speed * math.Cos(heading) / 111320
		lon += speed * math.Sin(heading) / (111320 * math.Cos(lat*math.Pi/180))
		s.DistanceM[i] = q(dist, 0.01)
		s.SpeedMPS[i] = q(speed, 0.001)
		s.HeartRateBPM[i] = math.Round(120 + 40*(1-math.Exp(-t/600)) + 2*r.NormFloat64())
		s.AltitudeM[i] = q(50+15*math.Sin(t/300)+0.3*r.NormFloat64(), 0.2)
		s.Lat[i] = q(lat, semi)
		s.Lon[i] = q(lon, semi)
		s.TemperatureC[i] = math.Round(18 + t/1800)
		s.CadenceSPM[i] = 2 * math.Round(85+r.NormFloat64())
		s.PowerW[i] = math.Round(245 + 15*r.NormFloat64())
	}
	return s
}

func intp(v int) *int { return &v }

// fullActivity sets every field of rebound.Activity that the store keeps.
func fullActivity(sha string, start time.Time) *rebound.Activity {
	return &rebound.Activity{
		Sport: rebound.SportRunning, SubSport: "trail", Name: "Morning Run", Notes: "hills ×6", Gear: "Speedgoat 5",
		StartTime: start, UTCOffsetS: 3600, OffsetSource: rebound.OffsetFromFile,
		ElapsedS: 1800.5, MovingS: 1750, DistanceM: 5600.25,
		AscentM: rebound.Float(120), DescentM: rebound.Float(0), // 0 m is a real value, not NULL
		AvgHeartRateBPM: rebound.Float(148.5), MaxHeartRateBPM: rebound.Float(171),
		AvgSpeedMPS: 3.2, MaxSpeedMPS: rebound.Float(4.9),
		AvgTemperatureC: rebound.Float(-2.5), MinTemperatureC: rebound.Float(-4), MaxTemperatureC: rebound.Float(0),
		AvgCadenceSPM: rebound.Float(172), AvgPowerW: rebound.Float(251.5), Calories: rebound.Float(412),
		Device:     "garmin fenix6",
		SourceFile: "run.fit", SourceSHA256: sha, SourceFormat: "fit", SessionIndex: 0, SummarySource: rebound.SummaryFromFile,
		RPE: intp(6), Kind: "workout", ManualTempC: rebound.Float(-3),
		Laps: []rebound.Lap{
			{Index: 0, StartTime: start, ElapsedS: 900, MovingS: 880, DistanceM: 2800, AvgHeartRateBPM: rebound.Float(140), MaxHeartRateBPM: rebound.Float(160), AvgSpeedMPS: 3.18, AvgCadenceSPM: rebound.Float(170)},
			{Index: 1, StartTime: start.Add(900 * time.Second), ElapsedS: 900.5, MovingS: 870, DistanceM: 2800.25, AvgSpeedMPS: 3.22},
		},
		Streams: gridStreams(1801),
	}
}

// minimal is an activity with only what an importer always knows.
func minimal(sha string, sport string, start time.Time, elapsed float64) *rebound.Activity {
	return &rebound.Activity{Sport: sport, StartTime: start, ElapsedS: elapsed, MovingS: elapsed,
		DistanceM: elapsed * 3, AvgSpeedMPS: 3, SourceFile: sha + ".fit", SourceSHA256: sha, SourceFormat: "fit"}
}

// sha returns a distinct fake SHA-256 hex string.
func sha(c byte) string { return strings.Repeat(string(c), 64) }

// floatsEqual compares floats exactly, treating NaN as equal to NaN (a
// missing sample must stay missing).
var floatsEqual = cmp.Comparer(func(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
})

func mustAdd(tb testing.TB, s *Store, athleteID int64, acts ...*rebound.Activity) []rebound.AddResult {
	tb.Helper()
	res, err := s.AddActivities(context.Background(), athleteID, acts)
	if err != nil {
		tb.Fatalf("AddActivities: %v", err)
	}
	return res
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := rebound.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func countActivities(t *testing.T, s *Store, athleteID int64) int {
	t.Helper()
	acts, err := s.Activities(context.Background(), athleteID, rebound.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(acts)
}
