package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
	"nextstep/views"
)

// The close page lists the offer still in progress first and refuses to
// close while it is; once it is settled, each application ends as its
// select says.
func TestClosePageDecidesEachApplication(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	var sales, backend int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM positions WHERE title = 'Account Executive'").Scan(&sales))
	mustDB(t, app.Store.DB().Raw("SELECT id FROM positions WHERE title = 'Backend Engineer (Go)'").Scan(&backend))
	page := fmt.Sprintf("/admin/positions/%d/close", sales)
	r := staff.get(page + "?status=closed")
	if r.Status != http.StatusOK {
		t.Fatalf("close page: %d", r.Status)
	}
	doc := r.Doc(t)
	if got := doc.Find("[data-testid=undecided-offers] li").Text(); !strings.Contains(got, "Sofia Costa") {
		t.Fatalf("offers in progress: %q", got)
	}
	if n := doc.Find("[data-testid=close-choice] select").Length(); n != 4 {
		t.Fatalf("%d choices, want one per application before the offer (4)", n)
	}
	// The positions list's old form cannot fill or close around the page.
	if r := staff.post(fmt.Sprintf("/admin/positions/%d/status", sales), url.Values{"status": {"filled"}}); r.Status != http.StatusSeeOther || r.Location != page+"?status=filled" {
		t.Fatalf("POST status=filled: %d → %q, want the close page", r.Status, r.Location)
	}
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	chloe, daniel := app.applicationID("chloe.dubois@example.com"), app.applicationID("daniel.kim@example.com")
	form := url.Values{"status": {"closed"},
		models.CloseField(amelia): {views.CloseChoiceValue(models.CloseStandard, "")},
		models.CloseField(ben):    {views.CloseChoiceValue(models.CloseWording, string(models.MsgRejectionPositionClosed))},
		models.CloseField(chloe):  {views.CloseChoiceValue(models.CloseFallback, "")},
		models.CloseField(daniel): {views.CloseChoiceValue(models.CloseMove, fmt.Sprint(backend))},
	}
	r = staff.post(page, form)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find("[data-testid=error-summary]").Text(), "Settle the offers in progress first (wait for the answer, or close the application, which withdraws its offer): Sofia Costa.") {
		t.Fatalf("closing with Sofia's offer undecided: %d %.300s", r.Status, r.Body)
	}
	if got, _ := r.Doc(t).Find("#" + models.CloseField(daniel) + " option[selected]").Attr("value"); got != form.Get(models.CloseField(daniel)) {
		t.Fatalf("the refused form forgot Daniel's choice: %q", got)
	}
	ctx := context.Background()
	rec := models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	if err := app.Store.ChangeStatus(ctx, rec, app.applicationID("sofia.costa@example.com"), models.StatusRejected, "Position closed."); err != nil {
		t.Fatal(err)
	}
	var lastMessage int64
	mustDB(t, app.Store.DB().Raw("SELECT coalesce(max(id), 0) FROM outbox_messages").Scan(&lastMessage))
	if r = staff.post(page, form); r.Status != http.StatusSeeOther {
		t.Fatalf("closing: %d %.300s", r.Status, r.Body)
	}
	var kinds []string
	mustDB(t, app.Store.DB().Raw(`SELECT c.name || ' ' || a.status || ' ' || coalesce((SELECT string_agg(m.kind, ',' ORDER BY m.id)
		FROM outbox_messages m WHERE m.candidate_id = c.id AND m.id > ?), '')
		FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.position_id = ? AND c.name <> 'Sofia Costa' AND c.name <> 'Elena Rossi' ORDER BY c.name`, lastMessage, sales).Scan(&kinds))
	want := []string{"Amelia Hart rejected application_rejected", "Ben Okafor rejected rejection_position_closed",
		"Chloe Dubois rejected application_rejected", "Daniel Kim rejected application_moved"}
	if strings.Join(kinds, "; ") != strings.Join(want, "; ") {
		t.Fatalf("after closing:\n%s\nwant\n%s", strings.Join(kinds, "\n"), strings.Join(want, "\n"))
	}
	// Daniel's page says where his application went, not that it ended.
	cand := app.newClient()
	cand.loginCandidate("daniel.kim@example.com")
	mine := cand.get(views.MyApplicationPath(daniel)).Doc(t)
	if got := mine.Find("[data-testid=outcome-moved]").Text(); !strings.Contains(got, "Your application continues for Backend Engineer (Go)") {
		t.Fatalf("Daniel's old application: %q", got)
	}
	if mine.Find("[data-testid=outcome]").Length() != 0 {
		t.Fatal("Daniel's moved application reads as a rejection")
	}
}

// The reject form's Preview button shows the exact message for this
// candidate in the chosen wording and changes nothing; sent three days
// later, the Outbox shows it with its time.
func TestRejectFormPreviewsTheMessage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	appID, cand := app.applicationID("ben.okafor@example.com"), app.candidateID("ben.okafor@example.com")
	page := views.CandidatePath(cand)
	if got, _ := staff.get(page).Doc(t).Find(fmt.Sprintf("#wording-%d option[selected]", appID)).Attr("value"); got != string(models.MsgRejectionAfterAssessment) {
		t.Fatalf("the wording chosen at the assessment day: %q", got)
	}
	var before int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages").Scan(&before))
	form := url.Values{"candidate_id": {fmt.Sprint(cand)}, "status": {"rejected"}, "reason": {"Not this time"},
		"wording": {string(models.MsgRejectionAfterAssessment)}, "send": {"later"}, "send_in_days": {"3"}, "preview": {"1"}}
	r := staff.post(fmt.Sprintf("/admin/applications/%d/status", appID), form)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %.300s", r.Status, r.Body)
	}
	preview := r.Doc(t).Find("[data-testid=rejection-preview]").Text()
	for _, want := range []string{"Hello Ben Okafor", "Thank you for taking part in our assessment day for Account Executive", "Your application for Account Executive"} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview lacks %q:\n%s", want, preview)
		}
	}
	var after int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages").Scan(&after))
	if after != before || !strings.HasPrefix(app.appState(appID), "assessment_day active") {
		t.Fatalf("the preview changed something: %d → %d messages, application %s", before, after, app.appState(appID))
	}
	form.Del("preview")
	if r = staff.post(fmt.Sprintf("/admin/applications/%d/status", appID), form); r.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d %.300s", r.Status, r.Body)
	}
	var m models.OutboxMessage
	mustDB(t, app.Store.DB().Where("candidate_id = ? AND kind = ?", cand, models.MsgRejectionAfterAssessment).First(&m))
	if m.Status != models.MessageHeld || m.SendAfter == nil || !strings.Contains(m.Body, strings.TrimSpace(strings.Split(preview, "Hello Ben Okafor,")[1])[:40]) {
		t.Fatalf("sent: %s until %v\n%s", m.Status, m.SendAfter, m.Body)
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	states := admin.get("/admin/outbox?to=ben.okafor").Doc(t).Find("[data-testid=message-status]").First().Text()
	if !strings.Contains(states, "Held") || !strings.Contains(states, " until ") {
		t.Fatalf("the Outbox shows %q, want the message held with its time", states)
	}
	r = staff.post(fmt.Sprintf("/admin/applications/%d/status", app.applicationID("amelia.hart@example.com")), url.Values{
		"candidate_id": {fmt.Sprint(app.candidateID("amelia.hart@example.com"))}, "status": {"rejected"}, "reason": {"Fallback"}, "send": {"held"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("held rejection: %d", r.Status)
	}
	if got := admin.get("/admin/outbox?to=amelia.hart").Doc(t).Find("[data-testid=message-status]").First().Text(); !strings.Contains(got, "until the position is filled") {
		t.Fatalf("the Outbox shows a held rejection as %q", got)
	}
	r = staff.post(fmt.Sprintf("/admin/applications/%d/status", app.applicationID("chloe.dubois@example.com")), url.Values{
		"candidate_id": {fmt.Sprint(app.candidateID("chloe.dubois@example.com"))}, "status": {"rejected"}, "reason": {"x"}, "send": {"later"}, "send_in_days": {"99"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Send it now or in 1 to 30 days.") {
		t.Fatalf("99 days: %d", r.Status)
	}
}

// Bulk reject previews the first ticked candidate's message.
func TestBulkRejectPreviewsTheMessage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	ids := []string{fmt.Sprint(app.applicationID("amelia.hart@example.com")), fmt.Sprint(app.applicationID("kemi.adeyemi@example.com"))}
	r := staff.post("/admin/candidates/bulk", url.Values{"ids": ids, "action": {"reject"}, "reason": {"Closing"},
		"wording": {string(models.MsgRejectionAfterInterview)}, "preview": {"1"}})
	if r.Status != http.StatusOK {
		t.Fatalf("bulk preview: %d %.300s", r.Status, r.Body)
	}
	if got := r.Doc(t).Find("[data-testid=rejection-preview]").Text(); !strings.Contains(got, "Hello Amelia Hart") || !strings.Contains(got, "meeting us") {
		t.Fatalf("bulk preview:\n%s", got)
	}
	if !strings.HasPrefix(app.appState(app.applicationID("amelia.hart@example.com")), "interview_completed active") {
		t.Fatal("the preview rejected Amelia")
	}
	r = staff.post("/admin/candidates/bulk", url.Values{"ids": ids, "action": {"reject"}, "reason": {"Closing"},
		"wording": {string(models.MsgRejectionAfterInterview)}, "send": {"later"}, "send_in_days": {"5"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("bulk reject: %d %.300s", r.Status, r.Body)
	}
	var held []string
	mustDB(t, app.Store.DB().Raw(`SELECT to_email || ' ' || status || ' ' || (send_after IS NOT NULL) FROM outbox_messages
		WHERE kind = ? ORDER BY to_email`, models.MsgRejectionAfterInterview).Scan(&held))
	if strings.Join(held, "; ") != "amelia.hart@example.com held true; kemi.adeyemi@example.com held true" {
		t.Fatalf("bulk rejections sent in five days: %v", held)
	}
}

// The backend position's close page lists Jonas (offer accepted, contract
// awaiting the employer's signature) as the hire in progress, not as an
// offer to settle, and fills the position with him; the positions list
// then says the fallback is kept until his contract is signed.
func TestClosePageFillsWithTheHireInProgress(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	var backend int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM positions WHERE title = 'Backend Engineer (Go)'").Scan(&backend))
	page := fmt.Sprintf("/admin/positions/%d/close", backend)
	doc := staff.get(page + "?status=filled").Doc(t)
	if got := doc.Find("[data-testid=hires-in-progress] li").Text(); !strings.Contains(got, "Jonas Weber") {
		t.Fatalf("hires in progress: %q", got)
	}
	if n := doc.Find("[data-testid=undecided-offers]").Length(); n != 0 {
		t.Fatalf("Jonas's accepted offer is listed as an offer to settle")
	}
	henrik := app.applicationID("henrik.larsen@example.com")
	r := staff.post(page, url.Values{"status": {"filled"}, models.CloseField(henrik): {views.CloseChoiceValue(models.CloseFallback, "")}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("filling with the hire in progress: %d %.300s", r.Status, r.Body)
	}
	kept := staff.get("/admin/positions").Doc(t).Find("[data-testid=fallbacks-kept]").Text()
	if !strings.Contains(kept, "1 fallback kept") || !strings.Contains(kept, "when the hire in progress is confirmed") {
		t.Fatalf("the positions list: %q", kept)
	}
}
