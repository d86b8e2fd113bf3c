package models

import (
	"context"
	"database/sql"
	"testing"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"nextstep/devdb"
)

// newTestStore gives an internal test a store on its own migrated database
// (real clock), with the demo data, and the database's URLs.
func newTestStore(t *testing.T) (*Store, devdb.TestDatabase) {
	t.Helper()
	ctx := context.Background()
	db := devdb.NewTestDatabase(t, devdb.Migrator{HashFunc: MigrationsHash,
		MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error { return Migrate(ctx, db, nil, appRole) }})
	s, err := Open(ctx, db.URL, Config{MaxConns: 4, BaseURL: "http://x",
		PasswordParams: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}) // cheap hashes for the demo's staff
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	// The demo's own messages stay queued without delivery jobs, so the
	// test's delivery workers send only what the test sends.
	if err := s.db.Exec("DELETE FROM river_job WHERE kind = 'deliver_message'").Error; err != nil {
		t.Fatal(err)
	}
	return s, db
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

// mustDB fails the test when a database statement the test relies on
// failed; an ignored error would let the test go on with empty data.
func mustDB(t testing.TB, res *gorm.DB) *gorm.DB {
	t.Helper()
	if res.Error != nil {
		t.Fatalf("database: %v", res.Error)
	}
	return res
}
