package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/store/streamcodec"
)

// TestStore_ReadsEveryCodecVersion: a store written by an earlier build
// keeps Version 1 blobs (codec column 1) after this build writes Version 2
// ones; both are read, and an unknown version is a clear error. The
// Version 1 blob is streamcodec's golden one, written by a Version 1
// encoder.
func TestStore_ReadsEveryCodecVersion(t *testing.T) {
	ctx := context.Background()
	v1, err := os.ReadFile(filepath.Join("streamcodec", "testdata", "v1-stdlib-bestspeed-600.blob"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := streamcodec.Decode(v1)
	if err != nil {
		t.Fatalf("decode the golden v1 blob: %v", err)
	}
	s := mustOpen(t, filepath.Join(t.TempDir(), "rebound.db"))
	start := time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC)
	add := func(name string) int64 {
		a := &rebound.Activity{Sport: rebound.SportRunning, StartTime: start, ElapsedS: float64(want.Len()),
			MovingS: float64(want.Len()), DistanceM: 1000, AvgSpeedMPS: 2, SourceSHA256: strings.Repeat(name, 64)[:64],
			Streams: want}
		start = start.Add(24 * time.Hour)
		res, err := s.AddActivities(ctx, 1, []*rebound.Activity{a})
		if err != nil {
			t.Fatal(err)
		}
		return res[0].ID
	}
	v2ID, v1ID, futureID := add("a"), add("b"), add("c")
	// Rows as an earlier build wrote them, and as a later one might.
	if _, err := s.db.ExecContext(ctx, `UPDATE activity_streams SET codec = 1, data = ? WHERE activity_id = ?`, v1, v1ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE activity_streams SET codec = 99 WHERE activity_id = ?`, futureID); err != nil {
		t.Fatal(err)
	}
	var codec int
	if err := s.db.QueryRowContext(ctx, `SELECT codec FROM activity_streams WHERE activity_id = ?`, v2ID).Scan(&codec); err != nil || codec != streamcodec.Version {
		t.Fatalf("new row's codec = %d, %v; want %d", codec, err, streamcodec.Version)
	}
	for _, id := range []int64{v1ID, v2ID} {
		got, err := s.ActivityStreams(ctx, 1, id)
		if err != nil {
			t.Fatalf("activity %d: %v", id, err)
		}
		if diff := cmp.Diff(want, got, floatsEqual); diff != "" {
			t.Errorf("activity %d streams (-want +got):\n%s", id, diff)
		}
	}
	_, err = s.ActivityStreams(ctx, 1, futureID)
	if err == nil || !strings.Contains(err.Error(), "codec version 99") {
		t.Errorf("codec 99: %v, want an error naming the version", err)
	}
}
