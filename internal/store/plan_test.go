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

// lisbonSummer stands in for Europe/Lisbon in summer (UTC+1) without
// depending on the machine's tz database.
var lisbonSummer = time.FixedZone("WEST", 3600)

// fullPlan sets every field of rebound.Plan; its times are local (UTC+1)
// with sub-second parts, as the plan builder produces them.
func fullPlan(activityID int64, ended time.Time, version string) *rebound.Plan {
	ended = ended.In(lisbonSummer)
	since := ended.Add(-36 * time.Hour)
	return &rebound.Plan{
		ActivityID: activityID, EndedAt: ended, Character: rebound.CharacterLong, Variant: rebound.PlanFull,
		TimeZone: "Europe/Lisbon", Version: version, Revision: 42, // Revision is the store's, whatever comes in
		RedAlert: rebound.RedAlert{Active: true, Since: &since, ExitRule: "TSB above −10 for 2 days",
			Triggers: []rebound.Trigger{{Signal: "tsb", Value: -31.5, Limit: -30, Why: "form very low", Source: "Coggan"}}},
		IceBath: rebound.IceBathAdvice{Advice: rebound.IceBathSkip, Why: "blunts adaptation in a build"},
		Recovery: rebound.Recovery{Hours: 40.25, ReadyAt: ended.Add(40*time.Hour + 15*time.Minute), Confidence: rebound.ConfidenceMedium,
			Contributions: []rebound.Contribution{{Name: "workout load", Hours: 30, Why: "HRSS 120"}, {Name: "form", Hours: 10.25, Why: "TSB −31.5", Source: "science.md §3"}}},
		Steps: []rebound.Step{
			{ID: "refuel", Kind: rebound.StepRefuel, At: ended.Add(5 * time.Minute), OffsetMin: 5, DurationMin: 10, Title: "Refuel",
				Amounts: map[string]float64{"protein_g": 20, "carbs_g": 1.0 / 3}, Why: "glycogen", Source: "Ivy 1988"},
			{ID: "nap", Kind: rebound.StepNap, At: ended.Add(2 * time.Hour), OffsetMin: 120, DurationMin: 90, Title: "Nap", Amounts: map[string]float64{}},
			{ID: "walk", Kind: rebound.StepWalk, At: ended.Add(6 * time.Hour), OffsetMin: 360, DurationMin: 10, Title: "Walk"},
		},
		Notes: []string{"no body mass on file"},
	}
}

func TestStore_PutPlan(t *testing.T) {
	ctx := context.Background()
	ended := t0.Add(2*time.Hour + 123456789) // 09:00:00.373456789 UTC

	t.Run("OK round trip", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			in := fullPlan(id, ended, "v1")
			rev, err := s.PutPlan(ctx, 1, in)
			if err != nil {
				t.Fatal(err)
			}
			if rev != 0 || in.Revision != 0 {
				t.Errorf("first plan: revision %d, p.Revision %d; want 0, 0", rev, in.Revision)
			}
			want := fullPlan(id, ended, "v1")
			want.Revision = 0
			got, err := s.Plan(ctx, 1, id)
			if err != nil {
				t.Fatal(err)
			}
			// cmp compares time.Time with its Equal method: same instants.
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// And the local offsets come back, not UTC.
			for _, tm := range []time.Time{got.EndedAt, *got.RedAlert.Since, got.Recovery.ReadyAt, got.Steps[2].At} {
				if _, off := tm.Zone(); off != 3600 {
					t.Errorf("time %v has offset %d s, want 3600", tm, off)
				}
			}
		})
	})

	t.Run("OK revisions", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			// The rule of rebound.PlanStore: 0 first, unchanged for the
			// same Version, one more for each different one.
			for i, tt := range []struct {
				version string
				want    int
			}{{"a", 0}, {"a", 0}, {"b", 1}, {"b", 1}, {"a", 2}, {"c", 3}} {
				p := fullPlan(id, ended, tt.version)
				p.Steps[0].Title = fmt.Sprintf("Refuel %d", i) // the payload is replaced every time
				rev, err := s.PutPlan(ctx, 1, p)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.Plan(ctx, 1, id)
				if err != nil {
					t.Fatal(err)
				}
				if rev != tt.want || p.Revision != tt.want || got.Revision != tt.want || got.Version != tt.version || got.Steps[0].Title != p.Steps[0].Title {
					t.Errorf("put %d (version %s): returned %d, p.Revision %d, stored %d %s %q; want revision %d",
						i+1, tt.version, rev, p.Revision, got.Revision, got.Version, got.Steps[0].Title, tt.want)
				}
			}
		})
	})

	t.Run("OK plans since", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			ids := mustRuns(t, s, 1, 3)
			// Stored out of order: ends at +4 h, +0 h, +2 h.
			for i, h := range []int{4, 0, 2} {
				if _, err := s.PutPlan(ctx, 1, fullPlan(ids[i], ended.Add(time.Duration(h)*time.Hour), "v")); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.PutPlan(ctx, 2, fullPlan(mustRuns(t, s, 2, 1)[0], ended, "v")); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct {
				name  string
				since time.Time
				want  []int64
			}{
				{"zero: all", time.Time{}, []int64{ids[1], ids[2], ids[0]}},
				{"inclusive", ended.Add(2 * time.Hour), []int64{ids[2], ids[0]}},
				{"just after", ended.Add(2*time.Hour + time.Millisecond), []int64{ids[0]}},
				{"none", ended.Add(5 * time.Hour), nil},
			} {
				got, err := s.Plans(ctx, 1, tt.since)
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs []int64
				for _, p := range got {
					gotIDs = append(gotIDs, p.ActivityID)
				}
				if diff := cmp.Diff(tt.want, gotIDs); diff != "" {
					t.Errorf("%s (-want +got):\n%s", tt.name, diff)
				}
			}
			got, err := s.Plans(ctx, 1, time.Time{})
			if err != nil || len(got) == 0 {
				t.Fatalf("Plans: %v, %v", got, err)
			}
			want := fullPlan(ids[1], ended, "v")
			want.Revision = 0
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("listed plan (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK marks survive re-planning", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			if _, err := s.PutPlan(ctx, 1, fullPlan(id, ended, "v1")); err != nil {
				t.Fatal(err)
			}
			marks := []rebound.PlanMark{
				{PlanActivityID: id, StepKind: rebound.StepNap, StepIndex: 0, Status: rebound.MarkSkipped, At: clock},
				{PlanActivityID: id, StepKind: rebound.StepRefuel, StepIndex: 0, Status: rebound.MarkDone, At: clock},
			}
			for _, m := range marks {
				if err := s.PutPlanMark(ctx, 1, m); err != nil {
					t.Fatal(err)
				}
			}
			// Re-planned with a later nap: a new version, the marks stay.
			p := fullPlan(id, ended, "v2")
			p.Steps[1].At = p.Steps[1].At.Add(30 * time.Minute)
			if rev, err := s.PutPlan(ctx, 1, p); err != nil || rev != 1 {
				t.Fatalf("PutPlan: %d, %v; want revision 1", rev, err)
			}
			got, err := s.PlanMarks(ctx, 1, []int64{id})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(marks, got); diff != "" {
				t.Errorf("marks after re-planning (-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK deleted with the activity", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			if _, err := s.PutPlan(ctx, 1, fullPlan(id, ended, "v1")); err != nil {
				t.Fatal(err)
			}
			deleteActivity(t, s, id)
			_, err := s.Plan(ctx, 1, id)
			wantCode(t, err, rebound.ENotFound)
		})
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			other := mustRuns(t, s, 2, 1)[0]
			_, err := s.Plan(ctx, 1, id)
			wantCode(t, err, rebound.ENotFound)
			if want := fmt.Sprintf("no plan for activity %d", id); err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
			for _, aid := range []int64{999, other} {
				_, err := s.PutPlan(ctx, 1, fullPlan(aid, ended, "v1"))
				wantCode(t, err, rebound.ENotFound)
				if want := fmt.Sprintf("activity %d not found", aid); err.Error() != want {
					t.Errorf("message %q, want %q", err, want)
				}
			}
			// Athlete 2 does not see athlete 1's plan.
			if _, err := s.PutPlan(ctx, 1, fullPlan(id, ended, "v1")); err != nil {
				t.Fatal(err)
			}
			_, err = s.Plan(ctx, 2, id)
			wantCode(t, err, rebound.ENotFound)
			if got, err := s.Plans(ctx, 2, time.Time{}); err != nil || len(got) != 0 {
				t.Errorf("athlete 2 Plans = %v, %v; want none", got, err)
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			id := mustRuns(t, s, 1, 1)[0]
			with := func(f func(p *rebound.Plan)) *rebound.Plan {
				p := fullPlan(id, ended, "v1")
				f(p)
				return p
			}
			for _, tt := range []struct {
				name      string
				athleteID int64
				p         *rebound.Plan
				msg       string
			}{
				{"athlete 0", 0, fullPlan(id, ended, "v1"), "athlete id 0 is not positive"},
				{"nil", 1, nil, "plan is nil"},
				{"no activity", 1, with(func(p *rebound.Plan) { p.ActivityID = 0 }), "plan of activity 0: activity id is not positive"},
				{"no end", 1, with(func(p *rebound.Plan) { p.EndedAt = time.Time{} }), fmt.Sprintf("plan of activity %d: end time missing", id)},
				{"no version", 1, with(func(p *rebound.Plan) { p.Version = "" }), fmt.Sprintf("plan of activity %d: version missing", id)},
				{"NaN amount", 1, with(func(p *rebound.Plan) { p.Steps[0].Amounts["fluid_ml"] = math.NaN() }),
					fmt.Sprintf("plan of activity %d: json: unsupported value: NaN", id)},
			} {
				t.Run(tt.name, func(t *testing.T) {
					rev := -1
					if tt.p != nil {
						rev = tt.p.Revision
					}
					_, err := s.PutPlan(ctx, tt.athleteID, tt.p)
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
					if tt.p != nil && tt.p.Revision != rev {
						t.Errorf("p.Revision changed to %d by a failed call", tt.p.Revision)
					}
				})
			}
			_, err := s.Plan(ctx, 1, id)
			wantCode(t, err, rebound.ENotFound)
		})
	})
}
