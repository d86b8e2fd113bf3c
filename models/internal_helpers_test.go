package models

import (
	"context"
	"database/sql"
	"testing"

	"github.com/alexedwards/argon2id"

	"nextstep/devdb"
)

// newTestStore gives an internal test a store on its own migrated database
// (real clock), with the demo data, and the database's URLs.
func newTestStore(t *testing.T) (*Store, devdb.TestDatabase) {
	t.Helper()
	db := devdb.NewFixtureDatabase(t, devdb.Migrator{HashFunc: MigrationsHash,
		MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error { return Migrate(ctx, db, nil, appRole) }}, internalDemo)
	s, err := Open(context.Background(), db.URL, internalStoreConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, db
}

// internalStoreConfig is newTestStore's: the real clock, cheap hashes for
// the demo's staff.
var internalStoreConfig = Config{MaxConns: 4, BaseURL: "http://x",
	PasswordParams: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}

// internalDemo is the demo data as newTestStore's store seeds it (at the
// real time the first test asks for it), with the delivery jobs of the
// demo's messages dropped: the messages stay queued, so the test's delivery
// workers send only what the test sends.
var internalDemo = devdb.Fixture{
	Key: "models internal demo, real clock",
	Load: func(ctx context.Context, db devdb.TestDatabase) error {
		s, err := Open(ctx, db.URL, internalStoreConfig)
		if err != nil {
			return err
		}
		defer s.Close()
		if _, err := s.SeedDemo(ctx); err != nil {
			return err
		}
		return s.db.Exec("DELETE FROM river_job WHERE kind = 'deliver_message'").Error
	},
}

// asOwner runs stmt as the owner role of the test database: what only an
// owner may do, such as ANALYZE.
func asOwner(t *testing.T, db devdb.TestDatabase, stmt string) {
	t.Helper()
	owner, err := sql.Open("pgx", db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}
