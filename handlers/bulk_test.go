package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// appState is one application's stage, status and promised date, as text.
func (a *testApp) appState(appID int64) string {
	a.t.Helper()
	var s string
	if err := a.Store.DB().Raw(`SELECT stage || ' ' || status || ' ' || coalesce(to_char(expected_update_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), '-')
		FROM applications WHERE id = ?`, appID).Scan(&s).Error; err != nil {
		a.t.Fatal(err)
	}
	return s
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// tickedRows are the application ids whose checkboxes are ticked on the page.
func tickedRows(doc *goquery.Document) []string {
	var out []string
	doc.Find(`#bulk-form input[name=ids][checked]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("value", ""))
	})
	return out
}

func TestBulkListHasLabelledCheckboxesInOneForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	res := c.get("/admin/candidates?status=active&sort=name")
	if res.Status != http.StatusOK {
		t.Fatalf("list: %d", res.Status)
	}
	doc := res.Doc(t)
	amelia := app.applicationID("amelia.hart@example.com")
	box := doc.Find(`#bulk-form table input[type=checkbox][name=ids][value="` + idStr(amelia) + `"]`)
	if box.Length() != 1 {
		t.Fatal("Amelia's row has no checkbox inside the bulk form")
	}
	if got := strings.TrimSpace(doc.Find(`label[for="` + box.AttrOr("id", "?") + `"]`).Text()); got != "Select Amelia Hart — Account Executive" {
		t.Errorf("Amelia's checkbox label = %q", got)
	}
	if n, rows := doc.Find("#bulk-form input[name=ids]").Length(), doc.Find("[data-testid=candidate-row]").Length(); n != rows || n == 0 {
		t.Errorf("%d checkboxes for %d rows", n, rows)
	}
	if n := doc.Find("#bulk-form form, [data-testid=candidates-table] form").Length(); n != 0 {
		t.Errorf("%d forms nested in the bulk form", n)
	}
	if got := doc.Find(`#bulk-form input[name=list]`).AttrOr("value", ""); got != "sort=name&status=active" {
		t.Errorf("the bulk form keeps the list as %q", got)
	}
	for _, k := range []string{"move", "reject", "date", "message"} {
		if doc.Find(`#bulk-form input[type=radio][name=action][value=`+k+`]`).Length() != 1 {
			t.Errorf("no %s action", k)
		}
	}
}

// Bad input re-renders the same list with 422: the problems at the top of
// the bulk form, the ticked rows still ticked and every typed value kept.
func TestBulkProblemsKeepTheInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	amelia, ben := app.applicationID("amelia.hart@example.com"), app.applicationID("ben.okafor@example.com")
	before := app.appState(amelia) + "|" + app.appState(ben)

	res := c.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia), idStr(ben)}, "action": {"reject"}, "reason": {""},
		"send": {"held"}, "subject": {"Typed subject"}, "body": {"Typed\nbody"}, "expected_note": {"typed note"},
		"list": {"sort=name&status=active"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("reject without a reason: %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	summary := doc.Find("#bulk-form [data-testid=bulk-errors][role=alert]")
	if !strings.Contains(summary.Text(), "Give a reason for the rejection") {
		t.Errorf("error summary = %q, want the missing reason", summary.Text())
	}
	if got := tickedRows(doc); strings.Join(got, ",") != idStr(amelia)+","+idStr(ben) && strings.Join(got, ",") != idStr(ben)+","+idStr(amelia) {
		t.Errorf("ticked rows after 422 = %v, want Amelia and Ben", got)
	}
	if v, ok := doc.Find(`input[name=action][value=reject]`).Attr("checked"); !ok {
		t.Errorf("the reject action is not kept (%q)", v)
	}
	if _, ok := doc.Find(`#bulk-send-held`).Attr("checked"); !ok {
		t.Error("the held send time is not kept")
	}
	if got := doc.Find("#bulk-subject").AttrOr("value", ""); got != "Typed subject" {
		t.Errorf("subject kept as %q", got)
	}
	if got := doc.Find("#bulk-body").Text(); got != "Typed\nbody" {
		t.Errorf("body kept as %q", got)
	}
	if got := doc.Find("#bulk-note").AttrOr("value", ""); got != "typed note" {
		t.Errorf("note kept as %q", got)
	}
	if got := doc.Find("#bulk-reason").AttrOr("aria-invalid", ""); got != "true" {
		t.Errorf("reason aria-invalid = %q", got)
	}
	// The same list: sorted by name, active only.
	if got := doc.Find(`#bulk-form input[name=list]`).AttrOr("value", ""); got != "sort=name&status=active" {
		t.Errorf("list kept as %q", got)
	}
	if got := doc.Find("#status option[selected]").AttrOr("value", ""); got != "active" {
		t.Errorf("status filter after 422 = %q, want active", got)
	}
	if strings.Contains(doc.Find("[data-testid=candidates-table]").Text(), "Elena Rossi") {
		t.Error("the re-rendered list lost its status filter: it shows the rejected Elena")
	}
	if after := app.appState(amelia) + "|" + app.appState(ben); after != before {
		t.Errorf("a refused bulk action changed %s into %s", before, after)
	}

	// Nothing ticked, no action.
	res = c.post("/admin/candidates/bulk", url.Values{"list": {""}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty bulk form: %d", res.Status)
	}
	text := res.Doc(t).Find("[data-testid=bulk-errors]").Text()
	for _, want := range []string{"Tick at least one candidate.", "Choose what to do"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary %q lacks %q", text, want)
		}
	}

	// A refusal names the candidate, at the top and on their row.
	daniel := app.applicationID("daniel.kim@example.com")
	res = c.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia), idStr(daniel)}, "action": {"move"}, "list": {""}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("move with a refusal: %d", res.Status)
	}
	doc = res.Doc(t)
	if got := doc.Find("[data-testid=bulk-errors]").Text(); !strings.Contains(got, "Daniel Kim — Account Executive") {
		t.Errorf("summary %q does not name Daniel", got)
	}
	row := doc.Find(`input[name=ids][value="` + idStr(daniel) + `"]`).Closest("tr")
	if !row.HasClass("bulk-refused") || !strings.Contains(row.Find(".field-error").Text(), "Offer") {
		t.Errorf("Daniel's row is not marked refused: %q", row.Text())
	}
	if got := app.appState(amelia); !strings.HasPrefix(got, "interview_completed ") {
		t.Errorf("Amelia moved (%s) although Daniel refused", got)
	}
}

func TestBulkSuccessReturnsToTheSameList(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	amelia, farid := app.applicationID("amelia.hart@example.com"), app.applicationID("farid.haddad@example.com")
	res := c.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia), idStr(farid)}, "action": {"move"},
		"list": {"status=active&sort=-name&evil=1&after=abc"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("bulk move: %d %.300s", res.Status, res.Body)
	}
	if res.Location != "/admin/candidates?after=abc&sort=-name&status=active" {
		t.Errorf("redirect to %q, want the same list", res.Location)
	}
	if got := app.appState(amelia); !strings.HasPrefix(got, "additional_interview active") {
		t.Errorf("Amelia is %s", got)
	}
	if got := app.appState(farid); !strings.HasPrefix(got, "hr_round active") {
		t.Errorf("Farid is %s", got)
	}
	page := c.get("/admin/candidates?status=active&sort=-name")
	if got := page.Doc(t).Find("[data-testid=flash]").Text(); got != "Moved 2 candidates to their next stage; each candidate's update is in the outbox (email delivery is not configured)." {
		t.Errorf("flash = %q", got)
	}
}

func TestBulkIsForPeopleWhoManageCandidates(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia, farid := app.applicationID("amelia.hart@example.com"), app.applicationID("farid.haddad@example.com")
	before := app.appState(amelia) + "|" + app.appState(farid)

	interviewer := app.newClient()
	interviewer.loginStaff(interviewerEmail)
	if res := interviewer.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia)}, "action": {"move"}}); res.Status != http.StatusForbidden {
		t.Errorf("interviewer: %d, want 403", res.Status)
	}
	manager := app.newClient()
	manager.loginStaff(managerEmail)
	if res := manager.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia), idStr(farid)}, "action": {"move"}}); res.Status != http.StatusNotFound {
		t.Errorf("manager with another position's application: %d, want 404", res.Status)
	}
	cand := app.newClient()
	cand.loginCandidate("amelia.hart@example.com")
	if res := cand.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia)}, "action": {"move"}}); res.Status < 300 || res.Status == http.StatusOK {
		t.Errorf("candidate: %d, want a refusal", res.Status)
	}
	if after := app.appState(amelia) + "|" + app.appState(farid); after != before {
		t.Errorf("refused requests changed %s into %s", before, after)
	}
	// Checkboxes cost no statements: the list stays within its budget of 5.
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	start := app.Store.Statements()
	if res := staff.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatal(res.Status)
	}
	if used := app.Store.Statements() - start; used > 5 {
		t.Errorf("the list ran %d statements, budget 5", used)
	}

}

// The bulk message reaches the candidate's Messages page, and its wording is
// on the admins' Message wording page.
func TestBulkMessageReachesTheCandidate(t *testing.T) {
	t.Parallel()
	app, _ := newMailTestApp(t)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	amelia := app.applicationID("amelia.hart@example.com")
	res := staff.post("/admin/candidates/bulk", url.Values{"ids": {idStr(amelia)}, "action": {"message"},
		"subject": {"Our office moves"}, "body": {"From Monday we are at 2 Market Street.\nSee you there."}, "list": {"q=amelia"}})
	if res.Status != http.StatusSeeOther || res.Location != "/admin/candidates?q=amelia" {
		t.Fatalf("bulk message: %d → %q", res.Status, res.Location)
	}
	cand := app.newClient()
	cand.loginCandidate("amelia.hart@example.com")
	app.waitDelivered() // the Messages page lists what has left
	page := cand.get("/me/messages")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Our office moves") || !strings.Contains(page.Body, "From Monday we are at 2 Market Street.") {
		t.Errorf("Amelia's Messages page (%d) does not show the message", page.Status)
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	if res := admin.get("/admin/message-templates/staff_message"); res.Status != http.StatusOK || !strings.Contains(res.Body, "A message about your application") {
		t.Errorf("message wording page for staff_message: %d", res.Status)
	}
}
