package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/demo"
	"rebound/internal/importer"
	"rebound/internal/store"
	"rebound/internal/units"
)

func (a *app) demoCommand() *cobra.Command {
	var keep bool
	var seed int64
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try Rebound on a built-in 16-week marathon build, in a throw-away store",
		Long: `Generates a realistic 16-week marathon build as real FIT files (easy runs, track
and tempo workouts, long runs with fast finishes and surges, hot days, a half-
marathon tune-up, a few manual entries) plus five weeks of morning check-ins with
one Red Alert episode; imports it all into a throw-away store, and prints what
Rebound makes of it: the training load, today's status and readiness, and the
recovery plan for the last long run. Your own store is not touched.`,
		Example: `  go run ./cmd/rebound demo
  rebound demo --keep        # keep the demo store and files to explore them with other commands`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error { return a.runDemo(keep, seed) },
	}
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the demo store and files, and print how to use them")
	cmd.Flags().Int64Var(&seed, "seed", 1, "random seed of the generated history")
	return cmd
}

func (a *app) runDemo(keep bool, seed int64) error {
	dir, err := os.MkdirTemp("", "rebound-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	w := a.stdout
	loc, err := time.LoadLocation(demo.TimeZone)
	if err != nil {
		return fmt.Errorf("demo: time zone %s: %w", demo.TimeZone, err)
	}
	now := a.now().In(loc)
	h, err := demo.Generate(rebound.CivilDate(now), seed)
	if err != nil {
		return fmt.Errorf("demo: generate history: %w", err)
	}
	files := filepath.Join(dir, "watch")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return err
	}
	for _, f := range h.Files {
		if err := os.WriteFile(filepath.Join(files, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	st, err := store.Open(a.ctx, filepath.Join(dir, "rebound.db"))
	if err != nil {
		return err
	}
	a.st = st // closed by run(); the demo's commands read this store
	ath := h.Athlete
	ath.ID = rebound.DefaultAthleteID
	if err := st.PutAthlete(a.ctx, &ath); err != nil {
		return err
	}
	sys, _ := units.ParseSystem(ath.Units)
	if a.unitsFlag != "" {
		sys, _ = units.ParseSystem(a.unitsFlag)
	}

	fmt.Fprintf(w, "Rebound demo: %s, %d, training for a marathon (%s)\n\n", ath.Name, now.Year()-ath.BirthDate.Year(), demo.TimeZone)
	var fresh []*rebound.Activity
	im := importer.New(st, importer.Options{AthleteID: rebound.DefaultAthleteID, Location: loc, Now: a.now})
	im.OnStored = func(acts []*rebound.Activity) { fresh = append(fresh, acts...) }
	rep, err := im.Import(a.ctx, []string{files})
	if err != nil {
		return err
	}
	res, err := st.AddActivities(a.ctx, rebound.DefaultAthleteID, h.Manual)
	if err != nil {
		return err
	}
	manual := 0
	for i, r := range res {
		if !r.Duplicate {
			manual++
			fresh = append(fresh, h.Manual[i])
		}
	}
	for i := range h.CheckIns {
		ci := h.CheckIns[i]
		ci.AthleteID = rebound.DefaultAthleteID
		if err := st.PutCheckIn(a.ctx, &ci); err != nil {
			return fmt.Errorf("demo: check-in %s: %w", ci.Date.Format(time.DateOnly), err)
		}
	}
	fmt.Fprintf(w, "Imported %d FIT files (%.1f MB): %d new, %d duplicates, %d failed; %d manual entries; %d morning check-ins.\n",
		len(h.Files), float64(rep.Bytes)/1e6, rep.New, rep.Duplicates, rep.Failed, manual, len(h.CheckIns))

	c := coach.New(st, rebound.DefaultAthleteID, nil, a.now, loc)
	if c.Protocol, _, err = a.loadProtocol(); err != nil {
		return err
	}
	if _, err := c.Refresh(a.ctx, fresh); err != nil {
		return err
	}
	for _, n := range h.Notes {
		fmt.Fprintf(w, "  • %s\n", n)
	}

	fmt.Fprintf(w, "\n== The 16 weeks\n")
	for _, wk := range h.Weeks {
		note := wk.Note
		if wk.Down && note == "" {
			note = "down week"
		}
		fmt.Fprintf(w, "  week %2d  %s  %d runs  %s  %s\n", wk.Index, wk.Start.Format("Jan 02"), wk.Runs, sys.Distance(wk.DistanceM), note)
	}

	fmt.Fprintf(w, "\n== Today (rebound status)\n")
	status, err := c.Status(a.ctx, 0)
	if err != nil {
		return err
	}
	if err := c.SaveAlertHistory(a.ctx, status.History); err != nil {
		return err
	}
	a.printStatus(status, sys, false)

	// The last long run: the demo ends with its plan.
	var lastLong *rebound.Activity
	acts, err := st.Activities(a.ctx, rebound.DefaultAthleteID, rebound.ActivityFilter{})
	if err != nil {
		return err
	}
	loads, err := st.WorkoutLoads(a.ctx, rebound.DefaultAthleteID, nil)
	if err != nil {
		return err
	}
	for _, act := range acts {
		if loads[act.ID].Character == rebound.CharacterLong {
			lastLong = act
		}
	}
	if lastLong == nil && len(acts) > 0 {
		lastLong = acts[len(acts)-1]
	}
	if lastLong != nil {
		fmt.Fprintf(w, "\n== The last long run (rebound show %d)\n", lastLong.ID)
		full, err := st.Activity(a.ctx, rebound.DefaultAthleteID, lastLong.ID, false)
		if err != nil {
			return err
		}
		wl := loads[lastLong.ID]
		a.printActivity(full, sys)
		a.printLoad(full, &wl, sys)
		fmt.Fprintf(w, "\n== Its recovery plan (rebound plan %d --explain)\n", lastLong.ID)
		plan, err := c.Plan(a.ctx, lastLong.ID, coach.PlanOptions{})
		if err != nil {
			return err
		}
		a.printPlan(plan, nil, true)
	}
	if keep {
		fmt.Fprintf(w, "\nThe demo store is kept: %s\nTry: REBOUND_DB=%s rebound activities\n", filepath.Join(dir, "rebound.db"), filepath.Join(dir, "rebound.db"))
	}
	return nil
}
