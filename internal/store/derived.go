package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"rebound"
)

// PutDerived stores payload under key for the athlete, replacing the
// previous payload.
func (s *Store) PutDerived(ctx context.Context, athleteID int64, key string, payload []byte) error {
	if athleteID <= 0 || key == "" {
		return rebound.Errorf(rebound.EInvalid, "derived value: athlete %d, key %q", athleteID, key)
	}
	if payload == nil {
		payload = []byte{}
	}
	tx, err := s.writeTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cols := []string{"athlete_id", "key", "payload", "updated_at_ms"}
	if _, err := tx.ExecContext(ctx, s.d.upsert("derived", cols[:2], cols, cols[2:]), athleteID, key, payload, s.nowMS()); err != nil {
		return s.d.translate(err, fmt.Sprintf("write derived %s", key))
	}
	if err := tx.Commit(); err != nil {
		return s.d.translate(err, fmt.Sprintf("write derived %s", key))
	}
	return nil
}

// Derived returns the payload under key, or nil when there is none.
func (s *Store) Derived(ctx context.Context, athleteID int64, key string) ([]byte, error) {
	var b []byte
	err := s.rdb.QueryRowContext(ctx, s.d.rebind(`SELECT payload FROM derived WHERE athlete_id = ? AND key = ?`), athleteID, key).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, s.d.translate(err, fmt.Sprintf("read derived %s", key))
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}
