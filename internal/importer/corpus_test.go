package importer

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/testcorpus"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// corpusFiles lists every file of the corpus (MANIFEST order), relative to it.
func corpusFiles(tb testing.TB, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	var files []string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i == 0 {
			continue
		}
		files = append(files, strings.SplitN(line, "\t", 2)[0])
	}
	sort.Strings(files)
	return files
}

// goldenNow is the clock the golden table is computed at: files dated after
// it would be "in the future". Fixed so the table never drifts.
var goldenNow = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// TestCorpusGolden decodes every corpus file and compares what each gives
// (activities, sport, distance, duration, heart rate, or the error) with
// testdata/corpus_golden.tsv. Any change in what is imported fails here;
// run with -update after checking the change is right.
func TestCorpusGolden(t *testing.T) {
	dir := testcorpus.Require(t)
	var b strings.Builder
	b.WriteString("# file\tformat\tresult\n")
	for _, name := range corpusFiles(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		format, acts, err := decodeData(data, goldenNow, 0)
		fmt.Fprintf(&b, "%s\t%s\t", name, format)
		if strings.HasSuffix(name, ".csv") {
			b.WriteString("metadata (Strava activities.csv)\n")
			continue
		}
		if err != nil {
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Errorf("%s: error is not a clear invalid-input error: %v", name, err)
			}
			if strings.TrimSpace(Describe(err)) == "" {
				t.Errorf("%s: empty error message", name)
			}
			fmt.Fprintf(&b, "error: %s\n", Describe(err))
			continue
		}
		parts := make([]string, 0, len(acts))
		for _, a := range acts {
			parts = append(parts, describeActivity(a))
		}
		fmt.Fprintf(&b, "%d: %s\n", len(acts), strings.Join(parts, " | "))
	}
	golden := filepath.Join("testdata", "corpus_golden.tsv")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/importer -run TestCorpusGolden -update)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			g, w := at(gl, i), at(wl, i)
			if g != w {
				t.Errorf("line %d differs:\n got: %s\nwant: %s", i+1, g, w)
			}
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<none>"
}

func describeActivity(a *rebound.Activity) string {
	f := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%.0f", *p)
	}
	return fmt.Sprintf("%s/%s start=%s off=%d dist=%.1fm elapsed=%.0fs moving=%.0fs hr=%s/%s asc=%s temp=%s cad=%s laps=%d samples=%d summary=%s",
		a.Sport, a.SubSport, a.StartTime.UTC().Format(time.RFC3339), a.UTCOffsetS, a.DistanceM, a.ElapsedS, a.MovingS,
		f(a.AvgHeartRateBPM), f(a.MaxHeartRateBPM), f(a.AscentM), f(a.AvgTemperatureC), f(a.AvgCadenceSPM),
		len(a.Laps), a.Streams.Len(), a.SummarySource)
}
