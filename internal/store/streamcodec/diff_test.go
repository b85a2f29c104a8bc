package streamcodec

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"rebound"
)

// goldenStreams are the streams in testdata/v1-stdlib-bestspeed-600.blob,
// written by the reference (pre-klauspost) encoder: 10 minutes of run1h,
// no power channel, heart rate missing for samples 100–109 and 590–599.
func goldenStreams() *rebound.Streams {
	s := run1h(600)
	s.PowerW = nil
	for i := 100; i < 110; i++ {
		s.HeartRateBPM[i] = nan
	}
	for i := 590; i < 600; i++ {
		s.HeartRateBPM[i] = nan
	}
	return s
}

// sameBits reports how a and b differ, bit for bit (NaN payloads
// included), or "" when they do not.
func sameBits(a, b *rebound.Streams) string {
	if (a == nil) != (b == nil) {
		return fmt.Sprintf("nil %v vs %v", a == nil, b == nil)
	}
	if a == nil {
		return ""
	}
	ca, cb := a.Channels(), b.Channels()
	for i := range ca {
		va, vb := *ca[i].Values, *cb[i].Values
		if (va == nil) != (vb == nil) || len(va) != len(vb) {
			return fmt.Sprintf("%s: nil %v len %d vs nil %v len %d", ca[i].Name, va == nil, len(va), vb == nil, len(vb))
		}
		for k := range va {
			if math.Float64bits(va[k]) != math.Float64bits(vb[k]) {
				return fmt.Sprintf("%s[%d]: %v (%#x) vs %v (%#x)", ca[i].Name, k, va[k], math.Float64bits(va[k]), vb[k], math.Float64bits(vb[k]))
			}
		}
	}
	return ""
}

// payload returns a blob's payload: for Version 1 its DEFLATE stream
// inflated with the standard library, for Version 2 its segments unpacked.
func payload(t testing.TB, blob []byte) []byte {
	t.Helper()
	if blob[2] == Version {
		d := new(decoder)
		raw, err := d.unpackV2(blob[headerLen:], MaxSamples)
		if err != nil {
			t.Fatalf("cannot unpack the Version 2 blob: %v", err)
		}
		return raw
	}
	zr := flate.NewReader(bytes.NewReader(blob[headerLen:]))
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("compress/flate cannot inflate the blob: %v", err)
	}
	return raw
}

// checkAgainstRef holds Encode and Decode to the reference (Version 1)
// codec for s: the same error, a Version 2 blob with the same payload bytes
// as the reference's DEFLATE stream (inflated by compress/flate), and
// bit-identical streams from Decode of either blob and refDecode of its
// own (the reference decoder reads Version 1 only and refuses Version 2).
func checkAgainstRef(t *testing.T, s *rebound.Streams, maxSamples int) {
	t.Helper()
	got, err := Encode(s)
	want, refErr := refEncode(s, flate.BestSpeed)
	if (err == nil) != (refErr == nil) || err != nil && (err.Error() != refErr.Error() || rebound.ErrorCode(err) != rebound.ErrorCode(refErr)) {
		t.Fatalf("Encode error %v, reference %v", err, refErr)
	}
	if err != nil {
		return
	}
	if got[2] != Version || want[2] != version1 {
		t.Fatalf("versions %d and %d, want %d and %d", got[2], want[2], Version, version1)
	}
	if !bytes.Equal(payload(t, got), payload(t, want)) {
		t.Fatalf("payloads differ")
	}
	refRef, err := refDecode(want, maxSamples)
	if err != nil {
		t.Fatalf("reference round trip: %v", err)
	}
	for _, c := range []struct {
		name string
		dec  func([]byte, int) (*rebound.Streams, error)
		blob []byte
	}{
		{"Decode(Encode)", decode, got},
		{"Decode(refEncode)", decode, want},
	} {
		s2, err := c.dec(c.blob, maxSamples)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if d := sameBits(refRef, s2); d != "" {
			t.Fatalf("%s differs from the reference round trip: %s", c.name, d)
		}
	}
}

// randomStreams makes streams that stress the codec: any subset of
// channels, NaN runs anywhere (leading, trailing, whole channel), smooth
// and noisy series, constants, values at the edge of the quantum range, and
// sometimes an Inf or an out-of-range value (which both must refuse alike).
func randomStreams(r *rand.Rand, n int) *rebound.Streams {
	s := &rebound.Streams{}
	for _, c := range s.Channels() {
		if r.IntN(4) == 0 {
			continue
		}
		scale, _ := perUnit(c.Name)
		vals := make([]float64, n)
		base := (r.Float64() - 0.5) * 1000
		step := r.NormFloat64()
		kind := r.IntN(6)
		for i := range vals {
			switch kind {
			case 0: // smooth, fractional
				vals[i] = base + step*float64(i) + 0.01*r.NormFloat64()
			case 1: // noisy, large deltas
				vals[i] = base + 1e3*r.NormFloat64()
			case 2: // constant
				vals[i] = base
			case 3: // near the quantum range's edge
				vals[i] = (maxQuantum - float64(r.IntN(3))) / scale * float64(1-2*r.IntN(2))
			case 4: // exact quanta, as Quantize leaves them
				vals[i] = math.Round(base*scale+float64(i)) / scale
			case 5: // halves of a quantum: rounding ties
				vals[i] = (float64(r.IntN(2000)-1000) + 0.5) / scale
			}
		}
		for range r.IntN(4) { // NaN runs
			if n == 0 {
				break
			}
			a := r.IntN(n)
			b := min(n, a+1+r.IntN(max(1, n/4)))
			for i := a; i < b; i++ {
				vals[i] = nan
			}
		}
		if n > 0 && r.IntN(40) == 0 {
			bad := []float64{math.Inf(1), math.Inf(-1), 2 * maxQuantum / scale, 1e300}
			vals[r.IntN(n)] = bad[r.IntN(len(bad))]
		}
		*c.Values = vals
	}
	return s
}

// TestDifferential: the rewrite (klauspost DEFLATE, per-channel segments,
// slice varints) against the reference copy of the previous codec in
// ref_test.go, on the hand-made cases, run1h at lengths either side of
// blockSplitMin and of a 32 KB DEFLATE window per channel, and random
// streams. Each case both raw and quantised, as the store encodes it.
func TestDifferential(t *testing.T) {
	cases := map[string]*rebound.Streams{
		"nil":                    nil,
		"empty":                  {},
		"empty non-nil channel":  {PowerW: []float64{}},
		"one sample":             {HeartRateBPM: []float64{142}},
		"all missing":            {SpeedMPS: []float64{nan, nan, nan}, DistanceM: []float64{0, 0, 0}},
		"missing at both ends":   {HeartRateBPM: []float64{nan, 150, 151.04, nan, nan, 149.96, nan}},
		"negative zero and ties": {TemperatureC: []float64{math.Copysign(0, -1), -0.05, 0.05, -0.15, 0.25, 2.5e-1}},
		"range edge": {DistanceM: []float64{maxQuantum / 100, -maxQuantum / 100, 0, maxQuantum / 100},
			Lat: []float64{maxQuantum / 1e7, -maxQuantum / 1e7, maxQuantum / 1e7, 0}},
		"out of range":            {DistanceM: []float64{0, maxQuantum/100 + 1}},
		"infinite":                {PowerW: []float64{1, math.Inf(-1)}},
		"ragged":                  {HeartRateBPM: []float64{1, 2}, SpeedMPS: []float64{1}},
		"golden":                  goldenStreams(),
		"1 h run":                 run1h(3600),
		"6 h run":                 run1h(6 * 3600), // several 32 KB windows per channel
		"short run 299":           run1h(blockSplitMin - 1),
		"short run 300":           run1h(blockSplitMin),
		"one sample all channels": run1h(1),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			checkAgainstRef(t, s, MaxSamples)
			if s != nil {
				q := cloneStreams(s)
				Quantize(q)
				checkAgainstRef(t, q, MaxSamples)
			}
		})
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		n := r.IntN(700)
		if i%50 == 0 {
			n = 5000 + r.IntN(40000)
		}
		s := randomStreams(r, n)
		t.Run(fmt.Sprintf("random %d n=%d", i, n), func(t *testing.T) {
			checkAgainstRef(t, s, MaxSamples)
		})
	}
}

func cloneStreams(s *rebound.Streams) *rebound.Streams {
	c := &rebound.Streams{}
	cc := c.Channels()
	for i, ch := range s.Channels() {
		if *ch.Values != nil {
			*cc[i].Values = append([]float64{}, *ch.Values...)
		}
	}
	return c
}

// TestGoldenV1Blob decodes a blob written by the previous encoder (stdlib
// compress/flate, BestSpeed), as stored databases hold them: the same
// streams as the reference decoder gives, and as Quantize gives for its
// source streams.
func TestGoldenV1Blob(t *testing.T) {
	blob, err := os.ReadFile("testdata/v1-stdlib-bestspeed-600.blob")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(blob)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	ref, err := refDecode(blob, MaxSamples)
	if err != nil {
		t.Fatalf("refDecode: %v", err)
	}
	if d := sameBits(ref, got); d != "" {
		t.Errorf("Decode differs from refDecode: %s", d)
	}
	want := goldenStreams()
	Quantize(want)
	if d := sameBits(want, got); d != "" {
		t.Errorf("decoded golden blob differs from Quantize(goldenStreams()): %s", d)
	}
}

// TestEncodeDeterministic: pooled encoders, fresh ones and parallel callers
// give the same bytes for the same streams (the store's
// AddActivitiesEncoded promises the same stored bytes either way).
func TestEncodeDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	inputs := []*rebound.Streams{run1h(3600), run1h(120), goldenStreams(), randomStreams(r, 2000), run1h(7200)}
	want := make([][]byte, len(inputs))
	for i, s := range inputs {
		var err error
		if want[i], err = newEncoder().encode(s); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 4 {
		wg.Go(func() {
			for k := range 3 * len(inputs) {
				i := (k + g) % len(inputs)
				b, err := Encode(inputs[i])
				if err != nil || !bytes.Equal(b, want[i]) {
					errs <- fmt.Sprintf("goroutine %d input %d: %d bytes, err %v; fresh encoder gave %d bytes", g, i, len(b), err, len(want[i]))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestEncodedSize: Encode must not store more than the first codec
// (stdlib DEFLATE BestSpeed). Known sizes for run1h (measured when written,
// in bytes: first codec → Version 1 klauspost segments → Version 2 huff0):
// 60 samples 562 → 550 → 557, 300: 2393 → 2137 → 2160, 3600: 26548 →
// 21312 → 21823; the bound checked is only "not larger".
func TestEncodedSize(t *testing.T) {
	for _, n := range []int{30, 60, 120, 200, 300, 600, 3600, 36000} {
		s := run1h(n)
		got, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		old, err := refEncode(s, flate.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > len(old) {
			t.Errorf("run1h(%d): %d bytes, previous codec %d", n, len(got), len(old))
		}
	}
}

// TestMaxChannels keeps maxChannels, the mask width Decode accepts, equal
// to the domain's channel count.
func TestMaxChannels(t *testing.T) {
	if got := len((&rebound.Streams{}).Channels()); got != maxChannels {
		t.Errorf("rebound.Streams has %d channels, maxChannels is %d", got, maxChannels)
	}
}

// TestInflateLimit: a payload longer than its sample count allows is
// refused as soon as inflating passes the bound, not after inflating all of
// it. 1 sample in 1 channel allows 10·(2 + 1·3) = 50 payload bytes; the
// blob carries 1 MB of zeros after a valid payload.
func TestInflateLimit(t *testing.T) {
	var buf bytes.Buffer
	buf.Write([]byte{'R', 'S', version1, 0, 0, 0, 0})
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write([]byte{1, 4, 0, 2}) // 1 sample, heart rate, no runs, 0.1 bpm
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	b := buf.Bytes()
	binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
	if maxPayload(1, 1) != 50 {
		t.Errorf("maxPayload(1, 1) = %d, want 50", maxPayload(1, 1))
	}
	_, err := Decode(b)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Decode = %v, want ErrCorrupt", err)
	}
	d := decoders.Get().(*decoder)
	defer d.release()
	if _, err := d.inflate(b[headerLen:], MaxSamples); err == nil || cap(d.raw) > 64<<10 {
		t.Errorf("inflate: err %v, buffer grew to %d bytes; want an error before 64 KB", err, cap(d.raw))
	}
}

// fixCRC returns b with a correct checksum, so that fuzzing explores what
// lies behind the CRC check.
func fixCRC(b []byte) []byte {
	if len(b) < headerLen {
		return b
	}
	b = append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
	return b
}

// v1Blob wraps a payload as a Version 1 blob (stdlib DEFLATE), for the
// reference decoder.
func v1Blob(t testing.TB, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Write([]byte{'R', 'S', version1, 0, 0, 0, 0})
	zw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(raw)
	zw.Close()
	return fixCRC(buf.Bytes())
}

// FuzzDecodeDifferential: on any blob, Decode and the reference decoder
// agree: both refuse it, or both return bit-identical streams. The
// reference reads Version 1 only; a Version 2 blob is held to it through
// its payload: Decode refuses it when unpacking the segments fails, and
// otherwise agrees with the reference on the payload as a Version 1 blob.
func FuzzDecodeDifferential(f *testing.F) {
	for _, s := range []*rebound.Streams{
		{},
		{HeartRateBPM: []float64{nan, 150, 151, nan}},
		{TemperatureC: []float64{-5, 0, 5}, Lat: []float64{1, 2, 3}},
		run1h(120),
		run1h(400),
	} {
		for _, enc := range []func(*rebound.Streams) ([]byte, error){Encode, func(s *rebound.Streams) ([]byte, error) { return refEncode(s, flate.BestSpeed) }} {
			b, err := enc(s)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("RS\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		b = fixCRC(b)
		const max = 1 << 14
		got, err := decode(b, max)
		ref := b
		if len(b) >= headerLen && b[0] == 'R' && b[1] == 'S' && b[2] == Version {
			raw, uerr := new(decoder).unpackV2(b[headerLen:], max)
			if uerr != nil {
				if err == nil || !errors.Is(err, ErrCorrupt) {
					t.Fatalf("unpacking failed (%v), decode error %v", uerr, err)
				}
				return
			}
			ref = v1Blob(t, raw)
		}
		want, refErr := refDecode(ref, max)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("decode error %v, reference error %v", err, refErr)
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if d := sameBits(want, got); d != "" {
			t.Fatalf("decoded streams differ from the reference: %s", d)
		}
	})
}

// fuzzStreams builds streams from a fuzz input: the channels of mask, each
// len(data)/8 samples of any float64 bit pattern read from data, each
// channel from its own offset so that channels differ.
func fuzzStreams(mask uint16, data []byte) *rebound.Streams {
	n := len(data) / 8
	s := &rebound.Streams{}
	for ci, c := range s.Channels() {
		if mask&(1<<ci) == 0 {
			continue
		}
		vals := make([]float64, n)
		for i := range vals {
			k := (i + ci) % n
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*k:]))
		}
		*c.Values = vals
	}
	return s
}

// FuzzEncodeDifferential: on streams built from the fuzz input (any
// float64 bit patterns, any channel subset), Encode and the reference
// encoder refuse alike or agree on the payload and, through all four
// encoder × decoder pairs, on the streams.
func FuzzEncodeDifferential(f *testing.F) {
	f.Add(uint16(0x1ff), []byte{})
	f.Add(uint16(0x004), []byte{0, 0, 0, 0, 0, 0, 0x62, 0x40, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0})
	f.Add(uint16(0x031), bytes.Repeat([]byte{0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xf1, 0x3f}, 40))
	f.Fuzz(func(t *testing.T, mask uint16, data []byte) {
		s := fuzzStreams(mask, data)
		checkAgainstRef(t, s, MaxSamples)
	})
}

// TestBytesAfterDeflate: bytes after the end of the DEFLATE stream are
// refused even under a correct checksum (the inflater must not read past
// the stream's end unnoticed), for new and old blobs alike.
func TestBytesAfterDeflate(t *testing.T) {
	s := run1h(400)
	newBlob, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	oldBlob, err := refEncode(s, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"new": newBlob, "old": oldBlob} {
		for _, tail := range [][]byte{{0}, {0xff}, []byte("RS")} {
			bad := fixCRC(append(append([]byte(nil), b...), tail...))
			if _, err := Decode(bad); !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s blob + %q: Decode error %v, want ErrCorrupt", name, tail, err)
			}
		}
	}
}
