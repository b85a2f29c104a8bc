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
	run := context.WithoutCancel(ctx)
	ins, err := tx.PrepareContext(ctx, s.d.upsert("workout_loads", loadCols[:2], loadCols, loadCols[2:]))
	if err != nil {
		return s.d.translate(err, "prepare load insert")
	}
	defer ins.Close()
	for i := range loads {
		l := &loads[i]
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: write workout loads: %w", err)
		}
		if err := validateLoad(l); err != nil {
			return rebound.Errorf(rebound.EInvalid, "load of activity %d: %s", l.ActivityID, err)
		}
		if !owned[l.ActivityID] {
			return rebound.Errorf(rebound.ENotFound, "activity %d not found", l.ActivityID)
		}
		doing := fmt.Sprintf("load of activity %d", l.ActivityID)
		payload, err := json.Marshal(loadPayload{
			LoadWhy: l.LoadWhy, HRZones: l.HRZones, PaceZones: l.PaceZones,
			CharacterDetail: l.CharacterDetail, CharacterWhy: l.CharacterWhy, CharacterOverride: l.CharacterOverride,
			FastFinish: l.FastFinish, Surges: l.Surges, QualityFlags: l.QualityFlags,
		})
		if err != nil {
			return rebound.Errorf(rebound.EInvalid, "%s: %v", doing, err)
		}
		_, err = ins.ExecContext(run, athleteID, l.ActivityID, l.Load, l.LoadSource, l.Character,
			nullable(l.TRIMP), nullable(l.HRSS), nullable(l.RTSS), nullable(l.SRPE), string(payload), now)
		if err != nil {
			return s.d.translate(err, "write "+doing)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, "commit workout loads")
	}
	return nil
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
	ins, err := tx.PrepareContext(ctx, s.d.insert("daily_rows", []string{"athlete_id", "date", "payload"}, ""))
	if err != nil {
		return s.d.translate(err, "prepare daily row insert")
	}
	defer ins.Close()
	run := context.WithoutCancel(ctx) // as in PutWorkoutLoads: ctx is checked between rows
	// Rows are checked as they are inserted, after the delete: a bad row
	// late in the batch rolls everything back (tested).
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
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: write daily rows: %w", err)
		}
		if _, err := ins.ExecContext(run, athleteID, day, payload); err != nil {
			return s.d.translate(err, "insert daily row "+day)
		}
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
