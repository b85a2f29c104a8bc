package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"rebound/internal/demo"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// showLoad is the load part of `rebound show ID --json` (issue 3).
type showLoad struct {
	ID         int64            `json:"id"`
	TRIMP      *float64         `json:"trimp"`
	HRSS       *float64         `json:"hrss"`
	RTSS       *float64         `json:"rtss"`
	SRPE       *float64         `json:"srpe"`
	Load       *float64         `json:"load"`
	LoadSource string           `json:"load_source"`
	Character  string           `json:"character"`
	SetByYou   bool             `json:"character_set_by_you"`
	Zones      *json.RawMessage `json:"zones"`
	FastFinish json.RawMessage  `json:"fast_finish"`
	Surges     json.RawMessage  `json:"surges"`
	Quality    []string         `json:"quality_flags"`
	MovingS    float64          `json:"moving_s"`
}

// segment reads a fast finish or surge object whichever casing its keys use
// (the casing itself is checked by TestE2EShowSegmentKeys).
type segment struct{ start, dur, speed float64 }

func segmentOf(t *testing.T, raw json.RawMessage) segment {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("segment %s: %v", raw, err)
	}
	get := func(keys ...string) float64 {
		for _, k := range keys {
			if v, ok := m[k].(float64); ok {
				return v
			}
		}
		t.Fatalf("segment %s has none of %v", raw, keys)
		return 0
	}
	return segment{get("start_s", "StartS"), get("duration_s", "DurationS"), get("speed_mps", "SpeedMPS")}
}

func segmentsOf(t *testing.T, raw json.RawMessage) []segment {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		t.Fatalf("surges %s: want a list (%v)", raw, err)
	}
	out := make([]segment, len(list))
	for i, r := range list {
		out[i] = segmentOf(t, r)
	}
	return out
}

// loadDay is one object of `rebound load --json`.
type loadDay struct {
	Date string   `json:"date"`
	Load *float64 `json:"load"`
	CTL  float64  `json:"ctl"`
	ATL  float64  `json:"atl"`
	TSB  float64  `json:"tsb"`
}

// statusJSON is the part of `rebound status --json` issues 3 and 5 fix.
type statusJSON struct {
	Date string `json:"date"`
	Load *struct {
		Figures []struct {
			Name        string   `json:"name"`
			Value       *float64 `json:"value"`
			Meaning     string   `json:"meaning"`
			Explanation struct {
				Formula string `json:"formula"`
				Source  string `json:"source"`
			} `json:"explanation"`
		} `json:"figures"`
	} `json:"load"`
	RedAlert  map[string]json.RawMessage `json:"red_alert"`
	Readiness struct {
		Verdict string            `json:"verdict"`
		Signals []json.RawMessage `json:"signals"`
	} `json:"readiness"`
	History []struct {
		Since    time.Time  `json:"since"`
		Until    *time.Time `json:"until"`
		Triggers []string   `json:"triggers"`
	} `json:"red_alert_history"`
}

func statusOf(t *testing.T, db string, now time.Time, args ...string) statusJSON {
	t.Helper()
	r := runAt(t, db, now, append([]string{"status", "--json"}, args...)...)
	if r.code != ExitOK {
		t.Fatalf("status %v: exit %d %s", args, r.code, r.stderr)
	}
	var s statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	return s
}

// redAlertOf decodes the red_alert block, checking it has exactly the issue
// 5 keys.
type redAlertJSON struct {
	Active   bool
	Since    *time.Time
	Triggers []struct {
		Signal string `json:"signal"`
		Why    string `json:"why"`
	}
	ExitRule string
}

func redAlertOf(t *testing.T, s statusJSON) redAlertJSON {
	t.Helper()
	var ra redAlertJSON
	for _, k := range []string{"active", "since", "triggers", "exit_rule"} {
		if _, ok := s.RedAlert[k]; !ok {
			t.Errorf("status red_alert lacks %q: %v", k, s.RedAlert)
		}
	}
	dec := func(k string, v any) {
		if raw, ok := s.RedAlert[k]; ok {
			if err := json.Unmarshal(raw, v); err != nil {
				t.Errorf("red_alert.%s: %v", k, err)
			}
		}
	}
	dec("active", &ra.Active)
	dec("since", &ra.Since)
	dec("triggers", &ra.Triggers)
	dec("exit_rule", &ra.ExitRule)
	return ra
}

func TestE2EStatus(t *testing.T) {
	db := fixtureDB(t)
	s := statusOf(t, db, testNow)
	// testNow is 07:00 on Fri 27 Nov in New York: status is for that day.
	if s.Date != "2026-11-27" {
		t.Errorf("status date %q, want 2026-11-27 (the runner's local today)", s.Date)
	}
	if s.Load == nil {
		t.Fatal("status has no load block on a store with 8 weeks of history")
	}
	want := []string{"fitness", "fatigue", "form", "ramp", "acwr", "monotony", "weekly_distance", "last_spike", "hours_since_hard"}
	var names []string
	for _, f := range s.Load.Figures {
		names = append(names, f.Name)
		if strings.TrimSpace(f.Meaning) == "" || f.Explanation.Formula == "" || f.Explanation.Source == "" {
			t.Errorf("figure %s lacks a meaning, formula or source: %+v", f.Name, f)
		}
	}
	for _, w := range want {
		if !slices.Contains(names, w) {
			t.Errorf("status figures %v lack %q (issue 3)", names, w)
		}
	}
	ra := redAlertOf(t, s)
	if ra.ExitRule == "" || ra.Triggers == nil {
		t.Errorf("red_alert %+v: want an exit rule and a (possibly empty) trigger list", ra)
	}
	if !slices.Contains([]string{"ready", "easy", "red_alert", "unknown"}, s.Readiness.Verdict) || s.Readiness.Signals == nil {
		t.Errorf("readiness %+v: verdict must be ready|easy|red_alert|unknown and signals a list", s.Readiness)
	}
	// The demo's cold (three ill mornings in week 14) is in the history, ended.
	h := demoHistory(t)
	ill := h.RedAlertFrom
	found := false
	for _, e := range s.History {
		if e.Since.Equal(ill) {
			found = e.Until != nil && slices.Contains(e.Triggers, "illness")
		}
	}
	if !found {
		t.Errorf("red_alert_history = %+v, want the ended illness episode from %s", s.History, ill.Format(time.DateOnly))
	}
	// On the fever morning (the second ill day) Red Alert is on, with illness among its triggers.
	s7 := statusOf(t, db, testNow, "--date", ill.AddDate(0, 0, 1).Format(time.DateOnly))
	ra7 := redAlertOf(t, s7)
	var sigs []string
	for _, tr := range ra7.Triggers {
		sigs = append(sigs, tr.Signal)
	}
	if !ra7.Active || !slices.Contains(sigs, "illness") || s7.Readiness.Verdict != "red_alert" {
		t.Errorf("status on the fever day: red alert %+v, readiness %q; want active with illness", ra7, s7.Readiness.Verdict)
	}

	// Text: every figure's meaning; --explain adds formula and source of each.
	r := mustRun(t, db, "status")
	for _, w := range []string{"fitness", "fatigue", "form", "Readiness:"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("status text lacks %q:\n%s", w, r.stdout)
		}
	}
	r = mustRun(t, db, "status", "--explain")
	if n := strings.Count(r.stdout, "formula: "); n != len(s.Load.Figures) {
		t.Errorf("status --explain shows %d formulas for %d figures", n, len(s.Load.Figures))
	}
	if n := strings.Count(r.stdout, "source: "); n < len(s.Load.Figures) {
		t.Errorf("status --explain shows %d sources for %d figures", n, len(s.Load.Figures))
	}

	// A date before any history: no invented figures.
	s0 := statusOf(t, db, testNow, "--date", "2020-01-01")
	if s0.Load != nil || s0.Readiness.Verdict != "unknown" || redAlertOf(t, s0).Active {
		t.Errorf("status --date 2020-01-01: load %v, readiness %q; want no load, unknown", s0.Load, s0.Readiness.Verdict)
	}
	r = mustRun(t, db, "status", "--date", "2020-01-01")
	if !strings.Contains(r.stdout, "No training history") {
		t.Errorf("status before any history:\n%s", r.stdout)
	}
	// On an empty store too.
	empty := tempDB(t)
	if s := statusOf(t, empty, testNow); s.Load != nil || s.Readiness.Verdict != "unknown" {
		t.Errorf("status on an empty store: %+v", s)
	}
	wantUsage(t, rb(t, db, "status", "--date", "yesterday"), "--date")
	wantUsage(t, rb(t, db, "status", "extra"), "argument")
}

// TestE2EStatusPastDateKeepsHistory: looking at a past date must not change
// what today's status says about the Red Alert history.
func TestE2EStatusPastDateKeepsHistory(t *testing.T) {
	db := fixtureDB(t)
	before := statusOf(t, db, testNow).History
	statusOf(t, db, testNow, "--date", "2026-11-07")
	after := statusOf(t, db, testNow).History
	if len(before) != len(after) || len(after) == 0 || after[0].Until == nil {
		t.Errorf("history changed after status --date: %+v → %+v", before, after)
	}
}

func TestE2ELoad(t *testing.T) {
	db := fixtureDB(t)
	var days []loadDay
	mustJSON(t, db, &days, "load", "--weeks", "2", "--until", "2026-11-15")
	if len(days) != 14 || days[13].Date != "2026-11-15" || days[0].Date != "2026-11-02" {
		t.Fatalf("load --weeks 2 --until 2026-11-15: %d days %v, want 2026-11-02 … 2026-11-15", len(days), days)
	}
	for i, d := range days {
		if d.Load == nil {
			t.Errorf("day %s has no load field", d.Date)
			continue
		}
		if i == 0 {
			continue
		}
		p := days[i-1]
		want, _ := time.Parse(time.DateOnly, p.Date)
		if d.Date != want.AddDate(0, 0, 1).Format(time.DateOnly) {
			t.Errorf("day %d is %s after %s: not one object per day", i, d.Date, p.Date)
		}
		// TrainingPeaks' PMC (science.md §5): CTL_t = CTL_{t−1} + (load_t − CTL_{t−1})/42,
		// ATL likewise over 7 days, TSB_t = CTL_{t−1} − ATL_{t−1}.
		if c := p.CTL + (*d.Load-p.CTL)/42; math.Abs(d.CTL-c) > 1e-6 {
			t.Errorf("%s: ctl %.6f, want %.6f from yesterday's %.6f and load %.1f", d.Date, d.CTL, c, p.CTL, *d.Load)
		}
		if a := p.ATL + (*d.Load-p.ATL)/7; math.Abs(d.ATL-a) > 1e-6 {
			t.Errorf("%s: atl %.6f, want %.6f", d.Date, d.ATL, a)
		}
		if tsb := p.CTL - p.ATL; math.Abs(d.TSB-tsb) > 1e-6 {
			t.Errorf("%s: tsb %.6f, want yesterday's ctl − atl = %.6f", d.Date, d.TSB, tsb)
		}
	}
	// A day has load exactly when the demo ran that day (the sick week has rest days).
	ran := map[string]bool{}
	for _, r := range demoHistory(t).Runs {
		ran[r.Date.Format(time.DateOnly)] = true
	}
	for _, d := range days {
		if d.Load != nil && (*d.Load > 0) != ran[d.Date] {
			t.Errorf("load on %s = %.1f, but the history ran that day: %v", d.Date, *d.Load, ran[d.Date])
		}
	}
	// A day's load is the sum of its workouts' loads: the fixture's manual
	// entry is alone on its day.
	rows := activities(t, db)
	var manual int64
	for _, a := range rows {
		if a.Name == fixtureLogName {
			manual = a.ID
		}
	}
	var ml showLoad
	mustJSON(t, db, &ml, "show", itoa(manual))
	var all []loadDay
	mustJSON(t, db, &all, "load", "--weeks", "9")
	found := false
	for _, d := range all {
		if d.Date == baseLog.Format(time.DateOnly) {
			found = true
			if ml.Load == nil || math.Abs(*d.Load-*ml.Load) > 1e-6 {
				t.Errorf("load on %s = %v, want the manual entry's %v", d.Date, *d.Load, ml.Load)
			}
		}
	}
	if !found {
		t.Errorf("load --weeks 9 has no day %s", baseLog.Format(time.DateOnly))
	}
	r := mustRun(t, db, "load", "--weeks", "1")
	if !strings.Contains(r.stdout, "FITNESS") || !strings.Contains(r.stdout, "7 days") {
		t.Errorf("load table:\n%s", r.stdout)
	}
	for _, bad := range [][]string{{"--weeks", "0"}, {"--weeks", "-3"}, {"--weeks", "many"}, {"--until", "2026-13-01"}, {"--until", "last week"}, {"--frobnicate"}} {
		wantUsage(t, rb(t, db, append([]string{"load"}, bad...)...))
	}
	// An empty store: an empty list, not null.
	r = mustRun(t, tempDB(t), "load", "--json")
	if strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("load --json on an empty store = %q, want []", r.stdout)
	}
}

// TestE2EShowLoad: the issue 3 fields of show --json on an HR run, a manual
// entry and an HR-less run.
func TestE2EShowLoad(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	var raw map[string]json.RawMessage
	mustJSON(t, db, &raw, "show", itoa(rows[len(rows)-1].ID))
	for _, k := range []string{"trimp", "hrss", "rtss", "srpe", "load", "load_source", "zones", "character", "fast_finish", "surges", "quality_flags"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("show --json lacks %q", k)
		}
	}
	// The last long run: 20 mi with a fast finish and four surges (demo week 16).
	var long showLoad
	mustJSON(t, db, &long, "show", itoa(rows[len(rows)-1].ID))
	if long.LoadSource != "hr" || long.TRIMP == nil || long.HRSS == nil || long.RTSS == nil || long.Load == nil || *long.Load != *long.HRSS {
		t.Errorf("long run load: %+v, want HR-based with trimp, hrss and rtss, load = hrss", long)
	}
	if long.Character != "long" || string(long.FastFinish) == "null" || len(segmentsOf(t, long.Surges)) != 4 || long.Quality == nil {
		t.Errorf("long run: character %q, fast finish %s, surges %s, flags %v", long.Character, long.FastFinish, long.Surges, long.Quality)
	}
	var zones struct {
		HR   []map[string]any `json:"hr"`
		Pace []map[string]any `json:"pace"`
	}
	if long.Zones == nil || json.Unmarshal(*long.Zones, &zones) != nil || len(zones.HR) < 5 || len(zones.Pace) < 4 {
		t.Errorf("zones %s: want Friel HR zones and Daniels pace zones", deref2(long.Zones))
	}

	// The manual entry: sRPE = RPE 3 × 40 min = 120 (Foster 2001); no HR figures.
	var manual showLoad
	for _, a := range rows {
		if a.Name == fixtureLogName {
			mustJSON(t, db, &manual, "show", itoa(a.ID))
		}
	}
	if manual.SRPE == nil || *manual.SRPE != 120 || manual.TRIMP != nil || manual.HRSS != nil || manual.Load == nil || manual.LoadSource == "hr" {
		t.Errorf("manual entry: %+v, want srpe 120, no trimp/hrss, a load not from hr", manual)
	}
	if string(manual.FastFinish) != "null" || len(segmentsOf(t, manual.Surges)) != 0 || manual.Quality == nil {
		t.Errorf("manual entry: fast_finish %s surges %s flags %v; want null, [], a list", manual.FastFinish, manual.Surges, manual.Quality)
	}

	// An HR-less run (demo fixture no-hr-45min): load from pace, flagged.
	dir := t.TempDir()
	fx := demo.Fixtures()[1]
	b, err := demo.EncodeRun(fx.Spec)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, fx.Name), b, 0o644)
	mustRun(t, db, "import", dir)
	var nohr showLoad
	mustJSON(t, db, &nohr, "show", itoa(activities(t, db)[0].ID))
	if nohr.LoadSource != "pace" || nohr.RTSS == nil || nohr.HRSS != nil || nohr.TRIMP != nil || !slices.Contains(nohr.Quality, "no_hr_stream") {
		t.Errorf("HR-less run: %+v, want load from pace (rTSS), no HR figures, flag no_hr_stream", nohr)
	}
}

func deref2(r *json.RawMessage) string {
	if r == nil {
		return "null"
	}
	return string(*r)
}

// TestE2EShowFastFinishAndSurges: a generated FIT file with a known 5-min
// fast finish at 6:15/mi from 35:00 and four 25-s surges at 19:00, 23:00,
// 27:00 and 31:00 (demo.Fixtures ff-surges-40min, noisy speed, HR and GPS).
func TestE2EShowFastFinishAndSurges(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--hr-max", "188", "--hr-rest", "48", "--lthr", "171", "--threshold-pace", "4:05/km", "--tz", "America/New_York")
	fx := demo.Fixtures()[0]
	b, err := demo.EncodeRun(fx.Spec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, fx.Name), b, 0o644)
	mustRun(t, db, "import", dir)
	id := itoa(activities(t, db)[0].ID)
	var s showLoad
	mustJSON(t, db, &s, "show", id)
	if string(s.FastFinish) == "null" || len(s.FastFinish) == 0 {
		t.Fatalf("no fast finish found; want %+v", *fx.FastFinish)
	}
	// Tolerances: the script's speed changes through a bounded acceleration
	// and noise (SD 0.08 m/s), so edges may move by a few seconds.
	ff := segmentOf(t, s.FastFinish)
	if math.Abs(ff.start-fx.FastFinish.StartS) > 30 || math.Abs(ff.dur-fx.FastFinish.DurationS) > 30 || math.Abs(ff.speed-fx.FastFinish.SpeedMPS) > 0.2 {
		t.Errorf("fast finish %+v, want start %.0f s, %.0f s at %.2f m/s", ff, fx.FastFinish.StartS, fx.FastFinish.DurationS, fx.FastFinish.SpeedMPS)
	}
	surges := segmentsOf(t, s.Surges)
	if len(surges) != len(fx.Surges) {
		t.Fatalf("%d surges %+v, want %d %+v", len(surges), surges, len(fx.Surges), fx.Surges)
	}
	for i, w := range fx.Surges {
		g := surges[i]
		if math.Abs(g.start-w.StartS) > 10 || math.Abs(g.dur-w.DurationS) > 10 || math.Abs(g.speed-w.SpeedMPS) > 0.4 {
			t.Errorf("surge %d = %+v, want start %.0f s, %.0f s at %.2f m/s", i+1, g, w.StartS, w.DurationS, w.SpeedMPS)
		}
	}
	// The text form gives them as local clock times: the run starts at
	// 06:00 EDT (10:00 UTC), so the first surge is at 06:19 and the fast
	// finish at 06:35.
	r := mustRun(t, db, "show", id)
	for _, w := range []string{"Fast finish from 06:35", "Surge 1 at 06:19", "Surge 4 at 06:31"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("show text lacks %q:\n%s", w, r.stdout)
		}
	}
}

// TestE2EShowSegmentKeys: the JSON of fast_finish, surges and zones uses the
// same snake_case, unit-suffixed keys as every other field of the contract
// (start_s, duration_s, distance_m, speed_mps), not Go field names.
func TestE2EShowSegmentKeys(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	r := mustRun(t, db, "show", itoa(rows[len(rows)-1].ID), "--json")
	var m struct {
		FastFinish map[string]any   `json:"fast_finish"`
		Surges     []map[string]any `json:"surges"`
		Zones      struct {
			HR []map[string]any `json:"hr"`
		} `json:"zones"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || m.FastFinish == nil || len(m.Surges) == 0 || len(m.Zones.HR) == 0 {
		t.Fatalf("show --json: %v", err)
	}
	bad := func(obj map[string]any) []string {
		var out []string
		for k := range obj {
			if k != strings.ToLower(k) {
				out = append(out, k)
			}
		}
		return out
	}
	if k := append(append(bad(m.FastFinish), bad(m.Surges[0])...), bad(m.Zones.HR[0])...); len(k) > 0 {
		t.Errorf("regression: show --json fast_finish/surges/zones use Go field names %v instead of snake_case (start_s, duration_s, speed_mps, seconds)", k)
	}
}

func TestE2ETag(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	id := itoa(rows[len(rows)-1].ID)
	var s showLoad
	mustJSON(t, db, &s, "show", id)
	auto := s.Character
	if auto != "long" {
		t.Fatalf("last long run's character %q, want long", auto)
	}
	r := mustRun(t, db, "tag", id, "race")
	if !strings.Contains(r.stdout, "race") {
		t.Errorf("tag output %q", r.stdout)
	}
	mustJSON(t, db, &s, "show", id)
	if s.Character != "race" || !s.SetByYou {
		t.Errorf("after tag race: character %q set by you %v", s.Character, s.SetByYou)
	}
	if r := mustRun(t, db, "show", id); !strings.Contains(r.stdout, "Character  race") || !strings.Contains(r.stdout, "by you") {
		t.Errorf("show text after tag race:\n%s", r.stdout)
	}
	// The plan follows: a race gets the post-race variant.
	if p := planOf(t, db, id); p.Character != "race" || p.Variant != "post_race" {
		t.Errorf("plan after tag race: character %q variant %q", p.Character, p.Variant)
	}
	mustRun(t, db, "tag", id, "auto")
	mustJSON(t, db, &s, "show", id)
	if s.Character != auto || s.SetByYou {
		t.Errorf("after tag auto: character %q set by you %v, want %q by Rebound", s.Character, s.SetByYou, auto)
	}
	wantUsage(t, rb(t, db, "tag", id, "tempo"), "easy, long, workout, race or auto")
	wantUsage(t, rb(t, db, "tag", "abc", "race"), "abc")
	wantUsage(t, rb(t, db, "tag", id), "2 argument")
	wantExit(t, rb(t, db, "tag", "999999", "race"), ExitFailed, "999999")
}

// TestE2ELoadUntilBeforeHistory: a day before the first workout has no
// training days: an empty list (JSON) or the "no history" line, exit 0.
func TestE2ELoadUntilBeforeHistory(t *testing.T) {
	db := fixtureDB(t)
	// The fixture's first workout is on 2026-10-02 (8 weeks before testNow).
	var bugs []string
	for _, until := range []string{"2026-10-01", "2026-09-01", "2020-01-01"} {
		r := rb(t, db, "load", "--until", until, "--json")
		if r.code != ExitOK || strings.TrimSpace(r.stdout) != "[]" {
			bugs = append(bugs, until+": exit "+strconv.Itoa(r.code)+" "+strings.SplitN(r.stderr, "\n", 2)[0])
		}
		r = rb(t, db, "load", "--until", until)
		if r.code != ExitOK || !strings.Contains(r.stdout, "No training history") {
			bugs = append(bugs, until+" (text): exit "+strconv.Itoa(r.code))
		}
	}
	if len(bugs) > 0 {
		t.Errorf("regression: load --until a date before the history panics in coach.Days: %v", bugs)
	}
}
