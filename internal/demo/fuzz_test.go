package demo

import (
	"testing"

	"rebound"
)

// FuzzEncodeRun: any script either is refused with EInvalid or gives a file
// that decodes and whose totals match its records.
func FuzzEncodeRun(f *testing.F) {
	f.Add(600.0, 3.0, 0.0, 0.0, 60.0, 4.9, 20.0, int64(1), false, 0)
	f.Add(30.0, 0.0, 0.2, 150.0, 0.0, 12.0, -40.0, int64(2), true, 1)
	f.Add(-1.0, 13.0, 0.5, 300.0, 1e9, -1.0, 99.0, int64(3), false, 3)
	f.Fuzz(func(t *testing.T, dur, speed, grade, hr, dur2, speed2, temp float64, seed int64, noHR bool, shape int) {
		if dur > 3600 || dur2 > 3600 {
			t.Skip("long scripts are slow, not interesting")
		}
		spec := RunSpec{Start: knownStart, TempC: temp, NoHR: noHR, AutoLapM: 400,
			Route: Route{Shape: RouteShape(((shape % 4) + 4) % 4)},
			Noise: Noise{SpeedSD: 0.1, HRSD: 2, GPSJitterM: 3, Seed: seed},
			Segments: []Seg{{DurationS: dur, SpeedMPS: speed, Grade: grade, HRBPM: hr, Lap: true},
				{DurationS: dur2, Pause: true}, {DurationS: dur2, SpeedMPS: speed2, Lap: true}}}
		data, err := EncodeRun(spec)
		if err != nil {
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Fatalf("error %v is not EInvalid", err)
			}
			return
		}
		checkTotals(t, "fuzz", decodeFIT(t, "fuzz", data), 0)
	})
}
