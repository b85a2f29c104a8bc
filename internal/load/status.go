package load

import (
	"fmt"
	"math"
	"time"

	"rebound"
)

// Explanation says how a figure was computed, for --explain.
type Explanation struct {
	Inputs  map[string]float64 `json:"inputs"`
	Formula string             `json:"formula"`
	Source  string             `json:"source"`
}

// Figure is one number of the status with what it means to the runner.
type Figure struct {
	Name        string      `json:"name"`            // stable key: "fitness", "form", ...
	Value       *float64    `json:"value"`           // nil: not enough history
	Unit        string      `json:"unit,omitempty"`  // "", "m", "s", "%", "h"
	Label       string      `json:"label,omitempty"` // a band or level name, e.g. "productive"
	Meaning     string      `json:"meaning"`         // one line in the runner's language
	Warning     string      `json:"warning,omitempty"`
	Level       string      `json:"level,omitempty"` // LevelInfo … LevelRed; "" = nothing to say
	Explanation Explanation `json:"explanation"`
}

// Status is the daily model on one day: the raw Day and its figures in
// display order (fitness, fatigue, form, ramp, acwr, monotony, strain,
// weekly_distance, weekly_time, last_spike, long_run_share, hours_since_hard,
// hard_back_to_back).
type Status struct {
	Date    Date     `json:"date"`
	Day     Day      `json:"day"`
	Figures []Figure `json:"figures"`
}

// Figure returns the figure named name, or nil.
func (s *Status) Figure(name string) *Figure {
	for i := range s.Figures {
		if s.Figures[i].Name == name {
			return &s.Figures[i]
		}
	}
	return nil
}

// StatusOn builds the status for day on from days (the output of Days or
// Update, which must cover on). at is the instant "now" for the hours since
// the last hard session (the caller's clock); age (nil = unknown) chooses
// the 48 h or 72 h gap.
func StatusOn(days []Day, on Date, at time.Time, age *int, p Params) (Status, error) {
	if len(days) == 0 {
		return Status{}, rebound.Errorf(rebound.EInvalid, "no training history to report on")
	}
	i := int(on - days[0].Date)
	if i < 0 || i >= len(days) {
		return Status{}, rebound.Errorf(rebound.EInvalid, "date %s is outside the training history (%s to %s)", on, days[0].Date, days[len(days)-1].Date)
	}
	d := days[i]
	var prev Day
	if i > 0 {
		prev = days[i-1]
	}
	st := Status{Date: on, Day: d}
	add := func(f Figure) { st.Figures = append(st.Figures, f) }
	const pmcSource = "TrainingPeaks PMC (Coggan); GoldenCheetah PMCData.cpp; science.md §5 (D)"

	add(Figure{Name: "fitness", Value: rebound.Float(d.CTL),
		Meaning: fmt.Sprintf("fitness (CTL): your load averaged over ~%.0f days; higher means more training absorbed", p.CTLDays),
		Explanation: Explanation{Inputs: map[string]float64{"ctl_yesterday": prev.CTL, "load_today": d.Load, "days": p.CTLDays},
			Formula: "CTL = CTL_yesterday + (load_today − CTL_yesterday) / 42", Source: pmcSource}})
	add(Figure{Name: "fatigue", Value: rebound.Float(d.ATL),
		Meaning: fmt.Sprintf("fatigue (ATL): your load averaged over ~%.0f days", p.ATLDays),
		Explanation: Explanation{Inputs: map[string]float64{"atl_yesterday": prev.ATL, "load_today": d.Load, "days": p.ATLDays},
			Formula: "ATL = ATL_yesterday + (load_today − ATL_yesterday) / 7", Source: pmcSource}})

	form := Figure{Name: "form", Value: rebound.Float(d.TSB), Label: d.TSBBand,
		Meaning: "form (TSB): yesterday's fitness minus yesterday's fatigue; " + bandMeaning(d.TSBBand),
		Explanation: Explanation{Inputs: map[string]float64{"ctl_yesterday": prev.CTL, "atl_yesterday": prev.ATL},
			Formula: "TSB = CTL_yesterday − ATL_yesterday; bands > +25 transition, +5…+25 fresh, −10…+5 grey, −30…−10 productive, < −30 high risk",
			Source:  "Friel; TrainingPeaks \"Applying the Numbers Part 3\"; science.md §5 (D)"}}
	switch d.TSBBand {
	case BandHighRisk:
		form.Level, form.Warning = LevelRed, "form below −30: fatigue far above fitness; injury and illness risk is high"
	case BandTransition:
		form.Level, form.Warning = LevelInfo, "form above +25: you are losing fitness"
	}
	add(form)

	ramp := Figure{Name: "ramp", Value: rebound.Float(d.Ramp), Unit: "/wk",
		Meaning: "fitness ramp: how much CTL rose over the last 7 days; +5–8 a week is sustainable for most",
		Explanation: Explanation{Inputs: map[string]float64{"ctl_today": d.CTL, "ctl_7_days_ago": d.CTL - d.Ramp, "warn": p.RampWarn, "red": p.RampRed},
			Formula: "ramp = CTL_t − CTL_{t−7}; warn > 8, red > 10 for 2 weeks running", Source: "Friel 2015, \"The CTL ramp rate\"; Couzens 2015; science.md §5 (D)"}}
	switch d.RampLevel {
	case LevelRed:
		ramp.Level, ramp.Warning = LevelRed, fmt.Sprintf("fitness has risen more than %.0f a week for %d weeks: back off", p.RampRed, p.RampRedWeeks)
	case LevelAmber:
		ramp.Level, ramp.Warning = LevelAmber, fmt.Sprintf("fitness rising faster than %.0f a week", p.RampWarn)
	}
	add(ramp)

	acwr := Figure{Name: "acwr", Value: d.ACWR,
		Meaning: "acute:chronic workload ratio (EWMA, uncoupled): this week's load against the weeks before; information only — it does not predict injury",
		Explanation: Explanation{Inputs: map[string]float64{"acute_ewma": d.AcuteEWMA, "lambda_acute": p.ACWRLambdaAcute, "lambda_chronic": p.ACWRLambdaChronic},
			Formula: "EWMA_t = λ·load_t + (1 − λ)·EWMA_{t−1}; ACWR = acute_t / chronic_{t−7} (chronic excludes the acute week)",
			Source:  "Williams 2017; Lolli 2019; Windt & Gabbett 2019; Impellizzeri 2020; Frandsen 2025; science.md §5 (B)"}}
	if i >= p.ACWRChronicLagDays {
		acwr.Explanation.Inputs["chronic_ewma_7_days_ago"] = days[i-p.ACWRChronicLagDays].ChronicEWMA
	}
	if d.ACWRRolling != nil {
		acwr.Explanation.Inputs["rolling_uncoupled"] = *d.ACWRRolling
	}
	if d.ACWR == nil {
		acwr.Meaning += " (needs 4 weeks of history)"
	} else if *d.ACWR > p.ACWRAmber {
		acwr.Level = LevelInfo
		acwr.Warning = fmt.Sprintf("above %.1f: a big jump on recent weeks (shown for information; the ratio is not a validated injury predictor)", p.ACWRAmber)
	}
	add(acwr)

	mono := Figure{Name: "monotony", Value: d.Monotony,
		Meaning: "training monotony: mean daily load ÷ its SD over 7 days; high when every day is alike",
		Explanation: Explanation{Inputs: map[string]float64{"week_load": d.WeekLoad, "warn": p.MonotonyWarn},
			Formula: "monotony = mean(load t−6…t) / SD(load t−6…t), rest days = 0", Source: "Foster 1998; science.md §5 (B/D)"}}
	if d.Monotony != nil && *d.Monotony > p.MonotonyWarn {
		mono.Level, mono.Warning = LevelAmber, fmt.Sprintf("monotony above %.1f: vary hard and easy days", p.MonotonyWarn)
	}
	if d.Monotony == nil {
		mono.Meaning += " (undefined: all 7 days had the same load)"
	}
	add(mono)
	add(Figure{Name: "strain", Value: d.Strain,
		Meaning: "training strain: weekly load × monotony",
		Explanation: Explanation{Inputs: map[string]float64{"week_load": d.WeekLoad},
			Formula: "strain = Σ load t−6…t × monotony", Source: "Foster 1998; science.md §5 (B/D)"}})

	week := Figure{Name: "weekly_distance", Value: rebound.Float(d.WeekDistanceM), Unit: "m",
		Meaning: "running distance in the last 7 days, with the change on the 7 days before",
		Explanation: Explanation{Inputs: map[string]float64{"week_m": d.WeekDistanceM, "prev_week_m": d.PrevWeekDistanceM, "guideline_pct": p.WeeklyGuidelinePct, "warn_pct": p.WeeklyIncreaseWarnPct},
			Formula: "change = 100·(Σ t−6…t / Σ t−13…t−7 − 1)", Source: "Nielsen 2014; Buist 2008; science.md §5 (B)"}}
	if d.WeekChangePct != nil {
		week.Explanation.Inputs["change_pct"] = *d.WeekChangePct
		switch d.WeekLevel {
		case LevelAmber:
			week.Level, week.Warning = LevelAmber, fmt.Sprintf("up %.0f %% on the week before: > %.0f %% went with more distance-related injuries in novices (Nielsen 2014)", *d.WeekChangePct, p.WeeklyIncreaseWarnPct)
		case LevelInfo:
			week.Level, week.Warning = LevelInfo, fmt.Sprintf("up %.0f %%: above the article's %.0f %% guideline (a trial found the 10 %% rule no safer; Buist 2008)", *d.WeekChangePct, p.WeeklyGuidelinePct)
		}
	}
	add(week)
	wt := Figure{Name: "weekly_time", Value: rebound.Float(d.WeekTimeS), Unit: "s",
		Meaning: "running time in the last 7 days",
		Explanation: Explanation{Inputs: map[string]float64{"week_s": d.WeekTimeS, "prev_week_s": d.PrevWeekTimeS},
			Formula: "Σ moving time t−6…t", Source: "science.md §5"}}
	if d.WeekTimeChangePct != nil {
		wt.Explanation.Inputs["change_pct"] = *d.WeekTimeChangePct
	}
	add(wt)

	// The most recent spike within the look-back window.
	spike := Figure{Name: "last_spike", Unit: "%",
		Meaning: fmt.Sprintf("no run in the last %d days was more than %.0f %% longer than your longest of the 30 days before it", p.SpikeLookbackDays, p.SpikeAmberPct),
		Explanation: Explanation{Inputs: map[string]float64{"amber_pct": p.SpikeAmberPct, "orange_pct": p.SpikeOrangePct, "red_pct": p.SpikeRedPct},
			Formula: "spike = 100·(run distance / longest run of the previous 30 days − 1)", Source: "Frandsen 2025, BJSM 59:1203; science.md §5 (B)"}}
	for k := i; k >= 0 && k > i-p.SpikeLookbackDays; k-- {
		if days[k].SpikeLevel == "" {
			continue
		}
		sd := days[k]
		spike.Value, spike.Label, spike.Level = rebound.Float(*sd.SpikePct), sd.Date.String(), sd.SpikeLevel
		spike.Meaning = fmt.Sprintf("on %s a run was %.0f %% longer than your longest of the 30 days before", sd.Date, *sd.SpikePct)
		spike.Warning = fmt.Sprintf("single-run spike > %.0f %% (Frandsen 2025: injury risk ×%s)", spikeFloor(*sd.SpikePct, p), spikeHRR(*sd.SpikePct, p))
		spike.Explanation.Inputs["run_m"] = sd.LongestRunM
		spike.Explanation.Inputs["longest_30d_m"] = sd.Longest30dM
		break
	}
	add(spike)

	share := Figure{Name: "long_run_share", Value: d.LongRunSharePct, Unit: "%",
		Meaning: fmt.Sprintf("the longest run of the last 7 days as a share of the week's distance (the article suggests ~%.0f %%)", p.LongRunSharePct),
		Explanation: Explanation{Inputs: map[string]float64{"week_m": d.WeekDistanceM, "guideline_pct": p.LongRunSharePct},
			Formula: "100 · longest run t−6…t / Σ distance t−6…t", Source: "the article's guideline (D)"}}
	if d.LongRunLevel != "" {
		share.Level, share.Warning = LevelInfo, fmt.Sprintf("above the article's ~%.0f %%", p.LongRunSharePct)
	}
	add(share)

	gap, gapWhy := p.HardGapH, fmt.Sprintf("under %d", p.MastersAge)
	if age != nil && *age >= p.MastersAge {
		gap, gapWhy = p.HardGapMastersH, fmt.Sprintf("%d or older", p.MastersAge)
	} else if age == nil {
		gapWhy = "age unknown"
	}
	hard := Figure{Name: "hours_since_hard", Unit: "h",
		Meaning: "no hard session (workout, long run or race) on record",
		Explanation: Explanation{Inputs: map[string]float64{"gap_h": gap},
			Formula: fmt.Sprintf("hours from the end of the last hard session to now; ≥ %.0f h between hard sessions (%s)", gap, gapWhy),
			Source:  "coaching practice; Doering 2016; Fell 2008; science.md §8 (D)"}}
	if d.LastHardEnd != nil {
		h := math.Max(0, at.Sub(*d.LastHardEnd).Hours())
		hard.Value = rebound.Float(h)
		hard.Explanation.Inputs["hours"] = h
		hard.Meaning = fmt.Sprintf("hours since your last hard session ended; wait ≥ %.0f h before the next (%s)", gap, gapWhy)
		if h < gap {
			hard.Level = LevelAmber
			hard.Warning = fmt.Sprintf("next hard session not before %s (%.0f h after the last)", d.LastHardEnd.Add(time.Duration(gap*float64(time.Hour))).Format("Mon 15:04"), gap)
		}
	}
	add(hard)

	b2b := Figure{Name: "hard_back_to_back", Value: rebound.Float(0),
		Meaning: "hard sessions on consecutive days",
		Explanation: Explanation{Inputs: map[string]float64{"hard_today": b2f(d.Hard), "hard_yesterday": b2f(prev.Hard)},
			Formula: "hard today and hard yesterday", Source: "hard/easy pattern, coaching practice; science.md §8 (D)"}}
	if d.HardBackToBack {
		b2b.Value, b2b.Level, b2b.Warning = rebound.Float(1), LevelAmber, "two hard days back to back: make the next one easy"
	}
	add(b2b)
	return st, nil
}

func bandMeaning(b string) string {
	switch b {
	case BandTransition:
		return "very fresh; fitness is fading"
	case BandFresh:
		return "fresh: ready to race"
	case BandGrey:
		return "neutral: neither fresh nor building"
	case BandProductive:
		return "productive training fatigue"
	}
	return "deep fatigue: high risk"
}

func spikeFloor(pct float64, p Params) float64 {
	switch {
	case pct > p.SpikeRedPct:
		return p.SpikeRedPct
	case pct > p.SpikeOrangePct:
		return p.SpikeOrangePct
	}
	return p.SpikeAmberPct
}

// spikeHRR quotes Frandsen 2025's hazard rate ratios per band (science.md
// §5): > 10–30 % 1.64, > 30–100 % 1.52, > 100 % 2.28.
func spikeHRR(pct float64, p Params) string {
	switch {
	case pct > p.SpikeRedPct:
		return "2.28"
	case pct > p.SpikeOrangePct:
		return "1.52"
	}
	return "1.64"
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
