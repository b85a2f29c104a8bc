package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"rebound"
)

// BenchmarkAddActivities stores 1-hour runs with realistic 1 s streams
// (3,600 samples, every channel) in batches of 1 and 32. Each activity has
// its own source and starts 2 h after the previous one, so every one is
// stored (the duplicate search runs but finds nothing).
func BenchmarkAddActivities(b *testing.B) {
	for _, batch := range []int{1, 32} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := mustOpen(b, filepath.Join(b.TempDir(), "rebound.db"))
			streams := realisticStreams(3600, 1)
			ctx := context.Background()
			n := 0
			acts := make([]*rebound.Activity, batch)
			b.ReportAllocs()
			for b.Loop() {
				for i := range acts {
					a := fullActivity(fmt.Sprintf("%064x", n), t0.Add(time.Duration(n)*2*time.Hour))
					a.ElapsedS, a.MovingS = 3600, 3600
					a.Streams = streams
					acts[i] = a
					n++
				}
				if _, err := s.AddActivities(ctx, 1, acts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "activities/s")
		})
	}
}

// BenchmarkActivity reads one 1-hour run with laps and decoded streams.
func BenchmarkActivity(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "rebound.db"))
	a := fullActivity(fmt.Sprintf("%064x", 1), t0)
	a.Streams = realisticStreams(3600, 1)
	id := mustAdd(b, s, 1, a)[0].ID
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Activity(ctx, 1, id, true); err != nil {
			b.Fatal(err)
		}
	}
}
