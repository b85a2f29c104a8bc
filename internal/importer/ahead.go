package importer

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
)

// The ahead pass. The load model measures each new activity with
// thresholds it estimates from the runner's recent runs (load.ResolveProfile
// over the last ThresholdLookbackDays). To measure activities in the decode
// workers, while their streams are in memory, rather than reading every one
// back after the import, it needs those thresholds before the import
// starts: so the importer first decodes the files that may be recent, and
// only those, and hands their activities over (Options.Ahead). Whether a
// file may be recent is guessed from its first bytes (peekStart); the guess
// only decides what is decoded early, never what is stored, and the load
// model checks that the thresholds it ends up with are exactly those the
// measurements were made with.

// aheadMargin widens the window of files decoded ahead: some devices write
// the FIT file_id time when the file is saved or synced, hours to days after
// the start (TestPeekStartCorpus: up to 6 days in the corpus but for one
// file synced 30 days later). A file decoded ahead needlessly costs a second
// decode; a recent file missed costs the measurements made during the
// import (the load model then measures afterwards, as without a pass).
// Rebound's choice.
const aheadMargin = 7 * 24 * time.Hour

// aheadMaxShare is the largest share of the import's bytes decoded ahead
// (Rebound's choice). Each such file is decoded twice, and decoding is
// about half of an import's CPU time, while measuring during the import
// saves the ~13 % that reading streams back costs (docs/PERFORMANCE.md):
// past an eighth the second decode would cost more than it saves. A small
// re-sync of recent runs therefore skips the pass.
const aheadMaxShare = 1.0 / 8

// peekLen is how many leading bytes of a file peekStart reads.
const peekLen = 4096

// aheadKeepBytes bounds the memory of the files decoded ahead that the
// import proper takes over instead of decoding them again (Rebound's
// choice, like the CLI's keptStreamsBudget): their samples (8 bytes per
// channel and second) and stream blobs. Past it they are decoded again.
const aheadKeepBytes = 32 << 20

// runAhead is the ahead pass: it decodes the jobs that may start at or
// after opt.AheadFrom (or whose start cannot be guessed), in parallel, and
// calls opt.Ahead with their activities. Files already imported and files
// that fail are left out; the import proper reports them. When the pass
// would decode more than aheadMaxShare of the bytes it decodes nothing and
// calls opt.Ahead(nil, false). It returns, by job index, the decoded jobs
// the import proper can take as they are (up to aheadKeepBytes).
func (im *Importer) runAhead(ctx context.Context, jobs []job) []*decoded {
	// Peeking opens and reads every file: in parallel, as decoding is.
	recent := make([]bool, len(jobs))
	from := im.opt.AheadFrom.Add(-aheadMargin)
	im.parallel(len(jobs), func(i int) {
		start, ok := peekStart(jobs[i])
		recent[i] = !ok || !start.Before(from)
	})
	var total, aheadBytes int64
	var picked []int
	for i, j := range jobs {
		total += j.size
		if recent[i] {
			picked = append(picked, i)
			aheadBytes += j.size
		}
	}
	if float64(aheadBytes) > aheadMaxShare*float64(total) {
		im.opt.Ahead(nil, false)
		return nil
	}
	results := make([]decoded, len(picked))
	im.parallel(len(picked), func(k int) {
		results[k] = im.decode(ctx, jobs[picked[k]], -1, nil)
	})
	var acts []*rebound.Activity
	kept := make([]*decoded, len(jobs))
	budget := int64(aheadKeepBytes)
	for k := range results {
		d := &results[k]
		if d.result.Status != StatusFailed && !d.known {
			acts = append(acts, d.acts...)
		}
		if size := d.memory(); size <= budget {
			budget -= size
			kept[picked[k]] = d
		}
	}
	im.opt.Ahead(acts, true)
	return kept
}

// parallel calls f(0) … f(n-1) on the importer's workers.
func (im *Importer) parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(im.opt.Workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// peekStart guesses a job's start from its first bytes: FIT files only
// (fit.PeekStart); GPX and TCX are not guessed, so they are decoded ahead.
func peekStart(j job) (time.Time, bool) {
	if j.peek == nil {
		return time.Time{}, false
	}
	b, err := j.peek()
	if err != nil || Sniff(b) != FormatFIT {
		return time.Time{}, false
	}
	return fit.PeekStart(b)
}

func peekFile(fp string) ([]byte, error) {
	f, err := os.Open(fp)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return peekReader(f)
}

func peekMember(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return peekReader(rc)
}

// peekReader returns up to peekLen bytes of r, gunzipped when r is gzip.
func peekReader(r io.Reader) ([]byte, error) {
	b, err := readUpTo(r, peekLen)
	if err != nil || Sniff(b) != FormatGzip {
		return b, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return readUpTo(zr, peekLen)
}

// readUpTo reads up to n bytes; a short stream (a small file, a gzip prefix
// cut mid-stream) is not an error.
func readUpTo(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	k, err := io.ReadFull(r, b)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return b[:k], err
}
