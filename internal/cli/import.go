package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/importer"
)

func (a *app) importCommand() *cobra.Command {
	var workers int
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import activity files, folders, and Strava or Garmin export zips",
		Long: `Import activity files into the store. PATH may be a file, a folder (searched
recursively) or an export zip. Formats are recognised by content: FIT, GPX, TCX,
each optionally gzip-compressed, a Strava bulk export (activities.csv gives names,
gear and perceived exertion) and a Garmin Connect export (nested zips).

Each file is stored in one transaction; a file that fails is reported on one line
and the import goes on. Importing the same file again, or the same workout from
another source, adds nothing.`,
		Example: `  rebound import ~/Downloads/export_12345.zip
  rebound import ~/garmin/*.fit ~/strava/activities
  rebound import --json run.fit.gz | jq .new`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("import needs at least one file or folder")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runImport(args, workers)
		},
	}
	cmd.Flags().IntVar(&workers, "workers", 0, "files decoded in parallel (default: one per CPU)")
	return cmd
}

// importMemoryLimit is the soft memory limit an import runs under unless
// GOMEMLIMIT sets one (Rebound's choice, under issue 6's 150 MB). What an
// import holds is bounded (files in flight, kept streams, the batch being
// committed) but for ~1.5 KB of live heap per new activity (its speculative
// load measurement, its duplicate key, its line in the report), and the
// garbage collector's default headroom doubles the heap in RSS. Under the
// limit it collects sooner instead. Peak RSS (docs/PERFORMANCE.md): the
// reference workload ~90 MB, which the limit does not touch; 10,062 new
// activities (1.8 GB of FIT) 121 MB at 100 MiB against 135–138 at 120 MiB,
// in the same time; 20,000 (3.6 GB) 124 MB, for 2–14 % more CPU than at
// 120 MiB (142 MB). The live heap after the import was 24, 38 and 54 MB for
// 1,677, 10,062 and 19,973 new activities: extrapolated, it nears the
// limit, and collecting would cost much more, past ~40,000 in one import.
const importMemoryLimit = 100 << 20

func (a *app) runImport(paths []string, workers int) error {
	if debug.SetMemoryLimit(-1) == math.MaxInt64 { // no GOMEMLIMIT
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	st, err := a.openStore()
	if err != nil {
		return err
	}
	ath, err := st.Athlete(a.ctx, rebound.DefaultAthleteID)
	if err != nil {
		return err
	}
	c, err := a.coach()
	if err != nil {
		return err
	}
	// The load model measures each new activity in the decode workers, with
	// the thresholds it expects to resolve from the recent runs decoded
	// ahead; it checks that expectation afterwards (coach.Speculation).
	var spec *coach.Speculation
	progress := a.importProgress()
	im := importer.New(st, importer.Options{
		AthleteID: rebound.DefaultAthleteID,
		Location:  ath.Location(time.Local),
		Now:       a.now,
		Workers:   workers,
		Progress:  progress.update,
		AheadFrom: a.now().AddDate(0, 0, -c.Load.ThresholdLookbackDays),
		Ahead: func(acts []*rebound.Activity, complete bool) {
			// A store error here shows again, and stops the command, in
			// the refresh; without a speculation the refresh measures
			// everything itself.
			spec, _ = c.Speculate(a.ctx, acts, complete)
		},
		Decoded: func(act *rebound.Activity) { spec.Measure(act) },
	})
	// The new activities go on to the load model. Streams are kept only for
	// the runs recent enough to set the thresholds, and only up to a memory
	// budget; the model reads the others back one at a time, so memory does
	// not grow with the history. Older new activities are not kept at all:
	// the refresh finds them in the store, without a load yet.
	var fresh []*rebound.Activity
	keep := streamKeeper{after: a.now().AddDate(0, 0, -c.Load.ThresholdLookbackDays), budget: keptStreamsBudget}
	im.OnStored = func(acts []*rebound.Activity) {
		spec.Stored(acts)
		for _, act := range acts {
			if k := keep.keep(act); k != nil {
				fresh = append(fresh, k)
			}
		}
	}
	rep, err := im.Import(a.ctx, paths)
	progress.finish()
	if rep != nil {
		if a.jsonOut {
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			if jerr := enc.Encode(rep); jerr != nil {
				return jerr
			}
		} else {
			fmt.Fprintf(a.stdout, "%d new, %d duplicates skipped, %d failed", rep.New, rep.Duplicates, rep.Failed)
			if rep.Seconds > 0 && rep.Bytes > 0 {
				fmt.Fprintf(a.stdout, " (%d files, %.1f MB in %.1f s)", len(rep.Files), float64(rep.Bytes)/1e6, rep.Seconds)
			}
			fmt.Fprintln(a.stdout)
		}
	}
	if err != nil {
		return err
	}
	if _, err := c.RefreshWith(a.ctx, fresh, spec); err != nil {
		return err
	}
	if rep.Failed > 0 {
		return partialError{fmt.Sprintf("%d files failed", rep.Failed)}
	}
	return nil
}

// keptStreamsBudget bounds the bytes of samples an import keeps in memory
// for the load model (Rebound's choice: 48 MB, about 240 one-hour runs with
// every channel). A first import of a big year would otherwise hold every
// recent run's streams at once; beyond the budget the load model reads them
// back from the store, which gives the same figures (the streams are
// quantised before they are kept) at ~0.5 ms per run.
const keptStreamsBudget = 48 << 20

// streamKeeper decides which stored activities keep their streams on their
// way to the load model.
type streamKeeper struct {
	after  time.Time // runs that start before it cannot move the thresholds
	budget int64     // bytes of samples still allowed
}

// keep returns act when it is recent enough to set the thresholds and its
// samples fit the budget; a copy of its summary, without streams or laps,
// when it is recent but does not fit (the refresh must know a recent run
// arrived: it resolves the thresholds again); and nil when it is older.
// The refresh reads every activity's summary from the store, so a new
// activity passed on without streams would only cost memory: about 700
// bytes each, 7 MB on a 10,000-activity import.
func (k *streamKeeper) keep(act *rebound.Activity) *rebound.Activity {
	if act.StartTime.Before(k.after) {
		return nil
	}
	if act.Streams != nil {
		size := int64(0)
		for _, c := range act.Streams.Channels() {
			size += int64(len(*c.Values)) * 8
		}
		if size <= k.budget {
			k.budget -= size
			return act
		}
	}
	summary := *act
	summary.Streams, summary.Laps = nil, nil
	return &summary
}

// importProgress shows a progress bar on a terminal and one line per failed
// file otherwise (and on a terminal, above the bar).
type importProgress struct {
	bar    *progressbar.ProgressBar
	errOut io.Writer
	quiet  bool
}

func (a *app) importProgress() *importProgress {
	p := &importProgress{errOut: a.stderr, quiet: a.jsonOut}
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !a.jsonOut {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

func (p *importProgress) update(pr importer.Progress) {
	if pr.Last.Status == importer.StatusFailed && !p.quiet {
		if p.bar != nil {
			p.bar.Clear()
		}
		fmt.Fprintf(p.errOut, "%s: %s\n", pr.Last.File, pr.Last.Error)
	}
	if p.bar != nil {
		if p.bar.GetMax64() != pr.BytesTotal {
			p.bar.ChangeMax64(pr.BytesTotal)
		}
		p.bar.Describe(fmt.Sprintf("importing %d/%d files", pr.FilesDone, pr.FilesTotal))
		p.bar.Set64(pr.BytesDone)
	}
}

func (p *importProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
