package fit

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/mesgdef"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"

	"rebound"
	"rebound/internal/testcorpus"
)

// corpusFile is one FIT file of the shared corpus, gunzipped.
type corpusFile struct {
	name string // path relative to the corpus root
	data []byte
}

// loadCorpus reads every corpus/fit file and gunzips every corpus/gz/*.fit.gz;
// it skips the test when the corpus is absent.
func loadCorpus(tb testing.TB) []corpusFile {
	tb.Helper()
	root := testcorpus.Dir()
	if root == "" {
		tb.Skip("FIT corpus not found at ../shared/corpus (relative to the repository root); skipping corpus tests")
	}
	var files []corpusFile
	fits, _ := filepath.Glob(filepath.Join(root, "fit", "*"))
	gzs, _ := filepath.Glob(filepath.Join(root, "gz", "*.fit.gz"))
	for _, p := range append(fits, gzs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		if strings.HasSuffix(p, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				tb.Fatalf("%s: %v", p, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				tb.Fatalf("%s: %v", p, err)
			}
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, corpusFile{rel, b})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	return files
}

// corpusFileNamed returns one corpus file by its name under fit/.
func corpusFileNamed(tb testing.TB, name string) []byte {
	tb.Helper()
	root := testcorpus.Dir()
	if root == "" {
		tb.Skip("FIT corpus not found at ../shared/corpus; skipping")
	}
	b, err := os.ReadFile(filepath.Join(root, "fit", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// corpusFailures are the corpus files Rebound rejects, with the reason.
// Every other corpus file must import.
var corpusFailures = map[string]string{
	"fit/fitparse__Settings.fit":                           "not an activity file (FIT file type: settings)",
	"fit/fitparse__Settings2.fit":                          "not an activity file (FIT file type: settings)",
	"fit/fitparse__nametest.FIT":                           "not an activity file (FIT file type: settings)",
	"fit/geoactivity__Berlin_0.9km.fit":                    "not an activity file (FIT file type: course)",
	"fit/msimms__Half_Mile_Repeats_workout.fit":            "not an activity file (FIT file type: workout)",
	"fit/fitparse__activity-filecrc.fit":                   "file checksum mismatch: the file is corrupt",
	"fit/fitparse__strava-android-app-201.10-b1218918.fit": "FIT data is corrupt at byte 7472 (message definition missing)",
}

// TestCorpus decodes every corpus FIT file: no panic; either activities
// that pass basic sanity checks or an EInvalid error with a message; and
// where the file has session messages, each activity's distance, elapsed,
// timer and average heart rate equal its session's, as decoded independently
// by muktihari/fit's filedef.Activity.
func TestCorpus(t *testing.T) {
	outcomes := map[string]int{}
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			acts, err := Decode(bytes.NewReader(f.data), testNow)
			wantErr, failing := corpusFailures[f.name]
			if err != nil {
				outcomes["rejected: "+err.Error()]++
				if !failing {
					t.Fatalf("unexpected error: %v", err)
				}
				wantInvalid(t, err, wantErr)
				return
			}
			outcomes["imported"]++
			if failing {
				t.Fatalf("imported %d activities, want error %q", len(acts), wantErr)
			}
			checkActivities(t, acts)
			sessions := referenceSessions(t, f.data)
			if len(sessions) == 0 {
				for _, a := range acts {
					if a.SummarySource != rebound.SummaryFromStreams {
						t.Errorf("no session message but summary source %q", a.SummarySource)
					}
				}
				return
			}
			if corpusDroppedTail[f.name] && len(sessions) > len(acts) {
				sessions = sessions[:len(acts)]
			}
			if len(acts) != len(sessions) {
				t.Fatalf("%d activities for %d session messages", len(acts), len(sessions))
			}
			for i, a := range acts {
				s := sessions[i]
				want := []float64{
					scaled(uint64(s.TotalDistance), 0xFFFFFFFF, 100),
					scaled(uint64(s.TotalElapsedTime), 0xFFFFFFFF, 1000),
					scaled(uint64(s.TotalTimerTime), 0xFFFFFFFF, 1000),
				}
				got := []float64{a.DistanceM, a.ElapsedS, a.MovingS}
				for k, name := range []string{"distance", "elapsed", "timer"} {
					if !math.IsNaN(want[k]) && got[k] != want[k] {
						t.Errorf("session %d: %s %v, session message says %v", i, name, got[k], want[k])
					}
				}
				if hr := s.AvgHeartRate; hr != 0xFF && hr != 0 {
					if a.AvgHeartRateBPM == nil || *a.AvgHeartRateBPM != float64(hr) {
						t.Errorf("session %d: avg HR %v, session message says %d", i, deref(a.AvgHeartRateBPM), hr)
					}
				}
				if a.SummarySource != rebound.SummaryFromFile {
					t.Errorf("session %d: summary source %q, want file", i, a.SummarySource)
				}
			}
		})
	}
	var keys []string
	for k := range outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%3d  %s", outcomes[k], k)
	}
}

// scaled is a FIT unsigned total in its unit, NaN for the invalid sentinel.
func scaled(v, invalid uint64, scale float64) float64 {
	if v == invalid {
		return math.NaN()
	}
	return float64(v) / scale
}

// referenceSessions decodes the file's session messages independently, with
// muktihari/fit's own mesgdef.Session conversion (checksums ignored: Rebound
// checks them itself; chained sequences and a truncated tail included), and
// returns them in start order, the order Decode returns activities in.
func referenceSessions(t *testing.T, data []byte) []*mesgdef.Session {
	t.Helper()
	var c sessionCollector
	dec := decoder.New(bytes.NewReader(data), decoder.WithMesgListener(&c), decoder.WithBroadcastOnly(), decoder.WithIgnoreChecksum())
	for dec.Next() {
		if _, err := dec.Decode(); err != nil {
			break
		}
	}
	slices.SortStableFunc(c.sessions, func(x, y *mesgdef.Session) int { return x.StartTime.Compare(y.StartTime) })
	return c.sessions
}

type sessionCollector struct{ sessions []*mesgdef.Session }

func (c *sessionCollector) OnMesg(m proto.Message) {
	if m.Num == mesgnum.Session {
		c.sessions = append(c.sessions, mesgdef.NewSession(&m))
	}
}

// corpusDroppedTail are chained files whose later, corrupt sequences Rebound
// drops (see Decode): they have more session messages than activities.
var corpusDroppedTail = map[string]bool{
	"fit/fitparse__activity-activity-filecrc.fit": true,
}

// checkActivities asserts what holds for every imported activity.
func checkActivities(t *testing.T, acts []*rebound.Activity) {
	t.Helper()
	if len(acts) == 0 {
		t.Fatal("no activities and no error")
	}
	for i, a := range acts {
		for name, v := range map[string]float64{"distance": a.DistanceM, "elapsed": a.ElapsedS, "moving": a.MovingS} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Errorf("activity %d: %s = %v", i, name, v)
			}
		}
		if a.StartTime.Before(earliest) || a.StartTime.After(testNow) {
			t.Errorf("activity %d: start %v", i, a.StartTime)
		}
		if a.SessionIndex != i || a.SourceFormat != "fit" || a.Sport == "" {
			t.Errorf("activity %d: session index %d, format %q, sport %q", i, a.SessionIndex, a.SourceFormat, a.Sport)
		}
		if a.Streams != nil {
			n := a.Streams.Len()
			for _, c := range a.Streams.Channels() {
				if v := *c.Values; v != nil && len(v) != n {
					t.Errorf("activity %d: channel %s has %d samples, others %d", i, c.Name, len(v), n)
				}
			}
		}
	}
}
