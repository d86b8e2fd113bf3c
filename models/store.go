// Package models holds Nextstep's domain: the rules (pure functions and
// methods, time passed in) and the Store, whose methods each run one use case
// in one transaction against PostgreSQL.
package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Clock tells the time; tests inject a fixed one.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Store is the one door to the database.
type Store struct {
	db              *gorm.DB
	clock           Clock
	log             *slog.Logger
	loc             *time.Location // business days and "end of day" are counted here
	baseURL         string         // public address, for links in messages
	links           Links          // the paths of the site's pages, for links in messages
	company         string         // the employer, named in messages and contracts
	contactEmail    string         // where candidates write with questions (NEXTSTEP_CONTACT_EMAIL)
	jobs            *river.Client[*sql.Tx]
	mailMaxAttempts int
	// stageMessageDelay: a candidate's message about a stage move waits
	// this long, so that undoing the move can withdraw it.
	stageMessageDelay    time.Duration
	adverseWaitDays      int                            // business days a candidate may answer a pre-decision notice
	promiseMaxExtensions int                            // times in a row the promise keeper moves a promised date
	needsYouCount        map[Role]string                // the navigation's count statement per role, built once (read-only)
	needsYouPages        map[Role]needsYouPage          // the Needs-you page's statement per role, built once (read-only)
	onStatement          func(query string, args []any) // see Config.OnStatement
	counts               *countCache                    // the navigation's recent counts per staff member (shared by copies of the Store)
	passwordParams       *argon2id.Params
	hashSlots            chan struct{}   // password hashes computed at once
	statements           *atomic.Int64   // SQL statements run through GORM, for query budgets
	keys                 *keyRing        // seals and opens sensitive fields (sensitive.go)
	obs                  Observer        // told of messages sent or failed, failed sign-ins and jobs (operations.go)
	retention            RetentionPeriod // how long a closed candidate's data is kept (retention.go)
}

// Config is what a Store is built with.
type Config struct {
	Clock           Clock
	Log             *slog.Logger
	MaxConns        int
	Location        *time.Location
	BaseURL         string
	CompanyName     string
	ContactEmail    string // where candidates write with questions; the fallback Reply-To and organiser
	MailMaxAttempts int    // delivery attempts before a message is marked failed
	// StageMessageDelay holds a candidate's message about a stage move this
	// long, so that Undo withdraws it unsent (0: sent at once).
	StageMessageDelay time.Duration
	// AdverseWaitDays is how many business days a candidate may answer a
	// pre-decision notice before a rejection based on a check can be
	// confirmed (0: DefaultAdverseWaitDays).
	AdverseWaitDays int
	// PromiseMaxExtensions is how many times in a row the promise keeper
	// moves a passed promised date by itself before it alerts the people in
	// charge instead (0: DefaultPromiseMaxExtensions).
	PromiseMaxExtensions int
	// PasswordParams are the argon2id parameters of new password hashes;
	// nil is argon2id.DefaultParams (64 MB). Tests pass cheap ones: a hash
	// records its parameters, so checking it costs what making it did.
	PasswordParams *argon2id.Params
	// Links build the paths of the site's pages that messages link to
	// (views.Paths{}). Required: Open refuses a nil Links.
	Links Links
	// OnStatement, when set, is told every statement the Store runs, with
	// its arguments: tests measure each page's database work with it.
	OnStatement func(query string, args []any)
	// DataKeys seal and open sensitive fields (AES-256-GCM, 32 bytes each):
	// the current key first, older ones after it while their values are
	// still about. Empty: DevDataKey, with a warning (cmd refuses that in
	// production).
	DataKeys [][]byte
	// Observer is told of the events the operator's metrics count
	// (operations.go); nil: nobody is.
	Observer Observer
	// Retention is how long a candidate whose applications all closed is
	// kept after their last activity (zero: DefaultRetention).
	Retention RetentionPeriod
}

// Open connects to PostgreSQL with a bounded pool.
func Open(ctx context.Context, dsn string, cfg Config) (*Store, error) {
	if cfg.Links == nil {
		// Models hold no paths of their own (views imports models, not the
		// other way round): without Links every message would lack its link.
		return nil, fault("models.Open: Config.Links is nil; pass views.Paths{}")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	clock, maxConns := cfg.Clock, cfg.MaxConns
	pgxCfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// Prepared statements keep their generic plan. Our statements' plans do
	// not depend on the values (ids, statuses, a search pattern served by its
	// trigram index), and re-planning a search on every execution cost 0.4 ms
	// against 0.07 ms to run it.
	pgxCfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pgxCfg)}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return clock.Now().UTC() },
		TranslateError:         false,
	})
	if err != nil {
		return nil, fmt.Errorf("connecting to database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if maxConns <= 0 {
		maxConns = 10
	}
	// Idle equal to open: a pool that closes idle connections reconnects under load.
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connecting to database: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// An insert-only River client: it writes delivery jobs inside GORM's
	// transactions (database/sql); the workers run on pgx (see delivery.go).
	jobs, err := river.NewClient(riverdatabasesql.New(sqlDB), &river.Config{Logger: log.With("component", "river")})
	if err != nil {
		sqlDB.Close()
		return nil, err
	}
	statements := &atomic.Int64{}
	if err := countStatements(db, statements, log, cfg.OnStatement); err != nil {
		sqlDB.Close()
		return nil, err
	}
	st := &Store{db: db, clock: clock, log: log, loc: time.UTC, jobs: jobs, hashSlots: make(chan struct{}, hashSlotCount()), statements: statements,
		baseURL: strings.TrimRight(cfg.BaseURL, "/"), links: cfg.Links, company: cfg.CompanyName, contactEmail: cfg.ContactEmail, mailMaxAttempts: cfg.MailMaxAttempts,
		stageMessageDelay: cfg.StageMessageDelay, needsYouCount: needsYouCountQueries(), needsYouPages: needsYouPages(), counts: &countCache{}, passwordParams: cfg.PasswordParams,
		onStatement: cfg.OnStatement, obs: cfg.Observer}
	if st.obs == nil {
		st.obs = nopObserver{}
	}
	if st.passwordParams == nil {
		st.passwordParams = argon2id.DefaultParams
	}
	if st.baseURL == "" {
		st.baseURL = "http://localhost:8080"
	}
	if st.company == "" {
		st.company = "Nextstep Demo Ltd"
	}
	if st.adverseWaitDays = cfg.AdverseWaitDays; st.adverseWaitDays <= 0 {
		st.adverseWaitDays = DefaultAdverseWaitDays
	}
	if st.promiseMaxExtensions = cfg.PromiseMaxExtensions; st.promiseMaxExtensions <= 0 {
		st.promiseMaxExtensions = DefaultPromiseMaxExtensions
	}
	if st.retention = cfg.Retention; st.retention.IsZero() {
		st.retention = DefaultRetention
	}
	if st.mailMaxAttempts <= 0 {
		st.mailMaxAttempts = 10
	}
	if cfg.Location != nil {
		st.loc = cfg.Location
	}
	if err := st.openKeys(ctx, cfg.DataKeys); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return st, nil
}

// openKeys builds the data key ring and, once the migrations have made its
// table, checks it against the canary (CheckDataKey): a wrong key stops Open.
func (s *Store) openKeys(ctx context.Context, keys [][]byte) error {
	if len(keys) == 0 {
		s.log.Warn("no data key configured: sensitive fields are sealed with the development key (set NEXTSTEP_DATA_KEY)")
	}
	ring, err := dataKeyRing(keys)
	if err != nil {
		return err
	}
	s.keys = ring
	exists, err := dataKeyCheckExists(ctx, s.db)
	if err != nil || !exists {
		return err
	}
	return s.CheckDataKey(ctx)
}

// dataKeyRing is the ring of the configured data keys, the development key
// when none is configured (cmd refuses that in production).
func dataKeyRing(keys [][]byte) (*keyRing, error) {
	if len(keys) == 0 {
		dev, err := ParseDataKey(DevDataKey)
		if err != nil {
			return nil, err
		}
		keys = [][]byte{dev}
	}
	return newKeyRing(keys)
}

// hashSlotCount is how many password hashes may run at once: one per CPU,
// but at most two, since each takes 64 MB and memory, not CPU, is the limit
// that matters on a larger machine.
func hashSlotCount() int { return min(runtime.NumCPU(), 2) }

// countStatements counts every statement GORM runs: the query budget of each
// page is checked against it in tests (and it is one atomic add per query).
// At log level debug each statement is logged too.
func countStatements(db *gorm.DB, n *atomic.Int64, log *slog.Logger, observe func(string, []any)) error {
	count := func(db *gorm.DB) {
		n.Add(1)
		if observe != nil {
			observe(db.Statement.SQL.String(), db.Statement.Vars)
		}
		if log.Enabled(db.Statement.Context, slog.LevelDebug) {
			log.Debug("sql statement", "n", n.Load(), "sql", truncate(db.Statement.SQL.String(), 300))
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("nextstep:count", count),
		cb.Query().After("gorm:query").Register("nextstep:count", count),
		cb.Update().After("gorm:update").Register("nextstep:count", count),
		cb.Delete().After("gorm:delete").Register("nextstep:count", count),
		cb.Row().After("gorm:row").Register("nextstep:count", count),
		cb.Raw().After("gorm:raw").Register("nextstep:count", count),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// queryRow runs one statement through database/sql directly: for the pages
// every visitor loads, where GORM's statement building and reflection showed
// in profiles. Parameters are marked with ?, as with GORM.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) (*sql.Row, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	query = numberedPlaceholders(query)
	s.ran(query, args)
	return sqlDB.QueryRowContext(ctx, query, args...), nil
}

// ran counts a statement run outside GORM (whose statements are counted by
// its callbacks), and tells the observer.
func (s *Store) ran(query string, args []any) {
	s.statements.Add(1)
	if s.onStatement != nil {
		s.onStatement(query, args)
	}
}

// numberedPlaceholders turns ? into $1, $2, … (our SQL has no other ?).
func numberedPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// Statements is how many SQL statements the store has run so far.
func (s *Store) Statements() int64 { return s.statements.Load() }

func (s *Store) urls() siteURLs { return siteURLs{base: s.baseURL, Links: s.links} }

// Location is the time zone the organisation works in.
func (s *Store) Location() *time.Location { return s.loc }

// DB exposes the connection for tests and tools.
func (s *Store) DB() *gorm.DB { return s.db }

// Now is the store's clock reading, in UTC.
func (s *Store) Now() time.Time { return s.clock.Now().UTC() }

// Close releases the pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Ping answers whether the database responds; used by /readyz.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// tx runs fn in one transaction. A transaction PostgreSQL aborted for a
// deadlock or a serialization failure is retried a few times: such an abort
// rolled everything back, so running fn again is safe. A committed
// transaction forgets the navigation's kept counts (see countCache).
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.retryTx(ctx, fn)
	if err == nil {
		s.counts.changed()
	}
	return err
}

// txOutsideQueues is tx for a change that cannot add to or take from any
// Needs-you queue (a sign-in link, a login attempt, a contract viewed, a
// lapsed seat offer): the kept counts stand, so frequent anonymous requests
// cannot make every staff page count again.
func (s *Store) txOutsideQueues(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.retryTx(ctx, fn)
}

func (s *Store) retryTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = s.db.WithContext(ctx).Transaction(fn)
		if !isRetryable(err) {
			return err
		}
		s.log.Warn("retrying transaction", "attempt", attempt+1, "err", err)
		select { // a request that has ended stops waiting to retry
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
		}
	}
	return err
}

func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// Migrate applies the embedded migrations under a PostgreSQL advisory lock,
// so two instances starting at once do not race, then grants appRole (the
// role the app connects as, which owns nothing) what the app needs. db
// should connect as the owner of the schema; appRole may be empty, or the
// migrating role itself, when one role does everything. dataKeys are the
// data keys (Config.DataKeys; nil: the development key), with which
// migration 00034 seals the personal data written before crypto-shredding.
func Migrate(ctx context.Context, db *sql.DB, log *slog.Logger, appRole string, dataKeys [][]byte) error {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	ring, err := dataKeyRing(dataKeys)
	if err != nil {
		return err
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker),
		goose.WithGoMigrations(shredMigration(ring)))
	if err != nil {
		return err
	}
	results, err := provider.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrating database: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("applied migration", "source", r.Source.Path, "duration", r.Duration)
		}
	}
	if err := migrateRiver(ctx, db, log); err != nil {
		return err
	}
	return grantApp(ctx, db, appRole)
}

// migrateRiver creates or updates River's job tables while holding an advisory
// lock, so two instances starting together take turns. (River's migrations
// each run in their own transaction: one adds an enum value that cannot be
// used in the transaction that added it.)
func migrateRiver(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	migrator, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	const key = "SELECT hashtext('nextstep.river.migrate')"
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(("+key+"))"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(("+key+"))")
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("migrating job queue: %w", err)
	}
	for _, v := range res.Versions {
		if log != nil {
			log.Info("applied job queue migration", "version", v.Version)
		}
	}
	return nil
}

// MigrationsHash identifies the schema the embedded migrations produce; test
// helpers use it to reuse a migrated template database.
func MigrationsHash() (string, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	h := sha256.New()
	// River's schema is part of ours: a new River version means a new template.
	if m, err := rivermigrate.New(riverdatabasesql.New(nil), nil); err == nil {
		all := m.AllVersions()
		fmt.Fprintf(h, "river:%d\n", all[len(all)-1].Version)
	}
	fmt.Fprintf(h, "grants:%s\n", appGrants)
	fmt.Fprintf(h, "go migrations:%d\n", shredMigrationVersion)
	for _, n := range names {
		b, err := migrationFiles.ReadFile("migrations/" + n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return constraint == "" || strings.Contains(pgErr.ConstraintName, constraint)
	}
	return false
}

func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23503"
}

func isCheckViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23514" && (constraint == "" || pgErr.ConstraintName == constraint)
}
