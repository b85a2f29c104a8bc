package readiness

import (
	"fmt"
	"strings"

	"rebound"
)

// Params are the thresholds of the readiness rules. DefaultParams gives the
// values of ../shared/science.md (defaults table); the runner may tune them
// within the allowed ranges given there.
type Params struct {
	// HRVRollingDays and HRVMinReadings: the 7-day rolling mean of
	// LnRMSSD needs at least 3 valid readings in the window
	// (hrv_metric / rolling_d / min_valid = LnRMSSD / 7 / 3; Plews 2013,
	// 2014, B).
	HRVRollingDays int
	HRVMinReadings int
	// HRVSWCSD is the normal range's half-width in baseline SDs: mean ± 0.5 SD,
	// the smallest worthwhile change (swc_sd 0.5, allowed 0.5–1.0; Plews
	// 2012; Vesterinen 2016, B). A rolling mean below it is amber.
	HRVSWCSD float64
	// HRVRedSD: a rolling mean this many SDs below the baseline mean is red.
	// Rebound's choice: 1.0 is the top of swc_sd's allowed range and the
	// "mean − SD" cut of Kiviniemi 2007 (science.md §7, B); science.md gives
	// no red band for HRV, and a 7-day mean that far down is a sustained drop,
	// not a bad morning.
	HRVRedSD float64

	// BaselineDays is the window of the personal baselines: the HRV normal
	// range (hrv_baseline_d 60; Altini & Plews 2021, B) and the wellness
	// z-scores ("28–60-d baseline", science.md §7).
	BaselineDays int
	// BaselineMinReadings is how many readings a baseline needs before it is
	// used. 28: the low end of hrv_baseline_d's allowed range (28–90) and of
	// the 28–60-day wellness baseline (science.md §7); Vesterinen 2016 used a
	// 4-week baseline.
	BaselineMinReadings int

	// RHRDays and RHRMinReadings: today's resting HR is compared with the mean
	// of the 7 days before (rhr_amber / red "bpm over 7-d mean"). The 3-reading
	// minimum is Rebound's choice, mirroring the HRV 3-of-7 rule.
	RHRDays        int
	RHRMinReadings int
	// RHRAmberBPM / RHRRedBPM: +5 / +10 bpm over the 7-day mean (coaching
	// practice; Dressendorfer 1985 saw +10 bpm over a 20-day stage race;
	// science.md §7, C/D).
	RHRAmberBPM float64
	RHRRedBPM   float64

	// ZAmber / ZRed: wellness z-scores at or below −1 / −2 against the
	// runner's own baseline (wellness_z_amber / red; the thresholds are
	// grade D, Saw 2016 supports the measures, not the cut-offs).
	ZAmber float64
	ZRed   float64
	// ZMinSD floors the SD of a 1–5 score's baseline. Rebound's choice: one
	// scale step is the smallest change a runner can report, so a single step
	// worse than usual is at most amber (z = −1) and red needs two steps; a
	// runner who always answers "3" would otherwise turn red on any change.
	ZMinSD float64

	// SleepTargetH: the sleep target (sleep_target_h 8; Watson 2015, A).
	// SleepOKH: below 7 h is amber (adults ≥ 7 h, Watson 2015; habitual
	// < 7 h raises infection risk, Walsh 2021; A).
	// SleepRedH: below 6 h performance falls −7.6% on average (red_below_h 6;
	// Craven 2022, A). One such night is amber; SleepRedNights (2) in a row are
	// red, the Red Alert trigger of issue 5 ("sleep < 6 h two nights running").
	SleepTargetH   float64
	SleepOKH       float64
	SleepRedH      float64
	SleepRedNights int

	// AlcoholWarnGPerKg / AlcoholRedGPerKg: alcohol on a recovery day, warn
	// ≥ 0.5, red ≥ 1.0 g per kg body mass (alcohol_recovery_day_g_per_kg;
	// Parr 2014, Barnes 2014; B/D).
	AlcoholWarnGPerKg float64
	AlcoholRedGPerKg  float64
	// DrinkG is the ethanol in one standard drink. Rebound's choice: 14 g,
	// the US standard drink (NIAAA); not in science.md. UK units are 8 g and
	// many countries use 10 g, so this errs towards more alcohol per drink.
	DrinkG float64
	// WeightKg is the body mass from the athlete's profile, used for alcohol
	// when no check-in gives one. nil = unknown.
	WeightKg *float64
}

// DefaultParams returns the science.md defaults.
func DefaultParams() Params {
	return Params{
		HRVRollingDays:      7,
		HRVMinReadings:      3,
		HRVSWCSD:            0.5,
		HRVRedSD:            1.0,
		BaselineDays:        60,
		BaselineMinReadings: 28,
		RHRDays:             7,
		RHRMinReadings:      3,
		RHRAmberBPM:         5,
		RHRRedBPM:           10,
		ZAmber:              -1,
		ZRed:                -2,
		ZMinSD:              1,
		SleepTargetH:        8,
		SleepOKH:            7,
		SleepRedH:           6,
		SleepRedNights:      2,
		AlcoholWarnGPerKg:   0.5,
		AlcoholRedGPerKg:    1.0,
		DrinkG:              14,
	}
}

// orDefault replaces zero fields with the defaults, so a partly filled Params
// (or the zero value) still works.
func (p Params) orDefault() Params {
	d := DefaultParams()
	setI := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setF := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setI(&p.HRVRollingDays, d.HRVRollingDays)
	setI(&p.HRVMinReadings, d.HRVMinReadings)
	setF(&p.HRVSWCSD, d.HRVSWCSD)
	setF(&p.HRVRedSD, d.HRVRedSD)
	setI(&p.BaselineDays, d.BaselineDays)
	setI(&p.BaselineMinReadings, d.BaselineMinReadings)
	setI(&p.RHRDays, d.RHRDays)
	setI(&p.RHRMinReadings, d.RHRMinReadings)
	setF(&p.RHRAmberBPM, d.RHRAmberBPM)
	setF(&p.RHRRedBPM, d.RHRRedBPM)
	setF(&p.ZAmber, d.ZAmber)
	setF(&p.ZRed, d.ZRed)
	setF(&p.ZMinSD, d.ZMinSD)
	setF(&p.SleepTargetH, d.SleepTargetH)
	setF(&p.SleepOKH, d.SleepOKH)
	setF(&p.SleepRedH, d.SleepRedH)
	setI(&p.SleepRedNights, d.SleepRedNights)
	setF(&p.AlcoholWarnGPerKg, d.AlcoholWarnGPerKg)
	setF(&p.AlcoholRedGPerKg, d.AlcoholRedGPerKg)
	setF(&p.DrinkG, d.DrinkG)
	return p
}

// Validate checks the parameters against the allowed ranges of science.md's
// defaults table, so a runner's tuning cannot leave the evidence behind.
func (p Params) Validate() error {
	var bad []string
	checkI := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			bad = append(bad, fmt.Sprintf("%s %d out of range (%d–%d)", name, v, lo, hi))
		}
	}
	checkF := func(name string, v, lo, hi float64) {
		if !(v >= lo && v <= hi) {
			bad = append(bad, fmt.Sprintf("%s %g out of range (%g–%g)", name, v, lo, hi))
		}
	}
	checkI("hrv rolling days", p.HRVRollingDays, 5, 10)                           // hrv rolling_d 5–10
	checkI("hrv minimum readings", p.HRVMinReadings, 3, 7)                        // min_valid 3–7
	checkF("hrv swc sd", p.HRVSWCSD, 0.5, 1.0)                                    // swc_sd 0.5–1.0
	checkF("hrv red sd", p.HRVRedSD, p.HRVSWCSD, 2)                               // Rebound's choice: below the amber edge, at most 2 SD
	checkI("baseline days", p.BaselineDays, 28, 90)                               // hrv_baseline_d 28–90
	checkI("baseline minimum readings", p.BaselineMinReadings, 7, p.BaselineDays) // Rebound's choice: a week at least
	checkI("resting HR days", p.RHRDays, 5, 10)                                   // Rebound's choice, like hrv rolling_d
	checkI("resting HR minimum readings", p.RHRMinReadings, 2, p.RHRDays)
	checkF("resting HR amber bpm", p.RHRAmberBPM, 3, 10) // rhr 3–10
	checkF("resting HR red bpm", p.RHRRedBPM, p.RHRAmberBPM, 10)
	checkF("wellness z amber", p.ZAmber, -3, -0.5) // Rebound's choice around −1
	checkF("wellness z red", p.ZRed, -4, p.ZAmber)
	checkF("wellness minimum sd", p.ZMinSD, 0.25, 2) // Rebound's choice
	checkF("sleep target h", p.SleepTargetH, 7, 10)  // sleep_target_h 7–10
	checkF("sleep red h", p.SleepRedH, 5, 6)         // red_below_h 5–6
	checkF("sleep ok h", p.SleepOKH, p.SleepRedH, p.SleepTargetH)
	checkI("sleep red nights", p.SleepRedNights, 1, 3)
	checkF("alcohol warn g/kg", p.AlcoholWarnGPerKg, 0.1, 1.0)
	checkF("alcohol red g/kg", p.AlcoholRedGPerKg, p.AlcoholWarnGPerKg, 2)
	checkF("drink g", p.DrinkG, 8, 20) // UK unit 8 g … US 14 g and larger pours
	if p.WeightKg != nil {
		checkF("weight kg", *p.WeightKg, rebound.MinWeightKg, rebound.MaxWeightKg)
	}
	if len(bad) > 0 {
		return rebound.Errorf(rebound.EInvalid, "readiness parameters: %s", strings.Join(bad, "; "))
	}
	return nil
}
