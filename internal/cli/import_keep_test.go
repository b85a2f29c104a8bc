package cli

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"rebound"
)

func TestStreamKeeper(t *testing.T) {
	cut := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	run := func(start time.Time, samples int) *rebound.Activity {
		s := &rebound.Streams{HeartRateBPM: make([]float64, samples), SpeedMPS: make([]float64, samples)}
		return &rebound.Activity{StartTime: start, Streams: s, Laps: []rebound.Lap{{Index: 0}, {Index: 1}}}
	}
	// Each recent run below holds 2 channels × 100 samples × 8 bytes = 1,600
	// bytes; a budget of 4,000 keeps two of them and refuses the third.
	k := streamKeeper{after: cut, budget: 4000}
	for _, tc := range []struct {
		name      string
		act       *rebound.Activity
		wantKept  bool
		budgetNow int64
	}{
		{"older than the threshold lookback: not passed on", run(cut.Add(-time.Hour), 100), false, 4000},
		{"recent, fits: kept", run(cut.Add(time.Hour), 100), true, 2400},
		{"on the cut itself: kept", run(cut, 100), true, 800},
		{"recent, no longer fits: dropped", run(cut.Add(2*time.Hour), 100), false, 800},
		{"recent, small enough for what is left: kept", run(cut.Add(3*time.Hour), 50), true, 0},
		{"no streams: passed as a summary", &rebound.Activity{StartTime: cut.Add(4 * time.Hour)}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.act
			inStreams := in.Streams
			got := k.keep(in)
			if in.StartTime.Before(cut) {
				if got != nil {
					t.Errorf("an activity older than the lookback was passed on: %+v", got)
				}
				if k.budget != tc.budgetNow {
					t.Errorf("budget left %d, want %d", k.budget, tc.budgetNow)
				}
				return
			}
			if got == nil {
				t.Fatal("a recent activity was not passed on")
			}
			if kept := got.Streams != nil; kept != tc.wantKept {
				t.Errorf("streams kept = %v, want %v", kept, tc.wantKept)
			}
			if tc.wantKept && got != in {
				t.Error("a kept activity should be passed on as is")
			}
			if in.Streams != inStreams {
				t.Error("the stored activity was changed; drop streams on a copy")
			}
			if got.StartTime != in.StartTime {
				t.Errorf("summary start %v, want %v", got.StartTime, in.StartTime)
			}
			// A summary keeps no laps either (the load model needs none);
			// the stored activity keeps its own.
			if !tc.wantKept && got.Laps != nil {
				t.Errorf("summary keeps %d laps", len(got.Laps))
			}
			if in.Streams != nil && len(in.Laps) != 2 {
				t.Errorf("the stored activity lost its laps")
			}
			if k.budget != tc.budgetNow {
				t.Errorf("budget left %d, want %d", k.budget, tc.budgetNow)
			}
		})
	}
}

// TestImportMemoryLimit: an import leaves the process's memory limit as it
// found it (it runs under importMemoryLimit unless GOMEMLIMIT set one).
func TestImportMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	db := filepath.Join(t.TempDir(), "rebound.db")
	bad := filepath.Join(t.TempDir(), "bad.fit")
	if err := os.WriteFile(bad, []byte("not a fit file"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, db, "import", bad); r.code != ExitFailed {
		t.Fatalf("exit %d, want %d: %s", r.code, ExitFailed, r.stderr)
	}
	if after := debug.SetMemoryLimit(-1); after != before {
		t.Errorf("memory limit after the import %d, before %d", after, before)
	}
	if importMemoryLimit >= 150<<20 {
		t.Errorf("importMemoryLimit %d is not under issue 6's 150 MB", importMemoryLimit)
	}
}
