package load_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/load"
	"rebound/internal/store/streamcodec"
	"rebound/internal/testcorpus"
)

// sameBits compares floats bit for bit, except that any NaN equals any
// NaN: a reused scratch block must not change a single bit of a result
// (−0 and +0 differ here), and NaN payloads are not results.
var sameBits = cmp.Comparer(func(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y))
})

// allFields lets cmp compare Measurement's unexported fields (its load
// and the run features Classify uses).
var allFields = cmp.Exporter(func(reflect.Type) bool { return true })

// checkReuse measures acts in order with one Measurer and compares each
// result, after all of them are made (so that a result referring to the
// reused block would show the later activities' values), with Measure's.
func checkReuse(t *testing.T, name string, acts []*rebound.Activity, prof load.Profile) {
	t.Helper()
	p := load.DefaultParams()
	cal := load.CalibrateRPE(nil, p)
	var m load.Measurer
	got := make([]load.Measurement, len(acts))
	for i, a := range acts {
		got[i] = m.Measure(a, prof, cal, p)
	}
	for i, a := range acts {
		want := load.Measure(a, prof, cal, p)
		if d := cmp.Diff(want, got[i], allFields, sameBits); d != "" {
			t.Errorf("%s: activity %d (%d samples): reused Measurer differs (-fresh +reused):\n%s", name, i, samples(a), d)
		}
		if d := cmp.Diff(want.Classify(a, acts, p), got[i].Classify(a, acts, p), sameBits); d != "" {
			t.Errorf("%s: activity %d: classified results differ (-fresh +reused):\n%s", name, i, d)
		}
	}
}

// longestFirst orders acts by stream length, longest first, so that every
// activity after the first is measured in a block holding a longer
// activity's values: a helper reading a buffer before writing it would
// then see those values instead of make's zeros.
func longestFirst(acts []*rebound.Activity) []*rebound.Activity {
	out := slices.Clone(acts)
	slices.SortStableFunc(out, func(a, b *rebound.Activity) int { return samples(b) - samples(a) })
	return out
}

// samples is the length of a's streams, 0 for a nil activity.
func samples(a *rebound.Activity) int {
	if a == nil {
		return 0
	}
	return a.Streams.Len()
}

// TestMeasurerReuse checks that one Measurer gives Measure's results
// exactly on the golden test's synthetic activities (pauses, NaN gaps, HR
// spikes, GPS jumps, distance-only speed, uneven channels, summaries,
// garbage) and on the corpus's real runs, each longest first, then in
// their own order and reversed (short and long mixed), with the three
// golden profiles.
func TestMeasurerReuse(t *testing.T) {
	var synthetic []*rebound.Activity
	for _, c := range syntheticCases() {
		synthetic = append(synthetic, c.a) // nil included: Measure of nil
	}
	sets := []struct {
		name string
		acts []*rebound.Activity
	}{{"synthetic", synthetic}}
	if dir := testcorpus.Dir(); dir != "" {
		sets = append(sets, struct {
			name string
			acts []*rebound.Activity
		}{"corpus", corpusActivities(t, dir)})
	} else {
		t.Log("real-file corpus not found at ../shared/corpus: synthetic activities only")
	}
	for _, set := range sets {
		if len(set.acts) < 10 {
			t.Fatalf("%s: only %d activities", set.name, len(set.acts))
		}
		rev := slices.Clone(set.acts)
		slices.Reverse(rev)
		for _, pr := range goldenProfiles() {
			checkReuse(t, set.name+"/longest first/"+pr.name, longestFirst(set.acts), pr.prof)
			checkReuse(t, set.name+"/in order/"+pr.name, set.acts, pr.prof)
			checkReuse(t, set.name+"/reversed/"+pr.name, rev, pr.prof)
		}
	}
}

// corpusActivities decodes the corpus's FIT files and quantises their
// streams as the store does (what Measure sees in an import).
func corpusActivities(t *testing.T, dir string) []*rebound.Activity {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "fit", "*.fit"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	var acts []*rebound.Activity
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		as, err := fit.DecodeBytes(data, now)
		if err != nil {
			continue // the importer's own tests cover broken files
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
	return acts
}
