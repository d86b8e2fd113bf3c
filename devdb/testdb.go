package devdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/peterldowns/pgtestdb"
)

// Migrator prepares the template database that every test database is cloned from.
type Migrator struct {
	HashFunc func() (string, error)
	// MigrateFunc migrates db (connected as the owner role) and grants
	// appRole the app's privileges.
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
}

// TestDatabaseURL gives the test a database of its own, cloned from a migrated
// template (≈0.1 s), and drops it when the test ends. It uses the server in
// DATABASE_URL when set, and otherwise starts the project-local cluster. The
// URL connects as the app's role (see NewTestDatabase).
func TestDatabaseURL(t testing.TB, m Migrator) string {
	t.Helper()
	return NewTestDatabase(t, m).URL
}

// NewTestDatabase is TestDatabaseURL with the owner's URL too: the
// migrations run as TestOwnerRole, and URL connects as TestAppRole, as the
// app does in production. The server's role (postgres on the local cluster,
// the role in DATABASE_URL otherwise) must be a superuser: the template is
// marked in pg_database, and the two roles are created when missing.
func NewTestDatabase(t testing.TB, m Migrator) TestDatabase {
	t.Helper()
	conf, err := testServer()
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	inst := pgtestdb.Custom(t, conf, roleMigrator{m: m, appRole: TestAppRole})
	return testDatabase(*inst)
}

// testDatabase is the TestDatabase of inst, a database owned by TestOwnerRole.
func testDatabase(inst pgtestdb.Config) TestDatabase {
	app := inst
	app.User, app.Password = TestAppRole, testPassword
	return TestDatabase{URL: app.URL(), OwnerURL: inst.URL()}
}

// server is the test server's configuration, found (and the cluster started,
// and the test roles made) once per test binary.
var server struct {
	sync.Mutex
	conf *pgtestdb.Config
}

// testServer is the server test databases are made on, with TestOwnerRole
// as the role that owns them.
func testServer() (pgtestdb.Config, error) {
	server.Lock()
	defer server.Unlock()
	if server.conf != nil {
		return *server.conf, nil
	}
	conf, err := serverConfig()
	if err != nil {
		return conf, err
	}
	if err := ensureTestRoles(conf); err != nil {
		return conf, fmt.Errorf("test database roles (the role in DATABASE_URL must be a superuser): %w", err)
	}
	conf.TestRole = &pgtestdb.Role{Username: TestOwnerRole, Password: testPassword, Capabilities: pgtestdb.DefaultRoleCapabilities}
	server.conf = &conf
	return conf, nil
}

// ensureTestRoles creates the test roles on the server when missing.
func ensureTestRoles(conf pgtestdb.Config) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, conf.URL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return EnsureRoles(ctx, conn, Role{Name: TestOwnerRole, Password: testPassword}, Role{Name: TestAppRole, Password: testPassword})
}

func serverConfig() (pgtestdb.Config, error) {
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
