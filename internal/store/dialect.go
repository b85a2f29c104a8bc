package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"rebound"
)

// dialect is everything that differs between the SQL databases the store
// speaks. Queries are written once, portable, with ? placeholders; the
// dialect rewrites and interprets what must differ. PostgreSQL (pgx/v5
// stdlib) arrives as a second value of this type plus migrations/postgres.
type dialect struct {
	name       string        // "sqlite", "postgres"
	driver     string        // database/sql driver name
	goose      goose.Dialect // for the migration provider
	migrations string        // directory of the embedded migrations
	dollar     bool          // placeholders are $1, $2, … (PostgreSQL) rather than ?
	// lastInsertID is whether the driver's Result.LastInsertId gives the id
	// of a row just inserted (modernc.org/sqlite: sqlite3_last_insert_rowid).
	// Without it (pgx) the store reads the id with INSERT … RETURNING id,
	// which for SQLite costs a result set per row (column names, a
	// database/sql Rows and its goroutine) for one integer.
	lastInsertID bool
	// uniqueViolation reports whether err is a unique or primary-key
	// constraint violation, by the driver's error code, never its text.
	uniqueViolation func(error) bool
}

var sqliteDialect = dialect{
	name:         "sqlite",
	driver:       "sqlite",
	goose:        goose.DialectSQLite3,
	migrations:   "migrations/sqlite",
	lastInsertID: true,
	uniqueViolation: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
}

// rebind rewrites ? placeholders for the dialect. It skips quoted strings
// and identifiers so a literal '?' survives.
func (d *dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placeholders returns "?, ?, …" with n marks, for IN lists and VALUES.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// insert returns an INSERT of cols into table. Both dialects accept
// RETURNING (SQLite since 3.35), so returning is appended as is.
func (d *dialect) insert(table string, cols []string, returning string) string {
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
	if returning != "" {
		q += " RETURNING " + returning
	}
	return d.rebind(q)
}

// insertRows returns an INSERT of rows rows of cols into table in one
// statement (VALUES (…), (…), …), which both dialects accept.
func (d *dialect) insertRows(table string, cols []string, rows int) string {
	row := "(" + placeholders(len(cols)) + ")"
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(row+", ", rows-1) + row
	return d.rebind(q)
}

// upsert returns an INSERT of cols into table that, when a row with the same
// key exists, sets the update columns from the new values instead; with no
// update columns it leaves the existing row alone. SQLite and PostgreSQL
// share the ON CONFLICT syntax; a dialect that does not would branch here.
func (d *dialect) upsert(table string, key, cols, update []string) string {
	return d.upsertRows(table, key, cols, update, 1)
}

// upsertRows is upsert for rows rows in one statement. The rows must have
// distinct keys: PostgreSQL refuses a statement that updates a row twice.
func (d *dialect) upsertRows(table string, key, cols, update []string, rows int) string {
	row := "(" + placeholders(len(cols)) + ")"
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.Repeat(row+", ", rows-1) + row +
		" ON CONFLICT (" + strings.Join(key, ", ") + ") DO "
	if len(update) == 0 {
		return d.rebind(q + "NOTHING")
	}
	set := make([]string, len(update))
	for i, c := range update {
		set[i] = c + " = excluded." + c
	}
	return d.rebind(q + "UPDATE SET " + strings.Join(set, ", "))
}

// translate turns driver errors the runner can act on into *rebound.Error
// and wraps the rest with what the store was doing.
func (d *dialect) translate(err error, doing string) error {
	if err == nil {
		return nil
	}
	var re *rebound.Error
	if errors.As(err, &re) {
		return err
	}
	if d.uniqueViolation(err) {
		return rebound.Errorf(rebound.EConflict, "%s: already stored", doing)
	}
	return fmt.Errorf("store: %s: %w", doing, err)
}
