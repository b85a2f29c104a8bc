package fit

import (
	"fmt"
	"math"
	"testing"
	"time"

	"rebound"
	"rebound/internal/testcorpus"
)

// The record plans of fast.go (walker.record, compileRecord) and
// accumulator.addRecord must give the points the values path gives
// (walker.data, accumulator.record), bit for bit, NaN payloads included:
// these tests walk each input both ways and compare the raw points,
// before build's resampling could hide a difference.

// planVsValues walks data with and without record plans and says how the
// results differ, "" when they do not.
func planVsValues(data []byte) string {
	withPlans, without := newAccumulator(), newAccumulator()
	w := newWalker(without)
	w.noPlans = true
	why1, why2 := newWalker(withPlans).walk(data), w.walk(data)
	if why1 != why2 {
		return fmt.Sprintf("declined %q with plans, %q without", why1, why2)
	}
	return pointsDiff(without.points, withPlans.points)
}

// pointsDiff compares two point lists bit for bit.
func pointsDiff(want, got []rebound.Point) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d points, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := &got[i], &want[i]
		if g.Time != w.Time {
			return fmt.Sprintf("point %d: time %v, want %v", i, g.Time, w.Time)
		}
		gf := []float64{g.Lat, g.Lon, g.AltitudeM, g.DistanceM, g.SpeedMPS, g.HeartRateBPM, g.CadenceSPM, g.TemperatureC, g.PowerW}
		wf := []float64{w.Lat, w.Lon, w.AltitudeM, w.DistanceM, w.SpeedMPS, w.HeartRateBPM, w.CadenceSPM, w.TemperatureC, w.PowerW}
		for k := range gf {
			if math.Float64bits(gf[k]) != math.Float64bits(wf[k]) {
				return fmt.Sprintf("point %d: field %d is %v (%#x), want %v (%#x)", i, k, gf[k], math.Float64bits(gf[k]), wf[k], math.Float64bits(wf[k]))
			}
		}
	}
	return ""
}

// TestRecordPlanMatchesValues: every corpus file, the raw-built cases
// (big-endian records, compressed timestamps, speed and enhanced_speed in
// one record, …) and the fixtures.
func TestRecordPlanMatchesValues(t *testing.T) {
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, c := range rawCases() {
		inputs = append(inputs, input{"raw/" + c.name, c.file.bytes()})
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
		if diff := planVsValues(in.data); diff != "" {
			t.Errorf("%s: record plan differs from the values path: %s", in.name, diff)
		}
		acc := newAccumulator()
		walkFast(in.data, acc)
		points += len(acc.points)
	}
	// The comparison must have had points to compare: the ten-minute run
	// alone has 600 records.
	if points < 600 {
		t.Errorf("compared %d points, want at least 600", points)
	}
}

// FuzzRecordPlan: on any input the record plans and the values path give
// the same points. Seeds as FuzzFastVsGeneral's, CRCs recomputed so that
// mutations reach the messages.
func FuzzRecordPlan(f *testing.F) {
	f.Add(tenMinuteRun().encode(f))
	for _, c := range rawCases() {
		f.Add(c.file.bytes())
	}
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]byte{data, withValidCRCs(data)} {
			if diff := planVsValues(in); diff != "" {
				t.Fatalf("record plan differs from the values path: %s", diff)
			}
		}
	})
}

// TestRecordTime: recordTime is fitTime, to the bit (== on time.Time
// compares wall clock, monotonic reading and location), over the range of
// record timestamps and past both ends of it.
func TestRecordTime(t *testing.T) {
	for _, s := range []float64{
		0, 1, 31, 1e9, // 1e9 s after the FIT epoch: 2021-09-08T01:46:40Z
		1<<31 - 1, 1 << 31, 1<<32 - 1, // the largest uint32
		1e9 + 0.5,                    // fractions truncate in both
		-1, 1 << 32, 5e9, math.NaN(), // outside: recordTime falls back to fitTime
	} {
		if got, want := recordTime(s), fitTime(s); got != want {
			t.Errorf("recordTime(%v) = %v, want %v", s, got, want)
		}
	}
	// Known answer: 1e9 s after 1989-12-31T00:00:00Z is Unix time
	// 631065600 + 1e9 = 1631065600, 2021-09-08T01:46:40Z (Python's
	// datetime.utcfromtimestamp).
	if got, want := recordTime(1e9), time.Date(2021, 9, 8, 1, 46, 40, 0, time.UTC); got != want {
		t.Errorf("recordTime(1e9) = %v, want %v", got, want)
	}
}

// refRecord is accumulator.record as it was before addRecord: the point
// built with rebound.NewPoint and the variadic first, then appended.
func refRecord(v *values) (rebound.Point, bool) {
	if !v.has(recTimestamp) {
		return rebound.Point{}, false
	}
	p := rebound.NewPoint(fitTime(v[recTimestamp]))
	if v.has(recLat) && v.has(recLon) {
		p.Lat, p.Lon = v[recLat]*semicircleDeg, v[recLon]*semicircleDeg
	}
	p.AltitudeM = first(v[recEnhAltitude], v[recAltitude])
	p.SpeedMPS = first(v[recEnhSpeed], v[recSpeed])
	p.DistanceM = v[recDistance]
	p.HeartRateBPM = v[recHeartRate]
	if p.HeartRateBPM == 0 {
		p.HeartRateBPM = math.NaN()
	}
	p.PowerW = v[recPower]
	p.TemperatureC = v[recTemperature]
	if v.has(recCadence) {
		p.CadenceSPM = v[recCadence]
		if v.has(recFracCadence) {
			p.CadenceSPM += v[recFracCadence]
		}
	}
	return p, true
}

// TestAddRecord: addRecord builds refRecord's point, bit for bit, for every
// subset of missing record fields (2¹³ NaN masks) with values that
// exercise each rule: 0 bpm, fractional cadence, negative positions,
// timestamps at both ends of uint32.
func TestAddRecord(t *testing.T) {
	present := [numRecordSlots][]float64{
		recTimestamp:   {0, 1e9, 1<<32 - 1},
		recLat:         {-536870912}, // −45°
		recLon:         {1073741823}, // just under 90°
		recAltitude:    {-500, 123.4},
		recEnhAltitude: {8848.2},
		recHeartRate:   {0, 150}, // 0 bpm reads as no reading
		recCadence:     {85},
		recFracCadence: {0.5},
		recDistance:    {1234.56},
		recSpeed:       {3.1},
		recEnhSpeed:    {3.25},
		recPower:       {250},
		recTemperature: {-5},
	}
	checked := 0
	for mask := range 1 << numRecordSlots {
		for variant := range 3 {
			var v values
			v.reset()
			for s := range numRecordSlots {
				if mask&(1<<s) != 0 {
					v[s] = present[s][variant%len(present[s])]
				}
			}
			a := newAccumulator()
			a.record(&v)
			want, ok := refRecord(&v)
			if !ok {
				if len(a.points) != 0 {
					t.Fatalf("mask %#x: a point without a timestamp", mask)
				}
				continue
			}
			if len(a.points) != 1 {
				t.Fatalf("mask %#x: %d points, want 1", mask, len(a.points))
			}
			if diff := pointsDiff([]rebound.Point{want}, a.points); diff != "" {
				t.Fatalf("mask %#x variant %d: %s", mask, variant, diff)
			}
			checked++
		}
	}
	if want := 3 << (numRecordSlots - 1); checked != want { // half the masks have a timestamp
		t.Errorf("checked %d points, want %d", checked, want)
	}
}
