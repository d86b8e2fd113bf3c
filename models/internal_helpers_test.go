package models

import (
	"context"
	"database/sql"
	"testing"

	"nextstep/devdb"
)

// newTestStore gives an internal test a store on its own migrated database
// (real clock), with the demo data, and the database's URL.
func newTestStore(t *testing.T) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	dsn := devdb.TestDatabaseURL(t, devdb.Migrator{HashFunc: MigrationsHash,
		MigrateFunc: func(ctx context.Context, db *sql.DB) error { return Migrate(ctx, db, nil) }})
	s, err := Open(ctx, dsn, Config{MaxConns: 4, BaseURL: "http://x"})
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
	return s, dsn
}
