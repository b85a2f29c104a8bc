package load

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"rebound"
)

// Threshold is one resolved athlete threshold: its value, whether Rebound
// estimated it (rather than the runner stating it), and how, in words the
// runner can check ("208 − 0.7·age (Tanaka 2001), age 36").
type Threshold struct {
	Value     float64 `json:"value"` // 0 = unknown
	Estimated bool    `json:"estimated"`
	How       string  `json:"how"`
}

// Known reports whether the threshold has a value.
func (t Threshold) Known() bool { return t.Value > 0 && !math.IsNaN(t.Value) }

// Profile is the athlete's thresholds as the load model uses them.
type Profile struct {
	Sex          string    `json:"sex"` // "female" or "male": the TRIMP coefficients in use
	SexEstimated bool      `json:"sex_estimated"`
	SexHow       string    `json:"sex_how"`
	Age          *int      `json:"age,omitempty"`
	HRMaxBPM     Threshold `json:"hr_max_bpm"`
	HRRestBPM    Threshold `json:"hr_rest_bpm"`
	LTHRBPM      Threshold `json:"lthr_bpm"`
	// ThresholdSpeedMPS is threshold pace as a speed (the pace a runner can
	// hold for ~1 h; FTPace in rTSS, T pace in Daniels' zones).
	ThresholdSpeedMPS Threshold `json:"threshold_speed_mps"`
}

// ResolveProfile fills every threshold the runner did not state, from
// history (activities with Streams loaded; only those before on count) and
// the resting HR of check-ins (nil when there are none), as of day on.
//
//   - HRmax: the larger of the highest credible HR seen (held ≥ HRSustainS
//     seconds and climbed to without a gap or a beat-to-beat step above
//     HRMaxRiseBPMPerS, spikes removed; see credibleMaxHR) and 208 − 0.7·age (Tanaka 2001; or
//     DefaultHRMaxBPM without an age). Rebound's choice: a seen maximum is
//     only a lower bound of the true one (few runs are all-out), and the
//     formula's SEE is 7–11 bpm (science.md §10), so neither alone is safe.
//   - Resting HR: check-ins, else DefaultHRRestBPM.
//   - LTHR: Friel's test read from training (science.md §10): over running
//     activities of the last ThresholdLookbackDays, the 30 min with the
//     highest mean HR; LTHR = the mean of its last 20 min (or 0.95 × the best
//     20-min mean when no run has 30 min of HR). Used when ≥
//     LTHRMinFracHRMax·HRmax, else LTHRFracHRMax·HRmax.
//   - Threshold pace: the best race of the last ThresholdLookbackDays
//     (Kind "race" or a race hint) → VDOT (Daniels & Gilbert 1979) → T pace
//     = 0.90·vVDOT; Riegel's 1-h pace is given alongside as a cross-check.
//     Else Friel: the best 30-min mean flat-equivalent speed of a run. Else
//     unknown (rTSS and pace zones are then not computed).
func ResolveProfile(a *rebound.Athlete, history []*rebound.Activity, restingFromCheckins *float64, on time.Time, p Params) Profile {
	var prof Profile
	if a == nil {
		a = &rebound.Athlete{}
	}
	if age, ok := a.AgeOn(on); ok {
		prof.Age = &age
	}

	switch a.Sex {
	case "female", "male":
		prof.Sex, prof.SexHow = a.Sex, "as stated"
	default:
		prof.Sex, prof.SexEstimated = p.DefaultSex, true
		ta, tb, _ := p.trimpCoeffs("")
		prof.SexHow = fmt.Sprintf("not given: Morton's %s TRIMP coefficients (a %.2f, b %.2f) are used, as GoldenCheetah does; HRSS changes only a few percent", p.DefaultSex, ta, tb)
	}

	since := on.AddDate(0, 0, -p.ThresholdLookbackDays)
	var runs []*rebound.Activity
	for _, act := range history {
		if act == nil || !act.StartTime.Before(on) || act.StartTime.Before(since) {
			continue
		}
		runs = append(runs, act)
	}

	// Each run's heart rate is cleaned once for both HRmax and LTHR, in
	// buffers reused from run to run. Runs are measured apart from each
	// other, on every CPU: this is most of resolving a profile, which an
	// import does twice on one core's critical path (before the import for
	// the measurements made while decoding, and in the refresh after it).
	statedMax, statedLTHR := a.HRMaxBPM != nil && *a.HRMaxBPM > 0, a.LTHRBPM != nil && *a.LTHRBPM > 0
	hrm := make([]hrMeasures, len(runs))
	if !statedMax || !statedLTHR {
		measureRunsHR(runs, hrm, !statedMax, !statedLTHR, p)
	}

	// HRmax.
	if statedMax {
		prof.HRMaxBPM = Threshold{Value: *a.HRMaxBPM, How: "as stated"}
	} else {
		formula, how := p.DefaultHRMaxBPM, fmt.Sprintf("no age given: Rebound's default %.0f bpm", p.DefaultHRMaxBPM)
		if prof.Age != nil {
			formula = p.HRMaxIntercept - p.HRMaxSlope*float64(*prof.Age)
			how = fmt.Sprintf("%.0f − %.1f·age (Tanaka 2001), age %d", p.HRMaxIntercept, p.HRMaxSlope, *prof.Age)
		}
		seen, seenAt := 0.0, ""
		for i, act := range runs {
			if act.Streams == nil || act.Streams.HeartRateBPM == nil {
				continue
			}
			if v := hrm[i].max; v > seen {
				seen, seenAt = v, act.StartTime.Format("2006-01-02")
			}
		}
		switch {
		case seen > formula:
			prof.HRMaxBPM = Threshold{Value: seen, Estimated: true,
				How: fmt.Sprintf("highest credible HR seen (held ≥ %d s, spikes rejected), %s; above %s = %.0f", p.HRSustainS, seenAt, how, formula)}
		case seen > 0:
			prof.HRMaxBPM = Threshold{Value: formula, Estimated: true,
				How: fmt.Sprintf("%s; highest credible HR seen is lower (%.0f bpm, %s), so no all-out effort is on record", how, seen, seenAt)}
		default:
			prof.HRMaxBPM = Threshold{Value: formula, Estimated: true, How: how}
		}
	}

	// Resting HR.
	switch {
	case a.HRRestBPM != nil && *a.HRRestBPM > 0:
		prof.HRRestBPM = Threshold{Value: *a.HRRestBPM, How: "as stated"}
	case restingFromCheckins != nil && *restingFromCheckins > 0:
		prof.HRRestBPM = Threshold{Value: *restingFromCheckins, Estimated: true, How: "from your morning check-ins"}
	default:
		prof.HRRestBPM = Threshold{Value: p.DefaultHRRestBPM, Estimated: true,
			How: fmt.Sprintf("not given and no check-ins: Rebound's default %.0f bpm (set it with --hr-rest)", p.DefaultHRRestBPM)}
	}

	// LTHR.
	if statedLTHR {
		prof.LTHRBPM = Threshold{Value: *a.LTHRBPM, How: "as stated"}
	} else {
		best, bestAt, kind := 0.0, "", ""
		for i, act := range runs {
			if !isRun(act) || act.Streams == nil || act.Streams.HeartRateBPM == nil {
				continue
			}
			if v, k := hrm[i].lthr, hrm[i].kind; v > best {
				best, bestAt, kind = v, act.StartTime.Format("2006-01-02"), k
			}
		}
		floor := p.LTHRMinFracHRMax * prof.HRMaxBPM.Value
		if best >= floor {
			prof.LTHRBPM = Threshold{Value: best, Estimated: true,
				How: fmt.Sprintf("Friel: %s of your hardest sustained effort (%s)", kind, bestAt)}
		} else {
			how := fmt.Sprintf("%.2f × HRmax (Rebound's default: no sustained effort of 20–30 min in the last %d days", p.LTHRFracHRMax, p.ThresholdLookbackDays)
			if best > 0 {
				how += fmt.Sprintf("; the best, %.0f bpm, is below %.0f %% of HRmax", best, 100*p.LTHRMinFracHRMax)
			}
			prof.LTHRBPM = Threshold{Value: p.LTHRFracHRMax * prof.HRMaxBPM.Value, Estimated: true, How: how + ")"}
		}
	}

	// Threshold pace.
	if a.ThresholdSpeedMPS != nil && *a.ThresholdSpeedMPS > 0 {
		prof.ThresholdSpeedMPS = Threshold{Value: *a.ThresholdSpeedMPS, How: "as stated"}
		return prof
	}
	bestV, bestRace := 0.0, (*rebound.Activity)(nil)
	for _, act := range runs {
		if !isRun(act) || !isRaceHint(act) || act.DistanceM <= 0 {
			continue
		}
		t := raceTimeS(act)
		if t < p.RaceMinS || t > p.RaceMaxS {
			continue
		}
		if v := VDOT(act.DistanceM, t); v > bestV {
			bestV, bestRace = v, act
		}
	}
	if bestRace != nil {
		thr := p.DanielsT * VVDOT(bestV) / 60
		t := raceTimeS(bestRace)
		riegel := RiegelDistanceM(bestRace.DistanceM, t, 3600, p.RiegelExponent) / 3600
		prof.ThresholdSpeedMPS = Threshold{Value: thr, Estimated: true,
			How: fmt.Sprintf("race %s: %.2f km in %s → VDOT %.1f (Daniels & Gilbert 1979) → T pace = %.2f·vVDOT; Riegel's 1-h pace from the same race: %.2f m/s",
				bestRace.StartTime.Format("2006-01-02"), bestRace.DistanceM/1000, clock(t), bestV, p.DanielsT, riegel)}
		return prof
	}
	best30 := make([]float64, len(runs))
	eachRun(len(runs), func(i int, sc *scratch) {
		act := runs[i]
		if !isRun(act) || act.Streams == nil {
			return
		}
		st := consistent(act.Streams)
		sp := cleanSpeed(st, p, sc)
		if !sp.hasSpeed {
			return
		}
		g, _ := gradedSpeed(st, sp.mps, p, sc)
		best30[i] = bestWindowMean(g, int(p.LTHRWindowS), sc)
	})
	bestS, bestAt := 0.0, ""
	for i, v := range best30 {
		if v > bestS {
			bestS, bestAt = v, runs[i].StartTime.Format("2006-01-02")
		}
	}
	if bestS > 0 {
		prof.ThresholdSpeedMPS = Threshold{Value: bestS, Estimated: true,
			How: fmt.Sprintf("Friel: best 30-min mean (grade-adjusted) speed of a run, %s; no race on record, so it may be slow unless that run was hard", bestAt)}
		return prof
	}
	prof.ThresholdSpeedMPS = Threshold{Estimated: true, How: "unknown: no race and no 30-min run with speed on record (set it with --threshold-pace)"}
	return prof
}

// credibleMaxHR returns the highest heart rate held for HRSustainS
// seconds (the minimum of the window) that was climbed to: the window lies
// in a stretch free of gaps and of beat-to-beat steps above
// HRMaxRiseBPMPerS, and that stretch began at least 10 bpm lower. Rebound's
// choice: a sensor locking onto cadence jumps to a plateau and holds it; a
// real heart climbs to its maximum. 0 when none.
func credibleMaxHR(raw []float64, p Params) float64 {
	return credibleMax(cleanHR(raw, p, nil), p)
}

// credibleMax is credibleMaxHR of an already cleaned stream.
func credibleMax(h hrStream, p Params) float64 {
	if h.valid == 0 {
		return 0
	}
	const climb = 10
	s := max(1, p.HRSustainS)
	segStart, segVal := -1, 0.0
	best := 0.0
	for i, v := range h.bpm {
		if math.IsNaN(v) {
			segStart = -1
			continue
		}
		if segStart < 0 || math.Abs(v-h.bpm[i-1]) > p.HRMaxRiseBPMPerS {
			segStart, segVal = i, v
			continue
		}
		if i-segStart+1 < s {
			continue
		}
		m := v
		for j := i - s + 1; j < i; j++ {
			m = math.Min(m, h.bpm[j])
		}
		if m >= segVal+climb {
			best = math.Max(best, m)
		}
	}
	return best
}

// bestLTHREffort returns Friel's LTHR from the 30 min with the highest mean
// HR (the mean of its last 20 min), or 0.95 × the best 20-min mean when the
// stream has no 30 min; a window counts only with ≥ 90 % of its seconds
// valid (Rebound's choice: a short dropout must not disqualify a test).
func bestLTHREffort(raw []float64, p Params) (float64, string) {
	return bestLTHR(cleanHR(raw, p, nil), p, nil)
}

// bestLTHR is bestLTHREffort of an already cleaned stream; buffers come
// from sc (may be nil).
func bestLTHR(h hrStream, p Params, sc *scratch) (float64, string) {
	w, tail := int(p.LTHRWindowS), int(p.LTHRTailS)
	pr := newPrefixIn(h.bpm, sc)
	best, bestStart := 0.0, -1
	for s := 0; s+w <= len(h.bpm); s++ {
		if pr.count(s, s+w) < w*9/10 {
			continue
		}
		if m := pr.mean(s, s+w); m > best {
			best, bestStart = m, s
		}
	}
	if bestStart >= 0 {
		return pr.mean(bestStart+w-tail, bestStart+w), "mean HR of the last 20 min of the best 30 min"
	}
	if v := bestWindowMean(h.bpm, tail, sc); v > 0 {
		return p.LTHR20MinFactor * v, fmt.Sprintf("%.2f × the best 20-min mean HR", p.LTHR20MinFactor)
	}
	return 0, ""
}

// bestWindowMean is the highest mean over w consecutive seconds with ≥ 90 %
// of them valid; 0 when none. Buffers come from sc (may be nil).
func bestWindowMean(x []float64, w int, sc *scratch) float64 {
	if w <= 0 || len(x) < w {
		return 0
	}
	pr := newPrefixIn(x, sc)
	best := 0.0
	for s := 0; s+w <= len(x); s++ {
		if pr.count(s, s+w) < w*9/10 {
			continue
		}
		best = math.Max(best, pr.mean(s, s+w))
	}
	return best
}

// VDOT is Daniels & Gilbert's (1979) VO2max equivalent of running
// distanceM in timeS (science.md §10, as in GoldenCheetah
// VDOTCalculator.cpp): v in m/min, t in min,
// VO2 = −4.60 + 0.182258v + 0.000104v²,
// %max = 0.8 + 0.1894393e^(−0.012778t) + 0.2989558e^(−0.1932605t),
// VDOT = VO2/%max.
func VDOT(distanceM, timeS float64) float64 {
	if distanceM <= 0 || timeS <= 0 {
		return 0
	}
	t := timeS / 60
	v := distanceM / t
	vo2 := -4.60 + 0.182258*v + 0.000104*v*v
	pct := 0.8 + 0.1894393*math.Exp(-0.012778*t) + 0.2989558*math.Exp(-0.1932605*t)
	return vo2 / pct
}

// VVDOT is the velocity at VDOT in m/min: 29.54 + 5.000663·VDOT −
// 0.007546·VDOT² (science.md §10).
func VVDOT(vdot float64) float64 {
	return 29.54 + 5.000663*vdot - 0.007546*vdot*vdot
}

// RiegelDistanceM is the distance a runner who covered d1 in t1 covers in
// t2 by Riegel's T₂ = T₁·(D₂/D₁)^k (Riegel 1981, science.md §10), solved
// for D₂ = D₁·(T₂/T₁)^(1/k).
func RiegelDistanceM(d1, t1, t2, k float64) float64 {
	if d1 <= 0 || t1 <= 0 || t2 <= 0 || k <= 0 {
		return 0
	}
	return d1 * math.Pow(t2/t1, 1/k)
}

// raceTimeS is a race's time: moving time when known, else elapsed.
func raceTimeS(a *rebound.Activity) float64 {
	if a.MovingS > 0 {
		return a.MovingS
	}
	return a.ElapsedS
}

// isRun reports whether the activity is running (any sub-sport).
func isRun(a *rebound.Activity) bool {
	return a != nil && a.Sport == rebound.SportRunning
}

// isRaceHint reports whether the runner tagged the activity a race or its
// name or sub-sport says so (FIT sub_sport, file name "… race …").
func isRaceHint(a *rebound.Activity) bool {
	if a.Kind != "" {
		return a.Kind == rebound.CharacterRace
	}
	return strings.Contains(strings.ToLower(a.Name), "race") || strings.Contains(strings.ToLower(a.SubSport), "race")
}

// clock formats seconds as h:mm:ss or m:ss.
func clock(s float64) string {
	t := int(math.Round(s))
	if t >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
	}
	return fmt.Sprintf("%d:%02d", t/60, t%60)
}

// hrMeasures is what ResolveProfile takes from one run's heart rate.
type hrMeasures struct {
	max, lthr float64
	kind      string
}

// measureRunsHR fills hrm[i] with the credible HRmax (when wantMax) and the
// best LTHR estimate (when wantLTHR, runs only) of runs[i].
func measureRunsHR(runs []*rebound.Activity, hrm []hrMeasures, wantMax, wantLTHR bool, p Params) {
	eachRun(len(runs), func(i int, sc *scratch) {
		act := runs[i]
		if act.Streams == nil || act.Streams.HeartRateBPM == nil {
			return
		}
		h := cleanHR(act.Streams.HeartRateBPM, p, sc)
		if wantMax {
			hrm[i].max = credibleMax(h, p)
		}
		if wantLTHR && isRun(act) {
			hrm[i].lthr, hrm[i].kind = bestLTHR(h, p, sc)
		}
	})
}

// eachRun calls f(i, sc) for i in [0, n), spread over GOMAXPROCS
// goroutines, each with its own scratch, which is reset before each call.
// Callers make each call depend on i alone and write only their own slot,
// so the result does not depend on the split.
func eachRun(n int, f func(i int, sc *scratch)) {
	workers := min(runtime.GOMAXPROCS(0), n/minRunsPerWorker)
	if workers <= 1 {
		sc := &scratch{}
		for i := range n {
			sc.reset()
			f(i, sc)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			sc := &scratch{}
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				sc.reset()
				f(i, sc)
			}
		})
	}
	wg.Wait()
}

// minRunsPerWorker: below this many runs per goroutine, measuring them on
// one goroutine is about as fast (a run takes ~0.5 ms; starting goroutines
// and their scratch costs little, but a handful of runs is not worth it).
// Rebound's choice.
const minRunsPerWorker = 4
