package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
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

// A card is compact: the name, the days in the stage, the promised update
// date and one Move control, which leads without JavaScript to the card's
// move page; that page's form posts to the board's move.
func TestBoardCardShowsDaysPromiseAndMove(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	sales := app.boardPath("Account Executive")
	amelia, farid := app.applicationID("amelia.hart@example.com"), app.applicationID("farid.haddad@example.com")
	now := app.Clock.Now()
	mustDB(t, app.Store.DB().Exec(`UPDATE applications SET stage_entered_at = ?, expected_update_at = ? WHERE id = ?`,
		now.Add(-3*24*time.Hour-time.Hour), time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), amelia))

	doc := rec.get(sales).Doc(t)
	card := doc.Find(fmt.Sprintf("#card-%d", amelia))
	if got := strings.TrimSpace(card.Find("[data-testid=board-days]").Text()); got != "3 days in stage" {
		t.Errorf("days in stage %q", got)
	}
	if got := strings.Join(strings.Fields(card.Find("[data-testid=board-promise]").Text()), " "); got != "Promised 4 Dec 2026" {
		t.Errorf("promise %q", got)
	}
	move := card.Find("a[data-testid=board-move-open]")
	page := fmt.Sprintf("%s/move?application_id=%d", sales, amelia)
	if href, _ := move.Attr("href"); move.Length() != 1 || href != page || strings.Join(strings.Fields(move.Text()), " ") != "Move Amelia Hart" {
		t.Errorf("Move control: %d, href %q, text %q", move.Length(), href, move.Text())
	}
	if n := card.Find("form").Length(); n != 1 || card.Find("dialog form").Length() != 1 {
		t.Errorf("the card's move form is not (only) in its dialog: %d forms", n)
	}
	// Only the dialog's controls and the two links: nothing else to fill in on the card itself.
	if n := card.Children().Not("dialog").Find("select, textarea, input, button").Length(); n != 0 {
		t.Errorf("%d controls outside the dialog", n)
	}
	for _, stage := range []string{"offer", "contract", "hired"} {
		col := doc.Find(fmt.Sprintf("section[data-stage=%s]", stage))
		if d, _ := col.Attr("data-droppable"); d != "false" || col.Find("header [data-testid=board-no-drop]").Length() != 1 {
			t.Errorf("the %s column is not marked as taking no drops (data-droppable=%q)", stage, d)
		}
	}
	if d, _ := doc.Find("section[data-stage=additional_interview]").Attr("data-droppable"); d != "true" {
		t.Errorf("additional interview data-droppable=%q", d)
	}

	// The move page: the card's form on its own.
	res := rec.get(page)
	if res.Status != http.StatusOK {
		t.Fatalf("move page: %d", res.Status)
	}
	pdoc := res.Doc(t)
	if got := pdoc.Find("h1").Text(); got != "Move Amelia Hart" {
		t.Errorf("move page heading %q", got)
	}
	if act, _ := pdoc.Find("form.board-move").Attr("action"); act != sales+"/move" || pdoc.Find("select[name=to] option[selected]").AttrOr("value", "") != "additional_interview" {
		t.Errorf("move page form posts to %q", act)
	}
	// A card of another position, or none: not found.
	for _, u := range []string{fmt.Sprintf("%s/move?application_id=%d", sales, farid), sales + "/move"} {
		if res := rec.get(u); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", u, res.Status)
		}
	}
}
