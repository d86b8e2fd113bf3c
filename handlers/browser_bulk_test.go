package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// tickRow clicks a row's checkbox on the candidate list.
func tickRow(t *testing.T, ctx context.Context, appID int64) {
	t.Helper()
	do(t, ctx, "tick application "+idStr(appID), chromedp.Click(chromedp.ID("select-"+idStr(appID))))
}

// sameList is a list address without its empty parameters.
func sameList(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := url.Values{}
	for k, v := range p.Query() {
		if v[0] != "" {
			q.Set(k, v[0])
		}
	}
	return p.Path + "?" + q.Encode()
}

// bulkLogin signs the recruiter in through the staff login form and opens
// the candidate list.
func bulkLogin(t *testing.T, ctx context.Context, app *testApp) {
	t.Helper()
	open(t, ctx, app.URL+"/staff/login", "#email")
	fill(t, ctx, "email", recruiterEmail)
	fill(t, ctx, "password", models.DemoPassword)
	if status := submit(t, ctx, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("staff login: landed with status %d on %s", status, currentURL(ctx))
	}
	open(t, ctx, app.URL+"/admin/candidates", "[data-testid=candidates-table]")
}

// rowExpected is the "Next update by" cell of an application's row.
func rowExpected(t *testing.T, ctx context.Context, appID int64) string {
	t.Helper()
	return run(t, ctx, "row of "+idStr(appID), chromedp.Evaluate[string](`document.getElementById("select-`+idStr(appID)+`").closest("tr").querySelector("[data-testid=row-expected]").textContent.trim()`))
}

// TestBrowserBulkPromisedDate: a recruiter filters the list, ticks two
// rows, sets a new promised date for both and lands on the same list.
func TestBrowserBulkPromisedDate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	b := newBrowser(t)
	bulkLogin(t, b, app)
	selectOption(t, b, "#position", "Account Executive")
	selectOption(t, b, "#status", "Active")
	if status := submit(t, b, `form[role=search] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("filter: %d", status)
	}
	waitVisible(t, b, "[data-testid=bulk-panel]")
	listURL := currentURL(b)

	// With JavaScript: the count follows the ticks, and only the chosen action's fields show.
	if got := text(t, b, "[data-testid=bulk-count]"); got != "0 selected" {
		t.Errorf("count before ticking = %q", got)
	}
	tickRow(t, b, amelia)
	tickRow(t, b, ben)
	if got := text(t, b, "[data-testid=bulk-count]"); got != "2 selected" {
		t.Errorf("count after ticking two = %q", got)
	}
	do(t, b, "choose the date action", chromedp.Click(chromedp.CSS(`input[name=action][value=date]`)))
	waitVisible(t, b, "#bulk-date")
	if visible := run(t, b, "reason visible?", chromedp.Evaluate[bool](`document.getElementById("bulk-reason").offsetParent !== null`)); visible {
		t.Error("the reject fields show while the date action is chosen")
	}
	do(t, b, "type the date", chromedp.SetValue(chromedp.ID("bulk-date"), "2026-12-15"))
	fill(t, b, "bulk-note", "The panel is away until mid-December")
	if status := submit(t, b, "[data-testid=bulk-submit]"); status != http.StatusOK {
		t.Fatalf("apply: %d on %s", status, currentURL(b))
	}
	if got := currentURL(b); sameList(got) != sameList(listURL) || !strings.Contains(got, "status=active") {
		t.Errorf("after the bulk action the browser is on %s, want the filtered list %s", got, listURL)
	}
	if got := text(t, b, "[data-testid=flash]"); got != "Set a new promised date for 2 candidates." {
		t.Errorf("flash = %q", got)
	}
	for _, id := range []int64{amelia, ben} {
		if got := rowExpected(t, b, id); got != "15 Dec 2026" {
			t.Errorf("row %d promises %q, want 15 Dec 2026", id, got)
		}
		if got := app.appState(id); !strings.HasSuffix(got, " 2026-12-15") {
			t.Errorf("application %d stored as %s", id, got)
		}
	}
	screenshot(t, b, "admin-candidates-bulk.png")
}

// TestBrowserBulkRejectWithoutReason: the 422 page shows the problem and
// keeps the ticks, the chosen action and what was typed.
func TestBrowserBulkRejectWithoutReason(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	chloe := app.applicationID("chloe.dubois@example.com")
	b := newBrowser(t)
	bulkLogin(t, b, app)
	open(t, b, app.URL+"/admin/candidates?sort=name", "[data-testid=bulk-panel]")
	tickRow(t, b, chloe)
	do(t, b, "choose reject", chromedp.Click(chromedp.CSS(`input[name=action][value=reject]`)))
	do(t, b, "hold the messages", chromedp.Click(chromedp.ID("bulk-send-held")))
	if status := submit(t, b, "[data-testid=bulk-submit]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("reject without a reason: %d, want 422", status)
	}
	waitVisible(t, b, "[data-testid=bulk-errors]")
	if got := text(t, b, "[data-testid=bulk-errors]"); !strings.Contains(got, "Give a reason for the rejection") {
		t.Errorf("error summary = %q", got)
	}
	state := run(t, b, "form state", chromedp.Evaluate[map[string]any](`({
		ticked: Array.prototype.map.call(document.querySelectorAll("input[name=ids]:checked"), function (i) { return i.value; }).join(","),
		action: (document.querySelector("input[name=action]:checked") || {}).value || "",
		hold: document.getElementById("bulk-send-held").checked,
		reasonShown: document.getElementById("bulk-reason").offsetParent !== null,
		count: document.querySelector("[data-testid=bulk-count]").textContent,
		focused: document.activeElement && document.activeElement.getAttribute("data-testid") || ""
	})`))
	if state["ticked"] != idStr(chloe) || state["action"] != "reject" || state["hold"] != true || state["reasonShown"] != true || state["count"] != "1 selected" {
		t.Errorf("after 422 the form holds %v; want Chloe ticked, reject chosen with its fields shown, held chosen, 1 selected", state)
	}
	if state["focused"] != "bulk-errors" {
		t.Errorf("focus is on %v, want the error summary", state["focused"])
	}
	if got := app.appState(chloe); !strings.Contains(got, " active ") {
		t.Errorf("Chloe was changed: %s", got)
	}
	saveShot(t, "admin-candidates-bulk-422.png", run(t, b, "screenshot the bulk panel", chromedp.Screenshot(chromedp.CSS("[data-testid=bulk-panel]"))))
	u, _ := url.Parse(currentURL(b))
	if u.Path != "/admin/candidates/bulk" {
		t.Errorf("422 page at %s", u.Path)
	}
}

// TestBrowserBulkMobile: at 360 px the list with its bulk form fits the
// screen; the form's fields stack.
func TestBrowserBulkMobile(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := newBrowser(t)
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	bulkLogin(t, b, app)
	waitVisible(t, b, "[data-testid=bulk-panel]")
	tickRow(t, b, app.applicationID("amelia.hart@example.com"))
	do(t, b, "choose the date action", chromedp.Click(chromedp.CSS(`input[name=action][value=date]`)))
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the candidate list is %dpx wide on a 360px screen: it scrolls sideways", sw)
	}
	stacked := run(t, b, "date fields stacked?", chromedp.Evaluate[bool](`document.getElementById("bulk-note").getBoundingClientRect().top > document.getElementById("bulk-date").getBoundingClientRect().bottom`))
	if !stacked {
		t.Error("the date and note fields sit side by side at 360px")
	}
	screenshot(t, b, "admin-candidates-bulk-mobile.png")
	saveShot(t, "admin-candidates-bulk-panel-mobile.png", run(t, b, "screenshot the bulk panel", chromedp.Screenshot(chromedp.CSS("[data-testid=bulk-panel]"))))
	// Without a chosen action every field would show; check the full form fits too.
	do(t, b, "reveal every field", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-bulk-for]").forEach(function (e) { e.hidden = false; })`))
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("with every bulk field shown the list is %dpx wide on a 360px screen", sw)
	}
}

// TestAxeBulkList: the list with its bulk form, and the 422 page with its
// problems, pass axe at every width.
func TestAxeBulkList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := newAxeRun(t, app)
	tab := r.tab()
	bulkLogin(t, tab, app)
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}
	r.check(tab, "recruiter /admin/candidates (bulk form)", all...)
	daniel := app.applicationID("daniel.kim@example.com")
	tickRow(t, tab, daniel)
	do(t, tab, "choose move", chromedp.Click(chromedp.CSS(`input[name=action][value=move]`)))
	if status := submit(t, tab, "[data-testid=bulk-submit]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("moving Daniel in bulk: %d, want 422", status)
	}
	waitVisible(t, tab, "[data-testid=bulk-errors]")
	r.check(tab, "recruiter POST /admin/candidates/bulk (422, a refusal)", all...)
	r.report()
}
