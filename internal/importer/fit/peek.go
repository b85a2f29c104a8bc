package fit

import (
	"encoding/binary"
	"time"
)

// PeekStart guesses when the activity in a FIT file starts from the file's
// first bytes alone (any prefix of the file; a few KB is plenty): the first
// absolute date_time it meets, which on an activity file is file_id's
// time_created or the first message's timestamp (field 253), both within
// seconds of the start on the devices in the corpus. It reads no field
// beyond those and checks no CRC, so it is a guess: the importer uses it
// only to decide which files to decode early (importer.Options.Ahead), and
// what is stored always comes from the full decode. ok is false when the
// prefix is not FIT or holds no plausible date.
func PeekStart(prefix []byte) (start time.Time, ok bool) {
	if len(prefix) < 12 {
		return time.Time{}, false
	}
	hdr := int(prefix[0])
	if (hdr != 12 && hdr != 14) || string(prefix[8:12]) != ".FIT" || len(prefix) < hdr {
		return time.Time{}, false
	}
	type def struct {
		defined   bool
		bigEndian bool
		global    uint16
		size      int // bytes of one data message
		at        int // offset of the date_time field in the data message, -1 if none
	}
	var defs [16]def
	b := prefix[hdr:]
	for len(b) > 0 {
		h := b[0]
		b = b[1:]
		switch {
		case h&0x80 != 0: // compressed timestamp header: a data message
			d := &defs[(h>>5)&0x3]
			if !d.defined || len(b) < d.size {
				return time.Time{}, false
			}
			b = b[d.size:]
		case h&0x40 != 0: // definition message
			if len(b) < 5 {
				return time.Time{}, false
			}
			d := def{defined: true, bigEndian: b[1] == 1, at: -1}
			if d.bigEndian {
				d.global = binary.BigEndian.Uint16(b[2:4])
			} else {
				d.global = binary.LittleEndian.Uint16(b[2:4])
			}
			n := int(b[4])
			b = b[5:]
			if len(b) < 3*n {
				return time.Time{}, false
			}
			for i := range n {
				num, size := b[3*i], int(b[3*i+1])
				// time_created of file_id (field 4) and any timestamp
				// (field 253) are uint32 date_times.
				if size == 4 && d.at < 0 && (num == 253 || (d.global == 0 && num == 4)) {
					d.at = d.size
				}
				d.size += size
			}
			b = b[3*n:]
			if h&0x20 != 0 { // developer fields
				if len(b) < 1 {
					return time.Time{}, false
				}
				m := int(b[0])
				b = b[1:]
				if len(b) < 3*m {
					return time.Time{}, false
				}
				for i := range m {
					d.size += int(b[3*i+1])
				}
				b = b[3*m:]
			}
			defs[h&0x0f] = d
		default: // data message
			d := &defs[h&0x0f]
			if !d.defined || len(b) < d.size {
				return time.Time{}, false
			}
			if d.at >= 0 {
				var v uint32
				if d.bigEndian {
					v = binary.BigEndian.Uint32(b[d.at:])
				} else {
					v = binary.LittleEndian.Uint32(b[d.at:])
				}
				// Below 0x10000000 a date_time counts seconds since the
				// device powered on (FIT profile), not an absolute time;
				// 0xFFFFFFFF is "invalid".
				if v >= 0x10000000 && v != 0xFFFFFFFF {
					return time.Unix(int64(v)+fitEpochUnix, 0).UTC(), true
				}
			}
			b = b[d.size:]
		}
	}
	return time.Time{}, false
}
