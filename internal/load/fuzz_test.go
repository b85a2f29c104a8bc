package load_test

import (
	"encoding/binary"
	"math"
	"testing"

	"rebound"
	"rebound/internal/load"
)

// FuzzAnalyze feeds arbitrary streams (any values: NaN, ±Inf, negative,
// channels of different lengths) and thresholds to Analyze and checks that
// it never panics and that its output is sane: a finite, non-negative load
// with a source and a reason, zone fractions summing to 1 (or no time), and
// segments inside the activity.
func FuzzAnalyze(f *testing.F) {
	s, _, _ := articleRun(0.3, 3, 1)
	seed := make([]byte, 0, 8*5*600)
	for i := 0; i < 600; i++ {
		for _, v := range []float64{s.HeartRateBPM[i*9], s.SpeedMPS[i*9], s.AltitudeM[i*9], s.DistanceM[i*9], s.Lat[i*9]} {
			seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(v))
		}
	}
	f.Add(seed, uint8(5), 170.0, 4.0)
	f.Add([]byte{1, 2, 3}, uint8(0), 0.0, 0.0)
	f.Fuzz(func(t *testing.T, data []byte, shape uint8, lthr, thr float64) {
		var chans [5][]float64
		for i := 0; i+8 <= len(data); i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i:]))
			k := (i / 8) % 5
			if shape&(1<<k) != 0 || k == 0 {
				chans[k] = append(chans[k], v)
			}
		}
		st := &rebound.Streams{HeartRateBPM: chans[0], SpeedMPS: chans[1], AltitudeM: chans[2], DistanceM: chans[3], Lat: chans[4]}
		if shape&0x80 != 0 {
			st.Lon = chans[4]
		}
		a := &rebound.Activity{Sport: rebound.SportRunning, MovingS: float64(len(data)), ElapsedS: float64(len(data)), Streams: st}
		if shape&0x40 != 0 {
			r := int(shape % 11)
			a.RPE = &r
		}
		prof := testProfile()
		prof.LTHRBPM.Value, prof.ThresholdSpeedMPS.Value = lthr, thr
		p := load.DefaultParams()
		wl := load.Analyze(a, []*rebound.Activity{a, nil}, prof, load.CalibrateRPE(nil, p), p)
		if math.IsNaN(wl.Load) || math.IsInf(wl.Load, 0) || wl.Load < 0 {
			// Pathological thresholds (NaN, ±Inf, tiny) may give Inf loads;
			// sane ones must not.
			if lthr > 60 && lthr < 240 && thr > 1 && thr < 10 {
				t.Fatalf("load %v from %q", wl.Load, wl.LoadSource)
			}
		}
		if wl.LoadSource == "" || wl.LoadWhy == "" {
			t.Fatalf("no source/why: %+v", wl)
		}
		for _, zs := range [][]rebound.ZoneTime{wl.HRZones, wl.PaceZones} {
			sum, secs := 0.0, 0.0
			for _, z := range zs {
				sum += z.Fraction
				secs += z.Seconds
			}
			if secs > 0 && math.Abs(sum-1) > 1e-9 {
				t.Fatalf("zone fractions sum to %v", sum)
			}
		}
		n := float64(st.Len())
		for _, sg := range append(wl.Surges, derefSeg(wl.FastFinish)...) {
			if sg.StartS < 0 || sg.DurationS <= 0 || sg.StartS+sg.DurationS > n+1 {
				t.Fatalf("segment %+v outside %v s", sg, n)
			}
		}
	})
}

func derefSeg(s *rebound.Segment) []rebound.Segment {
	if s == nil {
		return nil
	}
	return []rebound.Segment{*s}
}
