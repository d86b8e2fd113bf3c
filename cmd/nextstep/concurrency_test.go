package main

// Acceptance tests for booking seats on an assessment day under concurrency.
//
// Every test runs TWO real `nextstep serve` processes on one PostgreSQL
// database (the test binary re-executes itself as the server, see TestMain)
// and fires requests at both at once, the way two app instances behind a
// load balancer see a rush of candidates. Sessions live in PostgreSQL, so
// each candidate signs in on one server and books on the other.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

// childEnv tells the re-executed test binary to be a server instead of a test run.
const (
	childEnv = "NEXTSTEP_TEST_CHILD"
	// benchFloorEnv asks the child server for the benchmark's floor pages.
	benchFloorEnv = "NEXTSTEP_TEST_BENCH_FLOOR"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "serve" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		floor := func(cfg *Config) { cfg.benchmarkFloor = os.Getenv(benchFloorEnv) == "1" }
		err := runWith(ctx, []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, floor)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "nextstep test server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var migrator = devdb.Migrator{
	HashFunc: models.MigrationsHash,
	MigrateFunc: func(ctx context.Context, db *sql.DB, appRole string) error {
		return models.Migrate(ctx, db, nil, appRole, nil)
	},
}

const (
	racers        = 200 // candidates racing for one day
	raceCapacity  = 20  // seats on that day
	raceRounds    = 5   // rounds of the 200-racer race in TestBookingRace
	sessionSecret = "concurrency-test-session-secret-0123456789"
	filledUp      = "just filled up" // the words of the 409 page for a full day
)

// ---- the two server processes ----

// lockedBuffer collects a child's output; the child writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type serverProc struct {
	name    string
	base    string // http://127.0.0.1:port
	cmd     *exec.Cmd
	output  *lockedBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error
	retired bool // replaced after a failed start: its exit is no news
}

func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("finding a free port: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// childEnviron is the parent's environment without any Nextstep setting, so
// a developer's shell cannot change what the servers under test do.
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "NEXTSTEP_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// launchServer starts one `nextstep serve` process on dbURL, on a free port;
// extraEnv ("KEY=value") is added to, and overrides, its environment.
func launchServer(tb testing.TB, name, dbURL string, extraEnv ...string) *serverProc {
	tb.Helper()
	port := freePort(tb)
	s := &serverProc{name: name, base: fmt.Sprintf("http://127.0.0.1:%d", port), output: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(os.Args[0])
	s.cmd.Env = append(childEnviron(),
		childEnv+"=serve",
		"DATABASE_URL="+dbURL,
		fmt.Sprintf("NEXTSTEP_ADDR=127.0.0.1:%d", port),
		"NEXTSTEP_BASE_URL="+s.base,
		"NEXTSTEP_SESSION_SECRET="+sessionSecret,
		"NEXTSTEP_DB_MAX_CONNS=20",
		"NEXTSTEP_LOG_LEVEL=warn",
		"NEXTSTEP_ENV=development",
		"NEXTSTEP_DEV_SMTP_ADDR=off", // no development mailbox unless a test asks for one
	)
	s.cmd.Env = append(s.cmd.Env, extraEnv...)
	s.cmd.Stdout = s.output
	s.cmd.Stderr = s.output
	if err := s.cmd.Start(); err != nil {
		tb.Fatalf("starting %s: %v", name, err)
	}
	go func() { s.waitErr = s.cmd.Wait(); close(s.done) }()
	// Registered at once, so no server outlives the test, whatever fails next.
	tb.Cleanup(func() { s.stop(tb) })
	return s
}

// startServers starts n servers at once, as instances of one deployment
// would start, and waits until each answers /readyz. A server that does not
// become ready fails the test with its output.
func startServers(tb testing.TB, n int, dbURL string, extraEnv ...string) []*serverProc {
	tb.Helper()
	servers := make([]*serverProc, n)
	for i := range servers {
		servers[i] = launchServer(tb, fmt.Sprintf("server %c", 'A'+i), dbURL, extraEnv...)
	}
	deadline := time.Now().Add(20 * time.Second)
	for i := range servers {
		for attempt := 1; ; attempt++ {
			s := servers[i]
			ready, exited := s.waitReady(time.Until(deadline))
			if ready {
				break
			}
			out := s.output.String()
			if !exited {
				tb.Fatalf("%s (%s) did not become ready within 20 s; its output:\n%s", s.name, s.base, out)
			}
			// Someone took the port between our probe and the server's listen: try another.
			if strings.Contains(out, "address already in use") && attempt < 3 {
				s.retired = true
				servers[i] = launchServer(tb, s.name, dbURL, extraEnv...)
				continue
			}
			s.retired = true // reported here, not again at cleanup
			tb.Fatalf("%s (%s) exited before it was ready (%v); its output:\n%s", s.name, s.base, s.waitErr, out)
		}
	}
	return servers
}

// waitReady polls /readyz until 200, the process exits, or the time is up.
func (s *serverProc) waitReady(limit time.Duration) (ready, exited bool) {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return false, true
		default:
		}
		resp, err := client.Get(s.base + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true, false
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false, false
}

func (s *serverProc) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// stop ends the server with SIGTERM, as an orchestrator would, and checks it
// shut down cleanly and logged no error while the test ran.
func (s *serverProc) stop(tb testing.TB) {
	tb.Helper()
	if s.retired {
		return
	}
	select {
	case <-s.done:
		tb.Errorf("%s exited on its own before the test stopped it (%v); its output:\n%s", s.name, s.waitErr, s.output.String())
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(25 * time.Second):
		s.kill()
		tb.Errorf("%s did not stop within 25 s of SIGTERM; its output:\n%s", s.name, s.output.String())
		return
	}
	out := s.output.String()
	if s.waitErr != nil {
		tb.Errorf("%s exited with %v after SIGTERM; its output:\n%s", s.name, s.waitErr, out)
		return
	}
	var errLines []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "level=ERROR") {
			errLines = append(errLines, line)
		}
	}
	if len(errLines) > 0 {
		tb.Errorf("%s logged %d errors; the first ones:\n%s", s.name, len(errLines), strings.Join(errLines[:min(len(errLines), 10)], "\n"))
	} else if out != "" {
		tb.Logf("%s output (warnings):\n%s", s.name, out)
	}
}

// ---- the test environment ----

type raceEnv struct {
	tb         testing.TB
	ctx        context.Context
	store      *models.Store // the test's own connection, for set-up and checks
	servers    []*serverProc
	client     *http.Client
	admin      models.Actor
	positionID int64 // Account Executive: its pipeline has the assessment day
	days       int
}

// candidate is one signed-in candidate with an application at the assessment day stage.
type candidate struct {
	id, appID int64
	email     string
	signInSrv int          // server the candidate signed in on
	srv       int          // server the candidate's requests go to: the other one
	session   *http.Cookie // nextstep_session
}

func (c *candidate) actor() models.Actor {
	return models.Actor{Kind: "candidate", ID: c.id, Email: c.email, IP: "192.0.2.1"}
}

func newRaceEnv(tb testing.TB) *raceEnv {
	tb.Helper()
	ctx := context.Background()
	dbURL := devdb.TestDatabaseURL(tb, migrator)
	store, err := models.Open(ctx, dbURL, models.Config{MaxConns: 10, Links: views.Paths{}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	if _, err := store.SeedDemo(ctx); err != nil {
		tb.Fatalf("seeding demo data: %v", err)
	}
	e := &raceEnv{tb: tb, ctx: ctx, store: store}
	e.positionID = e.scalar("SELECT id FROM positions WHERE title = 'Account Executive'")
	adminID := e.scalar("SELECT id FROM staff_users WHERE lower(email) = lower(?)", models.DemoStaff()[0].Email)
	if e.positionID == 0 || adminID == 0 {
		tb.Fatalf("demo data lacks the Account Executive position or the admin (position %d, admin %d)", e.positionID, adminID)
	}
	e.admin = models.Actor{Kind: "staff", ID: adminID, Email: models.DemoStaff()[0].Email, Role: models.RoleAdmin, IP: "192.0.2.1"}

	transport := &http.Transport{
		MaxIdleConns: 2 * racers, MaxIdleConnsPerHost: racers, IdleConnTimeout: 90 * time.Second,
		DisableCompression: true,
	}
	e.client = &http.Client{
		Transport:     transport,
		Timeout:       60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	tb.Cleanup(transport.CloseIdleConnections) // runs before the servers stop: Cleanup is LIFO

	e.servers = startServers(tb, 2, dbURL)
	return e
}

func (e *raceEnv) scalar(query string, args ...any) int64 {
	e.tb.Helper()
	var n int64
	if err := e.store.DB().WithContext(e.ctx).Raw(query, args...).Scan(&n).Error; err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
	return n
}

func (e *raceEnv) exec(query string, args ...any) {
	e.tb.Helper()
	if err := e.store.DB().WithContext(e.ctx).Exec(query, args...).Error; err != nil {
		e.tb.Fatalf("%s: %v", query, err)
	}
}

// newDay schedules a day for the Account Executive position a week or more
// ahead, well before its 24-hour cutoff.
func (e *raceEnv) newDay(capacity int) int64 {
	e.tb.Helper()
	e.days++
	date := time.Now().UTC().AddDate(0, 0, 7+e.days)
	d, err := e.store.CreateAssessmentDay(e.ctx, e.admin, models.AssessmentDayInput{
		Title: fmt.Sprintf("Race day %d", e.days), Date: date.Format("2006-01-02"), StartTime: "09:00", EndTime: "16:00",
		TimeZone: "UTC", LocationAddress: "1 Test Street, London", Capacity: fmt.Sprint(capacity), CutoffHours: "24",
		PositionIDs: []int64{e.positionID},
	})
	if err != nil {
		e.tb.Fatalf("creating a day: %v", err)
	}
	return d.ID
}

// addCandidates bulk-inserts n candidates with an active application at the
// assessment day stage; the emails start with prefix.
func (e *raceEnv) addCandidates(prefix string, n int) []*candidate {
	e.tb.Helper()
	e.exec(`WITH c AS (INSERT INTO candidates (email, name)
			SELECT ? || g || '@example.com', 'Racer ' || ? || g FROM generate_series(1, ?) g RETURNING id)
		INSERT INTO applications (candidate_id, position_id, stage, status) SELECT c.id, ?, 'assessment_day', 'active' FROM c`,
		prefix, prefix, n, e.positionID)
	var rows []struct {
		ID    int64
		Email string
		AppID int64
	}
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT c.id, c.email, a.id AS app_id FROM candidates c
		JOIN applications a ON a.candidate_id = c.id WHERE c.email LIKE ? || '%' ORDER BY c.id`, prefix).Scan(&rows).Error; err != nil {
		e.tb.Fatal(err)
	}
	if len(rows) != n {
		e.tb.Fatalf("inserted %d candidates with prefix %q, found %d", n, prefix, len(rows))
	}
	out := make([]*candidate, n)
	for i, r := range rows {
		out[i] = &candidate{id: r.ID, appID: r.AppID, email: r.Email, signInSrv: i % 2, srv: (i + 1) % 2}
	}
	return out
}

// signIn signs every candidate in through a one-time link, on its signInSrv;
// their bookings then go to the other server with the same session.
func (e *raceEnv) signIn(cands []*candidate) {
	e.tb.Helper()
	errs := make([]error, len(cands))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = e.signInOne(c)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		e.tb.Fatalf("signing in: %v", err)
	}
}

func (e *raceEnv) signInOne(c *candidate) error {
	srv := e.servers[c.signInSrv]
	link, err := e.store.IssueSignInLink(e.ctx, c.email)
	if err != nil {
		return fmt.Errorf("%s: issuing link: %w", c.email, err)
	}
	link = srv.base + link[strings.Index(link, "/signin/"):] // the link of the server this racer uses
	req, err := http.NewRequest(http.MethodPost, link, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := e.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", c.email, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/me" {
		return fmt.Errorf("%s: sign-in answered %d (Location %q): %.300s", c.email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "nextstep_session" && ck.Value != "" {
			c.session = &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	if c.session == nil {
		return fmt.Errorf("%s: sign-in set no session cookie", c.email)
	}
	return nil
}

// result is one HTTP answer.
type result struct {
	status    int
	location  string
	requestID string // X-Request-Id, to find the request in the server's log
	body      string
	err       error
}

func (r result) String() string {
	if r.err != nil {
		return "transport error: " + r.err.Error()
	}
	// An HTML page is summed up by its title; anything else by its start.
	summary := r.body
	if i := strings.Index(summary, "<title>"); i >= 0 {
		summary = summary[i+len("<title>"):]
		if j := strings.Index(summary, "</title>"); j >= 0 {
			summary = "page " + strconv.Quote(summary[:j])
		}
	}
	if len(summary) > 200 {
		summary = summary[:200] + "…"
	}
	return fmt.Sprintf("status %d, Location %q, request id %s: %s", r.status, r.location, r.requestID, summary)
}

// won is a booking that went through: 303 to the confirmation page.
func (r result) won() bool {
	return r.err == nil && r.status == http.StatusSeeOther && strings.HasSuffix(r.location, "/assessment/confirmation")
}

// filledUp is the refusal for a full day.
func (r result) filledUp() bool {
	return r.err == nil && r.status == http.StatusConflict && strings.Contains(r.body, filledUp)
}

func (e *raceEnv) postRequest(c *candidate, action string, form url.Values) *http.Request {
	e.tb.Helper()
	u := fmt.Sprintf("%s/me/applications/%d/assessment/%s", e.servers[c.srv].base, c.appID, action)
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		e.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c.session)
	return req
}

func (e *raceEnv) bookRequest(c *candidate, dayID int64) *http.Request {
	return e.postRequest(c, "book", url.Values{"day_id": {fmt.Sprint(dayID)}})
}

func (e *raceEnv) cancelRequest(c *candidate) *http.Request {
	return e.postRequest(c, "cancel", url.Values{})
}

func (e *raceEnv) do(req *http.Request) result {
	resp, err := e.client.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, location: resp.Header.Get("Location"), requestID: resp.Header.Get("X-Request-Id"), body: string(body), err: err}
}

// race sends every request at once: each goroutine has its request ready and
// waits at the start line, which opens when all are there.
func (e *raceEnv) race(reqs []*http.Request) []result {
	out := make([]result, len(reqs))
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(len(reqs))
	for i, req := range reqs {
		done.Go(func() {
			ready.Done()
			<-start
			out[i] = e.do(req)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	return out
}

// dayState is what the database says about a day.
type dayState struct {
	seatsTaken, capacity, booked, offered int64
}

func (e *raceEnv) day(dayID int64) dayState {
	e.tb.Helper()
	var s dayState
	row := e.store.DB().WithContext(e.ctx).Raw(`SELECT d.seats_taken, d.capacity,
			(SELECT count(*) FROM assessment_bookings b WHERE b.day_id = d.id AND b.status = 'booked'),
			(SELECT count(*) FROM assessment_waitlist w WHERE w.day_id = d.id AND w.status = 'offered')
		FROM assessment_days d WHERE d.id = ?`, dayID).Row()
	if err := row.Scan(&s.seatsTaken, &s.capacity, &s.booked, &s.offered); err != nil {
		e.tb.Fatalf("reading day %d: %v", dayID, err)
	}
	return s
}

// checkDay asserts the seat counter's invariants: within [0, capacity] and
// equal to the booked seats plus the seats held for waitlist offers.
func (e *raceEnv) checkDay(dayID int64, when string) dayState {
	e.tb.Helper()
	s := e.day(dayID)
	if s.seatsTaken < 0 || s.seatsTaken > s.capacity {
		e.tb.Errorf("%s: day %d has seats_taken %d outside [0, %d]", when, dayID, s.seatsTaken, s.capacity)
	}
	if s.seatsTaken != s.booked+s.offered {
		e.tb.Errorf("%s: day %d has seats_taken %d but %d booked + %d offered", when, dayID, s.seatsTaken, s.booked, s.offered)
	}
	return s
}

// bookedApps lists the applications holding a booked seat on the day, with their row counts.
func (e *raceEnv) bookedApps(dayID int64) map[int64]int64 {
	e.tb.Helper()
	var rows []struct {
		ApplicationID int64
		N             int64
	}
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT application_id, count(*) AS n FROM assessment_bookings
		WHERE day_id = ? AND status = 'booked' GROUP BY application_id`, dayID).Scan(&rows).Error; err != nil {
		e.tb.Fatal(err)
	}
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.ApplicationID] = r.N
	}
	return out
}

// ---- the 200-racer round, shared by the test and the benchmark ----

type roundStats struct {
	wins, losses  int
	perServerWins [2]int
	elapsed       time.Duration
}

// bookingRound makes a 20-seat day, lets the candidates race for it through
// both servers, and checks the answers and the database. It returns problems
// as strings so the benchmark and the test can both report them.
func (e *raceEnv) bookingRound(cands []*candidate) (roundStats, []string) {
	e.tb.Helper()
	var st roundStats
	var problems []string
	dayID := e.newDay(raceCapacity)
	reqs := make([]*http.Request, len(cands))
	for i, c := range cands {
		reqs[i] = e.bookRequest(c, dayID)
	}
	t0 := time.Now()
	results := e.race(reqs)
	st.elapsed = time.Since(t0)

	winners := map[int64]bool{}
	unexpected := 0
	for i, r := range results {
		switch {
		case r.won():
			st.wins++
			st.perServerWins[cands[i].srv]++
			winners[cands[i].appID] = true
		case r.filledUp():
			st.losses++
		default:
			unexpected++
			if unexpected <= 5 {
				problems = append(problems, fmt.Sprintf("candidate %s on %s: unexpected answer %v", cands[i].email, e.servers[cands[i].srv].name, r))
			}
		}
	}
	if unexpected > 5 {
		problems = append(problems, fmt.Sprintf("… %d unexpected answers in all", unexpected))
	}
	if st.wins != raceCapacity {
		problems = append(problems, fmt.Sprintf("%d bookings went through for %d seats", st.wins, raceCapacity))
	}
	if st.losses != len(cands)-raceCapacity {
		problems = append(problems, fmt.Sprintf("%d answers said the day filled up, want %d", st.losses, len(cands)-raceCapacity))
	}
	s := e.day(dayID)
	if s.seatsTaken > s.capacity || s.seatsTaken != raceCapacity || s.booked != raceCapacity || s.offered != 0 {
		problems = append(problems, fmt.Sprintf("database: seats_taken %d, capacity %d, booked rows %d, offered %d; want %d, %d, %d, 0",
			s.seatsTaken, s.capacity, s.booked, s.offered, raceCapacity, raceCapacity, raceCapacity))
	}
	booked := e.bookedApps(dayID)
	for app, n := range booked {
		if !winners[app] {
			problems = append(problems, fmt.Sprintf("application %d holds a seat but its request was not answered with the confirmation", app))
		}
		if n != 1 {
			problems = append(problems, fmt.Sprintf("application %d has %d booked rows", app, n))
		}
	}
	for app := range winners {
		if booked[app] != 1 {
			problems = append(problems, fmt.Sprintf("application %d was sent to the confirmation but has %d booked rows", app, booked[app]))
		}
	}
	// Free the candidates for the next round: end the bookings by hand, keeping the counter true.
	e.exec(`UPDATE assessment_bookings SET status = 'cancelled', ended_at = now(), updated_at = now() WHERE day_id = ? AND status = 'booked'`, dayID)
	e.exec(`UPDATE assessment_days SET seats_taken = 0 WHERE id = ?`, dayID)
	return st, problems
}

// ---- the tests ----

// TestBookingRace: 200 candidates, 20 seats, two servers, all at once, five times.
func TestBookingRace(t *testing.T) {
	e := newRaceEnv(t)
	cands := e.addCandidates("race-", racers)
	t0 := time.Now()
	e.signIn(cands)
	t.Logf("signed in %d candidates in %v", len(cands), time.Since(t0).Round(time.Millisecond))
	for round := 1; round <= raceRounds; round++ {
		st, problems := e.bookingRound(cands)
		for _, p := range problems {
			t.Errorf("round %d: %s", round, p)
		}
		t.Logf("round %d: %d booked (%d via server A, %d via server B), %d filled up, in %v",
			round, st.wins, st.perServerWins[0], st.perServerWins[1], st.losses, st.elapsed.Round(time.Millisecond))
		if t.Failed() {
			return
		}
	}
}

// TestLastSeatRace: 19 of 20 seats taken, 50 candidates race for the last one.
func TestLastSeatRace(t *testing.T) {
	e := newRaceEnv(t)
	racersForLast := e.addCandidates("last-", 50)
	e.signIn(racersForLast)
	for round := 1; round <= 3; round++ {
		dayID := e.newDay(raceCapacity)
		for _, c := range e.addCandidates(fmt.Sprintf("holder%d-", round), raceCapacity-1) {
			if _, err := e.store.BookSeat(e.ctx, c.actor(), c.appID, dayID); err != nil {
				t.Fatalf("round %d: booking a seat for %s: %v", round, c.email, err)
			}
		}
		if s := e.checkDay(dayID, "before the race"); s.seatsTaken != raceCapacity-1 {
			t.Fatalf("round %d: seats_taken %d before the race, want %d", round, s.seatsTaken, raceCapacity-1)
		}
		reqs := make([]*http.Request, len(racersForLast))
		for i, c := range racersForLast {
			reqs[i] = e.bookRequest(c, dayID)
		}
		results := e.race(reqs)
		var winner *candidate
		wins, losses, unexpected := 0, 0, 0
		for i, r := range results {
			switch {
			case r.won():
				wins++
				winner = racersForLast[i]
			case r.filledUp():
				losses++
			default:
				if unexpected++; unexpected <= 5 {
					t.Errorf("round %d: %s: unexpected answer %v", round, racersForLast[i].email, r)
				}
			}
		}
		if wins != 1 || losses != len(racersForLast)-1 {
			t.Fatalf("round %d: %d won and %d were told the day filled up; want exactly 1 and %d", round, wins, losses, len(racersForLast)-1)
		}
		s := e.checkDay(dayID, fmt.Sprintf("round %d", round))
		if s.seatsTaken != raceCapacity || s.booked != raceCapacity {
			t.Errorf("round %d: seats_taken %d, booked %d; want %d and %d", round, s.seatsTaken, s.booked, raceCapacity, raceCapacity)
		}
		if n := e.bookedApps(dayID)[winner.appID]; n != 1 {
			t.Errorf("round %d: the winner %s has %d booked rows on the day, want 1", round, winner.email, n)
		}
		t.Logf("round %d: %s won the last seat through %s", round, winner.email, e.servers[winner.srv].name)
		// The winner gives the seat back (through the store) and races again next round.
		if err := e.store.CancelSeat(e.ctx, winner.actor(), winner.appID); err != nil {
			t.Fatalf("round %d: cancelling the winner's seat: %v", round, err)
		}
		e.checkDay(dayID, fmt.Sprintf("round %d, after the winner cancelled", round))
	}
}

// TestDoubleSubmitOneBooking: one candidate sends the same booking ten times
// at once through both servers; every answer is the confirmation, and there
// is one booking, one seat taken and one confirmation email.
func TestDoubleSubmitOneBooking(t *testing.T) {
	e := newRaceEnv(t)
	dayID := e.newDay(raceCapacity)
	cands := e.addCandidates("double-", 5)
	e.signIn(cands)
	for k, c := range cands {
		reqs := make([]*http.Request, 10)
		for i := range reqs {
			c.srv = i % 2 // half to each server, with the one session
			reqs[i] = e.bookRequest(c, dayID)
		}
		for i, r := range e.race(reqs) {
			if !r.won() {
				t.Errorf("%s, request %d: want 303 to the confirmation, got %v", c.email, i, r)
			}
		}
		s := e.checkDay(dayID, c.email)
		if s.seatsTaken != int64(k+1) {
			t.Errorf("after %s: seats_taken %d, want %d", c.email, s.seatsTaken, k+1)
		}
		if n := e.scalar(`SELECT count(*) FROM assessment_bookings WHERE application_id = ? AND status = 'booked'`, c.appID); n != 1 {
			t.Errorf("%s has %d booked rows, want 1", c.email, n)
		}
		if n := e.scalar(`SELECT count(*) FROM assessment_bookings WHERE application_id = ?`, c.appID); n != 1 {
			t.Errorf("%s has %d booking rows in all, want 1", c.email, n)
		}
		if n := e.scalar(`SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = 'assessment_booked'`, c.id); n != 1 {
			t.Errorf("%s got %d booking confirmations, want 1", c.email, n)
		}
	}
}

// TestCancelAndBookOnFullDay: on a full 5-seat day with 3 people waiting, the
// 5 seat holders cancel while 20 others try to book, all at once. The freed
// seats go to the waitlist first, the rest to the racers; the counter never
// leaves [0, capacity] and always equals booked + offered. A cancelled seat
// can be booked again by its original candidate once one is free.
func TestCancelAndBookOnFullDay(t *testing.T) {
	const (
		capacity = 5
		waiting  = 3
		bookers  = 20
		rounds   = 5
	)
	e := newRaceEnv(t)
	var lastDay int64
	var lastHolders, lastWinners []*candidate
	var lastWaiters []*candidate
	for round := 1; round <= rounds; round++ {
		dayID := e.newDay(capacity)
		holders := e.addCandidates(fmt.Sprintf("cb%d-holder-", round), capacity)
		waiters := e.addCandidates(fmt.Sprintf("cb%d-waiter-", round), waiting)
		racersHere := e.addCandidates(fmt.Sprintf("cb%d-racer-", round), bookers)
		e.signIn(append(slices.Clone(holders), racersHere...))
		for _, c := range holders {
			if r := e.do(e.bookRequest(c, dayID)); !r.won() {
				t.Fatalf("round %d: %s booking the day: %v", round, c.email, r)
			}
		}
		for _, c := range waiters {
			if err := e.store.JoinWaitlist(e.ctx, c.actor(), c.appID, dayID); err != nil {
				t.Fatalf("round %d: %s joining the waitlist: %v", round, c.email, err)
			}
		}
		if s := e.checkDay(dayID, "before the race"); s.seatsTaken != capacity {
			t.Fatalf("round %d: the day is not full before the race: %+v", round, s)
		}

		var reqs []*http.Request
		for _, c := range holders {
			reqs = append(reqs, e.cancelRequest(c))
		}
		for _, c := range racersHere {
			reqs = append(reqs, e.bookRequest(c, dayID))
		}
		results := e.race(reqs)
		var winners []*candidate
		for i, r := range results[:capacity] {
			if r.err != nil || r.status != http.StatusSeeOther || !strings.HasSuffix(r.location, "/assessment") {
				t.Errorf("round %d: %s cancelling: want 303 to the assessment page, got %v", round, holders[i].email, r)
			}
		}
		for i, r := range results[capacity:] {
			switch {
			case r.won():
				winners = append(winners, racersHere[i])
			case r.filledUp():
			default:
				t.Errorf("round %d: %s booking: unexpected answer %v", round, racersHere[i].email, r)
			}
		}
		s := e.checkDay(dayID, fmt.Sprintf("round %d", round))
		// Every freed seat went to the waitlist while someone waited: all three hold an offer.
		if s.offered != waiting {
			t.Errorf("round %d: %d waitlist offers, want %d", round, s.offered, waiting)
		}
		if len(winners) > capacity-waiting || s.booked != int64(len(winners)) {
			t.Errorf("round %d: %d racers were told they booked, %d booked rows; want the same number, at most %d",
				round, len(winners), s.booked, capacity-waiting)
		}
		if n := e.scalar(`SELECT count(*) FROM assessment_bookings WHERE day_id = ? AND status = 'booked' AND application_id IN ?`,
			dayID, appIDs(holders)); n != 0 {
			t.Errorf("round %d: %d seat holders still hold their seat after cancelling", round, n)
		}
		t.Logf("round %d: %d of %d racers booked; seats_taken %d = %d booked + %d offered", round, len(winners), bookers, s.seatsTaken, s.booked, s.offered)
		if t.Failed() {
			return
		}
		lastDay, lastHolders, lastWinners, lastWaiters = dayID, holders, winners, waiters
	}

	// Re-booking a cancelled seat on the last day. First the racers who won cancel.
	for _, c := range lastWinners {
		if r := e.do(e.cancelRequest(c)); r.status != http.StatusSeeOther {
			t.Fatalf("%s cancelling: %v", c.email, r)
		}
	}
	s := e.checkDay(lastDay, "after the winners cancelled")
	if s.seatsTaken != waiting || s.booked != 0 {
		t.Fatalf("after the winners cancelled: %+v, want %d seats taken by offers only", s, waiting)
	}
	// Two seats are free: two original holders take them back; the third is told the day is full.
	for i, c := range lastHolders[:3] {
		r := e.do(e.bookRequest(c, lastDay))
		if i < capacity-waiting && !r.won() {
			t.Errorf("%s re-booking a free seat: want the confirmation, got %v", c.email, r)
		}
		if i >= capacity-waiting && !r.filledUp() {
			t.Errorf("%s booking a full day: want 409 %q, got %v", c.email, filledUp, r)
		}
	}
	e.checkDay(lastDay, "after re-booking")
	// A waiter declines the offer: the seat is free again (nobody else waits) and the third holder gets it.
	var entryID int64
	entryID = e.scalar(`SELECT id FROM assessment_waitlist WHERE day_id = ? AND application_id = ? AND status = 'offered'`, lastDay, lastWaiters[0].appID)
	if err := e.store.LeaveWaitlist(e.ctx, lastWaiters[0].actor(), lastWaiters[0].appID, entryID); err != nil {
		t.Fatalf("declining an offer: %v", err)
	}
	if s := e.checkDay(lastDay, "after a declined offer"); s.seatsTaken != capacity-1 {
		t.Errorf("after a declined offer: seats_taken %d, want %d", s.seatsTaken, capacity-1)
	}
	if r := e.do(e.bookRequest(lastHolders[2], lastDay)); !r.won() {
		t.Errorf("%s re-booking the declined seat: want the confirmation, got %v", lastHolders[2].email, r)
	}
	s = e.checkDay(lastDay, "at the end")
	if s.seatsTaken != capacity || s.booked != 3 || s.offered != waiting-1 {
		t.Errorf("at the end: %+v, want %d seats taken: 3 booked, %d offered", s, capacity, waiting-1)
	}
	for _, c := range lastHolders[:3] {
		if n := e.scalar(`SELECT count(*) FROM assessment_bookings WHERE application_id = ? AND day_id = ? AND status = 'booked'`, c.appID, lastDay); n != 1 {
			t.Errorf("%s has %d booked rows on the day, want 1", c.email, n)
		}
		if n := e.scalar(`SELECT count(*) FROM assessment_bookings WHERE application_id = ? AND day_id = ? AND status = 'cancelled'`, c.appID, lastDay); n != 1 {
			t.Errorf("%s has %d cancelled rows on the day, want 1", c.email, n)
		}
	}
}

func appIDs(cands []*candidate) []int64 {
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.appID
	}
	return ids
}

// benchRoundsPerOp is how many 200-racer rounds one benchmark operation runs.
// A round takes about a second, so with the default -benchtime of 1s the
// framework would stop at b.N = 1; batching makes `make bench` run many more
// rounds than the test does.
const benchRoundsPerOp = 10

// BenchmarkBookingRace runs the 200-racer round of TestBookingRace
// benchRoundsPerOp × b.N times, each checked like in the test. ns/op is per
// batch; ms/race is the time from the start line to the last answer.
func BenchmarkBookingRace(b *testing.B) {
	e := newRaceEnv(b)
	cands := e.addCandidates("bench-", racers)
	e.signIn(cands)
	var total time.Duration
	rounds := 0
	b.ResetTimer()
	for range b.N {
		for range benchRoundsPerOp {
			st, problems := e.bookingRound(cands)
			if len(problems) > 0 {
				b.Fatalf("round %d: %s", rounds+1, strings.Join(problems, "\n"))
			}
			total += st.elapsed
			rounds++
		}
	}
	b.StopTimer()
	race := total / time.Duration(rounds)
	b.ReportMetric(float64(race.Microseconds())/1000, "ms/race")
	b.ReportMetric(float64(racers)/race.Seconds(), "requests/s")
	b.ReportMetric(0, "ns/op") // a batch of rounds is not a useful unit
}
