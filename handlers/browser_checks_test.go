package handlers_test

// Browser journey of a background check and the fair path to a rejection
// (acceptance 5): Henrik consents with his addresses → a recruiter uploads
// the provider's PDF, "needs review" → sends the pre-decision notice →
// Henrik reads it and answers in the portal → "Confirm rejection" is refused
// while the waiting period runs and allowed once it has ended (the test
// app's clock moved on).

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// A check's result document is a download, not a page.
func init() { axeSkippedRoutes["GET /admin/check-files/:id"] = "PDF, JPEG or PNG download" }

func TestBrowserBackgroundCheckAdverseAction(t *testing.T) {
	t.Parallel()
	a := checksFor(t, newTestApp(t))
	app := a.testApp
	id := func(name string) string { return fmt.Sprintf("c%d-%s", a.checkID, name) }

	// Henrik follows "Your checks" from his application and consents.
	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), henrikEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	open(t, cand, app.URL+fmt.Sprintf("/me/applications/%d", a.appID), "[data-testid=checks-cta]")
	if status := submit(t, cand, "[data-testid=checks-cta]"); status != http.StatusOK || path(t, cand) != a.page() {
		t.Fatalf("Your checks: status %d on %s", status, path(t, cand))
	}
	if got := text(t, cand, "[data-testid=consent-text]"); !strings.Contains(got, models.CheckInfoFor(models.CheckBackground).ConsentVersion) {
		t.Fatalf("the consent text does not show its version: %q", got)
	}
	for field, value := range map[string]string{"address_0_line": "4 Nørrebrogade", "address_0_city": "Copenhagen", "address_0_country": "Denmark",
		"address_1_line": "12 Rue de la Paix", "address_1_city": "Paris", "address_1_country": "France"} {
		fill(t, cand, id(field), value)
	}
	setDate(t, cand, id("address_0_from_month"), "2023-05")
	setDate(t, cand, id("address_1_from_month"), "2019-09")
	setDate(t, cand, id("address_1_to_month"), "2023-04")
	tick(t, cand, "[data-testid=consent-box]")
	screenshot(t, cand, "checks-consent.png")
	if status := submit(t, cand, "[data-testid=give-consent]"); status != http.StatusOK {
		t.Fatalf("consent: status %d", status)
	}
	if got := text(t, cand, "[data-testid=check-status]"); got != models.CheckNotStarted.CandidateLabel() {
		t.Fatalf("status after consenting: %q", got)
	}

	// A recruiter opens the checks from the candidate's page and uploads the result.
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	open(t, staff, app.URL+fmt.Sprintf("/admin/candidates/%d", a.candID), "[data-testid=checks-link]")
	if status := submit(t, staff, "[data-testid=checks-link]"); status != http.StatusOK || path(t, staff) != a.staffPage() {
		t.Fatalf("the checks link: status %d on %s", status, path(t, staff))
	}
	pdf := filepath.Join(t.TempDir(), "screening-result.pdf")
	if err := os.WriteFile(pdf, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, staff, "choose the result file", chromedp.SetUploadFiles(chromedp.ID(id("file")), []string{pdf}))
	selectOption(t, staff, "#"+id("result-status"), "Needs review")
	const finding = "Your address history has a gap from June to December 2020."
	fill(t, staff, id("finding"), finding)
	if status := submit(t, staff, "[data-testid=upload-result]"); status != http.StatusOK {
		t.Fatalf("upload: status %d", status)
	}
	if got := text(t, staff, "[data-testid=result-file]"); !strings.Contains(got, "screening-result.pdf") {
		t.Fatalf("the result file reads %q", got)
	}

	// … and sends the pre-decision notice (the finding comes filled in).
	if got := fieldValue(t, staff, "#"+id("notice-finding")); got != finding {
		t.Fatalf("the notice's finding starts as %q", got)
	}
	fill(t, staff, id("how_to_dispute"), "Write to disputes@screening.example quoting BG-2026-1.")
	if status := submit(t, staff, "[data-testid=send-notice]"); status != http.StatusOK {
		t.Fatalf("send the notice: status %d", status)
	}
	waitVisible(t, staff, "[data-testid=confirmable-from]")
	if !run(t, staff, "is confirm disabled", chromedp.Evaluate[bool](`document.querySelector("[data-testid=confirm-rejection]").disabled`)) {
		t.Fatal("Confirm rejection is enabled while the candidate may still answer")
	}

	// Henrik reads the notice and answers in the portal.
	open(t, cand, app.URL+a.page(), "[data-testid=pre-decision-notice]")
	if got := text(t, cand, "[data-testid=notice-finding]"); got != finding {
		t.Fatalf("the candidate reads the finding %q", got)
	}
	const reply = "I was travelling in South America from June to December 2020; my passport stamps show it."
	fill(t, cand, id("reply"), reply)
	screenshot(t, cand, "checks-notice.png")
	if status := submit(t, cand, "[data-testid=send-reply]"); status != http.StatusOK {
		t.Fatalf("reply: status %d", status)
	}
	if got := text(t, cand, "[data-testid=notice-reply]"); got != reply {
		t.Fatalf("the candidate's answer reads %q", got)
	}

	// Staff read the answer; forcing "Confirm rejection" now is refused.
	open(t, staff, app.URL+a.staffPage(), "[data-testid=candidate-reply]")
	if got := text(t, staff, "[data-testid=candidate-reply]"); got != reply {
		t.Fatalf("staff read the answer as %q", got)
	}
	do(t, staff, "enable the disabled button", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-testid=confirm-rejection]").disabled = false`))
	if status := submit(t, staff, "[data-testid=confirm-rejection]"); status != http.StatusConflict {
		t.Fatalf("confirm before the wait ends: status %d, want 409", status)
	}
	if got := text(t, staff, "[data-testid=confirm-form] [data-testid=error-summary]"); !strings.Contains(got, "may answer the pre-decision notice until") {
		t.Fatalf("the refusal reads %q", got)
	}
	if got := app.appState(a.appID); !strings.Contains(got, "active") {
		t.Fatalf("the application after the refusal: %s", got)
	}
	screenshot(t, staff, "checks-confirm-refused.png")

	// The waiting period ends (sessions have expired by then: sign in again).
	var waitUntil time.Time
	mustDB(t, app.Store.DB().Raw("SELECT wait_until FROM check_adverse_actions WHERE check_id = ?", a.checkID).Scan(&waitUntil))
	app.Clock.Advance(waitUntil.Sub(app.Clock.Now()) + time.Minute)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	open(t, staff, app.URL+a.staffPage(), "[data-testid=confirm-rejection]")
	if status := submit(t, staff, "[data-testid=confirm-rejection]"); status != http.StatusOK {
		t.Fatalf("confirm after the wait: status %d", status)
	}
	if got := app.appState(a.appID); !strings.Contains(got, "rejected") {
		t.Fatalf("the application after confirming: %s", got)
	}
	if n := app.sqlCount("SELECT count(*) FROM outbox_messages WHERE candidate_id = ? AND kind = ?", a.candID, models.MsgCheckFinalNotice); n != 1 {
		t.Fatalf("%d final notices", n)
	}
}

// axeCheckPages adds the checks' pages to TestAxeEveryPage: the candidate's
// consent form (and refused), a pre-decision notice on both sides, a
// medical's windows, the status-only page of a hiring manager, and a refused
// choice of checks on the positions page.
func axeCheckPages(t *testing.T, r *axeRun, app *testApp, recruiter, manager context.Context, candidateTab func(string) context.Context) {
	t.Helper()
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}
	a := checksFor(t, app)
	henrik := candidateTab(henrikEmail)
	r.page(henrik, "Henrik (consent)", "GET /me/applications/:id/checks", a.page(), http.StatusOK, all...)
	if status := submit(t, henrik, "[data-testid=give-consent]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty consent: status %d, want 422", status)
	}
	r.check(henrik, "Henrik (consent refused)", all...)
	r.page(recruiter, "recruiter (check waiting)", "GET /admin/applications/:id/checks", a.staffPage(), http.StatusOK, all...)
	cl := app.newClient()
	cl.loginCandidate(henrikEmail)
	a.withResultAndNotice(cl)
	r.page(henrik, "Henrik (pre-decision notice)", "", a.page(), http.StatusOK, all...)
	r.page(recruiter, "recruiter (notice sent)", "", a.staffPage(), http.StatusOK, all...)

	// Maya's medical: her windows form, and her hiring manager's view.
	if err := app.Store.SetPositionChecks(context.Background(), app.adminActor(), app.positionID("Warehouse Operations Lead"), models.ChecksMedical); err != nil {
		t.Fatal(err)
	}
	mayaApp := app.applicationID("maya.patel@example.com")
	maya := candidateTab("maya.patel@example.com")
	r.page(maya, "Maya (medical)", "", fmt.Sprintf("/me/applications/%d/checks", mayaApp), http.StatusOK, all...)
	r.page(manager, "manager (status only)", "", fmt.Sprintf("/admin/applications/%d/checks", mayaApp), http.StatusOK, all...)

	// A check the position's pipeline has no stage for is refused at its field.
	salesPos := app.positionID("Account Executive")
	open(t, recruiter, app.URL+"/admin/positions", fmt.Sprintf("#required_checks-%d", salesPos))
	selectOption(t, recruiter, fmt.Sprintf("#required_checks-%d", salesPos), "Background check")
	if status := submit(t, recruiter, fmt.Sprintf(`form[action="/admin/positions/%d/checks"] button[type=submit]`, salesPos)); status != http.StatusUnprocessableEntity {
		t.Fatalf("a background check on a pipeline without its stage: status %d, want 422", status)
	}
	r.check(recruiter, "recruiter (checks refused on the positions page)", all...)
}
