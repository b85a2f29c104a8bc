package testcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	c := Dir()
	if c == "" {
		t.Skip("no corpus beside this checkout")
	}
	if _, err := os.Stat(filepath.Join(c, "MANIFEST.tsv")); err != nil {
		t.Errorf("Dir() = %s without MANIFEST.tsv: %v", c, err)
	}
	if Require(t) != c {
		t.Errorf("Require and Dir disagree")
	}
}

func TestDirOutsideRepository(t *testing.T) {
	t.Chdir(t.TempDir()) // no go.mod above a temp dir
	if c := Dir(); c != "" {
		t.Errorf("Dir() outside the repository = %q, want \"\"", c)
	}
}
