package load_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"rebound"
	"rebound/internal/load"
)

// hrRun is a running activity with only an HR stream (and constant speed).
func hrRun(start time.Time, hr []float64) *rebound.Activity {
	s := &rebound.Streams{HeartRateBPM: hr, SpeedMPS: make([]float64, len(hr))}
	for i := range s.SpeedMPS {
		s.SpeedMPS[i] = 3
	}
	return runOf(1, start, s)
}

func series(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func flat(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func ramp(from, to float64, perS float64) []float64 {
	var x []float64
	for v := from; v <= to; v += perS {
		x = append(x, v)
	}
	return x
}

func TestResolveProfile_HRMax(t *testing.T) {
	p := load.DefaultParams()
	on := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	born := time.Date(1989, 1, 15, 0, 0, 0, 0, time.UTC) // 36 on `on`: Tanaka 208 − 25.2 = 182.8
	athlete := &rebound.Athlete{BirthDate: &born}
	day := on.AddDate(0, 0, -10)
	climb := hrRun(day, series(flat(600, 150), ramp(150, 190, 1), flat(8, 190), flat(300, 160)))
	// Artefacts: a 1-s spike to 240, a jump from 150 to 215 held 30 s
	// (cadence lock), a 3-s 205 blip.
	artefacts := hrRun(day, series(flat(300, 150), []float64{240}, flat(300, 150), flat(30, 215), flat(300, 150), flat(3, 205), flat(300, 150)))
	easy := hrRun(day, series(flat(600, 140), ramp(140, 160, 0.5), flat(600, 160)))
	tests := []struct {
		name    string
		a       *rebound.Athlete
		history []*rebound.Activity
		want    float64
		how     string
	}{
		// Seen 190 (held 9 s, climbed at 1 bpm/s) > Tanaka 182.8.
		{"measured beats formula", athlete, []*rebound.Activity{climb, artefacts}, 190, "highest credible HR"},
		// Artefacts only: no credible max above 150; Tanaka 182.8.
		{"artefacts rejected", athlete, []*rebound.Activity{artefacts}, 182.8, "Tanaka"},
		// Easy running tops out at 160 < 182.8: the formula stays.
		{"easy history keeps formula", athlete, []*rebound.Activity{easy}, 182.8, "highest credible HR seen is lower (160"},
		{"no age, no data: default", &rebound.Athlete{}, nil, 185, "Rebound's default"},
		{"stated", &rebound.Athlete{HRMaxBPM: rebound.Float(178)}, []*rebound.Activity{climb}, 178, "as stated"},
		// Activities on or after `on` are not history yet.
		{"future ignored", athlete, []*rebound.Activity{hrRun(on, series(flat(600, 150), ramp(150, 195, 1), flat(8, 195)))}, 182.8, "Tanaka"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prof := load.ResolveProfile(tt.a, tt.history, nil, on, p)
			if !near(prof.HRMaxBPM.Value, tt.want, 1e-9) || !strings.Contains(prof.HRMaxBPM.How, tt.how) {
				t.Errorf("HRmax %+v, want %v with %q", prof.HRMaxBPM, tt.want, tt.how)
			}
		})
	}
}

func TestResolveProfile_Thresholds(t *testing.T) {
	p := load.DefaultParams()
	on := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	day := on.AddDate(0, 0, -20)
	a := &rebound.Athlete{HRMaxBPM: rebound.Float(190)}
	// Friel's test inside a run: 10 min at 150, then 10 min at 160 and
	// 20 min at 172 (steps of 10 and 12 bpm ramped over 2 s). The best
	// 30 min are the last 30 (mean (600·160 + 1200·172)/1800 = 168); LTHR
	// = mean of their last 20 min = 172 (≥ 0.85·190 = 161.5, so used).
	test := hrRun(day, series(flat(600, 150), []float64{155}, flat(599, 160), []float64{166}, flat(1200, 172)))
	// A 5 km race in 20:00: VDOT 49.806 → vVDOT 259.885 m/min → T pace
	// 0.90·259.885/60 = 3.89828 m/s (Daniels & Gilbert; science.md §10).
	race := &rebound.Activity{Sport: rebound.SportRunning, Name: "Spring 5k race", StartTime: day, DistanceM: 5000, MovingS: 1200, ElapsedS: 1200}
	// Best 30-min speed: 5 min at 3.5, 30 min at 3.8, 5 min at 3.5 → 3.8.
	tempo := runOf(2, day, synth([]piece{{300, 3.5, math.NaN(), 0}, {1800, 3.8, math.NaN(), 0}, {300, 3.5, math.NaN(), 0}}, 0, 0, 1))

	prof := load.ResolveProfile(a, []*rebound.Activity{test, race, tempo}, rebound.Float(47), on, p)
	if !near(prof.LTHRBPM.Value, 172, 1e-9) || !prof.LTHRBPM.Estimated {
		t.Errorf("LTHR %+v, want 172 estimated", prof.LTHRBPM)
	}
	if !near(prof.ThresholdSpeedMPS.Value, 3.89828, 1e-4) || !strings.Contains(prof.ThresholdSpeedMPS.How, "VDOT 49.8") {
		t.Errorf("threshold %+v, want 3.89828 from VDOT 49.8", prof.ThresholdSpeedMPS)
	}
	if prof.HRRestBPM.Value != 47 || !prof.HRRestBPM.Estimated {
		t.Errorf("rest %+v, want 47 from check-ins", prof.HRRestBPM)
	}
	if prof.Sex != "male" || !prof.SexEstimated {
		t.Errorf("sex %q estimated %v, want male default", prof.Sex, prof.SexEstimated)
	}

	// Without the race: Friel's best 30-min speed, 3.8 m/s.
	prof = load.ResolveProfile(a, []*rebound.Activity{test, tempo}, nil, on, p)
	if !near(prof.ThresholdSpeedMPS.Value, 3.8, 1e-9) {
		t.Errorf("threshold %+v, want 3.8 from the best 30 min", prof.ThresholdSpeedMPS)
	}
	if prof.HRRestBPM.Value != 60 || !strings.Contains(prof.HRRestBPM.How, "Rebound's default") {
		t.Errorf("rest %+v, want the stated default 60", prof.HRRestBPM)
	}
	// Easy runs only: LTHR = 0.89·190 = 169.1.
	prof = load.ResolveProfile(a, []*rebound.Activity{hrRun(day, flat(2400, 140))}, nil, on, p)
	if !near(prof.LTHRBPM.Value, 0.89*190, 1e-9) || !strings.Contains(prof.LTHRBPM.How, "below 85 %") {
		t.Errorf("LTHR %+v, want 169.1 from the fraction", prof.LTHRBPM)
	}
	// Nothing at all: threshold pace unknown.
	prof = load.ResolveProfile(nil, nil, nil, on, p)
	if prof.ThresholdSpeedMPS.Known() {
		t.Errorf("threshold %+v, want unknown", prof.ThresholdSpeedMPS)
	}
}

func TestVDOTRiegel(t *testing.T) {
	// 5 km in 20:00: v = 250 m/min, VO2 = −4.60 + 45.5645 + 6.5 = 47.4645,
	// %max(20 min) = 0.952985 → VDOT 49.806 (Daniels' table: ~50).
	if v := load.VDOT(5000, 1200); !near(v, 49.8062, 1e-3) {
		t.Errorf("VDOT = %v, want 49.806", v)
	}
	// Riegel with k = 1.06: a 10 km in 40:00 → 1 h distance 10000·(1.5)^(1/1.06) = 14659.66 m.
	if d := load.RiegelDistanceM(10000, 2400, 3600, 1.06); !near(d, 10000*math.Pow(1.5, 1/1.06), 1e-6) || !near(d, 14659.66, 0.1) {
		t.Errorf("Riegel = %v, want 14659.66", d)
	}
}
