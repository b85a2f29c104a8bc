package streamcodec

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sync"

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
func Encode(s *rebound.Streams) ([]byte, error) {
	// BestSpeed: the varint payload is already small and repetitive, and
	// higher levels buy little; see BenchmarkEncode for the comparison.
	return encode(s, flate.BestSpeed)
}

func encode(s *rebound.Streams, level int) ([]byte, error) {
	if s == nil {
		s = &rebound.Streams{}
	}
	chans := s.Channels()
	n := s.Len()
	if n > MaxSamples {
		return nil, rebound.Errorf(rebound.EInvalid, "streams: %d samples is more than the %d (7 days) Rebound keeps", n, MaxSamples)
	}
	var mask uint64
	for i, c := range chans {
		if _, ok := perUnit(c.Name); !ok {
			// A channel added to the domain without a scale here: a bug.
			return nil, fmt.Errorf("streamcodec: no scale for channel %q", c.Name)
		}
		if *c.Values == nil {
			continue
		}
		if len(*c.Values) != n {
			return nil, rebound.Errorf(rebound.EInvalid, "streams: channel %s has %d samples, others %d", c.Name, len(*c.Values), n)
		}
		mask |= 1 << i
	}

	var raw bytes.Buffer
	raw.Grow(16 + n*len(chans)*2)
	var tmp [binary.MaxVarintLen64]byte
	putU := func(v uint64) { raw.Write(tmp[:binary.PutUvarint(tmp[:], v)]) }
	putU(uint64(n))
	putU(mask)
	for _, c := range chans {
		vals := *c.Values
		if vals == nil {
			continue
		}
		scale, _ := perUnit(c.Name)
		// Missing samples: count of NaN runs, then (gap, length) pairs.
		var runs []uint64
		for i := 0; i < n; {
			if !math.IsNaN(vals[i]) {
				i++
				continue
			}
			j := i
			for j < n && math.IsNaN(vals[j]) {
				j++
			}
			runs = append(runs, uint64(i), uint64(j-i))
			i = j
		}
		putU(uint64(len(runs) / 2))
		end := uint64(0)
		for k := 0; k < len(runs); k += 2 {
			putU(runs[k] - end) // present samples since the previous run
			putU(runs[k+1])
			end = runs[k] + runs[k+1]
		}
		// Finite samples: zigzag varint of the difference to the previous
		// one (order 1) or of the change of that difference (order 2).
		second := secondOrder(c.Name)
		var prev, prevD int64
		for i, v := range vals {
			if math.IsNaN(v) {
				continue
			}
			q := math.Round(v * scale)
			if math.IsInf(v, 0) || math.Abs(q) > maxQuantum {
				return nil, rebound.Errorf(rebound.EInvalid, "streams: channel %s sample %d: value %g out of range", c.Name, i, v)
			}
			d := int64(q) - prev
			prev = int64(q)
			if second {
				d, prevD = d-prevD, d
			}
			putU(uint64(d<<1) ^ uint64(d>>63))
		}
	}

	var out bytes.Buffer
	out.Grow(headerLen + raw.Len()/2)
	out.Write(magic[:])
	out.WriteByte(Version)
	out.Write([]byte{0, 0, 0, 0}) // CRC, set below
	zw, err := flateWriter(&out, level)
	if err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	defer releaseFlate(zw, level)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	b := out.Bytes()
	binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
	return b, nil
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
	// flate reads a bytes.Reader (an io.ByteReader) without buffering ahead,
	// so zin.Len() tells whether the DEFLATE stream ended at the blob's end.
	zin := bytes.NewReader(b[headerLen:])
	zr := flate.NewReader(zin)
	defer zr.Close()
	r := bufio.NewReader(zr)

	// getU reads one uvarint; the message is built only on error, as this
	// runs once per sample.
	getU := func(channel, what string) (uint64, error) {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			if channel != "" {
				what = channel + ": " + what
			}
			return 0, corrupt("%s: %v", what, err)
		}
		return v, nil
	}
	n64, err := getU("", "sample count")
	if err != nil {
		return nil, err
	}
	if n64 > uint64(maxSamples) {
		return nil, corrupt("%d samples, more than %d", n64, maxSamples)
	}
	n := int(n64)
	mask, err := getU("", "channel mask")
	if err != nil {
		return nil, err
	}
	s := &rebound.Streams{}
	chans := s.Channels()
	if mask>>len(chans) != 0 {
		return nil, corrupt("unknown channels in mask %#x", mask)
	}
	for ci, c := range chans {
		if mask&(1<<ci) == 0 {
			continue
		}
		scale, ok := perUnit(c.Name)
		if !ok {
			return nil, fmt.Errorf("streamcodec: no scale for channel %q", c.Name)
		}
		vals := make([]float64, n)
		nruns, err := getU(c.Name, "run count")
		if err != nil {
			return nil, err
		}
		if nruns > uint64(n) {
			return nil, corrupt("%s: %d missing runs in %d samples", c.Name, nruns, n)
		}
		pos := uint64(0)
		for range nruns {
			gap, err := getU(c.Name, "run gap")
			if err != nil {
				return nil, err
			}
			length, err := getU(c.Name, "run length")
			if err != nil {
				return nil, err
			}
			if length == 0 || gap > uint64(n)-pos || length > uint64(n)-pos-gap {
				return nil, corrupt("%s: missing run beyond %d samples", c.Name, n)
			}
			pos += gap
			for k := pos; k < pos+length; k++ {
				vals[k] = math.NaN()
			}
			pos += length
		}
		second := secondOrder(c.Name)
		var prev, prevD int64
		for i := range vals {
			if math.IsNaN(vals[i]) {
				continue
			}
			z, err := getU(c.Name, "value")
			if err != nil {
				return nil, err
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
	if _, err := r.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, corrupt("trailing data")
		}
		return nil, corrupt("%v", err)
	}
	if zin.Len() != 0 {
		return nil, corrupt("%d bytes after the compressed data", zin.Len())
	}
	return s, nil
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
	for _, c := range s.Channels() {
		vals := *c.Values
		scale, ok := perUnit(c.Name)
		if vals == nil || !ok {
			continue
		}
		for i, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if q := math.Round(v * scale); math.Abs(q) <= maxQuantum {
				vals[i] = float64(int64(q)) / scale
			}
		}
	}
}

// speedWriters recycles BestSpeed compressors: a flate.Writer holds about
// 1 MB of state, and allocating one per activity was a measurable share of
// import time (docs/PERFORMANCE.md). A sync.Pool is safe for the parallel
// callers and holds no data between uses (Reset before each).
var speedWriters sync.Pool

func flateWriter(w io.Writer, level int) (*flate.Writer, error) {
	if level == flate.BestSpeed {
		if zw, ok := speedWriters.Get().(*flate.Writer); ok {
			zw.Reset(w)
			return zw, nil
		}
	}
	return flate.NewWriter(w, level)
}

func releaseFlate(zw *flate.Writer, level int) {
	if level == flate.BestSpeed {
		speedWriters.Put(zw)
	}
}
