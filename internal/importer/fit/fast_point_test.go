package fit

import (
	"fmt"
	"testing"

	"github.com/muktihari/fit/profile/factory"
	"github.com/muktihari/fit/profile/typedef"
	"github.com/muktihari/fit/profile/untyped/mesgnum"

	"rebound/internal/testcorpus"
)

// The point plans of fast.go (walker.point, compilePoint) must give the
// points the record plans give (walker.record, accumulator.addRecord), bit
// for bit, NaN payloads included, with the same order tracking: these
// tests walk each input both ways and compare. (TestRecordPlanMatchesValues
// compares the default walk, point plans included, with the values path.)

// pointVsRecord walks data with and without point plans and says how the
// results differ, "" when they do not.
func pointVsRecord(data []byte) string {
	withPoints, without := newAccumulator(), newAccumulator()
	w := newWalker(without)
	w.noPoints = true
	why1, why2 := newWalker(withPoints).walk(data), w.walk(data)
	if why1 != why2 {
		return fmt.Sprintf("declined %q with point plans, %q without", why1, why2)
	}
	if withPoints.unordered != without.unordered || withPoints.lastTS != without.lastTS {
		return fmt.Sprintf("order tracking: unordered %v lastTS %v with point plans, %v %v without",
			withPoints.unordered, withPoints.lastTS, without.unordered, without.lastTS)
	}
	if cap(withPoints.points) != cap(without.points) {
		return fmt.Sprintf("reserved %d points with point plans, %d without", cap(withPoints.points), cap(without.points))
	}
	return pointsDiff(without.points, withPoints.points)
}

// TestPointPlanMatchesRecordPlan: every corpus file, the raw-built cases
// and the fixtures, and the files of expansionSweep.
func TestPointPlanMatchesRecordPlan(t *testing.T) {
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, c := range rawCases() {
		inputs = append(inputs, input{"raw/" + c.name, c.file.bytes()})
	}
	for i, r := range expansionSweep() {
		inputs = append(inputs, input{fmt.Sprintf("sweep/%d", i), r.bytes()})
	}
	run := tenMinuteRun()
	inputs = append(inputs, input{"fixture/ten-minute run", run.encode(t)})
	if testcorpus.Dir() != "" {
		for _, f := range loadCorpus(t) {
			inputs = append(inputs, input{f.name, f.data})
		}
	} else {
		t.Log("FIT corpus not found at ../shared/corpus; comparing the raw cases and fixtures only")
	}
	points := 0
	for _, in := range inputs {
		if diff := pointVsRecord(in.data); diff != "" {
			t.Errorf("%s: point plan differs from the record plan: %s", in.name, diff)
		}
		acc := newAccumulator()
		walkFast(in.data, acc)
		points += len(acc.points)
	}
	// The sweeps alone have 4 × 65,536 records with a timestamp.
	if points < 4<<16 {
		t.Errorf("compared %d points, want at least %d", points, 4<<16)
	}
}

// expansionSweep builds files whose records hold every uint16 value of
// speed and altitude, which expand into enhanced_speed and
// enhanced_altitude through a round trip that does not always return the
// stored number (741 speeds and 308 altitudes do not, worked out by
// brute force: uint32((x/s − o + o) × s) ≠ x), with and without the
// enhanced fields themselves, and with invalid values in between.
func expansionSweep() []*rawFile {
	var out []*rawFile
	for _, enhanced := range []bool{false, true} {
		for _, order := range []bool{false, true} { // speed first, or altitude first
			fields := []rawField{{253, 4, btUint32}, {6, 2, btUint16}, {2, 2, btUint16}}
			if order {
				fields[1], fields[2] = fields[2], fields[1]
			}
			if enhanced {
				fields = append(fields, rawField{73, 4, btUint32}, rawField{78, 4, btUint32})
			}
			r := fileID(&rawFile{}).def(1, 20, false, fields)
			for x := range 1 << 16 {
				v := uint16(x)
				msg := cat(le32(uint32(rawT0+x)), le16(v), le16(^v))
				if enhanced {
					// enhanced fields: invalid every 3rd record, else a
					// value of their own, which the expansion overwrites
					// whenever its source is valid.
					e1, e2 := uint32(x)*7, uint32(x)*3+1
					if x%3 == 0 {
						e1, e2 = 0xFFFFFFFF, 0xFFFFFFFF
					}
					msg = cat(msg, le32(e1), le32(e2))
				}
				r.data(1, msg...)
			}
			out = append(out, r)
		}
	}
	return out
}

// FuzzPointPlan: on any input the point plans and the record plans give
// the same points. Seeds as FuzzRecordPlan's, CRCs recomputed so that
// mutations reach the messages.
func FuzzPointPlan(f *testing.F) {
	f.Add(tenMinuteRun().encode(f))
	for _, c := range rawCases() {
		f.Add(c.file.bytes())
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, withValidCRCs(data)} {
			if diff := pointVsRecord(in); diff != "" {
				t.Fatalf("point plan differs from the record plan: %s", diff)
			}
		}
	})
}

// TestPointLayoutMatchesProfile: pointLayout is what the FIT profile of
// muktihari/fit says of each record field Rebound keeps (its base type)
// and what recordSlot says of its slot (scale and offset), so that record
// definitions of the usual sizes take the point plan. If the profile
// changed, compilePoint would leave records to the record plan: still
// right, but slower.
func TestPointLayoutMatchesProfile(t *testing.T) {
	fac := factory.StandardFactory()
	seen := 0
	for num := range 256 {
		s := recordSlot(byte(num))
		if s.slot < 0 {
			continue
		}
		seen++
		f := fac.CreateField(typedef.MesgNum(mesgnum.Record), byte(num))
		want := recordField{fastTypeOf(f.BaseType), s.scale, s.offset}
		if got := pointLayout[s.slot]; got != want {
			t.Errorf("record field %d (%s): pointLayout has %+v, the profile %+v", num, f.Name, got, want)
		}
	}
	if seen != numRecordSlots {
		t.Errorf("%d record fields kept, want %d", seen, numRecordSlots)
	}
}

// TestPointPlanTaken: the usual record definitions take the point plan,
// and the sweeps reach the round trip's both outcomes: in the first sweep
// (speed, altitude, no enhanced fields) the points whose speed is not
// x/1000 are the 741 speeds and the points whose altitude is not x/5 − 500
// the 308 altitudes that do not survive the round trip (brute force over
// 0…65,534, as in expansionSweep).
func TestPointPlanTaken(t *testing.T) {
	sweeps := expansionSweep()
	files := map[string][]byte{"raw/records": records(fileID(&rawFile{}), 1, false, 60).bytes()}
	for i, r := range sweeps {
		files[fmt.Sprintf("sweep/%d", i)] = r.bytes()
	}
	for name, data := range files {
		acc := newAccumulator()
		w := newWalker(acc)
		if why := w.walk(data); why != "" {
			t.Fatalf("%s: declined: %s", name, why)
		}
		if d := &w.defs[1]; !d.defined || d.kind != kindRecord || !d.pt {
			t.Errorf("%s: the record definition has no point plan", name)
		}
	}
	acc := newAccumulator()
	walkFast(sweeps[0].bytes(), acc)
	if len(acc.points) != 1<<16 {
		t.Fatalf("%d points, want %d", len(acc.points), 1<<16)
	}
	speeds, alts := 0, 0
	for x, p := range acc.points {
		if v := uint16(x); v != 0xFFFF && p.SpeedMPS != float64(v)/1000 {
			speeds++
		}
		if v := ^uint16(x); v != 0xFFFF && p.AltitudeM != float64(v)/5-500 {
			alts++
		}
	}
	if speeds != 741 || alts != 308 {
		t.Errorf("%d speeds and %d altitudes changed by the round trip, want 741 and 308", speeds, alts)
	}
}
