package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/alexedwards/argon2id"
	"gorm.io/gorm"

	"nextstep/devdb"
	"nextstep/handlers"
	"nextstep/models"
	"nextstep/views"
)

var migrator = devdb.Migrator{
	HashFunc: models.MigrationsHash,
	MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error {
		return models.Migrate(ctx, db, nil, appRole, nil)
	},
}

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

// testApp is the whole application on a fresh database with demo data,
// served by a real HTTP server on a loopback port.
type testApp struct {
	t      *testing.T
	Store  *models.Store
	Clock  *fakeClock
	Server *httptest.Server
	URL    string
	DSN    string // the test database, for a delivery worker of its own
	Owner  string // the same database as the owner role (the app's role owns nothing)
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	return newTestAppWith(t, func(*handlers.Config) {})
}

// newTestAppWith is newTestApp with a change to the HTTP configuration.
func newTestAppWith(t *testing.T, configure func(*handlers.Config)) *testApp {
	t.Helper()
	return newTestAppWithStore(t, configure, func(*models.Config) {})
}

// newTestAppWithStore is newTestApp with changes to the HTTP and the store
// configurations.
func newTestAppWithStore(t *testing.T, configure func(*handlers.Config), configureStore func(*models.Config)) *testApp {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} // a Tuesday
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	// Cheap password hashes (1 MB, one pass): the demo seed hashes four.
	storeCfg := models.Config{Clock: clock, Log: log, MaxConns: 8, BaseURL: srv.URL, Links: views.Paths{},
		PasswordParams: &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}
	configureStore(&storeCfg)
	db := devdb.NewFixtureDatabase(t, migrator, demoFixture(storeCfg))
	dsn := db.URL
	store, err := models.Open(context.Background(), dsn, storeCfg)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's messages link to this test's server, as if seeded here.
	if err := store.DB().Exec(`UPDATE outbox_messages SET body = regexp_replace(body, ?, ?, 'g'), body_html = regexp_replace(body_html, ?, ?, 'g')`,
		seedBaseURLPattern, srv.URL, seedBaseURLPattern, srv.URL).Error; err != nil {
		t.Fatal(err)
	}
	cfg := handlers.Config{BaseURL: srv.URL, SessionSecret: []byte("test-secret-test-secret-test-secret!"), Location: time.UTC}
	configure(&cfg)
	srv.Config.Handler = handlers.New(store, clock, log, cfg)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
	})
	return &testApp{t: t, Store: store, Clock: clock, Server: srv, URL: srv.URL, DSN: dsn, Owner: db.OwnerURL}
}

// seedBaseURL is the store's base URL when the demo fixture is seeded: the
// host of every test server, on a port none listens on. Each test's copy
// then points the demo's messages at its own server (seedBaseURLPattern).
const (
	seedBaseURL        = "http://127.0.0.1:1"
	seedBaseURLPattern = `http://127\.0\.0\.1:1(?![0-9])`
)

// demoFixture is the demo data as a store configured with cfg seeds it, with
// the demo's delivery jobs dropped: the demo's own messages stay queued
// without them, so a test's delivery workers send only what the test sends.
// It is seeded once per test binary and configuration (devdb.Fixture);
// every test gets a copy.
func demoFixture(cfg models.Config) devdb.Fixture {
	now, loc, params := cfg.Clock.Now(), cfg.Location, cfg.PasswordParams
	cfg.Clock, cfg.Log, cfg.Location, cfg.PasswordParams, cfg.BaseURL, cfg.OnStatement = nil, nil, nil, nil, seedBaseURL, nil
	return devdb.Fixture{
		// Every field of the configuration, so that a new one that shapes
		// the data cannot be left out. (A pointer prints as its address,
		// which only keeps the test from sharing a template.)
		Key: fmt.Sprintf("handlers demo: now=%s location=%v password=%+v config=%+v", now.Format(time.RFC3339Nano), loc, params, cfg),
		Load: func(ctx context.Context, db devdb.TestDatabase) error {
			cfg.Clock, cfg.Location, cfg.PasswordParams = &fakeClock{now: now}, loc, params
			store, err := models.Open(ctx, db.URL, cfg)
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
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// client is a cookie-keeping HTTP client that does not follow redirects, so
// tests see every 303.
type client struct {
	app  *testApp
	http *http.Client
	jar  *cookiejar.Jar
}

func (a *testApp) newClient() *client {
	jar, _ := cookiejar.New(nil)
	return &client{app: a, jar: jar, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished request with its body read.
type response struct {
	Status   int
	Location string
	Body     string
	Header   http.Header
}

func (r response) Doc(t *testing.T) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func (c *client) do(req *http.Request) response {
	c.app.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.app.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Location: res.Header.Get("Location"), Body: string(b), Header: res.Header}
}

func (c *client) get(path string) response {
	c.app.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	return c.do(req)
}

// csrf returns the CSRF token cookie, fetching a page first when there is none.
func (c *client) csrf() string {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "nextstep_csrf" {
			return ck.Value
		}
	}
	c.get("/signin")
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "nextstep_csrf" {
			return ck.Value
		}
	}
	c.app.t.Fatal("no CSRF cookie")
	return ""
}

// post submits a form with the CSRF token, as the page's form would.
func (c *client) post(path string, form url.Values) response {
	c.app.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", c.csrf())
	return c.postRaw(path, form)
}

// postRaw submits a form exactly as given (no CSRF token added).
func (c *client) postRaw(path string, form url.Values) response {
	c.app.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// loginStaff signs in through the real staff login form.
func (c *client) loginStaff(email string) {
	c.app.t.Helper()
	res := c.post("/staff/login", url.Values{"email": {email}, "password": {models.DemoPassword}})
	if res.Status != http.StatusSeeOther {
		c.app.t.Fatalf("staff login for %s: status %d, body %.300s", email, res.Status, res.Body)
	}
}

// loginCandidate signs in through a one-time link, as the candidate would.
func (c *client) loginCandidate(email string) {
	c.app.t.Helper()
	link, err := c.app.Store.IssueSignInLink(context.Background(), email)
	if err != nil {
		c.app.t.Fatal(err)
	}
	path := strings.TrimPrefix(link, c.app.URL)
	if res := c.get(path); res.Status != http.StatusOK {
		c.app.t.Fatalf("opening sign-in link: %d", res.Status)
	}
	res := c.post(path, nil)
	if res.Status != http.StatusSeeOther || res.Location != "/me" {
		c.app.t.Fatalf("consuming sign-in link: %d → %q", res.Status, res.Location)
	}
}

// candidateID looks up a demo candidate by email.
func (a *testApp) candidateID(email string) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT id FROM candidates WHERE email = ?", email).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("candidate %s not found: %v", email, err)
	}
	return id
}

// applicationID looks up the (first) application of a demo candidate.
func (a *testApp) applicationID(email string) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = ? ORDER BY a.id LIMIT 1", email).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("application of %s not found: %v", email, err)
	}
	return id
}

const (
	adminEmail       = "admin@demo.nextstep.test"
	recruiterEmail   = "recruiter@demo.nextstep.test"
	managerEmail     = "manager@demo.nextstep.test"
	interviewerEmail = "interviewer@demo.nextstep.test"
)

// mustDB fails the test when a database statement the test relies on
// failed; an ignored error would let the test go on with empty data.
func mustDB(t testing.TB, res *gorm.DB) *gorm.DB {
	t.Helper()
	if res.Error != nil {
		t.Fatalf("database: %v", res.Error)
	}
	return res
}
