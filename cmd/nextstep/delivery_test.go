package main

// Acceptance tests for email delivery across real `nextstep serve` processes
// (see concurrency_test.go for how the test binary becomes a server). Every
// outbox message is committed with its River delivery job; these tests check
// the promise that follows from that: a committed message is sent exactly
// once, whether the server dies before it could send, no server runs at all
// when it is written, or two servers compete for the same queue.

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
	"nextstep/views"
)

const (
	mailRetryBase   = 300 * time.Millisecond // short, so a refused attempt is retried within the test
	mailMaxAttempts = 20                     // far more than the tests use: no message may end up failed
	mailFrom        = "Nextstep Test <jobs@nextstep.test>"
)

// newMailEnv is a fresh database with the demo data and the test's own store,
// and no server yet. Jobs written through this store carry mailMaxAttempts.
func newMailEnv(t *testing.T) (e *raceEnv, dbURL string) {
	t.Helper()
	ctx := t.Context()
	dbURL = devdb.TestDatabaseURL(t, migrator)
	store, err := models.Open(ctx, dbURL, models.Config{MaxConns: 10, MailMaxAttempts: mailMaxAttempts, Links: views.Paths{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.SeedDemo(ctx); err != nil {
		t.Fatalf("seeding demo data: %v", err)
	}
	e = &raceEnv{tb: t, ctx: ctx, store: store}
	e.positionID = e.scalar("SELECT id FROM positions WHERE title = 'Account Executive'")
	if e.positionID == 0 {
		t.Fatal("demo data lacks the Account Executive position")
	}
	// The demo's own messages (queued by the use cases that built it) are
	// not what these tests count.
	for _, q := range []string{"DELETE FROM river_job WHERE kind = 'deliver_message'", "DELETE FROM outbox_messages"} {
		if err := store.DB().Exec(q).Error; err != nil {
			t.Fatalf("clearing the demo's messages: %v", err)
		}
	}
	if n := e.scalar("SELECT count(*) FROM outbox_messages"); n != 0 {
		t.Fatalf("the demo data already has %d outbox messages; the counts below assume none", n)
	}
	return e, dbURL
}

// mailServerEnv turns delivery on in a server process, to the SMTP server at smtpURL.
func mailServerEnv(smtpURL string) []string {
	return []string{
		"NEXTSTEP_SMTP_URL=" + smtpURL,
		"NEXTSTEP_MAIL_FROM=" + mailFrom,
		"NEXTSTEP_MAIL_WORKERS=4",
		"NEXTSTEP_MAIL_RETRY_BASE=" + mailRetryBase.String(),
		fmt.Sprintf("NEXTSTEP_MAIL_MAX_ATTEMPTS=%d", mailMaxAttempts),
	}
}

func startSink(t *testing.T, addr string) *devdb.SMTPSink {
	t.Helper()
	sink, err := devdb.StartSMTPSink(addr)
	if err != nil {
		t.Fatalf("starting the SMTP sink on %s: %v", addr, err)
	}
	t.Cleanup(func() { sink.Close() })
	return sink
}

// outboxRow is what the tests read back about one message.
type outboxRow struct {
	ID        int64
	ToEmail   string
	Status    string
	Attempts  int
	LastError string
	SentAt    *time.Time
	MessageID string
}

func (e *raceEnv) outbox() []outboxRow {
	e.tb.Helper()
	var rows []outboxRow
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT id, to_email, status, attempts, last_error, sent_at, message_id
		FROM outbox_messages ORDER BY id`).Scan(&rows).Error; err != nil {
		e.tb.Fatal(err)
	}
	return rows
}

// jobStates counts the delivery jobs by River state.
func (e *raceEnv) jobStates() map[string]int64 {
	e.tb.Helper()
	var rows []struct {
		State string
		N     int64
	}
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT state::text AS state, count(*) AS n FROM river_job
		WHERE kind = 'deliver_message' GROUP BY state`).Scan(&rows).Error; err != nil {
		e.tb.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out
}

// requestLinks asks for one sign-in link for each email, eight at a time,
// through the test's store, each in its own transaction with its job.
func (e *raceEnv) requestLinks(emails []string) {
	e.tb.Helper()
	errs := make([]error, len(emails))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, email := range emails {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = e.store.RequestCandidateLink(e.ctx, email, "192.0.2.1")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.tb.Fatalf("requesting a sign-in link for %s: %v", emails[i], err)
		}
	}
}

// waitAllSent waits until each of the want messages is sent; a message that
// failed, or the time running out, fails the test with the outbox as it is.
func (e *raceEnv) waitAllSent(want int, limit time.Duration, servers ...*serverProc) []outboxRow {
	e.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		rows := e.outbox()
		sent := 0
		for _, r := range rows {
			switch r.Status {
			case string(models.MessageSent):
				sent++
			case string(models.MessageFailed):
				e.tb.Fatalf("message %d to %s failed after %d attempts: %s", r.ID, r.ToEmail, r.Attempts, r.LastError)
			}
		}
		if len(rows) == want && sent == want {
			return rows
		}
		if time.Now().After(deadline) {
			var b strings.Builder
			for _, r := range rows {
				if r.Status != string(models.MessageSent) {
					fmt.Fprintf(&b, "\n  message %d to %s: %s, %d attempts, last error %q", r.ID, r.ToEmail, r.Status, r.Attempts, r.LastError)
				}
			}
			for _, s := range servers {
				fmt.Fprintf(&b, "\n%s output:\n%s", s.name, s.output.String())
			}
			e.tb.Fatalf("after %v: %d messages, %d sent, want %d sent; jobs %v; not sent:%s", limit, len(rows), sent, want, e.jobStates(), b.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkSentOnce compares what the sink received with the sent rows: one
// email per row, with the row's Message-ID and addressee, none twice, and
// perRecipient emails to each address. It waits a second first, so a late
// duplicate has time to arrive.
func checkSentOnce(t *testing.T, sink *devdb.SMTPSink, rows []outboxRow, perRecipient map[string]int) {
	t.Helper()
	if _, err := sink.WaitFor(len(rows), 10*time.Second); err != nil {
		t.Fatalf("the sink: %v", err)
	}
	time.Sleep(time.Second)
	msgs := sink.Messages()
	if len(msgs) != len(rows) {
		t.Errorf("the SMTP server received %d emails for %d messages", len(msgs), len(rows))
	}
	for addr, want := range perRecipient {
		if got := len(sink.To(addr)); got != want {
			t.Errorf("%s received %d emails, want %d", addr, got, want)
		}
	}
	received := map[string][]devdb.ReceivedMail{} // by Message-ID header
	for _, m := range msgs {
		id := m.Header.Get("Message-Id")
		if id == "" {
			t.Errorf("an email to %v has no Message-ID header", m.Recipients)
		}
		received[id] = append(received[id], m)
	}
	for id, ms := range received {
		if len(ms) > 1 {
			t.Errorf("Message-ID %s arrived %d times (to %v)", id, len(ms), ms[0].Recipients)
		}
	}
	for _, r := range rows {
		if r.MessageID == "" || r.SentAt == nil {
			t.Errorf("message %d is sent but has Message-ID %q and sent_at %v", r.ID, r.MessageID, r.SentAt)
			continue
		}
		ms := received["<"+r.MessageID+">"]
		if len(ms) != 1 {
			t.Errorf("message %d to %s (Message-ID %s) arrived %d times, want 1", r.ID, r.ToEmail, r.MessageID, len(ms))
			continue
		}
		if rc := ms[0].Recipients; len(rc) != 1 || !strings.EqualFold(rc[0], r.ToEmail) {
			t.Errorf("message %d is for %s but its email went to %v", r.ID, r.ToEmail, rc)
		}
	}
}

// checkJobsDone asserts that all want delivery jobs completed.
func (e *raceEnv) checkJobsDone(want int) {
	e.tb.Helper()
	states := e.jobStates()
	if states["completed"] != int64(want) || len(states) != 1 {
		e.tb.Errorf("delivery jobs by state: %v; want all %d completed", states, want)
	}
}

// killQuietly kills s at a moment when no delivery job is running and none
// is due within the next 150 ms: the kill falls between a refused attempt and
// the next one, never in the middle of a send (River would only re-run a job
// killed mid-send after NEXTSTEP_MAIL_RESCUE_AFTER, minutes later).
func (e *raceEnv) killQuietly(s *serverProc, limit time.Duration) {
	e.tb.Helper()
	deadline := time.Now().Add(limit)
	for {
		var busy int64
		if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT count(*) FROM river_job WHERE kind = 'deliver_message'
			AND (state NOT IN ('available', 'retryable') OR scheduled_at < now() + interval '150 milliseconds')`).Scan(&busy).Error; err != nil {
			e.tb.Fatal(err)
		}
		if busy == 0 {
			s.kill()
			s.retired = true // killed on purpose: its exit is no news at cleanup
			return
		}
		if time.Now().After(deadline) {
			e.tb.Fatalf("no quiet moment to kill %s within %v: jobs %v", s.name, limit, e.jobStates())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMessageSurvivesServerKill: messages are committed while the SMTP server
// is down; the server tries, fails, and is killed with SIGKILL. When the SMTP
// server and a new server process are back, every message is sent, exactly
// once, with exactly one more attempt than before the kill.
func TestMessageSurvivesServerKill(t *testing.T) {
	e, dbURL := newMailEnv(t)
	// The SMTP server is down: nothing listens on its address. (Not a sink
	// started and closed at once: its Close can run before its Serve has
	// registered the listener, and then the "closed" sink keeps accepting.)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	smtpURL := "smtp://" + addr + "?starttls=none"
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatalf("something listens on %s, the address of the SMTP server that should be down", addr)
	}

	servers := startServers(t, 1, dbURL, mailServerEnv(smtpURL)...)
	first := servers[0]
	recipients := []string{"amelia.hart@example.com", "ben.okafor@example.com", "chloe.dubois@example.com",
		"daniel.kim@example.com", "farid.haddad@example.com", "grace.liu@example.com"}
	e.requestLinks(recipients)
	if n := len(e.outbox()); n != len(recipients) {
		t.Fatalf("%d outbox messages after %d link requests", n, len(recipients))
	}

	// The running server picks the messages up and is refused, at least twice each.
	deadline := time.Now().Add(15 * time.Second)
	for {
		tried := 0
		for _, r := range e.outbox() {
			if r.Status == string(models.MessageSent) || r.Status == string(models.MessageFailed) {
				t.Fatalf("message %d to %s is %s while the SMTP server is down", r.ID, r.ToEmail, r.Status)
			}
			if r.Attempts >= 2 && r.LastError != "" {
				tried++
			}
		}
		if tried == len(recipients) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not try every message twice within 15 s: %+v; jobs %v; its output:\n%s", e.outbox(), e.jobStates(), first.output.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.killQuietly(first, 10*time.Second)

	before := map[int64]int{}
	for _, r := range e.outbox() {
		if r.Status != string(models.MessageQueued) || r.SentAt != nil {
			t.Fatalf("after the kill, message %d to %s is %s (sent at %v), want queued and unsent", r.ID, r.ToEmail, r.Status, r.SentAt)
		}
		if !strings.Contains(r.LastError, "refused") {
			t.Errorf("message %d: last error %q does not say the connection was refused", r.ID, r.LastError)
		}
		before[r.ID] = r.Attempts
	}
	if states := e.jobStates(); states["available"]+states["retryable"] != int64(len(recipients)) {
		t.Fatalf("after the kill the jobs are %v, want all %d waiting for a retry", states, len(recipients))
	}
	t.Logf("killed %s after these attempts per message: %v", first.name, before)

	// The SMTP server comes back on the same address; with no Nextstep server
	// running nothing may arrive.
	sink := startSink(t, addr)
	if sink.URL() != smtpURL {
		t.Fatalf("the sink's URL %s is not the one the servers use, %s", sink.URL(), smtpURL)
	}
	time.Sleep(time.Second)
	if n := sink.Count(); n != 0 {
		t.Fatalf("%d emails arrived while no server was running", n)
	}

	t0 := time.Now()
	second := startServers(t, 1, dbURL, mailServerEnv(smtpURL)...)[0]
	second.name = "server A (restarted)"
	rows := e.waitAllSent(len(recipients), 30*time.Second, second)
	t.Logf("all %d messages sent %v after the restart", len(rows), time.Since(t0).Round(time.Millisecond))

	perRecipient := map[string]int{}
	for _, r := range recipients {
		perRecipient[r] = 1
	}
	checkSentOnce(t, sink, rows, perRecipient)
	for _, r := range e.outbox() { // read again: a late duplicate attempt would show here
		if r.Attempts != before[r.ID]+1 {
			t.Errorf("message %d to %s: %d attempts, want %d (%d before the kill, then one that succeeded)",
				r.ID, r.ToEmail, r.Attempts, before[r.ID]+1, before[r.ID])
		}
	}
	e.checkJobsDone(len(recipients))
}

// TestMessageCommittedWithNoServerIsSentOnce: messages are committed while no
// server runs at all, the worst case of a crash right after the commit. The
// first server to start sends each of them exactly once, at the first attempt.
func TestMessageCommittedWithNoServerIsSentOnce(t *testing.T) {
	e, dbURL := newMailEnv(t)
	sink := startSink(t, "127.0.0.1:0")
	recipients := []string{"ben.okafor@example.com", "kemi.adeyemi@example.com", "maya.patel@example.com", "noah.schmidt@example.com"}
	e.requestLinks(recipients)
	e.requestLinks(recipients[:2]) // two links each for the first two
	want := len(recipients) + 2
	rows := e.outbox()
	if len(rows) != want {
		t.Fatalf("%d outbox messages after %d link requests", len(rows), want)
	}
	for _, r := range rows {
		if r.Status != string(models.MessageQueued) || r.Attempts != 0 {
			t.Fatalf("with no server, message %d is %s after %d attempts; want queued, untried", r.ID, r.Status, r.Attempts)
		}
	}
	if states := e.jobStates(); states["available"] != int64(want) || len(states) != 1 {
		t.Fatalf("delivery jobs by state: %v; want %d available", states, want)
	}

	srv := startServers(t, 1, dbURL, mailServerEnv(sink.URL())...)[0]
	rows = e.waitAllSent(want, 20*time.Second, srv)
	checkSentOnce(t, sink, rows, map[string]int{recipients[0]: 2, recipients[1]: 2, recipients[2]: 1, recipients[3]: 1})
	for _, r := range e.outbox() {
		if r.Attempts != 1 {
			t.Errorf("message %d to %s took %d attempts, want 1", r.ID, r.ToEmail, r.Attempts)
		}
	}
	e.checkJobsDone(want)
}

// TestTwoServersSendEachMessageOnce: two server processes deliver from one
// queue to one SMTP server. Half of the 100 messages wait before the servers
// start (both rush at the backlog), half are written while they run. Each
// is sent once: one email per message, no Message-ID twice, one attempt each.
func TestTwoServersSendEachMessageOnce(t *testing.T) {
	const people = 50 // two links each: 100 messages
	e, dbURL := newMailEnv(t)
	sink := startSink(t, "127.0.0.1:0")
	var emails []string
	for _, c := range e.addCandidates("mail-", people) {
		emails = append(emails, c.email)
	}
	e.requestLinks(emails) // the backlog
	servers := startServers(t, 2, dbURL, mailServerEnv(sink.URL())...)
	t0 := time.Now()
	e.requestLinks(emails) // while both servers deliver
	rows := e.waitAllSent(2*people, 30*time.Second, servers...)
	t.Logf("%d messages sent by two servers %v after they started", len(rows), time.Since(t0).Round(time.Millisecond))

	perRecipient := map[string]int{}
	for _, email := range emails {
		perRecipient[email] = 2
	}
	checkSentOnce(t, sink, rows, perRecipient)
	for _, r := range e.outbox() {
		if r.Attempts != 1 {
			t.Errorf("message %d to %s took %d attempts, want 1 (the SMTP server accepted everything)", r.ID, r.ToEmail, r.Attempts)
		}
	}
	e.checkJobsDone(2 * people)
	var runs []struct {
		Client string
		N      int64
	}
	if err := e.store.DB().WithContext(e.ctx).Raw(`SELECT attempted_by[1] AS client, count(*) AS n FROM river_job
		WHERE kind = 'deliver_message' GROUP BY 1 ORDER BY 1`).Scan(&runs).Error; err != nil {
		t.Fatal(err)
	}
	if n := e.scalar(`SELECT count(*) FROM river_job WHERE kind = 'deliver_message' AND cardinality(attempted_by) <> 1`); n != 0 {
		t.Errorf("%d delivery jobs were run by more than one worker", n)
	}
	t.Logf("jobs per River client: %+v", runs)
}
