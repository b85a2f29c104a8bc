package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckinFIT(t *testing.T) {
	db := tempDB(t)
	// An activity file carries no morning wellness data: refused with the
	// reason and where to import it instead.
	activity := filepath.Join("..", "demo", "testdata", "ff-surges-40min.fit")
	r := runCLI(t, db, "checkin", "--fit", activity)
	if r.code != ExitFailed || !strings.Contains(r.stderr, "import it with rebound import") {
		t.Errorf("activity file: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, db, "checkin", "--fit", filepath.Join(t.TempDir(), "missing.fit"))
	if r.code != ExitFailed || !strings.Contains(r.stderr, "missing.fit") {
		t.Errorf("missing file: exit %d stderr %q", r.code, r.stderr)
	}
	r = runCLI(t, db, "checkin", "--fit", activity, "--csv", "x.csv")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "not both") {
		t.Errorf("--fit with --csv: exit %d stderr %q", r.code, r.stderr)
	}
}
