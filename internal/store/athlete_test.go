package store

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func TestStore_Athlete(t *testing.T) {
	ctx := context.Background()

	t.Run("OK fresh store", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			got, err := s.Athlete(ctx, rebound.DefaultAthleteID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&rebound.Athlete{ID: 1}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK created by an import", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			mustAdd(t, s, 1, fullActivity(sha('a'), t0))
			got, err := s.Athlete(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			// The row exists but the runner set nothing: no UpdatedAt.
			if diff := cmp.Diff(&rebound.Athlete{ID: 1}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	})

	t.Run("OK put, replace, clear", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			// 23:30 on 14 May 1990 at UTC−5 is already 15 May in UTC; the
			// date as the runner gave it (14 May) is what is kept.
			birth := time.Date(1990, 5, 14, 23, 30, 0, 0, time.FixedZone("", -5*3600))
			in := &rebound.Athlete{ID: 1, Name: "Ana", BirthDate: &birth, Sex: "female",
				WeightKg: rebound.Float(58.5), HRMaxBPM: rebound.Float(188), HRRestBPM: rebound.Float(48), LTHRBPM: rebound.Float(172),
				ThresholdSpeedMPS: rebound.Float(4.1), Units: "mi", TimeZone: "Europe/Lisbon", Bedtime: "22:30", Wake: "06:00", Phase: "build"}
			mustPut(t, s, in)
			if !in.UpdatedAt.Equal(clock) {
				t.Errorf("UpdatedAt on input %v, want the store clock %v", in.UpdatedAt, clock)
			}
			want := *in
			want.BirthDate = ptrTime(time.Date(1990, 5, 14, 0, 0, 0, 0, time.UTC))
			want.UpdatedAt = clock
			got, err := s.Athlete(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}

			// Replacing with nil fields clears them (NULL), a day later.
			s.Now = func() time.Time { return clock.Add(24 * time.Hour) }
			mustPut(t, s, &rebound.Athlete{ID: 1, Name: "Ana"})
			got, err = s.Athlete(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&rebound.Athlete{ID: 1, Name: "Ana", UpdatedAt: clock.Add(24 * time.Hour)}, got); diff != "" {
				t.Errorf("after clearing (-want +got):\n%s", diff)
			}
			// Athlete 2 is untouched.
			if a2, err := s.Athlete(ctx, 2); err != nil || a2.Name != "" {
				t.Errorf("athlete 2 = %+v, %v; want empty", a2, err)
			}
		})
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		forEachDialect(t, func(t *testing.T, s *Store) {
			for _, tt := range []struct {
				name string
				a    *rebound.Athlete
				msg  string
			}{
				{"nil", nil, "athlete profile is nil"},
				{"no id", &rebound.Athlete{Name: "x"}, "athlete id 0 is not positive"},
				{"NaN weight", &rebound.Athlete{ID: 1, WeightKg: rebound.Float(math.NaN())}, "athlete 1: weight NaN is not a number"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					err := s.PutAthlete(ctx, tt.a)
					wantCode(t, err, rebound.EInvalid)
					if err.Error() != tt.msg {
						t.Errorf("message %q, want %q", err, tt.msg)
					}
				})
			}
		})
	})
}

func mustPut(t *testing.T, s *Store, a *rebound.Athlete) {
	t.Helper()
	if err := s.PutAthlete(context.Background(), a); err != nil {
		t.Fatalf("PutAthlete: %v", err)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }
