package fit

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/muktihari/fit/profile"
	"github.com/muktihari/fit/profile/basetype"
	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/fieldnum"
	"github.com/muktihari/fit/profile/untyped/mesgnum"
	"github.com/muktihari/fit/proto"

	"rebound"
)

// The fast path: a hand-written walker over the FIT framing that feeds the
// accumulator the same values the muktihari listener (listener.go) would,
// without building a proto.Message per data message. For each definition
// message it precomputes the byte offset, stored type and slot of only the
// fields Rebound keeps (fields.go); data messages of any other kind, and
// every other field (developer fields included), are skipped by size.
//
// It reproduces what muktihari/fit v0.26.1's decoder does with those bytes
// (decoder.go: decodeFields, expandComponents; proto.UnmarshalValue,
// Value.Valid), which the differential tests check on every corpus file
// and on fuzzed inputs:
//   - a known field is read with the base type of the FIT profile, not of
//     the definition (muktihari asks its factory);
//   - the "last timestamp" for compressed timestamp headers follows every
//     field 253 read as a uint32, in every message, and restarts at 0 with
//     each FIT sequence, as do the local definitions;
//   - a component expanding into a kept field (record speed →
//     enhanced_speed, altitude → enhanced_altitude, session and lap
//     avg/max speed → enhanced avg/max speed) overwrites that field with
//     the component's value, converted through the component's and the
//     destination's scale and offset, whenever the source is valid.
//
// It declines (walkFast says why, and Decode runs the general decoder
// on the whole file) on anything else, so that the result is the general
// decoder's by construction:
//   - any framing problem: no FIT header, a header CRC or file CRC that
//     does not match (frame.go's rules), a data size of 0, a file that ends
//     inside a sequence, bytes after the last sequence, a message running
//     past its sequence's data, a data message whose local type was never
//     defined, a definition with an invalid base type — every one of these
//     is an error or a dropped tail, which the general path words;
//   - a data message of a kept kind whose definition has a kept field
//     (or a component source of one) whose size is not the profile base
//     type's size (muktihari pads or reads a first array element), a kept
//     field of profile type bool or array, a field number defined twice, or
//     a component into a kept field other than the simple one-to-one
//     expansions above (compressed_speed_distance, with its accumulated
//     distance, is the common case);
//   - a field 253 that muktihari would read as a uint32 but whose size is
//     not 4, or a compressed timestamp header on a message that carries its
//     own field 253;
//   - an hr message (chest-strap store-and-forward, with accumulated
//     12-bit event time stamps): rare, swim files only;
//   - a developer field whose field_description has an invalid base type
//     (muktihari refuses the file).

// fastType is how a kept field's stored integer is read and validated.
type fastType uint8

const (
	ftU8   fastType = iota + 1 // enum, byte, uint8: invalid 0xFF
	ftU8z                      // invalid 0
	ftS8                       // invalid 0x7F
	ftU16                      // invalid 0xFFFF
	ftU16z                     // invalid 0
	ftS16                      // invalid 0x7FFF
	ftU32                      // invalid 0xFFFFFFFF
	ftU32z                     // invalid 0
	ftS32                      // invalid 0x7FFFFFFF
)

// fastTypeOf maps a FIT base type to its fastType; 0 for types Rebound
// never keeps (64-bit, floats, strings).
func fastTypeOf(bt basetype.BaseType) fastType {
	switch bt {
	case basetype.Enum, basetype.Byte, basetype.Uint8:
		return ftU8
	case basetype.Uint8z:
		return ftU8z
	case basetype.Sint8:
		return ftS8
	case basetype.Uint16:
		return ftU16
	case basetype.Uint16z:
		return ftU16z
	case basetype.Sint16:
		return ftS16
	case basetype.Uint32:
		return ftU32
	case basetype.Uint32z:
		return ftU32z
	case basetype.Sint32:
		return ftS32
	}
	return 0
}

// size is the stored size of t in bytes.
func (t fastType) size() int {
	switch t {
	case ftU8, ftU8z, ftS8:
		return 1
	case ftU16, ftU16z, ftS16:
		return 2
	}
	return 4
}

// read returns the stored number at b[0:] and whether it is valid
// (proto.Value.Valid for the same base type).
func (t fastType) read(b []byte, big bool) (float64, bool) {
	switch t {
	case ftU8:
		return float64(b[0]), b[0] != 0xFF
	case ftU8z:
		return float64(b[0]), b[0] != 0
	case ftS8:
		return float64(int8(b[0])), b[0] != 0x7F
	case ftU16, ftU16z, ftS16:
		var v uint16
		if big {
			v = binary.BigEndian.Uint16(b)
		} else {
			v = binary.LittleEndian.Uint16(b)
		}
		switch t {
		case ftU16:
			return float64(v), v != 0xFFFF
		case ftU16z:
			return float64(v), v != 0
		}
		return float64(int16(v)), v != 0x7FFF
	default:
		var v uint32
		if big {
			v = binary.BigEndian.Uint32(b)
		} else {
			v = binary.LittleEndian.Uint32(b)
		}
		switch t {
		case ftU32:
			return float64(v), v != 0xFFFFFFFF
		case ftU32z:
			return float64(v), v != 0
		}
		return float64(int32(v)), v != 0x7FFFFFFF
	}
}

// raw is the stored unsigned integer at b[0:] for the unsigned types.
func (t fastType) raw(b []byte, big bool) uint32 {
	switch t {
	case ftU8, ftU8z:
		return uint32(b[0])
	case ftU16, ftU16z:
		if big {
			return uint32(binary.BigEndian.Uint16(b))
		}
		return uint32(binary.LittleEndian.Uint16(b))
	}
	if big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// fastOp reads one kept field into its slot.
type fastOp struct {
	off   int
	typ   fastType
	slot  int8
	plain bool // scale 1, offset 0
	spec  spec
}

// fastExpand is a one-to-one component expansion into a kept field, as
// muktihari's expandComponents does it: when the source is valid, the
// destination field's value becomes
// uint32((src/comp.Scale − comp.Offset + dst.Offset) × dst.Scale),
// truncated to the destination base type.
type fastExpand struct {
	off                   int
	src                   fastType
	compScale, compOffset float64
	dstScale, dstOffset   float64
	dst                   fastType
	slot                  int8
	spec                  spec
	// same: the destination's slot has the component's scale and offset,
	// and a valid source number is a valid destination number (dst at
	// least as wide as src), so when the round trip returns the source's
	// number the value is the component's scaled value (walker.record).
	same bool
}

// fastDef is a local message definition, compiled.
type fastDef struct {
	defined  bool
	num      uint16
	kind     kind
	big      bool   // big-endian architecture (muktihari: anything but 0)
	size     int    // bytes of a data message after its header, developer fields included
	tsOff    int    // offset of a field 253 read as uint32 (updates the last timestamp), -1 if none
	declined string // why data messages of this definition are not handled, "" when they are
	ops      []fastOp
	expands  []fastExpand
	pnOff    int // file_id.product_name offset, -1 if none
	pnSize   int
	fdOff    [3]int // field_description developer_data_index, field_definition_number, fit_base_type_id; -1 if absent
	devs     []devKey
	devCheck int // len(walker.descs) when devs were last checked against them

	// The record plan (compileRecord): d.ops again, grouped into runs of
	// one reader each, so that the hot loop dispatches once per run rather
	// than once per field and a field's bytes are read without the
	// endianness branch. Only for little-endian records nothing declines.
	rec  bool
	rops []recOp
	runs []recRun

	// The point plan (compilePoint): when the record plan's fields are
	// read with the types, scales and offsets of the FIT profile and its
	// expansions are speed → enhanced_speed and altitude →
	// enhanced_altitude, walker.point writes the rebound.Point from the
	// message's bytes directly, in straight-line code.
	pt bool
	pp pointPlan
}

// pointPlan is where a record definition's kept fields are: offsets in
// the message, -1 for fields it lacks.
type pointPlan struct {
	off [numRecordSlots]int32
	// The record's speed and altitude expand into enhanced_speed and
	// enhanced_altitude (fastExpand, same), as muktihari's expandComponents
	// does whenever the record has them.
	speedExp, altExp bool
}

// recordField is a record field as the point plan reads it: the stored
// type and the scale and offset of its slot in the FIT profile
// (fields.go, recordSlot; Profile.xlsx).
type recordField struct {
	typ           fastType
	scale, offset float64
}

// pointLayout is what walker.point assumes of each record slot; a record
// definition whose fields differ (a different profile) keeps the record
// plan.
var pointLayout = [numRecordSlots]recordField{
	recTimestamp:   {ftU32, 1, 0},
	recLat:         {ftS32, 1, 0},
	recLon:         {ftS32, 1, 0},
	recAltitude:    {ftU16, 5, 500},
	recEnhAltitude: {ftU32, 5, 500},
	recHeartRate:   {ftU8, 1, 0},
	recCadence:     {ftU8, 1, 0},
	recFracCadence: {ftU8, 128, 0},
	recDistance:    {ftU32, 100, 0},
	recSpeed:       {ftU16, 1000, 0},
	recEnhSpeed:    {ftU32, 1000, 0},
	recPower:       {ftU16, 1, 0},
	recTemperature: {ftS8, 1, 0},
}

// recOp reads one kept field of a record into its slot of a recVals.
type recOp struct {
	off           int
	slot          uint8 // < numRecordSlots
	scale, offset float64
}

// recRun is the recOps rops[from:to], read the same way: code is
// fastType<<1, plus 1 when the value needs its scale and offset.
type recRun struct {
	code     uint8
	from, to int
}

// recVals holds the kept fields of one record message as values does,
// with the power-of-two length that lets slot&15 index it unchecked.
type recVals [16]float64

// recBlank is a recVals of NaN, every field missing; never written.
var recBlank = func() (v recVals) {
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}()

// devKey names a developer field (developer_data_index, field number).
type devKey struct{ index, num byte }

// devDesc is what the decoder keeps of a field_description message.
type devDesc struct {
	key   devKey
	valid bool // its fit_base_type_id is a valid base type
}

// maxPointsAhead caps how many points the walker reserves at once: 16,384
// (1.6 MB) covers 4.5 h of 1 s records, most files in one step; longer ones
// grow by appending as the general path does. Rebound's choice.
const maxPointsAhead = 1 << 14

// probePoints is how many points reservePoints reserves first, and then
// extrapolates from: 64 records of ~30–60 bytes span a few KB of
// the file, past a short first record. Rebound's choice.
const probePoints = 64

// walker is the fast path's state over one file.
type walker struct {
	acc        *accumulator
	fac        *factory.Factory
	defs       [16]fastDef
	timestamp  uint32 // last timestamp, for compressed timestamp headers
	lastOffset byte
	descs      []devDesc
	vals       values
	seen       [256]uint8 // field numbers seen in the definition being compiled, by generation
	seenGen    uint8
	rest       int  // bytes of the sequence after the current message
	seqPoints  int  // len(acc.points) when the current sequence started
	firstRest  int  // rest before the sequence's first record that reserved points, -1 before it
	recTS      spec // slotOf(kindRecord, timestamp), for compressed timestamp headers
	noPlans    bool // compile no record plans: records go through data (tests)
	noPoints   bool // compile no point plans: records go through record (tests)

	// compiled holds the definitions compiled so far by their bytes (key,
	// the scratch that builds the key, says how), at most maxCompiled;
	// the walker keeps them from file to file (walkers).
	compiled map[string]*fastDef
	key      []byte
}

// maxCompiled bounds walker.compiled: a device writes a few dozen
// definitions, and a hostile file of distinct definitions must not grow
// the map without end. Rebound's choice.
const maxCompiled = 256

// switches is what of the walker, besides a definition's bytes, its
// compilation depends on, as the bits of the cache key's first byte
// (the header's developer-data flag is 0x20).
func (w *walker) switches() byte {
	var s byte
	if w.noPlans {
		s |= 1
	}
	if w.noPoints {
		s |= 2
	}
	return s
}

// walkers holds walkers for walkFast to reuse, with the definitions they
// compiled: the files of one import mostly come from a few devices, which
// write the same definitions in every file.
var walkers = sync.Pool{New: func() any { return newWalker(nil) }}

// walkFast feeds acc from data, a whole FIT file, and reports whether it
// could: "" when it did, else why not (see the list above); then acc holds a partial
// result and must be thrown away.
func walkFast(data []byte, acc *accumulator) (declined string) {
	w := walkers.Get().(*walker)
	w.acc = acc
	declined = w.walk(data)
	w.acc = nil
	walkers.Put(w) // not after a panic (decodeFast recovers): that walker is dropped
	return declined
}

func newWalker(acc *accumulator) *walker {
	return &walker{
		acc: acc, fac: factory.StandardFactory(), recTS: slotOf(kindRecord, proto.FieldNumTimestamp),
		compiled: make(map[string]*fastDef),
	}
}

// walk is walkFast with w.
func (w *walker) walk(data []byte) (declined string) {
	acc := w.acc
	pos := 0
	for seq := 0; ; seq++ {
		if pos == len(data) {
			if seq == 0 {
				return "empty file"
			}
			return ""
		}
		hsize := int(data[pos])
		if (hsize != 12 && hsize != 14) || len(data)-pos < hsize || string(data[pos+8:pos+12]) != ".FIT" {
			return "no FIT header"
		}
		h := data[pos : pos+hsize]
		dataSize := int(binary.LittleEndian.Uint32(h[4:8]))
		if dataSize == 0 || len(data)-pos-hsize < dataSize+2 {
			return "truncated or empty sequence"
		}
		body := data[pos+hsize : pos+hsize+dataSize]
		got := binary.LittleEndian.Uint16(data[pos+hsize+dataSize:])
		if !sequenceIntact(h, body, got) {
			return "CRC mismatch"
		}
		acc.startSequence()
		w.startSequence()
		if why := w.messages(body); why != "" {
			return why
		}
		pos += hsize + dataSize + 2
	}
}

// sequenceIntact applies frameChecker's rules (frame.go) to one sequence
// held in memory: a non-zero header CRC must match the header, and the file
// CRC must match header+data, or data alone when the header carries no
// valid CRC of its own.
func sequenceIntact(h, body []byte, got uint16) bool {
	needData := true
	if len(h) == 14 {
		if want := binary.LittleEndian.Uint16(h[12:14]); want != 0 {
			if crcUpdate(0, h[:12]) != want {
				return false
			}
			needData = false
		}
	}
	if crcUpdate(crcUpdate(0, h), body) == got {
		return true
	}
	return needData && crcUpdate(0, body) == got
}

func (w *walker) startSequence() {
	for i := range w.defs {
		w.defs[i].defined = false
	}
	w.timestamp, w.lastOffset = 0, 0
	w.descs = w.descs[:0]
	w.seqPoints, w.firstRest = len(w.acc.points), -1
}

// messages walks the data of one sequence; it must end exactly at its end.
func (w *walker) messages(b []byte) (declined string) {
	for i := 0; i < len(b); {
		hdr := b[i]
		i++
		if hdr&0xC0 == 0x40 {
			n, why := w.define(hdr, b[i:])
			if why != "" {
				return why
			}
			i += n
			continue
		}
		local := hdr & 0x0F
		compressed := hdr&0x80 != 0
		if compressed {
			local = (hdr & 0x60) >> 5
		}
		d := &w.defs[local]
		if !d.defined {
			return "undefined local message type"
		}
		if len(b)-i < d.size {
			return "message runs past the sequence"
		}
		msg := b[i : i+d.size]
		i += d.size
		w.rest = len(b) - i
		if compressed {
			off := hdr & 0x1F
			w.timestamp += uint32((off - w.lastOffset) & 0x1F)
			w.lastOffset = off
			if d.tsOff >= 0 {
				return "compressed timestamp header on a message with a timestamp"
			}
		} else if d.tsOff >= 0 {
			var ts uint32
			if d.big {
				ts = binary.BigEndian.Uint32(msg[d.tsOff:])
			} else {
				ts = binary.LittleEndian.Uint32(msg[d.tsOff:])
			}
			w.timestamp, w.lastOffset = ts, byte(ts&0x1F)
		}
		if d.num == mesgnum.FieldDescription {
			w.fieldDescription(d, msg)
		}
		// muktihari reads the developer fields of every message, and
		// refuses the file if one's field_description is unusable.
		if len(d.devs) > 0 && d.devCheck != len(w.descs) && !w.devsOK(d) {
			return "developer field with an invalid field_description"
		}
		if d.pt { // a record: the common case first
			w.point(d, msg, compressed)
			continue
		}
		if d.kind == kindNone {
			continue
		}
		if d.rec {
			w.record(d, msg, compressed)
			continue
		}
		if d.declined != "" {
			return d.declined
		}
		w.data(d, msg, compressed)
	}
	return ""
}

// devsOK tells whether muktihari would accept d's developer fields: the
// first field_description matching each must have a valid base type.
func (w *walker) devsOK(d *fastDef) bool {
	for _, k := range d.devs {
		for _, desc := range w.descs {
			if desc.key == k {
				if !desc.valid {
					return false
				}
				break
			}
		}
	}
	d.devCheck = len(w.descs)
	return true
}

// data hands one data message of a kept kind to the accumulator.
func (w *walker) data(d *fastDef, msg []byte, compressed bool) {
	v := &w.vals
	v.reset()
	if compressed {
		if s := slotOf(d.kind, proto.FieldNumTimestamp); s.slot >= 0 && w.timestamp != 0xFFFFFFFF {
			v[s.slot] = float64(w.timestamp)/s.scale - s.offset
		}
	}
	for i := range d.ops {
		op := &d.ops[i]
		if x, ok := op.typ.read(msg[op.off:], d.big); ok {
			if op.plain {
				v[op.slot] = x // x/1 − 0 is x exactly
			} else {
				v[op.slot] = x/op.spec.scale - op.spec.offset
			}
		}
	}
	for i := range d.expands {
		e := &d.expands[i]
		if _, ok := e.src.read(msg[e.off:], d.big); !ok {
			continue
		}
		val := e.src.raw(msg[e.off:], d.big)
		scaled := float64(val)/e.compScale - e.compOffset
		val = uint32((scaled + e.dstOffset) * e.dstScale)
		var buf [4]byte
		binary.LittleEndian.PutUint32(buf[:], val)
		if y, ok := e.dst.read(buf[:], false); ok {
			v[e.slot] = y/e.spec.scale - e.spec.offset
		} else {
			v[e.slot] = math.NaN()
		}
	}
	switch d.kind {
	case kindFileID:
		name := ""
		if d.pnOff >= 0 {
			val, err := proto.UnmarshalValue(msg[d.pnOff:d.pnOff+d.pnSize], 0, basetype.String, profile.String, false)
			if err == nil {
				name = val.String()
			}
		}
		w.acc.fileID(v, name)
	case kindSport:
		w.acc.sport(v)
	case kindSession:
		w.acc.session(v)
	case kindLap:
		w.acc.lap(v)
	case kindRecord:
		if a := w.acc; len(a.points) == cap(a.points) {
			w.reservePoints(d)
		}
		w.acc.record(v)
	case kindActivity:
		w.acc.activity(v)
	}
}

// reservePoints makes room in the accumulator's points for the records the
// rest of the sequence holds. Records are most of an activity file, but
// not all (hrv, events, developer data), and the first record definition
// is often not the usual one (a short record at the start), so the size of
// one record says little. The walker reserves a few points first, then
// extrapolates from the bytes the sequence's first probePoints records
// took, with a small margin: about right, so that the points are neither
// zeroed twice over nor moved. (Counting the records up front in a pass
// over the framing is exact but costs as much as the zeroing it saves.)
// Capped at maxPointsAhead or as many as there are already (geometric
// growth), because a hostile file of 1-byte messages would otherwise
// reserve ~100 bytes per byte of file up front.
func (w *walker) reservePoints(d *fastDef) {
	a := w.acc
	got := len(a.points) - w.seqPoints // this sequence's points so far
	var want int
	switch {
	case got == 0:
		w.firstRest = w.rest + d.size + 1 // before this record and its header
		want = min(w.rest/(d.size+1)+1, probePoints)
	case w.firstRest > w.rest && got >= probePoints:
		est := int(int64(got) * int64(w.rest) / int64(w.firstRest-w.rest))
		want = est + est/4 + 16 // 25 % over, so that a denser tail fits
	default: // reserved when the points were pooled, or too few to go by
		want = w.rest/(d.size+1) + 1
	}
	a.points = slices.Grow(a.points, min(max(want, 1), max(maxPointsAhead, len(a.points))))
}

// record is data for a definition with a record plan: the same values, in
// the same arithmetic, read run by run into a recVals and handed to the
// accumulator without going through a values array.
func (w *walker) record(d *fastDef, msg []byte, compressed bool) {
	v := recBlank
	if compressed && w.timestamp != 0xFFFFFFFF {
		v[w.recTS.slot&15] = float64(w.timestamp)/w.recTS.scale - w.recTS.offset
	}
	for _, r := range d.runs {
		run := d.rops[r.from:r.to]
		// Each case is fastType.read for one type, little-endian, then
		// the value as data stores it: x itself when the scale is 1 and
		// the offset 0 (x/1 − 0 is x exactly), else x/scale − offset.
		switch r.code {
		case uint8(ftU8) << 1:
			for i := range run {
				if b := msg[run[i].off]; b != 0xFF {
					v[run[i].slot&15] = float64(b)
				}
			}
		case uint8(ftU8)<<1 | 1:
			for i := range run {
				op := &run[i]
				if b := msg[op.off]; b != 0xFF {
					v[op.slot&15] = float64(b)/op.scale - op.offset
				}
			}
		case uint8(ftS8) << 1:
			for i := range run {
				if b := msg[run[i].off]; b != 0x7F {
					v[run[i].slot&15] = float64(int8(b))
				}
			}
		case uint8(ftS8)<<1 | 1:
			for i := range run {
				op := &run[i]
				if b := msg[op.off]; b != 0x7F {
					v[op.slot&15] = float64(int8(b))/op.scale - op.offset
				}
			}
		case uint8(ftU16) << 1:
			for i := range run {
				if u := binary.LittleEndian.Uint16(msg[run[i].off:]); u != 0xFFFF {
					v[run[i].slot&15] = float64(u)
				}
			}
		case uint8(ftU16)<<1 | 1:
			for i := range run {
				op := &run[i]
				if u := binary.LittleEndian.Uint16(msg[op.off:]); u != 0xFFFF {
					v[op.slot&15] = float64(u)/op.scale - op.offset
				}
			}
		case uint8(ftS16) << 1:
			for i := range run {
				if u := binary.LittleEndian.Uint16(msg[run[i].off:]); u != 0x7FFF {
					v[run[i].slot&15] = float64(int16(u))
				}
			}
		case uint8(ftS16)<<1 | 1:
			for i := range run {
				op := &run[i]
				if u := binary.LittleEndian.Uint16(msg[op.off:]); u != 0x7FFF {
					v[op.slot&15] = float64(int16(u))/op.scale - op.offset
				}
			}
		case uint8(ftU32) << 1:
			for i := range run {
				if u := binary.LittleEndian.Uint32(msg[run[i].off:]); u != 0xFFFFFFFF {
					v[run[i].slot&15] = float64(u)
				}
			}
		case uint8(ftU32)<<1 | 1:
			for i := range run {
				op := &run[i]
				if u := binary.LittleEndian.Uint32(msg[op.off:]); u != 0xFFFFFFFF {
					v[op.slot&15] = float64(u)/op.scale - op.offset
				}
			}
		case uint8(ftS32) << 1:
			for i := range run {
				if u := binary.LittleEndian.Uint32(msg[run[i].off:]); u != 0x7FFFFFFF {
					v[run[i].slot&15] = float64(int32(u))
				}
			}
		case uint8(ftS32)<<1 | 1:
			for i := range run {
				op := &run[i]
				if u := binary.LittleEndian.Uint32(msg[op.off:]); u != 0x7FFFFFFF {
					v[op.slot&15] = float64(int32(u))/op.scale - op.offset
				}
			}
		default: // the z types, which the profile does not give record fields
			t, plain := fastType(r.code>>1), r.code&1 == 0
			for i := range run {
				op := &run[i]
				if x, ok := t.read(msg[op.off:], false); ok {
					if plain {
						v[op.slot&15] = x
					} else {
						v[op.slot&15] = x/op.scale - op.offset
					}
				}
			}
		}
	}
	// The component expansions, as data does them with the sources'
	// unsigned types (compileComponents allows no other) and the
	// destination's stored value truncated to its type.
	for i := range d.expands {
		e := &d.expands[i]
		var raw uint32
		switch e.src {
		case ftU8:
			b := msg[e.off]
			if b == 0xFF {
				continue
			}
			raw = uint32(b)
		case ftU16:
			u := binary.LittleEndian.Uint16(msg[e.off:])
			if u == 0xFFFF {
				continue
			}
			raw = uint32(u)
		default: // ftU32
			raw = binary.LittleEndian.Uint32(msg[e.off:])
			if raw == 0xFFFFFFFF {
				continue
			}
		}
		scaled := float64(raw)/e.compScale - e.compOffset
		val := uint32((scaled + e.dstOffset) * e.dstScale)
		if val == raw && e.same {
			// The destination stores the source's number and reads it
			// back with the same scale and offset: y/scale − offset is
			// the scaled just computed, bit for bit.
			v[uint8(e.slot)&15] = scaled
			continue
		}
		var y float64
		ok := false
		switch e.dst {
		case ftU8:
			y, ok = float64(byte(val)), byte(val) != 0xFF
		case ftU16:
			y, ok = float64(uint16(val)), uint16(val) != 0xFFFF
		default: // ftU32
			y, ok = float64(val), val != 0xFFFFFFFF
		}
		if ok {
			v[uint8(e.slot)&15] = y/e.spec.scale - e.spec.offset
		} else {
			v[uint8(e.slot)&15] = math.NaN()
		}
	}
	if a := w.acc; len(a.points) == cap(a.points) {
		w.reservePoints(d)
	}
	w.acc.addRecord((*[numRecordSlots]float64)(v[:numRecordSlots]))
}

// compileRecord builds d's record plan from d.ops: one run per reader, in
// code order (a counting sort). Every op writes its own slot (a field
// defined twice declines), so the order of the reads does not matter.
func (d *fastDef) compileRecord() {
	const numCodes = (uint8(ftS32)<<1 | 1) + 1
	var at [numCodes + 1]int // start of each code's run in rops, after counting
	for i := range d.ops {
		at[d.ops[i].code()+1]++
	}
	d.runs = d.runs[:0]
	for c := range numCodes {
		if n := at[c+1]; n > 0 {
			d.runs = append(d.runs, recRun{code: c, from: at[c], to: at[c] + n})
		}
		at[c+1] += at[c]
	}
	d.rops = slices.Grow(d.rops[:0], len(d.ops))[:len(d.ops)]
	for i := range d.ops {
		op := &d.ops[i]
		c := op.code()
		d.rops[at[c]] = recOp{off: op.off, slot: uint8(op.slot), scale: op.spec.scale, offset: op.spec.offset}
		at[c]++
	}
	d.rec = true
}

// code is op's recRun code.
func (op *fastOp) code() uint8 {
	if op.plain {
		return uint8(op.typ) << 1
	}
	return uint8(op.typ)<<1 | 1
}

// compilePoint builds d's point plan from its record plan, when every
// field is read as pointLayout says and every expansion is one of the two
// walker.point reproduces; otherwise records keep the record plan.
func (d *fastDef) compilePoint() {
	var pp pointPlan
	for i := range pp.off {
		pp.off[i] = -1
	}
	for i := range d.ops {
		op := &d.ops[i]
		s := int(op.slot)
		if s < 0 || s >= numRecordSlots || pp.off[s] >= 0 || op.off > math.MaxInt32 {
			return
		}
		if want := pointLayout[s]; op.typ != want.typ || op.spec.scale != want.scale || op.spec.offset != want.offset {
			return
		}
		pp.off[s] = int32(op.off)
	}
	// walker.point takes the timestamp messages read (field 253 at tsOff).
	if pp.off[recTimestamp] != int32(d.tsOff) {
		return
	}
	for i := range d.expands {
		e := &d.expands[i]
		src, dst := recSpeed, recEnhSpeed
		if e.slot == recEnhAltitude {
			src, dst = recAltitude, recEnhAltitude
		}
		want := pointLayout[dst]
		if int(e.slot) != dst || e.src != ftU16 || e.dst != ftU32 || !e.same ||
			e.off > math.MaxInt32 || int32(e.off) != pp.off[src] ||
			pointLayout[src].scale != want.scale || pointLayout[src].offset != want.offset ||
			e.compScale != want.scale || e.compOffset != want.offset ||
			e.dstScale != want.scale || e.dstOffset != want.offset ||
			e.spec.scale != want.scale || e.spec.offset != want.offset {
			return
		}
		if dst == recEnhSpeed {
			if pp.speedExp {
				return
			}
			pp.speedExp = true
		} else {
			if pp.altExp {
				return
			}
			pp.altExp = true
		}
	}
	d.pp, d.pt = pp, true
}

// point is record and addRecord for a definition with a point plan: the
// same point, bit for bit, written from the message's bytes field by
// field. Each value is computed as record computes its slot (x, or
// x/scale − offset), and addRecord's rules are applied as they are read;
// a slot the point cannot use (speed when enhanced_speed came from it) is
// not computed at all.
func (w *walker) point(d *fastDef, msg []byte, compressed bool) {
	a := w.acc
	if len(a.points) == cap(a.points) {
		w.reservePoints(d)
	}
	p := &d.pp
	// messages has just set w.timestamp from this record's field 253
	// (compilePoint checked it is the one the record plan reads), or from
	// its compressed header; a record with neither has no timestamp.
	ts := w.timestamp
	if !a.seqAlive || (!compressed && p.off[recTimestamp] < 0) || ts == 0xFFFFFFFF {
		return
	}
	// addRecord's order tracking; a uint32 timestamp is below 2³².
	if t := float64(ts); t < a.lastTS {
		a.unordered = true
	} else {
		a.lastTS = t
	}
	n := len(a.points)
	if n == cap(a.points) {
		a.points = append(a.points, rebound.Point{})
	} else {
		a.points = a.points[:n+1]
	}
	pt := &a.points[n]
	pt.Time = time.Unix(fitEpochUnix+int64(ts), 0).UTC() // recordTime
	nan := math.NaN()
	pt.Lat, pt.Lon = nan, nan
	if o1, o2 := p.off[recLat], p.off[recLon]; o1 >= 0 && o2 >= 0 {
		lat, lon := binary.LittleEndian.Uint32(msg[o1:]), binary.LittleEndian.Uint32(msg[o2:])
		if lat != 0x7FFFFFFF && lon != 0x7FFFFFFF {
			pt.Lat, pt.Lon = float64(int32(lat))*semicircleDeg, float64(int32(lon))*semicircleDeg
		}
	}
	// altitude and enhanced_altitude, speed and enhanced_speed: first2 of
	// the enhanced slot and the plain one, where the plain field's
	// expansion, when the plan has it, overwrites the enhanced slot
	// whenever the plain field is valid (record).
	alt := nan
	if o := p.off[recEnhAltitude]; o >= 0 {
		if u := binary.LittleEndian.Uint32(msg[o:]); u != 0xFFFFFFFF {
			alt = float64(u)/5 - 500
		}
	}
	if o := p.off[recAltitude]; o >= 0 {
		if raw := binary.LittleEndian.Uint16(msg[o:]); raw != 0xFFFF {
			plain := float64(raw)/5 - 500
			if p.altExp {
				alt = expandSame(raw, plain, 5, 500)
			} else if alt != alt { // NaN
				alt = plain
			}
		}
	}
	pt.AltitudeM = alt
	speed := nan
	if o := p.off[recEnhSpeed]; o >= 0 {
		if u := binary.LittleEndian.Uint32(msg[o:]); u != 0xFFFFFFFF {
			speed = float64(u) / 1000
		}
	}
	if o := p.off[recSpeed]; o >= 0 {
		if raw := binary.LittleEndian.Uint16(msg[o:]); raw != 0xFFFF {
			plain := float64(raw) / 1000
			if p.speedExp {
				speed = expandSame(raw, plain, 1000, 0)
			} else if speed != speed { // NaN
				speed = plain
			}
		}
	}
	pt.SpeedMPS = speed
	pt.DistanceM = nan
	if o := p.off[recDistance]; o >= 0 {
		if u := binary.LittleEndian.Uint32(msg[o:]); u != 0xFFFFFFFF {
			pt.DistanceM = float64(u) / 100
		}
	}
	pt.HeartRateBPM = nan
	if o := p.off[recHeartRate]; o >= 0 {
		if b := msg[o]; b != 0xFF && b != 0 { // 0 bpm is no reading (addRecord)
			pt.HeartRateBPM = float64(b)
		}
	}
	pt.PowerW = nan
	if o := p.off[recPower]; o >= 0 {
		if u := binary.LittleEndian.Uint16(msg[o:]); u != 0xFFFF {
			pt.PowerW = float64(u)
		}
	}
	pt.TemperatureC = nan
	if o := p.off[recTemperature]; o >= 0 {
		if b := msg[o]; b != 0x7F {
			pt.TemperatureC = float64(int8(b))
		}
	}
	pt.CadenceSPM = nan
	if o := p.off[recCadence]; o >= 0 {
		if b := msg[o]; b != 0xFF {
			c := float64(b)
			if o := p.off[recFracCadence]; o >= 0 {
				if f := msg[o]; f != 0xFF {
					c += float64(f) / 128
				}
			}
			pt.CadenceSPM = c
		}
	}
}

// expandSame is what point keeps of record's expansion of a valid uint16
// source raw, read as plain (raw/scale − offset), into a uint32
// destination with the same scale and offset: the stored number
// round-trips through the scaled value, and does not always come back
// (TestPointPlanTaken). When it comes back as the uint32 invalid value the
// enhanced slot is NaN, and first2 takes the plain value.
func expandSame(raw uint16, plain, scale, offset float64) float64 {
	val := uint32((plain + offset) * scale)
	if val == uint32(raw) || val == 0xFFFFFFFF {
		return plain
	}
	return float64(val)/scale - offset
}

// fieldDescription keeps what muktihari's decoder keeps of a
// field_description (mesgdef.NewFieldDescription): the key of the developer
// field it describes and whether its base type is valid. An absent field
// reads as 0xFF, a present one as its first byte (uint8 fields).
func (w *walker) fieldDescription(d *fastDef, msg []byte) {
	var f [3]byte
	for i, off := range d.fdOff {
		f[i] = 0xFF
		if off >= 0 {
			f[i] = msg[off]
		}
	}
	w.descs = append(w.descs, devDesc{devKey{f[0], f[1]}, basetype.BaseType(f[2]).Valid()})
}

// define compiles the definition message after header hdr; it returns the
// bytes it takes.
func (w *walker) define(hdr byte, b []byte) (n int, declined string) {
	const past = "definition runs past the sequence"
	if len(b) < 5 {
		return 0, past
	}
	big := b[1] != 0
	num := binary.LittleEndian.Uint16(b[2:4])
	if big {
		num = binary.BigEndian.Uint16(b[2:4])
	}
	n = 5 + 3*int(b[4])
	if len(b) < n {
		return 0, past
	}
	fields := b[5:n]
	var devFields []byte
	if hdr&0x20 != 0 {
		if len(b) < n+1 {
			return 0, past
		}
		nd := int(b[n])
		if len(b) < n+1+3*nd {
			return 0, past
		}
		devFields = b[n+1 : n+1+3*nd]
		n += 1 + 3*nd
	}
	d := &w.defs[hdr&0x0F]
	// A definition compiled before, in this file or an earlier one, is
	// compiled the same again: its bytes (and the walker's switches) are
	// all compiling reads.
	key := append(w.key[:0], hdr&0x20|w.switches())
	key = append(key, b[:n]...)
	w.key = key
	if c := w.compiled[string(key)]; c != nil {
		*d = *c
		return n, ""
	}
	// Fresh slices: the compiled definition keeps its own, shared with
	// w.compiled, and nothing writes to them once compiled.
	*d = fastDef{num: num, kind: kindOf(num), big: big, tsOff: -1, pnOff: -1, fdOff: [3]int{-1, -1, -1}}
	if d.kind == kindHR {
		d.declined = "hr message" // accumulated 12-bit event time stamps: the general decoder's job
	}
	w.seenGen++
	if w.seenGen == 0 {
		clear(w.seen[:])
		w.seenGen = 1
	}
	off := 0
	for ; len(fields) >= 3; fields = fields[3:] {
		fnum, size, bt := fields[0], int(fields[1]), basetype.BaseType(fields[2])
		if !bt.Valid() {
			return 0, "invalid base type" // muktihari: invalid basetype error
		}
		if size == 0 {
			continue // muktihari skips it
		}
		if why := w.compileField(d, fnum, size, bt, off); why != "" {
			return 0, why
		}
		off += size
	}
	for ; len(devFields) >= 3; devFields = devFields[3:] {
		size := int(devFields[1])
		if size == 0 {
			continue
		}
		d.devs = append(d.devs, devKey{devFields[2], devFields[0]})
		off += size
	}
	d.size = off
	d.devCheck = -1
	d.defined = true
	if d.kind == kindRecord && !d.big && d.declined == "" && !w.noPlans {
		d.compileRecord()
		if !w.noPoints {
			d.compilePoint()
		}
	}
	if len(w.compiled) >= maxCompiled {
		clear(w.compiled)
	}
	c := new(fastDef)
	*c = *d
	w.compiled[string(key)] = c
	return n, ""
}

// compileField adds one field of a definition to d's plan. It returns why
// the file must go to the general decoder whatever its data messages hold,
// "" when it need not; d.declined says why the definition's data messages
// must.
func (w *walker) compileField(d *fastDef, fnum byte, size int, bt basetype.BaseType, off int) (declined string) {
	dup := w.seen[fnum] == w.seenGen
	w.seen[fnum] = w.seenGen
	var f proto.Field
	known := false
	if fnum == proto.FieldNumTimestamp || d.kind != kindNone || d.num == mesgnum.FieldDescription {
		f = w.fac.CreateField(typedef.MesgNum(d.num), fnum)
		known = f.Name != factory.NameUnknown
	}
	if fnum == proto.FieldNumTimestamp {
		// muktihari updates its last timestamp from a field 253 whose value
		// is a uint32: the profile's type when the field is known (always
		// uint32, date_time), else the definition's, unless that makes it
		// an array.
		tbt := bt
		if known {
			tbt = f.BaseType
		}
		if tbt == basetype.Uint32 || tbt == basetype.Uint32z {
			array := !known && size > 4 && size%4 == 0
			switch {
			case dup:
				return "two timestamps in a definition"
			case size == 4:
				d.tsOff = off
			case !array:
				return "timestamp of an unusual size" // zero-padded or first of many
			}
		}
	}
	if d.num == mesgnum.FieldDescription && fnum <= 2 {
		if !known || f.BaseType.Size() != 1 || f.Array {
			return "unusual field_description" // cannot happen with muktihari/fit v0.26.1's profile
		}
		d.fdOff[fnum] = off // the last definition of a field number wins, as in mesgdef
	}
	if d.kind == kindNone || !known {
		return ""
	}
	if d.kind == kindFileID && fnum == fieldnum.FileIdProductName {
		if dup || f.BaseType != basetype.String || f.Array {
			d.declined = "unusual product_name"
		}
		d.pnOff, d.pnSize = off, size
		return ""
	}
	s := slotOf(d.kind, fnum)
	if s.slot >= 0 {
		t := fastTypeOf(f.BaseType)
		switch {
		case dup:
			d.declined = "field defined twice"
			return ""
		case t == 0 || f.Array || f.Type == profile.Bool:
			d.declined = "kept field of an unusual type" // cannot happen with muktihari/fit v0.26.1's profile
			return ""
		case size != int(f.BaseType.Size()):
			d.declined = "kept field of an unusual size"
			return ""
		}
		d.ops = append(d.ops, fastOp{off: off, typ: t, slot: s.slot, plain: s.scale == 1 && s.offset == 0, spec: s})
	}
	w.compileComponents(d, f, size, off)
	return ""
}

// compileComponents handles the components of a known field of a kept
// kind: those that reach a kept field become fastExpands when they are
// one-to-one, anything else gives up.
func (w *walker) compileComponents(d *fastDef, f proto.Field, size, off int) {
	for _, sf := range f.SubFields {
		// Which subfield applies depends on other fields' values.
		if w.reachesKept(d, sf.Components, 0) {
			d.declined = "subfield component into a kept field"
			return
		}
	}
	if !w.reachesKept(d, f.Components, 0) {
		return
	}
	if len(f.Components) != 1 {
		d.declined = "component " + f.Name + " into a kept field"
		return
	}
	c := f.Components[0]
	src := fastTypeOf(f.BaseType)
	dst := w.fac.CreateField(typedef.MesgNum(d.num), c.FieldNum)
	dt := fastTypeOf(dst.BaseType)
	s := slotOf(d.kind, c.FieldNum)
	unsigned := src == ftU8 || src == ftU16 || src == ftU32
	if c.Accumulate || !unsigned || int(c.Bits) != 8*int(f.BaseType.Size()) || size != int(f.BaseType.Size()) ||
		s.slot < 0 || dst.Array || len(dst.Components) > 0 || len(dst.SubFields) > 0 ||
		(dt != ftU8 && dt != ftU16 && dt != ftU32) {
		d.declined = "component " + f.Name + " into a kept field"
		return
	}
	d.expands = append(d.expands, fastExpand{
		off: off, src: src,
		compScale: c.Scale, compOffset: c.Offset,
		dstScale: dst.Scale, dstOffset: dst.Offset,
		dst: dt, slot: s.slot, spec: s,
		same: s.scale == c.Scale && s.offset == c.Offset && src.size() <= dt.size(),
	})
}

// reachesKept tells whether components (or theirs, recursively) write a
// field Rebound keeps from messages of d's kind.
func (w *walker) reachesKept(d *fastDef, comps []proto.Component, depth int) bool {
	if depth > 4 {
		return true // deeper chains do not exist in the profile; be safe
	}
	for _, c := range comps {
		if slotOf(d.kind, c.FieldNum).slot >= 0 {
			return true
		}
		if d.kind == kindFileID && c.FieldNum == fieldnum.FileIdProductName {
			return true
		}
		dst := w.fac.CreateField(typedef.MesgNum(d.num), c.FieldNum)
		if w.reachesKept(d, dst.Components, depth+1) {
			return true
		}
		for _, sf := range dst.SubFields {
			if w.reachesKept(d, sf.Components, depth+1) {
				return true
			}
		}
	}
	return false
}
