package fit

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// The fast path (fast.go) must give exactly what muktihari/fit's general
// decoder gives: the same activities, field by field and sample by sample
// (NaN equal to NaN), or the same error. These tests decode each input both
// ways; the fast path may decline a file (it then goes to the general
// decoder in Decode), but never disagree.

// fastVsGeneral decodes data both ways and returns whether the fast path
// took the file and, if it did, how the results differ ("" when equal).
func fastVsGeneral(data []byte) (took bool, diff string) {
	gActs, gErr := decodeGeneral(bytes.NewReader(data), testNow)
	fActs, ok, fErr := decodeFast(data, testNow)
	if !ok {
		return false, ""
	}
	switch {
	case (gErr == nil) != (fErr == nil):
		return true, "error: general " + errString(gErr) + ", fast " + errString(fErr)
	case gErr != nil && (gErr.Error() != fErr.Error() || rebound.ErrorCode(gErr) != rebound.ErrorCode(fErr)):
		return true, "error: general " + errString(gErr) + ", fast " + errString(fErr)
	}
	return true, cmp.Diff(gActs, fActs, cmpopts.EquateNaNs())
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// corpusGeneralOnly are the corpus files the fast path declines, and why.
// Every other corpus file must take the fast path: a change that quietly
// sent every file to the general decoder would keep the results right and
// lose the speed.
var corpusGeneralOnly = map[string]string{
	"fit/FITfileR__zwift-turbo.fit":                        "component compressed_speed_distance into a kept field",
	"fit/fitdecode__garmin-fr935-cr.fit":                   "hr message",
	"fit/fitparse__activity-activity-filecrc.fit":          "CRC mismatch",
	"fit/fitparse__activity-filecrc.fit":                   "CRC mismatch",
	"fit/fitparse__activity-settings-corruptheader.fit":    "no FIT header",
	"fit/fitparse__activity-settings-nodata.fit":           "truncated or empty sequence",
	"fit/fitparse__activity-unexpected-eof.fit":            "truncated or empty sequence",
	"fit/fitparse__compressed-speed-distance.fit":          "component compressed_speed_distance into a kept field",
	"fit/fitparse__event_timestamp.fit":                    "hr message",
	"fit/fitparse__nick.fit":                               "CRC mismatch",
	"fit/fitparse__null_compressed_speed_dist.fit":         "component compressed_speed_distance into a kept field",
	"fit/fitparse__sample_mulitple_header.fit":             "hr message",
	"fit/fitparse__strava-android-app-201.10-b1218918.fit": "truncated or empty sequence",
	"fit/msimms__20210218_zwift_bike_race.fit":             "component compressed_speed_distance into a kept field",
	"fit/muktihari__triathlon_summary_first.fit":           "kept field of an unusual size",
	"fit/muktihari__triathlon_summary_last.fit":            "kept field of an unusual size",
}

// TestFastMatchesGeneralCorpus compares the two decoders on every corpus
// FIT file (plain and gzipped).
func TestFastMatchesGeneralCorpus(t *testing.T) {
	files := loadCorpus(t)
	took := 0
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			ok, diff := fastVsGeneral(f.data)
			if diff != "" {
				t.Fatalf("fast path differs from the general decoder (-general +fast):\n%s", diff)
			}
			want := corpusGeneralOnly[f.name]
			got := walkFast(f.data, newAccumulator())
			if got != want {
				t.Errorf("fast path declines the file because %q, want %q (corpusGeneralOnly)", got, want)
			}
			if ok {
				took++
			}
		})
	}
	t.Logf("fast path took %d of %d corpus files", took, len(files))
}

// TestFastMatchesGeneralFixtures compares the two decoders on the encoded
// fixtures and their corrupt variants, which run without the corpus.
func TestFastMatchesGeneralFixtures(t *testing.T) {
	run := tenMinuteRun()
	short := run
	short.records = 5
	hr := short
	hr.records = 20
	hr.hrMesgs = true
	noTail := short
	noTail.noTail = true
	for _, tt := range []struct {
		name string
		data []byte
		took bool // whether the fast path takes it (known from fast.go's rules)
	}{
		{"ten-minute run", run.encode(t), true},
		{"zero header CRC", withZeroHeaderCRC(run.encode(t)), true},
		{"12-byte header", withShortHeader(run.encode(t)), true},
		{"bad file CRC", withBadCRC(run.encode(t)), false},
		{"chained", append(short.encode(t), short.encode(t)...), true},
		{"hr messages", hr.encode(t), false},
		{"cut before the session", noTail.encode(t), true},
		{"truncated", run.encode(t)[:2000], false},
		{"trailing byte", append(run.encode(t), 0), false},
		{"empty", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			took, diff := fastVsGeneral(tt.data)
			if diff != "" {
				t.Fatalf("fast path differs from the general decoder (-general +fast):\n%s", diff)
			}
			if took != tt.took {
				t.Errorf("fast path took the file: %v, want %v", took, tt.took)
			}
		})
	}
}

// FuzzFastVsGeneral: on any input, when the fast path takes it, it agrees
// with the general decoder on error-or-not, on the error message and on
// every activity. Seeds: FuzzDecode's fixtures, the raw-built cases of
// fast_test.go and corpus files up to 64 KB.
func FuzzFastVsGeneral(f *testing.F) {
	run := tenMinuteRun()
	f.Add(run.encode(f))
	f.Add(withZeroHeaderCRC(run.encode(f)))
	f.Add(withShortHeader(run.encode(f)))
	short := run
	short.records = 5
	f.Add(append(short.encode(f), short.encode(f)...))
	for _, c := range rawCases() {
		f.Add(c.file.bytes())
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		// A mutated file almost never keeps a valid CRC, and the fast path
		// declines those; with the CRCs recomputed the mutation reaches the
		// messages.
		for _, in := range [][]byte{data, withValidCRCs(data)} {
			if _, diff := fastVsGeneral(in); diff != "" {
				t.Fatalf("fast path differs from the general decoder (-general +fast):\n%s", diff)
			}
		}
	})
}

// withValidCRCs returns a copy of data with the header CRC (of 14-byte
// headers) and the file CRC of each FIT sequence recomputed, as far as the
// sequences' headers can be followed.
func withValidCRCs(data []byte) []byte {
	b := bytes.Clone(data)
	for pos := 0; pos < len(b); {
		hsize := int(b[pos])
		if (hsize != 12 && hsize != 14) || len(b)-pos < hsize {
			break
		}
		if hsize == 14 {
			binary.LittleEndian.PutUint16(b[pos+12:], crcUpdate(0, b[pos:pos+12]))
		}
		end := pos + hsize + int(binary.LittleEndian.Uint32(b[pos+4:pos+8]))
		if end < pos || end+2 > len(b) {
			break
		}
		binary.LittleEndian.PutUint16(b[end:], crcUpdate(0, b[pos:end]))
		pos = end + 2
	}
	return b
}
