package recovery

import (
	"fmt"
	"math"
	"strings"
	"time"

	"rebound"
)

// Defaults from ../shared/science.md (defaults table) and Rebound's choices.
const (
	// HoursPerLoad anchors the Coggan TSS bands (< 150 → 24 h, 150–300 → 48,
	// 300–450 → 72, > 450 → 96; Coggan/TrainingPeaks, science.md §6, grade D)
	// at their upper edges, so 150 → 24 h, 300 → 48 h, 450 → 72 h, 600 → 96 h:
	// a straight line of 0.16 h per load point. Rebound's choice: the bands are
	// steps only because they are a rule of thumb; a line through their edges
	// is continuous (a 299 and a 301 workout no longer differ by a day) and
	// never exceeds a band's upper bound.
	HoursPerLoad = 24.0 / 150
	// MaxLoadHours is the cap: the bands stop at "> 450 → several days" and
	// Garmin caps its recovery time at 96 h (science.md §6).
	MaxLoadHours = 96.0

	// HardGapH and HardGapMastersH are hard_session_gap_h: 48 h below 50,
	// 72 h from 50 (coaching practice, Doering 2016, Fell 2008; science.md §8, D).
	HardGapH        = 48.0
	HardGapMastersH = 72.0
	MastersAge      = 50

	// RedTSB is the bottom of the "productive" TSB band; below it is "high
	// risk" (Friel/TrainingPeaks bands, science.md §5, D).
	RedTSB = -30.0
	// ExitTSB is where Red Alert may end: above −10 is the grey zone, below
	// −10 "too tired to race well" (Friel, science.md §5, D).
	ExitTSB = -10.0
	// RedSpikePct: a single run > 100% longer than the longest of the past 30
	// days had injury HRR 2.28 (Frandsen 2025, science.md §5, B).
	RedSpikePct = 100.0
	// RedAlertEasyH is the minimum easy time before Red Alert can end.
	// Rebound's choice: the young hard-session gap (48 h), so Red Alert never
	// ends sooner than an ordinary hard-to-hard gap would.
	RedAlertEasyH = 48.0
	// BackToBackH: at 50+, a hard session less than this after the previous
	// hard one counts as "two hard days back to back". Rebound's choice: 48 h
	// covers consecutive calendar days whatever the times of day.
	BackToBackH = 48.0

	// ReferenceCTL is the fitness at which the load hours apply unchanged.
	// Rebound's choice: CTL 50 is a typical recreational marathoner in a build
	// (≈ 50 TSS/day); fitter runners absorb the same load faster.
	ReferenceCTL = 50.0
	// ctlDays and atlDays are the PMC time constants (TrainingPeaks,
	// GoldenCheetah PMCData.cpp; science.md §5).
	ctlDays = 42.0
	atlDays = 7.0
)

// Input is what the estimate needs. CTL, ATL and TSB are the caller's PMC
// numbers at the end of the workout: CTL and ATL include the workout, TSB is
// the form figure the runner sees (internal/load decides which day it uses).
type Input struct {
	EndedAt time.Time      // when the workout ended
	Loc     *time.Location // the athlete's zone, for ReadyAt; nil = UTC

	Load       float64 // the workout's TSS-like load (rebound.WorkoutLoad.Load)
	LoadSource string  // rebound.LoadFromHR, ...
	Character  string  // rebound.CharacterEasy, ...

	FitnessKnown bool // false when there is no load history: CTL/ATL/TSB are ignored
	CTL, ATL     float64
	TSB          float64
	HistoryDays  int // days of load history behind CTL

	Age      *int    // nil = unknown
	HardGapH float64 // 0 = from age: 48 h, 72 h from 50

	HoursSincePrevHard *float64 // nil = no previous hard session known
	PrevDayHard        bool     // the previous calendar day had a hard session
	SpikePct           *float64 // single-run spike vs the 30-day longest, percent

	ThresholdsKnown bool // LTHR / threshold pace set by the runner, not estimated

	// Signals are wellness terms (sleep, HRV, resting HR, soreness; issue 5).
	// Each adds its Hours to the estimate and a red one triggers Red Alert.
	Signals []Signal
}

// Signal levels (traffic light, science.md §7).
const (
	LevelGreen = "green"
	LevelAmber = "amber"
	LevelRed   = "red"
)

// Signal is one wellness reading judged against the runner's baseline.
type Signal struct {
	Name   string  // "sleep", "hrv", "resting_hr", "soreness", ...
	Level  string  // LevelGreen, LevelAmber, LevelRed
	Value  float64 // the reading in its unit
	Limit  float64 // the band edge it was judged against
	Hours  float64 // hours it adds to (or, negative, takes off) the estimate
	Why    string
	Source string
}

// Result is the estimate and the Red Alert verdict.
type Result struct {
	Recovery rebound.Recovery
	RedAlert rebound.RedAlert
	HardGapH float64 // the hard-to-hard gap that applied (48 or 72)
}

// IsHard reports whether a workout character counts as a hard session.
func IsHard(character string) bool {
	switch character {
	case rebound.CharacterLong, rebound.CharacterWorkout, rebound.CharacterRace:
		return true
	}
	return false
}

// GapFor returns the hard-session gap for an age: 72 h from 50, else 48 h
// (science.md §8 and defaults table).
func GapFor(age *int) float64 {
	if age != nil && *age >= MastersAge {
		return HardGapMastersH
	}
	return HardGapH
}

// Estimate returns the hours until the runner is ready for the next hard
// session, each contribution with its reason, a confidence level and the Red
// Alert verdict. The contributions sum to the total.
func Estimate(in Input) Result {
	loc := in.Loc
	if loc == nil {
		loc = time.UTC
	}
	gap := in.HardGapH
	if gap <= 0 {
		gap = GapFor(in.Age)
	}
	hard := IsHard(in.Character)
	var cs []rebound.Contribution
	add := func(name string, h float64, why, src string) {
		cs = append(cs, rebound.Contribution{Name: name, Hours: round1(h), Why: why, Source: src})
	}

	// 1. The workout's own load.
	load := math.Max(0, in.Load)
	loadH := math.Min(MaxLoadHours, load*HoursPerLoad)
	add("workout load", loadH,
		fmt.Sprintf("load %.0f × 0.16 h per point: the Coggan bands (< 150 → 24 h, 150–300 → 48 h, 300–450 → 72 h, > 450 → 96 h) joined linearly through their upper edges (Rebound's choice, so the estimate has no jumps)", load),
		"Coggan/TrainingPeaks TSS guidance (science.md §6, D)")

	// 2. Fitness: the same load costs a fitter runner less.
	if in.FitnessKnown && in.CTL > 0 {
		f := clamp(math.Sqrt(ReferenceCTL/in.CTL), 0.7, 1.4)
		h := loadH * (f - 1)
		add("fitness", h,
			fmt.Sprintf("fitness (CTL) %.0f vs the reference 50: load hours × %.2f (√(50/CTL), kept within 0.7–1.4; Rebound's choice — no published model maps CTL to recovery hours)", in.CTL, f),
			"Rebound's choice on the PMC (science.md §5)")
	}

	// 3. Form: accumulated fatigue beyond this workout.
	formH := 0.0
	if in.FitnessKnown && in.CTL > 0 {
		formH = hoursToTSB(in.CTL, in.ATL, ExitTSB)
		if formH > 0 {
			add("form", formH,
				fmt.Sprintf("form after this workout is %.0f (CTL %.0f − ATL %.0f); with rest it takes %.0f h to climb back above −10, below which you are too tired for quality work (the PMC decay behind days-to-TSB≥0 = 8.4·ln(ATL/CTL), solved for −10)", in.CTL-in.ATL, in.CTL, in.ATL, formH),
				"PMC readiness (science.md §6); Friel TSB bands (science.md §5, D)")
		}
	}

	// 4. Wellness signals (issue 5).
	for _, s := range in.Signals {
		if s.Hours != 0 {
			add(s.Name, s.Hours, s.Why, s.Source)
		}
	}

	total := sum(cs)
	if total > MaxLoadHours {
		add("cap", MaxLoadHours-total, "capped at 96 h: the TSS bands stop at \"several days\" and Garmin caps recovery time at 96 h", "science.md §6")
		total = sum(cs)
	}
	if total < 0 {
		add("floor", -total, "an estimate cannot be negative", "")
		total = 0
	}

	// 5. The hard-to-hard gap (age rule from 50).
	ageWhy := "48 h between hard sessions"
	gapName := "hard-session gap"
	if gap >= HardGapMastersH {
		ageWhy = "72 h between hard sessions from age 50 (one extra easy day)"
		gapName = "age rule"
	}
	if in.Age == nil {
		ageWhy += "; age unknown, so the under-50 gap applies"
	}
	needed, why := 0.0, ageWhy+" after this session"
	if hard {
		needed = gap
	}
	if in.HoursSincePrevHard != nil && gap-*in.HoursSincePrevHard > needed {
		needed = gap - *in.HoursSincePrevHard
		why = ageWhy + fmt.Sprintf(", counted from the previous hard session %.0f h before this one ended", *in.HoursSincePrevHard)
	}
	if total < needed {
		add(gapName, needed-total, why, "hard_session_gap_h: coaching practice; Doering 2016, Fell 2008 (science.md §8, D)")
		total = sum(cs)
	}

	// 6. Red Alert holds hard sessions until its exit rule can be met.
	alert := redAlert(in, hard)
	if alert.Active {
		floor := math.Max(RedAlertEasyH, formH)
		if total < floor {
			add("red alert", floor-total,
				fmt.Sprintf("Red Alert: at least %.0f h easy and form back above −10 before the next hard session", floor),
				"Rebound's choice on Friel TSB bands (science.md §5)")
			total = sum(cs)
		}
	}

	conf, confWhy := confidence(in)
	ready := in.EndedAt.Add(time.Duration(total * float64(time.Hour))).In(loc)
	return Result{
		Recovery: rebound.Recovery{
			Hours:         round1(total),
			ReadyAt:       ready.Truncate(time.Minute),
			Contributions: cs,
			Confidence:    conf,
			ConfidenceWhy: confWhy,
		},
		RedAlert: alert,
		HardGapH: gap,
	}
}

// redAlert applies the load triggers (and red wellness signals).
func redAlert(in Input, hard bool) rebound.RedAlert {
	var ts []rebound.Trigger
	if in.FitnessKnown && in.TSB < RedTSB {
		ts = append(ts, rebound.Trigger{Signal: "tsb", Value: round1(in.TSB), Limit: RedTSB,
			Why:    fmt.Sprintf("form (TSB) %.0f is below −30, the high-risk band", in.TSB),
			Source: "Friel/TrainingPeaks TSB bands (science.md §5, D)"})
	}
	if in.SpikePct != nil && *in.SpikePct > RedSpikePct {
		ts = append(ts, rebound.Trigger{Signal: "single_run_spike", Value: round1(*in.SpikePct), Limit: RedSpikePct,
			Why:    fmt.Sprintf("this run was %.0f%% longer than your longest of the past 30 days; > 100%% went with 2.28× the injury rate", *in.SpikePct),
			Source: "Frandsen 2025, BJSM 59:1203 (science.md §5, B)"})
	}
	if hard && in.Age != nil && *in.Age >= MastersAge {
		b2b := in.PrevDayHard
		since := math.NaN()
		if in.HoursSincePrevHard != nil && *in.HoursSincePrevHard < BackToBackH {
			b2b = true
			since = *in.HoursSincePrevHard
		}
		if b2b {
			why := fmt.Sprintf("two hard days back to back at %d", *in.Age)
			if !math.IsNaN(since) {
				why = fmt.Sprintf("a hard session %.0f h after the previous one at %d", since, *in.Age)
			}
			ts = append(ts, rebound.Trigger{Signal: "back_to_back_hard", Value: round1(nanTo(since, 0)), Limit: HardGapMastersH,
				Why:    why + "; from 50 allow 72 h between hard sessions",
				Source: "coaching practice; Doering 2016, Fell 2008 (science.md §8, D)"})
		}
	}
	wellness := false
	for _, s := range in.Signals {
		if s.Level == LevelRed {
			wellness = true
			ts = append(ts, rebound.Trigger{Signal: s.Name, Value: s.Value, Limit: s.Limit, Why: s.Why, Source: s.Source})
		}
	}
	if len(ts) == 0 {
		return rebound.RedAlert{Triggers: []rebound.Trigger{}}
	}
	rule := fmt.Sprintf("form (TSB) back above −%.0f and at least %.0f h of easy running or rest", -ExitTSB, RedAlertEasyH)
	if wellness {
		rule += ", and your morning check-in is green again"
	}
	since := in.EndedAt
	if in.Loc != nil {
		since = since.In(in.Loc)
	}
	return rebound.RedAlert{Active: true, Since: &since, Triggers: ts, ExitRule: rule}
}

// confidence grades the estimate by the quality of its inputs: a credible HR
// load or a pace load against a known threshold, a load history of at least
// 28 days, and wellness signals. Rebound's choice: 3+ points high, 2 medium.
func confidence(in Input) (string, string) {
	score := 0
	var why []string
	switch in.LoadSource {
	case rebound.LoadFromHR, rebound.LoadFromPace:
		if in.ThresholdsKnown {
			score += 2
			why = append(why, "load from "+in.LoadSource+" against your own thresholds")
		} else {
			score++
			why = append(why, "load from "+in.LoadSource+" against estimated thresholds")
		}
	case rebound.LoadFromRPE:
		score++
		why = append(why, "load from session RPE")
	default:
		why = append(why, "load estimated from duration only")
	}
	if in.FitnessKnown && in.HistoryDays >= 28 {
		score++
		why = append(why, fmt.Sprintf("%d days of load history", in.HistoryDays))
	} else {
		why = append(why, "less than 28 days of load history")
	}
	if len(in.Signals) > 0 {
		score++
		why = append(why, "wellness check-ins present")
	} else {
		why = append(why, "no check-ins")
	}
	c := rebound.ConfidenceLow
	switch {
	case score >= 3:
		c = rebound.ConfidenceHigh
	case score == 2:
		c = rebound.ConfidenceMedium
	}
	return c, strings.Join(why, "; ")
}

// hoursToTSB is how long, with no training, until CTL − ATL ≥ target, with
// the exponential PMC (GoldenCheetah PMCData.cpp, science.md §5): CTL·e^(−t/42)
// − ATL·e^(−t/7). For target 0 this is the closed form 8.4·ln(ATL/CTL) days
// (science.md §6); for other targets it is solved by bisection. It returns 0
// when form is already at or above target.
func hoursToTSB(ctl, atl, target float64) float64 {
	tsb := func(d float64) float64 { return ctl*math.Exp(-d/ctlDays) - atl*math.Exp(-d/atlDays) }
	if ctl <= 0 || atl <= 0 || tsb(0) >= target {
		return 0
	}
	if target == 0 {
		return 24 * DaysToFreshForm(ctl, atl)
	}
	lo, hi := 0.0, 60.0
	if tsb(hi) < target {
		// A negative target below −CTL·e^(−60/42) is never reached before
		// both decay away; 60 days is "not in any useful horizon".
		return 24 * hi
	}
	for range 60 {
		mid := (lo + hi) / 2
		if tsb(mid) >= target {
			hi = mid
		} else {
			lo = mid
		}
	}
	return 24 * hi
}

// DaysToFreshForm is days until TSB ≥ 0 with zero load:
// ln(ATL/CTL)/(1/7 − 1/42) = 8.4·ln(ATL/CTL) (science.md §6, derived from the
// PMC). 0 when ATL ≤ CTL.
func DaysToFreshForm(ctl, atl float64) float64 {
	if ctl <= 0 || atl <= ctl {
		return 0
	}
	return math.Log(atl/ctl) / (1/atlDays - 1/ctlDays)
}

func sum(cs []rebound.Contribution) float64 {
	t := 0.0
	for _, c := range cs {
		t += c.Hours
	}
	return round1(t)
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func nanTo(x, v float64) float64 {
	if math.IsNaN(x) {
		return v
	}
	return x
}
