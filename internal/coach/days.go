package coach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"rebound"
	"rebound/internal/load"
)

// inputs sums the activities into days with their stored loads.
func inputs(acts []*rebound.Activity, loads map[int64]rebound.WorkoutLoad) []load.DailyInput {
	aligned := make([]rebound.WorkoutLoad, len(acts))
	for i, a := range acts {
		aligned[i] = loads[a.ID]
	}
	return load.Inputs(acts, aligned)
}

// today is the athlete's local calendar day at now.
func today(loc *time.Location, now time.Time) load.Date { return load.DateOf(now.In(loc)) }

// updateDays rewrites the stored daily model from day changed on (or all of
// it when the cache cannot be extended from there), through today. It
// returns the first day written and how many.
func (c *Coach) updateDays(ctx context.Context, ath *rebound.Athlete, acts []*rebound.Activity, loads map[int64]rebound.WorkoutLoad, changed load.Date, now time.Time) (load.Date, int, error) {
	in := inputs(acts, loads)
	if len(in) == 0 {
		return 0, 0, c.Store.ReplaceDailyRows(ctx, c.AthleteID, time.Time{}, nil)
	}
	cached, err := c.cachedDays(ctx)
	if err != nil {
		return 0, 0, err
	}
	to := max(today(c.location(ath), now), in[len(in)-1].Date)
	first := in[0].Date
	var days []load.Day
	from := changed
	switch {
	case len(cached) == 0 || cached[0].Date != first || changed <= first:
		// No cache, or the history now starts on another day: everything.
		days, from = load.Days(in, first, to, c.Load), first
	case changed > cached[len(cached)-1].Date:
		// Nothing changed inside the cache: only extend it to today.
		from = cached[len(cached)-1].Date + 1
		days = load.Update(cached, from, in, to, c.Load)
	default:
		days = load.Update(cached, changed, in, to, c.Load)
	}
	if from > to {
		return from, 0, nil
	}
	k := int(from - days[0].Date)
	rows, err := marshalDays(days[k:])
	if err != nil {
		return 0, 0, err
	}
	if err := c.Store.ReplaceDailyRows(ctx, c.AthleteID, from.Time(), rows); err != nil {
		return 0, 0, err
	}
	return from, len(rows), nil
}

// marshalDays encodes each day as its stored row, on every CPU when there
// are many: a first import writes thousands (4,681 for the reference
// workload), and encoding/json is most of that step.
func marshalDays(days []load.Day) ([]rebound.DailyRow, error) {
	rows := make([]rebound.DailyRow, len(days))
	parts := 1
	if len(days) >= 512 {
		parts = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for i := p; i < len(days); i += parts {
				b, err := json.Marshal(days[i])
				if err != nil {
					errs[p] = err
					return
				}
				rows[i] = rebound.DailyRow{Date: days[i].Date.Time(), Payload: b}
			}
		})
	}
	wg.Wait()
	return rows, errors.Join(errs...)
}

func (c *Coach) cachedDays(ctx context.Context) ([]load.Day, error) {
	days, _, err := c.cachedWindow(ctx, 0)
	return days, err
}

// cachedWindow decodes the stored rows dated from on (every row when from
// is 0 or before the first) and returns them with the model's first day.
// Decoding is most of the cost of reading the model, and a day's figures
// look back at most a few weeks: callers that report on one day decode only
// a window.
func (c *Coach) cachedWindow(ctx context.Context, from load.Date) ([]load.Day, load.Date, error) {
	rows, err := c.Store.DailyRows(ctx, c.AthleteID)
	if err != nil || len(rows) == 0 {
		return nil, 0, err
	}
	first := load.DateOf(rows[0].Date)
	k := 0
	if from > first {
		k = min(int(from-first), len(rows))
	}
	days := make([]load.Day, len(rows)-k)
	for i, r := range rows[k:] {
		if err := json.Unmarshal(r.Payload, &days[i]); err != nil {
			return nil, 0, fmt.Errorf("daily model row %s: %w", r.Date.Format(time.DateOnly), err)
		}
		if i > 0 && days[i].Date != days[i-1].Date+1 {
			return nil, 0, nil // a gap means a damaged cache: recompute
		}
	}
	return days, first, nil
}

// Days returns the daily model through day to (today when zero): the
// stored rows, extended in memory with rest days when the last workout is
// older than to.
func (c *Coach) Days(ctx context.Context, to load.Date) ([]load.Day, error) {
	days, _, err := c.daysWindow(ctx, 0, to)
	return days, err
}

// daysWindow is Days from day from on (0: from the first), with the
// model's first day.
func (c *Coach) daysWindow(ctx context.Context, from, to load.Date) ([]load.Day, load.Date, error) {
	ath, err := c.Store.Athlete(ctx, c.AthleteID)
	if err != nil {
		return nil, 0, err
	}
	if to == 0 {
		to = today(c.location(ath), c.Now())
	}
	days, first, err := c.cachedWindow(ctx, from)
	if err != nil || len(days) == 0 {
		return days, first, err
	}
	ext, err := extend(days, to, c.Load)
	return ext, first, err
}

// extend cuts days at to, or extends them to it with rest days.
func extend(days []load.Day, to load.Date, p load.Params) ([]load.Day, error) {
	last := days[len(days)-1].Date
	if to < days[0].Date {
		return nil, nil // before the first workout: no model yet
	}
	if to <= last {
		return days[:int(to-days[0].Date)+1], nil
	}
	// Rest days after the last stored one carry no input; Update needs the
	// inputs only from the first changed day, so an empty list extends it.
	return load.Update(days, last+1, nil, to, p), nil
}

// Profile returns the resolved thresholds (refreshing them if never
// resolved).
func (c *Coach) Profile(ctx context.Context) (load.Profile, error) {
	m, err := c.readModel(ctx)
	if err != nil {
		return load.Profile{}, err
	}
	if m == nil {
		if _, err := c.Refresh(ctx, nil); err != nil {
			return load.Profile{}, err
		}
		if m, err = c.readModel(ctx); err != nil || m == nil {
			return load.Profile{}, err
		}
	}
	return m.Profile, nil
}
