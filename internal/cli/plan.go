package cli

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/ical"
	"rebound/internal/units"
)

func (a *app) planCommand() *cobra.Command {
	var explain bool
	var temp string
	cmd := &cobra.Command{
		Use:   "plan [ID|latest]",
		Short: "The timed recovery plan for a workout: what to do, when, how much, and why",
		Long: `The recovery plan for a workout, in your local time: refuel, fluids, mobility,
meal, shower, nap, coffee, sleep — sized for your body and this workout, with the
ice-bath verdict, the hours until you are ready for the next hard session (and
what contributes to them), and Red Alert Recovery Mode when it is on.
Without an ID: the latest workout. --explain adds the why and source of every step.`,
		Example: `  rebound plan
  rebound plan 42 --explain
  rebound plan latest --temp 30C --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("plan takes at most one argument: an activity ID or latest")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var opt coach.PlanOptions
			if temp != "" {
				c, err := units.ParseTemperature(temp)
				if err != nil {
					return usageError{err}
				}
				if c < -40 || c > 50 {
					return usagef("--temp %s: outside -40…50 °C", temp)
				}
				opt.TempC = &c
			}
			c, err := a.planCoach()
			if err != nil {
				return err
			}
			id, err := a.planID(c, args)
			if err != nil {
				return err
			}
			plan, err := c.Plan(a.ctx, id, opt)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.writeJSON(plan)
			}
			marks, err := a.st.PlanMarks(a.ctx, rebound.DefaultAthleteID, []int64{id})
			if err != nil {
				return err
			}
			a.printPlan(plan, marks, explain)
			return nil
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "show why and the source of every step and figure")
	cmd.Flags().StringVar(&temp, "temp", "", "air temperature during the workout, if the file has none: 30C or 86F")
	return cmd
}

// planID resolves the ID argument: a number, "latest" or nothing.
func (a *app) planID(c *coach.Coach, args []string) (int64, error) {
	if len(args) == 0 || args[0] == "latest" {
		return c.Latest(a.ctx)
	}
	return parseID(args[0])
}

func (a *app) printPlan(p *rebound.Plan, marks []rebound.PlanMark, explain bool) {
	w := a.stdout
	fmt.Fprintf(w, "Recovery plan for activity %d — %s, ended %s (%s plan, %s)\n", p.ActivityID, p.Character,
		p.EndedAt.Format("Mon 2 Jan 15:04"), strings.ReplaceAll(p.Variant, "_", "-"), p.TimeZone)
	if p.RedAlert.Active {
		fmt.Fprintln(w, "\n!! RED ALERT RECOVERY MODE")
		for _, t := range p.RedAlert.Triggers {
			fmt.Fprintf(w, "   because: %s (%s)\n", t.Why, t.Source)
		}
		fmt.Fprintf(w, "   ends when: %s\n", p.RedAlert.ExitRule)
	}
	r := p.Recovery
	fmt.Fprintf(w, "\nReady for the next hard session in %.0f h: %s (confidence %s)\n", r.Hours, r.ReadyAt.Format("Mon 2 Jan 15:04"), r.Confidence)
	if explain {
		for _, c := range r.Contributions {
			fmt.Fprintf(w, "  %+6.1f h  %s: %s", c.Hours, c.Name, c.Why)
			if c.Source != "" {
				fmt.Fprintf(w, " [%s]", c.Source)
			}
			fmt.Fprintln(w)
		}
		if r.ConfidenceWhy != "" {
			fmt.Fprintf(w, "  confidence: %s\n", r.ConfidenceWhy)
		}
	}
	fmt.Fprintf(w, "Ice bath: %s — %s\n\n", p.IceBath.Advice, p.IceBath.Why)

	status := map[string]string{}
	for _, m := range marks {
		status[fmt.Sprintf("%s#%d", m.StepKind, m.StepIndex)] = m.Status
	}
	seen := map[string]int{}
	day := ""
	for _, s := range p.Steps {
		n := seen[s.Kind]
		seen[s.Kind]++
		if d := s.At.Format("Mon 2 Jan"); d != day {
			fmt.Fprintf(w, "%s\n", d)
			day = d
		}
		tick := "[ ]"
		switch status[fmt.Sprintf("%s#%d", s.Kind, n)] {
		case rebound.MarkDone:
			tick = "[x]"
		case rebound.MarkSkipped:
			tick = "[-]"
		}
		fmt.Fprintf(w, "  %s %s %s — %s", tick, s.At.Format("15:04"), s.Title, s.Detail)
		if amt := formatAmounts(s.Amounts); amt != "" {
			fmt.Fprintf(w, " (%s)", amt)
		}
		fmt.Fprintln(w)
		if explain {
			fmt.Fprintf(w, "        why: %s\n        source: %s\n", s.Why, s.Source)
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
	if !explain {
		fmt.Fprintf(w, "\n(rebound plan %d --explain shows why and the source of each step; rebound done STEP marks a step done)\n", p.ActivityID)
	}
}

func formatAmounts(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Amount keys end in their unit (science.md amounts are SI).
	suffixes := []struct{ key, unit string }{
		{"_mmol_per_l", "mmol/L"}, {"_per_kg", "/kg"}, {"_ml", "mL"}, {"_mg", "mg"}, {"_g", "g"}, {"_min", "min"}, {"_h", "h"}, {"_c", "°C"},
	}
	var parts []string
	for _, k := range keys {
		name, unit := k, ""
		for _, s := range suffixes {
			if strings.HasSuffix(k, s.key) {
				name, unit = strings.TrimSuffix(k, s.key), s.unit
				break
			}
		}
		parts = append(parts, fmt.Sprintf("%s %.4g %s", strings.ReplaceAll(name, "_", " "), m[k], unit))
	}
	return strings.Join(parts, ", ")
}

func (a *app) calendarCommand() *cobra.Command {
	var out string
	var days int
	cmd := &cobra.Command{
		Use:   "calendar",
		Short: "Write the recovery plans of recent workouts as an iCalendar (.ics) file",
		Long: `Writes one calendar event per plan step, with a reminder at its start, for the
workouts of the last N days (RFC 5545: UTC times, stable UIDs, SEQUENCE grows
when a plan changes, so re-importing the file updates events). Calendar apps
handle reminders in imported files differently (Google ignores them); the file
is a view of your plans.`,
		Example: `  rebound calendar --out ~/recovery.ics
  rebound calendar --days 3 > plans.ics`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if days < 1 || days > 3650 {
				return usagef("--days %d: use 1–3650", days)
			}
			c, err := a.planCoach()
			if err != nil {
				return err
			}
			acts, err := a.st.Activities(a.ctx, rebound.DefaultAthleteID, rebound.ActivityFilter{Since: a.now().AddDate(0, 0, -days)})
			if err != nil {
				return err
			}
			var plans []*rebound.Plan
			for _, act := range acts {
				p, err := c.Plan(a.ctx, act.ID, coach.PlanOptions{})
				if err != nil {
					return fmt.Errorf("plan for activity %d: %w", act.ID, err)
				}
				plans = append(plans, p)
			}
			var buf bytes.Buffer
			if err := ical.Write(&buf, plans, ical.Options{Now: a.now(), Name: "Rebound recovery plans"}); err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = a.stdout.Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			steps := 0
			for _, p := range plans {
				steps += len(p.Steps)
			}
			fmt.Fprintf(a.stdout, "Wrote %s: %d plans, %d events with reminders (workouts since %s)\n", out, len(plans), steps, a.now().AddDate(0, 0, -days).Format(time.DateOnly))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (default: standard output)")
	cmd.Flags().IntVar(&days, "days", 7, "plans of the workouts of the last N days")
	return cmd
}
