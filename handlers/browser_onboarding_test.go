package handlers_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nextstep/devdb"
)

// TestBrowserOnboardingJourney is issue 20's journey in Chromium, from a
// contract signed by both sides (Noah, in the demo): the starter sees the
// checklist with due dates, confirms the handbook, gives bank details and
// uploads a right-to-work PDF; staff record the original, verify the
// document and complete their tasks; Hired goes through and the candidate
// reads "Welcome".
func TestBrowserOnboardingJourney(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID := app.applicationID(noahEmail)
	ids := taskIDs(t, app, appID)
	field := func(task int64, key string) string { return fmt.Sprintf("t%d-%s", task, key) }

	noah := newBrowser(t)
	link, err := app.Store.IssueSignInLink(t.Context(), noahEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, noah, link)
	open(t, noah, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=onboarding-cta]")
	if status := submit(t, noah, "[data-testid=onboarding-cta]"); status != http.StatusOK {
		t.Fatalf("following 'Before your first day': %d", status)
	}
	if due := text(t, noah, "[data-testid=task] .muted.small"); !strings.HasPrefix(due, "by ") {
		t.Errorf("the first task's due date reads %q", due)
	}
	if status := submit(t, noah, "[data-testid=task-confirm]"); status != http.StatusOK {
		t.Fatalf("confirming the handbook: %d", status)
	}

	details := taskID(t, ids, "Your personal details")
	fill(t, noah, field(details, "home_address"), "1 Canal Street, Manchester M1 3HE")
	fill(t, noah, field(details, "phone"), "+44 161 496 0000")
	do(t, noah, "date of birth", chromedp.SetValue(chromedp.ID(field(details, "date_of_birth")), "1990-04-02"))
	fill(t, noah, field(details, "iban"), "GB82 WEST 1234 5698 7654 32")
	fill(t, noah, field(details, "ni_number"), "AB 12 34 56 C")
	fill(t, noah, field(details, "emergency_contact_name"), "Mia Schmidt")
	selectOption(t, noah, "#"+field(details, "emergency_contact_relationship"), "Partner")
	fill(t, noah, field(details, "emergency_contact_phone"), "+44 161 496 0001")
	if status := submit(t, noah, `[data-testid=task-form] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("saving the details: %d on %s", status, currentURL(noah))
	}

	rtw := taskID(t, ids, "Right-to-work")
	pdf := filepath.Join(t.TempDir(), "passport.pdf")
	if err := os.WriteFile(pdf, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, noah, "choose the passport", chromedp.SetUploadFiles(chromedp.ID(field(rtw, "file")), []string{pdf}))
	if status := submit(t, noah, fmt.Sprintf("#task-%d [data-testid=task-upload]", rtw)); status != http.StatusOK {
		t.Fatalf("uploading the passport: %d", status)
	}
	if got := text(t, noah, fmt.Sprintf("#task-%d [data-testid=task-status]", rtw)); got != "With us to check" {
		t.Errorf("the uploaded document reads %q", got)
	}
	screenshot(t, noah, "onboarding-starter.png")

	// Staff: the original seen, the document verified, their tasks done.
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	checklist := app.URL + fmt.Sprintf("/admin/applications/%d/onboarding", appID)
	open(t, staff, checklist, "[data-testid=rtw-form]")
	if strings.Contains(run(t, staff, "page text", chromedp.Evaluate[string](`document.body.innerText`)), "WEST 1234") {
		t.Error("the recruiter reads the IBAN in clear")
	}
	selectOption(t, staff, "#"+field(rtw, "document_type"), "UK or Irish passport")
	if status := submit(t, staff, fmt.Sprintf("#task-%d [data-testid=rtw-form] button[type=submit]", rtw)); status != http.StatusOK {
		t.Fatalf("recording the original: %d", status)
	}
	if status := submit(t, staff, "[data-testid=task-verify]"); status != http.StatusOK {
		t.Fatalf("verifying the document: %d", status)
	}
	for run(t, staff, "staff tasks left", chromedp.Evaluate[int](`document.querySelectorAll("[data-testid=task-complete]").length`)) > 0 {
		if status := submit(t, staff, "[data-testid=task-complete]"); status != http.StatusOK {
			t.Fatalf("completing a staff task: %d", status)
		}
	}
	var done, required int
	if got := text(t, staff, "[data-testid=checklist-progress]"); func() bool {
		_, err := fmt.Sscanf(got, "%d of %d", &done, &required)
		return err != nil || done != required || required == 0
	}() {
		t.Errorf("the checklist's progress reads %q, want every required task done", got)
	}
	screenshot(t, staff, "onboarding-staff.png")

	// The first day: when, where, whom to ask for.
	do(t, staff, "the start time", chromedp.SetValue(chromedp.ID("start_time"), "09:30"))
	fill(t, staff, "address", "Unit 4, Trafford Park, Manchester M17 1AB")
	fill(t, staff, "ask_for", "Sam at reception")
	if status := submit(t, staff, "[data-testid=first-day-save]"); status != http.StatusOK {
		t.Fatalf("saving the first day: %d", status)
	}

	// Hired, from the candidate's page; Noah reads "Welcome".
	open(t, staff, app.URL+fmt.Sprintf("/admin/candidates/%d", app.candidateID(noahEmail)), "[data-testid=move-form]")
	selectOption(t, staff, fmt.Sprintf("#to_stage-%d", appID), "Next: Hired")
	if status := submit(t, staff, `[data-testid=move-form] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("marking hired: %d", status)
	}
	var stage string
	mustDB(t, app.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&stage))
	if stage != "hired" {
		t.Fatalf("Noah is at %s, want hired", stage)
	}
	open(t, noah, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=welcome]")
	if got := text(t, noah, "[data-testid=welcome]"); !strings.Contains(got, "Welcome") {
		t.Errorf("the hired candidate reads %q", got)
	}
	screenshot(t, noah, "onboarding-welcome.png")

	// The first-day page, and its calendar file, which a strict parser takes.
	if status := submit(t, noah, "[data-testid=welcome-first-day]"); status != http.StatusOK {
		t.Fatalf("following 'Your first day': %d", status)
	}
	if got := text(t, noah, "[data-testid=first-day-when]"); !strings.Contains(got, "09:30") {
		t.Errorf("the first day's time reads %q", got)
	}
	screenshot(t, noah, "first-day.png")
	ics := run(t, noah, "calendar link", chromedp.Evaluate[string](`document.querySelector("[data-testid=first-day-ics]").getAttribute("href")`))
	c := app.newClient()
	c.loginCandidate(noahEmail)
	res := c.get(ics)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("the calendar file: %d %q", res.Status, res.Header.Get("Content-Type"))
	}
	cal, err := devdb.StrictICS(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if events := cal.Events(); len(events) != 1 || !strings.Contains(events[0].Props.Get("LOCATION").Value, "Trafford Park") {
		t.Errorf("the calendar's event: %+v", events)
	}
}
