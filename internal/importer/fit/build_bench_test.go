package fit

import (
	"slices"
	"syscall"
	"testing"
	"time"

	"rebound"
)

// BenchmarkBuildWorkload measures accumulator.build alone (resampling,
// range checks, summaries) over the FIT files of the import workload
// (issue 6; $REBOUND_BENCH_WORKLOAD or /tmp/fit-workload, skipped when
// absent), decoded once up front. Each iteration restores every
// accumulator's points from a snapshot (build sorts them in place and
// merges hr samples into them); the copy-only sub-benchmark measures that
// restore alone. cpu-s/op is the process's CPU time, steadier than wall
// time on a shared machine.
func BenchmarkBuildWorkload(b *testing.B) {
	type decoded struct {
		acc    accumulator
		points []rebound.Point
	}
	var accs []decoded
	records := 0
	for _, data := range workloadFITs(b) {
		acc := newAccumulator()
		if walkFast(data, acc) != "" {
			continue
		}
		accs = append(accs, decoded{*acc, slices.Clone(acc.points)})
		records += len(acc.points)
	}
	restore := func(d *decoded) *accumulator {
		a := d.acc
		a.points = append(a.points[:0], d.points...)
		d.acc.points = a.points // reuse the buffer next time
		return &a
	}
	for _, buildToo := range []bool{false, true} {
		name := "copy-only"
		if buildToo {
			name = "build"
		}
		b.Run(name, func(b *testing.B) {
			cpu0 := cpuTimeNow()
			for b.Loop() {
				for i := range accs {
					a := restore(&accs[i])
					if buildToo {
						_, _ = a.build(testNow) // an invalid file fails the same way each time
					}
				}
			}
			b.ReportMetric((cpuTimeNow()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(records), "records")
		})
	}
}

func cpuTimeNow() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
