// Command nextstep serves the Nextstep candidate portal and runs its
// maintenance tasks (migrate, seed, create-staff, login-link).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"

	"nextstep/devdb"
	"nextstep/handlers"
	"nextstep/models"
	"nextstep/views"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nextstep:", err)
		os.Exit(1)
	}
}

const usage = `usage: nextstep <command> [flags]

commands:
  serve                      serve the portal (default)
  migrate                    apply database migrations
  seed --demo                add demo data to an empty database
  create-staff --email E --name N --role R
                             add a staff member; password from stdin or NEXTSTEP_PASSWORD
  login-link EMAIL           print a one-time sign-in URL for a staff member or candidate
  db-start | db-stop         start or stop the project-local PostgreSQL
  healthcheck                exit 0 when the server on NEXTSTEP_ADDR answers /healthz (for container health checks)
  version                    print the version`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	return runWith(ctx, args, getenv, stdin, stdout, nil)
}

// runWith is run with a change to the configuration after it is read: the
// scale benchmark's server uses it to add its floor pages.
func runWith(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer, adjust func(*Config)) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "version" {
		fmt.Fprintln(stdout, "nextstep", version)
		return nil
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if adjust != nil {
		adjust(&cfg)
	}
	log := newLogger(cfg, os.Stderr)
	switch cmd {
	case "db-start":
		_, _, err := localDatabase(ctx, cfg, log)
		return err
	case "db-stop":
		cluster, err := devdb.New(cfg.DataDir, cfg.DBPort, log)
		if err != nil {
			return err
		}
		return cluster.Stop(ctx)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "serve", "migrate", "seed", "create-staff", "login-link":
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}

	var metrics *handlers.Metrics // only a server with NEXTSTEP_METRICS_ADDR counts
	var observer models.Observer
	if cmd == "serve" && cfg.MetricsAddr != "" {
		metrics = handlers.NewMetrics(prometheus.NewRegistry(), log)
		observer = metrics
	}
	dsn, store, err := openStore(ctx, cfg, log, observer)
	if err != nil {
		return err
	}
	defer store.Close()

	switch cmd {
	case "migrate":
		return nil // openStore migrated
	case "seed":
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		demo := fs.Bool("demo", false, "add the demo positions, candidates and staff")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if !*demo {
			return errors.New("seed needs --demo")
		}
		added, err := store.SeedDemo(ctx)
		if err != nil {
			return err
		}
		if added {
			fmt.Fprintln(stdout, "demo data added; staff sign in with password", models.DemoPassword)
		} else {
			fmt.Fprintln(stdout, "demo data already present")
		}
		return nil
	case "create-staff":
		return createStaff(ctx, store, args, getenv, stdin, stdout)
	case "login-link":
		if len(args) != 1 {
			return errors.New("usage: nextstep login-link EMAIL")
		}
		link, err := store.IssueSignInLink(ctx, args[0])
		if errors.Is(err, models.ErrNotFound) {
			return fmt.Errorf("no active staff member or candidate has the email %q", args[0])
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, link)
		return nil
	}
	return serve(ctx, cfg, dsn, store, log, metrics)
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// localDatabase starts (or reuses) the project-local cluster and makes sure
// the application database and its two roles exist; it returns the URLs of
// the app's role and of the owner role that runs migrations.
func localDatabase(ctx context.Context, cfg Config, log *slog.Logger) (appURL, ownerURL string, err error) {
	cluster, err := devdb.New(cfg.DataDir, cfg.DBPort, log)
	if err != nil {
		return "", "", err
	}
	if err := cluster.Start(ctx); err != nil {
		return "", "", err
	}
	return cluster.PrepareDatabase(ctx, "nextstep")
}

// openStore connects as the app's role, migrates as the owner role (its own
// short-lived connection when the URLs differ) and grants the app's role
// what it needs. It returns the app's URL, for the delivery workers.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, observer models.Observer) (string, *models.Store, error) {
	dsn, migrateDSN := cfg.DatabaseURL, cfg.MigrateURL
	if dsn == "" {
		var err error
		if dsn, migrateDSN, err = localDatabase(ctx, cfg, log); err != nil {
			return "", nil, err
		}
	}
	store, err := models.Open(ctx, dsn, models.Config{Clock: models.SystemClock{}, Log: log, MaxConns: cfg.DBMaxConns,
		Location: cfg.Location, BaseURL: cfg.BaseURL, CompanyName: cfg.CompanyName, ContactEmail: cfg.ContactEmail, MailMaxAttempts: cfg.MailMaxAttempts,
		StageMessageDelay: cfg.StageMessageDelay, AdverseWaitDays: cfg.AdverseWaitDays, PromiseMaxExtensions: cfg.PromiseMaxExtensions,
		DataKeys: cfg.DataKeys, Links: views.Paths{}, Observer: observer, Retention: cfg.Retention})
	if err != nil {
		return "", nil, err
	}
	if err := migrate(ctx, store, dsn, migrateDSN, cfg.DataKeys, log); err != nil {
		store.Close()
		return "", nil, err
	}
	// The data key against its canary (sealed now on the first start): a
	// wrong key stops the server before it shows anything.
	if err := store.CheckDataKey(ctx); err != nil {
		store.Close()
		return "", nil, err
	}
	return dsn, store, nil
}

// warnAboutRole warns, in production, when the app's role could switch off
// the database's safeguards: a superuser, or the owner of the tables.
func warnAboutRole(ctx context.Context, cfg Config, store *models.Store, log *slog.Logger) error {
	if cfg.Env != "production" {
		return nil
	}
	role, err := store.Role(ctx)
	if err != nil {
		return err
	}
	if role.CanDisableSafeguards() {
		log.Warn("the app's database role could switch off the database's safeguards (frozen contracts, append-only audit log): "+
			"connect DATABASE_URL as a role that owns nothing and run migrations through NEXTSTEP_MIGRATE_DATABASE_URL (README: Database roles)",
			"role", role.Name, "superuser", role.Superuser, "owned_tables", role.OwnedTables)
	}
	return nil
}

// migrate applies the migrations as the owner role and grants the app's role
// its privileges; with one URL for both, the app's own connection migrates.
// dataKeys seal what migration 00034 seals (nil: the development key).
func migrate(ctx context.Context, store *models.Store, dsn, migrateDSN string, dataKeys [][]byte, log *slog.Logger) error {
	appDB, err := store.DB().DB()
	if err != nil {
		return err
	}
	if migrateDSN == "" || migrateDSN == dsn {
		return models.Migrate(ctx, appDB, log, "", dataKeys)
	}
	appRole, err := models.CurrentRole(ctx, appDB)
	if err != nil {
		return err
	}
	pgxCfg, err := pgx.ParseConfig(migrateDSN)
	if err != nil {
		return fmt.Errorf("NEXTSTEP_MIGRATE_DATABASE_URL: %w", err)
	}
	ownerDB := stdlib.OpenDB(*pgxCfg)
	defer ownerDB.Close()
	return models.Migrate(ctx, ownerDB, log, appRole, dataKeys)
}

func createStaff(ctx context.Context, store *models.Store, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("create-staff", flag.ContinueOnError)
	email := fs.String("email", "", "email address")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, recruiter, hiring_manager or interviewer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	password := getenv("NEXTSTEP_PASSWORD")
	if password == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		return errors.New("give the password on standard input or in NEXTSTEP_PASSWORD")
	}
	u, err := store.CreateStaff(ctx, models.SystemActor("cli"), models.StaffInput{Email: *email, Name: *name, Role: models.Role(*role), Password: password})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s) with id %d\n", u.Email, u.Role, u.ID)
	return nil
}

func serve(ctx context.Context, cfg Config, dsn string, store *models.Store, log *slog.Logger, metrics *handlers.Metrics) error {
	if cfg.MemoryLimit > 0 {
		// A soft limit makes the garbage collector return the 64 MB buffers of
		// finished password hashes promptly instead of letting the heap double.
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	if err := warnAboutRole(ctx, cfg, store, log); err != nil {
		return err
	}
	var mailbox handlers.DevMailbox
	if cfg.DevSMTPAddr != "" {
		sink, err := devdb.StartSMTPSink(cfg.DevSMTPAddr)
		if err != nil {
			return fmt.Errorf("the development mailbox cannot receive mail on %s (%v): set NEXTSTEP_DEV_SMTP_ADDR to a free address such as 127.0.0.1:2526, or NEXTSTEP_SMTP_URL to an SMTP server of yours", cfg.DevSMTPAddr, err)
		}
		defer sink.Close()
		smtpCfg, err := models.ParseSMTPURL(sink.URL())
		if err != nil {
			return err
		}
		cfg.SMTP, mailbox = &smtpCfg, devMailbox{sink}
		log.Info("development mailbox: email is delivered by SMTP to "+sink.Addr+" and shown at "+cfg.BaseURL+"/dev/mailbox", "smtp_addr", sink.Addr)
	}
	secret := cfg.SessionSecret
	if secret == nil {
		var err error
		if secret, err = devSessionSecret(cfg.DataDir); err != nil {
			return err
		}
	}
	tasks := scheduledWork(store, cfg)
	e := handlers.New(store, models.SystemClock{}, log, handlers.Config{
		BaseURL: cfg.BaseURL, SessionSecret: secret, IdleTimeout: cfg.IdleTimeout, AbsoluteTimeout: cfg.AbsoluteTimeout,
		RequireTOTP: cfg.RequireTOTP, Location: cfg.Location, TrustProxy: cfg.TrustProxy, Version: version, CompanyName: cfg.CompanyName,
		ContactEmail: cfg.ContactEmail, EmailEnabled: cfg.SMTP != nil, DevMailboxURL: cfg.DevMailboxURL,
		BenchmarkFloor: cfg.benchmarkFloor, ChecksWebhookSecret: cfg.ChecksWebhookSecret, DevMailbox: mailbox, Scheduled: tasks,
		Metrics: metrics,
	})
	stopMetrics, err := serveMetrics(cfg, store, tasks, metrics, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// One River client per process runs the deliveries (when email is on)
	// and the scheduled work, whose periodic jobs only River's elected
	// leader enqueues: each task runs once per period across all processes.
	dcfg := models.DeliveryConfig{DSN: dsn, Workers: cfg.MailWorkers, RetryBase: cfg.MailRetryBase,
		PollInterval: 250 * time.Millisecond, RescueAfter: cfg.MailRescueAfter, Log: log, Scheduled: tasks}
	if cfg.SMTP != nil {
		dcfg.Sender, dcfg.FromName, dcfg.FromEmail = models.NewSMTPSender(*cfg.SMTP), cfg.MailFromName, cfg.MailFromEmail
	}
	delivery, err := store.StartDelivery(ctx, dcfg)
	if err != nil {
		ln.Close()
		return err
	}
	if cfg.SMTP != nil {
		log.Info("email delivery on", "smtp_host", cfg.SMTP.Host, "smtp_port", cfg.SMTP.Port, "from", cfg.MailFromEmail, "workers", cfg.MailWorkers)
	} else {
		log.Warn("email delivery off: NEXTSTEP_SMTP_URL is not set, messages wait in the outbox")
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving Nextstep", "addr", ln.Addr().String(), "base_url", cfg.BaseURL, "env", cfg.Env, "version", version)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// Messages being sent and scheduled work running finish; the rest wait safely in the queue.
	if err := delivery.Stop(shutdownCtx); err != nil {
		log.Warn("stopping email delivery and scheduled work", "err", err)
	}
	log.Info("stopped")
	return nil
}

// scheduledWork is the periodic work every server process offers to run;
// River's elected leader enqueues each task once per period, and one
// process runs it (see models/scheduled.go).
func scheduledWork(store *models.Store, cfg Config) []models.ScheduledTask {
	tasks := []models.ScheduledTask{
		{Name: "purge_sessions", Every: 10 * time.Minute, Run: func(ctx context.Context) (int, error) {
			n, err := store.PurgeExpiredSessions(ctx, cfg.IdleTimeout, cfg.AbsoluteTimeout)
			return int(n), err
		}, About: "Ends sign-in sessions past their idle or absolute time."},
		{Name: "expire_waitlist_offers", Every: time.Minute, Run: store.ExpireWaitlistOffers,
			About: "Lapses overdue waitlist offers and passes their seats to the next in line."},
		{Name: "remind_referees", Every: 10 * time.Minute, Run: store.SendDueReferenceReminders,
			About: "Reminds referees who have not replied."},
		{Name: "keep_promises", Every: 10 * time.Minute, Run: store.KeepPromises,
			About: "Tells candidates whose promised date passed that we have not decided yet, with a new date; alerts the people in charge after the last."},
		{Name: "remind_first_days", Every: 10 * time.Minute, Run: store.SendFirstDayReminders,
			About: "Reminds new starters of their first day, a week and a day before."},
		{Name: "send_staff_digests", Every: 5 * time.Minute, Run: store.SendStaffDigests,
			About: "From 08:00, emails each staff member who asked for it what waits for them on Needs you."},
		{Name: "send_reminders", Every: 5 * time.Minute, Run: store.SendDueReminders,
			About: "Reminds candidates and panels of interviews and assessment days a day before, candidates of offers two days before they expire and starters of tasks two days before they are due."},
		{Name: "apply_retention", Every: time.Hour, Run: store.ApplyRetention, Timeout: 30 * time.Minute,
			About: "Tells candidates whose applications all closed, 30 days ahead, that their data will be deleted (NEXTSTEP_RETENTION after their last activity), then anonymises them; at most 500 a run."},
	}
	if cfg.ScheduleEvery > 0 { // tests and trials (NEXTSTEP_SCHEDULE_EVERY)
		for i := range tasks {
			tasks[i].Every = cfg.ScheduleEvery
		}
	}
	return tasks
}
