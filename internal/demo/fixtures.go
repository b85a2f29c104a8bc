package demo

import (
	"time"

	"github.com/muktihari/fit/profile/typedef"
)

// Span is a stretch of a scripted run by timer offset from its start.
type Span struct {
	StartS, DurationS, SpeedMPS float64
}

// Fixture is a small scripted run with known segments, for tests of other
// packages (surge and fast-finish detection, HR-less runs). The same runs
// are committed as FIT files under internal/demo/testdata.
type Fixture struct {
	Name       string // file name under testdata
	Spec       RunSpec
	FastFinish *Span  // nil when none
	Surges     []Span // empty when none
}

// Fixtures returns the committed fixtures' scripts:
//
//   - ff-surges-40min.fit: 40 min in Central Park on a 24 °C July morning:
//     5 min warm-up at 2.95 m/s, easy running at 3.15 m/s (8:31/mi), four
//     25 s surges at 4.9 m/s (5:28/mi) starting at 19:00, 23:00, 27:00 and
//     31:00, and a 5 min fast finish at 6:15/mi (4.29 m/s) from 35:00; noisy
//     speed, HR and GPS; auto laps every mile.
//   - no-hr-45min.fit: 45 min easy at 3.1 m/s on the Hudson River Greenway
//     on a −2 °C January morning (EST, UTC−5), wrist heart rate off.
func Fixtures() []Fixture {
	var segs []Seg
	segs = append(segs, Seg{DurationS: 300, SpeedMPS: 2.95, Label: "warm-up"}, Seg{DurationS: 840, SpeedMPS: 3.15, Label: "easy"})
	var surges []Span
	t := 300.0 + 840
	for range 4 {
		surges = append(surges, Span{StartS: t, DurationS: 25, SpeedMPS: surgeMPS})
		segs = append(segs, Seg{DurationS: 25, SpeedMPS: surgeMPS, Label: "surge"}, Seg{DurationS: 215, SpeedMPS: 3.15, Label: "easy"})
		t += 240
	}
	segs = append(segs, Seg{DurationS: 300, SpeedMPS: ffMPS, Label: "fast finish"})
	return []Fixture{
		{
			Name: "ff-surges-40min.fit",
			Spec: RunSpec{
				Start: time.Date(2026, 7, 11, 10, 0, 0, 0, time.UTC), UTCOffsetS: -4 * 3600,
				Segments: segs, Noise: Noise{SpeedSD: 0.08, HRSD: 1.5, GPSJitterM: 2.5, Seed: 42},
				TempC: 24, TempRiseCPerH: 1.2, AutoLapM: Mile, Athlete: DemoAthlete(),
			},
			FastFinish: &Span{StartS: t, DurationS: 300, SpeedMPS: ffMPS},
			Surges:     surges,
		},
		{
			Name: "no-hr-45min.fit",
			Spec: RunSpec{
				Start: time.Date(2026, 1, 15, 12, 30, 0, 0, time.UTC), UTCOffsetS: -5 * 3600,
				Segments: []Seg{{DurationS: 2700, SpeedMPS: 3.1, Label: "easy"}},
				Noise:    Noise{SpeedSD: 0.08, HRSD: 1.5, GPSJitterM: 2.5, Seed: 7},
				TempC:    -2, TempRiseCPerH: 1, Route: Route{Shape: RouteOutAndBack}, NoHR: true,
				SubSport: typedef.SubSportGeneric, AutoLapM: Mile, Athlete: DemoAthlete(),
			},
		},
	}
}
