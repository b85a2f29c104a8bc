package fit

import (
	"bytes"
	"testing"
)

// BenchmarkDecode measures Decode on the largest running file of the corpus
// and on muktihari/fit's own 2.4 MB benchmark ride (≈100k records), input
// already in memory; MB/s from b.SetBytes.
func BenchmarkDecode(b *testing.B) {
	for _, file := range []string{
		"fit-file-parser__garmin-stamina.fit", // largest run in the corpus (387 KB, 4.5k records)
		"muktihari__big_activity.fit",
	} {
		b.Run(file, func(b *testing.B) {
			data := corpusFileNamed(b, file)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(bytes.NewReader(data), testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
