package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"rebound"
)

var checkInCols = []string{
	"athlete_id", "date",
	"sleep_s", "sleep_quality", "soreness", "fatigue", "stress", "mood",
	"resting_hr_bpm", "hrv_rmssd_ms", "weight_kg", "alcohol_drinks",
	"ill", "pain", "notes", "source",
	"updated_at_ms",
}

// PutCheckIn stores c, replacing any check-in of the same athlete and date.
// c must pass c.Validate (the EInvalid error names the date and each bad
// field with its range) and name a positive athlete.
func (s *Store) PutCheckIn(ctx context.Context, c *rebound.CheckIn) error {
	if c == nil {
		return rebound.Errorf(rebound.EInvalid, "check-in is nil")
	}
	if c.AthleteID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "check-in: athlete id %d is not positive", c.AthleteID)
	}
	if err := c.Validate(); err != nil {
		if c.Date.IsZero() {
			return rebound.Errorf(rebound.ErrorCode(err), "check-in: %s", err)
		}
		return rebound.Errorf(rebound.ErrorCode(err), "check-in of %s: %s", c.Date.Format(dateLayout), err)
	}
	day := c.Date.Format(dateLayout) // Validate: 00:00 UTC, years 1970–2200
	now := s.nowMS()
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.ensureAthlete(ctx, tx, c.AthleteID, now); err != nil {
		return err
	}
	cols := slices.Concat(checkInCols, []string{"created_at_ms"})
	q := s.d.upsert("check_ins", checkInCols[:2], cols, checkInCols[2:])
	_, err = tx.ExecContext(ctx, q, c.AthleteID, day,
		nullable(c.SleepS), nullInt(c.SleepQuality), nullInt(c.Soreness), nullInt(c.Fatigue), nullInt(c.Stress), nullInt(c.Mood),
		nullable(c.RestingHRBPM), nullable(c.HRVRMSSDms), nullable(c.WeightKg), nullInt(c.AlcoholDrinks),
		c.Ill, c.Pain, c.Notes, c.Source,
		now, now)
	if err != nil {
		return s.d.translate(err, "write check-in of "+day)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, "write check-in of "+day)
	}
	return nil
}

// CheckIns lists the athlete's check-ins with from ≤ Date ≤ to, oldest
// first; a zero from or to leaves that side open. Dates come back at 00:00
// UTC.
func (s *Store) CheckIns(ctx context.Context, athleteID int64, from, to time.Time) ([]*rebound.CheckIn, error) {
	var b strings.Builder
	b.WriteString("SELECT " + strings.Join(checkInCols[1:len(checkInCols)-1], ", ") + " FROM check_ins WHERE athlete_id = ?")
	args := []any{athleteID}
	if !from.IsZero() {
		lo, err := dayOnOrAfter(from)
		if err != nil {
			return nil, err
		}
		b.WriteString(" AND date >= ?")
		args = append(args, lo)
	}
	if !to.IsZero() {
		// Date ≤ to: the calendar date of to (in UTC), since every Date is
		// a midnight. Before year 1 nothing can match; after 9999, all.
		hi := rebound.CivilDate(to.UTC())
		switch {
		case hi.Year() < 1:
			return []*rebound.CheckIn{}, nil
		case hi.Year() <= 9999:
			b.WriteString(" AND date <= ?")
			args = append(args, hi.Format(dateLayout))
		}
	}
	b.WriteString(" ORDER BY date")
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(b.String()), args...)
	if err != nil {
		return nil, s.d.translate(err, "list check-ins")
	}
	defer rows.Close()
	out := []*rebound.CheckIn{}
	for rows.Next() {
		c := &rebound.CheckIn{AthleteID: athleteID}
		var day string
		var sleep, rhr, hrv, weight sql.Null[float64]
		var quality, soreness, fatigue, stress, mood, drinks sql.Null[int64]
		err := rows.Scan(&day, &sleep, &quality, &soreness, &fatigue, &stress, &mood,
			&rhr, &hrv, &weight, &drinks, &c.Ill, &c.Pain, &c.Notes, &c.Source)
		if err != nil {
			return nil, s.d.translate(err, "list check-ins")
		}
		if c.Date, err = time.Parse(dateLayout, day); err != nil {
			return nil, fmt.Errorf("store: check-in date %q: %w", day, err)
		}
		c.SleepS, c.RestingHRBPM, c.HRVRMSSDms, c.WeightKg = ptr(sleep), ptr(rhr), ptr(hrv), ptr(weight)
		c.SleepQuality, c.Soreness, c.Fatigue = intPtr(quality), intPtr(soreness), intPtr(fatigue)
		c.Stress, c.Mood, c.AlcoholDrinks = intPtr(stress), intPtr(mood), intPtr(drinks)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list check-ins")
	}
	return out, nil
}

// PutPlanMark stores m, replacing the mark of the same plan, step kind and
// step index. The mark must pass m.Validate and its plan's activity must be
// one of the athlete's (ENotFound); no stored plan is needed, and
// re-storing the plan leaves the mark alone. At is kept to the millisecond.
func (s *Store) PutPlanMark(ctx context.Context, athleteID int64, m rebound.PlanMark) error {
	if athleteID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if err := m.Validate(); err != nil {
		return rebound.Errorf(rebound.ErrorCode(err), "plan mark: %s", err)
	}
	if m.At.IsZero() {
		return rebound.Errorf(rebound.EInvalid, "plan mark: time missing")
	}
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	own, err := tx.PrepareContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM activities WHERE athlete_id = ? AND id = ?`))
	if err != nil {
		return s.d.translate(err, "prepare activity check")
	}
	defer own.Close()
	if err := s.activityOwned(ctx, own, athleteID, m.PlanActivityID); err != nil {
		return err
	}
	cols := []string{"athlete_id", "plan_activity_id", "step_kind", "step_index", "status", "at_ms"}
	q := s.d.upsert("plan_marks", cols[:4], cols, cols[4:])
	doing := fmt.Sprintf("write mark of %s %d in plan %d", m.StepKind, m.StepIndex, m.PlanActivityID)
	if _, err := tx.ExecContext(ctx, q, athleteID, m.PlanActivityID, m.StepKind, m.StepIndex, m.Status, ms(m.At)); err != nil {
		return s.d.translate(err, doing)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, doing)
	}
	return nil
}

// PlanMarks lists the marks of the athlete's plans activityIDs (every plan
// when empty), ordered by plan activity ID, step kind (alphabetically) and
// step index.
func (s *Store) PlanMarks(ctx context.Context, athleteID int64, activityIDs []int64) ([]rebound.PlanMark, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sel := `SELECT plan_activity_id, step_kind, step_index, status, at_ms FROM plan_marks WHERE athlete_id = ?`
	const order = " ORDER BY plan_activity_id, step_kind, step_index"
	out := []rebound.PlanMark{}
	if len(activityIDs) == 0 {
		return s.scanMarks(ctx, tx, out, sel+order, athleteID)
	}
	// Sorted, de-duplicated chunks keep the whole list in order.
	ids := slices.Clone(activityIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for chunk := range slices.Chunk(ids, 500) {
		args := []any{athleteID}
		for _, id := range chunk {
			args = append(args, id)
		}
		if out, err = s.scanMarks(ctx, tx, out, sel+" AND plan_activity_id IN ("+placeholders(len(chunk))+")"+order, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) scanMarks(ctx context.Context, tx *sql.Tx, out []rebound.PlanMark, q string, args ...any) ([]rebound.PlanMark, error) {
	rows, err := tx.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, s.d.translate(err, "list plan marks")
	}
	defer rows.Close()
	for rows.Next() {
		var m rebound.PlanMark
		var at int64
		if err := rows.Scan(&m.PlanActivityID, &m.StepKind, &m.StepIndex, &m.Status, &at); err != nil {
			return nil, s.d.translate(err, "list plan marks")
		}
		m.At = fromMS(at)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list plan marks")
	}
	return out, nil
}

// PutAlertEpisode stores e, replacing the athlete's episode with the same
// Since. Since and Until are kept to the millisecond; Until must not be
// before Since.
func (s *Store) PutAlertEpisode(ctx context.Context, athleteID int64, e rebound.AlertEpisode) error {
	if athleteID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if e.Since.IsZero() {
		return rebound.Errorf(rebound.EInvalid, "red alert episode: start missing")
	}
	doing := "red alert episode since " + e.Since.UTC().Format(time.RFC3339)
	var until any
	if e.Until != nil {
		if e.Until.Before(e.Since) {
			return rebound.Errorf(rebound.EInvalid, "%s: end %s is before the start", doing, e.Until.UTC().Format(time.RFC3339))
		}
		until = ms(*e.Until)
	}
	triggers, err := json.Marshal(e.Triggers)
	if err != nil {
		return rebound.Errorf(rebound.EInvalid, "%s: %v", doing, err)
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
	cols := []string{"athlete_id", "since_ms", "until_ms", "triggers", "exit_rule"}
	q := s.d.upsert("alert_episodes", cols[:2], cols, cols[2:])
	if _, err := tx.ExecContext(ctx, q, athleteID, ms(e.Since), until, string(triggers), e.ExitRule); err != nil {
		return s.d.translate(err, "write "+doing)
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, "write "+doing)
	}
	return nil
}

// AlertEpisodes lists the athlete's Red Alert history, oldest first, times
// in UTC.
func (s *Store) AlertEpisodes(ctx context.Context, athleteID int64) ([]rebound.AlertEpisode, error) {
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(`SELECT since_ms, until_ms, triggers, exit_rule FROM alert_episodes
		WHERE athlete_id = ? ORDER BY since_ms`), athleteID)
	if err != nil {
		return nil, s.d.translate(err, "list red alert episodes")
	}
	defer rows.Close()
	out := []rebound.AlertEpisode{}
	for rows.Next() {
		var e rebound.AlertEpisode
		var since int64
		var until sql.Null[int64]
		var triggers string
		if err := rows.Scan(&since, &until, &triggers, &e.ExitRule); err != nil {
			return nil, s.d.translate(err, "list red alert episodes")
		}
		e.Since = fromMS(since)
		if until.Valid {
			t := fromMS(until.V)
			e.Until = &t
		}
		if err := json.Unmarshal([]byte(triggers), &e.Triggers); err != nil {
			return nil, fmt.Errorf("store: red alert episode since %s: triggers: %w", e.Since.Format(time.RFC3339), err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list red alert episodes")
	}
	return out, nil
}

// nullInt returns *p, or nil (SQL NULL) for a nil pointer.
func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func intPtr(n sql.Null[int64]) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.V)
	return &v
}
