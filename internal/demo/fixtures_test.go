package demo

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the FIT fixtures in testdata")

// TestGenerateFixtures writes (with -update) and checks the committed FIT
// fixtures: their totals match their records, and the scripted segments are
// where Fixtures says they are.
func TestGenerateFixtures(t *testing.T) {
	for _, fx := range Fixtures() {
		data, err := EncodeRun(fx.Spec)
		if err != nil {
			t.Fatalf("%s: %v", fx.Name, err)
		}
		path := filepath.Join("testdata", fx.Name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		committed, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (regenerate with: go test ./internal/demo -run TestGenerateFixtures -update)", err)
		}
		// Byte-for-byte on amd64, where Go does not fuse multiply-adds; other
		// architectures may round a last bit differently and are checked by
		// content only.
		if runtime.GOARCH == "amd64" && !bytes.Equal(committed, data) {
			t.Errorf("%s: the encoder now writes different bytes; if the model changed on purpose, rerun with -update", fx.Name)
		}
		act := decodeFIT(t, fx.Name, committed)
		checkTotals(t, fx.Name, act, fx.Spec.UTCOffsetS)
		want := 0.0
		for _, s := range fx.Spec.Segments {
			want += s.DurationS
		}
		if got := act.Sessions[0].TotalTimerTimeScaled(); got != want {
			t.Errorf("%s: timer %v s, script %v s", fx.Name, got, want)
		}
		if hasHR := act.Sessions[0].AvgHeartRate != 0xFF; hasHR == fx.Spec.NoHR {
			t.Errorf("%s: heart rate present %v with NoHR %v", fx.Name, hasHR, fx.Spec.NoHR)
		}
		sh := runShape(act)
		if sh.fastFinish != (fx.FastFinish != nil) {
			t.Errorf("%s: fast finish detected %v, scripted %v", fx.Name, sh.fastFinish, fx.FastFinish != nil)
		}
		if len(sh.surges) != len(fx.Surges) {
			t.Fatalf("%s: %d surges detected %v, %d scripted", fx.Name, len(sh.surges), sh.surges, len(fx.Surges))
		}
		// A detected surge starts within the 1–2 s the runner needs to
		// speed up past 4.5 m/s (and the 5 s smoothing) of the script, and
		// lasts about as long.
		for k, s := range fx.Surges {
			got := sh.surges[k]
			if math.Abs(got.startS-s.StartS) > 5 || math.Abs(got.durS-s.DurationS) > 5 {
				t.Errorf("%s: surge %d at %v s for %v s, scripted %v s for %v s", fx.Name, k, got.startS, got.durS, s.StartS, s.DurationS)
			}
		}
		if fx.FastFinish != nil {
			n := len(act.Records)
			if v := mean(act, n-int(fx.FastFinish.DurationS)+5, n); math.Abs(v-fx.FastFinish.SpeedMPS) > 0.1 {
				t.Errorf("%s: fast finish at %.2f m/s, scripted %.2f", fx.Name, v, fx.FastFinish.SpeedMPS)
			}
		}
	}
}
