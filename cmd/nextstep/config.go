package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

// Config is read from environment variables; every one has a default that
// works on a developer's machine. The README lists them all.
type Config struct {
	// benchmarkFloor adds the scale benchmark's floor pages; set only by the
	// benchmark's server (TestMain), never from the environment.
	benchmarkFloor bool

	Env         string // development or production
	DatabaseURL string // empty: the project-local cluster under DataDir
	MigrateURL  string // the owner role that runs migrations; DatabaseURL when unset
	Addr        string
	// MetricsAddr is where /metrics is served, apart from the portal so it
	// is never public by accident; empty: no metrics.
	MetricsAddr     string
	BaseURL         string
	SessionSecret   []byte
	DataDir         string
	DBPort          int
	DBMaxConns      int
	Location        *time.Location
	RequireTOTP     bool
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	TrustProxy      bool
	LogLevel        string
	LogFormat       string
	CompanyName     string
	ContactEmail    string

	SMTP            *models.SMTPConfig // nil: email delivery is off and messages wait in the outbox
	MailFromName    string
	MailFromEmail   string
	MailWorkers     int
	MailRetryBase   time.Duration
	MailMaxAttempts int
	MailRescueAfter time.Duration
	// StageMessageDelay holds a candidate's message about a stage move, so
	// that undoing the move withdraws it unsent.
	StageMessageDelay time.Duration
	DevMailboxURL     string // development only: shown on the "check your email" page
	// DevSMTPAddr, in development without NEXTSTEP_SMTP_URL, is where the
	// in-process mail receiver listens; /dev/mailbox shows what it received.
	DevSMTPAddr string
	MemoryLimit int64 // soft heap limit in bytes; 0 leaves the Go runtime's (GOMEMLIMIT) alone

	// ChecksWebhookSecret signs the check providers' events; empty: the
	// webhook answers 503 and accepts nothing.
	ChecksWebhookSecret []byte
	// AdverseWaitDays is how many business days a candidate may answer a
	// pre-decision notice before a rejection on a check can be confirmed.
	AdverseWaitDays int
	// DataKeys seal sensitive onboarding fields: NEXTSTEP_DATA_KEY first,
	// then NEXTSTEP_DATA_KEY_PREVIOUS while values sealed with it remain.
	// Empty in development: the store uses models.DevDataKey and warns.
	DataKeys [][]byte
	// PromiseMaxExtensions is how many times in a row the promise keeper
	// moves a passed promised date before it alerts the people in charge.
	PromiseMaxExtensions int
	// Retention is how long a candidate whose applications all closed
	// (rejected, withdrawn) is kept after their last activity before the
	// retention job anonymises them (NEXTSTEP_RETENTION).
	Retention models.RetentionPeriod
	// ScheduleEvery, when set, runs every scheduled task at this period
	// instead of its own: for tests and trials that need to see several
	// periods in seconds. Not for production (refused there).
	ScheduleEvery time.Duration
}

func loadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	var errs []error
	cfg := Config{
		Env:          get("NEXTSTEP_ENV", "development"),
		DatabaseURL:  get("DATABASE_URL", ""),
		Addr:         get("NEXTSTEP_ADDR", ":8080"),
		MetricsAddr:  get("NEXTSTEP_METRICS_ADDR", ""),
		BaseURL:      strings.TrimRight(get("NEXTSTEP_BASE_URL", "http://localhost:8080"), "/"),
		DataDir:      get("NEXTSTEP_DATA_DIR", ".data"),
		LogLevel:     get("NEXTSTEP_LOG_LEVEL", "info"),
		LogFormat:    get("NEXTSTEP_LOG_FORMAT", "text"),
		CompanyName:  get("NEXTSTEP_COMPANY_NAME", "Nextstep Demo Ltd"),
		ContactEmail: get("NEXTSTEP_CONTACT_EMAIL", "recruiting@demo.nextstep.test"),
	}
	if cfg.Env != "development" && cfg.Env != "production" {
		errs = append(errs, fmt.Errorf("NEXTSTEP_ENV must be development or production, not %q", cfg.Env))
	}
	var err error
	if cfg.DBPort, err = strconv.Atoi(get("NEXTSTEP_DB_PORT", strconv.Itoa(devdb.DefaultPort))); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_DB_PORT: %w", err))
	}
	if cfg.DBMaxConns, err = strconv.Atoi(get("NEXTSTEP_DB_MAX_CONNS", "10")); err != nil || cfg.DBMaxConns < 1 {
		errs = append(errs, fmt.Errorf("NEXTSTEP_DB_MAX_CONNS must be a positive number"))
	}
	if cfg.Location, err = time.LoadLocation(get("NEXTSTEP_TIMEZONE", "UTC")); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_TIMEZONE: %w", err))
	}
	if cfg.RequireTOTP, err = strconv.ParseBool(get("NEXTSTEP_REQUIRE_TOTP", "false")); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_REQUIRE_TOTP: %w", err))
	}
	if cfg.TrustProxy, err = strconv.ParseBool(get("NEXTSTEP_TRUST_PROXY", "false")); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_TRUST_PROXY: %w", err))
	}
	if cfg.IdleTimeout, err = time.ParseDuration(get("NEXTSTEP_IDLE_TIMEOUT", "2h")); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_IDLE_TIMEOUT: %w", err))
	}
	if cfg.AbsoluteTimeout, err = time.ParseDuration(get("NEXTSTEP_ABSOLUTE_TIMEOUT", "12h")); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_ABSOLUTE_TIMEOUT: %w", err))
	}
	if cfg.MetricsAddr != "" && cfg.MetricsAddr == cfg.Addr {
		errs = append(errs, errors.New("NEXTSTEP_METRICS_ADDR must differ from NEXTSTEP_ADDR: the metrics are never served on the portal's address"))
	}
	if !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		errs = append(errs, fmt.Errorf("NEXTSTEP_BASE_URL must start with http:// or https://"))
	}
	if secret := getenv("NEXTSTEP_SESSION_SECRET"); secret != "" {
		if len(secret) < 32 {
			errs = append(errs, errors.New("NEXTSTEP_SESSION_SECRET must be at least 32 characters"))
		}
		cfg.SessionSecret = []byte(secret)
	} else if cfg.Env == "production" {
		errs = append(errs, errors.New("NEXTSTEP_SESSION_SECRET is required in production"))
	}
	if cfg.Env == "production" && cfg.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is required in production"))
	}
	cfg.MigrateURL = get("NEXTSTEP_MIGRATE_DATABASE_URL", cfg.DatabaseURL)
	if cfg.DatabaseURL == "" && cfg.MigrateURL != "" {
		errs = append(errs, errors.New("NEXTSTEP_MIGRATE_DATABASE_URL needs DATABASE_URL (the project-local cluster sets up both roles itself)"))
	}
	errs = append(errs, loadMailConfig(&cfg, get)...)
	errs = append(errs, loadChecksConfig(&cfg, get)...)
	errs = append(errs, loadDataKeys(&cfg, get)...)
	if cfg.Env == "development" {
		cfg.DevMailboxURL = get("NEXTSTEP_DEV_MAILBOX_URL", "")
		if cfg.SMTP == nil {
			// Mail still travels by SMTP (go-mail, a real receiver), into the
			// development mailbox at /dev/mailbox.
			// "off" keeps email in the outbox, as production would without SMTP.
			if addr := get("NEXTSTEP_DEV_SMTP_ADDR", "127.0.0.1:2525"); addr != "off" {
				cfg.DevSMTPAddr, cfg.DevMailboxURL = addr, "/dev/mailbox"
			}
		}
	}
	// GOMEMLIMIT, when set, is the operator's word; otherwise a modest default.
	if getenv("GOMEMLIMIT") == "" {
		mib, err := strconv.Atoi(get("NEXTSTEP_MEMORY_LIMIT_MB", "192"))
		if err != nil || mib < 0 {
			errs = append(errs, errors.New("NEXTSTEP_MEMORY_LIMIT_MB must be a whole number of megabytes (0 for none)"))
		}
		cfg.MemoryLimit = int64(mib) << 20
	}
	return cfg, errors.Join(errs...)
}

// loadMailConfig reads the email settings. Production refuses to start
// without an SMTP server and a sender address: a hiring process whose
// messages never arrive is worse than one that does not start.
func loadMailConfig(cfg *Config, get func(key, def string) string) []error {
	var errs []error
	if raw := get("NEXTSTEP_SMTP_URL", ""); raw != "" {
		smtp, err := models.ParseSMTPURL(raw)
		if err != nil {
			errs = append(errs, err)
		} else {
			cfg.SMTP = &smtp
		}
	} else if cfg.Env == "production" {
		errs = append(errs, errors.New("NEXTSTEP_SMTP_URL is required in production"))
	}
	from := get("NEXTSTEP_MAIL_FROM", "")
	if from == "" && cfg.Env == "production" {
		errs = append(errs, errors.New("NEXTSTEP_MAIL_FROM is required in production"))
	}
	if from == "" {
		from = cfg.CompanyName + " <no-reply@nextstep.localhost>"
	}
	if addr, err := mail.ParseAddress(from); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_MAIL_FROM must be an address such as \"Acme Recruiting <jobs@acme.example>\": %w", err))
	} else {
		cfg.MailFromName, cfg.MailFromEmail = addr.Name, addr.Address
	}
	var err error
	if cfg.MailWorkers, err = strconv.Atoi(get("NEXTSTEP_MAIL_WORKERS", "10")); err != nil || cfg.MailWorkers < 1 || cfg.MailWorkers > 100 {
		errs = append(errs, errors.New("NEXTSTEP_MAIL_WORKERS must be a number from 1 to 100"))
	}
	if cfg.MailMaxAttempts, err = strconv.Atoi(get("NEXTSTEP_MAIL_MAX_ATTEMPTS", "10")); err != nil || cfg.MailMaxAttempts < 1 || cfg.MailMaxAttempts > 50 {
		errs = append(errs, errors.New("NEXTSTEP_MAIL_MAX_ATTEMPTS must be a number from 1 to 50"))
	}
	if cfg.MailRetryBase, err = time.ParseDuration(get("NEXTSTEP_MAIL_RETRY_BASE", "30s")); err != nil || cfg.MailRetryBase <= 0 {
		errs = append(errs, errors.New("NEXTSTEP_MAIL_RETRY_BASE must be a positive duration such as 30s"))
	}
	if cfg.MailRescueAfter, err = time.ParseDuration(get("NEXTSTEP_MAIL_RESCUE_AFTER", "5m")); err != nil || cfg.MailRescueAfter <= 0 {
		errs = append(errs, errors.New("NEXTSTEP_MAIL_RESCUE_AFTER must be a positive duration such as 5m"))
	}
	if cfg.StageMessageDelay, err = time.ParseDuration(get("NEXTSTEP_STAGE_MESSAGE_DELAY", "2m")); err != nil || cfg.StageMessageDelay < 0 || cfg.StageMessageDelay > time.Hour {
		errs = append(errs, errors.New("NEXTSTEP_STAGE_MESSAGE_DELAY must be a duration from 0s to 1h, such as 2m"))
	}
	return errs
}

// devSessionSecret reads, or creates once, the development secret under the data dir.
func devSessionSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "session-secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	secret := []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return nil, err
	}
	return secret, nil
}

// loadChecksConfig reads the settings of background checks and medicals.
func loadChecksConfig(cfg *Config, get func(key, def string) string) []error {
	var errs []error
	if secret := get("NEXTSTEP_CHECKS_WEBHOOK_SECRET", ""); secret != "" {
		if len(secret) < 32 {
			errs = append(errs, errors.New("NEXTSTEP_CHECKS_WEBHOOK_SECRET must be at least 32 characters"))
		}
		cfg.ChecksWebhookSecret = []byte(secret)
	}
	days, err := strconv.Atoi(get("NEXTSTEP_ADVERSE_WAIT_DAYS", strconv.Itoa(models.DefaultAdverseWaitDays)))
	if err != nil || days < 1 || days > 30 {
		errs = append(errs, errors.New("NEXTSTEP_ADVERSE_WAIT_DAYS must be a whole number of business days from 1 to 30"))
	}
	cfg.AdverseWaitDays = days
	n, err := strconv.Atoi(get("NEXTSTEP_PROMISE_MAX_EXTENSIONS", strconv.Itoa(models.DefaultPromiseMaxExtensions)))
	if err != nil || n < 1 || n > 10 {
		errs = append(errs, errors.New("NEXTSTEP_PROMISE_MAX_EXTENSIONS must be a whole number from 1 to 10"))
	}
	cfg.PromiseMaxExtensions = n
	retention := get("NEXTSTEP_RETENTION", "12mo")
	if cfg.Retention, err = models.ParseRetention(retention); err != nil {
		errs = append(errs, fmt.Errorf("NEXTSTEP_RETENTION=%q: %w", retention, err))
	}
	if raw := get("NEXTSTEP_SCHEDULE_EVERY", ""); raw != "" {
		every, err := time.ParseDuration(raw)
		switch {
		case err != nil || every < time.Second || every > time.Hour:
			errs = append(errs, errors.New("NEXTSTEP_SCHEDULE_EVERY must be a duration from 1s to 1h, such as 2s"))
		case cfg.Env == "production":
			errs = append(errs, errors.New("NEXTSTEP_SCHEDULE_EVERY is for tests and trials: unset it in production"))
		default:
			cfg.ScheduleEvery = every
		}
	}
	return errs
}

// loadDataKeys reads the key that seals sensitive fields (32 bytes, base64)
// and the one before it during a rotation. Production refuses to start
// without a key, or with the development key.
func loadDataKeys(cfg *Config, get func(key, def string) string) []error {
	var errs []error
	for _, name := range []string{"NEXTSTEP_DATA_KEY", "NEXTSTEP_DATA_KEY_PREVIOUS"} {
		v := get(name, "")
		if v == "" {
			continue
		}
		k, err := models.ParseDataKey(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if name == "NEXTSTEP_DATA_KEY_PREVIOUS" && len(cfg.DataKeys) == 0 {
			errs = append(errs, errors.New("NEXTSTEP_DATA_KEY_PREVIOUS needs NEXTSTEP_DATA_KEY (the new key)"))
		}
		cfg.DataKeys = append(cfg.DataKeys, k)
	}
	if cfg.Env == "production" {
		switch {
		case get("NEXTSTEP_DATA_KEY", "") == "":
			errs = append(errs, errors.New("NEXTSTEP_DATA_KEY is required in production (32 random bytes in base64: openssl rand -base64 32)"))
		case strings.TrimSpace(get("NEXTSTEP_DATA_KEY", "")) == models.DevDataKey:
			errs = append(errs, errors.New("NEXTSTEP_DATA_KEY is the public development key; production needs its own"))
		}
	}
	return errs
}
