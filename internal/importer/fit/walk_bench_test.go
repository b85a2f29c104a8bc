package fit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkWalkWorkload measures the fast path's walk alone (walkFast into
// a fresh accumulator, no build) over the FIT files of the import workload
// (issue 6; $REBOUND_BENCH_WORKLOAD or /tmp/fit-workload, skipped when
// absent), read into memory up front. cpu-s/op is the process's CPU time,
// steadier than wall time on a shared machine.
func BenchmarkWalkWorkload(b *testing.B) {
	inputs := workloadFITs(b)
	var size int64
	for _, data := range inputs {
		size += int64(len(data))
	}
	b.SetBytes(size)
	cpu0 := cpuTimeNow()
	for b.Loop() {
		for _, data := range inputs {
			walkFast(data, newAccumulator())
		}
	}
	b.ReportMetric((cpuTimeNow()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

// workloadFITs reads the FIT files of the import workload
// ($REBOUND_BENCH_WORKLOAD or /tmp/fit-workload, built by
// ../shared/tools/mkworkload) into memory; the benchmark skips without it.
func workloadFITs(b *testing.B) [][]byte {
	b.Helper()
	dir := os.Getenv("REBOUND_BENCH_WORKLOAD")
	if dir == "" {
		dir = "/tmp/fit-workload"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var inputs [][]byte
	for _, f := range files {
		if !strings.EqualFold(filepath.Ext(f), ".fit") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, data)
	}
	if len(inputs) == 0 {
		b.Skipf("no FIT workload in %s", dir)
	}
	return inputs
}

// BenchmarkWalkWorkloadReused is BenchmarkWalkWorkload with the points
// reused from file to file, as decodeFast's pool reuses them in an import:
// the walk's own CPU, without the garbage collector's share of a fresh
// buffer per file.
func BenchmarkWalkWorkloadReused(b *testing.B) {
	inputs := workloadFITs(b)
	var size int64
	for _, data := range inputs {
		size += int64(len(data))
	}
	b.SetBytes(size)
	acc := newAccumulator()
	cpu0 := cpuTimeNow()
	for b.Loop() {
		for _, data := range inputs {
			points := acc.points[:0]
			*acc = *newAccumulator()
			acc.points = points
			walkFast(data, acc)
		}
	}
	b.ReportMetric((cpuTimeNow()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
