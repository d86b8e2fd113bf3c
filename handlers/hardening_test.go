package handlers_test

// Tests for issue 8 ("nine defects found by trying to break the portal").
// Each failed before its fix.

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp/totp"

	"nextstep/handlers"
	"nextstep/models"
)

// 8.1: a request in flight when the user logs out must not bring the
// session back (it used to upsert the row).
func TestLogoutCannotBeUndoneByRequestsInFlight(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	for trial := range 12 { // a race: each trial catches a regression about 40 % of the time
		c := app.newClient()
		c.loginStaff(recruiterEmail)
		u, _ := url.Parse(app.URL)
		cookies := c.jar.Cookies(u)
		// Every request now refreshes last-seen, i.e. saves the session.
		app.Clock.Advance(2 * time.Minute)
		var wg sync.WaitGroup
		for range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest(http.MethodGet, app.URL+"/admin/candidates", nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				if res, err := http.DefaultTransport.RoundTrip(req); err == nil {
					res.Body.Close()
				}
			}()
		}
		if res := c.post("/logout", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.Status)
		}
		wg.Wait()
		// The old cookie, replayed, must find no session.
		req, _ := http.NewRequest(http.MethodGet, app.URL+"/admin/candidates", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/staff/login") {
			t.Fatalf("trial %d: the logged-out cookie still works (%d %s)", trial, res.StatusCode, res.Header.Get("Location"))
		}
	}
	var n int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM sessions WHERE staff_id = ?", app.staffID(recruiterEmail)).Scan(&n))
	if n != 0 {
		t.Fatalf("%d sessions of the recruiter survive logging out", n)
	}
}

// 8.5: the way back after a forgotten password is a sign-in link from an
// admin; that session may set a new password once without the current one.
func TestSignInLinkSessionMaySetANewPasswordOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	link, err := app.Store.IssueSignInLink(context.Background(), recruiterEmail)
	if err != nil {
		t.Fatal(err)
	}
	c := app.newClient()
	path := strings.TrimPrefix(link, app.URL)
	c.get(path)
	if res := c.post(path, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("consuming the link: %d", res.Status)
	}
	page := c.get("/admin/account")
	if page.Doc(t).Find("#current_password").Length() != 0 || !strings.Contains(page.Body, `data-testid="reset-note"`) {
		t.Fatal("the account page still asks for the forgotten password")
	}
	res := c.post("/admin/account/password", url.Values{"new_password": {"a-brand-new-password"}, "confirm_password": {"a-brand-new-password"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("setting a new password after a reset link: %d %.300s", res.Status, res.Body)
	}
	res = c.post("/admin/account/password", url.Values{"new_password": {"another-new-password"}, "confirm_password": {"another-new-password"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "current password is not correct") {
		t.Fatalf("a second change without the current password: %d", res.Status)
	}
	fresh := app.newClient()
	if res := fresh.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {"a-brand-new-password"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("signing in with the new password: %d", res.Status)
	}
}

// 8.6: changing the password ends every other session of the user.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	laptop, phone := app.newClient(), app.newClient()
	laptop.loginStaff(recruiterEmail)
	phone.loginStaff(recruiterEmail)
	res := laptop.post("/admin/account/password", url.Values{"current_password": {models.DemoPassword},
		"new_password": {"a-brand-new-password"}, "confirm_password": {"a-brand-new-password"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("changing the password: %d", res.Status)
	}
	if res := phone.get("/admin/candidates"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/staff/login") {
		t.Fatalf("the other session still works after a password change: %d", res.Status)
	}
	if res := laptop.get("/admin/candidates"); res.Status != http.StatusOK {
		t.Fatalf("the session that changed the password ended: %d", res.Status)
	}
}

// 8.7: a TOTP code is accepted once; turning TOTP off needs the password or a code.
func TestTOTPCodesCannotBeReplayed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	secret := strings.TrimSpace(c.get("/admin/account").Doc(t).Find("[data-testid=totp-secret]").Text())
	code, _ := totp.GenerateCode(secret, app.Clock.Now())
	if res := c.post("/admin/account/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enabling TOTP: %d", res.Status)
	}
	app.Clock.Advance(30 * time.Second)
	code, _ = totp.GenerateCode(secret, app.Clock.Now())
	first := app.newClient()
	first.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res := first.post("/staff/login/totp", url.Values{"code": {code}}); res.Status != http.StatusSeeOther {
		t.Fatalf("first use of the code: %d", res.Status)
	}
	replay := app.newClient()
	replay.post("/staff/login", url.Values{"email": {recruiterEmail}, "password": {models.DemoPassword}})
	if res := replay.post("/staff/login/totp", url.Values{"code": {code}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("the same code replayed: %d, want 401", res.Status)
	}
	// An older step than the last accepted is refused too.
	old, _ := totp.GenerateCode(secret, app.Clock.Now().Add(-30*time.Second))
	if res := replay.post("/staff/login/totp", url.Values{"code": {old}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("an earlier code: %d, want 401", res.Status)
	}

	if res := first.post("/admin/account/totp/disable", nil); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("turning TOTP off without proof: %d", res.Status)
	}
	if res := first.post("/admin/account/totp/disable", url.Values{"proof": {"not-my-password"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("turning TOTP off with a wrong password: %d", res.Status)
	}
	if res := first.post("/admin/account/totp/disable", url.Values{"proof": {models.DemoPassword}}); res.Status != http.StatusSeeOther {
		t.Fatalf("turning TOTP off with the password: %d", res.Status)
	}
}

// 8.8: browsers send textarea line breaks as CRLF; they are stored as LF. A
// line break or control character in a one-line field is refused.
func TestFormLineBreaksAreNormalisedAndControlsRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	day := app.assessmentDayID(assessSalesDay1)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	form := staff.dayEditForm(day)
	form.Set("agenda", "09:00 Welcome\r\n10:00 Role play\r11:00 Lunch")
	if res := staff.post(fmt.Sprintf("/admin/assessment-days/%d", day), form); res.Status != http.StatusSeeOther {
		t.Fatalf("saving an agenda typed with CRLF: %d", res.Status)
	}
	var agenda string
	mustDB(t, app.Store.DB().Raw("SELECT agenda FROM assessment_days WHERE id = ?", day).Scan(&agenda))
	if agenda != "09:00 Welcome\n10:00 Role play\n11:00 Lunch" {
		t.Fatalf("stored agenda %q, want LF line breaks only", agenda)
	}
	for field, value := range map[string]string{"title": "Sales day\rX-INJECTED:1", "location_address": "HQ\nX-INJECTED:2", "agenda": "esc \x1b[31m red"} {
		f := staff.dayEditForm(day)
		f.Set(field, value)
		if res := staff.post(fmt.Sprintf("/admin/assessment-days/%d", day), f); res.Status != http.StatusBadRequest {
			t.Errorf("%s = %q: status %d, want 400", field, value, res.Status)
		}
	}
	var title string
	mustDB(t, app.Store.DB().Raw("SELECT title FROM assessment_days WHERE id = ?", day).Scan(&title))
	if strings.ContainsAny(title, "\r\n") {
		t.Fatalf("a title with a line break was stored: %q", title)
	}
}

// The list of multi-line fields in middleware.go must name every textarea.
func TestMultiLineFieldsMatchTheTextareas(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../views/*.templ")
	names := regexp.MustCompile(`<textarea[^>]*\bname="([a-z_]+)"|@textArea\([^,]+, "([a-z_]+)"`)
	found := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range names.FindAllStringSubmatch(string(b), -1) {
			name := m[1] + m[2]
			found++
			if !handlers.MultiLineField(name) {
				t.Errorf("%s: textarea %q is not in multiLineFields (line breaks in it would be refused)", filepath.Base(f), name)
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d textareas in the views; the pattern is out of date", found)
	}
}

// 8.9: multipart forms get the same checks as url-encoded ones: a NUL is a
// 400, not a database error.
func TestMultipartFormsAreCheckedToo(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginStaff(recruiterEmail)
	ben := app.candidateID("ben.okafor@example.com")
	for name, body := range map[string]string{"NUL": "note \x00 here", "invalid UTF-8": "note \xff\xfe", "escape": "note \x1b[2J"} {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", c.csrf())
		w.WriteField("body", body)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/admin/candidates/%d/notes", app.URL, ben), &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		if res := c.do(req); res.Status != http.StatusBadRequest {
			t.Errorf("multipart note with %s: status %d, want 400", name, res.Status)
		}
	}
	var notes int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM candidate_notes WHERE candidate_id = ?", ben).Scan(&notes))
	before := notes
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", c.csrf())
	w.WriteField("body", "A clean note\r\nover two lines")
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/admin/candidates/%d/notes", app.URL, ben), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if res := c.do(req); res.Status != http.StatusSeeOther {
		t.Fatalf("a clean multipart note: %d", res.Status)
	}
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM candidate_notes WHERE candidate_id = ?", ben).Scan(&notes))
	if notes != before+1 {
		t.Fatalf("notes %d → %d, want one more", before, notes)
	}
	var body string
	mustDB(t, app.Store.DB().Raw("SELECT body FROM candidate_notes WHERE candidate_id = ? ORDER BY id DESC LIMIT 1", ben).Scan(&body))
	if body != "A clean note\nover two lines" {
		t.Fatalf("stored multipart note %q, want its CRLF as LF", body)
	}
}

// A database outage answers 503 with a short page, not a 500.
func TestDatabaseOutageAnswers503(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.newClient()
	c.loginCandidate("ben.okafor@example.com")
	// The owner closes the database; the app's role ends its own connections.
	connect := func(dsn string) (*pgx.Conn, string) {
		t.Helper()
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		dbName := strings.TrimPrefix(u.Path, "/")
		u.Path = "/postgres"
		conn, err := pgx.Connect(context.Background(), u.String())
		if err != nil {
			t.Fatalf("connecting as %s: %v", u.User.Username(), err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		return conn, dbName
	}
	owner, dbName := connect(app.Owner)
	self, _ := connect(app.DSN)
	exec := func(conn *pgx.Conn, sql string) {
		t.Helper()
		if _, err := conn.Exec(context.Background(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(owner, `ALTER DATABASE "`+dbName+`" WITH ALLOW_CONNECTIONS false`)
	defer exec(owner, `ALTER DATABASE "`+dbName+`" WITH ALLOW_CONNECTIONS true`)
	exec(self, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '`+dbName+`' AND pid <> pg_backend_pid()`)

	res := c.get("/me")
	if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("GET /me with the database away: %d (Retry-After %q), want 503", res.Status, res.Header.Get("Retry-After"))
	}
	if !strings.Contains(res.Body, "Back in a moment") {
		t.Fatalf("the outage page does not explain itself: %.300s", res.Body)
	}
	if res := app.newClient().get("/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz during the outage: %d", res.Status)
	}
}

// /signin answers in the same time for a known and an unknown address.
func TestSignInTimingDoesNotRevealCandidates(t *testing.T) {
	app := newTestApp(t)
	c := app.newClient()
	measure := func(email string) time.Duration {
		start := time.Now()
		if res := c.post("/signin", url.Values{"email": {email}}); res.Status != http.StatusSeeOther {
			t.Fatalf("POST /signin for %s: %d", email, res.Status)
		}
		return time.Since(start)
	}
	var known, unknown []time.Duration
	for i := range 4 {
		known = append(known, measure("ben.okafor@example.com"))
		unknown = append(unknown, measure(fmt.Sprintf("nobody%d@example.com", i)))
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return (d[1] + d[2]) / 2 }
	k, u := median(known), median(unknown)
	// Without the fix a known address took about four times as long (2 ms
	// against 0.5 ms here); the answers must be within 25 % of each other.
	if ratio := float64(k) / float64(u); ratio > 1.25 || ratio < 0.8 {
		t.Fatalf("median answer: known %s, unknown %s; the difference reveals who is a candidate", k, u)
	}
}
