package coach

import (
	"context"
	"fmt"
	"time"

	"rebound"
	"rebound/internal/load"
	"rebound/internal/protocol"
	"rebound/internal/readiness"
)

// recoveryWindow is how long after a workout its plan follows the runner's
// latest morning check-in: the longest recovery estimate (96 h, the Garmin
// and Coggan cap, science.md §6).
const recoveryWindow = 96 * time.Hour

// PlanOptions adjust one plan.
type PlanOptions struct {
	TempC *float64 // air temperature override (rebound plan --temp)
}

// Latest returns the ID of the most recent activity (ENotFound when none).
func (c *Coach) Latest(ctx context.Context) (int64, error) {
	acts, err := c.Store.Activities(ctx, c.AthleteID, rebound.ActivityFilter{Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(acts) == 0 {
		return 0, rebound.Errorf(rebound.ENotFound, "no activities yet: import some with rebound import PATH, or add one with rebound log")
	}
	return acts[0].ID, nil
}

// Plan builds (or rebuilds) the recovery plan of an activity from the
// current data, stores it (the revision grows when it changed) and returns
// it.
func (c *Coach) Plan(ctx context.Context, activityID int64, opt PlanOptions) (*rebound.Plan, error) {
	ath, err := c.Store.Athlete(ctx, c.AthleteID)
	if err != nil {
		return nil, err
	}
	act, err := c.Store.Activity(ctx, c.AthleteID, activityID, false)
	if err != nil {
		return nil, err
	}
	loads, err := c.Store.WorkoutLoads(ctx, c.AthleteID, []int64{activityID})
	if err != nil {
		return nil, err
	}
	if _, ok := loads[activityID]; !ok {
		// Not measured yet (an older store): measure everything first.
		if _, err := c.Refresh(ctx, nil); err != nil {
			return nil, err
		}
		if loads, err = c.Store.WorkoutLoads(ctx, c.AthleteID, []int64{activityID}); err != nil {
			return nil, err
		}
	}
	wl, measured := loads[activityID]
	// Without a time zone in the profile, the plan is in the zone the
	// workout was recorded in (its file's offset): that is where the runner
	// is recovering.
	fallback := c.Local
	if act.OffsetSource == rebound.OffsetFromFile {
		fallback = offsetZone(act.UTCOffsetS)
	}
	loc := ath.Location(fallback)
	end := act.EndTime()
	in := protocol.Input{
		Activity: act,
		Athlete:  protocol.AthleteFrom(ath, end, fallback),
		TempC:    opt.TempC,
	}
	if measured {
		in.Load = &wl
	}
	if err := c.fillState(ctx, &in, act, loc); err != nil {
		return nil, err
	}
	cis, err := c.checkIns(ctx)
	if err != nil {
		return nil, err
	}
	if len(cis) > 0 {
		// The morning check-in says how the body is coping: the workout
		// day's, or today's while the recovery is still under way (a Red
		// Alert that started after the workout changes the rest of the plan).
		morning := rebound.CivilDate(end.In(loc))
		if now := c.Now(); now.After(end) {
			// Once the window has passed the plan keeps the last morning
			// of it, so it does not change again.
			morning = rebound.CivilDate(minTime(now, end.Add(recoveryWindow)).In(loc))
		}
		r := readiness.Assess(morning, cis, c.Wellness)
		in.Signals = readiness.RecoverySignals(r)
	}
	plan, err := protocol.Build(in, c.Protocol)
	if err != nil {
		return nil, err
	}
	if err := c.adherenceExtra(ctx, plan, act); err != nil {
		return nil, err
	}
	if _, err := c.Store.PutPlan(ctx, c.AthleteID, plan); err != nil {
		return nil, err
	}
	return plan, nil
}

// fillState gives the plan the training-load picture at the workout's end:
// fitness and fatigue of its day (this workout included), the form the
// runner started the day with, the spike, and the hard sessions around it.
func (c *Coach) fillState(ctx context.Context, in *protocol.Input, act *rebound.Activity, loc *time.Location) error {
	d := load.DateOf(act.LocalStart())
	days, err := c.Days(ctx, d)
	if err != nil {
		return err
	}
	if day := dayAt(days, d); day != nil {
		hist := int(d-days[0].Date) + 1
		// Form and the spike mean nothing in a history shorter than the
		// spike's 30-day window (see minHistoryDays).
		in.State = protocol.LoadState{Known: hist >= minHistoryDays, CTL: day.CTL, ATL: day.ATL, TSB: day.TSB, HistoryDays: hist}
		if hist >= minHistoryDays && day.SpikePct != nil && act.Sport == rebound.SportRunning && act.DistanceM >= day.LongestRunM {
			in.State.SpikePct = day.SpikePct
		}
		if prev := dayAt(days, d-1); prev != nil {
			in.State.PrevDayHard = prev.Hard
		}
		in.DayTrainingH = day.TimeS / 3600
	}
	// The hard sessions just before and after this one.
	acts, err := c.Store.Activities(ctx, c.AthleteID, rebound.ActivityFilter{
		Since: act.StartTime.AddDate(0, 0, -14), Until: act.StartTime.AddDate(0, 0, 14)})
	if err != nil {
		return err
	}
	ids := make([]int64, len(acts))
	for i, a := range acts {
		ids[i] = a.ID
	}
	loads, err := c.Store.WorkoutLoads(ctx, c.AthleteID, ids)
	if err != nil {
		return err
	}
	for _, a := range acts {
		wl, ok := loads[a.ID]
		if !ok || a.ID == act.ID || !load.IsHard(wl.Character) {
			continue
		}
		switch {
		case a.EndTime().Before(act.StartTime):
			h := act.EndTime().Sub(a.EndTime()).Hours()
			in.State.HoursSincePrevHard = &h
		case a.StartTime.After(act.EndTime()) && in.NextHard == nil:
			next := a.StartTime.In(loc)
			in.NextHard = &next
		}
	}
	return nil
}

// adherenceExtra lengthens the recovery estimate when the plan of a hard
// session is being poorly followed (issue 5), saying so as a contribution.
func (c *Coach) adherenceExtra(ctx context.Context, plan *rebound.Plan, act *rebound.Activity) error {
	marks, err := c.Store.PlanMarks(ctx, c.AthleteID, []int64{act.ID})
	if err != nil || len(marks) == 0 {
		return err
	}
	extra, ok := readiness.ExtraRecovery(marks, readiness.Summarize(plan), c.Now())
	if !ok {
		return nil
	}
	plan.Recovery.Contributions = append(plan.Recovery.Contributions, extra)
	plan.Recovery.Hours += extra.Hours
	plan.Recovery.ReadyAt = plan.Recovery.ReadyAt.Add(time.Duration(extra.Hours * float64(time.Hour)))
	return protocol.Rehash(plan)
}

// offsetZone names a fixed offset the way runners read it: "UTC+08:00".
func offsetZone(offsetS int) *time.Location {
	sign, off := '+', offsetS
	if off < 0 {
		sign, off = '-', -off
	}
	return time.FixedZone(fmt.Sprintf("UTC%c%02d:%02d", sign, off/3600, off%3600/60), offsetS)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
