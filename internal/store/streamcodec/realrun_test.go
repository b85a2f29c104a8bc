package streamcodec

import (
	"compress/flate"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/testcorpus"
)

// workloadRuns are the corpus files that the import workload of
// docs/PERFORMANCE.md copies (186 or 187 times each, 2,049 files): its
// streams are these 11 runs' streams.
var workloadRuns = []string{
	"fit-file-parser__garmin-stamina.fit",
	"fit-file-parser__running-with-developer-data.fit",
	"fitparse__activity-small-fenix2-run.fit",
	"fitparse__developer-types-sample.fit",
	"msimms__20181108_run_garmin_fenix_3_hr.fit",
	"msimms__20200813_run_garmin_fenix_6.fit",
	"msimms__20210507_run_coros_pace_2.fit",
	"msimms__20210507_run_garmin_fenix_6.fit",
	"msimms__20210604_track_run_coros_pace_2.fit",
	"msimms__20210604_track_run_garmin_fenix_6.fit",
	"tormoder__mornindew-broken.fit",
}

// realStreams returns the raw (unquantised) streams of the workload's runs,
// as the FIT importer gives them, and their total sample count; it skips tb
// without the corpus.
func realStreams(tb testing.TB) ([]*rebound.Streams, int) {
	tb.Helper()
	dir := filepath.Join(testcorpus.Require(tb), "fit")
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var out []*rebound.Streams
	samples := 0
	for _, name := range workloadRuns {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		acts, err := fit.DecodeBytes(data, now)
		if err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for _, a := range acts {
			if a.Streams != nil {
				out = append(out, a.Streams)
				samples += a.Streams.Len()
			}
		}
	}
	if samples == 0 {
		tb.Fatal("no streams in the workload's runs")
	}
	return out, samples
}

// reportReal adds bytes/sample (stored bytes per 1 s sample of all
// channels) and CPU ns per sample for a benchmark over the real runs.
func reportReal(b *testing.B, stored, samples int, cpu0 int64) {
	b.ReportMetric(float64(stored)/float64(samples), "bytes/sample")
	if c := cpuTime(); c > 0 {
		b.ReportMetric(float64(c-cpu0)/float64(b.N)/float64(samples), "cpu-ns/sample")
	}
}

// BenchmarkEncodeRealRuns encodes the workload's 11 real runs (quantised
// first, as the store encodes them), BenchmarkDecodeRealRuns decodes their
// blobs and BenchmarkQuantizeEncodeRealRuns runs what PrepareStreams does
// on the raw streams (each op copies them back first, about 1 % of it).
func BenchmarkEncodeRealRuns(b *testing.B) {
	runs, samples := realStreams(b)
	for _, s := range runs {
		Quantize(s)
	}
	stored := 0
	cpu0 := cpuTime()
	for b.Loop() {
		stored = 0
		for _, s := range runs {
			blob, err := Encode(s)
			if err != nil {
				b.Fatal(err)
			}
			stored += len(blob)
		}
	}
	reportReal(b, stored, samples, cpu0)
}

func BenchmarkDecodeRealRuns(b *testing.B) {
	runs, samples := realStreams(b)
	var blobs [][]byte
	stored := 0
	for _, s := range runs {
		blob, err := QuantizeEncode(s)
		if err != nil {
			b.Fatal(err)
		}
		blobs = append(blobs, blob)
		stored += len(blob)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, blob := range blobs {
			if _, err := Decode(blob); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportReal(b, stored, samples, cpu0)
}

func BenchmarkQuantizeEncodeRealRuns(b *testing.B) {
	runs, samples := realStreams(b)
	work := make([]*rebound.Streams, len(runs))
	for i, s := range runs {
		work[i] = cloneStreams(s)
	}
	stored := 0
	cpu0 := cpuTime()
	for b.Loop() {
		stored = 0
		for i, s := range work {
			src := runs[i].Channels()
			for k, c := range s.Channels() {
				copy(*c.Values, *src[k].Values)
			}
			blob, err := QuantizeEncode(s)
			if err != nil {
				b.Fatal(err)
			}
			stored += len(blob)
		}
	}
	reportReal(b, stored, samples, cpu0)
}

// TestRealRunsSize: on the workload's real runs, Version 2 stores no more
// than the first codec (stdlib DEFLATE BestSpeed, refEncode) and decodes to
// exactly what the Version 1 blobs of the same streams decode to. Measured
// when written, bytes per sample: first codec 4.69, Version 1 (klauspost
// segments) 4.08, Version 2 4.19.
func TestRealRunsSize(t *testing.T) {
	runs, samples := realStreams(t)
	var v2, first int
	for _, s := range runs {
		Quantize(s)
		b, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		old, err := refEncode(s, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		v2 += len(b)
		first += len(old)
		got, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Decode(old)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameBits(want, got); d != "" {
			t.Fatalf("Version 2 and Version 1 blobs decode differently: %s", d)
		}
	}
	t.Logf("%d samples: Version 2 %d bytes (%.3f per sample), first codec %d (%.3f)", samples, v2, float64(v2)/float64(samples), first, float64(first)/float64(samples))
	if v2 > first {
		t.Errorf("Version 2 stores %d bytes, the first codec %d", v2, first)
	}
}
