package track

import (
	"math"
	"testing"
	"time"

	"rebound"
)

// checkPointsByPoint is what CheckPoints replaces: CheckPoint on a copy of
// each point with its cadence multiplied, stopping at the first error.
func checkPointsByPoint(pts []rebound.Point, first int, cadenceFactor float64, now time.Time) error {
	for i, p := range pts {
		p.CadenceSPM *= cadenceFactor
		if err := CheckPoint(first+i, p, now); err != nil {
			return err
		}
	}
	return nil
}

// sameError compares two errors by presence and message.
func sameError(got, want error) bool {
	if (got == nil) != (want == nil) {
		return false
	}
	return got == nil || got.Error() == want.Error() && rebound.ErrorCode(got) == rebound.ErrorCode(want)
}

func TestCheckPointsMatchesCheckPoint(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ok := runTrack(seq(0, 20, 1), 3)
	with := func(i int, f func(p *rebound.Point)) []rebound.Point {
		pts := append([]rebound.Point(nil), ok...)
		f(&pts[i])
		return pts
	}
	tt := []struct {
		name   string
		pts    []rebound.Point
		factor float64
	}{
		{"valid", ok, 1},
		{"valid, doubled", ok, 2},
		{"empty", nil, 1},
		{"all missing", []rebound.Point{rebound.NewPoint(t0)}, 2},
		{"cadence 151 doubled is out of range", with(5, func(p *rebound.Point) { p.CadenceSPM = 151 }), 2},
		{"cadence 151 kept is fine", with(5, func(p *rebound.Point) { p.CadenceSPM = 151 }), 1},
		{"cadence 150 doubled is the bound", with(5, func(p *rebound.Point) { p.CadenceSPM = 150 }), 2},
		{"heart rate at both bounds", with(3, func(p *rebound.Point) { p.HeartRateBPM = 20; p.PowerW = 3000 }), 1},
		{"heart rate below", with(3, func(p *rebound.Point) { p.HeartRateBPM = 19.999 }), 1},
		{"speed above", with(7, func(p *rebound.Point) { p.SpeedMPS = 30.5 }), 1},
		{"negative distance", with(7, func(p *rebound.Point) { p.DistanceM = -1 }), 1},
		{"latitude", with(0, func(p *rebound.Point) { p.Lat = -90.1 }), 1},
		{"longitude", with(20, func(p *rebound.Point) { p.Lon = 180.5 }), 1},
		{"altitude", with(9, func(p *rebound.Point) { p.AltitudeM = 9001 }), 1},
		{"temperature", with(9, func(p *rebound.Point) { p.TemperatureC = -61 }), 1},
		{"power", with(9, func(p *rebound.Point) { p.PowerW = 3001 }), 1},
		{"infinite speed", with(2, func(p *rebound.Point) { p.SpeedMPS = math.Inf(1) }), 1},
		{"negative zero", with(2, func(p *rebound.Point) { p.SpeedMPS = math.Copysign(0, -1) }), 1},
		{"two bad points: the first is reported", with(4, func(p *rebound.Point) { p.HeartRateBPM = 300; p.Lat = 100 }), 1},
		{"before 1990", with(1, func(p *rebound.Point) { p.Time = time.Date(1989, 12, 31, 23, 59, 59, 999, time.UTC) }), 1},
		{"1990 exactly", with(1, func(p *rebound.Point) { p.Time = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC) }), 1},
		{"in the future", with(1, func(p *rebound.Point) { p.Time = now.Add(24*time.Hour + 1) }), 1},
		{"a day ahead exactly", with(1, func(p *rebound.Point) { p.Time = now.Add(24 * time.Hour) }), 1},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckPoints(tc.pts, 17, tc.factor, now)
			want := checkPointsByPoint(tc.pts, 17, tc.factor, now)
			if !sameError(got, want) {
				t.Fatalf("CheckPoints = %v, want %v", got, want)
			}
		})
	}
}
