package handlers_test

// Email delivery through the HTTP surface: the outbox with delivery states
// and "Send again", the message wording editor, the candidate's inbox, and
// pages that promise email only when email is really sent. Delivery runs the
// real River workers against a real SMTP server on loopback (devdb's sink).

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nextstep/devdb"
	"nextstep/handlers"
	"nextstep/models"
)

// mailWait bounds every wait for a delivery outcome.
const mailWait = 15 * time.Second

// newMailTestApp is the whole application with email enabled and delivery
// workers sending to a fresh SMTP sink. Retries are a few milliseconds apart,
// so tests see every state quickly.
func newMailTestApp(t *testing.T) (*testApp, *devdb.SMTPSink) {
	t.Helper()
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.EmailEnabled = true })
	sink, err := devdb.StartSMTPSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	smtpCfg, err := models.ParseSMTPURL(sink.URL())
	if err != nil {
		t.Fatal(err)
	}
	smtpCfg.Timeout = 5 * time.Second
	d, err := app.Store.StartDelivery(context.Background(), models.DeliveryConfig{
		DSN: app.DSN, Sender: models.NewSMTPSender(smtpCfg), FromName: "Nextstep Demo Ltd", FromEmail: "jobs@nextstep.test",
		Workers: 4, RetryBase: 20 * time.Millisecond, PollInterval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Registered after newTestAppWith's cleanup, so it runs first: the
	// workers stop while the database is still there.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = d.Stop(ctx)
		_ = sink.Close()
	})
	return app, sink
}

// waitDelivered waits until no message is queued: the candidate's Messages
// page lists only what has left.
func (a *testApp) waitDelivered() {
	a.t.Helper()
	for deadline := time.Now().Add(mailWait); ; time.Sleep(20 * time.Millisecond) {
		var n int64
		// Only messages with a live delivery job: the demo's own wait without one.
		mustDB(a.t, a.Store.DB().Raw(`SELECT count(*) FROM outbox_messages m WHERE m.status IN ('queued', 'held') AND EXISTS (SELECT 1 FROM river_job j
			WHERE j.kind = 'deliver_message' AND (j.args->>'message_id')::bigint = m.id AND j.state NOT IN ('completed', 'cancelled', 'discarded'))`).Scan(&n))
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("%d messages still queued", n)
		}
	}
}

// waitDeliveryJobsDone waits until every delivery job has finished
// (completed, cancelled or discarded). A job hands its email to the SMTP
// server before it finishes, so after this every email the jobs will ever
// send has arrived, duplicates included.
func (a *testApp) waitDeliveryJobsDone() {
	a.t.Helper()
	for deadline := time.Now().Add(mailWait); ; time.Sleep(20 * time.Millisecond) {
		var states []string
		mustDB(a.t, a.Store.DB().Raw(`SELECT state || ' ' || count(*) FROM river_job WHERE kind = 'deliver_message'
			AND state NOT IN ('completed', 'cancelled', 'discarded') GROUP BY state`).Scan(&states))
		if len(states) == 0 {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("delivery jobs still unfinished after %s: %v", mailWait, states)
		}
	}
}

// latestMessageID is the newest outbox message of kind to email.
func (a *testApp) latestMessageID(email string, kind models.MessageKind) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT coalesce(max(id), 0) FROM outbox_messages WHERE to_email = ? AND kind = ?", email, kind).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("no %s message to %s in the outbox (err %v)", kind, email, err)
	}
	return id
}

// storedBody is message id's text as delivery sends it, working links
// included. No page shows it (models.OutboxMessage.Redacted hides them): a
// test that follows a link from a message reads it here, as the mail would.
func (a *testApp) storedBody(id int64) string {
	a.t.Helper()
	var body string
	if err := a.Store.DB().Raw("SELECT body FROM outbox_messages WHERE id = ?", id).Scan(&body).Error; err != nil || body == "" {
		a.t.Fatalf("message %d has no stored body (err %v)", id, err)
	}
	return body
}

// waitMessageStatus waits until message id is in state want, and returns it.
func (a *testApp) waitMessageStatus(id int64, want models.MessageStatus) *models.OutboxMessage {
	a.t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		m, err := a.Store.GetMessage(context.Background(), a.adminActor(), id)
		if err != nil {
			a.t.Fatal(err)
		}
		if m.Status == want {
			return m
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("message %d is %s after %s (attempts %d, last error %q), want %s", id, m.Status, mailWait, m.Attempts, m.LastError, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitJobsFinished waits until message id has no delivery job that is
// still to run or running.
func (a *testApp) waitJobsFinished(id int64) {
	a.t.Helper()
	for deadline := time.Now().Add(mailWait); ; time.Sleep(20 * time.Millisecond) {
		var n int64
		mustDB(a.t, a.Store.DB().Raw(`SELECT count(*) FROM river_job WHERE kind = 'deliver_message' AND (args->>'message_id')::bigint = ?
			AND state NOT IN ('completed', 'cancelled', 'discarded')`, id).Scan(&n))
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("message %d still has %d unfinished delivery jobs after %s", id, n, mailWait)
		}
	}
}

// mailsWithSubject are the received mails to rcpt with this subject.
func mailsWithSubject(sink *devdb.SMTPSink, rcpt, subject string) []devdb.ReceivedMail {
	var out []devdb.ReceivedMail
	for _, m := range sink.To(rcpt) {
		if m.Header.Get("Subject") == subject {
			out = append(out, m)
		}
	}
	return out
}

// outboxArticle is the outbox's card for message id.
func outboxArticle(t *testing.T, doc *goquery.Document, id int64) *goquery.Selection {
	t.Helper()
	art := doc.Find(fmt.Sprintf(`[data-testid=outbox-message][aria-labelledby="msg-%d"]`, id))
	if art.Length() != 1 {
		t.Fatalf("the outbox shows %d cards for message %d, want 1", art.Length(), id)
	}
	return art
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestOutboxFailedMessageIsRetriedAndSent: a message the SMTP server refuses
// for good shows as Failed with the server's reason; a recruiter's "Send
// again" queues it once more and, the server now willing, it is sent exactly
// once.
func TestOutboxFailedMessageIsRetriedAndSent(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	ctx := context.Background()
	const ben = "ben.okafor@example.com"

	sink.RefuseAll(true)
	if err := app.Store.RequestCandidateLink(ctx, ben, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	id := app.latestMessageID(ben, models.MsgCandidateSignIn)
	failed := app.waitMessageStatus(id, models.MessageFailed)
	// River closes the failed attempt's job just after the message is marked
	// failed; "Send again" before then is refused as "still finishing".
	app.waitJobsFinished(id)
	if failed.Attempts != 1 {
		t.Errorf("a permanent refusal took %d attempts, want 1 (no retry of a 550)", failed.Attempts)
	}
	if !strings.Contains(failed.LastError, "550") {
		t.Errorf("stored last error = %q, want the server's 550", failed.LastError)
	}

	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.get("/admin/outbox?to=" + url.QueryEscape(ben))
	if res.Status != http.StatusOK {
		t.Fatalf("admin outbox: %d", res.Status)
	}
	art := outboxArticle(t, res.Doc(t), id)
	if got := strings.TrimSpace(art.Find("[data-testid=message-state]").Text()); got != "Failed" {
		t.Errorf("state badge = %q, want Failed", got)
	}
	reason := squash(art.Find("[data-testid=message-error]").Text())
	if !strings.Contains(reason, "550") || !strings.Contains(reason, "Delivery refused by policy") {
		t.Errorf("shown error = %q, want the 550 reason from the server", reason)
	}
	if got := squash(art.Find("[data-testid=message-status]").Text()); !strings.Contains(got, "1 attempt") {
		t.Errorf("delivery line = %q, want 1 attempt", got)
	}
	if art.Find("[data-testid=retry]").Length() != 1 {
		t.Fatal("a failed message has no Send again button for the admin")
	}
	if body := art.Find("[data-testid=message-body]").Text(); strings.Contains(body, "/signin/") || !strings.Contains(body, "[sign-in link hidden]") {
		t.Errorf("the admin's outbox body = %q, want the sign-in link hidden", body)
	}

	// The recruiter sees the same failure, with the link hidden, and retries.
	sink.RefuseAll(false)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	res = rec.get("/admin/outbox?status=failed")
	if res.Status != http.StatusOK {
		t.Fatalf("recruiter outbox: %d", res.Status)
	}
	art = outboxArticle(t, res.Doc(t), id)
	if body := art.Find("[data-testid=message-body]").Text(); strings.Contains(body, "/signin/") || !strings.Contains(body, "[sign-in link hidden]") {
		t.Errorf("the recruiter's outbox body = %q, want the sign-in link hidden", body)
	}
	action, _ := art.Find("form:has([data-testid=retry])").Attr("action")
	if want := fmt.Sprintf("/admin/messages/%d/retry", id); action != want {
		t.Fatalf("Send again posts to %q, want %q", action, want)
	}
	// Roles without the outbox cannot send it again; an unknown message is 404.
	for _, who := range []string{managerEmail, interviewerEmail} {
		c := app.newClient()
		c.loginStaff(who)
		if res := c.post(action, nil); res.Status != http.StatusForbidden {
			t.Errorf("%s sending a message again: %d, want 403", who, res.Status)
		}
	}
	if res := rec.post("/admin/messages/987654321/retry", nil); res.Status != http.StatusNotFound {
		t.Errorf("Send again on an unknown message: %d, want 404", res.Status)
	}
	if m, _ := app.Store.GetMessage(ctx, app.adminActor(), id); m.Status != models.MessageFailed {
		t.Fatalf("after refused retries the message is %s, want still failed", m.Status)
	}

	res = rec.post(action, nil)
	if res.Status != http.StatusSeeOther || res.Location != "/admin/outbox" {
		t.Fatalf("Send again: %d → %q, want 303 → /admin/outbox", res.Status, res.Location)
	}
	if got := rec.get(res.Location).Doc(t).Find("[data-testid=flash]").Text(); !strings.Contains(got, "queued to be sent again") {
		t.Errorf("flash after Send again = %q", got)
	}

	sent := app.waitMessageStatus(id, models.MessageSent)
	if sent.Attempts != 2 || sent.SentAt == nil {
		t.Errorf("after the retry: attempts %d, sent at %v; want 2 attempts and a time", sent.Attempts, sent.SentAt)
	}
	res = admin.get("/admin/outbox?to=" + url.QueryEscape(ben))
	art = outboxArticle(t, res.Doc(t), id)
	if got := strings.TrimSpace(art.Find("[data-testid=message-state]").Text()); got != "Sent" {
		t.Errorf("state badge after the retry = %q, want Sent", got)
	}
	if art.Find("[data-testid=message-error]").Length() != 0 || art.Find("[data-testid=retry]").Length() != 0 {
		t.Error("a sent message still shows its old error or a Send again button")
	}
	if art.Find("[data-testid=smtp-reply]").Length() != 1 {
		t.Error("a sent message does not show the server's reply")
	}

	// Sending again a message that was sent is refused and sends nothing.
	res = rec.post(fmt.Sprintf("/admin/messages/%d/retry", id), nil)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("Send again on a sent message: %d, want 303 with an explanation", res.Status)
	}
	if got := rec.get(res.Location).Doc(t).Find("[data-testid=flash]").Text(); !strings.Contains(got, "Only a message that failed") {
		t.Errorf("flash after Send again on a sent message = %q", got)
	}

	// Once every delivery job has finished, a duplicate would have arrived.
	app.waitDeliveryJobsDone()
	if got := mailsWithSubject(sink, ben, sent.Subject); len(got) != 1 {
		t.Fatalf("%d emails %q arrived for %s, want exactly 1", len(got), sent.Subject, ben)
	}
	if n := app.countRows("audit_log", "action = 'message.retried' AND subject_id = ?", id); n != 1 {
		t.Errorf("audit log has %d message.retried entries for message %d, want 1", n, id)
	}
}

// TestMessageTemplateEditor: an admin's wording with an unknown placeholder
// comes back with the typed text and the placeholder named; a preview fills
// in sample values; saved wording is used for the next message and a reset
// brings the default back. Recruiters cannot reach the editor.
func TestMessageTemplateEditor(t *testing.T) {
	t.Parallel()
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.EmailEnabled = true })
	ctx := context.Background()
	const (
		kind       = "stage_changed"
		editorPath = "/admin/message-templates/" + kind
		defSubject = "Next step for {{job_title}}: {{stage}}"
	)
	admin := app.newClient()
	admin.loginStaff(adminEmail)

	res := admin.get("/admin/message-templates")
	if res.Status != http.StatusOK {
		t.Fatalf("template list: %d", res.Status)
	}
	row := res.Doc(t).Find("[data-testid=message-template]:has(a[href=\"" + editorPath + "\"])")
	if row.Length() != 1 || !strings.Contains(row.Text(), "Default") {
		t.Fatalf("template list row for %s = %q, want one row marked Default", kind, squash(row.Text()))
	}

	res = admin.get(editorPath)
	if res.Status != http.StatusOK {
		t.Fatalf("editor: %d", res.Status)
	}
	doc := res.Doc(t)
	if got, _ := doc.Find("input#subject").Attr("value"); got != defSubject {
		t.Errorf("editor subject = %q, want the default %q", got, defSubject)
	}
	if got := doc.Find("[data-testid=preview]").Text(); !strings.Contains(got, "Alex Example") || strings.Contains(got, "{{") {
		t.Errorf("editor preview = %q, want sample values filled in", squash(got))
	}

	// An unknown placeholder: 422, the text as typed, the placeholder named.
	badSubject := "News about {{job_title}}"
	badBody := "Dear {{candidate_name}},\n\nYour favourite colour is {{favourite_colour}}.\n\n{{application_link}}"
	for _, do := range []string{"save", "preview"} {
		res = admin.post(editorPath, url.Values{"subject": {badSubject}, "body": {badBody}, "do": {do}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s with an unknown placeholder: %d, want 422", do, res.Status)
		}
		doc = res.Doc(t)
		if got, _ := doc.Find("input#subject").Attr("value"); got != badSubject {
			t.Errorf("%s: subject re-rendered as %q, want %q", do, got, badSubject)
		}
		if got := doc.Find("textarea#body").Text(); got != badBody {
			t.Errorf("%s: body re-rendered as %q, want %q", do, got, badBody)
		}
		summary := doc.Find("[data-testid=error-summary]").Text()
		if !strings.Contains(summary, "favourite_colour") {
			t.Errorf("%s: error summary = %q, want it to name favourite_colour", do, squash(summary))
		}
		if got := doc.Find("#body-error").Text(); !strings.Contains(got, "favourite_colour") {
			t.Errorf("%s: body field error = %q, want it to name favourite_colour", do, got)
		}
		if v, _ := doc.Find("textarea#body").Attr("aria-invalid"); v != "true" {
			t.Errorf("%s: body aria-invalid = %q, want true", do, v)
		}
		if doc.Find("[data-testid=preview]").Length() != 0 {
			t.Errorf("%s: refused wording is still previewed", do)
		}
	}
	if n := app.countRows("message_templates", ""); n != 0 {
		t.Fatalf("refused wording was stored: %d rows", n)
	}

	// Preview: sample values filled in, nothing stored.
	subject := "Update on {{job_title}}"
	body := "Dear {{candidate_name}},\n\nYou are now at: {{stage}}.\n\n{{application_link}}"
	res = admin.post(editorPath, url.Values{"subject": {subject}, "body": {body}, "do": {"preview"}})
	if res.Status != http.StatusOK {
		t.Fatalf("preview: %d %.300s", res.Status, res.Body)
	}
	doc = res.Doc(t)
	preview := doc.Find("[data-testid=preview]").Text()
	for _, want := range []string{"Update on Account Executive", "Dear Alex Example,", "You are now at: Assessment day.", app.URL + "/me/applications/1"} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview = %q, want it to contain %q", squash(preview), want)
		}
	}
	if strings.Contains(preview, "{{") {
		t.Errorf("preview still holds placeholders: %q", squash(preview))
	}
	if got, _ := doc.Find("input#subject").Attr("value"); got != subject {
		t.Errorf("preview: subject field = %q, want the typed %q", got, subject)
	}
	if n := app.countRows("message_templates", ""); n != 0 {
		t.Fatalf("a preview stored the wording: %d rows", n)
	}

	// Save: the next message of this kind uses the new wording.
	res = admin.post(editorPath, url.Values{"subject": {subject}, "body": {body}, "do": {"save"}})
	if res.Status != http.StatusSeeOther || res.Location != editorPath {
		t.Fatalf("save: %d → %q, want 303 → %s", res.Status, res.Location, editorPath)
	}
	doc = admin.get(editorPath).Doc(t)
	if got := doc.Find("[data-testid=wording-state]").Text(); !strings.Contains(got, "edited wording") {
		t.Errorf("after saving, wording state = %q", got)
	}
	if got, _ := doc.Find("input#subject").Attr("value"); got != subject {
		t.Errorf("after saving, subject field = %q, want %q", got, subject)
	}
	if got := doc.Find("textarea#body").Text(); got != body {
		t.Errorf("after saving, body field = %q, want %q", got, body)
	}
	if !strings.Contains(admin.get("/admin/message-templates").Doc(t).Find("[data-testid=message-template]:has(a[href=\""+editorPath+"\"])").Text(), "Edited") {
		t.Error("the template list does not mark the saved wording as Edited")
	}
	const amelia = "amelia.hart@example.com"
	if err := app.Store.MoveStage(ctx, app.adminActor(), app.applicationID(amelia), models.MoveRequest{To: models.StageAdditionalInterview, Note: "not needed here", ConfirmSkip: true}); err != nil {
		t.Fatal(err)
	}
	m, err := app.Store.GetMessage(ctx, app.adminActor(), app.latestMessageID(amelia, models.MsgStageChanged))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Update on Account Executive" || !strings.HasPrefix(m.Body, "Dear Amelia Hart,\n\nYou are now at: Another interview.") {
		t.Errorf("message after saving the wording: subject %q, body %q; want the admin's wording", m.Subject, m.Body)
	}

	// A recruiter can neither read nor change the wording.
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	if nav := rec.get("/admin/outbox").Doc(t).Find("nav.main-nav"); nav.Find(`a[href="/admin/message-templates"]`).Length() != 0 {
		t.Errorf("the recruiter's navigation links to the wording editor: %q", squash(nav.Text()))
	}
	for _, p := range []string{"/admin/message-templates", editorPath} {
		if res := rec.get(p); res.Status != http.StatusForbidden {
			t.Errorf("recruiter GET %s: %d, want 403", p, res.Status)
		}
	}
	if res := rec.post(editorPath, url.Values{"subject": {"Hacked {{job_title}}"}, "body": {"x"}, "do": {"save"}}); res.Status != http.StatusForbidden {
		t.Errorf("recruiter saving wording: %d, want 403", res.Status)
	}
	if res := rec.post(editorPath+"/reset", nil); res.Status != http.StatusForbidden {
		t.Errorf("recruiter resetting wording: %d, want 403", res.Status)
	}
	var stored string
	if err := app.Store.DB().Raw("SELECT subject FROM message_templates WHERE kind = ?", kind).Scan(&stored).Error; err != nil || stored != subject {
		t.Fatalf("after the recruiter's attempts the stored subject is %q (err %v), want the admin's %q", stored, err, subject)
	}

	// Reset: the default is back, for the page and for the next message.
	res = admin.post(editorPath+"/reset", nil)
	if res.Status != http.StatusSeeOther || res.Location != editorPath {
		t.Fatalf("reset: %d → %q", res.Status, res.Location)
	}
	doc = admin.get(editorPath).Doc(t)
	if got := doc.Find("[data-testid=wording-state]").Text(); !strings.Contains(got, "default wording") {
		t.Errorf("after reset, wording state = %q", got)
	}
	if got, _ := doc.Find("input#subject").Attr("value"); got != defSubject {
		t.Errorf("after reset, subject field = %q, want the default", got)
	}
	if doc.Find("[data-testid=reset]").Length() != 0 {
		t.Error("the default wording still offers a reset")
	}
	if n := app.countRows("message_templates", ""); n != 0 {
		t.Fatalf("after reset %d template rows remain", n)
	}
	if err := app.Store.MoveStage(ctx, app.adminActor(), app.applicationID(amelia), models.MoveRequest{To: models.StageAssessmentDay, Note: "not needed here", ConfirmSkip: true}); err != nil {
		t.Fatal(err)
	}
	m, err = app.Store.GetMessage(ctx, app.adminActor(), app.latestMessageID(amelia, models.MsgStageChanged))
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Next step for Account Executive: Assessment day" {
		t.Errorf("message after reset: subject %q, want the default wording", m.Subject)
	}

	// Kinds that are not editable, or do not exist, have no editor.
	for _, k := range []string{"staff_invitation", "no_such_kind"} {
		if res := admin.get("/admin/message-templates/" + k); res.Status != http.StatusNotFound {
			t.Errorf("editor for %s: %d, want 404", k, res.Status)
		}
	}
}

// TestInboxListsTheCandidatesOwnMessages: /me/messages lists what was sent to
// the signed-in candidate, newest first, without sign-in links (neither the
// sign-in messages nor the link inside the invitation), and nothing sent to
// anyone else.
func TestInboxListsTheCandidatesOwnMessages(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	ctx := context.Background()
	const (
		nora = "nora.lindqvist@example.com"
		ben  = "ben.okafor@example.com"
	)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)

	// Nora is added (an invitation with a sign-in link), moved on (a stage
	// change, with an internal note), put on hold (no message), and asks for
	// a sign-in link (never in the inbox).
	res := rec.post("/admin/candidates", url.Values{"name": {"Nora Lindqvist"}, "email": {nora}, "position_id": {fmt.Sprint(app.positionID("Account Executive"))}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add candidate: %d %.300s", res.Status, res.Body)
	}
	noraID, noraApp := app.candidateID(nora), app.applicationID(nora)
	const note = "Internal: strong on numbers."
	res = rec.post(fmt.Sprintf("/admin/applications/%d/move", noraApp), url.Values{"to_stage": {"additional_interview"}, "candidate_id": {fmt.Sprint(noraID)}, "note": {note}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("move stage: %d %.300s", res.Status, res.Body)
	}
	res = rec.post(fmt.Sprintf("/admin/applications/%d/status", noraApp), url.Values{"status": {"on_hold"}, "candidate_id": {fmt.Sprint(noraID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("put on hold: %d %.300s", res.Status, res.Body)
	}
	if err := app.Store.RequestCandidateLink(ctx, nora, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	// Ben gets a message of his own.
	res = rec.post(fmt.Sprintf("/admin/applications/%d/move", app.applicationID(ben)), url.Values{"to_stage": {"commercial_negotiation"}, "candidate_id": {fmt.Sprint(app.candidateID(ben))}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("move Ben: %d %.300s", res.Status, res.Body)
	}
	// Everything is delivered before the candidates look.
	for _, k := range []models.MessageKind{models.MsgCandidateInvitation, models.MsgStageChanged, models.MsgCandidateSignIn} {
		app.waitMessageStatus(app.latestMessageID(nora, k), models.MessageSent)
	}
	app.waitMessageStatus(app.latestMessageID(ben, models.MsgStageChanged), models.MessageSent)
	if got := len(sink.To(nora)); got != 3 {
		t.Errorf("%d emails arrived for Nora, want 3 (invitation, stage change, sign-in link)", got)
	}

	noraSubjects := []string{"Next step for Account Executive: Another interview", "Your next steps for Account Executive"}
	const benSubject = "Next step for Account Executive: Commercial negotiation interview"

	c := app.newClient()
	c.loginCandidate(nora)
	res = c.get("/me/messages")
	if res.Status != http.StatusOK {
		t.Fatalf("/me/messages: %d", res.Status)
	}
	doc := res.Doc(t)
	var subjects []string
	doc.Find("[data-testid=inbox-message] .message-subject").Each(func(_ int, s *goquery.Selection) {
		subjects = append(subjects, strings.TrimSpace(s.Text()))
	})
	if strings.Join(subjects, " | ") != strings.Join(noraSubjects, " | ") {
		t.Errorf("Nora's inbox subjects (newest first) = %q, want %q", subjects, noraSubjects)
	}
	if strings.Contains(res.Body, "/signin/") {
		t.Error("the inbox page contains a sign-in link")
	}
	if strings.Contains(res.Body, "Your sign-in link") {
		t.Error("the inbox lists the sign-in link message")
	}
	invitation := doc.Find("[data-testid=inbox-message]").Last().Text()
	if !strings.Contains(invitation, "[sign-in link hidden]") {
		t.Errorf("the invitation in the inbox = %q, want its link hidden", squash(invitation))
	}
	for _, leak := range []string{note, benSubject, "Ben"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("Nora's inbox shows %q", leak)
		}
	}
	if got := doc.Find("main p.muted").First().Text(); !strings.Contains(got, "by email") {
		t.Errorf("inbox intro with email enabled = %q, want it to say by email", got)
	}
	doc.Find("[data-testid=inbox-message] time").Each(func(i int, s *goquery.Selection) {
		if v, _ := s.Attr("datetime"); !strings.HasPrefix(v, "2026-12-01T09:00") {
			t.Errorf("inbox message %d: <time datetime=%q>, want the machine-readable send time", i, v)
		}
	})
	if v, _ := doc.Find(`nav.main-nav a[href="/me/messages"]`).Attr("aria-current"); v != "page" {
		t.Errorf("Messages nav link aria-current = %q, want page", v)
	}

	// Ben sees his own message and none of Nora's.
	b := app.newClient()
	b.loginCandidate(ben)
	res = b.get("/me/messages")
	if res.Status != http.StatusOK {
		t.Fatalf("Ben's /me/messages: %d", res.Status)
	}
	doc = res.Doc(t)
	// His own that have left (the demo's wait without delivery jobs here): the stage change above.
	own := app.sqlCount("SELECT count(*) FROM outbox_messages WHERE to_email = ? AND kind <> 'candidate_sign_in' AND status = 'sent'", ben)
	if n := doc.Find("[data-testid=inbox-message]").Length(); int64(n) != own || own < 1 || !strings.Contains(doc.Find("[data-testid=inbox-message]").Text(), benSubject) {
		t.Errorf("Ben's inbox has %d messages (%q), want his %d, the stage change among them", n, squash(doc.Find("[data-testid=inbox-message] .message-subject").Text()), own)
	}
	// (Ben has an invitation of his own with the same subject as Nora's.)
	for _, leak := range []string{noraSubjects[0], "Nora"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("Ben's inbox shows %q", leak)
		}
	}

	// Without a candidate session there is no inbox.
	if res := app.newClient().get("/me/messages"); res.Status != http.StatusSeeOther || res.Location != "/signin?next=%2Fme%2Fmessages" {
		t.Errorf("anonymous /me/messages: %d → %q, want 303 → /signin?next=%%2Fme%%2Fmessages", res.Status, res.Location)
	}
	staff := app.newClient()
	staff.loginStaff(adminEmail)
	if res := staff.get("/me/messages"); res.Status == http.StatusOK {
		t.Error("a staff session opens a candidate inbox")
	}
}

// TestMailHonestCopy: pages promise email only when this server sends it.
func TestMailHonestCopy(t *testing.T) {
	t.Parallel()
	for _, enabled := range []bool{false, true} {
		t.Run(fmt.Sprintf("EmailEnabled=%v", enabled), func(t *testing.T) {
			app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.EmailEnabled = enabled })
			c := app.newClient()

			res := c.get("/signin")
			if res.Status != http.StatusOK {
				t.Fatalf("/signin: %d", res.Status)
			}
			button := strings.TrimSpace(res.Doc(t).Find(`form[action="/signin"] button[type=submit]`).Text())
			wantButton := "Send me a sign-in link"
			if enabled {
				wantButton = "Email me a sign-in link"
			}
			if button != wantButton {
				t.Errorf("/signin button = %q, want %q", button, wantButton)
			}
			if !enabled && strings.Contains(res.Body, "Email me") {
				t.Error("/signin says Email me while email is off")
			}

			res = c.post("/signin", url.Values{"email": {"amelia.hart@example.com"}})
			if res.Status != http.StatusSeeOther || res.Location != "/signin/sent" {
				t.Fatalf("asking for a link: %d → %q", res.Status, res.Location)
			}
			res = c.get(res.Location)
			heading := strings.TrimSpace(res.Doc(t).Find("[data-testid=signin-sent] h1").Text())
			if enabled != (heading == "Check your email") {
				t.Errorf("/signin/sent heading = %q with email enabled %v", heading, enabled)
			}
			if !enabled && strings.Contains(res.Doc(t).Find("main").Text(), "on its way") {
				t.Error("/signin/sent says the link is on its way while email is off")
			}

			staff := app.newClient()
			staff.loginStaff(recruiterEmail)
			res = staff.post("/admin/candidates", url.Values{"name": {"Nora Lindqvist"}, "email": {"nora.lindqvist@example.com"}, "position_id": {fmt.Sprint(app.positionID("Account Executive"))}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("add candidate: %d", res.Status)
			}
			flash := staff.get(res.Location).Doc(t).Find("[data-testid=flash]").Text()
			if enabled != strings.Contains(flash, "by email") {
				t.Errorf("flash after adding a candidate = %q with email enabled %v", flash, enabled)
			}
			outbox := staff.get("/admin/outbox").Doc(t)
			if enabled != (outbox.Find("[data-testid=email-off]").Length() == 0) {
				t.Errorf("outbox 'email is not configured' notice shown = %v with email enabled %v", outbox.Find("[data-testid=email-off]").Length() == 1, enabled)
			}

			cand := app.newClient()
			cand.loginCandidate("amelia.hart@example.com")
			intro := cand.get("/me/messages").Doc(t).Find("main p.muted").First().Text()
			if enabled != strings.Contains(intro, "email") {
				t.Errorf("inbox intro = %q with email enabled %v", intro, enabled)
			}
		})
	}
}
