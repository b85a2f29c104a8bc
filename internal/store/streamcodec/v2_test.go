package streamcodec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/huff0"

	"rebound"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/v2-huff0-900.blob from the current encoder")

const goldenV2Path = "testdata/v2-huff0-900.blob"

// goldenV2Streams are the streams of testdata/v2-huff0-900.blob: 15
// minutes of run1h, heart rate missing at 100–109 and 890–899, power all
// 0 W, so that its channel payload is one repeated
// byte (run count 0, then zero deltas: a repeat segment), and cadence
// replaced by jumps whose zigzag deltas are uniform in [128, 16384): two-byte
// varints whose bytes are near uniform over 0–255, which huff0 cannot
// compress (a stored segment). The other channels make Huffman segments,
// 1X below fourXMin bytes and 4X above (TestGoldenV2Blob checks all four).
func goldenV2Streams() *rebound.Streams {
	s := run1h(900)
	for _, i := range []int{100, 890} {
		for k := i; k < i+10; k++ {
			s.HeartRateBPM[k] = nan
		}
	}
	s.PowerW = make([]float64, len(s.HeartRateBPM))
	r := rand.New(rand.NewPCG(7, 8))
	q := 1000 // quanta of 0.1 spm
	for i := range s.CadenceSPM {
		z := 128 + r.IntN(16384-128)
		d := z >> 1
		if z&1 == 1 {
			d = -d - 1
		}
		if q+d < 0 || q+d > 5000 {
			d = -d
		}
		q += d
		s.CadenceSPM[i] = float64(q) / 10
	}
	return s
}

// segmentModes lists the mode of each segment of a Version 2 blob.
func segmentModes(t *testing.T, blob []byte) []int {
	t.Helper()
	body := blob[headerLen:]
	_, _, pos, err := payloadHeader(body, MaxSamples)
	if err != nil {
		t.Fatal(err)
	}
	var modes []int
	for pos < len(body) {
		h, m := uvarint(body[pos:])
		pos += m
		mode, size := int(h&3), int(h>>2)
		modes = append(modes, mode)
		switch mode {
		case modeStored:
			pos += size
		case modeRepeat:
			pos++
		default:
			c, m := uvarint(body[pos:])
			pos += m + int(c)
		}
	}
	return modes
}

// TestGoldenV2Blob decodes a blob written by the Version 2 encoder when the
// format was made, as stores will hold them: it must give exactly
// Quantize(goldenV2Streams()), use all four segment modes, and the
// encoder must still write the same bytes (a change there is not wrong
// by itself, since blobs are only read back, but it must be deliberate:
// rerun with -update-golden after checking why).
func TestGoldenV2Blob(t *testing.T) {
	want := goldenV2Streams()
	Quantize(want)
	enc, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if *updateGolden {
		if err := os.WriteFile(goldenV2Path, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	blob, err := os.ReadFile(goldenV2Path)
	if err != nil {
		t.Fatal(err)
	}
	if blob[2] != 2 {
		t.Fatalf("golden blob has version %d, want 2", blob[2])
	}
	got, err := Decode(blob)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if d := sameBits(want, got); d != "" {
		t.Errorf("decoded golden blob differs from Quantize(goldenV2Streams()): %s", d)
	}
	var present []int
	for i, c := range got.Channels() {
		if *c.Values != nil {
			present = append(present, i)
		}
	}
	if len(present) != 9 {
		t.Fatalf("golden streams have %d channels, want 9", len(present))
	}
	modes := segmentModes(t, blob)
	seen := map[int]bool{}
	for _, m := range modes {
		seen[m] = true
	}
	if len(seen) != 4 {
		t.Errorf("golden blob segment modes %v, want all four (stored 0, repeat 1, 1X 2, 4X 3)", modes)
	}
	if !bytes.Equal(enc, blob) {
		t.Errorf("Encode(goldenV2Streams()) is %d bytes, no longer the golden %d bytes: rerun with -update-golden if the change is deliberate", len(enc), len(blob))
	}
	// The reference decoder reads the same payload as Version 1.
	ref, err := refDecode(v1Blob(t, payload(t, blob)), MaxSamples)
	if err != nil {
		t.Fatalf("refDecode of the payload: %v", err)
	}
	if d := sameBits(ref, got); d != "" {
		t.Errorf("Decode differs from refDecode of the same payload: %s", d)
	}
}

// v2Blob builds a Version 2 blob with a correct checksum from its body.
func v2Blob(body ...byte) []byte {
	return fixCRC(append([]byte{'R', 'S', Version, 0, 0, 0, 0}, body...))
}

// TestDecodeBadV2 feeds well-formed Version 2 blobs (right header, right
// CRC) whose body breaks the format, one check of unpackV2 each. Body: n,
// mask (4 = heart rate), then segments of uvarint rawLen<<2|mode. The HR
// payload of 2 samples 150.0, 150.1 is 0 (no runs), 0xb8 0x17 (zigzag 3000),
// 2 (zigzag 1): 4 bytes, header 4<<2|0 = 16 stored.
func TestDecodeBadV2(t *testing.T) {
	hr := []byte{0, 0xb8, 0x17, 2}
	stored := append([]byte{2, 4, 16}, hr...)
	tests := []struct {
		name string
		body []byte
	}{
		{"empty body", nil},
		{"segment header truncated", []byte{2, 4, 0x80}},
		{"empty segment", []byte{2, 4, 0 << 2}},
		{"stored truncated", []byte{2, 4, 16, 0, 0xb8}},
		{"repeat without byte", []byte{2, 4, 3<<2 | modeRepeat}},
		{"repeat of a continuation byte", []byte{2, 4, 3<<2 | modeRepeat, 0x80}},
		// 1 sample, 1 channel: at most 2 + 1·3 = 5 varints, so 6 repeated
		// bytes cannot be a payload.
		{"repeat longer than the samples allow", []byte{1, 4, 6<<2 | modeRepeat, 0}},
		// maxPayload(1, 1) = 50 bytes in all.
		{"payload longer than the samples allow", []byte{1, 4, 51<<2 | modeStored}},
		{"huffman length truncated", []byte{2, 4, 4<<2 | modeHuff1X}},
		{"huffman segment past the end", []byte{2, 4, 4<<2 | modeHuff1X, 9, 1, 2}},
		{"huffman expands more than 8×", []byte{2, 4, 17<<2 | modeHuff1X, 2, 1, 2}},
		{"huffman table garbage", []byte{2, 4, 4<<2 | modeHuff1X, 2, 0xff, 0xff}},
		{"payload short of values", []byte{2, 4, 3<<2 | modeStored, 0, 0xb8, 0x17}},
		{"trailing payload", append(append([]byte{2, 4, 20}, hr...), 7)},
		{"too many samples", binary.AppendUvarint(nil, MaxSamples+1)},
		{"unknown channel", []byte{1, 0x80, 0x04}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode(v2Blob(tt.body...))
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Decode = %v, %v; want ErrCorrupt", s, err)
			}
		})
	}
	// The same builder with valid bodies decodes, so the cases above fail
	// for the reason named: stored, and split into a stored and a repeat
	// segment (2, 4, 0 repeated once = the run count 0).
	for name, body := range map[string][]byte{
		"stored":          stored,
		"repeat + stored": {2, 4, 1<<2 | modeRepeat, 0, 3<<2 | modeStored, 0xb8, 0x17, 2},
	} {
		s, err := Decode(v2Blob(body...))
		if err != nil || !cmp.Equal(s.HeartRateBPM, []float64{150, 150.1}) {
			t.Errorf("%s: got %v, %v; want [150 150.1]", name, s, err)
		}
	}
}

// TestUnpackV2Bounds: a blob of a few bytes that claims a large payload is
// refused before the payload buffer grows. 1000 samples in 1 channel hold
// at most 2 + 2001 varints; a repeat segment of 1 MB claims more, in 6 bytes.
func TestUnpackV2Bounds(t *testing.T) {
	body := binary.AppendUvarint([]byte{0xe8, 0x07, 4}, 1<<20<<2|modeRepeat) // n = 1000
	body = append(body, 0)
	d := new(decoder)
	_, err := d.unpackV2(body, MaxSamples)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unpackV2 = %v, want ErrCorrupt", err)
	}
	if cap(d.raw) > 64 {
		t.Errorf("payload buffer grew to %d bytes before the error", cap(d.raw))
	}
	// A Huffman segment that claims the most a segment may hold from 2
	// bytes is refused before decoding (8 bytes per compressed byte); n =
	// 100,000 allows the length.
	body = binary.AppendUvarint([]byte{0xa0, 0x8d, 0x06, 4}, huff0.BlockSizeMax<<2|modeHuff4X)
	body = append(body, 2, 0x10, 0x20)
	d = new(decoder)
	if _, err := d.unpackV2(body, MaxSamples); !errors.Is(err, ErrCorrupt) || cap(d.raw) > 64 {
		t.Errorf("unpackV2 = %v with a %d-byte buffer, want ErrCorrupt before growing", err, cap(d.raw))
	}
}

// noisyStreams has n samples of speed and latitude whose deltas take two
// or three varint bytes, so a channel passes maxSegment (128 KiB) from
// about 45,000 samples and is split.
func noisyStreams(n int) *rebound.Streams {
	r := rand.New(rand.NewPCG(9, 10))
	s := &rebound.Streams{SpeedMPS: make([]float64, n), Lat: make([]float64, n)}
	for i := range n {
		s.SpeedMPS[i] = math.Round(3000+1000*r.NormFloat64()) / 1000
		s.Lat[i] = math.Round(45e7+1e5*r.NormFloat64()) / 1e7
	}
	s.SpeedMPS[n/2] = nan
	return s
}

// TestLongChannelSegments: channels longer than maxSegment payload bytes
// are split into several segments and decode as the reference does.
func TestLongChannelSegments(t *testing.T) {
	s := noisyStreams(100_000)
	blob, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if modes := segmentModes(t, blob); len(modes) < 4 {
		t.Errorf("%d segments for 2 channels of 100,000 noisy samples, want them split", len(modes))
	}
	checkAgainstRef(t, s, MaxSamples)
}

// FuzzDecodeV2 feeds arbitrary Version 2 bodies (the header and checksum
// are made right, so the fuzzer explores the segments and the payload):
// Decode must not panic, errors must wrap ErrCorrupt, and whatever decodes
// must re-encode to the same streams (within one quantum, as FuzzDecode).
func FuzzDecodeV2(f *testing.F) {
	for _, s := range []*rebound.Streams{
		{},
		{HeartRateBPM: []float64{nan, 150, 151, nan}},
		run1h(60),
		run1h(150),
		goldenV2Streams(),
	} {
		b, err := Encode(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[headerLen:])
	}
	f.Add([]byte{2, 4, 1<<2 | modeRepeat, 0, 3<<2 | modeStored, 0xb8, 0x17, 2})
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := decode(v2Blob(body...), 1<<14)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		b2, err := Encode(s)
		if err != nil {
			t.Fatalf("re-encode of decoded streams: %v", err)
		}
		s2, err := Decode(b2)
		if err != nil {
			t.Fatalf("decode of re-encoded streams: %v", err)
		}
		if diff := cmp.Diff(s, s2, closeStreams(1)); diff != "" {
			t.Fatalf("re-encode changed streams (-first +second):\n%s", diff)
		}
	})
}

// FuzzRoundTrip: streams built from the fuzz input, quantised, survive
// Encode and Decode bit for bit (NaN where NaN), whatever their values,
// channel subset and length; streams Encode refuses are refused with
// EInvalid. Quantize is the identity on what Decode returns.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint16(0x1ff), []byte{})
	f.Add(uint16(0x004), []byte{0, 0, 0, 0, 0, 0, 0x62, 0x40, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0})
	f.Add(uint16(0x1ff), bytes.Repeat([]byte{0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xf1, 0x3f}, 200))
	f.Fuzz(func(t *testing.T, mask uint16, data []byte) {
		s := fuzzStreams(mask, data)
		Quantize(s)
		b, err := Encode(s)
		if err != nil {
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Fatalf("Encode error %v, want EInvalid", err)
			}
			return
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode): %v", err)
		}
		// Bit for bit, but for quanta beyond exactBelow (10^13 m of
		// distance), where v·scale need not give the quantum back: there
		// within one quantum.
		gc := got.Channels()
		for ci, c := range s.Channels() {
			want, have := *c.Values, *gc[ci].Values
			if (want == nil) != (have == nil) || len(want) != len(have) {
				t.Fatalf("%s: %d samples (nil %v), decoded %d (nil %v)", c.Name, len(want), want == nil, len(have), have == nil)
			}
			scale, _ := perUnit(c.Name)
			for i, v := range want {
				switch {
				case math.IsNaN(v) != math.IsNaN(have[i]):
					t.Fatalf("%s[%d]: %v decoded as %v", c.Name, i, v, have[i])
				case math.IsNaN(v):
				case math.Abs(v*scale) < exactBelow:
					if math.Float64bits(v) != math.Float64bits(have[i]) {
						t.Fatalf("%s[%d]: %v (%#x) decoded as %v (%#x)", c.Name, i, v, math.Float64bits(v), have[i], math.Float64bits(have[i]))
					}
				case math.Abs(v-have[i])*scale > 1:
					t.Fatalf("%s[%d]: %v decoded as %v, more than a quantum away", c.Name, i, v, have[i])
				}
			}
		}
	})
}

// TestCanDecode: the versions Decode reads are 1 (DEFLATE, stores written
// before Version 2) and 2; 0 and 3 are no format.
func TestCanDecode(t *testing.T) {
	for _, tt := range []struct {
		v    int
		want bool
	}{{0, false}, {1, true}, {2, true}, {3, false}, {-1, false}} {
		if got := CanDecode(tt.v); got != tt.want {
			t.Errorf("CanDecode(%d) = %v, want %v", tt.v, got, tt.want)
		}
	}
	if !CanDecode(Version) {
		t.Errorf("CanDecode(Version) = false")
	}
}
