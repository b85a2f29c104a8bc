package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rebound"
	"rebound/internal/store"
	"rebound/internal/units"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// usageError marks a mistake in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// partialError marks a command that did its work but some of it failed; the
// output already said what, so only the exit code is left to set.
type partialError struct{ msg string }

func (e partialError) Error() string { return e.msg }

// app holds what every command shares. It is built per Main call: no global
// state, so tests run Main side by side.
type app struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	dbFlag    string
	unitsFlag string
	jsonOut   bool

	protocolFlag string

	st *store.Store
}

// Main runs the rebound command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, stdin, stdout, stderr, os.Getenv, time.Now)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) int {
	a := &app{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, now: now}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	ran := false
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		ran = true
		if _, err := units.ParseSystem(a.unitsFlag); err != nil {
			return usageError{err}
		}
		return nil
	}
	err := root.ExecuteContext(ctx)
	if a.st != nil {
		if cerr := a.st.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err == nil {
		return ExitOK
	}
	var pe partialError
	if errors.As(err, &pe) {
		return ExitFailed
	}
	fmt.Fprintf(stderr, "rebound: %s\n", oneLine(err))
	var ue usageError
	if errors.As(err, &ue) || !ran {
		// Errors before a command ran are cobra's: unknown command or flag,
		// wrong number of arguments.
		fmt.Fprintf(stderr, "Run 'rebound --help' for usage.\n")
		return ExitUsage
	}
	return ExitFailed
}

// oneLine is the message a runner sees: a *rebound.Error's own words, any
// other error with its chain, never a stack trace.
func oneLine(err error) string {
	var e *rebound.Error
	msg := err.Error()
	if errors.As(err, &e) && !strings.Contains(msg, e.Message) {
		msg = e.Message
	}
	return strings.ReplaceAll(msg, "\n", " ")
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "rebound",
		Short: "Rebound: a running-recovery coach",
		Long: `Rebound imports your running history (FIT, GPX, TCX, Strava and Garmin exports),
measures how hard each workout was, and writes a timed, explained recovery plan
for it: what to eat and drink, when to nap, whether to take an ice bath, and
when you are ready for the next hard session.

Data lives in one SQLite file: $XDG_DATA_HOME/rebound/rebound.db
(~/.local/share/rebound/rebound.db), or --db / REBOUND_DB.`,
		Example: `  rebound demo                          # try it on a built-in 16-week marathon build
  rebound import ~/Downloads/export.zip # your Strava or Garmin export
  rebound activities --limit 10
  rebound show 42`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbFlag, "db", "", "store: a SQLite file path (default $REBOUND_DB, else $XDG_DATA_HOME/rebound/rebound.db)")
	pf.StringVar(&a.unitsFlag, "units", "", "display units: km or mi (default: the athlete's, else km)")
	pf.BoolVar(&a.jsonOut, "json", false, "print data as JSON (SI units, RFC 3339 times)")
	pf.StringVar(&a.protocolFlag, "protocol", "", "your recovery protocol file (default $XDG_CONFIG_HOME/rebound/protocol.yaml)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	root.AddCommand(
		a.importCommand(),
		a.activitiesCommand(),
		a.showCommand(),
		a.logCommand(),
		a.athleteCommand(),
		a.statusCommand(),
		a.loadCommand(),
		a.tagCommand(),
		a.planCommand(),
		a.calendarCommand(),
		a.checkinCommand(),
		a.checkinsCommand(),
		a.markCommand(rebound.MarkDone),
		a.markCommand(rebound.MarkSkipped),
		a.protocolCommand(),
		a.demoCommand(),
	)
	return root
}

// dbPath resolves the store location: --db, then REBOUND_DB, then the XDG
// data directory.
func (a *app) dbPath() (string, error) {
	if a.dbFlag != "" {
		return a.dbFlag, nil
	}
	if v := a.getenv("REBOUND_DB"); v != "" {
		return v, nil
	}
	dir := a.getenv("XDG_DATA_HOME")
	if dir == "" {
		home := a.getenv("HOME")
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("find the data directory: set --db or REBOUND_DB: %w", err)
			}
			home = h
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "rebound", "rebound.db"), nil
}

// openStore opens (and migrates) the store once per run.
func (a *app) openStore() (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	path, err := a.dbPath()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(a.ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	a.st = st
	return st, nil
}

// athlete returns the profile (empty on a fresh store).
func (a *app) athlete() (*rebound.Athlete, error) {
	st, err := a.openStore()
	if err != nil {
		return nil, err
	}
	return st.Athlete(a.ctx, rebound.DefaultAthleteID)
}

// display returns the units and time zone to show values in: --units wins,
// then the athlete's profile; the machine's zone when the profile has none.
func (a *app) display() (units.System, *time.Location, error) {
	ath, err := a.athlete()
	if err != nil {
		return "", nil, err
	}
	sysName := a.unitsFlag
	if sysName == "" {
		sysName = ath.Units
	}
	sys, err := units.ParseSystem(sysName)
	if err != nil {
		return "", nil, err
	}
	return sys, ath.Location(time.Local), nil
}

// exactArgs is cobra.ExactArgs as a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}
