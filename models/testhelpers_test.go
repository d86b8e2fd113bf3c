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
	dsn := devdb.TestDatabaseURL(t, migrator)
	store, err := models.Open(context.Background(), dsn, models.Config{Clock: clock, MaxConns: 4, BaseURL: "http://x", MailMaxAttempts: 5})
	if err != nil {
		t.Fatal(err)
	}
	storeDSN.Store(store, dsn)
	t.Cleanup(func() { store.Close() })
	return store, clock
}

// forgetDemoMail drops the delivery jobs of the messages the demo data
// queued (they stay in the outbox, queued), so delivery workers started by
// a test deliver only what the test itself sends.
func forgetDemoMail(t *testing.T, s *models.Store) {
	t.Helper()
	if err := s.DB().Exec("DELETE FROM river_job WHERE kind = 'deliver_message'").Error; err != nil {
		t.Fatal(err)
	}
}

// storeDSN remembers each test store's database, for delivery workers.
var storeDSN sync.Map

// startMail runs delivery workers for store against a fresh SMTP sink, with
// retries a few milliseconds apart so tests see every state quickly.
func startMail(t *testing.T, store *models.Store) *devdb.SMTPSink {
	t.Helper()
	sink, err := devdb.StartSMTPSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dsn, _ := storeDSN.Load(store)
	d, err := store.StartDelivery(context.Background(), models.DeliveryConfig{DSN: dsn.(string), Sender: models.NewSMTPSender(mustSMTP(t, sink.URL())),
		FromName: "Nextstep Demo Ltd", FromEmail: "jobs@nextstep.test", Workers: 4, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Stop(ctx)
		sink.Close()
	})
	return sink
}

func mustSMTP(t *testing.T, url string) models.SMTPConfig {
	t.Helper()
	cfg, err := models.ParseSMTPURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Timeout = 5 * time.Second
	return cfg
}

func staffActor(u *models.StaffUser) models.Actor {
	return models.Actor{Kind: "staff", ID: u.ID, Email: u.Email, Role: u.Role, IP: "192.0.2.1"}
}
