package load

// Params holds every constant of the load model. DefaultParams gives the
// values of ../shared/science.md (defaults table and §5, §8, §10), with the
// evidence grade (A–D) of each; fields marked "Rebound's choice" are not from
// the literature and say why they were chosen. JSON tags let a caller show
// or override them.
type Params struct {
	// --- Banister TRIMP (Morton 1990; science.md §5, trimp_coeffs, B) ---

	// TRIMPMaleA, TRIMPMaleB: TRIMP weight a·e^(b·HRr) for men, 0.64, 1.92.
	TRIMPMaleA float64 `json:"trimp_male_a"`
	TRIMPMaleB float64 `json:"trimp_male_b"`
	// TRIMPFemaleA, TRIMPFemaleB: for women, 0.86, 1.67.
	TRIMPFemaleA float64 `json:"trimp_female_a"`
	TRIMPFemaleB float64 `json:"trimp_female_b"`
	// DefaultSex is the coefficient set used when the athlete's sex is not
	// given. Rebound's choice: "male" — Morton's original 1990 fit and
	// GoldenCheetah's default (TRIMPPoints.cpp uses 1.92 unless the athlete
	// is set to female). HRSS divides by the same curve at LTHR, so the
	// choice moves HRSS by a few percent only (TRIMP itself by more).
	DefaultSex string `json:"default_sex"`

	// --- HRmax, resting HR, LTHR (science.md §10) ---

	// HRMaxIntercept, HRMaxSlope: HRmax = 208 − 0.7·age (Tanaka 2001, A).
	HRMaxIntercept float64 `json:"hrmax_intercept"`
	HRMaxSlope     float64 `json:"hrmax_slope"`
	// DefaultHRMaxBPM is used when neither a measured max, nor an age, nor a
	// credible HR sample exists. Rebound's choice: 185 bpm = Tanaka at 33 y,
	// a typical age of runners who self-host training software; the profile
	// says it is a guess.
	DefaultHRMaxBPM float64 `json:"default_hrmax_bpm"`
	// DefaultHRRestBPM is used without a stated value or check-ins.
	// Rebound's choice: 60 bpm, a conservative value for a recreational
	// runner (trained runners are often lower; a higher rest lowers HRr and
	// therefore TRIMP, so 60 errs towards less load, not more).
	DefaultHRRestBPM float64 `json:"default_hrrest_bpm"`
	// HRSustainS: a heart rate counts for HRmax only when held for this many
	// consecutive seconds. Rebound's choice: 5 s rejects single-sample
	// optical and strap spikes while a true maximum (reached at the end of
	// an all-out effort) is held for several seconds.
	HRSustainS int `json:"hr_sustain_s"`
	// HRMaxRiseBPMPerS: the largest plausible beat-to-beat rise of the 1 s
	// HR stream; a larger step marks an artefact. Rebound's choice: heart
	// rate rises at most ~2–3 bpm/s at the onset of a sprint; 10 bpm/s
	// leaves room for sensor quantisation and resampling.
	HRMaxRiseBPMPerS float64 `json:"hr_max_rise_bpm_per_s"`
	// HRSpikeBPM: a sample further than this from the median of its
	// surrounding 11 s is an implausible spike. Rebound's choice (same
	// reasoning as HRMaxRiseBPMPerS: 20 bpm in 5 s is beyond physiology).
	HRSpikeBPM float64 `json:"hr_spike_bpm"`
	// LTHRWindowS, LTHRTailS: Friel's LTHR test — a 30-min solo all-out run,
	// LTHR = mean HR of its last 20 min (science.md §10, lthr_test, D).
	LTHRWindowS float64 `json:"lthr_window_s"`
	LTHRTailS   float64 `json:"lthr_tail_s"`
	// LTHR20MinFactor: with only 20-min efforts, LTHR = 0.95 × their mean
	// (Friel, science.md §10, D).
	LTHR20MinFactor float64 `json:"lthr_20min_factor"`
	// LTHRMinFracHRMax: a best 30-min effort whose LTHR comes out below this
	// fraction of HRmax was not a threshold effort (easy running only) and
	// is not used. Rebound's choice: LTHR of trained runners lies at roughly
	// 85–92 % of HRmax; below 85 % the "best effort" was not hard.
	LTHRMinFracHRMax float64 `json:"lthr_min_frac_hrmax"`
	// LTHRFracHRMax: LTHR estimate without a usable effort. Rebound's
	// choice: 0.89·HRmax, the middle of that 85–92 % range.
	LTHRFracHRMax float64 `json:"lthr_frac_hrmax"`
	// ThresholdLookbackDays: efforts and races older than this do not set
	// thresholds. Rebound's choice: a year covers a full season; fitness
	// older than that is not today's.
	ThresholdLookbackDays int `json:"threshold_lookback_days"`
	// RiegelExponent: T₂ = T₁·(D₂/D₁)^1.06, valid ~3.5–230 min (Riegel
	// 1981, science.md §10, C). Used to cross-check the VDOT threshold pace.
	RiegelExponent float64 `json:"riegel_exponent"`
	// RaceMinS, RaceMaxS: race durations the VDOT/Riegel models cover
	// (science.md §10: roughly valid 3.5–230 min).
	RaceMinS float64 `json:"race_min_s"`
	RaceMaxS float64 `json:"race_max_s"`
	// Daniels pace fractions of vVDOT: E 0.72, M 0.85, T 0.90, I 0.98,
	// R 1.05 (Daniels & Gilbert 1979 via GoldenCheetah VDOTCalculator.cpp;
	// science.md §10, C/D). Threshold speed = T·vVDOT, so vVDOT = threshold
	// speed / 0.90.
	DanielsE float64 `json:"daniels_e"`
	DanielsM float64 `json:"daniels_m"`
	DanielsT float64 `json:"daniels_t"`
	DanielsI float64 `json:"daniels_i"`
	DanielsR float64 `json:"daniels_r"`

	// --- Per-workout load ---

	// HRMinCoverage: the HR stream is credible for the load only when at
	// least this fraction of the recorded seconds has a heart rate.
	// Rebound's choice: 80 % — below it, dropouts rather than effort shape
	// the TRIMP sum.
	HRMinCoverage float64 `json:"hr_min_coverage"`
	// HRDropoutFlagFrac: flag hr_dropouts when more than this fraction of
	// the HR span is missing. Rebound's choice (5 %: a short strap glitch
	// is normal, more is worth saying).
	HRDropoutFlagFrac float64 `json:"hr_dropout_flag_frac"`
	// HRMaxSpikeFrac: the HR stream is not credible when more than this
	// fraction of its samples are spikes; above 0 they are flagged.
	// Rebound's choice (2 %: optical sensors locking onto cadence produce
	// long runs of spikes; isolated ones are removed and harmless).
	HRMaxSpikeFrac float64 `json:"hr_max_spike_frac"`
	// GPSMaxSpeedMPS: faster samples (and position jumps implying it) are
	// GPS errors, dropped and flagged. Rebound's choice: 12 m/s is above the
	// men's 100 m world-record mean speed (10.4 m/s).
	GPSMaxSpeedMPS float64 `json:"gps_max_speed_mps"`
	// MovingSpeedMPS: slower samples do not count as running for zones,
	// medians and character. Rebound's choice, matching internal/track.
	MovingSpeedMPS float64 `json:"moving_speed_mps"`
	// GradeClamp: |grade| is clamped to 0.45, the range over which Minetti
	// 2002 measured and fitted Cr(i) (−0.45…+0.45; science.md §5).
	GradeClamp float64 `json:"grade_clamp"`
	// GradeMinDistM, GradeWindowS: grade is taken over a centred window of
	// at least GradeWindowS seconds and at least GradeMinDistM metres of
	// horizontal distance. Rebound's choice: 10 s / 10 m averages out the
	// ±1–3 m altitude noise of barometric and GPS elevation.
	GradeMinDistM float64 `json:"grade_min_dist_m"`
	GradeWindowS  int     `json:"grade_window_s"`
	// NPWindowS: the rolling mean of Normalized Power, 30 s (Allen & Coggan;
	// science.md §5, D), applied to graded speed for NGP.
	NPWindowS int `json:"np_window_s"`
	// RPEMinPairs: with at least this many sessions carrying both an RPE and
	// a credible HRSS, sRPE is converted with the runner's own slope.
	// Rebound's choice: 8 sessions (a few weeks of training) give a slope
	// whose standard error is roughly a third of the spread of single
	// sessions.
	RPEMinPairs int `json:"rpe_min_pairs"`
	// RPEDefaultFactor converts sRPE (RPE × min) to the TSS-like scale when
	// the runner has too few calibration sessions. Rebound's choice:
	// 100/420 ≈ 0.238 — one hour at threshold is 100 TSS by definition
	// (science.md §5) and is "very hard", 7 on Foster's CR-10, so 7 × 60 =
	// 420 sRPE ↦ 100; the same factor maps an easy hour (RPE 3, 180) to 43,
	// close to the HRSS of an easy hour (~40–50).
	RPEDefaultFactor float64 `json:"rpe_default_factor"`
	// ManualIF is the intensity factor assumed for a manual entry with
	// neither streams nor RPE, by its kind; load = hours·IF²·100 (the TSS
	// form, science.md §5). Rebound's choice: easy/long 0.70 (easy running
	// sits around 70 % of threshold pace), workout 0.85, race 0.95.
	ManualIFEasy    float64 `json:"manual_if_easy"`
	ManualIFWorkout float64 `json:"manual_if_workout"`
	ManualIFRace    float64 `json:"manual_if_race"`

	// --- Character, fast finish, surges (all Rebound's choice) ---

	// LongMinS: a run this long is long whatever the history (90 min).
	LongMinS float64 `json:"long_min_s"`
	// LongShareOfWeek: a run holding this share of the mean weekly running
	// time of the last 4 weeks is long (the article's ~25 %)…
	LongShareOfWeek float64 `json:"long_share_of_week"`
	// LongMedianFactor: …and it must also be this many times the median run
	// of the last 4 weeks (1.5×), and at least LongFloorS long.
	LongMedianFactor float64 `json:"long_median_factor"`
	LongFloorS       float64 `json:"long_floor_s"`
	// RecentDays: the window of "recent weeks" for the long-run rule (28).
	RecentDays int `json:"recent_days"`
	// HardIntensityShare: a run with at least this share of its time in HR
	// Z4 or above (≥ 95 % LTHR) or at T pace or faster is a workout (20 %).
	HardIntensityShare float64 `json:"hard_intensity_share"`
	// TempoMinS: a continuous stretch this long at T pace or Z4+ is a tempo
	// (15 min).
	TempoMinS float64 `json:"tempo_min_s"`
	// IntervalMinReps, IntervalMinWorkS, IntervalMaxWorkS, IntervalFaster:
	// at least 3 work bouts of 1–10 min each, ≥ 10 % faster than the run's
	// median moving speed, alternating with slower recoveries, are
	// intervals. Shorter bursts are surges.
	IntervalMinReps  int     `json:"interval_min_reps"`
	IntervalMinWorkS float64 `json:"interval_min_work_s"`
	IntervalMaxWorkS float64 `json:"interval_max_work_s"`
	IntervalFaster   float64 `json:"interval_faster"`
	// FastFinishMinS, FastFinishFaster: a fast finish is the last ≥ 3 min
	// of a run held ≥ 8 % faster than its median moving speed;
	// FastFinishTailS is how much slower running (a cool-down jog before
	// the watch stops) may follow it.
	FastFinishMinS   float64 `json:"fast_finish_min_s"`
	FastFinishFaster float64 `json:"fast_finish_faster"`
	FastFinishTailS  float64 `json:"fast_finish_tail_s"`
	// SurgeMinS, SurgeMaxS, SurgeFaster, SurgeContextS, SurgeMinGapS: a
	// surge is a 15–60 s burst ≥ 15 % faster than the median of the
	// surrounding 3 min (±90 s), separated from the next by ≥ 30 s.
	SurgeMinS     float64 `json:"surge_min_s"`
	SurgeMaxS     float64 `json:"surge_max_s"`
	SurgeFaster   float64 `json:"surge_faster"`
	SurgeContextS int     `json:"surge_context_s"`
	SurgeMinGapS  float64 `json:"surge_min_gap_s"`
	// ProgressionStep: each quarter of a progression run is at least this
	// much faster than the one before (2 %), and the last ≥ 8 % faster than
	// the first (FastFinishFaster).
	ProgressionStep float64 `json:"progression_step"`

	// --- Daily model (science.md §5 and defaults table) ---

	// CTLDays, ATLDays: 42 and 7 (TrainingPeaks; GoldenCheetah PMCData.cpp;
	// ctl_days / atl_days, D).
	CTLDays float64 `json:"ctl_days"`
	ATLDays float64 `json:"atl_days"`
	// TSB bands (Friel; TrainingPeaks/intervals.icu chart bands; tsb_bands,
	// D): > +25 transition, +5…+25 fresh, −10…+5 grey, −30…−10 productive,
	// < −30 high risk.
	TSBTransition float64 `json:"tsb_transition"`
	TSBFresh      float64 `json:"tsb_fresh"`
	TSBGrey       float64 `json:"tsb_grey"`
	TSBHighRisk   float64 `json:"tsb_high_risk"`
	// RampWarn, RampRed: CTL rise per week: warn above 8, red above 10 held
	// for 2 weeks (Friel 2015; ctl_ramp_warn / red, D).
	RampWarn     float64 `json:"ramp_warn"`
	RampRed      float64 `json:"ramp_red"`
	RampRedWeeks int     `json:"ramp_red_weeks"`
	// ACWR EWMA: λ = 2/(N+1), acute 0.25 (N = 7), chronic 0.069 (N = 28)
	// (Williams 2017; acwr_model, B). The chronic side is uncoupled from the
	// acute week (Lolli 2019; Windt & Gabbett 2019: days t−27…t−7):
	// ACWRChronicLagDays = 7 lags it past the acute week. ACWRAmber 1.5 is
	// shown as information only, never as an alarm (Impellizzeri 2020;
	// Frandsen 2025).
	ACWRLambdaAcute    float64 `json:"acwr_lambda_acute"`
	ACWRLambdaChronic  float64 `json:"acwr_lambda_chronic"`
	ACWRChronicLagDays int     `json:"acwr_chronic_lag_days"`
	ACWRChronicFirst   int     `json:"acwr_chronic_first"` // rolling cross-check: days t−27…
	ACWRAmber          float64 `json:"acwr_amber"`
	// MonotonyWarn: Foster monotony over 7 days above 2.0 (Foster 1998;
	// monotony_warn, D).
	MonotonyWarn float64 `json:"monotony_warn"`
	// WeeklyGuidelinePct 10 (the article's rule, shown; Buist 2008 found it
	// no safer), WeeklyIncreaseWarnPct 30 (Nielsen 2014; B).
	WeeklyGuidelinePct    float64 `json:"weekly_guideline_pct"`
	WeeklyIncreaseWarnPct float64 `json:"weekly_increase_warn_pct"`
	// Single-run spike vs the longest run of the previous 30 days: amber
	// > 10 %, orange > 30 %, red > 100 % (Frandsen 2025; single_run_spike, B).
	SpikeLookbackDays int     `json:"spike_lookback_days"`
	SpikeAmberPct     float64 `json:"spike_amber_pct"`
	SpikeOrangePct    float64 `json:"spike_orange_pct"`
	SpikeRedPct       float64 `json:"spike_red_pct"`
	// LongRunSharePct: the article's ~25 % of weekly volume for the long
	// run; shown, flagged when exceeded (the article's guideline, D).
	LongRunSharePct float64 `json:"long_run_share_pct"`
	// HardGapH 48 below MastersAge 50, HardGapMastersH 72 from 50
	// (Doering 2016; Fell 2008; hard_session_gap_h, D).
	HardGapH        float64 `json:"hard_gap_h"`
	HardGapMastersH float64 `json:"hard_gap_masters_h"`
	MastersAge      int     `json:"masters_age"`
}

// DefaultParams returns the defaults of ../shared/science.md and Rebound's
// documented choices (see the field comments).
func DefaultParams() Params {
	return Params{
		TRIMPMaleA: 0.64, TRIMPMaleB: 1.92,
		TRIMPFemaleA: 0.86, TRIMPFemaleB: 1.67,
		DefaultSex: "male",

		HRMaxIntercept: 208, HRMaxSlope: 0.7,
		DefaultHRMaxBPM:  185,
		DefaultHRRestBPM: 60,
		HRSustainS:       5,
		HRMaxRiseBPMPerS: 10,
		HRSpikeBPM:       20,
		LTHRWindowS:      30 * 60, LTHRTailS: 20 * 60,
		LTHR20MinFactor:       0.95,
		LTHRMinFracHRMax:      0.85,
		LTHRFracHRMax:         0.89,
		ThresholdLookbackDays: 365,
		RiegelExponent:        1.06,
		RaceMinS:              3.5 * 60, RaceMaxS: 230 * 60,
		DanielsE: 0.72, DanielsM: 0.85, DanielsT: 0.90, DanielsI: 0.98, DanielsR: 1.05,

		HRMinCoverage:     0.80,
		HRDropoutFlagFrac: 0.05,
		HRMaxSpikeFrac:    0.02,
		GPSMaxSpeedMPS:    12,
		MovingSpeedMPS:    0.5,
		GradeClamp:        0.45,
		GradeMinDistM:     10,
		GradeWindowS:      10,
		NPWindowS:         30,
		RPEMinPairs:       8,
		RPEDefaultFactor:  100.0 / 420,
		ManualIFEasy:      0.70, ManualIFWorkout: 0.85, ManualIFRace: 0.95,

		LongMinS:           90 * 60,
		LongShareOfWeek:    0.25,
		LongMedianFactor:   1.5,
		LongFloorS:         30 * 60,
		RecentDays:         28,
		HardIntensityShare: 0.20,
		TempoMinS:          15 * 60,
		IntervalMinReps:    3,
		IntervalMinWorkS:   60,
		IntervalMaxWorkS:   10 * 60,
		IntervalFaster:     0.10,
		FastFinishMinS:     3 * 60,
		FastFinishFaster:   0.08,
		FastFinishTailS:    120,
		SurgeMinS:          15,
		SurgeMaxS:          60,
		SurgeFaster:        0.15,
		SurgeContextS:      90,
		SurgeMinGapS:       30,
		ProgressionStep:    0.02,

		CTLDays: 42, ATLDays: 7,
		TSBTransition: 25, TSBFresh: 5, TSBGrey: -10, TSBHighRisk: -30,
		RampWarn: 8, RampRed: 10, RampRedWeeks: 2,
		ACWRLambdaAcute: 0.25, ACWRLambdaChronic: 0.069,
		ACWRChronicLagDays: 7, ACWRChronicFirst: 27,
		ACWRAmber:             1.5,
		MonotonyWarn:          2.0,
		WeeklyGuidelinePct:    10,
		WeeklyIncreaseWarnPct: 30,
		SpikeLookbackDays:     30,
		SpikeAmberPct:         10, SpikeOrangePct: 30, SpikeRedPct: 100,
		LongRunSharePct: 25,
		HardGapH:        48, HardGapMastersH: 72, MastersAge: 50,
	}
}

// trimpCoeffs returns Morton's a, b for sex ("female", "male", "" = the
// default) and whether the default was used.
func (p Params) trimpCoeffs(sex string) (a, b float64, defaulted bool) {
	if sex == "" {
		sex, defaulted = p.DefaultSex, true
	}
	if sex == "female" {
		return p.TRIMPFemaleA, p.TRIMPFemaleB, defaulted
	}
	return p.TRIMPMaleA, p.TRIMPMaleB, defaulted
}
