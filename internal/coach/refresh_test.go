package coach_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/load"
)

// TestRefreshIncrementalEqualsFull imports the demo history in batches,
// refreshing after each — a first batch in the middle, then one that starts
// earlier than the cached first day, one that extends to today, one in the
// middle of the history, and a tag change — and checks that the stored
// daily model and every stored load equal those of a store that imported
// everything at once and refreshed once (issue 3: "incremental … identical
// to a full recompute").
func TestRefreshIncrementalEqualsFull(t *testing.T) {
	d := demoHistory(t)
	ctx := context.Background()
	now := demoNow()
	all := copies(d.acts)
	n := len(all)
	if n < 60 {
		t.Fatalf("demo history has %d activities, want ≥ 60", n)
	}
	// The activity tagged as a race: a FIT run in the middle (activities
	// from files have a SHA-256 to find them again in the other store).
	tagged := n / 2
	for all[tagged].SourceSHA256 == "" {
		tagged++
	}
	const tag = rebound.CharacterRace

	// Incremental store.
	inc := openStore(t)
	putAthlete(t, inc, d.hist.Athlete)
	ci := newCoach(t, inc, &now)
	dayOf := func(a *rebound.Activity) load.Date { return load.DateOf(a.LocalStart()) }
	m1, m2 := n/4, n/2+3 // batches: [m1, m2), [0, m1), [m2+10, n), [m2, m2+10)
	if tagged >= m2 && tagged < m2+10 {
		tagged = m1 + 1
		for all[tagged].SourceSHA256 == "" {
			tagged++
		}
	}

	step := func(name string, batch []*rebound.Activity, wantFrom load.Date) {
		t.Helper()
		add(t, inc, batch)
		rep := refresh(t, ci, batch)
		// The batch, plus the runs of the RecentDays after it whose
		// character (the long-run rule) depends on it.
		if rep.LoadsComputed < len(batch) {
			t.Errorf("%s: LoadsComputed %d, want at least %d (the batch)", name, rep.LoadsComputed, len(batch))
		}
		if rep.DaysFrom != wantFrom {
			t.Errorf("%s: DaysFrom %s, want %s", name, rep.DaysFrom, wantFrom)
		}
	}
	step("first batch (middle of the history)", all[m1:m2], dayOf(all[m1]))
	// Earlier than the cached first day: the model starts on another day,
	// so it is rewritten from the new first day.
	step("batch before the cached first day", all[:m1], dayOf(all[0]))
	step("batch through today", all[m2+10:], dayOf(all[m2+10]))

	// A batch in the middle rewrites only the days from its first day on:
	// the rows before are untouched, and every row from it through today is
	// written.
	before, _ := storedDays(t, inc)
	add(t, inc, all[m2:m2+10])
	rep := refresh(t, ci, all[m2:m2+10])
	from := dayOf(all[m2])
	if rep.DaysFrom != from {
		t.Errorf("middle batch: DaysFrom %s, want %s (its first activity's local day)", rep.DaysFrom, from)
	}
	after, _ := storedDays(t, inc)
	last := load.DateOf(now)
	if want := int(last-from) + 1; rep.DaysWritten != want {
		t.Errorf("middle batch: DaysWritten %d, want %d (%s through %s)", rep.DaysWritten, want, from, last)
	}
	if len(after) != len(before) {
		t.Errorf("middle batch: %d rows after, %d before (the date range did not change)", len(after), len(before))
	}
	for i := range min(len(before), len(after)) {
		if load.DateOf(before[i].Date) >= from {
			break
		}
		if !before[i].Date.Equal(after[i].Date) || !bytes.Equal(before[i].Payload, after[i].Payload) {
			t.Errorf("middle batch: row %s before DaysFrom %s changed", before[i].Date.Format(time.DateOnly), from)
		}
	}

	// The runner tags a run (rebound tag ID race): the tag is stored, then
	// the activity is refreshed as fresh.
	ta := all[tagged]
	if err := inc.SetActivityKind(ctx, rebound.DefaultAthleteID, ta.ID, tag); err != nil {
		t.Fatal(err)
	}
	rep = refresh(t, ci, []*rebound.Activity{ta})
	if rep.DaysFrom != dayOf(ta) || rep.LoadsComputed < 1 {
		t.Errorf("tag: DaysFrom %s, LoadsComputed %d; want %s, at least 1", rep.DaysFrom, rep.LoadsComputed, dayOf(ta))
	}

	// Full store: everything at once, the tag set before the one refresh.
	full := openStore(t)
	putAthlete(t, full, d.hist.Athlete)
	cf := newCoach(t, full, &now)
	everything := copies(d.acts)
	add(t, full, everything)
	for _, a := range everything {
		if a.SourceSHA256 == ta.SourceSHA256 {
			if err := full.SetActivityKind(ctx, rebound.DefaultAthleteID, a.ID, tag); err != nil {
				t.Fatal(err)
			}
		}
	}
	refresh(t, cf, everything)

	_, got := storedDays(t, inc)
	_, want := storedDays(t, full)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("daily model: incremental (+) differs from full recompute (-):\n%s", diff)
	}
	gotLoads, wantLoads := loadsByKey(t, inc), loadsByKey(t, full)
	if diff := cmp.Diff(wantLoads, gotLoads); diff != "" {
		t.Errorf("workout loads: incremental (+) differ from full recompute (-):\n%s", diff)
	}
	if wl := gotLoads[ta.SourceSHA256]; wl.Character != tag || !wl.CharacterOverride {
		t.Errorf("tagged run: character %q override %v, want %q true", wl.Character, wl.CharacterOverride, tag)
	}
}

// TestRefreshInsertRecomputesLaterCharacters: a workout's character
// depends on the runs of the 28 days before it (load.Character's long-run
// rule), so inserting runs in the middle of the history must re-measure the
// later runs whose window now holds them — or the incremental daily model
// (its hard days) differs from a full recompute.
//
// Known answer (load.isLong, Params defaults): four 30-min runs, then a
// 71.5-min run 10 days after the first: median recent run 30 min,
// 71.5 ≥ 1.5 × 30 and ≥ 25 % of the mean weekly time (121 min / 4 weeks)
// → long, a hard day. Six 60.5-min runs inserted on days 4–9 raise the
// median of its 28 days to 60.5 min; 71.5 < 1.5 × 60.5 and < 90 min → not
// long; with no streams nothing makes it a workout → easy.
func TestRefreshInsertRecomputesLaterCharacters(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	first := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	runs := func() (base, long, middle []*rebound.Activity) {
		base = steadyRuns(first, 4, 5.5, 140, loc)
		long = steadyRuns(first.AddDate(0, 0, 10), 1, 13, 140, loc)
		middle = steadyRuns(first.AddDate(0, 0, 4), 6, 11, 140, loc)
		return base, long, middle
	}
	now := time.Date(2026, 3, 13, 12, 0, 0, 0, loc)

	inc := openStore(t)
	putAthlete(t, inc, synthAthlete())
	ci := newCoach(t, inc, &now)
	base, long, middle := runs()
	add(t, inc, append(base, long...))
	refresh(t, ci, append(base, long...))
	if got := loadsByKey(t, inc)[key(long[0])].Character; got != rebound.CharacterLong {
		t.Fatalf("before the insert: 71.5-min run is %q, want long", got)
	}
	add(t, inc, middle)
	refresh(t, ci, middle)

	full := openStore(t)
	putAthlete(t, full, synthAthlete())
	cf := newCoach(t, full, &now)
	base, long, middle = runs()
	everything := append(append(base, middle...), long...)
	add(t, full, everything)
	refresh(t, cf, everything)

	if got, want := loadsByKey(t, inc)[key(long[0])].Character, loadsByKey(t, full)[key(long[0])].Character; got != want || want != rebound.CharacterEasy {
		t.Errorf("71.5-min run after the insert: incremental %q, full recompute %q; want easy in both", got, want)
	}
	_, got := storedDays(t, inc)
	_, want := storedDays(t, full)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("daily model: incremental (+) differs from full recompute (-):\n%s", diff)
	}
}
