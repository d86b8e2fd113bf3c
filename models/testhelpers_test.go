package models_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

var migrator = devdb.Migrator{
	HashFunc:    models.MigrationsHash,
	MigrateFunc: func(ctx context.Context, db *sql.DB) error { return models.Migrate(ctx, db, nil) },
}

// fakeClock is a settable clock for time rules.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// newStore gives the test a store on its own freshly migrated database.
func newStore(t *testing.T) (*models.Store, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} // a Tuesday
	store, err := models.Open(context.Background(), devdb.TestDatabaseURL(t, migrator), models.Config{Clock: clock, MaxConns: 4, BaseURL: "http://x"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return store, clock
}

func staffActor(u *models.StaffUser) models.Actor {
	return models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role, IP: "192.0.2.1"}
}
