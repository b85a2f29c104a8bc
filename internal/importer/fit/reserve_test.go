package fit

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// TestPointReservation: the walker's reservation for the points must stay
// close to what the records need. Over every corpus file the fast path
// takes, the points reserved must be at most 1.25× the records: measured
// 1.20× (reservePoints' 25 % margin over an extrapolation that is usually
// a little high), where the old guess from the first record definition's
// size gave 1.37× (3.2× on the COROS files, whose first record is a 9-byte
// one). Per file, a tail with fewer records than its start (a turbo
// trainer's, 3.0×) may be reserved for up to 4×, plus the probe on tiny
// files.
func TestPointReservation(t *testing.T) {
	records, reserved, files := 0, 0, 0
	for _, f := range loadCorpus(t) {
		acc := newAccumulator()
		if walkFast(f.data, acc) != "" {
			continue
		}
		n, c := len(acc.points), cap(acc.points)
		if limit := 4*n + 2*probePoints; c > limit {
			t.Errorf("%s: %d points reserved for %d records, want at most %d", f.name, c, n, limit)
		}
		records, reserved, files = records+n, reserved+c, files+1
	}
	if files < 50 {
		t.Fatalf("only %d corpus files went through the fast path, want at least 50", files)
	}
	if limit := records + records/4; reserved > limit {
		t.Errorf("%d points reserved for %d records in %d files, want at most %d", reserved, records, files, limit)
	}
}

// TestDecodeReusesPointsSafely: decodeFast hands each file's point buffer
// to the next file (pointBufs). Activities returned earlier must not share
// memory with it: decoding other files in between must leave them exactly
// as the general decoder gives them (the expected values are the general
// decoder's, which shares no buffer).
func TestDecodeReusesPointsSafely(t *testing.T) {
	files := []string{
		"fit-file-parser__garmin-stamina.fit", // 4.5k records
		"msimms__20210507_run_coros_pace_2.fit",
		"msimms__20181108_run_garmin_fenix_3_hr.fit",
	}
	type decoded struct {
		name string
		acts []*rebound.Activity
	}
	var got []decoded
	for range 2 {
		for _, name := range files {
			acts, err := DecodeBytes(corpusFileNamed(t, name), testNow)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got = append(got, decoded{name, acts})
		}
	}
	for _, g := range got {
		want, err := decodeGeneral(bytes.NewReader(corpusFileNamed(t, g.name)), testNow)
		if err != nil {
			t.Fatalf("%s: general decoder: %v", g.name, err)
		}
		if d := cmp.Diff(want, g.acts, cmpopts.EquateNaNs()); d != "" {
			t.Errorf("%s: decoded before other files, differs from the general decoder now (-want +got):\n%s", g.name, d)
		}
	}
}
