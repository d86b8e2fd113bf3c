package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"nextstep/models"
)

// TestSchedulingFormAsksBeforePassingOverStages: an HR round for Amelia, at
// Interview completed, would pass over stages; the form asks (422, the box
// and the sentence at it) and writes nothing; ticked, the round is scheduled
// and Amelia is at the HR round.
func TestSchedulingFormAsksBeforePassingOverStages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	appID := app.applicationID(ixAmeliaEmail)
	path := fmt.Sprintf("/admin/applications/%d/interviews", appID)
	form := url.Values{"kind": {string(models.InterviewHRRound)}, "duration": {"60"}, "location": {"Room 2"},
		"panel": {strconv.FormatInt(app.staffID(interviewerEmail), 10)}, "slots": {ixFirstSlot}}
	stage := func() (k models.StageKey) {
		mustDB(t, app.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&k))
		return k
	}

	page := c.get(path + "/new").Doc(t)
	if hint := squash(page.Find("#kind-hint").Text()); !strings.Contains(hint, "is at Interview completed") {
		t.Errorf("the form's hint = %q, want where the application stands", hint)
	}
	if page.Find("[data-testid=round-confirm-skip]").Length() != 0 {
		t.Errorf("the confirmation is shown before it is needed")
	}
	res := c.post(path, form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("an HR round two stages ahead, unconfirmed: %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	if doc.Find("[data-testid=round-confirm-skip]").Length() != 1 {
		t.Fatalf("the refused form has no box to confirm the stages passed over")
	}
	if msg := squash(doc.Find("#confirm_skip-error").Text()); !strings.Contains(msg, "skips Additional interview, Assessment day") {
		t.Errorf("the box's message = %q", msg)
	}
	if n := app.countRows("interview_rounds", "application_id = ?", appID); n != 0 || stage() != models.StageInterviewCompleted {
		t.Fatalf("the refused form wrote %d rounds and left Amelia at %s", n, stage())
	}
	form.Set("confirm_skip", "1")
	if res := c.post(path, form); res.Status != http.StatusSeeOther {
		t.Fatalf("confirmed: %d; %s", res.Status, offerProblemText(res))
	}
	if got := stage(); got != models.StageHRRound {
		t.Errorf("after the confirmed HR round Amelia is at %s, want %s", got, models.StageHRRound)
	}
}
