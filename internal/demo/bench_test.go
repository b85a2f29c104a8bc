package demo

import (
	"testing"
	"time"
)

// BenchmarkGenerate measures the whole 16-week history.
func BenchmarkGenerate(b *testing.B) {
	end := time.Date(2026, 8, 24, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		if _, err := Generate(end, 1); err != nil {
			b.Fatal(err)
		}
	}
}
