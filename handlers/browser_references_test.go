package handlers_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var receivedReferenceLink = regexp.MustCompile(`https?://[^\s"'<>]+/references/[A-Za-z0-9_-]+`)

// TestBrowserReferencesJourney is issue 19's first acceptance journey: the
// candidate names two referees, staff send the requests, the referees open
// the links they received by email (no sign-in): one answers, one declines;
// the candidate sees "Answered" and "Declined" and nothing they wrote;
// staff read the answers and the side-by-side review shows the average.
func TestBrowserReferencesJourney(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	appID := atReferenceChecks(t, app)
	refsPage := fmt.Sprintf("/me/applications/%d/references", appID)

	// Grace names her referees.
	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(t.Context(), graceEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	open(t, cand, app.URL+fmt.Sprintf("/me/applications/%d", appID), "[data-testid=referees-cta]")
	if status := submit(t, cand, "[data-testid=referees-cta]"); status != http.StatusOK || path(t, cand) != refsPage {
		t.Fatalf("following 'Your referees': %d on %s", status, currentURL(cand))
	}
	for _, r := range []struct{ name, email, relationship, from string }{
		{"Rosa Manager", "rosa.manager@example.org", "Manager", "2021-03"},
		{"Sam Colleague", "sam.colleague@example.org", "Colleague", "2022-01"},
	} {
		fill(t, cand, "name", r.name)
		fill(t, cand, "email", r.email)
		fill(t, cand, "company", "Acme Ltd")
		selectOption(t, cand, "#relationship", r.relationship)
		do(t, cand, "set the start month", chromedp.SetValue(chromedp.ID("worked_from"), r.from))
		do(t, cand, "tick: they agreed", chromedp.Click(chromedp.CSS(`input[name=confirmed_agreed]`)))
		if status := submit(t, cand, `[data-testid=referee-form] button[type=submit]`); status != http.StatusOK {
			t.Fatalf("adding %s: status %d on %s", r.name, status, currentURL(cand))
		}
	}
	if got := text(t, cand, "[data-testid=refs-complete]"); !strings.Contains(got, "complete") {
		t.Errorf("with two referees the list reads %q", got)
	}
	screenshot(t, cand, "referees-named.png")

	// The recruiter sends the requests from the application's references page.
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	staffRefs := app.URL + fmt.Sprintf("/admin/applications/%d/references", appID)
	open(t, staff, staffRefs, "[data-testid=send-all]")
	if status := submit(t, staff, "[data-testid=send-all]"); status != http.StatusOK {
		t.Fatalf("sending the requests: %d", status)
	}

	// Each referee follows the link in the email they received; no sign-in.
	replies := []struct {
		email   string
		answer  bool
		ratings []string
	}{{"rosa.manager@example.org", true, []string{"5", "4"}}, {"sam.colleague@example.org", false, nil}}
	for _, r := range replies {
		mail := waitForMail(t, sink, r.email, "A reference for Grace Liu")
		body, err := mail.Text()
		if err != nil {
			t.Fatal(err)
		}
		link := receivedReferenceLink.FindString(body)
		if !strings.HasPrefix(link, app.URL+"/references/") {
			t.Fatalf("no reference link in the mail to %s: %q", r.email, body)
		}
		ref := newBrowser(t)
		open(t, ref, link, "[data-testid=reference-form]")
		if r.answer {
			do(t, ref, "confirm the relationship", chromedp.Click(chromedp.CSS(`input[name=confirms_relationship]`)))
			do(t, ref, "confirm the dates", chromedp.Click(chromedp.CSS(`input[name=confirms_period]`)))
			fill(t, ref, "answer_0", "Three years as her team lead.")
			do(t, ref, "rate the work", chromedp.Click(chromedp.CSS(`input[name=answer_1][value="`+r.ratings[0]+`"]`)))
			do(t, ref, "rate the teamwork", chromedp.Click(chromedp.CSS(`input[name=answer_2][value="`+r.ratings[1]+`"]`)))
			do(t, ref, "would hire again", chromedp.Click(chromedp.CSS(`input[name=answer_3][value=yes]`)))
			screenshot(t, ref, "reference-form.png")
			if status := submit(t, ref, `[data-testid=reference-form] button[type=submit]`); status != http.StatusOK || path(t, ref) != "/references/thanks" {
				t.Fatalf("answering: %d on %s", status, currentURL(ref))
			}
		} else {
			fill(t, ref, "reason", "I only met her twice.")
			if status := submit(t, ref, `[data-testid=reference-decline] button[type=submit]`); status != http.StatusOK || path(t, ref) != "/references/thanks" {
				t.Fatalf("declining: %d on %s", status, currentURL(ref))
			}
		}
		if got := text(t, ref, "[data-testid=reference-thanks] h1"); got != "Thank you" {
			t.Errorf("after replying the referee reads %q", got)
		}
		cookies := run(t, ref, "cookies", chromedp.Evaluate[string](`document.cookie`))
		if cookies != "" {
			t.Errorf("the referee's browser holds cookies: %q", cookies)
		}
	}

	// Grace sees who answered and who declined, never what they wrote.
	open(t, cand, app.URL+refsPage, "[data-testid=referee]")
	statuses := run(t, cand, "statuses", chromedp.Evaluate[string](
		`[...document.querySelectorAll("[data-testid=referee-status]")].map(e => e.textContent.trim()).join(",")`))
	if statuses != "Answered,Declined" {
		t.Errorf("the candidate reads %q, want Answered,Declined", statuses)
	}
	page := run(t, cand, "page text", chromedp.Evaluate[string](`document.body.innerText`))
	for _, secret := range []string{"Three years as her team lead", "only met her twice"} {
		if strings.Contains(page, secret) {
			t.Errorf("the candidate's page shows %q", secret)
		}
	}
	screenshot(t, cand, "referees-replied.png")

	// The recruiter reads the answers and the average; the review shows it.
	open(t, staff, staffRefs, "[data-testid=referee-answers]")
	if got := text(t, staff, "[data-testid=references-average]"); !strings.Contains(got, "4.5") {
		t.Errorf("the references page's average reads %q, want 4.5", got)
	}
	answers := text(t, staff, "[data-testid=referee-answers]")
	if !strings.Contains(answers, "Three years as her team lead.") {
		t.Errorf("the staff page's answers read %q", answers)
	}
	if got := text(t, staff, "[data-testid=referee-decline]"); !strings.Contains(got, "I only met her twice.") {
		t.Errorf("the decline reads %q", got)
	}
	screenshot(t, staff, "references-staff.png")
	var posID int64
	mustDB(t, app.Store.DB().Raw("SELECT position_id FROM applications WHERE id = ?", appID).Scan(&posID))
	open(t, staff, app.URL+fmt.Sprintf("/admin/positions/%d/review", posID), "[data-testid=review-references]")
	cells := run(t, staff, "review cells", chromedp.Evaluate[string](
		`[...document.querySelectorAll("[data-testid=review-references]")].map(e => e.textContent.replace(/\s+/g, " ").trim()).join(" | ")`))
	if !strings.Contains(cells, "average 4.5") {
		t.Errorf("the review's references read %q, want Grace's average 4.5", cells)
	}
}
