package load

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"rebound"
)

// Character decides what kind of session a was: easy, long, workout or
// race, with a detail ("intervals", "tempo", "fast finish", "progression",
// "surges") and one line saying why. wl is a's measured load (zones, fast
// finish, surges); recent are other activities (those of the same sport in
// the RecentDays before a's start count). All thresholds are Rebound's
// choices documented on Params.
//
// Order: the runner's own label (Activity.Kind, set with rebound tag) wins;
// then a race hint (name or sub-sport containing "race"); then long (by
// duration against the recent weeks, whatever the intensity inside — the
// detail lists the structure found); then workout (intervals, a tempo
// stretch, a fast finish, a progression, or ≥ HardIntensityShare of the time
// at Z4+ or T pace or faster); else easy.
func Character(a *rebound.Activity, wl rebound.WorkoutLoad, recent []*rebound.Activity, prof Profile, p Params) (character, detail, why string) {
	if a == nil {
		return "", "", ""
	}
	return characterOf(a, wl, recent, prof, p, newAnalysis(a.Streams, p))
}

// characterOf is Character with a's streams already analysed (by Workout,
// in Analyze).
func characterOf(a *rebound.Activity, wl rebound.WorkoutLoad, recent []*rebound.Activity, prof Profile, p Params, an *analysis) (character, detail, why string) {
	return classify(a, wl, recent, p, features(a, wl, prof, p, an))
}

// classify is characterOf with the run's structure already measured.
func classify(a *rebound.Activity, wl rebound.WorkoutLoad, recent []*rebound.Activity, p Params, f runFeatures) (character, detail, why string) {
	detail = strings.Join(f.details(), ", ")
	if a.Kind != "" {
		return a.Kind, detail, "set by you (rebound tag)"
	}
	if isRaceHint(a) {
		return rebound.CharacterRace, detail, fmt.Sprintf("the name or sub-sport says race (%q)", strings.TrimSpace(a.Name+" "+a.SubSport))
	}
	dur := a.MovingS
	if dur <= 0 {
		dur = a.ElapsedS
	}
	if long, why := isLong(a, dur, recent, p); long {
		return rebound.CharacterLong, detail, why
	}
	switch {
	case f.intervals >= p.IntervalMinReps:
		return rebound.CharacterWorkout, "intervals", fmt.Sprintf("%d work bouts of 1–10 min ≥ %.0f %% faster than the run's median pace, with recoveries", f.intervals, 100*p.IntervalFaster)
	case f.tempoS >= p.TempoMinS:
		return rebound.CharacterWorkout, "tempo", fmt.Sprintf("%.0f min continuous at threshold effort (T pace or ≥ 95 %% LTHR)", f.tempoS/60)
	case wl.FastFinish != nil:
		return rebound.CharacterWorkout, "fast finish", fmt.Sprintf("the last %.0f min were %.0f %% faster than the run's median pace", wl.FastFinish.DurationS/60, 100*(wl.FastFinish.SpeedMPS/f.median-1))
	case f.progression:
		return rebound.CharacterWorkout, "progression", "each quarter faster than the one before"
	case f.hardShare >= p.HardIntensityShare:
		return rebound.CharacterWorkout, "hard effort", fmt.Sprintf("%.0f %% of the time at Z4 or above / T pace or faster", 100*f.hardShare)
	}
	why = fmt.Sprintf("%.0f min, %.0f %% of the time at Z4+/T pace or faster, no structure found", dur/60, 100*f.hardShare)
	if len(wl.Surges) > 0 {
		why += fmt.Sprintf(" (%d short surges)", len(wl.Surges))
	}
	return rebound.CharacterEasy, detail, why
}

// IsHard reports whether a character counts as a hard session for the
// hard/easy pattern and the hours-since-hard rule: workouts, races and long
// runs. Rebound's choice: the long run is a key session of every plan and
// the article gives it the full recovery protocol.
func IsHard(character string) bool {
	switch character {
	case rebound.CharacterWorkout, rebound.CharacterRace, rebound.CharacterLong:
		return true
	}
	return false
}

// isLong applies the long-run rule (Rebound's choice): with fewer than 3
// recent runs, ≥ LongMinS (90 min); otherwise ≥ LongFloorS, ≥
// LongMedianFactor × the median recent run, and either ≥ LongMinS or ≥
// LongShareOfWeek of the mean weekly time of the last RecentDays.
func isLong(a *rebound.Activity, dur float64, recent []*rebound.Activity, p Params) (bool, string) {
	from := a.StartTime.Add(-time.Duration(p.RecentDays) * 24 * time.Hour)
	var durs []float64
	total := 0.0
	for _, r := range recent {
		if r == nil || r == a || r.Sport != a.Sport || r.StartTime.Before(from) || !r.StartTime.Before(a.StartTime) {
			continue
		}
		d := r.MovingS
		if d <= 0 {
			d = r.ElapsedS
		}
		if d > 0 {
			durs = append(durs, d)
			total += d
		}
	}
	if len(durs) < 3 {
		if dur >= p.LongMinS {
			return true, fmt.Sprintf("%.0f min ≥ %.0f min (too few recent runs to compare with)", dur/60, p.LongMinS/60)
		}
		return false, ""
	}
	slices.Sort(durs)
	med := median(durs)
	weekly := total / (float64(p.RecentDays) / 7)
	if dur < p.LongFloorS || dur < p.LongMedianFactor*med {
		return false, ""
	}
	switch {
	case dur >= p.LongMinS:
		return true, fmt.Sprintf("%.0f min ≥ %.0f min and %.1f× your median run of the last %d days (%.0f min)", dur/60, p.LongMinS/60, dur/med, p.RecentDays, med/60)
	case dur >= p.LongShareOfWeek*weekly:
		return true, fmt.Sprintf("%.0f min is %.0f %% of your weekly time (%.0f min) and %.1f× your median run of the last %d days", dur/60, 100*dur/weekly, weekly/60, dur/med, p.RecentDays)
	}
	return false, ""
}

// runFeatures are the structure measures Character uses.
type runFeatures struct {
	median      float64 // median moving speed
	intervals   int     // work bouts
	tempoS      float64 // longest continuous stretch at threshold effort
	hardShare   float64 // share of time at Z4+ (HR) or T pace or faster
	progression bool
	fastFinish  bool
	surges      int
}

func (f runFeatures) details() []string {
	var d []string
	if f.intervals > 0 {
		d = append(d, "intervals")
	} else if f.tempoS > 0 {
		d = append(d, "tempo")
	}
	if f.fastFinish {
		d = append(d, "fast finish")
	} else if f.progression {
		d = append(d, "progression")
	}
	if f.surges > 0 {
		d = append(d, fmt.Sprintf("%d surges", f.surges))
	}
	return d
}

func features(a *rebound.Activity, wl rebound.WorkoutLoad, prof Profile, p Params, an *analysis) runFeatures {
	f := runFeatures{fastFinish: wl.FastFinish != nil, surges: len(wl.Surges)}
	// Intensity share: HR zones when the load came from HR, else pace zones.
	share := func(z []rebound.ZoneTime, from int) float64 {
		s := 0.0
		for i := from; i < len(z); i++ {
			s += z[i].Fraction
		}
		return s
	}
	if wl.LoadSource == rebound.LoadFromHR && len(wl.HRZones) == 7 {
		f.hardShare = share(wl.HRZones, 3) // Z4 and above
	} else if len(wl.PaceZones) == 5 {
		f.hardShare = share(wl.PaceZones, 2) // T, I, R
	}
	s := an.s
	if an.n == 0 {
		return f
	}
	sp := an.speed()
	var v []float64
	if sp.hasSpeed {
		v = sp.mps
		f.median = an.movingMedian()
	}
	// Tempo: longest stretch at T pace or faster (grade-adjusted, 30 s
	// smoothing) or at ≥ 95 % LTHR, dips ≤ 30 s tolerated.
	// The smoothed values are only compared with a bar, so each is tested
	// from the prefix sums as it comes (hotFrom: no array of means, no
	// array of flags, few divisions) and the stretches are followed as
	// they form (with their arrays they were ~0.45 of Measure's 4.6
	// CPU-s in a profile of BenchmarkAnalyzeRealRuns).
	thr, lthr := prof.ThresholdSpeedMPS.Value, prof.LTHRBPM.Value
	longest := 0
	if v != nil && thr > 0 {
		g, _ := an.grade()
		tLow := (p.DanielsM + p.DanielsT) / 2 * thr / p.DanielsT
		hotFrom(g, an.gPrefix(), 15, tLow, 30, func(a, b int) { longest = max(longest, b-a+1) })
	} else if s.HeartRateBPM != nil && lthr > 0 {
		bpm := an.hr().bpm
		mark := an.sc.mark()
		hotFrom(bpm, newPrefixIn(bpm, an.sc), 15, 0.95*lthr, 30, func(a, b int) { longest = max(longest, b-a+1) })
		an.sc.release(mark)
	}
	f.tempoS = float64(longest) // the longest stretch, as the max of their lengths
	if f.tempoS < p.TempoMinS {
		f.tempoS = 0
	}
	if v == nil || math.IsNaN(f.median) || f.median <= 0 {
		return f
	}
	// Intervals: bouts of IntervalMinWorkS–IntervalMaxWorkS at ≥
	// (1+IntervalFaster) × median (15 s smoothing, dips ≤ 10 s merged),
	// excluding the fast finish.
	bar := (1 + p.IntervalFaster) * f.median
	ffStart := len(v)
	if wl.FastFinish != nil {
		ffStart = int(wl.FastFinish.StartS)
	}
	hotFrom(v, an.speedPrefix(), 7, bar, 10, func(a, b int) {
		d := float64(b - a + 1)
		if a < ffStart && d >= p.IntervalMinWorkS && d <= p.IntervalMaxWorkS {
			f.intervals++
		}
	})
	if f.intervals < p.IntervalMinReps {
		f.intervals = 0
	}
	// Progression: quarter means of the moving speed rising step by step
	// (each quarter summed in order, then divided by its length).
	nMoving := an.nMoving // counted by movingMedian
	if nMoving >= 20*60 {
		q := nMoving / 4
		var m [4]float64
		// Quarter k holds moving samples k·q … k·q+q−1; j counts within
		// it. Its sum is kept in acc, a register (m[k] += x, through
		// memory, chained each addition on a store: 0.2 of features'
		// 1.12 CPU-s in a profile of BenchmarkAnalyzeRealRunsMeasurer),
		// the same additions from 0 in the same order, and stored when
		// the quarter is complete; samples after the fourth are not
		// read.
		k, j, acc := 0, 0, 0.0
		movingMPS := p.MovingSpeedMPS
		for _, x := range v {
			if !(x >= movingMPS) { // as !moving(x): false for NaN
				continue
			}
			acc += x
			if j++; j == q {
				m[k] = acc
				if k++; k == 4 {
					break
				}
				j, acc = 0, 0
			}
		}
		if k < 4 { // (never: nMoving counts the same moving samples)
			m[k] = acc
		}
		for k := range m {
			m[k] /= float64(q)
		}
		f.progression = m[3] >= m[0]*(1+p.FastFinishFaster)
		for k := 1; k < 4; k++ {
			if m[k] < m[k-1]*(1+p.ProgressionStep) {
				f.progression = false
			}
		}
	}
	return f
}

// hotFrom calls emit(start, end) for each stretch stretches(hot, maxGap)
// returns, in order, where hot[i] is "x smoothed with a centred window of
// 2·half+1 samples is ≥ bar": !math.IsNaN(sm[i]) && sm[i] >= bar for sm =
// centredMean(x, pr, half), half ≥ 0, pr being x's prefix. Each mean is
// tested by meanAtLeast as it is reached, so neither sm nor hot is stored.
//
// meanAtLeast's bounds depend only on the count, 1 … 2·half+1: they are
// worked out once per count (NaN where meanAtLeast would divide, so that
// both comparisons fail), leaving a subtraction and one or two
// comparisons per sample.
func hotFrom(x []float64, pr prefix, half int, bar float64, maxGap int, emit func(start, end int)) {
	n := len(x)
	sum, cnt := pr.sum[:n+1], pr.cnt
	var upBuf, downBuf [32]float64
	up, down := upBuf[:], downBuf[:] // by count: sums ≥ up are hot, ≤ down not
	if 2*half+2 > len(up) {
		up, down = make([]float64, 2*half+2), make([]float64, 2*half+2)
	}
	for k := range up {
		up[k], down[k] = math.NaN(), math.NaN()
		if p := bar * float64(k); bar > 0 && p > 1e-280 && p < 1e280 { // as meanAtLeast
			m := p * 1e-12
			up[k], down[k] = p+m, p-m
		}
	}
	st := stretchState{start: -1, last: -1, maxGap: maxGap, emit: emit}
	// hot is the test at sample i, its window clamped to x.
	hot := func(i int) bool {
		lo, hi := max(i-half, 0), min(i+half+1, n)
		k := hi - lo
		if cnt != nil {
			k = int(cnt[hi] - cnt[lo]) // ≥ 1: x[i] is counted
		}
		d := sum[hi] - sum[lo]
		return d >= up[k] || !(d <= down[k]) && d/float64(k) >= bar
	}
	// The samples whose window lies inside x, half … n−half−1, need no
	// clamping: they take loops of their own over equal-length slices
	// (no bounds checks), without a count per sample when there is no
	// NaN (the window holds 2·half+1 values, and its bounds are in
	// registers). The general loop, clamps and all, was 0.86 CPU-s in a
	// profile of BenchmarkAnalyzeRealRunsMeasurer (9.2 of Measure).
	inner := 0 // samples half … half+inner−1 are inner
	if w := 2*half + 1; half >= 0 && n >= w && (cnt == nil || len(cnt) == n+1) {
		inner = n - 2*half
	}
	for i := range min(n, half) {
		if v := x[i]; v == v && hot(i) { // a NaN sample has a NaN mean: not hot
			st.on(i)
		}
	}
	if inner > 0 {
		w := 2*half + 1
		xs := x[half : half+inner]
		hiS, loS := sum[w:w+inner], sum[:inner]
		if cnt == nil {
			upW, downW, fw := up[w], down[w], float64(w)
			for j, v := range xs {
				if v != v {
					continue
				}
				d := hiS[j] - loS[j]
				if d >= upW || !(d <= downW) && d/fw >= bar {
					st.on(j + half)
				}
			}
		} else {
			cHi, cLo := cnt[w:w+inner], cnt[:inner]
			for j, v := range xs {
				if v != v {
					continue
				}
				k := int(cHi[j] - cLo[j]) // ≥ 1: x[i] is counted
				d := hiS[j] - loS[j]
				if d >= up[k] || !(d <= down[k]) && d/float64(k) >= bar {
					st.on(j + half)
				}
			}
		}
	}
	for i := max(0, half) + inner; i < n; i++ {
		if v := x[i]; v == v && hot(i) {
			st.on(i)
		}
	}
	if st.start >= 0 {
		emit(st.start, st.last)
	}
}

// stretchState follows stretches as their samples come, in order, for
// hotFrom: the stretch start … last is emitted when a sample more than
// maxGap after it starts the next.
type stretchState struct {
	start, last, maxGap int
	emit                func(start, end int)
}

// on adds sample i, after every sample added so far.
func (s *stretchState) on(i int) {
	if s.start >= 0 && i-s.last-1 <= s.maxGap {
		s.last = i
		return
	}
	if s.start >= 0 {
		s.emit(s.start, s.last)
	}
	s.start, s.last = i, i
}

// stretches returns the [start, end] runs of true in m, bridging gaps of up
// to maxGap false samples.
func stretches(m []bool, maxGap int) [][2]int {
	var out [][2]int
	start, last := -1, -1
	for i, on := range m {
		if !on {
			continue
		}
		if start >= 0 && i-last-1 <= maxGap {
			last = i
			continue
		}
		if start >= 0 {
			out = append(out, [2]int{start, last})
		}
		start, last = i, i
	}
	if start >= 0 {
		out = append(out, [2]int{start, last})
	}
	return out
}
