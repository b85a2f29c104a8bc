package cli

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"rebound"
	"rebound/internal/store"
)

// TestMain lets a test run this test binary as the rebound command, so a
// test can kill a real process in the middle of an import.
func TestMain(m *testing.M) {
	if os.Getenv("REBOUND_TEST_AS_MAIN") == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestImport_KilledProcessLeavesStoreConsistent starts an import of many
// files in a child process, kills it (SIGKILL: no clean-up runs) once some
// activities are committed, and checks the store: intact, and every stored
// activity whole (summary, laps and streams). A second import then finishes
// the job without duplicates.
func TestImport_KilledProcessLeavesStoreConsistent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	const files = 120
	for i := 0; i < files; i++ {
		gpxFile(t, dir, filepath.Base(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("2006-01-02"))+".gpx",
			time.Date(2025, 1, 1, 7, 0, 0, 0, time.UTC).AddDate(0, 0, i), 3600)
	}
	db := filepath.Join(t.TempDir(), "rebound.db")
	cmd := exec.Command(os.Args[0], "import", "--workers", "1", dir)
	cmd.Env = append(os.Environ(), "REBOUND_TEST_AS_MAIN=1", "REBOUND_DB="+db)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			return 0
		}
		defer conn.Close()
		var n int
		if err := conn.QueryRow("SELECT count(*) FROM activities").Scan(&n); err != nil {
			return 0
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for count() < 5 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := count()
	if killedAt < 5 || killedAt >= files {
		t.Fatalf("killed after %d of %d activities: the test did not interrupt the import", killedAt, files)
	}

	conn, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	conn.Close()

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	acts, err := st.Activities(context.Background(), rebound.DefaultAthleteID, rebound.ActivityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		full, err := st.Activity(context.Background(), rebound.DefaultAthleteID, a.ID, true)
		if err != nil {
			t.Fatalf("activity %d unreadable after the kill: %v", a.ID, err)
		}
		if full.Streams.Len() != 3600 || full.DistanceM <= 0 {
			t.Errorf("activity %d is partial: %d samples, %.0f m", a.ID, full.Streams.Len(), full.DistanceM)
		}
	}
	st.Close()

	r := runCLI(t, db, "import", dir)
	if r.code != ExitOK {
		t.Fatalf("second import: exit %d %s", r.code, r.stderr)
	}
	if count() != files {
		t.Errorf("after the second import %d activities, want %d (%s)", count(), files, r.stdout)
	}
	t.Logf("killed after %d activities; second import: %s", killedAt, r.stdout)
}
