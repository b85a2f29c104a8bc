package importer

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"rebound"
)

func TestInflight(t *testing.T) {
	t0 := time.Date(2026, 7, 11, 6, 0, 59, 0, time.UTC) // a minute's last second
	run := func(sha string, session int, start time.Time, elapsed float64, sport string) *rebound.Activity {
		return &rebound.Activity{SourceSHA256: sha, SessionIndex: session, StartTime: start, ElapsedS: elapsed, Sport: sport}
	}
	first := run("aa", 0, t0, 3600, rebound.SportRunning)
	cases := []struct {
		name string
		job  int // first is job 5
		a    *rebound.Activity
		want bool
	}{
		// The same bytes decode to the same start; the rest need not match.
		{"same file and session", 6, run("aa", 0, t0, 100, rebound.SportCycling), true},
		{"same file, other session", 6, run("aa", 1, t0.Add(10*time.Minute), 100, rebound.SportCycling), false},
		// rebound.SameWorkout: starts ≤ 60 s apart, durations within
		// max(10 % of the longer, 300 s): 3600 vs 3900 s is 300 s apart.
		{"same workout from another source, next minute", 6, run("bb", 0, t0.Add(60*time.Second), 3900, "run"), true},
		{"same workout, previous minute", 6, run("bb", 0, t0.Add(-60*time.Second), 3300, rebound.SportRunning), true},
		{"61 s apart", 6, run("bb", 0, t0.Add(61*time.Second), 3600, rebound.SportRunning), false},
		{"durations 800 s apart (tolerance 440 s)", 6, run("bb", 0, t0, 4400, rebound.SportRunning), false},
		{"another sport", 6, run("bb", 0, t0, 3600, rebound.SportCycling), false},
		// The writer keeps the earlier job's activity: an earlier job
		// matching a later one is not the duplicate.
		{"earlier job than the match", 4, run("aa", 0, t0, 3600, rebound.SportRunning), false},
		{"same job (sessions of one file)", 5, run("cc", 0, t0, 3600, rebound.SportRunning), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newInflight()
			f.add(5, []*rebound.Activity{first})
			if got := f.add(c.job, []*rebound.Activity{c.a}); len(got) != 1 || got[0] != c.want {
				t.Errorf("add = %v, want [%v]", got, c.want)
			}
		})
	}
}

func TestMinuteOf(t *testing.T) {
	for _, c := range []struct {
		unix int64
		want int64
	}{{0, 0}, {59, 0}, {60, 1}, {-1, -1}, {-60, -1}, {-61, -2}} {
		if got := minuteOf(time.Unix(c.unix, 0)); got != c.want {
			t.Errorf("minuteOf(%d s) = %d, want %d", c.unix, got, c.want)
		}
	}
}

// TestImport_InflightDuplicates: two copies of a run under different names
// in one import. With one worker the first is always decoded before the
// second is checked, so the copy is neither encoded nor measured in the
// worker (Decoded sees one activity); it is still reported a duplicate, and
// what is stored is what a plain import stores.
func TestImport_InflightDuplicates(t *testing.T) {
	dir := t.TempDir()
	data := aheadRun(t, day)
	writeFile(t, filepath.Join(dir, "a.fit"), data)
	writeFile(t, filepath.Join(dir, "b.fit"), data)
	writeFile(t, filepath.Join(dir, "c.gpx"), gpxRun(day.Add(30*time.Second), 1200, 45)) // same 20 min from another source
	var decoded atomic.Int64
	st := mustOpenStore(t)
	im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }, Workers: 1,
		Decoded: func(*rebound.Activity) { decoded.Add(1) }})
	rep, err := im.Import(context.Background(), []string{dir})
	if err != nil || rep.New != 1 || rep.Duplicates != 2 {
		t.Fatalf("Import: new %d duplicates %d, %v; want 1, 2", rep.New, rep.Duplicates, err)
	}
	if n := decoded.Load(); n != 1 {
		t.Errorf("Decoded saw %d activities, want 1 (the copies are skipped)", n)
	}
	// Without the worker's guess (a store without the encoded path, so
	// the writer prepares everything), the same is stored.
	plain := mustOpenStore(t)
	prep, err := New(plainStore{plain}, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }}).Import(context.Background(), []string{dir})
	if err != nil || prep.New != 1 || prep.Duplicates != 2 {
		t.Fatalf("plain Import: new %d duplicates %d, %v", prep.New, prep.Duplicates, err)
	}
	got, err := st.ActivityStreams(context.Background(), rebound.DefaultAthleteID, rep.Files[0].NewIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	want, err := plain.ActivityStreams(context.Background(), rebound.DefaultAthleteID, prep.Files[0].NewIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if msg := sameStreams(want, got); msg != "" {
		t.Errorf("stored streams differ: %s", msg)
	}
}
