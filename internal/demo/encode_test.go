package demo

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/muktihari/fit/profile/typedef"

	"rebound"
)

var knownStart = time.Date(2026, 7, 11, 10, 0, 0, 0, time.UTC)

// TestEncodeRun_KnownAnswers encodes noise-free scripts whose totals follow
// by hand from the pace model: speed rises 0.6 m/s per second from a
// standstill, so reaching 3.0 m/s takes 5 s (0.6, 1.2, 1.8, 2.4, 3.0) and the
// first four seconds cover 6.0 m instead of 12.0.
func TestEncodeRun_KnownAnswers(t *testing.T) {
	indoor := Route{Shape: RouteIndoor}
	tt := []struct {
		name       string
		spec       RunSpec
		records    int
		elapsedS   float64
		timerS     float64
		distanceM  float64   // 6.0 + 3.0 × (seconds − 4) per running stretch
		lapDistM   []float64 // auto laps end on the record that crosses each mile
		lastHR     uint8     // steady HR at 3.0 m/s, see below; 0xFF = none
		lastCadSPM float64   // 150 + 7.5 × 3.0 = 172.5 spm
		events     []typedef.EventType
	}{
		{
			name:    "steady 600 s",
			spec:    RunSpec{Segments: []Seg{{DurationS: 600, SpeedMPS: 3}}, Route: indoor, TempC: 20},
			records: 601, elapsedS: 600, timerS: 600,
			distanceM: 6 + 3*596, lapDistM: []float64{1794},
			// LTHR + k(v − v_T) with k = 0.18·171/(0.23·1000/245) = 32.788
			// bpm per m/s: 171 − 32.788 × 1.0816 = 135.5 → 136 after 600 s
			// (τ 40 s, no drift before 900 s).
			lastHR: 136, lastCadSPM: 172.5,
			events: []typedef.EventType{typedef.EventTypeStart, typedef.EventTypeStopAll},
		},
		{
			name: "timer paused 60 s",
			spec: RunSpec{Segments: []Seg{{DurationS: 300, SpeedMPS: 3}, {DurationS: 60, Pause: true}, {DurationS: 300, SpeedMPS: 3}},
				Route: indoor, TempC: 20},
			// one record at the start, 300, one at the restart, 300
			records: 602, elapsedS: 660, timerS: 600,
			distanceM: 2 * (6 + 3*296), lapDistM: []float64{1788},
			lastHR: 136, lastCadSPM: 172.5,
			events: []typedef.EventType{typedef.EventTypeStart, typedef.EventTypeStop, typedef.EventTypeStart, typedef.EventTypeStopAll},
		},
		{
			name:    "auto laps every mile",
			spec:    RunSpec{Segments: []Seg{{DurationS: 1200, SpeedMPS: 3}}, Route: indoor, TempC: 20, AutoLapM: Mile},
			records: 1201, elapsedS: 1200, timerS: 1200,
			// record k ≥ 4 is at 6 + 3(k − 4) m: the first mile is crossed at
			// k = 539 (1611 m), the second at k = 1075 (3219 m), the end is
			// k = 1200 (3594 m).
			distanceM: 3594, lapDistM: []float64{1611, 1608, 375},
			// drift at 20 °C is 3 + 0.4 × 5 = 5 bpm/h, for the 300 s past
			// 15 min: +0.4 bpm, still 136
			lastHR:     136,
			lastCadSPM: 172.5,
			events:     []typedef.EventType{typedef.EventTypeStart, typedef.EventTypeStopAll},
		},
		{
			name:    "wrist HR off",
			spec:    RunSpec{Segments: []Seg{{DurationS: 600, SpeedMPS: 3}}, Route: indoor, TempC: 20, NoHR: true},
			records: 601, elapsedS: 600, timerS: 600,
			distanceM: 1794, lapDistM: []float64{1794},
			lastHR: 0xFF, lastCadSPM: 172.5,
			events: []typedef.EventType{typedef.EventTypeStart, typedef.EventTypeStopAll},
		},
	}
	for i, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			tc.spec.Start = knownStart
			data, err := EncodeRun(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			act := decodeFIT(t, tc.name, data)
			checkTotals(t, tc.name, act, 0)
			s := act.Sessions[0]
			if len(act.Records) != tc.records {
				t.Errorf("[%d] %d records, want %d", i, len(act.Records), tc.records)
			}
			if s.TotalElapsedTimeScaled() != tc.elapsedS || s.TotalTimerTimeScaled() != tc.timerS {
				t.Errorf("[%d] elapsed %v timer %v, want %v %v", i, s.TotalElapsedTimeScaled(), s.TotalTimerTimeScaled(), tc.elapsedS, tc.timerS)
			}
			if math.Abs(s.TotalDistanceScaled()-tc.distanceM) > 1e-9 {
				t.Errorf("[%d] distance %v, want %v", i, s.TotalDistanceScaled(), tc.distanceM)
			}
			var laps []float64
			for _, l := range act.Laps {
				laps = append(laps, l.TotalDistanceScaled())
			}
			if diff := cmp.Diff(tc.lapDistM, laps); diff != "" {
				t.Errorf("[%d] lap distances (-want +got):\n%s", i, diff)
			}
			last := act.Records[len(act.Records)-1]
			if tc.lastHR == 0xFF && last.HeartRate != 0xFF {
				t.Errorf("[%d] HR %d recorded with HR off", i, last.HeartRate)
			}
			if tc.lastHR != 0xFF && (last.HeartRate < tc.lastHR-1 || last.HeartRate > tc.lastHR) {
				t.Errorf("[%d] last HR %d, want %d (or 1 less)", i, last.HeartRate, tc.lastHR)
			}
			// Cadence is strides per minute: 172.5 spm = 86 + 32/128.
			if got := 2 * (float64(last.Cadence) + float64(last.FractionalCadence)/128); got != tc.lastCadSPM {
				t.Errorf("[%d] cadence %v spm, want %v", i, got, tc.lastCadSPM)
			}
			var evs []typedef.EventType
			for _, e := range act.Events {
				if e.Event == typedef.EventTimer {
					evs = append(evs, e.EventType)
				}
			}
			if diff := cmp.Diff(tc.events, evs); diff != "" {
				t.Errorf("[%d] timer events (-want +got):\n%s", i, diff)
			}
			if act.FileId.Manufacturer != typedef.ManufacturerGarmin || act.FileId.Product != typedef.GarminProductFr965.Uint16() {
				t.Errorf("[%d] device %v/%d", i, act.FileId.Manufacturer, act.FileId.Product)
			}
		})
	}
}

// TestEncodeRun_Physiology checks the model's shape on a noise-free script:
// HR lags a step in pace (τ 40 s: 63% of the step after 40 s) and drifts up
// in a long hot run.
func TestEncodeRun_Physiology(t *testing.T) {
	spec := RunSpec{Start: knownStart, Route: Route{Shape: RouteIndoor}, TempC: 30,
		Segments: []Seg{{DurationS: 1200, SpeedMPS: 3}, {DurationS: 300, SpeedMPS: 4.2}, {DurationS: 5400, SpeedMPS: 3}}}
	data, err := EncodeRun(spec)
	if err != nil {
		t.Fatal(err)
	}
	act := decodeFIT(t, "physiology", data)
	hr := func(s int) float64 { return float64(act.Records[s].HeartRate) }
	// Step at 1200 s from ~136 towards ~174; 40 s later HR has covered
	// 1 − e^(−1) ≈ 63% of it (± the 4 s acceleration and rounding).
	before, after := hr(1200), hr(1499)
	frac := (hr(1240) - before) / (after - before)
	if frac < 0.5 || frac > 0.7 {
		t.Errorf("HR covered %.2f of the step after 40 s (before %v, 300 s later %v), want ≈ 0.63", frac, before, after)
	}
	// Drift at 30 °C: 3 + 0.4 × 15 = 9 bpm/h, so the last hour at 3.0 m/s
	// ends ~9 bpm above where it began.
	d := hr(6900) - hr(3300)
	if d < 7 || d > 11 {
		t.Errorf("drift over the last hour %v bpm, want ≈ 9", d)
	}
}

// TestEncodeRun_Invalid: bad scripts give EInvalid errors that name the
// problem.
func TestEncodeRun_Invalid(t *testing.T) {
	ok := []Seg{{DurationS: 60, SpeedMPS: 3}}
	tt := []struct {
		name string
		spec RunSpec
		want string
	}{
		{"no segments", RunSpec{Start: knownStart}, "run spec: no segments"},
		{"before FIT epoch", RunSpec{Start: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Segments: ok}, "run spec: start 1980-01-01T00:00:00Z out of range (1990–2100)"},
		{"negative duration", RunSpec{Start: knownStart, Segments: []Seg{{DurationS: -1}}}, "segment 0: duration -1 s out of range (0–172800)"},
		{"NaN speed", RunSpec{Start: knownStart, Segments: []Seg{{DurationS: 5, SpeedMPS: math.NaN()}}}, "segment 0: speed NaN m/s out of range (0–12)"},
		{"steep", RunSpec{Start: knownStart, Segments: []Seg{{DurationS: 5, SpeedMPS: 3, Grade: 0.9}}}, "segment 0: grade 0.9 out of range (−0.45–0.45)"},
		{"only a pause", RunSpec{Start: knownStart, Segments: []Seg{{DurationS: 0.2}}}, "run spec: segments add up to less than 1 s"},
		{"offset", RunSpec{Start: knownStart, Segments: ok, UTCOffsetS: 20 * 3600}, "run spec: UTC offset 72000 s out of range (±14 h)"},
		{"hot", RunSpec{Start: knownStart, Segments: ok, TempC: 80}, "run spec: temperature 80 °C out of range (−40–50)"},
	}
	for i, tc := range tt {
		_, err := EncodeRun(tc.spec)
		if rebound.ErrorCode(err) != rebound.EInvalid || err.Error() != tc.want {
			t.Errorf("[%d] %s: error %v (code %q), want %q", i, tc.name, err, rebound.ErrorCode(err), tc.want)
		}
	}
}
