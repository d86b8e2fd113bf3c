package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// TestBrowserClosePositionWithChoices: in Chromium, the close page lists
// Sofia's offer first and refuses to close over it; once it is settled, a
// recruiter chooses one thing per application (a select each, no
// JavaScript needed) and each ends as chosen. The page passes axe at every
// width, refusal included.
func TestBrowserClosePositionWithChoices(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := newAxeRun(t, app)
	tab := r.tab()
	browserLoginStaff(t, tab, app, recruiterEmail, "/admin")
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}
	sales, backend := app.positionID("Account Executive"), app.positionID("Backend Engineer (Go)")
	page := fmt.Sprintf("%s/admin/positions/%d/close?status=closed", app.URL, sales)
	open(t, tab, page, "[data-testid=close-list]")
	if got := text(t, tab, "[data-testid=undecided-offers]"); !strings.Contains(got, "Sofia Costa") {
		t.Fatalf("offers in progress: %q", got)
	}
	r.check(tab, "recruiter close page (an offer in progress)", all...)
	if sw := run(t, tab, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 1280 {
		t.Errorf("close page is %dpx wide", sw)
	}
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	chloe, daniel := app.applicationID("chloe.dubois@example.com"), app.applicationID("daniel.kim@example.com")
	choose := func() {
		selectOption(t, tab, "#"+models.CloseField(amelia), "Close with the standard message")
		selectOption(t, tab, "#"+models.CloseField(ben), "Close: After the assessment day")
		selectOption(t, tab, "#"+models.CloseField(chloe), "Keep as a fallback: a held rejection, sent when the hire is confirmed")
		selectOption(t, tab, "#"+models.CloseField(daniel), "Move to Backend Engineer (Go)")
	}
	choose()
	if status := submit(t, tab, "[data-testid=confirm-close]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("closing over Sofia's offer: %d, want 422", status)
	}
	if got := text(t, tab, "[data-testid=error-summary]"); !strings.Contains(got, "Settle the offers in progress first (wait for the answer, or close the application, which withdraws its offer): Sofia Costa.") {
		t.Fatalf("refusal: %q", got)
	}
	if got := fieldValue(t, tab, "#"+models.CloseField(daniel)); got != fmt.Sprintf("move:%d", backend) {
		t.Fatalf("the refused page forgot Daniel's choice: %q", got)
	}
	r.check(tab, "recruiter POST close page (422, an offer in progress)", all...)
	screenshot(t, tab, "admin-position-close-refused.png")

	rec := models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	if err := app.Store.ChangeStatus(context.Background(), rec, app.applicationID("sofia.costa@example.com"), models.StatusRejected, "Position closed."); err != nil {
		t.Fatal(err)
	}
	open(t, tab, page, "[data-testid=close-list]")
	choose()
	screenshot(t, tab, "admin-position-close.png")
	if status := submit(t, tab, "[data-testid=confirm-close]"); status != http.StatusOK || path(t, tab) != "/admin/positions" {
		t.Fatalf("closing: %d on %s", status, currentURL(tab))
	}
	var got []string
	mustDB(t, app.Store.DB().Raw(`SELECT c.name || ': ' || a.status || coalesce(' ' || p.title, '') FROM applications a
		JOIN candidates c ON c.id = a.candidate_id
		LEFT JOIN applications b ON b.candidate_id = a.candidate_id AND b.position_id = ? LEFT JOIN positions p ON p.id = b.position_id
		WHERE a.id IN ? ORDER BY c.name`, backend, []int64{amelia, ben, chloe, daniel}).Scan(&got))
	want := "Amelia Hart: rejected; Ben Okafor: rejected; Chloe Dubois: rejected; Daniel Kim: rejected Backend Engineer (Go)"
	if strings.Join(got, "; ") != want {
		t.Errorf("after closing: %s\nwant %s", strings.Join(got, "; "), want)
	}
	r.report()
}

// TestBrowserRejectFormPreview: on the candidate page, the reject form
// suggests the wording for the stage; Preview (a submit button, no
// JavaScript needed) shows the exact message for this candidate with its
// time and changes nothing; Change status then sends it that way. The page
// with the preview passes axe at every width.
func TestBrowserRejectFormPreview(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := newAxeRun(t, app)
	tab := r.tab()
	browserLoginStaff(t, tab, app, recruiterEmail, "/admin")
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}
	benApp, ben := app.applicationID("ben.okafor@example.com"), app.candidateID("ben.okafor@example.com")
	open(t, tab, fmt.Sprintf("%s/admin/candidates/%d", app.URL, ben), "[data-testid=other-changes]")
	do(t, tab, "open other changes", chromedp.Click(chromedp.CSS("[data-testid=other-changes] summary")))
	wording := fmt.Sprintf("#wording-%d", benApp)
	waitVisible(t, tab, wording)
	if got := fieldValue(t, tab, wording); got != string(models.MsgRejectionAfterAssessment) {
		t.Errorf("wording suggested at the assessment day: %q", got)
	}
	do(t, tab, "choose reject", chromedp.Click(chromedp.CSS(`[data-testid=status-form] input[name=status][value=rejected]`)))
	fill(t, tab, fmt.Sprintf("reason-%d", benApp), "Another candidate was stronger")
	selectOption(t, tab, wording, "After an interview")
	fill(t, tab, fmt.Sprintf("send-%d-days", benApp), "2") // typing the days chooses "In a number of days" (app.js)
	if status := submit(t, tab, "[data-testid=preview-rejection]"); status != http.StatusOK {
		t.Fatalf("preview: %d", status)
	}
	waitVisible(t, tab, "[data-testid=rejection-preview]")
	preview := text(t, tab, "[data-testid=rejection-preview]")
	for _, want := range []string{"Hello Ben Okafor", "Thank you for meeting us", "Account Executive", "It will be sent on "} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview lacks %q:\n%s", want, preview)
		}
	}
	if got := fieldValue(t, tab, wording); got != string(models.MsgRejectionAfterInterview) {
		t.Errorf("the form forgot the chosen wording: %q", got)
	}
	if st := app.appState(benApp); !strings.HasPrefix(st, "assessment_day active") {
		t.Fatalf("the preview changed the application: %s", st)
	}
	// With JavaScript, the preview follows another wording at once.
	selectOption(t, tab, wording, "After the assessment day")
	do(t, tab, "wait for the preview to follow", chromedp.Poll[chromedp.Void](
		`document.querySelector("[data-testid=rejection-preview]").textContent.includes("taking part in our assessment day")`))
	if st := app.appState(benApp); !strings.HasPrefix(st, "assessment_day active") {
		t.Fatalf("the refreshed preview changed the application: %s", st)
	}
	selectOption(t, tab, wording, "After an interview")
	do(t, tab, "wait for the preview to follow back", chromedp.Poll[chromedp.Void](
		`document.querySelector("[data-testid=rejection-preview]").textContent.includes("Thank you for meeting us")`))
	// "Held until the position is filled": the preview says so at once, and
	// again after the Preview button, with the choice kept.
	held, later := fmt.Sprintf("#send-%d-held", benApp), fmt.Sprintf("#send-%d-later", benApp)
	do(t, tab, "choose held", chromedp.Click(chromedp.CSS(held)))
	do(t, tab, "wait for the preview to say held", chromedp.Poll[chromedp.Void](
		`document.querySelector("[data-testid=rejection-preview] [data-testid=preview-time]").textContent.startsWith("Held until the position is filled")`))
	if status := submit(t, tab, "[data-testid=preview-rejection]"); status != http.StatusOK {
		t.Fatalf("held preview: %d", status)
	}
	waitVisible(t, tab, "[data-testid=rejection-preview]")
	if got := text(t, tab, "[data-testid=rejection-preview] [data-testid=preview-time]"); !strings.HasPrefix(got, "Held until the position is filled") {
		t.Errorf("the held preview says %q", got)
	}
	if !run(t, tab, "held still chosen", chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).checked`, held))) {
		t.Error("the preview forgot \"Held until the position is filled\"")
	}
	r.check(tab, "recruiter candidate page with a held rejection's preview", axeDesktop)
	screenshot(t, tab, "admin-reject-preview-held.png")
	do(t, tab, "choose later again", chromedp.Click(chromedp.CSS(later)))
	do(t, tab, "wait for the preview to name its date", chromedp.Poll[chromedp.Void](
		`document.querySelector("[data-testid=rejection-preview]").textContent.includes("It will be sent on ")`))
	r.check(tab, "recruiter candidate page with a rejection preview", all...)
	screenshot(t, tab, "admin-reject-preview.png")
	// The form asks once more before a rejection: answer yes, as the person would.
	do(t, tab, "answer the confirmation", chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`))
	if status := submit(t, tab, `[data-testid=status-form] button[type=submit]:not([name])`); status != http.StatusOK {
		t.Fatalf("reject: %d", status)
	}
	var m models.OutboxMessage
	mustDB(t, app.Store.DB().Where("candidate_id = ? AND kind = ?", ben, models.MsgRejectionAfterInterview).First(&m))
	if m.Status != models.MessageHeld || m.SendAfter == nil || !strings.Contains(preview, m.Subject) {
		t.Errorf("sent %q: %s until %v", m.Subject, m.Status, m.SendAfter)
	}
	r.report()
}
