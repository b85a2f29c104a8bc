package fit

import (
	"bytes"
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"rebound"
)

// rawFile writes FIT bytes by hand, message by message, so tests can build
// what no encoder writes: big-endian definitions, compressed timestamp
// headers, definitions whose types disagree with the profile, developer
// fields, both speed and enhanced_speed in one record.
type rawFile struct{ msgs []byte }

// rawField is one field definition: number, size, base type.
type rawField struct{ num, size, bt byte }

// FIT base types (FIT protocol, "Base Types").
const (
	btEnum   = 0x00
	btSint8  = 0x01
	btUint8  = 0x02
	btUint16 = 0x84
	btUint32 = 0x86
	btByte   = 0x0D
	btString = 0x07
)

func (r *rawFile) def(local byte, num uint16, big bool, fields []rawField, devs ...rawField) *rawFile {
	hdr := 0x40 | local
	if len(devs) > 0 {
		hdr |= 0x20
	}
	arch := byte(0)
	order := binary.AppendByteOrder(binary.LittleEndian)
	if big {
		arch, order = 1, binary.BigEndian
	}
	r.msgs = append(r.msgs, hdr, 0, arch)
	r.msgs = order.AppendUint16(r.msgs, num)
	r.msgs = append(r.msgs, byte(len(fields)))
	for _, f := range fields {
		r.msgs = append(r.msgs, f.num, f.size, f.bt)
	}
	if len(devs) > 0 {
		r.msgs = append(r.msgs, byte(len(devs)))
		for _, f := range devs {
			r.msgs = append(r.msgs, f.num, f.size, f.bt) // bt: developer data index
		}
	}
	return r
}

func (r *rawFile) data(local byte, b ...byte) *rawFile {
	r.msgs = append(append(r.msgs, local), b...)
	return r
}

// compressed writes a data message with a compressed timestamp header:
// local type 0–3, time offset 0–31 s.
func (r *rawFile) compressed(local, offset byte, b ...byte) *rawFile {
	r.msgs = append(append(r.msgs, 0x80|local<<5|offset&0x1F), b...)
	return r
}

// bytes is the file: a 14-byte header with its CRC, the messages, the CRC.
func (r *rawFile) bytes() []byte {
	h := []byte{14, 0x20}
	h = binary.LittleEndian.AppendUint16(h, 2188)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(r.msgs)))
	h = append(h, ".FIT"...)
	h = binary.LittleEndian.AppendUint16(h, crcUpdate(0, h))
	out := append(h, r.msgs...)
	return binary.LittleEndian.AppendUint16(out, crcUpdate(0, out))
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// rawT0 is the FIT time of the raw files' first record: 1,000,000,000 s
// after the FIT epoch (1989-12-31), i.e. 2021-09-09T01:46:40Z.
const rawT0 = 1_000_000_000

// fileID starts a raw file with file_id type activity (4), Garmin (1).
func fileID(r *rawFile) *rawFile {
	return r.def(0, 0, false, []rawField{{0, 1, btEnum}, {1, 2, btUint16}}).data(0, cat([]byte{4}, le16(1))...)
}

// Record field definitions: timestamp, heart_rate, distance, speed.
var recordFields = []rawField{{253, 4, btUint32}, {3, 1, btUint8}, {5, 4, btUint32}, {6, 2, btUint16}}

// records writes n 1 Hz records at 3.0 m/s with heart rate 140 + i%10.
func records(r *rawFile, local byte, big bool, n int) *rawFile {
	r.def(local, 20, big, recordFields)
	u16, u32 := le16, le32
	if big {
		u16, u32 = be16, be32
	}
	for i := range n {
		r.data(local, cat(u32(uint32(rawT0+i)), []byte{byte(140 + i%10)}, u32(uint32(i*300)), u16(3000))...)
	}
	return r
}

// rawCase is a hand-built file and what the fast path must do with it.
type rawCase struct {
	name  string
	file  *rawFile
	took  bool                                  // the fast path takes it (fast.go's rules)
	check func(*testing.T, []*rebound.Activity) // known answers, on the general decoder's result too
}

func rawCases() []rawCase {
	var cs []rawCase
	add := func(name string, took bool, f *rawFile, check func(*testing.T, []*rebound.Activity)) {
		cs = append(cs, rawCase{name, f, took, check})
	}
	stream := func(get func(*rebound.Streams) []float64, i int, want float64) func(*testing.T, []*rebound.Activity) {
		return func(t *testing.T, acts []*rebound.Activity) {
			t.Helper()
			if len(acts) != 1 || acts[0].Streams == nil || len(get(acts[0].Streams)) <= i {
				t.Fatalf("want one activity with streams, got %d", len(acts))
			}
			if got := get(acts[0].Streams)[i]; got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("sample %d: %v, want %v", i, got, want)
			}
		}
	}
	hr := func(s *rebound.Streams) []float64 { return s.HeartRateBPM }
	speed := func(s *rebound.Streams) []float64 { return s.SpeedMPS }

	// Record 5 has heart rate 140 + 5 = 145 (see records).
	add("little-endian records", true, records(fileID(&rawFile{}), 1, false, 60), stream(hr, 5, 145))
	add("big-endian records", true, records(fileID(&rawFile{}), 1, true, 60), stream(hr, 5, 145))

	// A full record at rawT0, then compressed headers at offsets +1…+40 s
	// (wrapping past 31): record k is at rawT0 + k, so sample 35 exists with
	// heart rate 100 + 35.
	{
		r := fileID(&rawFile{})
		r.def(1, 20, false, recordFields).data(1, cat(le32(rawT0), []byte{100}, le32(0), le16(3000))...)
		r.def(2, 20, false, []rawField{{3, 1, btUint8}, {6, 2, btUint16}})
		for k := 1; k <= 40; k++ {
			r.compressed(2, byte((rawT0+k)&0x1F), cat([]byte{byte(100 + k)}, le16(3000))...)
		}
		add("compressed timestamps", true, r, stream(hr, 35, 135))
	}
	// The same, with the last timestamp set by a message Rebound does not
	// keep and the profile does not know (global number 0xFF00).
	{
		r := fileID(&rawFile{})
		r.def(1, 0xFF00, false, []rawField{{253, 4, btUint32}, {0, 1, btUint8}}).data(1, cat(le32(rawT0), []byte{7})...)
		r.def(2, 20, false, []rawField{{3, 1, btUint8}, {6, 2, btUint16}})
		for k := 1; k <= 40; k++ {
			r.compressed(2, byte((rawT0+k)&0x1F), cat([]byte{byte(100 + k)}, le16(3000))...)
		}
		// First record at rawT0+1: sample 0 has 101 bpm.
		add("last timestamp from an unknown message", true, r, stream(hr, 0, 101))
	}
	{
		r := fileID(&rawFile{})
		r.def(2, 20, false, recordFields)
		for k := 0; k < 10; k++ {
			r.compressed(2, byte(k), cat(le32(uint32(rawT0+k)), []byte{120}, le32(0), le16(3000))...)
		}
		add("compressed header on a message with its own timestamp", false, r, nil)
	}
	// muktihari expands speed into enhanced_speed whenever speed is valid,
	// overwriting an enhanced_speed of the same record: 3.0 m/s wins over
	// 4.0. With speed invalid (0xFFFF), enhanced_speed's 4.0 stands.
	{
		fields := append(append([]rawField(nil), recordFields...), rawField{73, 4, btUint32})
		r := fileID(&rawFile{}).def(1, 20, false, fields)
		r2 := fileID(&rawFile{}).def(1, 20, false, fields)
		for i := range 30 {
			r.data(1, cat(le32(uint32(rawT0+i)), []byte{140}, le32(uint32(i*300)), le16(3000), le32(4000))...)
			r2.data(1, cat(le32(uint32(rawT0+i)), []byte{140}, le32(uint32(i*300)), le16(0xFFFF), le32(4000))...)
		}
		add("speed overwrites enhanced_speed", true, r, stream(speed, 3, 3.0))
		add("enhanced_speed without speed", true, r2, stream(speed, 3, 4.0))
	}
	// Developer fields (index 0, field 0, 2 bytes) are skipped by size;
	// a field_description with an invalid base type (0x55) makes
	// muktihari refuse the file, so the fast path declines it.
	for _, bt := range []byte{btUint16, 0x55} {
		r := fileID(&rawFile{})
		r.def(1, 207, false, []rawField{{3, 1, btUint8}}).data(1, 0)                                          // developer_data_id: index 0
		r.def(2, 206, false, []rawField{{0, 1, btUint8}, {1, 1, btUint8}, {2, 1, btUint8}}).data(2, 0, 0, bt) // field_description
		r.def(3, 20, false, recordFields, rawField{0, 2, 0})
		for i := range 30 {
			r.data(3, cat(le32(uint32(rawT0+i)), []byte{150}, le32(uint32(i*300)), le16(3000), le16(250))...)
		}
		if bt == btUint16 {
			add("developer fields", true, r, stream(hr, 3, 150))
		} else {
			add("developer field with an invalid base type", false, r, nil)
		}
	}
	// A heart rate defined as sint8: muktihari reads known fields with the
	// profile's type (uint8), so 0x96 is 150 bpm, not −106.
	{
		r := fileID(&rawFile{}).def(1, 20, false, []rawField{{253, 4, btUint32}, {3, 1, btSint8}, {5, 4, btUint32}})
		for i := range 30 {
			r.data(1, cat(le32(uint32(rawT0+i)), []byte{0x96}, le32(uint32(i*300)))...)
		}
		add("definition type differs from the profile", true, r, stream(hr, 3, 150))
	}
	// A heart rate in 2 bytes: muktihari reads the first; the fast path
	// leaves sizes other than the profile's to it.
	{
		r := fileID(&rawFile{}).def(1, 20, false, []rawField{{253, 4, btUint32}, {3, 2, btUint16}, {5, 4, btUint32}})
		for i := range 30 {
			r.data(1, cat(le32(uint32(rawT0+i)), []byte{150, 0}, le32(uint32(i*300)))...)
		}
		add("kept field of an unexpected size", false, r, stream(hr, 3, 150))
	}
	// Zero-size fields are dropped from the definition, as muktihari does.
	{
		fields := append([]rawField{{4, 0, btUint8}}, recordFields...)
		add("zero-size field", true, fileID(&rawFile{}).def(1, 20, false, fields).
			data(1, cat(le32(rawT0), []byte{150}, le32(0), le16(3000))...).
			data(1, cat(le32(rawT0+1), []byte{151}, le32(300), le16(3000))...), stream(hr, 1, 151))
	}
	// compressed_speed_distance (accumulated distance) goes to the general
	// decoder.
	{
		r := fileID(&rawFile{}).def(1, 20, false, []rawField{{253, 4, btUint32}, {3, 1, btUint8}, {8, 3, btByte}})
		for i := range 30 {
			r.data(1, cat(le32(uint32(rawT0+i)), []byte{150, 0x2C, 0x31, 0x00})...)
		}
		add("compressed_speed_distance", false, r, nil)
	}
	// hr messages go to the general decoder.
	add("hr message", false, records(fileID(&rawFile{}), 1, false, 30).
		def(2, 132, false, []rawField{{253, 4, btUint32}, {6, 1, btUint8}}).data(2, cat(le32(rawT0+40), []byte{150})...), nil)
	// file_id.product_name is kept as the device name.
	{
		r := (&rawFile{}).def(0, 0, false, []rawField{{0, 1, btEnum}, {1, 2, btUint16}, {8, 8, btString}}).
			data(0, cat([]byte{4}, le16(255), []byte("Trail\x00\x00\x00"))...)
		add("product name", true, records(r, 1, false, 30), func(t *testing.T, acts []*rebound.Activity) {
			if len(acts) != 1 || acts[0].Device == "" {
				t.Fatalf("want one activity with a device, got %d", len(acts))
			}
		})
	}
	// Session totals: avg_speed expands into enhanced_avg_speed (2.5 m/s
	// wins over 9.0), elapsed 30 s.
	{
		r := records(fileID(&rawFile{}), 1, false, 30)
		r.def(2, 18, false, []rawField{{253, 4, btUint32}, {2, 4, btUint32}, {5, 1, btEnum}, {7, 4, btUint32}, {9, 4, btUint32}, {14, 2, btUint16}, {124, 4, btUint32}}).
			data(2, cat(le32(rawT0+30), le32(rawT0), []byte{1}, le32(30000), le32(9000), le16(2500), le32(9000))...)
		add("session avg_speed overwrites enhanced_avg_speed", true, r, func(t *testing.T, acts []*rebound.Activity) {
			if len(acts) != 1 || acts[0].AvgSpeedMPS != 2.5 || acts[0].ElapsedS != 30 {
				t.Fatalf("want one activity, 2.5 m/s, 30 s; got %d", len(acts))
			}
		})
	}
	return cs
}

// TestFastRawCases checks, on hand-built files, which ones the fast path
// takes, that it agrees with the general decoder, and known answers.
func TestFastRawCases(t *testing.T) {
	for _, c := range rawCases() {
		t.Run(c.name, func(t *testing.T) {
			data := c.file.bytes()
			took, diff := fastVsGeneral(data)
			if diff != "" {
				t.Fatalf("fast path differs from the general decoder (-general +fast):\n%s", diff)
			}
			if took != c.took {
				t.Errorf("fast path took the file: %v, want %v", took, c.took)
			}
			if c.check != nil {
				acts, err := Decode(bytes.NewReader(data), testNow)
				if err != nil {
					t.Fatal(err)
				}
				c.check(t, acts)
			}
		})
	}
}

// TestFastReservationBounded: a file of a million 1-byte record messages
// (a definition with no fields; the records carry no timestamp and are
// dropped) must not make the walker reserve room for a million points up
// front (~100 MB): it reserves at most maxPointsAhead at a time.
func TestFastReservationBounded(t *testing.T) {
	r := fileID(&rawFile{}).def(1, 20, false, nil)
	r.msgs = append(r.msgs, bytes.Repeat([]byte{1}, 1<<20)...)
	data := r.bytes()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	acc := newAccumulator()
	if why := walkFast(data, acc); why != "" {
		t.Fatalf("fast path declined: %s", why)
	}
	runtime.ReadMemStats(&after)
	// 16,384 points of ~100 bytes, plus the walker's own few KB.
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("walking allocated %d bytes, want at most 4 MiB", got)
	}
	if len(acc.points) != 0 {
		t.Errorf("%d points from records without a timestamp, want 0", len(acc.points))
	}
}
