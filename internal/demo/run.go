package demo

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/muktihari/fit/profile/typedef"

	"rebound"
	"rebound/internal/track"
)

// Seg is one stretch of a scripted run.
type Seg struct {
	// DurationS is the stretch's length in seconds, rounded to whole
	// seconds: timer time, or for a Pause the time the timer is stopped.
	DurationS float64
	// SpeedMPS is the target speed on the flat; 0 means standing with the
	// timer running. Uphill the runner slows (see Physio).
	SpeedMPS float64
	// HRBPM, when > 0, replaces the heart rate the model derives from speed
	// as the steady state the heart rate moves towards.
	HRBPM float64
	// Grade (rise over run) is added to the route's own terrain, e.g. 0.05
	// for a hill repeat.
	Grade float64
	// Pause stops the timer (a fountain or a traffic light): no records are
	// written and the heart rate recovers.
	Pause bool
	// Lap starts a new lap at the start of the stretch, like pressing the
	// lap button at each step of a workout.
	Lap bool
	// Intensity is written to the lap that starts here (active, rest,
	// warmup, cooldown, ...).
	Intensity typedef.Intensity
	// Label names the stretch ("surge", "fast finish", ...) for callers and
	// tests; it is not written to the file.
	Label string
}

// Noise is the measurement and pacing noise of a scripted run. The zero value
// gives a noise-free run whose values follow the script exactly.
type Noise struct {
	SpeedSD    float64 // m/s, autocorrelated (AR(1), ρ 0.8): stride-to-stride pacing wobble
	HRSD       float64 // bpm, autocorrelated (ρ 0.9): optical-sensor noise
	GPSJitterM float64 // metres east and north, autocorrelated (ρ 0.97): GPS error wanders slowly
	Seed       int64   // seeds the noise; same seed, same file
}

// Physio is the runner the heart-rate model describes. Zero fields take the
// demo runner's values (DemoAthlete).
type Physio struct {
	RestBPM      float64
	MaxBPM       float64
	LTHRBPM      float64
	ThresholdMPS float64 // speed at LTHR
	WeightKg     float64 // for calories
	// TauS is the time constant of the heart rate's first-order response to
	// a change of pace; 0 = 40 s. Rebound's modelling choice: heart-rate
	// on-kinetics of trained runners reach ~63% of a step in about half a
	// minute to a minute.
	TauS float64
}

// Device is the recording device named in file_id and device_info.
type Device struct {
	Manufacturer    typedef.Manufacturer
	Product         uint16
	SerialNumber    uint32
	SoftwareVersion float64 // e.g. 22.26
}

// RunSpec is a run to write as a FIT activity file.
type RunSpec struct {
	Start      time.Time // the first record, when the timer starts (stored to the second, UTC)
	UTCOffsetS int       // local offset at the end: activity.local_timestamp − timestamp
	Segments   []Seg
	Noise      Noise
	// TempC is the air temperature at the start; TempRiseCPerH warms (or,
	// negative, cools) it through the run, as a morning does.
	TempC         float64
	TempRiseCPerH float64
	Route         Route
	Sport         typedef.Sport    // 0 (generic) is written as running
	SubSport      typedef.SubSport // generic, track, treadmill, trail, ...
	SportName     string           // the sport message's name, e.g. "Run"; "" = from the sub-sport
	Device        Device           // zero = a Garmin Forerunner 965
	NoHR          bool             // wrist heart rate off: records carry no heart_rate
	// AutoLapM starts a new lap every this many metres (1609.344 for a
	// mile); 0 = laps only where a Seg says so.
	AutoLapM float64
	Athlete  Physio
}

// DemoAthlete is the demo runner's physiology: resting HR 48, max 188,
// LTHR 171 bpm, threshold pace 4:05/km, 68 kg.
func DemoAthlete() Physio {
	return Physio{RestBPM: 48, MaxBPM: 188, LTHRBPM: 171, ThresholdMPS: 1000.0 / 245, WeightKg: 68, TauS: 40}
}

func (p Physio) orDefault() Physio {
	d := DemoAthlete()
	for _, f := range []struct{ v, def *float64 }{
		{&p.RestBPM, &d.RestBPM}, {&p.MaxBPM, &d.MaxBPM}, {&p.LTHRBPM, &d.LTHRBPM},
		{&p.ThresholdMPS, &d.ThresholdMPS}, {&p.WeightKg, &d.WeightKg}, {&p.TauS, &d.TauS},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return p
}

// steadyHR is the heart rate the runner settles at when running at the
// flat-equivalent speed v with drift bpm of cardiac drift added. Rebound's
// modelling choice: linear in speed through (threshold speed, LTHR) and
// (0.77 × threshold speed, 0.82 × LTHR) — easy running at ~77% of threshold
// speed sits in Friel's Z1–Z2 (< 89% LTHR, science.md §10); above LTHR it
// saturates exponentially towards HRmax; standing it floors at rest + 40.
func (p Physio) steadyHR(v, drift float64) float64 {
	k := 0.18 * p.LTHRBPM / (0.23 * p.ThresholdMPS)
	hr := p.LTHRBPM + k*(v-p.ThresholdMPS) + drift
	if top := p.MaxBPM - p.LTHRBPM; hr > p.LTHRBPM && top > 0 {
		hr = p.LTHRBPM + top*(1-math.Exp(-(hr-p.LTHRBPM)/top))
	}
	return math.Max(hr, p.RestBPM+40)
}

// driftBPM is the cardiac drift after timerS seconds of running at tempC.
// Rebound's modelling choice: nothing in the first 15 min, then 3 bpm/h plus
// 0.4 bpm/h per °C above 15 °C — about +20 bpm over a 2.5-h run at 30 °C,
// the order of the cardiovascular drift of prolonged exercise in the heat
// (Coyle & González-Alonso 2001, Exerc Sport Sci Rev 29:88–92; not in
// science.md).
func driftBPM(timerS, tempC float64) float64 {
	if timerS <= 900 {
		return 0
	}
	rate := 3 + 0.4*math.Max(0, tempC-15)
	return rate * (timerS - 900) / 3600
}

// cadenceSPM is the step rate at speed v. Rebound's modelling choice:
// 150 + 7.5 spm per m/s, within 160–190 — about 174 spm at an easy 3.2 m/s
// and 182 at 4.3 m/s, the range and slope of recreational runners' cadence
// against speed.
func cadenceSPM(v float64) float64 {
	return math.Max(160, math.Min(190, 150+7.5*v))
}

// Acceleration limits of the pace model (Rebound's choice): a runner takes
// a few seconds to reach a surge's speed and slows a little faster.
const (
	accelMPS2 = 0.6
	decelMPS2 = 0.8
)

// speedOf is the recorded speed: the model's speed plus pacing noise, which
// fades out below 2 m/s so a runner setting off never reads as standing
// (internal/track counts ≥ 0.5 m/s as moving; the first second is 0.6 m/s).
func speedOf(v, noise float64) float64 {
	if v <= 0 {
		return 0
	}
	return math.Max(0.55, v+noise*math.Min(1, v/2))
}

// sample is one record of a simulated run, already quantised the way the
// FIT file stores it, so totals computed from samples equal what a decoder
// reads back.
type sample struct {
	t        int   // seconds after Start
	timer    int   // timer seconds up to this record
	speedRaw int64 // mm/s
	distRaw  int64 // cm
	hr       int   // bpm; -1 = none
	cadRaw   int   // cadence in 1/128 strides/min (cadence·128 + fractional)
	altRaw   int64 // enhanced_altitude raw: (m + 500) · 5
	lat, lon int32 // semicircles; math.MaxInt32 = none
	temp     int
	resume   bool // first record after a pause (or the start)
}

func (s *sample) speed() float64 { return float64(s.speedRaw) / 1000 }
func (s *sample) dist() float64  { return float64(s.distRaw) / 100 }
func (s *sample) alt() float64   { return float64(s.altRaw)/5 - 500 }
func (s *sample) cadenceSPM() float64 {
	return 2 * float64(s.cadRaw) / 128
}

// moving is the same rule internal/track uses for moving time.
func (s *sample) moving() bool { return s.speed() >= track.MovingSpeedMPS }

// lapMark is where a lap starts: a sample index and its Seg's intensity.
type lapMark struct {
	at        int
	intensity typedef.Intensity
	trigger   typedef.LapTrigger // what ended the previous lap
}

// pauseMark is a stopped timer: from sample index `after`'s time for s seconds.
type pauseMark struct {
	after int
	s     int
}

// simulation is a scripted run turned into samples, laps and pauses.
type simulation struct {
	samples []sample
	laps    []lapMark
	pauses  []pauseMark
}

// simulate runs the script second by second.
func simulate(spec *RunSpec) (*simulation, error) {
	if len(spec.Segments) == 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "run spec: no segments")
	}
	total := 0
	for i, s := range spec.Segments {
		if math.IsNaN(s.DurationS) || s.DurationS < 0 || s.DurationS > 48*3600 {
			return nil, rebound.Errorf(rebound.EInvalid, "segment %d: duration %v s out of range (0–172800)", i, s.DurationS)
		}
		if math.IsNaN(s.SpeedMPS) || s.SpeedMPS < 0 || s.SpeedMPS > 12 {
			return nil, rebound.Errorf(rebound.EInvalid, "segment %d: speed %v m/s out of range (0–12)", i, s.SpeedMPS)
		}
		if math.IsNaN(s.Grade) || math.Abs(s.Grade) > 0.45 {
			return nil, rebound.Errorf(rebound.EInvalid, "segment %d: grade %v out of range (−0.45–0.45)", i, s.Grade)
		}
		if math.IsNaN(s.HRBPM) || s.HRBPM < 0 || s.HRBPM > 250 {
			return nil, rebound.Errorf(rebound.EInvalid, "segment %d: heart rate %v bpm out of range (0–250)", i, s.HRBPM)
		}
		total += int(math.Round(s.DurationS))
	}
	if total < 1 {
		return nil, rebound.Errorf(rebound.EInvalid, "run spec: segments add up to less than 1 s")
	}
	if math.IsNaN(spec.TempC) || spec.TempC < -40 || spec.TempC > 50 {
		return nil, rebound.Errorf(rebound.EInvalid, "run spec: temperature %v °C out of range (−40–50)", spec.TempC)
	}
	if spec.AutoLapM < 0 || math.IsNaN(spec.AutoLapM) {
		return nil, rebound.Errorf(rebound.EInvalid, "run spec: auto lap %v m negative", spec.AutoLapM)
	}
	p := spec.Athlete.orDefault()
	route := spec.Route.preset()
	rng := rand.New(rand.NewPCG(uint64(spec.Noise.Seed), 0x5eed_0f_de30))
	ar := func(prev, rho, sd float64) float64 {
		if sd == 0 {
			return 0
		}
		return rho*prev + sd*math.Sqrt(1-rho*rho)*rng.NormFloat64()
	}
	sim := &simulation{samples: make([]sample, 0, total+8)}
	var (
		v, dist, extraAlt         float64
		hr                        = p.RestBPM + 30 // standing at the start, a little excited
		nSpeed, nHR, nCad, nE, nN float64
		t, timer                  int
		nextAutoLap               = spec.AutoLapM
		alpha                     = 1 - math.Exp(-1/p.TauS)
		indoor                    = route.Shape == RouteIndoor
		cr0                       = minettiCost(0)
	)
	emit := func(resume bool) {
		s := sample{t: t, timer: timer, resume: resume, hr: -1, lat: math.MaxInt32, lon: math.MaxInt32}
		sp := speedOf(v, nSpeed)
		if resume {
			sp = 0
		}
		s.speedRaw = int64(math.Round(sp * 1000))
		if !resume {
			dist += s.speed()
		}
		s.distRaw = int64(math.Round(dist * 100))
		if !spec.NoHR {
			s.hr = int(math.Round(math.Max(30, math.Min(p.MaxBPM, hr+nHR))))
		}
		if s.moving() {
			strides := (cadenceSPM(s.speed()) + nCad) / 2
			s.cadRaw = int(math.Round(strides * 128))
		}
		temp := spec.TempC + spec.TempRiseCPerH*float64(t)/3600
		s.temp = int(math.Round(math.Max(-40, math.Min(60, temp))))
		if !indoor {
			alt := route.terrain(dist) + extraAlt
			s.altRaw = int64(math.Round((alt + 500) * 5))
			e, n := route.local(dist)
			lat, lon := route.latLon(e+nE, n+nN)
			s.lat = int32(math.Round(lat * (1 << 31) / 180))
			s.lon = int32(math.Round(lon * (1 << 31) / 180))
		} else {
			s.altRaw = -1
		}
		sim.samples = append(sim.samples, s)
	}
	emit(true)
	curIntensity := typedef.IntensityActive
	sim.laps = append(sim.laps, lapMark{at: 0, intensity: curIntensity})
	for _, seg := range spec.Segments {
		n := int(math.Round(seg.DurationS))
		if seg.Pause {
			if n == 0 {
				continue
			}
			sim.pauses = append(sim.pauses, pauseMark{after: len(sim.samples) - 1, s: n})
			v = 0
			for range n {
				t++
				hr += (p.steadyHR(0, 0) - hr) * alpha
			}
			emit(true)
			continue
		}
		if seg.Lap {
			// The lap button is pressed at the last record before this
			// stretch: the new lap starts there.
			last := len(sim.samples) - 1
			if last > 0 && sim.laps[len(sim.laps)-1].at != last {
				sim.laps = append(sim.laps, lapMark{at: last, intensity: seg.Intensity, trigger: typedef.LapTriggerManual})
			} else {
				sim.laps[len(sim.laps)-1].intensity = seg.Intensity
			}
			curIntensity = seg.Intensity
			if spec.AutoLapM > 0 {
				nextAutoLap = dist + spec.AutoLapM
			}
		}
		for range n {
			t++
			timer++
			g := seg.Grade
			if !indoor {
				g += route.grade(dist)
			}
			target := seg.SpeedMPS
			if target > 0 {
				// Rebound's choice: uphill the runner gives up half of the
				// extra cost in speed (square root of the Minetti cost
				// ratio), downhill gains the same way.
				target *= math.Sqrt(cr0 / minettiCost(g))
			}
			dv := target - v
			v += math.Max(-decelMPS2, math.Min(accelMPS2, dv))
			nSpeed = ar(nSpeed, 0.8, spec.Noise.SpeedSD)
			nHR = ar(nHR, 0.9, spec.Noise.HRSD)
			nCad = ar(nCad, 0.8, math.Min(spec.Noise.SpeedSD*12, 1.5))
			nE = ar(nE, 0.97, spec.Noise.GPSJitterM)
			nN = ar(nN, 0.97, spec.Noise.GPSJitterM)
			sp := speedOf(v, nSpeed)
			extraAlt += seg.Grade * sp
			target = seg.HRBPM
			if target <= 0 {
				flat := sp * minettiCost(g) / cr0
				temp := spec.TempC + spec.TempRiseCPerH*float64(t)/3600
				target = p.steadyHR(flat, driftBPM(float64(timer), temp))
			}
			hr += (target - hr) * alpha
			emit(false)
			if spec.AutoLapM > 0 && dist >= nextAutoLap {
				// Auto lap: the lap ends at the record that crossed the
				// distance, as watches do, and the next one starts there.
				sim.laps = append(sim.laps, lapMark{at: len(sim.samples) - 1, intensity: curIntensity, trigger: typedef.LapTriggerDistance})
				for nextAutoLap <= dist {
					nextAutoLap += spec.AutoLapM
				}
			}
		}
	}
	return sim, nil
}
