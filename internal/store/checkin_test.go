package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// fullCheckIn sets every field of rebound.CheckIn, each within its range;
// 0 drinks is a real answer and must not come back as nil.
func fullCheckIn(athleteID int64, d time.Time) *rebound.CheckIn {
	return &rebound.CheckIn{
		AthleteID: athleteID, Date: d,
		SleepS: rebound.Float(7.5 * 3600), SleepQuality: intp(4), Soreness: intp(2), Fatigue: intp(3), Stress: intp(1), Mood: intp(5),
		RestingHRBPM: rebound.Float(47.5), HRVRMSSDms: rebound.Float(68.25), WeightKg: rebound.Float(58.4),
		AlcoholDrinks: intp(0), Ill: true, Pain: "left Achilles, 4/10", Notes: "slept badly — noisy street", Source: rebound.CheckInManual,
	}
}

func mustCheckIns(t *testing.T, s *Store, athleteID int64, from, to time.Time) []*rebound.CheckIn {
	t.Helper()
	got, err := s.CheckIns(context.Background(), athleteID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestStore_PutCheckIn(t *testing.T) {
	ctx := context.Background()

	t.Run("OK round trip and replace", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			if err := s.PutCheckIn(ctx, fullCheckIn(1, day(2))); err != nil {
				t.Fatal(err)
			}
			bare := &rebound.CheckIn{AthleteID: 1, Date: day(1), HRVRMSSDms: rebound.Float(55), Source: rebound.CheckInCSV}
			if err := s.PutCheckIn(ctx, bare); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*rebound.CheckIn{bare, fullCheckIn(1, day(2))}, mustCheckIns(t, s, 1, time.Time{}, time.Time{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Re-entering 2 March replaces it whole: nil fields clear.
			repl := &rebound.CheckIn{AthleteID: 1, Date: day(2), Soreness: intp(5)}
			if err := s.PutCheckIn(ctx, repl); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*rebound.CheckIn{bare, repl}, mustCheckIns(t, s, 1, time.Time{}, time.Time{})); diff != "" {
				t.Errorf("after replacing (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK ranges", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			for _, d := range []int{5, 1, 3, 4, 2} {
				if err := s.PutCheckIn(ctx, &rebound.CheckIn{AthleteID: 1, Date: day(d), Mood: intp(3)}); err != nil {
					t.Fatal(err)
				}
			}
			// Expected days follow from ≤ Date ≤ to with Date at 00:00 UTC.
			for _, tt := range []struct {
				name     string
				from, to time.Time
				want     []int
			}{
				{"unbounded", time.Time{}, time.Time{}, []int{1, 2, 3, 4, 5}},
				{"inclusive", day(2), day(4), []int{2, 3, 4}},
				{"from only", day(4), time.Time{}, []int{4, 5}},
				{"to only", time.Time{}, day(2), []int{1, 2}},
				{"one day", day(3), day(3), []int{3}},
				// 2 March 00:01 is after 2 March's midnight; 4 March 23:59
				// is after 4 March's.
				{"mid-day bounds", day(2).Add(time.Minute), day(4).Add(23*time.Hour + 59*time.Minute), []int{3, 4}},
				// 3 March 00:30 at UTC+1 is 2 March 23:30 UTC.
				{"bounds in another zone", time.Date(2026, 3, 3, 0, 30, 0, 0, time.FixedZone("", 3600)), day(5), []int{3, 4, 5}},
				{"reversed", day(4), day(2), nil},
				{"far future", day(6), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC), nil},
				{"far past", time.Time{}, time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), nil},
			} {
				var got []int
				for _, c := range mustCheckIns(t, s, 1, tt.from, tt.to) {
					got = append(got, c.Date.Day())
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
		})
	})

	t.Run("OK athletes are separate", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			if err := s.PutCheckIn(ctx, fullCheckIn(1, day(1))); err != nil {
				t.Fatal(err)
			}
			if err := s.PutCheckIn(ctx, &rebound.CheckIn{AthleteID: 2, Date: day(1), Mood: intp(1)}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]*rebound.CheckIn{fullCheckIn(1, day(1))}, mustCheckIns(t, s, 1, time.Time{}, time.Time{})); diff != "" {
				t.Errorf("athlete 1 (-want +got):\n%s", diff)
			}
			if got := mustCheckIns(t, s, 2, time.Time{}, time.Time{}); len(got) != 1 || *got[0].Mood != 1 {
				t.Errorf("athlete 2 got %+v, want only its own check-in", got)
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			for _, tt := range []struct {
				name string
				c    *rebound.CheckIn
				msg  string
			}{
				{"nil", nil, "check-in is nil"},
				{"no athlete", &rebound.CheckIn{Date: day(1)}, "check-in: athlete id 0 is not positive"},
				// The range is rebound.MinHRVRMSSDms–MaxHRVRMSSDms.
				{"HRV 900", &rebound.CheckIn{AthleteID: 1, Date: day(1), HRVRMSSDms: rebound.Float(900)}, "check-in of 2026-03-01: rMSSD 900 ms out of range (5–300)"},
				{"two bad fields", &rebound.CheckIn{AthleteID: 1, Date: day(1), Mood: intp(0), Source: "watch"},
					`check-in of 2026-03-01: mood 0 out of range (1–5); source "watch" unknown (manual, csv, fit)`},
				{"no date", &rebound.CheckIn{AthleteID: 1}, "check-in: date missing"},
				{"not midnight", &rebound.CheckIn{AthleteID: 1, Date: day(1).Add(7 * time.Hour)},
					"check-in of 2026-03-01: date 2026-03-01T07:00:00Z is not a calendar date at 00:00 UTC"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := s.PutCheckIn(ctx, tt.c)
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
				})
			}
			if got := mustCheckIns(t, s, 1, time.Time{}, time.Time{}); len(got) != 0 {
				t.Errorf("failed calls stored %d check-ins", len(got))
			}
		})
	})
}

func mark(id int64, kind string, idx int, status string) rebound.PlanMark {
	return rebound.PlanMark{PlanActivityID: id, StepKind: kind, StepIndex: idx, Status: status, At: clock.Add(time.Duration(idx) * time.Minute)}
}

func TestStore_PutPlanMark(t *testing.T) {
	ctx := context.Background()

	t.Run("OK upsert and order", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 3)
			for _, m := range []rebound.PlanMark{
				mark(ids[1], rebound.StepWalk, 0, rebound.MarkDone),
				mark(ids[0], rebound.StepRefuel, 1, rebound.MarkDone),
				mark(ids[0], rebound.StepHydrate, 0, rebound.MarkSkipped),
				mark(ids[0], rebound.StepRefuel, 0, rebound.MarkSkipped),
				mark(ids[2], rebound.StepNap, 0, rebound.MarkDone),
				// The runner changed their mind: done after all, later.
				{PlanActivityID: ids[0], StepKind: rebound.StepRefuel, StepIndex: 0, Status: rebound.MarkDone, At: clock.Add(time.Hour + 250*time.Millisecond)},
			} {
				if err := s.PutPlanMark(ctx, 1, m); err != nil {
					t.Fatal(err)
				}
			}
			// Plan, then kind alphabetically (hydrate < refuel), then index.
			all := []rebound.PlanMark{
				mark(ids[0], rebound.StepHydrate, 0, rebound.MarkSkipped),
				{PlanActivityID: ids[0], StepKind: rebound.StepRefuel, StepIndex: 0, Status: rebound.MarkDone, At: clock.Add(time.Hour + 250*time.Millisecond)},
				mark(ids[0], rebound.StepRefuel, 1, rebound.MarkDone),
				mark(ids[1], rebound.StepWalk, 0, rebound.MarkDone),
				mark(ids[2], rebound.StepNap, 0, rebound.MarkDone),
			}
			for _, tt := range []struct {
				name string
				ids  []int64
				want []rebound.PlanMark
			}{
				{"all", nil, all},
				{"some, asked out of order and twice", []int64{ids[2], ids[0], 999, ids[2]}, []rebound.PlanMark{all[0], all[1], all[2], all[4]}},
				{"none", []int64{999}, []rebound.PlanMark{}},
			} {
				got, err := s.PlanMarks(ctx, 1, tt.ids)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
			if got, err := s.PlanMarks(ctx, 2, nil); err != nil || len(got) != 0 {
				t.Errorf("athlete 2 PlanMarks = %v, %v; want none", got, err)
			}
		})
	})

	t.Run("OK deleted with the activity", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 2)
			for _, id := range ids {
				if err := s.PutPlanMark(ctx, 1, mark(id, rebound.StepMeal, 0, rebound.MarkDone)); err != nil {
					t.Fatal(err)
				}
			}
			deleteActivity(t, s, ids[0])
			got, err := s.PlanMarks(ctx, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]rebound.PlanMark{mark(ids[1], rebound.StepMeal, 0, rebound.MarkDone)}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			other := mustRuns(t, s, 2, 1)[0]
			for _, id := range []int64{999, other} {
				err := s.PutPlanMark(ctx, 1, mark(id, rebound.StepMeal, 0, rebound.MarkDone))
				wantCode(t, err, rebound.ENotFound)
				if want := fmt.Sprintf("activity %d not found", id); err.Error() != want {
					t.Errorf("message %q, want %q", err, want)
				}
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			for _, tt := range []struct {
				name      string
				athleteID int64
				m         rebound.PlanMark
				msg       string
			}{
				{"athlete 0", 0, mark(id, rebound.StepMeal, 0, rebound.MarkDone), "athlete id 0 is not positive"},
				{"unknown status", 1, mark(id, rebound.StepMeal, 0, "maybe"), `plan mark: status "maybe" unknown (done, skipped)`},
				{"negative index", 1, mark(id, rebound.StepMeal, -1, rebound.MarkDone), "plan mark: step index -1 negative"},
				{"no time", 1, rebound.PlanMark{PlanActivityID: id, StepKind: rebound.StepMeal, Status: rebound.MarkDone}, "plan mark: time missing"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := s.PutPlanMark(ctx, tt.athleteID, tt.m)
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
				})
			}
			err := s.PutPlanMark(ctx, 1, mark(id, "stretch", 0, rebound.MarkDone))
			wantCode(t, err, rebound.EInvalid)
			if !strings.HasPrefix(err.Error(), `plan mark: step "stretch" unknown (pre_run, refuel,`) {
				t.Errorf("message %q", err)
			}
		})
	})
}

func TestStore_PutAlertEpisode(t *testing.T) {
	ctx := context.Background()
	morning := func(d int) time.Time { return day(d).Add(6 * time.Hour) }

	t.Run("OK upsert and order", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			closed := rebound.AlertEpisode{Since: morning(1), Until: ptrTime(morning(3)), Triggers: []string{"tsb", "hrv"}, ExitRule: "TSB above −10"}
			open := rebound.AlertEpisode{Since: morning(6), Triggers: []string{"illness"}, ExitRule: "48 h symptom-free"}
			for _, e := range []rebound.AlertEpisode{open, closed} {
				if err := s.PutAlertEpisode(ctx, 1, e); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.AlertEpisodes(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]rebound.AlertEpisode{closed, open}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// The open episode ends: same Since, replaced. Triggers may
			// be empty (not nil) and must stay so.
			ended := rebound.AlertEpisode{Since: morning(6), Until: ptrTime(morning(8)), Triggers: []string{}, ExitRule: "48 h symptom-free"}
			if err := s.PutAlertEpisode(ctx, 1, ended); err != nil {
				t.Fatal(err)
			}
			got, err = s.AlertEpisodes(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]rebound.AlertEpisode{closed, ended}, got); diff != "" {
				t.Errorf("after ending (-want +got):\n%s", diff)
			}
			if got[1].Active() || got[1].Triggers == nil {
				t.Errorf("ended episode %+v: still active or triggers nil", got[1])
			}
			if got, err := s.AlertEpisodes(ctx, 2); err != nil || len(got) != 0 {
				t.Errorf("athlete 2 AlertEpisodes = %v, %v; want none", got, err)
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			for _, tt := range []struct {
				name      string
				athleteID int64
				e         rebound.AlertEpisode
				msg       string
			}{
				{"athlete 0", 0, rebound.AlertEpisode{Since: morning(1)}, "athlete id 0 is not positive"},
				{"no start", 1, rebound.AlertEpisode{Triggers: []string{"tsb"}}, "red alert episode: start missing"},
				{"ends before it starts", 1, rebound.AlertEpisode{Since: morning(3), Until: ptrTime(morning(2))},
					"red alert episode since 2026-03-03T06:00:00Z: end 2026-03-02T06:00:00Z is before the start"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := s.PutAlertEpisode(ctx, tt.athleteID, tt.e)
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
				})
			}
			if got, _ := s.AlertEpisodes(ctx, 1); len(got) != 0 {
				t.Errorf("failed calls stored %v", got)
			}
		})
	})
}
