package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"rebound"
	"rebound/internal/importer/fit"
	"rebound/internal/importer/gpx"
	"rebound/internal/importer/stravacsv"
	"rebound/internal/importer/tcx"
)

// Statuses of one file's import.
const (
	StatusImported  = "imported"  // at least one new activity
	StatusDuplicate = "duplicate" // everything in it was already there
	StatusFailed    = "failed"
)

// MaxFileBytes caps what one file (or one decompressed gzip or zip entry)
// may expand to in memory. The largest real activity files are tens of MB;
// anything past this is a zip bomb or not an activity. Rebound's choice.
const MaxFileBytes = 512 << 20

// Options configure an Importer.
type Options struct {
	AthleteID int64
	// Location is the athlete's time zone, used for the local UTC offset of
	// activities whose file does not say it.
	Location *time.Location
	// Now bounds plausible dates; nil means time.Now.
	Now func() time.Time
	// Workers decode files in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each file from a single goroutine.
	Progress func(Progress)

	// Ahead, when set, is called once before anything is stored, with the
	// activities of the files that may start at or after AheadFrom, decoded
	// with their streams as they will be stored (see ahead.go). complete is
	// false when the importer chose not to decode them (too large a share
	// of the import); acts is then nil. Nothing is stored by this call: the
	// import proper decodes those files again in their turn.
	AheadFrom time.Time
	Ahead     func(acts []*rebound.Activity, complete bool)
	// Decoded, when set, is called from the decode workers, concurrently,
	// with each activity the import proper decoded whose streams are
	// exactly what will be stored (quantised): before the writer has seen
	// it, so without an ID. It must not change the activity.
	Decoded func(a *rebound.Activity)
}

// Progress is reported after each file.
type Progress struct {
	FilesDone, FilesTotal int
	BytesDone, BytesTotal int64
	Elapsed               time.Duration
	Last                  FileResult
}

// FileResult is what happened to one file.
type FileResult struct {
	File        string  `json:"file"` // path; archive members as "export.zip!activities/1.fit.gz"
	Format      string  `json:"format,omitempty"`
	Status      string  `json:"status"`
	NewIDs      []int64 `json:"new_ids,omitempty"`
	DuplicateOf []int64 `json:"duplicate_of,omitempty"`
	Error       string  `json:"error,omitempty"`
	Bytes       int64   `json:"bytes"`
}

// Report sums up an import.
type Report struct {
	Files      []FileResult  `json:"files"`
	New        int           `json:"new"`        // activities added
	Duplicates int           `json:"duplicates"` // activities (or already-imported files) skipped
	Failed     int           `json:"failed"`     // files that could not be imported
	Bytes      int64         `json:"bytes"`
	Elapsed    time.Duration `json:"-"`
	Seconds    float64       `json:"seconds"`
}

// Importer imports files into a store.
type Importer struct {
	store rebound.ActivityStore
	opt   Options
	// OnStored, when set, is called from the writer goroutine with each
	// file's newly stored activities (IDs set, streams loaded), so derived
	// data can be computed without reading them back.
	OnStored func([]*rebound.Activity)

	buffers fileBuffers
	// imported holds the SHA-256 of the files imported before this
	// import, when the store can list them; read-only during an import.
	imported map[string]bool
}

// sourceLister is a store that lists the files imported before
// (*store.Store). A file imported while the list is in use is still
// caught by the writer (AddActivities records and checks each file's
// SHA-256), so a list taken when the import starts is enough.
type sourceLister interface {
	ImportedSources(ctx context.Context, athleteID int64) (map[string]bool, error)
}

// hasSource reports whether the file with SHA-256 sha was imported before.
func (im *Importer) hasSource(ctx context.Context, sha string) (bool, error) {
	if im.imported != nil {
		return im.imported[sha], nil
	}
	return im.store.HasSource(ctx, im.opt.AthleteID, sha)
}

// fileBuffers recycles the memory files are read into. An import reads
// hundreds of MB, a few hundred KB at a time; fresh buffers were zeroed by
// the runtime and then overwritten by the read, and made the garbage
// collector run more often.
type fileBuffers struct{ pool sync.Pool }

func (f *fileBuffers) get() []byte {
	if b, ok := f.pool.Get().(*[]byte); ok {
		return *b
	}
	return nil
}

// put returns b's memory for reuse. Buffers past maxPooledBuffer (a rare
// very long recording) are left to the garbage collector, so the pool
// holds at most a few MB per worker.
func (f *fileBuffers) put(b []byte) {
	if b == nil || cap(b) > maxPooledBuffer {
		return
	}
	b = b[:0]
	f.pool.Put(&b)
}

// maxPooledBuffer bounds the buffers fileBuffers keeps: larger than all but
// a few of the corpus's FIT files (a 10-hour 1 Hz recording is ~2 MB).
// Rebound's choice.
const maxPooledBuffer = 8 << 20

// New returns an Importer writing to store.
func New(store rebound.ActivityStore, opt Options) *Importer {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.AthleteID == 0 {
		opt.AthleteID = rebound.DefaultAthleteID
	}
	return &Importer{store: store, opt: opt}
}

// decoded is one job's outcome on its way to the writer.
type decoded struct {
	result FileResult
	sha    string
	acts   []*rebound.Activity
	blobs  [][]byte // acts' stream blobs from encodingStore.PrepareStreams, or nil
	// prepared[i]: acts[i]'s streams are as they will be stored (prepared
	// without error, or none), so it may go to Options.Decoded.
	prepared []bool
	known    bool // the file's SHA-256 was already imported
}

// encodingStore is a store that can encode an activity's streams apart from
// storing it (*store.Store). The decode workers then encode in parallel and
// the single writer only inserts the bytes: encoding was 2 of the writer's
// 3.6 CPU-s on the reference workload (docs/PERFORMANCE.md). Other stores get
// plain AddActivities.
type encodingStore interface {
	PrepareStreams(a *rebound.Activity) ([]byte, error)
	AddActivitiesEncoded(ctx context.Context, athleteID int64, acts []*rebound.Activity, blobs [][]byte) ([]rebound.AddResult, error)
}

// Import imports every file under paths. It returns an error only when the
// import as a whole cannot go on (the store fails, ctx is cancelled); files
// that fail are reported in the Report.
func (im *Importer) Import(ctx context.Context, paths []string) (*Report, error) {
	start := time.Now()
	w := newWalker()
	defer w.cleanup()
	jobs, walkErrs := w.walk(paths)

	rep := &Report{}
	for _, fr := range walkErrs {
		rep.Files = append(rep.Files, fr)
		rep.Failed++
		if im.opt.Progress != nil {
			im.opt.Progress(Progress{FilesTotal: len(jobs), Elapsed: time.Since(start), Last: fr})
		}
	}
	var total int64
	for _, j := range jobs {
		total += j.size
	}

	// The files imported before, listed once (sourceLister) rather than
	// asked for one by one.
	im.imported = nil
	if sl, ok := im.store.(sourceLister); ok {
		imported, err := sl.ImportedSources(ctx, im.opt.AthleteID)
		if err != nil {
			return rep, fmt.Errorf("import: %w", err)
		}
		im.imported = imported
	}

	var kept []*decoded // by job index: decoded ahead, taken as they are
	if im.opt.Ahead != nil {
		kept = im.runAhead(ctx, jobs)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Workers decode jobs; the writer commits them in job order so that a run
	// is deterministic (which of two copies of a workout is "new" does not
	// depend on scheduling). The window bounds how far decoding runs ahead,
	// and so the memory held by decoded activities: decodeWindow jobs per
	// worker.
	window := make(chan struct{}, decodeWindow*im.opt.Workers)
	slots := make([]chan decoded, len(jobs))
	for i := range slots {
		slots[i] = make(chan decoded, 1)
	}
	next := make(chan int)
	seen := newInflight()
	var wg sync.WaitGroup
	for range im.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if i < len(kept) && kept[i] != nil {
					d := kept[i]
					kept[i] = nil // each index goes to one worker; the memory goes with the job
					slots[i] <- im.takeOver(*d, i, seen)
					continue
				}
				slots[i] <- im.decode(ctx, jobs[i], i, seen)
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()

	// The writer takes decoded jobs in order and commits them a batch at a
	// time (commitBatch); each is reported once its batch is committed.
	var done int64
	var fatal error
	var batch []*decoded
	batchBytes := 0
	report := func(d *decoded) {
		rep.Files = append(rep.Files, d.result)
		done += d.result.Bytes
		if im.opt.Progress != nil {
			im.opt.Progress(Progress{FilesDone: len(rep.Files) - len(walkErrs), FilesTotal: len(jobs), BytesDone: done, BytesTotal: total, Elapsed: time.Since(start), Last: d.result})
		}
	}
	flush := func() {
		if err := im.commitBatch(ctx, batch, rep); err != nil && fatal == nil {
			fatal = err
		}
		for _, d := range batch {
			report(d)
		}
		batch, batchBytes = batch[:0], 0
	}
	for i := range jobs {
		var d decoded
		select {
		case d = <-slots[i]:
		case <-ctx.Done():
			fatal = ctx.Err()
		}
		if fatal != nil {
			break
		}
		<-window
		batch = append(batch, &d)
		for _, b := range d.blobs {
			batchBytes += len(b)
		}
		if len(batch) >= batchFiles || batchBytes >= batchBlobBytes || i == len(jobs)-1 {
			flush()
		}
		if fatal != nil {
			break
		}
	}
	// The import stopped (ctx ended) with decoded jobs not stored.
	stopped := errors.New("not stored: the import stopped")
	for _, d := range batch {
		if d.result.Status != StatusFailed && !d.known {
			im.settle(d, nil, stopped, rep)
		} else {
			im.settle(d, nil, nil, rep)
		}
		report(d)
	}
	cancel()
	wg.Wait()
	rep.Bytes = done
	rep.Elapsed = time.Since(start)
	rep.Seconds = rep.Elapsed.Seconds()
	return rep, fatal
}

// decode reads, hashes and decodes one job, the index-th of the import. It
// never touches the store but for the read-only "already imported?"
// check. seen is the import's record of decoded activities; the ahead
// pass, which stores nothing, passes nil, and its activities do not go to
// Options.Decoded.
func (im *Importer) decode(ctx context.Context, j job, index int, seen *inflight) decoded {
	d := decoded{result: FileResult{File: j.name, Bytes: j.size}}
	data, err := j.read(im.buffers.get())
	if err != nil {
		return d.fail(err)
	}
	// Once decoded (and the streams encoded) nothing refers to the file's
	// bytes (TestDecodeKeepsNoReferenceToTheFile): the buffer is reused.
	defer im.buffers.put(data)
	sum := sha256.Sum256(data)
	d.sha = hex.EncodeToString(sum[:])
	known, err := im.hasSource(ctx, d.sha)
	if err != nil {
		return d.fail(fmt.Errorf("check the store: %w", err))
	}
	if known {
		d.known = true
		return d
	}
	format, acts, err := decodeData(data, im.opt.Now(), 0)
	d.result.Format = string(format)
	if err != nil {
		return d.fail(err)
	}
	for _, a := range acts {
		a.AthleteID = im.opt.AthleteID
		a.SourceFile = j.base
		a.SourceSHA256 = d.sha
		if a.OffsetSource == "" {
			_, off := a.StartTime.In(im.opt.Location).Zone()
			a.UTCOffsetS, a.OffsetSource = off, rebound.OffsetFromAthlete
		}
		if j.meta != nil {
			applyStravaMeta(a, j.meta)
		}
	}
	d.acts = acts
	var dup []bool
	if seen != nil {
		dup = seen.add(index, acts)
	}
	if es, ok := im.store.(encodingStore); ok {
		d.blobs = make([][]byte, len(acts))
		d.prepared = make([]bool, len(acts))
		for i, a := range acts {
			if dup != nil && dup[i] {
				continue // most likely a duplicate: see inflight
			}
			// On an error the blob stays nil: the store encodes again and
			// reports it with the activity named, as AddActivities does.
			if b, err := es.PrepareStreams(a); err == nil {
				d.blobs[i], d.prepared[i] = b, true
				if seen != nil && im.opt.Decoded != nil {
					im.opt.Decoded(a)
				}
			}
		}
	}
	return d
}

// takeOver is decode's end for a job decoded by the ahead pass: its
// activities go on record for the duplicate guess and to Options.Decoded,
// as decode's would. Their streams were prepared whatever the guess, as
// the ahead pass cannot know it.
func (im *Importer) takeOver(d decoded, index int, seen *inflight) decoded {
	if d.result.Status == StatusFailed || d.known {
		return d
	}
	dup := seen.add(index, d.acts)
	if im.opt.Decoded != nil {
		for i, a := range d.acts {
			if i < len(d.prepared) && d.prepared[i] && !dup[i] {
				im.opt.Decoded(a)
			}
		}
	}
	return d
}

// memory estimates the bytes d holds: samples and stream blobs.
func (d *decoded) memory() int64 {
	var n int64
	for _, a := range d.acts {
		if a.Streams != nil {
			n += int64(a.Streams.Len()) * 8 * int64(len(a.Streams.Channels()))
		}
	}
	for _, b := range d.blobs {
		n += int64(len(b))
	}
	return n
}

func (d decoded) fail(err error) decoded {
	d.result.Status = StatusFailed
	d.result.Error = Describe(err)
	return d
}

// decodeWindow is how many jobs per worker may be decoded and not yet
// taken by the writer (Rebound's choice). Files differ sixfold in size
// (60–390 KB in the reference workload), so with a narrow window a worker
// often waits behind a large file, or behind a batch commit, while a core
// idles. Going from 2 to 8 per worker cut the whole command's wall time
// per CPU second by 3 % (0.572 → 0.554, 8 alternating runs each, every
// ratio of the wider window below all but one of the narrower's); it holds
// at most 16 decoded files more on two cores, about 4 MB for the
// workload's files (streams ~250 KB, blobs ~13 KB each), 10 MB for its
// largest.
const decodeWindow = 8

// batchFiles and batchBlobBytes bound a batch of files committed in one
// transaction (Rebound's choice): a commit writes every page the
// transaction touched to the WAL, and consecutive files share most of
// them, so committing per batch rather than per file halves the writer's
// commit work on the reference workload (docs/PERFORMANCE.md). Each file
// stays atomic (a savepoint in the transaction); a crash loses at most
// the batch being written, which a second import adds, as it was not
// recorded as imported either. The byte bound keeps a batch of very long
// recordings from holding much memory.
const (
	batchFiles     = 16
	batchBlobBytes = 4 << 20
)

// batchingStore is a store that commits several files' activities in one
// transaction, each file atomic (*store.Store).
type batchingStore interface {
	AddFilesEncoded(ctx context.Context, athleteID int64, acts [][]*rebound.Activity, blobs [][][]byte) ([][]rebound.AddResult, []error, error)
}

// commitBatch stores a batch of decoded jobs, in one transaction when the
// store can, and updates the report and each job's result. It returns an
// error only when the store itself fails; the import cannot go on then,
// and none of the batch is stored.
func (im *Importer) commitBatch(ctx context.Context, batch []*decoded, rep *Report) error {
	bs, ok := im.store.(batchingStore)
	if !ok {
		for _, d := range batch {
			if err := im.commit(ctx, d, rep); err != nil {
				return fmt.Errorf("import stopped at %s: %w", d.result.File, err)
			}
		}
		return nil
	}
	var toStore []*decoded
	var acts [][]*rebound.Activity
	var blobs [][][]byte
	for _, d := range batch {
		if d.result.Status != StatusFailed && !d.known {
			toStore = append(toStore, d)
			acts, blobs = append(acts, d.acts), append(blobs, d.blobs)
		}
	}
	var res [][]rebound.AddResult
	var errs []error
	var err error
	if len(toStore) > 0 {
		res, errs, err = bs.AddFilesEncoded(ctx, im.opt.AthleteID, acts, blobs)
	}
	k := 0
	for _, d := range batch {
		if k < len(toStore) && d == toStore[k] {
			switch {
			case err != nil:
				im.settle(d, nil, err, rep)
			default:
				im.settle(d, res[k], errs[k], rep)
			}
			k++
			continue
		}
		im.settle(d, nil, nil, rep)
	}
	if err != nil {
		return fmt.Errorf("import stopped at %s: %w", toStore[0].result.File, err)
	}
	return nil
}

// commit stores one decoded job and updates the report. It returns an error
// only when the store itself fails; the import cannot go on then.
func (im *Importer) commit(ctx context.Context, d *decoded, rep *Report) error {
	if d.result.Status == StatusFailed || d.known {
		im.settle(d, nil, nil, rep)
		return nil
	}
	var res []rebound.AddResult
	var err error
	if es, ok := im.store.(encodingStore); ok && d.blobs != nil {
		res, err = es.AddActivitiesEncoded(ctx, im.opt.AthleteID, d.acts, d.blobs)
	} else {
		res, err = im.store.AddActivities(ctx, im.opt.AthleteID, d.acts)
	}
	im.settle(d, res, err, rep)
	if err != nil && rebound.ErrorCode(err) != rebound.EInvalid {
		return err
	}
	return nil
}

// settle records what happened to job d, given the store's results res and
// error err for its activities (both nil for a job that failed to decode
// or was imported before), and passes the new activities to OnStored.
func (im *Importer) settle(d *decoded, res []rebound.AddResult, err error, rep *Report) {
	switch {
	case d.result.Status == StatusFailed:
		rep.Failed++
		return
	case d.known:
		d.result.Status = StatusDuplicate
		d.result.Error = ""
		rep.Duplicates++
		return
	}
	d.blobs = nil // the writer holds decoded jobs no longer than needed
	if err != nil {
		d.result.Status = StatusFailed
		d.result.Error = Describe(err)
		rep.Failed++
		return
	}
	var stored []*rebound.Activity
	for i, r := range res {
		if !r.Duplicate {
			stored = append(stored, d.acts[i])
		}
		if r.Duplicate {
			d.result.DuplicateOf = append(d.result.DuplicateOf, r.DuplicateOf)
			rep.Duplicates++
		} else {
			d.result.NewIDs = append(d.result.NewIDs, r.ID)
			rep.New++
		}
	}
	d.result.Status = StatusDuplicate
	if len(d.result.NewIDs) > 0 {
		d.result.Status = StatusImported
	}
	if im.OnStored != nil && len(stored) > 0 {
		im.OnStored(stored)
	}
}

// Describe turns an error into the one line a runner sees: the message of a
// *rebound.Error as is, anything else with its chain.
func Describe(err error) string {
	var e *rebound.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// decodeData dispatches on the content. depth limits nested gzip.
func decodeData(data []byte, now time.Time, depth int) (Format, []*rebound.Activity, error) {
	if len(data) == 0 {
		return FormatUnknown, nil, rebound.Errorf(rebound.EInvalid, "empty file (0 bytes)")
	}
	head := data[:min(len(data), sniffLen)]
	format := Sniff(head)
	var acts []*rebound.Activity
	var err error
	switch format {
	case FormatFIT:
		acts, err = fit.DecodeBytes(data, now)
	case FormatGPX:
		acts, err = gpx.Decode(bytes.NewReader(data), now)
	case FormatTCX:
		acts, err = tcx.Decode(bytes.NewReader(data), now)
	case FormatGzip:
		if depth > 0 {
			return format, nil, rebound.Errorf(rebound.EInvalid, "gzip inside gzip: not an activity file")
		}
		inner, gerr := gunzip(data)
		if gerr != nil {
			return format, nil, gerr
		}
		f, acts, err := decodeData(inner, now, depth+1)
		return Format(string(f) + ".gz"), acts, err
	case FormatZip:
		return format, nil, rebound.Errorf(rebound.EInvalid, "zip archive inside a compressed file: unpack it first")
	default:
		return format, nil, rebound.Errorf(rebound.EInvalid, "not an activity file Rebound knows (expected FIT, GPX or TCX, gzip-compressed or not, or a Strava or Garmin export)")
	}
	if err != nil {
		return format, nil, err
	}
	// A session of a single sample (a device that logged its file header and
	// one record, a GPX with one point) has no duration: there is no workout
	// to measure. The other sessions of the file are kept.
	kept := acts[:0]
	for _, a := range acts {
		if a.ElapsedS >= 1 || a.DistanceM > 0 {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		if len(acts) > 0 {
			return format, nil, rebound.Errorf(rebound.EInvalid, "no workout to measure: the file holds a single sample (%s)", acts[0].StartTime.UTC().Format(time.RFC3339))
		}
		return format, nil, rebound.Errorf(rebound.EInvalid, "no activity in the file")
	}
	return format, kept, nil
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt gzip data: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxFileBytes+1))
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt gzip data: %v", err)
	}
	if len(out) > MaxFileBytes {
		return nil, rebound.Errorf(rebound.EInvalid, "gzip data expands beyond %d MiB: not an activity file", MaxFileBytes>>20)
	}
	return out, nil
}

// applyStravaMeta copies what the runner typed into Strava over what the file
// says: the name, description, gear and perceived exertion are theirs; the
// file's sport wins unless it has none.
func applyStravaMeta(a *rebound.Activity, m *stravacsv.Meta) {
	if m.Name != "" {
		a.Name = m.Name
	}
	if m.Description != "" {
		a.Notes = m.Description
	}
	if m.Gear != "" {
		a.Gear = m.Gear
	}
	if m.RPE != nil && a.RPE == nil {
		rpe := *m.RPE
		a.RPE = &rpe
	}
	if a.Sport == "" || a.Sport == rebound.SportOther {
		if s := m.Sport(); s != "" {
			a.Sport = s
		}
	}
}
