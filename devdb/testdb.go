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
	"testing"

	"github.com/peterldowns/pgtestdb"
)

// Migrator prepares the template database that every test database is cloned from.
type Migrator struct {
	HashFunc    func() (string, error)
	MigrateFunc func(ctx context.Context, db *sql.DB) error
}

// Hash identifies the migrated schema.
func (m Migrator) Hash() (string, error) { return m.HashFunc() }

// Migrate runs the migrations on the template.
func (m Migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return m.MigrateFunc(ctx, db)
}

// TestDatabaseURL gives the test a database of its own, cloned from a migrated
// template (≈0.1 s), and drops it when the test ends. It uses the server in
// DATABASE_URL when set, and otherwise starts the project-local cluster.
func TestDatabaseURL(t testing.TB, m Migrator) string {
	t.Helper()
	conf, err := serverConfig(t)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	return pgtestdb.Custom(t, conf, m).URL()
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
