package store

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// mustRuns stores n distinct 30-minute runs for the athlete, 3 h apart from
// t0 (never duplicates of each other), and returns their IDs.
func mustRuns(tb testing.TB, s *Store, athleteID int64, n int) []int64 {
	tb.Helper()
	acts := make([]*rebound.Activity, n)
	for i := range acts {
		acts[i] = minimal(fmt.Sprintf("%063x%d", athleteID, i), rebound.SportRunning, t0.Add(time.Duration(i)*3*time.Hour), 1800)
	}
	res := mustAdd(tb, s, athleteID, acts...)
	ids := make([]int64, n)
	for i, r := range res {
		if r.Duplicate {
			tb.Fatalf("run %d stored as a duplicate", i)
		}
		ids[i] = r.ID
	}
	return ids
}

// deleteActivity removes an activity with plain SQL: the store has no
// delete method yet, and the cascades are what is under test.
func deleteActivity(t *testing.T, s *Store, id int64) {
	t.Helper()
	if _, err := s.db.ExecContext(context.Background(), s.d.rebind("DELETE FROM activities WHERE id = ?"), id); err != nil {
		t.Fatal(err)
	}
}

// fullLoad sets every field of rebound.WorkoutLoad; values are arbitrary
// but chosen to catch lossy storage: -0 and 0 are distinct bit patterns, an
// empty QualityFlags must stay empty rather than nil, and 1/3 has no short
// decimal form.
func fullLoad(id int64) rebound.WorkoutLoad {
	return rebound.WorkoutLoad{
		ActivityID: id,
		TRIMP:      rebound.Float(71.25), HRSS: rebound.Float(1.0 / 3), RTSS: rebound.Float(0), SRPE: rebound.Float(240),
		Load: 64.5, LoadSource: rebound.LoadFromHR, LoadWhy: "credible heart rate: HRSS",
		HRZones: []rebound.ZoneTime{
			{Zone: "Z1", HighBPM: 140, Seconds: 600, Fraction: 1.0 / 3},
			{Zone: "Z2", LowBPM: 140, HighBPM: 155.5, Seconds: 1200, Fraction: 2.0 / 3},
		},
		PaceZones: []rebound.ZoneTime{{Zone: "E", LowMPS: 2.5, HighMPS: 3.4, Seconds: 1800, Fraction: 1}},
		Character: rebound.CharacterWorkout, CharacterDetail: "fast finish", CharacterWhy: "last 10 min at tempo", CharacterOverride: true,
		FastFinish:   &rebound.Segment{StartS: 1200, DurationS: 600, DistanceM: 2100.5, SpeedMPS: 3.5, AvgHRBPM: rebound.Float(162)},
		Surges:       []rebound.Segment{{StartS: 300, DurationS: 20, DistanceM: 90, SpeedMPS: 4.5}, {StartS: 900, DurationS: 15.5, DistanceM: 70, SpeedMPS: math.Copysign(0, -1)}},
		QualityFlags: []string{},
	}
}

func TestStore_PutWorkoutLoads(t *testing.T) {
	ctx := context.Background()

	t.Run("OK round trip and lookups", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 3)
			bare := rebound.WorkoutLoad{ActivityID: ids[1], Load: 0, LoadSource: rebound.LoadFromNone,
				QualityFlags: []string{"no_hr_stream", "gps_jumps"}}
			in := []rebound.WorkoutLoad{fullLoad(ids[0]), bare}
			if err := s.PutWorkoutLoads(ctx, 1, in); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				name string
				ids  []int64
				want map[int64]rebound.WorkoutLoad
			}{
				{"all", nil, map[int64]rebound.WorkoutLoad{ids[0]: fullLoad(ids[0]), ids[1]: bare}},
				{"one", []int64{ids[1]}, map[int64]rebound.WorkoutLoad{ids[1]: bare}},
				// ids[2] has no load, 999 is no activity: absent, no error.
				{"some missing", []int64{ids[0], ids[2], 999}, map[int64]rebound.WorkoutLoad{ids[0]: fullLoad(ids[0])}},
			} {
				got, err := s.WorkoutLoads(ctx, 1, tt.ids)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
			// -0 survived as -0 (cmp's == would accept +0).
			got, _ := s.WorkoutLoads(ctx, 1, ids[:1])
			if v := got[ids[0]].Surges[1].SpeedMPS; !math.Signbit(v) {
				t.Errorf("surge speed %g lost its sign", v)
			}
		})
	})

	t.Run("OK replace", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 1)
			if err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{fullLoad(ids[0])}); err != nil {
				t.Fatal(err)
			}
			// A profile change recomputed it: HR is gone, rTSS replaces it.
			repl := rebound.WorkoutLoad{ActivityID: ids[0], RTSS: rebound.Float(58), Load: 58, LoadSource: rebound.LoadFromPace, Character: rebound.CharacterEasy}
			if err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{repl}); err != nil {
				t.Fatal(err)
			}
			got, err := s.WorkoutLoads(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[int64]rebound.WorkoutLoad{ids[0]: repl}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK many ids", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			// 1,203 IDs span three IN-list chunks of 500.
			ids := mustRuns(t, s, 1, 3)
			if err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{{ActivityID: ids[0], Load: 1}, {ActivityID: ids[2], Load: 3}}); err != nil {
				t.Fatal(err)
			}
			ask := []int64{ids[0], ids[1], ids[2]}
			for i := range 1200 {
				ask = append(ask, int64(100000+i))
			}
			got, err := s.WorkoutLoads(ctx, 1, ask)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[ids[0]].Load != 1 || got[ids[2]].Load != 3 {
				t.Errorf("got %v, want loads 1 and 3 of activities %d and %d", got, ids[0], ids[2])
			}
		})
	})

	t.Run("OK deleted with the activity", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 2)
			if err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{fullLoad(ids[0]), fullLoad(ids[1])}); err != nil {
				t.Fatal(err)
			}
			deleteActivity(t, s, ids[0])
			got, err := s.WorkoutLoads(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got[ids[0]]; ok || len(got) != 1 {
				t.Errorf("loads of %v after deleting activity %d", keys(got), ids[0])
			}
		})
	})

	t.Run("OK athletes are separate", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 1)
			if err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{fullLoad(ids[0])}); err != nil {
				t.Fatal(err)
			}
			for _, ask := range [][]int64{nil, ids} {
				got, err := s.WorkoutLoads(ctx, 2, ask)
				if err != nil || len(got) != 0 {
					t.Errorf("athlete 2 WorkoutLoads(%v) = %v, %v; want none", ask, keys(got), err)
				}
			}
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 1)
			other := mustRuns(t, s, 2, 1)
			for _, tt := range []struct {
				name string
				id   int64
			}{{"no such activity", 999}, {"another athlete's activity", other[0]}} {
				t.Run(tt.name, func(t *testing.T) {
					// The first load is valid and written before the
					// failure; the transaction must drop it.
					err := s.PutWorkoutLoads(ctx, 1, []rebound.WorkoutLoad{fullLoad(ids[0]), {ActivityID: tt.id, Load: 1}})
					wantCode(t, err, rebound.ENotFound)
					if want := fmt.Sprintf("activity %d not found", tt.id); err.Error() != want {
						t.Errorf("message %q, want %q", err, want)
					}
					if got, _ := s.WorkoutLoads(ctx, 1, nil); len(got) != 0 {
						t.Errorf("loads %v stored by a failed call", keys(got))
					}
				})
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 1)
			id := ids[0]
			with := func(f func(l *rebound.WorkoutLoad)) rebound.WorkoutLoad {
				l := fullLoad(id)
				f(&l)
				return l
			}
			for _, tt := range []struct {
				name      string
				athleteID int64
				load      rebound.WorkoutLoad
				msg       string
			}{
				{"athlete 0", 0, fullLoad(id), "athlete id 0 is not positive"},
				{"no activity", 1, rebound.WorkoutLoad{Load: 1}, "load of activity 0: activity id is not positive"},
				{"NaN load", 1, with(func(l *rebound.WorkoutLoad) { l.Load = math.NaN() }), fmt.Sprintf("load of activity %d: load NaN is not a number", id)},
				{"infinite TRIMP", 1, with(func(l *rebound.WorkoutLoad) { l.TRIMP = rebound.Float(math.Inf(1)) }), fmt.Sprintf("load of activity %d: TRIMP +Inf is not a number", id)},
				{"NaN in a zone", 1, with(func(l *rebound.WorkoutLoad) { l.HRZones[0].Fraction = math.NaN() }), fmt.Sprintf("load of activity %d: json: unsupported value: NaN", id)},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := s.PutWorkoutLoads(ctx, tt.athleteID, []rebound.WorkoutLoad{tt.load})
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
				})
			}
			if got, _ := s.WorkoutLoads(ctx, 1, nil); len(got) != 0 {
				t.Errorf("loads %v stored by failed calls", keys(got))
			}
		})
	})
}

func keys[V any](m map[int64]V) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	return out
}

// day returns 00:00 UTC of March d, 2026.
func day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

func dailyRows(days ...int) []rebound.DailyRow {
	var rows []rebound.DailyRow
	for _, d := range days {
		rows = append(rows, rebound.DailyRow{Date: day(d), Payload: []byte(fmt.Sprintf(`{"ctl":%d}`, d))})
	}
	return rows
}

func mustDaily(t *testing.T, s *Store, athleteID int64) []rebound.DailyRow {
	t.Helper()
	rows, err := s.DailyRows(context.Background(), athleteID)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestStore_ReplaceDailyRows(t *testing.T) {
	ctx := context.Background()

	for _, tt := range []struct {
		name string
		from time.Time
		rows []rebound.DailyRow
		want []rebound.DailyRow
	}{
		// Stored: 1–5 March. Replacing from 3 March keeps 1 and 2, drops
		// 5 (not resupplied), and sorts the unordered input.
		{"OK tail replaced", day(3), []rebound.DailyRow{{Date: day(6), Payload: []byte("six")}, {Date: day(3), Payload: []byte("three")}, {Date: day(4), Payload: []byte{0, 0xff}}},
			append(dailyRows(1, 2), rebound.DailyRow{Date: day(3), Payload: []byte("three")}, rebound.DailyRow{Date: day(4), Payload: []byte{0, 0xff}}, rebound.DailyRow{Date: day(6), Payload: []byte("six")})},
		{"OK nothing new truncates", day(4), nil, dailyRows(1, 2, 3)},
		// From 3 March 12:00: 3 March (00:00) is before it and stays.
		{"OK from mid-day", day(3).Add(12 * time.Hour), dailyRows(4), dailyRows(1, 2, 3, 4)},
		{"OK zero from replaces all", time.Time{}, dailyRows(9), dailyRows(9)},
		{"OK empty payload", day(6), []rebound.DailyRow{{Date: day(6)}}, append(dailyRows(1, 2, 3, 4, 5), rebound.DailyRow{Date: day(6), Payload: []byte{}})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *Store) {
				if err := s.ReplaceDailyRows(ctx, 1, time.Time{}, dailyRows(1, 2, 3, 4, 5)); err != nil {
					t.Fatal(err)
				}
				if err := s.ReplaceDailyRows(ctx, 1, tt.from, tt.rows); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, mustDaily(t, s, 1)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		})
	}

	t.Run("OK athletes are separate", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			if err := s.ReplaceDailyRows(ctx, 1, time.Time{}, dailyRows(1, 2)); err != nil {
				t.Fatal(err)
			}
			if err := s.ReplaceDailyRows(ctx, 2, time.Time{}, dailyRows(7)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(dailyRows(1, 2), mustDaily(t, s, 1)); diff != "" {
				t.Errorf("athlete 1 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(dailyRows(7), mustDaily(t, s, 2)); diff != "" {
				t.Errorf("athlete 2 (-want +got):\n%s", diff)
			}
			if got := mustDaily(t, s, 3); len(got) != 0 {
				t.Errorf("athlete 3 has rows %v", got)
			}
		})
	})

	// Every failure below happens after the delete and after earlier rows
	// were inserted: the old rows must all survive.
	for _, tt := range []struct {
		name string
		from time.Time
		rows []rebound.DailyRow
		msg  string
	}{
		{"ErrInvalid row before from", day(3), dailyRows(3, 4, 2), "daily row 3 of 3: date 2026-03-02 is before the replaced range (from 2026-03-03)"},
		{"ErrInvalid not midnight", day(3), append(dailyRows(3), rebound.DailyRow{Date: day(4).Add(time.Hour)}), "daily row 2 of 2: date 2026-03-04T01:00:00Z is not a calendar date at 00:00 UTC"},
		{"ErrInvalid midnight elsewhere", day(3), append(dailyRows(3), rebound.DailyRow{Date: time.Date(2026, 3, 4, 0, 0, 0, 0, time.FixedZone("", 3600))}), "daily row 2 of 2: date 2026-03-04T00:00:00+01:00 is not a calendar date at 00:00 UTC"},
		{"ErrInvalid twice", day(3), dailyRows(3, 4, 3), "daily row 3 of 3: date 2026-03-03 given twice"},
		{"ErrInvalid no date", day(3), append(dailyRows(3), rebound.DailyRow{}), "daily row 2 of 2: date missing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			forEachDialect(t, func(t *testing.T, s *Store) {
				if err := s.ReplaceDailyRows(ctx, 1, time.Time{}, dailyRows(1, 2, 3, 4, 5)); err != nil {
					t.Fatal(err)
				}
				err := s.ReplaceDailyRows(ctx, 1, tt.from, tt.rows)
				wantCode(t, err, rebound.EInvalid)
				if err.Error() != tt.msg {
					t.Errorf("message %q, want %q", err, tt.msg)
				}
				if diff := cmp.Diff(dailyRows(1, 2, 3, 4, 5), mustDaily(t, s, 1)); diff != "" {
					t.Errorf("rows changed by a failed call (-want +got):\n%s", diff)
				}
			})
		})
	}

	t.Run("ErrInvalid athlete 0", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			wantCode(t, s.ReplaceDailyRows(ctx, 0, time.Time{}, dailyRows(1)), rebound.EInvalid)
		})
	})

	t.Run("ErrInsert keeps the old rows", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			if err := s.ReplaceDailyRows(ctx, 1, time.Time{}, dailyRows(1, 2, 3, 4, 5)); err != nil {
				t.Fatal(err)
			}
			// A database-level failure on the third insert (a trigger
			// stands in for a full disk or a broken constraint).
			if _, err := s.db.ExecContext(ctx, `CREATE TRIGGER fail_daily BEFORE INSERT ON daily_rows
				WHEN NEW.date = '2026-03-05' BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
				t.Fatal(err)
			}
			err := s.ReplaceDailyRows(ctx, 1, day(3), dailyRows(3, 4, 5))
			wantCode(t, err, rebound.EInternal)
			if want := "store: insert daily row 2026-03-05: "; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
				t.Errorf("message %q, want it to start %q", err, want)
			}
			if diff := cmp.Diff(dailyRows(1, 2, 3, 4, 5), mustDaily(t, s, 1)); diff != "" {
				t.Errorf("rows changed by a failed call (-want +got):\n%s", diff)
			}
		})
	})
}
