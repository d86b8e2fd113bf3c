package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
)

// optionTitles lists the options of a select, without the empty prompt.
func optionTitles(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel + " option").Each(func(_ int, s *goquery.Selection) {
		if v, _ := s.Attr("value"); v != "" {
			out = append(out, strings.TrimSpace(s.Text()))
		}
	})
	return out
}

func TestNewCandidateWithKnownEmailOffersAnApplication(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	farid := app.candidateID("farid.haddad@example.com") // Backend Engineer, additional interview
	sales := app.positionID("Account Executive")
	before := app.rowCounts("candidates", "applications", "outbox_messages")

	typed := url.Values{"name": {"Farid H."}, "email": {" Farid.Haddad@Example.com "}, "phone": {"+44 20 7946 0000"},
		"position_id": {fmt.Sprint(sales)}, "stage": {""}}
	res := r.post("/admin/candidates", typed)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("known email: %d → %q", res.Status, res.Location)
	}
	doc := res.Doc(t)
	panel := doc.Find("[data-testid=existing-candidate]")
	if got := strings.Join(strings.Fields(panel.Find("h2").Text()), " "); got != "Farid Haddad (farid.haddad@example.com) is already a candidate" {
		t.Errorf("panel heading %q", got)
	}
	if got := strings.Join(strings.Fields(panel.Find("[data-testid=existing-applications]").Text()), " "); got != "Backend Engineer (Go) · Additional interview · Active" {
		t.Errorf("applications listed %q", got)
	}
	if got := strings.TrimSpace(panel.Find("h3").Text()); got != "Add an application for Farid Haddad" {
		t.Errorf("add heading %q", got)
	}
	// Input kept in the new-candidate form.
	for name, want := range map[string]string{"name": "Farid H.", "phone": "+44 20 7946 0000"} {
		if v, _ := doc.Find(`form[action="/admin/candidates"] input[name=` + name + `]`).Attr("value"); v != want {
			t.Errorf("%s kept as %q, want %q", name, v, want)
		}
	}
	// Offered: open positions without an application, the one chosen preselected.
	if got := strings.Join(optionTitles(doc, "#add_position_id"), ", "); got != "Account Executive, Warehouse Operations Lead" {
		t.Errorf("positions offered %q", got)
	}
	if v, _ := doc.Find("#add_position_id option[selected]").Attr("value"); v != fmt.Sprint(sales) {
		t.Errorf("preselected %q, want the position chosen", v)
	}
	if action, _ := doc.Find("[data-testid=add-application]").Attr("action"); action != fmt.Sprintf("/admin/candidates/%d/applications", farid) {
		t.Errorf("add form posts to %q", action)
	}
	for tb, n := range app.rowCounts("candidates", "applications", "outbox_messages") {
		if before[tb] != n {
			t.Errorf("%s %d → %d", tb, before[tb], n)
		}
	}

	// The panel's form adds the application and opens the candidate's page.
	add := formOf(t, res, "[data-testid=add-application]")
	if add.Get("from") != "new" || add.Get("name") != "Farid H." {
		t.Errorf("the add form does not carry the input: %v", add)
	}
	res = r.post(fmt.Sprintf("/admin/candidates/%d/applications", farid), add)
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/admin/candidates/%d", farid) {
		t.Fatalf("add: %d → %q %s", res.Status, res.Location, res.text(t))
	}
	if n := app.countRows("applications", "candidate_id = ? AND position_id = ? AND stage = 'interview_completed' AND status = 'active'", farid, sales); n != 1 {
		t.Errorf("%d new applications", n)
	}
	if n := app.countRows("outbox_messages", "candidate_id = ? AND kind = 'candidate_invitation' AND subject LIKE '%Account Executive%'", farid); n != 1 {
		t.Errorf("%d invitations", n)
	}
	if n := app.countRows("candidates", ""); n != before["candidates"] {
		t.Errorf("a second candidate was created")
	}
	page := r.get(res.Location)
	if got := page.Doc(t).Find("[data-testid=flash]").Text(); !strings.Contains(got, "An application for Account Executive was added for Farid Haddad") {
		t.Errorf("flash %q", got)
	}

	// Again, from the same page: refused with the reason, on that page, input kept.
	res = r.post(fmt.Sprintf("/admin/candidates/%d/applications", farid), add)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.text(t), "Farid Haddad already has an application for Account Executive.") {
		t.Fatalf("twice: %d %q", res.Status, res.text(t))
	}
	doc = res.Doc(t)
	if v, _ := doc.Find(`form[action="/admin/candidates"] input[name=name]`).Attr("value"); v != "Farid H." {
		t.Errorf("name kept as %q", v)
	}
	if got := strings.Join(optionTitles(doc, "#add_position_id"), ", "); got != "Warehouse Operations Lead" {
		t.Errorf("positions offered now %q", got)
	}
	if v, _ := doc.Find("#add_position_id").Attr("aria-invalid"); v != "true" {
		t.Errorf("the select is not marked invalid")
	}
}

func TestCandidatePageAddApplication(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(adminEmail)
	ben := app.candidateID("ben.okafor@example.com") // Account Executive
	warehouse := app.positionID("Warehouse Operations Lead")
	backend := app.positionID("Backend Engineer (Go)")
	page := r.get(fmt.Sprintf("/admin/candidates/%d", ben))
	doc := page.Doc(t)
	if got := strings.TrimSpace(doc.Find("[data-testid=add-application-section] h2").Text()); got != "Add an application for Ben Okafor" {
		t.Fatalf("section heading %q", got)
	}
	if got := strings.Join(optionTitles(doc, "#add_position_id"), ", "); got != "Backend Engineer (Go), Warehouse Operations Lead" {
		t.Errorf("offered %q", got)
	}
	// A closed position, and no position at all: 422 on the candidate page.
	if err := app.Store.DB().Exec("UPDATE positions SET status = 'closed' WHERE id = ?", warehouse).Error; err != nil {
		t.Fatal(err)
	}
	before := app.rowCounts("applications", "outbox_messages", "audit_log")
	for value, want := range map[string]string{
		fmt.Sprint(warehouse): "Warehouse Operations Lead is no longer open.",
		"":                    "Choose the position to add an application for.",
		"abc":                 "Choose the position to add an application for.",
		"999999":              "Choose the position they applied for.",
	} {
		res := r.post(fmt.Sprintf("/admin/candidates/%d/applications", ben), url.Values{"position_id": {value}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("position %q: %d", value, res.Status)
			continue
		}
		doc := res.Doc(t)
		if got := doc.Find("#add_position_id-error").Text(); got != want {
			t.Errorf("position %q: message %q, want %q", value, got, want)
		}
		if got := strings.TrimSpace(doc.Find("[data-testid=candidate-name]").Text()); got != "Ben Okafor" {
			t.Errorf("position %q: page %q, want Ben's", value, got)
		}
	}
	for tb, n := range app.rowCounts("applications", "outbox_messages", "audit_log") {
		if before[tb] != n {
			t.Errorf("%s %d → %d after refusals", tb, before[tb], n)
		}
	}
	res := r.post(fmt.Sprintf("/admin/candidates/%d/applications", ben), url.Values{"position_id": {fmt.Sprint(backend)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.Status, res.text(t))
	}
	if n := app.countRows("audit_log", "action = 'application.added' AND actor_id = ?", app.staffID(adminEmail)); n != 1 {
		t.Errorf("%d audit rows", n)
	}
	// Nothing left to add to: no section.
	if n := r.get(fmt.Sprintf("/admin/candidates/%d", ben)).Doc(t).Find("[data-testid=add-application-section]").Length(); n != 0 {
		t.Error("the section is still offered with no position left")
	}
	if res := r.post("/admin/candidates/999999/applications", url.Values{"position_id": {fmt.Sprint(backend)}}); res.Status != http.StatusNotFound {
		t.Errorf("unknown candidate: %d", res.Status)
	}
}

func TestAddApplicationRoles(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	farid := app.candidateID("farid.haddad@example.com") // Backend Engineer: no manager
	backend := app.positionID("Backend Engineer (Go)")
	sales := app.positionID("Account Executive") // Hugo manages it
	ben := app.candidateID("ben.okafor@example.com")

	// The hiring manager learns that Farid exists, not where he applied.
	m := app.newClient()
	m.loginStaff(managerEmail)
	res := m.post("/admin/candidates", url.Values{"name": {"Farid"}, "email": {"farid.haddad@example.com"}, "position_id": {fmt.Sprint(sales)}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("manager, known email: %d", res.Status)
	}
	panel := res.Doc(t).Find("[data-testid=existing-candidate]")
	if panel.Length() != 1 || strings.Contains(panel.Text(), "Backend Engineer") || !strings.Contains(panel.Text(), "1 application for positions you do not manage.") {
		t.Errorf("manager's panel %q", strings.Join(strings.Fields(panel.Text()), " "))
	}
	// Someone else's position is refused; their own works.
	if res := m.post(fmt.Sprintf("/admin/candidates/%d/applications", ben), url.Values{"position_id": {fmt.Sprint(backend)}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.text(t), "You can only add candidates to your own positions.") {
		t.Errorf("manager, other position: %d", res.Status)
	}
	if res := m.post(fmt.Sprintf("/admin/candidates/%d/applications", farid), url.Values{"position_id": {fmt.Sprint(sales)}}); res.Status != http.StatusSeeOther {
		t.Errorf("manager, own position: %d %s", res.Status, res.text(t))
	}
	// Interviewers add nothing.
	iv := app.newClient()
	iv.loginStaff(interviewerEmail)
	before := app.countRows("applications", "")
	if res := iv.post(fmt.Sprintf("/admin/candidates/%d/applications", ben), url.Values{"position_id": {fmt.Sprint(backend)}}); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("interviewer: %d", res.Status)
	}
	if n := app.countRows("applications", ""); n != before {
		t.Errorf("applications %d → %d", before, n)
	}
}

// TestBrowserExistingCandidate: a recruiter types a known email on the new
// candidate form, is offered to add an application instead, adds it, and
// lands on the candidate's page with the new application.
func TestBrowserExistingCandidate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	farid := app.candidateID("farid.haddad@example.com")
	b := newBrowser(t)
	staffSignIn(t, b, app, recruiterEmail)
	open(t, b, app.URL+"/admin/candidates/new", "#email")
	fill(t, b, "name", "Farid Haddad")
	fill(t, b, "email", "farid.haddad@example.com")
	selectOption(t, b, "#position_id", "Warehouse Operations Lead")
	if status := submit(t, b, `form[action="/admin/candidates"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("known email: status %d", status)
	}
	if got := text(t, b, "[data-testid=existing-candidate] h2"); got != "Farid Haddad (farid.haddad@example.com) is already a candidate" {
		t.Fatalf("panel %q", got)
	}
	if got := fieldValue(t, b, "#name"); got != "Farid Haddad" {
		t.Errorf("name kept as %q", got)
	}
	if got := fieldValue(t, b, "#add_position_id"); got != fmt.Sprint(app.positionID("Warehouse Operations Lead")) {
		t.Errorf("position preselected %q", got)
	}
	screenshot(t, b, "existing-candidate.png")
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("the new-candidate page with the panel is %dpx wide on a 360px screen", sw)
	}
	screenshot(t, b, "existing-candidate-360.png")
	if status := submit(t, b, "[data-testid=add-application] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("add: status %d", status)
	}
	if got := path(t, b); got != fmt.Sprintf("/admin/candidates/%d", farid) {
		t.Fatalf("after adding the browser is on %s", got)
	}
	if got := text(t, b, "[data-testid=flash]"); !strings.Contains(got, "An application for Warehouse Operations Lead was added for Farid Haddad") {
		t.Errorf("flash %q", got)
	}
	titles := run(t, b, "application headings", chromedp.Evaluate[[]string](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=staff-application] h2"), function (h) { return h.textContent.trim(); })`))
	if strings.Join(titles, ", ") != "Backend Engineer (Go), Warehouse Operations Lead" && strings.Join(titles, ", ") != "Warehouse Operations Lead, Backend Engineer (Go)" {
		t.Errorf("applications on the page: %v", titles)
	}
	var stage string
	mustDB(t, app.Store.DB().WithContext(context.Background()).Raw(`SELECT a.stage FROM applications a JOIN positions p ON p.id = a.position_id
		WHERE a.candidate_id = ? AND p.title = 'Warehouse Operations Lead'`, farid).Scan(&stage))
	if stage != "interview_completed" {
		t.Errorf("new application at %q, want the first stage", stage)
	}
	// The one position left is still offered on the page.
	if got := run(t, b, "offered", chromedp.Evaluate[[]string](`Array.prototype.map.call(
		document.querySelectorAll("#add_position_id option[value]:not([value=''])"), function (o) { return o.textContent.trim(); })`)); strings.Join(got, ", ") != "Account Executive" {
		t.Errorf("still offered %v", got)
	}
}
