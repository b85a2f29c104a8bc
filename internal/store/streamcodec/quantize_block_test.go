package streamcodec

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rebound"
)

// TestFastLimitBits: the constant is the bit pattern of 2^50 − 1, the
// largest quantum below exactBelow.
func TestFastLimitBits(t *testing.T) {
	if got := math.Float64bits(exactBelow - 1); got != fastLimitBits {
		t.Errorf("Float64bits(2^50 − 1) = %#x, fastLimitBits = %#x", got, uint64(fastLimitBits))
	}
	if halfBelow != math.Nextafter(0.5, 0) {
		t.Errorf("halfBelow = %v, want the float64 below 0.5", halfBelow)
	}
}

// TestRoundAbs: roundAbs(x, |x|) is int64(math.Round(x)) for |x| ≤ 2^53 on
// the values TestRoundHalfAway checks, on each power of two P from 2^-2 to
// 2^53 and its neighbours P − 0.5 and P ± 0.5 ± one ulp (where a + 0.5
// crosses into the next binade, the case the proof treats apart), and on
// 1,000,000 random values at all scales and as many half-integers.
func TestRoundAbs(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5,
		math.Nextafter(0.5, 0), -math.Nextafter(0.5, 0), math.Nextafter(0.5, 1),
		math.Nextafter(1.5, 2), 1e-300, 5e-324,
		1 << 52, 1<<52 + 1, -(1<<52 + 1), 1<<52 - 0.5, -(1<<52 - 0.5), 1<<52 - 1.5,
		maxQuantum, -maxQuantum, maxQuantum - 2, 4503599627370495.5}
	for e := -2; e <= 53; e++ {
		p := math.Ldexp(1, e)
		for _, x := range []float64{p, p - 0.5, p + 0.5} {
			for _, y := range []float64{x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1))} {
				if math.Abs(y) <= maxQuantum {
					xs = append(xs, y, -y)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(13, 14))
	for range 1000000 {
		x := r.Float64() * math.Exp2(float64(r.IntN(54)))
		if r.IntN(2) == 0 {
			x = -x
		}
		xs = append(xs, x, math.Round(x)+0.5)
	}
	for _, x := range xs {
		want := int64(math.Round(x))
		if got := roundAbs(x, math.Abs(x)); got != want {
			t.Fatalf("roundAbs(%v) = %d, want %d", x, got, want)
		}
	}
}

// TestQuantizeBlock: quantizeBlock takes a block only when every
// |v·scale| is at most 2^50 − 1 (finite, in range, below exactBelow), and
// then gives math.Round's quanta; it never writes vals.
func TestQuantizeBlock(t *testing.T) {
	const limit = exactBelow - 1
	tests := []struct {
		name  string
		vals  []float64
		scale float64
		ok    bool
	}{
		{"empty", nil, 10, true},
		{"ordinary", []float64{142.06, -3.25, 0.05, -0.05, 0.15, 1e-9}, 10, true},
		{"ties away from zero", []float64{0.25, -0.25, 0.35, 2.5e-3}, 100, true},
		{"negative zero", []float64{math.Copysign(0, -1)}, 1e7, true},
		{"at the limit", []float64{limit / 100, -limit / 100}, 100, true},
		// limit·(1+2^-52)/100·100 rounds above the limit: refused.
		{"beyond the limit", []float64{1, math.Nextafter(limit/100, math.Inf(1)) * 1.0000001}, 100, false},
		{"exactBelow", []float64{exactBelow / 1e7}, 1e7, false},
		{"maxQuantum", []float64{maxQuantum / 1000}, 1000, false},
		{"NaN last", []float64{1, 2, math.NaN()}, 10, false},
		{"NaN payload", []float64{math.Float64frombits(0x7ff8000000000001)}, 10, false},
		{"+Inf", []float64{math.Inf(1)}, 10, false},
		{"-Inf first", []float64{math.Inf(-1), 1}, 10, false},
		{"huge", []float64{1e300}, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := append([]float64(nil), tt.vals...)
			qs := make([]int64, len(vals))
			ok := quantizeBlock(qs, vals, tt.scale)
			if ok != tt.ok {
				t.Fatalf("quantizeBlock(%v) = %v, want %v", tt.vals, ok, tt.ok)
			}
			for k, v := range vals {
				if math.Float64bits(v) != math.Float64bits(tt.vals[k]) {
					t.Errorf("vals[%d] changed from %v to %v", k, tt.vals[k], v)
				}
				if want := int64(math.Round(v * tt.scale)); ok && qs[k] != want {
					t.Errorf("qs[%d] = %d for %v, want %d", k, qs[k], v, want)
				}
			}
		})
	}
}

// blockStreams has n samples of every channel (resampled1h) with v put at
// each index of at: NaN, out of range or beyond exactBelow there sends the
// block through quantizeOrder1Each or quantizeOrder2Each.
func blockStreams(n int, v float64, at ...int) *rebound.Streams {
	s := resampled1h(n)
	for _, c := range s.Channels() {
		for _, i := range at {
			if i < n {
				(*c.Values)[i] = v
			}
		}
	}
	return s
}

// TestQuantizeEncodeBlocks: around the edges of quantBlock-sample blocks,
// QuantizeEncode still equals Quantize then Encode (checkQuantizeEncode):
// lengths one either side of a block, missing samples first, last and on
// either side of a block edge, whole missing blocks, values out of range
// or beyond exactBelow (sample by sample, then back to blocks) and an
// error in the second block, which must leave every sample quantised.
func TestQuantizeEncodeBlocks(t *testing.T) {
	const b = quantBlock
	nan := math.NaN()
	cases := map[string]*rebound.Streams{}
	for _, n := range []int{b - 1, b, b + 1, 2*b - 1, 2 * b, 2*b + 1, 5*b + 17} {
		cases[fmt.Sprintf("n=%d", n)] = resampled1h(n)
	}
	for _, at := range [][]int{{0}, {b - 1}, {b}, {b + 1}, {2*b - 1}, {2 * b}, {3*b + 3}, {b - 1, b}, {0, b, 2 * b}} {
		cases[fmt.Sprintf("NaN at %v", at)] = blockStreams(3*b+10, nan, at...)
	}
	whole := make([]int, 0, 2*b)
	for i := b; i < 3*b; i++ {
		whole = append(whole, i)
	}
	cases["missing blocks 1 and 2"] = blockStreams(4*b, nan, whole...)
	// 2^51/scale is beyond exactBelow for every scale but within range:
	// coded sample by sample.
	big := blockStreams(3*b, 0, b+5)
	for _, c := range big.Channels() {
		scale, _ := perUnit(c.Name)
		(*c.Values)[b+5] = (1 << 51) / scale
		(*c.Values)[b+6] = -(1<<51 + 3) / scale
	}
	cases["beyond exactBelow in block 1"] = big
	cases["out of range in block 1"] = blockStreams(3*b, 1e300, b+7)
	cases["infinite in block 2"] = blockStreams(3*b, math.Inf(-1), 2*b)
	for name, s := range cases {
		t.Run(name, func(t *testing.T) { checkQuantizeEncode(t, s) })
	}
}

// FuzzQuantizeEncodeBlocks: QuantizeEncode equals Quantize then Encode on
// long streams (up to 1,500 samples, several blocks) whose samples the
// fuzzer places: a ramp of slope from the input, then each 10-byte record
// of data puts its last 8 bytes, as float64 bits, at the index of its
// first two. FuzzQuantizeEncode's inputs are too short to reach a second
// block.
func FuzzQuantizeEncodeBlocks(f *testing.F) {
	rec := func(i uint16, v float64) []byte {
		return binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint16(nil, i), math.Float64bits(v))
	}
	f.Add(uint16(0x1ff), uint16(600), 0.37, []byte{})
	f.Add(uint16(0x1ff), uint16(quantBlock+1), 1.5, rec(quantBlock, math.NaN()))
	f.Add(uint16(0x004), uint16(3*quantBlock), -2.25, append(rec(quantBlock-1, math.Inf(1)), rec(2*quantBlock, 1e300)...))
	f.Add(uint16(0x031), uint16(900), 0.001, rec(300, (1<<51)/100.0))
	f.Fuzz(func(t *testing.T, mask uint16, n uint16, slope float64, data []byte) {
		n %= 1500
		s := &rebound.Streams{}
		for ci, c := range s.Channels() {
			if mask&(1<<ci) == 0 {
				continue
			}
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = slope * float64(i) * float64(ci+1)
			}
			for k := 0; k+10 <= len(data) && n > 0; k += 10 {
				i := int(binary.LittleEndian.Uint16(data[k:])) % int(n)
				vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[k+2:]))
			}
			*c.Values = vals
		}
		checkQuantizeEncode(t, s)
	})
}
