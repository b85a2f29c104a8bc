package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"time"
	_ "time/tzdata" // the demo's time zone must load on machines without a zoneinfo database

	"github.com/muktihari/fit/profile/typedef"

	"rebound"
)

// Mile is the international mile in metres.
const Mile = 1609.344

// Weeks is the length of the built-in history: weeks 1–16 of an 18-week
// marathon plan (the race and taper lie after it).
const Weeks = 16

// TimeZone is the demo runner's time zone.
const TimeZone = "America/New_York"

// File is one generated FIT activity file.
type File struct {
	Name string // e.g. "2026-07-11-long-run.fit"
	Data []byte
}

// Run describes one generated workout, file or manual entry, so the demo can
// tell its story and tests can check it.
type Run struct {
	Date       time.Time // local civil date at 00:00 UTC (rebound.CivilDate)
	Week       int       // 1–16
	Kind       string    // rebound.CharacterEasy, Long, Workout or Race
	Detail     string    // e.g. "12×400 m", "fast finish + 4 surges", "warm-up"
	File       string    // the file's name; "" for a manual entry
	Manual     bool
	DistanceM  float64 // as recorded
	MovingS    float64 // timer time
	StartLocal time.Time
	TempC      float64 // air temperature at the start; 0 (unknown) for manual entries
	Hot        bool    // ≥ 27 °C at the start
	NoHR       bool    // recorded without heart rate
	FastFinish bool    // ends with ~5 min near 6:15/mi
	Surges     int     // 20–30 s surges in the second half
}

// Week sums one week of the history.
type Week struct {
	Index     int       // 1–16
	Start     time.Time // first day, civil date at 00:00 UTC
	DistanceM float64
	Runs      int
	Down      bool   // a planned down (recovery) week
	Note      string // e.g. "sick", "race week"
}

// History is the demo's built-in data.
type History struct {
	Athlete  rebound.Athlete
	Files    []File              // FIT activity files, oldest first
	Manual   []*rebound.Activity // manual entries (rebound log style)
	CheckIns []rebound.CheckIn   // morning check-ins, oldest first
	Runs     []Run               // every workout, files and manual entries, oldest first
	Weeks    []Week
	// Notes are one-line highlights for the demo to print: the race, the
	// sick week and its Red Alert, the load spike, hot days.
	Notes []string
	// RedAlertFrom..RedAlertTo are the mornings the runner was ill (the
	// episode's trigger days); the Red Alert itself lasts until its exit
	// rule is met.
	RedAlertFrom, RedAlertTo time.Time
}

// weekPlan is one week of the 16-week build. Rebound's design of a typical
// 18-week marathon plan: mileage rising ~3 mi a week, a down week every
// fourth, one quality session and one long run a week.
type weekPlan struct {
	miles   float64 // weekly target
	down    bool
	workout string  // "1k", "tempo", "400", "fartlek", "" (none)
	reps    int     // repetitions or tempo minutes
	long    float64 // long-run miles
	ff      bool    // fast finish
	surges  bool    // four surges
	note    string
}

func buildPlan() []weekPlan {
	return []weekPlan{
		{miles: 36, workout: "1k", reps: 6, long: 12},
		{miles: 39, workout: "tempo", reps: 20, long: 13},
		{miles: 42, workout: "400", reps: 12, long: 14},
		{miles: 32, down: true, workout: "fartlek", reps: 8, long: 11},
		{miles: 43, workout: "1k", reps: 6, long: 15, ff: true},
		{miles: 46, workout: "tempo", reps: 25, long: 16},
		{miles: 49, workout: "400", reps: 12, long: 17, ff: true, surges: true},
		{miles: 38, down: true, workout: "1k", reps: 5, long: 12},
		{miles: 50, workout: "tempo", reps: 30, long: 17, ff: true},
		{miles: 42, workout: "1k", reps: 4, note: "race week"}, // half marathon on day 7
		{miles: 53, workout: "400", reps: 12, long: 18, ff: true, surges: true},
		{miles: 42, down: true, workout: "tempo", reps: 20, long: 13},
		{miles: 55, workout: "1k", reps: 6, long: 15, ff: true, note: "peak"}, // hot: cut short
		{miles: 11, note: "sick"},
		{miles: 38, long: 12, note: "comeback"}, // easy only while the Red Alert lasts
		{miles: 50, workout: "400", reps: 12, long: 20, ff: true, surges: true, note: "spike"},
	}
}

// Day indices (0 = the first day of week 1) of the story's fixed events.
const (
	raceDay     = 69  // week 10, day 7: half marathon
	hotPeakLong = 90  // week 13 long run, hot, cut to 15 mi
	illFrom     = 92  // week 14: first ill morning
	illTo       = 94  // last ill morning
	checkInFrom = 56  // check-ins from week 9: the readiness baselines need 28 mornings
	lastDay     = 111 // the last long run
)

// Paces (m/s) of the demo runner, from threshold pace 4:05/km (4.08 m/s):
// easy and long runs at ~77–80% of threshold speed (Daniels' E pace is
// 0.72–0.8 of vVDOT, threshold 0.88–0.9; science.md §10), tempo at
// threshold, 1 km repeats ~7% and 400 m repeats ~17% faster, the fast finish
// at 6:15/mi and surges near 5:30/mi (the article's long run).
const (
	easyMPS     = 3.15
	recoveryMPS = 3.0
	longMPS     = 3.25
	jogMPS      = 2.6
	tempoMPS    = 4.05
	kmRepMPS    = 1000.0 / 228
	rep400MPS   = 400.0 / 84
	ffMPS       = Mile / 375
	surgeMPS    = 4.9
	raceMPS     = 4.02
)

// heatFactor slows easy running in the heat. Rebound's choice: 0.4% per °C
// above 20 °C, the order of the marathon slowing Ely 2007 reports for WBGT
// 5–10 → 20–25 °C (science.md §9).
func heatFactor(tempC float64) float64 { return 1 - 0.004*math.Max(0, tempC-20) }

// DemoAthleteProfile is the demo runner's profile as of the day end.
func DemoAthleteProfile(end time.Time) rebound.Athlete {
	y, m, d := end.Date()
	birth := time.Date(y-38, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, -5, -9) // 38 years and ~5 months old
	thr := 1000.0 / 245
	p := DemoAthlete()
	return rebound.Athlete{
		ID: rebound.DefaultAthleteID, Name: "Sam Rivera (demo)", BirthDate: &birth, Sex: "male",
		WeightKg: rebound.Float(p.WeightKg), HRMaxBPM: rebound.Float(p.MaxBPM), HRRestBPM: rebound.Float(p.RestBPM),
		LTHRBPM: rebound.Float(p.LTHRBPM), ThresholdSpeedMPS: &thr, Units: "mi", TimeZone: TimeZone,
		Bedtime: "22:30", Wake: "06:00", Phase: "build",
		UpdatedAt: time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
	}
}

// job is one FIT file to encode.
type job struct {
	run  Run
	spec RunSpec
}

// Generate builds the demo history: 16 weeks ending on the day before end
// (end's calendar date, read in end's own location, taken as a date in
// America/New_York). The same end and seed give identical bytes.
func Generate(end time.Time, seed int64) (*History, error) {
	y, m, d := end.Date()
	if y < 1991 || y > 2099 {
		return nil, rebound.Errorf(rebound.EInvalid, "demo end date %s out of range (1991–2099)", end.Format(time.DateOnly))
	}
	loc, err := time.LoadLocation(TimeZone)
	if err != nil {
		return nil, fmt.Errorf("demo: load time zone: %w", err)
	}
	day := func(i int) time.Time { return time.Date(y, m, d-Weeks*7+i, 0, 0, 0, 0, loc) }
	g := &generator{
		rng:  rand.New(rand.NewPCG(uint64(seed), 1)),
		seed: seed,
		loc:  loc,
		day:  day,
	}
	h := &History{Athlete: DemoAthleteProfile(end)}
	g.weather()
	g.plan()
	if err := g.encode(h); err != nil {
		return nil, err
	}
	h.CheckIns = g.checkIns()
	h.RedAlertFrom = rebound.CivilDate(day(illFrom))
	h.RedAlertTo = rebound.CivilDate(day(illTo))
	g.summarize(h)
	return h, nil
}

type generator struct {
	rng  *rand.Rand
	seed int64
	loc  *time.Location
	day  func(int) time.Time
	// anomaly is each day's departure from the climate normal (°C).
	anomaly [Weeks * 7]float64
	jobs    []job
	manual  []*rebound.Activity
	runs    []Run // manual runs; file runs come from jobs
	hard    [Weeks * 7]int
}

// weather draws each day's temperature anomaly: AR(1) from day to day
// (ρ 0.7, SD 2.5 °C), Rebound's rough stand-in for weather spells.
func (g *generator) weather() {
	a := 0.0
	for i := range g.anomaly {
		a = 0.7*a + 2.5*math.Sqrt(1-0.49)*g.rng.NormFloat64()
		g.anomaly[i] = a
	}
}

// tempAt is the air temperature at the start of a run on day i.
func (g *generator) tempAt(i int, evening, forceHot bool) float64 {
	t := climateC(g.day(i), evening) + g.anomaly[i]
	if forceHot && summer(g.day(i)) {
		t = math.Max(t, 27+3*g.rng.Float64()) // a heat-wave morning
	}
	return math.Round(t*10) / 10
}

// startAt is day i at local hh:mm plus up to jitterMin random minutes.
func (g *generator) startAt(i, hh, mm, jitterMin int) time.Time {
	if jitterMin > 0 {
		mm += g.rng.IntN(jitterMin + 1)
	}
	t := g.day(i)
	return time.Date(t.Year(), t.Month(), t.Day(), hh, mm, 0, 0, g.loc)
}

// plan lays out every workout of the 16 weeks.
func (g *generator) plan() {
	plan := buildPlan()
	for w, wp := range plan {
		base := w * 7
		switch wp.note {
		case "sick":
			// Day 1 rest; a cold from the evening of day 1 (ill mornings
			// days 2–4); two easy runs at the end of the week.
			g.easy(base+5, 4, "back to running", false)
			g.easy(base+6, 7, "easy", false)
			continue
		}
		// Workout on day 3 (index 2).
		wkDist := g.workout(base+2, wp)
		// Long run or race on day 7 (index 6).
		longMi := wp.long
		if base+6 == raceDay {
			g.race(base + 6)
			longMi = 13.1 + 1.8
		} else {
			g.long(base+6, wp)
		}
		// Easy days: 2, 4, 5, 6 (index 1, 3, 4, 5); down weeks rest on 5.
		days := []int{1, 3, 4, 5}
		weights := []float64{0.9, 1.1, 1.25, 0.75}
		switch {
		case wp.down:
			days, weights = []int{1, 3, 5}, []float64{1, 1.2, 0.8}
		case w < 3:
			// The first weeks have five runs: Saturday off before the
			// long run, so the easy runs are not cut to nothing.
			days, weights = []int{1, 3, 4}, []float64{0.9, 1.1, 1}
		}
		if wp.note == "comeback" {
			days, weights = []int{2, 3, 4, 5}, []float64{0.9, 1, 1.1, 0.8} // day 2 is a treadmill entry
		}
		rest := wp.miles - longMi - wkDist/Mile
		if wp.note == "comeback" {
			rest -= 3.5
		}
		sum := 0.0
		for _, x := range weights {
			sum += x
		}
		for k, dd := range days {
			mi := math.Round(2*math.Max(4, math.Min(10, rest*weights[k]/sum))) / 2
			i := base + dd
			switch {
			case w == 5 && dd == 3:
				g.treadmill(i, w+1, 50*60, 6*Mile, 4, "treadmill: thunderstorms all morning")
			case (w == 2 && dd == 3) || (w == 11 && dd == 5):
				g.easy(i, mi, "easy", true)
			default:
				detail := "easy"
				if dd == 1 {
					detail = "recovery"
				}
				g.easy(i, mi, detail, false)
			}
		}
		if wp.note == "comeback" {
			g.treadmill(base+1, w+1, 30*60, 3.5*Mile, 3, "first run back after the cold: treadmill, kept it very easy")
		}
	}
}

func (g *generator) week(i int) int { return i/7 + 1 }

// spec returns a RunSpec skeleton for day i at start (local).
func (g *generator) spec(i int, start time.Time, tempC float64, route Route) RunSpec {
	_, off := start.Zone()
	rise := 1.2 // °C/h: a summer morning warming after sunrise (Rebound's choice)
	if start.Hour() >= 15 {
		rise = -0.8 // evening cooling
	}
	return RunSpec{
		Start: start.UTC(), UTCOffsetS: off, TempC: tempC, TempRiseCPerH: rise, Route: route,
		Noise:    Noise{SpeedSD: 0.08, HRSD: 1.5, GPSJitterM: 2.5, Seed: g.seed*1_000_003 + int64(len(g.jobs))},
		AutoLapM: Mile, Athlete: DemoAthlete(),
	}
}

// add queues a file.
func (g *generator) add(i int, name string, r Run, spec RunSpec) {
	r.Date = rebound.CivilDate(g.day(i))
	r.Week = g.week(i)
	r.File = fmt.Sprintf("%s-%s.fit", g.day(i).Format(time.DateOnly), name)
	r.StartLocal = spec.Start.In(g.loc)
	r.TempC = spec.TempC
	r.Hot = spec.TempC >= 27
	r.NoHR = spec.NoHR
	g.jobs = append(g.jobs, job{run: r, spec: spec})
}

// routeFor picks a route for an easy or long run: mostly Central Park,
// sometimes the Hudson River Greenway.
func (g *generator) routeFor(i int) Route {
	if i%3 == 1 {
		return Route{Shape: RouteOutAndBack}
	}
	return Route{}
}

// easy queues an easy run of mi miles on day i.
func (g *generator) easy(i int, mi float64, detail string, noHR bool) {
	start := g.startAt(i, 6, 5, 25)
	if i%7 == 5 {
		start = g.startAt(i, 7, 15, 30) // the day before the long run: a lie-in
	}
	temp := g.tempAt(i, false, false)
	spec := g.spec(i, start, temp, g.routeFor(i))
	spec.NoHR = noHR
	v := easyMPS
	if detail == "recovery" || detail == "back to running" {
		v = recoveryMPS
	}
	v *= heatFactor(temp) * (1 + 0.02*g.rng.NormFloat64())
	dist := mi * Mile
	warm := 300.0
	spec.Segments = []Seg{
		{DurationS: warm, SpeedMPS: 0.94 * v, Label: "warm-up"},
		{DurationS: (dist - warm*0.94*v) / v, SpeedMPS: v, Label: "easy"},
	}
	g.add(i, "easy-run", Run{Kind: rebound.CharacterEasy, Detail: detail}, spec)
}

// treadmill adds a manual entry (rebound log style: start, duration,
// distance, RPE, kind).
func (g *generator) treadmill(i, week int, durS, distM float64, rpe int, notes string) {
	start := g.startAt(i, 6, 15, 15)
	_, off := start.Zone()
	a := &rebound.Activity{
		AthleteID: rebound.DefaultAthleteID, Sport: rebound.SportRunning, SubSport: "treadmill",
		Name: "Treadmill run", Notes: notes,
		StartTime: start.UTC(), UTCOffsetS: off, OffsetSource: rebound.OffsetFromAthlete,
		ElapsedS: durS, MovingS: durS, DistanceM: distM, AvgSpeedMPS: distM / durS,
		SourceFormat: "manual", SummarySource: rebound.SummaryFromManual,
		RPE: &rpe, Kind: rebound.CharacterEasy,
	}
	g.manual = append(g.manual, a)
	g.runs = append(g.runs, Run{Date: rebound.CivilDate(g.day(i)), Week: week, Kind: rebound.CharacterEasy,
		Detail: "treadmill, RPE only", Manual: true, DistanceM: distM, MovingS: durS, StartLocal: start})
}

// workout queues day i's quality session and returns its planned distance.
func (g *generator) workout(i int, wp weekPlan) float64 {
	if wp.workout == "" {
		return 0
	}
	evening := wp.workout == "400"
	start := g.startAt(i, 6, 0, 10)
	if evening {
		start = g.startAt(i, 18, 30, 10)
	}
	temp := g.tempAt(i, evening, false)
	route := Route{}
	if evening {
		route = Route{Shape: RouteTrack}
	}
	spec := g.spec(i, start, temp, route)
	spec.AutoLapM = 0
	hf := heatFactor(temp)
	var segs []Seg
	warmup := func(mi float64) {
		v := easyMPS * hf
		segs = append(segs, Seg{DurationS: mi * Mile / v, SpeedMPS: v, Lap: true, Intensity: typedef.IntensityWarmup, Label: "warm-up"})
	}
	cooldown := func(mi float64) {
		v := recoveryMPS * hf
		segs = append(segs, Seg{DurationS: mi * Mile / v, SpeedMPS: v, Lap: true, Intensity: typedef.IntensityCooldown, Label: "cool-down"})
	}
	rep := func(durS, v, recS, recV float64, last bool) {
		segs = append(segs, Seg{DurationS: durS, SpeedMPS: v, Lap: true, Intensity: typedef.IntensityActive, Label: "rep"})
		if !last {
			segs = append(segs, Seg{DurationS: recS, SpeedMPS: recV, Lap: true, Intensity: typedef.IntensityRecovery, Label: "recovery"})
		}
	}
	var name, detail string
	switch wp.workout {
	case "1k":
		warmup(2)
		for k := range wp.reps {
			rep(1000/kmRepMPS, kmRepMPS*(1-0.003*g.rng.Float64()), 120, jogMPS, k == wp.reps-1)
		}
		cooldown(1.5)
		name, detail = fmt.Sprintf("%dx1km", wp.reps), fmt.Sprintf("%d×1 km", wp.reps)
	case "400":
		spec.SubSport = typedef.SubSportTrack
		warmup(2)
		for k := range wp.reps {
			rep(400/rep400MPS, rep400MPS*(1+0.01*g.rng.NormFloat64()), 200/2.4, 2.4, k == wp.reps-1)
		}
		cooldown(1.5)
		name, detail = fmt.Sprintf("track-%dx400m", wp.reps), fmt.Sprintf("%d×400 m", wp.reps)
	case "tempo":
		warmup(2)
		segs = append(segs, Seg{DurationS: float64(wp.reps) * 60, SpeedMPS: tempoMPS * hf, Lap: true, Label: "tempo"})
		cooldown(1.5)
		name, detail = fmt.Sprintf("tempo-%dmin", wp.reps), fmt.Sprintf("%d min tempo", wp.reps)
	case "cruise":
		warmup(2)
		for k := range wp.reps {
			rep(15*60, 0.98*tempoMPS*hf, 180, jogMPS, k == wp.reps-1)
		}
		cooldown(1.5)
		name, detail = fmt.Sprintf("%dx15min", wp.reps), fmt.Sprintf("%d×15 min at threshold", wp.reps)
	case "fartlek":
		warmup(1.5)
		for k := range wp.reps {
			rep(60, 4.5, 60, easyMPS*hf, k == wp.reps-1)
		}
		cooldown(2)
		name, detail = fmt.Sprintf("fartlek-%dx1min", wp.reps), fmt.Sprintf("fartlek %d×1 min", wp.reps)
	}
	spec.Segments = segs
	total := 0.0
	for _, s := range segs {
		total += s.DurationS * s.SpeedMPS
	}
	g.add(i, name, Run{Kind: rebound.CharacterWorkout, Detail: detail}, spec)
	g.hard[i] = 1
	return total
}

// long queues day i's long run.
func (g *generator) long(i int, wp weekPlan) {
	hot := i == hotPeakLong || i == lastDay
	start := g.startAt(i, 6, 0, 10)
	if summer(g.day(i)) {
		start = g.startAt(i, 5, 30, 10)
	}
	if i == lastDay {
		start = g.startAt(i, 5, 20, 0)
	}
	temp := g.tempAt(i, false, hot)
	spec := g.spec(i, start, temp, g.routeFor(i))
	v := longMPS * heatFactor(temp)
	dist := wp.long * Mile
	var segs []Seg
	segs = append(segs, Seg{DurationS: Mile / (0.95 * v), SpeedMPS: 0.95 * v, Label: "warm-up"})
	left := dist - Mile
	var tail []Seg
	if wp.surges {
		// Four 20–30 s surges near 5:30/mi, 5–6 min apart, ending 5 min
		// before the fast finish (the article's long run).
		for k := range 4 {
			dur := float64(20 + g.rng.IntN(11))
			gap := 300 + float64(g.rng.IntN(60))
			if k == 3 {
				gap = 300
			}
			tail = append(tail, Seg{DurationS: dur, SpeedMPS: surgeMPS, Label: "surge"},
				Seg{DurationS: gap, SpeedMPS: v, Label: "long"})
		}
	}
	if wp.ff {
		tail = append(tail, Seg{DurationS: 300, SpeedMPS: ffMPS, Label: "fast finish"})
	}
	for _, s := range tail {
		left -= s.DurationS * s.SpeedMPS
	}
	main := left / v
	if temp >= 24 {
		// A drinking-fountain stop halfway, timer paused.
		segs = append(segs, Seg{DurationS: main / 2, SpeedMPS: v, Label: "long"},
			Seg{DurationS: float64(40 + g.rng.IntN(30)), Pause: true, Label: "fountain"},
			Seg{DurationS: main / 2, SpeedMPS: v, Label: "long"})
	} else {
		segs = append(segs, Seg{DurationS: main, SpeedMPS: v, Label: "long"})
	}
	spec.Segments = append(segs, tail...)
	detail := fmt.Sprintf("%g mi", wp.long)
	switch {
	case wp.ff && wp.surges:
		detail += ", fast finish + 4 surges"
	case wp.ff:
		detail += ", fast finish"
	}
	if i == hotPeakLong {
		detail += " (cut short in the heat)"
	}
	n := 0
	if wp.surges {
		n = 4
	}
	g.add(i, "long-run", Run{Kind: rebound.CharacterLong, Detail: detail, FastFinish: wp.ff, Surges: n}, spec)
	g.hard[i] = 2
}

// race queues the half-marathon tune-up and its warm-up on day i.
func (g *generator) race(i int) {
	warm := g.startAt(i, 6, 30, 0)
	temp := g.tempAt(i, false, false)
	spec := g.spec(i, warm, temp, Route{Shape: RouteOutAndBack})
	spec.Segments = []Seg{{DurationS: 15 * 60, SpeedMPS: recoveryMPS, Label: "warm-up"},
		{DurationS: 20, SpeedMPS: 4.3, Label: "stride"}, {DurationS: 60, SpeedMPS: 2.5, Label: "jog"},
		{DurationS: 20, SpeedMPS: 4.3, Label: "stride"}, {DurationS: 60, SpeedMPS: 2.5, Label: "jog"}}
	g.add(i, "warm-up", Run{Kind: rebound.CharacterEasy, Detail: "race warm-up"}, spec)

	start := g.startAt(i, 7, 0, 0)
	spec = g.spec(i, start, temp+0.5, Route{})
	const hm = 21097.5
	v := raceMPS * heatFactor(temp+3) // racing in the warmth costs more
	spec.Segments = []Seg{
		{DurationS: Mile / (1.015 * v), SpeedMPS: 1.015 * v, Label: "race"}, // out a little fast
		{DurationS: (hm - Mile - 1200) / v, SpeedMPS: v, Label: "race"},
		{DurationS: 1200 / (1.06 * v), SpeedMPS: 1.06 * v, Label: "kick"},
	}
	g.add(i, "half-marathon", Run{Kind: rebound.CharacterRace, Detail: "half-marathon tune-up race"}, spec)
	g.hard[i] = 3
}

// encode writes every queued file, in parallel (each file has its own noise
// seed, so the bytes do not depend on scheduling).
func (g *generator) encode(h *History) error {
	// Oldest first. The noise seeds were fixed when the runs were planned,
	// so the order does not change the bytes.
	sort.SliceStable(g.jobs, func(a, b int) bool { return g.jobs[a].spec.Start.Before(g.jobs[b].spec.Start) })
	out := make([]File, len(g.jobs))
	runs := make([]Run, len(g.jobs))
	errs := make([]error, len(g.jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for k := range g.jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func(k int) {
			defer func() { <-sem; wg.Done() }()
			j := &g.jobs[k]
			data, sim, err := encodeRun(j.spec)
			if err != nil {
				errs[k] = fmt.Errorf("demo: %s: %w", j.run.File, err)
				return
			}
			out[k] = File{Name: j.run.File, Data: data}
			r := j.run
			last := sim.samples[len(sim.samples)-1]
			r.DistanceM, r.MovingS = last.dist(), float64(last.timer)
			runs[k] = r
		}(k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	h.Files = out
	h.Manual = g.manual
	h.Runs = mergeRuns(runs, g.runs)
	return nil
}

// mergeRuns merges the file runs and the manual runs by start time.
func mergeRuns(a, b []Run) []Run {
	all := append(append([]Run(nil), a...), b...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].StartLocal.Before(all[j].StartLocal) })
	return all
}

// summarize fills the weekly totals and the notes.
func (g *generator) summarize(h *History) {
	plan := buildPlan()
	for w := range Weeks {
		h.Weeks = append(h.Weeks, Week{Index: w + 1, Start: rebound.CivilDate(g.day(w * 7)), Down: plan[w].down, Note: plan[w].note})
	}
	var hot []string
	for _, r := range h.Runs {
		wk := &h.Weeks[r.Week-1]
		wk.DistanceM += r.DistanceM
		wk.Runs++
		if r.Hot {
			hot = append(hot, fmt.Sprintf("%s %.0f °C", r.Date.Format("Jan 2"), r.TempC))
		}
	}
	date := func(i int) string { return g.day(i).Format("Mon 2006-01-02") }
	for _, r := range h.Runs {
		if r.Kind == rebound.CharacterRace {
			h.Notes = append(h.Notes, fmt.Sprintf("week %d, %s: half-marathon tune-up race, %s",
				r.Week, date(raceDay), clock(r.MovingS)))
		}
	}
	h.Notes = append(h.Notes,
		fmt.Sprintf("week 14, %s–%s: a cold — the check-ins show a Red Alert (ill, resting HR +10, HRV down, soreness 5/5, two short nights)",
			g.day(illFrom).Format("Jan 2"), g.day(illTo).Format("Jan 2")))
	var last Run
	longest := 0.0
	for _, r := range h.Runs {
		if r.Date.Equal(rebound.CivilDate(g.day(lastDay))) && r.Kind == rebound.CharacterLong {
			last = r
		} else if !r.Date.Before(rebound.CivilDate(g.day(lastDay-30))) && r.DistanceM > longest {
			longest = r.DistanceM
		}
	}
	if longest > 0 {
		h.Notes = append(h.Notes, fmt.Sprintf("week 16, %s: the last long run, %.1f mi at %.0f °C with a fast finish and four surges — %.0f%% longer than the longest run of the 30 days before (%.1f mi): a load spike",
			date(lastDay), last.DistanceM/Mile, last.TempC, 100*(last.DistanceM/longest-1), longest/Mile))
	}
	if len(hot) > 0 {
		h.Notes = append(h.Notes, fmt.Sprintf("%d hot runs (≥ 27 °C at the start): %s", len(hot), joinMax(hot, 6)))
	}
}

func joinMax(xs []string, n int) string {
	s := ""
	for k, x := range xs {
		if k == n {
			return s + fmt.Sprintf(", … (%d more)", len(xs)-n)
		}
		if k > 0 {
			s += ", "
		}
		s += x
	}
	return s
}

// clock formats seconds as h:mm:ss.
func clock(s float64) string {
	t := int(math.Round(s))
	return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
}
