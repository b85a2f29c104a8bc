package readiness

import (
	"fmt"

	"rebound"
	"rebound/internal/recovery"
)

// Hours the morning's signals add to the recovery estimate. All are
// Rebound's choice: no study maps a wellness signal to hours of recovery
// (science.md §6: "no peer-reviewed model maps one session's load to
// hours"), so these are sized against the Coggan bands' 24 h steps and stated
// as such in every contribution.
const (
	// AmberHours: a quarter of a day per amber signal — two ambers already
	// make the day easy, so this mostly shifts the next hard session by a
	// morning.
	AmberHours = 6.0
	// ShortSleepHours: one night under 6 h (−7.6% performance, Craven 2022):
	// half a day, so the hard session waits for a night of normal sleep.
	ShortSleepHours = 12.0
	// RedHours: a red HRV, resting HR or two short nights — a whole day, the
	// smallest Coggan band step; Red Alert holds hard sessions anyway.
	RedHours = 24.0
	// OtherRedHours: a red 1–5 score or heavy drinking: half a day.
	OtherRedHours = 12.0
	// MaxWellnessHours caps the wellness terms at two days so a bad morning
	// cannot dominate; Red Alert, not the estimate, is what holds hard
	// sessions while signals stay red.
	MaxWellnessHours = 48.0
)

const srcContrib = "hours are Rebound's choice (no published model maps wellness signals to recovery hours; science.md §6)"

// Contributions turns the morning's amber and red signals into terms of the
// recovery estimate (rebound.Contribution, as the plan's `contributions`).
// Green and unknown signals add nothing. The terms are capped in total at
// MaxWellnessHours; the last term is shortened to fit and says so.
func Contributions(r Readiness) []rebound.Contribution {
	out := []rebound.Contribution{}
	total := 0.0
	for _, s := range r.Signals {
		h := s.Hours
		if h == 0 {
			continue
		}
		why := fmt.Sprintf("%s %s: %s; +%.0f h", s.Name, s.Band, s.Why, h)
		if total+h > MaxWellnessHours {
			h = MaxWellnessHours - total
			why += fmt.Sprintf(", cut to %.0f h: wellness terms are capped at %.0f h in all", h, MaxWellnessHours)
		}
		if h <= 0 {
			break
		}
		total += h
		out = append(out, rebound.Contribution{
			Name:   s.Name,
			Hours:  h,
			Why:    why + " — " + srcContrib,
			Source: s.Source,
		})
	}
	return out
}

// signalHours is the uncapped term of one signal.
func signalHours(s Signal, p Params) float64 {
	switch s.Band {
	case BandAmber:
		if s.Name == SignalSleep && s.Limit != nil && *s.Limit == p.SleepRedH {
			// The short-night amber is judged against the 6 h edge.
			return ShortSleepHours
		}
		return AmberHours
	case BandRed:
		switch s.Name {
		case SignalHRV, SignalRestingHR, SignalSleep, SignalIllness, SignalPain:
			return RedHours
		}
		return OtherRedHours
	}
	return 0
}

// RecoverySignals gives the morning's signals in internal/recovery's form, for
// recovery.Input.Signals: each carries its hours (the same as Contributions,
// capped alike) and a red one makes recovery switch Red Alert on with the
// signal as a trigger. Green signals are included with 0 hours so the
// estimate's confidence knows check-ins exist; unknown ones are left out.
func RecoverySignals(r Readiness) []recovery.Signal {
	hours := map[string]float64{}
	for _, c := range Contributions(r) {
		hours[c.Name] = c.Hours
	}
	var out []recovery.Signal
	for _, s := range r.Signals {
		lvl := ""
		switch s.Band {
		case BandGreen:
			lvl = recovery.LevelGreen
		case BandAmber:
			lvl = recovery.LevelAmber
		case BandRed:
			lvl = recovery.LevelRed
		default:
			continue
		}
		rs := recovery.Signal{Name: s.Name, Level: lvl, Hours: hours[s.Name], Why: s.Why, Source: s.Source}
		if s.Value != nil {
			rs.Value = *s.Value
		}
		if s.Limit != nil {
			rs.Limit = *s.Limit
		}
		if rs.Hours != 0 {
			rs.Why = fmt.Sprintf("%s; +%.0f h — %s", s.Why, rs.Hours, srcContrib)
		}
		out = append(out, rs)
	}
	return out
}
