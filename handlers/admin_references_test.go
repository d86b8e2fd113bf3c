package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nextstep/models"
)

const (
	refLiamEmail   = "liam.obrien@example.com"   // Warehouse Operations Lead, at reference checks; Hugo manages it
	refHenrikEmail = "henrik.larsen@example.com" // Backend Engineer: no hiring manager, out of Hugo's scope
	refOpsTitle    = "Warehouse Operations Lead"
)

// refStaffDemo is Liam's application with three referees asked through the
// store: Rita (a manager writing from free mail, who answered within
// seconds: two signals) and Sam answered, Tom declined.
type refStaffDemo struct {
	app                 *testApp
	appID, candID       int64
	rita, sam, tom      int64
	recruiter, liamUser models.Actor
}

var refTokenPattern = regexp.MustCompile(`/references/([A-Za-z0-9_-]+)`)

// refToken is the newest link token emailed to a referee, from the stored
// (unredacted) message, as the referee's mailbox would have it.
func refToken(t *testing.T, app *testApp, refereeID int64) string {
	t.Helper()
	var body string
	mustDB(t, app.Store.DB().Raw("SELECT body FROM outbox_messages WHERE referee_id = ? ORDER BY id DESC LIMIT 1", refereeID).Scan(&body))
	m := refTokenPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the message to referee %d", refereeID)
	}
	return m[1]
}

func newRefStaffDemo(t *testing.T) refStaffDemo {
	t.Helper()
	return seedRefStaffDemo(t, newTestApp(t))
}

// seedRefStaffDemo gives Liam's application in app its three referees
// (see refStaffDemo). The clock moves on 10 minutes.
func seedRefStaffDemo(t *testing.T, app *testApp) refStaffDemo {
	t.Helper()
	ctx := context.Background()
	d := refStaffDemo{app: app, appID: app.applicationID(refLiamEmail), candID: app.candidateID(refLiamEmail)}
	d.recruiter = models.Actor{Kind: "staff", ID: app.staffID(recruiterEmail), Email: recruiterEmail, Role: models.RoleRecruiter}
	d.liamUser = models.Actor{Kind: "candidate", ID: d.candID}
	add := func(name, email string, rel models.Relationship) int64 {
		id, err := app.Store.AddReferee(ctx, d.liamUser, d.appID, models.RefereeInput{Name: name, Email: email, Company: "Northwind Logistics",
			Relationship: rel, WorkedFrom: "2021-02", WorkedTo: "2024-06", MayContactNow: true, ConfirmedAgreed: true})
		if err != nil {
			t.Fatalf("adding %s: %v", name, err)
		}
		return id
	}
	d.rita = add("Rita Reyes", "rita.reyes@gmail.com", models.RelManager)
	d.sam = add("Sam Stone", "sam@northwind.example", models.RelColleague)
	d.tom = add("Tom Tran", "tom@northwind.example", models.RelColleague)
	if n, err := app.Store.SendReferenceRequests(ctx, d.recruiter, d.appID, nil); err != nil || n != 3 {
		t.Fatalf("sending the requests: %d, %v", n, err)
	}
	answer := func(id int64, quality, teamwork, again, ip string) {
		token := refToken(t, app, id)
		if _, err := app.Store.RefereeForm(ctx, token, ip, "Firefox"); err != nil {
			t.Fatal(err)
		}
		if err := app.Store.AnswerReference(ctx, token, models.RefereeAnswers{ConfirmsRelationship: true, ConfirmsPeriod: true,
			Answers: []string{"Three years on the same warehouse floor.", quality, teamwork, again, ""}}, ip, "Firefox"); err != nil {
			t.Fatal(err)
		}
	}
	answer(d.rita, "5", "4", "yes", "198.51.100.10") // at once: a quick answer
	app.Clock.Advance(5 * time.Minute)
	if _, err := app.Store.RefereeForm(ctx, refToken(t, app, d.sam), "198.51.100.11", "Firefox"); err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(5 * time.Minute)
	answer(d.sam, "3", "3", "no", "198.51.100.11")
	if err := app.Store.DeclineReference(ctx, refToken(t, app, d.tom), "I never managed Liam.", "198.51.100.12", "Safari"); err != nil {
		t.Fatal(err)
	}
	return d
}

func (d refStaffDemo) page() string { return fmt.Sprintf("/admin/applications/%d/references", d.appID) }

// TestStaffReferencesPage: staff read the answers, the sums and the signals
// with their evidence, as warnings; the candidate page and the review link
// to them and show the sums.
func TestStaffReferencesPage(t *testing.T) {
	t.Parallel()
	d := newRefStaffDemo(t)
	for _, who := range []string{recruiterEmail, managerEmail, adminEmail} {
		staff := d.app.newClient()
		staff.loginStaff(who)
		res := staff.get(d.page())
		if res.Status != http.StatusOK {
			t.Fatalf("%s: status %d", who, res.Status)
		}
		doc := res.Doc(t)
		if got := doc.Find("[data-testid=referee]").Length(); got != 3 {
			t.Errorf("%s sees %d referees, want 3", who, got)
		}
		if got := strings.TrimSpace(doc.Find("[data-testid=references-average]").Text()); got != "3.8 / 5" {
			t.Errorf("%s: average %q, want 3.8 / 5 (5, 4, 3, 3)", who, got)
		}
		rita := doc.Find("#referee-" + fmt.Sprint(d.rita))
		if !strings.Contains(rita.Find("[data-testid=referee-answers]").Text(), "Three years on the same warehouse floor.") ||
			!strings.Contains(rita.Find("[data-testid=referee-answers]").Text(), "5 / 5") {
			t.Errorf("%s: Rita's answers: %q", who, rita.Find("[data-testid=referee-answers]").Text())
		}
		signals := rita.Find(".signal-callout[data-testid=referee-signal]")
		if signals.Length() != 2 || !strings.Contains(signals.Text(), "personal email address (gmail.com)") ||
			!strings.Contains(signals.Text(), "after first opening the form") {
			t.Errorf("%s: Rita's signals: %d %q", who, signals.Length(), signals.Text())
		}
		if rita.Find(".error-summary, .field-error").Length() != 0 {
			t.Errorf("%s: a signal is styled as an error", who)
		}
		if doc.Find("#referee-"+fmt.Sprint(d.sam)+" [data-testid=referee-signal]").Length() != 0 {
			t.Errorf("%s: Sam has signals", who)
		}
		if !strings.Contains(doc.Find("[data-testid=signals-note]").Text(), "never a finding") {
			t.Errorf("%s: no note that signals are not findings", who)
		}
		tom := doc.Find("#referee-" + fmt.Sprint(d.tom))
		if !strings.Contains(tom.Find("[data-testid=referee-decline]").Text(), "I never managed Liam.") ||
			strings.TrimSpace(tom.Find("[data-testid=referee-status]").Text()) != "Declined" {
			t.Errorf("%s: Tom's decline: %q", who, tom.Text())
		}
		var rehire string
		doc.Find("[data-testid=question-summary]").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), "Would you hire or work with them again?") {
				rehire = strings.Join(strings.Fields(s.Find("td").Text()), " ")
			}
		})
		if rehire != "yes 1, no 1, unsure 0" {
			t.Errorf("%s: would hire again %q, want yes 1, no 1, unsure 0", who, rehire)
		}
	}

	recruiter := d.app.newClient()
	recruiter.loginStaff(recruiterEmail)
	cand := recruiter.get(fmt.Sprintf("/admin/candidates/%d", d.candID)).Doc(t)
	if href, _ := cand.Find("[data-testid=app-references-link]").Attr("href"); href != d.page() {
		t.Errorf("the candidate page links to %q, want %s", href, d.page())
	}
	// The candidate page says where the references stand, in the statement it already runs.
	if got := strings.Join(strings.Fields(cand.Find("[data-testid=app-references]").Text()), " "); !strings.Contains(got, "3 named, 3 asked, 2 answered, 1 declined; average rating 3.8 / 5") {
		t.Errorf("the candidate page's references read %q", got)
	}
	review := recruiter.get(fmt.Sprintf("/admin/positions/%d/review", d.app.positionID(refOpsTitle))).Doc(t)
	var cell string
	review.Find("[data-testid=review-row]").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find("th").Text(), "Liam") {
			cell = strings.Join(strings.Fields(s.Find("[data-testid=review-references]").Text()), " ")
		}
	})
	if !strings.Contains(cell, "average 3.8 / 5") || !strings.Contains(cell, "would hire again: yes 1, no 1, unsure 0") {
		t.Errorf("the review's references for Liam: %q", cell)
	}
}

// TestStaffReferenceActions: add, send and remind work after a redirect
// with a flash; a bad add or a refused remind shows the page again with the
// refusal, the input kept and nothing saved.
func TestStaffReferenceActions(t *testing.T) {
	t.Parallel()
	d := newRefStaffDemo(t)
	staff := d.app.newClient()
	staff.loginStaff(managerEmail) // Hugo manages Liam's position
	count := func() (n int64) {
		mustDB(t, d.app.Store.DB().Raw("SELECT count(*) FROM referees WHERE application_id = ?", d.appID).Scan(&n))
		return n
	}

	// A bad add: the field errors, the input kept, nothing saved.
	res := staff.post(d.page(), url.Values{"name": {"  "}, "email": {"uma@northwind.example"}, "company": {"Northwind"},
		"relationship": {"manager"}, "worked_from": {"2021-13"}, "may_contact": {"after_offer"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad add: status %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	for _, f := range []string{"name", "worked_from"} {
		if doc.Find("#"+f+"-error").Length() != 1 || doc.Find("#"+f+"[aria-invalid=true]").Length() != 1 {
			t.Errorf("bad add: no error at %s", f)
		}
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "uma@northwind.example" {
		t.Errorf("bad add: email kept as %q", v)
	}
	if v, _ := doc.Find("#worked_from").Attr("value"); v != "2021-13" {
		t.Errorf("bad add: month kept as %q", v)
	}
	if doc.Find("input[name=may_contact][value=after_offer][checked]").Length() != 1 {
		t.Error("bad add: 'only after an offer' not kept")
	}
	if n := count(); n != 3 {
		t.Fatalf("bad add saved something: %d referees", n)
	}

	// A good add, then its request.
	res = staff.post(d.page(), url.Values{"name": {"Uma Umber"}, "email": {"uma@northwind.example"}, "company": {"Northwind"},
		"relationship": {"manager"}, "worked_from": {"2020-01"}, "worked_to": {"2023-05"}, "may_contact": {"now"}})
	if res.Status != http.StatusSeeOther || res.Location != d.page() {
		t.Fatalf("add: %d → %q", res.Status, res.Location)
	}
	var uma int64
	var addedBy *int64
	mustDB(t, d.app.Store.DB().Raw("SELECT id FROM referees WHERE email = 'uma@northwind.example'").Scan(&uma))
	mustDB(t, d.app.Store.DB().Raw("SELECT added_by_staff_id FROM referees WHERE id = ?", uma).Scan(&addedBy))
	if uma == 0 || addedBy == nil || *addedBy != d.app.staffID(managerEmail) {
		t.Fatalf("Uma: id %d, added by %v", uma, addedBy)
	}
	if flash := staff.get(d.page()).Doc(t).Find("[data-testid=flash]").Text(); !strings.Contains(flash, "Uma Umber is added") {
		t.Errorf("flash after adding: %q", flash)
	}
	res = staff.post(d.page()+"/send", url.Values{"referee_id": {fmt.Sprint(uma)}})
	if res.Status != http.StatusSeeOther || res.Location != d.page() {
		t.Fatalf("send: %d → %q", res.Status, res.Location)
	}
	var status string
	var msgs int64
	mustDB(t, d.app.Store.DB().Raw("SELECT status FROM referees WHERE id = ?", uma).Scan(&status))
	mustDB(t, d.app.Store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE referee_id = ? AND kind = 'reference_request'", uma).Scan(&msgs))
	if status != "requested" || msgs != 1 {
		t.Errorf("after sending: %s, %d requests", status, msgs)
	}
	// "Send all" with nobody left to ask: the refusal on the page.
	res = staff.post(d.page()+"/send", nil)
	if res.Status != http.StatusConflict || !strings.Contains(res.Doc(t).Find("[data-testid=error-summary]").Text(), "No referee is ready to be asked") {
		t.Errorf("send all with nobody to ask: %d %.200q", res.Status, res.Doc(t).Find("[data-testid=error-summary]").Text())
	}

	// Remind: refused within a day of the request, shown on the page; after a day it goes.
	remind := fmt.Sprintf("/admin/referees/%d/remind", uma)
	form := url.Values{"application_id": {fmt.Sprint(d.appID)}}
	res = staff.post(remind, form)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "less than a day ago") {
		t.Errorf("an early reminder: status %d", res.Status)
	}
	d.app.Clock.Advance(25 * time.Hour)
	staff = d.app.newClient() // the session ended while the day passed
	staff.loginStaff(managerEmail)
	res = staff.post(remind, form)
	if res.Status != http.StatusSeeOther || res.Location != d.page() {
		t.Fatalf("remind: %d → %q", res.Status, res.Location)
	}
	var reminders int
	mustDB(t, d.app.Store.DB().Raw("SELECT reminders FROM referees WHERE id = ?", uma).Scan(&reminders))
	mustDB(t, d.app.Store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE referee_id = ? AND kind = 'reference_reminder'", uma).Scan(&msgs))
	if reminders != 1 || msgs != 1 {
		t.Errorf("after reminding: %d reminders, %d reminder messages", reminders, msgs)
	}
	// The outbox copy the page links to never shows the referee's link.
	if strings.Contains(staff.get(d.page()).Body, "/references/") {
		t.Error("the staff page shows a referee's link")
	}
}

// TestStaffReferenceSetup: managers set how many referees a position asks
// for, admins its questions; a hiring manager reads their own position's.
func TestStaffReferenceSetup(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	pos := app.positionID(refOpsTitle)
	page := fmt.Sprintf("/admin/positions/%d/references", pos)
	admin := app.newClient()
	admin.loginStaff(adminEmail)

	if href, _ := admin.get(fmt.Sprintf("/admin/positions/%d/edit", pos)).Doc(t).Find("[data-testid=position-references-link]").Attr("href"); href != page {
		t.Errorf("the position's edit page links to %q, want %s", href, page)
	}
	res := admin.post(page+"/settings", url.Values{"references_needed": {"7"}, "manager_required": {"1"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Ask for between 0 and 5 referees.") {
		t.Fatalf("7 referees: status %d", res.Status)
	}
	if v, _ := res.Doc(t).Find("#references_needed").Attr("value"); v != "7" {
		t.Errorf("the refused number is kept as %q", v)
	}
	if res := admin.post(page+"/settings", url.Values{"references_needed": {"3"}, "manager_required": {"1"}}); res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("settings: %d → %q", res.Status, res.Location)
	}
	var needed int
	var managerRequired bool
	if err := app.Store.DB().Raw("SELECT references_needed, reference_manager_required FROM positions WHERE id = ?", pos).Row().Scan(&needed, &managerRequired); err != nil {
		t.Fatal(err)
	}
	if needed != 3 || !managerRequired {
		t.Errorf("stored %d, %v", needed, managerRequired)
	}

	// The questionnaire: change the first, drop the second (empty prompt), add one in a blank row.
	doc := admin.get(page).Doc(t)
	rows := doc.Find("[data-testid=question-row]").Length()
	if rows != len(models.DefaultReferenceQuestions())+3 {
		t.Errorf("%d rows in the editor, want the 5 default questions and 3 blank", rows)
	}
	form := url.Values{}
	for i, q := range models.DefaultReferenceQuestions() {
		form.Set(fmt.Sprintf("kind_%d", i), string(q.Kind))
		form.Set(fmt.Sprintf("prompt_%d", i), q.Prompt)
	}
	form.Set("prompt_0", "How did you work with them?")
	form.Set("prompt_1", "")
	form.Set("kind_6", "yes_no_unsure")
	form.Set("prompt_6", "Were they reliable?")
	if res := admin.post(page+"/questions", form); res.Status != http.StatusSeeOther {
		t.Fatalf("questions: status %d %.300s", res.Status, res.Body)
	}
	var prompts []string
	mustDB(t, app.Store.DB().Raw("SELECT prompt FROM reference_questions WHERE position_id = ? ORDER BY sort_order", pos).Scan(&prompts))
	if len(prompts) != 5 || prompts[0] != "How did you work with them?" || prompts[4] != "Were they reliable?" {
		t.Errorf("stored questions: %q", prompts)
	}
	// A bad kind is refused at its row, the rows kept.
	form.Set("kind_6", "essay")
	res = admin.post(page+"/questions", form)
	if res.Status != http.StatusUnprocessableEntity || res.Doc(t).Find("#question_4-error").Length() != 1 {
		t.Errorf("a bad kind: status %d", res.Status)
	}
	if v, _ := res.Doc(t).Find("#question_4").Attr("value"); v != "Were they reliable?" {
		t.Errorf("the refused row kept as %q", v)
	}
	if res := admin.post(page+"/questions", url.Values{"defaults": {"1"}, "prompt_0": {"Ignored"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("defaults: status %d", res.Status)
	}
	var left []string
	mustDB(t, app.Store.DB().Raw("SELECT prompt FROM reference_questions WHERE position_id = ?", pos).Scan(&left))
	if len(left) != 0 {
		t.Errorf("after 'use the default questions': %q", left)
	}

	// Hugo reads his position's setup without forms; a recruiter may not edit the questions.
	hugo := app.newClient()
	hugo.loginStaff(managerEmail)
	res = hugo.get(page)
	if res.Status != http.StatusOK || res.Doc(t).Find("form[data-testid]").Length() != 0 || !strings.Contains(res.Body, "3 referees needed") {
		t.Errorf("Hugo's read-only setup: status %d", res.Status)
	}
	recruiter := app.newClient()
	recruiter.loginStaff(recruiterEmail)
	if res := recruiter.post(page+"/questions", url.Values{"kind_0": {"text"}, "prompt_0": {"Hi?"}}); res.Status != http.StatusForbidden {
		t.Errorf("a recruiter edits the questions: status %d", res.Status)
	}
}

// TestStaffReferencesOutOfScope: an interviewer and the hiring manager of
// other positions reach none of the new routes, and see nothing.
func TestStaffReferencesOutOfScope(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	henrikApp := app.applicationID(refHenrikEmail)
	admin := models.Actor{Kind: "staff", ID: app.staffID(adminEmail), Email: adminEmail, Role: models.RoleAdmin}
	ref, err := app.Store.StaffAddReferee(ctx, admin, henrikApp, models.RefereeInput{Name: "Hana Ho", Email: "hana@example.org",
		Relationship: models.RelColleague, WorkedFrom: "2020-01", MayContactNow: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.SendReferenceRequests(ctx, admin, henrikApp, nil); err != nil {
		t.Fatal(err)
	}
	app.Clock.Advance(48 * time.Hour)
	var engPos int64
	mustDB(t, app.Store.DB().Raw("SELECT position_id FROM applications WHERE id = ?", henrikApp).Scan(&engPos))
	appPage := fmt.Sprintf("/admin/applications/%d/references", henrikApp)
	posPage := fmt.Sprintf("/admin/positions/%d/references", engPos)
	add := url.Values{"name": {"Probe"}, "email": {"probe@example.org"}, "relationship": {"other"}, "worked_from": {"2020-01"}, "may_contact": {"now"}}
	for _, who := range []string{interviewerEmail, managerEmail} {
		c := app.newClient()
		c.loginStaff(who)
		for _, probe := range []struct {
			method, path string
			form         url.Values
		}{
			{http.MethodGet, appPage, nil},
			{http.MethodPost, appPage, add},
			{http.MethodPost, appPage, url.Values{"name": {""}}},
			{http.MethodPost, appPage + "/send", nil},
			{http.MethodPost, appPage + "/send", url.Values{"referee_id": {fmt.Sprint(ref)}}},
			{http.MethodPost, fmt.Sprintf("/admin/referees/%d/remind", ref), url.Values{"application_id": {fmt.Sprint(henrikApp)}}},
			{http.MethodGet, posPage, nil},
			{http.MethodPost, posPage + "/settings", url.Values{"references_needed": {"4"}}},
			{http.MethodPost, posPage + "/questions", url.Values{"kind_0": {"text"}, "prompt_0": {"Probe?"}}},
		} {
			var res response
			if probe.method == http.MethodGet {
				res = c.get(probe.path)
			} else {
				res = c.post(probe.path, probe.form)
			}
			// Hugo passes the role check and the store finds nothing (404); the
			// interviewer's role is refused before any lookup (403).
			want := http.StatusNotFound
			if who == interviewerEmail || strings.HasSuffix(probe.path, "/settings") || strings.HasSuffix(probe.path, "/questions") {
				want = http.StatusForbidden
			}
			if res.Status != want {
				t.Errorf("%s %s %s: status %d, want %d", who, probe.method, probe.path, res.Status, want)
			}
			for _, secret := range []string{"Henrik", "Hana Ho", "hana@example.org"} {
				if strings.Contains(res.Body, secret) {
					t.Errorf("%s %s %s leaks %q", who, probe.method, probe.path, secret)
				}
			}
		}
	}
	var referees, reminders int64
	if err := app.Store.DB().Raw("SELECT count(*), coalesce(sum(reminders), 0) FROM referees WHERE application_id = ?", henrikApp).Row().Scan(&referees, &reminders); err != nil {
		t.Fatal(err)
	}
	if referees != 1 || reminders != 0 {
		t.Errorf("the probes changed Henrik's referees: %d referees, %d reminders", referees, reminders)
	}
}

// axeReferences are the staff reference pages the accessibility run opens.
type axeReferences struct{ page, setup string }

func newAxeReferences(t *testing.T, app *testApp) axeReferences {
	t.Helper()
	d := seedRefStaffDemo(t, app)
	return axeReferences{page: d.page(), setup: fmt.Sprintf("/admin/positions/%d/references", app.positionID(refOpsTitle))}
}
