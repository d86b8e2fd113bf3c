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

// TestBrowserOnboardingJourney is issue 20's journey in Chromium: the admin
// countersigns Jonas's contract (the demo's, signed by him), and the starter sees the
// checklist with due dates, confirms the handbook, gives bank details and
// uploads a right-to-work PDF; staff record the original, verify the
// document and complete their tasks; Hired goes through and the candidate
// reads "Welcome".
func TestBrowserOnboardingJourney(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const jonasEmail = "jonas.weber@example.com"
	appID := app.applicationID(jonasEmail)
	field := func(task int64, key string) string { return fmt.Sprintf("t%d-%s", task, key) }

	// The admin countersigns: the application enters onboarding.
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, adminEmail, "/admin")
	open(t, staff, app.URL+fmt.Sprintf("/admin/candidates/%d", app.candidateID(jonasEmail)), "[data-testid=contract-link]")
	if status := submit(t, staff, "[data-testid=contract-link]"); status != http.StatusOK {
		t.Fatalf("opening Jonas's contract: %d", status)
	}
	fill(t, staff, "signed_name", "Ada Admin")
	tick(t, staff, "[data-testid=countersign-form] input[name=agree]")
	if status := submit(t, staff, "[data-testid=countersign-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("countersigning: %d", status)
	}
	ids := taskIDs(t, app, appID)

	starter := newBrowser(t)
	link, err := app.Store.IssueSignInLink(t.Context(), jonasEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, starter, link)
	open(t, starter, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=onboarding-cta]")
	if status := submit(t, starter, "[data-testid=onboarding-cta]"); status != http.StatusOK {
		t.Fatalf("following 'Before your first day': %d", status)
	}
	if due := text(t, starter, "[data-testid=task] .muted.small"); !strings.HasPrefix(due, "by ") {
		t.Errorf("the first task's due date reads %q", due)
	}
	if status := submit(t, starter, "[data-testid=task-confirm]"); status != http.StatusOK {
		t.Fatalf("confirming the handbook: %d", status)
	}

	details := taskID(t, ids, "Your personal details")
	fill(t, starter, field(details, "home_address"), "1 Canal Street, Manchester M1 3HE")
	fill(t, starter, field(details, "phone"), "+44 161 496 0000")
	do(t, starter, "date of birth", chromedp.SetValue(chromedp.ID(field(details, "date_of_birth")), "1990-04-02"))
	fill(t, starter, field(details, "iban"), "GB82 WEST 1234 5698 7654 32")
	fill(t, starter, field(details, "ni_number"), "AB 12 34 56 C")
	fill(t, starter, field(details, "emergency_contact_name"), "Mia Schmidt")
	selectOption(t, starter, "#"+field(details, "emergency_contact_relationship"), "Partner")
	fill(t, starter, field(details, "emergency_contact_phone"), "+44 161 496 0001")
	if status := submit(t, starter, `[data-testid=task-form] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("saving the details: %d on %s", status, currentURL(starter))
	}

	rtw := taskID(t, ids, "Right-to-work")
	pdf := filepath.Join(t.TempDir(), "passport.pdf")
	if err := os.WriteFile(pdf, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, starter, "choose the passport", chromedp.SetUploadFiles(chromedp.ID(field(rtw, "file")), []string{pdf}))
	if status := submit(t, starter, fmt.Sprintf("#task-%d [data-testid=task-upload]", rtw)); status != http.StatusOK {
		t.Fatalf("uploading the passport: %d", status)
	}
	if got := text(t, starter, fmt.Sprintf("#task-%d [data-testid=task-status]", rtw)); got != "With us to check" {
		t.Errorf("the uploaded document reads %q", got)
	}
	screenshot(t, starter, "onboarding-starter.png")

	// Staff: the original seen, the document verified, their tasks done.
	checklist := app.URL + fmt.Sprintf("/admin/applications/%d/onboarding", appID)
	open(t, staff, checklist, "[data-testid=rtw-form]")
	if strings.Contains(run(t, staff, "page text", chromedp.Evaluate[string](`document.body.innerText`)), "WEST 1234") {
		t.Error("the checklist shows the IBAN in clear")
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

	// Hired, from the candidate's page; Jonas reads "Welcome".
	open(t, staff, app.URL+fmt.Sprintf("/admin/candidates/%d", app.candidateID(jonasEmail)), "[data-testid=move-form]")
	selectOption(t, staff, fmt.Sprintf("#to_stage-%d", appID), "Next: Hired")
	if status := submit(t, staff, `[data-testid=move-form] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("marking hired: %d", status)
	}
	var stage string
	mustDB(t, app.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&stage))
	if stage != "hired" {
		t.Fatalf("Jonas is at %s, want hired", stage)
	}
	open(t, starter, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=welcome]")
	if got := text(t, starter, "[data-testid=welcome]"); !strings.Contains(got, "Welcome") {
		t.Errorf("the hired candidate reads %q", got)
	}
	screenshot(t, starter, "onboarding-welcome.png")

	// The first-day page, and its calendar file, which a strict parser takes.
	if status := submit(t, starter, "[data-testid=welcome-first-day]"); status != http.StatusOK {
		t.Fatalf("following 'Your first day': %d", status)
	}
	if got := text(t, starter, "[data-testid=first-day-when]"); !strings.Contains(got, "09:30") {
		t.Errorf("the first day's time reads %q", got)
	}
	screenshot(t, starter, "first-day.png")
	ics := run(t, starter, "calendar link", chromedp.Evaluate[string](`document.querySelector("[data-testid=first-day-ics]").getAttribute("href")`))
	c := app.newClient()
	c.loginCandidate(jonasEmail)
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
