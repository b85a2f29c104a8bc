package streamcodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/bits"
	"slices"

	"github.com/klauspost/compress/huff0"
)

// Version 2 keeps Version 1's payload byte for byte (sample count, channel
// mask, per channel its NaN runs and zigzag varints, appendChannel) and
// changes only how it is compressed: instead of one DEFLATE stream, the
// payload after its two header varints is a sequence of segments, each
// compressed on its own with huff0, the Huffman stage of zstd
// (github.com/klauspost/compress/huff0). After the blob header:
//
//	uvarint  sample count   } as in the payload, not compressed
//	uvarint  channel mask   }
//	segments, until the blob ends, each:
//	  uvarint  rawLen<<2 | mode
//	  mode 0 (stored):  rawLen payload bytes
//	  mode 1 (repeat):  one byte b < 0x80; the payload is rawLen copies of b
//	  mode 2 (huff 1X): uvarint compLen, then compLen bytes of huff0 1X
//	  mode 3 (huff 4X): uvarint compLen, then compLen bytes of huff0 4X
//
// The segments' payload bytes, concatenated after the two header varints,
// are the Version 1 payload, read by the same decodePayload. Encode makes a
// segment of each channel (split every maxSegment bytes), so each channel
// gets a Huffman table fitted to it, as Version 1's per-channel DEFLATE
// segments did; below blockSplitMin samples the whole payload is one
// segment, as tables would cost more than they save.
//
// Why: on the 11 real runs behind the import workload (docs/PERFORMANCE.md)
// DEFLATE was over half of Encode's time (Huffman tables, and LZ77 tries on
// repetitive channels) and inflating over half of Decode's. huff0 builds,
// writes and reads its tables and codes the bytes several times faster (4X
// decodes four interleaved streams at once), and the size grows 2.7 %
// (4.08 → 4.19 bytes per sample): huff0 cannot go below 1 bit per byte on
// the few repetitive channels where Version 1's LZ77 did. With the value
// loop of decodeSpan, CPU ns per sample on those runs went (benchstat,
// 8 runs each, old and new alternating, load average 5–10, ±30 %):
// Decode 227 → 123, Encode 192 → 128, QuantizeEncode 216 → 147. What is
// left of Encode is half huff0 (a third of it building tables) and half
// the quantise-and-varint loop, which Version 1 had too.
//
// Tried and not kept: a copy of huff0's encoder in this package, writing
// the same bytes with a histogram counted into four tables, a symbol sort
// that is not quadratic on near-uniform channels and one word per code;
// Encode went 124 → 114 CPU ns per sample (benchstat, p=0.02). Some 0.05
// CPU-s per import did not justify keeping 740 lines of another project's
// code in step with it.
//
// Alternatives measured on the same payload of those runs (one run each,
// ns per sample of the compression stage alone, bytes per sample stored):
// zstd SpeedFastest over the whole payload 77 ns to encode and 20 to
// decode, 4.59 bytes (+12 %); bit packing of the zigzag deltas in blocks of
// 128 with a width byte 40 ns, 7.6 bytes (+86 %); bit packing then huff0
// 80 ns, 5.05 bytes; Rice coding of the zigzag deltas with a parameter per
// block of 32 to 256, 5.7 bytes (+37 %, computed, not timed: the deltas are
// not geometric enough); DEFLATE Huffman-only per channel 57 ns, 4.18;
// huff0 1X per channel 53–59 ns, 4.16, its 4X form decoding twice as fast
// as 1X (BenchmarkDecode-sized segments). huff0 was the only one both fast
// and within the +10 % size budget.
const (
	modeStored = iota
	modeRepeat
	modeHuff1X
	modeHuff4X
)

// blockSplitMin is the sample count from which Encode gives each channel a
// segment of its own. Below it one segment is smaller: a huff0 table takes
// 10–40 bytes, which a channel of a few dozen bytes does not earn back. On
// run1h (TestEncodedSize) splitting from 20, 50, 80 and 100 samples gave
// 344, 322, 322, 322 bytes for 30 samples, 578, 578, 557, 557 for 60 and
// 1025 for 120 (1042 unsplit); Version 1 split from 300, where DEFLATE's
// larger tables broke even.
const blockSplitMin = 100

// maxSegment bounds a segment's payload bytes: huff0 codes at most
// huff0.BlockSizeMax (256 KiB − 1) bytes per call. Only channels longer
// than about a day at one byte per sample are split.
const maxSegment = 1 << 17

// fourXMin is the segment size from which Encode uses huff0's 4X form: four
// interleaved bit streams, which decode about twice as fast as 1X on 3–4
// KB channel segments (BenchmarkDecode) for a 6-byte jump table.
const fourXMin = 1024

// writeV2 builds the Version 2 blob of the payload in e.raw, whose two
// header varints end at hdr and whose channels end at e.ends; n is the
// sample count.
func (e *encoder) writeV2(n, hdr int) ([]byte, error) {
	raw := e.raw
	out := append(e.out[:0], magic[0], magic[1], Version, 0, 0, 0, 0) // CRC set below
	out = append(out, raw[:hdr]...)
	var err error
	if n < blockSplitMin {
		out, err = e.segment(out, raw[hdr:])
	} else {
		start := hdr
		for _, end := range e.ends {
			if out, err = e.segment(out, raw[start:end]); err != nil {
				break
			}
			start = end
		}
	}
	e.out = out
	if err != nil {
		return nil, err
	}
	// A copy of exactly the blob's size: the caller keeps it (importers
	// queue thousands), the scratch goes back to the pool.
	b := slices.Clone(out)
	binary.LittleEndian.PutUint32(b[3:headerLen], crc32.ChecksumIEEE(b[headerLen:]))
	return b, nil
}

// segment appends seg, split every maxSegment bytes, as segments to out:
// Huffman-coded, or stored when huff0 finds no gain, or as a repeat when
// every byte is the same.
func (e *encoder) segment(out, seg []byte) ([]byte, error) {
	for len(seg) > 0 {
		part := seg[:min(len(seg), maxSegment)]
		seg = seg[len(part):]
		mode := modeHuff1X
		var comp []byte
		var err error
		if len(part) >= fourXMin {
			mode = modeHuff4X
			comp, _, err = huff0.Compress4X(part, &e.hs)
		} else {
			comp, _, err = huff0.Compress1X(part, &e.hs)
		}
		switch {
		case err == nil:
			out = binary.AppendUvarint(out, uint64(len(part))<<2|uint64(mode))
			out = binary.AppendUvarint(out, uint64(len(comp)))
			out = append(out, comp...)
		case errors.Is(err, huff0.ErrUseRLE) && part[0] < 0x80:
			out = binary.AppendUvarint(out, uint64(len(part))<<2|modeRepeat)
			out = append(out, part[0])
		case errors.Is(err, huff0.ErrIncompressible) || errors.Is(err, huff0.ErrUseRLE):
			out = binary.AppendUvarint(out, uint64(len(part))<<2|modeStored)
			out = append(out, part...)
		default:
			return out, fmt.Errorf("streamcodec: %w", err)
		}
	}
	return out, nil
}

// unpackV2 returns the payload of the Version 2 blob body (the blob after
// its header), in d.raw. Every allocation is bounded before it is made: the
// payload by maxPayload of the sample count and channels, as for Version 1;
// repeat segments together by the most varints the channels can hold (each
// repeated byte is a whole varint); a Huffman segment by 8 bytes per
// compressed byte (huff0 codes take at least 1 bit) and
// huff0.BlockSizeMax. So a small blob cannot make Decode buffer more than
// its sample count allows, nor more than a few times its own size but for
// runs of one byte value, which are bounded by the sample count.
func (d *decoder) unpackV2(body []byte, maxSamples int) ([]byte, error) {
	n, mask, pos, err := payloadHeader(body, maxSamples)
	if err != nil {
		return nil, err
	}
	k := bits.OnesCount64(mask)
	limit := maxPayload(n, k)
	repeatLeft := 2 + k*(1+2*n) // varints a payload of n samples in k channels holds
	raw := append(d.raw[:0], body[:pos]...)
	defer func() { d.raw = raw }()
	for pos < len(body) {
		h, m := uvarint(body[pos:])
		if m <= 0 {
			return nil, varintErr("", "segment header", m)
		}
		pos += m
		mode, size := h&3, h>>2
		if size == 0 {
			return nil, corrupt("empty segment")
		}
		if size > uint64(limit-len(raw)) {
			return nil, corrupt("payload longer than its sample count allows")
		}
		rawLen := int(size)
		switch mode {
		case modeStored:
			if rawLen > len(body)-pos {
				return nil, corrupt("stored segment of %d bytes: %d left", rawLen, len(body)-pos)
			}
			raw = append(raw, body[pos:pos+rawLen]...)
			pos += rawLen
		case modeRepeat:
			if pos >= len(body) {
				return nil, corrupt("repeat segment: no byte")
			}
			b := body[pos]
			pos++
			if b >= 0x80 {
				return nil, corrupt("repeat segment of byte %#x", b)
			}
			if rawLen > repeatLeft {
				return nil, corrupt("repeat segments longer than their sample count allows")
			}
			repeatLeft -= rawLen
			raw = slices.Grow(raw, rawLen)
			at := len(raw)
			raw = raw[:at+rawLen]
			for i := at; i < len(raw); i++ {
				raw[i] = b
			}
		default: // modeHuff1X, modeHuff4X
			c, m := uvarint(body[pos:])
			if m <= 0 {
				return nil, varintErr("", "segment length", m)
			}
			pos += m
			if c > uint64(len(body)-pos) {
				return nil, corrupt("huffman segment of %d bytes: %d left", c, len(body)-pos)
			}
			comp := body[pos : pos+int(c)]
			pos += int(c)
			if rawLen > huff0.BlockSizeMax || rawLen > 8*len(comp) {
				return nil, corrupt("huffman segment of %d bytes cannot hold %d", len(comp), rawLen)
			}
			hs, rest, err := huff0.ReadTable(comp, &d.hs)
			if err != nil {
				return nil, corrupt("huffman table: %v", err)
			}
			raw = slices.Grow(raw, rawLen)
			at := len(raw)
			dst := raw[at : at : at+rawLen]
			var got []byte
			if mode == modeHuff4X {
				got, err = hs.Decoder().Decompress4X(dst, rest)
			} else {
				got, err = hs.Decoder().Decompress1X(dst, rest)
			}
			if err != nil {
				return nil, corrupt("huffman segment: %v", err)
			}
			if len(got) != rawLen {
				return nil, corrupt("huffman segment: %d bytes, header says %d", len(got), rawLen)
			}
			raw = raw[:at+rawLen]
			copy(raw[at:], got) // a no-op: huff0 decodes into dst, within its capacity
		}
	}
	return raw, nil
}
