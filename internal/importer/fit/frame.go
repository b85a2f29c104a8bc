package fit

import (
	"encoding/binary"
	"io"
)

// crcTable is the byte-wise table of the FIT CRC-16 (polynomial 0x8005
// reflected, i.e. CRC-16/ARC, initial value 0), built from the nibble table
// of the FIT SDK's FitCRC_Get16 so the two agree by construction.
var crcTable = func() (t [256]uint16) {
	nibble := [16]uint16{
		0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
		0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
	}
	for b := range t {
		crc := uint16(0)
		tmp := nibble[crc&0xF]
		crc = (crc>>4)&0x0FFF ^ tmp ^ nibble[b&0xF]
		tmp = nibble[crc&0xF]
		crc = (crc>>4)&0x0FFF ^ tmp ^ nibble[(b>>4)&0xF]
		t[b] = crc
	}
	return t
}()

func crcUpdate(crc uint16, p []byte) uint16 {
	crc, p = crcUpdate16(crc, p) // crc.go: the fold or 16 bytes a step; p is the rest
	for _, b := range p {
		crc = crc>>8 ^ crcTable[byte(crc)^b]
	}
	return crc
}

// Outcome of one FIT sequence's integrity check.
type frameStatus uint8

const (
	frameOK           frameStatus = iota + 1
	frameBadCRC                   // the file CRC matches neither the header+data nor the data CRC
	frameBadHeaderCRC             // a non-zero header CRC that does not match the header
)

// frameChecker passes a FIT byte stream through unchanged while checking the
// integrity of each FIT sequence, as the FIT protocol defines it: a 12- or
// 14-byte header (size, protocol, profile, data size, ".FIT", optional header
// CRC where 0 means "not computed"), data_size bytes of records, and a
// 2-byte little-endian CRC-16. The protocol computes that CRC over the
// header and the data; a 14-byte header whose own CRC is valid contributes
// nothing to it (a CRC over a message followed by its CRC is 0), which is
// why decoders that check the data only (muktihari/fit) agree on most
// files and reject those with a zero header CRC. Both forms are accepted.
//
// It sits between the reader and the decoder, so it sees bytes before the
// decoder parses them; results are indexed by sequence.
type frameChecker struct {
	r   io.Reader
	n   int64 // bytes passed through
	err error // the first read error other than io.EOF

	state     uint8 // stHeader, stData, stCRC, stOff
	hdr       [14]byte
	hdrLen    int
	remaining uint32 // data bytes left in the current sequence
	crcAll    uint16 // over header + data
	crcData   uint16 // over data only
	needData  bool   // crcData can differ from crcAll
	crcBuf    [2]byte
	crcLen    int
	headerBad bool

	results []frameStatus // one per completed sequence
}

const (
	stHeader = iota
	stData
	stCRC
	stOff // not a FIT header where one should be: the decoder reports it
)

func (c *frameChecker) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.feed(p[:n])
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

func (c *frameChecker) feed(p []byte) {
	for len(p) > 0 {
		switch c.state {
		case stHeader:
			if c.hdrLen == 0 && p[0] != 12 && p[0] != 14 {
				c.state = stOff
				return
			}
			need := 1
			if c.hdrLen > 0 {
				need = int(c.hdr[0]) - c.hdrLen
			}
			k := copy(c.hdr[c.hdrLen:c.hdrLen+need], p)
			c.hdrLen += k
			p = p[k:]
			if c.hdrLen == int(c.hdr[0]) {
				c.startData()
			}
		case stData:
			k := len(p)
			if uint32(k) > c.remaining {
				k = int(c.remaining)
			}
			c.crcAll = crcUpdate(c.crcAll, p[:k])
			if c.needData {
				c.crcData = crcUpdate(c.crcData, p[:k])
			}
			c.remaining -= uint32(k)
			p = p[k:]
			if c.remaining == 0 {
				c.state = stCRC
			}
		case stCRC:
			k := copy(c.crcBuf[c.crcLen:], p)
			c.crcLen += k
			p = p[k:]
			if c.crcLen == 2 {
				c.endSequence()
			}
		case stOff:
			return
		}
	}
}

func (c *frameChecker) startData() {
	h := c.hdr[:c.hdrLen]
	if string(h[8:12]) != ".FIT" {
		c.state = stOff
		return
	}
	// A valid non-zero header CRC makes the two CRCs equal (see above), so
	// the data-only CRC is needed only for 12-byte headers and header CRC 0.
	c.headerBad, c.needData = false, true
	if len(h) == 14 {
		if want := binary.LittleEndian.Uint16(h[12:14]); want != 0 {
			c.headerBad = crcUpdate(0, h[:12]) != want
			c.needData = false
		}
	}
	c.remaining = binary.LittleEndian.Uint32(h[4:8])
	c.crcAll, c.crcData = crcUpdate(0, h), 0
	c.state = stData
	if c.remaining == 0 {
		c.state = stCRC
	}
}

func (c *frameChecker) endSequence() {
	got := binary.LittleEndian.Uint16(c.crcBuf[:])
	st := frameOK
	switch {
	case c.headerBad:
		st = frameBadHeaderCRC
	case got != c.crcAll && (!c.needData || got != c.crcData):
		st = frameBadCRC
	}
	c.results = append(c.results, st)
	c.hdrLen, c.crcLen, c.state = 0, 0, stHeader
}

// result is the integrity of sequence i, 0 when the checker never saw that
// sequence end (the decoder and the framing disagree: a message ran past the
// declared data size).
func (c *frameChecker) result(i int) frameStatus {
	if i < len(c.results) {
		return c.results[i]
	}
	return 0
}
