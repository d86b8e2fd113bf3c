package models

import (
	"context"
	"log/slog"
	"regexp"
	"sort"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"
)

// Scheduled work (issue 21): session purge, waitlist expiry, referee
// reminders and the promise keeper run as River periodic jobs. Only the
// elected leader among every River client on the database enqueues them,
// and each job is unique by its task within its period (UniqueOpts ByArgs
// and ByPeriod), so one process runs each task once per period however many
// servers run, even across a change of leader. The work itself is one Store
// method that is safe to run twice at once (each claims its rows), so a
// job that did run twice would still do each thing once. Every run is
// recorded in scheduled_runs (why not River's table: see migration 00017).

// ScheduledQueue is the River queue of scheduled work.
const ScheduledQueue = "scheduled"

// scheduledRunRetention is how long runs are kept for the admins' view.
const scheduledRunRetention = 30 * 24 * time.Hour

// ScheduledTask is one piece of scheduled work.
type ScheduledTask struct {
	Name  string        // lower_snake_case, unique: the job's id and the run's name
	Every time.Duration // the period: at least a second (River's least unique period)
	// Run does the work and says how many things it did.
	Run func(ctx context.Context) (int, error)
	// Timeout bounds one run (0: ten minutes).
	Timeout time.Duration
	// About says in a few words what the task does, for admins' Scheduled
	// work page.
	About string
}

// ScheduledWorkArgs is the River job of one run of a task.
type ScheduledWorkArgs struct {
	Task string `json:"task"`
}

// Kind names the job in River's table.
func (ScheduledWorkArgs) Kind() string { return "scheduled_work" }

var taskNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// addScheduledWork registers the worker and the queue of tasks and returns
// their periodic jobs.
func (s *Store) addScheduledWork(w *river.Workers, queues map[string]river.QueueConfig, tasks []ScheduledTask, log *slog.Logger) ([]*river.PeriodicJob, error) {
	if len(tasks) == 0 {
		return nil, nil
	}
	byName := map[string]ScheduledTask{}
	var jobs []*river.PeriodicJob
	for _, t := range tasks {
		if !taskNamePattern.MatchString(t.Name) || t.Every < time.Second || t.Run == nil {
			return nil, fault("scheduled task %q: a lower_snake_case name, a period of at least a second and a Run are needed", t.Name)
		}
		if _, dup := byName[t.Name]; dup {
			return nil, fault("scheduled task %q is defined twice", t.Name)
		}
		byName[t.Name] = t
		args, every := ScheduledWorkArgs{Task: t.Name}, t.Every
		jobs = append(jobs, river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
			// One attempt: a failed run is recorded and the next period tries
			// afresh, rather than a retry overlapping it.
			return args, &river.InsertOpts{Queue: ScheduledQueue, MaxAttempts: 1,
				UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: every}}
		}, &river.PeriodicJobOpts{ID: t.Name}))
	}
	river.AddWorker(w, &scheduledWorker{store: s, tasks: byName, log: log})
	queues[ScheduledQueue] = river.QueueConfig{MaxWorkers: 2}
	return jobs, nil
}

type scheduledWorker struct {
	river.WorkerDefaults[ScheduledWorkArgs]
	store *Store
	tasks map[string]ScheduledTask
	log   *slog.Logger
}

func (w *scheduledWorker) Timeout(job *river.Job[ScheduledWorkArgs]) time.Duration {
	if t, ok := w.tasks[job.Args.Task]; ok && t.Timeout > 0 {
		return t.Timeout
	}
	return 10 * time.Minute
}

// Work runs one task and records the run.
func (w *scheduledWorker) Work(ctx context.Context, job *river.Job[ScheduledWorkArgs]) error {
	t, ok := w.tasks[job.Args.Task]
	if !ok {
		return river.JobCancel(fault("no scheduled task %q in this process", job.Args.Task))
	}
	n, err := w.store.RunScheduledTask(ctx, t)
	switch {
	case err != nil:
		w.log.Warn("scheduled work failed", "task", t.Name, "err", err)
	case n > 0:
		w.log.Info("scheduled work done", "task", t.Name, "count", n)
	}
	return err
}

// RunScheduledTask runs t once and records the run (started, finished, how
// many things it did, its error) in scheduled_runs. The run's row is written
// before the work, so a run that never finished (its process died) shows as
// such.
func (s *Store) RunScheduledTask(ctx context.Context, t ScheduledTask) (int, error) {
	var runID int64
	if err := s.db.WithContext(ctx).Raw("INSERT INTO scheduled_runs (task, started_at) VALUES (?, ?) RETURNING id",
		t.Name, s.Now()).Scan(&runID).Error; err != nil {
		return 0, err
	}
	n, runErr := t.Run(ctx)
	msg := ""
	if runErr != nil {
		msg = truncate(oneLine(runErr.Error()), limits.ScheduledRunError.Max)
	}
	// Record the outcome even when the job's context has just ended.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := s.Now()
	err := s.txOutsideQueues(rec, func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE scheduled_runs SET finished_at = ?, items = ?, error = ? WHERE id = ?", now, n, msg, runID).Error; err != nil {
			return err
		}
		return tx.Exec("DELETE FROM scheduled_runs WHERE task = ? AND started_at < ?", t.Name, now.Add(-scheduledRunRetention)).Error
	})
	if runErr != nil {
		return n, runErr
	}
	return n, err
}

// ScheduledRun is one run of a task.
type ScheduledRun struct {
	ID         int64
	Task       string
	StartedAt  time.Time
	FinishedAt *time.Time
	Items      int64
	Error      string
}

// TableName binds the struct to its table.
func (ScheduledRun) TableName() string { return "scheduled_runs" }

// Took is how long the run lasted; false while it has not finished (or its
// process stopped before it did).
func (r *ScheduledRun) Took() (time.Duration, bool) {
	if r == nil || r.FinishedAt == nil {
		return 0, false
	}
	return r.FinishedAt.Sub(r.StartedAt), true
}

// ScheduledWorkStatus is what admins see of one task: its period and what
// it does (when the task is one of this server's), its last run and its last
// failed run (nil when none is kept: not run, or not failed, in the last 30
// days).
type ScheduledWorkStatus struct {
	Task       string
	Every      time.Duration // 0: not one of this server's tasks (since removed or renamed)
	About      string
	Last       *ScheduledRun
	LastFailed *ScheduledRun
}

// ScheduledWork lists, for admins, the last run and the last failure of
// every task that has run in the last 30 days and of every task given (the
// server's schedule, which adds their periods and lists those never run
// yet), by name.
func (s *Store) ScheduledWork(ctx context.Context, actor Actor, tasks ...ScheduledTask) ([]ScheduledWorkStatus, error) {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return nil, ErrForbidden
	}
	var runs []ScheduledRun
	if err := s.db.WithContext(ctx).Raw(`SELECT r.* FROM (SELECT DISTINCT task FROM scheduled_runs) t,
		LATERAL (SELECT * FROM (SELECT * FROM scheduled_runs l WHERE l.task = t.task ORDER BY started_at DESC LIMIT 1) l
			UNION ALL SELECT * FROM (SELECT * FROM scheduled_runs f WHERE f.task = t.task AND f.error <> '' ORDER BY started_at DESC LIMIT 1) f) r
		ORDER BY r.task, r.started_at DESC`).Scan(&runs).Error; err != nil {
		return nil, err
	}
	var out []ScheduledWorkStatus
	for i := range runs {
		r := &runs[i]
		if len(out) == 0 || out[len(out)-1].Task != r.Task {
			out = append(out, ScheduledWorkStatus{Task: r.Task, Last: r})
			continue
		}
		if r.Error != "" && r.ID != out[len(out)-1].Last.ID {
			out[len(out)-1].LastFailed = r
		}
	}
	for i := range out {
		if out[i].Last.Error != "" {
			out[i].LastFailed = out[i].Last
		}
	}
	return withSchedule(out, tasks), nil
}

// withSchedule adds to the tasks that ran (by name) the period and purpose
// of each task scheduled, and the scheduled tasks that have not run.
func withSchedule(ran []ScheduledWorkStatus, tasks []ScheduledTask) []ScheduledWorkStatus {
	at := map[string]int{}
	for i := range ran {
		at[ran[i].Task] = i
	}
	for _, t := range tasks {
		i, ok := at[t.Name]
		if !ok {
			ran = append(ran, ScheduledWorkStatus{Task: t.Name})
			i = len(ran) - 1
			at[t.Name] = i
		}
		ran[i].Every, ran[i].About = t.Every, t.About
	}
	sort.SliceStable(ran, func(i, j int) bool { return ran[i].Task < ran[j].Task })
	return ran
}
