package load_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/load"
	"rebound/internal/testcorpus"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The golden files pin every output of Analyze and ResolveProfile bit for
// bit, so that speed work on this package cannot change a result: floats
// are written with strconv's shortest round-trip form ('g', -1), which
// parses back to the same bits (NaN, ±Inf and −0 included), and compared
// as text.
const (
	syntheticGolden = "testdata/analyze_golden.txt"
	corpusGolden    = "testdata/analyze_corpus_golden.tsv"
)

// compact writes v on one line: struct fields as Name:value, pointers and
// slices followed, floats in their shortest exact form.
func compact(b *strings.Builder, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		compact(b, v.Elem())
	case reflect.Struct:
		b.WriteByte('{')
		for i := range v.NumField() {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v.Type().Field(i).Name + ":")
			compact(b, v.Field(i))
		}
		b.WriteByte('}')
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil")
			return
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			compact(b, v.Index(i))
		}
		b.WriteByte(']')
	case reflect.Float64, reflect.Float32:
		b.WriteString(fmtF(v.Float()))
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Int, reflect.Int64, reflect.Int32:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	default:
		fmt.Fprint(b, v.Interface())
	}
}

// line is name, a tab and x written by compact.
func line(name string, x any) string {
	var b strings.Builder
	b.WriteString(name + "\t")
	compact(&b, reflect.ValueOf(x))
	return b.String()
}

func fmtF(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// goldenCase is one activity analysed against its recent history.
type goldenCase struct {
	name   string
	a      *rebound.Activity
	recent []*rebound.Activity
}

// goldenProfiles are the profiles every case is analysed with: full
// thresholds, none at all (no rTSS, no zones, no HR load), and a female
// runner with an LTHR but no threshold pace (HR-based tempo).
func goldenProfiles() []struct {
	name string
	prof load.Profile
} {
	female := testProfile()
	female.Sex, female.ThresholdSpeedMPS = "female", load.Threshold{}
	return []struct {
		name string
		prof load.Profile
	}{{"full", testProfile()}, {"none", load.Profile{}}, {"female-hr-only", female}}
}

// syntheticCases builds activities from the package's test helpers: the
// article's long run (clean, noisy, with GPS jumps), the character table's
// sessions, hills, HR dropouts and spikes, pauses, NaN gaps, distance-only
// speed, uneven channels, summary-only activities and random garbage.
func syntheticCases() []goldenCase {
	nan := math.NaN()
	var cs []goldenCase
	add := func(name string, a *rebound.Activity, recent []*rebound.Activity) {
		cs = append(cs, goldenCase{name, a, recent})
	}
	for seed := uint64(1); seed <= 2; seed++ {
		s, _, _ := articleRun(0, 0, seed)
		add(fmt.Sprintf("article clean %d", seed), runOf(1, t0, s), nil)
		s, _, _ = articleRun(0.3, 3, seed)
		add(fmt.Sprintf("article noisy %d", seed), runOf(1, t0, s), nil)
		s, _, _ = articleRun(0.3, 3, seed)
		addGPSJumps(s, 12, seed)
		add(fmt.Sprintf("article jumps %d", seed), runOf(1, t0, s), nil)
	}
	s := synth([]piece{{3600, 3.0, 145, 0}}, 0.3, 3, 4)
	addGPSJumps(s, 10, 4)
	add("steady with jumps", runOf(1, t0, s), nil)

	day := 24 * 3600.0
	hist := func(n int, minutes float64) []*rebound.Activity {
		var out []*rebound.Activity
		for i := 1; i <= n; i++ {
			start := t0.Add(-timeDur(float64(i) * 3 * day))
			out = append(out, &rebound.Activity{Sport: rebound.SportRunning, StartTime: start, MovingS: minutes * 60, ElapsedS: minutes * 60})
		}
		return out
	}
	var intervals []piece
	intervals = append(intervals, piece{600, 3.0, 140, 0})
	for range 6 {
		intervals = append(intervals, piece{180, 4.5, 175, 0}, piece{120, 3.0, 150, 0})
	}
	intervals = append(intervals, piece{600, 3.0, 140, 0})
	for _, c := range []struct {
		name   string
		pieces []piece
		recent []*rebound.Activity
	}{
		{"easy 40 min", []piece{{2400, 3.0, 140, 0}}, nil},
		{"long 100 min", []piece{{6000, 3.0, 140, 0}}, nil},
		{"long relative", []piece{{3000, 3.0, 140, 0}}, hist(7, 30)},
		{"80 among 60", []piece{{4800, 3.0, 140, 0}}, hist(7, 60)},
		{"intervals", intervals, nil},
		{"tempo", []piece{{900, 3.0, 140, 0}, {1200, 4.0, 168, 0}, {600, 3.0, 145, 0}}, nil},
		{"fast finish", []piece{{2100, 3.0, 140, 0}, {300, 3.6, 160, 0}}, nil},
		{"progression", []piece{{600, 3.0, 140, 0}, {600, 3.15, 145, 0}, {600, 3.3, 150, 0}, {600, 3.45, 155, 0}}, nil},
		{"hills", []piece{{600, 3.0, 140, 0}, {600, 2.6, 160, 0.06}, {300, 3.4, 150, -0.08}, {600, 2.4, 170, 0.12}, {600, 3.6, 145, -0.1}}, nil},
		{"steep", []piece{{300, 2.0, 150, 0.5}, {300, 4.0, 150, -0.6}}, nil},
	} {
		add(c.name, runOf(1, t0, synth(c.pieces, 0.2, 2, 3)), c.recent)
	}
	a := runOf(1, t0, synth([]piece{{1200, 4.2, 178, 0}}, 0.2, 2, 3))
	a.Name = "Parkrun Race"
	add("race by name", a, nil)
	a = runOf(1, t0, synth([]piece{{2400, 3.0, 140, 0}}, 0.2, 2, 3))
	a.Kind = rebound.CharacterWorkout
	add("override", a, nil)
	a = runOf(1, t0, synth([]piece{{2400, nan, 166, 0}}, 0.2, 2, 3))
	a.Streams.SpeedMPS, a.Streams.DistanceM, a.Streams.Lat, a.Streams.Lon, a.Streams.AltitudeM = nil, nil, nil, nil, nil
	add("hr only", a, nil)

	// HR artefacts: every other sample missing; 5 % spikes; a long dropout.
	s = synth([]piece{{3600, 3.2, 150, 0}}, 0.2, 2, 7)
	for i := 0; i < len(s.HeartRateBPM); i += 2 {
		s.HeartRateBPM[i] = nan
	}
	add("hr half", runOf(1, t0, s), nil)
	s = synth([]piece{{3600, 3.2, 150, 0}}, 0.2, 2, 7)
	for i := 100; i < len(s.HeartRateBPM); i += 20 {
		s.HeartRateBPM[i] = 215
	}
	add("hr spikes", runOf(1, t0, s), nil)
	s = synth([]piece{{3600, 3.2, 150, 0}}, 0.2, 2, 8)
	for i := 1000; i < 1700; i++ {
		s.HeartRateBPM[i] = nan
	}
	s.HeartRateBPM[20], s.HeartRateBPM[21], s.HeartRateBPM[2000] = 10, 300, 90
	add("hr dropout", runOf(1, t0, s), nil)

	// A pause (every channel NaN) and NaN gaps in single channels.
	s = synth([]piece{{1500, 3.3, 150, 0.02}, {1500, 3.5, 155, -0.02}}, 0.3, 3, 9)
	for i := 1400; i < 1600; i++ {
		s.SpeedMPS[i], s.HeartRateBPM[i], s.Lat[i], s.Lon[i], s.AltitudeM[i], s.DistanceM[i] = nan, nan, nan, nan, nan, nan
	}
	for i := 200; i < 260; i++ {
		s.AltitudeM[i] = nan
	}
	for i := 2500; i < 2530; i++ {
		s.SpeedMPS[i] = nan
	}
	add("pause and gaps", runOf(1, t0, s), nil)
	// Standing still in the middle (speed 0, HR on).
	add("standstill", runOf(1, t0, synth([]piece{{900, 3.0, 140, 0}, {300, 0, 110, 0}, {900, 3.4, 150, 0}}, 0.1, 2, 10)), nil)
	// Speed from distance differences only, with a GPS jump in distance.
	s = synth([]piece{{1800, 3.1, 148, 0.01}, {600, 3.9, 165, 0}}, 0.2, 2, 11)
	s.SpeedMPS = nil
	for i := 900; i < len(s.DistanceM); i++ {
		s.DistanceM[i] += 400
	}
	add("distance only", runOf(1, t0, s), nil)
	// No altitude, no position.
	s = synth([]piece{{2400, 3.3, 150, 0}, {240, 4.4, 170, 0}, {600, 3.3, 150, 0}}, 0.3, 3, 12)
	s.AltitudeM, s.Lat, s.Lon = nil, nil, nil
	add("no altitude", runOf(1, t0, s), nil)
	// Channels of different lengths.
	s = synth([]piece{{1800, 3.3, 150, 0}}, 0.3, 3, 13)
	s.HeartRateBPM = s.HeartRateBPM[:1700]
	s.AltitudeM = s.AltitudeM[:1799]
	add("uneven channels", runOf(1, t0, s), nil)
	// A ride and a very short run.
	a = runOf(1, t0, synth([]piece{{3600, 8.0, 140, 0.01}}, 0.5, 3, 14))
	a.Sport = rebound.SportCycling
	add("ride", a, nil)
	add("short", runOf(1, t0, synth([]piece{{7, 3.0, 140, 0}}, 0.1, 1, 15)), nil)

	// Summary-only activities, RPE and nothing.
	rpe := 5
	add("summary avg hr", &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, MovingS: 3600, ElapsedS: 3600, DistanceM: 11000, AvgHeartRateBPM: rebound.Float(150)}, nil)
	add("summary pace", &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, MovingS: 3600, ElapsedS: 3600, DistanceM: 14400}, nil)
	add("rpe only", &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, MovingS: 3600, RPE: &rpe}, nil)
	add("manual", &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, MovingS: 3600}, nil)
	add("nothing", &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0}, nil)
	add("nil", nil, nil)

	// Garbage: NaN, random bit patterns, uneven lengths (as
	// TestAnalyze_GarbageStreams).
	r := rand.New(rand.NewPCG(42, 43))
	for it := range 12 {
		n := r.IntN(4000)
		mk := func() []float64 {
			if r.IntN(4) == 0 {
				return nil
			}
			x := make([]float64, n+r.IntN(3))
			for i := range x {
				switch r.IntN(6) {
				case 0:
					x[i] = math.NaN()
				case 1:
					x[i] = math.Float64frombits(r.Uint64())
				default:
					x[i] = 200 * r.Float64()
				}
			}
			return x
		}
		st := &rebound.Streams{HeartRateBPM: mk(), SpeedMPS: mk(), AltitudeM: mk(), DistanceM: mk(), Lat: mk(), Lon: mk()}
		add(fmt.Sprintf("garbage %d", it), &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, MovingS: float64(n), Streams: st}, nil)
	}
	// Plausible noisy runs: random speeds, HR and grade, with dropouts.
	for it := range 6 {
		var ps []piece
		for range 3 + r.IntN(10) {
			hr := 120 + 60*r.Float64()
			if r.IntN(8) == 0 {
				hr = nan
			}
			ps = append(ps, piece{30 + r.IntN(900), 2 + 3*r.Float64(), hr, 0.16 * (r.Float64() - 0.5)})
		}
		s := synth(ps, 0.4*r.Float64(), 4*r.Float64(), uint64(100+it))
		addGPSJumps(s, r.IntN(8), uint64(it))
		add(fmt.Sprintf("random run %d", it), runOf(1, t0, s), nil)
	}
	return cs
}

// profileHistory is a run history over the last year for ResolveProfile:
// the synthetic runs spread out day by day, plus profile_test's HR tests
// and a race.
func profileHistory(cases []goldenCase, on time.Time) []*rebound.Activity {
	var h []*rebound.Activity
	for i, c := range cases {
		if c.a == nil {
			continue
		}
		cp := *c.a
		cp.StartTime = on.AddDate(0, 0, -1-2*i)
		h = append(h, &cp)
	}
	day := on.AddDate(0, 0, -10)
	h = append(h,
		hrRun(day, series(flat(600, 150), ramp(150, 190, 1), flat(8, 190), flat(300, 160))),
		hrRun(day, series(flat(300, 150), []float64{240}, flat(300, 150), flat(30, 215), flat(300, 150), flat(3, 205), flat(300, 150))),
		hrRun(day, series(flat(600, 150), []float64{155}, flat(599, 160), []float64{166}, flat(1200, 172))),
		hrRun(day, series(flat(600, 140), ramp(140, 160, 0.5), flat(900, 160))),
	)
	return h
}

var goldenOn = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// syntheticGoldenLines computes every checked output for the synthetic
// inputs.
func syntheticGoldenLines() []string {
	p := load.DefaultParams()
	cases := syntheticCases()
	var lines []string
	for _, c := range cases {
		for _, pr := range goldenProfiles() {
			cal := load.CalibrateRPE(nil, p)
			wl := load.Analyze(c.a, c.recent, pr.prof, cal, p)
			lines = append(lines, line(c.name+"/"+pr.name, wl))
		}
		maxHR, lthr, how, best := load.ProfileParts(c.a, p)
		lines = append(lines, c.name+"/parts\t"+fmtF(maxHR)+" "+fmtF(lthr)+" "+strconv.Quote(how)+" "+fmtF(best))
	}
	history := profileHistory(cases, goldenOn)
	born := time.Date(1989, 1, 15, 0, 0, 0, 0, time.UTC)
	for _, at := range []struct {
		name    string
		a       *rebound.Athlete
		history []*rebound.Activity
		rest    *float64
	}{
		{"empty athlete", &rebound.Athlete{}, history, nil},
		{"aged, check-ins", &rebound.Athlete{BirthDate: &born, Sex: "female"}, history, rebound.Float(48)},
		{"stated", &rebound.Athlete{HRMaxBPM: rebound.Float(188), HRRestBPM: rebound.Float(45), LTHRBPM: rebound.Float(171), ThresholdSpeedMPS: rebound.Float(4.1)}, history, nil},
		{"no history", nil, nil, nil},
		{"race history", &rebound.Athlete{BirthDate: &born}, append([]*rebound.Activity{{Sport: rebound.SportRunning, Name: "Spring 5k race", StartTime: goldenOn.AddDate(0, 0, -20), DistanceM: 5000, MovingS: 1200, ElapsedS: 1200}}, history...), nil},
		{"first half", &rebound.Athlete{BirthDate: &born}, history[:len(history)/2], nil},
		{"second half", &rebound.Athlete{}, history[len(history)/2:], nil},
	} {
		lines = append(lines, line("profile "+at.name, load.ResolveProfile(at.a, at.history, at.rest, goldenOn, p)))
	}
	return lines
}

// TestAnalyzeGolden compares every output of Analyze (three profiles),
// ResolveProfile and its per-activity measures on the synthetic inputs with
// testdata/analyze_golden.txt, exactly. Rewrite with -update only when a
// result is meant to change.
func TestAnalyzeGolden(t *testing.T) {
	compareGolden(t, syntheticGolden, syntheticGoldenLines())
}

// digest is a short hash of a compact line: the corpus golden keeps the
// headline figures readable and everything else in the hash.
func digest(l string) string {
	h := sha256.Sum256([]byte(l))
	return hex.EncodeToString(h[:8])
}

// corpusGoldenLines decodes every FIT file of the corpus and computes, per
// activity and profile (the three test profiles and the one resolved from
// the whole corpus), the load, its source, the character and a digest of
// the complete WorkoutLoad; then the per-activity profile measures and
// each activity's own resolved profile.
func corpusGoldenLines(tb testing.TB, dir string) []string {
	p := load.DefaultParams()
	files, err := filepath.Glob(filepath.Join(dir, "fit", "*.fit"))
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	type named struct {
		name string
		a    *rebound.Activity
	}
	var acts []named
	var all []*rebound.Activity
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		as, err := fit.DecodeBytes(data, now)
		if err != nil {
			continue // the importer's own tests cover broken files
		}
		for k, a := range as {
			acts = append(acts, named{fmt.Sprintf("%s#%d", filepath.Base(f), k), a})
			all = append(all, a)
		}
	}
	last := time.Time{}
	for _, a := range all {
		if a.StartTime.After(last) {
			last = a.StartTime
		}
	}
	profs := goldenProfiles()
	resolved := load.ResolveProfile(&rebound.Athlete{}, all, nil, last.Add(time.Hour), p)
	profs = append(profs, struct {
		name string
		prof load.Profile
	}{"resolved", resolved})
	lines := []string{"# activity\tprofile\tload\tsource\tcharacter\tdigest of the whole result"}
	lines = append(lines, "resolved\t-\t"+digest(line("", resolved)))
	cal := load.CalibrateRPE(nil, p)
	for _, na := range acts {
		for _, pr := range profs {
			wl := load.Analyze(na.a, all, pr.prof, cal, p)
			lines = append(lines, strings.Join([]string{na.name, pr.name, fmtF(wl.Load), wl.LoadSource, wl.Character, digest(line("", wl))}, "\t"))
		}
		maxHR, lthr, _, best := load.ProfileParts(na.a, p)
		own := load.ResolveProfile(&rebound.Athlete{}, []*rebound.Activity{na.a}, nil, na.a.StartTime.Add(time.Hour), p)
		lines = append(lines, strings.Join([]string{na.name, "parts", fmtF(maxHR), fmtF(lthr), fmtF(best), digest(line("", own))}, "\t"))
	}
	return lines
}

// TestAnalyzeCorpusGolden is TestAnalyzeGolden on the real FIT files of
// ../shared/corpus, against the compact testdata/analyze_corpus_golden.tsv.
func TestAnalyzeCorpusGolden(t *testing.T) {
	dir := testcorpus.Require(t)
	compareGolden(t, corpusGolden, corpusGoldenLines(t, dir))
}

// compareGolden checks got against the golden file line by line, or
// rewrites it with -update.
func compareGolden(t *testing.T, path string, got []string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s line %d differs at %s", path, i+1, firstDiff(g, w))
			if bad++; bad >= 20 {
				t.Fatal("too many differences")
			}
		}
	}
}

// firstDiff shows where two golden lines part, with some context.
func firstDiff(got, want string) string {
	k := 0
	for k < len(got) && k < len(want) && got[k] == want[k] {
		k++
	}
	lo := max(0, k-80)
	return fmt.Sprintf("byte %d:\n got  …%s\n want …%s", k, got[lo:min(len(got), k+80)], want[lo:min(len(want), k+80)])
}
