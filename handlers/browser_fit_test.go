package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// TestBrowserWideTablesFit: at 1280 px the Reports' overdue table and the
// Compare table show every column without scrolling sideways; at 360 px each
// Compare cell keeps its column's name; a long interview video link wraps
// instead of widening the phone's page.
func TestBrowserWideTablesFit(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	salesPos := app.positionID("Account Executive")
	// A long video link on Amelia's interview, and promises long past due for the overdue report.
	const ameliaEmail = "amelia.hart@example.com"
	longURL := "https://meet.example.com/j/" + strings.Repeat("a1b2c3d4e5", 12) + "?pwd=" + strings.Repeat("Zx9", 20)
	round, err := app.Store.CreateRound(ctx, models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter},
		app.applicationID(ameliaEmail), models.RoundInput{Kind: models.InterviewFinal, Duration: "60", VideoURL: longURL,
			PanelIDs: []int64{app.staffID(interviewerEmail)}, Slots: []string{app.Clock.Now().AddDate(0, 0, 7).Format("2006-01-02") + "T10:00"}})
	if err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(60 * 24 * time.Hour)
	mustDB(t, app.Store.DB().Exec("UPDATE applications SET expected_update_at = ? WHERE status = 'active'", app.Clock.Now().Add(-30*24*time.Hour)))

	b := newBrowser(t)
	browserLoginStaff(t, b, app, adminEmail, "/admin")
	do(t, b, "1280px", chromedp.EmulateViewport(1280, 900))
	for _, c := range []struct{ page, table string }{
		{"/admin/reports", "[data-testid=overdue-table]"},
		{fmt.Sprintf("/admin/positions/%d/review?stage=%s", salesPos, models.StageInterviewCompleted), "[data-testid=review-table]"},
	} {
		open(t, b, app.URL+c.page, c.table)
		// The table neither scrolls in its box nor spills out of its card.
		if over := run(t, b, "table overflow", chromedp.Evaluate[int](fmt.Sprintf(`(function(t){
			var w = t.closest(".table-wrap"), card = t.closest(".card") || document.querySelector("main");
			return Math.max(w.scrollWidth - w.clientWidth, Math.ceil(t.getBoundingClientRect().right - card.getBoundingClientRect().right));
		})(document.querySelector(%q))`, c.table))); over > 0 {
			t.Errorf("%s at 1280px: the table is %dpx wider than its box, its last column hidden", c.page, over)
		}
		screenshot(t, b, "fit-1280-"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(strings.Trim(c.page, "/"))+".png")
	}

	// The Compare table at 360 px: its header row is hidden, so every cell names its column.
	do(t, b, "360px", chromedp.EmulateViewport(360, 800))
	open(t, b, app.URL+fmt.Sprintf("/admin/positions/%d/review?stage=%s", salesPos, models.StageInterviewCompleted), "[data-testid=review-table]")
	unlabelled := run(t, b, "cells without a label", chromedp.Evaluate[[]string](`Array.prototype.filter.call(
		document.querySelectorAll("[data-testid=review-table] tbody td"), function (td) {
			var c = getComputedStyle(td, "::before").content;
			return td.textContent.trim() !== "" && (c === "none" || c === "normal" || c === '""');
		}).map(function (td) { return td.textContent.trim(); })`))
	if len(unlabelled) > 0 {
		t.Errorf("at 360px %d Compare cells show no column name, e.g. %q", len(unlabelled), unlabelled[0])
	}
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the Compare page is %dpx wide at 360px", sw)
	}
	screenshot(t, b, "fit-360-review.png")

	// The long video link wraps, on the staff's round page and the candidate's.
	open(t, b, app.URL+fmt.Sprintf("/admin/interviews/%d", round.ID), "main h1")
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the staff's interview page is %dpx wide at 360px with a long video link", sw)
	}
	cand := newBrowser(t)
	do(t, cand, "360px", chromedp.EmulateViewport(360, 800))
	link, err := app.Store.IssueSignInLink(ctx, ameliaEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	open(t, cand, app.URL+fmt.Sprintf("/me/applications/%d/interviews/%d", app.applicationID(ameliaEmail), round.ID), "main h1")
	if sw := run(t, cand, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the candidate's interview page is %dpx wide at 360px with a long video link", sw)
	}
	screenshot(t, cand, "fit-360-candidate-interview.png")
}
