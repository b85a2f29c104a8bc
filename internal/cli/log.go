package cli

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/units"
)

// worldRecords are the men's outdoor running world records (World Athletics,
// as of 2024) as distance in metres and time in seconds. A manual entry more
// than 10% faster than the record speed for its distance is a typo, not a
// run. The 10% margin is Rebound's choice.
var worldRecords = [...]struct{ m, s float64 }{
	{100, 9.58}, {400, 43.03}, {1500, 206.0}, {5000, 755.36}, {10000, 1571.0},
	{21097.5, 3451.0}, {42195, 7235.0},
}

// recordSpeed is the world-record speed at distance m, interpolated in log
// distance between the records above.
func recordSpeed(m float64) float64 {
	r := worldRecords
	if m <= r[0].m {
		return r[0].m / r[0].s
	}
	for i := 1; i < len(r); i++ {
		if m <= r[i].m {
			f := (math.Log(m) - math.Log(r[i-1].m)) / (math.Log(r[i].m) - math.Log(r[i-1].m))
			v0, v1 := r[i-1].m/r[i-1].s, r[i].m/r[i].s
			return v0 + f*(v1-v0)
		}
	}
	last := r[len(r)-1]
	return last.m / last.s
}

func (a *app) logCommand() *cobra.Command {
	var start, duration, distance, sport, kind, temp, notes, name string
	var rpe int
	var avgHR, maxHR float64
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Add a workout without a file (treadmill, forgotten watch)",
		Example: `  rebound log --start 2026-07-11T06:00 --duration 45m --distance 8km --rpe 4
  rebound log --start 2026-07-12T07:30 --duration 1h20m --distance 10mi --kind long --temp 30C`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			sys, loc, err := a.display()
			if err != nil {
				return err
			}
			act := &rebound.Activity{
				AthleteID: rebound.DefaultAthleteID, SourceFormat: "manual", SummarySource: rebound.SummaryFromManual,
				Name: name, Notes: notes,
			}
			if start == "" {
				return usagef("--start is required, e.g. --start 2026-07-11T06:00 (your local time)")
			}
			st, err := parseLocal(start, loc)
			if err != nil {
				return usageError{err}
			}
			if st.After(a.now()) {
				return usagef("--start %s is in the future", start)
			}
			if st.Before(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) {
				return usagef("--start %s is before 1990", start)
			}
			act.StartTime = st.UTC()
			_, act.UTCOffsetS = st.Zone()
			act.OffsetSource = rebound.OffsetFromAthlete
			if duration == "" {
				return usagef("--duration is required, e.g. --duration 45m")
			}
			secs, err := units.ParseDuration(duration)
			if err != nil {
				return usageError{err}
			}
			if secs <= 0 || secs > 24*3600 {
				return usagef("--duration %s: must be more than 0 and at most 24h", duration)
			}
			act.ElapsedS, act.MovingS = secs, secs
			if distance != "" {
				m, err := units.ParseDistance(distance, sys)
				if err != nil {
					return usageError{err}
				}
				if m > 500000 {
					return usagef("--distance %s: more than 500 km in one workout", distance)
				}
				act.DistanceM = m
				act.AvgSpeedMPS = m / secs
			}
			act.Sport, err = parseSport(sport)
			if err != nil {
				return err
			}
			if act.Sport == rebound.SportRunning && act.DistanceM > 0 {
				if v, wr := act.AvgSpeedMPS, recordSpeed(act.DistanceM); v > 1.1*wr {
					return usagef("%s in %s is %s, far faster than the world record pace (%s) for that distance: check --distance and --duration",
						sys.Distance(act.DistanceM), units.Duration(secs), sys.Pace(v), sys.Pace(wr))
				}
			}
			if cmd.Flags().Changed("rpe") {
				if rpe < 1 || rpe > 10 {
					return usagef("--rpe %d: use 1 (very easy) to 10 (maximal), the CR-10 scale", rpe)
				}
				act.RPE = &rpe
			}
			for _, h := range []struct {
				flag string
				v    float64
				dst  **float64
			}{{"avg-hr", avgHR, &act.AvgHeartRateBPM}, {"max-hr", maxHR, &act.MaxHeartRateBPM}} {
				if !cmd.Flags().Changed(h.flag) {
					continue
				}
				if h.v < 20 || h.v > 250 {
					return usagef("--%s %g: heart rate must be 20–250 bpm", h.flag, h.v)
				}
				*h.dst = rebound.Float(h.v)
			}
			switch kind {
			case "", rebound.CharacterEasy, rebound.CharacterLong, rebound.CharacterWorkout, rebound.CharacterRace:
				act.Kind = kind
			default:
				return usagef("--kind %q: use easy, long, workout or race", kind)
			}
			if temp != "" {
				c, err := units.ParseTemperature(temp)
				if err != nil {
					return usageError{err}
				}
				if c < -40 || c > 50 {
					return usagef("--temp %s: outside -40…50 °C", temp)
				}
				act.ManualTempC = &c
				act.AvgTemperatureC = rebound.Float(c)
			}
			if _, err := a.openStore(); err != nil {
				return err
			}
			res, err := a.st.AddActivities(a.ctx, rebound.DefaultAthleteID, []*rebound.Activity{act})
			if err != nil {
				return err
			}
			if res[0].Duplicate {
				return fmt.Errorf("not added: activity %d already covers this workout (same sport, start within 60 s, similar duration)", res[0].DuplicateOf)
			}
			act.ID = res[0].ID
			if a.jsonOut {
				return a.writeJSON(toActivityJSON(act))
			}
			fmt.Fprintf(a.stdout, "Added activity %d: %s %s, %s on %s\n", act.ID, act.Sport, sys.Distance(act.DistanceM),
				units.Duration(secs), act.LocalStart().Format("Mon 2006-01-02 15:04"))
			return a.refresh([]*rebound.Activity{act})
		},
	}
	f := cmd.Flags()
	f.StringVar(&start, "start", "", "start, local time: 2026-07-11T06:00 (required)")
	f.StringVar(&duration, "duration", "", "duration: 45m, 1h20m or 1:20:00 (required)")
	f.StringVar(&distance, "distance", "", "distance: 8km, 5mi or 800m (bare numbers in your units)")
	f.IntVar(&rpe, "rpe", 0, "session RPE 1..10 (CR-10 scale, Foster 2001)")
	f.Float64Var(&avgHR, "avg-hr", 0, "average heart rate, bpm")
	f.Float64Var(&maxHR, "max-hr", 0, "maximum heart rate, bpm")
	f.StringVar(&sport, "sport", "run", "sport: run, ride, walk, hike, swim, other")
	f.StringVar(&kind, "kind", "", "easy, long, workout or race (default: Rebound decides)")
	f.StringVar(&temp, "temp", "", "air temperature: 30C or 86F")
	f.StringVar(&notes, "notes", "", "free text")
	f.StringVar(&name, "name", "", "a title")
	return cmd
}

// parseLocal parses a local date-time in the athlete's zone.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("time %q: use local time like 2026-07-11T06:00", s)
}

func parseSport(s string) (string, error) {
	switch strings.ToLower(s) {
	case "run", "running", "":
		return rebound.SportRunning, nil
	case "ride", "bike", "cycling":
		return rebound.SportCycling, nil
	case "walk", "walking":
		return rebound.SportWalking, nil
	case "hike", "hiking":
		return rebound.SportHiking, nil
	case "swim", "swimming":
		return rebound.SportSwimming, nil
	case "other", "strength", "cross":
		return rebound.SportOther, nil
	}
	return "", usagef("--sport %q: use run, ride, walk, hike, swim or other", s)
}
