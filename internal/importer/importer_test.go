package importer

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/store"
	"rebound/internal/testcorpus"
)

// gpxRun writes a small GPX run: n points one second apart heading north at
// about 3 m/s from (lat0, 7.0), starting at start, with heart rate.
func gpxRun(start time.Time, n int, lat0 float64) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="rebound-test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<trk><name>Test run</name><type>running</type><trkseg>
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<trkpt lat="%.7f" lon="7.0000000"><ele>%.1f</ele><time>%s</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>%d</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
`, lat0+float64(i)*0.000027, 400+float64(i%20), start.Add(time.Duration(i)*time.Second).UTC().Format(time.RFC3339), 140+i%10)
	}
	b.WriteString("</trkseg></trk></gpx>\n")
	return []byte(b.String())
}

func gz(tb testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func mustOpenStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), "rebound.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func mustImport(tb testing.TB, st *store.Store, paths ...string) *Report {
	tb.Helper()
	im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }})
	rep, err := im.Import(context.Background(), paths)
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
	return rep
}

func writeFile(tb testing.TB, path string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

var day = time.Date(2026, 7, 11, 6, 0, 0, 0, time.UTC)

func TestImport_BadFileInTheMiddleDoesNotStopTheRest(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.gpx"), gpxRun(day, 600, 45))
	writeFile(t, filepath.Join(dir, "b-corrupt.fit"), []byte{14, 0x20, 0, 0, 0xff, 0xff, 0, 0, '.', 'F', 'I', 'T', 0, 0, 1, 2, 3})
	writeFile(t, filepath.Join(dir, "c-empty.gpx"), nil)
	writeFile(t, filepath.Join(dir, "d-notes.txt"), []byte("not an activity"))
	writeFile(t, filepath.Join(dir, "sub", "e.gpx.gz"), gz(t, gpxRun(day.Add(24*time.Hour), 600, 46)))
	st := mustOpenStore(t)
	rep := mustImport(t, st, dir)
	if rep.New != 2 || rep.Failed != 3 || rep.Duplicates != 0 {
		t.Fatalf("new/dup/failed = %d/%d/%d, want 2/0/3; files: %+v", rep.New, rep.Duplicates, rep.Failed, rep.Files)
	}
	wantErr := map[string]string{
		"b-corrupt.fit": "",
		"c-empty.gpx":   "empty file (0 bytes)",
		"d-notes.txt":   "not an activity file Rebound knows",
	}
	for _, f := range rep.Files {
		want, ok := wantErr[filepath.Base(f.File)]
		if !ok {
			if f.Status != StatusImported {
				t.Errorf("%s: status %s (%s), want imported", f.File, f.Status, f.Error)
			}
			continue
		}
		if f.Status != StatusFailed || f.Error == "" || !strings.Contains(f.Error, want) {
			t.Errorf("%s: status %s error %q, want failed with %q", f.File, f.Status, f.Error, want)
		}
	}
	acts, err := st.Activities(context.Background(), rebound.DefaultAthleteID, rebound.ActivityFilter{})
	if err != nil || len(acts) != 2 {
		t.Fatalf("stored %d activities (%v), want 2", len(acts), err)
	}
	for _, a := range acts {
		if a.SourceSHA256 == "" || a.SourceFile == "" || a.OffsetSource != rebound.OffsetFromAthlete {
			t.Errorf("activity %d: source %q sha %q offset source %q", a.ID, a.SourceFile, a.SourceSHA256, a.OffsetSource)
		}
	}
}

func TestImport_ReimportIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.gpx"), gpxRun(day, 600, 45))
	writeFile(t, filepath.Join(dir, "b.gpx"), gpxRun(day.Add(48*time.Hour), 900, 45))
	st := mustOpenStore(t)
	if rep := mustImport(t, st, dir); rep.New != 2 {
		t.Fatalf("first import: %d new, want 2", rep.New)
	}
	rep := mustImport(t, st, dir)
	if rep.New != 0 || rep.Duplicates != 2 || rep.Failed != 0 {
		t.Fatalf("second import new/dup/failed = %d/%d/%d, want 0/2/0", rep.New, rep.Duplicates, rep.Failed)
	}
	// The same workout from another source: the same track gzip-compressed
	// and starting 20 s later is a different file but the same run.
	other := filepath.Join(t.TempDir(), "same-run-other-source.gpx.gz")
	writeFile(t, other, gz(t, gpxRun(day.Add(20*time.Second), 610, 45)))
	rep = mustImport(t, st, other)
	if rep.New != 0 || rep.Duplicates != 1 {
		t.Fatalf("cross-source import new/dup = %d/%d, want 0/1 (%+v)", rep.New, rep.Duplicates, rep.Files)
	}
}

func TestImport_GarminExportNestedZip(t *testing.T) {
	// Garmin's export nests the original uploads in zips inside the zip.
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	for i, name := range []string{"run1.gpx", "run2.gpx"} {
		w, _ := zw.Create(name)
		w.Write(gpxRun(day.Add(time.Duration(i)*24*time.Hour), 300, 45))
	}
	zw.Close()
	var outer bytes.Buffer
	zw = zip.NewWriter(&outer)
	w, _ := zw.Create("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip")
	w.Write(inner.Bytes())
	w, _ = zw.Create("DI_CONNECT/DI-Connect-Fitness/user_0_summarizedActivities.json")
	w.Write([]byte(`[{"summarizedActivitiesExport":[]}]`))
	zw.Close()
	path := filepath.Join(t.TempDir(), "garmin-export.zip")
	writeFile(t, path, outer.Bytes())

	st := mustOpenStore(t)
	rep := mustImport(t, st, path)
	if rep.New != 2 || rep.Failed != 0 {
		t.Fatalf("new/failed = %d/%d, want 2/0: %+v", rep.New, rep.Failed, rep.Files)
	}
	if !strings.Contains(rep.Files[0].File, "garmin-export.zip!DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip!run1.gpx") {
		t.Errorf("file name %q does not say where in the archive it was", rep.Files[0].File)
	}
}

func TestImport_StravaExportZipAppliesCSV(t *testing.T) {
	csv := "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Perceived Exertion\n" +
		"1,\"Jul 11, 2026, 6:00:00 AM\",Sunrise tempo,Run,\"3 x 10 min at threshold\",600,2,,,false,,Vaporfly,activities/1.gpx.gz,7\n"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("activities.csv")
	w.Write([]byte(csv))
	w, _ = zw.Create("activities/1.gpx.gz")
	w.Write(gz(t, gpxRun(day, 600, 45)))
	w, _ = zw.Create("profile.csv")
	w.Write([]byte("not activity history"))
	zw.Close()
	path := filepath.Join(t.TempDir(), "export_1.zip")
	writeFile(t, path, buf.Bytes())

	st := mustOpenStore(t)
	rep := mustImport(t, st, path)
	if rep.New != 1 || rep.Failed != 0 || len(rep.Files) != 1 {
		t.Fatalf("new/failed/files = %d/%d/%d, want 1/0/1: %+v", rep.New, rep.Failed, len(rep.Files), rep.Files)
	}
	a, err := st.Activity(context.Background(), rebound.DefaultAthleteID, rep.Files[0].NewIDs[0], false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Sunrise tempo" || a.Gear != "Vaporfly" || a.Notes != "3 x 10 min at threshold" || a.RPE == nil || *a.RPE != 7 {
		t.Errorf("CSV metadata not applied: name %q gear %q notes %q rpe %v", a.Name, a.Gear, a.Notes, a.RPE)
	}
}

func TestImport_MissingPath(t *testing.T) {
	st := mustOpenStore(t)
	rep := mustImport(t, st, filepath.Join(t.TempDir(), "nope.fit"))
	if rep.Failed != 1 || !strings.Contains(rep.Files[0].Error, "no such file") {
		t.Fatalf("got %+v", rep.Files)
	}
}

// TestImport_Corpus imports the whole corpus into one store: every file
// imports, is a duplicate of another corpus file, or fails with a message;
// importing it all again adds nothing.
func TestImport_Corpus(t *testing.T) {
	dir := testcorpus.Require(t)
	st := mustOpenStore(t)
	rep := mustImport(t, st, dir)
	if rep.New == 0 {
		t.Fatal("nothing imported from the corpus")
	}
	for _, f := range rep.Files {
		if f.Status == StatusFailed && strings.TrimSpace(f.Error) == "" {
			t.Errorf("%s failed without a message", f.File)
		}
	}
	t.Logf("corpus: %d new, %d duplicates, %d failed", rep.New, rep.Duplicates, rep.Failed)
	again := mustImport(t, st, dir)
	if again.New != 0 || again.Failed != rep.Failed {
		t.Errorf("re-import: %d new, %d failed; want 0 new, %d failed", again.New, again.Failed, rep.Failed)
	}
}

// TestImport_CrossFormatDuplicates: the same real run exported by Garmin as
// FIT and by Strava (a different FIT inside activities/….fit.gz) is one
// activity, and so is a GPX and a TCX of one run.
func TestImport_CrossFormatDuplicates(t *testing.T) {
	dir := testcorpus.Require(t)
	tt := []struct{ first, second string }{
		{"fit/geoactivity__2022-05-29-15-53-35_Laufen_Landal_Park.fit", "strava-export/geoactivity__export"},
		{"gpx/msimms__20210119_run_garmin_fenix6_sapphire.gpx", "tcx/msimms__20210119_run_garmin_fenix6_sapphire.tcx"},
		{"fit/msimms__20181108_run_garmin_fenix_3_hr.fit", "tcx/msimms__20181108_run_garmin_fenix_3_hr.tcx"},
	}
	for _, tc := range tt {
		t.Run(filepath.Base(tc.first), func(t *testing.T) {
			st := mustOpenStore(t)
			if rep := mustImport(t, st, filepath.Join(dir, tc.first)); rep.New != 1 {
				t.Fatalf("first: %+v", rep.Files)
			}
			rep := mustImport(t, st, filepath.Join(dir, tc.second))
			if rep.New != 0 || rep.Duplicates != 1 {
				t.Fatalf("second: new/dup = %d/%d, want 0/1: %+v", rep.New, rep.Duplicates, rep.Files)
			}
		})
	}
}
