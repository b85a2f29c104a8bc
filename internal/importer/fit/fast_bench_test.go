package fit

import (
	"bytes"
	"testing"
)

// BenchmarkDecodePaths compares the fast path with the general decoder on
// the largest running file of the corpus (387 KB, 4.5k records; the
// reference workload's files are copies of files like it), input in
// memory; MB/s from b.SetBytes.
func BenchmarkDecodePaths(b *testing.B) {
	data := corpusFileNamed(b, "fit-file-parser__garmin-stamina.fit")
	if why := walkFast(data, newAccumulator()); why != "" {
		b.Fatalf("the fast path declines the file: %s", why)
	}
	for _, p := range []struct {
		name   string
		decode func([]byte) error
	}{
		{"fast", func(d []byte) error { _, err := DecodeBytes(d, testNow); return err }},
		{"general", func(d []byte) error { _, err := decodeGeneral(bytes.NewReader(d), testNow); return err }},
		{"fast-walk-only", func(d []byte) error { walkFast(d, newAccumulator()); return nil }},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if err := p.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
