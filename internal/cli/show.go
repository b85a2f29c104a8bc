package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/units"
)

func (a *app) showCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one activity: summary, laps and where each figure came from",
		Example: `  rebound show 42
  rebound show 42 --json | jq .laps`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			sys, _, err := a.display()
			if err != nil {
				return err
			}
			act, err := a.st.Activity(a.ctx, rebound.DefaultAthleteID, id, false)
			if err != nil {
				return err
			}
			loads, err := a.st.WorkoutLoads(a.ctx, rebound.DefaultAthleteID, []int64{id})
			if err != nil {
				return err
			}
			var wl *rebound.WorkoutLoad
			if l, ok := loads[id]; ok {
				wl = &l
			}
			if a.jsonOut {
				return a.writeJSON(a.showJSON(act, wl))
			}
			a.printActivity(act, sys)
			a.printLoad(act, wl, sys)
			return nil
		},
	}
}

// showJSON is the activity with its load figures.
type showJSON struct {
	activityJSON
	TRIMP        *float64      `json:"trimp"`
	HRSS         *float64      `json:"hrss"`
	RTSS         *float64      `json:"rtss"`
	SRPE         *float64      `json:"srpe"`
	Load         *float64      `json:"load"`
	LoadSource   string        `json:"load_source"`
	LoadWhy      string        `json:"load_why"`
	Zones        zonesJSON     `json:"zones"`
	Character    string        `json:"character"`
	Detail       string        `json:"character_detail"`
	CharWhy      string        `json:"character_why"`
	Override     bool          `json:"character_set_by_you"`
	FastFinish   *segmentJSON  `json:"fast_finish"`
	Surges       []segmentJSON `json:"surges"`
	QualityFlags []string      `json:"quality_flags"`
}

type zonesJSON struct {
	HR   []zoneJSON `json:"hr"`
	Pace []zoneJSON `json:"pace"`
}

// zoneJSON is the time in one zone; bounds in bpm (HR) or m/s (pace).
type zoneJSON struct {
	Zone     string   `json:"zone"`
	Low      *float64 `json:"low"`
	High     *float64 `json:"high"`
	Unit     string   `json:"unit"`
	Seconds  float64  `json:"seconds"`
	Fraction float64  `json:"fraction"`
}

// segmentJSON is a fast finish or surge: when it started (local time and
// offset from the start), how long, and its pace.
type segmentJSON struct {
	Start      time.Time `json:"start"`
	StartS     float64   `json:"start_s"`
	DurationS  float64   `json:"duration_s"`
	DistanceM  float64   `json:"distance_m"`
	SpeedMPS   float64   `json:"speed_mps"`
	PaceSPerKm *float64  `json:"pace_s_per_km"`
	AvgHR      *float64  `json:"avg_hr"`
}

func toSegmentJSON(act *rebound.Activity, s rebound.Segment) segmentJSON {
	j := segmentJSON{Start: act.LocalStart().Add(time.Duration(s.StartS * float64(time.Second))),
		StartS: s.StartS, DurationS: s.DurationS, DistanceM: s.DistanceM, SpeedMPS: s.SpeedMPS, AvgHR: s.AvgHRBPM}
	if s.SpeedMPS > 0 {
		j.PaceSPerKm = rebound.Float(1000 / s.SpeedMPS)
	}
	return j
}

func toZonesJSON(zs []rebound.ZoneTime, hr bool) []zoneJSON {
	out := make([]zoneJSON, 0, len(zs))
	for _, z := range zs {
		j := zoneJSON{Zone: z.Zone, Seconds: z.Seconds, Fraction: z.Fraction, Unit: "m/s"}
		lo, hi := z.LowMPS, z.HighMPS
		if hr {
			lo, hi, j.Unit = z.LowBPM, z.HighBPM, "bpm"
		}
		if lo > 0 {
			j.Low = rebound.Float(lo)
		}
		if hi > 0 {
			j.High = rebound.Float(hi)
		}
		out = append(out, j)
	}
	return out
}

func (a *app) showJSON(act *rebound.Activity, wl *rebound.WorkoutLoad) showJSON {
	j := showJSON{activityJSON: toActivityJSON(act), Surges: []segmentJSON{}, QualityFlags: []string{},
		Zones: zonesJSON{HR: []zoneJSON{}, Pace: []zoneJSON{}}}
	if wl == nil {
		return j
	}
	j.TRIMP, j.HRSS, j.RTSS, j.SRPE = wl.TRIMP, wl.HRSS, wl.RTSS, wl.SRPE
	j.Load, j.LoadSource, j.LoadWhy = rebound.Float(wl.Load), wl.LoadSource, wl.LoadWhy
	j.Zones = zonesJSON{HR: toZonesJSON(wl.HRZones, true), Pace: toZonesJSON(wl.PaceZones, false)}
	j.Character, j.Detail, j.CharWhy, j.Override = wl.Character, wl.CharacterDetail, wl.CharacterWhy, wl.CharacterOverride
	if wl.FastFinish != nil {
		ff := toSegmentJSON(act, *wl.FastFinish)
		j.FastFinish = &ff
	}
	for _, s := range wl.Surges {
		j.Surges = append(j.Surges, toSegmentJSON(act, s))
	}
	if wl.QualityFlags != nil {
		j.QualityFlags = wl.QualityFlags
	}
	return j
}

func (a *app) printLoad(act *rebound.Activity, wl *rebound.WorkoutLoad, sys units.System) {
	w := a.stdout
	if wl == nil {
		return
	}
	fmt.Fprintf(w, "\nLoad %.0f (%s): %s\n", wl.Load, wl.LoadSource, wl.LoadWhy)
	for _, f := range []struct {
		name string
		v    *float64
	}{{"TRIMP", wl.TRIMP}, {"HRSS", wl.HRSS}, {"rTSS", wl.RTSS}, {"sRPE", wl.SRPE}} {
		if f.v != nil {
			fmt.Fprintf(w, "  %-6s %.0f\n", f.name, *f.v)
		}
	}
	who := "Rebound"
	if wl.CharacterOverride {
		who = "you"
	}
	fmt.Fprintf(w, "Character  %s", wl.Character)
	if wl.CharacterDetail != "" {
		fmt.Fprintf(w, " (%s)", wl.CharacterDetail)
	}
	fmt.Fprintf(w, " — by %s: %s\n", who, wl.CharacterWhy)
	start := act.LocalStart()
	at := func(s rebound.Segment) string {
		return start.Add(time.Duration(s.StartS * float64(time.Second))).Format("15:04:05")
	}
	if ff := wl.FastFinish; ff != nil {
		fmt.Fprintf(w, "Fast finish from %s: %s at %s\n", at(*ff), units.Duration(ff.DurationS), sys.Pace(ff.SpeedMPS))
	}
	for i, s := range wl.Surges {
		fmt.Fprintf(w, "Surge %d at %s: %.0f s at %s\n", i+1, at(s), s.DurationS, sys.Pace(s.SpeedMPS))
	}
	zones := func(name string, zs []rebound.ZoneTime) {
		if len(zs) == 0 {
			return
		}
		fmt.Fprintf(w, "%s zones:", name)
		for _, z := range zs {
			if z.Seconds >= 30 {
				fmt.Fprintf(w, " %s %s", z.Zone, units.Duration(z.Seconds))
			}
		}
		fmt.Fprintln(w)
	}
	zones("HR", wl.HRZones)
	zones("Pace", wl.PaceZones)
	if len(wl.QualityFlags) > 0 {
		fmt.Fprintf(w, "Data quality: %s\n", strings.Join(wl.QualityFlags, ", "))
	}
}

func (a *app) printActivity(act *rebound.Activity, sys units.System) {
	w := a.stdout
	name := act.Name
	if name == "" {
		name = act.Sport
	}
	fmt.Fprintf(w, "#%d %s\n", act.ID, name)
	start := act.LocalStart()
	fmt.Fprintf(w, "  started    %s (UTC%s, %s)\n", start.Format("Mon 2006-01-02 15:04"), start.Format("-07:00"), offsetWhy(act.OffsetSource))
	fmt.Fprintf(w, "  sport      %s", act.Sport)
	if act.SubSport != "" {
		fmt.Fprintf(w, " / %s", act.SubSport)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  distance   %s\n", sys.Distance(act.DistanceM))
	fmt.Fprintf(w, "  time       %s moving, %s elapsed\n", units.Duration(act.MovingS), units.Duration(act.ElapsedS))
	fmt.Fprintf(w, "  pace       %s\n", sys.Pace(act.AvgSpeedMPS))
	if act.AvgHeartRateBPM != nil {
		fmt.Fprintf(w, "  heart rate %s avg, %s max bpm\n", hr(act.AvgHeartRateBPM), hr(act.MaxHeartRateBPM))
	}
	if act.AscentM != nil {
		fmt.Fprintf(w, "  elevation  +%.0f m / -%.0f m\n", *act.AscentM, deref(act.DescentM))
	}
	if act.AvgTemperatureC != nil {
		fmt.Fprintf(w, "  temperature %.0f °C avg (%.0f–%.0f)\n", *act.AvgTemperatureC, deref(act.MinTemperatureC), deref(act.MaxTemperatureC))
	}
	if act.AvgCadenceSPM != nil {
		fmt.Fprintf(w, "  cadence    %.0f steps/min\n", *act.AvgCadenceSPM)
	}
	if act.Calories != nil {
		fmt.Fprintf(w, "  calories   %.0f kcal\n", *act.Calories)
	}
	if act.RPE != nil {
		fmt.Fprintf(w, "  RPE        %d/10\n", *act.RPE)
	}
	if act.Device != "" {
		fmt.Fprintf(w, "  device     %s\n", act.Device)
	}
	if act.SourceFile != "" {
		fmt.Fprintf(w, "  source     %s (%s, sha256 %.12s…)\n", act.SourceFile, act.SourceFormat, act.SourceSHA256)
	}
	fmt.Fprintf(w, "  summary    %s\n", summaryWhy(act.SummarySource))
	if len(act.Laps) > 0 {
		fmt.Fprintln(w, "\nLaps")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  #\tDISTANCE\tTIME\tPACE\tAVG HR\tMAX HR")
		for _, l := range act.Laps {
			fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", l.Index+1, sys.Distance(l.DistanceM), units.Duration(l.MovingS),
				sys.Pace(l.AvgSpeedMPS), hr(l.AvgHeartRateBPM), hr(l.MaxHeartRateBPM))
		}
		tw.Flush()
	}
}

func deref(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}

func offsetWhy(src string) string {
	switch src {
	case rebound.OffsetFromFile:
		return "local time from the file"
	case rebound.OffsetFromAthlete:
		return "local time from your time zone; the file has none"
	}
	return "local time"
}

func summaryWhy(src string) string {
	switch src {
	case rebound.SummaryFromFile:
		return "totals from the file's own session record"
	case rebound.SummaryFromStreams:
		return "computed by Rebound from the recorded samples (the file carries no totals)"
	case rebound.SummaryFromManual:
		return "entered by hand with rebound log"
	}
	return src
}
