package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"rebound"
)

//go:embed migrations
var migrations embed.FS

// Store is the database/sql implementation of rebound.Store.
//
// For SQLite it holds two pools on the same file. Writes go through a pool
// of exactly one connection: SQLite allows one writer at a time anyway, and
// queueing writers in database/sql instead of in SQLite's busy handler means
// no SQLITE_BUSY between our own transactions; its transactions begin
// IMMEDIATE so a write lock is taken up front, never upgraded mid-way (the
// upgrade is where two deferred transactions can deadlock). Reads go through
// a separate pool of query-only connections which, thanks to WAL, read the
// last committed state while a write is in progress.
type Store struct {
	// Now returns the current time, for the created/imported/updated
	// timestamps. Open sets it to time.Now; tests replace it.
	Now func() time.Time

	db  *sql.DB // writes (and migrations)
	rdb *sql.DB // reads; the same pool as db where the database needs no split
	d   *dialect
	w   *writeStmts // prepared once on db; see prepareWrites
	// hasSource is HasSource's query, prepared once on rdb: an import asks
	// it for every file, from every decode worker (see writeStmts for why).
	hasSource *sql.Stmt
	// streamsOf is ActivityStreams's query, prepared once on rdb: the load
	// model reads the streams of every activity it measures again.
	streamsOf *sql.Stmt

	applied int // migrations applied by Open, for tests
}

var (
	_ rebound.Store        = (*Store)(nil)
	_ rebound.LoadStore    = (*Store)(nil)
	_ rebound.PlanStore    = (*Store)(nil)
	_ rebound.CheckInStore = (*Store)(nil)
)

// Option configures Open.
type Option func(*options)

type options struct {
	migrate   bool
	readConns int
}

// WithMigrate sets whether Open applies pending migrations (the default) or
// refuses a database whose schema is not current, as a server that must not
// change the schema behind an operator's back would.
func WithMigrate(migrate bool) Option { return func(o *options) { o.migrate = migrate } }

// WithReadConns sets the size of the read pool (default 4).
func WithReadConns(n int) Option { return func(o *options) { o.readConns = max(1, n) } }

// SQLite connection settings, applied to every connection by the driver.
// Pragmas are per connection (journal_mode is also persistent in the file).
const (
	// busy_timeout=5000: wait up to 5 s for another process's lock (a second
	// rebound command on the same file) instead of failing at once.
	sqliteBusy = "_pragma=busy_timeout(5000)"
	// foreign_keys=ON: SQLite ignores REFERENCES clauses unless asked, so
	// ON DELETE CASCADE and athlete references would not hold.
	sqliteFK = "&_pragma=foreign_keys(1)"
	// journal_mode=WAL: readers never block the writer nor the writer the
	// readers; commits append to the log instead of rewriting pages.
	// synchronous=NORMAL: with WAL, fsync happens at checkpoints rather than
	// every commit. A power loss may lose the last commits but never
	// corrupts the database (sqlite.org/pragma.html#pragma_synchronous,
	// sqlite.org/wal.html); a re-import restores what was lost.
	// _txlock=immediate: see Store.
	sqliteWrite = sqliteBusy + sqliteFK + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	// query_only: the read pool cannot write even by mistake.
	sqliteRead = sqliteBusy + sqliteFK + "&_query_only=1"
)

// Open opens the store at dsn and brings its schema up to date.
//
// dsn is a file path for SQLite (modernc.org/sqlite, pure Go); its parent
// directory is created. A postgres:// URL is recognised but not yet
// supported: PostgreSQL arrives with `rebound serve`.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{migrate: true, readConns: 4}
	for _, opt := range opts {
		opt(&o)
	}
	dsn = strings.TrimSpace(dsn)
	switch {
	case dsn == "":
		return nil, rebound.Errorf(rebound.EInvalid, "database path is empty")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil, rebound.Errorf(rebound.EInvalid, "PostgreSQL support arrives with `rebound serve`; use a SQLite path")
	case dsn == ":memory:", strings.HasPrefix(dsn, "file:"):
		return nil, rebound.Errorf(rebound.EInvalid, "database %q: give a file path (in-memory and URI databases are not supported)", dsn)
	case strings.ContainsAny(dsn, "?#"):
		// The driver reads everything after '?' as connection parameters.
		return nil, rebound.Errorf(rebound.EInvalid, "database path %q: '?' and '#' are not allowed in the path", dsn)
	}
	return openSQLite(ctx, dsn, o)
}

func openSQLite(ctx context.Context, path string, o options) (_ *Store, err error) {
	// Health data: the directory is private to the user.
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create database directory: %w", err)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	d := &sqliteDialect
	s := &Store{Now: time.Now, d: d}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()

	if s.db, err = sql.Open(d.driver, path+"?"+sqliteWrite); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.db.SetMaxOpenConns(1)
	s.db.SetMaxIdleConns(1)
	s.db.SetConnMaxLifetime(0)
	s.db.SetConnMaxIdleTime(0)
	if err := s.db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(ctx, o.migrate); err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	if err := s.prepareWrites(ctx); err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	if created {
		// Training and health data: readable by the user only. SQLite
		// gives the -wal and -shm files the database file's permissions.
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}

	if s.rdb, err = sql.Open(d.driver, path+"?"+sqliteRead); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.rdb.SetMaxOpenConns(o.readConns)
	s.rdb.SetMaxIdleConns(o.readConns)
	if s.hasSource, err = s.rdb.PrepareContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM imported_sources
		WHERE athlete_id = ? AND sha256 = ?`)); err != nil {
		return nil, fmt.Errorf("store: %s: prepare source lookup: %w", path, err)
	}
	if s.streamsOf, err = s.rdb.PrepareContext(ctx, s.d.rebind(`SELECT codec, samples, data FROM activity_streams
		WHERE athlete_id = ? AND activity_id = ?`)); err != nil {
		return nil, fmt.Errorf("store: %s: prepare streams lookup: %w", path, err)
	}
	return s, nil
}

// migrate applies the embedded migrations of the store's dialect with goose
// (each in its own transaction, versions recorded in goose_db_version), or,
// when apply is false, only checks that none is pending.
func (s *Store) migrate(ctx context.Context, apply bool) error {
	dir, err := fs.Sub(migrations, s.d.migrations)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(s.d.goose, s.db, dir, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// p.Close would close s.db; the provider holds nothing else.
	current, target, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if current > target {
		return rebound.Errorf(rebound.EInvalid, "database schema is at version %d, newer than this build knows (%d); upgrade Rebound", current, target)
	}
	if !apply {
		if current != target {
			return rebound.Errorf(rebound.EInvalid, "database schema is at version %d, this build needs %d; run `rebound migrate`", current, target)
		}
		return nil
	}
	res, err := p.Up(ctx)
	if err != nil {
		var perr *goose.PartialError
		if errors.As(err, &perr) && perr.Failed != nil {
			return fmt.Errorf("migration %s: %w", perr.Failed.Source.Path, perr.Err)
		}
		return fmt.Errorf("migrations: %w", err)
	}
	s.applied = len(res)
	return nil
}

// Close closes the database. Further use of s fails.
func (s *Store) Close() error {
	var errs []error
	if s.w != nil {
		errs = append(errs, s.w.close()) // idempotent; s.w stays for a clean "closed" error
	}
	for _, st := range []*sql.Stmt{s.hasSource, s.streamsOf} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	if s.rdb != nil && s.rdb != s.db {
		errs = append(errs, s.rdb.Close())
	}
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	return errors.Join(errs...)
}

// now returns the store's clock reading as Unix milliseconds, the unit of
// every *_ms column.
func (s *Store) nowMS() int64 {
	if s.Now == nil {
		return time.Now().UnixMilli()
	}
	return s.Now().UnixMilli()
}

// ms and fromMS convert instants to and from the *_ms columns (UTC).
func ms(t time.Time) int64     { return t.UnixMilli() }
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// readTx begins a transaction on the read pool, so a method's several
// queries see one consistent state.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin read: %w", err)
	}
	return tx, nil
}

// writeTx begins a write transaction; the caller defers Rollback and
// commits.
func (s *Store) writeTx(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: begin: %w", err)
	}
	return tx, nil
}

// writeStmts are the hot statements of AddActivities, prepared once per
// store on the write pool. modernc.org/sqlite parses an SQL string on every
// ExecContext/QueryContext, and for an import that re-parsing was 0.65 of
// the writer's 3.6 CPU-s (docs/PERFORMANCE.md, "Where the time goes now").
// The write pool has exactly one connection that never expires, so each
// statement is prepared on it once and tx.StmtContext reuses it in every
// transaction (database/sql re-prepares by itself if the connection is ever
// replaced).
type writeStmts struct {
	athlete      *sql.Stmt // ensureAthlete
	source       *sql.Stmt // record an imported file's SHA-256
	dup          *sql.Stmt // findDuplicate's candidates (dupQuery)
	activity     *sql.Stmt // insert an activity (returning its id without dialect.lastInsertID)
	activityData *sql.Stmt // insert an activity's stream blob
	// laps[k] inserts lapChunks[k] laps in one statement.
	laps [len(lapChunks)]*sql.Stmt
}

// lapChunks are the row counts of the prepared lap inserts, largest first.
// An activity's laps go in as few statements as these sizes allow (a
// 10-lap run in two, 8 + 2; up to 31 laps in at most five), so the fixed
// cost of a statement (database/sql, the driver, starting the VDBE program)
// is paid per chunk rather than per lap. The rows stored are the same.
var lapChunks = [...]int{16, 8, 4, 2, 1}

// all returns every statement of w, nil ones included.
func (w *writeStmts) all() []*sql.Stmt {
	return append([]*sql.Stmt{w.athlete, w.source, w.dup, w.activity, w.activityData}, w.laps[:]...)
}

// dupQuery finds findDuplicate's candidates in one statement: the
// activity stored from the same source and session, if any, flagged 1,
// then the athlete's activities starting within a time range, flagged 0.
// One statement rather than two: each costs the writer a result set
// (database/sql Rows, column names, a goroutine), most of a look-up's time.
//
// The first part's test that source_sha256 is not empty (true where a
// source is given, and making that part match nothing where it is not)
// lets SQLite use the partial index activities_source: the planner cannot prove a bound parameter
// non-empty, and without it scans all of the athlete's activities, which
// made an import quadratic in the history's size (docs/PERFORMANCE.md).
// The index activities_start serves the range (TestDupQueryPlan).
//
// The second part reads only the columns rebound.SameWorkout uses (sport,
// start time, elapsed time): reading and converting all 34 of scanActivity
// for every candidate was most of the look-up's cost. If SameWorkout ever
// reads more fields, select them here too; TestSameWorkoutFields fails
// when it does. There is no ORDER BY id, which made SQLite sort the
// candidates in a temporary b-tree: findDuplicate breaks ties by id itself.
const dupQuery = `SELECT id, 1, '', 0, 0.0 FROM activities
	WHERE athlete_id = ? AND source_sha256 = ? AND source_sha256 <> '' AND session_index = ?
UNION ALL
SELECT id, 0, sport, start_time_ms, elapsed_s FROM activities
	WHERE athlete_id = ? AND start_time_ms BETWEEN ? AND ?`

// prepareWrites prepares s.w on s.db; call it after the migrations.
func (s *Store) prepareWrites(ctx context.Context) error {
	w := &writeStmts{}
	returningID := "id"
	if s.d.lastInsertID {
		returningID = ""
	}
	type prep struct {
		st *(*sql.Stmt)
		q  string
	}
	preps := []prep{
		{&w.athlete, s.d.upsert("athletes", []string{"athlete_id"}, []string{"athlete_id", "created_at_ms"}, nil)},
		{&w.source, s.d.upsert("imported_sources", []string{"athlete_id", "sha256"},
			[]string{"athlete_id", "sha256", "file_name", "imported_at_ms"}, nil)},
		{&w.dup, s.d.rebind(dupQuery)},
		{&w.activity, s.d.insert("activities", append(slices.Clone(activityCols[1:]), "created_at_ms"), returningID)},
		{&w.activityData, s.d.insert("activity_streams", []string{"activity_id", "athlete_id", "codec", "samples", "data"}, "")},
	}
	for k, n := range lapChunks {
		preps = append(preps, prep{&w.laps[k], s.d.insertRows("laps", lapCols, n)})
	}
	for _, p := range preps {
		st, err := s.db.PrepareContext(ctx, p.q)
		if err != nil {
			w.close()
			return fmt.Errorf("prepare %q: %w", p.q, err)
		}
		*p.st = st
	}
	s.w = w
	return nil
}

func (w *writeStmts) close() error {
	var errs []error
	for _, st := range w.all() {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}
