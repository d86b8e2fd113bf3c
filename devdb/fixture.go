package devdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/peterldowns/pgtestdb"
)

// Fixture is data that many tests start from, such as the demo seed. It is
// loaded once per test binary into a template database, and each test gets
// a copy of that template (CREATE DATABASE … TEMPLATE copies the files,
// ≈0.2 s) instead of loading the data again (the demo seed takes a second
// or more).
//
// A template lives as long as the test binary that made it: the next run of
// the tests loads the fixture afresh, from the code as it is then, so a
// change to the seed or the use cases it goes through can never meet data
// made by the code before it. The migrations are cached across runs, as
// for NewTestDatabase.
type Fixture struct {
	// Key names the fixture and everything its content depends on: tests
	// whose fixtures have equal keys share one template. A fixture loaded
	// through the store names the store's configuration that shapes the
	// data (its clock's time, time zone, base URL, ...).
	Key string
	// Load fills db, which is migrated and otherwise empty. It must close
	// what it opens: a template cannot be copied while connections to it
	// are open (any left are ended).
	Load func(ctx context.Context, db TestDatabase) error
}

// fixtureMaxAge is when a fixture database left by a run that did not end
// normally (a test timeout, a kill) is dropped by a later run. A failed
// test's copy is kept until then too, to be looked at.
const fixtureMaxAge = 6 * time.Hour

// fixturePrefix starts the name of every fixture database: the template is
// fixture_<key hash>_<unix time>_<random>, a test's copy that name and
// _<random>.
const fixturePrefix = "fixture_"

// NewFixtureDatabase gives the test its own database holding the fixture:
// a copy of the fixture's template, which the first test to ask makes from a
// database migrated by m. The copy is dropped when the test ends, unless
// the test failed. URL connects as the app's role, as with NewTestDatabase.
//
// Tests of one binary may call it in parallel. Call DropFixtures when the
// binary's tests are done (in TestMain), so the templates do not outlive it.
func NewFixtureDatabase(t testing.TB, m Migrator, f Fixture) TestDatabase {
	t.Helper()
	conf, err := testServer()
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	tpl, err := fixtureTemplate(conf, m, f)
	if err != nil {
		t.Fatalf("fixture template: %v", err)
	}
	pool, err := adminPool(conf)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	ctx := context.Background()
	name := tpl + "_" + randomHex(4)
	if _, err := pool.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s", ident(name), ident(tpl), ident(TestOwnerRole))); err != nil {
		t.Fatalf("copying the fixture's template %s: %v", tpl, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the failed test's database %s is kept for %s", name, fixtureMaxAge)
			return
		}
		if _, err := pool.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", ident(name))); err != nil {
			t.Errorf("dropping the test database %s: %v", name, err)
		}
	})
	inst := conf
	inst.Database = name
	inst.User, inst.Password = TestOwnerRole, testPassword
	return testDatabase(inst)
}

// fixtures are the templates this binary made, by fixture key and migrations.
var fixtures struct {
	sync.Mutex
	byKey map[string]*fixtureState
	swept bool
}

type fixtureState struct {
	once sync.Once
	name string
	err  error
}

// fixtureTemplate is the name of the fixture's template, made on first use.
func fixtureTemplate(conf pgtestdb.Config, m Migrator, f Fixture) (string, error) {
	mhash, err := m.HashFunc()
	if err != nil {
		return "", err
	}
	key := f.Key + "\x00" + mhash
	fixtures.Lock()
	if fixtures.byKey == nil {
		fixtures.byKey = map[string]*fixtureState{}
	}
	st := fixtures.byKey[key]
	if st == nil {
		st = &fixtureState{}
		fixtures.byKey[key] = st
	}
	sweep := !fixtures.swept
	fixtures.swept = true
	fixtures.Unlock()
	if sweep {
		sweepFixtures(conf)
	}
	st.once.Do(func() {
		sum := sha256.Sum256([]byte(key))
		st.name = fmt.Sprintf("%s%s_%d_%s", fixturePrefix, hex.EncodeToString(sum[:4]), time.Now().Unix(), randomHex(2))
		st.err = makeFixtureTemplate(conf, m, f, st.name)
	})
	return st.name, st.err
}

// makeFixtureTemplate loads the fixture into a freshly migrated database and
// makes it the template name.
func makeFixtureTemplate(conf pgtestdb.Config, m Migrator, f Fixture, name string) (err error) {
	ctx := context.Background()
	// A migrated database from pgtestdb, which then belongs to us: its
	// clean-ups (which would drop it) never run.
	tb := &fixtureTB{}
	var inst *pgtestdb.Config
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fixtureFatal); !ok {
					panic(r)
				}
				err = errors.New(tb.msg)
			}
		}()
		inst = pgtestdb.Custom(tb, conf, roleMigrator{m: m, appRole: TestAppRole})
	}()
	if err != nil {
		return err
	}
	pool, err := adminPool(conf)
	if err != nil {
		return err
	}
	loaded := inst.Database
	drop := func() { pool.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", ident(loaded))) }
	if err := f.Load(ctx, testDatabase(*inst)); err != nil {
		drop()
		return fmt.Errorf("loading the fixture: %w", err)
	}
	// Whatever Load left open would block every copy.
	terminate := fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", literal(loaded))
	if _, err := pool.Exec(ctx, terminate); err != nil {
		drop()
		return err
	}
	if _, err := pool.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", ident(loaded), ident(name))); err != nil {
		drop()
		return fmt.Errorf("renaming the fixture's database: %w", err)
	}
	loaded = name
	if _, err := pool.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE true", ident(name))); err != nil {
		drop()
		return fmt.Errorf("making %s a template: %w", name, err)
	}
	return nil
}

// DropFixtures drops the templates this test binary made. Call it from
// TestMain once the tests have run.
func DropFixtures() {
	fixtures.Lock()
	var names []string
	for _, st := range fixtures.byKey {
		if st.name != "" && st.err == nil {
			names = append(names, st.name)
		}
	}
	fixtures.byKey = nil
	fixtures.Unlock()
	if len(names) == 0 {
		return
	}
	conf, err := testServer()
	if err != nil {
		return
	}
	for _, n := range names {
		dropFixtureDatabase(conf, n)
	}
}

// sweepFixtures drops the fixture databases older than fixtureMaxAge: the
// templates of runs that did not end normally, and failed tests' copies.
func sweepFixtures(conf pgtestdb.Config) {
	pool, err := adminPool(conf)
	if err != nil {
		return
	}
	rows, err := pool.Query(context.Background(), "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", fixturePrefix)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		parts := strings.Split(strings.TrimPrefix(n, fixturePrefix), "_")
		if len(parts) < 3 {
			continue
		}
		made, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || time.Since(time.Unix(made, 0)) < fixtureMaxAge {
			continue
		}
		dropFixtureDatabase(conf, n)
	}
}

func dropFixtureDatabase(conf pgtestdb.Config, name string) {
	pool, err := adminPool(conf)
	if err != nil {
		return
	}
	ctx := context.Background()
	pool.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE false", ident(name)))
	pool.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", ident(name)))
}

// admin is a small pool of connections to the server's maintenance
// database, as the server's superuser, for creating and dropping databases.
var admin struct {
	sync.Mutex
	pool *pgxpool.Pool
}

func adminPool(conf pgtestdb.Config) (*pgxpool.Pool, error) {
	admin.Lock()
	defer admin.Unlock()
	if admin.pool != nil {
		return admin.pool, nil
	}
	pc, err := pgxpool.ParseConfig(conf.URL())
	if err != nil {
		return nil, err
	}
	pc.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		return nil, err
	}
	admin.pool = pool
	return pool, nil
}

// fixtureTB is what pgtestdb needs of a test, for the migrated database a
// fixture is loaded into: its Fatalf stops pgtestdb with a panic that
// makeFixtureTemplate turns into an error.
type fixtureTB struct{ msg string }

type fixtureFatal struct{}

func (*fixtureTB) Cleanup(func())                  {}
func (*fixtureTB) Failed() bool                    { return false }
func (*fixtureTB) Helper()                         {}
func (*fixtureTB) Logf(format string, args ...any) {}
func (tb *fixtureTB) Fatalf(format string, args ...any) {
	tb.msg = fmt.Sprintf(format, args...)
	panic(fixtureFatal{})
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

func literal(s string) string { return quoteLiteral(s) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
