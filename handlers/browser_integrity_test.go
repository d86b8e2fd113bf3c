package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/handlers"
	"nextstep/models"
)

// TestBrowserAddLaterMoveAndUndo is the integrity journey in Chromium: the
// "new candidate" form offers only stages before the offer; a candidate added
// at the HR round sees the earlier stages as not needed, never as done; a
// mistaken move undone within the message delay leaves the candidate with no
// message at all.
func TestBrowserAddLaterMoveAndUndo(t *testing.T) {
	t.Parallel()
	app := newTestAppWithStore(t, func(*handlers.Config) {}, func(cfg *models.Config) { cfg.StageMessageDelay = 2 * time.Minute })
	const (
		name  = "Mina Okoro"
		email = "mina.okoro@example.com"
	)
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	open(t, staff, app.URL+"/admin/candidates/new", "#name")
	options := run(t, staff, "stage options", chromedp.Evaluate[[]string](
		`Array.prototype.map.call(document.querySelectorAll("#stage option"), function (o) { return o.value; })`))
	for _, o := range options {
		switch models.StageKey(o) {
		case models.StageOffer, models.StageContract, models.StageOnboarding, models.StageHired:
			t.Errorf("the new-candidate form offers %s as a starting stage", o)
		}
	}
	if len(options) < 5 {
		t.Fatalf("stage options %v", options)
	}
	fill(t, staff, "name", name)
	fill(t, staff, "email", email)
	selectOption(t, staff, "#position_id", "Account Executive")
	selectOption(t, staff, "#stage", "HR round")
	if status := submit(t, staff, `form[action="/admin/candidates"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("add candidate: status %d on %s", status, currentURL(staff))
	}
	candPath := path(t, staff)
	if !regexp.MustCompile(`^/admin/candidates/\d+$`).MatchString(candPath) {
		t.Fatalf("after adding, the browser is on %s", candPath)
	}
	if got := text(t, staff, "[data-testid=app-stage]"); got != "HR round" {
		t.Fatalf("stage = %q, want HR round", got)
	}

	// A mistaken move, undone at once: the candidate's message never leaves.
	mustDB(t, app.Store.DB().Exec("UPDATE positions SET requires_decision_approval = false")) // not about the decision gate
	selectOption(t, staff, "[data-testid=move-form] select[name=to_stage]", "Next: Reference checks")
	if status := submit(t, staff, "[data-testid=move-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("move: status %d", status)
	}
	if got := text(t, staff, "[data-testid=app-stage]"); got != "Reference checks" {
		t.Fatalf("stage after the move = %q", got)
	}
	if status := submit(t, staff, "[data-testid=undo-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("undo: status %d", status)
	}
	if got := text(t, staff, "[data-testid=app-stage]"); got != "HR round" {
		t.Fatalf("stage after the undo = %q, want HR round", got)
	}
	if got := text(t, staff, "[data-testid=flash]"); !strings.Contains(got, "withdrawn") {
		t.Errorf("flash after the undo = %q, want it to say the message was withdrawn", got)
	}
	var left int64
	mustDB(t, app.Store.DB().Raw(`SELECT count(*) FROM outbox_messages m JOIN candidates c ON c.id = m.candidate_id
		WHERE c.email = ? AND m.kind = 'stage_changed' AND m.status <> 'cancelled'`, email).Scan(&left))
	if left != 0 {
		t.Fatalf("%d stage messages still on their way after the undo", left)
	}

	// The candidate: earlier stages not needed, the HR round current.
	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	steps := run(t, cand, "stepper", chromedp.Evaluate[[]string](
		`Array.prototype.map.call(document.querySelectorAll("[data-testid=stepper] li"), function (li) { return li.className + "|" + li.textContent.replace(/\s+/g, " ").trim(); })`))
	current := -1
	for i, s := range steps {
		if strings.Contains(s, "step-current") {
			current = i
		}
	}
	if current < 1 || !strings.Contains(steps[current], "HR") {
		t.Fatalf("stepper %v: want the HR round current after earlier stages", steps)
	}
	for _, s := range steps[:current] {
		if !strings.Contains(s, "step-skipped") || !strings.Contains(s, "not needed") || strings.Contains(s, "✓") {
			t.Errorf("step before the HR round shows as %q, want not needed", s)
		}
	}
	open(t, cand, app.URL+"/me/messages", "main h1")
	if got := text(t, cand, "main"); strings.Contains(got, "Reference checks") {
		t.Errorf("the Messages page tells of the undone move: %q", got)
	}
	screenshot(t, cand, "candidate-added-later.png")
}
