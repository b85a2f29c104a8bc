package load_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/load"
	"rebound/internal/store/streamcodec"
	"rebound/internal/testcorpus"
)

// realRuns decodes up to 50 real FIT files (the import workload in
// /tmp/fit-workload when present, else the corpus) and quantises their
// streams as the store does, since the load model only ever sees stored
// streams. It returns the activities sorted by start time.
func realRuns(b *testing.B) []*rebound.Activity {
	b.Helper()
	files, _ := filepath.Glob("/tmp/fit-workload/*.fit")
	if len(files) == 0 {
		files, _ = filepath.Glob(filepath.Join(testcorpus.Require(b), "fit", "*.fit"))
	}
	sort.Strings(files)
	if len(files) > 50 {
		files = files[:50]
	}
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var acts []*rebound.Activity
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		as, err := fit.DecodeBytes(data, now)
		if err != nil {
			continue
		}
		for _, a := range as {
			if a.Streams != nil {
				if _, err := streamcodec.QuantizeEncode(a.Streams); err != nil {
					continue
				}
			}
			acts = append(acts, a)
		}
	}
	if len(acts) == 0 {
		b.Skip("no decodable FIT files found")
	}
	sort.Slice(acts, func(i, j int) bool { return acts[i].StartTime.Before(acts[j].StartTime) })
	return acts
}

// BenchmarkAnalyzeRealRuns analyses every real activity of realRuns against
// the others as its recent history, with a full profile, and reports the
// CPU time per stream sample.
func BenchmarkAnalyzeRealRuns(b *testing.B) {
	acts := realRuns(b)
	samples := 0
	for _, a := range acts {
		if a.Streams != nil {
			samples += a.Streams.Len()
		}
	}
	p := load.DefaultParams()
	prof := testProfile()
	cal := load.CalibrateRPE(nil, p)
	c0 := cpuTime()
	for b.Loop() {
		for _, a := range acts {
			load.Analyze(a, acts, prof, cal, p)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/float64(samples), "cpu-ns/sample")
	b.ReportMetric(float64(samples), "samples")
}

// BenchmarkAnalyzeRealRunsMeasurer is BenchmarkAnalyzeRealRuns with one
// load.Measurer for every activity, as each import worker measures
// (coach.Speculation): its scratch memory is reused, not allocated and
// zeroed per activity.
func BenchmarkAnalyzeRealRunsMeasurer(b *testing.B) {
	acts := realRuns(b)
	samples := 0
	for _, a := range acts {
		if a.Streams != nil {
			samples += a.Streams.Len()
		}
	}
	p := load.DefaultParams()
	prof := testProfile()
	cal := load.CalibrateRPE(nil, p)
	var m load.Measurer
	c0 := cpuTime()
	for b.Loop() {
		for _, a := range acts {
			m.Measure(a, prof, cal, p).Classify(a, acts, p)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/float64(samples), "cpu-ns/sample")
	b.ReportMetric(float64(samples), "samples")
}
