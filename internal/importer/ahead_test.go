package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rebound"
	"rebound/internal/demo"
)

// aheadRun encodes a 20-min FIT run starting at start.
func aheadRun(tb testing.TB, start time.Time) []byte {
	tb.Helper()
	b, err := demo.EncodeRun(demo.RunSpec{
		Start: start, Segments: []demo.Seg{{DurationS: 1200, SpeedMPS: 3}},
		Noise: demo.Noise{SpeedSD: 0.05, HRSD: 1, Seed: 1}, Athlete: demo.DemoAthlete(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestImport_Ahead: the recent files are decoded ahead and handed over once,
// before anything is stored; the others are not; files whose start cannot
// be peeked (GPX) count as recent; and every activity of the import proper
// reaches Decoded with the streams that are then stored.
func TestImport_Ahead(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	// Ten old runs, one recent run as a gzip member of a zip (the peek
	// undoes both), a short recent GPX: under
	// aheadMaxShare of the bytes.
	for i := range 10 {
		writeFile(t, filepath.Join(dir, "old", "run"+string(rune('a'+i))+".fit"), aheadRun(t, from.AddDate(0, -3, -i*3)))
	}
	recent := from.AddDate(0, 2, 0)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("activities/recent.fit.gz")
	w.Write(gz(t, aheadRun(t, recent)))
	zw.Close()
	writeFile(t, filepath.Join(dir, "export.zip"), zb.Bytes())
	writeFile(t, filepath.Join(dir, "recent.gpx"), gpxRun(recent.AddDate(0, 0, 1), 60, 45))
	// Not an activity: its start cannot be peeked, so it is decoded ahead,
	// fails there, and is reported once, by the import proper.
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("not an activity"))

	st := mustOpenStore(t)
	var mu sync.Mutex
	var ahead []*rebound.Activity
	aheadCalls, complete := 0, false
	decoded := map[string]*rebound.Streams{}
	stored := 0
	im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow },
		AheadFrom: from,
		Ahead: func(acts []*rebound.Activity, c bool) {
			aheadCalls++
			ahead, complete = acts, c
			if stored > 0 {
				t.Error("Ahead called after activities were stored")
			}
			for _, a := range acts {
				if a.ID != 0 {
					t.Errorf("activity decoded ahead has ID %d: it must not be stored by the pass", a.ID)
				}
			}
		},
		Decoded: func(a *rebound.Activity) {
			mu.Lock()
			defer mu.Unlock()
			decoded[a.SourceSHA256] = a.Streams
		},
	})
	im.OnStored = func(acts []*rebound.Activity) { stored += len(acts) }
	rep, err := im.Import(context.Background(), []string{dir})
	if err != nil || rep.New != 12 || rep.Failed != 1 || len(rep.Files) != 13 {
		t.Fatalf("Import: new %d failed %d files %d, %v; want 12, 1, 13", rep.New, rep.Failed, len(rep.Files), err)
	}
	for _, f := range rep.Files {
		if strings.HasSuffix(f.File, "notes.txt") != (f.Status == StatusFailed) {
			t.Errorf("%s: status %s (%s)", f.File, f.Status, f.Error)
		}
	}
	if aheadCalls != 1 || !complete {
		t.Fatalf("Ahead called %d times, complete %v; want once, true", aheadCalls, complete)
	}
	var starts []time.Time
	for _, a := range ahead {
		starts = append(starts, a.StartTime)
		// The import proper took them over: stored once, with an ID.
		if a.ID == 0 {
			t.Errorf("activity decoded ahead (%v) was not stored by the import", a.StartTime)
		}
	}
	if len(ahead) != 2 || !ahead[0].StartTime.Equal(recent) || !ahead[1].StartTime.Equal(recent.AddDate(0, 0, 1)) {
		t.Errorf("ahead starts %v; want the recent FIT (%v) and the GPX", starts, recent)
	}
	// Decoded saw every activity, with the streams as stored.
	acts, err := st.Activities(context.Background(), rebound.DefaultAthleteID, rebound.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(decoded) != len(acts) {
		t.Errorf("Decoded saw %d activities, %d stored", len(decoded), len(acts))
	}
	for _, a := range acts {
		got, err := st.ActivityStreams(context.Background(), rebound.DefaultAthleteID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if msg := sameStreams(got, decoded[a.SourceSHA256]); msg != "" {
			t.Errorf("%s: streams handed to Decoded differ from those stored: %s", a.SourceFile, msg)
		}
	}
}

// TestImport_AheadTooLarge: when the recent files are more than
// aheadMaxShare of the import, nothing is decoded ahead.
func TestImport_AheadTooLarge(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "old.fit"), aheadRun(t, from.AddDate(0, -3, 0)))
	writeFile(t, filepath.Join(dir, "new.fit"), aheadRun(t, from.AddDate(0, 3, 0)))
	calls := 0
	im := New(mustOpenStore(t), Options{Location: time.UTC, Now: func() time.Time { return goldenNow },
		AheadFrom: from,
		Ahead: func(acts []*rebound.Activity, complete bool) {
			calls++
			if acts != nil || complete {
				t.Errorf("Ahead(%d activities, %v); want (nil, false) for half the bytes recent", len(acts), complete)
			}
		},
	})
	rep, err := im.Import(context.Background(), []string{dir})
	if err != nil || rep.New != 2 || calls != 1 {
		t.Fatalf("Import: new %d, %v, Ahead calls %d; want 2, nil, 1", rep.New, err, calls)
	}
}

// TestPeekReader: a gzip prefix cut mid-stream still gives its first
// bytes; short files are not an error.
func TestPeekReader(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 1024) // 16 KB
	cases := []struct {
		name string
		in   []byte
		want []byte
	}{
		{"short plain file", []byte("abc"), []byte("abc")},
		{"long plain file", big, big[:peekLen]},
		{"gzip of a long file", gz(t, big), big[:peekLen]},
		{"empty", nil, []byte{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, c.in, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := peekFile(p)
			if err != nil || !bytes.Equal(got, c.want) {
				t.Errorf("peekFile = %d bytes, %v; want %d bytes", len(got), err, len(c.want))
			}
		})
	}
	if _, err := peekFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("peekFile of a missing file: no error")
	}
}
