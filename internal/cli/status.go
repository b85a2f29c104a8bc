package cli

import (
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"rebound/internal/coach"
	"rebound/internal/load"
	"rebound/internal/units"
)

func (a *app) statusCommand() *cobra.Command {
	var date string
	var explain bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Today's fitness, fatigue, form, risk signals, readiness and Red Alert",
		Long: `Today's training-load picture — fitness (CTL), fatigue (ATL), form (TSB) and its
band, fitness ramp, acute:chronic ratio (information only), monotony and strain,
weekly volume and its change, the last single-run spike, hours since the last
hard session — each with what it means and any warning; then the morning
readiness verdict from your check-ins, and Red Alert Recovery Mode when it is on.
--explain shows the inputs, formula and source of every figure.`,
		Example: `  rebound status
  rebound status --date 2026-07-11 --explain
  rebound status --json | jq .red_alert`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			on, err := parseDay("date", date)
			if err != nil {
				return err
			}
			sys, loc, err := a.display()
			if err != nil {
				return err
			}
			if today := load.DateOf(a.now().In(loc)); on > today {
				return usagef("--date %s is in the future (today is %s)", on, today)
			}
			c, err := a.coach()
			if err != nil {
				return err
			}
			st, err := c.Status(a.ctx, on)
			if err != nil {
				return err
			}
			if on == 0 {
				// Keep the Red Alert history as of today (a past --date
				// would record episodes as they looked then).
				if err := c.SaveAlertHistory(a.ctx, st.History); err != nil {
					return err
				}
			}
			if a.jsonOut {
				return a.writeJSON(st)
			}
			a.printStatus(st, sys, explain)
			return nil
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "report on this local date (YYYY-MM-DD) instead of today")
	cmd.Flags().BoolVar(&explain, "explain", false, "show inputs, formula and source of every figure")
	return cmd
}

func (a *app) printStatus(st *coach.Status, sys units.System, explain bool) {
	w := a.stdout
	if st.RedAlert.Active {
		fmt.Fprintf(w, "!! RED ALERT RECOVERY MODE")
		if st.RedAlert.Since != nil {
			fmt.Fprintf(w, " since %s", st.RedAlert.Since.Format("Mon 2 Jan"))
		}
		fmt.Fprintln(w)
		for _, t := range st.RedAlert.Triggers {
			fmt.Fprintf(w, "   because: %s (%s)\n", t.Why, t.Source)
		}
		fmt.Fprintf(w, "   no hard sessions; easy running or rest, extra sleep.\n   ends when: %s\n\n", st.RedAlert.ExitRule)
	}
	fmt.Fprintf(w, "Status for %s\n", st.Date)
	if st.Load == nil {
		fmt.Fprintln(w, "  No training history yet: import some with rebound import PATH.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range st.Load.Figures {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, figureValue(f, sys), f.Meaning)
			if f.Warning != "" {
				fmt.Fprintf(tw, "  \t\t⚠ %s\n", f.Warning)
			}
			if explain {
				fmt.Fprintf(tw, "  \t\tformula: %s\n", f.Explanation.Formula)
				if len(f.Explanation.Inputs) > 0 {
					fmt.Fprintf(tw, "  \t\tinputs: %s\n", formatInputs(f.Explanation.Inputs))
				}
				fmt.Fprintf(tw, "  \t\tsource: %s\n", f.Explanation.Source)
			}
		}
		tw.Flush()
	}
	r := st.Readiness
	fmt.Fprintf(w, "\nReadiness: %s — %s\n", strings.ToUpper(strings.ReplaceAll(r.Verdict, "_", " ")), r.Why)
	for _, s := range r.Signals {
		val := "—"
		if s.Value != nil {
			val = fmt.Sprintf("%.1f %s", *s.Value, s.Unit)
		}
		base := ""
		if s.Baseline != nil {
			base = fmt.Sprintf(" (baseline %.1f)", *s.Baseline)
		}
		fmt.Fprintf(w, "  %-8s %-12s %s%s: %s\n", s.Band, s.Name, val, base, s.Why)
		if explain && s.Source != "" {
			fmt.Fprintf(w, "           source: %s\n", s.Source)
		}
	}
	ad := st.Adherence
	if ad.Last28.Planned > 0 {
		fmt.Fprintf(w, "\nPlan adherence: %s of due steps done in the last 7 days, %s in the last 28", rate(ad.Last7.Rate), rate(ad.Last28.Rate))
		fmt.Fprintf(w, " (%d done, %d skipped, %d unmarked)\n", ad.Last28.Done, ad.Last28.Skipped, ad.Last28.Unmarked)
		for _, sg := range ad.AlwaysSkipped {
			fmt.Fprintf(w, "  • %s\n", sg.Message)
		}
		for _, x := range ad.ExtraRecovery {
			fmt.Fprintf(w, "  • activity %d: +%.0f h recovery — %s\n", x.ActivityID, x.Contribution.Hours, x.Contribution.Why)
		}
	}
	if len(st.History) > 0 {
		fmt.Fprintf(w, "\nRed Alert history:\n")
		for _, e := range st.History {
			until := "still on"
			if e.Until != nil {
				until = "until " + e.Until.Format("2006-01-02")
			}
			fmt.Fprintf(w, "  %s %s — %s\n", e.Since.Format("2006-01-02"), until, strings.Join(e.Triggers, ", "))
		}
	}
}

func figureValue(f load.Figure, sys units.System) string {
	if f.Value == nil {
		return "—"
	}
	v := *f.Value
	var s string
	switch f.Unit {
	case "m":
		s = sys.Distance(v)
	case "s":
		s = units.Duration(v)
	case "%":
		s = fmt.Sprintf("%+.0f%%", v)
	case "h":
		s = fmt.Sprintf("%.0f h", v)
	case "/wk":
		s = fmt.Sprintf("%+.1f/wk", v)
	default:
		if math.Abs(v) < 10 && v != math.Trunc(v) {
			s = fmt.Sprintf("%.2f", v)
		} else {
			s = fmt.Sprintf("%.0f", v)
		}
	}
	if f.Label != "" {
		s += " (" + strings.ReplaceAll(f.Label, "_", " ") + ")"
	}
	return s
}

func formatInputs(in map[string]float64) string {
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sortStrings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%.4g", k, in[k])
	}
	return strings.Join(parts, ", ")
}

func (a *app) loadCommand() *cobra.Command {
	var weeks int
	var until string
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Daily and weekly training load with fitness, fatigue and form",
		Example: `  rebound load --weeks 4
  rebound load --until 2026-07-11 --json | jq '.[] | {date, load, ctl, atl, tsb}'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if weeks < 1 || weeks > 520 {
				return usagef("--weeks %d: use 1–520", weeks)
			}
			to, err := parseDay("until", until)
			if err != nil {
				return err
			}
			sys, _, err := a.display()
			if err != nil {
				return err
			}
			c, err := a.coach()
			if err != nil {
				return err
			}
			days, err := c.Days(a.ctx, to)
			if err != nil {
				return err
			}
			if n := weeks * 7; len(days) > n {
				days = days[len(days)-n:]
			}
			if a.jsonOut {
				if days == nil {
					days = []load.Day{}
				}
				return a.writeJSON(days)
			}
			if len(days) == 0 {
				fmt.Fprintln(a.stdout, "No training history yet: import some with rebound import PATH.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "DATE\tLOAD\tDISTANCE\tFITNESS\tFATIGUE\tFORM\t")
			for i, d := range days {
				fmt.Fprintf(tw, "%s\t%.0f\t%s\t%.1f\t%.1f\t%+.1f\t\n", d.Date, d.Load, sys.Distance(d.DistanceM), d.CTL, d.ATL, d.TSB)
				if d.Date.Time().Weekday() == 0 || i == len(days)-1 {
					change := ""
					if d.WeekChangePct != nil {
						change = fmt.Sprintf(" (%+.0f%% on the week before)", *d.WeekChangePct)
					}
					fmt.Fprintf(tw, "  7 days\t%.0f\t%s\t\t\t\t%s\n", d.WeekLoad, sys.Distance(d.WeekDistanceM), change)
				}
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&weeks, "weeks", 6, "how many weeks to show")
	cmd.Flags().StringVar(&until, "until", "", "last day to show (YYYY-MM-DD; default today)")
	return cmd
}

func rate(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", 100**r)
}
