package streamcodec

// This file keeps, verbatim but renamed (ref…), the Version 1 codec as it was
// before the klauspost/compress rewrite: stdlib compress/flate at BestSpeed,
// a bytes.Buffer of varints and bufio.ReadByte on decode. The differential
// tests and fuzz targets hold the current codec to it bit for bit: same
// decoded samples for the same input, each decoder reading the other's
// blobs, and the same accept/reject verdict on any blob. Do not "improve"
// it: its value is that it does not change. (Only the version constant was
// renamed, to version1, when Encode moved to Version 2.)

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"sync"

	"rebound"
)

func refEncode(s *rebound.Streams, level int) ([]byte, error) {
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
	out.WriteByte(version1)
	out.Write([]byte{0, 0, 0, 0}) // CRC, set below
	zw, err := refFlateWriter(&out, level)
	if err != nil {
		return nil, fmt.Errorf("streamcodec: %w", err)
	}
	defer refReleaseFlate(zw, level)
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

// refDecode is decode as it was (Decode with a sample cap).
func refDecode(b []byte, maxSamples int) (*rebound.Streams, error) {
	if len(b) < headerLen || b[0] != magic[0] || b[1] != magic[1] {
		return nil, refCorrupt("not a stream blob (bad header)")
	}
	if b[2] != version1 {
		return nil, refCorrupt("format version %d, this build reads %d", b[2], version1)
	}
	if binary.LittleEndian.Uint32(b[3:headerLen]) != crc32.ChecksumIEEE(b[headerLen:]) {
		return nil, refCorrupt("checksum mismatch")
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
			return 0, refCorrupt("%s: %v", what, err)
		}
		return v, nil
	}
	n64, err := getU("", "sample count")
	if err != nil {
		return nil, err
	}
	if n64 > uint64(maxSamples) {
		return nil, refCorrupt("%d samples, more than %d", n64, maxSamples)
	}
	n := int(n64)
	mask, err := getU("", "channel mask")
	if err != nil {
		return nil, err
	}
	s := &rebound.Streams{}
	chans := s.Channels()
	if mask>>len(chans) != 0 {
		return nil, refCorrupt("unknown channels in mask %#x", mask)
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
			return nil, refCorrupt("%s: %d missing runs in %d samples", c.Name, nruns, n)
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
				return nil, refCorrupt("%s: missing run beyond %d samples", c.Name, n)
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
				return nil, refCorrupt("%s sample %d: delta out of range", c.Name, i)
			}
			if second {
				d += prevD
				prevD = d
			}
			if d > 2*maxQuantum || d < -2*maxQuantum {
				return nil, refCorrupt("%s sample %d: delta out of range", c.Name, i)
			}
			q := prev + d
			if q > maxQuantum || q < -maxQuantum {
				return nil, refCorrupt("%s sample %d: value out of range", c.Name, i)
			}
			prev = q
			vals[i] = float64(q) / scale
		}
		*c.Values = vals
	}
	if _, err := r.ReadByte(); err != io.EOF {
		if err == nil {
			return nil, refCorrupt("trailing data")
		}
		return nil, refCorrupt("%v", err)
	}
	if zin.Len() != 0 {
		return nil, refCorrupt("%d bytes after the compressed data", zin.Len())
	}
	return s, nil
}

func refCorrupt(format string, args ...any) error {
	return fmt.Errorf("streamcodec: %w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// refSpeedWriters recycles BestSpeed compressors: a flate.Writer holds about
// 1 MB of state, and allocating one per activity was a measurable share of
// import time (docs/PERFORMANCE.md). A sync.Pool is safe for the parallel
// callers and holds no data between uses (Reset before each).
var refSpeedWriters sync.Pool

func refFlateWriter(w io.Writer, level int) (*flate.Writer, error) {
	if level == flate.BestSpeed {
		if zw, ok := refSpeedWriters.Get().(*flate.Writer); ok {
			zw.Reset(w)
			return zw, nil
		}
	}
	return flate.NewWriter(w, level)
}

func refReleaseFlate(zw *flate.Writer, level int) {
	if level == flate.BestSpeed {
		refSpeedWriters.Put(zw)
	}
}
