package coach_test

import (
	"context"
	"testing"
	"time"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/store"
)

// benchEnd is the day after the synthetic 10-year history.
var benchEnd = time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)

// store10y builds the issue-3 benchmark store: 3,000 summary-only runs
// over 10 years (synthHistory), their loads and the daily model stored by
// one Refresh, and checkIns daily check-ins up to the last day. It returns
// the store and a coach whose clock reads noon of benchEnd.
func store10y(b *testing.B, checkIns int) (*store.Store, *coach.Coach) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	st := openStore(b)
	putAthlete(b, st, synthAthlete())
	acts := synthHistory(3000, 10, benchEnd)
	add(b, st, acts)
	now := benchEnd.Add(12 * time.Hour)
	c := newCoach(b, st, &now)
	rep := refresh(b, c, acts)
	for i := range checkIns {
		ci := checkInOn(benchEnd.AddDate(0, 0, i-checkIns), i)
		if err := st.PutCheckIn(ctx, ci); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("setup %v: %d loads, %d days, %d check-ins", time.Since(t0).Round(time.Millisecond), rep.LoadsComputed, rep.DaysWritten, checkIns)
	return st, c
}

// checkInOn is an ordinary morning with every field a runner can give, so
// every readiness signal has work to do. Values cycle deterministically.
func checkInOn(day time.Time, i int) *rebound.CheckIn {
	q, s := 2+i%3, 1+i%4
	return &rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: day,
		SleepS: rebound.Float(float64(7*3600 + (i%5)*900)), SleepQuality: &q, Soreness: &s, Fatigue: &s, Stress: &q, Mood: &q,
		RestingHRBPM: rebound.Float(float64(48 + i%5)), HRVRMSSDms: rebound.Float(float64(60 + i%11)), Source: rebound.CheckInManual}
}

// BenchmarkCoachStatus10y is `rebound status` in-process over the issue-3
// history (10 years, 3,000 activities): read the profile and the stored
// daily rows, decode them, today's figures, readiness and Red Alert. The
// daily model alone is internal/load's BenchmarkDailyModel10y. Sub-
// benchmarks add a year and ten years of daily check-ins.
func BenchmarkCoachStatus10y(b *testing.B) {
	for _, tc := range []struct {
		name     string
		checkIns int
	}{{"checkins=0", 0}, {"checkins=365", 365}, {"checkins=3650", 3650}} {
		b.Run(tc.name, func(b *testing.B) {
			_, c := store10y(b, tc.checkIns)
			ctx := context.Background()
			c0 := cpuTime()
			for b.Loop() {
				s, err := c.Status(ctx, 0)
				if err != nil {
					b.Fatal(err)
				}
				if s.Load == nil {
					b.Fatal("no load status")
				}
			}
			reportCPU(b, c0)
		})
	}
}
