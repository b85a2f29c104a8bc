package streamcodec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rebound"
)

// checkQuantizeEncode holds QuantizeEncode to Quantize followed by Encode on
// copies of s: the same error (text and code), the same blob bytes, and
// bit-identical streams afterwards, whether or not encoding failed.
func checkQuantizeEncode(t *testing.T, s *rebound.Streams) {
	t.Helper()
	var want, got *rebound.Streams
	if s != nil {
		want, got = cloneStreams(s), cloneStreams(s)
	}
	Quantize(want)
	wantBlob, wantErr := Encode(want)
	gotBlob, gotErr := QuantizeEncode(got)
	if (gotErr == nil) != (wantErr == nil) || gotErr != nil && (gotErr.Error() != wantErr.Error() || rebound.ErrorCode(gotErr) != rebound.ErrorCode(wantErr)) {
		t.Fatalf("QuantizeEncode error %v, Quantize+Encode %v", gotErr, wantErr)
	}
	if !bytes.Equal(gotBlob, wantBlob) {
		t.Fatalf("blobs differ: %d bytes, Quantize+Encode %d bytes", len(gotBlob), len(wantBlob))
	}
	if d := sameBits(want, got); d != "" {
		t.Fatalf("streams after QuantizeEncode differ from Quantize's: %s", d)
	}
}

// resampled1h is run1h moved 0.37 s later by linear interpolation, as
// internal/track's resampling to the 1 s grid leaves it: every value
// fractional, off the FIT resolutions; NaN where either neighbour is.
func resampled1h(n int) *rebound.Streams {
	s := run1h(n + 1)
	for _, c := range s.Channels() {
		v := *c.Values
		for i := range n {
			v[i] = 0.63*v[i] + 0.37*v[i+1]
		}
		*c.Values = v[:n]
	}
	return s
}

// edgeValues are samples around the bounds QuantizeEncode and Encode
// treat specially for perUnit scale: quanta k = 2^50 (exactBelow) and 2^53
// (maxQuantum) and their neighbours, as k/scale and as k/scale nudged by a
// unit in the last place, both signs.
func edgeValues(scale float64) []float64 {
	var vals []float64
	for _, k := range []float64{exactBelow, maxQuantum / 4, maxQuantum / 2, maxQuantum} {
		for _, dk := range []float64{-3, -1, 0, 1, 3} {
			v := (k + dk) / scale
			for _, w := range []float64{v, math.Nextafter(v, 0), math.Nextafter(v, math.Inf(1))} {
				vals = append(vals, w, -w)
			}
		}
	}
	return vals
}

func TestQuantizeEncode(t *testing.T) {
	negZero := math.Copysign(0, -1)
	long := make([]float64, MaxSamples+1)
	for i := range long {
		long[i] = 0.123456 * float64(i)
	}
	cases := map[string]*rebound.Streams{
		"nil":                   nil,
		"empty":                 {},
		"empty non-nil channel": {PowerW: []float64{}},
		"one sample":            {HeartRateBPM: []float64{142.06}},
		"all missing":           {SpeedMPS: []float64{nan, nan, nan}, DistanceM: []float64{0.004, 0.005, 0.006}},
		"missing at both ends":  {HeartRateBPM: []float64{nan, 150, 151.04, nan, nan, 149.96, nan}},
		// -0 and values rounding to -0 become +0 (float64(int64(-0))):
		// bitwise checks see the sign.
		"negative zero and ties": {TemperatureC: []float64{negZero, -0.04, -0.05, 0.05, -0.15, 0.25, 2.5e-1},
			Lat: []float64{negZero, -4e-8, 5e-8, -5e-8, 1.5e-7, 0, 0}},
		"NaN payloads": {PowerW: []float64{math.Float64frombits(0x7ff8000000000001), 1, math.Float64frombits(0xfff0000000000001)}},
		"range edge": {DistanceM: []float64{maxQuantum / 100, -maxQuantum / 100, 0, maxQuantum / 100},
			Lat: []float64{maxQuantum / 1e7, -maxQuantum / 1e7, maxQuantum / 1e7, 0}},
		// Out of range in the first channel: the rest of it and the later
		// channels must still be quantised.
		"out of range first":  {DistanceM: []float64{0.004, maxQuantum/100 + 1, 0.126}, SpeedMPS: []float64{1.0004, 2.0006, nan}, PowerW: []float64{245.55, 1, 2}},
		"out of range order2": {Lat: []float64{45.12345678, 1e300, 45.00000004}, Lon: []float64{1.23456789, 2, 3}},
		"infinite":            {PowerW: []float64{1.06, math.Inf(-1), 2.04}, CadenceSPM: []float64{170.05, 171.05, 172.05}},
		"ragged":              {HeartRateBPM: []float64{1.06, 2.04}, SpeedMPS: []float64{1.0004}},
		"too long":            {HeartRateBPM: long},
		"golden":              goldenStreams(),
		"1 h run":             run1h(3600),
		"1 h resampled":       resampled1h(3600),
		"6 h resampled":       resampled1h(6 * 3600),
		"short run 299":       resampled1h(blockSplitMin - 1),
		"one sample all":      resampled1h(1),
	}
	for _, c := range (&rebound.Streams{}).Channels() {
		scale, _ := perUnit(c.Name)
		s := &rebound.Streams{}
		*s.Channels()[channelIndex(c.Name)].Values = edgeValues(scale)
		cases["edge "+c.Name] = s
		// Each edge value alone, so that one refused value does not hide
		// what the others do.
		for i, v := range edgeValues(scale) {
			s := &rebound.Streams{}
			*s.Channels()[channelIndex(c.Name)].Values = []float64{1.23456789, v, 2.3456789}
			cases[fmt.Sprintf("edge %s %d", c.Name, i)] = s
		}
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) { checkQuantizeEncode(t, s) })
	}
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 300 {
		n := r.IntN(700)
		if i%50 == 0 {
			n = 5000 + r.IntN(40000)
		}
		s := randomStreams(r, n)
		t.Run(fmt.Sprintf("random %d n=%d", i, n), func(t *testing.T) { checkQuantizeEncode(t, s) })
	}
}

// TestRoundHalfAway: both roundings are int64(math.Round(x)) on |x| ≤
// 2^53: ties away from zero (±0.5 → ±1, ±2.5 → ±3), the largest double
// below 0.5 (0.49999999999999994) to 0, and integers above 2^52, where
// there is no fraction, unchanged; then 100,000 random values at all scales.
func TestRoundHalfAway(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5,
		math.Nextafter(0.5, 0), -math.Nextafter(0.5, 0), math.Nextafter(1.5, 2), 1e-300,
		1 << 52, 1<<52 + 1, -(1<<52 + 1), 1<<52 - 0.5, -(1<<52 - 0.5), 1<<52 - 1.5,
		maxQuantum, -maxQuantum, maxQuantum - 2, 4503599627370495.5}
	r := rand.New(rand.NewPCG(11, 12))
	for range 100000 {
		x := r.Float64() * math.Exp2(float64(r.IntN(54)))
		if r.IntN(2) == 0 {
			x = -x
		}
		xs = append(xs, x, math.Round(x)+0.5)
	}
	for _, x := range xs {
		want := int64(math.Round(x))
		if got := roundHalfAway(x); got != want {
			t.Errorf("roundHalfAway(%v) = %d, want %d", x, got, want)
		}
		if got := roundHalfAwayCmov(x); got != want {
			t.Errorf("roundHalfAwayCmov(%v) = %d, want %d", x, got, want)
		}
	}
}

func channelIndex(name string) int {
	for i, c := range (&rebound.Streams{}).Channels() {
		if c.Name == name {
			return i
		}
	}
	panic("no channel " + name)
}

// TestQuantizeEncodeReRound checks the claim behind exactBelow: Encode,
// re-rounding a quantised value k/scale, gets k back for every |k| below
// 2^50 (tested: 20,000 random k per binary order of magnitude, and the
// bound's neighbours), but not always above, which is why QuantizeEncode
// re-rounds there. If the second half ever fails, the fallback is dead
// code, not wrong.
func TestQuantizeEncodeReRound(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, c := range (&rebound.Streams{}).Channels() {
		scale, _ := perUnit(c.Name)
		reRound := func(k int64) (int64, bool) {
			x := float64(float64(k)/scale) * scale
			if !(math.Abs(x) <= maxQuantum) {
				return 0, false
			}
			return roundHalfAway(x), true
		}
		for e := 1; e <= 50; e++ {
			lo := int64(1) << (e - 1)
			ks := []int64{lo, 2*lo - 1}
			for range 20000 {
				ks = append(ks, lo+r.Int64N(lo))
			}
			for _, k := range ks {
				for _, k := range []int64{k, -k} {
					if got, ok := reRound(k); !ok || got != k {
						t.Fatalf("%s: quantum %d re-rounds to %d (in range %v)", c.Name, k, got, ok)
					}
				}
			}
		}
		for _, k := range []int64{maxQuantum, maxQuantum - 1, -maxQuantum} {
			if _, ok := reRound(k); !ok {
				t.Errorf("%s: quantum %d re-rounds out of range", c.Name, k)
			}
		}
		differ := 0
		for range 20000 {
			k := exactBelow + r.Int64N(maxQuantum-exactBelow+1)
			if got, ok := reRound(k); !ok || got != k {
				differ++
			}
		}
		if differ == 0 {
			t.Errorf("%s: every quantum in [2^50, 2^53] re-rounded to itself", c.Name)
		}
	}
}

// FuzzQuantizeEncode: on streams built from the fuzz input, QuantizeEncode
// and Quantize+Encode agree on error, blob and quantised streams. mode 0
// reads each sample as float64 bits; mode 1 as an int64 k shifted right by
// its low 4 bits and divided by 64, fractional values whose quanta cluster
// near the 2^50–2^53 bounds for some scale.
func FuzzQuantizeEncode(f *testing.F) {
	f.Add(uint16(0x1ff), uint8(0), []byte{})
	f.Add(uint16(0x004), uint8(0), []byte{0, 0, 0, 0, 0, 0, 0x62, 0x40, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0})
	f.Add(uint16(0x031), uint8(0), bytes.Repeat([]byte{0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xf1, 0x3f}, 40))
	f.Add(uint16(0x1ff), uint8(1), bytes.Repeat([]byte{0x13, 0x57, 0x9b, 0xdf, 0x02, 0x46, 0x8a, 0x0c}, 20))
	for _, c := range (&rebound.Streams{}).Channels() {
		scale, _ := perUnit(c.Name)
		var data []byte
		for _, v := range edgeValues(scale) {
			data = binary.LittleEndian.AppendUint64(data, math.Float64bits(v))
		}
		f.Add(uint16(1)<<channelIndex(c.Name), uint8(0), data)
	}
	s := resampled1h(60)
	var data []byte
	for i := range 60 {
		data = binary.LittleEndian.AppendUint64(data, math.Float64bits(s.SpeedMPS[i]))
	}
	f.Add(uint16(0x1ff), uint8(0), data)
	f.Fuzz(func(t *testing.T, mask uint16, mode uint8, data []byte) {
		n := len(data) / 8
		s := &rebound.Streams{}
		for ci, c := range s.Channels() {
			if mask&(1<<ci) == 0 {
				continue
			}
			vals := make([]float64, n)
			for i := range vals {
				u := binary.LittleEndian.Uint64(data[8*((i+ci)%n):])
				if mode%2 == 0 {
					vals[i] = math.Float64frombits(u)
				} else {
					vals[i] = float64(int64(u)>>(u&15)) / 64
				}
			}
			*c.Values = vals
		}
		checkQuantizeEncode(t, s)
	})
}

// BenchmarkQuantizeEncode: what PrepareStreams does to a resampled 1-hour
// 1 Hz run, before (Quantize, then Encode) and after (QuantizeEncode), and
// Quantize alone. Each op first copies the raw samples back (in all three,
// so the difference is the codec's).
func BenchmarkQuantizeEncode(b *testing.B) {
	src := resampled1h(benchSamples)
	for _, c := range []struct {
		name string
		run  func(*rebound.Streams) ([]byte, error)
	}{
		{"quantize+encode", func(s *rebound.Streams) ([]byte, error) { Quantize(s); return Encode(s) }},
		{"fused", QuantizeEncode},
		{"quantize", func(s *rebound.Streams) ([]byte, error) { Quantize(s); return nil, nil }},
	} {
		b.Run(c.name, func(b *testing.B) {
			s := cloneStreams(src)
			b.SetBytes(benchSamples * int64(len(s.Channels())) * 8)
			b.ReportAllocs()
			var size int
			cpu0 := cpuTime()
			for b.Loop() {
				for i, ch := range s.Channels() {
					copy(*ch.Values, *src.Channels()[i].Values)
				}
				out, err := c.run(s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			reportCodec(b, size, cpu0)
		})
	}
}
