package importer

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"rebound/internal/store"
)

// The import benchmarks read the reference workload built by
// ../shared/tools/mkworkload (2,049 real FIT files, 300 MB):
//
//	cd ../shared/tools/mkworkload && go run . ../../corpus/fit /tmp/fit-workload
//	go test ./internal/importer -run '^$' -bench Workload -benchtime 1x -count 6
//
// $REBOUND_BENCH_WORKLOAD names another folder (e.g. /tmp/fit-small, built
// with -mb 30). The folder lives outside the repository; without it the
// benchmarks skip. Figures are in docs/PERFORMANCE.md.

// workload is the benchmark's folder of files and their total size.
type workload struct {
	dir   string
	files []string
	bytes int64
}

func benchWorkload(b *testing.B) workload {
	b.Helper()
	dir := os.Getenv("REBOUND_BENCH_WORKLOAD")
	if dir == "" {
		dir = "/tmp/fit-workload"
	}
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("workload %s not found: build it with `cd ../shared/tools/mkworkload && go run . ../../corpus/fit %s` or set $REBOUND_BENCH_WORKLOAD", dir, dir)
	}
	w := workload{dir: dir}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".fit") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		w.files = append(w.files, p)
		w.bytes += info.Size()
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if len(w.files) == 0 {
		b.Skipf("workload %s holds no .fit file", dir)
	}
	return w
}

// resetPeakRSS makes /proc/self/status's VmHWM (the process's peak resident
// set) start again from the current RSS: writing 5 to /proc/self/clear_refs
// (Linux ≥ 4.0, proc(5)). It reports false where that is not possible.
func resetPeakRSS() bool {
	runtime.GC()
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS is VmHWM in bytes, 0 when unknown.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}

// reportPeakRSS adds the peak resident set of the process since
// resetPeakRSS, in MB. It is the whole test process's (the test binary, the
// page-cache-backed file reads, SQLite's cache), so it bounds the import's
// own peak from above.
func reportPeakRSS(b *testing.B, reset bool) {
	if reset {
		if p := peakRSS(); p > 0 {
			b.ReportMetric(p/1e6, "peak-RSS-MB")
		}
	}
}

// cpuTime is the process's user + system CPU time so far (getrusage(2)).
// The machine these benchmarks run on is shared, so wall time varies with
// the load; CPU time per run varies much less, and MB per CPU-second says
// what the code costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds CPU seconds per iteration and MB per CPU second.
func reportCPU(b *testing.B, since time.Duration, bytes int64) {
	cpu := (cpuTime() - since).Seconds() / float64(b.N)
	if cpu > 0 {
		b.ReportMetric(cpu, "cpu-s/op")
		b.ReportMetric(float64(bytes)/1e6/cpu, "MB/cpu-s")
	}
}

// BenchmarkImportWorkload imports the workload end to end (walk, read,
// SHA-256, decode, streams, summaries, SQLite commit) into a fresh store per
// iteration, as `rebound import` does. MB/s is file bytes per second.
func BenchmarkImportWorkload(b *testing.B) {
	w := benchWorkload(b)
	ctx := context.Background()
	reset := resetPeakRSS()
	b.SetBytes(w.bytes)
	var acts int
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), strconv.Itoa(n), "rebound.db"))
		if err != nil {
			b.Fatal(err)
		}
		im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }})
		rep, err := im.Import(ctx, w.files)
		if err != nil {
			b.Fatal(err)
		}
		// The workload repeats the corpus's runs; two of them are the same
		// run recorded by two watches, which Rebound rightly stores once.
		if rep.Failed > 0 || rep.New == 0 || rep.New+rep.Duplicates != len(w.files) {
			b.Fatalf("%d new, %d duplicates, %d failed of %d files", rep.New, rep.Duplicates, rep.Failed, len(w.files))
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		acts += rep.New
		n++
	}
	reportCPU(b, cpu0, w.bytes)
	b.ReportMetric(float64(acts)/b.Elapsed().Seconds(), "activities/s")
	reportPeakRSS(b, reset)
}

// BenchmarkReimportWorkload imports the workload into a store that already
// holds it: every file is skipped by its SHA-256 before decoding, so this
// is the cost of walking, reading and hashing plus one indexed lookup per
// file.
func BenchmarkReimportWorkload(b *testing.B) {
	w := benchWorkload(b)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "rebound.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }})
	if _, err := im.Import(ctx, w.files); err != nil {
		b.Fatal(err)
	}
	reset := resetPeakRSS()
	b.SetBytes(w.bytes)
	cpu0 := cpuTime()
	for b.Loop() {
		rep, err := im.Import(ctx, w.files)
		if err != nil {
			b.Fatal(err)
		}
		if rep.New != 0 || rep.Duplicates != len(w.files) {
			b.Fatalf("re-import: %d new, %d duplicates, want 0 and %d", rep.New, rep.Duplicates, len(w.files))
		}
	}
	reportCPU(b, cpu0, w.bytes)
	reportPeakRSS(b, reset)
}

// BenchmarkDecodeWorkload decodes every file of the workload (read from the
// page cache, sniffed and decoded as the importer does: FIT → activities
// with 1 s streams and summaries) without a store, on one core and on
// GOMAXPROCS cores.
func BenchmarkDecodeWorkload(b *testing.B) {
	w := benchWorkload(b)
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run("workers="+strconv.Itoa(workers), func(b *testing.B) {
			reset := resetPeakRSS()
			b.SetBytes(w.bytes)
			var acts atomic.Int64
			cpu0 := cpuTime()
			for b.Loop() {
				var next atomic.Int64
				var wg sync.WaitGroup
				var failed atomic.Value
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1)) - 1
							if i >= len(w.files) {
								return
							}
							data, err := os.ReadFile(w.files[i])
							if err != nil {
								failed.Store(err)
								return
							}
							_, as, err := decodeData(data, goldenNow, 0)
							if err != nil {
								failed.Store(err)
								return
							}
							acts.Add(int64(len(as)))
						}
					}()
				}
				wg.Wait()
				if err := failed.Load(); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0, w.bytes)
			b.ReportMetric(float64(acts.Load())/b.Elapsed().Seconds(), "activities/s")
			reportPeakRSS(b, reset)
		})
	}
}
