package models_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"
)

var migrator = devdb.Migrator{
	HashFunc: models.MigrationsHash,
	MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error {
		return models.Migrate(ctx, db, nil, appRole, nil)
	},
}

// testPasswordParams make staff password hashes cheap in tests (1 MB, one
// pass): the demo seed hashes four, in every test database.
var testPasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

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

// testContactEmail is NEXTSTEP_CONTACT_EMAIL in store tests.
const testContactEmail = "recruiting@nextstep.test"

// testStoreConfig is the configuration of the stores newStore and newDemoStore
// make, on clock.
func testStoreConfig(clock models.Clock) models.Config {
	return models.Config{Clock: clock, MaxConns: 4, BaseURL: "http://x", ContactEmail: testContactEmail, MailMaxAttempts: 5,
		PasswordParams: testPasswordParams, Links: views.Paths{}}
}

// testNow is where the test stores' clocks start: a Tuesday.
var testNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// newStore gives the test a store on its own freshly migrated database.
func newStore(t *testing.T) (*models.Store, *fakeClock) {
	t.Helper()
	return openTestStore(t, devdb.NewTestDatabase(t, migrator))
}

// newDemoStore is newStore on a database holding the demo data: a copy of
// a template seeded once per test binary by a store configured as this one.
func newDemoStore(t *testing.T) (*models.Store, *fakeClock) {
	t.Helper()
	return openTestStore(t, devdb.NewFixtureDatabase(t, migrator, demoFixture))
}

// demoFixture is the demo as a newStore store seeds it, with the delivery
// jobs of the demo's messages dropped: the messages stay queued, so
// delivery workers started by a test deliver only what the test sends.
var demoFixture = devdb.Fixture{
	Key: "models demo",
	Load: func(ctx context.Context, db devdb.TestDatabase) error {
		store, err := models.Open(ctx, db.URL, testStoreConfig(&fakeClock{now: testNow}))
		if err != nil {
			return err
		}
		defer store.Close()
		if _, err := store.SeedDemo(ctx); err != nil {
			return err
		}
		return store.DB().Exec("DELETE FROM river_job WHERE kind = 'deliver_message'").Error
	},
}

func openTestStore(t *testing.T, db devdb.TestDatabase) (*models.Store, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: testNow}
	dsn := db.URL
	store, err := models.Open(context.Background(), dsn, testStoreConfig(clock))
	if err != nil {
		t.Fatal(err)
	}
	storeDSN.Store(store, dsn)
	storeDatabase.Store(store, db)
	t.Cleanup(func() { store.Close() })
	return store, clock
}

// storeDSN remembers each test store's database, for delivery workers.
var storeDSN sync.Map

// storeDatabase remembers each test store's devdb.TestDatabase (its owner's URL).
var storeDatabase sync.Map

// testDatabase is the database under store, with the owner role's URL.
func testDatabase(t *testing.T, store *models.Store) devdb.TestDatabase {
	t.Helper()
	db, ok := storeDatabase.Load(store)
	if !ok {
		t.Fatal("the store was not made by newStore")
	}
	return db.(devdb.TestDatabase)
}

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

// waitDeliveryJobsDone waits until every delivery job has finished
// (completed, cancelled or discarded). A job hands its email to the SMTP
// server before it finishes, so after this every email the jobs will ever
// send has arrived: a count of the mailbox is final, and a duplicate would
// be in it.
func waitDeliveryJobsDone(t *testing.T, s *models.Store) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var states []string
		mustDB(t, s.DB().Raw(`SELECT state || ' ' || count(*) FROM river_job WHERE kind = 'deliver_message'
			AND state NOT IN ('completed', 'cancelled', 'discarded') GROUP BY state`).Scan(&states))
		if len(states) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery jobs still unfinished after 15 s: %v", states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wakeDeliveries makes the delivery jobs that wait for a later time due
// now. A worker that finds a message not yet due (by the store's clock)
// snoozes its job on the wall clock, for up to five seconds; once a test has
// advanced the store's clock past the message's time, this is the wall
// clock catching up, instead of the test waiting for it.
func wakeDeliveries(t *testing.T, s *models.Store) {
	t.Helper()
	if err := s.DB().Exec(`UPDATE river_job SET state = 'available', scheduled_at = now()
		WHERE kind = 'deliver_message' AND state = 'scheduled'`).Error; err != nil {
		t.Fatal(err)
	}
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

// forceStage puts applications at stage directly, as a fixture does, marking
// each write for the database's guard the way the store's one writer does
// (migration 00010). Product code never does this.
func forceStage(t testing.TB, store *models.Store, stage string, ids ...int64) {
	t.Helper()
	err := store.DB().Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			if err := tx.Exec("SELECT set_config('nextstep.writer', 'transition', true)").Error; err != nil {
				return err
			}
			if err := tx.Exec("UPDATE applications SET stage = ? WHERE id = ?", stage, id).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
