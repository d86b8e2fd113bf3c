package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/views"
)

// The reject form's one "Send the message" choice comes back as chosen
// after a refusal and after a preview; "later" without its days is refused
// at the days with its own sentence; the preview of a held rejection says
// it is held; and "held" is offered only while the position is open.
func TestRejectFormKeepsTheSendChoice(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	appID, cand := app.applicationID("ben.okafor@example.com"), app.candidateID("ben.okafor@example.com")
	status := fmt.Sprintf("/admin/applications/%d/status", appID)
	before := app.appState(appID)
	var messages int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages").Scan(&messages))

	page := staff.get(views.CandidatePath(cand)).Doc(t)
	if _, ok := page.Find(fmt.Sprintf("#send-%d-now", appID)).Attr("checked"); !ok {
		t.Error("the form does not start at Now")
	}
	if page.Find("fieldset[data-testid=send-time] legend:contains('Send the message')").Length() != 1 {
		t.Error("no labelled \"Send the message\" group on the reject form")
	}
	if page.Find(fmt.Sprintf("label[for=send-%d-days]", appID)).Length() != 1 {
		t.Error("the days field has no label")
	}

	r := staff.post(status, url.Values{"candidate_id": {fmt.Sprint(cand)}, "status": {"rejected"}, "reason": {"Not this time"},
		"send": {"later"}, "send_in_days": {""}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("later without days: %d, want 422", r.Status)
	}
	doc := r.Doc(t)
	if got := doc.Find("#send_in_days-error").Text(); got != "Say in how many days the message goes (1 to 30)." {
		t.Errorf("the days' error reads %q", got)
	}
	if _, ok := doc.Find(fmt.Sprintf("#send-%d-later", appID)).Attr("checked"); !ok {
		t.Error("the refused form forgot \"In a number of days\"")
	}
	if got := doc.Find(fmt.Sprintf("#send-%d-days", appID)).AttrOr("aria-invalid", ""); got != "true" {
		t.Errorf("the days field's aria-invalid = %q", got)
	}

	r = staff.post(status, url.Values{"candidate_id": {fmt.Sprint(cand)}, "status": {"rejected"}, "reason": {""}, "send": {"held"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("held without a reason: %d, want 422", r.Status)
	}
	if _, ok := r.Doc(t).Find(fmt.Sprintf("#send-%d-held", appID)).Attr("checked"); !ok {
		t.Error("the refused form forgot \"Held until the position is filled\"")
	}

	r = staff.post(status, url.Values{"candidate_id": {fmt.Sprint(cand)}, "status": {"rejected"}, "reason": {"Fallback"},
		"send": {"held"}, "preview": {"1"}})
	if r.Status != http.StatusOK {
		t.Fatalf("held preview: %d %.300s", r.Status, r.Body)
	}
	doc = r.Doc(t)
	if got := doc.Find("[data-testid=rejection-preview] [data-testid=preview-time]").Text(); !strings.HasPrefix(got, "Held until the position is filled") {
		t.Errorf("the held preview says %q", got)
	}
	if _, ok := doc.Find(fmt.Sprintf("#send-%d-held", appID)).Attr("checked"); !ok {
		t.Error("the preview forgot \"Held until the position is filled\"")
	}
	var after int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages").Scan(&after))
	if got := app.appState(appID); got != before || after != messages {
		t.Fatalf("refusals and a preview changed something: %s → %s, %d → %d messages", before, got, messages, after)
	}

	farid, faridCand := app.applicationID("farid.haddad@example.com"), app.candidateID("farid.haddad@example.com")
	mustDB(t, app.Store.DB().Exec("UPDATE positions SET status = 'closed' WHERE id = (SELECT position_id FROM applications WHERE id = ?)", farid))
	doc = staff.get(views.CandidatePath(faridCand)).Doc(t)
	if doc.Find(fmt.Sprintf("#send-%d-later", farid)).Length() != 1 || doc.Find(fmt.Sprintf("#send-%d-held", farid)).Length() != 0 {
		t.Error("a closed position's reject form offers to hold the message until it is filled")
	}
}

// Bulk reject has the same one choice: "later" without days is refused at
// the days and kept; the preview of held messages says they are held.
func TestBulkRejectKeepsTheSendChoice(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	ids := []string{fmt.Sprint(app.applicationID("amelia.hart@example.com")), fmt.Sprint(app.applicationID("kemi.adeyemi@example.com"))}
	r := staff.post("/admin/candidates/bulk", url.Values{"ids": ids, "action": {"reject"}, "reason": {"Closing"}, "send": {"later"}})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bulk later without days: %d, want 422", r.Status)
	}
	doc := r.Doc(t)
	if got := doc.Find("#send_in_days-error").Text(); got != "Say in how many days the message goes (1 to 30)." {
		t.Errorf("the days' error reads %q", got)
	}
	if _, ok := doc.Find("#bulk-send-later").Attr("checked"); !ok {
		t.Error("the refused bulk form forgot \"In a number of days\"")
	}
	r = staff.post("/admin/candidates/bulk", url.Values{"ids": ids, "action": {"reject"}, "reason": {"Closing"}, "send": {"held"}, "preview": {"1"}})
	if r.Status != http.StatusOK {
		t.Fatalf("bulk held preview: %d %.300s", r.Status, r.Body)
	}
	doc = r.Doc(t)
	if got := doc.Find("[data-testid=rejection-preview] [data-testid=preview-time]").Text(); !strings.HasPrefix(got, "Held until the position is filled") {
		t.Errorf("the bulk held preview says %q", got)
	}
	if _, ok := doc.Find("#bulk-send-held").Attr("checked"); !ok {
		t.Error("the bulk preview forgot \"Held until the position is filled\"")
	}
	if !strings.HasPrefix(app.appState(app.applicationID("amelia.hart@example.com")), "interview_completed active") {
		t.Fatal("a refusal or the preview rejected Amelia")
	}
}
