package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// TestStore_DuplicateTies checks the tie rule of the duplicate search,
// which findDuplicate applies itself since its query has no ORDER BY: when
// two stored activities match at the same distance, the one stored first
// (the smaller id) wins, whatever their order by start time.
func TestStore_DuplicateTies(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		// A ride 20 s after t0 is stored before a run 20 s before t0;
		// they are 40 s apart but different sports, so both are kept. A
		// recording of unknown sport at t0 matches both (same family
		// rule, 20 s ≤ 60 s, 1800 s each) at 20 s: the ride, first
		// stored, wins although the run comes first in start order.
		res := mustAdd(t, s, 1,
			minimal(sha('a'), rebound.SportCycling, t0.Add(20*time.Second), 1800),
			minimal(sha('b'), rebound.SportRunning, t0.Add(-20*time.Second), 1800))
		if res[0].Duplicate || res[1].Duplicate {
			t.Fatalf("results %+v, want two stored activities", res)
		}
		got := mustAdd(t, s, 1, minimal(sha('c'), "", t0, 1800))[0]
		if !got.Duplicate || got.DuplicateOf != res[0].ID {
			t.Errorf("result %+v, want duplicate of the ride (%d), stored first", got, res[0].ID)
		}
		// One millisecond closer to the run: now the run wins.
		got = mustAdd(t, s, 1, minimal(sha('d'), "", t0.Add(-time.Millisecond), 1800))[0]
		if !got.Duplicate || got.DuplicateOf != res[1].ID {
			t.Errorf("result %+v, want duplicate of the run (%d), 1 ms closer", got, res[1].ID)
		}
	})
}

// TestStore_DuplicateManyCandidates compares the stored search with
// rebound.SameWorkout applied to the full activities, on a crowded day:
// 40 stored activities of assorted sports and durations within 4 minutes,
// then 200 probes. The expected answer is computed here from the inputs
// (closest start among those SameWorkout accepts, ties to the first
// stored), independently of the store's query.
func TestStore_DuplicateManyCandidates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		r := rand.New(rand.NewPCG(3, 4))
		sports := []string{rebound.SportRunning, "run", rebound.SportCycling, rebound.SportWalking, "", "swimming"}
		var stored []*rebound.Activity
		var ids []int64
		for len(stored) < 40 {
			a := minimal(fmt.Sprintf("%064x", len(stored)+1000), sports[r.IntN(len(sports))],
				t0.Add(time.Duration(r.IntN(240_000))*time.Millisecond), float64(600+r.IntN(3000)))
			if dup(stored, ids, a) != 0 {
				continue // keep only activities the store will keep
			}
			res := mustAdd(t, s, 1, a)[0]
			if res.Duplicate {
				t.Fatalf("stored activity %d: unexpected duplicate of %d", len(stored), res.DuplicateOf)
			}
			stored, ids = append(stored, a), append(ids, res.ID)
		}
		matched := 0
		for i := range 200 {
			p := minimal(fmt.Sprintf("%064x", i+5000), sports[r.IntN(len(sports))],
				t0.Add(time.Duration(r.IntN(360_000)-60_000)*time.Millisecond), float64(600+r.IntN(3000)))
			want := dup(stored, ids, p)
			res, err := s.AddActivities(context.Background(), 1, []*rebound.Activity{p})
			if err != nil {
				t.Fatal(err)
			}
			if want == 0 {
				// Not a duplicate: stored, and must not be matched by the
				// probes after it, so remove it again.
				if res[0].Duplicate {
					t.Fatalf("probe %d: duplicate of %d, want none", i, res[0].DuplicateOf)
				}
				if _, err := s.db.Exec(`DELETE FROM activities WHERE id = ?`, res[0].ID); err != nil {
					t.Fatal(err)
				}
				continue
			}
			matched++
			if !res[0].Duplicate || res[0].DuplicateOf != want {
				t.Errorf("probe %d (%q at %v, %g s): result %+v, want duplicate of %d", i, p.Sport, p.StartTime.Sub(t0), p.ElapsedS, res[0], want)
			}
		}
		if matched < 50 {
			t.Errorf("only %d of 200 probes matched: the test no longer exercises the search", matched)
		}
	})
}

// dup is the duplicate rule of rebound.ActivityStore on full activities:
// among stored (with their ids) those SameWorkout accepts, the closest
// start in whole milliseconds (as stored) wins, ties to the first stored.
func dup(stored []*rebound.Activity, ids []int64, a *rebound.Activity) int64 {
	var best, bestDist int64
	for i, c := range stored {
		if !rebound.SameWorkout(a, c) {
			continue
		}
		d := a.StartTime.Sub(fromMS(ms(c.StartTime))).Abs().Milliseconds()
		if best == 0 || d < bestDist {
			best, bestDist = ids[i], d
		}
	}
	return best
}

// TestSameWorkoutFields checks that rebound.SameWorkout decides on the
// fields findDuplicate reads back (Sport, StartTime, ElapsedS) alone: for
// random pairs of full activities, clearing every other field of the
// stored one never changes the answer. If SameWorkout starts reading
// another field, this fails and dupQuery must select it.
func TestSameWorkoutFields(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sports := []string{rebound.SportRunning, "trail_running", rebound.SportCycling, rebound.SportWalking, "", "generic"}
	both := 0
	for i := range 2000 {
		a := fullActivity(sha('a'), t0)
		b := fullActivity(sha('b'), t0.Add(time.Duration(r.IntN(140_000)-70_000)*time.Millisecond))
		a.Sport, b.Sport = sports[r.IntN(len(sports))], sports[r.IntN(len(sports))]
		a.ElapsedS, b.ElapsedS = float64(r.IntN(7200)), float64(r.IntN(7200))
		a.MovingS, b.MovingS = float64(r.IntN(7200)), float64(r.IntN(7200))
		a.DistanceM, b.DistanceM = float64(r.IntN(20000)), float64(r.IntN(20000))
		b.SubSport, b.SessionIndex = strings.Repeat("x", r.IntN(3)), r.IntN(3)
		bare := &rebound.Activity{Sport: b.Sport, StartTime: b.StartTime, ElapsedS: b.ElapsedS}
		want := rebound.SameWorkout(a, b)
		if got := rebound.SameWorkout(a, bare); got != want {
			t.Fatalf("pair %d: SameWorkout = %v on the full activity, %v on sport, start and duration alone", i, want, got)
		}
		if want {
			both++
		}
	}
	if both < 100 {
		t.Errorf("only %d of 2000 pairs matched: the test no longer exercises SameWorkout", both)
	}
}

// TestDupQueryPlan checks that the duplicate search reads the index
// activities_source for the source and activities_start for the range,
// and sorts nothing: a table scan there made imports quadratic in the
// history's size (docs/PERFORMANCE.md).
func TestDupQueryPlan(t *testing.T) {
	s := mustOpen(t, t.TempDir()+"/rebound.db")
	rows, err := s.db.Query("EXPLAIN QUERY PLAN "+s.d.rebind(dupQuery), 1, sha('a'), 0, 1, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(plan, "; ")
	t.Logf("plan: %s", got)
	if !strings.Contains(got, "INDEX activities_source") || !strings.Contains(got, "USING INDEX activities_start") ||
		strings.Contains(got, "TEMP B-TREE") || strings.Contains(got, "SCAN") {
		t.Errorf("query plan %q: want searches of activities_source and activities_start, no scan or sort", got)
	}
}

// TestStore_LapChunks stores activities with 0 to 40 laps, which go in as
// chunks of lapChunks rows (16, 8, 4, 2, 1), and checks that each reads
// back with exactly its laps, in order: the expected value is the input
// itself. Every lap differs from the others in every column, optional ones
// alternately set and NULL, so a lap stored twice, out of place or with a
// neighbour's value shows.
func TestStore_LapChunks(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for n := 0; n <= 40; n++ {
			a := minimal(fmt.Sprintf("%064x", n+1), rebound.SportRunning, t0.Add(time.Duration(n)*24*time.Hour), 3600)
			for i := range n {
				l := rebound.Lap{
					Index:     n - i, // not the position: lap_index and seq are separate columns
					StartTime: a.StartTime.Add(time.Duration(i) * time.Minute),
					ElapsedS:  float64(60 + i), MovingS: float64(50 + i), DistanceM: float64(200 + i),
					AvgSpeedMPS: 3 + float64(i)/100,
				}
				if i%2 == 0 {
					l.AvgHeartRateBPM, l.MaxHeartRateBPM, l.AvgCadenceSPM = rebound.Float(float64(140+i)), rebound.Float(float64(160+i)), rebound.Float(float64(170+i))
				}
				a.Laps = append(a.Laps, l)
			}
			want := a.Laps
			res := mustAdd(t, s, 1, a)[0]
			got, err := s.Activity(ctx, 1, res.ID, false)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.Laps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%d laps: (-want +got):\n%s", n, diff)
			}
			// seq is the position in Activity.Laps: 0, 1, …, n-1.
			var seqs []int
			rows, err := s.rdb.Query(`SELECT seq FROM laps WHERE activity_id = ? ORDER BY seq`, res.ID)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var q int
				if err := rows.Scan(&q); err != nil {
					t.Fatal(err)
				}
				seqs = append(seqs, q)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
			for i, q := range seqs {
				if q != i {
					t.Errorf("%d laps: seq %v, want 0 to %d", n, seqs, n-1)
					break
				}
			}
		}
	})
}

// TestStore_AddActivitiesReturning runs AddActivities through the path of a
// dialect without lastInsertID (PostgreSQL's, INSERT … RETURNING id) on
// SQLite, and checks it reports the ids the rows got, as the default path
// does: 1, 2 and 3 in a fresh database (SQLite's first rowids), with the
// duplicate of the first reported as such.
func TestStore_AddActivitiesReturning(t *testing.T) {
	for _, lastInsertID := range []bool{true, false} {
		t.Run(fmt.Sprintf("lastInsertID=%v", lastInsertID), func(t *testing.T) {
			s := mustOpen(t, t.TempDir()+"/rebound.db")
			d := *s.d
			d.lastInsertID = lastInsertID
			s.d = &d
			if err := s.w.close(); err != nil {
				t.Fatal(err)
			}
			if err := s.prepareWrites(context.Background()); err != nil {
				t.Fatal(err)
			}
			acts := []*rebound.Activity{fullActivity(sha('a'), t0), fullActivity(sha('b'), t0.Add(24*time.Hour)),
				fullActivity(sha('a'), t0), fullActivity(sha('c'), t0.Add(48*time.Hour))}
			res := mustAdd(t, s, 1, acts...)
			want := []rebound.AddResult{{ID: 1}, {ID: 2}, {ID: 1, Duplicate: true, DuplicateOf: 1}, {ID: 3}}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, i := range []int{0, 1, 3} {
				got, err := s.Activity(context.Background(), 1, res[i].ID, false)
				if err != nil {
					t.Fatal(err)
				}
				if got.SourceSHA256 != acts[i].SourceSHA256 || len(got.Laps) != len(acts[i].Laps) {
					t.Errorf("activity %d: source %s with %d laps, want %s with %d", res[i].ID, got.SourceSHA256[:4], len(got.Laps), acts[i].SourceSHA256[:4], len(acts[i].Laps))
				}
			}
		})
	}
}

// TestStore_DuplicateSourceFirst checks that a stored activity from the
// same source and session wins over one SameWorkout matches better, as
// when the source was looked up in a query of its own.
func TestStore_DuplicateSourceFirst(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		// X: a run from source a at t0. Y: a ride from source b 30 s
		// later (a different sport, so both are kept). The probe, source
		// a session 0 again but read as a ride starting with Y, matches Y
		// by SameWorkout (same sport, 0 s apart) and not X (another
		// sport); the source decides: X.
		res := mustAdd(t, s, 1,
			minimal(sha('a'), rebound.SportRunning, t0, 1800),
			minimal(sha('b'), rebound.SportCycling, t0.Add(30*time.Second), 1800))
		if res[1].Duplicate {
			t.Fatalf("results %+v, want two stored activities", res)
		}
		got := mustAdd(t, s, 1, minimal(sha('a'), rebound.SportCycling, t0.Add(30*time.Second), 1800))[0]
		if !got.Duplicate || got.DuplicateOf != res[0].ID {
			t.Errorf("result %+v, want duplicate of %d (same source)", got, res[0].ID)
		}
	})
}

// cancelAfter is a context that cancels itself at its n-th Err call, so a
// cancellation lands mid-batch without timing: database/sql, the driver and
// AddActivities all ask Err as they go.
type cancelAfter struct {
	context.Context
	n      *int
	cancel context.CancelFunc
}

func (c cancelAfter) Err() error {
	if *c.n--; *c.n <= 0 {
		c.cancel()
	}
	return c.Context.Err()
}

// TestStore_AddActivitiesEncodedCanceled checks that a batch whose
// context ends part-way, with the blobs made beforehand (no encoding
// between statements to slow it down), fails with the context's error and
// leaves nothing stored: statements do not watch the context themselves,
// AddActivities checks it between activities.
func TestStore_AddActivitiesEncodedCanceled(t *testing.T) {
	for _, after := range []int{1, 5, 20, 100} {
		t.Run(fmt.Sprintf("after=%d", after), func(t *testing.T) {
			s := mustOpen(t, t.TempDir()+"/rebound.db")
			acts := make([]*rebound.Activity, 200)
			blobs := make([][]byte, len(acts))
			for i := range acts {
				acts[i] = fullActivity(fmt.Sprintf("%064x", i+1), t0.Add(time.Duration(i)*3*time.Hour))
				var err error
				if blobs[i], err = s.PrepareStreams(acts[i]); err != nil {
					t.Fatal(err)
				}
			}
			parent, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := after
			_, err := s.AddActivitiesEncoded(cancelAfter{parent, &n, cancel}, 1, acts, blobs)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error %v, want the context's", err)
			}
			assertEmpty(t, s)
		})
	}
}
