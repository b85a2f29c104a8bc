package track

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"rebound"
)

// checkResampleAgainstCurrent runs CheckResample and, on copies of the
// same points, what it replaces: curCheckPoints and, when that passes,
// curResampleCadence (current_ref_test.go, the code before CheckResample).
// The errors must have the same message and code, the streams the same
// bits (diffStreams), and the input must be left untouched. It also checks
// the general ResampleCadence, which now shares code with CheckResample,
// against curResampleCadence.
func checkResampleAgainstCurrent(t *testing.T, pts []rebound.Point, first int, start time.Time, factor float64, now time.Time) {
	t.Helper()
	in := append([]rebound.Point(nil), pts...)
	got, gotErr := CheckResample(in, first, start, factor, now)
	wantErr := curCheckPoints(append([]rebound.Point(nil), pts...), first, factor, now)
	if !sameError(gotErr, wantErr) {
		t.Fatalf("CheckResample error = %v, want %v", gotErr, wantErr)
	}
	for i := range in {
		if !samePoint(in[i], pts[i]) {
			t.Fatalf("CheckResample modified its input at %d: %+v, was %+v", i, in[i], pts[i])
		}
	}
	want := curResampleCadence(append([]rebound.Point(nil), pts...), start, factor)
	if err := diffStreams(ResampleCadence(append([]rebound.Point(nil), pts...), start, factor), want); err != nil {
		t.Fatalf("ResampleCadence(·, %v) differs from curResampleCadence: %v", factor, err)
	}
	if wantErr != nil {
		if got != nil {
			t.Fatalf("CheckResample returned streams with its error")
		}
		return
	}
	if err := diffStreams(got, want); err != nil {
		t.Fatalf("CheckResample(·, %v) differs from curCheckPoints + curResampleCadence: %v", factor, err)
	}
	// Each stream holds exactly its samples (fillStreams caps them).
	for _, c := range got.Channels() {
		if v := *c.Values; v != nil && cap(v) != len(v) {
			t.Fatalf("%s: cap %d, want len %d", c.Name, cap(v), len(v))
		}
	}
}

func TestCheckResampleMatchesCurrent(t *testing.T) {
	now := t0.Add(30 * 24 * time.Hour)
	// hole clears one channel on points from..to-1.
	hole := func(set func(p *rebound.Point), from, to int) func(int, *rebound.Point) {
		return func(i int, p *rebound.Point) {
			if i >= from && i < to {
				set(p)
			}
		}
	}
	noHR := func(p *rebound.Point) { p.HeartRateBPM = math.NaN() }
	noAlt := func(p *rebound.Point) { p.AltitudeM = math.NaN() }
	noDist := func(_ int, p *rebound.Point) { p.DistanceM = math.NaN() }
	noSpeed := func(_ int, p *rebound.Point) { p.SpeedMPS = math.NaN() }
	noCad := func(_ int, p *rebound.Point) { p.CadenceSPM = math.NaN() }
	noPos := func(_ int, p *rebound.Point) { p.Lat, p.Lon = math.NaN(), math.NaN() }
	negZero := func(i int, p *rebound.Point) { // −0 then positive, negative and ±0 neighbours
		if i%4 == 0 {
			p.TemperatureC = math.Copysign(0, -1)
		}
		if i%4 == 1 {
			p.TemperatureC = -float64(i % 3)
		}
	}
	tiny := func(i int, p *rebound.Point) { // v0 + (x − v0) ≠ x: not a copy
		if i%2 == 0 {
			p.AltitudeM = 1e-300
		} else {
			p.AltitudeM = 8999.5
		}
	}
	withDuplicates := func(p []rebound.Point) []rebound.Point {
		var out []rebound.Point
		for i, q := range p {
			out = append(out, q)
			if i%7 == 3 {
				d := q
				d.HeartRateBPM = math.NaN()
				d.CadenceSPM = 99
				out = append(out, d)
			}
		}
		return out
	}
	swap := func(p []rebound.Point, i int) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		out[i], out[i+1] = out[i+1], out[i]
		return out
	}
	gap := func(g float64) []rebound.Point { return runTrack(cat(seq(0, 100, 1), seq(100+g, 200+g, 1)), 3) }
	monoStart := time.Now()
	tt := []struct {
		name  string
		pts   []rebound.Point
		start time.Time
	}{
		{"empty", nil, t0},
		{"one point", runTrack([]float64{0}, 3), t0},
		{"one point after start", runTrack([]float64{42.6}, 3), t0},
		{"1 Hz", runTrack(seq(0, 600, 1), 3), t0},
		{"start before the first point", runTrack(seq(0, 600, 1), 3), t0.Add(-2500 * time.Millisecond)},
		{"points before start", runTrack(seq(0, 100, 1), 3), t0.Add(30500 * time.Millisecond)},
		{"start with a monotonic clock reading", runTrack(seq(0, 100, 1), 3), monoStart},
		{"gap 1", gap(1), t0},
		{"gap 2", gap(2), t0},
		{"gap 10", gap(10), t0},
		{"gap 11", gap(11), t0},
		{"gap 300", gap(300), t0},
		{"gap 301", gap(301), t0},
		{"duplicate timestamps", withDuplicates(runTrack(seq(0, 300, 1), 3)), t0},
		{"two points swapped at the start", swap(runTrack(seq(0, 100, 1), 3), 0), t0},
		{"two points swapped in the middle", swap(runTrack(seq(0, 100, 1), 3), 50), t0},
		{"two points swapped at the end", swap(runTrack(seq(0, 100, 1), 3), 99), t0},
		{"sub-second", runTrack(seq(0.25, 300, 0.75), 3), t0},
		{"sub-second, sparse", runTrack(seq(0.4, 900, 13.7), 3, noSpeed), t0},
		{"smart recording", runTrack(smartOffsets(900, 5), 3), t0},
		{"HR hole", runTrack(seq(0, 300, 1), 3, hole(noHR, 100, 150)), t0},
		{"HR hole of one point", runTrack(seq(0, 300, 1), 3, hole(noHR, 100, 101)), t0},
		{"altitude hole at the start", runTrack(seq(0, 300, 1), 3, hole(noAlt, 0, 20)), t0},
		{"altitude hole at the end", runTrack(seq(0, 300, 1), 3, hole(noAlt, 280, 301)), t0},
		{"no distance: from positions", runTrack(seq(0, 300, 1), 3, noDist), t0},
		{"no distance, positions with holes", runTrack(seq(0, 300, 1), 3, noDist, hole(func(p *rebound.Point) { p.Lat = math.NaN() }, 40, 60)), t0},
		{"no distance, gap 30: positions say moving", runTrack(cat(seq(0, 100, 1), seq(130, 230, 1)), 3, noDist), t0},
		{"no distance, gap 30: positions say stopped", runTrack(cat(seq(0, 100, 1), seq(130, 230, 1)), 0.3, noDist), t0},
		{"no distance or speed, sparse: positions say moving", runTrack(seq(0, 900, 25), 3, noDist, noSpeed), t0},
		{"no speed: derived", runTrack(cat(seq(0, 100, 1), seq(130, 230, 1)), 3, noSpeed), t0},
		{"no cadence", runTrack(seq(0, 300, 1), 3, noCad), t0},
		{"no distance, speed or position", runTrack(seq(0, 300, 1), 3, noDist, noSpeed, noPos), t0},
		{"negative zero", runTrack(seq(0, 300, 1), 3, negZero), t0},
		{"tiny and large altitudes", runTrack(seq(0, 300, 1), 3, tiny), t0},
		{"7-day cap", runTrack(cat([]float64{0}, seq(maxSamples-5, maxSamples+5, 1)), 0), t0},
		{"7-day cap, no distance: positions say moving", runTrack(cat(seq(0, 100, 1), seq(maxSamples-600, maxSamples+600, 30)), 3, noDist, noSpeed), t0},
		{"7-day cap, sub-second", runTrack(cat(seq(0, 10, 1), []float64{maxSamples - 0.5, maxSamples - 0.2, maxSamples + 0.4}), 0), t0},
	}
	for _, tc := range tt {
		for _, factor := range []float64{1, 2} {
			t.Run(tc.name, func(t *testing.T) {
				checkResampleAgainstCurrent(t, tc.pts, 17, tc.start, factor, now)
			})
		}
	}
}

func TestCheckResampleErrorsMatchCurrent(t *testing.T) {
	now := t0.Add(time.Hour)
	ok := runTrack(seq(0, 100, 1), 3)
	// One out-of-range value per channel, from CheckPoint's bounds.
	bad := []struct {
		name string
		set  func(p *rebound.Point)
	}{
		{"heart rate", func(p *rebound.Point) { p.HeartRateBPM = 19 }},
		{"speed", func(p *rebound.Point) { p.SpeedMPS = 30.5 }},
		{"distance", func(p *rebound.Point) { p.DistanceM = -1 }},
		{"latitude", func(p *rebound.Point) { p.Lat = 90.5 }},
		{"longitude", func(p *rebound.Point) { p.Lon = -181 }},
		{"altitude", func(p *rebound.Point) { p.AltitudeM = 9001 }},
		{"temperature", func(p *rebound.Point) { p.TemperatureC = 71 }},
		{"cadence 151: out of range doubled", func(p *rebound.Point) { p.CadenceSPM = 151 }},
		{"cadence", func(p *rebound.Point) { p.CadenceSPM = 301 }},
		{"power", func(p *rebound.Point) { p.PowerW = math.Inf(1) }},
		{"time before 1990", func(p *rebound.Point) { p.Time = time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC) }},
		{"time in the future", func(p *rebound.Point) { p.Time = now.Add(25 * time.Hour) }},
		// The edges of the time check: the first two pass (and put the
		// points out of order in the middle), the last two fail.
		{"time a day ahead exactly", func(p *rebound.Point) { p.Time = now.Add(24 * time.Hour) }},
		{"time 1990 exactly", func(p *rebound.Point) { p.Time = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"time a day and 1 ns ahead", func(p *rebound.Point) { p.Time = now.Add(24*time.Hour + 1) }},
		{"time 1 ns before 1990", func(p *rebound.Point) { p.Time = time.Date(1989, 12, 31, 23, 59, 59, 999999999, time.UTC) }},
	}
	for _, b := range bad {
		for _, at := range []int{0, 50, 100} {
			pts := append([]rebound.Point(nil), ok...)
			b.set(&pts[at])
			for _, factor := range []float64{1, 2} {
				t.Run(b.name, func(t *testing.T) {
					checkResampleAgainstCurrent(t, pts, 3, t0, factor, now)
				})
			}
			// Out of order before the bad point: the general path must
			// still report it.
			if at > 1 {
				pts = swap2(pts, 0)
				t.Run(b.name+", unordered", func(t *testing.T) {
					checkResampleAgainstCurrent(t, pts, 3, t0, 1, now)
				})
			}
		}
	}
}

func swap2(p []rebound.Point, i int) []rebound.Point {
	out := append([]rebound.Point(nil), p...)
	out[i], out[i+1] = out[i+1], out[i]
	return out
}

// checkValues are the values FuzzCheckResampleMatchesCurrent picks from:
// mostly inside CheckPoint's bounds (its edges, ±0, values that make
// interpolation round), some outside, NaN often.
var checkValues = [...]float64{
	math.NaN(), math.NaN(), math.NaN(), math.NaN(),
	0, math.Copysign(0, -1), 1e-300, math.SmallestNonzeroFloat64, 0.1, 1, 2.5, 3, 7.25, 20, 30, 45, 89.99, 90, -90,
	150, 151, 180, -180, 250, 300, 3000, 1e7, -500, 9000, -60, 70, 1e7 - 0.3,
	-1, 301, 1e7 + 1, math.Inf(1), math.Inf(-1), 1e308,
}

// checkPointsFromBytes turns fuzz input into points, a start and a now:
// byte 0 sets the start (0: the first point's time), byte 1 sets now (from
// a day before t0 on, so late points can be in the future); then per point
// 2 bytes of time step (whole seconds mostly, some fractional, some zero
// or backward, some long; the 7-day cap, whose streams make the fuzzer
// crawl, is left to TestCheckResampleMatchesCurrent), a byte of channel mask
// and a byte per present channel selecting a checkValues entry or a value
// growing with time.
func checkPointsFromBytes(data []byte) ([]rebound.Point, time.Time, time.Time) {
	start, now := t0, t0.Add(48*time.Hour)
	startByte := byte(0)
	if len(data) >= 2 {
		startByte = data[0]
		now = t0.Add(-24*time.Hour + time.Duration(data[1])*30*time.Minute)
		data = data[2:]
	}
	var pts []rebound.Point
	ns := int64(0)
	for len(data) >= 3 && len(pts) < 2000 {
		step := binary.LittleEndian.Uint16(data)
		mask := uint16(data[2]) | uint16(step>>15)<<8
		data = data[3:]
		switch kind := step >> 12 & 7; kind {
		case 0, 1, 2: // whole seconds 0–3, 1 mostly
			ns += int64(step&3) * 1e9
		case 3: // whole seconds 0–15
			ns += int64(step&15) * 1e9
		case 4: // fractional step up to ~4 s
			ns += int64(step&0xfff) * 1e6
		case 5: // long gap, whole seconds up to 1023
			ns += int64(step&0x3ff) * 1e9
		case 6: // backward
			ns -= int64(step&0xff) * 1e9
		case 7: // nanosecond jitter
			ns += int64(step & 0xfff)
		}
		p := rebound.NewPoint(t0.Add(time.Duration(ns)))
		fields := [...]*float64{&p.DistanceM, &p.Lat, &p.Lon, &p.AltitudeM, &p.HeartRateBPM, &p.TemperatureC, &p.CadenceSPM, &p.PowerW, &p.SpeedMPS}
		for c, f := range fields {
			if mask&(1<<c) == 0 {
				continue
			}
			if len(data) == 0 {
				break
			}
			b := data[0]
			data = data[1:]
			if int(b) < len(checkValues) {
				*f = checkValues[b]
			} else {
				*f = float64(ns)/1e9*float64(int(b)-len(checkValues))/64 + float64(c)
			}
		}
		pts = append(pts, p)
	}
	if startByte != 0 {
		start = t0.Add(time.Duration(int8(startByte)) * 100 * time.Millisecond)
	} else if len(pts) > 0 {
		start = pts[0].Time
	}
	return pts, start, now
}

func FuzzCheckResampleMatchesCurrent(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 200, 1, 0, 0xff, 40, 50, 60, 70, 80, 90, 100, 110, 1, 0, 0xff, 41, 51, 61, 71, 81, 91, 101, 111})
	// 1 Hz runs with a gap of each length that matters, all channels,
	// values growing with time.
	for _, g := range []uint16{2, 10, 11, 300, 301} {
		var run []byte
		run = append(run, 0, 255)
		for i := range 60 {
			step := uint16(1)
			if i == 30 {
				step = 5<<12 | g
			}
			run = binary.LittleEndian.AppendUint16(run, step|1<<15)
			run = append(run, 0xff, 100, 101, 102, 103, 104, 105, 106, 107, 108)
		}
		f.Add(run)
	}
	// A random valid run: the generator's own encoding.
	r := rand.New(rand.NewPCG(3, 4))
	var run []byte
	run = append(run, 0, 255)
	for range 200 {
		run = binary.LittleEndian.AppendUint16(run, uint16(r.IntN(3))<<12|1|uint16(r.IntN(2))<<15)
		run = append(run, byte(r.IntN(256)))
		for range 9 {
			run = append(run, byte(r.IntN(256)))
		}
	}
	f.Add(run)
	f.Fuzz(func(t *testing.T, data []byte) {
		pts, start, now := checkPointsFromBytes(data)
		for _, factor := range []float64{1, 2} {
			checkResampleAgainstCurrent(t, pts, 5, start, factor, now)
		}
	})
}

// TestCheckForResamplePath checks which path CheckForResample takes, so
// that the differential tests above cover both: one pass for points in
// strictly increasing time order from a start without a monotonic clock
// reading, ResampleCadence otherwise.
func TestCheckForResamplePath(t *testing.T) {
	now := t0.Add(time.Hour)
	ordered := runTrack(seq(0, 100, 1), 3)
	tt := []struct {
		name  string
		pts   []rebound.Point
		start time.Time
		fused bool
	}{
		{"ordered", ordered, t0, true},
		{"ordered, sub-second", runTrack(seq(0.3, 100, 0.7), 3), t0, true},
		{"empty", nil, t0, false},
		{"duplicate time", append(append([]rebound.Point(nil), ordered...), ordered[100]), t0, false},
		{"unordered", swap2(ordered, 10), t0, false},
		{"point before start", ordered, t0.Add(time.Second), false},
		{"monotonic start", ordered, time.Now(), false},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			c, err := CheckForResample(tc.pts, 0, tc.start, 1, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.sc != nil; got != tc.fused {
				t.Errorf("one pass = %v, want %v", got, tc.fused)
			}
			c.Resample()
		})
	}
}

// BenchmarkCheckResample reports cpu-ns/op (as BenchmarkResample) for
// CheckResample and for what it replaces, curCheckPoints followed by
// curResampleCadence, on benchTrack's runs with cadence doubled (foot
// sports, as the FIT importer does).
func BenchmarkCheckResample(b *testing.B) {
	now := t0.Add(24 * time.Hour)
	for _, tc := range []struct {
		name  string
		smart bool
	}{{"1h-1Hz-gaps", false}, {"1h-smart-3-7s", true}} {
		pts := benchTrack(tc.smart)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := CheckResample(pts, 0, t0, 2, now); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
		b.Run(tc.name+"/current", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if err := curCheckPoints(pts, 0, 2, now); err != nil {
					b.Fatal(err)
				}
				curResampleCadence(pts, t0, 2)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestCheckResampleClocks covers the times CheckForResample cannot compare
// as int64 wall-clock nanoseconds, where it calls Time.Before, After and
// Compare as CheckPoints does: points with a monotonic clock reading or a
// location other than UTC, a now beyond ±285 years of 1970, times far
// before 1990.
func TestCheckResampleClocks(t *testing.T) {
	base := time.Now() // with a monotonic clock reading
	rebase := func(p []rebound.Point, f func(time.Time) time.Time) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		for i := range out {
			out[i].Time = f(out[i].Time)
		}
		return out
	}
	track := runTrack(cat(seq(0, 100, 1), seq(120, 200, 1.5)), 3)
	mono := rebase(track, func(t time.Time) time.Time { return base.Add(t.Sub(t0)) })
	zone := time.FixedZone("UTC+2", 2*3600)
	inZone := rebase(track, func(t time.Time) time.Time { return t.In(zone) })
	oneFar := func(p []rebound.Point, i int, t time.Time) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		out[i].Time = t
		return out
	}
	tt := []struct {
		name       string
		pts        []rebound.Point
		start, now time.Time
	}{
		{"monotonic points, wall start, monotonic now", mono, base.Round(0), base},
		{"monotonic points and now, a point late", oneFar(mono, 100, base.Add(25*time.Hour)), base.Round(0), base},
		{"monotonic points, duplicate", oneFar(mono, 100, mono[99].Time), base.Round(0), base},
		{"points in a zone", inZone, t0, t0.Add(time.Hour)},
		{"points and start in a zone", inZone, t0.In(zone), t0.Add(time.Hour)},
		{"now in 2400", track, t0, time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"a point in 1600", oneFar(track, 50, time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)), t0, t0.Add(time.Hour)},
		{"a point in 2400", oneFar(track, 50, time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)), t0, t0.Add(time.Hour)},
		{"the last point in 2400, now in 2400", oneFar(track, len(track)-1, time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)), t0, time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			checkResampleAgainstCurrent(t, tc.pts, 0, tc.start, 2, tc.now)
		})
	}
}
