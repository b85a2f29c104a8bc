package importcheck

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/demo"
	fitimport "rebound/internal/importer/fit"
	"rebound/internal/track"
)

// TestGenerate_ImportAgrees imports every file with Rebound's own FIT
// importer: the summary is the session's, and the totals computed from the
// 1 s streams agree with it (the issue's "summary equals the session
// message" and streams-computed values).
func TestGenerate_ImportAgrees(t *testing.T) {
	end := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)
	h, err := demo.Generate(end, 1)
	if err != nil {
		t.Fatal(err)
	}
	now := end.AddDate(0, 0, 1)
	for _, f := range h.Files {
		acts, err := fitimport.Decode(bytes.NewReader(f.Data), now)
		if err != nil || len(acts) != 1 {
			t.Fatalf("%s: %d activities, %v", f.Name, len(acts), err)
		}
		a := acts[0]
		if a.Streams == nil {
			t.Fatalf("%s: no streams", f.Name)
		}
		s := track.Summarize(a.Streams)
		bad := []string{}
		if a.SummarySource != rebound.SummaryFromFile || a.OffsetSource != rebound.OffsetFromFile {
			bad = append(bad, fmt.Sprintf("summary from %q, offset from %q", a.SummarySource, a.OffsetSource))
		}
		if s.ElapsedS != a.ElapsedS || s.MovingS != a.MovingS {
			bad = append(bad, fmt.Sprintf("streams elapsed/moving %v/%v s, file %v/%v", s.ElapsedS, s.MovingS, a.ElapsedS, a.MovingS))
		}
		if math.Abs(s.DistanceM-a.DistanceM) > 1 {
			bad = append(bad, fmt.Sprintf("streams distance %v m, file %v", s.DistanceM, a.DistanceM))
		}
		if (s.AvgHeartRateBPM == nil) != (a.AvgHeartRateBPM == nil) ||
			(a.AvgHeartRateBPM != nil && math.Abs(*s.AvgHeartRateBPM-*a.AvgHeartRateBPM) > 1) {
			bad = append(bad, fmt.Sprintf("streams avg HR %v, file %v", fmtp(s.AvgHeartRateBPM), fmtp(a.AvgHeartRateBPM)))
		}
		if a.AscentM == nil || s.AscentM == nil || math.Abs(*s.AscentM-*a.AscentM) > 1 {
			bad = append(bad, fmt.Sprintf("streams ascent %v m, file %v", fmtp(s.AscentM), fmtp(a.AscentM)))
		}
		if a.AvgCadenceSPM == nil || math.Abs(*s.AvgCadenceSPM-*a.AvgCadenceSPM) > 0.5 || *a.AvgCadenceSPM < 160 {
			bad = append(bad, fmt.Sprintf("streams cadence %v spm, file %v", fmtp(s.AvgCadenceSPM), fmtp(a.AvgCadenceSPM)))
		}
		if len(bad) > 0 {
			t.Errorf("%s: %s", f.Name, strings.Join(bad, "; "))
		}
	}
}

func fmtp(v *float64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%.2f", *v)
}
