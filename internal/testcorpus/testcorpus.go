// Package testcorpus locates the shared corpus of real device files for
// tests: ../shared/corpus beside the repository (the directory holding
// go.mod). The corpus never enters the repository; CI always has it, and a
// user's fresh clone does not, so tests that need it skip with a message
// saying where it was looked for.
package testcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus directory found from the working directory (a
// test runs in its package's directory), or "" when there is none: for
// optional uses such as fuzz seeds.
func Dir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			c := filepath.Join(dir, "..", "shared", "corpus")
			if _, err := os.Stat(filepath.Join(c, "MANIFEST.tsv")); err != nil {
				return ""
			}
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Require returns the corpus directory, or skips tb when it is absent.
func Require(tb testing.TB) string {
	tb.Helper()
	c := Dir()
	if c == "" {
		tb.Skip("real-file corpus not found at ../shared/corpus beside the repository (CI has it; a fresh clone does not): skipping")
	}
	return c
}
