package readiness

import (
	"sort"
	"time"

	"rebound"
)

// GreenMorningsToExit is how many consecutive green mornings end Red Alert.
// Rebound's choice, from issue 5's example exit rule ("two consecutive green
// mornings and no pain"): one good morning can be noise (single days track
// poorly, Plews 2013 IJSPP), two in a row is the shortest run that is not.
const GreenMorningsToExit = 2

// ExitRule is the Red Alert exit rule, stated in every episode.
const ExitRule = "Red Alert ends after two consecutive green mornings — a check-in with no amber or red signal, no illness and no pain — on which the load triggers (form below −30, a > 100% single-run spike, back-to-back hard days at 50+) have cleared; a missed check-in restarts the count"

// DayInput is one morning for the Red Alert state machine.
type DayInput struct {
	Date time.Time // the civil date (see rebound.CivilDate)
	// Readiness is Assess for Date. A morning without a check-in
	// (CheckedIn false) is never green.
	Readiness Readiness
	// LoadTriggers are the load-side Red Alert triggers still active that
	// morning, as internal/recovery reports them: "tsb" (TSB < −30),
	// "single_run_spike" (> 100%), "back_to_back_hard" (hard days back to
	// back at 50+). Empty when the load model is clear.
	LoadTriggers []rebound.Trigger
}

// Triggers returns the trigger names of a morning: every red wellness signal
// (red HRV or resting HR, illness, pain, two short nights, soreness 5/5 or a
// red z-score, heavy drinking) and every load trigger, in that order.
func (d DayInput) Triggers() []string {
	names := d.Readiness.Names(BandRed)
	for _, t := range d.LoadTriggers {
		names = appendNew(names, t.Signal)
	}
	return names
}

// State is the Red Alert state after a morning. The zero State is "off, no
// history".
type State struct {
	Active   bool
	Since    time.Time // the morning it switched on
	Triggers []string  // every trigger seen during the episode, first-seen order
	// GreenMornings counts consecutive green mornings with load clear while
	// Active.
	GreenMornings int
	Last          time.Time // the last morning stepped
	// Ended is the episode this morning ended, nil otherwise.
	Ended *rebound.AlertEpisode
}

// Episode returns the open episode while Active.
func (s State) Episode() (rebound.AlertEpisode, bool) {
	if !s.Active {
		return rebound.AlertEpisode{}, false
	}
	return rebound.AlertEpisode{Since: s.Since, Triggers: append([]string(nil), s.Triggers...), ExitRule: ExitRule}, true
}

// RedAlert returns the plan's red_alert block for this state: active, since,
// and the triggers of the morning (the full trigger objects of load triggers,
// wellness ones built from the signals).
func (s State) RedAlert(day DayInput) rebound.RedAlert {
	if !s.Active {
		return rebound.RedAlert{Triggers: []rebound.Trigger{}}
	}
	since := s.Since
	ts := []rebound.Trigger{}
	for _, sg := range day.Readiness.Signals {
		if sg.Band != BandRed {
			continue
		}
		t := rebound.Trigger{Signal: sg.Name, Why: sg.Why, Source: sg.Source}
		if sg.Value != nil {
			t.Value = *sg.Value
		}
		if sg.Limit != nil {
			t.Limit = *sg.Limit
		}
		ts = append(ts, t)
	}
	ts = append(ts, day.LoadTriggers...)
	return rebound.RedAlert{Active: true, Since: &since, Triggers: ts, ExitRule: ExitRule}
}

// Step advances the state machine by one morning. Mornings must come in
// date order; a gap of more than a day between mornings restarts the green
// count (a missed check-in is not a green morning).
//
//   - Off: any trigger switches it on, Since = the morning.
//   - On: a green morning with no load trigger counts towards the exit; the
//     second in a row ends the episode (Until = that morning). Any other
//     morning resets the count, and its triggers join the episode's.
func Step(prev State, day DayInput) State {
	date := rebound.CivilDate(day.Date)
	s := prev
	s.Ended = nil
	s.Triggers = append([]string(nil), prev.Triggers...)
	if !prev.Last.IsZero() && date.Sub(prev.Last) > 24*time.Hour {
		s.GreenMornings = 0
	}
	s.Last = date
	trig := day.Triggers()
	if !s.Active {
		if len(trig) > 0 {
			s.Active, s.Since, s.Triggers, s.GreenMornings = true, date, trig, 0
		}
		return s
	}
	for _, t := range trig {
		s.Triggers = appendNew(s.Triggers, t)
	}
	if day.Readiness.Green() && len(day.LoadTriggers) == 0 {
		s.GreenMornings++
	} else {
		s.GreenMornings = 0
	}
	if s.GreenMornings >= GreenMorningsToExit {
		until := date
		s.Ended = &rebound.AlertEpisode{Since: s.Since, Until: &until, Triggers: s.Triggers, ExitRule: ExitRule}
		s = State{Last: date, Ended: s.Ended}
	}
	return s
}

// AlertState runs Step over the mornings (sorted by date; of two inputs for
// the same date the later one in the slice wins) and returns every episode,
// oldest first; the last is open (Until nil) when Red Alert is still on.
func AlertState(days []DayInput) []rebound.AlertEpisode {
	ds := append([]DayInput(nil), days...)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Date.Before(ds[j].Date) })
	var eps []rebound.AlertEpisode
	var s State
	for i, d := range ds {
		if i+1 < len(ds) && rebound.CivilDate(ds[i+1].Date).Equal(rebound.CivilDate(d.Date)) {
			continue
		}
		s = Step(s, d)
		if s.Ended != nil {
			eps = append(eps, *s.Ended)
		}
	}
	if e, ok := s.Episode(); ok {
		eps = append(eps, e)
	}
	return eps
}

func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
