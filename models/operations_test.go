package models_test

import (
	"sync"
	"testing"
	"time"

	"nextstep/devdb"
	"nextstep/models"
)

// The job queue's depth, read at scrape time, counts waiting jobs by queue
// and state, and nothing finished; a task's last success skips later
// failures and unfinished runs.
func TestOperationsReadings(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	ctx := t.Context()
	mustDB(t, store.DB().Exec("DELETE FROM river_job"))
	for _, j := range []struct{ queue, state string }{
		{"mail", "available"}, {"mail", "available"}, {"mail", "scheduled"}, {"scheduled", "retryable"},
		{"mail", "completed"}, {"mail", "discarded"}, {"mail", "running"},
	} {
		mustDB(t, store.DB().Exec(`INSERT INTO river_job (kind, args, max_attempts, queue, state, scheduled_at, finalized_at)
			VALUES ('deliver_message', '{}', 5, ?, ?::river_job_state, now(), CASE WHEN ? IN ('completed', 'discarded') THEN now() END)`, j.queue, j.state, j.state))
	}
	depth, err := store.JobQueueDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]string]int64{}
	for _, d := range depth {
		got[[2]string{d.Queue, d.State}] = d.Jobs
	}
	want := map[[2]string]int64{{"mail", "available"}: 2, {"mail", "scheduled"}: 1, {"scheduled", "retryable"}: 1}
	if len(got) != len(want) {
		t.Errorf("queue depth %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("queue depth %v = %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if err := store.JobQueueReady(ctx); err != nil {
		t.Errorf("the job queue's tables answer, yet: %v", err)
	}

	base := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, r := range []struct {
		task     string
		at       time.Time
		finished bool
		err      string
	}{
		{"alpha", base, true, ""},
		{"alpha", base.Add(time.Hour), true, "refused"}, // a later failure
		{"alpha", base.Add(2 * time.Hour), false, ""},   // a later run that never finished
		{"beta", base.Add(time.Hour), false, ""},        // never finished
		{"gamma", base.Add(3 * time.Hour), true, ""},    // not asked about
		{"alpha", base.Add(-time.Hour), true, ""},       // an older success
	} {
		var finished *time.Time
		if r.finished {
			f := r.at.Add(time.Minute)
			finished = &f
		}
		mustDB(t, store.DB().Exec("INSERT INTO scheduled_runs (task, started_at, finished_at, error) VALUES (?, ?, ?, ?)", r.task, r.at, finished, r.err))
	}
	last, err := store.ScheduledLastSuccess(ctx, []string{"alpha", "beta"})
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 1 || !last["alpha"].Equal(base.Add(time.Minute)) {
		t.Errorf("last successes %v, want only alpha at %v", last, base.Add(time.Minute))
	}
}

// recorder is an Observer that remembers what it was told.
type recorder struct {
	mu   sync.Mutex
	told map[string]int
}

func (r *recorder) add(event string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.told[event]++
}

func (r *recorder) count(event string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.told[event]
}

func (r *recorder) MessageSent(kind string)    { r.add("sent " + kind) }
func (r *recorder) MessageFailed(kind string)  { r.add("failed " + kind) }
func (r *recorder) SignInFailed(reason string) { r.add("sign-in " + reason) }
func (r *recorder) JobFailed(kind string)      { r.add("job " + kind) }

// The observer is told once of a message sent, once of a message failed for
// good, of each failed delivery attempt, and of a wrong password.
func TestObserverIsToldWhatHappened(t *testing.T) {
	t.Parallel()
	rec := &recorder{told: map[string]int{}}
	db := devdb.NewFixtureDatabase(t, migrator, demoFixture)
	cfg := testStoreConfig(&fakeClock{now: testNow})
	cfg.Observer = rec
	store, err := models.Open(t.Context(), db.URL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	storeDSN.Store(store, db.URL)
	sink := startMail(t, store)
	sink.FailNext(2) // two temporary refusals, then accepted
	if err := store.RequestCandidateLink(t.Context(), "ben.okafor@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	waitForStatus(t, store, lastMessageTo(t, store, "ben.okafor@example.com").ID, models.MessageSent)
	sink.RefuseAll(true) // a permanent refusal: failed at once
	if err := store.RequestCandidateLink(t.Context(), "chloe.dubois@example.com", "192.0.2.7"); err != nil {
		t.Fatal(err)
	}
	waitForStatus(t, store, lastMessageTo(t, store, "chloe.dubois@example.com").ID, models.MessageFailed)
	if _, err := store.Authenticate(t.Context(), "recruiter@demo.nextstep.test", "not-the-password", "192.0.2.7"); err == nil {
		t.Fatal("a wrong password was accepted")
	}
	kind := string(models.MsgCandidateSignIn)
	// River tells of a job's end just after the worker returns: allow a moment.
	for deadline := time.Now().Add(5 * time.Second); rec.count("job deliver_message") < 3 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	for event, want := range map[string]int{"sent " + kind: 1, "failed " + kind: 1, "sign-in password": 1, "job deliver_message": 3} {
		if got := rec.count(event); got != want {
			t.Errorf("%q told %d times, want %d (all: %v)", event, got, want, rec.told)
		}
	}
}
