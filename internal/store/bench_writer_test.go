package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"rebound"
)

// BenchmarkAddActivitiesEncoded measures the import's single writer alone:
// one file per call, as internal/importer commits them, with the stream
// blob already made by PrepareStreams (the decode workers' job) and a
// cancellable context (Import's). Each activity is a 1-hour run with 8
// laps; every fifth is the same workout as the one before, recorded by
// another device (another source, starting 30 s later), so about 20% are
// found duplicate by rebound.SameWorkout, near the reference workload's
// 372 of 2,049 files (docs/PERFORMANCE.md).
func BenchmarkAddActivitiesEncoded(b *testing.B) {
	s := mustOpen(b, filepath.Join(b.TempDir(), "rebound.db"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	proto := fullActivity("", t0)
	proto.ElapsedS, proto.MovingS = 3600, 3600
	proto.Streams = realisticStreams(3600, 1)
	blob, err := s.PrepareStreams(proto)
	if err != nil {
		b.Fatal(err)
	}
	lap := proto.Laps[0]
	proto.Laps = proto.Laps[:0]
	for i := range 8 {
		l := lap
		l.Index = i
		l.StartTime = t0.Add(time.Duration(i) * 450 * time.Second)
		proto.Laps = append(proto.Laps, l)
	}
	n, dups := 0, 0
	acts := make([]*rebound.Activity, 1)
	blobs := [][]byte{blob}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		a := *proto
		a.SourceSHA256 = fmt.Sprintf("%064x", n)
		a.StartTime = t0.Add(time.Duration(n) * 2 * time.Hour)
		if n%5 == 4 {
			a.StartTime = t0.Add(time.Duration(n-1)*2*time.Hour + 30*time.Second)
		}
		acts[0] = &a
		res, err := s.AddActivitiesEncoded(ctx, 1, acts, blobs)
		if err != nil {
			b.Fatal(err)
		}
		if res[0].Duplicate {
			dups++
		}
		n++
	}
	if want := n / 5; dups != want {
		b.Fatalf("%d duplicates among %d activities, want %d", dups, n, want)
	}
	b.ReportMetric(float64(len(blob)), "blob-B")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/op")
}

// cpuTime is the process's user + system CPU time so far (getrusage(2)):
// the machine the benchmarks run on is shared, so wall time per operation
// varies with the load much more than CPU time does. It includes the
// garbage collector's and the runtime's threads, a cost of the writer too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
