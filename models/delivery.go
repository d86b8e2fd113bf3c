package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
)

// MailQueue is the River queue that delivers messages.
const MailQueue = "mail"

// DeliverMessageArgs is the River job that delivers one outbox message.
type DeliverMessageArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind names the job in River's table.
func (DeliverMessageArgs) Kind() string { return "deliver_message" }

// DeliveryConfig tunes the delivery workers.
type DeliveryConfig struct {
	DSN          string
	Sender       MailSender
	FromName     string
	FromEmail    string
	Workers      int           // messages sent at once
	RetryBase    time.Duration // the first retry waits this long, each later one twice as long
	PollInterval time.Duration // how often idle workers look for due jobs
	RescueAfter  time.Duration // a job still "running" this long after a crash is tried again
	Log          *slog.Logger
	// Scheduled is the periodic work this process offers to run
	// (scheduled.go). The same River client runs it and the deliveries:
	// River elects one leader per database, among all clients, to enqueue
	// periodic jobs, so a second client in the process would compete for
	// the leadership without the schedule. Sender may be nil when there is
	// scheduled work: then no message is delivered.
	Scheduled []ScheduledTask
}

// Delivery runs the River workers that send queued messages.
type Delivery struct {
	client *river.Client[pgx.Tx]
	pool   *pgxpool.Pool
}

// StartDelivery starts the workers. Every process may run them: River hands
// each job to one worker, so two servers never send a message twice.
func (s *Store) StartDelivery(ctx context.Context, cfg DeliveryConfig) (*Delivery, error) {
	if cfg.Sender == nil && len(cfg.Scheduled) == 0 {
		return nil, fault("delivery needs a mail sender")
	}
	poolCfg, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	workers := max(cfg.Workers, 1)
	poolCfg.MaxConns = int32(min(workers+4, 24))
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	log := cfg.Log
	if log == nil {
		log = s.log
	}
	w := river.NewWorkers()
	queues := map[string]river.QueueConfig{}
	if cfg.Sender != nil {
		river.AddWorker(w, &deliverWorker{store: s, cfg: cfg, log: log})
		queues[MailQueue] = river.QueueConfig{MaxWorkers: workers}
	}
	periodic, err := s.addScheduledWork(w, queues, cfg.Scheduled, log)
	if err != nil {
		pool.Close()
		return nil, err
	}
	jobTimeout := time.Minute
	rescue := cfg.RescueAfter
	if rescue <= jobTimeout {
		rescue = jobTimeout + time.Second
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            queues,
		Workers:           w,
		PeriodicJobs:      periodic,
		RetryPolicy:       &backoffPolicy{base: max(cfg.RetryBase, 10*time.Millisecond)},
		FetchPollInterval: max(cfg.PollInterval, 20*time.Millisecond),
		// The pause between fetches caps throughput at workers ÷ cooldown
		// (10 workers at 62 ms gave 160 mails/s); 10 ms keeps batches full.
		FetchCooldown:        10 * time.Millisecond,
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: rescue,
		MaxAttempts:          s.mailMaxAttempts,
		Logger:               log.With("component", "river"),
		ReindexerSchedule:    riverReindexSchedule(ctx, pool),
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("delivery: %w", err)
	}
	watchJobFailures(client, s.obs)
	if err := client.Start(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("delivery: %w", err)
	}
	return &Delivery{client: client, pool: pool}, nil
}

// Stop lets running deliveries finish (until ctx ends) and closes the pool.
func (d *Delivery) Stop(ctx context.Context) error {
	err := d.client.Stop(ctx)
	d.pool.Close()
	return err
}

// backoffPolicy doubles the wait after each failed attempt, with a little
// jitter so many failed messages do not retry in lockstep; at most an hour.
type backoffPolicy struct{ base time.Duration }

func (p *backoffPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(retryDelay(p.base, job.Attempt))
}

func retryDelay(base time.Duration, attempt int) time.Duration {
	d := base << min(max(attempt-1, 0), 20)
	if d > time.Hour || d <= 0 {
		d = time.Hour
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

type deliverWorker struct {
	river.WorkerDefaults[DeliverMessageArgs]
	store *Store
	cfg   DeliveryConfig
	log   *slog.Logger
}

func (w *deliverWorker) Timeout(*river.Job[DeliverMessageArgs]) time.Duration {
	return 45 * time.Second
}

// Work sends one message. A message already sent or failed is left alone, so a
// job that runs again after a crash or a retry click never sends twice what
// the server has accepted and we recorded.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[DeliverMessageArgs]) error {
	s := w.store
	m, err := s.startAttempt(ctx, job.Args.MessageID)
	if err != nil {
		return err
	}
	if m == nil {
		// Not due yet (the job ran early, or clocks differ): wait for its time.
		if wait, ok := s.heldFor(ctx, job.Args.MessageID); ok {
			return river.JobSnooze(wait)
		}
		return nil
	}
	if m.MessageID == "" { // written before Message-IDs were stored
		m.MessageID = newMessageID(s.baseURL)
	}
	receipt, sendErr := w.cfg.Sender.Send(ctx, OutgoingMail{
		FromName: w.cfg.FromName, FromEmail: w.cfg.FromEmail, ToName: m.ToName, ToEmail: m.ToEmail,
		Subject: m.Subject, Text: m.Body, HTML: m.BodyHTML, MessageID: m.MessageID, Date: s.Now(), Calendar: m.CalendarICS,
		ReplyTo: m.ReplyTo, ListUnsubscribe: m.ListUnsubscribe,
	})
	// Record the outcome even when the job's context has just ended.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		if err := s.recordSent(rec, m, receipt); err != nil {
			return err
		}
		w.log.Info("message sent", "message_id", m.ID, "kind", m.Kind, "attempt", job.Attempt)
		return nil
	}
	var perm *PermanentMailError
	final := errors.As(sendErr, &perm) || job.Attempt >= job.MaxAttempts
	if err := s.recordFailure(rec, m, sendErr.Error(), final); err != nil {
		return err
	}
	w.log.Warn("message not delivered", "message_id", m.ID, "kind", m.Kind, "attempt", job.Attempt, "final", final, "err", sendErr)
	if final {
		return river.JobCancel(sendErr)
	}
	return sendErr
}

// startAttempt counts an attempt and returns the message, or nil when it is
// no longer waiting to be sent.
func (s *Store) startAttempt(ctx context.Context, id int64) (*OutboxMessage, error) {
	// A message held for its position has no job; a failed or withdrawn one is left alone.
	rows, err := moveMessages(s.db.WithContext(ctx), MessageQueued, map[string]any{"attempts": sqlExpr("attempts + 1"), "last_attempt_at": s.Now()},
		"id = ? AND (status = 'queued' OR status = 'held' AND held_for_position_id IS NULL AND send_after <= ?)", id, s.Now())
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return &rows[0], nil
}

// heldFor says how long message id still waits for its time, if it does.
func (s *Store) heldFor(ctx context.Context, id int64) (time.Duration, bool) {
	var at []time.Time
	s.db.WithContext(ctx).Raw("SELECT send_after FROM outbox_messages WHERE id = ? AND status = 'held' AND send_after IS NOT NULL", id).Scan(&at)
	if len(at) == 0 {
		return 0, false
	}
	// Look again within seconds, however long the wait: clocks may differ
	// between processes (and are set in tests), and a snooze costs no attempt.
	return min(max(at[0].Sub(s.Now()), 100*time.Millisecond), 5*time.Second), true
}

// recordSent: only a message being sent (queued) becomes sent; the
// observer counts it when it did.
func (s *Store) recordSent(ctx context.Context, m *OutboxMessage, r MailReceipt) error {
	rows, err := moveMessages(s.db.WithContext(ctx), MessageSent, map[string]any{"sent_at": s.Now(), "smtp_reply": truncate(r.Reply, 500),
		"message_id": m.MessageID, "last_error": ""}, "id = ? AND status = 'queued'", m.ID)
	if err == nil && len(rows) > 0 {
		s.obs.MessageSent(string(m.Kind))
	}
	return err
}

// recordFailure keeps the reason of a failed attempt; a final one marks the
// message failed, which the observer counts.
func (s *Store) recordFailure(ctx context.Context, m *OutboxMessage, reason string, final bool) error {
	status := MessageQueued
	if final {
		status = MessageFailed
	}
	rows, err := moveMessages(s.db.WithContext(ctx), status, map[string]any{"last_error": truncate(oneLine(reason), 1000)},
		"id = ? AND status = 'queued'", m.ID)
	if err == nil && final && len(rows) > 0 {
		s.obs.MessageFailed(string(m.Kind))
	}
	return err
}
