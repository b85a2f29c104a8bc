package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"rebound"
)

func (a *app) tagCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tag ID easy|long|workout|race|auto",
		Short: "Set what kind of session an activity was (auto: let Rebound decide)",
		Long: `Rebound decides each workout's character from its duration against your recent
weeks, its intensity and its structure. When it is wrong — a race it took for a
workout, a long run it took for easy — tag it; the load model and the plan follow.`,
		Example: `  rebound tag 42 race
  rebound tag 42 auto`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			kind := args[1]
			switch kind {
			case rebound.CharacterEasy, rebound.CharacterLong, rebound.CharacterWorkout, rebound.CharacterRace:
			case "auto":
				kind = ""
			default:
				return usagef("character %q: use easy, long, workout, race or auto", args[1])
			}
			if _, err := a.openStore(); err != nil {
				return err
			}
			if err := a.st.SetActivityKind(a.ctx, rebound.DefaultAthleteID, id, kind); err != nil {
				return err
			}
			act, err := a.st.Activity(a.ctx, rebound.DefaultAthleteID, id, true)
			if err != nil {
				return err
			}
			if err := a.refresh([]*rebound.Activity{act}); err != nil {
				return err
			}
			if kind == "" {
				kind = "decided by Rebound"
			}
			fmt.Fprintf(a.stdout, "Activity %d: %s\n", id, kind)
			return nil
		},
	}
}
