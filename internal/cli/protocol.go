package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"rebound/internal/protocol"
)

// protocolPath is the runner's protocol file: --protocol, else
// $XDG_CONFIG_HOME/rebound/protocol.yaml (~/.config/rebound/protocol.yaml).
// explicit says whether the runner named it (then it must exist).
func (a *app) protocolPath() (path string, explicit bool) {
	if a.protocolFlag != "" {
		return a.protocolFlag, true
	}
	dir := a.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := a.getenv("HOME")
		if home == "" {
			if h, err := os.UserHomeDir(); err == nil {
				home = h
			}
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "rebound", "protocol.yaml"), false
}

// loadProtocol returns the effective protocol: the built-in default merged
// with the runner's file. A bad file is an error, never a silent fallback.
func (a *app) loadProtocol() (*protocol.Protocol, string, error) {
	path, explicit := a.protocolPath()
	user, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		user, path = nil, ""
	case err != nil:
		return nil, "", fmt.Errorf("read protocol file %s: %w", path, err)
	}
	p, err := protocol.Load(protocol.Default(), user)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w (check it with: rebound protocol check %s)", path, err, path)
	}
	return p, path, nil
}

func (a *app) protocolCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "protocol",
		Short: "Show or check the recovery protocol (the routine plans are built from)",
		Long: `The recovery protocol is data: a built-in default (the "Running Recovery Extreme"
routine, sized by the evidence in science.md) plus your own file, which can change
any step's time, food, drink or routine, drop or add steps, and set preferences
(lactose_free, vegetarian, vegan, caffeine_free, can_nap, ice_access,
recovery_priority, units).

Your file: $XDG_CONFIG_HOME/rebound/protocol.yaml (~/.config/rebound/protocol.yaml),
or --protocol FILE. A bad file is refused with the line and field, never ignored.`,
		Example: `  rebound protocol show > ~/.config/rebound/protocol.yaml   # start from the effective protocol
  rebound protocol check ~/.config/rebound/protocol.yaml`,
	}
	show := &cobra.Command{
		Use:     "show",
		Short:   "Print the effective protocol (built-in default merged with your file)",
		Example: `  rebound protocol show --protocol my-protocol.yaml`,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, path, err := a.loadProtocol()
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.writeJSON(p)
			}
			b, err := p.YAML()
			if err != nil {
				return err
			}
			if path != "" {
				fmt.Fprintf(a.stdout, "# Your file: %s\n", path)
			} else {
				fmt.Fprintln(a.stdout, "# No protocol file of yours: this is the built-in default.")
			}
			_, err = a.stdout.Write(b)
			return err
		},
	}
	check := &cobra.Command{
		Use:     "check FILE",
		Short:   "Validate a protocol file: every problem with its line, field and allowed values",
		Example: `  rebound protocol check ~/.config/rebound/protocol.yaml`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			probs := protocol.Check(b)
			if a.jsonOut {
				type problem struct {
					Line    int    `json:"line"`
					Column  int    `json:"column"`
					Field   string `json:"field"`
					Message string `json:"message"`
					Allowed string `json:"allowed,omitempty"`
				}
				out := []problem{}
				for _, p := range probs {
					out = append(out, problem{p.Line, p.Column, p.Field, p.Message, p.Allowed})
				}
				if err := a.writeJSON(out); err != nil {
					return err
				}
			} else {
				for _, p := range probs {
					fmt.Fprintf(a.stdout, "%s:%s\n", args[0], p.String())
				}
				if len(probs) == 0 {
					fmt.Fprintf(a.stdout, "%s: ok\n", args[0])
				}
			}
			if len(probs) > 0 {
				return partialError{fmt.Sprintf("%d problems", len(probs))}
			}
			return nil
		},
	}
	cmd.AddCommand(show, check)
	return cmd
}
