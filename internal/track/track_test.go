package track

import (
	"math"
	"strings"
	"testing"
	"time"

	"rebound"
)

var t0 = time.Date(2026, 7, 11, 10, 0, 0, 0, time.UTC)

func pt(sec float64, f func(*rebound.Point)) rebound.Point {
	p := rebound.NewPoint(t0.Add(time.Duration(sec * float64(time.Second))))
	if f != nil {
		f(&p)
	}
	return p
}

func TestHaversineM(t *testing.T) {
	tt := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want                   float64
	}{
		// One degree of arc on a sphere of radius R is R·π/180.
		{"one degree of latitude", 0, 0, 1, 0, earthRadiusM * math.Pi / 180},
		{"one degree of longitude on the equator", 0, 0, 0, 1, earthRadiusM * math.Pi / 180},
		// Antipodes: half the circumference, π·R.
		{"antipodes", 0, 0, 0, 180, math.Pi * earthRadiusM},
		{"same point", 48.1, 11.5, 48.1, 11.5, 0},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			got := HaversineM(tc.lat1, tc.lon1, tc.lat2, tc.lon2)
			if math.Abs(got-tc.want) > 1e-6*math.Max(1, tc.want) {
				t.Errorf("HaversineM = %.6f, want %.6f", got, tc.want)
			}
		})
	}
}

func TestResample_ConstantSpeed(t *testing.T) {
	// 3 m/s for 600 s, one sample every 2 s: distance is 3·t at every second.
	var pts []rebound.Point
	for s := 0; s <= 600; s += 2 {
		pts = append(pts, pt(float64(s), func(p *rebound.Point) {
			p.DistanceM = 3 * float64(s)
			p.HeartRateBPM = 150
		}))
	}
	st := Resample(pts, t0)
	if st.Len() != 601 {
		t.Fatalf("Len = %d, want 601", st.Len())
	}
	for i := 0; i < 601; i++ {
		if got := st.DistanceM[i]; math.Abs(got-3*float64(i)) > 1e-9 {
			t.Fatalf("DistanceM[%d] = %v, want %v", i, got, 3*float64(i))
		}
		if st.HeartRateBPM[i] != 150 {
			t.Fatalf("HeartRateBPM[%d] = %v, want 150", i, st.HeartRateBPM[i])
		}
	}
	if st.Lat != nil || st.PowerW != nil {
		t.Errorf("channels without data must be nil")
	}
	// Speed is derived from distance: 3 m/s everywhere.
	for i, v := range st.SpeedMPS {
		if math.Abs(v-3) > 1e-9 {
			t.Fatalf("SpeedMPS[%d] = %v, want 3", i, v)
		}
	}
	sum := Summarize(st)
	// 601 moving samples, but moving time is capped at the 600 s elapsed.
	if sum.ElapsedS != 600 || sum.MovingS != 600 || sum.DistanceM != 1800 {
		t.Errorf("summary elapsed/moving/distance = %v/%v/%v, want 600/600/1800", sum.ElapsedS, sum.MovingS, sum.DistanceM)
	}
	if sum.AvgHeartRateBPM == nil || *sum.AvgHeartRateBPM != 150 {
		t.Errorf("avg HR = %v, want 150", sum.AvgHeartRateBPM)
	}
}

func TestResample_PauseIsNotInterpolated(t *testing.T) {
	// 0–100 s running at 2 m/s, stopped timer 100–400 s, 400–500 s running.
	var pts []rebound.Point
	add := func(from, to int, d0 float64) {
		for s := from; s <= to; s++ {
			pts = append(pts, pt(float64(s), func(p *rebound.Point) {
				p.DistanceM = d0 + 2*float64(s-from)
				p.SpeedMPS = 2
				p.HeartRateBPM = 140
			}))
		}
	}
	add(0, 100, 0)
	add(400, 500, 200)
	st := Resample(pts, t0)
	if !math.IsNaN(st.HeartRateBPM[250]) || !math.IsNaN(st.SpeedMPS[250]) {
		t.Errorf("values inside a pause must be NaN, got HR %v speed %v", st.HeartRateBPM[250], st.SpeedMPS[250])
	}
	if st.DistanceM[250] != 200 {
		t.Errorf("distance inside a pause must hold at 200, got %v", st.DistanceM[250])
	}
	sum := Summarize(st)
	// 101 moving samples on each side of the pause.
	if sum.MovingS != 202 || sum.ElapsedS != 500 || sum.DistanceM != 400 {
		t.Errorf("moving/elapsed/distance = %v/%v/%v, want 202/500/400", sum.MovingS, sum.ElapsedS, sum.DistanceM)
	}
}

func TestResample_DistanceFromPositions(t *testing.T) {
	// Northward along a meridian, 0.0001° of latitude per second ≈ 11.12 m/s.
	var pts []rebound.Point
	for s := 0; s <= 60; s++ {
		pts = append(pts, pt(float64(s), func(p *rebound.Point) {
			p.Lat = 45 + 0.0001*float64(s)
			p.Lon = 7
		}))
	}
	st := Resample(pts, t0)
	want := HaversineM(45, 7, 45.006, 7)
	if got := st.DistanceM[60]; math.Abs(got-want) > 1e-6 {
		t.Errorf("distance = %v, want haversine %v", got, want)
	}
}

func TestResample_UnsortedAndDuplicateTimes(t *testing.T) {
	pts := []rebound.Point{
		pt(2, func(p *rebound.Point) { p.HeartRateBPM = 120 }),
		pt(0, func(p *rebound.Point) { p.HeartRateBPM = 100 }),
		pt(2, func(p *rebound.Point) { p.CadenceSPM = 170 }), // same second: merged, HR kept from the first
	}
	st := Resample(pts, t0)
	if st.Len() != 3 || st.HeartRateBPM[1] != 110 || st.HeartRateBPM[2] != 120 || st.CadenceSPM[2] != 170 {
		t.Errorf("got HR %v cadence %v", st.HeartRateBPM, st.CadenceSPM)
	}
}

func TestElevationHysteresis(t *testing.T) {
	tt := []struct {
		alt      []float64
		up, down float64
	}{
		{[]float64{0, 1, 2, 3, 4, 2, 0}, 3, 3}, // 0→3 counts 3 (reference moves to 3); 4 and 2 are within 3 m of it; 0 counts a 3 m drop
		{[]float64{0, 2, 0, 2, 0, 2}, 0, 0},    // noise below the hysteresis counts nothing
		{[]float64{100, 110, 100}, 10, 10},
	}
	for i, tc := range tt {
		up, down := elevation(tc.alt)
		if up != tc.up || down != tc.down {
			t.Errorf("[%d] elevation(%v) = %v, %v; want %v, %v", i, tc.alt, up, down, tc.up, tc.down)
		}
	}
}

func TestCheckPoint(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	ok := pt(0, func(p *rebound.Point) { p.HeartRateBPM = 180; p.Lat = 40 })
	if err := CheckPoint(0, ok, now); err != nil {
		t.Fatalf("valid point rejected: %v", err)
	}
	tt := []struct {
		name string
		p    rebound.Point
		want string
	}{
		{"hr 400", pt(0, func(p *rebound.Point) { p.HeartRateBPM = 400 }), "record 7: heart rate 400 bpm out of range (20–250 bpm)"},
		{"negative distance", pt(0, func(p *rebound.Point) { p.DistanceM = -5 }), "record 7: distance -5 m out of range"},
		{"latitude", pt(0, func(p *rebound.Point) { p.Lat = 91 }), "latitude 91"},
		{"2090", rebound.NewPoint(time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)), "is in the future"},
		{"FIT epoch placeholder", rebound.NewPoint(time.Date(1989, 12, 31, 0, 0, 0, 0, time.UTC)), "before 1990"},
		{"infinite speed", pt(0, func(p *rebound.Point) { p.SpeedMPS = math.Inf(1) }), "speed"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckPoint(7, tc.p, now)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckPoint error = %v, want it to contain %q", err, tc.want)
			}
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Errorf("code = %q, want invalid", rebound.ErrorCode(err))
			}
		})
	}
}

func TestSummaryFill_FileTotalsWin(t *testing.T) {
	a := &rebound.Activity{DistanceM: 5000, MovingS: 1500, AvgHeartRateBPM: rebound.Float(150)}
	s := Summary{DistanceM: 4990, MovingS: 1490, ElapsedS: 1600, AvgHeartRateBPM: rebound.Float(149), MaxHeartRateBPM: rebound.Float(170)}
	s.Fill(a)
	if a.DistanceM != 5000 || a.MovingS != 1500 || *a.AvgHeartRateBPM != 150 {
		t.Errorf("file totals overwritten: %+v", a)
	}
	if a.ElapsedS != 1600 || a.MaxHeartRateBPM == nil || *a.MaxHeartRateBPM != 170 || a.AvgSpeedMPS != 5000.0/1500 {
		t.Errorf("missing fields not filled: elapsed %v max HR %v speed %v", a.ElapsedS, a.MaxHeartRateBPM, a.AvgSpeedMPS)
	}
}

func TestResample_SparseRecordingIsBridged(t *testing.T) {
	// A phone logging every 30 s while running at 3 m/s: the gaps are
	// sparse recording (distance grows at running speed), not pauses. Then a
	// 60 s stop (distance unchanged) is a pause.
	var pts []rebound.Point
	for s := 0; s <= 300; s += 30 {
		pts = append(pts, pt(float64(s), func(p *rebound.Point) { p.DistanceM = 3 * float64(s); p.HeartRateBPM = 150 }))
	}
	pts = append(pts, pt(360, func(p *rebound.Point) { p.DistanceM = 900; p.HeartRateBPM = 120 }))
	st := Resample(pts, t0)
	if got := st.HeartRateBPM[15]; got != 150 {
		t.Errorf("HR inside a bridged gap = %v, want 150", got)
	}
	if got := st.DistanceM[15]; got != 45 {
		t.Errorf("distance inside a bridged gap = %v, want 45", got)
	}
	if !math.IsNaN(st.HeartRateBPM[330]) {
		t.Errorf("HR inside the stop = %v, want NaN", st.HeartRateBPM[330])
	}
	sum := Summarize(st)
	// 301 moving samples over 0–300 s; the stop and its end sample are not moving.
	if sum.MovingS != 301 {
		t.Errorf("moving = %v, want 301", sum.MovingS)
	}
}
