package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"rebound"
)

// loadPayload is the part of rebound.WorkoutLoad kept as JSON in
// workout_loads.payload; the rest are columns. Its own field names keep the
// stored document stable if the domain fields are renamed. Slices carry no
// omitempty, so nil and empty come back as they went in.
type loadPayload struct {
	LoadWhy           string             `json:"load_why,omitempty"`
	HRZones           []rebound.ZoneTime `json:"hr_zones"`
	PaceZones         []rebound.ZoneTime `json:"pace_zones"`
	CharacterDetail   string             `json:"character_detail,omitempty"`
	CharacterWhy      string             `json:"character_why,omitempty"`
	CharacterOverride bool               `json:"character_override,omitempty"`
	FastFinish        *rebound.Segment   `json:"fast_finish,omitempty"`
	Surges            []rebound.Segment  `json:"surges"`
	QualityFlags      []string           `json:"quality_flags"`
}

var loadCols = []string{
	"athlete_id", "activity_id", "load", "load_source", "character",
	"trimp", "hrss", "rtss", "srpe", "payload", "updated_at_ms",
}

// PutWorkoutLoads stores each load, replacing the activity's previous one,
// in one transaction. Every load must name a stored activity of the athlete
// (ENotFound otherwise) and hold finite numbers (EInvalid); on any error
// nothing is stored.
func (s *Store) PutWorkoutLoads(ctx context.Context, athleteID int64, loads []rebound.WorkoutLoad) error {
	if athleteID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if len(loads) == 0 {
		return nil
	}
	now := s.nowMS()
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// A refresh after a first import writes thousands of loads: the
	// athlete's activities are checked against one list rather than one
	// query each, and the rows go in without ctx's cancellation, which
	// costs modernc.org/sqlite a goroutine per statement (see beginAdd);
	// ctx is checked between rows instead.
	owned, err := s.activityIDs(ctx, tx, athleteID, len(loads))
	if err != nil {
		return err
	}
	// Every load is checked and encoded first; then the rows go in
	// rowsPerInsert at a time. A load given twice for one activity is
	// written once, the last given (as one upsert per load did): one
	// statement may not touch a row twice in PostgreSQL.
	for i := range loads {
		l := &loads[i]
		if err := validateLoad(l); err != nil {
			return rebound.Errorf(rebound.EInvalid, "load of activity %d: %s", l.ActivityID, err)
		}
		if !owned[l.ActivityID] {
			return rebound.Errorf(rebound.ENotFound, "activity %d not found", l.ActivityID)
		}
	}
	args := make([]any, 0, len(loads)*len(loadCols))
	written := make(map[int64]bool, len(loads))
	for i := len(loads) - 1; i >= 0; i-- {
		l := &loads[i]
		if written[l.ActivityID] {
			continue
		}
		written[l.ActivityID] = true
		payload, err := json.Marshal(loadPayload{
			LoadWhy: l.LoadWhy, HRZones: l.HRZones, PaceZones: l.PaceZones,
			CharacterDetail: l.CharacterDetail, CharacterWhy: l.CharacterWhy, CharacterOverride: l.CharacterOverride,
			FastFinish: l.FastFinish, Surges: l.Surges, QualityFlags: l.QualityFlags,
		})
		if err != nil {
			return rebound.Errorf(rebound.EInvalid, "load of activity %d: %v", l.ActivityID, err)
		}
		args = append(args, athleteID, l.ActivityID, l.Load, l.LoadSource, l.Character,
			nullable(l.TRIMP), nullable(l.HRSS), nullable(l.RTSS), nullable(l.SRPE), string(payload), now)
	}
	upsert := func(rows int) string {
		return s.d.upsertRows("workout_loads", loadCols[:2], loadCols, loadCols[2:], rows)
	}
	if row, err := s.insertChunks(ctx, tx, args, len(loadCols), upsert); err != nil {
		doing := "write workout loads"
		if row >= 0 {
			doing = fmt.Sprintf("write load of activity %d", args[row*len(loadCols)+1])
		}
		return s.d.translate(err, doing)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, "commit workout loads")
	}
	return nil
}

// rowsPerInsert is how many rows the bulk writers (PutWorkoutLoads,
// ReplaceDailyRows) put in one INSERT: a refresh after a first import
// writes thousands, and each statement run has a fixed cost in the driver
// and SQLite's VM. 64 rows of 11 columns stay far below both databases'
// limits on bound parameters. Rebound's choice.
const rowsPerInsert = 64

// insertChunks runs the statement query(n) for args, width values per
// row, rowsPerInsert rows at a time and then the rest in one, each shape
// prepared once. The statements run without ctx's cancellation, which
// costs modernc.org/sqlite a goroutine per statement (see beginAdd); ctx
// is checked between them. When a statement fails, its rows are tried one
// by one so that the error can name the row: row is its index in args, or
// -1. (In SQLite a failed statement is undone alone and the transaction
// goes on; PostgreSQL aborts the transaction, so its store will need a
// savepoint around each statement for this.)
func (s *Store) insertChunks(ctx context.Context, tx *sql.Tx, args []any, width int, query func(rows int) string) (row int, err error) {
	run := context.WithoutCancel(ctx)
	var full *sql.Stmt
	for first := 0; first*width < len(args); {
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		chunk := args[first*width:]
		n := min(len(chunk)/width, rowsPerInsert)
		chunk = chunk[:n*width]
		if n == rowsPerInsert {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, query(n)); err != nil {
					return -1, err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(run, chunk...)
		} else {
			_, err = tx.ExecContext(run, query(n), chunk...)
		}
		if err != nil {
			one := query(1)
			for k := range n {
				if _, err1 := tx.ExecContext(run, one, chunk[k*width:(k+1)*width]...); err1 != nil {
					return first + k, err1
				}
			}
			return -1, err
		}
		first += n
	}
	return -1, nil
}

// activityIDs returns the IDs of the athlete's activities, read in tx (n
// is a size hint). The foreign keys only say an activity exists; checking
// against this list also keeps one athlete's rows off another's
// activities.
func (s *Store) activityIDs(ctx context.Context, tx *sql.Tx, athleteID int64, n int) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, s.d.rebind(`SELECT id FROM activities WHERE athlete_id = ?`), athleteID)
	if err != nil {
		return nil, s.d.translate(err, "list activities")
	}
	defer rows.Close()
	ids := make(map[int64]bool, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, s.d.translate(err, "list activities")
		}
		ids[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list activities")
	}
	return ids, nil
}

// activityOwned runs the prepared "SELECT COUNT(*) … WHERE athlete_id = ?
// AND id = ?" check bound to the athlete and returns ENotFound when the
// athlete has no such activity. The foreign keys only say the activity
// exists; this also keeps one athlete's rows off another's activities.
func (s *Store) activityOwned(ctx context.Context, stmt *sql.Stmt, athleteID, activityID int64) error {
	var n int
	if err := stmt.QueryRowContext(ctx, athleteID, activityID).Scan(&n); err != nil {
		return s.d.translate(err, fmt.Sprintf("look up activity %d", activityID))
	}
	if n == 0 {
		return rebound.Errorf(rebound.ENotFound, "activity %d not found", activityID)
	}
	return nil
}

// validateLoad refuses what SQLite would silently turn into NULL (NaN) and
// what JSON cannot carry (NaN, ±Inf), naming the field.
func validateLoad(l *rebound.WorkoutLoad) error {
	if l.ActivityID <= 0 {
		return errors.New("activity id is not positive")
	}
	if !finite(l.Load) {
		return fmt.Errorf("load %g is not a number", l.Load)
	}
	for _, f := range []struct {
		name string
		p    *float64
	}{{"TRIMP", l.TRIMP}, {"HRSS", l.HRSS}, {"rTSS", l.RTSS}, {"sRPE", l.SRPE}} {
		if f.p != nil && !finite(*f.p) {
			return fmt.Errorf("%s %g is not a number", f.name, *f.p)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// WorkoutLoads returns the stored loads of the athlete's activities ids
// (every activity's when ids is empty), keyed by activity ID. IDs without a
// load are absent from the map, not an error.
func (s *Store) WorkoutLoads(ctx context.Context, athleteID int64, ids []int64) (map[int64]rebound.WorkoutLoad, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sel := "SELECT " + strings.Join(loadCols[1:len(loadCols)-1], ", ") + " FROM workout_loads WHERE athlete_id = ?"
	out := map[int64]rebound.WorkoutLoad{}
	if len(ids) == 0 {
		if err := s.scanLoads(ctx, tx, out, sel, athleteID); err != nil {
			return nil, err
		}
		return out, nil
	}
	// IN lists in chunks: SQLite caps the number of bound parameters.
	for chunk := range slices.Chunk(ids, 500) {
		args := []any{athleteID}
		for _, id := range chunk {
			args = append(args, id)
		}
		if err := s.scanLoads(ctx, tx, out, sel+" AND activity_id IN ("+placeholders(len(chunk))+")", args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) scanLoads(ctx context.Context, tx *sql.Tx, out map[int64]rebound.WorkoutLoad, q string, args ...any) error {
	rows, err := tx.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return s.d.translate(err, "read workout loads")
	}
	defer rows.Close()
	for rows.Next() {
		var l rebound.WorkoutLoad
		var trimp, hrss, rtss, srpe sql.Null[float64]
		var payload string
		if err := rows.Scan(&l.ActivityID, &l.Load, &l.LoadSource, &l.Character, &trimp, &hrss, &rtss, &srpe, &payload); err != nil {
			return s.d.translate(err, "read workout loads")
		}
		l.TRIMP, l.HRSS, l.RTSS, l.SRPE = ptr(trimp), ptr(hrss), ptr(rtss), ptr(srpe)
		var p loadPayload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return fmt.Errorf("store: load of activity %d: %w", l.ActivityID, err)
		}
		l.LoadWhy, l.HRZones, l.PaceZones = p.LoadWhy, p.HRZones, p.PaceZones
		l.CharacterDetail, l.CharacterWhy, l.CharacterOverride = p.CharacterDetail, p.CharacterWhy, p.CharacterOverride
		l.FastFinish, l.Surges, l.QualityFlags = p.FastFinish, p.Surges, p.QualityFlags
		out[l.ActivityID] = l
	}
	if err := rows.Err(); err != nil {
		return s.d.translate(err, "read workout loads")
	}
	return nil
}

// ReplaceDailyRows deletes the athlete's daily rows dated on or after from
// and stores rows, in one transaction: an incremental update of the daily
// model. Each row's Date must be a calendar date at 00:00 UTC, on or after
// from, and appear once; any invalid row (EInvalid) or failed insert leaves
// the stored rows as they were. A nil Payload is stored as an empty one.
func (s *Store) ReplaceDailyRows(ctx context.Context, athleteID int64, from time.Time, rows []rebound.DailyRow) error {
	if athleteID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	fromDay, err := dayOnOrAfter(from)
	if err != nil {
		return err
	}
	now := s.nowMS()
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.ensureAthlete(ctx, tx, athleteID, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM daily_rows WHERE athlete_id = ? AND date >= ?`), athleteID, fromDay); err != nil {
		return s.d.translate(err, "delete daily rows from "+fromDay)
	}
	// Rows are checked as they are inserted, after the delete: a bad row
	// late in the batch rolls everything back (tested).
	args := make([]any, 0, 3*len(rows))
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		day, err := civilDay(r.Date)
		if err != nil {
			return rebound.Errorf(rebound.EInvalid, "daily row %d of %d: %s", i+1, len(rows), err)
		}
		if r.Date.Before(from) {
			return rebound.Errorf(rebound.EInvalid, "daily row %d of %d: date %s is before the replaced range (from %s)", i+1, len(rows), day, fromDay)
		}
		if seen[day] {
			return rebound.Errorf(rebound.EInvalid, "daily row %d of %d: date %s given twice", i+1, len(rows), day)
		}
		seen[day] = true
		payload := r.Payload
		if payload == nil {
			payload = []byte{}
		}
		args = append(args, athleteID, day, payload)
	}
	insert := func(n int) string { return s.d.insertRows("daily_rows", []string{"athlete_id", "date", "payload"}, n) }
	if row, err := s.insertChunks(ctx, tx, args, 3, insert); err != nil {
		doing := "insert daily rows"
		if row >= 0 {
			doing = fmt.Sprintf("insert daily row %s", args[3*row+1])
		}
		return s.d.translate(err, doing)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, "commit daily rows")
	}
	return nil
}

// DailyRows returns every stored daily row of the athlete, oldest first,
// each Date at 00:00 UTC.
func (s *Store) DailyRows(ctx context.Context, athleteID int64) ([]rebound.DailyRow, error) {
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(`SELECT date, payload FROM daily_rows WHERE athlete_id = ? ORDER BY date`), athleteID)
	if err != nil {
		return nil, s.d.translate(err, "read daily rows")
	}
	defer rows.Close()
	out := []rebound.DailyRow{}
	for rows.Next() {
		var day string
		var r rebound.DailyRow
		if err := rows.Scan(&day, &r.Payload); err != nil {
			return nil, s.d.translate(err, "read daily rows")
		}
		if r.Date, err = time.Parse(dateLayout, day); err != nil {
			return nil, fmt.Errorf("store: daily row date %q: %w", day, err)
		}
		if r.Payload == nil {
			r.Payload = []byte{}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "read daily rows")
	}
	return out, nil
}

// civilDay returns t as YYYY-MM-DD when t is a calendar date at 00:00 UTC
// within years 1–9999 (so the text sorts as the dates do).
func civilDay(t time.Time) (string, error) {
	if t.IsZero() {
		return "", errors.New("date missing")
	}
	if !t.Equal(rebound.CivilDate(t.UTC())) {
		return "", fmt.Errorf("date %s is not a calendar date at 00:00 UTC", t.Format(time.RFC3339Nano))
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("date %s out of range (years 1–9999)", t.UTC().Format(time.RFC3339))
	}
	return t.UTC().Format(dateLayout), nil
}

// dayOnOrAfter returns the first calendar date (as YYYY-MM-DD, UTC) whose
// midnight is not before t: the lower bound "Date ≥ t" on date columns. The
// zero time and anything before year 1 give "" (no bound: every date sorts
// after it).
func dayOnOrAfter(t time.Time) (string, error) {
	t = t.UTC()
	if t.Year() < 1 {
		return "", nil
	}
	d := rebound.CivilDate(t)
	if d.Before(t) {
		d = d.AddDate(0, 0, 1)
	}
	if d.Year() > 9999 {
		return "", rebound.Errorf(rebound.EInvalid, "date %s out of range (years 1–9999)", t.Format(time.RFC3339))
	}
	return d.Format(dateLayout), nil
}
