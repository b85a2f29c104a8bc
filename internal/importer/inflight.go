package importer

import (
	"sync"
	"time"

	"rebound"
)

// inflight remembers the activities this import has decoded, by job, so
// that a decode worker can tell an activity will be a duplicate of one
// from an earlier job before it spends time on it. The writer decides
// duplicates in job order against what is stored; an activity that
// matches an earlier job's, under the store's own rules (same file and
// session, or rebound.SameWorkout), is a duplicate unless that earlier
// job fails. Its streams are then neither encoded nor measured in the
// worker: encoding and measuring are two fifths of the import's CPU time,
// and an export that holds each run twice (the same workout from a watch
// and from Strava, or the workload's 372 pairs) spent them twice. When the
// guess is wrong the writer encodes the streams itself and the load model
// measures the activity after the import; what is stored is the same.
//
// Only activities decoded before the check are seen: of two copies
// decoded at the same time by two workers, the later job may be checked
// first and then is prepared in full, as before.
type inflight struct {
	mu sync.Mutex
	// byMinute holds summaries by start minute (Unix seconds / 60):
	// SameWorkoutWindow is one minute, so a match is in the same minute or
	// the one either side.
	byMinute map[int64][]inflightEntry
}

// inflightEntry is what the duplicate rule reads of an activity: about 90
// bytes rather than a whole rebound.Activity (416), as an import holds one
// for each of its activities until it ends.
type inflightEntry struct {
	job      int
	sport    string
	start    time.Time
	elapsedS float64
	sha      string
	session  int
}

func entryOf(job int, a *rebound.Activity) inflightEntry {
	return inflightEntry{job: job, sport: a.Sport, start: a.StartTime, elapsedS: a.ElapsedS, sha: a.SourceSHA256, session: a.SessionIndex}
}

// activity is e as the summary the duplicate rule takes.
func (e *inflightEntry) activity() rebound.Activity {
	return rebound.Activity{Sport: e.sport, StartTime: e.start, ElapsedS: e.elapsedS, SourceSHA256: e.sha, SessionIndex: e.session}
}

func newInflight() *inflight { return &inflight{byMinute: map[int64][]inflightEntry{}} }

// add records the activities of job and reports, for each, whether it
// matches an activity of an earlier job.
func (f *inflight) add(job int, acts []*rebound.Activity) []bool {
	dup := make([]bool, len(acts))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, a := range acts {
		m := minuteOf(a.StartTime)
		for k := m - 1; k <= m+1 && !dup[i]; k++ {
			for _, e := range f.byMinute[k] {
				if b := e.activity(); e.job < job && sameAs(a, &b) {
					dup[i] = true
					break
				}
			}
		}
	}
	for _, a := range acts {
		m := minuteOf(a.StartTime)
		f.byMinute[m] = append(f.byMinute[m], entryOf(job, a))
	}
	return dup
}

// sameAs is the store's duplicate rule (store.findDuplicate): the same
// source file and session, or the same workout.
func sameAs(a, b *rebound.Activity) bool {
	if a.SourceSHA256 != "" && a.SourceSHA256 == b.SourceSHA256 && a.SessionIndex == b.SessionIndex {
		return true
	}
	return rebound.SameWorkout(a, b)
}

func minuteOf(t time.Time) int64 {
	s := t.Unix()
	if s < 0 {
		return (s - 59) / 60
	}
	return s / 60
}
