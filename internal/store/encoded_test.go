package store

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// streamRow is one activity_streams row as stored.
type streamRow struct {
	ID, Codec, Samples int64
	Data               []byte
}

func streamRows(t *testing.T, s *Store) []streamRow {
	t.Helper()
	rows, err := s.rdb.Query(`SELECT activity_id, codec, samples, data FROM activity_streams ORDER BY activity_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []streamRow
	for rows.Next() {
		var r streamRow
		if err := rows.Scan(&r.ID, &r.Codec, &r.Samples, &r.Data); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// encodedBatch is three activities: streams on the 1 s grid, realistic
// streams with gaps and fractions to quantise, and none (a manual entry);
// the fourth is a copy of the first (same source and session), a
// duplicate within the call.
func encodedBatch() []*rebound.Activity {
	t0 := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	a := fullActivity(strings.Repeat("a", 64), t0)
	b := fullActivity(strings.Repeat("b", 64), t0.Add(24*time.Hour))
	b.Streams = realisticStreams(3600, 7)
	c := fullActivity(strings.Repeat("c", 64), t0.Add(48*time.Hour))
	c.Streams = nil
	d := fullActivity(strings.Repeat("a", 64), t0)
	return []*rebound.Activity{a, b, c, d}
}

// TestStore_AddActivitiesEncoded checks that blobs made by PrepareStreams
// (in any subset, nil meaning "encode here") store exactly the bytes plain
// AddActivities stores, return the same results, and leave the caller's
// streams quantised the same way. The reference is AddActivities itself.
func TestStore_AddActivitiesEncoded(t *testing.T) {
	ctx := context.Background()
	ref := mustOpen(t, filepath.Join(t.TempDir(), "ref.db"))
	refActs := encodedBatch()
	refRes, err := ref.AddActivities(ctx, 1, refActs)
	if err != nil {
		t.Fatal(err)
	}
	refRows := streamRows(t, ref)
	if len(refRows) != 2 { // a and b have streams; c none; d duplicates a
		t.Fatalf("reference stored %d stream rows, want 2", len(refRows))
	}

	for _, tt := range []struct {
		name    string
		prepare []bool // which activities get a blob from PrepareStreams
	}{
		{"every blob prepared", []bool{true, true, true, true}},
		{"no blob prepared", []bool{false, false, false, false}},
		{"some prepared", []bool{false, true, false, true}},
		{"blobs shorter than acts", []bool{true}},
		{"no blobs at all", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
			acts := encodedBatch()
			var blobs [][]byte
			for i, p := range tt.prepare {
				var b []byte
				if p {
					if b, err = s.PrepareStreams(acts[i]); err != nil {
						t.Fatal(err)
					}
					if (b == nil) != (acts[i].Streams == nil) {
						t.Fatalf("activity %d: blob %v for streams %v", i+1, b != nil, acts[i].Streams != nil)
					}
				}
				blobs = append(blobs, b)
			}
			res, err := s.AddActivitiesEncoded(ctx, 1, acts, blobs)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(refRes, res); diff != "" {
				t.Errorf("results (-AddActivities +AddActivitiesEncoded):\n%s", diff)
			}
			got := streamRows(t, s)
			if diff := cmp.Diff(refRows, got, cmp.Comparer(bytes.Equal)); diff != "" {
				t.Errorf("stored streams differ (-AddActivities +AddActivitiesEncoded):\n%s", diff)
			}
			// Stored activities' streams are quantised in place either way
			// (the duplicate's only when its blob was prepared, so only
			// stored ones are compared).
			for i := range 3 {
				if diff := cmp.Diff(refActs[i].Streams, acts[i].Streams, cmpopts.EquateNaNs()); diff != "" {
					t.Errorf("activity %d streams (-AddActivities +AddActivitiesEncoded):\n%s", i+1, diff)
				}
			}
		})
	}

	t.Run("ErrInvalid more blobs than activities", func(t *testing.T) {
		s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
		_, err := s.AddActivitiesEncoded(ctx, 1, encodedBatch()[:1], [][]byte{nil, nil})
		wantCode(t, err, rebound.EInvalid)
		assertEmpty(t, s)
	})

	t.Run("ErrInvalid ragged streams with no blob", func(t *testing.T) {
		s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
		a := encodedBatch()[0]
		a.Streams = &rebound.Streams{HeartRateBPM: []float64{1, 2}, SpeedMPS: []float64{1}}
		if _, err := s.PrepareStreams(a); err == nil {
			t.Fatal("PrepareStreams of ragged streams: no error")
		}
		_, err := s.AddActivitiesEncoded(ctx, 1, []*rebound.Activity{a}, [][]byte{nil})
		wantCode(t, err, rebound.EInvalid)
		// The same message as AddActivities gives (TestStore_AddActivities).
		const want = "activity 1 of 1 (run.fit): streams: channel heart_rate_bpm has 2 samples, others 1"
		if err.Error() != want {
			t.Errorf("message %q\nwant    %q", err, want)
		}
		assertEmpty(t, s)
	})
}

// TestStore_ClosedWrites checks that the prepared statements are closed
// with the store and a write or a source lookup afterwards fails cleanly.
func TestStore_ClosedWrites(t *testing.T) {
	s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.AddActivities(context.Background(), 1, encodedBatch()[:1])
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("AddActivities after Close: %v, want a closed-database error", err)
	}
	if _, err := s.HasSource(context.Background(), 1, strings.Repeat("a", 64)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("HasSource after Close: %v, want a closed error", err)
	}
	if _, err := s.w.activity.Exec(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("prepared insert after Close: %v, want a closed-statement error", err)
	}
}
