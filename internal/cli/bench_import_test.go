//go:build unix

package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 6: "`rebound import /tmp/fit-workload` into a fresh SQLite store,
// end to end (decode, summaries, load figures, streams, commit), at
// ≥ 150 MB/s". BenchmarkImportCommandWorkload is that command in-process
// (cli.run: flags, store open and migrations, import, load-model refresh),
// so it can be profiled with -cpuprofile; BenchmarkImportWorkload in
// internal/importer is the import step alone. The workload is built by
// ../shared/tools/mkworkload (see docs/PERFORMANCE.md); without it the
// benchmark skips.
func BenchmarkImportCommandWorkload(b *testing.B) {
	dir := os.Getenv("REBOUND_BENCH_WORKLOAD")
	if dir == "" {
		dir = "/tmp/fit-workload"
	}
	var size int64
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		return nil
	})
	if err != nil {
		b.Skipf("workload %s not found (%v): build it with `cd ../shared/tools/mkworkload && go run . ../../corpus/fit %s`", dir, err, dir)
	}
	b.SetBytes(size)
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	n := 0
	for b.Loop() {
		db := filepath.Join(b.TempDir(), strconv.Itoa(n), "rebound.db")
		n++
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"--db", db, "import", dir}, strings.NewReader(""), &out, &errb,
			func(string) string { return "" }, time.Now)
		// The workload folder holds MANIFEST.tsv, which is not an activity
		// file: the command reports it as failed and exits 1.
		if code != ExitOK && code != ExitFailed {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		if !strings.Contains(out.String(), " new, ") {
			b.Fatalf("no import summary: %q", out.String())
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime)-syscall.TimevalToNsec(ru0.Utime)) +
		time.Duration(syscall.TimevalToNsec(ru1.Stime)-syscall.TimevalToNsec(ru0.Stime))
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(size)/1e6/(cpu.Seconds()/float64(b.N)), "MB/cpu-s")
}
