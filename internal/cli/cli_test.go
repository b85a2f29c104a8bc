package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testNow is the clock of every CLI test.
var testNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// result is one run of the command line.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs rebound with args against db, as a runner would, in-process.
func runCLI(t *testing.T, db string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"REBOUND_DB": db, "HOME": t.TempDir()}
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb,
		func(k string) string { return env[k] }, func() time.Time { return testNow })
	return result{code, out.String(), errb.String()}
}

func tempDB(t *testing.T) string { return filepath.Join(t.TempDir(), "data", "rebound.db") }

func TestHelp(t *testing.T) {
	r := runCLI(t, tempDB(t), "--help")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, cmd := range []string{"import", "activities", "show", "log"} {
		if !strings.Contains(r.stdout, "  "+cmd) {
			t.Errorf("--help does not list %q:\n%s", cmd, r.stdout)
		}
	}
	for _, cmd := range []string{"import", "activities", "show", "log"} {
		r := runCLI(t, tempDB(t), "help", cmd)
		if r.code != ExitOK || !strings.Contains(r.stdout, "Examples:") {
			t.Errorf("help %s: exit %d, no worked example:\n%s", cmd, r.code, r.stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tt := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"unknown flag", []string{"activities", "--colour"}, "unknown flag"},
		{"bad units", []string{"activities", "--units", "furlongs"}, "use km or mi"},
		{"import without paths", []string{"import"}, "at least one file"},
		{"show without id", []string{"show"}, "takes 1 argument"},
		{"show with a bad id", []string{"show", "abc"}, "activity ID"},
		{"negative limit", []string{"activities", "--limit", "-1"}, "--limit"},
		{"bad since", []string{"activities", "--since", "yesterday"}, "--since"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tempDB(t), tc.args...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d", r.code, ExitUsage)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, "goroutine") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
				t.Errorf("stderr is not one clear line:\n%s", r.stderr)
			}
		})
	}
}

func TestLog(t *testing.T) {
	db := tempDB(t)
	r := runCLI(t, db, "log", "--start", "2026-07-11T06:00", "--duration", "45m", "--distance", "8km", "--rpe", "4", "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var a map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if a["distance_m"] != 8000.0 || a["elapsed_s"] != 2700.0 || a["rpe"] != 4.0 || a["summary_source"] != "manual" {
		t.Errorf("logged activity JSON = %v", a)
	}
	// The same workout again is refused as a duplicate.
	r = runCLI(t, db, "log", "--start", "2026-07-11T06:00", "--duration", "45m", "--distance", "8km")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "already covers this workout") {
		t.Errorf("duplicate log: exit %d, %q", r.code, r.stderr)
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"no start", []string{"--duration", "45m"}, "--start is required"},
		{"future", []string{"--start", "2027-01-01T06:00", "--duration", "45m"}, "in the future"},
		{"negative duration", []string{"--start", "2026-07-11T06:00", "--duration", "-45m"}, "cannot be negative"},
		{"zero duration", []string{"--start", "2026-07-11T06:00", "--duration", "0m"}, "more than 0"},
		{"negative distance", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--distance", "-8km"}, "cannot be negative"},
		{"world record", []string{"--start", "2026-07-11T06:00", "--duration", "20m", "--distance", "10km"}, "world record"},
		{"rpe", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--rpe", "11"}, "--rpe 11"},
		{"hr 400", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--avg-hr", "400"}, "20–250 bpm"},
		{"kind", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--kind", "jog"}, "--kind"},
		{"sport", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--sport", "quidditch"}, "--sport"},
		{"temp", []string{"--start", "2026-07-11T06:00", "--duration", "45m", "--temp", "90C"}, "--temp"},
		{"bad time", []string{"--start", "next tuesday", "--duration", "45m"}, "local time like"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tempDB(t), append([]string{"log"}, tc.args...)...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d stderr %q, want exit 2 with %q", r.code, r.stderr, tc.want)
			}
		})
	}
}

func TestShowNotFound(t *testing.T) {
	r := runCLI(t, tempDB(t), "show", "999")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "999") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

// gpxFile writes a small GPX run to dir and returns its path.
func gpxFile(t *testing.T, dir, name string, start time.Time, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<trkpt lat="%.6f" lon="7.0"><ele>400</ele><time>%s</time></trkpt>`, 45+float64(i)*0.000027, start.Add(time.Duration(i)*time.Second).Format(time.RFC3339))
	}
	b.WriteString(`</trkseg></trk></gpx>`)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportActivitiesShow(t *testing.T) {
	db := tempDB(t)
	dir := t.TempDir()
	gpxFile(t, dir, "a.gpx", time.Date(2026, 7, 11, 10, 0, 0, 0, time.UTC), 1200)
	gpxFile(t, dir, "b.gpx", time.Date(2026, 7, 12, 10, 0, 0, 0, time.UTC), 1800)
	os.WriteFile(filepath.Join(dir, "c.fit"), []byte("garbage"), 0o644)

	r := runCLI(t, db, "import", dir)
	if r.code != ExitFailed {
		t.Errorf("import with one bad file: exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stdout, "2 new, 0 duplicates skipped, 1 failed") {
		t.Errorf("summary: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "c.fit: not an activity file") {
		t.Errorf("failure line: %q", r.stderr)
	}

	r = runCLI(t, db, "import", "--json", dir)
	var rep struct {
		New, Duplicates, Failed int
		Files                   []map[string]any
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if rep.New != 0 || rep.Duplicates != 2 || rep.Failed != 1 || len(rep.Files) != 3 {
		t.Errorf("re-import report = %+v", rep)
	}

	r = runCLI(t, db, "activities", "--json")
	var acts []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &acts); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if len(acts) != 2 {
		t.Fatalf("activities: %d, want 2", len(acts))
	}
	for _, key := range []string{"id", "start_time", "utc_offset_s", "sport", "sub_sport", "distance_m", "elapsed_s", "moving_s", "avg_hr", "max_hr", "ascent_m", "source_file", "source_sha256"} {
		if _, ok := acts[0][key]; !ok {
			t.Errorf("activities JSON lacks %q", key)
		}
	}
	if acts[0]["start_time"] != "2026-07-11T10:00:00Z" || acts[0]["elapsed_s"] != 1199.0 {
		t.Errorf("first activity: start %v elapsed %v", acts[0]["start_time"], acts[0]["elapsed_s"])
	}

	r = runCLI(t, db, "activities", "--units", "mi")
	if r.code != ExitOK || !strings.Contains(r.stdout, " mi") {
		t.Errorf("activities --units mi: %q", r.stdout)
	}
	id := fmt.Sprint(acts[0]["id"])
	r = runCLI(t, db, "show", id)
	if r.code != ExitOK || !strings.Contains(r.stdout, "computed by Rebound from the recorded samples") {
		t.Errorf("show: exit %d %q", r.code, r.stdout)
	}
}
