package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nextstep/models"
)

// ---- helpers shared by security_test.go and input_test.go ----

// countRows counts the rows of table, optionally narrowed by a WHERE clause.
func (a *testApp) countRows(table, where string, args ...any) int64 {
	a.t.Helper()
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int64
	if err := a.Store.DB().Raw(q, args...).Scan(&n).Error; err != nil {
		a.t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// applicationStage reads an application's current stage straight from the database.
func (a *testApp) applicationStage(appID int64) string {
	a.t.Helper()
	var stage string
	if err := a.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&stage).Error; err != nil || stage == "" {
		a.t.Fatalf("stage of application %d: %v", appID, err)
	}
	return stage
}

// staffID looks up a staff member by email.
func (a *testApp) staffID(email string) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT id FROM staff_users WHERE lower(email) = lower(?)", email).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("staff %s not found: %v", email, err)
	}
	return id
}

// positionID looks up a demo position by title.
func (a *testApp) positionID(title string) int64 {
	a.t.Helper()
	var id int64
	if err := a.Store.DB().Raw("SELECT id FROM positions WHERE title = ?", title).Scan(&id).Error; err != nil || id == 0 {
		a.t.Fatalf("position %s not found: %v", title, err)
	}
	return id
}

// cookie returns the current value of a cookie in the client's jar.
func (c *client) cookie(name string) string {
	c.app.t.Helper()
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	c.app.t.Fatalf("no %s cookie in the jar", name)
	return ""
}

// getWithCookie sends a GET carrying exactly one hand-set cookie, the way an
// attacker replaying a stolen cookie would.
func (c *client) getWithCookie(path, name, value string) response {
	c.app.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: name, Value: value})
	return c.do(req)
}

// text is the visible text of an HTML body with whitespace collapsed, so
// messages can be matched regardless of HTML escaping and line breaks.
func (r response) text(t *testing.T) string {
	t.Helper()
	return strings.Join(strings.Fields(r.Doc(t).Text()), " ")
}

func isStaffLoginRedirect(res response) bool {
	return res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/staff/login")
}

const sessionCookie = "nextstep_session"

// ---- 1. candidates are confined to their own data ----

func TestCandidateCannotSeeAnotherCandidatesApplication(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	a := app.newClient()
	a.loginCandidate("amelia.hart@example.com") // Account Executive
	own := app.applicationID("amelia.hart@example.com")
	other := app.applicationID("farid.haddad@example.com") // Backend Engineer (Go)

	if res := a.get(fmt.Sprintf("/me/applications/%d", own)); res.Status != http.StatusOK {
		t.Fatalf("own application: %d, want 200", res.Status)
	}
	res := a.get(fmt.Sprintf("/me/applications/%d", other))
	if res.Status != http.StatusNotFound {
		t.Fatalf("another candidate's application: %d, want 404", res.Status)
	}
	for _, leak := range []string{"Farid", "Haddad", "Backend Engineer"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("404 page leaks %q", leak)
		}
	}
}

func TestCandidateGetsNoAdminData(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	a := app.newClient()
	a.loginCandidate("amelia.hart@example.com")
	ben := app.candidateID("ben.okafor@example.com")
	benApp := app.applicationID("ben.okafor@example.com")
	recruiter := app.staffID(recruiterEmail)
	leaks := []string{"Ben Okafor", "Chloe Dubois", "Farid Haddad", "Rita Recruiter", recruiterEmail, "Backend Engineer"}

	gets := []string{
		"/admin", "/admin/account", "/admin/candidates", "/admin/candidates/new",
		fmt.Sprintf("/admin/candidates/%d", ben), "/admin/positions", "/admin/positions/new",
		"/admin/staff", "/admin/audit", "/admin/outbox",
	}
	for _, path := range gets {
		t.Run("GET "+path, func(t *testing.T) {
			res := a.get(path)
			if !isStaffLoginRedirect(res) && res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden {
				t.Fatalf("status %d location %q, want redirect to /staff/login or 401/403", res.Status, res.Location)
			}
			for _, leak := range leaks {
				if strings.Contains(res.Body, leak) {
					t.Errorf("response leaks %q", leak)
				}
			}
		})
	}

	notesBefore := app.countRows("candidate_notes", "")
	eventsBefore := app.countRows("stage_events", "")
	posts := []struct {
		path string
		form url.Values
	}{
		{fmt.Sprintf("/admin/candidates/%d/notes", ben), url.Values{"body": {"sneaky"}}},
		{fmt.Sprintf("/admin/applications/%d/move", benApp), url.Values{"to_stage": {"hired"}, "candidate_id": {fmt.Sprint(ben)}}},
		{fmt.Sprintf("/admin/applications/%d/status", benApp), url.Values{"status": {"rejected"}, "reason": {"because"}}},
		{"/admin/candidates", url.Values{"name": {"X"}, "email": {"x@example.com"}, "position_id": {"1"}}},
		{fmt.Sprintf("/admin/staff/%d", recruiter), url.Values{"role": {"admin"}, "active": {"true"}}},
	}
	for _, p := range posts {
		t.Run("POST "+p.path, func(t *testing.T) {
			res := a.post(p.path, p.form)
			if res.Status != http.StatusUnauthorized && res.Status != http.StatusForbidden && !isStaffLoginRedirect(res) {
				t.Fatalf("status %d location %q, want 401/403 or redirect to /staff/login", res.Status, res.Location)
			}
			for _, leak := range leaks {
				if strings.Contains(res.Body, leak) {
					t.Errorf("response leaks %q", leak)
				}
			}
		})
	}
	if n := app.countRows("candidate_notes", ""); n != notesBefore {
		t.Errorf("candidate_notes %d → %d", notesBefore, n)
	}
	if n := app.countRows("stage_events", ""); n != eventsBefore {
		t.Errorf("stage_events %d → %d", eventsBefore, n)
	}
	if role := app.countRows("staff_users", "id = ? AND role = 'recruiter'", recruiter); role != 1 {
		t.Errorf("recruiter's role changed by a candidate")
	}
}

// ---- 2. hiring managers see only their own positions' candidates ----

func TestHiringManagerSeesOnlyOwnCandidates(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	m := app.newClient()
	m.loginStaff(managerEmail)

	res := m.get("/admin/candidates")
	if res.Status != http.StatusOK {
		t.Fatalf("manager's candidate list: %d", res.Status)
	}
	doc := res.Doc(t)
	rows := doc.Find("[data-testid=candidates-table] tbody tr")
	want := app.sqlCount(`SELECT count(*) FROM applications a JOIN positions p ON p.id = a.position_id
		JOIN staff_users u ON u.id = p.hiring_manager_id WHERE u.email = ?`, managerEmail)
	if int64(rows.Length()) != want || want < 10 { // Account Executive and Warehouse Operations Lead
		t.Errorf("manager sees %d rows, want their %d", rows.Length(), want)
	}
	titles := map[string]int{}
	rows.Find("td[data-label=Position]").Each(func(_ int, s *goquery.Selection) {
		titles[strings.TrimSpace(s.Text())]++
	})
	if titles["Backend Engineer (Go)"] != 0 {
		t.Errorf("manager sees %d Backend Engineer rows", titles["Backend Engineer (Go)"])
	}
	if titles["Account Executive"] == 0 || titles["Warehouse Operations Lead"] == 0 {
		t.Errorf("manager's own positions missing from the list: %v", titles)
	}
	for _, name := range []string{"Farid Haddad", "Grace Liu", "Henrik Larsen", "Isabel Moreno", "Jonas Weber", "Backend Engineer"} {
		if strings.Contains(res.Body, name) {
			t.Errorf("candidate list page mentions %q", name)
		}
	}
	// Filtering by the foreign position's id must not open it up either.
	eng := app.positionID("Backend Engineer (Go)")
	if res := m.get(fmt.Sprintf("/admin/candidates?position=%d", eng)); strings.Contains(res.Body, "Farid Haddad") {
		t.Errorf("filtering by the engineering position shows its candidates")
	}

	farid := app.candidateID("farid.haddad@example.com")
	faridApp := app.applicationID("farid.haddad@example.com")
	res = m.get(fmt.Sprintf("/admin/candidates/%d", farid))
	if res.Status != http.StatusNotFound {
		t.Errorf("manager opening engineering candidate: %d, want 404", res.Status)
	}
	if strings.Contains(res.Body, "Farid") {
		t.Errorf("404 page leaks the candidate's name")
	}

	before := app.applicationStage(faridApp)
	eventsBefore := app.countRows("stage_events", "application_id = ?", faridApp)
	res = m.post(fmt.Sprintf("/admin/applications/%d/move", faridApp),
		url.Values{"to_stage": {"hr_round"}, "candidate_id": {fmt.Sprint(farid)}})
	if res.Status != http.StatusNotFound {
		t.Errorf("manager moving engineering application: %d, want 404", res.Status)
	}
	res = m.post(fmt.Sprintf("/admin/applications/%d/status", faridApp),
		url.Values{"status": {"rejected"}, "reason": {"not my call"}, "candidate_id": {fmt.Sprint(farid)}})
	if res.Status != http.StatusNotFound {
		t.Errorf("manager rejecting engineering application: %d, want 404", res.Status)
	}
	res = m.post(fmt.Sprintf("/admin/candidates/%d/notes", farid), url.Values{"body": {"peek"}})
	if res.Status != http.StatusNotFound {
		t.Errorf("manager noting on engineering candidate: %d, want 404", res.Status)
	}
	if after := app.applicationStage(faridApp); after != before {
		t.Errorf("stage changed from %s to %s", before, after)
	}
	var status string
	mustDB(t, app.Store.DB().Raw("SELECT status FROM applications WHERE id = ?", faridApp).Scan(&status))
	if status != "active" {
		t.Errorf("status changed to %q", status)
	}
	if n := app.countRows("stage_events", "application_id = ?", faridApp); n != eventsBefore {
		t.Errorf("stage_events for the application %d → %d", eventsBefore, n)
	}
	if n := app.countRows("candidate_notes", "candidate_id = ?", farid); n != 0 {
		t.Errorf("%d notes written on a foreign candidate", n)
	}
}

func TestSecondHiringManagerSeesNothing(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	_, err := app.Store.CreateStaff(context.Background(), models.SystemActor("test"), models.StaffInput{
		Email: "manager2@demo.nextstep.test", Name: "Second Manager", Role: models.RoleHiringManager, Password: models.DemoPassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	m2 := app.newClient()
	m2.loginStaff("manager2@demo.nextstep.test")

	res := m2.get("/admin/candidates")
	if res.Status != http.StatusOK {
		t.Fatalf("second manager's list: %d", res.Status)
	}
	if n := res.Doc(t).Find("[data-testid=candidates-table] tbody tr").Length(); n != 0 {
		t.Errorf("second manager sees %d rows, want 0", n)
	}
	if got := strings.TrimSpace(res.Doc(t).Find("[data-testid=result-count]").Text()); !strings.HasPrefix(got, "0 ") && !strings.HasPrefix(got, "No ") {
		t.Errorf("result count %q, want zero", got)
	}
	ben := app.candidateID("ben.okafor@example.com")
	res = m2.get(fmt.Sprintf("/admin/candidates/%d", ben))
	if res.Status != http.StatusNotFound {
		t.Errorf("second manager opening Ben: %d, want 404", res.Status)
	}
	if strings.Contains(res.Body, "Okafor") {
		t.Errorf("404 page leaks the candidate's name")
	}
	benApp := app.applicationID("ben.okafor@example.com")
	before := app.applicationStage(benApp)
	res = m2.post(fmt.Sprintf("/admin/applications/%d/move", benApp), url.Values{"to_stage": {"hr_round"}, "candidate_id": {fmt.Sprint(ben)}})
	if res.Status != http.StatusNotFound {
		t.Errorf("second manager moving Ben: %d, want 404", res.Status)
	}
	if after := app.applicationStage(benApp); after != before {
		t.Errorf("stage changed from %s to %s", before, after)
	}
}

func TestInterviewerAndManagerRoleLimits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(interviewerEmail)
	res := c.get("/admin/candidates")
	if res.Status != http.StatusForbidden {
		t.Fatalf("interviewer on /admin/candidates: %d, want 403", res.Status)
	}
	if strings.Contains(res.Body, "Ben Okafor") || strings.Contains(res.Body, "Amelia Hart") {
		t.Errorf("403 page leaks candidate names")
	}
	ben := app.candidateID("ben.okafor@example.com")
	if res := c.get(fmt.Sprintf("/admin/candidates/%d", ben)); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("interviewer on a candidate page: %d, want 403/404", res.Status)
	}
	// Role checks at the route level, not only in the store.
	for _, p := range []string{"/admin/positions/new", "/admin/staff", "/admin/audit", "/admin/outbox"} {
		if res := c.get(p); res.Status != http.StatusForbidden {
			t.Errorf("interviewer on %s: %d, want 403", p, res.Status)
		}
	}
	m := app.newClient()
	m.loginStaff(managerEmail)
	for _, p := range []string{"/admin/positions/new", "/admin/staff", "/admin/audit", "/admin/outbox"} {
		if res := m.get(p); res.Status != http.StatusForbidden {
			t.Errorf("hiring manager on %s: %d, want 403", p, res.Status)
		}
	}
}

// ---- 3. CSRF ----

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	ben := app.candidateID("ben.okafor@example.com")
	path := fmt.Sprintf("/admin/candidates/%d/notes", ben)
	notesBefore := app.countRows("candidate_notes", "")

	cases := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"body": {"forged note"}}},
		{"empty token", url.Values{"body": {"forged note"}, "_csrf": {""}}},
		{"wrong token", url.Values{"body": {"forged note"}, "_csrf": {"not-the-token"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := r.postRaw(path, tc.form)
			if res.Status != http.StatusForbidden {
				t.Fatalf("status %d, want 403", res.Status)
			}
			if n := app.countRows("candidate_notes", ""); n != notesBefore {
				t.Fatalf("candidate_notes %d → %d", notesBefore, n)
			}
		})
	}

	// The same request with the token goes through, so the 403 above was the token.
	if res := r.post(path, url.Values{"body": {"genuine note"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("note with token: %d, want 303", res.Status)
	}
	if n := app.countRows("candidate_notes", ""); n != notesBefore+1 {
		t.Fatalf("candidate_notes %d → %d after a valid post, want +1", notesBefore, n)
	}
}

func TestAnonymousPostWithoutCSRFTokenIsRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	outboxBefore := app.countRows("outbox_messages", "")
	tokensBefore := app.countRows("login_tokens", "")
	res := c.postRaw("/signin", url.Values{"email": {"ben.okafor@example.com"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("anonymous /signin without token: %d, want 403", res.Status)
	}
	res = c.postRaw("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("anonymous /staff/login without token: %d, want 403", res.Status)
	}
	if _, ok := c.jarHas(sessionCookie); ok {
		if r := c.get("/admin/candidates"); !isStaffLoginRedirect(r) {
			t.Fatalf("staff login without CSRF token produced a session: %d", r.Status)
		}
	}
	if n := app.countRows("outbox_messages", ""); n != outboxBefore {
		t.Errorf("outbox_messages %d → %d", outboxBefore, n)
	}
	if n := app.countRows("login_tokens", ""); n != tokensBefore {
		t.Errorf("login_tokens %d → %d", tokensBefore, n)
	}
}

func (c *client) jarHas(name string) (string, bool) {
	u, _ := url.Parse(c.app.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value, true
		}
	}
	return "", false
}

// ---- 4. one-time sign-in links ----

func issuePath(t *testing.T, app *testApp, email string) string {
	t.Helper()
	link, err := app.Store.IssueSignInLink(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(link, app.URL)
}

func TestSignInLinkCannotBeReplayed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	path := issuePath(t, app, "ben.okafor@example.com")

	first := app.newClient()
	if res := first.post(path, nil); res.Status != http.StatusSeeOther || res.Location != "/me" {
		t.Fatalf("first use: %d → %q, want 303 → /me", res.Status, res.Location)
	}
	if res := first.get("/me"); res.Status != http.StatusOK {
		t.Fatalf("first client after sign-in: /me %d", res.Status)
	}

	replay := app.newClient()
	res := replay.post(path, nil)
	if res.Status != http.StatusGone {
		t.Fatalf("replayed link: %d → %q, want 410", res.Status, res.Location)
	}
	if res.Doc(t).Find("[data-testid=link-invalid]").Length() == 0 {
		t.Errorf("replay page does not say the link no longer works")
	}
	if res := replay.get("/me"); res.Status != http.StatusSeeOther || res.Location != "/signin" {
		t.Fatalf("replaying client on /me: %d → %q, want 303 → /signin", res.Status, res.Location)
	}
}

func TestExpiredSignInLinkFails(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	path := issuePath(t, app, "ben.okafor@example.com")
	app.Clock.Advance(11 * time.Minute)
	c := app.newClient()
	if res := c.post(path, nil); res.Status != http.StatusGone {
		t.Fatalf("expired link: %d → %q, want 410", res.Status, res.Location)
	}
	if res := c.get("/me"); res.Status != http.StatusSeeOther || res.Location != "/signin" {
		t.Fatalf("/me after expired link: %d → %q, want 303 → /signin", res.Status, res.Location)
	}
}

func TestSignInLinkStillValidJustBeforeExpiry(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	path := issuePath(t, app, "ben.okafor@example.com")
	app.Clock.Advance(9 * time.Minute)
	if res := app.newClient().post(path, nil); res.Status != http.StatusSeeOther || res.Location != "/me" {
		t.Fatalf("9-minute-old link: %d → %q, want 303 → /me", res.Status, res.Location)
	}
}

func TestOpeningSignInLinkDoesNotConsumeIt(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	path := issuePath(t, app, "ben.okafor@example.com")
	scanner := app.newClient()
	for i := 0; i < 3; i++ {
		res := scanner.get(path)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %d on link: %d, want 200", i, res.Status)
		}
		if res.Doc(t).Find("[data-testid=link-invalid]").Length() != 0 {
			t.Fatalf("GET %d already shows the link as invalid", i)
		}
	}
	if n := app.countRows("login_tokens", "used_at IS NOT NULL"); n != 0 {
		t.Fatalf("%d tokens marked used after GETs only", n)
	}
	if res := scanner.get("/me"); res.Status != http.StatusSeeOther {
		t.Fatalf("GET on the link signed the visitor in: /me %d", res.Status)
	}
	person := app.newClient()
	if res := person.post(path, nil); res.Status != http.StatusSeeOther || res.Location != "/me" {
		t.Fatalf("POST after GETs: %d → %q, want 303 → /me", res.Status, res.Location)
	}
}

// ---- 5. logout ends the server-side session ----

func TestOldSessionCookieUselessAfterLogout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		login     func(c *client)
		protected string
		loginPage func(res response) bool
	}{
		{"staff", func(c *client) { c.loginStaff(recruiterEmail) }, "/admin/candidates", isStaffLoginRedirect},
		{"candidate", func(c *client) { c.loginCandidate("ben.okafor@example.com") }, "/me",
			func(res response) bool { return res.Status == http.StatusSeeOther && res.Location == "/signin" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			app := newTestApp(t)
			c := app.newClient()
			tc.login(c)
			if res := c.get(tc.protected); res.Status != http.StatusOK {
				t.Fatalf("%s after sign-in: %d", tc.protected, res.Status)
			}
			stolen := c.cookie(sessionCookie)
			// The copied cookie works from another client while the session lives.
			if res := app.newClient().getWithCookie(tc.protected, sessionCookie, stolen); res.Status != http.StatusOK {
				t.Fatalf("copied cookie before logout: %d, want 200", res.Status)
			}
			if res := c.post("/logout", nil); res.Status != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.Status)
			}
			if res := c.get(tc.protected); !tc.loginPage(res) {
				t.Fatalf("same client after logout: %d → %q", res.Status, res.Location)
			}
			res := app.newClient().getWithCookie(tc.protected, sessionCookie, stolen)
			if !tc.loginPage(res) {
				t.Fatalf("old cookie after logout: %d → %q, want a redirect to sign-in", res.Status, res.Location)
			}
		})
	}
}

// ---- 6. deactivation ends sessions ----

func TestDeactivatedStaffSessionEnds(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	rid := app.staffID(recruiterEmail)
	if res := r.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatalf("recruiter before deactivation: %d", res.Status)
	}
	if n := app.countRows("sessions", "staff_id = ?", rid); n == 0 {
		t.Fatalf("no session row for the signed-in recruiter")
	}

	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.post(fmt.Sprintf("/admin/staff/%d", rid), url.Values{"role": {"recruiter"}, "active": {"false"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("deactivating: %d %.300s", res.Status, res.Body)
	}
	if n := app.countRows("staff_users", "id = ? AND NOT active", rid); n != 1 {
		t.Fatalf("recruiter not deactivated in the database")
	}
	// Deactivation itself ends the sessions, before the recruiter comes back.
	if n := app.countRows("sessions", "staff_id = ?", rid); n != 0 {
		t.Errorf("%d session rows remain right after deactivation", n)
	}

	res = r.get("/admin/candidates")
	if !isStaffLoginRedirect(res) {
		t.Fatalf("deactivated recruiter's next request: %d → %q, want redirect to /staff/login", res.Status, res.Location)
	}
	if res := r.post(fmt.Sprintf("/admin/candidates/%d/notes", app.candidateID("ben.okafor@example.com")), url.Values{"body": {"late"}}); res.Status != http.StatusUnauthorized && !isStaffLoginRedirect(res) {
		t.Errorf("deactivated recruiter's POST: %d, want 401", res.Status)
	}
	if n := app.countRows("sessions", "staff_id = ?", rid); n != 0 {
		t.Errorf("%d session rows remain for the deactivated recruiter", n)
	}
	// Signing in again does not work either.
	res = app.newClient().post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res.Status == http.StatusSeeOther {
		t.Errorf("deactivated recruiter could sign in again: → %q", res.Location)
	}
	// The admin's own session is untouched.
	if res := admin.get("/admin/staff"); res.Status != http.StatusOK {
		t.Errorf("admin after deactivating someone: %d", res.Status)
	}
}

// A staff member deactivated some other way (straight in the database) is
// still signed out at their next request: the session check looks at the
// active flag on every request.
func TestStaffDeactivatedOutOfBandSessionEnds(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	r := app.newClient()
	r.loginStaff(recruiterEmail)
	rid := app.staffID(recruiterEmail)
	if res := r.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatalf("recruiter before deactivation: %d", res.Status)
	}
	if err := app.Store.DB().Exec("UPDATE staff_users SET active = false WHERE id = ?", rid).Error; err != nil {
		t.Fatal(err)
	}
	if n := app.countRows("sessions", "staff_id = ?", rid); n == 0 {
		t.Fatalf("session row already gone; this test needs it to exist")
	}
	if res := r.get("/admin/candidates"); !isStaffLoginRedirect(res) {
		t.Fatalf("next request: %d → %q, want redirect to /staff/login", res.Status, res.Location)
	}
	if n := app.countRows("sessions", "staff_id = ?", rid); n != 0 {
		t.Errorf("%d session rows remain after the next request", n)
	}
}

// ---- 9. staff login rate limiting ----

func TestStaffLoginRateLimit(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	for i := 1; i <= 5; i++ {
		res := c.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {"wrong-password-" + fmt.Sprint(i)}})
		if res.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i, res.Status)
		}
	}
	res := c.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res.Status != http.StatusTooManyRequests {
		t.Fatalf("correct password after 5 failures: %d → %q, want 429", res.Status, res.Location)
	}
	if msg := res.Doc(t).Find("[data-testid=login-error]").Text(); !strings.Contains(msg, "Too many") {
		t.Errorf("429 message %q lacks \"Too many\"", msg)
	}
	if res := c.get("/admin/candidates"); !isStaffLoginRedirect(res) {
		t.Fatalf("throttled login produced a session: %d", res.Status)
	}
	// Another account from the same address is not locked out by this one.
	other := app.newClient()
	if res := other.post("/staff/login", url.Values{"email": {adminEmail}, "password": {models.DemoPassword}}); res.Status != http.StatusSeeOther {
		t.Errorf("admin sign-in while recruiter is throttled: %d, want 303", res.Status)
	}
	// After the window the right password works again.
	app.Clock.Advance(models.LoginWindow + time.Minute)
	if res := app.newClient().post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}}); res.Status != http.StatusSeeOther {
		t.Errorf("sign-in after the window: %d, want 303", res.Status)
	}
}

func TestStaffLoginUnknownEmailAnswersLikeWrongPassword(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	wrong := app.newClient().post("/staff/login", url.Values{"email": {managerEmail}, "password": {"not-the-password"}})
	unknown := app.newClient().post("/staff/login", url.Values{"email": {"nobody@demo.nextstep.test"}, "password": {"not-the-password"}})
	if wrong.Status != http.StatusUnauthorized || unknown.Status != wrong.Status {
		t.Fatalf("wrong password %d, unknown email %d; want both 401", wrong.Status, unknown.Status)
	}
	wm := strings.TrimSpace(wrong.Doc(t).Find("[data-testid=login-error]").Text())
	um := strings.TrimSpace(unknown.Doc(t).Find("[data-testid=login-error]").Text())
	if wm == "" || wm != um {
		t.Fatalf("messages differ: wrong password %q, unknown email %q", wm, um)
	}
}

// ---- 10. candidate sign-in requests do not reveal who is known ----

func TestCandidateSignInRequestDoesNotRevealEmail(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	send := func(email string) (response, int64) {
		before := app.countRows("outbox_messages", "")
		res := app.newClient().post("/signin", url.Values{"email": {email}})
		return res, app.countRows("outbox_messages", "") - before
	}
	known, knownRows := send("ben.okafor@example.com")
	unknown, unknownRows := send("nobody.here@example.com")

	if known.Status != http.StatusSeeOther || known.Location != "/signin/sent" {
		t.Fatalf("known email: %d → %q, want 303 → /signin/sent", known.Status, known.Location)
	}
	if unknown.Status != known.Status || unknown.Location != known.Location || unknown.Body != known.Body {
		t.Fatalf("answers differ: known %d → %q (%q), unknown %d → %q (%q)",
			known.Status, known.Location, known.Body, unknown.Status, unknown.Location, unknown.Body)
	}
	if knownRows != 1 {
		t.Errorf("known email wrote %d outbox rows, want 1", knownRows)
	}
	if unknownRows != 0 {
		t.Errorf("unknown email wrote %d outbox rows, want 0", unknownRows)
	}
	if n := app.countRows("outbox_messages", "to_email = ? AND kind = 'candidate_sign_in'", "ben.okafor@example.com"); n != 1 {
		t.Errorf("no sign-in message addressed to the known candidate")
	}
	if n := app.countRows("outbox_messages", "to_email = ?", "nobody.here@example.com"); n != 0 {
		t.Errorf("a message was written to the unknown address")
	}
}

// ---- 11. security headers and health ----

func TestSecurityHeadersAndHealth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	pages := []string{"/signin", "/staff/login"}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			res := c.get(p)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d", p, res.Status)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if csp == "" {
				t.Fatal("no Content-Security-Policy")
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP allows unsafe sources: %q", csp)
			}
			if !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP lacks frame-ancestors 'none': %q", csp)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q", got)
			}
			if got := res.Header.Get("Referrer-Policy"); got != "same-origin" {
				t.Errorf("Referrer-Policy = %q", got)
			}
			// Inline scripts, if any, must carry the nonce the header allows.
			res.Doc(t).Find("script:not([src])").Each(func(_ int, s *goquery.Selection) {
				nonce, ok := s.Attr("nonce")
				if !ok || !strings.Contains(csp, "'nonce-"+nonce+"'") {
					t.Errorf("inline script without the CSP nonce")
				}
			})
		})
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if res := c.get(p); res.Status != http.StatusOK {
			t.Errorf("%s: %d, want 200", p, res.Status)
		}
	}
}
