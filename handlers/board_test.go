package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// boardPath is the board of a demo position.
func (a *testApp) boardPath(title string) string {
	return fmt.Sprintf("/admin/positions/%d/board", a.positionID(title))
}

// boardMove posts a card's move form as the page would.
func (c *client) boardMove(boardPath string, appID int64, to, note string, confirm bool) response {
	c.app.t.Helper()
	form := url.Values{"application_id": {fmt.Sprint(appID)}, "to": {to}, "note": {note}}
	if confirm {
		form.Set("confirm_skip", "1")
	}
	return c.post(boardPath+"/move", form)
}

// cardColumn is the stage of the column showing application appID's card, or "".
func cardColumn(doc *goquery.Document, appID int64) string {
	stage, _ := doc.Find(fmt.Sprintf("#card-%d", appID)).Closest("section.board-column").Attr("data-stage")
	return stage
}

func TestBoardPageColumnsCardsAndForms(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	sales := app.boardPath("Account Executive")
	amelia, elena := app.applicationID("amelia.hart@example.com"), app.applicationID("elena.rossi@example.com")

	before := app.Store.Statements()
	res := rec.get(sales)
	used := app.Store.Statements() - before
	if res.Status != http.StatusOK {
		t.Fatalf("board: %d", res.Status)
	}
	t.Logf("board page: %d statements", used)
	if used > 4 {
		t.Errorf("board page ran %d statements, want at most 4", used)
	}
	doc := res.Doc(t)
	var heads []string
	doc.Find("section.board-column").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("aria-labelledby")
		heads = append(heads, strings.TrimSpace(s.Find("h2#"+id).Contents().First().Text()))
	})
	if len(heads) != 11 || heads[0] != "Interview completed" || heads[7] != "Offer" || heads[10] != "Hired" {
		t.Fatalf("columns: %q", heads)
	}
	if got := cardColumn(doc, amelia); got != "interview_completed" {
		t.Errorf("Amelia's card is in %q", got)
	}
	if doc.Find(fmt.Sprintf("#card-%d", elena)).Length() != 0 {
		t.Error("a rejected application is on the board")
	}
	card := doc.Find(fmt.Sprintf("#card-%d", amelia))
	if href, _ := card.Find("h3 a").Attr("href"); href != fmt.Sprintf("/admin/candidates/%d", app.candidateID("amelia.hart@example.com")) {
		t.Errorf("Amelia's name links to %q", href)
	}
	if got := strings.TrimSpace(card.Find("option[selected]").Text()); got != "Next: Additional interview" {
		t.Errorf("preselected move %q", got)
	}
	// No card offers the offer, the contract or Hired; the offer column says how it opens.
	doc.Find("select[name=to] option").Each(func(_ int, o *goquery.Selection) {
		if v, _ := o.Attr("value"); v == "offer" || v == "contract" || v == "hired" {
			t.Errorf("a card offers a move to %s", v)
		}
	})
	if got := doc.Find("section[data-stage=offer] .hint").Text(); !strings.Contains(got, "offer is sent") {
		t.Errorf("offer column hint %q", got)
	}
	// Every control has a label, and every id is unique.
	ids := map[string]bool{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if ids[id] {
			t.Errorf("id %q appears twice", id)
		}
		ids[id] = true
	})
	doc.Find(".board-move select, .board-move textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if doc.Find(fmt.Sprintf("label[for=%q]", id)).Length() != 1 {
			t.Errorf("#%s has no label", id)
		}
	})
	if doc.Find(`script[src*="board."]`).Length() != 1 {
		t.Error("board.js is not loaded")
	}

	// The positions list links to each board.
	if doc := rec.get("/admin/positions").Doc(t); doc.Find(fmt.Sprintf(`a[href=%q]`, sales)).Length() != 1 {
		t.Error("no Board link on the positions list")
	}

	// Hiring managers see their own positions' boards only; interviewers none.
	mgr := app.newClient()
	mgr.loginStaff(managerEmail)
	if res := mgr.get(sales); res.Status != http.StatusOK {
		t.Errorf("manager's own board: %d", res.Status)
	}
	if res := mgr.get(app.boardPath("Backend Engineer (Go)")); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Farid") {
		t.Errorf("manager opening engineering's board: %d", res.Status)
	}
	iv := app.newClient()
	iv.loginStaff(interviewerEmail)
	if res := iv.get(sales); res.Status != http.StatusForbidden || strings.Contains(res.Body, "Amelia") {
		t.Errorf("interviewer opening a board: %d", res.Status)
	}
	if res := rec.get("/admin/positions/999999/board"); res.Status != http.StatusNotFound {
		t.Errorf("unknown position: %d", res.Status)
	}
}

func TestBoardMoveNextStage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	sales := app.boardPath("Account Executive")
	amelia := app.applicationID("amelia.hart@example.com")

	res := rec.boardMove(sales, amelia, "additional_interview", "", false)
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("%s#card-%d", sales, amelia) {
		t.Fatalf("move: %d → %q", res.Status, res.Location)
	}
	if got := app.applicationStage(amelia); got != "additional_interview" {
		t.Fatalf("stage after the move: %s", got)
	}
	if n := app.sqlCount(`SELECT count(*) FROM audit_log WHERE action = 'application.stage_moved' AND subject_id = ?`, amelia); n != 1 {
		t.Errorf("%d audit rows for the move", n)
	}
	if n := app.sqlCount(`SELECT count(*) FROM stage_events WHERE application_id = ? AND kind = 'move' AND to_stage = 'additional_interview'`, amelia); n != 1 {
		t.Errorf("%d stage events for the move", n)
	}
	doc := rec.get(sales).Doc(t)
	if got := doc.Find("[data-testid=flash]").Text(); !strings.Contains(got, "Amelia Hart moved to Additional interview") {
		t.Errorf("flash %q", got)
	}
	if got := cardColumn(doc, amelia); got != "additional_interview" {
		t.Errorf("Amelia's card is in %q after the move", got)
	}
}

func TestBoardMoveRefusals(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	sales := app.boardPath("Account Executive")
	amelia, chloe, farid := app.applicationID("amelia.hart@example.com"), app.applicationID("chloe.dubois@example.com"), app.applicationID("farid.haddad@example.com")
	events := app.countRows("stage_events", "")

	// A skip without its reason: 422, the message on the card, the input kept.
	res := rec.boardMove(sales, amelia, "assessment_day", "", true)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("skip without a reason: %d", res.Status)
	}
	doc := res.Doc(t)
	card := doc.Find(fmt.Sprintf("#card-%d", amelia))
	if got := card.Find(fmt.Sprintf("#move-note-%d-error", amelia)).Text(); !strings.Contains(got, "reason for skipping") {
		t.Errorf("note message on the card: %q (body %.300s)", got, doc.Find("[data-testid=error-summary]").Text())
	}
	if v, _ := card.Find("option[selected]").Attr("value"); v != "assessment_day" {
		t.Errorf("kept target %q", v)
	}
	if card.Find(`input[name=confirm_skip][checked]`).Length() != 1 || card.Find("details.board-skip[open]").Length() != 1 {
		t.Error("the confirmation is not kept ticked, or the skip fields are folded")
	}
	if inv, _ := card.Find("textarea[name=note]").Attr("aria-invalid"); inv != "true" {
		t.Errorf("note aria-invalid=%q", inv)
	}
	if doc.Find("[data-testid=error-summary]").Length() != 1 {
		t.Error("no error summary")
	}

	// The reason without the confirmation: the reason is kept.
	res = rec.boardMove(sales, amelia, "assessment_day", "Strong referral from the panel", false)
	card = res.Doc(t).Find(fmt.Sprintf("#card-%d", amelia))
	if res.Status != http.StatusUnprocessableEntity || strings.TrimSpace(card.Find("textarea[name=note]").Text()) != "Strong referral from the panel" ||
		card.Find(fmt.Sprintf("#move-confirm-%d-error", amelia)).Length() != 1 {
		t.Errorf("skip without confirmation: %d, card %q", res.Status, card.Text())
	}

	// Into the offer: refused, whatever the form says.
	res = rec.boardMove(sales, chloe, "offer", "Great", true)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Doc(t).Find(fmt.Sprintf("#move-to-%d-error", chloe)).Text(), "offer is sent") {
		t.Errorf("move into the offer: %d %q", res.Status, res.Doc(t).Find("[data-testid=error-summary]").Text())
	}
	// Another position's application through this board: 404.
	if res := rec.boardMove(sales, farid, "hr_round", "Fast track", true); res.Status != http.StatusNotFound {
		t.Errorf("another position's application: %d", res.Status)
	}
	if res := rec.boardMove(sales, 0, "hr_round", "", false); res.Status != http.StatusNotFound {
		t.Errorf("no application: %d", res.Status)
	}
	// Interviewers may not move; a manager not through a board they cannot see.
	iv := app.newClient()
	iv.loginStaff(interviewerEmail)
	if res := iv.boardMove(sales, amelia, "additional_interview", "", false); res.Status != http.StatusForbidden {
		t.Errorf("interviewer moving a card: %d", res.Status)
	}
	mgr := app.newClient()
	mgr.loginStaff(managerEmail)
	if res := mgr.boardMove(app.boardPath("Backend Engineer (Go)"), farid, "hr_round", "Fast track", true); res.Status != http.StatusNotFound {
		t.Errorf("manager moving an engineering card: %d", res.Status)
	}

	for id, want := range map[int64]string{amelia: "interview_completed", chloe: "commercial_negotiation", farid: "additional_interview"} {
		if got := app.applicationStage(id); got != want {
			t.Errorf("application %d moved to %s by a refused move", id, got)
		}
	}
	if got := app.countRows("stage_events", ""); got != events {
		t.Errorf("refused moves wrote %d stage events", got-events)
	}
}

// ---- browser ----

// boardDrag runs the page's real drag and drop handlers: Chromium's headless
// mode does not drive native drags reliably, so the test dispatches the
// HTML5 drag events a mouse drag fires, on the card and on the column.
type boardDragResult struct {
	Droppable    []string `json:"droppable"`
	NotDroppable []string `json:"notDroppable"`
	Accepted     bool     `json:"accepted"`
}

const boardDragScript = `(function (cardSel, colSel) {
	var card = document.querySelector(cardSel), col = document.querySelector(colSel);
	if (!card || !col) { throw new Error("no card or column"); }
	var dt = new DataTransfer();
	function fire(el, type) {
		var ev = new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt});
		el.dispatchEvent(ev);
		return ev;
	}
	card.dispatchEvent(new PointerEvent("pointerdown", {bubbles: true}));
	fire(card, "dragstart");
	var stages = function (sel) { return Array.prototype.map.call(document.querySelectorAll(sel), function (c) { return c.dataset.stage; }); };
	var out = {droppable: stages(".board-column.drop-ok"), notDroppable: stages(".board-column.drop-no")};
	var into = col.querySelector("h2");
	fire(into, "dragenter");
	out.accepted = fire(into, "dragover").defaultPrevented;
	if (out.accepted) { fire(into, "drop"); }
	fire(card, "dragend");
	return out;
})`

func boardDrag(t *testing.T, ctx context.Context, appID int64, stage string) boardDragResult {
	t.Helper()
	args, _ := json.Marshal([]string{fmt.Sprintf("#card-%d", appID), fmt.Sprintf("section[data-stage=%q]", stage)})
	return run(t, ctx, "drag card "+fmt.Sprint(appID)+" to "+stage,
		chromedp.Evaluate[boardDragResult](boardDragScript+".apply(null, "+string(args)+")"))
}

// boardLogin signs the recruiter in through the staff login form, wherever
// the panel lands them.
func boardLogin(t *testing.T, ctx context.Context, app *testApp) {
	t.Helper()
	open(t, ctx, app.URL+"/staff/login", "#email")
	fill(t, ctx, "email", recruiterEmail)
	fill(t, ctx, "password", models.DemoPassword)
	if status := submit(t, ctx, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("staff login: status %d on %s", status, currentURL(ctx))
	}
	if got := path(t, ctx); !strings.HasPrefix(got, "/admin") {
		t.Fatalf("after staff login the browser is on %s", got)
	}
}

func TestBrowserBoardMoveByForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia := app.applicationID("amelia.hart@example.com")
	b := newBrowser(t)
	boardLogin(t, b, app)
	open(t, b, app.URL+app.boardPath("Account Executive"), fmt.Sprintf("#card-%d", amelia))

	selectOption(t, b, fmt.Sprintf("#move-to-%d", amelia), "Next: Additional interview")
	if status := submit(t, b, fmt.Sprintf("#card-%d button[type=submit]", amelia)); status != http.StatusOK {
		t.Fatalf("after the move: status %d", status)
	}
	waitVisible(t, b, fmt.Sprintf("section[data-stage=additional_interview] #card-%d", amelia))
	ivCheckFlash(t, b, "Amelia Hart moved to Additional interview")
	if got := app.applicationStage(amelia); got != "additional_interview" {
		t.Fatalf("stage in the database: %s", got)
	}
	// The columns scroll inside their own strip, never the page.
	if sw, w := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)),
		run(t, b, "viewport width", chromedp.Evaluate[int](`window.innerWidth`)); sw > w {
		chain := run(t, b, "widths", chromedp.Evaluate[[]string](`(function(){var out=[];var e=document.querySelector(".board");while(e){var cs=getComputedStyle(e);out.push(e.tagName+"."+e.className+" w="+Math.round(e.getBoundingClientRect().width)+" d="+cs.display+" ov="+cs.overflowX+" minw="+cs.minWidth);e=e.parentElement;}return out;})()`))
		t.Errorf("the board page is %dpx wide in a %dpx window: %v", sw, w, chain)
	}
	screenshot(t, b, "board-after-form-move.png")
}

func TestBrowserBoardDragAndDrop(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	b := newBrowser(t)
	boardLogin(t, b, app)
	board := app.URL + app.boardPath("Account Executive")
	open(t, b, board, fmt.Sprintf("#card-%d[draggable=true]", amelia))

	// A column the card may not go to refuses the drop and nothing moves.
	if r := boardDrag(t, b, amelia, "offer"); r.Accepted {
		t.Fatal("the offer column accepted a drop")
	} else if !slices.Contains(r.NotDroppable, "offer") || !slices.Contains(r.NotDroppable, "hired") || slices.Contains(r.Droppable, "offer") ||
		!slices.Contains(r.Droppable, "additional_interview") {
		t.Fatalf("during the drag: droppable %v, not droppable %v", r.Droppable, r.NotDroppable)
	}
	if got := app.applicationStage(amelia); got != "interview_completed" {
		t.Fatalf("a refused drop moved Amelia to %s", got)
	}

	// Dropping on the next stage moves the card at once.
	if r := boardDrag(t, b, amelia, "additional_interview"); !r.Accepted {
		t.Fatalf("the next stage refused the drop: %+v", r)
	}
	waitVisible(t, b, fmt.Sprintf("section[data-stage=additional_interview] #card-%d", amelia))
	ivCheckFlash(t, b, "Amelia Hart moved to Additional interview")
	if got := app.applicationStage(amelia); got != "additional_interview" {
		t.Fatalf("stage after the drop: %s", got)
	}

	// Dropping on a later stage is a skip: it asks for the reason first.
	if r := boardDrag(t, b, ben, "reference_checks"); !r.Accepted {
		t.Fatalf("a skip's column refused the drop: %+v", r)
	}
	focused := run(t, b, "focused element", chromedp.Evaluate[string](`document.activeElement.id`))
	if focused != fmt.Sprintf("move-note-%d", ben) {
		t.Errorf("after dropping a skip the focus is on #%s, want the reason", focused)
	}
	if got := fieldValue(t, b, fmt.Sprintf("#move-to-%d", ben)); got != "reference_checks" {
		t.Errorf("the card's form targets %q", got)
	}
	if got := app.applicationStage(ben); got != "assessment_day" {
		t.Fatalf("a skip moved before its reason was given: %s", got)
	}
	screenshot(t, b, "board-skip-dropped.png")
	fill(t, b, fmt.Sprintf("move-note-%d", ben), "Strong assessment, references already in")
	tick(t, b, fmt.Sprintf("#move-confirm-%d", ben))
	if status := submit(t, b, fmt.Sprintf("#card-%d button[type=submit]", ben)); status != http.StatusOK {
		t.Fatalf("after the skip: status %d", status)
	}
	waitVisible(t, b, fmt.Sprintf("section[data-stage=reference_checks] #card-%d", ben))
	if got := app.applicationStage(ben); got != "reference_checks" {
		t.Fatalf("stage after the skip: %s", got)
	}
	if n := app.sqlCount(`SELECT count(*) FROM stage_events WHERE application_id = ? AND kind = 'skip' AND note = 'Strong assessment, references already in'`, ben); n != 1 {
		t.Errorf("%d skip events with the reason", n)
	}
	screenshot(t, b, "board-after-drag.png")
}

func TestBrowserBoardPhoneWidth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := newBrowser(t)
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	boardLogin(t, b, app)
	open(t, b, app.URL+app.boardPath("Account Executive"), "[data-testid=board-card]")
	ivFitsWidth(t, b, "the board")
	screenshot(t, b, "board-mobile.png")
}
