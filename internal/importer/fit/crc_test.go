package fit

import (
	"math/rand/v2"
	"testing"
)

// crcBytewise is the FIT SDK's byte-at-a-time CRC-16, the reference for
// crcUpdate (the fold of crc.go above 8 KiB, slicing-by-16 below).
func crcBytewise(crc uint16, p []byte) uint16 {
	for _, b := range p {
		crc = crc>>8 ^ crcTable[byte(crc)^b]
	}
	return crc
}

// TestCRC checks crcUpdate against a known answer and against the
// byte-at-a-time reference on random inputs of every length up to 64 and
// every starting register.
func TestCRC(t *testing.T) {
	// CRC-16/ARC check value: "123456789" → 0xBB3D (Greg Cook's catalogue
	// of parametrised CRC algorithms, CRC-16/ARC).
	if got := crcUpdate(0, []byte("123456789")); got != 0xBB3D {
		t.Fatalf("crc of 123456789 = %#04x, want 0xbb3d", got)
	}
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 64)
	for n := range len(buf) + 1 {
		for range 20 {
			for i := range buf[:n] {
				buf[i] = byte(r.Uint32())
			}
			init := uint16(r.Uint32())
			if got, want := crcUpdate(init, buf[:n]), crcBytewise(init, buf[:n]); got != want {
				t.Fatalf("len %d, init %#04x: %#04x, want %#04x", n, init, got, want)
			}
		}
	}
}

// BenchmarkCRC compares crcUpdate with the byte-at-a-time reference on
// 64 KiB.
func BenchmarkCRC(b *testing.B) {
	buf := make([]byte, 64<<10)
	for _, bm := range []struct {
		name string
		f    func(uint16, []byte) uint16
	}{{"crcUpdate", crcUpdate}, {"bytewise", crcBytewise}} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(buf)))
			for b.Loop() {
				bm.f(0, buf)
			}
		})
	}
}
