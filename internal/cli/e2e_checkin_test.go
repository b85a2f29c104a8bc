package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkinJSON is one object of `rebound checkins --json`.
type checkinJSON struct {
	Date          time.Time `json:"date"`
	SleepS        *float64  `json:"sleep_s"`
	SleepQuality  *int      `json:"sleep_quality"`
	Soreness      *int      `json:"soreness"`
	Fatigue       *int      `json:"fatigue"`
	Stress        *int      `json:"stress"`
	Mood          *int      `json:"mood"`
	RHR           *float64  `json:"resting_hr_bpm"`
	HRV           *float64  `json:"hrv_rmssd_ms"`
	WeightKg      *float64  `json:"weight_kg"`
	AlcoholDrinks *int      `json:"alcohol_drinks"`
	Ill           bool      `json:"ill"`
	Pain          string    `json:"pain"`
	Notes         string    `json:"notes"`
	Source        string    `json:"source"`
}

func checkinsOf(t *testing.T, db string, days string) []checkinJSON {
	t.Helper()
	var cis []checkinJSON
	mustJSON(t, db, &cis, "checkins", "--days", days)
	return cis
}

func ip(v int) *int { return &v }

func TestE2ECheckin(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--tz", "America/New_York")
	mustRun(t, db, "checkin", "--date", "2026-11-25", "--sleep", "7h30m", "--sleep-quality", "4", "--soreness", "2",
		"--fatigue", "3", "--stress", "2", "--mood", "5", "--rhr", "47", "--hrv", "68", "--weight", "150lb",
		"--alcohol-drinks", "1", "--ill", "--pain", "left Achilles, 4/10", "--notes", "windy")
	cis := checkinsOf(t, db, "7")
	if len(cis) != 1 {
		t.Fatalf("checkins --days 7: %d, want 1", len(cis))
	}
	c := cis[0]
	// 7h30m = 27000 s; 150 lb = 68.04 kg.
	want := checkinJSON{Date: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), SleepS: fp(27000), SleepQuality: ip(4), Soreness: ip(2),
		Fatigue: ip(3), Stress: ip(2), Mood: ip(5), RHR: fp(47), HRV: fp(68), AlcoholDrinks: ip(1), Ill: true,
		Pain: "left Achilles, 4/10", Notes: "windy", Source: "manual"}
	w := c.WeightKg
	c.WeightKg = nil
	if !jsonEqual(c, want) || w == nil || *w < 68.03 || *w > 68.05 {
		t.Errorf("check-in = %s (weight %v), want %s", js(c), w, js(want))
	}
	// Re-entering the date updates what is given and keeps the rest.
	mustRun(t, db, "checkin", "--date", "2026-11-25", "--hrv", "70", "--ill=false", "--pain", "")
	cis = checkinsOf(t, db, "7")
	if len(cis) != 1 || *cis[0].HRV != 70 || cis[0].Ill || cis[0].Pain != "" || cis[0].Mood == nil || *cis[0].Mood != 5 || *cis[0].SleepS != 27000 {
		t.Errorf("after re-entering 2026-11-25: %s", js(cis))
	}
	// Today by default: testNow is Fri 27 Nov 07:00 in New York.
	mustRun(t, db, "checkin", "--rhr", "49")
	cis = checkinsOf(t, db, "7")
	if len(cis) != 2 || cis[1].Date.Format(time.DateOnly) != "2026-11-27" {
		t.Errorf("checkin without --date: %s, want today 2026-11-27", js(cis))
	}
	if cis := checkinsOf(t, db, "1"); len(cis) != 1 {
		t.Errorf("checkins --days 1: %d, want today's only", len(cis))
	}
	r := mustRun(t, db, "checkins")
	if !strings.Contains(r.stdout, "2026-11-25") || !strings.Contains(r.stdout, "70") {
		t.Errorf("checkins table:\n%s", r.stdout)
	}
	if r := mustRun(t, tempDB(t), "checkins", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("checkins --json on an empty store = %q, want []", r.stdout)
	}

	tt := []struct {
		name string
		args []string
		want []string
	}{
		{"hrv 900", []string{"--hrv", "900"}, []string{"rMSSD 900", "5–300"}},
		{"sleep 30h", []string{"--sleep", "30h"}, []string{"sleep 30", "0–"}},
		{"soreness 6", []string{"--soreness", "6"}, []string{"soreness 6", "1–5"}},
		{"sleep quality 0", []string{"--sleep-quality", "0"}, []string{"1–5"}},
		{"mood -1", []string{"--mood", "-1"}, []string{"1–5"}},
		{"fatigue 10", []string{"--fatigue", "10"}, []string{"1–5"}},
		{"stress 9", []string{"--stress", "9"}, []string{"1–5"}},
		{"rhr 300", []string{"--rhr", "300"}, []string{"resting HR 300"}},
		{"weight 500kg", []string{"--weight", "500kg"}, []string{"weight 500"}},
		{"drinks -2", []string{"--alcohol-drinks", "-2"}, []string{"alcohol"}},
		{"sleep text", []string{"--sleep", "lots"}, []string{"lots"}},
		{"hrv text", []string{"--hrv", "high"}, []string{"--hrv"}},
		{"future date", []string{"--date", "2026-12-01", "--hrv", "60"}, []string{"future"}},
		{"bad date", []string{"--date", "27/11/2026", "--hrv", "60"}, []string{"--date"}},
		{"nothing to record", nil, []string{"at least one value"}},
		{"only a date", []string{"--date", "2026-11-20"}, []string{"at least one value"}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			wantUsage(t, rb(t, db, append([]string{"checkin"}, tc.args...)...), tc.want...)
		})
	}
	if n := len(checkinsOf(t, db, "30")); n != 2 {
		t.Errorf("refused check-ins were stored: %d check-ins, want 2", n)
	}
	wantUsage(t, rb(t, db, "checkins", "--days", "0"), "--days")
}

func fp(v float64) *float64 { return &v }

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func jsonEqual(a, b any) bool { return js(a) == js(b) }

// TestE2ECheckinCSV: an HRV app export with good rows and bad ones: each bad
// row reported on stderr with its line, the good rows kept, exit 1.
func TestE2ECheckinCSV(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--tz", "America/New_York")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("date,rmssd,resting hr\n2026-11-20,66,48\n2026-11-21,71,47\n2026-11-22,64.5,49\n"), 0o644)
	r := mustRun(t, db, "checkin", "--csv", good)
	if !strings.Contains(r.stdout, "3 check-ins imported") {
		t.Errorf("csv import: %q", r.stdout)
	}
	cis := checkinsOf(t, db, "14")
	if len(cis) != 3 || *cis[2].HRV != 64.5 || *cis[0].RHR != 48 || cis[0].Source != "csv" {
		t.Errorf("after the good CSV: %s", js(cis))
	}
	// A manual check-in of a CSV day keeps the CSV's measurements.
	mustRun(t, db, "checkin", "--date", "2026-11-21", "--mood", "4")
	// Bad rows: an impossible rMSSD (line 3), a broken date (line 4), a
	// morning in the future (line 6); lines 2 and 5 are good.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("date,rmssd\n2026-11-23,61\n2026-11-24,900\nyesterday,60\n2026-11-25,59\n2027-01-05,60\n"), 0o644)
	r = rb(t, db, "checkin", "--csv", bad)
	wantExit(t, r, ExitFailed, "line 3", "5–300", "line 4")
	cis = checkinsOf(t, db, "14")
	var dates []string
	for _, c := range cis {
		dates = append(dates, c.Date.Format(time.DateOnly))
		if c.Date.Format(time.DateOnly) == "2026-11-21" && (c.HRV == nil || *c.HRV != 71 || c.Mood == nil) {
			t.Errorf("2026-11-21 after a manual update: %s, want rMSSD 71 and mood kept together", js(c))
		}
	}
	if !slices.Equal(dates, []string{"2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-25"}) {
		t.Errorf("check-in dates %v: want the good rows kept, the bad ones skipped", dates)
	}
	// A morning after today is refused like `checkin --date` refuses it.
	wantExit(t, rb(t, db, "checkin", "--csv", filepath.Join(dir, "missing.csv")), ExitFailed, "missing.csv")
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, []byte("name,value\nfoo,1\n"), 0o644)
	wantExit(t, rb(t, db, "checkin", "--csv", empty), ExitFailed, "empty.csv")
	// A morning after today is refused like `checkin --date` refuses it.
	if !strings.Contains(r.stderr, "line 6") || !strings.Contains(r.stdout, "2 check-ins imported, 3 rows skipped") {
		t.Errorf("regression: checkin --csv stores a row dated 2027-01-05 (after today) instead of reporting it: stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// TestE2EDoneSkip: ticks in the plan, unknown steps, marks that survive
// re-planning.
func TestE2EDoneSkip(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	last := itoa(rows[len(rows)-1].ID)
	p := planOf(t, db)
	refuel, nap := stepOf(p, "refuel"), stepOf(p, "nap")
	if refuel == nil || nap == nil {
		t.Fatalf("the long run's plan lacks refuel or nap: %+v", p.Steps)
	}
	line := func(s *stepJSON) string {
		at, _ := time.Parse(time.RFC3339, s.At)
		return at.In(nyc).Format("15:04") + " " + s.Title
	}
	mustRun(t, db, "done", "refuel")
	mustRun(t, db, "skip", "nap")
	r := mustRun(t, db, "plan")
	if !strings.Contains(r.stdout, "[x] "+line(refuel)) || !strings.Contains(r.stdout, "[-] "+line(nap)) {
		t.Errorf("plan after done refuel, skip nap:\n%s", r.stdout)
	}
	if n := strings.Count(r.stdout, "[ ] "); n != len(p.Steps)-2 {
		t.Errorf("%d open steps, want %d", n, len(p.Steps)-2)
	}
	// Re-planning after a profile change keeps the marks.
	mustRun(t, db, "athlete", "set", "--weight", "75kg")
	q := planOf(t, db)
	if q.Version == p.Version {
		t.Fatalf("--weight 75kg did not change the plan (version %s)", q.Version)
	}
	refuel = stepOf(q, "refuel")
	r = mustRun(t, db, "plan")
	if !strings.Contains(r.stdout, "[x] "+line(refuel)) || !strings.Contains(r.stdout, "[-] "+line(stepOf(q, "nap"))) {
		t.Errorf("marks lost after re-planning:\n%s", r.stdout)
	}
	// A step's second occurrence; --all on another plan.
	if c := strings.Count(js(kindsOf(q)), `"pre_run"`); c >= 2 {
		mustRun(t, db, "done", "pre_run#2")
	}
	first := itoa(rows[0].ID)
	r = mustRun(t, db, "done", "--all", "--plan", first)
	r = mustRun(t, db, "plan", first)
	if strings.Contains(r.stdout, "[ ] ") || !strings.Contains(r.stdout, "[x] ") {
		t.Errorf("plan %s after done --all:\n%s", first, r.stdout)
	}
	// Mistakes.
	r = rb(t, db, "done", "massage")
	wantUsage(t, r, "massage", "refuel", "nap", "sleep")
	wantUsage(t, rb(t, db, "skip", "massage", "--plan", last), "massage", "refuel")
	wantUsage(t, rb(t, db, "done"), "STEP")
	wantUsage(t, rb(t, db, "done", "refuel", "--all"), "not both")
	wantUsage(t, rb(t, db, "skip", "--all"))
	wantExit(t, rb(t, db, "done", "refuel", "--plan", "999999"), ExitFailed, "999999")
	wantUsage(t, rb(t, db, "done", "refuel", "--plan", "abc"), "abc")
	wantExit(t, rb(t, tempDB(t), "done", "refuel"), ExitFailed, "no activities yet")
}

func kindsOf(p planJSON) []string {
	var k []string
	for _, s := range p.Steps {
		k = append(k, s.Kind)
	}
	return k
}

// TestE2ERedAlert: an ill morning switches Red Alert on (status and plan say
// why and what ends it); two green mornings later it ends and the history
// lists the episode.
func TestE2ERedAlert(t *testing.T) {
	db := fixtureDB(t)
	day := func(i int) time.Time { return testNow.AddDate(0, 0, i) } // 07:00 in New York
	before := statusOf(t, db, testNow)
	if redAlertOf(t, before).Active {
		t.Fatalf("Red Alert already on before the ill morning: %+v", before.RedAlert)
	}
	green := []string{"--sleep", "8h", "--sleep-quality", "4", "--soreness", "2", "--fatigue", "2", "--stress", "2", "--mood", "4", "--rhr", "48", "--hrv", "68"}
	if r := runAt(t, db, day(0), append([]string{"checkin", "--ill", "--notes", "fever"}, green...)...); r.code != ExitOK {
		t.Fatalf("ill checkin: %d %s", r.code, r.stderr)
	}
	s := statusOf(t, db, day(0))
	ra := redAlertOf(t, s)
	var sigs []string
	for _, tr := range ra.Triggers {
		sigs = append(sigs, tr.Signal)
	}
	if !ra.Active || ra.Since == nil || ra.Since.Format(time.DateOnly) != "2026-11-27" || !slices.Contains(sigs, "illness") || ra.ExitRule == "" {
		t.Errorf("after an ill morning: red_alert %+v, want active since 2026-11-27 with illness and an exit rule", ra)
	}
	if s.Readiness.Verdict != "red_alert" {
		t.Errorf("readiness %q, want red_alert", s.Readiness.Verdict)
	}
	r := runAt(t, db, day(0), "status")
	if !strings.HasPrefix(r.stdout, "!! RED ALERT RECOVERY MODE") || !strings.Contains(r.stdout, "ends when:") {
		t.Errorf("status text does not lead with the Red Alert:\n%s", r.stdout)
	}
	// The plan shows it too: Red Alert is on while the runner recovers from
	// the last long run.
	var p planJSON
	if r := runAt(t, db, day(0), "plan", "--json"); r.code == ExitOK {
		json.Unmarshal([]byte(r.stdout), &p)
	}
	planOK := p.RedAlert != nil && p.RedAlert.Active != nil && *p.RedAlert.Active && p.RedAlert.ExitRule != nil && *p.RedAlert.ExitRule != ""

	// Two green mornings end it.
	for i := 1; i <= 2; i++ {
		if r := runAt(t, db, day(i), append([]string{"checkin"}, green...)...); r.code != ExitOK {
			t.Fatalf("green checkin %d: %d %s", i, r.code, r.stderr)
		}
		s = statusOf(t, db, day(i))
		if i == 1 && !redAlertOf(t, s).Active {
			t.Errorf("Red Alert ended after one green morning; the exit rule needs two")
		}
	}
	if ra := redAlertOf(t, s); ra.Active {
		t.Errorf("Red Alert still on after two green mornings: %+v; readiness %q signals %s", ra, s.Readiness.Verdict, s.Readiness.Signals)
	}
	found := false
	for _, e := range s.History {
		if e.Since.Format(time.DateOnly) == "2026-11-27" {
			found = e.Until != nil && slices.Contains(e.Triggers, "illness")
		}
	}
	if !found {
		t.Errorf("history %+v lacks the ended episode since 2026-11-27 with illness", s.History)
	}
	if r := runAt(t, db, day(2), "status"); !strings.Contains(r.stdout, "Red Alert history:") || !strings.Contains(r.stdout, "2026-11-27 until") {
		t.Errorf("status text history:\n%s", r.stdout)
	}
	if !planOK {
		t.Errorf("regression: with Red Alert on (status says so) `plan` for the last workout shows red_alert %+v", p.RedAlert)
	}
}

// TestE2EDemo: rebound demo exits 0, tells the Red Alert episode and ends
// with the plan of the last long run.
func TestE2EDemo(t *testing.T) {
	db := tempDB(t)
	r := rb(t, db, "demo")
	if r.code != ExitOK {
		t.Fatalf("demo: exit %d %s", r.code, r.stderr)
	}
	out := r.stdout
	hist := strings.Index(out, "Red Alert history:")
	plan := strings.Index(out, "== Its recovery plan")
	if hist < 0 || !strings.Contains(out[hist:], "illness") || plan < hist {
		t.Errorf("demo output lacks the Red Alert episode before the plan:\n%s", out)
	}
	tail := out[plan:]
	for _, w := range []string{"Recovery plan for activity", "Ready for the next hard session", "Ice bath:", "Refuel", "Sleep"} {
		if !strings.Contains(tail, w) {
			t.Errorf("the demo's closing plan lacks %q", w)
		}
	}
	if n := strings.Count(out, "== "); n < 4 {
		t.Errorf("demo output has %d sections", n)
	}
	// The demo does not touch the runner's store.
	if _, err := os.Stat(db); err == nil {
		t.Error("demo created the runner's store")
	}
}

// TestE2EAdherence: skipping the key steps of a hard session's plan
// lengthens its recovery estimate, says so, and changes the plan (its
// calendar events' SEQUENCE grows); a step skipped after every long run is
// pointed out and adherence over 7/28 days is reported (issue 5).
func TestE2EAdherence(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	last := itoa(rows[len(rows)-1].ID)
	p0 := planOf(t, db, last)
	cal0 := writeCalendar(t, db, testNow, 7)
	for _, k := range []string{"refuel", "hydrate", "meal", "nap", "sleep"} {
		mustRun(t, db, "skip", k, "--plan", last)
	}
	p1 := planOf(t, db, last)
	// readiness.PoorPlanHours: a poorly followed hard-session plan adds 12 h.
	if p1.Recovery == nil || *p1.Recovery.Hours != *p0.Recovery.Hours+12 || len(p1.Recovery.Contributions) != len(p0.Recovery.Contributions)+1 {
		t.Errorf("after skipping refuel, hydrate, meal, nap and sleep: %v h with %d contributions; before %v h with %d — want +12 h stated as a contribution",
			*p1.Recovery.Hours, len(p1.Recovery.Contributions), *p0.Recovery.Hours, len(p0.Recovery.Contributions))
	}
	if !strings.Contains(string(p1.Recovery.Contributions[len(p1.Recovery.Contributions)-1]), "skipped") {
		t.Errorf("the extra contribution does not say why: %s", p1.Recovery.Contributions[len(p1.Recovery.Contributions)-1])
	}
	cal1 := writeCalendar(t, db, testNow, 7)
	uid := last + "-refuel-1@rebound"
	if cal1[uid].seq != cal0[uid].seq+1 {
		t.Errorf("%s SEQUENCE %d → %d after the plan changed, want +1", uid, cal0[uid].seq, cal1[uid].seq)
	}

	// Skip the nap after every long run of the last 28 days.
	longs := 0
	for _, a := range rows {
		if a.StartTime.Before(testNow.AddDate(0, 0, -28)) {
			continue
		}
		if p := planOf(t, db, itoa(a.ID)); p.Character == "long" && stepOf(p, "nap") != nil {
			mustRun(t, db, "skip", "nap", "--plan", itoa(a.ID))
			longs++
		}
	}
	if longs < 3 {
		t.Fatalf("only %d long runs with a nap in the last 28 days", longs)
	}
	var out strings.Builder
	for _, args := range [][]string{{"status"}, {"plan"}, {"plan", last}, {"checkins"}} {
		out.WriteString(mustRun(t, db, args...).stdout)
	}
	s := strings.ToLower(out.String())
	if !strings.Contains(s, "can_nap") || !strings.Contains(s, "adherence") {
		t.Errorf("regression: after skipping the nap after %d long runs no command reports adherence (7/28 days) or suggests can_nap: false (readiness.Adherence is never called)", longs)
	}
}

// TestE2EReadinessNeedsDays: a first morning gives no invented verdict: it
// says unknown and how many more mornings are needed (issue 5).
func TestE2EReadinessNeedsDays(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--tz", "America/New_York")
	mustRun(t, db, "checkin", "--sleep", "8h", "--rhr", "50", "--hrv", "65", "--mood", "4")
	r := mustRun(t, db, "status", "--json")
	var s struct {
		Readiness struct {
			Verdict  string `json:"verdict"`
			Why      string `json:"why"`
			NeedDays int    `json:"need_days"`
		} `json:"readiness"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.Readiness.Verdict != "unknown" || s.Readiness.NeedDays <= 0 || !strings.Contains(s.Readiness.Why, "more morning") {
		t.Errorf("readiness after one morning: %+v, want unknown with the days still needed", s.Readiness)
	}
	if r := mustRun(t, db, "status"); !strings.Contains(r.stdout, "Readiness: UNKNOWN") {
		t.Errorf("status text:\n%s", r.stdout)
	}
}
