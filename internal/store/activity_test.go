package store

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func TestStore_AddActivities(t *testing.T) {
	ctx := context.Background()

	t.Run("OK round trip", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			in := fullActivity(sha('a'), t0)
			want := fullActivity(sha('a'), t0)
			res := mustAdd(t, s, 1, in)
			if res[0].Duplicate || res[0].ID <= 0 {
				t.Fatalf("result %+v, want a new ID", res[0])
			}
			if in.ID != res[0].ID || in.AthleteID != 1 {
				t.Errorf("input not updated after commit: ID %d AthleteID %d", in.ID, in.AthleteID)
			}
			want.ID, want.AthleteID = res[0].ID, 1
			got, err := s.Activity(ctx, 1, res[0].ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, floatsEqual); diff != "" {
				t.Errorf("Activity(withStreams) (-want +got):\n%s", diff)
			}
			got, err = s.Activity(ctx, 1, res[0].ID, false)
			if err != nil {
				t.Fatal(err)
			}
			want.Streams = nil
			if diff := cmp.Diff(want, got, floatsEqual); diff != "" {
				t.Errorf("Activity(no streams) (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK manual entry without laps or streams", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			in := &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0, ElapsedS: 2400, MovingS: 2400, DistanceM: 6000,
				AvgSpeedMPS: 2.5, SourceFormat: "manual", SummarySource: rebound.SummaryFromManual, RPE: intp(0)}
			res := mustAdd(t, s, 1, in)
			got, err := s.Activity(ctx, 1, res[0].ID, true)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(in, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if ok, _ := s.HasSource(ctx, 1, ""); ok {
				t.Error("a manual entry recorded an empty source")
			}
		})
	})

	t.Run("OK empty batch", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			if res := mustAdd(t, s, 1); len(res) != 0 {
				t.Errorf("results %v, want none", res)
			}
		})
	})

	// Duplicate detection, each case against one stored 30-minute run
	// (fullActivity: running, t0, 1800.5 s, source sha('a') session 0).
	// Expected answers follow rebound.SameWorkout: same sport family,
	// starts ≤ 60 s apart, durations within max(10 %, 300 s).
	dupTests := []struct {
		name string
		act  *rebound.Activity
		dup  bool
	}{
		{"same source again", fullActivity(sha('a'), t0), true},
		{"same source, another session", func() *rebound.Activity {
			a := minimal(sha('a'), rebound.SportCycling, t0.Add(2*time.Hour), 3600)
			a.SessionIndex = 1
			return a
		}(), false},
		// +30 s start and +2 % duration, Strava's "Run" naming.
		{"same workout from another source", minimal(sha('b'), "run", t0.Add(30*time.Second), 1800.5*1.02), true},
		{"same workout starting 60 s earlier", minimal(sha('b'), rebound.SportRunning, t0.Add(-60*time.Second), 1800), true},
		{"starts 61 s later", minimal(sha('b'), rebound.SportRunning, t0.Add(61*time.Second), 1800), false},
		{"different sport", minimal(sha('b'), rebound.SportCycling, t0, 1800), false},
		{"unknown sport matches", minimal(sha('b'), "", t0.Add(5*time.Second), 1800), true},
		// 1800.5 vs 2200: 399.5 s apart > max(10 % of 2200, 300) = 300.
		{"much longer", minimal(sha('b'), rebound.SportRunning, t0, 2200), false},
	}
	for _, tt := range dupTests {
		t.Run("duplicate: "+tt.name, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *Store) {
				first := mustAdd(t, s, 1, fullActivity(sha('a'), t0))[0]
				res := mustAdd(t, s, 1, tt.act)[0]
				if res.Duplicate != tt.dup {
					t.Fatalf("Duplicate = %v, want %v (result %+v)", res.Duplicate, tt.dup, res)
				}
				wantN := 2
				if tt.dup {
					wantN = 1
					if res.DuplicateOf != first.ID || res.ID != first.ID {
						t.Errorf("result %+v, want DuplicateOf and ID %d", res, first.ID)
					}
					if tt.act.ID != 0 {
						t.Errorf("duplicate's input got ID %d", tt.act.ID)
					}
				}
				if n := countActivities(t, s, 1); n != wantN {
					t.Errorf("%d activities stored, want %d", n, wantN)
				}
				// The source is known either way.
				if ok, err := s.HasSource(ctx, 1, tt.act.SourceSHA256); err != nil || !ok {
					t.Errorf("HasSource(%s) = %v, %v; want true", tt.act.SourceSHA256[:4], ok, err)
				}
			})
		})
	}

	t.Run("duplicate: closest start wins", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			// A run at t0 and a ride 40 s later are different workouts; a
			// recording of unknown sport 35 s after t0 matches both, and
			// the ride starts closer (5 s against 35 s).
			res := mustAdd(t, s, 1,
				minimal(sha('a'), rebound.SportRunning, t0, 1800),
				minimal(sha('b'), rebound.SportCycling, t0.Add(40*time.Second), 1800))
			if res[1].Duplicate {
				t.Fatal("ride counted as a duplicate of the run")
			}
			got := mustAdd(t, s, 1, minimal(sha('c'), "", t0.Add(35*time.Second), 1800))[0]
			if !got.Duplicate || got.DuplicateOf != res[1].ID {
				t.Errorf("result %+v, want duplicate of the ride (%d)", got, res[1].ID)
			}
		})
	})

	t.Run("duplicate within one batch", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			res := mustAdd(t, s, 1,
				fullActivity(sha('a'), t0),
				minimal(sha('b'), "run", t0.Add(30*time.Second), 1830),
				fullActivity(sha('a'), t0))
			want := []rebound.AddResult{{ID: res[0].ID}, {ID: res[0].ID, Duplicate: true, DuplicateOf: res[0].ID}, {ID: res[0].ID, Duplicate: true, DuplicateOf: res[0].ID}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})

	t.Run("athletes are separate", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			a := mustAdd(t, s, 1, fullActivity(sha('a'), t0))[0]
			b := mustAdd(t, s, 2, fullActivity(sha('a'), t0))[0]
			if b.Duplicate {
				t.Fatal("athlete 2's run counted as a duplicate of athlete 1's")
			}
			_, err := s.Activity(ctx, 2, a.ID, false)
			wantCode(t, err, rebound.ENotFound)
			if ok, _ := s.HasSource(ctx, 3, sha('a')); ok {
				t.Error("athlete 3 has athlete 1's source")
			}
		})
	})

	// Atomicity: the first activity of each batch is valid and inserted
	// inside the transaction before the failure; nothing may remain.
	for _, tt := range []struct {
		name string
		bad  *rebound.Activity
		msg  string
	}{
		{"nil activity", nil, "activity 2 of 2: activity is nil"},
		{"NaN elapsed time", func() *rebound.Activity {
			a := minimal(sha('b'), rebound.SportRunning, t0.Add(time.Hour), 1800)
			a.ElapsedS = math.NaN()
			return a
		}(), "activity 2 of 2 (" + sha('b') + ".fit): elapsed time NaN is not a non-negative number"},
		{"missing start", &rebound.Activity{SourceFile: "x.gpx"}, "activity 2 of 2 (x.gpx): start time missing"},
		{"RPE out of range", func() *rebound.Activity {
			a := minimal(sha('b'), rebound.SportRunning, t0.Add(time.Hour), 1800)
			a.RPE = intp(11)
			return a
		}(), "activity 2 of 2 (" + sha('b') + ".fit): RPE 11 out of range (0–10, CR-10 scale)"},
		{"infinite lap", func() *rebound.Activity {
			a := minimal(sha('b'), rebound.SportRunning, t0.Add(time.Hour), 1800)
			a.Laps = []rebound.Lap{{DistanceM: math.Inf(1)}}
			return a
		}(), "activity 2 of 2 (" + sha('b') + ".fit): lap 1: +Inf is not a number"},
		// Fails in the stream encoder, after the activity row is inserted.
		{"ragged streams", func() *rebound.Activity {
			a := minimal(sha('b'), rebound.SportRunning, t0.Add(time.Hour), 1800)
			a.Streams = &rebound.Streams{HeartRateBPM: []float64{1, 2}, SpeedMPS: []float64{1}}
			return a
		}(), "activity 2 of 2 (" + sha('b') + ".fit): streams: channel heart_rate_bpm has 2 samples, others 1"},
	} {
		t.Run("ErrInvalid rolls back: "+tt.name, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *Store) {
				res, err := s.AddActivities(ctx, 1, []*rebound.Activity{fullActivity(sha('a'), t0), tt.bad})
				wantCode(t, err, rebound.EInvalid)
				if err.Error() != tt.msg {
					t.Errorf("message %q\nwant    %q", err, tt.msg)
				}
				if res != nil {
					t.Errorf("results %v on error", res)
				}
				assertEmpty(t, s)
			})
		})
	}

	t.Run("ErrCanceled rolls back", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			// 64 one-hour runs take far longer than 20 ms to store, so the
			// cancellation lands mid-batch.
			acts := make([]*rebound.Activity, 64)
			for i := range acts {
				acts[i] = minimal(sha(byte('A'+i%26))+string(rune('0'+i/26)), rebound.SportRunning, t0.Add(time.Duration(i)*3*time.Hour), 3600)
				acts[i].Streams = realisticStreams(3600, uint64(i))
			}
			ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			_, err := s.AddActivities(ctx, 1, acts)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error %v, want the context's deadline", err)
			}
			assertEmpty(t, s)
		})
	})

	t.Run("ErrInvalid athlete", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			_, err := s.AddActivities(ctx, 0, []*rebound.Activity{fullActivity(sha('a'), t0)})
			wantCode(t, err, rebound.EInvalid)
		})
	})
}

// assertEmpty checks that nothing of a failed batch was kept: no activity,
// lap, stream, recorded source or athlete.
func assertEmpty(t *testing.T, s *Store) {
	t.Helper()
	for _, table := range []string{"activities", "laps", "activity_streams", "imported_sources", "athletes"} {
		var n int
		if err := s.rdb.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows left in %s after a failed batch", n, table)
		}
	}
}

func TestStore_HasSource(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if ok, err := s.HasSource(ctx, 1, sha('a')); err != nil || ok {
			t.Fatalf("fresh store: HasSource = %v, %v; want false", ok, err)
		}
		mustAdd(t, s, 1, fullActivity(sha('a'), t0))
		if ok, err := s.HasSource(ctx, 1, sha('a')); err != nil || !ok {
			t.Errorf("after import: HasSource = %v, %v; want true", ok, err)
		}
		if ok, err := s.HasSource(ctx, 1, sha('b')); err != nil || ok {
			t.Errorf("other file: HasSource = %v, %v; want false", ok, err)
		}
	})
}

func TestStore_Activity(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		_, err := s.Activity(context.Background(), 1, 42, true)
		wantCode(t, err, rebound.ENotFound)
		if err.Error() != "activity 42 not found" {
			t.Errorf("message %q", err)
		}
	})
}

func TestStore_Activities(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		day := 24 * time.Hour
		// Five activities on consecutive days, added out of order.
		sports := []string{rebound.SportRunning, rebound.SportCycling, rebound.SportRunning, rebound.SportWalking, rebound.SportRunning}
		ids := make([]int64, 5)
		for _, i := range []int{3, 0, 4, 1, 2} {
			a := fullActivity(sha(byte('a'+i)), t0.Add(time.Duration(i)*day))
			a.Sport = sports[i]
			ids[i] = mustAdd(t, s, 1, a)[0].ID
		}
		mustAdd(t, s, 2, fullActivity(sha('z'), t0)) // another athlete's
		pick := func(idx ...int) []int64 {
			out := []int64{}
			for _, i := range idx {
				out = append(out, ids[i])
			}
			return out
		}
		tests := []struct {
			name string
			f    rebound.ActivityFilter
			want []int64
		}{
			{"all, oldest first", rebound.ActivityFilter{}, pick(0, 1, 2, 3, 4)},
			{"since is inclusive", rebound.ActivityFilter{Since: t0.Add(2 * day)}, pick(2, 3, 4)},
			{"until is exclusive", rebound.ActivityFilter{Until: t0.Add(2 * day)}, pick(0, 1)},
			{"since and until", rebound.ActivityFilter{Since: t0.Add(day), Until: t0.Add(3*day + time.Millisecond)}, pick(1, 2, 3)},
			{"sports", rebound.ActivityFilter{Sports: []string{rebound.SportCycling, rebound.SportWalking}}, pick(1, 3)},
			{"limit: newest two, oldest first", rebound.ActivityFilter{Limit: 2}, pick(3, 4)},
			{"limit with sport", rebound.ActivityFilter{Limit: 2, Sports: []string{rebound.SportRunning}}, pick(2, 4)},
			{"limit above count", rebound.ActivityFilter{Limit: 50, Until: t0.Add(day)}, pick(0)},
			{"nothing", rebound.ActivityFilter{Since: t0.Add(10 * day)}, pick()},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				acts, err := s.Activities(ctx, 1, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				got := []int64{}
				for _, a := range acts {
					got = append(got, a.ID)
					if a.Laps != nil || a.Streams != nil {
						t.Errorf("activity %d: summary has laps or streams", a.ID)
					}
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("IDs (-want +got):\n%s", diff)
				}
			})
		}
		t.Run("summary fields", func(t *testing.T) {
			acts, err := s.Activities(ctx, 1, rebound.ActivityFilter{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			want := fullActivity(sha('e'), t0.Add(4*day))
			want.ID, want.AthleteID, want.Laps, want.Streams = ids[4], 1, nil, nil
			if diff := cmp.Diff([]*rebound.Activity{want}, acts); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
		t.Run("ErrInvalid negative limit", func(t *testing.T) {
			_, err := s.Activities(ctx, 1, rebound.ActivityFilter{Limit: -1})
			wantCode(t, err, rebound.EInvalid)
		})
	})
}

func TestStore_SetActivityKind(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		id := mustAdd(t, s, 1, fullActivity(sha('a'), t0))[0].ID
		for _, kind := range []string{"long", ""} {
			if err := s.SetActivityKind(ctx, 1, id, kind); err != nil {
				t.Fatal(err)
			}
			a, err := s.Activity(ctx, 1, id, false)
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != kind {
				t.Errorf("kind %q, want %q", a.Kind, kind)
			}
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			wantCode(t, s.SetActivityKind(ctx, 1, id+1, "race"), rebound.ENotFound)
			wantCode(t, s.SetActivityKind(ctx, 2, id, "race"), rebound.ENotFound) // another athlete's
		})
	})
}

// TestStore_ConcurrentRead checks the WAL set-up: while a write transaction
// is open, reads neither block nor see uncommitted rows.
func TestStore_ConcurrentRead(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		first := mustAdd(t, s, 1, fullActivity(sha('a'), t0))[0].ID

		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `INSERT INTO activities (athlete_id, sport, start_time_ms, elapsed_s, moving_s, distance_m, avg_speed_mps, created_at_ms)
			VALUES (1, 'running', ?, 60, 60, 100, 1.6, 0)`, ms(t0.Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		acts, err := s.Activities(rctx, 1, rebound.ActivityFilter{})
		if err != nil {
			t.Fatalf("read during a write: %v", err)
		}
		if len(acts) != 1 || acts[0].ID != first {
			t.Errorf("read during a write saw %d activities, want only the committed one", len(acts))
		}
		if _, err := s.Activity(rctx, 1, first, true); err != nil {
			t.Errorf("Activity during a write: %v", err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if n := countActivities(t, s, 1); n != 2 {
			t.Errorf("after commit %d activities, want 2", n)
		}

		// Readers and a writer in parallel: every listing is a committed
		// prefix of the writer's sequence (counts never go down).
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		wg.Go(func() {
			for i := range 20 {
				a := minimal(sha('c')+string(rune('a'+i)), rebound.SportRunning, t0.Add(time.Duration(i+2)*3*time.Hour), 1800)
				a.Streams = gridStreams(600)
				if _, err := s.AddActivities(ctx, 1, []*rebound.Activity{a}); err != nil {
					errs <- err
					return
				}
			}
		})
		for range 2 {
			wg.Go(func() {
				last := 0
				for range 40 {
					acts, err := s.Activities(ctx, 1, rebound.ActivityFilter{})
					if err != nil {
						errs <- err
						return
					}
					if len(acts) < last {
						errs <- errors.New("listing shrank")
						return
					}
					last = len(acts)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n := countActivities(t, s, 1); n != 22 {
			t.Errorf("after parallel writes %d activities, want 22", n)
		}
	})
}

func TestStore_ErrClosed(t *testing.T) {
	s := mustOpen(t, t.TempDir()+"/rebound.db")
	s.Close()
	_, err := s.Activities(context.Background(), 1, rebound.ActivityFilter{})
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("use after Close: %v, want a closed-database error", err)
	}
}

func TestStore_ActivityStreams(t *testing.T) {
	ctx := context.Background()
	forEachDialect(t, func(t *testing.T, s *Store) {
		res := mustAdd(t, s, 1, fullActivity(sha('s'), t0))
		manual := mustAdd(t, s, 1, &rebound.Activity{Sport: rebound.SportRunning, StartTime: t0.Add(48 * time.Hour), ElapsedS: 2400,
			MovingS: 2400, DistanceM: 6000, AvgSpeedMPS: 2.5, SourceFormat: "manual", SummarySource: rebound.SummaryFromManual})
		full, err := s.Activity(ctx, 1, res[0].ID, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			athlete int64
			id      int64
			want    *rebound.Streams
		}{
			{"the streams Activity reads", 1, res[0].ID, full.Streams},
			{"manual entry: none", 1, manual[0].ID, nil},
			{"another athlete's activity: none", 2, res[0].ID, nil},
			{"no such activity: none", 1, 9999, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := s.ActivityStreams(ctx, tc.athlete, tc.id)
				if err != nil {
					t.Fatal(err)
				}
				if tc.want != nil && got == nil {
					t.Fatal("no streams")
				}
				if diff := cmp.Diff(tc.want, got, floatsEqual); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}
