package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"rebound"
	"rebound/internal/importer/stravacsv"
)

// job is one file to import: a file on disk or a member of an archive.
type job struct {
	name string // what the runner sees: a path, or "archive.zip!member"
	base string // the file's own name, stored as the activity's source file
	size int64
	// read returns the file's bytes, in buf's memory when it is large
	// enough (see fileBuffers).
	read func(buf []byte) ([]byte, error)
	// peek returns the file's first bytes (gzip undone), enough to guess
	// its start (see peekStart); nil for jobs that cannot be read.
	peek func() ([]byte, error)
	meta *stravacsv.Meta // the Strava export's row for this file, if any
}

// maxNesting bounds zips inside zips (Garmin's export nests one level).
const maxNesting = 3

// walker expands paths into jobs. Archives stay open until cleanup.
type walker struct {
	closers []io.Closer
	temps   []string
}

func newWalker() *walker { return &walker{} }

func (w *walker) cleanup() {
	for _, c := range w.closers {
		c.Close()
	}
	for _, t := range w.temps {
		os.Remove(t)
	}
}

// walk lists the jobs under paths, in a stable order (paths as given, folder
// contents sorted), and the paths that could not be read at all.
func (w *walker) walk(paths []string) ([]job, []FileResult) {
	var jobs []job
	var bad []FileResult
	fail := func(name string, err error) {
		bad = append(bad, FileResult{File: name, Status: StatusFailed, Error: Describe(err)})
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			fail(p, readError(err))
			continue
		}
		if !info.IsDir() {
			js, err := w.fileJobs(p, info, nil)
			if err != nil {
				fail(p, err)
			}
			jobs = append(jobs, js...)
			continue
		}
		// A folder: remember each Strava activities.csv found on the way so
		// the activity files below it get their names and RPE.
		metas := map[string]map[string]stravacsv.Meta{} // dir → rows
		var files []string
		err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
			if err != nil {
				fail(fp, readError(err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && fp != p {
					return fs.SkipDir // .git, .Trash: never activity history
				}
				return nil
			}
			if strings.EqualFold(d.Name(), "activities.csv") {
				rows, err := readStravaCSV(fp)
				if err != nil {
					fail(fp, err)
					return nil
				}
				metas[filepath.Dir(fp)] = rows
				return nil
			}
			if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			files = append(files, fp)
			return nil
		})
		if err != nil {
			fail(p, readError(err))
		}
		sort.Strings(files)
		for _, fp := range files {
			info, err := os.Stat(fp)
			if err != nil {
				fail(fp, readError(err))
				continue
			}
			js, err := w.fileJobs(fp, info, metaFor(metas, fp))
			if err != nil {
				fail(fp, err)
			}
			jobs = append(jobs, js...)
		}
	}
	return jobs, bad
}

// metaFor finds the Strava row for a file: the activities.csv in the nearest
// folder above it lists it by "activities/<name>".
func metaFor(metas map[string]map[string]stravacsv.Meta, file string) *stravacsv.Meta {
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if rows, ok := metas[dir]; ok {
			if m, ok := rows[stravacsv.Key(file)]; ok {
				return &m
			}
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

func readStravaCSV(fp string) (map[string]stravacsv.Meta, error) {
	f, err := os.Open(fp)
	if err != nil {
		return nil, readError(err)
	}
	defer f.Close()
	rows, _, _, err := stravacsv.Parse(f)
	return rows, err
}

// fileJobs returns the jobs of one file on disk: itself, or its members when
// it is a zip archive.
func (w *walker) fileJobs(fp string, info fs.FileInfo, meta *stravacsv.Meta) ([]job, error) {
	f, err := os.Open(fp)
	if err != nil {
		return nil, readError(err)
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if Sniff(head[:n]) != FormatZip {
		f.Close()
		return []job{{
			name: fp, base: filepath.Base(fp), size: info.Size(), meta: meta,
			read: func(buf []byte) ([]byte, error) { return readFile(fp, buf) },
			peek: func() ([]byte, error) { return peekFile(fp) },
		}}, nil
	}
	zr, err := zip.NewReader(f, info.Size())
	if err != nil {
		f.Close()
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip archive: %v", err)
	}
	w.closers = append(w.closers, f)
	return w.zipJobs(fp, zr, 1)
}

// zipJobs lists a zip's members: activity files directly, nested zips
// (Garmin's UploadedFiles_*.zip) recursively, and a Strava activities.csv as
// metadata for the others.
func (w *walker) zipJobs(name string, zr *zip.Reader, depth int) ([]job, error) {
	if depth > maxNesting {
		return nil, rebound.Errorf(rebound.EInvalid, "zip archives nested more than %d deep", maxNesting)
	}
	var rows map[string]stravacsv.Meta
	for _, zf := range zr.File {
		if strings.EqualFold(path.Base(zf.Name), "activities.csv") {
			rc, err := zf.Open()
			if err != nil {
				return nil, rebound.Errorf(rebound.EInvalid, "%s!%s: %v", name, zf.Name, err)
			}
			rows, _, _, err = stravacsv.Parse(rc)
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("%s!%s: %w", name, zf.Name, err)
			}
		}
	}
	var jobs []job
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || strings.EqualFold(path.Base(zf.Name), "activities.csv") {
			continue
		}
		member := name + "!" + zf.Name
		if !looksLikeActivityMember(zf.Name) {
			continue
		}
		if strings.EqualFold(path.Ext(zf.Name), ".zip") {
			inner, err := w.openNested(zf)
			if err != nil {
				jobs = append(jobs, failedJob(member, zf, err))
				continue
			}
			js, err := w.zipJobs(member, inner, depth+1)
			if err != nil {
				jobs = append(jobs, failedJob(member, zf, err))
			}
			jobs = append(jobs, js...)
			continue
		}
		var meta *stravacsv.Meta
		if m, ok := rows[stravacsv.Key(zf.Name)]; ok {
			meta = &m
		}
		jobs = append(jobs, job{
			name: member, base: path.Base(zf.Name), size: int64(zf.UncompressedSize64), meta: meta,
			read: func([]byte) ([]byte, error) { return readMember(zf) },
			peek: func() ([]byte, error) { return peekMember(zf) },
		})
	}
	return jobs, nil
}

// looksLikeActivityMember skips the parts of an account export that are not
// activity history (Strava's other CSVs and media, Garmin's JSON): importing
// them would only add "not an activity" failures.
func looksLikeActivityMember(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range []string{".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz", ".zip"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

func failedJob(member string, zf *zip.File, err error) job {
	return job{name: member, base: path.Base(zf.Name), size: int64(zf.UncompressedSize64),
		read: func([]byte) ([]byte, error) { return nil, err }}
}

// openNested spools a zip inside a zip to a temporary file (Garmin's are
// hundreds of MB) and opens it.
func (w *walker) openNested(zf *zip.File) (*zip.Reader, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip member: %v", err)
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "rebound-nested-*.zip")
	if err != nil {
		return nil, fmt.Errorf("spool nested zip: %w", err)
	}
	w.temps = append(w.temps, tmp.Name())
	w.closers = append(w.closers, tmp)
	n, err := io.Copy(tmp, rc)
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip member: %v", err)
	}
	zr, err := zip.NewReader(tmp, n)
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip archive: %v", err)
	}
	return zr, nil
}

func readMember(zf *zip.File) ([]byte, error) {
	if zf.UncompressedSize64 > MaxFileBytes {
		return nil, rebound.Errorf(rebound.EInvalid, "archive member is %d MiB, larger than any activity file", zf.UncompressedSize64>>20)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip member: %v", err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rc, MaxFileBytes+1)); err != nil {
		return nil, rebound.Errorf(rebound.EInvalid, "corrupt zip member: %v", err)
	}
	return buf.Bytes(), nil
}

// readFile reads the file at fp into buf when it fits, else into new
// memory.
func readFile(fp string, buf []byte) ([]byte, error) {
	f, err := os.Open(fp)
	if err != nil {
		return nil, readError(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, readError(err)
	}
	if info.Size() > MaxFileBytes {
		return nil, rebound.Errorf(rebound.EInvalid, "file is %d MiB, larger than any activity file", info.Size()>>20)
	}
	// One byte more than the size, so that a file that grew since is seen
	// to (the read then goes on to the end, as os.ReadFile does).
	if want := int(info.Size()) + 1; cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	b := buf[:0]
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readError(err)
		}
		if len(b) > MaxFileBytes {
			return nil, rebound.Errorf(rebound.EInvalid, "file is over %d MiB, larger than any activity file", MaxFileBytes>>20)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
	}
	return b, nil
}

// readError words an OS error for a runner.
func readError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return rebound.Errorf(rebound.EInvalid, "no such file or folder")
	case errors.Is(err, fs.ErrPermission):
		return rebound.Errorf(rebound.EInvalid, "cannot read: permission denied")
	case errors.Is(err, syscall.EISDIR):
		return rebound.Errorf(rebound.EInvalid, "is a folder")
	}
	return rebound.Errorf(rebound.EInvalid, "cannot read: %v", err)
}
