package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
)

// TestNoPageShowsALiveSignInLink: a candidate's invitation carries a live
// sign-in link in its subject and its body (wording saved before the editor
// refused links in subjects), and they asked for a sign-in link too. The
// Outbox and the staff candidate page, for an admin and for a recruiter, and
// the candidate's own Messages page never contain the token or a /signin/
// URL; the invitation is shown with the link marked hidden.
func TestNoPageShowsALiveSignInLink(t *testing.T) {
	t.Parallel()
	app, _ := newMailTestApp(t)
	ctx := context.Background()
	const zoe = "zoe.quinn@example.com"
	if err := app.Store.DB().Exec(`INSERT INTO message_templates (kind, subject, body, updated_by, updated_at)
		VALUES ('candidate_invitation', 'Your page: {{sign_in_link}}', 'Hello {{candidate_name}}, open {{sign_in_link}}', ?, now())`,
		app.staffID(adminEmail)).Error; err != nil {
		t.Fatal(err)
	}
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	res := rec.post("/admin/candidates", url.Values{"name": {"Zoe Quinn"}, "email": {zoe}, "position_id": {fmt.Sprint(app.positionID("Account Executive"))}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add candidate: %d %.300s", res.Status, res.Body)
	}
	if err := app.Store.RequestCandidateLink(ctx, zoe, "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	for _, k := range []models.MessageKind{models.MsgCandidateInvitation, models.MsgCandidateSignIn} {
		link := signInLinkRe.FindString(app.storedBody(app.latestMessageID(zoe, k)))
		if link == "" {
			t.Fatalf("the stored %s message has no sign-in link", k)
		}
		tokens = append(tokens, link[strings.LastIndex(link, "/")+1:])
	}
	var subject string
	mustDB(t, app.Store.DB().Raw("SELECT subject FROM outbox_messages WHERE id = ?", app.latestMessageID(zoe, models.MsgCandidateInvitation)).Scan(&subject))
	if !strings.Contains(subject, "/signin/"+tokens[0]) {
		t.Fatalf("the stored invitation subject %q holds no link: the test would prove nothing", subject)
	}
	noLink := func(who, page string, res response) {
		t.Helper()
		if res.Status != http.StatusOK {
			t.Fatalf("%s on %s: %d", who, page, res.Status)
		}
		for _, tok := range tokens {
			if strings.Contains(res.Body, tok) {
				t.Errorf("%s on %s sees a live sign-in token", who, page)
			}
		}
		if strings.Contains(res.Body, "/signin/") {
			t.Errorf("%s on %s sees a /signin/ URL", who, page)
		}
		if !strings.Contains(res.Body, "Your page: [sign-in link hidden]") {
			t.Errorf("%s on %s: the invitation subject is not shown with its link hidden", who, page)
		}
	}
	for _, who := range []string{adminEmail, recruiterEmail} {
		c := app.newClient()
		c.loginStaff(who)
		noLink(who, "the outbox", c.get("/admin/outbox?to="+url.QueryEscape(zoe)))
		noLink(who, "the candidate page", c.get(fmt.Sprintf("/admin/candidates/%d", app.candidateID(zoe))))
	}
	cand := app.newClient()
	cand.loginCandidate(zoe)
	app.waitDelivered()
	res = cand.get("/me/messages")
	noLink("Zoe", "her Messages page", res)
	if strings.Contains(res.Body, "Your sign-in link") {
		t.Error("the candidate's Messages page lists the sign-in message")
	}
}

// TestMessageEditorRefusesASignInLinkInTheSubject: the admin's subject with
// {{sign_in_link}} comes back with 422, the typed text and a message on the
// subject field; nothing is saved and no preview is shown.
func TestMessageEditorRefusesASignInLinkInTheSubject(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	const path = "/admin/message-templates/candidate_invitation"
	subject := "Your page: {{sign_in_link}}"
	body := "Hello {{candidate_name}},\n\n{{sign_in_link}}"
	for _, do := range []string{"save", "preview"} {
		res := admin.post(path, url.Values{"subject": {subject}, "body": {body}, "do": {do}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s with a sign-in link in the subject: %d, want 422", do, res.Status)
		}
		doc := res.Doc(t)
		if got, _ := doc.Find("input#subject").Attr("value"); got != subject {
			t.Errorf("%s: subject re-rendered as %q, want %q", do, got, subject)
		}
		if got := doc.Find("textarea#body").Text(); got != body {
			t.Errorf("%s: body re-rendered as %q, want %q", do, got, body)
		}
		if got := doc.Find("#subject-error").Text(); !strings.Contains(got, "{{sign_in_link}}") || !strings.Contains(got, "never in the subject") {
			t.Errorf("%s: subject field error = %q, want it to say the link goes only in the message", do, squash(got))
		}
		if doc.Find("#body-error").Length() != 0 || doc.Find("[data-testid=preview]").Length() != 0 {
			t.Errorf("%s: a body error or a preview is shown", do)
		}
	}
	if n := app.countRows("message_templates", ""); n != 0 {
		t.Fatalf("%d wordings saved, want none", n)
	}
}
