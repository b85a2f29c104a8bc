package coach_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/store"
)

// streamCounter is the real SQLite store, counting the streams the coach
// reads back (a decorator over the store, not a mock of it).
type streamCounter struct {
	*store.Store
	mu    sync.Mutex
	reads map[int64]bool // activity IDs
}

func (s *streamCounter) ActivityStreams(ctx context.Context, athleteID, id int64) (*rebound.Streams, error) {
	s.mu.Lock()
	s.reads[id] = true
	s.mu.Unlock()
	return s.Store.ActivityStreams(ctx, athleteID, id)
}

// TestSpeculationMatchesRefresh imports the demo history the way `rebound
// import` does with a Speculation — the recent runs decoded ahead, every
// activity measured before it is stored, the old ones handed on without
// streams (the CLI's stream keeper) — and checks that the stored loads and
// daily model equal those of a plain Refresh on another store with the same
// activities. When every expectation holds, no stream is read back; when
// one fails (a recent run not seen ahead, a run seen ahead that is not
// stored, a run tagged since), the refresh measures what it must itself and
// the results are still the same.
func TestSpeculationMatchesRefresh(t *testing.T) {
	d := demoHistory(t)
	ctx := context.Background()
	// 300 days after the demo's end the lookback window (365 days) holds
	// only its last ~65 days: the first weeks are old runs, measured with
	// thresholds from the later ones.
	now := demoNow().AddDate(0, 0, 300)
	cut := now.AddDate(0, 0, -365)

	cases := []struct {
		name string
		// ahead picks the activities decoded ahead among the recent ones.
		ahead func(recent []*rebound.Activity) []*rebound.Activity
		// extra are added to ahead without being stored.
		extra bool
		// tagFirst imports the history in two halves, tagging a run of the
		// first before the second.
		tagFirst bool
		// wantReads: streams of this import read back, the speculation did
		// not hold. Where it holds, the refresh still reads the runs
		// measured again for an RPE calibration that moved, and older runs
		// whose character the new ones change (the long-run rule).
		wantReads bool
	}{
		{name: "every recent run ahead", ahead: func(r []*rebound.Activity) []*rebound.Activity { return r }},
		{name: "a recent run missing from ahead", wantReads: true,
			ahead: func(r []*rebound.Activity) []*rebound.Activity { return r[1:] }},
		{name: "ahead holds a run that is not stored", extra: true, wantReads: true,
			ahead: func(r []*rebound.Activity) []*rebound.Activity { return r }},
		{name: "second import after a tag", tagFirst: true,
			ahead: func(r []*rebound.Activity) []*rebound.Activity { return r }},
	}
	// The demo runner states every threshold; the same runner without
	// them has max HR, LTHR and threshold pace estimated from the recent
	// runs, which the speculation must then foresee.
	stated := d.hist.Athlete
	estimated := stated
	estimated.HRMaxBPM, estimated.LTHRBPM, estimated.ThresholdSpeedMPS = nil, nil, nil
	type run struct {
		name    string
		athlete rebound.Athlete
	}
	var runs []run
	for _, c := range cases {
		runs = append(runs, run{c.name + ", thresholds estimated", estimated})
	}
	runs = append(runs, run{cases[0].name + ", thresholds stated", stated})
	cases = append(cases, cases[0])
	for i, c := range cases {
		t.Run(runs[i].name, func(t *testing.T) {
			ath := runs[i].athlete
			ref := openStore(t)
			putAthlete(t, ref, ath)
			cr := newCoach(t, ref, &now)
			spec := &streamCounter{Store: openStore(t), reads: map[int64]bool{}}
			putAthlete(t, spec.Store, ath)
			cs := newCoach(t, spec, &now)

			refActs, specActs := copies(d.acts), copies(d.acts)
			// The first run with streams (older than the lookback, so not
			// handed on) and the last (recent) start 0.123456 ms past the
			// second, which the store does not keep (milliseconds): their
			// measurements must still be found from their stored
			// summaries, and classified on the stored start.
			first := slices.IndexFunc(d.acts, func(a *rebound.Activity) bool { return a.Streams != nil })
			for _, acts := range [][]*rebound.Activity{refActs, specActs} {
				for _, a := range []*rebound.Activity{acts[first], acts[len(acts)-1]} {
					a.StartTime = a.StartTime.Add(123456 * time.Nanosecond)
				}
			}
			batches := [][2]int{{0, len(specActs)}}
			tagged := -1
			if c.tagFirst {
				half := len(specActs) / 2
				batches = [][2]int{{0, half}, {half, len(specActs)}}
				for tagged = half / 2; specActs[tagged].SourceSHA256 == ""; tagged++ {
				}
			}
			for bi, b := range batches {
				// Reference: store, then a plain refresh.
				add(t, ref, refActs[b[0]:b[1]])
				refresh(t, cr, refActs[b[0]:b[1]])

				// Speculated: quantise as the import's workers do, decode
				// the recent runs ahead, measure, store, refresh.
				batch := specActs[b[0]:b[1]]
				var recent []*rebound.Activity
				for _, a := range batch {
					if _, err := spec.PrepareStreams(a); err != nil {
						t.Fatal(err)
					}
					if !a.StartTime.Before(cut) {
						recent = append(recent, a)
					}
				}
				ahead := c.ahead(recent)
				if c.extra {
					// A harder copy of a recent run (heart rate 20 bpm
					// higher: a higher max HR), which the import then
					// does not store (a file that fails in its turn).
					var x *rebound.Activity
					for _, a := range recent {
						if a.Streams != nil && a.Streams.HeartRateBPM != nil {
							cp := *a
							x = &cp
						}
					}
					streams := *x.Streams
					streams.HeartRateBPM = make([]float64, len(x.Streams.HeartRateBPM))
					for i, v := range x.Streams.HeartRateBPM {
						streams.HeartRateBPM[i] = v + 20
					}
					x.Streams, x.SourceSHA256, x.StartTime = &streams, "not stored", x.StartTime.Add(-26*time.Hour)
					ahead = append(ahead, x)
				}
				s, err := cs.Speculate(ctx, ahead, true)
				if err != nil || s == nil {
					t.Fatalf("Speculate: %v, %v", s, err)
				}
				// As the import's decode workers do: several at once.
				var wg sync.WaitGroup
				for w := range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for k := w; k < len(batch); k += 3 {
							s.Measure(batch[k])
						}
					}()
				}
				wg.Wait()
				add(t, spec.Store, batch)
				s.Stored(batch)
				// What the CLI hands on: the recent runs with their streams,
				// nothing of the older ones (the refresh finds them in the
				// store, and their measurements by their stored summaries).
				// Every other case hands the older ones on as summaries, as
				// another caller may.
				var fresh []*rebound.Activity
				for _, a := range batch {
					switch {
					case !a.StartTime.Before(cut):
						fresh = append(fresh, a)
					case i%2 == 1:
						summary := *a
						summary.Streams = nil
						fresh = append(fresh, &summary)
					}
				}
				spec.reads = map[int64]bool{}
				if _, err := cs.RefreshWith(ctx, fresh, s); err != nil {
					t.Fatal(err)
				}
				loads, err := spec.WorkoutLoads(ctx, rebound.DefaultAthleteID, nil)
				if err != nil {
					t.Fatal(err)
				}
				measuredAgain := 0
				for _, a := range batch {
					if spec.reads[a.ID] && loads[a.ID].LoadSource != rebound.LoadFromRPE {
						measuredAgain++
					}
				}
				if (measuredAgain > 0) != c.wantReads {
					t.Errorf("batch %d: %d of its %d activities read back (%d reads in all), want any: %v", bi, measuredAgain, len(batch), len(spec.reads), c.wantReads)
				}
				if c.tagFirst && bi == 0 {
					for _, st := range []*store.Store{ref, spec.Store} {
						acts := map[*store.Store][]*rebound.Activity{ref: refActs, spec.Store: specActs}[st]
						if err := st.SetActivityKind(ctx, rebound.DefaultAthleteID, acts[tagged].ID, rebound.CharacterRace); err != nil {
							t.Fatal(err)
						}
					}
					refresh(t, cr, refActs[tagged:tagged+1])
					refresh(t, cs, specActs[tagged:tagged+1])
				}
			}

			if diff := cmp.Diff(loadsByKey(t, ref), loadsByKey(t, spec.Store)); diff != "" {
				t.Errorf("workout loads: speculated (+) differ from refreshed (-):\n%s", diff)
			}
			_, want := storedDays(t, ref)
			_, got := storedDays(t, spec.Store)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("daily model: speculated (+) differs from refreshed (-):\n%s", diff)
			}
		})
	}
}

// TestSpeculateIncomplete: when the importer did not decode the recent
// files ahead, there is nothing to speculate with, and a nil Speculation
// is safe to use.
func TestSpeculateIncomplete(t *testing.T) {
	st := openStore(t)
	now := demoNow()
	c := newCoach(t, st, &now)
	s, err := c.Speculate(context.Background(), nil, false)
	if err != nil || s != nil {
		t.Fatalf("Speculate(incomplete) = %v, %v; want nil, nil", s, err)
	}
	var nilSpec *coach.Speculation
	nilSpec.Measure(&rebound.Activity{})
	nilSpec.Stored([]*rebound.Activity{{}})
	if _, err := c.RefreshWith(context.Background(), nil, nilSpec); err != nil {
		t.Fatalf("RefreshWith(nil speculation): %v", err)
	}
}
