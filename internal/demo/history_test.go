package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"rebound"
	"rebound/internal/readiness"
)

// summerEnd is the default demo's end: the last long run is Sunday
// 2026-08-23, a hot August morning; the history starts Monday 2026-05-04.
var summerEnd = time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)

// springEnd spans the 2027 spring DST change (14 March) and a cold winter.
var springEnd = time.Date(2027, 4, 15, 0, 0, 0, 0, time.UTC)

var generated = struct {
	sync.Mutex
	m map[string]*History
}{m: map[string]*History{}}

// history generates (once per end and seed) the history the tests share.
func history(t *testing.T, end time.Time, seed int64) *History {
	t.Helper()
	generated.Lock()
	defer generated.Unlock()
	key := fmt.Sprint(end.Format(time.DateOnly), seed)
	if h, ok := generated.m[key]; ok {
		return h
	}
	h, err := Generate(end, seed)
	if err != nil {
		t.Fatal(err)
	}
	generated.m[key] = h
	return h
}

func newYork(t *testing.T) *time.Location {
	loc, err := time.LoadLocation(TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestGenerate_Files decodes every file with muktihari/fit's own decoder and
// checks it against the records and the story.
func TestGenerate_Files(t *testing.T) {
	loc := newYork(t)
	for _, end := range []time.Time{summerEnd, springEnd} {
		h := history(t, end, 1)
		runs := map[string]Run{}
		for _, r := range h.Runs {
			if r.File != "" {
				runs[r.File] = r
			}
		}
		if len(runs) != len(h.Files) {
			t.Fatalf("%d files, %d file runs", len(h.Files), len(runs))
		}
		seen := map[string]bool{}
		var prev time.Time
		for _, f := range h.Files {
			if seen[f.Name] {
				t.Errorf("file name %s repeated", f.Name)
			}
			seen[f.Name] = true
			act := decodeFIT(t, f.Name, f.Data)
			if st := act.Sessions[0].StartTime; st.Before(prev) {
				t.Errorf("%s starts before the file listed before it", f.Name)
			} else {
				prev = st
			}
			_, off := act.Activity.Timestamp.In(loc).Zone()
			checkTotals(t, f.Name, act, off)
			r := runs[f.Name]
			if local := act.Sessions[0].StartTime.In(loc); !strings.HasPrefix(f.Name, local.Format(time.DateOnly)) {
				t.Errorf("%s: starts %s local", f.Name, local)
			}
			// Workouts are all fast bursts; the shape check is for steady runs.
			if sh := runShape(act); r.Kind != rebound.CharacterWorkout && (sh.fastFinish != r.FastFinish || len(sh.surges) != r.Surges) {
				t.Errorf("%s: speed trace shows fast finish %v and %d surges %v; the plan says %v and %d",
					f.Name, sh.fastFinish, len(sh.surges), sh.surges, r.FastFinish, r.Surges)
			}
			hasHR := act.Sessions[0].AvgHeartRate != 0xFF
			if hasHR == r.NoHR {
				t.Errorf("%s: heart rate present %v, NoHR %v", f.Name, hasHR, r.NoHR)
			}
			// Cadence is written as strides/min: 80–95 strides is 160–190 spm.
			if c := act.Sessions[0].AvgCadence; c < 80 || c > 95 {
				t.Errorf("%s: avg cadence %d strides/min", f.Name, c)
			}
		}
	}
}

// TestGenerate_Story checks the build the demo narrates.
func TestGenerate_Story(t *testing.T) {
	h := history(t, summerEnd, 1)
	if len(h.Weeks) != Weeks {
		t.Fatalf("%d weeks", len(h.Weeks))
	}
	mi := func(w int) float64 { return h.Weeks[w-1].DistanceM / Mile }
	if mi(1) < 33 || mi(1) > 38 || mi(13) < 52 || mi(16) < 47 {
		t.Errorf("weekly miles: week 1 %.1f (≈35), week 13 %.1f (≥ 52), week 16 %.1f (≈50)", mi(1), mi(13), mi(16))
	}
	for _, w := range []int{4, 8, 12} {
		if !h.Weeks[w-1].Down || mi(w) >= mi(w-1) || mi(w) >= mi(w+1) {
			t.Errorf("week %d (down) %.1f mi, around it %.1f and %.1f", w, mi(w), mi(w-1), mi(w+1))
		}
	}
	for _, w := range h.Weeks {
		if w.Index != 14 && (w.Runs < 5 || w.Runs > 7) {
			t.Errorf("week %d: %d runs, want 5–7", w.Index, w.Runs)
		}
	}
	if mi(14) > 15 {
		t.Errorf("sick week 14: %.1f mi", mi(14))
	}
	lastDate := rebound.CivilDate(summerEnd.AddDate(0, 0, -1))
	var last, race *Run
	noHR, hot, manual := 0, 0, 0
	longest30 := 0.0
	for i := range h.Runs {
		r := &h.Runs[i]
		switch {
		case r.Date.Equal(lastDate) && r.Kind == rebound.CharacterLong:
			last = r
		case r.Kind == rebound.CharacterRace:
			race = r
		}
		if r.Date.Before(lastDate) && !r.Date.Before(lastDate.AddDate(0, 0, -30)) {
			longest30 = math.Max(longest30, r.DistanceM)
		}
		if r.NoHR {
			noHR++
		}
		if r.Hot {
			hot++
		}
		if r.Manual {
			manual++
		}
	}
	if last == nil || last.DistanceM < 19.9*Mile || !last.FastFinish || last.Surges != 4 || !last.Hot {
		t.Fatalf("last long run on %s: %+v", lastDate.Format(time.DateOnly), last)
	}
	if h.Runs[len(h.Runs)-1] != *last {
		t.Errorf("the last long run is not the last workout: %+v", h.Runs[len(h.Runs)-1])
	}
	// Frandsen 2025 (science.md §5): > 30% over the longest run of the
	// previous 30 days is the orange band.
	if ratio := last.DistanceM / longest30; ratio < 1.3 || ratio > 2 {
		t.Errorf("last long run %.1f mi is %.2f× the longest of the previous 30 days", last.DistanceM/Mile, ratio)
	}
	if race == nil || race.Week != 10 || math.Abs(race.DistanceM-21097.5) > 30 || race.MovingS < 85*60 || race.MovingS > 92*60 {
		t.Errorf("race: %+v", race)
	}
	if noHR != 2 || manual != 2 || hot < 2 {
		t.Errorf("%d HR-less runs (want 2), %d manual (want 2), %d hot (want ≥ 2)", noHR, manual, hot)
	}
	for _, a := range h.Manual {
		if a.SummarySource != rebound.SummaryFromManual || a.RPE == nil || a.Kind != rebound.CharacterEasy ||
			a.SubSport != "treadmill" || a.DistanceM <= 0 || a.MovingS <= 0 || a.Streams != nil {
			t.Errorf("manual entry %+v", a)
		}
	}
	if len(h.Notes) < 4 {
		t.Errorf("notes: %q", h.Notes)
	}
	a := h.Athlete
	age, _ := a.AgeOn(summerEnd)
	if age != 38 || a.TimeZone != TimeZone || a.Units != "mi" || *a.HRMaxBPM != 188 || *a.LTHRBPM != 171 ||
		math.Abs(1000 / *a.ThresholdSpeedMPS - 245) > 1e-9 {
		t.Errorf("athlete %+v, age %d", a, age)
	}
}

// TestGenerate_CheckIns: eight weeks of valid mornings with one Red Alert
// episode that is over before the last week.
func TestGenerate_CheckIns(t *testing.T) {
	h := history(t, summerEnd, 1)
	if len(h.CheckIns) != 55 { // 57 mornings, two forgotten
		t.Errorf("%d check-ins, want 55", len(h.CheckIns))
	}
	var verdicts []string
	for i := range h.CheckIns {
		c := &h.CheckIns[i]
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.Date.Format(time.DateOnly), err)
		}
		r := readiness.Assess(c.Date, h.CheckIns, readiness.DefaultParams())
		ill := !c.Date.Before(h.RedAlertFrom) && !c.Date.After(h.RedAlertTo)
		if ill && r.Verdict != readiness.VerdictRedAlert {
			t.Errorf("%s (ill): verdict %s", c.Date.Format(time.DateOnly), r.Verdict)
		}
		if ill && !c.Ill {
			t.Errorf("%s: not marked ill", c.Date.Format(time.DateOnly))
		}
		verdicts = append(verdicts, r.Verdict)
	}
	// The ill mornings must show the signals issue 5 names.
	reds := map[string]bool{}
	for _, c := range h.CheckIns {
		if c.Date.Before(h.RedAlertFrom) || c.Date.After(h.RedAlertTo) {
			continue
		}
		for _, s := range readiness.Assess(c.Date, h.CheckIns, readiness.DefaultParams()).Signals {
			if s.Band == readiness.BandRed {
				reds[s.Name] = true
			}
		}
	}
	for _, want := range []string{readiness.SignalIllness, readiness.SignalHRV, readiness.SignalRestingHR, readiness.SignalSleep, readiness.SignalSoreness} {
		if !reds[want] {
			t.Errorf("no red %s signal during the episode (red: %v)", want, reds)
		}
	}
	// Exactly one episode (wellness triggers only; the load side is
	// internal/load's), switched on by the cold and over before the last
	// week's workout.
	var days []readiness.DayInput
	for _, c := range h.CheckIns {
		days = append(days, readiness.DayInput{Date: c.Date, Readiness: readiness.Assess(c.Date, h.CheckIns, readiness.DefaultParams())})
	}
	eps := readiness.AlertState(days)
	if len(eps) != 1 || !eps[0].Since.Equal(h.RedAlertFrom) || eps[0].Until == nil ||
		eps[0].Until.After(summerEnd.AddDate(0, 0, -7)) {
		t.Errorf("Red Alert episodes %+v, want one from %s ending before the last week", eps, h.RedAlertFrom.Format(time.DateOnly))
	} else {
		t.Logf("Red Alert %s – %s, triggers %v", eps[0].Since.Format(time.DateOnly), eps[0].Until.Format(time.DateOnly), eps[0].Triggers)
	}
	for k, v := range verdicts[len(verdicts)-8:] {
		if v == readiness.VerdictRedAlert || v == readiness.VerdictUnknown {
			t.Errorf("last week morning %d: verdict %s", k, v)
		}
	}
}

// TestGenerate_Deterministic: the same end and seed give the same bytes; a
// different seed gives a different history.
func TestGenerate_Deterministic(t *testing.T) {
	hash := func(h *History) string {
		s := sha256.New()
		for _, f := range h.Files {
			s.Write([]byte(f.Name))
			s.Write(f.Data)
		}
		for _, v := range []any{h.Manual, h.CheckIns, h.Runs, h.Athlete} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			s.Write(b)
		}
		return hex.EncodeToString(s.Sum(nil))
	}
	a := history(t, summerEnd, 1)
	b, err := Generate(summerEnd, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := history(t, summerEnd, 2)
	if hash(a) != hash(b) {
		t.Error("two generations with the same end and seed differ")
	}
	if hash(a) == hash(c) {
		t.Error("seeds 1 and 2 gave the same history")
	}
	// The end date is read as a calendar date whatever its location.
	tokyo := time.FixedZone("JST", 9*3600)
	d, err := Generate(time.Date(2026, 8, 24, 1, 0, 0, 0, tokyo), 1)
	if err != nil {
		t.Fatal(err)
	}
	if hash(a) != hash(d) {
		t.Error("the same calendar date in another zone gave another history")
	}
}

func TestGenerate_Invalid(t *testing.T) {
	_, err := Generate(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 1)
	if rebound.ErrorCode(err) != rebound.EInvalid || err.Error() != "demo end date 1900-01-01 out of range (1991–2099)" {
		t.Errorf("error %v", err)
	}
}
