package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The candidate's choices in Chromium: Liam opens his account from the
// navigation, unticks reminders, saves, and sees the choice kept (also
// after opening the page afresh). A stranger's browser — no session — opens
// his update's unsubscribe link, presses the button and is told the updates
// are off; the same button again says the link was used.
func TestBrowserCandidateChoosesTheirEmails(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	unsubscribe := liamsUpdate(t, app)
	b := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), liamEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, b, link)

	do(t, b, "open Account from the navigation", chromedp.Click(chromedp.CSS("[data-testid=nav-account]")))
	waitVisible(t, b, "[data-testid=email-choices-form]")
	if got := path(t, b); got != "/me/account" {
		t.Fatalf("the Account link led to %s", got)
	}
	ticked := func(box string) bool {
		t.Helper()
		return run(t, b, "is "+box+" ticked", chromedp.Evaluate[bool](`document.querySelector("[data-testid=choice-`+box+`]").checked`))
	}
	if !ticked("reminders") || !ticked("updates") {
		t.Fatalf("a new candidate's choices: reminders %v, updates %v; want both ticked", ticked("reminders"), ticked("updates"))
	}
	if got := text(t, b, "[data-testid=essential-note]"); !strings.Contains(got, "always come") {
		t.Errorf("the page does not say what always comes: %q", got)
	}
	if got := text(t, b, "[data-testid=time-zone-name]"); got != "UTC" {
		t.Errorf("time zone shown: %q", got)
	}
	do(t, b, "untick reminders", chromedp.Click(chromedp.CSS("[data-testid=choice-reminders]")))
	if status := submit(t, b, "[data-testid=email-choices-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("saving: landed with status %d on %s", status, currentURL(b))
	}
	if got := text(t, b, "[data-testid=flash]"); got != "Your email choices are saved." {
		t.Errorf("flash %q", got)
	}
	if ticked("reminders") || !ticked("updates") {
		t.Errorf("after saving: reminders %v, updates %v; want only updates ticked", ticked("reminders"), ticked("updates"))
	}
	open(t, b, app.URL+"/me/account", "[data-testid=email-choices-form]")
	if ticked("reminders") || !ticked("updates") {
		t.Errorf("opened afresh: reminders %v, updates %v; want only updates ticked", ticked("reminders"), ticked("updates"))
	}
	var row struct{ EmailReminders, EmailUpdates bool }
	mustDB(t, app.Store.DB().Raw("SELECT email_reminders, email_updates FROM candidates WHERE id = ?", app.candidateID(liamEmail)).Scan(&row))
	if row.EmailReminders || !row.EmailUpdates {
		t.Errorf("stored: %+v, want reminders off, updates on", row)
	}
	screenshot(t, b, "candidate-account.png")
	// On a 360 px phone the page and its navigation (one link more) scroll only up and down.
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	open(t, b, app.URL+"/me/account", "[data-testid=email-choices-form]")
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("/me/account is %dpx wide on a 360px screen: it scrolls sideways", sw)
	}
	if over := run(t, b, "navigation overflow", chromedp.Evaluate[int](
		`(function(n){ return n.scrollWidth - n.clientWidth; })(document.querySelector("nav.main-nav"))`)); over > 0 {
		t.Errorf("the candidate's navigation overflows by %dpx on a 360px screen", over)
	}
	screenshot(t, b, "candidate-account-360.png")

	// The unsubscribe link, in a browser without a session.
	anon := newBrowser(t)
	open(t, anon, app.URL+unsubscribe, "[data-testid=unsubscribe-form]")
	if status := submit(t, anon, "[data-testid=unsubscribe-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("Stop these emails: status %d", status)
	}
	if got := text(t, anon, "[data-testid=unsubscribe-done]"); !strings.Contains(got, "“Still deciding” updates are turned off") {
		t.Errorf("after unsubscribing: %q", got)
	}
	mustDB(t, app.Store.DB().Raw("SELECT email_reminders, email_updates FROM candidates WHERE id = ?", app.candidateID(liamEmail)).Scan(&row))
	if row.EmailUpdates || row.EmailReminders {
		t.Errorf("after the link: %+v, want both off (reminders by Liam, updates by the link)", row)
	}
	open(t, anon, app.URL+unsubscribe, "[data-testid=error-page]")
	if got := text(t, anon, "[data-testid=error-page] p"); !strings.Contains(got, "already been used") {
		t.Errorf("the used link's page says %q", got)
	}
}

// axeMessageChoices checks the candidate's account page (and as saved, with
// its flash) and an unsubscribe link's pages, without a session: the
// question, the outcome, and the link once used (410).
func axeMessageChoices(t *testing.T, r *axeRun, app *testApp, anon, cand context.Context, all []axeWidth) {
	t.Helper()
	r.page(cand, "candidate (account)", "GET /me/account", "/me/account", http.StatusOK, all...)
	if status := submit(t, cand, "[data-testid=email-choices-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("saving the email choices: status %d", status)
	}
	r.check(cand, "candidate (account, saved)", all...)
	link := liamsUpdate(t, app)
	r.page(anon, "anonymous (unsubscribe link)", "GET /unsubscribe/:token", link, http.StatusOK, all...)
	if status := submit(t, anon, "[data-testid=unsubscribe-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("Stop these emails: status %d", status)
	}
	r.check(anon, "anonymous (unsubscribed)", all...)
	r.page(anon, "anonymous (unsubscribe link used)", "", link, http.StatusGone, all...)
}
