package load

import (
	"math"
	"slices"
	"time"

	"rebound"
)

// Levels of a daily warning, mildest first.
const (
	LevelInfo   = "info"   // shown, not a warning (the 10 % guideline, ACWR)
	LevelAmber  = "amber"  // worth a look
	LevelOrange = "orange" // Frandsen's middle spike band
	LevelRed    = "red"    // act on it
)

// TSB bands (Friel; TrainingPeaks/intervals.icu chart bands, science.md §5).
const (
	BandTransition = "transition" // > +25: detraining
	BandFresh      = "fresh"      // +5 … +25: race-ready
	BandGrey       = "grey"       // −10 … +5: neutral
	BandProductive = "productive" // −30 … −10: building
	BandHighRisk   = "high_risk"  // < −30
)

// DailyInput is one local calendar day's training, summed over its
// activities: the input of the daily model.
type DailyInput struct {
	Date        Date    `json:"date"`
	Load        float64 `json:"load"`          // sum of WorkoutLoad.Load, every sport
	DistanceM   float64 `json:"distance_m"`    // running distance
	TimeS       float64 `json:"time_s"`        // running moving time
	Runs        int     `json:"runs"`          // running activities
	LongestRunM float64 `json:"longest_run_m"` // the day's longest run
	Hard        bool    `json:"hard"`          // a hard session (IsHard) that day
	// LastHardEnd is when the day's last hard session ended (zero: none).
	LastHardEnd time.Time `json:"last_hard_end,omitzero"`
}

// Inputs sums activities into days. loads[i] is acts[i]'s load (same
// length; a shorter loads slice leaves the rest without load). A day is the
// activity's local calendar day at its start (Activity.LocalStart, i.e. the
// file's offset or the athlete's zone). Load counts for every sport;
// distance, time, runs and the longest run only for running; hard sessions
// by IsHard on the character. The result is sorted by date, one entry per
// day with activities.
func Inputs(acts []*rebound.Activity, loads []rebound.WorkoutLoad) []DailyInput {
	type ref struct {
		day Date
		i   int
	}
	refs := make([]ref, 0, len(acts))
	for i, a := range acts {
		if a == nil {
			continue
		}
		// The local day of the start, without building a time.Location
		// per activity (LocalStart does): floor((unix + offset) / 86400).
		refs = append(refs, ref{Date(floorDiv(a.StartTime.Unix()+int64(a.UTCOffsetS), 86400)), i})
	}
	slices.SortStableFunc(refs, func(a, b ref) int { return int(a.day) - int(b.day) })
	var out []DailyInput
	for _, r := range refs {
		if len(out) == 0 || out[len(out)-1].Date != r.day {
			out = append(out, DailyInput{Date: r.day})
		}
		in, a := &out[len(out)-1], acts[r.i]
		if r.i < len(loads) {
			l := loads[r.i]
			if !math.IsNaN(l.Load) && !math.IsInf(l.Load, 0) && l.Load > 0 {
				in.Load += l.Load
			}
			if IsHard(l.Character) {
				in.Hard = true
				if end := a.EndTime(); end.After(in.LastHardEnd) {
					in.LastHardEnd = end
				}
			}
		}
		if isRun(a) {
			in.Runs++
			if a.DistanceM > 0 {
				in.DistanceM += a.DistanceM
				if a.DistanceM > in.LongestRunM {
					in.LongestRunM = a.DistanceM
				}
			}
			t := a.MovingS
			if t <= 0 {
				t = a.ElapsedS
			}
			if t > 0 {
				in.TimeS += t
			}
		}
	}
	return out
}

// Day is the daily model on one day. Figures that need more history than
// there is are nil (JSON null).
type Day struct {
	DailyInput

	// Fitness, fatigue, form. TrainingPeaks' form (science.md §5, D):
	// CTL_t = CTL_{t−1} + (load_t − CTL_{t−1})/42, ATL the same with 7,
	// TSB_t = CTL_{t−1} − ATL_{t−1} ("form is for tomorrow"): today's form
	// is what the runner brought into today, before today's training.
	CTL     float64 `json:"ctl"`
	ATL     float64 `json:"atl"`
	TSB     float64 `json:"tsb"`
	TSBBand string  `json:"tsb_band"`
	// Ramp is CTL_t − CTL_{t−7}; RampLevel "amber" above RampWarn, "red"
	// above RampRed for RampRedWeeks weeks running (Friel 2015). No level
	// during the first CTLDays of history, while CTL is still filling up
	// from zero (Rebound's choice: that rise is an artefact of the start).
	Ramp      float64 `json:"ramp"`
	RampLevel string  `json:"ramp_level,omitempty"`

	// ACWR as EWMA (Williams 2017), acute λ 0.25, chronic λ 0.069, with the
	// chronic side uncoupled: acute_t / chronic_{t−7}, so the acute week is
	// not inside the chronic figure (Lolli 2019). ACWRRolling is the
	// rolling-average cross-check: mean load of t−6…t over the mean of
	// t−27…t−7 (Windt & Gabbett 2019). Information only (Impellizzeri 2020).
	// Nil before 28 days of history or with no chronic load.
	AcuteEWMA   float64  `json:"acute_ewma"`
	ChronicEWMA float64  `json:"chronic_ewma"` // through today; ACWR uses the value of t−7
	ACWR        *float64 `json:"acwr"`
	ACWRRolling *float64 `json:"acwr_rolling"`

	// Foster (1998): monotony = mean / SD of the 7 daily loads t−6…t (rest
	// days 0; population SD, Rebound's choice — the week is the whole
	// population), strain = weekly load × monotony. Nil when the SD is 0.
	WeekLoad float64  `json:"week_load"`
	Monotony *float64 `json:"monotony"`
	Strain   *float64 `json:"strain"`

	// Rolling 7-day running volume (t−6…t) against the 7 days before
	// (t−13…t−7); change in percent, nil when the previous week is empty.
	// WeekLevel: "info" above the article's 10 % guideline, "amber" above
	// 30 % (Nielsen 2014).
	WeekDistanceM     float64  `json:"week_distance_m"`
	WeekTimeS         float64  `json:"week_time_s"`
	PrevWeekDistanceM float64  `json:"prev_week_distance_m"`
	PrevWeekTimeS     float64  `json:"prev_week_time_s"`
	WeekChangePct     *float64 `json:"week_change_pct"`
	WeekTimeChangePct *float64 `json:"week_time_change_pct"`
	WeekLevel         string   `json:"week_level,omitempty"`

	// Single-run spike (Frandsen 2025): today's longest run against the
	// longest of the previous 30 days (t−30…t−1), in percent; band amber
	// > 10, orange > 30, red > 100. Nil without a run today or before.
	Longest30dM float64  `json:"longest_30d_m"`
	SpikePct    *float64 `json:"spike_pct"`
	SpikeLevel  string   `json:"spike_level,omitempty"`

	// Long-run share: the longest run of t−6…t over the week's running
	// distance, percent (the article's ~25 %); "info" above it.
	LongRunSharePct *float64 `json:"long_run_share_pct"`
	LongRunLevel    string   `json:"long_run_level,omitempty"`

	// Hard/easy pattern: hard today and yesterday; when the latest hard
	// session up to today ended (nil: none since the history start).
	HardBackToBack bool       `json:"hard_back_to_back"`
	LastHardEnd    *time.Time `json:"last_hard_end_at"`
}

// Days runs the daily model from day from to day to (inclusive), starting
// from zero fitness and fatigue the day before from; inputs outside the
// range are ignored (start from at the first activity). inputs need not be
// sorted; several inputs on one day add up.
func Days(inputs []DailyInput, from, to Date, p Params) []Day {
	if to < from {
		return nil
	}
	days := make([]Day, int(to-from)+1)
	fill(days, 0, from, inputs)
	ar := newArena(len(days))
	for i := range days {
		step(days, i, p, &ar)
	}
	return days
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// arena hands out the optional figures of a run of days from one
// allocation instead of one per figure (a 10-year model has ~30 000).
type arena struct{ buf []float64 }

func newArena(days int) arena { return arena{buf: make([]float64, 0, 8*days)} }

func (a *arena) float(v float64) *float64 {
	if len(a.buf) == cap(a.buf) {
		a.buf = make([]float64, 0, 64)
	}
	a.buf = append(a.buf, v)
	return &a.buf[len(a.buf)-1]
}

// Update recomputes days (the output of Days or Update, starting at its
// first day) from day changedFrom through to, after the inputs changed on
// or after changedFrom: days before changedFrom are kept as they are, later
// ones are recomputed from inputs (the complete, updated inputs). The result
// is identical to Days(inputs, days[0].Date, to, p); when changedFrom is
// before the first day, that is what it computes. Like append, Update may
// reuse days' storage: use the result, not days, afterwards.
func Update(days []Day, changedFrom Date, inputs []DailyInput, to Date, p Params) []Day {
	if len(days) == 0 {
		return Days(inputs, changedFrom, to, p)
	}
	from := days[0].Date
	if changedFrom <= from || to < from {
		return Days(inputs, from, to, p)
	}
	n := int(to-from) + 1
	keep := min(int(changedFrom-from), len(days), n)
	out := days
	if n > cap(days) {
		out = make([]Day, n)
		copy(out, days[:keep])
	}
	out = out[:n]
	fill(out, keep, from, inputs)
	ar := newArena(n - keep)
	for i := keep; i < n; i++ {
		step(out, i, p, &ar)
	}
	return out
}

// fill resets days[k:] to their raw inputs.
func fill(days []Day, k int, from Date, inputs []DailyInput) {
	for i := k; i < len(days); i++ {
		days[i] = Day{DailyInput: DailyInput{Date: from + Date(i)}}
	}
	for _, in := range inputs {
		i := int(in.Date - from)
		if i < k || i >= len(days) {
			continue
		}
		d := &days[i].DailyInput
		d.Load += in.Load
		d.DistanceM += in.DistanceM
		d.TimeS += in.TimeS
		d.Runs += in.Runs
		d.LongestRunM = math.Max(d.LongestRunM, in.LongestRunM)
		d.Hard = d.Hard || in.Hard
		if in.LastHardEnd.After(d.LastHardEnd) {
			d.LastHardEnd = in.LastHardEnd
		}
	}
}

// step computes day i's model figures from its inputs and days[:i]. It
// reads only stored fields of earlier days, so a partial recompute (Update)
// performs exactly the same arithmetic as a full one.
func step(days []Day, i int, p Params, ar *arena) {
	d := &days[i]
	var prev Day // zero state before the history starts
	if i > 0 {
		prev = days[i-1]
	}
	// Window aggregates, in one pass over days[i−back … i] (clamped at the
	// history start), always in the same order so that Update and Days do
	// the same arithmetic. off = days back from today.
	lag, first := p.ACWRChronicLagDays, p.ACWRChronicFirst
	back := max(13, first, p.SpikeLookbackDays)
	var acuteSum, chronicSum, weekLoad, weekDist, weekTime, prevDist, prevTime, longest7, longest30 float64
	for k := max(0, i-back); k <= i; k++ {
		x := &days[k]
		switch off := i - k; {
		case off < 7:
			weekLoad += x.Load
			weekDist += x.DistanceM
			weekTime += x.TimeS
			if x.LongestRunM > longest7 {
				longest7 = x.LongestRunM
			}
		case off <= 13:
			prevDist += x.DistanceM
			prevTime += x.TimeS
		}
		if off := i - k; off < lag {
			acuteSum += x.Load
		} else if off <= first {
			chronicSum += x.Load
		}
		if off := i - k; off >= 1 && off <= p.SpikeLookbackDays && x.LongestRunM > longest30 {
			longest30 = x.LongestRunM
		}
	}

	// CTL, ATL, TSB (TrainingPeaks form).
	d.CTL = prev.CTL + (d.Load-prev.CTL)/p.CTLDays
	d.ATL = prev.ATL + (d.Load-prev.ATL)/p.ATLDays
	d.TSB = prev.CTL - prev.ATL
	d.TSBBand = TSBBand(d.TSB, p)

	// Ramp.
	ctl7 := 0.0
	if i >= 7 {
		ctl7 = days[i-7].CTL
	}
	d.Ramp = d.CTL - ctl7
	if float64(i) >= p.CTLDays {
		switch {
		case d.Ramp > p.RampRed && i >= 7*(p.RampRedWeeks-1) && rampHeld(days, i, p):
			d.RampLevel = LevelRed
		case d.Ramp > p.RampWarn:
			d.RampLevel = LevelAmber
		}
	}

	// ACWR.
	d.AcuteEWMA = p.ACWRLambdaAcute*d.Load + (1-p.ACWRLambdaAcute)*prev.AcuteEWMA
	d.ChronicEWMA = p.ACWRLambdaChronic*d.Load + (1-p.ACWRLambdaChronic)*prev.ChronicEWMA
	if i >= p.ACWRChronicFirst {
		if c := days[i-p.ACWRChronicLagDays].ChronicEWMA; c > 0 {
			d.ACWR = ar.float(d.AcuteEWMA / c)
		}
		if chronic := chronicSum / float64(first-lag+1); chronic > 0 {
			d.ACWRRolling = ar.float(acuteSum / float64(lag) / chronic)
		}
	}

	// Monotony and strain.
	d.WeekLoad = weekLoad
	mean := d.WeekLoad / 7
	ss := 0.0
	for k := i - 6; k <= i; k++ {
		x := 0.0
		if k >= 0 {
			x = days[k].Load
		}
		ss += (x - mean) * (x - mean)
	}
	if sd := math.Sqrt(ss / 7); sd > 1e-9 {
		m := mean / sd
		d.Monotony = ar.float(m)
		d.Strain = ar.float(d.WeekLoad * m)
	}

	// Weekly volume.
	d.WeekDistanceM, d.WeekTimeS = weekDist, weekTime
	d.PrevWeekDistanceM, d.PrevWeekTimeS = prevDist, prevTime
	if d.PrevWeekDistanceM > 0 {
		c := 100 * (d.WeekDistanceM/d.PrevWeekDistanceM - 1)
		d.WeekChangePct = ar.float(c)
		switch {
		case c > p.WeeklyIncreaseWarnPct:
			d.WeekLevel = LevelAmber
		case c > p.WeeklyGuidelinePct:
			d.WeekLevel = LevelInfo
		}
	}
	if d.PrevWeekTimeS > 0 {
		d.WeekTimeChangePct = ar.float(100 * (d.WeekTimeS/d.PrevWeekTimeS - 1))
	}

	// Single-run spike.
	d.Longest30dM = longest30
	if d.LongestRunM > 0 && d.Longest30dM > 0 {
		s := 100 * (d.LongestRunM/d.Longest30dM - 1)
		d.SpikePct = ar.float(s)
		d.SpikeLevel = SpikeLevel(s, p)
	}

	// Long-run share.
	if d.WeekDistanceM > 0 {
		s := 100 * longest7 / d.WeekDistanceM
		d.LongRunSharePct = ar.float(s)
		if s > p.LongRunSharePct {
			d.LongRunLevel = LevelInfo
		}
	}

	// Hard/easy.
	d.HardBackToBack = d.Hard && prev.Hard
	switch {
	case !d.DailyInput.LastHardEnd.IsZero():
		t := d.DailyInput.LastHardEnd
		d.LastHardEnd = &t
	default:
		d.LastHardEnd = prev.LastHardEnd
	}
}

// rampHeld reports whether the ramp exceeded RampRed at every weekly
// checkpoint of the last RampRedWeeks weeks (t, t−7, …).
func rampHeld(days []Day, i int, p Params) bool {
	for w := 1; w < p.RampRedWeeks; w++ {
		k := i - 7*w
		if k < 0 || days[k].Ramp <= p.RampRed {
			return false
		}
	}
	return true
}

// TSBBand names the form band of tsb (science.md §5): > +25 transition,
// +5…+25 fresh, −10…+5 grey, −30…−10 productive, < −30 high risk. An edge
// value belongs to the band above it, except +25, the top of "fresh".
func TSBBand(tsb float64, p Params) string {
	switch {
	case tsb > p.TSBTransition:
		return BandTransition
	case tsb >= p.TSBFresh:
		return BandFresh
	case tsb >= p.TSBGrey:
		return BandGrey
	case tsb >= p.TSBHighRisk:
		return BandProductive
	}
	return BandHighRisk
}

// SpikeLevel is Frandsen's band of a single-run spike in percent: > 100
// red, > 30 orange, > 10 amber, else "".
func SpikeLevel(pct float64, p Params) string {
	switch {
	case pct > p.SpikeRedPct:
		return LevelRed
	case pct > p.SpikeOrangePct:
		return LevelOrange
	case pct > p.SpikeAmberPct:
		return LevelAmber
	}
	return ""
}
