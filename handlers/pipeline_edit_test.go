package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"nextstep/models"
)

// formOf reads the form sel of a page as the browser would post it: text,
// hidden and ticked inputs, selects and textareas; no button.
func formOf(t *testing.T, res response, sel string) url.Values {
	t.Helper()
	form := res.Doc(t).Find(sel)
	if form.Length() == 0 {
		t.Fatalf("no form %s on the page (status %d)", sel, res.Status)
	}
	v := url.Values{}
	form.Find("input[name], select[name], textarea[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch goquery.NodeName(s) {
		case "input":
			typ, _ := s.Attr("type")
			if (typ == "checkbox" || typ == "radio") && s.AttrOr("checked", "\x00") == "\x00" {
				return
			}
			v.Add(name, s.AttrOr("value", ""))
		case "select":
			opt := s.Find("option[selected]").First()
			v.Add(name, opt.AttrOr("value", ""))
		case "textarea":
			v.Add(name, s.Text())
		}
	})
	v.Del("_csrf") // post adds the client's own
	return v
}

// editorOrder is the order of the stages on the editor's list.
func editorOrder(t *testing.T, res response) []string {
	t.Helper()
	var out []string
	res.Doc(t).Find("[data-testid=pipeline-editor] li[data-stage]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-stage", ""))
	})
	return out
}

// storedPipeline is the position's pipeline as the database holds it.
func (a *testApp) storedPipeline(positionID int64) []string {
	a.t.Helper()
	var out []string
	if err := a.Store.DB().Raw("SELECT stage FROM position_stages WHERE position_id = ? ORDER BY sort_order", positionID).Scan(&out).Error; err != nil {
		a.t.Fatal(err)
	}
	return out
}

func TestPipelineEditorMoveRoundTrip(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	pos := app.positionID("Account Executive")
	editURL := fmt.Sprintf("/admin/positions/%d/edit", pos)
	stored := app.storedPipeline(pos)

	page := r.get(editURL)
	if page.Status != http.StatusOK {
		t.Fatalf("edit page: %d", page.Status)
	}
	before := editorOrder(t, page)
	hr := slices.Index(before, "hr_round")
	if hr < 1 || before[len(before)-1] != "hired" {
		t.Fatalf("editor order %v", before)
	}
	// Hired has no buttons: it never moves.
	if n := page.Doc(t).Find(`button[value="up:hired"], button[value="down:hired"]`).Length(); n != 0 {
		t.Errorf("Hired has %d move buttons", n)
	}
	// The first stage cannot go up: its button says so to assistive technology.
	if v, _ := page.Doc(t).Find(`button[value="up:interview_completed"]`).Attr("aria-disabled"); v != "true" {
		t.Errorf("first stage's Move up aria-disabled = %q", v)
	}
	counts := app.rowCounts("position_stages", "audit_log")

	// Move HR round up, with an edited title: the form comes back in the new
	// order with the title as typed, and nothing is saved.
	form := formOf(t, page, "main form")
	form.Set("title", "Account Executive (EMEA)")
	form.Set("pipeline_move", "up:hr_round")
	res := r.post(fmt.Sprintf("/admin/positions/%d", pos), form)
	if res.Status != http.StatusOK {
		t.Fatalf("move up: status %d → %q", res.Status, res.Location)
	}
	after := editorOrder(t, res)
	if after[hr-1] != "hr_round" || after[hr] != before[hr-1] {
		t.Fatalf("after Move up: %v (before %v)", after, before)
	}
	doc := res.Doc(t)
	if v, _ := doc.Find("input[name=title]").Attr("value"); v != "Account Executive (EMEA)" {
		t.Errorf("title kept as %q", v)
	}
	if v, _ := doc.Find("input[name=order_hr_round]").Attr("value"); v != fmt.Sprint(hr) {
		t.Errorf("order_hr_round = %q, want %d", v, hr)
	}
	if _, ok := doc.Find(`button[value="up:hr_round"]`).Attr("autofocus"); !ok {
		t.Error("the pressed button does not take the focus back")
	}
	if got := strings.TrimSpace(doc.Find("#pipeline-status").Text()); !strings.Contains(got, "HR round moved up, to place") {
		t.Errorf("status %q", got)
	}
	for tb, n := range app.rowCounts("position_stages", "audit_log") {
		if counts[tb] != n {
			t.Errorf("a move saved something: %s %d → %d", tb, counts[tb], n)
		}
	}
	if got := app.storedPipeline(pos); !slices.Equal(got, stored) {
		t.Errorf("stored pipeline changed by a move: %v", got)
	}

	// Move Reference checks down past the unused background check, then save.
	form = formOf(t, res, "main form")
	form.Set("pipeline_move", "down:reference_checks")
	res = r.post(fmt.Sprintf("/admin/positions/%d", pos), form)
	if res.Status != http.StatusOK {
		t.Fatalf("move down: %d", res.Status)
	}
	// Hired cannot be moved up: refused with the reason, input kept.
	form = formOf(t, res, "main form")
	refused := url.Values{}
	for k, v := range form {
		refused[k] = v
	}
	refused.Set("pipeline_move", "up:hired")
	bad := r.post(fmt.Sprintf("/admin/positions/%d", pos), refused)
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.text(t), "Hired is always the last stage.") {
		t.Fatalf("moving Hired: %d %q", bad.Status, bad.text(t))
	}
	if v, _ := bad.Doc(t).Find("input[name=title]").Attr("value"); v != "Account Executive (EMEA)" {
		t.Errorf("title after a refused move %q", v)
	}
	if got := editorOrder(t, bad); !slices.Equal(got, editorOrder(t, res)) {
		t.Errorf("a refused move changed the order: %v", got)
	}

	if res := r.post(fmt.Sprintf("/admin/positions/%d", pos), form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.text(t))
	}
	want := []string{"interview_completed", "additional_interview", "assessment_day", "hr_round", "commercial_negotiation",
		"final_decision", "offer", "contract", "onboarding", "hired"}
	// Reference checks went below the unused background check: still between
	// commercial negotiation and final decision among the stages used.
	want = slices.Insert(want, 5, "reference_checks")
	if got := app.storedPipeline(pos); !slices.Equal(got, want) {
		t.Errorf("stored pipeline\n got %v\nwant %v", got, want)
	}
	if n := app.countRows("audit_log", "action = 'position.updated' AND subject_id = ?", pos); n != 1 {
		t.Errorf("%d position.updated audit rows", n)
	}
	// The edit page shows the saved order.
	if got := editorOrder(t, r.get(editURL)); slices.Index(got, "hr_round") != hr-1 {
		t.Errorf("edit page after saving: %v", got)
	}
}

func TestPipelineEditorNewPosition(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(adminEmail)
	page := r.get("/admin/positions/new")
	form := formOf(t, page, "main form")
	form.Set("title", "Data Analyst")
	// The usual stages come ticked in the catalogue's order.
	if got := editorOrder(t, page); got[0] != "interview_completed" || got[len(got)-1] != "hired" {
		t.Fatalf("new position editor: %v", got)
	}
	// HR round goes up past the unused assessment day and commercial
	// negotiation, then past the additional interview.
	for range 3 {
		form.Set("pipeline_move", "up:hr_round")
		res := r.post("/admin/positions", form)
		if res.Status != http.StatusOK {
			t.Fatalf("move: %d", res.Status)
		}
		form = formOf(t, res, "main form")
	}
	if v := form.Get("title"); v != "Data Analyst" {
		t.Errorf("title %q after three moves", v)
	}
	if n := app.countRows("positions", "title = 'Data Analyst'"); n != 0 {
		t.Fatalf("a move created the position")
	}
	if res := r.post("/admin/positions", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.text(t))
	}
	got := app.storedPipeline(app.positionID("Data Analyst"))
	want := []string{"interview_completed", "hr_round", "additional_interview", "reference_checks", "final_decision",
		"offer", "contract", "onboarding", "hired"}
	if !slices.Equal(got, want) {
		t.Errorf("stored\n got %v\nwant %v", got, want)
	}
}

// A hand-made post cannot put Hired first or a stage after the offer: the
// closing stages always end the saved pipeline.
func TestPipelineEditorClosingStagesStayLast(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	form := url.Values{"title": {"Analyst"}, "headcount": {"1"}, "decision_sla_days": {"5"},
		"stage_interview_completed": {"1"}, "stage_hired": {"1"}, "stage_offer": {"1"}, "stage_hr_round": {"1"},
		"order_hired": {"1"}, "order_offer": {"2"}, "order_hr_round": {"3"}, "order_interview_completed": {"4"}}
	if res := r.post("/admin/positions", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.Status, res.text(t))
	}
	want := []string{"hr_round", "interview_completed", "offer", "hired"}
	if got := app.storedPipeline(app.positionID("Analyst")); !slices.Equal(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	// No order at all: the catalogue's.
	form = url.Values{"title": {"Analyst 2"}, "headcount": {"1"}, "decision_sla_days": {"5"},
		"stage_hired": {"1"}, "stage_hr_round": {"1"}, "stage_interview_completed": {"1"}}
	if res := r.post("/admin/positions", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d", res.Status)
	}
	if got := app.storedPipeline(app.positionID("Analyst 2")); !slices.Equal(got, []string{"interview_completed", "hr_round", "hired"}) {
		t.Errorf("stored %v", got)
	}
}

func TestPipelineEditorRefusals(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	pos := app.positionID("Account Executive")
	page := r.get(fmt.Sprintf("/admin/positions/%d/edit", pos))
	stored := app.storedPipeline(pos)

	// Unticking the assessment day, where Ben is, is refused with the reason.
	form := formOf(t, page, "main form")
	form.Del("stage_assessment_day")
	form.Set("title", "Account Executive (new title)")
	res := r.post(fmt.Sprintf("/admin/positions/%d", pos), form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(t), "Assessment day cannot be removed: 1 application is in it.") {
		t.Fatalf("removing an occupied stage: %d %q", res.Status, res.text(t))
	}
	doc := res.Doc(t)
	if v, _ := doc.Find("input[name=title]").Attr("value"); v != "Account Executive (new title)" {
		t.Errorf("title kept as %q", v)
	}
	if _, ticked := doc.Find("#stage_assessment_day").Attr("checked"); ticked {
		t.Error("the unticked box came back ticked")
	}
	if got := app.storedPipeline(pos); !slices.Equal(got, stored) {
		t.Errorf("stored pipeline changed: %v", got)
	}

	// Nonsense moves: a bad value, the first stage up, a closing stage.
	for value, want := range map[string]string{
		"sideways:hr_round":       "Choose a stage of the list to move.",
		"up:interview_completed":  "Interview completed is already first.",
		"down:final_decision":     "Final decision is already the last stage before the offer.",
		"up:contract":             "Contract keeps its place.",
		"down:made_up_stage_name": "Choose a stage of the list to move.",
	} {
		f := formOf(t, page, "main form")
		f.Set("pipeline_move", value)
		res := r.post(fmt.Sprintf("/admin/positions/%d", pos), f)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(t), want) {
			t.Errorf("%s: %d, want 422 with %q", value, res.Status, want)
		}
	}
	// A bad place posted by hand.
	f := formOf(t, page, "main form")
	f.Set("order_hr_round", "x")
	f.Set("pipeline_move", "up:hr_round")
	if res := r.post(fmt.Sprintf("/admin/positions/%d", pos), f); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.text(t), "The order of HR round must be a number from 1 to 99.") {
		t.Errorf("bad place: %d", res.Status)
	}

	// Staff who do not manage positions cannot use the editor, moves included.
	for _, email := range []string{managerEmail, interviewerEmail} {
		c := app.newClient()
		c.loginStaff(email)
		f := formOf(t, page, "main form")
		f.Set("pipeline_move", "up:hr_round")
		if res := c.post(fmt.Sprintf("/admin/positions/%d", pos), f); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
			t.Errorf("%s moving a stage: %d", email, res.Status)
		}
	}
	// A move on a position that does not exist is a 404, not a form.
	f = formOf(t, page, "main form")
	f.Set("pipeline_move", "up:hr_round")
	if res := r.post("/admin/positions/999999", f); res.Status != http.StatusNotFound {
		t.Errorf("move on a missing position: %d", res.Status)
	}
}

// staffSignIn signs in through the staff login form (without checking the
// navigation, which is not this feature's).
func staffSignIn(t *testing.T, ctx context.Context, app *testApp, email string) {
	t.Helper()
	open(t, ctx, app.URL+"/staff/login", "#email")
	fill(t, ctx, "email", email)
	fill(t, ctx, "password", models.DemoPassword)
	if status := submit(t, ctx, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("staff login: landed with status %d on %s", status, currentURL(ctx))
	}
	if got := path(t, ctx); !strings.HasPrefix(got, "/admin") {
		t.Fatalf("after staff login the browser is on %s", got)
	}
}

// waitText waits until the text of sel contains want, and returns it.
func waitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := run(t, ctx, "text of "+sel, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)))
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s says %q, want %q", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBrowserPipelineEditor: with JavaScript, Move up and Move down reorder
// the stages in place, keep the focus on the button pressed and announce the
// move; Enter in a text field saves, and the database holds the new order.
// The page fits a 360 px screen.
func TestBrowserPipelineEditor(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	pos := app.positionID("Warehouse Operations Lead")
	b := newBrowser(t)
	staffSignIn(t, b, app, recruiterEmail)
	open(t, b, fmt.Sprintf("%s/admin/positions/%d/edit", app.URL, pos), "[data-testid=pipeline-editor]")
	order := func() []string {
		return run(t, b, "editor order", chromedp.Evaluate[[]string](`Array.prototype.map.call(
			document.querySelectorAll("[data-testid=pipeline-editor] li"), function (li) { return li.getAttribute("data-stage"); })`))
	}
	places := func() []string {
		return run(t, b, "hidden places", chromedp.Evaluate[[]string](`Array.prototype.map.call(
			document.querySelectorAll("[data-testid=pipeline-editor] input[type=hidden]"), function (i) { return i.value; })`))
	}
	focused := func() string {
		return run(t, b, "focused element", chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.value || document.activeElement.id) : ""`))
	}
	// A marker on the window tells whether the page was reloaded.
	do(t, b, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__notReloaded = true`))
	start := order()
	med := slices.Index(start, "pre_employment_medical")
	if med < 1 {
		t.Fatalf("editor order %v", start)
	}

	// Medical up, twice, with the keyboard's focus staying on its button.
	for i := 1; i <= 2; i++ {
		do(t, b, "move the medical up", chromedp.Click(chromedp.CSS(`button[value="up:pre_employment_medical"]`)))
		if got := order(); slices.Index(got, "pre_employment_medical") != med-i {
			t.Fatalf("after %d Move up: %v", i, got)
		}
		if f := focused(); f != "up:pre_employment_medical" {
			t.Fatalf("focus on %q after moving, want the Move up button", f)
		}
		waitText(t, b, "#pipeline-status", fmt.Sprintf("Pre-employment medical moved up, to place %d of 13.", med-i+1))
	}
	// Reference checks down once, below the background check (not used yet).
	do(t, b, "move the reference checks down", chromedp.Click(chromedp.CSS(`button[value="down:reference_checks"]`)))
	if f := focused(); f != "down:reference_checks" {
		t.Errorf("focus on %q, want the Move down button", f)
	}
	waitText(t, b, "#pipeline-status", "Reference checks moved down")
	if got := places(); !slices.Equal(got, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}) {
		t.Errorf("hidden places not renumbered: %v", got)
	}
	// The first stage cannot go up: nothing moves, and the reason is said.
	first := order()[0]
	do(t, b, "move the first stage up", chromedp.Click(chromedp.CSS(`button[value="up:`+first+`"]`)))
	waitText(t, b, "#pipeline-status", "is already first.")
	if got := order()[0]; got != first {
		t.Errorf("the first stage moved: %v", order())
	}
	if reloaded := !run(t, b, "marker", chromedp.Evaluate[bool](`window.__notReloaded === true`)); reloaded {
		t.Fatal("the page was reloaded: the moves went to the server")
	}
	// Use the background check too.
	do(t, b, "tick the background check", chromedp.Click(chromedp.ID("stage_background_check")))
	screenshot(t, b, "pipeline-editor.png")

	// Enter in the title saves (the hidden default button), not a move.
	fill(t, b, "title", "Warehouse Operations Lead (North)")
	sctx, cancel := step(b)
	resp, err := chromedp.RunResponse(sctx, chromedp.SendKeys(chromedp.ID("title"), kb.Enter))
	cancel()
	if err != nil || resp == nil || resp.Status != http.StatusOK {
		t.Fatalf("Enter in the title: %v %v", resp, err)
	}
	if got := path(t, b); got != "/admin/positions" {
		t.Fatalf("after saving the browser is on %s", got)
	}
	if got := text(t, b, "[data-testid=flash]"); !strings.Contains(got, "saved") {
		t.Errorf("flash %q", got)
	}
	want := []string{"interview_completed", "assessment_day", "hr_round", "pre_employment_medical", "background_check",
		"reference_checks", "final_decision", "offer", "contract", "onboarding", "hired"}
	if got := app.storedPipeline(pos); !slices.Equal(got, want) {
		t.Errorf("stored pipeline\n got %v\nwant %v", got, want)
	}

	// 360 px: the editor fits without sideways scrolling.
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	open(t, b, fmt.Sprintf("%s/admin/positions/%d/edit", app.URL, pos), "[data-testid=pipeline-editor]")
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the position form is %dpx wide on a 360px screen", sw)
	}
	screenshot(t, b, "pipeline-editor-360.png")
}
