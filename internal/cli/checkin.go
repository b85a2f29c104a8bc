package cli

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/importer/fitwellness"
	"rebound/internal/importer/hrvcsv"
	"rebound/internal/units"
)

func (a *app) checkinCommand() *cobra.Command {
	var date, sleep, weight, pain, notes, csvPath, fitPath, dateOrder string
	var sleepQ, sore, fatigue, stress, mood, drinks int
	var rhr, hrv float64
	var ill bool
	cmd := &cobra.Command{
		Use:   "checkin",
		Short: "Record this morning's check-in: sleep, soreness, fatigue, stress, mood, resting HR, HRV",
		Long: `Record a morning check-in. Every field is optional; entering the same date again
updates it. Scores are 1–5: sleep quality and mood 5 = very good; soreness,
fatigue and stress 5 = worst. --csv imports an HRV app's export (date + rMSSD,
optionally resting HR and sleep) and --fit a watch's wellness FIT file (HRV status,
monitoring, sleep, or a short resting RR recording): bad rows are reported and
skipped, good rows kept. Exercise recordings are never taken as morning HRV.`,
		Example: `  rebound checkin --sleep 7h30m --sleep-quality 4 --soreness 2 --fatigue 2 --stress 2 --mood 4 --rhr 47 --hrv 68
  rebound checkin --date 2026-07-12 --ill --notes "sore throat"
  rebound checkin --pain "left Achilles, 4/10"
  rebound checkin --csv ~/Downloads/hrv4training.csv
  rebound checkin --fit ~/garmin/MONITOR/2026-11-27.fit`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := a.openStore(); err != nil {
				return err
			}
			if csvPath != "" && fitPath != "" {
				return usagef("give --csv or --fit, not both")
			}
			if csvPath != "" {
				return a.importHRVCSV(csvPath, dateOrder)
			}
			if fitPath != "" {
				return a.importFITWellness(fitPath)
			}
			_, loc, err := a.display()
			if err != nil {
				return err
			}
			day := rebound.CivilDate(a.now().In(loc))
			if date != "" {
				d, err := time.Parse("2006-01-02", date)
				if err != nil {
					return usagef("--date %q: use a date like 2026-07-11", date)
				}
				if d.After(day) {
					return usagef("--date %s is in the future", date)
				}
				day = d
			}
			f := cmd.Flags()
			// Re-entering a date updates it: start from what is stored.
			existing, err := a.st.CheckIns(a.ctx, rebound.DefaultAthleteID, day, day)
			if err != nil {
				return err
			}
			ci := &rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: day, Source: rebound.CheckInManual}
			if len(existing) == 1 {
				ci = existing[0]
			}
			if f.NFlag() == 0 || (f.NFlag() == 1 && f.Changed("date")) {
				return usagef("checkin needs at least one value, e.g. --sleep 7h30m --hrv 68 (see rebound help checkin)")
			}
			if f.Changed("sleep") {
				s, err := units.ParseDuration(sleep)
				if err != nil {
					return usageError{err}
				}
				ci.SleepS = &s
			}
			for _, sc := range []struct {
				flag string
				v    int
				dst  **int
			}{{"sleep-quality", sleepQ, &ci.SleepQuality}, {"soreness", sore, &ci.Soreness}, {"fatigue", fatigue, &ci.Fatigue},
				{"stress", stress, &ci.Stress}, {"mood", mood, &ci.Mood}, {"alcohol-drinks", drinks, &ci.AlcoholDrinks}} {
				if f.Changed(sc.flag) {
					v := sc.v
					*sc.dst = &v
				}
			}
			if f.Changed("rhr") {
				ci.RestingHRBPM = rebound.Float(rhr)
			}
			if f.Changed("hrv") {
				ci.HRVRMSSDms = rebound.Float(hrv)
			}
			if f.Changed("weight") {
				kg, err := units.ParseMass(weight)
				if err != nil {
					return usageError{err}
				}
				ci.WeightKg = &kg
			}
			if f.Changed("ill") {
				ci.Ill = ill
			}
			if f.Changed("pain") {
				ci.Pain = strings.TrimSpace(pain)
			}
			if f.Changed("notes") {
				ci.Notes = notes
			}
			if err := ci.Validate(); err != nil {
				return usageError{err}
			}
			if err := a.st.PutCheckIn(a.ctx, ci); err != nil {
				return err
			}
			if err := a.refresh(nil); err != nil {
				return err
			}
			if a.jsonOut {
				return a.writeJSON(ci)
			}
			fmt.Fprintf(a.stdout, "Check-in saved for %s. `rebound status` shows your readiness.\n", day.Format("Mon 2006-01-02"))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&date, "date", "", "the morning's date (default today)")
	fl.StringVar(&sleep, "sleep", "", "last night's sleep: 7h30m")
	fl.IntVar(&sleepQ, "sleep-quality", 0, "1–5, 5 = very good")
	fl.IntVar(&sore, "soreness", 0, "1–5, 5 = very sore")
	fl.IntVar(&fatigue, "fatigue", 0, "1–5, 5 = exhausted")
	fl.IntVar(&stress, "stress", 0, "1–5, 5 = very stressed")
	fl.IntVar(&mood, "mood", 0, "1–5, 5 = very good")
	fl.Float64Var(&rhr, "rhr", 0, "morning resting heart rate, bpm")
	fl.Float64Var(&hrv, "hrv", 0, "morning HRV as rMSSD, ms")
	fl.StringVar(&weight, "weight", "", "body mass: 68.2kg or 150lb")
	fl.IntVar(&drinks, "alcohol-drinks", 0, "standard drinks last evening")
	fl.BoolVar(&ill, "ill", false, "illness symptoms (fever, chest, below the neck)")
	fl.StringVar(&pain, "pain", "", `pain: where and how much, e.g. "left Achilles, 4/10"`)
	fl.StringVar(&notes, "notes", "", "free text")
	fl.StringVar(&csvPath, "csv", "", "import an HRV app's CSV export (date + rMSSD) instead")
	fl.StringVar(&fitPath, "fit", "", "import morning HRV, resting HR and sleep from a FIT file (Garmin HRV status, monitoring, sleep, or a resting RR recording)")
	fl.StringVar(&dateOrder, "date-order", hrvcsv.OrderAuto, "for --csv with dates like 03/04/2026: mdy or dmy")
	return cmd
}

func (a *app) importHRVCSV(path, order string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	_, loc, err := a.display()
	if err != nil {
		return err
	}
	res, err := hrvcsv.Parse(f, hrvcsv.Options{DateOrder: order, Latest: rebound.CivilDate(a.now().In(loc))})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	errs := make([]error, len(res.Errors))
	for i, e := range res.Errors {
		errs[i] = e
	}
	return a.saveWellness(path, res.CheckIns, errs, res.Warnings)
}

// importFITWellness reads morning HRV, resting HR and sleep from FIT files
// (Garmin HRV status, monitoring, sleep, or a short resting RR recording).
func (a *app) importFITWellness(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	_, loc, err := a.display()
	if err != nil {
		return err
	}
	res, err := fitwellness.Parse(f, loc, rebound.CivilDate(a.now().In(loc)))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	errs := make([]error, len(res.Errors))
	for i, e := range res.Errors {
		errs[i] = e
	}
	return a.saveWellness(path, res.CheckIns, errs, res.Warnings)
}

// saveWellness stores check-ins read from a file, merged with the manual
// check-in of the same morning (the file brings only its measurements), and
// reports the entries it skipped.
func (a *app) saveWellness(path string, cis []rebound.CheckIn, bad []error, warnings []string) error {
	saved := 0
	for i := range cis {
		ci := cis[i]
		ci.AthleteID = rebound.DefaultAthleteID
		existing, err := a.st.CheckIns(a.ctx, rebound.DefaultAthleteID, ci.Date, ci.Date)
		if err != nil {
			return err
		}
		if len(existing) == 1 {
			merged := *existing[0]
			if ci.HRVRMSSDms != nil {
				merged.HRVRMSSDms = ci.HRVRMSSDms
			}
			if ci.RestingHRBPM != nil {
				merged.RestingHRBPM = ci.RestingHRBPM
			}
			if ci.SleepS != nil {
				merged.SleepS = ci.SleepS
			}
			ci = merged
		}
		if err := a.st.PutCheckIn(a.ctx, &ci); err != nil {
			return fmt.Errorf("%s: %s: %w", path, ci.Date.Format(time.DateOnly), err)
		}
		saved++
	}
	for _, w := range warnings {
		fmt.Fprintf(a.stderr, "%s: note: %s\n", path, w)
	}
	for _, e := range bad {
		fmt.Fprintf(a.stderr, "%s: %s\n", path, e)
	}
	fmt.Fprintf(a.stdout, "%d check-ins imported, %d rows skipped\n", saved, len(bad))
	if err := a.refresh(nil); err != nil {
		return err
	}
	if len(bad) > 0 {
		return partialError{fmt.Sprintf("%d rows skipped", len(bad))}
	}
	return nil
}

func (a *app) checkinsCommand() *cobra.Command {
	var days int
	cmd := &cobra.Command{
		Use:     "checkins",
		Short:   "List recent morning check-ins",
		Example: `  rebound checkins --days 14 --json`,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if days < 1 {
				return usagef("--days %d: use 1 or more", days)
			}
			_, loc, err := a.display()
			if err != nil {
				return err
			}
			to := rebound.CivilDate(a.now().In(loc))
			cis, err := a.st.CheckIns(a.ctx, rebound.DefaultAthleteID, to.AddDate(0, 0, -days+1), to)
			if err != nil {
				return err
			}
			if a.jsonOut {
				if cis == nil {
					cis = []*rebound.CheckIn{}
				}
				return a.writeJSON(cis)
			}
			if len(cis) == 0 {
				fmt.Fprintln(a.stdout, "No check-ins in that period: add one with rebound checkin.")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "DATE\tSLEEP\tQUAL\tSORE\tFATIGUE\tSTRESS\tMOOD\tRHR\tHRV\tNOTES")
			for _, c := range cis {
				notes := c.Notes
				if c.Ill {
					notes = strings.TrimSpace("ill " + notes)
				}
				if c.Pain != "" {
					notes = strings.TrimSpace("pain: " + c.Pain + " " + notes)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Date.Format("Mon 2006-01-02"), optDur(c.SleepS),
					optInt(c.SleepQuality), optInt(c.Soreness), optInt(c.Fatigue), optInt(c.Stress), optInt(c.Mood),
					optF(c.RestingHRBPM), optF(c.HRVRMSSDms), notes)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&days, "days", 14, "how many days back")
	return cmd
}

func optInt(v *int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprint(*v)
}

func optF(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.0f", *v)
}

func optDur(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%dh%02d", int(*v)/3600, int(*v)%3600/60)
}

// markCommand is rebound done / rebound skip.
func (a *app) markCommand(status string) *cobra.Command {
	var planFlag string
	var all bool
	use, short := "done STEP|--all", "Mark a plan step done (rebound plan shows ticks)"
	if status == rebound.MarkSkipped {
		use, short = "skip STEP", "Mark a plan step skipped"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `. STEP is a step kind (refuel, hydrate, mobility, meal, shower, nap,
caffeine, walk, sleep, ice_bath, pre_run), optionally with its occurrence
(walk#2). The plan is the latest workout's unless --plan ID is given. Rebound
learns modestly from the marks: steps you always skip are pointed out, and a
poorly followed plan after a hard session lengthens the recovery estimate.`,
		Example: "  rebound " + strings.Fields(use)[0] + " refuel\n  rebound " + strings.Fields(use)[0] + " nap --plan 42",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all && status == rebound.MarkDone {
				if len(args) != 0 {
					return usagef("give a STEP or --all, not both")
				}
			} else if len(args) != 1 {
				return usagef("%s needs one STEP, e.g. refuel or walk#2", cmd.Name())
			}
			c, err := a.planCoach()
			if err != nil {
				return err
			}
			id, err := a.planID(c, nil)
			if planFlag != "" {
				id, err = parseID(planFlag)
			}
			if err != nil {
				return err
			}
			plan, err := a.st.Plan(a.ctx, rebound.DefaultAthleteID, id)
			if rebound.ErrorCode(err) == rebound.ENotFound {
				plan, err = c.Plan(a.ctx, id, coach.PlanOptions{})
			}
			if err != nil {
				return err
			}
			var marks []rebound.PlanMark
			seen := map[string]int{}
			for _, s := range plan.Steps {
				n := seen[s.Kind]
				seen[s.Kind]++
				if all || stepMatches(args[0], s.Kind, n) {
					marks = append(marks, rebound.PlanMark{PlanActivityID: id, StepKind: s.Kind, StepIndex: n, Status: status, At: a.now().UTC()})
				}
			}
			if len(marks) == 0 {
				kinds := make([]string, 0, len(seen))
				for k := range seen {
					kinds = append(kinds, k)
				}
				sortStrings(kinds)
				return usagef("plan %d has no step %q; its steps: %s", id, args[0], strings.Join(kinds, ", "))
			}
			for _, m := range marks {
				if err := a.st.PutPlanMark(a.ctx, rebound.DefaultAthleteID, m); err != nil {
					return err
				}
			}
			fmt.Fprintf(a.stdout, "Marked %d step(s) of plan %d %s.\n", len(marks), id, status)
			return nil
		},
	}
	cmd.Flags().StringVar(&planFlag, "plan", "", "the plan's activity ID (default: the latest)")
	if status == rebound.MarkDone {
		cmd.Flags().BoolVar(&all, "all", false, "mark every step of the plan done")
	}
	return cmd
}

// stepMatches matches "walk" (every walk step) or "walk#2" (the second).
func stepMatches(arg, kind string, n int) bool {
	name, num, hasNum := strings.Cut(arg, "#")
	if name != kind {
		return false
	}
	if !hasNum {
		return true
	}
	return num == fmt.Sprint(n+1)
}
