package streamcodec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"slices"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/huff0"

	"rebound"
)

// Version is the format version Encode writes in every blob's header.
// Decode reads it and every earlier version (version1); a new version gets
// a new decoder branch, never an edit of an old one, because stored blobs
// outlive the code.
const Version = 2

// version1 is the first format: the whole payload as one DEFLATE stream.
// Every store written before Version 2 holds such blobs.
const version1 = 1

// CanDecode reports whether Decode reads blobs of format version v: this
// build's Version and every earlier one. A store that records the version
// beside each blob should check this rather than v == Version, so that
// blobs written by earlier builds stay readable.
func CanDecode(v int) bool {
	return v == version1 || v == Version
}

// magic opens every blob so a wrong column or a truncated copy is recognised
// at once.
var magic = [2]byte{'R', 'S'}

// headerLen is magic, version byte and the CRC-32 (IEEE) of the compressed
// bytes that follow. The CRC covers the compressed form so that every bit of
// the blob is checked, the padding bits of DEFLATE's last byte (Version 1)
// and of huff0's bit streams (Version 2) included.
const headerLen = len(magic) + 1 + 4

// MaxSamples caps a decoded stream at 7 days of 1 s samples, the same bound
// internal/track.Resample applies, so a corrupt count cannot make Decode
// allocate without limit.
const MaxSamples = 7 * 24 * 3600

// maxQuantum bounds a quantised value: beyond 2^53 a float64 no longer holds
// every integer, so quantising would not be reversible. Far above any real
// value (2^53 cm is 9×10^10 km).
const maxQuantum = 1 << 53

// ErrCorrupt is wrapped by every Decode error caused by the blob's content.
var ErrCorrupt = errors.New("corrupt stream blob")

// perUnit says, per channel of rebound.Streams.Channels, how many quanta
// make one unit: a value v is stored as round(v·perUnit). Every
// quantum is at or below what the sensors resolve, so quantisation loses
// nothing a runner could measure (FIT record resolutions from
// ../shared/ECOSYSTEM.md §3):
//
//	distance    0.01 m      = FIT distance resolution (m÷100)
//	speed       0.001 m/s   = FIT speed resolution (m/s÷1000)
//	heart rate  0.1 bpm     FIT heart_rate is whole bpm
//	altitude    0.01 m      FIT enhanced_altitude resolves 0.2 m; barometers ~0.1 m
//	lat/lon     1e-7 °      ≈1.1 cm; FIT semicircles 8.4e-8 ° ≈0.9 cm; GPS error is metres
//	temperature 0.1 °C      FIT temperature is whole °C
//	cadence     0.1 spm     watches report whole strides/min (2 spm steps)
//	power       0.1 W       FIT power is whole W
//
// Resampled streams hold interpolated, fractional values; the quanta keep
// those to well within sensor noise. Round-trip error is at most half a
// quantum.
func perUnit(channel string) (float64, bool) {
	switch channel {
	case "distance_m", "altitude_m":
		return 100, true
	case "speed_mps":
		return 1000, true
	case "heart_rate_bpm", "temperature_c", "cadence_spm", "power_w":
		return 10, true
	case "lat", "lon":
		return 1e7, true
	}
	return 0, false
}

// secondOrder reports whether a channel is stored as second differences.
// Cumulative distance and position grow at a nearly steady rate (the
// runner's speed), so the change of the per-second step is small where the
// step itself is not: on a 1-hour run this halves their varint bytes
// (7.1 → 3.6 KB per channel before DEFLATE) while it makes the noisier
// channels (speed, heart rate, altitude, cadence, power) 10–20 % larger.
func secondOrder(channel string) bool {
	return channel == "distance_m" || channel == "lat" || channel == "lon"
}

// Encode returns the blob for s, in the Version 2 format (v2.go): each
// channel's payload Huffman-coded on its own with huff0. Every non-nil
// channel must have the same length; values must be finite or NaN
// (missing). A nil s encodes like an empty one.
func Encode(s *rebound.Streams) ([]byte, error) {
	e := getEncoder()
	defer e.release()
	return e.encode(s)
}

// maxChannels is the number of channels rebound.Streams has, the bits of
// the channel mask; TestMaxChannels keeps it in step with the domain.
const maxChannels = 9

// QuantizeEncode is Quantize(s) followed by Encode(s) in one pass over each
// channel: it leaves s exactly as Quantize leaves it (bit for bit, errors
// or not) and returns exactly Encode's blob or error. The store prepares
// every imported activity's streams this way (PrepareStreams); the second
// pass over the samples was a fifth of that step's CPU time.
func QuantizeEncode(s *rebound.Streams) ([]byte, error) {
	e := getEncoder()
	defer e.release()
	return e.encodeStreams(s, true)
}

func (e *encoder) encode(s *rebound.Streams) ([]byte, error) {
	return e.encodeStreams(s, false)
}

// encodeStreams is Encode, or with quantize QuantizeEncode: every sample is
// then quantised in place as it is coded, and on an error the samples not
// yet reached are quantised before returning, as Quantize would have done
// them before Encode failed.
func (e *encoder) encodeStreams(s *rebound.Streams, quantize bool) ([]byte, error) {
	if s == nil {
		s = &rebound.Streams{}
	}
	chans := s.Channels()
	mask, err := checkStreams(s, chans)
	if err != nil {
		if quantize {
			Quantize(s)
		}
		return nil, err
	}
	n := s.Len()

	// The payload: sample count, channel mask, then each present channel.
	// ends[i] is where present channel i's bytes end.
	raw := binary.AppendUvarint(e.raw[:0], uint64(n))
	raw = binary.AppendUvarint(raw, mask)
	hdr := len(raw)
	e.ends = e.ends[:0]
	for ci, c := range chans {
		if *c.Values == nil {
			continue
		}
		scale, _ := perUnit(c.Name)
		raw, e.runs, err = appendChannel(raw, e.runs, *c.Values, c.Name, scale, secondOrder(c.Name), quantize)
		if err != nil {
			e.raw = raw
			if quantize {
				quantizeChannels(chans[ci+1:])
			}
			return nil, err
		}
		e.ends = append(e.ends, len(raw))
	}
	e.raw = raw
	return e.writeV2(n, hdr)
}

// checkStreams returns the channel mask of s, or Encode's error for streams
// it cannot store: more than MaxSamples samples, a channel without a scale,
// or channels of different lengths. It does not look at the values.
func checkStreams(s *rebound.Streams, chans []rebound.Channel) (uint64, error) {
	n := s.Len()
	if n > MaxSamples {
		return 0, rebound.Errorf(rebound.EInvalid, "streams: %d samples is more than the %d (7 days) Rebound keeps", n, MaxSamples)
	}
	var mask uint64
	for i, c := range chans {
		if _, ok := perUnit(c.Name); !ok {
			// A channel added to the domain without a scale here: a bug.
			return 0, fmt.Errorf("streamcodec: no scale for channel %q", c.Name)
		}
		if *c.Values == nil {
			continue
		}
		if len(*c.Values) != n {
			return 0, rebound.Errorf(rebound.EInvalid, "streams: channel %s has %d samples, others %d", c.Name, len(*c.Values), n)
		}
		mask |= 1 << i
	}
	return mask, nil
}

// appendChannel appends one channel's part of the payload to dst: the count
// of missing (NaN) runs, each run as (present samples since the previous
// run, run length), then the zigzag varint of each finite sample's quantised
// difference to the previous one (order 1) or of the change of that
// difference (order 2). runs is scratch for the run bounds. With quantize
// every finite sample is also quantised in place (Quantize), the whole of
// vals even when it returns an error.
func appendChannel(dst []byte, runs []int, vals []float64, name string, scale float64, second, quantize bool) ([]byte, []int, error) {
	// The values are written in one pass that also finds the NaN runs,
	// after a one-byte run count of 0; the rare channel with runs has its
	// values moved up afterwards to make room for the real count and runs.
	at := len(dst)
	dst = append(dst, 0)
	runs = runs[:0]
	var d deltas
	for i := 0; i < len(vals); {
		var stop int
		switch {
		case quantize:
			dst, stop = d.quantize(dst, vals[i:], scale, second)
		case second:
			dst, stop = d.appendOrder2(dst, vals[i:], scale)
		default:
			dst, stop = d.appendOrder1(dst, vals[i:], scale)
		}
		i += stop
		if i == len(vals) {
			break
		}
		if v := vals[i]; v == v { // not NaN: out of range
			if quantize {
				// vals[i] is final: left as it was (out of range), or
				// quantised to a value Encode refuses (see exactBelow).
				quantizeValues(vals[i+1:], scale)
			}
			return dst, runs, rebound.Errorf(rebound.EInvalid, "streams: channel %s sample %d: value %g out of range", name, i, v)
		}
		j := i + 1
		for j < len(vals) && vals[j] != vals[j] {
			j++
		}
		runs = append(runs, i, j)
		i = j
	}
	if len(runs) == 0 {
		return dst, runs, nil
	}
	var head [binary.MaxVarintLen64]byte
	h := binary.AppendUvarint(head[:0], uint64(len(runs)/2))
	need := len(h) - 1 // bytes of the count and runs, less the placeholder's one
	end := 0
	for k := 0; k < len(runs); k += 2 {
		need += uvarintLen(uint64(runs[k]-end)) + uvarintLen(uint64(runs[k+1]-runs[k]))
		end = runs[k+1]
	}
	values := len(dst) - at - 1
	dst = slices.Grow(dst, need)[:len(dst)+need]
	copy(dst[at+1+need:], dst[at+1:at+1+values])
	w := append(dst[at:at], h...) // in place, before the values
	end = 0
	for k := 0; k < len(runs); k += 2 {
		w = binary.AppendUvarint(w, uint64(runs[k]-end))
		w = binary.AppendUvarint(w, uint64(runs[k+1]-runs[k]))
		end = runs[k+1]
	}
	return dst, runs, nil
}

// deltas is the state of a channel's delta coding across its NaN runs: the
// previous quantised value and, for order 2, the previous difference.
type deltas struct{ prev, prevD int64 }

// appendOrder1 appends the zigzag varints of the quantised first
// differences of vals up to the first NaN or out-of-range value, and
// returns the index it stopped at (len(vals) when done). Order 1 and 2 are
// separate loops so that each keeps its state in registers.
func (st *deltas) appendOrder1(dst []byte, vals []float64, scale float64) ([]byte, int) {
	dst = slices.Grow(dst, binary.MaxVarintLen64*len(vals))
	buf := dst[len(dst):cap(dst)]
	p := 0
	prev := st.prev
	i := 0
	for ; i < len(vals); i++ {
		x := vals[i] * scale
		// NaN (x is NaN only when the sample is) or out of range; the
		// check comes first so that int64(x) is defined. At |x| ≥ 2^52
		// every float64 is an integer, so |x| ≤ 2^53 is exactly
		// |math.Round(x)| ≤ 2^53, Encode's bound, and it refuses ±Inf.
		if !(math.Abs(x) <= maxQuantum) {
			break
		}
		q := roundHalfAway(x)
		d := q - prev
		prev = q
		// Most 1 s deltas fit one byte; skip PutUvarint's loop for them.
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p += binary.PutUvarint(buf[p:], z)
		}
	}
	st.prev = prev
	return dst[:len(dst)+p], i
}

// appendOrder2 is appendOrder1 for second differences.
func (st *deltas) appendOrder2(dst []byte, vals []float64, scale float64) ([]byte, int) {
	dst = slices.Grow(dst, binary.MaxVarintLen64*len(vals))
	buf := dst[len(dst):cap(dst)]
	p := 0
	prev, prevD := st.prev, st.prevD
	i := 0
	for ; i < len(vals); i++ {
		x := vals[i] * scale
		if !(math.Abs(x) <= maxQuantum) {
			break
		}
		q := roundHalfAway(x)
		d := q - prev
		prev = q
		d, prevD = d-prevD, d
		// Most 1 s deltas fit one byte; skip PutUvarint's loop for them.
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p += binary.PutUvarint(buf[p:], z)
		}
	}
	st.prev, st.prevD = prev, prevD
	return dst[:len(dst)+p], i
}

// exactBelow bounds the quanta k for which Encode, given the quantised
// value v = k/perUnit (Quantize), gets k back: for |k| < 2^50,
// fl(fl(k/s)·s) = k·(1+δ₁)(1+δ₂) with |δ| ≤ 2^-53 is within
// 2^50·(2^-52+2^-106) < 0.26 of k, so it rounds to k (and stays within
// maxQuantum). Above, it need not: for perUnit 100, 1000 and 1e7, 1–7 % of
// the quanta in [2^51, 2^52), and for every perUnit 2–16 % of those in
// [2^52, 2^53], come back as a neighbour of k (TestQuantizeEncodeReRound).
// QuantizeEncode codes k directly below the bound and, above it, re-rounds
// v as Encode does, so its blob is Encode's in every case. (Encode's range
// check cannot fail there: |fl(k/s)·s| ≤ 2^53·(1+2^-53), which rounds to
// 2^53, ties to even; QuantizeEncode keeps the check all the same.) The
// bound is 10^13 m of distance, 10^8 ° of latitude: never real data.
const exactBelow = 1 << 50

// quantBlock is how many samples quantize rounds at
// a time (quantizeBlock) before coding them: small enough that the quanta
// stay in L1 cache, large enough that the per-block work is noise.
const quantBlock = 256

// fastLimitBits is math.Float64bits(exactBelow - 1), 2^50 − 1
// (TestFastLimitBits): the largest |v·scale| quantizeBlock takes.
const fastLimitBits = 0x430FFFFFFFFFFFF8

// quantizeBlock sets qs[k] to int64(math.Round(vals[k]·scale)) (roundAbs)
// and reports whether every |vals[k]·scale| is at most 2^50 − 1: finite
// (not NaN, which a missing sample is), within maxQuantum and below
// exactBelow, where quantizeOrder1Each would code exactly those quanta and
// store float64(q)/scale. It changes nothing else; when it reports false,
// qs is garbage and the caller takes the block sample by sample. One check
// per block instead of two branches per sample, and two short loops
// (this, then codeOrder1 or codeOrder2) instead of one long one whose
// state did not fit the registers, made QuantizeEncode's loops about a
// quarter cheaper: about 52 → 40 CPU ns per sample of the workload's runs,
// all channels, with roundAbs (a benchmark of the loops alone, 10–16
// alternated runs each on a shared machine, ±20 %).
//
//go:noinline
func quantizeBlock(qs []int64, vals []float64, scale float64) bool {
	qs = qs[:len(vals)]
	var over uint64
	for k, v := range vals {
		// As in quantizeOrder1Each: the product rounded, no fused
		// multiply-add.
		x := float64(v * scale)
		a := math.Abs(x)
		// Wraps, setting bit 63, iff a's bits are above fastLimitBits,
		// as those of every larger value, ±Inf and NaN are.
		over |= fastLimitBits - math.Float64bits(a)
		qs[k] = roundAbs(x, a)
	}
	return over>>63 == 0
}

// quantize is appendOrder1 (appendOrder2 when second) that also quantises
// each sample in place as Quantize does: v = round(v·scale)/scale, coding
// round(v·scale). Blocks of quantBlock samples go through quantizeBlock and
// codeOrder1 or codeOrder2; a block that quantizeBlock refuses (a NaN, a
// value out of range or beyond exactBelow) goes through quantizeOrder1Each
// or quantizeOrder2Each, which stop where the caller must look.
func (st *deltas) quantize(dst []byte, vals []float64, scale float64, second bool) ([]byte, int) {
	var qs [quantBlock]int64
	dst = slices.Grow(dst, binary.MaxVarintLen64*len(vals))
	for i := 0; i < len(vals); {
		blk := vals[i:min(i+quantBlock, len(vals))]
		if !quantizeBlock(qs[:len(blk)], blk, scale) {
			var stop int
			if second {
				dst, stop = st.quantizeOrder2Each(dst, blk, scale)
			} else {
				dst, stop = st.quantizeOrder1Each(dst, blk, scale)
			}
			if i += stop; stop < len(blk) {
				return dst, i
			}
			continue
		}
		buf := dst[len(dst):cap(dst)]
		if second {
			dst = dst[:len(dst)+st.codeOrder2(buf, qs[:len(blk)], blk, scale)]
		} else {
			dst = dst[:len(dst)+st.codeOrder1(buf, qs[:len(blk)], blk, scale)]
		}
		i += len(blk)
	}
	return dst, len(vals)
}

// codeOrder1 stores the quantised values qs[k]/scale in vals[k] and
// writes the zigzag varints of their first differences to buf (room for
// binary.MaxVarintLen64 bytes per value), returning how many bytes. A
// function of its own, like quantizeBlock, so that its few variables stay
// in registers: inlined into quantize they were spilled to the stack
// on every sample.
func (st *deltas) codeOrder1(buf []byte, qs []int64, vals []float64, scale float64) int {
	vals = vals[:len(qs)]
	p := 0
	prev := st.prev
	for k, q := range qs {
		vals[k] = float64(q) / scale
		d := q - prev
		prev = q
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p = putUvarint(buf, p, z)
		}
	}
	st.prev = prev
	return p
}

// codeOrder2 is codeOrder1 for second differences.
func (st *deltas) codeOrder2(buf []byte, qs []int64, vals []float64, scale float64) int {
	vals = vals[:len(qs)]
	p := 0
	prev, prevD := st.prev, st.prevD
	for k, q := range qs {
		vals[k] = float64(q) / scale
		d := q - prev
		prev = q
		d, prevD = d-prevD, d
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p = putUvarint(buf, p, z)
		}
	}
	st.prev, st.prevD = prev, prevD
	return p
}

// putUvarint writes the uvarint z at buf[p:] and returns the position after
// it: codeOrder1's and codeOrder2's path for varints of two bytes or more,
// out of line so that their loops stay small.
//
//go:noinline
func putUvarint(buf []byte, p int, z uint64) int {
	return p + binary.PutUvarint(buf[p:], z)
}

// quantizeOrder1Each is quantizeOrder1 sample by sample, for the blocks
// quantizeBlock refuses: it returns the index it stopped at, a NaN or a
// value out of range, or len(vals).
func (st *deltas) quantizeOrder1Each(dst []byte, vals []float64, scale float64) ([]byte, int) {
	dst = slices.Grow(dst, binary.MaxVarintLen64*len(vals))
	buf := dst[len(dst):cap(dst)]
	p := 0
	prev := st.prev
	i := 0
	for ; i < len(vals); i++ {
		// The conversion rounds the product, as Quantize's math.Round
		// argument is rounded: no fused multiply-add on any platform.
		x := float64(vals[i] * scale)
		// NaN, ±Inf or out of range, which Quantize leaves alone (at
		// |x| > 2^53 x is an integer, so this is |math.Round(x)| > 2^53).
		if !(math.Abs(x) <= maxQuantum) {
			break
		}
		q := roundHalfAwayCmov(x)
		v := float64(q) / scale
		vals[i] = v
		if q >= exactBelow || q <= -exactBelow {
			// What Encode codes for v, or where it stops.
			if x = float64(v * scale); !(math.Abs(x) <= maxQuantum) {
				break
			}
			q = roundHalfAway(x)
		}
		d := q - prev
		prev = q
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p += binary.PutUvarint(buf[p:], z)
		}
	}
	st.prev = prev
	return dst[:len(dst)+p], i
}

// quantizeOrder2Each is quantizeOrder1Each for second differences.
func (st *deltas) quantizeOrder2Each(dst []byte, vals []float64, scale float64) ([]byte, int) {
	dst = slices.Grow(dst, binary.MaxVarintLen64*len(vals))
	buf := dst[len(dst):cap(dst)]
	p := 0
	prev, prevD := st.prev, st.prevD
	i := 0
	for ; i < len(vals); i++ {
		x := float64(vals[i] * scale)
		if !(math.Abs(x) <= maxQuantum) {
			break
		}
		q := roundHalfAwayCmov(x)
		v := float64(q) / scale
		vals[i] = v
		if q >= exactBelow || q <= -exactBelow {
			if x = float64(v * scale); !(math.Abs(x) <= maxQuantum) {
				break
			}
			q = roundHalfAway(x)
		}
		d := q - prev
		prev = q
		d, prevD = d-prevD, d
		if z := uint64(d<<1) ^ uint64(d>>63); z < 0x80 {
			buf[p] = byte(z)
			p++
		} else {
			p += binary.PutUvarint(buf[p:], z)
		}
	}
	st.prev, st.prevD = prev, prevD
	return dst[:len(dst)+p], i
}

// roundHalfAway is int64(math.Round(x)) for |x| ≤ 2^53, faster on the
// values Encode mostly sees, already quantised (PrepareStreams): int64(x)
// truncates, x − t is exact (at |x| ≥ 2^52 both are the same integer), and a
// fraction of ±0.5 or more rounds away from zero, as math.Round does. The
// branches are predictable there: x is within a rounding error of an
// integer.
func roundHalfAway(x float64) int64 {
	t := int64(x)
	f := x - float64(t)
	if f >= 0.5 {
		t++
	} else if f <= -0.5 {
		t--
	}
	return t
}

// roundHalfAwayCmov is roundHalfAway compiled to conditional moves (amd64:
// CMOVQCC, no branch on the fraction), for QuantizeEncode's raw samples:
// their fractions are random, and roundHalfAway's branches mispredicted on
// them half the time, which made the fused pass slower than Quantize and
// Encode apart (BenchmarkQuantizeEncode).
func roundHalfAwayCmov(x float64) int64 {
	t := int64(x)
	f := x - float64(t)
	up, down := t+1, t-1
	if f >= 0.5 {
		t = up
	}
	if f <= -0.5 {
		t = down
	}
	return t
}

// halfBelow is the largest float64 below 0.5, 0.49999999999999994.
const halfBelow = 0.5 - 0x1p-54

// roundAbs is int64(math.Round(x)) for |x| ≤ 2^53, given a = |x|: a +
// halfBelow, truncated, then x's sign. quantizeBlock's rounding: fewer
// operations than roundHalfAwayCmov and no branch. Why it is exact
// (TestRoundAbs checks each case): for a ≥ 2^52 a is an integer whose
// neighbours are 1 or more apart, so a + halfBelow rounds back to a. For
// a < 0.5 (a ≤ halfBelow) the sum is at most 1 − 2^-53, a float64, and
// truncates to 0. In between, a's ulp divides 0.5, so a + 0.5 is a
// float64 when it stays in a's binade; the exact sum, 2^-54 below it, is
// nearer to it than to the float64 below (spaced 2^-52 or more apart, or
// 2^-53 below 1, where the tie goes to the even 1), so it rounds to a +
// 0.5 and truncates to ⌊a + 0.5⌋, math.Round's result. Where a + 0.5
// reaches the next power of two P > a, ⌊a + 0.5⌋ = P, and the sum rounds
// to P (as just shown for the float64 below P) or to a float64 between P
// and a + 0.5 < P + 1: it truncates to P.
func roundAbs(x, a float64) int64 {
	r := int64(a + halfBelow)
	s := int64(math.Float64bits(x)) >> 63 // 0, or −1 for a negative x
	return (r ^ s) - s
}

func uvarintLen(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

// Decode parses a blob written by Encode, of this build (Version 2) or of
// an earlier one (Version 1). Channels absent when encoding are nil;
// missing samples are NaN. Any malformed input yields an error wrapping
// ErrCorrupt, never a panic.
func Decode(b []byte) (*rebound.Streams, error) {
	return decode(b, MaxSamples)
}

// decode is Decode with a sample cap, which the fuzz target lowers so that
// inputs which inflate to days of samples stay cheap to minimise.
func decode(b []byte, maxSamples int) (*rebound.Streams, error) {
	if len(b) < headerLen || b[0] != magic[0] || b[1] != magic[1] {
		return nil, corrupt("not a stream blob (bad header)")
	}
	if b[2] != Version && b[2] != version1 {
		return nil, corrupt("format version %d, this build reads %d and %d", b[2], version1, Version)
	}
	if binary.LittleEndian.Uint32(b[3:headerLen]) != crc32.ChecksumIEEE(b[headerLen:]) {
		return nil, corrupt("checksum mismatch")
	}
	d := decoders.Get().(*decoder)
	defer d.release()
	var raw []byte
	var err error
	if b[2] == version1 {
		raw, err = d.inflate(b[headerLen:], maxSamples)
	} else {
		raw, err = d.unpackV2(b[headerLen:], maxSamples)
	}
	if err != nil {
		return nil, err
	}
	return decodePayload(raw, maxSamples)
}

// decodePayload parses a payload, inflated (Version 1) or unpacked from its
// segments (Version 2). It checks what the first decoder checked, in the
// same order, so that it accepts exactly the same payloads
// (FuzzDecodeDifferential).
func decodePayload(raw []byte, maxSamples int) (*rebound.Streams, error) {
	n, mask, pos, err := payloadHeader(raw, maxSamples)
	if err != nil {
		return nil, err
	}
	s := &rebound.Streams{}
	chans := s.Channels()
	var runBuf [16]uint64
	runs := runBuf[:0] // the missing runs of a channel, as start, end
	// One allocation for every present channel; the three-index slices keep
	// an append to one channel from writing into the next.
	all := make([]float64, bits.OnesCount64(mask)*n)
	for ci, c := range chans {
		if mask&(1<<ci) == 0 {
			continue
		}
		scale, ok := perUnit(c.Name)
		if !ok {
			return nil, fmt.Errorf("streamcodec: no scale for channel %q", c.Name)
		}
		vals := all[:n:n]
		all = all[n:]
		nruns, m := uvarint(raw[pos:])
		if m <= 0 {
			return nil, varintErr(c.Name, "run count", m)
		}
		pos += m
		if nruns > uint64(n) {
			return nil, corrupt("%s: %d missing runs in %d samples", c.Name, nruns, n)
		}
		at := uint64(0)
		runs = runs[:0]
		for range nruns {
			gap, m := uvarint(raw[pos:])
			if m <= 0 {
				return nil, varintErr(c.Name, "run gap", m)
			}
			pos += m
			length, m := uvarint(raw[pos:])
			if m <= 0 {
				return nil, varintErr(c.Name, "run length", m)
			}
			pos += m
			if length == 0 || gap > uint64(n)-at || length > uint64(n)-at-gap {
				return nil, corrupt("%s: missing run beyond %d samples", c.Name, n)
			}
			at += gap
			for k := at; k < at+length; k++ {
				vals[k] = math.NaN()
			}
			runs = append(runs, at, at+length)
			at += length
		}
		// The values, span by span between the missing runs.
		second := secondOrder(c.Name)
		var st deltas
		at = 0
		for k := 0; k <= len(runs); k += 2 {
			end := uint64(n)
			if k < len(runs) {
				end = runs[k]
			}
			if pos, err = st.decodeSpan(vals[at:end], raw, pos, scale, second, c.Name, int(at)); err != nil {
				return nil, err
			}
			if k < len(runs) {
				at = runs[k+1]
			}
		}
		*c.Values = vals
	}
	if pos != len(raw) {
		return nil, corrupt("trailing data")
	}
	return s, nil
}

// decodeSpan decodes the finite samples vals (base is the first one's
// index in the channel, for errors) from the varints at raw[pos:], and
// returns the position after them. It accepts and refuses exactly what the
// first decoder did (refDecode, FuzzDecodeDifferential), with a loop per
// delta order and the one-byte varints that most samples take decoded
// inline: their delta (|d| ≤ 64) cannot break the first bound, so only the
// others need to be checked, each with one unsigned comparison.
func (st *deltas) decodeSpan(vals []float64, raw []byte, pos int, scale float64, second bool, name string, base int) (int, error) {
	prev, prevD := st.prev, st.prevD
	var err error
	if !second {
		for i := range vals {
			if pos < len(raw) && raw[pos] < 0x80 {
				z := raw[pos]
				pos++
				q := prev + (int64(z>>1) ^ -int64(z&1))
				if uint64(q+maxQuantum) > 2*maxQuantum {
					return pos, corrupt("%s sample %d: value out of range", name, base+i)
				}
				prev = q
				vals[i] = float64(q) / scale
				continue
			}
			if pos, err = st.slowValue(raw, pos, &prev, &prevD, false, name, base+i); err != nil {
				return pos, err
			}
			vals[i] = float64(prev) / scale
		}
	} else {
		for i := range vals {
			if pos < len(raw) && raw[pos] < 0x80 {
				z := raw[pos]
				pos++
				d := prevD + (int64(z>>1) ^ -int64(z&1))
				prevD = d
				if uint64(d+2*maxQuantum) > 4*maxQuantum {
					return pos, corrupt("%s sample %d: delta out of range", name, base+i)
				}
				q := prev + d
				if uint64(q+maxQuantum) > 2*maxQuantum {
					return pos, corrupt("%s sample %d: value out of range", name, base+i)
				}
				prev = q
				vals[i] = float64(q) / scale
				continue
			}
			if pos, err = st.slowValue(raw, pos, &prev, &prevD, true, name, base+i); err != nil {
				return pos, err
			}
			vals[i] = float64(prev) / scale
		}
	}
	st.prev, st.prevD = prev, prevD
	return pos, nil
}

// slowValue is decodeSpan's step for a varint of any length: the first
// decoder's checks, unchanged.
func (*deltas) slowValue(raw []byte, pos int, prev, prevD *int64, second bool, name string, i int) (int, error) {
	z, m := uvarint(raw[pos:])
	if m <= 0 {
		return pos, varintErr(name, "value", m)
	}
	pos += m
	d := int64(z>>1) ^ -int64(z&1)
	// Bounds that valid encodings respect (|q| ≤ 2^53 makes |Δ| ≤ 2^54
	// and |ΔΔ| ≤ 2^55) and that keep the sums below from overflowing.
	if d > 4*maxQuantum || d < -4*maxQuantum {
		return pos, corrupt("%s sample %d: delta out of range", name, i)
	}
	if second {
		d += *prevD
		*prevD = d
	}
	if d > 2*maxQuantum || d < -2*maxQuantum {
		return pos, corrupt("%s sample %d: delta out of range", name, i)
	}
	q := *prev + d
	if q > maxQuantum || q < -maxQuantum {
		return pos, corrupt("%s sample %d: value out of range", name, i)
	}
	*prev = q
	return pos, nil
}

// payloadHeader reads the sample count and channel mask that open the
// payload and returns them with the offset of what follows.
func payloadHeader(raw []byte, maxSamples int) (n int, mask uint64, pos int, err error) {
	n64, m := uvarint(raw)
	if m <= 0 {
		return 0, 0, 0, varintErr("", "sample count", m)
	}
	if n64 > uint64(maxSamples) {
		return 0, 0, 0, corrupt("%d samples, more than %d", n64, maxSamples)
	}
	pos = m
	mask, m = uvarint(raw[pos:])
	if m <= 0 {
		return 0, 0, 0, varintErr("", "channel mask", m)
	}
	pos += m
	if mask>>maxChannels != 0 {
		return 0, 0, 0, corrupt("unknown channels in mask %#x", mask)
	}
	return int(n64), mask, pos, nil
}

// maxPayload bounds the payload of a blob that decodes with n samples in k
// channels: the two header varints, then per channel a run count and at most
// 2n more varints (nruns ≤ n runs of two varints, each run hiding at least
// one value: 2·nruns + n − nruns ≤ 2n), every varint at most
// binary.MaxVarintLen64 bytes (non-minimal forms decode too). Inflating
// stops past it, so a small blob cannot make Decode buffer gigabytes.
func maxPayload(n, k int) int {
	return binary.MaxVarintLen64 * (2 + k*(1+2*n))
}

// uvarint is binary.Uvarint; m ≤ 0 is an error (0: data ends, < 0: the
// value overflows 64 bits).
func uvarint(b []byte) (v uint64, m int) {
	if len(b) > 0 && b[0] < 0x80 {
		return uint64(b[0]), 1
	}
	return binary.Uvarint(b)
}

func varintErr(channel, what string, m int) error {
	if channel != "" {
		what = channel + ": " + what
	}
	if m == 0 {
		return corrupt("%s: %v", what, io.ErrUnexpectedEOF)
	}
	return corrupt("%s: varint overflows a 64-bit integer", what)
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("streamcodec: %w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// Quantize rounds every finite sample of s, in place, to the value Decode
// will return for it, so an activity measured from its in-memory streams
// right after import gives exactly the figures a later read from the store
// gives (an incremental recompute equals a full one). Values out of the
// codec's range are left for Encode to refuse.
func Quantize(s *rebound.Streams) {
	if s == nil {
		return
	}
	quantizeChannels(s.Channels())
}

func quantizeChannels(chans []rebound.Channel) {
	for _, c := range chans {
		if scale, ok := perUnit(c.Name); ok {
			quantizeValues(*c.Values, scale)
		}
	}
}

func quantizeValues(vals []float64, scale float64) {
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if q := math.Round(v * scale); math.Abs(q) <= maxQuantum {
			vals[i] = float64(int64(q)) / scale
		}
	}
}

// encoder is Encode's scratch: the varint payload, the channel ends and
// NaN runs, the blob being built and huff0's tables. Recycled through a
// sync.Pool, which is safe for parallel callers and keeps no data between
// uses (every field is reset before use, huff0 reuses no table:
// ReusePolicyNone): allocating scratch per activity was a measurable share
// of import time (docs/PERFORMANCE.md).
type encoder struct {
	raw  []byte
	ends []int
	runs []int
	out  []byte // the blob
	hs   huff0.Scratch
}

var encoders = sync.Pool{New: func() any { return newEncoder() }}

// maxPooled caps the scratch buffers kept for reuse, so that one week-long
// activity does not pin tens of MB in the pools.
const maxPooled = 4 << 20

func getEncoder() *encoder { return encoders.Get().(*encoder) }

func newEncoder() *encoder {
	e := &encoder{}
	e.hs.Reuse = huff0.ReusePolicyNone
	return e
}

func (e *encoder) release() {
	if cap(e.raw) > maxPooled || cap(e.out) > maxPooled || cap(e.hs.Out) > maxPooled {
		return
	}
	encoders.Put(e)
}

// decoder is Decode's scratch: for Version 1 a reader over the compressed
// bytes and an inflater reset onto it, for Version 2 huff0's tables; and the
// payload they restore. Pooled like encoder.
type decoder struct {
	zin bytes.Reader
	zr  io.ReadCloser
	hs  huff0.Scratch
	raw []byte
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) release() {
	d.zin.Reset(nil) // drop the caller's blob
	if cap(d.raw) > maxPooled {
		d.raw = nil
	}
	decoders.Put(d)
}

// inflate returns the whole payload of the DEFLATE stream comp, in d.raw.
// The inflater reads a bytes.Reader (an io.ByteReader) without buffering
// ahead, so zin.Len() tells whether the stream ended at the blob's end.
func (d *decoder) inflate(comp []byte, maxSamples int) ([]byte, error) {
	d.zin.Reset(comp)
	if d.zr == nil {
		d.zr = flate.NewReader(&d.zin)
	} else if err := d.zr.(flate.Resetter).Reset(&d.zin, nil); err != nil {
		return nil, corrupt("%v", err)
	}
	buf := d.raw[:0]
	limit := -1 // known once the payload header is
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(4096, len(buf)))
		}
		m, err := d.zr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		d.raw = buf
		if limit < 0 && (len(buf) >= 2*binary.MaxVarintLen64 || err != nil) {
			n, mask, _, herr := payloadHeader(buf, maxSamples)
			if herr != nil {
				return nil, herr
			}
			limit = maxPayload(n, bits.OnesCount64(mask))
		}
		if limit >= 0 && len(buf) > limit {
			return nil, corrupt("payload longer than its sample count allows")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, corrupt("%v", err)
		}
	}
	if d.zin.Len() != 0 {
		return nil, corrupt("%d bytes after the compressed data", d.zin.Len())
	}
	return buf, nil
}
