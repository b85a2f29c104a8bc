package track

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"rebound"
)

// diffStreams reports the first difference between two Streams, bit for
// bit: every channel must be nil in both or have the same length and the
// same float64 bits at every sample, except that any NaN equals any NaN
// (NaN is the missing-value marker; its payload carries nothing).
func diffStreams(got, want *rebound.Streams) error {
	if (got == nil) != (want == nil) {
		return fmt.Errorf("streams nil = %v, want %v", got == nil, want == nil)
	}
	if got == nil {
		return nil
	}
	gc, wc := got.Channels(), want.Channels()
	for i := range gc {
		g, w := *gc[i].Values, *wc[i].Values
		if (g == nil) != (w == nil) {
			return fmt.Errorf("%s: nil = %v, want %v", gc[i].Name, g == nil, w == nil)
		}
		if len(g) != len(w) {
			return fmt.Errorf("%s: len %d, want %d", gc[i].Name, len(g), len(w))
		}
		for k := range g {
			if math.IsNaN(g[k]) && math.IsNaN(w[k]) {
				continue
			}
			if math.Float64bits(g[k]) != math.Float64bits(w[k]) {
				return fmt.Errorf("%s[%d] = %v (%#x), want %v (%#x)", gc[i].Name, k, g[k], math.Float64bits(g[k]), w[k], math.Float64bits(w[k]))
			}
		}
	}
	return nil
}

// checkAgainstReference runs Resample and referenceResample on copies of
// the same points and also checks that Resample left its input untouched
// (the FIT importer passes its own buffer without copying).
func checkAgainstReference(t *testing.T, pts []rebound.Point, start time.Time) {
	t.Helper()
	in := append([]rebound.Point(nil), pts...)
	got := Resample(in, start)
	want := referenceResample(append([]rebound.Point(nil), pts...), start)
	if err := diffStreams(got, want); err != nil {
		t.Fatalf("Resample differs from the reference: %v", err)
	}
	if err := diffSummary(Summarize(got), referenceSummarize(want)); err != nil {
		t.Fatalf("Summarize differs from the reference: %v", err)
	}
	for i := range in {
		if !samePoint(in[i], pts[i]) {
			t.Fatalf("Resample modified its input at %d: %+v, was %+v", i, in[i], pts[i])
		}
	}
	// ResampleCadence with factor 2 must equal the reference on points whose
	// cadence was doubled first, which is what the FIT importer did before.
	doubled := append([]rebound.Point(nil), pts...)
	for i := range doubled {
		doubled[i].CadenceSPM *= 2
	}
	got = ResampleCadence(append([]rebound.Point(nil), pts...), start, 2)
	if err := diffStreams(got, referenceResample(doubled, start)); err != nil {
		t.Fatalf("ResampleCadence(·, 2) differs from the reference on doubled cadence: %v", err)
	}
}

// diffSummary compares two summaries bit for bit (NaN equal to NaN).
func diffSummary(got, want Summary) error {
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	plain := [][2]float64{{got.ElapsedS, want.ElapsedS}, {got.MovingS, want.MovingS}, {got.DistanceM, want.DistanceM}, {got.AvgSpeedMPS, want.AvgSpeedMPS}}
	for i, p := range plain {
		if !same(p[0], p[1]) {
			return fmt.Errorf("plain field %d = %v, want %v", i, p[0], p[1])
		}
	}
	opt := [][2]*float64{{got.AscentM, want.AscentM}, {got.DescentM, want.DescentM}, {got.AvgHeartRateBPM, want.AvgHeartRateBPM},
		{got.MaxHeartRateBPM, want.MaxHeartRateBPM}, {got.MaxSpeedMPS, want.MaxSpeedMPS}, {got.AvgTemperatureC, want.AvgTemperatureC},
		{got.MinTemperatureC, want.MinTemperatureC}, {got.MaxTemperatureC, want.MaxTemperatureC}, {got.AvgCadenceSPM, want.AvgCadenceSPM},
		{got.AvgPowerW, want.AvgPowerW}}
	for i, p := range opt {
		if (p[0] == nil) != (p[1] == nil) || p[0] != nil && !same(*p[0], *p[1]) {
			return fmt.Errorf("optional field %d = %v, want %v", i, p[0], p[1])
		}
	}
	return nil
}

func TestExtremeMatchesReference(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tt := [][]float64{
		nil,
		{math.NaN()},
		{0, negZero}, // max is +0, min −0: the order of the zeros matters to neither
		{negZero, 0},
		{negZero, negZero},
		{math.Inf(-1), 3, math.NaN(), math.Inf(1)},
		{math.NaN(), 5, -2, 7.5, math.NaN()},
	}
	for _, v := range tt {
		for _, largest := range []bool{true, false} {
			pick := math.Min
			if largest {
				pick = math.Max
			}
			got, want := extreme(v, largest), refExtreme(v, pick)
			if !sameOpt(got, want) {
				t.Errorf("extreme(%v, %v) = %v, want %v", v, largest, got, want)
			}
		}
		lo, hi := minMax(v)
		if !sameOpt(lo, refExtreme(v, math.Min)) || !sameOpt(hi, refExtreme(v, math.Max)) {
			t.Errorf("minMax(%v) = %v, %v; want %v, %v", v, lo, hi, refExtreme(v, math.Min), refExtreme(v, math.Max))
		}
	}
}

// sameOpt compares optional values bit for bit.
func sameOpt(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || math.Float64bits(*a) == math.Float64bits(*b))
}

func samePoint(a, b rebound.Point) bool {
	if !a.Time.Equal(b.Time) {
		return false
	}
	av := [...]float64{a.Lat, a.Lon, a.AltitudeM, a.DistanceM, a.SpeedMPS, a.HeartRateBPM, a.CadenceSPM, a.TemperatureC, a.PowerW}
	bv := [...]float64{b.Lat, b.Lon, b.AltitudeM, b.DistanceM, b.SpeedMPS, b.HeartRateBPM, b.CadenceSPM, b.TemperatureC, b.PowerW}
	for i := range av {
		if math.Float64bits(av[i]) != math.Float64bits(bv[i]) && !(math.IsNaN(av[i]) && math.IsNaN(bv[i])) {
			return false
		}
	}
	return true
}

// runTrack is a synthetic run: a point at each of the given offsets (s)
// moving north at speedMPS, with every channel set unless the option
// functions clear some.
func runTrack(offs []float64, speedMPS float64, opts ...func(i int, p *rebound.Point)) []rebound.Point {
	pts := make([]rebound.Point, 0, len(offs))
	for i, s := range offs {
		p := pt(s, func(p *rebound.Point) {
			d := speedMPS * s
			p.DistanceM = d
			p.Lat = 45 + d/111_195 // ≈ 111.2 km per degree of latitude
			p.Lon = 7 + 0.00001*math.Sin(s/60)
			p.AltitudeM = 300 + 20*math.Sin(s/300)
			p.SpeedMPS = speedMPS + 0.1*math.Sin(s/17)
			p.HeartRateBPM = 140 + float64(i%13)
			p.CadenceSPM = 85 + float64(i%3)
			p.TemperatureC = 21 + float64(i%50)/10
			p.PowerW = 250 + float64(i%37)
		})
		for _, o := range opts {
			o(i, &p)
		}
		pts = append(pts, p)
	}
	return pts
}

func seq(from, to, step float64) []float64 {
	var out []float64
	for s := from; s <= to; s += step {
		out = append(out, s)
	}
	return out
}

func cat(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestResampleMatchesReference(t *testing.T) {
	noDistance := func(_ int, p *rebound.Point) { p.DistanceM = math.NaN() }
	noSpeed := func(_ int, p *rebound.Point) { p.SpeedMPS = math.NaN() }
	noPosition := func(_ int, p *rebound.Point) { p.Lat, p.Lon = math.NaN(), math.NaN() }
	only := func(keep func(p *rebound.Point) float64, set func(p *rebound.Point, v float64)) func(int, *rebound.Point) {
		return func(_ int, p *rebound.Point) {
			v := keep(p)
			q := rebound.NewPoint(p.Time)
			set(&q, v)
			*p = q
		}
	}
	hrOnly := only(func(p *rebound.Point) float64 { return p.HeartRateBPM }, func(p *rebound.Point, v float64) { p.HeartRateBPM = v })
	distOnly := only(func(p *rebound.Point) float64 { return p.DistanceM }, func(p *rebound.Point, v float64) { p.DistanceM = v })
	// partly drops a channel on some points: cadence only on every third
	// point, HR missing from 100 s to 200 s, power only in the first half.
	partly := func(i int, p *rebound.Point) {
		if i%3 != 0 {
			p.CadenceSPM = math.NaN()
		}
		if s := p.Time.Sub(t0).Seconds(); s >= 100 && s < 200 {
			p.HeartRateBPM = math.NaN()
		}
		if i > 150 {
			p.PowerW = math.NaN()
		}
	}
	stopped := func(from, to float64) func(int, *rebound.Point) {
		return func(_ int, p *rebound.Point) {
			if s := p.Time.Sub(t0).Seconds(); s > from {
				p.DistanceM -= 3 * (math.Min(s, to) - from) // distance does not grow from `from` to `to`
			}
		}
	}
	reverse := func(p []rebound.Point) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out
	}
	shuffled := func(p []rebound.Point) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		return out
	}
	withDuplicates := func(p []rebound.Point) []rebound.Point {
		var out []rebound.Point
		for i, q := range p {
			out = append(out, q)
			if i%7 == 3 { // a second record in the same second with other values, some missing
				d := q
				d.HeartRateBPM = math.NaN()
				d.CadenceSPM = 99
				out = append(out, d)
			}
		}
		return out
	}
	big := func(i int, p *rebound.Point) { // differences overflow to ±Inf, interpolation gives NaN
		p.PowerW = 1e308
		p.AltitudeM = math.MaxFloat64 * float64(1-2*(i%2))
	}
	bigMidRun := func(i int, p *rebound.Point) { // one overflowing difference inside a 1 Hz run
		switch i {
		case 50:
			p.AltitudeM = math.MaxFloat64
		case 51:
			p.AltitudeM = -math.MaxFloat64
		}
	}
	hugeCadence := func(_ int, p *rebound.Point) { p.CadenceSPM = 1e308 } // ×2 overflows: no finite cadence
	infinite := func(i int, p *rebound.Point) {
		if i%5 == 0 {
			p.HeartRateBPM = math.Inf(1)
			p.DistanceM = math.Inf(-1)
		}
	}
	negZero := func(i int, p *rebound.Point) {
		if i%2 == 0 {
			p.TemperatureC = math.Copysign(0, -1)
		}
	}

	oneHz := seq(0, 600, 1)
	// rebase moves points from t0 to base; Add keeps base's monotonic
	// clock reading, if any.
	rebase := func(p []rebound.Point, base time.Time) []rebound.Point {
		out := append([]rebound.Point(nil), p...)
		for i := range out {
			out[i].Time = base.Add(out[i].Time.Sub(t0))
		}
		return out
	}
	now := time.Now() // with a monotonic clock reading
	far := t0.AddDate(300, 0, 0)
	tt := []struct {
		name  string
		pts   []rebound.Point
		start time.Time
	}{
		{"empty", nil, t0},
		{"single point", runTrack([]float64{0}, 3), t0},
		{"single point after start", runTrack([]float64{42.6}, 3), t0},
		{"all before start", runTrack(seq(0, 10, 1), 3), t0.Add(time.Hour)},
		{"some before start", runTrack(seq(0, 100, 1), 3), t0.Add(30500 * time.Millisecond)},
		{"1 Hz", runTrack(oneHz, 3), t0},
		{"1 Hz, distance from positions", runTrack(oneHz, 3, noDistance), t0},
		{"1 Hz, speed from distance", runTrack(oneHz, 3, noSpeed), t0},
		{"1 Hz, speed from positions", runTrack(oneHz, 3, noDistance, noSpeed), t0},
		{"1 Hz, no distance at all", runTrack(oneHz, 3, noDistance, noSpeed, noPosition), t0},
		{"HR only", runTrack(oneHz, 3, hrOnly), t0},
		{"distance only", runTrack(oneHz, 3, distOnly), t0},
		{"channels present only partly", runTrack(oneHz, 3, partly), t0},
		{"gap below MaxGapS", runTrack(cat(seq(0, 100, 1), seq(109, 200, 1)), 3), t0},
		{"gap of exactly MaxGapS", runTrack(cat(seq(0, 100, 1), seq(110, 200, 1)), 3), t0},
		{"pause above MaxGapS", runTrack(cat(seq(0, 100, 1), seq(111, 200, 1)), 3, stopped(100, 111)), t0},
		{"long pause", runTrack(cat(seq(0, 100, 1), seq(1000, 1100, 1)), 3, stopped(100, 1000)), t0},
		{"long pause, speed derived", runTrack(cat(seq(0, 100, 1), seq(1000, 1100, 1)), 3, stopped(100, 1000), noSpeed), t0},
		{"sparse recording bridged", runTrack(seq(0, 1800, 30), 3), t0},
		{"sparse recording, speed derived", runTrack(seq(0, 1800, 30), 3, noSpeed), t0},
		{"sparse bridge of exactly MaxBridgeS", runTrack(cat(seq(0, 10, 1), seq(310, 320, 1)), 3), t0},
		{"sparse gap above MaxBridgeS", runTrack(cat(seq(0, 10, 1), seq(311, 320, 1)), 3), t0},
		{"slow across a gap: pause", runTrack(cat(seq(0, 10, 1), seq(100, 120, 1)), 0.4), t0},
		{"smart recording 3–7 s", runTrack(smartOffsets(600, 3), 3), t0},
		{"smart recording, no speed", runTrack(smartOffsets(600, 4), 3, noSpeed), t0},
		{"fractional seconds", runTrack(seq(0.25, 300, 0.75), 3), t0},
		{"fractional 0.5 steps", runTrack(seq(0.5, 100, 0.5), 3, noSpeed), t0},
		{"fractional, sparse", runTrack(seq(0.4, 900, 13.7), 3), t0},
		{"fractional, pauses", runTrack(cat(seq(0.6, 50.6, 1), seq(70.6, 100.6, 1), seq(130.4, 140.4, 1)), 3, stopped(50.6, 130.4)), t0},
		{"fractional start offset", runTrack(seq(0, 300, 1), 3), t0.Add(-300 * time.Millisecond)},
		{"unsorted", reverse(runTrack(oneHz, 3)), t0},
		{"shuffled with gaps", shuffled(runTrack(cat(seq(0, 100, 1), seq(200, 300, 2), seq(320, 400, 30)), 3)), t0},
		{"duplicate timestamps", withDuplicates(runTrack(oneHz, 3)), t0},
		{"duplicates, unsorted", shuffled(withDuplicates(runTrack(seq(0, 200, 3), 3))), t0},
		{"overflowing differences", runTrack(seq(0, 100, 1), 3, big), t0},
		{"overflow inside a 1 Hz run", runTrack(seq(0, 100, 1), 3, bigMidRun), t0},
		{"cadence overflows when doubled", runTrack(seq(0, 100, 1), 3, hugeCadence), t0},
		{"1 Hz across the 7-day cap", runTrack(cat([]float64{0}, seq(maxSamples-5, maxSamples+5, 1)), 0), t0},
		{"infinities", runTrack(seq(0, 100, 1), 3, infinite), t0},
		{"negative zero", runTrack(seq(0, 100, 1), 3, negZero), t0},
		{"monotonic start and points", rebase(runTrack(seq(0, 100, 0.7), 3), now), now},
		{"monotonic start, wall points", rebase(runTrack(seq(0, 100, 0.7), 3), now.Round(0)), now},
		{"wall start, monotonic points", rebase(runTrack(seq(0, 100, 0.7), 3), now), now.Round(0)},
		{"300 years after start", rebase(runTrack(seq(0, 20, 1), 3), far), t0},
		{"some points 300 years after start", append(runTrack(seq(0, 20, 1), 3), rebase(runTrack(seq(0, 5, 1), 3), far)...), t0},
		{"more than 7 days", runTrack(cat(seq(0, 100, 1), []float64{maxSamples - 50, maxSamples - 1, maxSamples, maxSamples + 0.4, maxSamples + 3600}), 0), t0},
		{"more than 7 days, moving", runTrack(cat(seq(0, 100, 1), seq(maxSamples-600, maxSamples+600, 30)), 3, noSpeed), t0},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			checkAgainstReference(t, tc.pts, tc.start)
		})
	}
}

// smartOffsets is "smart recording": a sample every 3–7 s (uniform,
// deterministic) up to durS.
func smartOffsets(durS float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	var out []float64
	for s := 0.0; s <= durS; s += float64(3 + r.IntN(5)) {
		out = append(out, s)
	}
	return out
}

// fuzzValues are the channel values the fuzzer picks from: ordinary ones,
// the edges of the ranges, the special floats and values whose differences
// overflow.
var fuzzValues = [...]float64{
	0, 1, 2.5, 3, 45, 7.25, 150, 180.5, 1e4, -12.5, 0.4, 1e-9,
	math.NaN(), math.NaN(), math.NaN(), math.Inf(1), math.Inf(-1),
	math.Copysign(0, -1), 1e308, -1e308, math.MaxFloat64, math.SmallestNonzeroFloat64,
}

// pointsFromBytes turns fuzz input into points: per point, 2 bytes of time
// step (most small and whole, some fractional, some zero or backward, some
// large), a byte of channel mask and a byte per present channel selecting a
// value (a fuzzValues entry, or a value growing with time so that distance
// looks cumulative).
func pointsFromBytes(data []byte) ([]rebound.Point, time.Time) {
	var pts []rebound.Point
	start := t0
	if len(data) > 0 {
		start = t0.Add(time.Duration(int8(data[0])) * 100 * time.Millisecond)
		data = data[1:]
	}
	ns := int64(0)
	for len(data) >= 3 && len(pts) < 2000 {
		step := binary.LittleEndian.Uint16(data)
		mask := uint16(data[2]) | uint16(step>>15)<<8 // 9 channels
		data = data[3:]
		switch kind := step >> 12 & 7; kind {
		case 0, 1, 2, 3: // whole seconds 0–7
			ns += int64(step&7) * 1e9
		case 4: // fractional step up to ~4 s
			ns += int64(step&0xfff) * 1e6
		case 5: // long gap, whole seconds up to 4095
			ns += int64(step&0xfff) * 1e9
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
			if int(b) < len(fuzzValues) {
				*f = fuzzValues[b]
			} else {
				*f = float64(ns)/1e9*float64(int(b)-len(fuzzValues))/32 + float64(c) // grows with time: a moving distance, a drifting position
			}
		}
		pts = append(pts, p)
	}
	return pts, start
}

func FuzzResampleMatchesReference(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 1, 0, 0xff, 40, 50, 60, 70, 80, 90, 100, 110, 1, 0, 0xff, 41, 51, 61, 71, 81, 91, 101, 111})
	f.Add([]byte{0, 20, 0x50, 0x01, 60, 1, 0, 0x01, 70, 2, 0, 0x03, 80, 90})
	// A 1 Hz run with all channels and a long gap, from the generator's
	// own encoding.
	var run []byte
	run = append(run, 3)
	for i := range 120 {
		step := uint16(1)
		if i == 60 {
			step = 5<<12 | 45 // 45 s gap
		}
		run = binary.LittleEndian.AppendUint16(run, step|1<<15)
		run = append(run, 0xff, 100, 101, 102, 103, 104, 105, 106, 107, 108)
	}
	f.Add(run)
	f.Fuzz(func(t *testing.T, data []byte) {
		pts, start := pointsFromBytes(data)
		checkAgainstReference(t, pts, start)
		now := start.Add(time.Hour)
		for _, factor := range []float64{1, 2} {
			if got, want := CheckPoints(pts, 3, factor, now), checkPointsByPoint(pts, 3, factor, now); !sameError(got, want) {
				t.Fatalf("CheckPoints(·, %v) = %v, want %v", factor, got, want)
			}
		}
	})
}

// benchTrack is a realistic 1 h run: 1 Hz with a few pauses (a 45 s
// traffic light, a 4 min stop, a 20 s GPS dropout while moving) or, with
// smart recording, a sample every 3–7 s; distance, position, altitude,
// speed, HR and cadence recorded, no power or temperature.
func benchTrack(smart bool) []rebound.Point {
	offs := smartOffsets(3600, 11)
	if !smart {
		offs = cat(seq(0, 900, 1), seq(946, 1800, 1), seq(2040, 2700, 1), seq(2721, 3600, 1))
	}
	return runTrack(offs, 3.2, func(_ int, p *rebound.Point) { p.PowerW, p.TemperatureC = math.NaN(), math.NaN() })
}

// cpuTime is the process's CPU time: on a shared machine it moves less
// with the other processes' load than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkResample reports ns/op and, steadier on a shared machine,
// cpu-ns/op (the process's CPU time, GC included), for Resample and for
// the frozen reference implementation on the same points.
func BenchmarkResample(b *testing.B) {
	for _, tc := range []struct {
		name  string
		smart bool
	}{{"1h-1Hz-gaps", false}, {"1h-smart-3-7s", true}} {
		pts := benchTrack(tc.smart)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				Resample(pts, t0)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
		b.Run(tc.name+"/reference", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				referenceResample(pts, t0)
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
