package streamcodec

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

var nan = math.NaN()

// run1h is a realistic 1-hour run on a 1 s grid, with every value at the
// resolution a Garmin FIT record carries (ECOSYSTEM.md §3: distance cm, speed
// mm/s, altitude 0.2 m, whole bpm, semicircle positions, whole °C, whole
// strides/min, whole W) and a 30 s pause (NaN, distance held) at 30 min.
func run1h(n int) *rebound.Streams {
	r := rand.New(rand.NewPCG(1, 2))
	q := func(v, step float64) float64 { return math.Round(v/step) * step }
	semi := 180 / math.Exp2(31)
	s := &rebound.Streams{}
	for _, c := range s.Channels() {
		*c.Values = make([]float64, n)
	}
	dist, lat, lon, heading := 0.0, 48.8566, 2.3522, 0.3
	for i := range n {
		t := float64(i)
		if i >= 1800 && i < 1830 {
			s.DistanceM[i] = q(dist, 0.01)
			for _, v := range []*[]float64{&s.SpeedMPS, &s.HeartRateBPM, &s.CadenceSPM, &s.PowerW, &s.Lat, &s.Lon, &s.AltitudeM, &s.TemperatureC} {
				(*v)[i] = nan
			}
			continue
		}
		speed := 3.2 + 0.3*math.Sin(t/400) + 0.08*r.NormFloat64()
		dist += speed
		heading += 0.01 * r.NormFloat64()
		lat += speed * math.Cos(heading) / 111320
		lon += speed * math.Sin(heading) / (111320 * math.Cos(lat*math.Pi/180))
		s.DistanceM[i] = q(dist, 0.01)
		s.SpeedMPS[i] = q(speed, 0.001)
		s.HeartRateBPM[i] = math.Round(120 + 40*(1-math.Exp(-t/600)) + 2*r.NormFloat64())
		s.AltitudeM[i] = q(50+15*math.Sin(t/300)+0.3*r.NormFloat64(), 0.2)
		s.Lat[i] = q(lat, semi)
		s.Lon[i] = q(lon, semi)
		s.TemperatureC[i] = math.Round(18 + t/1800)
		s.CadenceSPM[i] = 2 * math.Round(85+r.NormFloat64())
		s.PowerW[i] = math.Round(245 + 15*r.NormFloat64())
	}
	return s
}

// closeStreams compares streams channel by channel: same nil-ness, same
// length, NaN where NaN, and values within tol quanta of the channel's scale.
func closeStreams(tol float64) cmp.Option {
	return cmp.Comparer(func(a, b *rebound.Streams) bool {
		if (a == nil) != (b == nil) {
			return false
		}
		if a == nil {
			return true
		}
		ca, cb := a.Channels(), b.Channels()
		for i := range ca {
			va, vb := *ca[i].Values, *cb[i].Values
			if (va == nil) != (vb == nil) || len(va) != len(vb) {
				return false
			}
			scale, _ := perUnit(ca[i].Name)
			for k := range va {
				if math.IsNaN(va[k]) != math.IsNaN(vb[k]) {
					return false
				}
				// Half a quantum plus float rounding of v·scale.
				if !math.IsNaN(va[k]) && math.Abs(va[k]-vb[k]) > tol/scale+1e-9*math.Abs(va[k]) {
					return false
				}
			}
		}
		return true
	})
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   *rebound.Streams
	}{
		{"empty", &rebound.Streams{}},
		{"one channel one sample", &rebound.Streams{HeartRateBPM: []float64{142}}},
		{"empty non-nil channel", &rebound.Streams{PowerW: []float64{}}},
		{"all missing", &rebound.Streams{SpeedMPS: []float64{nan, nan, nan}, DistanceM: []float64{0, 0, 0}}},
		{"missing at both ends", &rebound.Streams{HeartRateBPM: []float64{nan, 150, 151.04, nan, nan, 149.96, nan}}},
		{"negative and fractional", &rebound.Streams{
			TemperatureC: []float64{-5.55, -5.54, 0, 0.04, -0.05},
			AltitudeM:    []float64{-27.314, -27.316, 8848.86, 0, 1e6},
			Lat:          []float64{-89.99999994, 89.99999996, 0, -33.8688197, 51.5072178},
			Lon:          []float64{-179.99999995, 179.99999994, 0, 151.2092955, -0.1275862},
		}},
		{"1 h run", run1h(3600)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Encode(tt.in)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.in, got, closeStreams(0.5)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("nil streams", func(t *testing.T) {
		b, err := Encode(nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(b)
		if err != nil || got.Len() != 0 || got.HeartRateBPM != nil {
			t.Errorf("Decode(Encode(nil)) = %+v, %v; want empty streams", got, err)
		}
	})
}

// TestQuantisation checks known answers: HR is kept to 0.1 bpm, so 150.04
// rounds down to 150.0 and 150.06 up to 150.1; lat/lon to 1e-7°.
func TestQuantisation(t *testing.T) {
	in := &rebound.Streams{
		HeartRateBPM: []float64{150.04, 150.06, 150.25},
		Lat:          []float64{48.85660004, 48.85660006, -0.00000015},
	}
	want := &rebound.Streams{
		HeartRateBPM: []float64{150.0, 150.1, 150.3}, // 1502.5 rounds half away from zero
		Lat:          []float64{48.8566000, 48.8566001, -0.0000002},
	}
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, closeStreams(1e-6)); diff != "" {
		t.Errorf("quantised (-want +got):\n%s", diff)
	}
}

func TestEncodeInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   *rebound.Streams
	}{
		{"ragged", &rebound.Streams{HeartRateBPM: []float64{1, 2}, SpeedMPS: []float64{1}}},
		{"infinite", &rebound.Streams{PowerW: []float64{1, math.Inf(1)}}},
		{"too large", &rebound.Streams{DistanceM: []float64{1e300}}},
		{"too long", &rebound.Streams{HeartRateBPM: make([]float64, MaxSamples+1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encode(tt.in)
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Errorf("Encode error = %v (code %q), want code %q", err, rebound.ErrorCode(err), rebound.EInvalid)
			}
		})
	}
}

// TestDecodeCorrupt damages a valid blob every way a byte can be damaged and
// requires a clear ErrCorrupt each time: the header is checked and the CRC-32
// covers every compressed byte, so no single-byte change or truncation goes
// unnoticed.
func TestDecodeCorrupt(t *testing.T) {
	good, err := Encode(run1h(300))
	if err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, name string, b []byte) {
		t.Helper()
		s, err := Decode(b)
		if err == nil {
			t.Fatalf("%s: Decode succeeded (%d samples), want error", name, s.Len())
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: error %v does not wrap ErrCorrupt", name, err)
		}
	}
	t.Run("empty", func(t *testing.T) { check(t, "empty", nil) })
	t.Run("not a blob", func(t *testing.T) { check(t, "text", []byte("hello, world")) })
	t.Run("future version", func(t *testing.T) {
		b := append([]byte(nil), good...)
		b[2] = Version + 1
		check(t, "version", b)
	})
	t.Run("truncated", func(t *testing.T) {
		for n := range len(good) {
			check(t, fmt.Sprintf("first %d bytes", n), good[:n])
		}
	})
	t.Run("trailing bytes", func(t *testing.T) {
		check(t, "trailing", append(append([]byte(nil), good...), 0))
	})
	t.Run("byte flipped", func(t *testing.T) {
		b := append([]byte(nil), good...)
		for i := range b {
			b[i] ^= 0x5a
			check(t, fmt.Sprintf("byte %d", i), b)
			b[i] ^= 0x5a
		}
	})
}

// TestDecodeBadPayload feeds well-formed blobs (right header, right CRC)
// whose payload breaks the format, to check each structural test in Decode.
func TestDecodeBadPayload(t *testing.T) {
	blob := func(raw ...byte) []byte {
		var buf bytes.Buffer
		buf.Write([]byte{'R', 'S', version1, 0, 0, 0, 0})
		zw, _ := flate.NewWriter(&buf, flate.BestSpeed)
		zw.Write(raw)
		zw.Close()
		b := buf.Bytes()
		binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
		return b
	}
	// Payload: uvarint n, uvarint mask, then per channel: run count,
	// (gap, length)…, zigzag deltas. Mask bit 2 is heart_rate_bpm.
	tests := []struct {
		name string
		blob []byte
	}{
		{"empty payload", blob()},
		{"too many samples", binary.AppendUvarint(nil, MaxSamples+1)},
		{"unknown channel", blob(1, 0x80, 0x04)}, // bit 9
		{"missing values", blob(2, 4, 0, 2)},     // 2 samples, 1 value
		{"run past end", blob(2, 4, 1, 1, 2)},    // gap 1 + length 2 > 2
		{"zero-length run", blob(2, 4, 1, 0, 0, 2, 2)},
		{"trailing payload", blob(1, 4, 0, 2, 7)},
		{"varint overflow", blob(1, 4, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)},
		{"value out of range", blob(1, 4, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.blob
			if len(b) > 0 && b[0] != 'R' {
				b = blob(b...)
			}
			s, err := Decode(b)
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Decode = %v, %v; want ErrCorrupt", s, err)
			}
		})
	}
	// The same builder with a valid payload decodes, so the cases above
	// fail for the reason named. 2 HR samples: 150.0 (1500 → zigzag 3000 =
	// 0xb8 0x17) then +0.1 (delta 1 → zigzag 2).
	s, err := Decode(blob(2, 4, 0, 0xb8, 0x17, 2))
	if err != nil || !cmp.Equal(s.HeartRateBPM, []float64{150, 150.1}) {
		t.Errorf("valid hand-made payload: got %v, %v; want [150 150.1]", s, err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []*rebound.Streams{
		{},
		{HeartRateBPM: []float64{nan, 150, 151, nan}},
		{TemperatureC: []float64{-5, 0, 5}, Lat: []float64{1, 2, 3}},
		run1h(120),
	} {
		b, err := Encode(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("RS\x01\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= headerLen {
			// Fix the checksum up so the fuzzer explores the decoder
			// behind it rather than only the CRC check.
			b = append([]byte(nil), b...)
			binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
		}
		// A lower sample cap than Decode's keeps each execution fast
		// (inputs that inflate to a week of samples take ~1 s each).
		s, err := decode(b, 1<<14)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		// Whatever decodes is valid streams: it re-encodes and decodes to
		// the same values (within one quantum: huge values lose a unit in
		// the last place when divided and multiplied by the scale).
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

// benchSamples is the 1-hour run the benchmarks code: 3,600 samples in 9
// channels. MB/s counts its float64 samples (3600·9·8 bytes = 259.2 kB).
const benchSamples = 3600

// reportCodec adds the metrics the benchmarks share: blob bytes per sample,
// ns per sample and CPU time per op (user + system, all threads, so GC
// included), which varies less than wall time on a shared machine.
func reportCodec(b *testing.B, blobLen int, cpu0 int64) {
	b.ReportMetric(float64(blobLen)/benchSamples, "bytes/sample")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchSamples, "ns/sample")
	if c := cpuTime(); c > 0 {
		b.ReportMetric(float64(c-cpu0)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkEncode compares Encode ("new", Version 2) with the first codec
// ("old": stdlib compress/flate BestSpeed over the whole payload,
// ref_test.go). The streams are quantised first, as the store encodes them
// (PrepareStreams).
func BenchmarkEncode(b *testing.B) {
	s := run1h(benchSamples)
	Quantize(s)
	for _, c := range []struct {
		name string
		enc  func(*rebound.Streams) ([]byte, error)
	}{
		{"old", func(s *rebound.Streams) ([]byte, error) { return refEncode(s, flate.BestSpeed) }},
		{"new", Encode},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(benchSamples * int64(len(s.Channels())) * 8)
			b.ReportAllocs()
			var size int
			cpu0 := cpuTime()
			for b.Loop() {
				out, err := c.enc(s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			reportCodec(b, size, cpu0)
		})
	}
}

// BenchmarkDecode: the first decoder on its blob ("old"), Decode on
// Encode's blob ("new", Version 2) and Decode on a blob of the first
// encoder ("new-of-old", a Version 1 blob of a store written before).
func BenchmarkDecode(b *testing.B) {
	s := run1h(benchSamples)
	Quantize(s)
	oldBlob, err := refEncode(s, flate.BestSpeed)
	if err != nil {
		b.Fatal(err)
	}
	newBlob, err := Encode(s)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		dec  func([]byte, int) (*rebound.Streams, error)
		blob []byte
	}{
		{"old", refDecode, oldBlob},
		{"new", decode, newBlob},
		{"new-of-old", decode, oldBlob},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(benchSamples * int64(len(s.Channels())) * 8)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := c.dec(c.blob, MaxSamples); err != nil {
					b.Fatal(err)
				}
			}
			reportCodec(b, len(c.blob), cpu0)
		})
	}
}

func TestQuantizeEqualsRoundTrip(t *testing.T) {
	s := &rebound.Streams{
		DistanceM:    []float64{0, 1.23456, math.NaN(), 1e6 + 0.004},
		HeartRateBPM: []float64{140.04, 140.05, 140.06, math.NaN()},
		Lat:          []float64{45.12345678, -0.00000001, 45.1, 45.2},
	}
	b, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	Quantize(s)
	for _, c := range s.Channels() {
		got, want := *c.Values, channel(back, c.Name)
		for i := range got {
			if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Errorf("%s[%d]: Quantize %v, round trip %v: must be identical", c.Name, i, got[i], want[i])
			}
		}
	}
}

func channel(s *rebound.Streams, name string) []float64 {
	for _, c := range s.Channels() {
		if c.Name == name {
			return *c.Values
		}
	}
	return nil
}
