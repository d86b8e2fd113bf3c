package models_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"nextstep/models"
)

// Two processes (two River clients with the same schedule, on one
// database) run each task once per period: River's elected leader alone
// enqueues, and each job is unique by task within its period. The test
// waits for two periods of the slower task (three of the faster), then counts the runs
// recorded in scheduled_runs: one per period bucket, never two, and each
// recorded run finished, with its error when it failed.
func TestScheduledWorkRunsOncePerPeriodAcrossProcesses(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	dsn, _ := storeDSN.Load(store)
	const period = time.Second // River's least unique period
	var calls [2]atomic.Int64
	tasks := []models.ScheduledTask{
		{Name: "count_a", Every: period, Run: func(context.Context) (int, error) { calls[0].Add(1); return 1, nil }},
		{Name: "count_b", Every: 2 * period, Run: func(context.Context) (int, error) { calls[1].Add(1); return 0, errors.New("refused on purpose") }},
	}
	var procs []*models.Delivery
	for range 2 {
		p, err := store.StartDelivery(context.Background(), models.DeliveryConfig{DSN: dsn.(string), PollInterval: 20 * time.Millisecond, Scheduled: tasks})
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, p)
	}
	stopAll := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, p := range procs {
			p.Stop(ctx)
		}
		procs = nil
	}
	t.Cleanup(stopAll)
	deadline := time.Now().Add(20 * time.Second)
	for calls[1].Load() < 2 || calls[0].Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after 20 s: %d and %d runs", calls[0].Load(), calls[1].Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopAll()
	for _, tc := range []struct {
		task   string
		period time.Duration
		calls  int64
	}{{"count_a", period, calls[0].Load()}, {"count_b", 2 * period, calls[1].Load()}} {
		var got struct{ Runs, Buckets, Unfinished, Failed int64 }
		mustDB(t, store.DB().Raw(`SELECT count(*) AS runs, count(*) FILTER (WHERE finished_at IS NULL) AS unfinished,
			count(*) FILTER (WHERE error <> '') AS failed,
			(SELECT count(DISTINCT floor(extract(epoch FROM scheduled_at) * 1000 / ?)) FROM river_job WHERE kind = 'scheduled_work' AND args->>'task' = ?) AS buckets
			FROM scheduled_runs WHERE task = ?`, tc.period.Milliseconds(), tc.task, tc.task).Scan(&got))
		var jobs int64
		mustDB(t, store.DB().Raw(`SELECT count(*) FROM river_job WHERE kind = 'scheduled_work' AND args->>'task' = ?`, tc.task).Scan(&jobs))
		if got.Runs != tc.calls || jobs != got.Buckets || got.Runs < jobs-1 || got.Runs > jobs || got.Runs < 2 {
			t.Errorf("%s: %d runs recorded, %d calls, %d jobs in %d periods: want one job per period, each run once", tc.task, got.Runs, tc.calls, jobs, got.Buckets)
		}
		if wantFailed := map[string]int64{"count_a": 0, "count_b": got.Runs}[tc.task]; got.Failed != wantFailed {
			t.Errorf("%s: %d failed runs recorded, want %d", tc.task, got.Failed, wantFailed)
		}
	}
	// Admins see each task's last run and last failure.
	status, err := store.ScheduledWork(context.Background(), models.Actor{Kind: "staff", ID: 1, Role: models.RoleAdmin})
	must(t, err)
	if len(status) != 2 || status[0].Task != "count_a" || status[0].LastFailed != nil || status[1].LastFailed == nil ||
		status[1].LastFailed.Error != "refused on purpose" {
		t.Errorf("scheduled work as admins see it: %+v", status)
	}
	if _, err := store.ScheduledWork(context.Background(), models.Actor{Kind: "staff", ID: 2, Role: models.RoleRecruiter}); models.ErrorCode(err) != models.CodeForbidden {
		t.Errorf("a recruiter reading scheduled work: %v, want forbidden", err)
	}
}
