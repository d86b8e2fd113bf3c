package devdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/peterldowns/pgtestdb"
)

// Migrator prepares the template database that every test database is cloned from.
type Migrator struct {
	HashFunc func() (string, error)
	// MigrateFunc migrates db (connected as the owner role) and grants
	// appRole the app's privileges; appRole is empty when the test server
	// cannot create roles and one role does everything.
	MigrateFunc func(ctx context.Context, db *sql.DB, appRole string) error
}

// The roles test databases use: TestOwnerRole owns them and runs the
// migrations; the tests' stores connect as TestAppRole, which owns nothing,
// exactly as the app does in production.
const (
	TestOwnerRole = "nextstep_test_owner"
	TestAppRole   = "nextstep_test_app"
	testPassword  = "nextstep-test"
)

// roleMigrator is Migrator for pgtestdb, with the app's role in the hash.
type roleMigrator struct {
	m       Migrator
	appRole string
}

func (r roleMigrator) Hash() (string, error) {
	h, err := r.m.HashFunc()
	return h + ":app=" + r.appRole, err
}

func (r roleMigrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return r.m.MigrateFunc(ctx, db, r.appRole)
}

// TestDatabase is a test's own database.
type TestDatabase struct {
	URL      string // as the app's role, which owns nothing: what the app's code connects with
	OwnerURL string // as the owner role that ran the migrations (for ANALYZE, or to show what only an owner may do)
	Split    bool   // false when the server could not create roles and URL is the owner too
}

// TestDatabaseURL gives the test a database of its own, cloned from a migrated
// template (≈0.1 s), and drops it when the test ends. It uses the server in
// DATABASE_URL when set, and otherwise starts the project-local cluster. The
// URL connects as the app's role (see NewTestDatabase).
func TestDatabaseURL(t testing.TB, m Migrator) string {
	t.Helper()
	return NewTestDatabase(t, m).URL
}

// NewTestDatabase is TestDatabaseURL with the owner's URL too. The
// migrations run as TestOwnerRole; URL connects as TestAppRole. When the
// server in DATABASE_URL may not create roles, one role does everything and
// a note says so.
func NewTestDatabase(t testing.TB, m Migrator) TestDatabase {
	t.Helper()
	conf, err := serverConfig(t)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	split, err := ensureTestRoles(conf)
	if err != nil {
		t.Fatalf("test database roles: %v", err)
	}
	if !split {
		t.Logf("note: the role in DATABASE_URL may not create roles, so tests run with one role for migrations and app alike")
		owner := pgtestdb.Custom(t, conf, roleMigrator{m: m}).URL()
		return TestDatabase{URL: owner, OwnerURL: owner}
	}
	conf.TestRole = &pgtestdb.Role{Username: TestOwnerRole, Password: testPassword, Capabilities: pgtestdb.DefaultRoleCapabilities}
	inst := pgtestdb.Custom(t, conf, roleMigrator{m: m, appRole: TestAppRole})
	app := *inst
	app.User, app.Password = TestAppRole, testPassword
	return TestDatabase{URL: app.URL(), OwnerURL: inst.URL(), Split: true}
}

// ensureTestRoles creates the test roles on the server; false when its role may not.
func ensureTestRoles(conf pgtestdb.Config) (bool, error) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, conf.URL())
	if err != nil {
		return false, err
	}
	defer conn.Close(ctx)
	err = EnsureRoles(ctx, conn, Role{Name: TestOwnerRole, Password: testPassword}, Role{Name: TestAppRole, Password: testPassword})
	if errors.Is(err, ErrCannotCreateRoles) {
		return false, nil
	}
	return err == nil, err
}

func serverConfig(t testing.TB) (pgtestdb.Config, error) {
	if raw := os.Getenv("DATABASE_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			return pgtestdb.Config{}, fmt.Errorf("DATABASE_URL: %w", err)
		}
		pw, _ := u.User.Password()
		return pgtestdb.Config{
			DriverName: "pgx", Host: u.Hostname(), Port: portOr(u.Port(), "5432"), User: u.User.Username(), Password: pw,
			Database: strings.TrimPrefix(u.Path, "/"), Options: u.RawQuery, ForceTerminateConnections: true,
		}, nil
	}
	port := DefaultPort
	if p, err := strconv.Atoi(os.Getenv("NEXTSTEP_DB_PORT")); err == nil && p > 0 {
		port = p
	}
	cluster, err := New(filepath.Join(projectRoot(), ".data"), port, nil)
	if err != nil {
		return pgtestdb.Config{}, err
	}
	if err := cluster.Start(context.Background()); err != nil {
		return pgtestdb.Config{}, err
	}
	return pgtestdb.Config{
		DriverName: "pgx", Host: "127.0.0.1", Port: fmt.Sprint(port), User: "postgres",
		Database: "postgres", Options: "sslmode=disable", ForceTerminateConnections: true,
	}, nil
}

func portOr(p, def string) string {
	if p == "" {
		return def
	}
	return p
}

// projectRoot is the folder holding go.mod, so every package's tests share one cluster.
func projectRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}
