package handlers_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"nextstep/models"
)

// TestBrowserCandidateSeesTheAutomaticUpdate is issue 21's acceptance 5:
// the date promised to Liam passes with nobody acting, the promise keeper
// runs, and Liam, in Chromium, sees the update in his application's
// timeline, the new date as his promise, and the email on his Messages page.
func TestBrowserCandidateSeesTheAutomaticUpdate(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	ctx := t.Context()
	recruiter := models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	var appID int64
	mustDB(t, app.Store.DB().Raw(`SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE c.email = 'liam.obrien@example.com'`).Scan(&appID))
	if err := app.Store.OverrideExpectedDate(ctx, recruiter, appID, app.Clock.Now().AddDate(0, 0, 1), "Waiting for the last referee."); err != nil {
		t.Fatal(err)
	}
	var passed time.Time // the end of that working day
	mustDB(t, app.Store.DB().Raw("SELECT expected_update_at FROM applications WHERE id = ?", appID).Scan(&passed))
	app.Clock.Advance(passed.Sub(app.Clock.Now()) + time.Hour)
	if n, err := app.Store.KeepPromises(ctx); err != nil || n == 0 {
		t.Fatalf("the keeper kept %d promises (%v), want Liam's", n, err)
	}
	var newDate time.Time
	mustDB(t, app.Store.DB().Raw("SELECT expected_update_at FROM applications WHERE id = ?", appID).Scan(&newDate))
	if !newDate.After(app.Clock.Now()) {
		t.Fatalf("the keeper left Liam's promise at %v", newDate)
	}
	passedDay, newDay := passed.Format("Monday 2 January"), newDate.Format("Monday 2 January")

	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(ctx, "liam.obrien@example.com")
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	open(t, cand, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=history-promise-update]")
	update := text(t, cand, "[data-testid=history-promise-update]")
	if !strings.Contains(update, "We had not decided by "+passedDay) || !strings.Contains(update, "you will hear from us by "+newDay) {
		t.Errorf("the timeline's update reads %q, want the date that passed (%s) and the new one (%s)", update, passedDay, newDay)
	}
	if got := text(t, cand, "[data-testid=expected-date]"); !strings.Contains(got, "We have not decided yet") || !strings.Contains(got, newDay) {
		t.Errorf("the promise on the page reads %q, want the apology and %s", got, newDay)
	}
	screenshot(t, cand, "promise-update-timeline.png")

	// The email really leaves (a real SMTP receiver), then shows on the page.
	waitForMail(t, sink, "liam.obrien@example.com", "Your application for Warehouse Operations Lead: still in progress")
	deadline := time.Now().Add(10 * time.Second)
	for sent := int64(0); sent == 0; {
		mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages m JOIN applications a ON a.candidate_id = m.candidate_id WHERE a.id = ? AND m.kind = ? AND m.status = 'sent'",
			appID, models.MsgPromiseUpdate).Scan(&sent))
		if time.Now().After(deadline) {
			t.Fatal("the update was received but is not marked sent")
		}
		time.Sleep(50 * time.Millisecond)
	}
	open(t, cand, app.URL+"/me/messages", "[data-testid=inbox-message]")
	newest := text(t, cand, "[data-testid=inbox-message]")
	if !strings.Contains(newest, "still in progress") || !strings.Contains(newest, "We will be in touch by "+newDay) ||
		!strings.Contains(newest, passedDay) {
		t.Errorf("the newest message reads %q, want the update with %s and %s", newest, passedDay, newDay)
	}
}
