package models_test

import (
	"testing"
	"time"
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
