package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/load"
	"rebound/internal/units"
)

// Allowed ranges of the profile. Values outside are typing or unit errors;
// the bounds are wide on purpose (Rebound's choice).
const (
	minHRMax, maxHRMax   = 120.0, 230.0
	minHRRest, maxHRRest = 25.0, 110.0
	minLTHR, maxLTHR     = 100.0, 220.0
	minWeight, maxWeight = 25.0, 250.0
	// Threshold pace between 2:30/km (faster than the one-hour world record
	// pace, 2:51/km) and 12:00/km.
	maxThresholdMPS = 1000.0 / 150
	minThresholdMPS = 1000.0 / 720
)

var phases = []string{"base", "build", "peak", "taper", "race", "recovery", "off"}

func (a *app) athleteCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "athlete",
		Short: "Set or show your profile (thresholds, body mass, time zone, sleep, phase)",
		Example: `  rebound athlete set --birth-date 1988-05-01 --sex female --weight 58kg --tz Europe/Berlin
  rebound athlete show`,
	}
	var name, birth, sex, weight, hrMax, hrRest, lthr, pace, unitsVal, tz, bedtime, wake, phase string
	set := &cobra.Command{
		Use:   "set",
		Short: "Set profile values; values you leave out are estimated from your data",
		Example: `  rebound athlete set --hr-max 190 --hr-rest 45 --lthr 172 --threshold-pace 3:50/km
  rebound athlete set --weight 150lb --units mi --tz America/New_York --bedtime 22:30 --wake 06:00 --phase build`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			ath, err := a.athlete()
			if err != nil {
				return err
			}
			ath.ID = rebound.DefaultAthleteID
			f := cmd.Flags()
			if f.NFlag() == 0 {
				return usagef("athlete set needs at least one flag (see rebound help athlete set)")
			}
			if f.Changed("name") {
				ath.Name = strings.TrimSpace(name)
			}
			if f.Changed("birth-date") {
				d, err := time.Parse("2006-01-02", birth)
				if err != nil {
					return usagef("--birth-date %q: use a date like 1990-05-01", birth)
				}
				probe := rebound.Athlete{BirthDate: &d}
				if age, _ := probe.AgeOn(a.now()); age < 10 || age > 100 {
					return usagef("--birth-date %s: age %d is outside 10–100", birth, age)
				}
				ath.BirthDate = &d
			}
			if f.Changed("sex") {
				switch strings.ToLower(sex) {
				case "female", "f":
					ath.Sex = "female"
				case "male", "m":
					ath.Sex = "male"
				default:
					return usagef("--sex %q: use female or male (it chooses the TRIMP coefficients, Morton 1990)", sex)
				}
			}
			if f.Changed("weight") {
				kg, err := units.ParseMass(weight)
				if err != nil {
					return usageError{err}
				}
				if kg < minWeight || kg > maxWeight {
					return usagef("--weight %s: %.1f kg is outside %.0f–%.0f kg", weight, kg, minWeight, maxWeight)
				}
				ath.WeightKg = &kg
			}
			for _, h := range []struct {
				flag, val string
				lo, hi    float64
				dst       **float64
			}{{"hr-max", hrMax, minHRMax, maxHRMax, &ath.HRMaxBPM}, {"hr-rest", hrRest, minHRRest, maxHRRest, &ath.HRRestBPM}, {"lthr", lthr, minLTHR, maxLTHR, &ath.LTHRBPM}} {
				if !f.Changed(h.flag) {
					continue
				}
				var v float64
				if _, err := fmt.Sscanf(h.val, "%g", &v); err != nil {
					return usagef("--%s %q: a heart rate in bpm, e.g. 172", h.flag, h.val)
				}
				if v < h.lo || v > h.hi {
					return usagef("--%s %g: allowed %.0f–%.0f bpm", h.flag, v, h.lo, h.hi)
				}
				*h.dst = rebound.Float(v)
			}
			if ath.LTHRBPM != nil {
				max, how := 0.0, "set by you"
				if ath.HRMaxBPM != nil {
					max = *ath.HRMaxBPM
				} else if c, err := a.coach(); err == nil {
					if prof, err := c.Profile(a.ctx); err == nil && prof.HRMaxBPM.Known() {
						max, how = prof.HRMaxBPM.Value, "estimated: "+prof.HRMaxBPM.How+"; set --hr-max if it is higher"
					}
				}
				if max > 0 && *ath.LTHRBPM >= max {
					return usagef("--lthr %.0f must be below the maximum heart rate %.0f (%s)", *ath.LTHRBPM, max, how)
				}
			}
			if ath.LTHRBPM != nil && ath.HRRestBPM != nil && *ath.HRRestBPM >= *ath.LTHRBPM {
				return usagef("--hr-rest %.0f must be below the threshold heart rate %.0f", *ath.HRRestBPM, *ath.LTHRBPM)
			}
			if ath.HRMaxBPM != nil && ath.HRRestBPM != nil && *ath.HRRestBPM >= *ath.HRMaxBPM {
				return usagef("--hr-rest %.0f must be below the maximum heart rate %.0f", *ath.HRRestBPM, *ath.HRMaxBPM)
			}
			sysName := ath.Units
			if f.Changed("units") {
				s, err := units.ParseSystem(unitsVal)
				if err != nil {
					return usageError{err}
				}
				ath.Units = string(s)
				sysName = ath.Units
			}
			if f.Changed("threshold-pace") {
				sys, _ := units.ParseSystem(sysName)
				v, err := units.ParsePace(pace, sys)
				if err != nil {
					return usageError{err}
				}
				if v < minThresholdMPS || v > maxThresholdMPS {
					return usagef("--threshold-pace %s: allowed 2:30/km to 12:00/km", pace)
				}
				ath.ThresholdSpeedMPS = &v
			}
			if f.Changed("tz") {
				if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
					return usagef("--tz %q: use an IANA time zone like America/New_York or Europe/Berlin", tz)
				}
				ath.TimeZone = tz
			}
			for _, c := range []struct {
				flag, val string
				dst       *string
			}{{"bedtime", bedtime, &ath.Bedtime}, {"wake", wake, &ath.Wake}} {
				if !f.Changed(c.flag) {
					continue
				}
				t, err := time.Parse("15:04", c.val)
				if err != nil {
					return usagef("--%s %q: use a 24-hour clock time like 22:30", c.flag, c.val)
				}
				*c.dst = t.Format("15:04")
			}
			if f.Changed("phase") {
				ok := false
				for _, p := range phases {
					ok = ok || p == phase
				}
				if !ok {
					return usagef("--phase %q: use %s", phase, strings.Join(phases, ", "))
				}
				ath.Phase = phase
			}
			if err := a.st.PutAthlete(a.ctx, ath); err != nil {
				return err
			}
			// Thresholds feed every load figure: recompute what depends on them.
			if err := a.refresh(nil); err != nil {
				return err
			}
			return a.showAthlete()
		},
	}
	fs := set.Flags()
	fs.StringVar(&name, "name", "", "your name")
	fs.StringVar(&birth, "birth-date", "", "birth date, e.g. 1990-05-01 (age sets the protein dose and the hard-session gap)")
	fs.StringVar(&sex, "sex", "", "female or male (TRIMP coefficients, Morton 1990)")
	fs.StringVar(&weight, "weight", "", "body mass: 68kg or 150lb (sizes food and fluid)")
	fs.StringVar(&hrMax, "hr-max", "", "maximum heart rate, bpm")
	fs.StringVar(&hrRest, "hr-rest", "", "resting heart rate, bpm")
	fs.StringVar(&lthr, "lthr", "", "lactate-threshold heart rate, bpm (Friel)")
	fs.StringVar(&pace, "threshold-pace", "", "threshold pace: 3:50/km or 6:10/mi (the pace you can hold for ~1 h)")
	fs.StringVar(&unitsVal, "units", "", "display units: km or mi")
	fs.StringVar(&tz, "tz", "", "IANA time zone, e.g. America/New_York")
	fs.StringVar(&bedtime, "bedtime", "", "usual bedtime, e.g. 22:30")
	fs.StringVar(&wake, "wake", "", "usual wake time, e.g. 06:00")
	fs.StringVar(&phase, "phase", "", "training phase: "+strings.Join(phases, ", "))
	// --units is also a global flag; the subcommand's own flag shadows it here.
	show := &cobra.Command{
		Use:     "show",
		Short:   "Show your profile: what you set and what Rebound estimated, and how",
		Example: `  rebound athlete show --json`,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, args []string) error { return a.showAthlete() },
	}
	cmd.AddCommand(set, show)
	return cmd
}

// athleteJSON is the stable form of `rebound athlete show --json`.
type athleteJSON struct {
	Name      string       `json:"name"`
	BirthDate string       `json:"birth_date,omitempty"`
	Age       *int         `json:"age"`
	Sex       string       `json:"sex"`
	WeightKg  *float64     `json:"weight_kg"`
	Units     string       `json:"units"`
	TimeZone  string       `json:"tz"`
	Bedtime   string       `json:"bedtime"`
	Wake      string       `json:"wake"`
	Phase     string       `json:"phase"`
	Resolved  load.Profile `json:"thresholds"`
}

func (a *app) showAthlete() error {
	ath, err := a.athlete()
	if err != nil {
		return err
	}
	c, err := a.coach()
	if err != nil {
		return err
	}
	prof, err := c.Profile(a.ctx)
	if err != nil {
		return err
	}
	sys, loc, err := a.display()
	if err != nil {
		return err
	}
	j := athleteJSON{Name: ath.Name, Sex: ath.Sex, WeightKg: ath.WeightKg, Units: string(sys), TimeZone: loc.String(),
		Bedtime: ath.Bedtime, Wake: ath.Wake, Phase: ath.Phase, Resolved: prof}
	if ath.BirthDate != nil {
		j.BirthDate = ath.BirthDate.Format("2006-01-02")
		if age, ok := ath.AgeOn(a.now()); ok {
			j.Age = &age
		}
	}
	if a.jsonOut {
		return a.writeJSON(j)
	}
	w := a.stdout
	orDash := func(s string) string {
		if s == "" {
			return "— (not set)"
		}
		return s
	}
	fmt.Fprintf(w, "name        %s\n", orDash(ath.Name))
	if j.Age != nil {
		fmt.Fprintf(w, "age         %d (born %s)\n", *j.Age, j.BirthDate)
	} else {
		fmt.Fprintf(w, "age         — (not set: the protein dose and hard-session gap assume under 50)\n")
	}
	fmt.Fprintf(w, "sex         %s\n", orDash(ath.Sex))
	if ath.WeightKg != nil {
		fmt.Fprintf(w, "weight      %.1f kg\n", *ath.WeightKg)
	} else {
		fmt.Fprintf(w, "weight      — (not set: plan amounts are given per kg)\n")
	}
	fmt.Fprintf(w, "units       %s\ntime zone   %s\nbedtime     %s\nwake        %s\nphase       %s\n", sys, loc, orDash(ath.Bedtime), orDash(ath.Wake), orDash(ath.Phase))
	fmt.Fprintln(w, "\nThresholds")
	th := func(label string, t load.Threshold, format func(float64) string) {
		v := "unknown"
		if t.Known() {
			v = format(t.Value)
		}
		src := "set by you"
		if t.Estimated {
			src = "estimated: " + t.How
		} else if !t.Known() {
			src = t.How
		}
		fmt.Fprintf(w, "  %-15s %-12s %s\n", label, v, src)
	}
	bpm := func(v float64) string { return fmt.Sprintf("%.0f bpm", v) }
	th("max HR", prof.HRMaxBPM, bpm)
	th("resting HR", prof.HRRestBPM, bpm)
	th("threshold HR", prof.LTHRBPM, bpm)
	th("threshold pace", prof.ThresholdSpeedMPS, sys.Pace)
	if prof.SexEstimated {
		fmt.Fprintf(w, "  %-15s %-12s %s\n", "TRIMP sex", prof.Sex, prof.SexHow)
	}
	return nil
}
