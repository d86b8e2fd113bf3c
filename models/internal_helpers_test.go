package models

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"nextstep/devdb"
)

// newTestStore gives an internal test a store on its own migrated database
// (real clock), with the demo data, and the database's URLs.
func newTestStore(t testing.TB) (*Store, devdb.TestDatabase) {
	t.Helper()
	db := devdb.NewFixtureDatabase(t, devdb.Migrator{HashFunc: MigrationsHash,
		MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error {
			return Migrate(ctx, db, nil, appRole, nil)
		}}, internalDemo)
	s, err := Open(context.Background(), db.URL, internalStoreConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, db
}

// testLinks stand in for views.Paths, which an internal test cannot import
// (views imports models): each link is /test/<page>/<ids>.
type testLinks struct{}

func testPath(page string, ids ...int64) string {
	p := "/test/" + page
	for _, id := range ids {
		p += "/" + strconv.FormatInt(id, 10)
	}
	return p
}

func (testLinks) MyApplication(appID int64) string    { return testPath("my-application", appID) }
func (testLinks) MyInterest(appID int64) string       { return testPath("my-interest", appID) }
func (testLinks) MyOffer(appID int64) string          { return testPath("my-offer", appID) }
func (testLinks) MyContract(appID int64) string       { return testPath("my-contract", appID) }
func (testLinks) MySignedContract(appID int64) string { return testPath("my-signed-contract", appID) }
func (testLinks) MyAssessment(appID int64) string     { return testPath("my-assessment", appID) }
func (testLinks) MyFirstDay(appID int64) string       { return testPath("my-first-day", appID) }
func (testLinks) MyInterview(appID, roundID int64) string {
	return testPath("my-interview", appID, roundID)
}
func (testLinks) StaffHome() string { return testPath("staff-home") }
func (testLinks) NeedsYouQueue(queue string) string {
	return testPath("staff-home") + "#" + queue
}
func (testLinks) Account() string { return testPath("account") }
func (testLinks) CandidateOffer(candidateID, appID int64) string {
	return testPath("candidate-offer", candidateID, appID)
}
func (testLinks) CandidateDecision(candidateID, appID int64) string {
	return testPath("candidate-decision", candidateID, appID)
}
func (testLinks) Contract(contractID int64) string { return testPath("contract", contractID) }
func (testLinks) ContractNameCorrection(contractID int64) string {
	return testPath("contract-name-correction", contractID)
}
func (testLinks) Interview(roundID int64) string  { return testPath("interview", roundID) }
func (testLinks) RefereeForm(token string) string { return "/references/" + token }
func (testLinks) Unsubscribe(token string) string { return "/unsubscribe/" + token }
func (testLinks) MyAccount() string               { return testPath("my-account") }
func (testLinks) ErasureRequests() string         { return testPath("erasure-requests") }

// internalStoreConfig is newTestStore's: the real clock, cheap hashes for
// the demo's staff.
var internalStoreConfig = Config{MaxConns: 4, BaseURL: "http://x", Links: testLinks{},
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
func asOwner(t testing.TB, db devdb.TestDatabase, stmt string) {
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
