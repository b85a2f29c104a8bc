package fit

import "encoding/binary"

// crcTables extends crcTable for "slicing-by-16" (Kounavis and Berry, "A
// Systematic Approach to Building High Performance Software-Based CRC
// Generators", 2005, generalised from 8 to 16): crcTables[k][b] is the CRC
// register after byte b followed by k zero bytes, so sixteen input bytes
// fold into the register with independent lookups instead of dependent
// ones. The CRC runs over every byte of every file, so this matters
// (BenchmarkCRC: ~5× the byte-at-a-time loop). 8 KiB of tables.
var crcTables = func() (t [16][256]uint16) {
	t[0] = crcTable
	for k := 1; k < 16; k++ {
		for b := range 256 {
			c := t[k-1][b]
			t[k][b] = c>>8 ^ crcTable[byte(c)]
		}
	}
	return t
}()

// crcUpdate16 folds the longest multiple of 16 bytes of p into crc and
// returns the rest of p, for crcUpdate to finish byte by byte.
func crcUpdate16(crc uint16, p []byte) (uint16, []byte) {
	t := &crcTables
	for len(p) >= 16 {
		x := binary.LittleEndian.Uint64(p) ^ uint64(crc)
		y := binary.LittleEndian.Uint64(p[8:])
		crc = t[15][byte(x)] ^ t[14][byte(x>>8)] ^ t[13][byte(x>>16)] ^ t[12][byte(x>>24)] ^
			t[11][byte(x>>32)] ^ t[10][byte(x>>40)] ^ t[9][byte(x>>48)] ^ t[8][byte(x>>56)] ^
			t[7][byte(y)] ^ t[6][byte(y>>8)] ^ t[5][byte(y>>16)] ^ t[4][byte(y>>24)] ^
			t[3][byte(y>>32)] ^ t[2][byte(y>>40)] ^ t[1][byte(y>>48)] ^ t[0][byte(y>>56)]
		p = p[16:]
	}
	return crc, p
}
