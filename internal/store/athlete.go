package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"rebound"
)

// dateLayout is how birth_date is stored: a calendar date, no time or zone.
const dateLayout = "2006-01-02"

var athleteCols = []string{
	"athlete_id", "name", "birth_date", "sex",
	"weight_kg", "hr_max_bpm", "hr_rest_bpm", "lthr_bpm", "threshold_speed_mps",
	"units", "time_zone", "bedtime", "wake", "phase",
	"updated_at_ms",
}

// Athlete returns the athlete's profile; one never set is an empty profile
// with the ID set, not an error. BirthDate comes back as midnight UTC of the
// stored date.
func (s *Store) Athlete(ctx context.Context, athleteID int64) (*rebound.Athlete, error) {
	a := &rebound.Athlete{ID: athleteID}
	var birth sql.Null[string]
	var weight, hrMax, hrRest, lthr, thr sql.Null[float64]
	var updated sql.Null[int64]
	err := s.rdb.QueryRowContext(ctx, s.d.rebind("SELECT "+strings.Join(athleteCols, ", ")+" FROM athletes WHERE athlete_id = ?"), athleteID).
		Scan(&a.ID, &a.Name, &birth, &a.Sex, &weight, &hrMax, &hrRest, &lthr, &thr,
			&a.Units, &a.TimeZone, &a.Bedtime, &a.Wake, &a.Phase, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return &rebound.Athlete{ID: athleteID}, nil
	}
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read athlete %d", athleteID))
	}
	if birth.Valid {
		d, err := time.Parse(dateLayout, birth.V)
		if err != nil {
			return nil, fmt.Errorf("store: athlete %d: birth date %q: %w", athleteID, birth.V, err)
		}
		a.BirthDate = &d
	}
	a.WeightKg, a.HRMaxBPM, a.HRRestBPM, a.LTHRBPM, a.ThresholdSpeedMPS = ptr(weight), ptr(hrMax), ptr(hrRest), ptr(lthr), ptr(thr)
	if updated.Valid {
		a.UpdatedAt = fromMS(updated.V)
	}
	return a, nil
}

// PutAthlete creates or replaces the profile of athlete a.ID (nil fields
// are stored as not given) and sets a.UpdatedAt to the store's clock.
// BirthDate keeps only its calendar date, in its own location.
func (s *Store) PutAthlete(ctx context.Context, a *rebound.Athlete) error {
	if a == nil {
		return rebound.Errorf(rebound.EInvalid, "athlete profile is nil")
	}
	if a.ID <= 0 {
		return rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", a.ID)
	}
	for _, f := range []struct {
		name string
		p    *float64
	}{{"weight", a.WeightKg}, {"maximum heart rate", a.HRMaxBPM}, {"resting heart rate", a.HRRestBPM},
		{"threshold heart rate", a.LTHRBPM}, {"threshold speed", a.ThresholdSpeedMPS}} {
		if f.p != nil && (math.IsNaN(*f.p) || math.IsInf(*f.p, 0)) {
			return rebound.Errorf(rebound.EInvalid, "athlete %d: %s %g is not a number", a.ID, f.name, *f.p)
		}
	}
	var birth any
	if a.BirthDate != nil {
		birth = a.BirthDate.Format(dateLayout)
	}
	now := s.nowMS()
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cols := slices.Concat(athleteCols, []string{"created_at_ms"})
	q := s.d.upsert("athletes", []string{"athlete_id"}, cols, athleteCols[1:])
	_, err = tx.ExecContext(ctx, q, a.ID, a.Name, birth, a.Sex,
		nullable(a.WeightKg), nullable(a.HRMaxBPM), nullable(a.HRRestBPM), nullable(a.LTHRBPM), nullable(a.ThresholdSpeedMPS),
		a.Units, a.TimeZone, a.Bedtime, a.Wake, a.Phase,
		now, now)
	if err != nil {
		return s.d.translate(err, fmt.Sprintf("write athlete %d", a.ID))
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, fmt.Sprintf("write athlete %d", a.ID))
	}
	a.UpdatedAt = fromMS(now)
	return nil
}
