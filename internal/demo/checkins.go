package demo

import (
	"math"
	"math/rand/v2"

	"rebound"
)

// Baselines of the demo runner's mornings. Rebound's choices for a trained
// 38-year-old: resting HR 48 bpm (the profile's), rMSSD around 68 ms with a
// day-to-day SD of 0.07 in ln rMSSD (trained runners' LnRMSSD varies by a
// few percent a day; Plews 2012, science.md §7), 7.4 h of sleep.
const (
	baseRHR     = 48.0
	rhrSD       = 1.2
	baseLnRMSSD = 4.22 // ln 68
	lnRMSSDSD   = 0.07
	baseSleepH  = 7.4
	sleepSDH    = 0.35
)

// episode scripts the cold of week 14, by day index: the morning values
// that switch Red Alert on (science.md §7: illness, resting HR +10 red,
// HRV below the normal range, two nights under 6 h, soreness 5/5) and the
// recovery after it.
type episodeDay struct {
	ill                          bool
	rhr, lnHRV, sleepH           float64 // offsets from baseline; sleep absolute
	quality, sore, fatigue, mood int
	notes                        string
}

func episode() map[int]episodeDay {
	return map[int]episodeDay{
		illFrom:     {true, 11, -0.30, 5.6, 2, 3, 4, 2, "sore throat and a stuffy nose; skipped the run"},
		illFrom + 1: {true, 14, -0.42, 5.2, 1, 5, 5, 1, "fever 38.3 °C overnight, aching all over"},
		illTo:       {true, 12, -0.35, 6.4, 2, 4, 4, 2, "fever gone, still congested"},
		illTo + 1:   {false, 6, -0.20, 7.6, 3, 3, 3, 3, "much better"},
		illTo + 2:   {false, 2, -0.05, 7.8, 4, 2, 3, 4, ""},
	}
}

// checkIns writes a morning check-in for every day from week 9 on through
// the morning after the last long run (eight
// weeks: the readiness baselines need 28 mornings before they judge HRV and
// the 1–5 scores), with two mornings forgotten.
func (g *generator) checkIns() []rebound.CheckIn {
	rng := rand.New(rand.NewPCG(uint64(g.seed), 2))
	ep := episode()
	var out []rebound.CheckIn
	ptrI := func(v int) *int { return &v }
	clampI := func(v int) *int { return ptrI(max(rebound.MinScore, min(rebound.MaxScore, v))) }
	hrvRebound := 0.0                           // HRV rebound after the illness (parasympathetic rebound; Rebound's choice)
	for i := checkInFrom; i <= lastDay+1; i++ { // through the morning after the last long run (the demo's today)
		// Draw every random number every day, so skipping a morning does
		// not shift the others.
		zR, zH, zS := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		uStress, uMood, uQ := rng.Float64(), rng.Float64(), rng.Float64()
		if i == checkInFrom+4 || i == checkInFrom+27 {
			continue // forgot to check in
		}
		prevHard := 0
		if i > 0 {
			prevHard = g.hard[i-1]
		}
		rhr := baseRHR + rhrSD*zR
		ln := baseLnRMSSD + lnRMSSDSD*zH
		sleep := baseSleepH + sleepSDH*zS
		sore, fatigue, stress, mood, quality := 2, 2, 2, 4, 4
		if uStress < 0.3 {
			stress = 3
		}
		if uMood < 0.25 {
			mood = 3
		}
		if uQ < 0.2 {
			quality = 3
		}
		// The morning after a hard day: sore legs, slightly higher RHR and
		// lower HRV (Rebound's choice of sizes, within a day's noise).
		switch prevHard {
		case 1:
			sore, rhr, ln = 3, rhr+1, ln-0.05
		case 2:
			sore, fatigue, rhr, ln = 3, 3, rhr+1.5, ln-0.07
		case 3:
			sore, fatigue, rhr, ln = 4, 3, rhr+2.5, ln-0.12
		}
		if i+1 <= lastDay && g.hard[i+1] >= 2 {
			sleep -= 0.5 // early alarm before the long run or race
		}
		if sleep < 7 && quality > 3 {
			quality = 3
		}
		c := rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: rebound.CivilDate(g.day(i)), Source: rebound.CheckInManual}
		if e, ok := ep[i]; ok {
			rhr, ln, sleep = baseRHR+e.rhr+0.5*zR, baseLnRMSSD+e.lnHRV, e.sleepH
			quality, sore, fatigue, mood, stress = e.quality, e.sore, e.fatigue, e.mood, 3
			c.Ill, c.Notes = e.ill, e.notes
			if i == illTo+2 {
				hrvRebound = 0.06
			}
		} else if hrvRebound > 0 {
			ln += hrvRebound
			hrvRebound = math.Max(0, hrvRebound-0.015)
		}
		switch i {
		case raceDay + 1:
			c.AlcoholDrinks = ptrI(3) // celebrating the half marathon
			c.Notes = "legs trashed after the half"
		case raceDay + 15, lastDay - 6:
			c.AlcoholDrinks = ptrI(1)
		}
		c.RestingHRBPM = rebound0(math.Round(rhr))
		c.HRVRMSSDms = rebound0(math.Round(math.Exp(ln)))
		c.SleepS = rebound0(math.Round(sleep*12) * 300) // to 5 min
		c.SleepQuality, c.Soreness, c.Fatigue = clampI(quality), clampI(sore), clampI(fatigue)
		c.Stress, c.Mood = clampI(stress), clampI(mood)
		if i%3 == 0 {
			c.WeightKg = rebound0(math.Round((68+0.3*zS)*10) / 10)
		}
		out = append(out, c)
	}
	return out
}

func rebound0(v float64) *float64 { return &v }
