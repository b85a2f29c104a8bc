package fit

import "encoding/binary"

// Integrity of one FIT sequence, as the FIT protocol defines it: a 12- or
// 14-byte header (optional header CRC where 0 means "not computed"),
// data_size bytes of records, then a CRC-16 over the header and the data.
// muktihari/fit checks the CRC over the data only, which equals the
// protocol's only for a 14-byte header with a valid header CRC; real files
// use either, so either is accepted (see frame.go for the streaming check
// Decode uses).
type Integrity uint8

const (
	IntegrityOK           Integrity = iota + 1
	IntegrityBadHeaderCRC           // the 14-byte header's own CRC is wrong
	IntegrityBadCRC                 // the file CRC matches neither form
)

// CheckSequences walks the chained sequences of data by their header sizes
// and returns the integrity of each complete one. It stops at the first
// sequence that is not whole (the decoder reports why). Other readers of
// FIT files (wellness data) share this one rule with the activity importer.
func CheckSequences(data []byte) []Integrity {
	var out []Integrity
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
		case hs == 14 && binary.LittleEndian.Uint16(hdr[12:]) != 0 && crcUpdate(0, hdr[:12]) != binary.LittleEndian.Uint16(hdr[12:]):
			out = append(out, IntegrityBadHeaderCRC)
		case crcUpdate(0, data[:hs+size]) == want || crcUpdate(0, body) == want:
			out = append(out, IntegrityOK)
		default:
			out = append(out, IntegrityBadCRC)
		}
		data = data[hs+size+2:]
	}
	return out
}
