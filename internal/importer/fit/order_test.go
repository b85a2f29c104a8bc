package fit

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestBuildOrdersRecords: build must put the points in time order, stably,
// whether or not addRecord saw them in order (a.unordered lets it skip the
// check only when they were). The expected activities are those of the same
// records fed in stable time order; the expected flag is whether the
// timestamps as fed ever went down.
func TestBuildOrdersRecords(t *testing.T) {
	base := 1_083_000_000.0 // a FIT timestamp in 2024
	tt := []struct {
		name      string
		offs      []float64 // record timestamps, s after base, as fed
		unordered bool
	}{
		{"in order", []float64{0, 1, 2, 3, 4, 5}, false},
		{"duplicates in order", []float64{0, 1, 1, 2, 3, 3}, false},
		{"reversed", []float64{5, 4, 3, 2, 1, 0}, true},
		{"one pair swapped", []float64{0, 1, 3, 2, 4, 5}, true},
		{"late duplicate", []float64{0, 1, 2, 3, 1, 4}, true},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			feed := func(offs []float64) *accumulator {
				a := newAccumulator()
				for i, off := range offs {
					var v [numRecordSlots]float64
					for k := range v {
						v[k] = math.NaN()
					}
					v[recTimestamp] = base + off
					v[recHeartRate] = float64(100 + i) // tells the records apart
					v[recDistance] = 3 * off
					a.addRecord(&v)
				}
				return a
			}
			got := feed(tc.offs)
			if got.unordered != tc.unordered {
				t.Errorf("unordered = %v, want %v", got.unordered, tc.unordered)
			}
			// The same records in stable time order: heart rates go with
			// their records.
			idx := make([]int, len(tc.offs))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(x, y int) int { return cmpFloat(tc.offs[x], tc.offs[y]) })
			want := newAccumulator()
			for _, i := range idx {
				var v [numRecordSlots]float64
				for k := range v {
					v[k] = math.NaN()
				}
				v[recTimestamp] = base + tc.offs[i]
				v[recHeartRate] = float64(100 + i)
				v[recDistance] = 3 * tc.offs[i]
				want.addRecord(&v)
			}
			gActs, gErr := got.build(testNow)
			wActs, wErr := want.build(testNow)
			if gErr != nil || wErr != nil {
				t.Fatalf("build: %v, %v", gErr, wErr)
			}
			if d := cmp.Diff(wActs, gActs, cmpopts.EquateNaNs()); d != "" {
				t.Errorf("activities differ from those of the records in time order (-want +got):\n%s", d)
			}
		})
	}
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}
