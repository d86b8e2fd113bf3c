package models

// The operator's view (issue 23): what the store tells an observer as it
// happens (messages sent or failed, failed sign-ins, failed jobs), and the
// readings taken when metrics are scraped or readiness is asked (the job
// queue's depth, each scheduled task's last success). The models never
// import a metrics library: cmd gives Config.Observer, and the metrics
// server reads the rest through these methods.

import (
	"context"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// Observer is told of events the operator counts. Calls are made inline
// (after the fact is recorded), so an implementation only increments
// counters. Nil in Config: nothing is told.
type Observer interface {
	// MessageSent: an outbox message of this kind was accepted by the SMTP
	// server and recorded as sent.
	MessageSent(kind string)
	// MessageFailed: an outbox message of this kind was marked failed for
	// good (a permanent refusal, or its last attempt).
	MessageFailed(kind string)
	// SignInFailed: a staff sign-in attempt failed; reason is "password"
	// (wrong email or password) or "throttled" (too many recent failures).
	SignInFailed(reason string)
	// JobFailed: a River job of this kind failed an attempt (it may be
	// retried) or was cancelled by its worker.
	JobFailed(kind string)
}

type nopObserver struct{}

func (nopObserver) MessageSent(string)   {}
func (nopObserver) MessageFailed(string) {}
func (nopObserver) SignInFailed(string)  {}
func (nopObserver) JobFailed(string)     {}

// QueueDepth is how many jobs of one queue wait in one state.
type QueueDepth struct {
	Queue string
	State string // available, scheduled or retryable
	Jobs  int64
}

// JobQueueDepth counts the jobs waiting in River's table (available to work
// now, scheduled for later, waiting to retry), by queue and state: one
// query, read when the metrics are scraped.
func (s *Store) JobQueueDepth(ctx context.Context) ([]QueueDepth, error) {
	var out []QueueDepth
	err := s.db.WithContext(ctx).Raw(`SELECT queue, state::text AS state, count(*) AS jobs FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable') GROUP BY queue, state ORDER BY queue, state`).Scan(&out).Error
	return out, err
}

// JobQueueReady answers whether the job queue's tables answer: /readyz
// asks it with the database ping, since messages and scheduled work stop
// when River cannot read its jobs even though pages still load.
func (s *Store) JobQueueReady(ctx context.Context) error {
	var one int
	return s.db.WithContext(ctx).Raw("SELECT 1 FROM river_job LIMIT 1").Scan(&one).Error
}

// ScheduledLastSuccess is the finish time of each named task's last run
// without an error (runs are kept 30 days); a task with none is left out.
// Read from the database, so every instance reports the same times whichever
// instance ran the task. One index lookup per task. (Task names are
// lower_snake_case: a comma never occurs in one.)
func (s *Store) ScheduledLastSuccess(ctx context.Context, tasks []string) (map[string]time.Time, error) {
	var rows []struct {
		Task       string
		FinishedAt time.Time
	}
	if len(tasks) == 0 {
		return map[string]time.Time{}, nil
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT t.task, r.finished_at FROM unnest(string_to_array(?, ',')) AS t(task),
		LATERAL (SELECT finished_at FROM scheduled_runs r WHERE r.task = t.task AND r.finished_at IS NOT NULL AND r.error = ''
			ORDER BY started_at DESC LIMIT 1) r`, strings.Join(tasks, ",")).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[r.Task] = r.FinishedAt
	}
	return out, nil
}

// watchJobFailures tells the observer of every failed or cancelled job
// attempt the client works, until the client stops.
func watchJobFailures(client interface {
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}, obs Observer) {
	events, _ := client.Subscribe(river.EventKindJobFailed, river.EventKindJobCancelled)
	go func() {
		for ev := range events {
			if ev != nil && ev.Job != nil {
				obs.JobFailed(ev.Job.Kind)
			}
		}
	}()
}
