package load_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"rebound"
	"rebound/internal/load"
)

const mile = 1609.344

// articleRun is the article's long run: 95 min, 90 at an easy 8:30/mi
// (3.156 m/s) with four 20–30 s surges at 6:00/mi (4.470 m/s) at 30, 45, 60
// and 75 min, then the last 5 min near 6:15/mi (4.292 m/s). HR 145 easy,
// 165 in the surges, 172 in the finish.
func articleRun(speedNoise, hrNoise float64, seed uint64) (*rebound.Streams, [][2]int, [2]int) {
	easy, surge, finish := mile/510, mile/360, mile/375
	var ps []piece
	surges := [][2]int{{30 * 60, 20}, {45 * 60, 25}, {60 * 60, 30}, {75 * 60, 25}}
	at := 0
	for _, s := range surges {
		ps = append(ps, piece{s[0] - at, easy, 145, 0}, piece{s[1], surge, 165, 0})
		at = s[0] + s[1]
	}
	ps = append(ps, piece{90*60 - at, easy, 145, 0}, piece{300, finish, 172, 0})
	return synth(ps, speedNoise, hrNoise, seed), surges, [2]int{90 * 60, 300}
}

// addGPSJumps puts k GPS errors into s: speed samples of 20–40 m/s and
// position jumps of ~300 m for one second.
func addGPSJumps(s *rebound.Streams, k int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 2))
	n := s.Len()
	for range k {
		i := 10 + r.IntN(n-20)
		s.SpeedMPS[i] = 20 + 20*r.Float64()
		s.Lat[i] += 0.003
	}
}

func TestDetect_ArticleLongRun(t *testing.T) {
	p := load.DefaultParams()
	tests := []struct {
		name       string
		speedNoise float64
		hrNoise    float64
		jumps      int
	}{
		{"clean", 0, 0, 0},
		{"noisy speed ±0.3 m/s and HR ±3 bpm", 0.3, 3, 0},
		{"noisy with GPS jumps", 0.3, 3, 12},
	}
	for _, tt := range tests {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed %d", tt.name, seed), func(t *testing.T) {
				s, surges, ff := articleRun(tt.speedNoise, tt.hrNoise, seed)
				if tt.jumps > 0 {
					addGPSJumps(s, tt.jumps, seed)
				}
				a := runOf(1, t0, s)
				wl := load.Analyze(a, nil, testProfile(), load.RPECalibration{}, p)
				if wl.FastFinish == nil {
					t.Fatal("no fast finish found")
				}
				// Edges within 10 s; pace near 6:15/mi (±5 s/mi).
				f := wl.FastFinish
				if !near(f.StartS, float64(ff[0]), 10) || !near(f.DurationS, float64(ff[1]), 15) {
					t.Errorf("fast finish at %.0f s for %.0f s, want %d s for %d s", f.StartS, f.DurationS, ff[0], ff[1])
				}
				if pace := mile / f.SpeedMPS; !near(pace, 375, 5) {
					t.Errorf("fast-finish pace %.1f s/mi, want ≈375 (6:15/mi)", pace)
				}
				if len(wl.Surges) != len(surges) {
					t.Fatalf("found %d surges %+v, want %d", len(wl.Surges), wl.Surges, len(surges))
				}
				for i, sg := range wl.Surges {
					if !near(sg.StartS, float64(surges[i][0]), 2) || !near(sg.DurationS, float64(surges[i][1]), 3) {
						t.Errorf("surge %d at %.0f s for %.0f s, want %d s for %d s", i, sg.StartS, sg.DurationS, surges[i][0], surges[i][1])
					}
				}
				if tt.jumps > 0 && !hasFlag(wl, load.FlagGPSJumps) {
					t.Errorf("flags %v lack gps_jumps", wl.QualityFlags)
				}
				if wl.Character != rebound.CharacterLong {
					t.Errorf("character %q (%s), want long", wl.Character, wl.CharacterWhy)
				}
			})
		}
	}
}

func TestDetect_NoFalsePositives(t *testing.T) {
	// A steady easy hour with noisy GPS speed (±0.3 m/s) and jumps has no
	// fast finish and no surges.
	p := load.DefaultParams()
	for seed := uint64(1); seed <= 10; seed++ {
		s := synth([]piece{{3600, 3.0, 145, 0}}, 0.3, 3, seed)
		addGPSJumps(s, 10, seed)
		wl := load.Workout(runOf(1, t0, s), testProfile(), load.RPECalibration{}, p)
		if wl.FastFinish != nil || len(wl.Surges) != 0 {
			t.Errorf("seed %d: fast finish %+v, surges %+v; want none", seed, wl.FastFinish, wl.Surges)
		}
	}
}

func hasFlag(wl rebound.WorkoutLoad, f string) bool {
	for _, x := range wl.QualityFlags {
		if x == f {
			return true
		}
	}
	return false
}

func TestCharacter(t *testing.T) {
	p := load.DefaultParams()
	nan := math.NaN()
	day := 24 * 3600.0
	hist := func(n int, minutes float64) []*rebound.Activity {
		var out []*rebound.Activity
		for i := 1; i <= n; i++ {
			start := t0.Add(-timeDur(float64(i) * 3 * day))
			out = append(out, &rebound.Activity{Sport: rebound.SportRunning, StartTime: start, MovingS: minutes * 60, ElapsedS: minutes * 60})
		}
		return out
	}
	var intervals []piece
	intervals = append(intervals, piece{600, 3.0, 140, 0})
	for range 6 {
		intervals = append(intervals, piece{180, 4.5, 175, 0}, piece{120, 3.0, 150, 0})
	}
	intervals = append(intervals, piece{600, 3.0, 140, 0})
	tests := []struct {
		name      string
		pieces    []piece
		mod       func(*rebound.Activity)
		recent    []*rebound.Activity
		character string
		detail    string
	}{
		{"easy 40 min", []piece{{2400, 3.0, 140, 0}}, nil, nil, rebound.CharacterEasy, ""},
		{"long 100 min, no history", []piece{{6000, 3.0, 140, 0}}, nil, nil, rebound.CharacterLong, ""},
		// 50 min ≥ 1.5 × the 30-min median and ≥ 25 % of a 52.5-min week.
		{"long relative to 30-min runs", []piece{{3000, 3.0, 140, 0}}, nil, hist(7, 30), rebound.CharacterLong, ""},
		// 80 min is only 1.33 × the 60-min median and < 90 min.
		{"80 min among 60-min runs", []piece{{4800, 3.0, 140, 0}}, nil, hist(7, 60), rebound.CharacterEasy, ""},
		{"intervals 6 × 3 min", intervals, nil, nil, rebound.CharacterWorkout, "intervals"},
		// 20 min at 4.0 m/s = threshold (T band starts at 3.889 m/s).
		{"tempo 20 min", []piece{{900, 3.0, 140, 0}, {1200, 4.0, 168, 0}, {600, 3.0, 145, 0}}, nil, nil, rebound.CharacterWorkout, "tempo"},
		{"fast finish", []piece{{2100, 3.0, 140, 0}, {300, 3.6, 160, 0}}, nil, nil, rebound.CharacterWorkout, "fast finish"},
		// Quarters 3.0, 3.15, 3.3, 3.45: +5 %, +4.8 %, +4.5 %, last/first
		// +15 %; the last quarter is only 7 % above the median (3.225), so
		// it is not a fast finish.
		{"progression", []piece{{600, 3.0, 140, 0}, {600, 3.15, 145, 0}, {600, 3.3, 150, 0}, {600, 3.45, 155, 0}}, nil, nil, rebound.CharacterWorkout, "progression"},
		{"race by name", []piece{{1200, 4.2, 178, 0}}, func(a *rebound.Activity) { a.Name = "Parkrun Race" }, nil, rebound.CharacterRace, ""},
		{"override wins", []piece{{2400, 3.0, 140, 0}}, func(a *rebound.Activity) { a.Kind = rebound.CharacterWorkout }, nil, rebound.CharacterWorkout, ""},
		{"HR-only hard effort", []piece{{2400, nan, 166, 0}}, func(a *rebound.Activity) {
			a.Streams.SpeedMPS, a.Streams.DistanceM, a.Streams.Lat, a.Streams.Lon, a.Streams.AltitudeM = nil, nil, nil, nil, nil
		}, nil, rebound.CharacterWorkout, "tempo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := runOf(1, t0, synth(tt.pieces, 0.2, 2, 3))
			if tt.mod != nil {
				tt.mod(a)
			}
			wl := load.Analyze(a, tt.recent, testProfile(), load.RPECalibration{}, p)
			if wl.Character != tt.character || (tt.detail != "" && wl.CharacterDetail != tt.detail) {
				t.Errorf("got %q/%q (%s), want %q/%q", wl.Character, wl.CharacterDetail, wl.CharacterWhy, tt.character, tt.detail)
			}
			if wl.CharacterWhy == "" {
				t.Error("empty why")
			}
		})
	}
}
