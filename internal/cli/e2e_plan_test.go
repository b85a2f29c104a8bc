package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkPlanContract checks one plan --json against the issue 4 contract and
// its internal consistency; times must carry the offset of loc at their
// instant.
func checkPlanContract(t *testing.T, raw []byte, loc *time.Location) planJSON {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, raw)
	}
	for _, k := range []string{"activity_id", "ended_at", "character", "red_alert", "ice_bath", "recovery", "steps"} {
		if _, ok := top[k]; !ok {
			t.Errorf("plan JSON lacks %q", k)
		}
	}
	keysOf := func(name string, raw json.RawMessage, keys ...string) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("plan JSON %s lacks %q: %s", name, k, raw)
			}
		}
	}
	keysOf("red_alert", top["red_alert"], "active", "triggers", "exit_rule")
	keysOf("ice_bath", top["ice_bath"], "advice", "why")
	keysOf("recovery", top["recovery"], "hours", "ready_at", "contributions", "confidence")
	var steps []json.RawMessage
	json.Unmarshal(top["steps"], &steps)
	for i, s := range steps {
		keysOf("steps["+itoa(int64(i))+"]", s, "kind", "at", "offset_min", "duration_min", "title", "detail", "amounts", "why", "source")
	}
	var p planJSON
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	local := func(what, s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Errorf("%s %q is not RFC 3339: %v", what, s, err)
			return tm
		}
		_, got := tm.Zone()
		_, want := tm.In(loc).Zone()
		if got != want {
			t.Errorf("%s %s: offset %+d s, want %s's %+d s at that instant", what, s, got, loc, want)
		}
		return tm
	}
	ended := local("ended_at", p.EndedAt)
	if p.Recovery != nil {
		ready := local("recovery.ready_at", p.Recovery.ReadyAt)
		if p.Recovery.Hours == nil || *p.Recovery.Hours <= 0 || math.Abs(ready.Sub(ended).Hours()-*p.Recovery.Hours) > 0.05 {
			t.Errorf("recovery: %v h, ready_at %s after ended_at %s", p.Recovery.Hours, p.Recovery.ReadyAt, p.EndedAt)
		}
		if !slices.Contains([]string{"low", "medium", "high"}, p.Recovery.Confidence) || len(p.Recovery.Contributions) == 0 {
			t.Errorf("recovery confidence %q, %d contributions", p.Recovery.Confidence, len(p.Recovery.Contributions))
		}
	}
	if p.IceBath == nil || !slices.Contains([]string{"skip", "optional", "recommended"}, p.IceBath.Advice) || p.IceBath.Why == "" {
		t.Errorf("ice_bath %+v", p.IceBath)
	}
	if p.RedAlert == nil || p.RedAlert.Active == nil || p.RedAlert.Triggers == nil {
		t.Errorf("red_alert %+v: active and a trigger list", p.RedAlert)
	}
	kinds := []string{"pre_run", "refuel", "hydrate", "mobility", "meal", "shower", "nap", "caffeine", "walk", "sleep", "ice_bath", "red_alert"}
	if len(p.Steps) == 0 {
		t.Errorf("plan %d has no steps", p.ActivityID)
	}
	var prev time.Time
	for i, s := range p.Steps {
		if !slices.Contains(kinds, s.Kind) {
			t.Errorf("step %d kind %q is not one of %v", i, s.Kind, kinds)
		}
		at := local("step "+s.Kind+" at", s.At)
		if at.Before(prev) {
			t.Errorf("step %d (%s at %s) is before the step before it", i, s.Kind, s.At)
		}
		prev = at
		if s.OffsetMin == nil || math.Abs(at.Sub(ended).Minutes()-*s.OffsetMin) > 0.51 {
			t.Errorf("step %s: offset_min %v, but at − ended_at = %.1f min", s.Kind, s.OffsetMin, at.Sub(ended).Minutes())
		}
		if s.DurationMin == nil || *s.DurationMin < 0 || s.Title == "" || s.Why == "" || s.Source == "" || s.Amounts == nil {
			t.Errorf("step %s: duration %v, title %q, why %q, source %q, amounts %v", s.Kind, s.DurationMin, s.Title, s.Why, s.Source, s.Amounts)
		}
		for k, v := range s.Amounts {
			if v < 0 || math.IsNaN(v) {
				t.Errorf("step %s amount %s = %v", s.Kind, k, v)
			}
		}
	}
	return p
}

func planRaw(t *testing.T, db string, args ...string) []byte {
	t.Helper()
	return []byte(mustRun(t, db, append(append([]string{"plan"}, args...), "--json")...).stdout)
}

func stepOf(p planJSON, kind string) *stepJSON {
	for i := range p.Steps {
		if p.Steps[i].Kind == kind {
			return &p.Steps[i]
		}
	}
	return nil
}

func TestE2EPlanContract(t *testing.T) {
	db := fixtureDB(t)
	rows := activities(t, db)
	last := rows[len(rows)-1]
	p := checkPlanContract(t, planRaw(t, db, "latest"), nyc)
	if p.ActivityID != last.ID {
		t.Errorf("plan latest is for activity %d, want the latest %d", p.ActivityID, last.ID)
	}
	for _, args := range [][]string{nil, {itoa(last.ID)}} {
		if q := planOf(t, db, args...); q.ActivityID != last.ID || q.Version != p.Version {
			t.Errorf("plan %v: activity %d version %s, want the same plan as plan latest", args, q.ActivityID, q.Version)
		}
	}
	// The last long run (20 mi, 2 h 43 min, build phase): the full plan,
	// no ice bath (build), a nap of at most 90 min ending by 16:00, refuel
	// protein 0.3 g/kg × 68 kg = 20.4 g (science.md §1; within 20–40 g).
	if p.Character != "long" || p.Variant != "full" || p.IceBath.Advice != "skip" {
		t.Errorf("long run plan: character %q variant %q ice bath %q", p.Character, p.Variant, p.IceBath.Advice)
	}
	if s := stepOf(p, "refuel"); s == nil || s.Amounts["protein_g"] < 20 || s.Amounts["protein_g"] > 21 {
		t.Errorf("refuel %+v: want ~20 g protein (0.3 g/kg × 68 kg)", s)
	}
	if s := stepOf(p, "nap"); s == nil {
		t.Error("full plan without a nap")
	} else {
		at, _ := time.Parse(time.RFC3339, s.At)
		end := at.Add(time.Duration(*s.DurationMin) * time.Minute).In(nyc)
		if *s.DurationMin > 90 || end.Hour()*60+end.Minute() > 16*60 {
			t.Errorf("nap %s for %.0f min: want ≤ 90 min ending by 16:00", s.At, *s.DurationMin)
		}
	}
	for _, k := range []string{"refuel", "hydrate", "mobility", "meal", "shower", "caffeine", "walk", "sleep"} {
		if stepOf(p, k) == nil {
			t.Errorf("full plan lacks a %s step", k)
		}
	}
	// Coffee only before the bedtime cutoff: ≥ 9 h for ~100 mg (science.md §3).
	if c, s := stepOf(p, "caffeine"), stepOf(p, "sleep"); c != nil && s != nil && c.Amounts["caffeine_mg"] > 0 {
		ca, _ := time.Parse(time.RFC3339, c.At)
		sl, _ := time.Parse(time.RFC3339, s.At)
		if sl.Sub(ca) < 9*time.Hour {
			t.Errorf("caffeine %.0f mg at %s, only %v before bedtime %s", c.Amounts["caffeine_mg"], c.At, sl.Sub(ca), s.At)
		}
	}

	// Every plan of the 8 weeks keeps the contract; the October ones are in
	// EDT (−04:00), the November ones in EST (−05:00), and a plan that runs
	// over the DST change of 1 Nov has both.
	offsets := map[string]bool{}
	for _, a := range rows {
		q := checkPlanContract(t, planRaw(t, db, itoa(a.ID)), nyc)
		for _, s := range q.Steps {
			offsets[s.At[len(s.At)-6:]] = true
		}
	}
	if !offsets["-04:00"] || !offsets["-05:00"] || len(offsets) != 2 {
		t.Errorf("step offsets across the fixture: %v, want -04:00 and -05:00", offsets)
	}

	// Text: one line per step with its local clock time; --explain adds the
	// why and source of each.
	r := mustRun(t, db, "plan")
	for _, s := range p.Steps {
		at, _ := time.Parse(time.RFC3339, s.At)
		if !strings.Contains(r.stdout, "[ ] "+at.Format("15:04")+" "+s.Title) {
			t.Errorf("plan text lacks %q:\n%s", "[ ] "+at.Format("15:04")+" "+s.Title, r.stdout)
		}
	}
	r = mustRun(t, db, "plan", "--explain")
	if n := strings.Count(r.stdout, "        why: "); n != len(p.Steps) {
		t.Errorf("plan --explain: %d why lines for %d steps", n, len(p.Steps))
	}
	if n := strings.Count(r.stdout, "        source: "); n != len(p.Steps) {
		t.Errorf("plan --explain: %d source lines for %d steps", n, len(p.Steps))
	}

	// Another time zone: the same instants, Berlin's offset (+01:00 in November).
	mustRun(t, db, "athlete", "set", "--tz", "Europe/Berlin")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	q := checkPlanContract(t, planRaw(t, db), berlin)
	if q.EndedAt[len(q.EndedAt)-6:] != "+01:00" {
		t.Errorf("ended_at %s in Berlin, want +01:00", q.EndedAt)
	}
	a1, _ := time.Parse(time.RFC3339, p.EndedAt)
	a2, _ := time.Parse(time.RFC3339, q.EndedAt)
	if !a1.Equal(a2) {
		t.Errorf("ended_at moved with the time zone: %s vs %s", p.EndedAt, q.EndedAt)
	}
}

func TestE2EPlanErrors(t *testing.T) {
	empty := tempDB(t)
	for _, args := range [][]string{{"plan", "latest"}, {"plan"}, {"plan", "latest", "--json"}} {
		r := rb(t, empty, args...)
		wantExit(t, r, ExitFailed, "no activities yet", "rebound import")
		if r.stdout != "" {
			t.Errorf("%v on an empty store printed %q", args, r.stdout)
		}
	}
	db := fixtureDB(t)
	wantExit(t, rb(t, db, "plan", "999999"), ExitFailed, "999999")
	wantUsage(t, rb(t, db, "plan", "abc"), "abc")
	wantUsage(t, rb(t, db, "plan", "1", "2"), "at most one argument")
	wantUsage(t, rb(t, db, "plan", "--temp", "90C"), "--temp")
	wantUsage(t, rb(t, db, "plan", "--temp", "hot"))
}

// TestE2EPlanTemp: --temp overrides the air temperature; heat raises fluids
// and sodium (science.md §1, §9).
func TestE2EPlanTemp(t *testing.T) {
	db := fixtureDB(t)
	cool := planOf(t, db, "latest")
	hot := planOf(t, db, "latest", "--temp", "32C")
	hotF := planOf(t, db, "latest", "--temp", "89.6F") // 32 °C
	c, h := stepOf(cool, "hydrate"), stepOf(hot, "hydrate")
	if c == nil || h == nil {
		t.Fatalf("no hydrate step: %v %v", c, h)
	}
	if h.Amounts["fluid_ml"] <= c.Amounts["fluid_ml"] || h.Amounts["sodium_mg"] <= c.Amounts["sodium_mg"] {
		t.Errorf("at 32 °C fluid %v mL sodium %v mg; at the file's 4 °C %v mL %v mg: heat must raise both",
			h.Amounts["fluid_ml"], h.Amounts["sodium_mg"], c.Amounts["fluid_ml"], c.Amounts["sodium_mg"])
	}
	if f := stepOf(hotF, "hydrate"); f == nil || f.Amounts["fluid_ml"] != h.Amounts["fluid_ml"] {
		t.Errorf("--temp 89.6F and --temp 32C differ: %v vs %v", f, h.Amounts)
	}
}

// TestE2EPlanProtocolFile: a bad protocol file is refused naming the line,
// exit 1, never a silent fallback; a good one with can_nap: false and
// lactose_free changes the plan.
func TestE2EPlanProtocolFile(t *testing.T) {
	db := fixtureDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("version: 1\npreferences:\n  can_nap: maybe\n"), 0o644)
	for _, args := range [][]string{{"plan", "--protocol", bad}, {"plan", "--json", "--protocol", bad}, {"calendar", "--protocol", bad}, {"done", "refuel", "--protocol", bad}} {
		r := rb(t, db, args...)
		wantExit(t, r, ExitFailed, "bad.yaml", "line 3", "can_nap")
		if r.stdout != "" {
			t.Errorf("%v with a bad protocol printed a plan anyway:\n%s", args, r.stdout)
		}
	}
	wantExit(t, rb(t, db, "plan", "--protocol", filepath.Join(dir, "missing.yaml")), ExitFailed, "missing.yaml")
	// The same bad file in the default place ($XDG_CONFIG_HOME/rebound/protocol.yaml).
	cfg := t.TempDir()
	os.MkdirAll(filepath.Join(cfg, "rebound"), 0o755)
	b, _ := os.ReadFile(bad)
	os.WriteFile(filepath.Join(cfg, "rebound", "protocol.yaml"), b, 0o644)
	r := runEnv(t, db, testNow, map[string]string{"XDG_CONFIG_HOME": cfg}, "plan")
	wantExit(t, r, ExitFailed, "protocol.yaml", "line 3")
	// rebound status does not need the protocol.
	if r := runEnv(t, db, testNow, map[string]string{"XDG_CONFIG_HOME": cfg}, "status"); r.code != ExitOK {
		t.Errorf("status with a bad protocol file: exit %d %s", r.code, r.stderr)
	}
	wantExit(t, rb(t, db, "protocol", "check", bad), ExitFailed)

	base := planOf(t, db, "latest")
	good := filepath.Join(dir, "mine.yaml")
	os.WriteFile(good, []byte("version: 1\npreferences:\n  can_nap: false\n  dietary: [lactose_free]\n"), 0o644)
	if r := mustRun(t, db, "protocol", "check", good); !strings.Contains(r.stdout, "ok") {
		t.Errorf("protocol check of a good file: %q", r.stdout)
	}
	var mine planJSON
	mustJSON(t, db, &mine, "plan", "latest", "--protocol", good)
	if n := stepOf(base, "nap"); n == nil || *n.DurationMin < 60 {
		t.Fatalf("the default plan's nap: %+v", n)
	}
	if n := stepOf(mine, "nap"); n != nil && *n.DurationMin > 20 {
		t.Errorf("can_nap: false still plans a %.0f-min nap", *n.DurationMin)
	}
	r = mustRun(t, db, "plan", "latest", "--protocol", good)
	low := strings.ToLower(r.stdout)
	if !strings.Contains(low, "lactose-free") {
		t.Errorf("lactose_free plan does not offer lactose-free food:\n%s", r.stdout)
	}
	for _, s := range mine.Steps {
		d := strings.ToLower(s.Detail)
		if (strings.Contains(d, "chocolate milk") || strings.Contains(d, "yoghurt") || strings.Contains(d, "cheese")) && !strings.Contains(d, "lactose-free") && !strings.Contains(d, "soy") {
			t.Errorf("lactose_free plan step %s offers dairy: %s", s.Kind, s.Detail)
		}
	}
	// The sleep step protects bedtime instead of the nap: earlier than with the nap.
	bs, ms := stepOf(base, "sleep"), stepOf(mine, "sleep")
	if bs == nil || ms == nil || ms.At >= bs.At {
		t.Errorf("without a nap bedtime %v, with one %v: want an earlier bedtime", ms, bs)
	}
}
