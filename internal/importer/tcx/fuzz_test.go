package tcx

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"rebound"
	"rebound/internal/testcorpus"
)

// maxSeedBytes keeps big corpus files out of the fuzz seeds: the fuzzer
// mutates small inputs far faster, and the small files already cover the
// odd structures.
const maxSeedBytes = 64 << 10

func FuzzDecodeTCX(f *testing.F) {
	f.Add([]byte(tcxDoc("          \xef\xbb\xbf"+xmlDecl, xActivity("Running",
		xLap(0, "<TotalTimeSeconds>3</TotalTimeSeconds><DistanceMeters>33</DistanceMeters><Calories>5</Calories>",
			walk(0, 0, 3, true, `<HeartRateBpm><Value>150</Value></HeartRateBpm><Extensions><ns3:TPX><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions>`)...)))))
	f.Add([]byte(`<TrainingCenterDatabase><Activities><Activity Sport="Biking"><Lap StartTime="2024-05-01T06:00:00+01:00"><TotalTimeSeconds>60</TotalTimeSeconds></Lap></Activity></Activities></TrainingCenterDatabase>`))
	f.Add([]byte(`<TrainingCenterDatabase><Courses><Course><Track>` + tp(0, 0, "") + `</Track></Course></Courses></TrainingCenterDatabase>`))
	if c := testcorpus.Dir(); c != "" {
		files, _ := filepath.Glob(filepath.Join(c, "tcx", "*.tcx"))
		gz, _ := filepath.Glob(filepath.Join(c, "gz", "*.tcx.gz"))
		for _, p := range append(files, gz...) {
			if b := readCorpus(f, p); len(b) <= maxSeedBytes {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		acts, err := Decode(bytes.NewReader(data), now)
		if err != nil {
			if code := rebound.ErrorCode(err); code != rebound.EInvalid {
				t.Fatalf("error code %q, want %q: %v", code, rebound.EInvalid, err)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(acts) == 0 {
			t.Fatal("no activity and no error")
		}
		for _, a := range acts {
			checkActivity(t, a)
			if n := a.Streams.Len(); n != 0 && float64(n) != a.ElapsedS+1 {
				t.Errorf("%d samples for %v s elapsed", n, a.ElapsedS)
			}
			for _, l := range a.Laps {
				if l.DistanceM < 0 || l.MovingS < 0 || l.ElapsedS < 0 {
					t.Errorf("lap %+v has negative totals", l)
				}
			}
		}
	})
}
