package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"nextstep/handlers"
	"nextstep/models"
)

// The admins' Scheduled work page shows each task of the server's
// schedule: its period, its last run (when, how long, what it did) and its
// last failure in plain words, and the tasks that have not run yet.
// Nobody else reaches it.
func TestScheduledWorkPage(t *testing.T) {
	t.Parallel()
	tasks := []models.ScheduledTask{
		{Name: "works_fine", Every: 10 * time.Minute, About: "Does three things.", Run: func(context.Context) (int, error) { return 3, nil }},
		{Name: "fails_on_purpose", Every: time.Minute, Run: func(context.Context) (int, error) {
			return 0, errors.New("the mail server said no")
		}},
		{Name: "not_yet", Every: time.Hour, Run: func(context.Context) (int, error) { return 0, nil }},
	}
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.Scheduled = tasks })
	ctx := context.Background()
	for _, task := range tasks[:2] {
		if _, err := app.Store.RunScheduledTask(ctx, task); task.Name == "works_fine" && err != nil {
			t.Fatal(err)
		}
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.get("/admin/scheduled")
	if res.Status != http.StatusOK {
		t.Fatalf("admin: status %d", res.Status)
	}
	doc := res.Doc(t)
	for _, tc := range []struct{ task, runs, last, failure string }{
		{"works_fine", "Every 10 minutes", "Done: 3 items", "Never failed in the last 30 days"},
		{"fails_on_purpose", "Every minute", "Failed", "the mail server said no"},
		{"not_yet", "Every hour", "Not run yet", "Never failed in the last 30 days"},
	} {
		row := doc.Find(`[data-testid="task-` + tc.task + `"]`)
		if row.Length() != 1 {
			t.Errorf("%s: %d rows", tc.task, row.Length())
			continue
		}
		text := strings.Join(strings.Fields(row.Text()), " ")
		last := strings.Join(strings.Fields(row.Find(`[data-testid="last-run"]`).Text()), " ")
		failure := strings.Join(strings.Fields(row.Find(`[data-testid="last-failure"]`).Text()), " ")
		if !strings.Contains(text, tc.runs) || !strings.Contains(last, tc.last) || !strings.Contains(failure, tc.failure) {
			t.Errorf("%s: row %q, last run %q, last failure %q; want %q, %q, %q", tc.task, text, last, failure, tc.runs, tc.last, tc.failure)
		}
	}
	if !strings.Contains(doc.Find(`[data-testid="task-works_fine"]`).Text(), "Does three things.") {
		t.Error("the task's purpose is not shown")
	}
	// The navigation and the Outbox lead admins there.
	if doc.Find(`nav a[href="/admin/scheduled"]`).Length() != 1 {
		t.Error("no link to Scheduled work in the admin's navigation")
	}
	if admin.get("/admin/outbox").Doc(t).Find(`[data-testid="scheduled-link"]`).Length() != 1 {
		t.Error("the Outbox does not link to Scheduled work")
	}
	for _, email := range []string{recruiterEmail, managerEmail, interviewerEmail} {
		c := app.newClient()
		c.loginStaff(email)
		if res := c.get("/admin/scheduled"); res.Status != http.StatusForbidden || strings.Contains(res.Body, "fails_on_purpose") ||
			strings.Contains(res.Body, "the mail server said no") {
			t.Errorf("%s: status %d, want 403 without the runs", email, res.Status)
		}
		if strings.Contains(c.get("/admin").Body, `href="/admin/scheduled"`) {
			t.Errorf("%s: the navigation links to Scheduled work", email)
		}
	}
	if res := app.newClient().get("/admin/scheduled"); res.Status != http.StatusSeeOther {
		t.Errorf("signed out: status %d, want a redirect to sign in", res.Status)
	}
}

// recordScheduledRuns records a run of a task that did its work and one of
// a task that failed, for the pages that show them.
func recordScheduledRuns(t *testing.T, app *testApp) {
	t.Helper()
	ctx := context.Background()
	if _, err := app.Store.RunScheduledTask(ctx, models.ScheduledTask{Name: "works_fine", Every: time.Minute,
		Run: func(context.Context) (int, error) { return 2, nil }}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.RunScheduledTask(ctx, models.ScheduledTask{Name: "fails_on_purpose", Every: time.Minute,
		Run: func(context.Context) (int, error) {
			return 0, errors.New("smtp: dial tcp: lookup mail.a-rather-long-provider-hostname-that-does-not-break.example.com: no such host")
		}}); err == nil {
		t.Fatal("the failing task did not fail")
	}
}
