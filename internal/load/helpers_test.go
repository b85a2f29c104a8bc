package load_test

import (
	"math"
	"math/rand/v2"
	"time"

	"rebound"
	"rebound/internal/load"
)

// piece is a stretch of a synthetic 1 Hz run at constant speed and HR.
type piece struct {
	s   int     // seconds
	v   float64 // m/s
	hr  float64 // bpm; NaN = no HR
	alt float64 // grade of the stretch (fraction); 0 = flat
}

// synth builds 1 s streams from pieces: speed, cumulative distance, HR,
// altitude and a track heading east from (45°N, 7°E). speedNoise and hrNoise
// are Gaussian SDs; the seed makes it reproducible.
func synth(pieces []piece, speedNoise, hrNoise float64, seed uint64) *rebound.Streams {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &rebound.Streams{}
	d, alt := 0.0, 100.0
	const mPerDegLon = 111320 * 0.7071 // at 45°N
	for _, pc := range pieces {
		for range pc.s {
			v := pc.v + speedNoise*r.NormFloat64()
			if v < 0 {
				v = 0
			}
			d += pc.v
			alt += pc.v * pc.alt
			s.SpeedMPS = append(s.SpeedMPS, v)
			s.DistanceM = append(s.DistanceM, d)
			s.AltitudeM = append(s.AltitudeM, alt)
			s.Lat = append(s.Lat, 45)
			s.Lon = append(s.Lon, 7+d/mPerDegLon)
			h := pc.hr
			if !math.IsNaN(h) {
				h += hrNoise * r.NormFloat64()
			}
			s.HeartRateBPM = append(s.HeartRateBPM, h)
		}
	}
	return s
}

// runOf wraps streams in a running activity starting at start.
func runOf(id int64, start time.Time, s *rebound.Streams) *rebound.Activity {
	n := s.Len()
	dist := 0.0
	if s.DistanceM != nil {
		dist = s.DistanceM[n-1]
	}
	return &rebound.Activity{ID: id, Sport: rebound.SportRunning, StartTime: start,
		ElapsedS: float64(n), MovingS: float64(n), DistanceM: dist, AvgSpeedMPS: dist / float64(n), Streams: s}
}

// testProfile is a stated profile: HRmax 190, rest 50, LTHR 170, threshold
// speed 4.0 m/s (4:10/km), male.
func testProfile() load.Profile {
	return load.Profile{Sex: "male",
		HRMaxBPM:          load.Threshold{Value: 190},
		HRRestBPM:         load.Threshold{Value: 50},
		LTHRBPM:           load.Threshold{Value: 170},
		ThresholdSpeedMPS: load.Threshold{Value: 4.0},
	}
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

var t0 = time.Date(2025, 3, 1, 7, 0, 0, 0, time.UTC)

func timeDur(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
