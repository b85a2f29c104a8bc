package fit

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"rebound"
	"rebound/internal/testcorpus"
)

// FuzzDecode: on any input Decode returns either activities with finite,
// non-negative distance and durations, or a non-nil error with a message;
// never both, never a panic. Seeds: the fixtures and their corrupt variants,
// plus the corpus files up to 64 KB when the corpus is present (larger ones
// slow the fuzzer down without adding structure).
func FuzzDecode(f *testing.F) {
	run := tenMinuteRun()
	f.Add(run.encode(f))
	f.Add(withZeroHeaderCRC(run.encode(f)))
	f.Add(withShortHeader(run.encode(f)))
	f.Add(withBadCRC(run.encode(f)))
	short := run
	short.records = 5
	f.Add(short.encode(f))
	f.Add(append(short.encode(f), short.encode(f)...))
	hr := short
	hr.records = 20
	hr.hrMesgs = true
	f.Add(hr.encode(f))
	noTail := short
	noTail.noTail = true
	f.Add(noTail.encode(f))
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		acts, err := Decode(bytes.NewReader(data), testNow)
		if err != nil {
			if acts != nil {
				t.Fatalf("activities and error %v", err)
			}
			if err.Error() == "" {
				t.Fatal("error without a message")
			}
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Fatalf("error %q has code %q, want invalid", err, rebound.ErrorCode(err))
			}
			return
		}
		if len(acts) == 0 {
			t.Fatal("no activities and no error")
		}
		for i, a := range acts {
			for _, v := range []float64{a.DistanceM, a.ElapsedS, a.MovingS} {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("activity %d: distance %v, elapsed %v, moving %v", i, a.DistanceM, a.ElapsedS, a.MovingS)
				}
			}
		}
	})
}

// addCorpusSeeds adds the corpus's FIT files up to 64 KB to f's seeds, when
// the corpus is there (fuzzing spends its time on small inputs; the large
// files are covered by the corpus tests).
func addCorpusSeeds(f *testing.F) {
	root := testcorpus.Dir()
	if root == "" {
		return
	}
	paths, _ := filepath.Glob(filepath.Join(root, "fit", "*"))
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Size() <= 64<<10 {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
}
