package fit

import "encoding/binary"

// crcTables extends crcTable for "slicing-by-16" (Kounavis and Berry, "A
// Systematic Approach to Building High Performance Software-Based CRC
// Generators", 2005, generalised from 8 to 16): crcTables[k][b] is the CRC
// register after byte b followed by k zero bytes, so sixteen input bytes
// fold into the register with independent lookups instead of dependent
// ones. 8 KiB of tables.
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

// The FIT CRC-16 polynomial P = x^16+x^15+x^2+1 factors as
// (x+1)(x^15+x+1), and x^15+x+1 is a primitive trinomial (in the table of
// Zierler and Brillhart, "On Primitive Trinomials (Mod 2)", Information and
// Control 13, 1968), so x^32767 ≡ 1 (mod x^15+x+1) and, trivially,
// (mod x+1): P divides x^32767+1, and x^32768 ≡ x (mod P). TestCRCPeriod
// checks this by plain polynomial arithmetic.
//
// A message's CRC depends only on its polynomial mod P, so crcFold first
// reduces the message mod x^32767+1, a cheap shift-and-XOR over 4096-byte
// (32768-bit) blocks — appending a block multiplies what came before by
// x^32768 ≡ x, a one-bit shift — and then runs the table CRC over the one
// 4096-byte block left. The FIT CRC runs over every byte of every file and
// files are tens to hundreds of KiB, so most bytes take the cheap path
// (BenchmarkCRC, 64 KiB: ~4× slicing-by-16 alone; ~6× at 120 KiB).
const (
	crcFoldBlock = 4096 // bytes; 8·4096 = 32767+1 bits
	// crcFoldMin is the length from which folding beats slicing alone
	// (BenchmarkCRCSizes): below it the final 4096-byte CRC dominates.
	crcFoldMin = 2 * crcFoldBlock
)

// crcUpdate16 folds p into crc — all of it when p is long enough for
// crcFold, else its longest multiple of 16 bytes — and returns the rest of
// p, for crcUpdate to finish byte by byte.
func crcUpdate16(crc uint16, p []byte) (uint16, []byte) {
	if len(p) >= crcFoldMin {
		return crcFold(crc, p), nil
	}
	return crcSlice16(crc, p)
}

// crcSlice16 is crcUpdate16 without folding.
func crcSlice16(crc uint16, p []byte) (uint16, []byte) {
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

// crcFold returns the CRC of all of p (len(p) ≥ 2) from register crc.
//
// Bit order: the CRC is reflected, so with a block loaded as 512
// little-endian words, bit i of the block (bit i%64 of word i/64) is the
// coefficient of x^(32767-i) relative to the block's end. Multiplying by
// x^s (s < 64) moves every bit s positions down, and bit i < s, the
// coefficient of x^(32767-i), wraps round to x^(s-i) (x^32767 ≡ 1), which
// is bit 32767-s+i: the top bits of the last word, from bit 63-s.
func crcFold(crc uint16, p []byte) uint16 {
	// Leading zero bytes do not change a CRC from register 0, so the
	// message is padded at the front to whole blocks; the register's
	// effect is that of XORing it into the message's first two bytes
	// (what crcSlice16 does with x), which must then share a block.
	if len(p)%crcFoldBlock == 1 {
		crc = crc>>8 ^ crcTable[byte(crc)^p[0]]
		p = p[1:]
	}
	z := (crcFoldBlock - len(p)%crcFoldBlock) % crcFoldBlock
	var head [crcFoldBlock]byte
	p = p[copy(head[z:], p):]
	head[z] ^= byte(crc)
	head[z+1] ^= byte(crc >> 8)
	le := binary.LittleEndian
	var acc [crcFoldBlock / 8]uint64 // words, so that loads are aligned
	for i := range acc {
		acc[i] = le.Uint64(head[8*i:])
	}
	const last = len(acc) - 1
	// Four blocks a pass, acc·x^4 + B0·x^3 + B1·x^2 + B2·x + B3, so that
	// acc is loaded and stored once per 16 KiB.
	for len(p) >= 4*crcFoldBlock {
		b := (*[4 * crcFoldBlock]byte)(p)
		const b1, b2, b3 = crcFoldBlock, 2 * crcFoldBlock, 3 * crcFoldBlock
		wrap := (acc[0]&15)<<59 ^ uint64(b[0]&7)<<60 ^ uint64(b[b1]&3)<<61 ^ uint64(b[b2]&1)<<62
		for i := range last {
			j := 8 * i
			v := acc[i]>>4 | acc[i+1]<<60
			v ^= le.Uint64(b[j:])>>3 | le.Uint64(b[j+8:])<<61
			v ^= le.Uint64(b[b1+j:])>>2 | le.Uint64(b[b1+j+8:])<<62
			v ^= le.Uint64(b[b2+j:])>>1 | le.Uint64(b[b2+j+8:])<<63
			acc[i] = v ^ le.Uint64(b[b3+j:])
		}
		const j = 8 * last
		acc[last] = wrap ^ acc[last]>>4 ^ le.Uint64(b[j:])>>3 ^ le.Uint64(b[b1+j:])>>2 ^
			le.Uint64(b[b2+j:])>>1 ^ le.Uint64(b[b3+j:])
		p = p[4*crcFoldBlock:]
	}
	for len(p) >= crcFoldBlock {
		b := (*[crcFoldBlock]byte)(p)
		wrap := (acc[0] & 1) << 62
		for i := range last {
			acc[i] = (acc[i]>>1 | acc[i+1]<<63) ^ le.Uint64(b[8*i:])
		}
		acc[last] = wrap ^ acc[last]>>1 ^ le.Uint64(b[8*last:])
		p = p[crcFoldBlock:]
	}
	// The table CRC of acc as a 4096-byte message (crcSlice16 on words).
	t := &crcTables
	crc = 0
	for i := 0; i < len(acc); i += 2 {
		x, y := acc[i]^uint64(crc), acc[i+1]
		crc = t[15][byte(x)] ^ t[14][byte(x>>8)] ^ t[13][byte(x>>16)] ^ t[12][byte(x>>24)] ^
			t[11][byte(x>>32)] ^ t[10][byte(x>>40)] ^ t[9][byte(x>>48)] ^ t[8][byte(x>>56)] ^
			t[7][byte(y)] ^ t[6][byte(y>>8)] ^ t[5][byte(y>>16)] ^ t[4][byte(y>>24)] ^
			t[3][byte(y>>32)] ^ t[2][byte(y>>40)] ^ t[1][byte(y>>48)] ^ t[0][byte(y>>56)]
	}
	return crc
}
