package cli

import (
	"time"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/load"
)

// coach returns the application service over the store. The protocol is
// loaded only by the commands that build plans (a bad protocol file must not
// stop rebound status).
func (a *app) coach() (*coach.Coach, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	return coach.New(st, rebound.DefaultAthleteID, nil, a.now, time.Local), nil
}

// planCoach is coach with the runner's protocol loaded.
func (a *app) planCoach() (*coach.Coach, error) {
	c, err := a.coach()
	if err != nil {
		return nil, err
	}
	p, _, err := a.loadProtocol()
	if err != nil {
		return nil, err
	}
	c.Protocol = p
	return c, nil
}

// refresh brings loads and the daily model up to date after a change.
func (a *app) refresh(fresh []*rebound.Activity) error {
	c, err := a.coach()
	if err != nil {
		return err
	}
	_, err = c.Refresh(a.ctx, fresh)
	return err
}

// parseDay parses --date/--until (YYYY-MM-DD); "" is today (zero).
func parseDay(flag, s string) (load.Date, error) {
	if s == "" {
		return 0, nil
	}
	d, err := load.ParseDate(s)
	if err != nil {
		return 0, usagef("--%s %q: use a date like 2026-07-11", flag, s)
	}
	return d, nil
}
