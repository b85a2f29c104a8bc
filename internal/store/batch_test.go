package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// TestStore_AddFilesEncoded: files committed together, each atomic. A
// refused file leaves nothing (not even its source SHA-256, so a second
// import tries it again), the files around it are stored, duplicates are
// found across the files of one call as across calls, and a call stopped
// by its context stores nothing.
func TestStore_AddFilesEncoded(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
	a := minimal(sha('a'), rebound.SportRunning, t0, 1800)
	blobA, err := s.PrepareStreams(a)
	if err != nil {
		t.Fatal(err)
	}
	bad := minimal(sha('b'), rebound.SportRunning, t0.Add(24*time.Hour), 1800)
	bad.DistanceM = -5 // refused: EInvalid
	badTwin := minimal(sha('b'), rebound.SportRunning, t0.Add(48*time.Hour), 1800)
	badTwin.SessionIndex = 1
	// The same workout as a, from another source, 20 s later.
	twin := minimal(sha('c'), "run", t0.Add(20*time.Second), 1790)
	d := minimal(sha('d'), rebound.SportRunning, t0.Add(72*time.Hour), 3600)

	res, errs, err := s.AddFilesEncoded(ctx, 1,
		[][]*rebound.Activity{{a}, {badTwin, bad}, {twin}, {d}},
		[][][]byte{{blobA}})
	if err != nil {
		t.Fatalf("AddFilesEncoded: %v", err)
	}
	if errs[0] != nil || errs[2] != nil || errs[3] != nil {
		t.Fatalf("errors of the good files: %v", errs)
	}
	if rebound.ErrorCode(errs[1]) != rebound.EInvalid {
		t.Fatalf("refused file: %v, want EInvalid", errs[1])
	}
	if res[0][0].Duplicate || !res[2][0].Duplicate || res[2][0].DuplicateOf != res[0][0].ID || res[3][0].Duplicate {
		t.Errorf("results %+v; want a and d new, the twin a duplicate of a", res)
	}
	if a.ID != res[0][0].ID || d.ID != res[3][0].ID || badTwin.ID != 0 || twin.ID != 0 {
		t.Errorf("IDs after the commit: a %d d %d badTwin %d twin %d", a.ID, d.ID, badTwin.ID, twin.ID)
	}
	acts, err := s.Activities(ctx, 1, rebound.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range acts {
		got = append(got, x.SourceSHA256[:1])
	}
	if diff := cmp.Diff([]string{"a", "d"}, got); diff != "" {
		t.Errorf("stored activities (-want +got):\n%s", diff)
	}
	for _, c := range []struct {
		sha  string
		want bool
	}{{sha('a'), true}, {sha('b'), false}, {sha('c'), true}, {sha('d'), true}} {
		if has, err := s.HasSource(ctx, 1, c.sha); err != nil || has != c.want {
			t.Errorf("HasSource(%.1s) = %v, %v; want %v", c.sha, has, err, c.want)
		}
	}
	// The blob given and the one encoded in the call read back the same.
	for _, x := range []*rebound.Activity{a, d} {
		if _, err := s.Activity(ctx, 1, x.ID, true); err != nil {
			t.Errorf("activity %d: %v", x.ID, err)
		}
	}

	// A call whose context has ended stores nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	e := minimal(sha('e'), rebound.SportRunning, t0.Add(96*time.Hour), 1800)
	if _, _, err := s.AddFilesEncoded(cctx, 1, [][]*rebound.Activity{{e}}, nil); err == nil {
		t.Error("cancelled call: no error")
	}
	if has, _ := s.HasSource(ctx, 1, sha('e')); has || e.ID != 0 {
		t.Errorf("cancelled call stored its file (HasSource %v, ID %d)", has, e.ID)
	}

	// Bad arguments.
	if _, _, err := s.AddFilesEncoded(ctx, 0, nil, nil); rebound.ErrorCode(err) != rebound.EInvalid {
		t.Errorf("athlete 0: %v, want EInvalid", err)
	}
	if _, _, err := s.AddFilesEncoded(ctx, 1, nil, [][][]byte{nil}); rebound.ErrorCode(err) != rebound.EInvalid {
		t.Errorf("blobs for more files than activities: %v, want EInvalid", err)
	}
	_, errs, err = s.AddFilesEncoded(ctx, 1, [][]*rebound.Activity{{}, {minimal(sha('f'), rebound.SportRunning, t0.Add(120*time.Hour), 60)}}, [][][]byte{nil, {nil, nil}})
	if err != nil || errs[0] != nil || rebound.ErrorCode(errs[1]) != rebound.EInvalid {
		t.Errorf("an empty file and one with more blobs than activities: %v, %v", errs, err)
	}
}

// TestStore_ImportedSources lists what HasSource finds, per athlete:
// files whose activities were stored and files whose activities were all
// duplicates.
func TestStore_ImportedSources(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
	got, err := s.ImportedSources(ctx, 1)
	if err != nil || len(got) != 0 {
		t.Fatalf("empty store: %v, %v", got, err)
	}
	mustAdd(t, s, 1, minimal(sha('a'), rebound.SportRunning, t0, 1800))
	mustAdd(t, s, 1, minimal(sha('b'), rebound.SportRunning, t0.Add(10*time.Second), 1800)) // a duplicate of a
	mustAdd(t, s, 2, minimal(sha('c'), rebound.SportRunning, t0, 1800))
	for _, c := range []struct {
		athlete int64
		want    map[string]bool
	}{
		{1, map[string]bool{sha('a'): true, sha('b'): true}},
		{2, map[string]bool{sha('c'): true}},
		{3, map[string]bool{}},
	} {
		got, err := s.ImportedSources(ctx, c.athlete)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("athlete %d (-want +got):\n%s", c.athlete, diff)
		}
		for sha := range c.want {
			if has, _ := s.HasSource(ctx, c.athlete, sha); !has {
				t.Errorf("athlete %d: HasSource(%.1s) false for a listed file", c.athlete, sha)
			}
		}
	}
}

// TestStore_BulkWritesInChunks: the refresh's bulk writers put rows in
// rowsPerInsert at a time. More rows than a chunk, a load given twice for
// one activity (the last given is kept), and a failure deep in a chunk
// named by its row, with nothing written.
func TestStore_BulkWritesInChunks(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
	const n = 2*rowsPerInsert + 5
	var acts []*rebound.Activity
	for i := range n {
		acts = append(acts, minimal(strings.Repeat(fmt.Sprintf("%02x", i%256), 32), rebound.SportRunning, t0.Add(time.Duration(i)*24*time.Hour), 1800))
	}
	mustAdd(t, s, 1, acts...)
	var loads []rebound.WorkoutLoad
	for i, a := range acts {
		loads = append(loads, rebound.WorkoutLoad{ActivityID: a.ID, Load: float64(i), LoadSource: rebound.LoadFromHR})
	}
	// Given again, later in the list: these values win.
	for _, i := range []int{0, rowsPerInsert, n - 1} {
		loads = append(loads, rebound.WorkoutLoad{ActivityID: acts[i].ID, Load: 1000 + float64(i), LoadSource: rebound.LoadFromPace})
	}
	if err := s.PutWorkoutLoads(ctx, 1, loads); err != nil {
		t.Fatal(err)
	}
	got, err := s.WorkoutLoads(ctx, 1, nil)
	if err != nil || len(got) != n {
		t.Fatalf("WorkoutLoads: %d, %v; want %d", len(got), err, n)
	}
	for i, a := range acts {
		want := float64(i)
		if i == 0 || i == rowsPerInsert || i == n-1 {
			want = 1000 + float64(i)
		}
		if got[a.ID].Load != want {
			t.Errorf("activity %d: load %g, want %g", i, got[a.ID].Load, want)
		}
	}

	// A database failure on one row deep in the second chunk.
	bad := acts[rowsPerInsert+7].ID
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER fail_load BEFORE UPDATE ON workout_loads
		WHEN NEW.activity_id = %d BEGIN SELECT RAISE(ABORT, 'disk full'); END`, bad)); err != nil {
		t.Fatal(err)
	}
	again := make([]rebound.WorkoutLoad, len(loads))
	for i, l := range loads {
		l.Load += 5000
		again[i] = l
	}
	err = s.PutWorkoutLoads(ctx, 1, again)
	if want := fmt.Sprintf("store: write load of activity %d: ", bad); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start %q", err, want)
	}
	after, _ := s.WorkoutLoads(ctx, 1, nil)
	if diff := cmp.Diff(got, after); diff != "" {
		t.Errorf("loads changed by a failed call (-want +got):\n%s", diff)
	}

	// Daily rows: more than two chunks round trip in order.
	var rows []rebound.DailyRow
	for i := range n {
		rows = append(rows, rebound.DailyRow{Date: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i), Payload: []byte(fmt.Sprintf(`{"i":%d}`, i))})
	}
	if err := s.ReplaceDailyRows(ctx, 1, time.Time{}, rows); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rows, mustDaily(t, s, 1)); diff != "" {
		t.Errorf("daily rows (-want +got):\n%s", diff)
	}
}
