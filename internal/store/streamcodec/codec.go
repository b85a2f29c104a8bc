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

	"rebound"
)

// Version is the format version written in every blob's header. Decode
// rejects blobs of any other version; a new version gets a new decoder branch,
// never an edit of this one, because stored blobs outlive the code.
const Version = 1

// magic opens every blob so a wrong column or a truncated copy is recognised
// at once.
var magic = [2]byte{'R', 'S'}

// headerLen is magic, version byte and the CRC-32 (IEEE) of the compressed
// bytes that follow. The CRC covers the compressed form so that every bit of
// the blob is checked, the padding bits of DEFLATE's last byte included.
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

// Encode returns the blob for s. Every non-nil channel must have the same
// length; values must be finite or NaN (missing). A nil s encodes like an
// empty one.
//
// The payload is compressed channel by channel: Huffman coding alone first,
// and LZ77 (klauspost/compress level lzLevel) as well where the channel
// looks repetitive; see encoder.segment. The result is plain DEFLATE, the
// Version 1 format that every decoder of this package reads.
func Encode(s *rebound.Streams) ([]byte, error) {
	return encode(s, lzLevel)
}

// lzLevel is the klauspost/compress/flate level tried on repetitive
// channels. Levels 1–6 compress the 11 real runs behind the import workload
// (docs/PERFORMANCE.md) within 0.2 % of each other and the whole FIT corpus
// within 1 %; 4, a middle one, was 0.3 % smaller than 1 there. Their speeds
// differ less than this machine's noise, as only repetitive channels see
// LZ77 (BenchmarkEncode new-lz1, new-lz6).
const lzLevel = 4

// maxChannels is the number of channels rebound.Streams has, the bits of
// the channel mask; TestMaxChannels keeps it in step with the domain.
const maxChannels = 9

// QuantizeEncode is Quantize(s) followed by Encode(s) in one pass over each
// channel: it leaves s exactly as Quantize leaves it (bit for bit, errors
// or not) and returns exactly Encode's blob or error. The store prepares
// every imported activity's streams this way (PrepareStreams); the second
// pass over the samples was a fifth of that step's CPU time.
func QuantizeEncode(s *rebound.Streams) ([]byte, error) {
	e, err := getEncoder(lzLevel)
	if err != nil {
		Quantize(s)
		return nil, err
	}
	defer e.release(lzLevel)
	return e.encodeStreams(s, true)
}

func encode(s *rebound.Streams, level int) ([]byte, error) {
	e, err := getEncoder(level)
	if err != nil {
		return nil, err
	}
	defer e.release(level)
	return e.encode(s)
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

	e.out.Reset()
	e.out.Write(magic[:])
	e.out.WriteByte(Version)
	e.out.Write([]byte{0, 0, 0, 0}) // CRC, set below
	// Each channel is a DEFLATE segment of its own, ended by a sync flush
	// (byte-aligned, no history needed across it), so the segments of
	// independent compressors concatenate into one valid DEFLATE stream and
	// each channel gets its own Huffman table and its own choice below.
	// Short streams are one segment: below blockSplitMin samples a table per
	// channel costs more than it saves.
	start := 0
	if n >= blockSplitMin {
		for _, end := range e.ends[:max(len(e.ends)-1, 0)] {
			if err := e.segment(raw[start:end], false, false); err != nil {
				return nil, err
			}
			start = end
		}
	}
	if err := e.segment(raw[start:], true, n < blockSplitMin); err != nil {
		return nil, err
	}
	// A copy of exactly the blob's size: the caller keeps it (importers
	// queue thousands), the scratch goes back to the pool.
	b := slices.Clone(e.out.Bytes())
	binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
	return b, nil
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

// blockSplitMin is the sample count (5 minutes) from which Encode gives each
// channel a DEFLATE segment of its own. Below it one segment is smaller: on
// the synthetic run of the tests, per-channel tables break even with one
// table at about 200 samples, and a 60-sample stream grows by a third.
const blockSplitMin = 300

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
		case second && quantize:
			dst, stop = d.quantizeOrder2(dst, vals[i:], scale)
		case quantize:
			dst, stop = d.quantizeOrder1(dst, vals[i:], scale)
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

// quantizeOrder1 is appendOrder1 that also quantises each sample in place
// as Quantize does: v = round(v·scale)/scale, coding round(v·scale).
func (st *deltas) quantizeOrder1(dst []byte, vals []float64, scale float64) ([]byte, int) {
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

// quantizeOrder2 is quantizeOrder1 for second differences.
func (st *deltas) quantizeOrder2(dst []byte, vals []float64, scale float64) ([]byte, int) {
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

func uvarintLen(v uint64) int {
	return (bits.Len64(v|1) + 6) / 7
}

// Decode parses a blob written by Encode. Channels absent when encoding are
// nil; missing samples are NaN. Any malformed input yields an error wrapping
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
	if b[2] != Version {
		return nil, corrupt("format version %d, this build reads %d", b[2], Version)
	}
	if binary.LittleEndian.Uint32(b[3:headerLen]) != crc32.ChecksumIEEE(b[headerLen:]) {
		return nil, corrupt("checksum mismatch")
	}
	d := decoders.Get().(*decoder)
	defer d.release()
	raw, err := d.inflate(b[headerLen:], maxSamples)
	if err != nil {
		return nil, err
	}
	return decodePayload(raw, maxSamples)
}

// decodePayload parses an inflated payload. It checks what the previous
// decoder checked, in the same order, so that it accepts exactly the same
// payloads (FuzzDecodeDifferential).
func decodePayload(raw []byte, maxSamples int) (*rebound.Streams, error) {
	n, mask, pos, err := payloadHeader(raw, maxSamples)
	if err != nil {
		return nil, err
	}
	s := &rebound.Streams{}
	chans := s.Channels()
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
			at += length
		}
		second := secondOrder(c.Name)
		var prev, prevD int64
		for i := range vals {
			if v := vals[i]; v != v {
				continue
			}
			// uvarint, with the one-byte form that most samples take
			// inlined.
			var z uint64
			if pos < len(raw) && raw[pos] < 0x80 {
				z = uint64(raw[pos])
				pos++
			} else {
				var m int
				if z, m = uvarint(raw[pos:]); m <= 0 {
					return nil, varintErr(c.Name, "value", m)
				}
				pos += m
			}
			d := int64(z>>1) ^ -int64(z&1)
			// Bounds that valid encodings respect (|q| ≤ 2^53 makes
			// |Δ| ≤ 2^54 and |ΔΔ| ≤ 2^55) and that keep the sums below
			// from overflowing.
			if d > 4*maxQuantum || d < -4*maxQuantum {
				return nil, corrupt("%s sample %d: delta out of range", c.Name, i)
			}
			if second {
				d += prevD
				prevD = d
			}
			if d > 2*maxQuantum || d < -2*maxQuantum {
				return nil, corrupt("%s sample %d: delta out of range", c.Name, i)
			}
			q := prev + d
			if q > maxQuantum || q < -maxQuantum {
				return nil, corrupt("%s sample %d: value out of range", c.Name, i)
			}
			prev = q
			vals[i] = float64(q) / scale
		}
		*c.Values = vals
	}
	if pos != len(raw) {
		return nil, corrupt("trailing data")
	}
	return s, nil
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
// NaN runs, the blob being built, and two compressors (Huffman only, and the
// LZ77 level) with a buffer for the second's try. Recycled through a
// sync.Pool, which is safe for parallel callers and keeps no data between
// uses (every field is reset before use): allocating a compressor per
// activity was a measurable share of import time (docs/PERFORMANCE.md).
type encoder struct {
	raw  []byte
	ends []int
	runs []int
	out  bytes.Buffer // the blob
	alt  bytes.Buffer // a segment compressed with LZ77
	huff *flate.Writer
	lz   *flate.Writer
}

// encoders holds scratch per compression level (index level+2, for
// flate.HuffmanOnly … flate.BestCompression): Encode uses one level, the
// others serve BenchmarkEncode's comparison on equal terms.
var encoders [flate.BestCompression + 3]sync.Pool

// maxPooled caps the scratch buffers kept for reuse, so that one week-long
// activity does not pin tens of MB in the pools.
const maxPooled = 4 << 20

func getEncoder(level int) (*encoder, error) {
	if level < flate.HuffmanOnly || level > flate.BestCompression {
		return nil, fmt.Errorf("streamcodec: invalid compression level %d", level)
	}
	if e, ok := encoders[level+2].Get().(*encoder); ok {
		return e, nil
	}
	return newEncoder(level)
}

func newEncoder(level int) (*encoder, error) {
	e := &encoder{}
	var err error
	if e.huff, err = flate.NewWriter(nil, flate.HuffmanOnly); err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	if e.lz, err = flate.NewWriter(nil, level); err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	return e, nil
}

// segment appends seg to e.out as DEFLATE blocks ending byte-aligned: a
// sync flush, or the final block when last. Huffman coding alone comes
// first: it is 4–5× faster than an LZ77 level and, on noisy channels
// (speed, heart rate, power, position), where LZ77 finds few matches, as
// small or smaller. Where it codes the channel in under lzTryBits bits per
// payload byte the channel is repetitive (a constant temperature, a
// cadence of 0, interpolated gaps), Huffman's floor of 1 bit per byte bites,
// and lzLevel is tried too (always, with tryLZ); the smaller output is kept.
func (e *encoder) segment(seg []byte, last, tryLZ bool) error {
	start := e.out.Len()
	if err := deflateTo(e.huff, &e.out, seg, last); err != nil {
		return err
	}
	huffLen := e.out.Len() - start
	if !tryLZ && huffLen*8 >= lzTryBits*len(seg) {
		return nil
	}
	e.alt.Reset()
	if err := deflateTo(e.lz, &e.alt, seg, last); err != nil {
		return err
	}
	if e.alt.Len() < huffLen {
		e.out.Truncate(start)
		e.out.Write(e.alt.Bytes())
	}
	return nil
}

// lzTryBits: see segment. On the FIT corpus (100 activities, 364 k samples)
// trying LZ77 below 2, 3, 4, 6 and 9 (always) bits per byte gave 3.56, 3.53,
// 3.49, 3.35 and 3.30 bytes/sample (the old one-stream BestSpeed 3.69); on
// the workload's 11 runs 4.13, 4.12, 4.08, 4.08, 4.06 (old 4.69), with
// encode time rising 10–15 % per step. 4 keeps most of the gain.
const lzTryBits = 4

func deflateTo(zw *flate.Writer, w io.Writer, seg []byte, last bool) error {
	zw.Reset(w)
	if _, err := zw.Write(seg); err != nil {
		return fmt.Errorf("streamcodec: %w", err)
	}
	var err error
	if last {
		err = zw.Close()
	} else {
		err = zw.Flush()
	}
	if err != nil {
		return fmt.Errorf("streamcodec: %w", err)
	}
	return nil
}

func (e *encoder) release(level int) {
	if cap(e.raw) > maxPooled || e.out.Cap() > maxPooled || e.alt.Cap() > maxPooled {
		return
	}
	encoders[level+2].Put(e)
}

// decoder is Decode's scratch: a reader over the compressed bytes, an
// inflater reset onto it and the inflated payload. Pooled like encoder.
type decoder struct {
	zin bytes.Reader
	zr  io.ReadCloser
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
