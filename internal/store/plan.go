package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"rebound"
)

// PutPlan stores p as the plan of activity p.ActivityID, replacing the
// previous one, and returns its revision: 0 for the activity's first plan,
// the stored revision when p.Version equals the stored plan's, one more
// otherwise (calendar clients see SEQUENCE grow only when the content did).
// p.Revision is set to it after the commit.
//
// The plan is kept whole as its JSON (the `rebound plan --json` shape), so
// times come back as the same instants with the offsets they were stored
// with; a Notes slice that is empty but not nil comes back nil (omitempty).
// The activity must be one of the athlete's (ENotFound); a plan without
// end time or version, or with values JSON cannot carry (NaN), is EInvalid.
// Plan marks are keyed by the activity, not the plan, and are untouched.
func (s *Store) PutPlan(ctx context.Context, athleteID int64, p *rebound.Plan) (int, error) {
	if athleteID <= 0 {
		return 0, rebound.Errorf(rebound.EInvalid, "athlete id %d is not positive", athleteID)
	}
	if p == nil {
		return 0, rebound.Errorf(rebound.EInvalid, "plan is nil")
	}
	doing := fmt.Sprintf("plan of activity %d", p.ActivityID)
	switch {
	case p.ActivityID <= 0:
		return 0, rebound.Errorf(rebound.EInvalid, "%s: activity id is not positive", doing)
	case p.EndedAt.IsZero():
		return 0, rebound.Errorf(rebound.EInvalid, "%s: end time missing", doing)
	case p.Version == "":
		return 0, rebound.Errorf(rebound.EInvalid, "%s: version missing", doing)
	}
	now := s.nowMS()
	tx, err := s.writeTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()

	var storedVersion string
	var storedRev int
	err = tx.QueryRowContext(ctx, s.d.rebind(`SELECT version, revision FROM plans WHERE athlete_id = ? AND activity_id = ?`),
		athleteID, p.ActivityID).Scan(&storedVersion, &storedRev)
	rev := 0
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A first plan: the activity must be the athlete's.
		own, err := tx.PrepareContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM activities WHERE athlete_id = ? AND id = ?`))
		if err != nil {
			return 0, s.d.translate(err, "prepare activity check")
		}
		defer own.Close()
		if err := s.activityOwned(ctx, own, athleteID, p.ActivityID); err != nil {
			return 0, err
		}
	case err != nil:
		return 0, s.d.translate(err, "read "+doing)
	case storedVersion == p.Version:
		rev = storedRev
	default:
		rev = storedRev + 1
	}

	c := *p // marshal with the new revision, leaving p as it was on failure
	c.Revision = rev
	payload, err := json.Marshal(&c)
	if err != nil {
		return 0, rebound.Errorf(rebound.EInvalid, "%s: %v", doing, err)
	}
	cols := []string{"athlete_id", "activity_id", "ended_at_ms", "version", "revision", "payload", "created_at_ms", "updated_at_ms"}
	q := s.d.upsert("plans", cols[:2], cols, []string{"ended_at_ms", "version", "revision", "payload", "updated_at_ms"})
	if _, err := tx.ExecContext(ctx, q, athleteID, p.ActivityID, ms(p.EndedAt), p.Version, rev, string(payload), now, now); err != nil {
		return 0, s.d.translate(err, "write "+doing)
	}
	if err := tx.Commit(); err != nil {
		return 0, s.d.translate(err, "commit "+doing)
	}
	p.Revision = rev
	return rev, nil
}

// Plan returns the stored plan of the athlete's activity (ENotFound when
// there is none).
func (s *Store) Plan(ctx context.Context, athleteID, activityID int64) (*rebound.Plan, error) {
	var payload string
	var rev int
	err := s.rdb.QueryRowContext(ctx, s.d.rebind(`SELECT payload, revision FROM plans WHERE athlete_id = ? AND activity_id = ?`),
		athleteID, activityID).Scan(&payload, &rev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rebound.Errorf(rebound.ENotFound, "no plan for activity %d", activityID)
	}
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read plan of activity %d", activityID))
	}
	return decodePlan(activityID, payload, rev)
}

// Plans lists the athlete's plans whose workout ended at or after since
// (every plan for the zero time), oldest first.
func (s *Store) Plans(ctx context.Context, athleteID int64, since time.Time) ([]*rebound.Plan, error) {
	rows, err := s.rdb.QueryContext(ctx, s.d.rebind(`SELECT activity_id, payload, revision FROM plans
		WHERE athlete_id = ? AND ended_at_ms >= ? ORDER BY ended_at_ms, activity_id`), athleteID, ms(since))
	if err != nil {
		return nil, s.d.translate(err, "list plans")
	}
	defer rows.Close()
	out := []*rebound.Plan{}
	for rows.Next() {
		var id int64
		var payload string
		var rev int
		if err := rows.Scan(&id, &payload, &rev); err != nil {
			return nil, s.d.translate(err, "list plans")
		}
		p, err := decodePlan(id, payload, rev)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.d.translate(err, "list plans")
	}
	return out, nil
}

func decodePlan(activityID int64, payload string, rev int) (*rebound.Plan, error) {
	p := &rebound.Plan{}
	if err := json.Unmarshal([]byte(payload), p); err != nil {
		return nil, fmt.Errorf("store: plan of activity %d: %w", activityID, err)
	}
	p.ActivityID, p.Revision = activityID, rev // the columns are authoritative
	return p, nil
}
