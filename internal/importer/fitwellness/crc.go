package fitwellness

import (
	"encoding/binary"

	"github.com/muktihari/fit/kit/hash/crc16"
)

// Sequence integrity, as the FIT protocol defines it: a 12- or 14-byte
// header (size, protocol, profile, data size, ".FIT", optional header CRC
// where 0 means "not computed"), data_size bytes of records, then a
// little-endian CRC-16 over the header and the data. muktihari/fit checks
// the CRC over the data only, which equals the protocol's only for a
// 14-byte header with a valid header CRC, so it rejects most 12-byte-header
// files (most of the real files in ../shared/corpus). Parse therefore
// decodes with WithIgnoreChecksum and checks here, accepting either form —
// as internal/importer/fit does.

// Integrity of one FIT sequence.
const (
	seqOK = iota
	seqBadHeaderCRC
	seqBadCRC
)

// checkSequences walks the chained sequences of data by their header sizes
// and returns the integrity of each complete one. It stops at the first
// sequence that is not whole (the decoder reports why).
func checkSequences(data []byte) []int {
	var out []int
	for len(data) >= 12 {
		hs := int(data[0])
		if (hs != 12 && hs != 14) || len(data) < hs || string(data[8:12]) != ".FIT" {
			break
		}
		size := int(binary.LittleEndian.Uint32(data[4:8]))
		if size < 0 || len(data)-hs-2 < size {
			break
		}
		hdr, body := data[:hs], data[hs:hs+size]
		want := binary.LittleEndian.Uint16(data[hs+size:])
		switch {
		case hs == 14 && binary.LittleEndian.Uint16(hdr[12:]) != 0 && crc(hdr[:12]) != binary.LittleEndian.Uint16(hdr[12:]):
			out = append(out, seqBadHeaderCRC)
		case crc(data[:hs+size]) == want || crc(body) == want:
			out = append(out, seqOK)
		default:
			out = append(out, seqBadCRC)
		}
		data = data[hs+size+2:]
	}
	return out
}

func crc(b []byte) uint16 {
	h := crc16.New()
	_, _ = h.Write(b)
	return h.Sum16()
}
