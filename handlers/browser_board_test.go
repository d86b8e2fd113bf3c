package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// The board in a real browser: the Move dialog, drag and drop, the columns
// at 1280 px, a move without JavaScript, and the phone width.

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

func TestBrowserBoardMoveByDialog(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia := app.applicationID("amelia.hart@example.com")
	b := newBrowser(t)
	boardLogin(t, b, app)
	open(t, b, app.URL+app.boardPath("Account Executive"), fmt.Sprintf("#card-%d", amelia))
	opener := fmt.Sprintf("#card-%d [data-testid=board-move-open]", amelia)
	dialog := fmt.Sprintf("#move-dialog-%d", amelia)

	// The Move button opens the card's dialog, modal, at its first control; Escape closes it and the focus comes back.
	do(t, b, "press Move", chromedp.Click(chromedp.CSS(opener)))
	waitVisible(t, b, dialog)
	if modal := run(t, b, "dialog is modal", chromedp.Evaluate[bool](`document.querySelector("`+dialog+`").matches(":modal")`)); !modal {
		t.Error("the move dialog is not modal: the page behind it is not inert")
	}
	if got := run(t, b, "focused", chromedp.Evaluate[string](`document.activeElement.id`)); got != fmt.Sprintf("move-to-%d", amelia) {
		t.Errorf("in the dialog the focus is on #%s", got)
	}
	do(t, b, "press Escape", chromedp.KeyEvent("\u001b"))
	do(t, b, "dialog closes", chromedp.WaitNotVisible(chromedp.CSS(dialog)))
	if got := run(t, b, "focused", chromedp.Evaluate[string](`document.activeElement.dataset.testid || ""`)); got != "board-move-open" {
		t.Errorf("after Escape the focus is on %q, not the Move button", got)
	}
	if got := app.applicationStage(amelia); got != "interview_completed" {
		t.Fatalf("closing the dialog moved Amelia to %s", got)
	}

	do(t, b, "press Move again", chromedp.Click(chromedp.CSS(opener)))
	waitVisible(t, b, dialog)
	selectOption(t, b, fmt.Sprintf("#move-to-%d", amelia), "Next: Additional interview")
	if status := submit(t, b, dialog+" button[type=submit]"); status != http.StatusOK {
		t.Fatalf("after the move: status %d", status)
	}
	waitVisible(t, b, fmt.Sprintf("section[data-stage=additional_interview] #card-%d", amelia))
	ivCheckFlash(t, b, "Amelia Hart moved to Additional interview")
	if got := app.applicationStage(amelia); got != "additional_interview" {
		t.Fatalf("stage in the database: %s", got)
	}
	screenshot(t, b, "board-after-dialog-move.png")
}

// boardReach measures the board at the window's width: whether the page
// itself scrolls sideways, the columns whose header is not inside the
// board's scrolling strip or below the first screen, and the scroll cue.
type boardReach struct {
	PageWidth, Window int
	Columns           int
	Outside           []string
	CueVisible        bool
	IndexLinks        int
	StripScrolls      bool
}

const boardReachScript = `(function () {
	var sc = document.querySelector("[data-testid=board-scroll]"), box = sc.getBoundingClientRect();
	var out = {PageWidth: document.documentElement.scrollWidth, Window: window.innerWidth, Outside: [],
		StripScrolls: sc.scrollWidth > sc.clientWidth};
	var heads = document.querySelectorAll("section.board-column h2");
	out.Columns = heads.length;
	heads.forEach(function (h) {
		var r = h.getBoundingClientRect();
		var left = r.left - box.left + sc.scrollLeft, right = r.right - box.left + sc.scrollLeft;
		if (left < 0 || right > sc.scrollWidth + 0.5 || r.top > window.innerHeight || r.width === 0) { out.Outside.push(h.id); }
	});
	var cue = document.querySelector("[data-testid=board-cue]"), cr = cue.getBoundingClientRect();
	out.CueVisible = cr.width > 0 && cr.height > 0 && cr.top >= 0 && cr.bottom <= window.innerHeight && getComputedStyle(cue).visibility === "visible";
	out.IndexLinks = document.querySelectorAll("[data-testid=board-index] a[href^='#col-']").length;
	return out;
})()`

// At 1280 px every column's header is on the first screen, inside the
// board's own scrolling strip (the page never scrolls sideways), with the
// cue and the column index in view; the index brings the last column into
// view. Without JavaScript, Move leads to the card's page and moves it
// there; the offer column says it takes no drops.
func TestBrowserBoardColumnsReachableAndMoveWithoutJS(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia := app.applicationID("amelia.hart@example.com")
	b := newBrowser(t)
	boardLogin(t, b, app)
	board := app.URL + app.boardPath("Account Executive")
	open(t, b, board, "[data-testid=board-card]")
	if w := run(t, b, "window", chromedp.Evaluate[int](`window.innerWidth`)); w != 1280 {
		t.Fatalf("window is %dpx wide, want 1280", w)
	}
	r := run(t, b, "measure the board", chromedp.Evaluate[boardReach](boardReachScript))
	if r.PageWidth > r.Window || r.Columns != 11 || len(r.Outside) > 0 || !r.CueVisible || r.IndexLinks != 11 {
		t.Errorf("at 1280px: %+v", r)
	}
	screenshot(t, b, "board-1280.png")
	if r.StripScrolls {
		// The strip scrolls: the index's last link brings the Hired column into the strip's view.
		do(t, b, "jump to Hired", chromedp.Click(chromedp.CSS(`[data-testid=board-index] a[href="#col-hired"]`)))
		shown := func() bool {
			return run(t, b, "hired in view", chromedp.Evaluate[bool](`(function () {
				var sc = document.querySelector("[data-testid=board-scroll]").getBoundingClientRect(), h = document.getElementById("col-hired").getBoundingClientRect();
				return h.left >= sc.left - 1 && h.right <= sc.right + 1;
			})()`))
		}
		for i := 0; i < 20 && !shown(); i++ {
			time.Sleep(100 * time.Millisecond) // smooth scrolling
		}
		if !shown() {
			t.Error("the column index did not bring the Hired column into view")
		}
	}
	offer := `section[data-stage=offer]`
	if got := text(t, b, offer+" header [data-testid=board-no-drop]"); !strings.Contains(got, "No drops here.") {
		t.Errorf("offer column note %q", got)
	}

	// Without JavaScript: Move is a link to the card's page, whose form moves the card.
	if _, err := chromedp.Call(b, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	open(t, b, board, fmt.Sprintf("#card-%d", amelia))
	if status := submit(t, b, fmt.Sprintf("#card-%d [data-testid=board-move-open]", amelia)); status != http.StatusOK {
		t.Fatalf("Move without JavaScript: status %d", status)
	}
	if got := path(t, b); got != app.boardPath("Account Executive")+"/move" {
		t.Fatalf("Move without JavaScript went to %s", got)
	}
	waitVisible(t, b, "[data-testid=board-move-page]")
	screenshot(t, b, "board-move-page.png")
	if status := submit(t, b, "[data-testid=board-move-page] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("after the move: status %d", status)
	}
	waitVisible(t, b, fmt.Sprintf("section[data-stage=additional_interview] #card-%d", amelia))
	if got := app.applicationStage(amelia); got != "additional_interview" {
		t.Fatalf("stage after the move without JavaScript: %s", got)
	}
}

func TestBrowserBoardDragAndDrop(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	b := newBrowser(t)
	boardLogin(t, b, app)
	board := app.URL + app.boardPath("Account Executive")
	open(t, b, board, fmt.Sprintf("#card-%d[draggable=true]", amelia))
	// A drag starts anywhere on the card: nothing inside it drags on its own (a link would drag its address).
	if self := run(t, b, "draggable parts", chromedp.Evaluate[[]string](fmt.Sprintf(`Array.prototype.filter.call(
		document.querySelectorAll("#card-%d *"), function (e) { return e.draggable && !e.closest("dialog"); }).map(function (e) { return e.outerHTML.slice(0, 80); })`, amelia))); len(self) > 0 {
		t.Errorf("parts of the card drag on their own: %v", self)
	}

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
