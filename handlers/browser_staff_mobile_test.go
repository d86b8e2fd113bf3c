package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Staff pages on a 360 px phone: no page scrolls sideways, the navigation
// fits without scrolling, and the "More" menu opens inside the screen.
func TestBrowserStaffMobileWidth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := newBrowser(t)
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	browserLoginStaff(t, b, app, adminEmail, "/admin")
	recordScheduledRuns(t, app)

	salesPos := app.positionID("Account Executive")
	pages := []string{
		"/admin",
		"/admin/candidates",
		fmt.Sprintf("/admin/candidates/%d", app.candidateID(danielEmail)),
		"/admin/positions",
		fmt.Sprintf("/admin/positions/%d/edit", salesPos),
		fmt.Sprintf("/admin/positions/%d/board", salesPos),
		fmt.Sprintf("/admin/positions/%d/board/move?application_id=%d", salesPos, app.applicationID("amelia.hart@example.com")),
		fmt.Sprintf("/admin/positions/%d/review", salesPos),
		"/admin/reports",
		"/admin/interviews",
		"/admin/outbox",
		"/admin/assessment-days",
		"/admin/account",
		"/admin/scheduled",
		"/admin/onboarding",
		fmt.Sprintf("/admin/applications/%d/onboarding", app.applicationID(noahEmail)),
		fmt.Sprintf("/admin/applications/%d/references", app.applicationID("liam.obrien@example.com")),
		fmt.Sprintf("/admin/applications/%d/checks", app.applicationID("henrik.larsen@example.com")),
	}
	for _, p := range pages {
		open(t, b, app.URL+p, "main h1")
		if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
			t.Errorf("%s is %dpx wide on a 360px screen: it scrolls sideways", p, sw)
		}
		if over := run(t, b, "navigation overflow", chromedp.Evaluate[int](
			`(function(n){ return n.scrollWidth - n.clientWidth; })(document.querySelector("nav.main-nav"))`)); over > 0 {
			t.Errorf("%s: the navigation is %dpx wider than its box", p, over)
		}
		name := strings.NewReplacer("/", "-", "?", "-").Replace(strings.Trim(p, "/"))
		screenshot(t, b, "staff-mobile-"+name+".png")
	}

	do(t, b, "open More", chromedp.Click(chromedp.CSS("nav.main-nav details.nav-more > summary")))
	waitVisible(t, b, ".nav-more-panel a[href='/admin/audit']")
	var box struct{ Left, Right float64 }
	box = run(t, b, "More panel box", chromedp.Evaluate[struct{ Left, Right float64 }](
		`(function(r){ return {left: r.left, right: r.right}; })(document.querySelector(".nav-more-panel").getBoundingClientRect())`))
	if box.Left < 0 || box.Right > 360 {
		t.Errorf("the More menu spans %.0f–%.0f px: outside the 360px screen", box.Left, box.Right)
	}
	screenshot(t, b, "staff-mobile-more-open.png")
	if status := submit(t, b, ".nav-more-panel a[href='/admin/audit']"); status != 200 {
		t.Fatalf("opening the audit log from More: status %d", status)
	}
	if got := path(t, b); got != "/admin/audit" {
		t.Fatalf("More → Audit log leads to %s", got)
	}
}

// The candidate's new pages on a 360 px phone scroll only up and down: the
// starter's checklist and first day, the referees, the checks.
func TestBrowserCandidateMobileWidth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for _, c := range []struct{ email, path string }{
		{noahEmail, "/onboarding"}, {noahEmail, "/first-day"},
		{"liam.obrien@example.com", "/references"}, {"henrik.larsen@example.com", "/checks"},
	} {
		b := newBrowser(t)
		do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
		link, err := app.Store.IssueSignInLink(t.Context(), c.email)
		if err != nil {
			t.Fatal(err)
		}
		browserUseSignInLink(t, b, link)
		p := fmt.Sprintf("/me/applications/%d%s", app.applicationID(c.email), c.path)
		open(t, b, app.URL+p, "main h1")
		if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
			t.Errorf("%s (%s) is %dpx wide on a 360px screen: it scrolls sideways", p, c.email, sw)
		}
		screenshot(t, b, "candidate-mobile"+strings.ReplaceAll(c.path, "/", "-")+".png")
	}
}
