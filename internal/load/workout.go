package load

import (
	"fmt"
	"math"

	"rebound"
)

// Quality flags of a workout's load (rebound.WorkoutLoad.QualityFlags).
const (
	FlagNoStreams     = "no_streams"      // summary only: averages, no per-second data
	FlagNoHR          = "no_hr_stream"    // streams without heart rate
	FlagNoSpeed       = "no_speed_stream" // streams without speed or distance
	FlagNoAltitude    = "no_altitude"     // speed without altitude: pace is not grade-adjusted
	FlagHRDropouts    = "hr_dropouts"     // more than HRDropoutFlagFrac of the moving time lacks HR
	FlagHRLowCoverage = "hr_low_coverage" // HR on less than HRMinCoverage of the time: not used for the load
	FlagHRSpikes      = "hr_spikes"       // implausible HR samples were removed
	FlagGPSJumps      = "gps_jumps"       // speed > GPSMaxSpeedMPS or a position jump implying it
	FlagNoThresholds  = "no_threshold_pace"
)

// RPEPair is one session with both a session-RPE (RPE × min) and a credible
// HRSS, for CalibrateRPE.
type RPEPair = struct{ SRPE, HRSS float64 }

// RPECalibration converts session-RPE to the TSS-like load scale.
type RPECalibration struct {
	Factor     float64 `json:"factor"` // load per sRPE unit (RPE × min)
	Pairs      int     `json:"pairs"`  // sessions used
	Calibrated bool    `json:"calibrated"`
	How        string  `json:"how"`
}

// CalibrateRPE fits the runner's own conversion from sRPE to HRSS when at
// least RPEMinPairs sessions have both: the least-squares slope through the
// origin, k = Σ sRPE·HRSS / Σ sRPE² (a line through 0 because no effort is
// no load under both measures). With fewer pairs it returns the fixed
// RPEDefaultFactor (see Params). Pairs with a non-positive or non-finite
// value are ignored.
func CalibrateRPE(pairs []RPEPair, p Params) RPECalibration {
	var sxy, sxx float64
	n := 0
	for _, q := range pairs {
		if !(q.SRPE > 0) || !(q.HRSS >= 0) || math.IsInf(q.SRPE, 0) || math.IsInf(q.HRSS, 0) {
			continue
		}
		sxy += q.SRPE * q.HRSS
		sxx += q.SRPE * q.SRPE
		n++
	}
	if n >= p.RPEMinPairs && sxx > 0 && sxy > 0 {
		return RPECalibration{Factor: sxy / sxx, Pairs: n, Calibrated: true,
			How: fmt.Sprintf("your own scale: least-squares slope of HRSS on sRPE through 0 over %d sessions with both", n)}
	}
	return RPECalibration{Factor: p.RPEDefaultFactor, Pairs: n,
		How: fmt.Sprintf("fixed %.3f per RPE·min (1 h at RPE 7 = 100; %d of the %d sessions with both RPE and HR needed for your own scale)", p.RPEDefaultFactor, n, p.RPEMinPairs)}
}

// RPEPairs collects the calibration pairs from computed loads: sessions with
// an sRPE whose load came from a credible HR stream.
func RPEPairs(loads []rebound.WorkoutLoad) []RPEPair {
	var out []RPEPair
	for _, l := range loads {
		if l.SRPE != nil && l.HRSS != nil && l.LoadSource == rebound.LoadFromHR {
			out = append(out, RPEPair{SRPE: *l.SRPE, HRSS: *l.HRSS})
		}
	}
	return out
}

// TRIMPRate is Banister's TRIMP per minute at heart-rate reserve fraction
// x: x·a·e^(b·x) (Morton 1990, science.md §5). x is clamped to [0, 1], the
// range the model is defined on (below rest is no load; above the max is a
// max that is set too low).
func TRIMPRate(x, a, b float64) float64 {
	x = max(0, min(1, x)) // as math.Max, math.Min (NaN and ±0 included)
	return x * a * math.Exp(b*x)
}

// TRIMPAverage is the average-HR form GoldenCheetah uses
// (src/Metrics/TRIMPPoints.cpp): minutes · TRIMPRate(HRr of the mean HR).
// Because x·e^(bx) is convex, it is ≤ the per-second sum for any session
// and equal for constant HR.
func TRIMPAverage(minutes, avgHR, rest, maxHR, a, b float64) float64 {
	if maxHR <= rest || minutes <= 0 {
		return 0
	}
	return minutes * TRIMPRate((avgHR-rest)/(maxHR-rest), a, b)
}

// HRSSOf normalises TRIMP so that 60 min at LTHR = 100 (GoldenCheetah's
// TRIMP100, science.md §5).
func HRSSOf(trimp, lthr, rest, maxHR, a, b float64) float64 {
	ref := 60 * TRIMPRate((lthr-rest)/(maxHR-rest), a, b)
	if ref <= 0 || maxHR <= rest {
		return 0
	}
	return 100 * trimp / ref
}

// RTSSOf is hours·(NGP/threshold speed)²·100 (science.md §5).
func RTSSOf(hours, ngp, threshold float64) float64 {
	if threshold <= 0 || hours <= 0 || math.IsNaN(ngp) {
		return 0
	}
	r := ngp / threshold
	return hours * r * r * 100
}

// Workout measures one activity: TRIMP, HRSS, rTSS, sRPE, the one load
// figure and why, zones, fast finish, surges and data-quality flags. The
// character is left to Character (it needs the recent history); Analyze does
// both.
//
// The load rule, in order: (1) HRSS when the HR stream is credible (HR on ≥
// HRMinCoverage of the moving time, ≤ HRMaxSpikeFrac spikes); (2) rTSS from
// the grade-adjusted pace stream of a run with a threshold pace; (3) average
// HR (GoldenCheetah's average form) when only summaries exist; (4) rTSS from
// the average pace of a run; (5) sRPE × the RPE calibration; (6)
// HRSS from a heart-rate stream that failed the credibility test, when
// nothing else exists; (7) a manual duration estimate, hours·IF²·100 with
// IF by kind; (8) none.
func Workout(a *rebound.Activity, prof Profile, cal RPECalibration, p Params) rebound.WorkoutLoad {
	wl, _ := workout(a, prof, cal, p)
	return wl
}

// workout is Workout, also returning the analysis of the streams for
// Character (nil when a is nil).
func workout(a *rebound.Activity, prof Profile, cal RPECalibration, p Params) (rebound.WorkoutLoad, *analysis) {
	return workoutIn(a, prof, cal, p, &scratch{})
}

// workoutIn is workout with its buffers from sc (see newAnalysisIn).
func workoutIn(a *rebound.Activity, prof Profile, cal RPECalibration, p Params, sc *scratch) (rebound.WorkoutLoad, *analysis) {
	var wl rebound.WorkoutLoad
	if a == nil {
		wl.LoadSource, wl.LoadWhy = rebound.LoadFromNone, "no activity"
		return wl, nil
	}
	wl.ActivityID = a.ID
	ta, tb, _ := p.trimpCoeffs(prof.Sex)
	hrMax, rest, lthr := prof.HRMaxBPM.Value, prof.HRRestBPM.Value, prof.LTHRBPM.Value
	hrOK := hrMax > rest && rest > 0
	thr := prof.ThresholdSpeedMPS.Value
	run := isRun(a)
	minutes := a.MovingS / 60
	if minutes <= 0 {
		minutes = a.ElapsedS / 60
	}
	flag := func(f string) { wl.QualityFlags = append(wl.QualityFlags, f) }

	an := newAnalysisIn(a.Streams, p, sc)
	s, n := an.s, an.n
	hrCredible, paceStream := false, false
	var hrWhy string
	if n == 0 {
		flag(FlagNoStreams)
	} else {
		var sp speedStream
		if s.SpeedMPS == nil && s.DistanceM == nil {
			flag(FlagNoSpeed)
		} else {
			sp = *an.speed()
			if sp.jumps > 0 {
				flag(FlagGPSJumps)
			}
		}
		nActive, missing := activeSeconds(s, n)
		if s.HeartRateBPM == nil {
			flag(FlagNoHR)
		} else {
			h := an.hr()
			coverage := 0.0
			if nActive > 0 {
				coverage = float64(h.valid) / float64(nActive)
			}
			spikeFrac := 0.0
			if h.valid+h.spikes > 0 {
				spikeFrac = float64(h.spikes) / float64(h.valid+h.spikes)
			}
			if nActive > 0 && float64(missing)/float64(nActive) > p.HRDropoutFlagFrac {
				flag(FlagHRDropouts)
			}
			if h.spikes > 0 {
				flag(FlagHRSpikes)
			}
			if coverage < p.HRMinCoverage {
				flag(FlagHRLowCoverage)
			}
			if h.valid > 0 && hrOK {
				t, secs := trimpAndZones(h.bpm, rest, hrMax, ta, tb, lthr)
				wl.TRIMP = rebound.Float(t)
				if lthr > rest {
					wl.HRSS = rebound.Float(HRSSOf(t, lthr, rest, hrMax, ta, tb))
					wl.HRZones = hrZonesOf(secs, lthr)
				}
			}
			switch {
			case wl.HRSS == nil:
				hrWhy = "heart-rate thresholds unusable"
			case coverage < p.HRMinCoverage:
				hrWhy = fmt.Sprintf("heart rate on only %.0f %% of the time", 100*coverage)
			case spikeFrac > p.HRMaxSpikeFrac:
				hrWhy = fmt.Sprintf("%.1f %% of heart-rate samples are implausible spikes", 100*spikeFrac)
			default:
				hrCredible = true
				hrWhy = fmt.Sprintf("heart rate on %.0f %% of the time, %d spikes removed", 100*coverage, h.spikes)
			}
		}
		if sp.hasSpeed {
			g, graded := an.grade()
			if !graded && s.AltitudeM == nil {
				flag(FlagNoAltitude)
			}
			if run && thr > 0 {
				zones := newPaceCount(thr, p)
				ngp, cnt := normalized(g, an.gPrefix(), p.NPWindowS, zones)
				if cnt > 0 {
					wl.RTSS = rebound.Float(RTSSOf(float64(cnt)/3600, ngp, thr))
					paceStream = true
					wl.PaceZones = paceZones(zones)
				}
			}
			if run {
				wl.FastFinish, wl.Surges = detectSegments(an, p)
			}
		}
	}
	if run && thr <= 0 {
		flag(FlagNoThresholds)
	}

	if a.RPE != nil && *a.RPE > 0 && minutes > 0 {
		wl.SRPE = rebound.Float(float64(*a.RPE) * minutes)
	}

	// Summary-only figures.
	var avgTRIMP, avgHRSS, avgRTSS *float64
	if n == 0 && a.AvgHeartRateBPM != nil && hrOK && minutes > 0 {
		t := TRIMPAverage(minutes, *a.AvgHeartRateBPM, rest, hrMax, ta, tb)
		avgTRIMP = &t
		if lthr > rest {
			avgHRSS = rebound.Float(HRSSOf(t, lthr, rest, hrMax, ta, tb))
		}
	}
	if !paceStream && run && thr > 0 && a.DistanceM > 0 && a.MovingS > 0 {
		avgRTSS = rebound.Float(RTSSOf(a.MovingS/3600, a.DistanceM/a.MovingS, thr))
	}

	switch {
	case hrCredible:
		wl.Load, wl.LoadSource = *wl.HRSS, rebound.LoadFromHR
		wl.LoadWhy = "HRSS from the heart-rate stream (" + hrWhy + ")"
	case paceStream:
		wl.Load, wl.LoadSource = *wl.RTSS, rebound.LoadFromPace
		why := "no heart-rate stream"
		if hrWhy != "" {
			why = hrWhy
		}
		wl.LoadWhy = "rTSS from grade-adjusted pace (" + why + ")"
	case avgHRSS != nil:
		wl.TRIMP, wl.HRSS = avgTRIMP, avgHRSS
		wl.Load, wl.LoadSource = *avgHRSS, rebound.LoadFromHR
		wl.LoadWhy = "HRSS from the average heart rate only (no streams; underestimates varied sessions)"
	case avgRTSS != nil:
		wl.RTSS = avgRTSS
		wl.Load, wl.LoadSource = *avgRTSS, rebound.LoadFromPace
		wl.LoadWhy = "rTSS from the average pace only (no streams, no grade)"
	case wl.SRPE != nil:
		wl.Load, wl.LoadSource = *wl.SRPE*cal.Factor, rebound.LoadFromRPE
		wl.LoadWhy = fmt.Sprintf("session RPE %d × %.0f min, %s", *a.RPE, minutes, cal.How)
	case wl.HRSS != nil && *wl.HRSS > 0:
		wl.Load, wl.LoadSource = *wl.HRSS, rebound.LoadFromHR
		wl.LoadWhy = "HRSS from a weak heart-rate stream (" + hrWhy + "): nothing better recorded"
	case minutes > 0:
		ifac, kind := p.ManualIFEasy, "easy"
		switch a.Kind {
		case rebound.CharacterWorkout:
			ifac, kind = p.ManualIFWorkout, "workout"
		case rebound.CharacterRace:
			ifac, kind = p.ManualIFRace, "race"
		}
		wl.Load, wl.LoadSource = minutes/60*ifac*ifac*100, rebound.LoadFromManual
		wl.LoadWhy = fmt.Sprintf("no heart rate, pace or RPE: %.0f min at an assumed %s intensity (IF %.2f, Rebound's default)", minutes, kind, ifac)
	default:
		wl.LoadSource, wl.LoadWhy = rebound.LoadFromNone, "nothing to measure: no heart rate, pace, RPE or duration"
	}
	return wl, an
}

// Analyze is Workout followed by Character: everything stored with the
// activity. recent are the runner's other activities (any window around
// the start; Character keeps the RecentDays before it). It is
// Measure(a, prof, cal, p).Classify(a, recent, p).
func Analyze(a *rebound.Activity, recent []*rebound.Activity, prof Profile, cal RPECalibration, p Params) rebound.WorkoutLoad {
	return Measure(a, prof, cal, p).Classify(a, recent, p)
}

// Measurement is the part of Analyze that reads the activity's streams:
// its load and the structure Character looks for, measured with one
// profile and RPE calibration. What is left, Classify, needs only the
// summaries of the runner's other activities. The import measures each
// activity while its streams are in memory and classifies it once every
// activity is stored (coach.Speculation), instead of reading the streams
// back.
type Measurement struct {
	wl       rebound.WorkoutLoad
	features runFeatures
	analysed bool // a was not nil
}

// Measure measures a with prof and cal: the stream half of Analyze. It is
// Measure of a new Measurer.
func Measure(a *rebound.Activity, prof Profile, cal RPECalibration, p Params) Measurement {
	var m Measurer
	return m.Measure(a, prof, cal, p)
}

// Measurer is Measure that keeps its scratch memory (the one block of
// about 6·n float64 an analysis of n samples takes its buffers from, and
// its n speed keys) from one call to the next: allocating and zeroing them
// afresh, with the garbage they leave, was 15 % of the CPU time of
// BenchmarkAnalyzeRealRuns (140 against 164 ns a sample with
// BenchmarkAnalyzeRealRunsMeasurer, 98 % fewer bytes allocated). The
// memory is only ever grown, to the largest activity measured so far. The
// results are those of Measure, bit for bit (TestMeasurerReuse): every
// helper writes all of a buffer it takes before reading it (see scratch),
// so nothing depends on the block being zeroed, and no result refers to
// it. The zero Measurer is ready to use. It is not safe for concurrent
// use: give each goroutine its own (coach.Speculation keeps a pool).
type Measurer struct {
	sc scratch
}

// Measure is Measure(a, prof, cal, p), with m's scratch memory.
func (m *Measurer) Measure(a *rebound.Activity, prof Profile, cal RPECalibration, p Params) Measurement {
	wl, an := workoutIn(a, prof, cal, p, &m.sc)
	if a == nil {
		return Measurement{wl: wl}
	}
	return Measurement{wl: wl, features: features(a, wl, prof, p, an), analysed: true}
}

// Classify completes the measurement of a (the activity Measure was given,
// or a copy with the same fields) with its character against recent: the
// history half of Analyze.
func (m Measurement) Classify(a *rebound.Activity, recent []*rebound.Activity, p Params) rebound.WorkoutLoad {
	wl := m.wl
	if !m.analysed || a == nil {
		return wl
	}
	wl.Character, wl.CharacterDetail, wl.CharacterWhy = classify(a, wl, recent, p, m.features)
	wl.CharacterOverride = a.Kind != ""
	return wl
}

// activeSeconds counts the seconds the activity was recording something
// (any of heart rate, speed, position), and of those the ones without
// heart rate: a pause, where every channel is NaN, is not counted against
// heart-rate coverage.
func activeSeconds(s *rebound.Streams, n int) (active, noHR int) {
	hr, speed, lat := s.HeartRateBPM, s.SpeedMPS, s.Lat
	finite := func(c []float64, i int) bool { return i < len(c) && !math.IsNaN(c[i]) }
	if hr != nil && len(hr) >= n {
		// Mostly heart rate is there, and decides: the other channels
		// are looked at only for the seconds without it (the general
		// loop below, three closures' bounds and NaN tests a second,
		// was 0.22 of Measure's 9.2 CPU-s in a profile of
		// BenchmarkAnalyzeRealRunsMeasurer).
		for i, x := range hr[:n] {
			if x == x {
				active++
			} else if finite(speed, i) || finite(lat, i) {
				active++
				noHR++
			}
		}
		return active, noHR
	}
	for i := range n {
		if finite(hr, i) || finite(speed, i) || finite(lat, i) {
			active++
			if hr != nil && math.IsNaN(hr[i]) {
				noHR++
			}
		}
	}
	return active, noHR
}

// analysis is what Workout measures from an activity's streams, kept for
// Character so that Analyze cleans, grades and sums each channel once.
// Each part is computed on first use; the buffers come from one scratch
// and live for one call.
type analysis struct {
	s  *rebound.Streams // consistent(a.Streams)
	n  int
	p  Params
	sc *scratch

	speedDone, medDone, gradeDone, hrDone bool
	sp                                    speedStream
	vp                                    prefix    // of sp.mps
	lowest, highest                       float64   // movingRange of sp.mps, found with vp
	med                                   float64   // median moving speed
	nMoving                               int       // moving samples of sp.mps (speed ≥ MovingSpeedMPS)
	keys                                  []int16   // speedKeys of sp.mps
	single                                []float64 // singleValues of sp.mps
	g                                     []float64
	graded                                bool
	gp                                    prefix // of g
	h                                     hrStream
}

func newAnalysis(streams *rebound.Streams, p Params) *analysis {
	return newAnalysisIn(streams, p, &scratch{})
}

// newAnalysisIn is newAnalysis taking its buffers from sc, whose block is
// reused when it is large enough and replaced by one that is otherwise.
// The block is not cleared: a reused one holds an earlier analysis's
// values, which no helper reads (each writes all of a buffer it takes
// before reading it: cleanHR and cleanSpeed copy or fill their channel,
// the prefix sums and centred means write every index, speedKeysRange
// every key (in scratch.int16s, reused as well) and single value,
// contextMedians every output, surgeTests every word of its bits (in
// scratch.bits, reused too)), so clearing would only cost time; a
// helper that read a buffer first would fail TestMeasurerReuse.
func newAnalysisIn(streams *rebound.Streams, p Params, sc *scratch) *analysis {
	s := consistent(streams)
	n := s.Len()
	// A run with every channel and gaps (prefix sums with counts) needs
	// up to 6 buffers of n values (+16) at once: the cleaned speed, its
	// prefix sums and counts, the cleaned heart rate, the grade-adjusted
	// speed and its prefix sums (sharing the speed's counts); the smoothed
	// altitude while the grade is taken, before the last of those; then
	// the surge detector's context medians, n/10; and speedSingles'
	// speedBuckets values. The other temporaries are not arrays any more
	// (the altitude's prefix sums, the 5 s and 30 s means, the flags of
	// the tempo and interval detectors, the heart-rate prefix of the
	// segments, the integral of the speed is its prefix): measured on all
	// 2,049 files of the import workload, at most 6.098·n + 4096 + 16 (it
	// was 7.999·n with 8·n allocated); TestScratchFitsOneBlock checks the
	// corpus. One block that holds them all is allocated and zeroed once;
	// a second block would be twice as large.
	size := 16
	if n > 0 {
		size += 6*n + n/contextStep + speedBuckets
	}
	if len(sc.block) < size {
		sc.block = make([]float64, size)
	}
	sc.used = 0 // the buffers of an earlier analysis are no longer used
	return &analysis{s: s, n: n, p: p, sc: sc}
}

// speed is cleanSpeed of the streams.
func (an *analysis) speed() *speedStream {
	if !an.speedDone {
		an.speedDone = true
		an.sp = cleanSpeed(an.s, an.p, an.sc)
		if an.sp.hasSpeed {
			an.vp, an.lowest, an.highest = newSpeedPrefixIn(an.sp.mps, an.p.MovingSpeedMPS, an.sc)
		}
	}
	return &an.sp
}

// speedPrefix is the prefix of the cleaned speed (speed().hasSpeed only).
func (an *analysis) speedPrefix() prefix {
	an.speed()
	return an.vp
}

// movingMedian is the median speed of the moving seconds (speed at least
// MovingSpeedMPS); NaN when none.
func (an *analysis) movingMedian() float64 {
	if !an.medDone {
		an.medDone = true
		v := an.speed().mps
		w := rankWindow{v: v, bucket: an.speedKeys(), hi: len(v) - 1, single: an.speedSingles()}
		w.countAll()
		an.med, an.nMoving = w.median(), w.size
	}
	return an.med
}

// speedKeys is speedKeys of the cleaned speed.
func (an *analysis) speedKeys() []int16 {
	if an.keys == nil {
		an.single = an.sc.floats(speedBuckets)
		v := an.speed().mps
		lowest, highest := an.lowest, an.highest
		if !an.sp.hasSpeed {
			lowest, highest = movingRange(v, an.p.MovingSpeedMPS) // (none: v is nil)
		}
		an.keys = speedKeysRange(an.sc.int16s(len(v)), v, an.p, an.single, lowest, highest)
	}
	return an.keys
}

// speedSingles is singleValues of the cleaned speed and its keys, found
// with them.
func (an *analysis) speedSingles() []float64 {
	an.speedKeys()
	return an.single
}

// grade is gradedSpeed of the cleaned speed (speed().hasSpeed only).
func (an *analysis) grade() ([]float64, bool) {
	if !an.gradeDone {
		an.gradeDone = true
		an.g, an.graded = gradedSpeedSum(an.s, an.speed().mps, an.speedPrefix().sum, an.p, an.sc)
		// The grade-adjusted speed has its gaps where the speed has them
		// (checked), so the two prefixes share their counts.
		an.gp = newPrefixLike(an.g, an.sp.mps, an.vp, an.sc)
	}
	return an.g, an.graded
}

// gPrefix is the prefix of the grade-adjusted speed.
func (an *analysis) gPrefix() prefix {
	an.grade()
	return an.gp
}

// hr is cleanHR of the heart-rate channel (nil bpm without one).
func (an *analysis) hr() *hrStream {
	if !an.hrDone {
		an.hrDone = true
		if an.s.HeartRateBPM != nil {
			an.h = cleanHR(an.s.HeartRateBPM, an.p, an.sc)
		}
	}
	return &an.h
}

// trimpAndZones is the per-second TRIMP of the cleaned heart rate bpm
// (Σ TRIMPRate(HRr)/60 over the finite samples, in order) and the seconds
// in each of hrZonesOf's zones of lthr, in one pass (the two passes were
// 0.1 + 0.2 of Measure's 4.6 CPU-s in a profile of
// BenchmarkAnalyzeRealRuns).
//
// Heart rate repeats from second to second (whole bpm), so the rate and
// zone of the previous sample are reused when the value is the same, and
// a run's few hundred distinct values (cleaned heart rate lies in 25–250
// bpm, stored to 0.1 bpm) keep them in a small table keyed by the value's
// bits: the same TRIMP terms, added in the same order, with one math.Exp
// per distinct value. A value's seconds are counted as one run length
// added when the value changes, in an integer (exact).
func trimpAndZones(bpm []float64, rest, hrMax, ta, tb, lthr float64) (trimp float64, secs [7]int) {
	type memo struct {
		bits uint64
		rate float64
		zone int
	}
	var memos [256]memo
	for k := range memos {
		memos[k].bits = math.Float64bits(math.NaN()) // never a cleaned value
	}
	t, last, rate := 0.0, math.NaN(), 0.0
	zone, run := 0, 0 // the zone of last and its seconds not yet in secs
	for _, v := range bpm {
		if math.IsNaN(v) {
			continue
		}
		if v != last { // (±0, equal, would share a rate and a zone: ±0 %)
			secs[zone] += run
			m := &memos[int(v*10)&255]
			if bits := math.Float64bits(v); m.bits != bits {
				m.bits, m.rate, m.zone = bits, TRIMPRate((v-rest)/(hrMax-rest), ta, tb)/60, hrZone(v, lthr)
			}
			last, rate, zone, run = v, m.rate, m.zone, 0
		}
		t += rate
		run++
	}
	secs[zone] += run
	return t, secs
}

// hrZone is the index among hrZonesOf's zones of heart rate v for lthr.
func hrZone(v, lthr float64) int {
	pct := 100 * v / lthr
	switch {
	case pct < 85:
		return 0
	case pct < 90:
		return 1
	case pct < 95:
		return 2
	case pct < 100:
		return 3
	case pct < 103:
		return 4
	case pct <= 106:
		return 5
	}
	return 6
}

// hrZonesOf returns the time in Friel's run zones (% LTHR, science.md §10):
// Z1 < 85, Z2 85–89, Z3 90–94, Z4 95–99, Z5a 100–102, Z5b 103–106, Z5c > 106,
// read as half-open bands [85, 90), [90, 95), [95, 100), [100, 103),
// [103, 106] and > 106, from the seconds in each (trimpAndZones, hrZone).
func hrZonesOf(secs [7]int, lthr float64) []rebound.ZoneTime {
	edges := []float64{0, 85, 90, 95, 100, 103, 106}
	names := []string{"Z1", "Z2", "Z3", "Z4", "Z5a", "Z5b", "Z5c"}
	z := make([]rebound.ZoneTime, len(names))
	total := 0
	for _, s := range secs {
		total += s
	}
	for i := range z {
		z[i].Zone = names[i]
		z[i].LowBPM = edges[i] / 100 * lthr
		if i+1 < len(edges) {
			z[i].HighBPM = edges[i+1] / 100 * lthr
		}
		z[i].Seconds = float64(secs[i])
		if total > 0 {
			z[i].Fraction = z[i].Seconds / float64(total)
		}
	}
	return z
}

// paceZones returns the time in Daniels' zones from threshold speed
// (science.md §10): vVDOT = threshold/0.90 and E, M, T, I, R at 0.72, 0.85,
// 0.90, 0.98, 1.05 of vVDOT. Daniels gives paces, not bands; Rebound's
// choice is to put each band's edges halfway between neighbouring paces
// (E < 0.785, M < 0.875, T < 0.94, I < 1.015, R above, × vVDOT). Only moving
// seconds count; speed is the grade-adjusted one, since zones describe
// effort.
//
// The seconds are counted by normalized, in its pass over the same speeds
// (paceCount): a pass of its own was 0.13 of Measure's 4.6 CPU-s in a
// profile of BenchmarkAnalyzeRealRuns.
func paceZones(c *paceCount) []rebound.ZoneTime {
	names := []string{"E", "M", "T", "I", "R"}
	z := make([]rebound.ZoneTime, len(names))
	total := 0
	for _, s := range c.secs {
		total += s
	}
	for i := range z {
		z[i].Zone = names[i]
		z[i].LowMPS = c.edges[i]
		z[i].HighMPS = c.edges[i+1] // 0 for R: open-ended
		z[i].Seconds = float64(c.secs[i])
		if total > 0 {
			z[i].Fraction = z[i].Seconds / float64(total)
		}
	}
	return z
}

// paceCount counts the seconds in paceZones' zones: edges[0] is the
// moving speed, edges[1…4] the bands' upper edges, edges[5] 0.
type paceCount struct {
	edges [6]float64
	secs  [5]int // counted as integers (exact), as in trimpAndZones
}

// newPaceCount returns the zero count of the zones of threshold speed thr.
func newPaceCount(thr float64, p Params) *paceCount {
	vv := thr / p.DanielsT
	fr := []float64{p.DanielsE, p.DanielsM, p.DanielsT, p.DanielsI, p.DanielsR}
	c := &paceCount{}
	c.edges[0] = p.MovingSpeedMPS
	for i := 1; i < len(fr); i++ {
		c.edges[i] = (fr[i-1] + fr[i]) / 2 * vv
	}
	return c
}

// add counts speed x, a number: only moving seconds count.
func (c *paceCount) add(x float64) {
	if x < c.edges[0] {
		return
	}
	k := 4
	for i := 1; i < 5; i++ {
		if x < c.edges[i] {
			k = i - 1
			break
		}
	}
	c.secs[k]++
}
