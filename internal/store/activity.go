package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"rebound"
	"rebound/internal/store/streamcodec"
)

// activityCols are the activities columns in the order appendActivityArgs writes
// and scanActivity reads them (id, athlete_id first).
var activityCols = []string{
	"id", "athlete_id",
	"sport", "sub_sport", "name", "notes", "gear",
	"start_time_ms", "utc_offset_s", "offset_source",
	"elapsed_s", "moving_s", "distance_m",
	"ascent_m", "descent_m",
	"avg_heart_rate_bpm", "max_heart_rate_bpm", "avg_speed_mps", "max_speed_mps",
	"avg_temperature_c", "min_temperature_c", "max_temperature_c",
	"avg_cadence_spm", "avg_power_w", "calories",
	"device",
	"source_file", "source_sha256", "source_format", "session_index", "summary_source",
	"rpe", "kind", "manual_temp_c",
}

var activitySelect = "SELECT " + strings.Join(activityCols, ", ") + " FROM activities"

// appendActivityArgs appends a's values for activityCols[2:] (no id,
// athlete_id) to args.
func appendActivityArgs(args []any, a *rebound.Activity) []any {
	var rpe any
	if a.RPE != nil {
		rpe = int64(*a.RPE)
	}
	return append(args,
		a.Sport, a.SubSport, a.Name, a.Notes, a.Gear,
		ms(a.StartTime), a.UTCOffsetS, a.OffsetSource,
		a.ElapsedS, a.MovingS, a.DistanceM,
		nullable(a.AscentM), nullable(a.DescentM),
		nullable(a.AvgHeartRateBPM), nullable(a.MaxHeartRateBPM), a.AvgSpeedMPS, nullable(a.MaxSpeedMPS),
		nullable(a.AvgTemperatureC), nullable(a.MinTemperatureC), nullable(a.MaxTemperatureC),
		nullable(a.AvgCadenceSPM), nullable(a.AvgPowerW), nullable(a.Calories),
		a.Device,
		a.SourceFile, a.SourceSHA256, a.SourceFormat, a.SessionIndex, a.SummarySource,
		rpe, a.Kind, nullable(a.ManualTempC),
	)
}

type scanner interface{ Scan(dest ...any) error }

func scanActivity(row scanner) (*rebound.Activity, error) {
	a := &rebound.Activity{}
	var start int64
	var ascent, descent, avgHR, maxHR, maxSpeed, avgT, minT, maxT, cad, pow, cal, manT sql.Null[float64]
	var rpe sql.Null[int64]
	err := row.Scan(&a.ID, &a.AthleteID,
		&a.Sport, &a.SubSport, &a.Name, &a.Notes, &a.Gear,
		&start, &a.UTCOffsetS, &a.OffsetSource,
		&a.ElapsedS, &a.MovingS, &a.DistanceM,
		&ascent, &descent,
		&avgHR, &maxHR, &a.AvgSpeedMPS, &maxSpeed,
		&avgT, &minT, &maxT,
		&cad, &pow, &cal,
		&a.Device,
		&a.SourceFile, &a.SourceSHA256, &a.SourceFormat, &a.SessionIndex, &a.SummarySource,
		&rpe, &a.Kind, &manT)
	if err != nil {
		return nil, err
	}
	a.StartTime = fromMS(start)
	a.AscentM, a.DescentM = ptr(ascent), ptr(descent)
	a.AvgHeartRateBPM, a.MaxHeartRateBPM, a.MaxSpeedMPS = ptr(avgHR), ptr(maxHR), ptr(maxSpeed)
	a.AvgTemperatureC, a.MinTemperatureC, a.MaxTemperatureC = ptr(avgT), ptr(minT), ptr(maxT)
	a.AvgCadenceSPM, a.AvgPowerW, a.Calories, a.ManualTempC = ptr(cad), ptr(pow), ptr(cal), ptr(manT)
	if rpe.Valid {
		v := int(rpe.V)
		a.RPE = &v
	}
	return a, nil
}

var lapCols = []string{
	"activity_id", "athlete_id", "seq", "lap_index", "start_time_ms",
	"elapsed_s", "moving_s", "distance_m",
	"avg_heart_rate_bpm", "max_heart_rate_bpm", "avg_speed_mps", "avg_cadence_spm",
}

// AddActivities stores each activity that is not already there, with laps
// and streams, in one transaction, and reports per activity what happened
// (see rebound.ActivityStore). An activity is a duplicate when one with the
// same source SHA-256 and session index is stored, or when
// rebound.SameWorkout matches one starting within rebound.SameWorkoutWindow
// (the closest start wins); earlier activities of the same call count. Each
// source SHA-256 is recorded for HasSource, duplicates included. After the
// commit, the ID and AthleteID of every stored activity are set. Invalid
// input (a nil activity, a missing start time, non-finite numbers, ragged
// streams) fails the whole call with EInvalid, naming the activity.
func (s *Store) AddActivities(ctx context.Context, athleteID int64, acts []*rebound.Activity) ([]rebound.AddResult, error) {
	return s.addActivities(ctx, athleteID, acts, nil)
}

// PrepareStreams quantises a.Streams in place, as AddActivities would, and
// returns the blob AddActivities would store for them (nil when a has no
// streams). It touches no database and is safe to call from many goroutines
// at once, so an importer can encode in its decode workers and hand the
// blobs to AddActivitiesEncoded, taking the encoding (2 of the writer's 3.6
// CPU-s on the reference workload, docs/PERFORMANCE.md) off the single
// writer. Streams that cannot be encoded are an error here and again, with
// the activity named, in AddActivities.
func (s *Store) PrepareStreams(a *rebound.Activity) ([]byte, error) {
	if a == nil || a.Streams == nil {
		return nil, nil
	}
	// The caller's streams become exactly what a later read returns, so
	// figures computed from them now equal those computed after a read.
	// QuantizeEncode is Quantize then Encode in one pass over the samples.
	return streamcodec.QuantizeEncode(a.Streams)
}

// AddActivitiesEncoded is AddActivities with stream blobs already made by
// PrepareStreams: blobs[i] must be PrepareStreams(acts[i]) with acts[i]
// unchanged since, or nil to have the streams quantised and encoded here.
// blobs may be shorter than acts (missing entries count as nil). The bytes
// stored are the same either way.
func (s *Store) AddActivitiesEncoded(ctx context.Context, athleteID int64, acts []*rebound.Activity, blobs [][]byte) ([]rebound.AddResult, error) {
	if len(blobs) > len(acts) {
		return nil, rebound.Errorf(rebound.EInvalid, "%d stream blobs for %d activities", len(blobs), len(acts))
	}
	return s.addActivities(ctx, athleteID, acts, blobs)
}

func (s *Store) addActivities(ctx context.Context, athleteID int64, acts []*rebound.Activity, blobs [][]byte) ([]rebound.AddResult, error) {
	if athleteID <= 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if len(acts) == 0 {
		return []rebound.AddResult{}, nil
	}
	t, err := s.beginAdd(ctx, athleteID, acts)
	if err != nil {
		return nil, err
	}
	defer t.tx.Rollback()
	res, err := s.addFile(t, athleteID, acts, blobs)
	if err != nil {
		return nil, err
	}
	if err := t.tx.Commit(); err != nil {
		return nil, s.d.translate(err, "commit activities")
	}
	setIDs(athleteID, acts, res)
	return res, nil
}

// AddFilesEncoded stores several files' activities in one transaction,
// each file as AddActivitiesEncoded would, so that an import commits once
// per batch of files rather than once per file: a commit writes the WAL
// frames of every page it touched, and consecutive files share most of
// them (the indexes, the tables' last pages). The unit of atomicity is
// still the file: each one runs in a savepoint, and a file whose data is
// refused (EInvalid) is rolled back alone, its error in errs[i], while the
// others go on; a crash leaves whole files or none of a batch. err is a
// failure of the store itself (or ctx ending): then nothing of the call
// is stored. File i is acts[i] with blobs[i] (nil or shorter: encoded
// here, as for AddActivitiesEncoded); res[i] is its results, as
// AddActivities returns them.
func (s *Store) AddFilesEncoded(ctx context.Context, athleteID int64, acts [][]*rebound.Activity, blobs [][][]byte) (res [][]rebound.AddResult, errs []error, err error) {
	if athleteID <= 0 {
		return nil, nil, rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if len(blobs) > len(acts) {
		return nil, nil, rebound.Errorf(rebound.EInvalid, "stream blobs for %d files, activities for %d", len(blobs), len(acts))
	}
	var all []*rebound.Activity
	for _, f := range acts {
		all = append(all, f...)
	}
	t, err := s.beginAdd(ctx, athleteID, all)
	if err != nil {
		return nil, nil, err
	}
	defer t.tx.Rollback()
	res, errs = make([][]rebound.AddResult, len(acts)), make([]error, len(acts))
	for i, fileActs := range acts {
		var fileBlobs [][]byte
		if i < len(blobs) {
			fileBlobs = blobs[i]
		}
		if len(fileBlobs) > len(fileActs) {
			errs[i] = rebound.Errorf(rebound.EInvalid, "%d stream blobs for %d activities", len(fileBlobs), len(fileActs))
			continue
		}
		if len(fileActs) == 0 {
			res[i] = []rebound.AddResult{}
			continue
		}
		if _, err := t.tx.ExecContext(t.run, "SAVEPOINT file"); err != nil {
			return nil, nil, s.stmtErr(ctx, err, "savepoint")
		}
		r, ferr := s.addFile(t, athleteID, fileActs, fileBlobs)
		switch {
		case ferr == nil:
			res[i] = r
		case rebound.ErrorCode(ferr) == rebound.EInvalid && ctx.Err() == nil:
			errs[i] = ferr
			if _, err := t.tx.ExecContext(t.run, "ROLLBACK TO SAVEPOINT file"); err != nil {
				return nil, nil, s.stmtErr(ctx, err, "roll back to savepoint")
			}
		default:
			return nil, nil, ferr
		}
		if _, err := t.tx.ExecContext(t.run, "RELEASE SAVEPOINT file"); err != nil {
			return nil, nil, s.stmtErr(ctx, err, "release savepoint")
		}
	}
	if err := t.tx.Commit(); err != nil {
		return nil, nil, s.d.translate(err, "commit activities")
	}
	for i, fileActs := range acts {
		if errs[i] == nil {
			setIDs(athleteID, fileActs, res[i])
		}
	}
	return res, errs, nil
}

// setIDs sets the ID and AthleteID of each stored activity after the
// commit.
func setIDs(athleteID int64, acts []*rebound.Activity, res []rebound.AddResult) {
	for i, a := range acts {
		if !res[i].Duplicate {
			a.ID, a.AthleteID = res[i].ID, athleteID
		}
	}
}

// beginAdd starts the write transaction of AddActivities or
// AddFilesEncoded for acts.
func (s *Store) beginAdd(ctx context.Context, athleteID int64, acts []*rebound.Activity) (*addTx, error) {
	tx, err := s.writeTx(ctx)
	if err != nil {
		return nil, err
	}
	t := &addTx{
		ctx: ctx,
		// The statements below run under ctx without its cancellation.
		// For every statement whose context can end, modernc.org/sqlite
		// starts a goroutine (with a channel and a progress handler) to
		// interrupt it: 7% of the writer's CPU time in a profile of
		// BenchmarkAddActivitiesEncoded, and more in scheduling those
		// goroutines, for the ten or so short statements of an imported
		// file (before laps went in chunks: see lapChunks). None can
		// wait: BEGIN IMMEDIATE took the write lock (it still watches
		// ctx, as Commit does), and in WAL mode a writer waits for no
		// reader. So ctx is checked between activities instead, where the
		// stream encoding of AddActivities also takes its time; and when
		// ctx ends, database/sql still rolls tx back, which fails the next
		// statement (stmtErr reports ctx's error then).
		run: context.WithoutCancel(ctx),
		// Statements of this transaction, from the store's prepared ones
		// (see writeStmts); they are closed with tx.
		st:   s.txStmts(ctx, tx),
		tx:   tx,
		args: make([]any, 0, argsCap(acts)),
		now:  s.nowMS(), // one timestamp for the whole transaction
	}
	// ensureAthlete, with the transaction's statement.
	if _, err := t.st.athlete.ExecContext(t.run, athleteID, t.now); err != nil {
		tx.Rollback()
		return nil, s.stmtErr(ctx, err, "create athlete")
	}
	return t, nil
}

// addFile adds one call's (one file's) activities within t.
func (s *Store) addFile(t *addTx, athleteID int64, acts []*rebound.Activity, blobs [][]byte) ([]rebound.AddResult, error) {
	ctx, now := t.ctx, t.now
	res := make([]rebound.AddResult, len(acts))
	for i, a := range acts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("store: add activities: %w", err)
		}
		if err := validateActivity(a); err != nil {
			return nil, rebound.Errorf(rebound.EInvalid, "activity %d of %d%s: %s", i+1, len(acts), describe(a), err)
		}
		if a.SourceSHA256 != "" {
			if _, err := t.st.source.ExecContext(t.run, athleteID, a.SourceSHA256, a.SourceFile, now); err != nil {
				return nil, s.stmtErr(ctx, err, "record source")
			}
		}
		dup, err := s.findDuplicate(t, athleteID, a)
		if err != nil {
			return nil, err
		}
		if dup != 0 {
			res[i] = rebound.AddResult{ID: dup, Duplicate: true, DuplicateOf: dup}
			continue
		}
		var blob []byte
		if i < len(blobs) {
			blob = blobs[i]
		}
		id, err := s.insertActivity(t, athleteID, a, blob, now)
		if err != nil {
			return nil, fmt.Errorf("activity %d of %d%s: %w", i+1, len(acts), describe(a), err)
		}
		res[i] = rebound.AddResult{ID: id}
	}
	return res, nil
}

// addTx is one transaction of AddActivities.
type addTx struct {
	ctx context.Context // the caller's, for cancellation and its error
	run context.Context // ctx without cancellation, for statements (see addActivities)
	st  *writeStmts     // the store's prepared statements bound to the transaction, but laps
	tx  *sql.Tx
	// laps are the store's lap inserts bound to tx, each on first use.
	laps [len(lapChunks)]*sql.Stmt
	args []any // statement arguments, reused
	now  int64 // the transaction's timestamp (ms)
}

// argsCap is the most arguments a statement of insertActivity takes for
// acts: an activity's columns, or its largest chunk of laps.
func argsCap(acts []*rebound.Activity) int {
	n := len(activityCols) // athlete_id, the columns of appendActivityArgs, created_at_ms
	for _, a := range acts {
		if a != nil {
			n = max(n, len(lapCols)*min(len(a.Laps), lapChunks[0]))
		}
	}
	return n
}

// lapStmt returns the lap insert of lapChunks[k] rows bound to t's
// transaction.
func (t *addTx) lapStmt(s *Store, k int) *sql.Stmt {
	if t.laps[k] == nil {
		t.laps[k] = t.tx.StmtContext(t.ctx, s.w.laps[k])
	}
	return t.laps[k]
}

// txStmts returns the store's prepared write statements bound to tx.
// Tx.StmtContext does not fail: an error shows up when the statement runs.
func (s *Store) txStmts(ctx context.Context, tx *sql.Tx) *writeStmts {
	return &writeStmts{
		athlete:      tx.StmtContext(ctx, s.w.athlete),
		source:       tx.StmtContext(ctx, s.w.source),
		dup:          tx.StmtContext(ctx, s.w.dup),
		activity:     tx.StmtContext(ctx, s.w.activity),
		activityData: tx.StmtContext(ctx, s.w.activityData),
	}
}

// ensureAthlete creates the athlete's row on first use.
func (s *Store) ensureAthlete(ctx context.Context, tx *sql.Tx, athleteID, now int64) error {
	if _, err := tx.StmtContext(ctx, s.w.athlete).ExecContext(ctx, athleteID, now); err != nil {
		return s.stmtErr(ctx, err, "create athlete")
	}
	return nil
}

// findDuplicate returns the ID of the stored activity a duplicates, or 0:
// the one from the same source and session, else the one SameWorkout
// matches with the closest start, the first stored at equal distances.
func (s *Store) findDuplicate(t *addTx, athleteID int64, a *rebound.Activity) (int64, error) {
	w := rebound.SameWorkoutWindow.Milliseconds()
	start := ms(a.StartTime)
	rows, err := t.st.dup.QueryContext(t.run, athleteID, a.SourceSHA256, a.SessionIndex, athleteID, start-w, start+w)
	if err != nil {
		return 0, s.stmtErr(t.ctx, err, "look up duplicates")
	}
	defer rows.Close()
	// Candidates come in index order (by start time), not by id.
	var best, bestDist int64
	var c rebound.Activity
	for rows.Next() {
		var id, cstart int64
		var sameSource bool
		if err := rows.Scan(&id, &sameSource, &c.Sport, &cstart, &c.ElapsedS); err != nil {
			return 0, s.stmtErr(t.ctx, err, "look up duplicates")
		}
		if sameSource {
			return id, nil
		}
		c.StartTime = fromMS(cstart)
		if !rebound.SameWorkout(a, &c) {
			continue
		}
		d := a.StartTime.Sub(c.StartTime).Abs().Milliseconds()
		if best == 0 || d < bestDist || (d == bestDist && id < best) {
			best, bestDist = id, d
		}
	}
	if err := rows.Err(); err != nil {
		return 0, s.stmtErr(t.ctx, err, "look up duplicates")
	}
	return best, nil
}

// insertActivity inserts a with its laps and streams; blob, when not nil,
// is PrepareStreams(a).
func (s *Store) insertActivity(t *addTx, athleteID int64, a *rebound.Activity, blob []byte, now int64) (int64, error) {
	ctx, st := t.ctx, t.st
	t.args = append(appendActivityArgs(append(t.args[:0], athleteID), a), now)
	var id int64
	if s.d.lastInsertID {
		r, err := st.activity.ExecContext(t.run, t.args...)
		if err == nil {
			id, err = r.LastInsertId()
		}
		if err != nil {
			return 0, s.stmtErr(ctx, err, "insert activity")
		}
	} else if err := st.activity.QueryRowContext(t.run, t.args...).Scan(&id); err != nil {
		return 0, s.stmtErr(ctx, err, "insert activity")
	}
	// The laps, in chunks of lapChunks rows, each with its position (seq).
	for i, k := 0, 0; i < len(a.Laps); {
		for lapChunks[k] > len(a.Laps)-i {
			k++ // lapChunks ends with 1, so k stays in range
		}
		n := lapChunks[k]
		t.args = t.args[:0]
		for j, l := range a.Laps[i : i+n] {
			t.args = append(t.args, id, athleteID, i+j, l.Index, ms(l.StartTime),
				l.ElapsedS, l.MovingS, l.DistanceM,
				nullable(l.AvgHeartRateBPM), nullable(l.MaxHeartRateBPM), l.AvgSpeedMPS, nullable(l.AvgCadenceSPM))
		}
		if _, err := t.lapStmt(s, k).ExecContext(t.run, t.args...); err != nil {
			if n == 1 {
				return 0, s.stmtErr(ctx, err, fmt.Sprintf("insert lap %d", i+1))
			}
			return 0, s.stmtErr(ctx, err, fmt.Sprintf("insert laps %d to %d", i+1, i+n))
		}
		i += n
	}
	if a.Streams != nil {
		if blob == nil {
			var err error
			if blob, err = s.PrepareStreams(a); err != nil {
				return 0, err
			}
		}
		if _, err := st.activityData.ExecContext(t.run, id, athleteID, streamcodec.Version, a.Streams.Len(), blob); err != nil {
			return 0, s.stmtErr(ctx, err, "insert streams")
		}
	}
	return id, nil
}

// stmtErr translates err from one of a transaction's prepared statements.
// When ctx ends, database/sql rolls the transaction back and closes its
// statements, so the next one fails with "statement is closed": report the
// context's error instead, as a call without a prepared statement does.
func (s *Store) stmtErr(ctx context.Context, err error, doing string) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = cerr
	}
	return s.d.translate(err, doing)
}

// HasSource reports whether a file with this SHA-256 was already imported
// for the athlete, whether or not any of its activities was stored.
// ImportedSources returns the SHA-256 of every file imported for the
// athlete (as HasSource would find them), so that an import can tell the
// files it has seen without one query per file: on the reference workload
// those 2,049 queries cost 0.11 CPU-s.
func (s *Store) ImportedSources(ctx context.Context, athleteID int64) (map[string]bool, error) {
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(`SELECT sha256 FROM imported_sources WHERE athlete_id = ?`), athleteID)
	if err != nil {
		return nil, s.d.translate(err, "list imported sources")
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, s.d.translate(err, "list imported sources")
		}
		out[sha] = true
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list imported sources")
	}
	return out, nil
}

func (s *Store) HasSource(ctx context.Context, athleteID int64, sha256 string) (bool, error) {
	var n int
	err := s.hasSource.QueryRowContext(ctx, athleteID, sha256).Scan(&n)
	if err != nil {
		return false, s.d.translate(err, "look up source")
	}
	return n > 0, nil
}

// Activity returns one activity with its laps, and its streams when
// withStreams (nil when it has none). A missing ID, or one of another
// athlete, is ENotFound.
func (s *Store) Activity(ctx context.Context, athleteID, id int64, withStreams bool) (*rebound.Activity, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	a, err := scanActivity(tx.QueryRowContext(ctx, s.d.rebind(activitySelect+` WHERE athlete_id = ? AND id = ?`), athleteID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rebound.Errorf(rebound.ENotFound, "activity %d not found", id)
	}
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read activity %d", id))
	}
	if a.Laps, err = s.laps(ctx, tx, id); err != nil {
		return nil, err
	}
	if withStreams {
		if a.Streams, err = s.streams(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (s *Store) laps(ctx context.Context, tx *sql.Tx, id int64) ([]rebound.Lap, error) {
	rows, err := tx.QueryContext(ctx, s.d.rebind(`SELECT lap_index, start_time_ms, elapsed_s, moving_s, distance_m,
		avg_heart_rate_bpm, max_heart_rate_bpm, avg_speed_mps, avg_cadence_spm
		FROM laps WHERE activity_id = ? ORDER BY seq`), id)
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read laps of activity %d", id))
	}
	defer rows.Close()
	var laps []rebound.Lap
	for rows.Next() {
		var l rebound.Lap
		var start int64
		var avgHR, maxHR, cad sql.Null[float64]
		if err := rows.Scan(&l.Index, &start, &l.ElapsedS, &l.MovingS, &l.DistanceM, &avgHR, &maxHR, &l.AvgSpeedMPS, &cad); err != nil {
			return nil, s.d.translate(err, fmt.Sprintf("read laps of activity %d", id))
		}
		l.StartTime = fromMS(start)
		l.AvgHeartRateBPM, l.MaxHeartRateBPM, l.AvgCadenceSPM = ptr(avgHR), ptr(maxHR), ptr(cad)
		laps = append(laps, l)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read laps of activity %d", id))
	}
	return laps, nil
}

func (s *Store) streams(ctx context.Context, tx *sql.Tx, id int64) (*rebound.Streams, error) {
	return s.decodeStreams(id, tx.QueryRowContext(ctx, s.d.rebind(`SELECT codec, samples, data FROM activity_streams WHERE activity_id = ?`), id))
}

// ActivityStreams returns the streams of one of the athlete's activities
// without its summary and laps; nil when it has none or is not stored.
func (s *Store) ActivityStreams(ctx context.Context, athleteID, id int64) (*rebound.Streams, error) {
	return s.decodeStreams(id, s.streamsOf.QueryRowContext(ctx, athleteID, id))
}

// decodeStreams reads activity id's row of activity_streams (codec,
// samples, data) and decodes the blob; no row is no streams.
func (s *Store) decodeStreams(id int64, row *sql.Row) (*rebound.Streams, error) {
	var codec, samples int
	var blob []byte
	err := row.Scan(&codec, &samples, &blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // recorded without samples (a manual entry)
	}
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read streams of activity %d", id))
	}
	// Rows keep the version that wrote them; every version this build can
	// read is read, so a store written by an earlier build needs no
	// migration of its blobs.
	if !streamcodec.CanDecode(codec) {
		return nil, fmt.Errorf("store: streams of activity %d: codec version %d, which this build does not read (written by a newer Rebound?)", id, codec)
	}
	st, err := streamcodec.Decode(blob)
	if err != nil {
		return nil, fmt.Errorf("store: streams of activity %d: %w", id, err)
	}
	if st.Len() != samples {
		return nil, fmt.Errorf("store: streams of activity %d: %d samples decoded, %d recorded", id, st.Len(), samples)
	}
	return st, nil
}

// Activities lists summaries (no laps, no streams) oldest first; with a
// Limit, the newest Limit of them, still oldest first. Sports match exactly.
func (s *Store) Activities(ctx context.Context, athleteID int64, f rebound.ActivityFilter) ([]*rebound.Activity, error) {
	if f.Limit < 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "activity limit %d is negative", f.Limit)
	}
	var b strings.Builder
	b.WriteString(activitySelect + " WHERE athlete_id = ?")
	args := []any{athleteID}
	if !f.Since.IsZero() {
		b.WriteString(" AND start_time_ms >= ?")
		args = append(args, ms(f.Since))
	}
	if !f.Until.IsZero() {
		b.WriteString(" AND start_time_ms < ?")
		args = append(args, ms(f.Until))
	}
	if len(f.Sports) > 0 {
		b.WriteString(" AND sport IN (" + placeholders(len(f.Sports)) + ")")
		for _, sp := range f.Sports {
			args = append(args, sp)
		}
	}
	if f.Limit > 0 {
		b.WriteString(" ORDER BY start_time_ms DESC, id DESC LIMIT ?")
		args = append(args, f.Limit)
	} else {
		b.WriteString(" ORDER BY start_time_ms, id")
	}
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(b.String()), args...)
	if err != nil {
		return nil, s.d.translate(err, "list activities")
	}
	defer rows.Close()
	acts := []*rebound.Activity{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, s.d.translate(err, "list activities")
		}
		acts = append(acts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list activities")
	}
	if f.Limit > 0 {
		slices.Reverse(acts)
	}
	return acts, nil
}

// SetActivityKind records the runner's label for an activity ("" clears
// it). A missing ID is ENotFound.
func (s *Store) SetActivityKind(ctx context.Context, athleteID, id int64, kind string) error {
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE activities SET kind = ? WHERE athlete_id = ? AND id = ?`), kind, athleteID, id)
	if err != nil {
		return s.d.translate(err, fmt.Sprintf("set kind of activity %d", id))
	}
	if n, err := r.RowsAffected(); err != nil {
		return s.d.translate(err, fmt.Sprintf("set kind of activity %d", id))
	} else if n == 0 {
		return rebound.Errorf(rebound.ENotFound, "activity %d not found", id)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, fmt.Sprintf("set kind of activity %d", id))
	}
	return nil
}

// validateActivity checks what the schema cannot express portably: SQLite
// would silently store NaN as NULL, and an infinity is no measurement.
func validateActivity(a *rebound.Activity) error {
	if a == nil {
		return errors.New("activity is nil")
	}
	if a.StartTime.IsZero() {
		return errors.New("start time missing")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"elapsed time", a.ElapsedS}, {"moving time", a.MovingS}, {"distance", a.DistanceM}, {"average speed", a.AvgSpeedMPS}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return fmt.Errorf("%s %g is not a non-negative number", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		p    *float64
	}{
		{"ascent", a.AscentM}, {"descent", a.DescentM},
		{"average heart rate", a.AvgHeartRateBPM}, {"maximum heart rate", a.MaxHeartRateBPM}, {"maximum speed", a.MaxSpeedMPS},
		{"average temperature", a.AvgTemperatureC}, {"minimum temperature", a.MinTemperatureC}, {"maximum temperature", a.MaxTemperatureC},
		{"average cadence", a.AvgCadenceSPM}, {"average power", a.AvgPowerW}, {"calories", a.Calories}, {"temperature", a.ManualTempC},
	} {
		if f.p != nil && (math.IsNaN(*f.p) || math.IsInf(*f.p, 0)) {
			return fmt.Errorf("%s %g is not a number", f.name, *f.p)
		}
	}
	if a.SessionIndex < 0 {
		return fmt.Errorf("session index %d is negative", a.SessionIndex)
	}
	if a.RPE != nil && (*a.RPE < 0 || *a.RPE > 10) {
		return fmt.Errorf("RPE %d out of range (0–10, CR-10 scale)", *a.RPE)
	}
	for i, l := range a.Laps {
		for _, v := range []float64{l.ElapsedS, l.MovingS, l.DistanceM, l.AvgSpeedMPS} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("lap %d: %g is not a number", i+1, v)
			}
		}
		for _, p := range []*float64{l.AvgHeartRateBPM, l.MaxHeartRateBPM, l.AvgCadenceSPM} {
			if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
				return fmt.Errorf("lap %d: %g is not a number", i+1, *p)
			}
		}
	}
	return nil
}

// describe names an activity in error messages: " (run.fit session 2)" or
// " (2026-03-01T07:00:00Z)".
func describe(a *rebound.Activity) string {
	switch {
	case a == nil:
		return ""
	case a.SourceFile != "" && a.SessionIndex > 0:
		return fmt.Sprintf(" (%s session %d)", a.SourceFile, a.SessionIndex)
	case a.SourceFile != "":
		return " (" + a.SourceFile + ")"
	case !a.StartTime.IsZero():
		return " (" + a.StartTime.UTC().Format("2006-01-02T15:04:05Z") + ")"
	}
	return ""
}

// nullable returns *p, or nil (SQL NULL) for a nil pointer.
func nullable(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptr(n sql.Null[float64]) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.V
	return &v
}
