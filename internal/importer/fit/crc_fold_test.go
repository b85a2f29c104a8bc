package fit

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// crcRef is crcUpdate as it was before crcFold (slicing-by-16, then byte
// by byte), kept verbatim as the reference for the differential tests.
func crcRef(crc uint16, p []byte) uint16 {
	crc, p = crcRefUpdate16(crc, p)
	for _, b := range p {
		crc = crc>>8 ^ crcTable[byte(crc)^b]
	}
	return crc
}

func crcRefUpdate16(crc uint16, p []byte) (uint16, []byte) {
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

// TestCRCPeriod checks the algebra crcFold relies on: x^32767 ≡ 1 and
// x^32768 ≡ x mod P = x^16+x^15+x^2+1 (0x18005), by plain polynomial
// arithmetic, and that no smaller exponent dividing 32767 = 7·31·151 works
// (so 4096-byte blocks are the smallest one-bit-shift fold).
func TestCRCPeriod(t *testing.T) {
	pow := func(n int) uint32 { // x^n mod P, unreflected
		r := uint32(1)
		for range n {
			r <<= 1
			if r&0x10000 != 0 {
				r ^= 0x18005
			}
		}
		return r
	}
	if got := pow(32767); got != 1 {
		t.Fatalf("x^32767 mod P = %#x, want 1", got)
	}
	if got := pow(8 * crcFoldBlock); got != 2 {
		t.Fatalf("x^%d mod P = %#x, want x (0x2)", 8*crcFoldBlock, got)
	}
	for _, d := range []int{7, 31, 151, 7 * 31, 7 * 151, 31 * 151} {
		if got := pow(d); got == 1 {
			t.Fatalf("x^%d mod P = 1: period smaller than 32767", d)
		}
	}
}

// TestCRCKnownAnswers checks crcUpdate, folding or not, against CRC-16/ARC
// check values.
func TestCRCKnownAnswers(t *testing.T) {
	big := make([]byte, 5*crcFoldBlock+123)
	for i := range big {
		big[i] = byte(i*7 + i>>8)
	}
	for _, tc := range []struct {
		name string
		p    []byte
		want uint16
	}{
		// Greg Cook's catalogue of parametrised CRC algorithms, CRC-16/ARC.
		{"123456789", []byte("123456789"), 0xBB3D},
		// A CRC followed by itself little-endian gives register 0 (the
		// reflected CRC's residue with no final XOR), at any length, so
		// the folded path must give 0 too.
		{"residue", binary.LittleEndian.AppendUint16(append([]byte(nil), big...), crcBytewise(0, big)), 0},
		// Zero bytes from register 0 stay 0.
		{"zeros", make([]byte, 7*crcFoldBlock+1), 0},
	} {
		if got := crcUpdate(0, tc.p); got != tc.want {
			t.Errorf("%s: crc = %#04x, want %#04x", tc.name, got, tc.want)
		}
	}
}

// TestCRCMatchesReference compares crcUpdate with crcRef on random data:
// every length 0..100 at every alignment 0..15, then lengths around every
// fold boundary (crcFoldMin, multiples of the block, ±1 for the one-byte
// pre-step) and a few file-sized ones, each from random registers.
func TestCRCMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 100*crcFoldBlock+32)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	check := func(off, n int) {
		t.Helper()
		init := uint16(r.Uint32())
		p := buf[off : off+n]
		if got, want := crcUpdate(init, p), crcRef(init, p); got != want {
			t.Fatalf("off %d, len %d, init %#04x: %#04x, want %#04x", off, n, init, got, want)
		}
		if got, want := crcUpdate(0, p), crcRef(0, p); got != want {
			t.Fatalf("off %d, len %d, init 0: %#04x, want %#04x", off, n, got, want)
		}
	}
	for n := range 101 {
		for off := range 16 {
			check(off, n)
		}
	}
	var lens []int
	for k := 1; k <= 8; k++ {
		for d := -18; d <= 18; d++ {
			lens = append(lens, k*crcFoldBlock+d, crcFoldMin+d)
		}
	}
	lens = append(lens, 59699, 62297, 120241, 317999, 386733) // workload file sizes
	for _, n := range lens {
		check(int(r.Uint32()%16), n)
	}
	for range 200 {
		check(int(r.Uint32()%32), int(r.Uint32()%uint32(100*crcFoldBlock)))
	}
}

// FuzzCRCMatchesReference compares crcUpdate with crcRef on data tiled out
// to a fuzzed length (so small inputs reach the folded path) with one
// fuzzed byte flipped, from a fuzzed register, whole and split in two.
func FuzzCRCMatchesReference(f *testing.F) {
	f.Add([]byte("123456789"), uint16(0), uint32(9), uint32(0), uint32(0))
	f.Add([]byte{0xff}, uint16(0xffff), uint32(crcFoldMin), uint32(5), uint32(1))
	f.Add([]byte("FIT"), uint16(0x1234), uint32(3*crcFoldBlock+1), uint32(4096), uint32(8193))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, uint16(7), uint32(9*crcFoldBlock-1), uint32(77), uint32(4095))
	f.Fuzz(func(t *testing.T, data []byte, init uint16, n, flip, split uint32) {
		n %= 12 * crcFoldBlock
		p := make([]byte, n)
		if len(data) > 0 {
			for i := 0; i < len(p); i += len(data) {
				copy(p[i:], data)
			}
		}
		if n > 0 {
			p[flip%n] ^= 0x5a
		}
		want := crcRef(init, p)
		if got := crcUpdate(init, p); got != want {
			t.Fatalf("len %d, init %#04x: %#04x, want %#04x", n, init, got, want)
		}
		s := int(split % (n + 1))
		if got := crcUpdate(crcUpdate(init, p[:s]), p[s:]); got != want {
			t.Fatalf("len %d split at %d, init %#04x: %#04x, want %#04x", n, s, init, got, want)
		}
	})
}

// BenchmarkCRCSizes compares crcUpdate with crcRef at block-sized and
// workload-file-sized inputs (the median workload file is ~120 KB).
func BenchmarkCRCSizes(b *testing.B) {
	buf := make([]byte, 320<<10)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	for _, n := range []int{2 << 10, 6 << 10, 8 << 10, 12 << 10, 16 << 10, 32 << 10, 120 << 10, 320 << 10} {
		for _, bm := range []struct {
			name string
			f    func(uint16, []byte) uint16
		}{{"fold", crcUpdate}, {"slicing16", crcRef}} {
			b.Run(fmt.Sprintf("%s/%dK", bm.name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					bm.f(0, buf[:n])
				}
			})
		}
	}
}
