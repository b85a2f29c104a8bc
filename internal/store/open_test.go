package store

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rebound"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		// The parent directory is created.
		path := filepath.Join(t.TempDir(), "a", "b", "rebound.db")
		s := mustOpen(t, path)
		if fi, err := os.Stat(path); err != nil {
			t.Fatalf("database file: %v", err)
		} else if fi.Mode().Perm() != 0o600 {
			t.Errorf("database file mode %v, want -rw------- (health data)", fi.Mode().Perm())
		}
		// Every embedded migration, counted from the directory so that
		// helpers adding migrations in parallel do not edit this line.
		files, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
		if err != nil || len(files) < 6 {
			t.Fatalf("embedded migrations %v, %v; want at least 00001–00006", files, err)
		}
		if s.applied != len(files) {
			t.Errorf("first Open applied %d migrations, want %d (%v)", s.applied, len(files), files)
		}
		// Pragmas as documented on the constants. synchronous NORMAL is 1.
		for _, tt := range []struct {
			pragma string
			want   string
		}{{"journal_mode", "wal"}, {"synchronous", "1"}, {"foreign_keys", "1"}, {"busy_timeout", "5000"}} {
			var got string
			if err := s.db.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		}
		var qo string
		if err := s.rdb.QueryRowContext(ctx, "PRAGMA query_only").Scan(&qo); err != nil || qo != "1" {
			t.Errorf("read pool query_only = %q, %v; want 1", qo, err)
		}
	})

	t.Run("Reopen", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rebound.db")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		res := mustAdd(t, s, rebound.DefaultAthleteID, fullActivity(sha('a'), t0))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = mustOpen(t, path)
		if s.applied != 0 {
			t.Errorf("reopen applied %d migrations, want 0", s.applied)
		}
		if _, err := s.Activity(ctx, rebound.DefaultAthleteID, res[0].ID, true); err != nil {
			t.Errorf("activity after reopen: %v", err)
		}
		// And the schema is current for a store that must not migrate.
		mustOpen(t, path, WithMigrate(false))
	})

	t.Run("ErrSchemaOutdated", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(t.TempDir(), "rebound.db"), WithMigrate(false))
		wantCode(t, err, rebound.EInvalid)
		if !strings.Contains(err.Error(), "rebound migrate") {
			t.Errorf("error %q does not tell to run rebound migrate", err)
		}
	})

	t.Run("ErrSchemaNewer", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "rebound.db")
		s := mustOpen(t, path)
		if _, err := s.db.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)"); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path)
		wantCode(t, err, rebound.EInvalid)
		if !strings.Contains(err.Error(), "newer") {
			t.Errorf("error %q does not say the database is newer", err)
		}
	})

	t.Run("ErrNotADatabase", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "notes.txt")
		if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
			t.Fatal(err)
		}
		if s, err := Open(ctx, path); err == nil {
			s.Close()
			t.Fatal("Open of a text file succeeded")
		}
	})

	for _, tt := range []struct {
		name, dsn, msg string
	}{
		{"ErrPostgres", "postgres://rebound@localhost/rebound", "PostgreSQL support arrives with `rebound serve`; use a SQLite path"},
		{"ErrPostgresql", "postgresql://localhost/rebound", "PostgreSQL support arrives with `rebound serve`; use a SQLite path"},
		{"ErrEmpty", "  ", "database path is empty"},
		{"ErrMemory", ":memory:", `database ":memory:": give a file path (in-memory and URI databases are not supported)`},
		{"ErrQuery", "/tmp/x.db?mode=ro", `database path "/tmp/x.db?mode=ro": '?' and '#' are not allowed in the path`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(ctx, tt.dsn)
			wantCode(t, err, rebound.EInvalid)
			if err.Error() != tt.msg {
				t.Errorf("message %q, want %q", err, tt.msg)
			}
		})
	}
}

func TestDialect(t *testing.T) {
	pg := dialect{name: "postgres", dollar: true}
	for _, tt := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b IN (?, ?)", "a = $1 AND b IN ($2, $3)"},
		{"a = '?' AND b = ? AND \"c?\" = ?", "a = '?' AND b = $1 AND \"c?\" = $2"},
	} {
		if got := pg.rebind(tt.in); got != tt.want {
			t.Errorf("postgres rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := sqliteDialect.rebind(tt.in); got != tt.in {
			t.Errorf("sqlite rebind(%q) = %q, want it unchanged", tt.in, got)
		}
	}
	if got, want := pg.upsert("t", []string{"k"}, []string{"k", "a", "b"}, []string{"a"}),
		"INSERT INTO t (k, a, b) VALUES ($1, $2, $3) ON CONFLICT (k) DO UPDATE SET a = excluded.a"; got != want {
		t.Errorf("upsert = %q, want %q", got, want)
	}
	if got, want := sqliteDialect.upsert("t", []string{"k"}, []string{"k", "a"}, nil),
		"INSERT INTO t (k, a) VALUES (?, ?) ON CONFLICT (k) DO NOTHING"; got != want {
		t.Errorf("upsert = %q, want %q", got, want)
	}
	if got, want := pg.insert("t", []string{"a", "b"}, "id"), "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id"; got != want {
		t.Errorf("insert = %q, want %q", got, want)
	}
}

// TestTranslate checks the driver-error translation by code: a unique
// violation is EConflict; other errors stay internal with the chain intact.
func TestTranslate(t *testing.T) {
	forEachDialect(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mustAdd(t, s, 1, minimal(sha('a'), rebound.SportRunning, t0, 1800))
		// The source is recorded; inserting it again bypassing the upsert
		// violates the primary key.
		_, err := s.db.ExecContext(ctx, s.d.insert("imported_sources", []string{"athlete_id", "sha256", "imported_at_ms"}, ""), 1, sha('a'), 0)
		err = s.d.translate(err, "record source")
		wantCode(t, err, rebound.EConflict)
		if err.Error() != "record source: already stored" {
			t.Errorf("message %q", err)
		}
		// The partial unique index on (athlete_id, source_sha256, session_index).
		_, err = s.db.ExecContext(ctx, `INSERT INTO activities (athlete_id, sport, start_time_ms, elapsed_s, moving_s, distance_m, avg_speed_mps, source_sha256, created_at_ms)
			VALUES (1, 'running', 0, 0, 0, 0, 0, ?, 0)`, sha('a'))
		wantCode(t, s.d.translate(err, "insert activity"), rebound.EConflict)
		// A foreign-key violation (athlete 7 does not exist) is no conflict.
		_, err = s.db.ExecContext(ctx, `INSERT INTO imported_sources (athlete_id, sha256, imported_at_ms) VALUES (7, 'x', 0)`)
		if err == nil {
			t.Fatal("foreign key not enforced")
		}
		err = s.d.translate(err, "record source")
		wantCode(t, err, rebound.EInternal)
		if !strings.HasPrefix(err.Error(), "store: record source: ") {
			t.Errorf("message %q", err)
		}
	})
}
