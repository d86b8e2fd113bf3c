package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/devdb"
	"nextstep/models"
)

// waitForMail waits until a mail to rcpt with this subject has arrived at
// the sink, and returns the first one.
func waitForMail(t *testing.T, sink *devdb.SMTPSink, rcpt, subject string) devdb.ReceivedMail {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		if got := mailsWithSubject(sink, rcpt, subject); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, m := range sink.To(rcpt) {
				seen = append(seen, m.Header.Get("Subject"))
			}
			t.Fatalf("no mail %q to %s after %s; received for them: %q", subject, rcpt, mailWait, seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestBrowserMailCandidateSignsInFromReceivedMail is the acceptance journey of
// email delivery: a candidate asks for a sign-in link in Chromium, the link
// arrives by SMTP, the candidate follows it from the received mail and reads
// their messages, which hold no sign-in link.
func TestBrowserMailCandidateSignsInFromReceivedMail(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	const (
		email        = "amelia.hart@example.com"
		movedSubject = "Next step for Account Executive: Another interview"
	)

	// Earlier, a recruiter moved Amelia on; that message reached her.
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	res := rec.post(fmt.Sprintf("/admin/applications/%d/move", app.applicationID(email)),
		url.Values{"to_stage": {"additional_interview"}, "candidate_id": {fmt.Sprint(app.candidateID(email))}, "note": {"Internal: good energy."}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("move stage: %d %.300s", res.Status, res.Body)
	}
	waitForMail(t, sink, email, movedSubject)

	// The candidate asks for a link on the sign-in page.
	b := newBrowser(t)
	open(t, b, app.URL+"/signin", "#email")
	if got := text(t, b, `form[action="/signin"] button[type=submit]`); got != "Email me a sign-in link" {
		t.Errorf("/signin button = %q, want Email me a sign-in link", got)
	}
	fill(t, b, "email", email)
	if status := submit(t, b, `form[action="/signin"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("request link: status %d on %s", status, currentURL(b))
	}
	waitVisible(t, b, "[data-testid=signin-sent]")
	if got := text(t, b, "[data-testid=signin-sent] h1"); got != "Check your email" {
		t.Errorf("/signin/sent heading = %q, want Check your email", got)
	}

	// The link arrives by email; the test reads it as the candidate would.
	mail := waitForMail(t, sink, email, "Your sign-in link for Nextstep Demo Ltd")
	if len(mail.Recipients) != 1 || !strings.EqualFold(mail.Recipients[0], email) {
		t.Errorf("sign-in mail recipients = %q, want only %s", mail.Recipients, email)
	}
	body, err := mail.Text()
	if err != nil {
		t.Fatalf("decoding the text part of the sign-in mail: %v", err)
	}
	link := signInLinkRe.FindString(body)
	if !strings.HasPrefix(link, app.URL+"/signin/") {
		t.Fatalf("the received sign-in mail holds no link to %s: %q", app.URL, body)
	}
	if html, err := mail.HTML(); err != nil || !strings.Contains(html, link) {
		t.Errorf("the HTML part does not carry the same link (err %v)", err)
	}
	if m, err := app.Store.GetMessage(context.Background(), app.adminActor(), app.latestMessageID(email, models.MsgCandidateSignIn)); err != nil || m.Status != models.MessageSent {
		t.Errorf("the sign-in message in the outbox: %+v (err %v), want sent", m, err)
	}

	// Follow the link from the mail, press Continue, land on /me.
	browserUseSignInLink(t, b, link)
	if got := text(t, b, "main h1"); got != "Hello, Amelia" {
		t.Fatalf("/me heading = %q, want Hello, Amelia", got)
	}

	// The Messages link in the navigation opens the inbox.
	if status := submit(t, b, `nav.main-nav a[href="/me/messages"]`); status != http.StatusOK {
		t.Fatalf("open Messages: status %d on %s", status, currentURL(b))
	}
	if got := path(t, b); got != "/me/messages" {
		t.Fatalf("after clicking Messages the browser is on %s, want /me/messages", got)
	}
	waitVisible(t, b, "[data-testid=inbox-message]")
	if got := text(t, b, "main h1"); got != "Messages" {
		t.Errorf("inbox heading = %q, want Messages", got)
	}
	subjects := run(t, b, "inbox subjects", chromedp.Evaluate[[]string](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=inbox-message] .message-subject"), function (h) { return h.textContent.trim(); })`))
	if len(subjects) != 1 || subjects[0] != movedSubject {
		t.Errorf("inbox subjects = %q, want only %q (the sign-in message is not listed)", subjects, movedSubject)
	}
	if got := text(t, b, "[data-testid=inbox-message] .message-body"); !strings.Contains(got, "Your next step: Another interview.") {
		t.Errorf("inbox message body = %q, want the stage change", got)
	}
	page := run(t, b, "inbox HTML", chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(page, "/signin/") {
		t.Error("the inbox page contains a sign-in link")
	}
	if strings.Contains(page, "Internal: good energy.") {
		t.Error("the inbox shows the internal move note")
	}
	screenshot(t, b, "candidate-messages.png")
}
