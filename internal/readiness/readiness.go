package readiness

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"rebound"
)

// Verdicts of the morning readiness traffic light.
const (
	VerdictReady    = "ready"     // no red signal, at most one amber
	VerdictEasy     = "easy"      // two or more amber signals: an easy day
	VerdictRedAlert = "red_alert" // a red signal, illness or pain
	VerdictUnknown  = "unknown"   // not enough check-ins for a baseline yet
)

// Bands of one signal.
const (
	BandGreen   = "green"
	BandAmber   = "amber"
	BandRed     = "red"
	BandUnknown = "unknown"
)

// Signal names. The wellness scores use the check-in's field names.
const (
	SignalHRV          = "hrv"
	SignalRestingHR    = "resting_hr"
	SignalSleep        = "sleep"
	SignalSleepQuality = "sleep_quality"
	SignalSoreness     = "soreness"
	SignalFatigue      = "fatigue"
	SignalStress       = "stress"
	SignalMood         = "mood"
	SignalAlcohol      = "alcohol"
	SignalIllness      = "illness"
	SignalPain         = "pain"
)

// Sources, cited in every signal.
const (
	srcHRV      = "LnRMSSD 7-day mean (≥ 3 readings) vs 60-day normal range mean ± 0.5 SD: Plews 2012, 2013, 2014; Altini & Plews 2021 (science.md §7, B)"
	srcHRVRed   = "red below mean − 1 SD: Rebound's choice after Kiviniemi 2007 (science.md §7, B)"
	srcRHR      = "+5 / +10 bpm over the 7-day mean: coaching practice; Dressendorfer 1985 (science.md §7, C/D)"
	srcZ        = "McLean 2010 items as z-scores vs your own 28–60-day baseline, amber ≤ −1, red ≤ −2 (science.md §7; measures Saw 2016, A; thresholds D)"
	srcSoreness = "soreness 5/5 is a Red Alert trigger (issue 5)"
	srcSleep    = "adults ≥ 7 h (Watson 2015); ≤ 6 h costs −7.6% performance (Craven 2022) (science.md §4, A); two nights < 6 h running: issue 5 Red Alert trigger"
	srcAlcohol  = "warn ≥ 0.5, red ≥ 1.0 g/kg (Parr 2014; Barnes 2014; science.md §1, B/D); 14 g per drink is Rebound's choice (US standard drink)"
	srcIllness  = "fever, chest symptoms or illness below the neck → no training (clinical practice, science.md §7, D); readiness rule: Meeusen 2013 (D)"
	srcPain     = "readiness rule: pain → Red Alert (issue 5; Meeusen 2013, D)"
	srcRule     = "readiness rule: ≥ 2 amber → easy; any red, illness or pain → Red Alert (science.md §7 and defaults table; Meeusen 2013, D)"
)

// Readiness is the morning verdict with every signal that went into it. Its
// JSON is the `readiness` block of `rebound status --json`.
type Readiness struct {
	Date      time.Time `json:"date"`       // the civil date judged, 00:00 UTC
	CheckedIn bool      `json:"checked_in"` // a check-in exists for Date
	Verdict   string    `json:"verdict"`    // VerdictReady, ...
	Why       string    `json:"why"`
	Signals   []Signal  `json:"signals"`
	// NeedDays, when Verdict is unknown, is how many more days of check-ins
	// (one a morning, from tomorrow) are needed before a verdict can be given.
	NeedDays int `json:"need_days,omitempty"`
}

// Signal is one reading judged against its baseline or threshold. Value,
// Baseline and Limit are in Unit ("ms", "bpm", "h", "score", "g/kg"); nil
// when not known. Limit is the band edge the value was judged against.
type Signal struct {
	Name     string   `json:"name"`
	Value    *float64 `json:"value"`
	Unit     string   `json:"unit,omitempty"`
	Baseline *float64 `json:"baseline"`
	Limit    *float64 `json:"limit,omitempty"`
	Z        *float64 `json:"z,omitempty"` // the oriented z-score of a 1–5 score (worse is negative)
	Band     string   `json:"band"`        // BandGreen, ...
	Why      string   `json:"why"`
	Source   string   `json:"source"`
	// NeedDays, when Band is unknown for lack of data, is how many more
	// mornings of readings this signal needs.
	NeedDays int `json:"need_days,omitempty"`
	// Hours is what the signal adds to the recovery estimate (see
	// Contributions; Rebound's choice), 0 for green and unknown.
	Hours float64 `json:"hours,omitempty"`
}

// Has reports whether any signal is in band b.
func (r *Readiness) Has(b string) bool {
	for _, s := range r.Signals {
		if s.Band == b {
			return true
		}
	}
	return false
}

// Names returns the names of the signals in band b, in signal order.
func (r *Readiness) Names(b string) []string {
	var out []string
	for _, s := range r.Signals {
		if s.Band == b {
			out = append(out, s.Name)
		}
	}
	return out
}

// Green reports whether this morning counts as green for the Red Alert exit
// rule: a check-in with no amber or red signal (illness and pain are red).
// Signals still unknown for lack of a baseline do not block it.
func (r *Readiness) Green() bool {
	return r.CheckedIn && !r.Has(BandAmber) && !r.Has(BandRed)
}

// Assess judges the morning of date from the check-in history (any order;
// check-ins after date are ignored, and of two with the same date the later
// in the slice wins). It never invents a score: a signal without enough
// history is "unknown" with the days it still needs, and so is the verdict
// when no baseline signal can be judged and nothing is amber or red.
func Assess(date time.Time, history []rebound.CheckIn, p Params) Readiness {
	p = p.orDefault()
	a := newAssessor(date, history, p)
	r := Readiness{Date: rebound.CivilDate(date), Signals: []Signal{}}
	if a.today == nil {
		r.Verdict = VerdictUnknown
		r.NeedDays = 1
		r.Why = "no check-in for " + r.Date.Format(time.DateOnly) + " yet: a verdict needs this morning's check-in"
		return r
	}
	r.CheckedIn = true
	add := func(s *Signal) {
		if s != nil {
			s.Hours = signalHours(*s, p)
			r.Signals = append(r.Signals, *s)
		}
	}
	add(a.hrv())
	add(a.restingHR())
	add(a.sleep())
	for _, it := range items {
		add(a.score(it))
	}
	add(a.alcohol())
	add(a.illness())
	add(a.pain())

	r.Verdict, r.Why, r.NeedDays = decide(r.Signals, a.p.RHRMinReadings+1)
	return r
}

// decide applies the readiness rule to the signals: any red → Red Alert;
// else ≥ 2 amber → easy; else, when no baseline signal (HRV, resting HR, a
// 1–5 score) could be judged, unknown with the fewest days any of them still
// needs (fallback when none is recorded at all); else ready.
func decide(signals []Signal, fallback int) (verdict, why string, needDays int) {
	r := Readiness{Signals: signals}
	reds, ambers := r.Names(BandRed), r.Names(BandAmber)
	baselineKnown, need := false, 0
	for _, s := range signals {
		if !isBaselineSignal(s.Name) {
			continue
		}
		if s.Band != BandUnknown {
			baselineKnown = true
		} else if s.NeedDays > 0 && (need == 0 || s.NeedDays < need) {
			need = s.NeedDays
		}
	}
	switch {
	case len(reds) > 0:
		return VerdictRedAlert, fmt.Sprintf("Red Alert: %s red — %s", strings.Join(reds, ", "), srcRule), 0
	case len(ambers) >= 2:
		return VerdictEasy, fmt.Sprintf("easy day: %d amber signals (%s) — %s", len(ambers), strings.Join(ambers, ", "), srcRule), 0
	case !baselineKnown:
		if need == 0 {
			// Nothing baseline-based is recorded at all: the quickest is
			// resting HR (today's reading and 3 in the 7 days before).
			need = fallback
		}
		return VerdictUnknown, fmt.Sprintf("not enough check-ins yet for a personal baseline: %d more morning(s) of resting HR, HRV or the 1–5 scores are needed; Rebound does not guess a score", need), need
	case len(ambers) == 1:
		return VerdictReady, fmt.Sprintf("ready: one amber signal (%s) and no red — %s", ambers[0], srcRule), 0
	}
	return VerdictReady, "ready: no amber or red signal — " + srcRule, 0
}

func isBaselineSignal(name string) bool {
	switch name {
	case SignalHRV, SignalRestingHR, SignalSleepQuality, SignalSoreness, SignalFatigue, SignalStress, SignalMood:
		return true
	}
	return false
}

// assessor holds the history indexed by day number (days since 1970-01-01).
type assessor struct {
	d     int
	byDay map[int]*rebound.CheckIn
	today *rebound.CheckIn
	p     Params
}

func dayIndex(t time.Time) int {
	return int(rebound.CivilDate(t).Unix() / 86400)
}

func newAssessor(date time.Time, history []rebound.CheckIn, p Params) *assessor {
	a := &assessor{d: dayIndex(date), byDay: make(map[int]*rebound.CheckIn, len(history)), p: p}
	for i := range history {
		c := &history[i]
		if k := dayIndex(c.Date); k <= a.d {
			a.byDay[k] = c
		}
	}
	a.today = a.byDay[a.d]
	return a
}

// getter reads one measurement of a check-in.
type getter func(*rebound.CheckIn) (float64, bool)

func getHRV(c *rebound.CheckIn) (float64, bool) {
	if c.HRVRMSSDms == nil || *c.HRVRMSSDms <= 0 || math.IsNaN(*c.HRVRMSSDms) {
		return 0, false
	}
	return math.Log(*c.HRVRMSSDms), true
}

func getRHR(c *rebound.CheckIn) (float64, bool) {
	if c.RestingHRBPM == nil || math.IsNaN(*c.RestingHRBPM) {
		return 0, false
	}
	return *c.RestingHRBPM, true
}

func getSleepH(c *rebound.CheckIn) (float64, bool) {
	if c.SleepS == nil || math.IsNaN(*c.SleepS) {
		return 0, false
	}
	return *c.SleepS / 3600, true
}

// values returns the readings on days from..to inclusive, oldest first.
func (a *assessor) values(from, to int, get getter) []float64 {
	var out []float64
	for k := from; k <= to; k++ {
		if c := a.byDay[k]; c != nil {
			if v, ok := get(c); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

func (a *assessor) todayValue(get getter) (float64, bool) {
	if a.today == nil {
		return 0, false
	}
	return get(a.today)
}

// recorded reports whether the runner records this measurement: today or in
// the baseline window.
func (a *assessor) recorded(get getter) bool {
	return len(a.values(a.d-a.p.BaselineDays, a.d, get)) > 0
}

// needDays simulates one reading a morning from tomorrow and returns after
// how many mornings ok holds on that morning. has tells whether day k has a
// reading (real or simulated); D is the simulated morning.
func (a *assessor) needDays(get getter, ok func(has func(int) bool, D int) bool) int {
	real := func(k int) bool {
		if c := a.byDay[k]; c != nil {
			_, y := get(c)
			return y
		}
		return false
	}
	limit := a.p.BaselineDays + a.p.BaselineMinReadings + a.p.HRVRollingDays + a.p.RHRDays + 2
	for n := 1; n <= limit; n++ {
		D := a.d + n
		has := func(k int) bool { return real(k) || (k > a.d && k <= D) }
		if ok(has, D) {
			return n
		}
	}
	return limit
}

func count(has func(int) bool, from, to int) int {
	n := 0
	for k := from; k <= to; k++ {
		if has(k) {
			n++
		}
	}
	return n
}

// hrv judges the 7-day rolling mean of LnRMSSD against the normal range
// (mean ± 0.5 SD of the daily LnRMSSD of the 60 days before today).
func (a *assessor) hrv() *Signal {
	if !a.recorded(getHRV) {
		return nil
	}
	p := a.p
	s := &Signal{Name: SignalHRV, Unit: "ms", Source: srcHRV}
	roll := a.values(a.d-p.HRVRollingDays+1, a.d, getHRV)
	base := a.values(a.d-p.BaselineDays, a.d-1, getHRV)
	if len(roll) < p.HRVMinReadings || len(base) < p.BaselineMinReadings {
		s.Band = BandUnknown
		s.NeedDays = a.needDays(getHRV, func(has func(int) bool, D int) bool {
			return count(has, D-p.HRVRollingDays+1, D) >= p.HRVMinReadings &&
				count(has, D-p.BaselineDays, D-1) >= p.BaselineMinReadings
		})
		if len(roll) < p.HRVMinReadings {
			s.Why = fmt.Sprintf("%d HRV reading(s) in the last %d days; the rolling mean needs %d", len(roll), p.HRVRollingDays, p.HRVMinReadings)
		} else {
			s.Value = ptr(round1(math.Exp(mean(roll))))
			s.Why = fmt.Sprintf("%d HRV reading(s) in the %d days before today; your normal range needs %d", len(base), p.BaselineDays, p.BaselineMinReadings)
		}
		s.Why += fmt.Sprintf(" (%d more morning(s))", s.NeedDays)
		return s
	}
	m, sd := mean(roll), stddev(base)
	bm := mean(base)
	lo, red := bm-p.HRVSWCSD*sd, bm-p.HRVRedSD*sd
	hi := bm + p.HRVSWCSD*sd
	// Values are shown in ms (exp of the LnRMSSD means, i.e. geometric
	// means): the comparison is the same, the numbers are the runner's.
	s.Value = ptr(round1(math.Exp(m)))
	s.Baseline = ptr(round1(math.Exp(bm)))
	rng := fmt.Sprintf("7-day mean rMSSD %.0f ms (%d readings) vs your normal range %.0f–%.0f ms (60-day mean %.0f ms ± 0.5 SD of ln rMSSD)",
		math.Exp(m), len(roll), math.Exp(lo), math.Exp(hi), math.Exp(bm))
	switch {
	case m < red:
		s.Band, s.Limit = BandRed, ptr(round1(math.Exp(red)))
		s.Why = rng + fmt.Sprintf("; below %.0f ms (mean − %.1f SD): a sustained drop", math.Exp(red), p.HRVRedSD)
		s.Source = srcHRV + "; " + srcHRVRed
	case m < lo:
		s.Band, s.Limit = BandAmber, ptr(round1(math.Exp(lo)))
		s.Why = rng + "; below the normal range"
	case m > hi:
		s.Band, s.Limit = BandGreen, ptr(round1(math.Exp(hi)))
		s.Why = rng + "; above the normal range — usually fine; it warns only together with falling performance (Plews 2012)"
	default:
		s.Band, s.Limit = BandGreen, ptr(round1(math.Exp(lo)))
		s.Why = rng + "; inside the normal range"
	}
	return s
}

// restingHR compares today's resting HR with the mean of the 7 days before.
// Single days are noisy (Plews 2013 prefers weekly means; Buchheit 2014), so
// the thresholds are wide: +5 amber, +10 red.
func (a *assessor) restingHR() *Signal {
	if !a.recorded(getRHR) {
		return nil
	}
	p := a.p
	s := &Signal{Name: SignalRestingHR, Unit: "bpm", Source: srcRHR}
	v, ok := a.todayValue(getRHR)
	base := a.values(a.d-p.RHRDays, a.d-1, getRHR)
	if !ok || len(base) < p.RHRMinReadings {
		s.Band = BandUnknown
		s.NeedDays = a.needDays(getRHR, func(has func(int) bool, D int) bool {
			return has(D) && count(has, D-p.RHRDays, D-1) >= p.RHRMinReadings
		})
		if !ok {
			s.Why = "no resting HR this morning"
		} else {
			s.Value = ptr(round1(v))
			s.Why = fmt.Sprintf("%d resting HR reading(s) in the %d days before today; the 7-day mean needs %d", len(base), p.RHRDays, p.RHRMinReadings)
		}
		s.Why += fmt.Sprintf(" (%d more morning(s))", s.NeedDays)
		return s
	}
	bm := mean(base)
	diff := v - bm
	s.Value, s.Baseline = ptr(round1(v)), ptr(round1(bm))
	why := fmt.Sprintf("resting HR %.0f bpm is %+.1f bpm vs your 7-day mean %.1f bpm", v, diff, bm)
	switch {
	case diff >= p.RHRRedBPM:
		s.Band, s.Limit = BandRed, ptr(round1(bm+p.RHRRedBPM))
		s.Why = why + fmt.Sprintf("; +%.0f or more is red", p.RHRRedBPM)
	case diff >= p.RHRAmberBPM:
		s.Band, s.Limit = BandAmber, ptr(round1(bm+p.RHRAmberBPM))
		s.Why = why + fmt.Sprintf("; +%.0f or more is amber", p.RHRAmberBPM)
	default:
		s.Band, s.Limit = BandGreen, ptr(round1(bm+p.RHRAmberBPM))
		s.Why = why + fmt.Sprintf("; under +%.0f is green", p.RHRAmberBPM)
	}
	return s
}

// sleep judges last night's sleep: under 7 h amber, one night under 6 h
// amber, two nights running under 6 h red.
func (a *assessor) sleep() *Signal {
	if !a.recorded(getSleepH) {
		return nil
	}
	p := a.p
	s := &Signal{Name: SignalSleep, Unit: "h", Baseline: ptr(p.SleepTargetH), Source: srcSleep}
	h, ok := a.todayValue(getSleepH)
	if !ok {
		s.Band, s.NeedDays = BandUnknown, 1
		s.Why = "no sleep entry this morning"
		return s
	}
	s.Value = ptr(round1(h))
	short := 1 // consecutive nights under SleepRedH, counting last night
	for k := a.d - 1; h < p.SleepRedH && short < p.SleepRedNights; k-- {
		c := a.byDay[k]
		if c == nil {
			break
		}
		if v, ok := getSleepH(c); !ok || v >= p.SleepRedH {
			break
		}
		short++
	}
	why := fmt.Sprintf("slept %s vs your %.0f h target", hm(h), p.SleepTargetH)
	switch {
	case h < p.SleepRedH && short >= p.SleepRedNights:
		s.Band, s.Limit = BandRed, ptr(p.SleepRedH)
		s.Why = why + fmt.Sprintf("; %d nights running under %.0f h", short, p.SleepRedH)
	case h < p.SleepRedH:
		s.Band, s.Limit = BandAmber, ptr(p.SleepRedH)
		s.Why = why + fmt.Sprintf("; under %.0f h (a second such night is red)", p.SleepRedH)
	case h < p.SleepOKH:
		s.Band, s.Limit = BandAmber, ptr(p.SleepOKH)
		s.Why = why + fmt.Sprintf("; under %.0f h", p.SleepOKH)
	default:
		s.Band, s.Limit = BandGreen, ptr(p.SleepOKH)
		s.Why = why + fmt.Sprintf("; %.0f h or more is green", p.SleepOKH)
	}
	return s
}

// item is one 1–5 wellness score.
type item struct {
	name    string
	label   string
	get     func(*rebound.CheckIn) *int
	higherW bool // true when 5 is the worst (soreness, fatigue, stress)
}

var items = []item{
	{SignalSleepQuality, "sleep quality", func(c *rebound.CheckIn) *int { return c.SleepQuality }, false},
	{SignalSoreness, "soreness", func(c *rebound.CheckIn) *int { return c.Soreness }, true},
	{SignalFatigue, "fatigue", func(c *rebound.CheckIn) *int { return c.Fatigue }, true},
	{SignalStress, "stress", func(c *rebound.CheckIn) *int { return c.Stress }, true},
	{SignalMood, "mood", func(c *rebound.CheckIn) *int { return c.Mood }, false},
}

func (it item) getter() getter {
	return func(c *rebound.CheckIn) (float64, bool) {
		v := it.get(c)
		if v == nil {
			return 0, false
		}
		return float64(*v), true
	}
}

// score turns a 1–5 score into a z-score against the 60 days before today,
// oriented so that worse is negative (science.md §7).
func (a *assessor) score(it item) *Signal {
	get := it.getter()
	if !a.recorded(get) {
		return nil
	}
	p := a.p
	s := &Signal{Name: it.name, Unit: "score", Source: srcZ}
	v, ok := a.todayValue(get)
	worst := it.higherW && ok && v >= rebound.MaxScore && it.name == SignalSoreness
	base := a.values(a.d-p.BaselineDays, a.d-1, get)
	dir := "5 = best"
	if it.higherW {
		dir = "5 = worst"
	}
	if ok {
		s.Value = ptr(v)
	}
	if !ok || len(base) < p.BaselineMinReadings {
		s.Band = BandUnknown
		s.NeedDays = a.needDays(get, func(has func(int) bool, D int) bool {
			return has(D) && count(has, D-p.BaselineDays, D-1) >= p.BaselineMinReadings
		})
		if !ok {
			s.Why = fmt.Sprintf("no %s score this morning", it.label)
		} else {
			s.Why = fmt.Sprintf("%s %.0f/5 (%s); %d reading(s) in the %d days before today, the baseline needs %d",
				it.label, v, dir, len(base), p.BaselineDays, p.BaselineMinReadings)
		}
		s.Why += fmt.Sprintf(" (%d more morning(s))", s.NeedDays)
		if worst {
			s.Band, s.Limit, s.NeedDays = BandRed, ptr(float64(rebound.MaxScore)), 0
			s.Why = "soreness 5/5, the worst: red whatever the baseline"
			s.Source = srcSoreness
		}
		return s
	}
	bm, sd := mean(base), stddev(base)
	usedSD := math.Max(sd, p.ZMinSD)
	z := (v - bm) / usedSD
	if it.higherW {
		z = -z
	}
	s.Baseline, s.Z = ptr(round1(bm)), ptr(round2(z))
	// Limit: the score at which the amber (or red) edge is crossed.
	edge := func(zz float64) float64 {
		if it.higherW {
			return round1(bm - zz*usedSD)
		}
		return round1(bm + zz*usedSD)
	}
	why := fmt.Sprintf("%s %.0f/5 (%s) vs your mean %.1f (SD %.2f", it.label, v, dir, bm, sd)
	if usedSD > sd {
		why += fmt.Sprintf(", floored at %.0f scale step", p.ZMinSD)
	}
	why += fmt.Sprintf("): z %+.2f", z)
	switch {
	case worst:
		s.Band, s.Limit = BandRed, ptr(float64(rebound.MaxScore))
		s.Why = why + "; soreness 5/5, the worst, is red whatever the baseline"
		s.Source = srcZ + "; " + srcSoreness
	case z <= p.ZRed:
		s.Band, s.Limit = BandRed, ptr(edge(p.ZRed))
		s.Why = why + fmt.Sprintf("; %.0f or below is red", p.ZRed)
	case z <= p.ZAmber:
		s.Band, s.Limit = BandAmber, ptr(edge(p.ZAmber))
		s.Why = why + fmt.Sprintf("; %.0f or below is amber", p.ZAmber)
	default:
		s.Band, s.Limit = BandGreen, ptr(edge(p.ZAmber))
		s.Why = why + "; above −1 is green"
	}
	return s
}

// alcohol judges last evening's drinks in grams of ethanol per kg of body
// mass, when the runner gave a number.
func (a *assessor) alcohol() *Signal {
	c := a.today
	if c.AlcoholDrinks == nil {
		return nil
	}
	p := a.p
	n := float64(*c.AlcoholDrinks)
	s := &Signal{Name: SignalAlcohol, Unit: "g/kg", Source: srcAlcohol}
	kg := a.weight()
	if kg <= 0 {
		if n == 0 {
			s.Value, s.Band, s.Why = ptr(0), BandGreen, "no alcohol"
			return s
		}
		s.Band = BandUnknown
		s.Why = fmt.Sprintf("%.0f drink(s) but no body mass on file: set your weight to judge it", n)
		return s
	}
	g := n * p.DrinkG / kg
	s.Value = ptr(round2(g))
	why := fmt.Sprintf("%.0f drink(s) × %.0f g = %.2f g/kg at %.1f kg", n, p.DrinkG, g, kg)
	switch {
	case g >= p.AlcoholRedGPerKg:
		s.Band, s.Limit = BandRed, ptr(p.AlcoholRedGPerKg)
		s.Why = why + fmt.Sprintf("; %.1f g/kg or more impairs recovery", p.AlcoholRedGPerKg)
	case g >= p.AlcoholWarnGPerKg:
		s.Band, s.Limit = BandAmber, ptr(p.AlcoholWarnGPerKg)
		s.Why = why + fmt.Sprintf("; %.1f g/kg or more is amber", p.AlcoholWarnGPerKg)
	default:
		s.Band, s.Limit = BandGreen, ptr(p.AlcoholWarnGPerKg)
		s.Why = why + fmt.Sprintf("; under %.1f g/kg", p.AlcoholWarnGPerKg)
	}
	return s
}

// weight is the latest body mass in the check-ins up to today, else the
// profile's, else 0.
func (a *assessor) weight() float64 {
	days := make([]int, 0, len(a.byDay))
	for k := range a.byDay {
		days = append(days, k)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(days)))
	for _, k := range days {
		if w := a.byDay[k].WeightKg; w != nil && *w > 0 {
			return *w
		}
	}
	if a.p.WeightKg != nil {
		return *a.p.WeightKg
	}
	return 0
}

func (a *assessor) illness() *Signal {
	s := &Signal{Name: SignalIllness, Band: BandGreen, Why: "no illness reported", Source: srcIllness}
	if a.today.Ill {
		s.Band, s.Value = BandRed, ptr(1)
		s.Why = "illness reported: no hard training; with fever, chest pain, fainting or palpitations no training at all and see a doctor"
	}
	return s
}

func (a *assessor) pain() *Signal {
	s := &Signal{Name: SignalPain, Band: BandGreen, Why: "no pain reported", Source: srcPain}
	if a.today.HasPain() {
		s.Band, s.Value = BandRed, ptr(1)
		s.Why = fmt.Sprintf("pain reported (%s): easy or no running until it is gone; see a professional if it changes your gait or lasts", strings.TrimSpace(a.today.Pain))
	}
	return s
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// stddev is the sample standard deviation (n − 1), 0 for fewer than 2 values.
func stddev(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

func ptr(x float64) *float64 { return &x }

func round1(x float64) float64 { return math.Round(x*10) / 10 }
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// hm formats hours as "7 h 30 min".
func hm(h float64) string {
	m := int(math.Round(h * 60))
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}
