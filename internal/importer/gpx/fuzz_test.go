package gpx

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"rebound"
	"rebound/internal/testcorpus"
)

// maxSeedBytes keeps big corpus files out of the fuzz seeds: the fuzzer
// mutates small inputs far faster, and the small files already cover the
// odd structures.
const maxSeedBytes = 64 << 10

func FuzzDecodeGPX(f *testing.F) {
	f.Add([]byte(doc("          \xef\xbb\xbf"+xmlDecl, "<type>9</type>", line(3, `<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension>`))))
	f.Add([]byte(doc(xmlDecl, "", line(2, ""), []pt{{40, 5, ""}, {41, 6, ""}})))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><gpx><trk><name>C` + "\xf4" + `te</name><trkseg><trkpt lat="1" lon="2"><time>2024-05-01T06:00:00+02:00</time></trkpt></trkseg></trk></gpx>`))
	f.Add([]byte(`<gpx><rte><rtept lat="1" lon="2"/></rte><wpt lat="1" lon="2"/></gpx>`))
	if c := testcorpus.Dir(); c != "" {
		files, _ := filepath.Glob(filepath.Join(c, "gpx", "*.gpx"))
		gz, _ := filepath.Glob(filepath.Join(c, "gz", "*.gpx.gz"))
		for _, p := range append(files, gz...) {
			if b := readCorpus(f, p); len(b) <= maxSeedBytes {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		acts, err := Decode(bytes.NewReader(data), now)
		if err != nil {
			if code := rebound.ErrorCode(err); code != rebound.EInvalid {
				t.Fatalf("error code %q, want %q: %v", code, rebound.EInvalid, err)
			}
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(acts) != 1 {
			t.Fatalf("%d activities and no error, want 1", len(acts))
		}
		checkActivity(t, acts[0])
		if n := acts[0].Streams.Len(); float64(n) != acts[0].ElapsedS+1 && n != 0 {
			t.Errorf("%d samples for %v s elapsed", n, acts[0].ElapsedS)
		}
	})
}
