package cli

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/units"
)

func (a *app) activitiesCommand() *cobra.Command {
	var since string
	var limit int
	cmd := &cobra.Command{
		Use:     "activities",
		Aliases: []string{"ls"},
		Short:   "List activities: local date, sport, distance, time, pace, heart rate",
		Example: `  rebound activities --limit 10
  rebound activities --since 2026-01-01 --units mi
  rebound activities --json | jq '.[] | select(.sport == "running") | .distance_m'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usagef("--limit must be 0 (all) or more, got %d", limit)
			}
			sys, loc, err := a.display()
			if err != nil {
				return err
			}
			f := rebound.ActivityFilter{Limit: limit}
			if since != "" {
				d, err := time.ParseInLocation("2006-01-02", since, loc)
				if err != nil {
					return usagef("--since %q: use a date like 2026-01-31", since)
				}
				f.Since = d
			}
			acts, err := a.st.Activities(a.ctx, rebound.DefaultAthleteID, f)
			if err != nil {
				return err
			}
			if a.jsonOut {
				out := make([]activityJSON, 0, len(acts))
				for _, act := range acts {
					out = append(out, toActivityJSON(act))
				}
				return a.writeJSON(out)
			}
			if len(acts) == 0 {
				fmt.Fprintln(a.stdout, "No activities yet. Import some with: rebound import PATH")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tDATE\tSPORT\tDISTANCE\tTIME\tPACE\tAVG HR\tNAME")
			for _, act := range acts {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", act.ID,
					act.LocalStart().Format("2006-01-02 15:04"), act.Sport, sys.Distance(act.DistanceM),
					units.Duration(act.MovingS), sys.Pace(act.AvgSpeedMPS), hr(act.AvgHeartRateBPM), act.Name)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&since, "since", "", "only activities on or after this local date (YYYY-MM-DD)")
	cmd.Flags().IntVar(&limit, "limit", 0, "only the newest N activities (0: all)")
	return cmd
}

func hr(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.Itoa(int(*v + 0.5))
}

func (a *app) writeJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseID parses an activity ID argument.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef("activity ID %q: use the number shown by rebound activities", s)
	}
	return id, nil
}

func sortStrings(s []string) { slices.Sort(s) }
