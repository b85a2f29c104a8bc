package cli

// End-to-end tests of the issue 3/4/5 commands (athlete, status, load, show,
// tag, plan, calendar, checkin(s), done/skip, demo), run in-process as a new
// runner would run them: the history comes in through `rebound import` of
// real FIT files, `rebound log` and `rebound checkin`, never by writing to
// the store directly.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rebound"
	"rebound/internal/demo"
)

// fixtureWeeks is how much of the demo's 16-week build the shared fixture
// imports: the last 8 weeks, which hold the half-marathon (week 10), the
// sick week 14 and the last long run (week 16), and every check-in (they
// start in week 9).
const fixtureWeeks = 8

// nyc is the fixture runner's time zone (the demo's): its offsets are −04:00
// until the DST change of Sun 1 Nov 2026 and −05:00 after.
var nyc = func() *time.Location {
	l, err := time.LoadLocation(demo.TimeZone)
	if err != nil {
		panic(err) // time/tzdata is linked in by the demo package
	}
	return l
}()

// runAt runs rebound with args against db with the clock at now.
func runAt(t *testing.T, db string, now time.Time, args ...string) result {
	t.Helper()
	return runEnv(t, db, now, nil, args...)
}

// runEnv is runAt with extra environment variables.
func runEnv(t *testing.T, db string, now time.Time, extra map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	home := t.TempDir()
	env := map[string]string{"REBOUND_DB": db, "HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}
	for k, v := range extra {
		env[k] = v
	}
	code := -1
	func() {
		// A panic must fail the test that caused it, not the whole run.
		defer func() {
			if p := recover(); p != nil {
				fmt.Fprintf(&errb, "panic: %v\n", p)
			}
		}()
		code = run(context.Background(), args, strings.NewReader(""), &out, &errb,
			func(k string) string { return env[k] }, func() time.Time { return now })
	}()
	return result{code, out.String(), errb.String()}
}

// rb runs rebound with args against db at testNow (like runCLI, but a panic
// is reported as exit -1 instead of ending the test binary).
func rb(t *testing.T, db string, args ...string) result {
	t.Helper()
	return runAt(t, db, testNow, args...)
}

// mustRun runs rebound at testNow and fails the test unless it exits 0.
func mustRun(t *testing.T, db string, args ...string) result {
	t.Helper()
	r := rb(t, db, args...)
	if r.code != ExitOK {
		t.Fatalf("rebound %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// mustJSON runs rebound with --json at testNow and decodes its output into v.
func mustJSON(t *testing.T, db string, v any, args ...string) {
	t.Helper()
	r := mustRun(t, db, append(args, "--json")...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("rebound %s --json: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// wantUsage checks a run refused as a usage error (exit 2) with one line on
// stderr containing every want.
func wantUsage(t *testing.T, r result, want ...string) {
	t.Helper()
	wantExit(t, r, ExitUsage, want...)
}

func wantExit(t *testing.T, r result, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not contain %q", r.stderr, w)
		}
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stderr shows a crash:\n%s", r.stderr)
	}
}

// history is the demo build, generated once for every test.
var history = sync.OnceValues(func() (*demo.History, error) { return demo.Generate(testNow, 1) })

func demoHistory(t *testing.T) *demo.History {
	t.Helper()
	h, err := history()
	if err != nil {
		t.Fatalf("demo.Generate: %v", err)
	}
	return h
}

// fixtureFrom is the first local date the fixture holds.
func fixtureFrom() time.Time {
	return rebound.CivilDate(testNow.In(nyc)).AddDate(0, 0, -7*fixtureWeeks)
}

// base is the shared fixture store, built once through the command line and
// kept as bytes; every test gets its own copy.
var (
	baseOnce  sync.Once
	baseBytes []byte
	baseErr   string
	baseLog   time.Time // the local start of the fixture's `rebound log` entry
)

// fixtureLogName names the fixture's own manual entry (40 min, 7 km, RPE 3).
const fixtureLogName = "e2e treadmill"

// fixtureDB returns the path of a fresh copy of the shared fixture store:
// the runner's profile without thresholds (they are estimated), the last 8
// weeks of the demo's FIT files imported with `rebound import`, one manual
// entry with `rebound log`, and every demo check-in entered with `rebound
// checkin`.
func fixtureDB(t *testing.T) string {
	t.Helper()
	baseOnce.Do(func() { buildBase(t) })
	if baseErr != "" {
		t.Fatalf("building the shared fixture: %s", baseErr)
	}
	db := tempDB(t)
	if err := os.MkdirAll(filepath.Dir(db), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, baseBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return db
}

func buildBase(t *testing.T) {
	fail := func(format string, args ...any) { baseErr = fmt.Sprintf(format, args...) }
	h, err := history()
	if err != nil {
		fail("demo.Generate: %v", err)
		return
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "rebound.db")
	watch := filepath.Join(dir, "watch")
	if err := os.MkdirAll(watch, 0o755); err != nil {
		fail("%v", err)
		return
	}
	from := fixtureFrom()
	inWindow := map[string]bool{}
	runDays := map[time.Time]bool{}
	for _, r := range h.Runs {
		if !r.Date.Before(from) {
			runDays[r.Date] = true
			if r.File != "" {
				inWindow[r.File] = true
			}
		}
	}
	n := 0
	for _, f := range h.Files {
		if !inWindow[f.Name] {
			continue
		}
		if err := os.WriteFile(filepath.Join(watch, f.Name), f.Data, 0o644); err != nil {
			fail("%v", err)
			return
		}
		n++
	}
	step := func(args ...string) bool {
		r := rb(t, db, args...)
		if r.code != ExitOK {
			fail("rebound %s: exit %d: %s %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
			return false
		}
		return true
	}
	// The profile a new runner starts with: no thresholds (estimated).
	if !step("athlete", "set", "--name", "E2E Runner", "--birth-date", "1988-06-17", "--sex", "male", "--weight", "68kg",
		"--tz", "America/New_York", "--bedtime", "22:30", "--wake", "06:00", "--phase", "build", "--units", "km") {
		return
	}
	if !step("import", watch) {
		return
	}
	// One manual entry on a rest day of the first fixture week.
	for d := from.AddDate(0, 0, 1); d.Before(from.AddDate(0, 0, 14)); d = d.AddDate(0, 0, 1) {
		if !runDays[d] {
			baseLog = time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, nyc)
			break
		}
	}
	if baseLog.IsZero() {
		fail("no rest day for the manual entry")
		return
	}
	if !step("log", "--start", baseLog.Format("2006-01-02T15:04"), "--duration", "40m", "--distance", "7km", "--rpe", "3", "--name", fixtureLogName) {
		return
	}
	// The demo's own manual entries (treadmill runs with an RPE).
	for _, m := range h.Manual {
		local := m.StartTime.In(nyc)
		if local.Before(from) {
			continue
		}
		args := []string{"log", "--start", local.Format("2006-01-02T15:04"), "--duration", fmt.Sprintf("%.0fs", m.ElapsedS),
			"--distance", fmt.Sprintf("%.0fm", m.DistanceM), "--sport", m.Sport, "--name", m.Name}
		if m.RPE != nil {
			args = append(args, "--rpe", fmt.Sprint(*m.RPE))
		}
		if m.Kind != "" {
			args = append(args, "--kind", m.Kind)
		}
		if !step(args...) {
			return
		}
	}
	for _, ci := range h.CheckIns {
		if ci.Date.Before(from) {
			continue
		}
		if !step(checkinArgs(ci)...) {
			return
		}
	}
	b, err := os.ReadFile(db)
	if err != nil {
		fail("%v", err)
		return
	}
	if _, err := os.Stat(db + "-wal"); err == nil {
		if wal, _ := os.ReadFile(db + "-wal"); len(wal) > 0 {
			fail("the store left a non-empty WAL after closing; the fixture copy would miss data")
			return
		}
	}
	baseBytes = b
	t.Logf("shared fixture: %d FIT files, manual entries, check-ins from %s", n, from.Format(time.DateOnly))
}

// checkinArgs is the `rebound checkin` command line of a demo check-in.
func checkinArgs(ci rebound.CheckIn) []string {
	args := []string{"checkin", "--date", ci.Date.Format(time.DateOnly)}
	if ci.SleepS != nil {
		m := int(*ci.SleepS/60 + 0.5)
		args = append(args, "--sleep", fmt.Sprintf("%dh%02dm", m/60, m%60))
	}
	for _, f := range []struct {
		flag string
		v    *int
	}{{"--sleep-quality", ci.SleepQuality}, {"--soreness", ci.Soreness}, {"--fatigue", ci.Fatigue},
		{"--stress", ci.Stress}, {"--mood", ci.Mood}, {"--alcohol-drinks", ci.AlcoholDrinks}} {
		if f.v != nil {
			args = append(args, f.flag, fmt.Sprint(*f.v))
		}
	}
	if ci.RestingHRBPM != nil {
		args = append(args, "--rhr", fmt.Sprint(*ci.RestingHRBPM))
	}
	if ci.HRVRMSSDms != nil {
		args = append(args, "--hrv", fmt.Sprint(*ci.HRVRMSSDms))
	}
	if ci.WeightKg != nil {
		args = append(args, "--weight", fmt.Sprintf("%gkg", *ci.WeightKg))
	}
	if ci.Ill {
		args = append(args, "--ill")
	}
	if ci.Pain != "" {
		args = append(args, "--pain", ci.Pain)
	}
	if ci.Notes != "" {
		args = append(args, "--notes", ci.Notes)
	}
	return args
}

// activityRow is the part of `rebound activities --json` the tests read.
type activityRow struct {
	ID        int64     `json:"id"`
	StartTime time.Time `json:"start_time"`
	ElapsedS  float64   `json:"elapsed_s"`
	Summary   string    `json:"summary_source"`
	Name      string    `json:"name"`
}

func activities(t *testing.T, db string) []activityRow {
	t.Helper()
	var rows []activityRow
	mustJSON(t, db, &rows, "activities", "--limit", "0")
	return rows
}

// planJSON is the issue 4 contract of `rebound plan --json`.
type planJSON struct {
	ActivityID int64  `json:"activity_id"`
	EndedAt    string `json:"ended_at"`
	Character  string `json:"character"`
	Variant    string `json:"variant"`
	Revision   int    `json:"revision"`
	Version    string `json:"version"`
	RedAlert   *struct {
		Active   *bool             `json:"active"`
		Triggers []json.RawMessage `json:"triggers"`
		ExitRule *string           `json:"exit_rule"`
	} `json:"red_alert"`
	IceBath *struct {
		Advice string `json:"advice"`
		Why    string `json:"why"`
	} `json:"ice_bath"`
	Recovery *struct {
		Hours         *float64          `json:"hours"`
		ReadyAt       string            `json:"ready_at"`
		Contributions []json.RawMessage `json:"contributions"`
		Confidence    string            `json:"confidence"`
	} `json:"recovery"`
	Steps []stepJSON `json:"steps"`
}

type stepJSON struct {
	Kind        string             `json:"kind"`
	At          string             `json:"at"`
	OffsetMin   *float64           `json:"offset_min"`
	DurationMin *float64           `json:"duration_min"`
	Title       string             `json:"title"`
	Detail      string             `json:"detail"`
	Amounts     map[string]float64 `json:"amounts"`
	Why         string             `json:"why"`
	Source      string             `json:"source"`
}

func planOf(t *testing.T, db string, args ...string) planJSON {
	t.Helper()
	var p planJSON
	mustJSON(t, db, &p, append([]string{"plan"}, args...)...)
	return p
}
