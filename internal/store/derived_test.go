package store

import (
	"context"
	"testing"

	"rebound"
)

func TestDerived(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		got, err := s.Derived(ctx, 1, "model")
		if err != nil || got != nil {
			t.Fatalf("empty store: %q, %v; want nil, nil", got, err)
		}
		if err := s.PutDerived(ctx, 1, "model", []byte(`{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		if err := s.PutDerived(ctx, 1, "model", []byte(`{"a":2}`)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Derived(ctx, 1, "model"); err != nil || string(got) != `{"a":2}` {
			t.Errorf("after replace: %q, %v", got, err)
		}
		if got, _ := s.Derived(ctx, 2, "model"); got != nil {
			t.Errorf("athlete 2 sees athlete 1's value: %q", got)
		}
		if err := s.PutDerived(ctx, 1, "", nil); rebound.ErrorCode(err) != rebound.EInvalid {
			t.Errorf("empty key: %v, want invalid", err)
		}
	})
}
