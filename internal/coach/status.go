package coach

import (
	"context"
	"fmt"
	"time"

	"rebound"
	"rebound/internal/load"
	"rebound/internal/readiness"
	"rebound/internal/recovery"
)

// Status is everything `rebound status` shows for one day.
type Status struct {
	Date      load.Date              `json:"date"`
	Load      *load.Status           `json:"load"` // nil without any training history
	Readiness readiness.Readiness    `json:"readiness"`
	RedAlert  RedAlert               `json:"red_alert"`
	History   []rebound.AlertEpisode `json:"red_alert_history"`
	// Adherence to the recovery plans of the last 7 and 28 days.
	Adherence readiness.Report `json:"adherence"`
}

// RedAlert is the status's red_alert block.
type RedAlert struct {
	Active   bool              `json:"active"`
	Since    *time.Time        `json:"since"`
	Triggers []rebound.Trigger `json:"triggers"`
	ExitRule string            `json:"exit_rule"`
}

// statusWindowDays is how much of the daily model a status decodes: every
// figure looks back at most 28 days (the chronic EWMA is stored in the row;
// spike 30 days, ramp two weeks), so 120 days leave ample margin.
const statusWindowDays = 120

// replayDays is how far back the Red Alert state machine is replayed for a
// status; older episodes come from the stored history.
const replayDays = 90

// minHistoryDays is the load history the form and spike signals need before
// they can raise Red Alert: the spike's 30-day window (Frandsen 2025) must be
// covered. Rebound's choice, so a new user's first weeks are not alarms.
const minHistoryDays = 30

// loadOnlyExitRule applies when the runner keeps no check-ins: only the load
// side can end Red Alert.
var loadOnlyExitRule = fmt.Sprintf("form (TSB) back above −%.0f, no > 100%% single-run spike in the last 48 h, and (at 50+) no hard days back to back; morning check-ins (rebound checkin) add the wellness side", -recovery.RedTSB)

// Status reports on day on (today when zero).
func (c *Coach) Status(ctx context.Context, on load.Date) (*Status, error) {
	ath, err := c.Store.Athlete(ctx, c.AthleteID)
	if err != nil {
		return nil, err
	}
	loc := c.location(ath)
	now := c.Now()
	if on == 0 {
		on = today(loc, now)
	}
	st := &Status{Date: on}
	days, first, err := c.daysWindow(ctx, on-statusWindowDays, max(on, today(loc, now)))
	if err != nil {
		return nil, err
	}
	var age *int
	if a, ok := ath.AgeOn(on.Time()); ok {
		age = &a
	}
	if len(days) > 0 && on >= days[0].Date {
		at := now
		if on < today(loc, now) {
			at = on.In(loc).Add(24*time.Hour - time.Second) // the end of that day
		}
		ls, err := load.StatusOn(days, on, at, age, c.Load)
		if err != nil {
			return nil, err
		}
		st.Load = &ls
	}
	cis, err := c.checkIns(ctx)
	if err != nil {
		return nil, err
	}
	st.Readiness = readiness.Assess(on.Time(), cis, c.Wellness)
	stored, err := c.Store.AlertEpisodes(ctx, c.AthleteID)
	if err != nil {
		return nil, err
	}
	st.RedAlert, st.History = c.redAlert(days, first, cis, stored, on, age)
	if st.Adherence, err = c.adherence(ctx, at(on, loc, now)); err != nil {
		return nil, err
	}
	return st, nil
}

// at is the moment a report on day on speaks of: now for today, the end of
// a past day.
func at(on load.Date, loc *time.Location, now time.Time) time.Time {
	if on < today(loc, now) {
		return on.In(loc).Add(24*time.Hour - time.Second)
	}
	return now
}

// adherence reports how the stored plans of the last 28 days were followed.
func (c *Coach) adherence(ctx context.Context, asOf time.Time) (readiness.Report, error) {
	plans, err := c.Store.Plans(ctx, c.AthleteID, asOf.AddDate(0, 0, -28))
	if err != nil {
		return readiness.Report{}, err
	}
	var sums []readiness.PlanSummary
	var ids []int64
	for _, p := range plans {
		if !p.EndedAt.After(asOf) {
			sums = append(sums, readiness.Summarize(p))
			ids = append(ids, p.ActivityID)
		}
	}
	var marks []rebound.PlanMark
	if len(ids) > 0 {
		if marks, err = c.Store.PlanMarks(ctx, c.AthleteID, ids); err != nil {
			return readiness.Report{}, err
		}
	}
	return readiness.Adherence(marks, sums, asOf), nil
}

func (c *Coach) checkIns(ctx context.Context) ([]rebound.CheckIn, error) {
	ptrs, err := c.Store.CheckIns(ctx, c.AthleteID, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	out := make([]rebound.CheckIn, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out, nil
}

// dayAt returns the model's day d, or nil.
func dayAt(days []load.Day, d load.Date) *load.Day {
	if len(days) == 0 || d < days[0].Date || int(d-days[0].Date) >= len(days) {
		return nil
	}
	return &days[int(d-days[0].Date)]
}

// loadTriggers are the load-side Red Alert triggers on the morning of d:
// form below −30 (today's TSB is yesterday's CTL − ATL), a > 100% single-run
// spike yesterday or the day before, and hard days back to back at 50+.
// Thresholds: science.md §5 and §8, as internal/recovery applies them.
func loadTriggers(days []load.Day, first, d load.Date, age *int) []rebound.Trigger {
	var ts []rebound.Trigger
	if len(days) == 0 || int(d-first) < minHistoryDays {
		// Fitness starts at 0 and the spike compares with the 30 days
		// before: in a history this short both only measure its shortness.
		return ts
	}
	today := dayAt(days, d)
	if today != nil && today.TSB < recovery.RedTSB {
		ts = append(ts, rebound.Trigger{Signal: "tsb", Value: today.TSB, Limit: recovery.RedTSB,
			Why:    fmt.Sprintf("form (TSB) %.0f is below −30, the high-risk band", today.TSB),
			Source: "Friel/TrainingPeaks TSB bands (science.md §5, D)"})
	}
	for _, back := range []load.Date{1, 2} {
		if y := dayAt(days, d-back); y != nil && y.SpikePct != nil && *y.SpikePct > recovery.RedSpikePct {
			ts = append(ts, rebound.Trigger{Signal: "single_run_spike", Value: *y.SpikePct, Limit: recovery.RedSpikePct,
				Why:    fmt.Sprintf("the run of %s was %.0f%% longer than your longest of the 30 days before; > 100%% went with 2.28× the injury rate", y.Date, *y.SpikePct),
				Source: "Frandsen 2025, BJSM 59:1203 (science.md §5, B)"})
			break
		}
	}
	if age != nil && *age >= recovery.MastersAge {
		if y := dayAt(days, d-1); y != nil && y.HardBackToBack {
			ts = append(ts, rebound.Trigger{Signal: "back_to_back_hard", Value: 1, Limit: recovery.HardGapMastersH,
				Why:    fmt.Sprintf("hard sessions on back-to-back days at %d; from 50 allow 72 h between hard sessions", *age),
				Source: "coaching practice; Doering 2016, Fell 2008 (science.md §8, D)"})
		}
	}
	return ts
}

// redAlert runs Red Alert over the mornings up to on: with check-ins, the
// readiness state machine over the last replayDays mornings (earlier
// episodes come from the stored history); without, the load triggers of the
// morning alone. first is the daily model's first day.
func (c *Coach) redAlert(days []load.Day, first load.Date, cis []rebound.CheckIn, stored []rebound.AlertEpisode, on load.Date, age *int) (RedAlert, []rebound.AlertEpisode) {
	if len(cis) == 0 {
		ts := loadTriggers(days, first, on, age)
		ra := RedAlert{Active: len(ts) > 0, Triggers: ts, ExitRule: loadOnlyExitRule}
		if ra.Triggers == nil {
			ra.Triggers = []rebound.Trigger{}
		}
		return ra, []rebound.AlertEpisode{}
	}
	start := load.DateOf(cis[0].Date)
	for _, ci := range cis {
		start = min(start, load.DateOf(ci.Date))
	}
	start = max(start, on-replayDays)
	// Assess needs the baseline window (60 days) before each morning.
	recent := cis[:0:0]
	for _, ci := range cis {
		if d := load.DateOf(ci.Date); d >= start-load.Date(c.Wellness.BaselineDays)-1 && d <= on {
			recent = append(recent, ci)
		}
	}
	var episodes []rebound.AlertEpisode
	for _, e := range stored {
		if e.Until != nil && load.DateOf(*e.Until) < start {
			episodes = append(episodes, e)
		}
	}
	var state readiness.State
	var lastInput readiness.DayInput
	for d := start; d <= on; d++ {
		in := readiness.DayInput{Date: d.Time(), Readiness: readiness.Assess(d.Time(), recent, c.Wellness), LoadTriggers: loadTriggers(days, first, d, age)}
		state = readiness.Step(state, in)
		if state.Ended != nil {
			episodes = append(episodes, *state.Ended)
		}
		lastInput = in
	}
	if ep, ok := state.Episode(); ok {
		episodes = append(episodes, ep)
	}
	ra := state.RedAlert(lastInput)
	out := RedAlert{Active: ra.Active, Since: ra.Since, Triggers: ra.Triggers, ExitRule: readiness.ExitRule}
	if out.Triggers == nil {
		out.Triggers = []rebound.Trigger{}
	}
	if episodes == nil {
		episodes = []rebound.AlertEpisode{}
	}
	return out, episodes
}

// SaveAlertHistory stores the Red Alert episodes up to today, so the history
// is kept even when check-ins are later edited.
func (c *Coach) SaveAlertHistory(ctx context.Context, eps []rebound.AlertEpisode) error {
	for _, e := range eps {
		if err := c.Store.PutAlertEpisode(ctx, c.AthleteID, e); err != nil {
			return err
		}
	}
	return nil
}
