package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"nextstep/handlers"
	"nextstep/models"
)

const liamEmail = "liam.obrien@example.com"

// liamsUpdate lets Liam's promised date pass and runs the promise keeper:
// he gets a "still deciding" update. It returns the path of its
// unsubscribe link (the token is stored only in the message and as a hash).
// As a fixture would, it sets the date a minute in the past directly, after
// moving the clock on by two (so a previous update is older than the date),
// which keeps everyone's sessions alive.
func liamsUpdate(t *testing.T, app *testApp) string {
	t.Helper()
	app.Clock.Advance(2 * time.Minute)
	mustDB(t, app.Store.DB().Exec("UPDATE applications SET expected_update_at = ? WHERE id = ?",
		app.Clock.Now().Add(-time.Minute), app.applicationID(liamEmail)))
	if _, err := app.Store.KeepPromises(context.Background()); err != nil {
		t.Fatal(err)
	}
	var link string
	mustDB(t, app.Store.DB().Raw("SELECT list_unsubscribe FROM outbox_messages WHERE kind = ? AND candidate_id = ? ORDER BY id DESC LIMIT 1",
		models.MsgPromiseUpdate, app.candidateID(liamEmail)).Scan(&link))
	if !strings.HasPrefix(link, app.URL+"/unsubscribe/") {
		t.Fatalf("Liam's update has no unsubscribe link: %q", link)
	}
	return strings.TrimPrefix(link, app.URL)
}

// bare sends a request as a mail client or a stranger would: no cookie jar,
// no CSRF token, redirects not followed.
func bare(t *testing.T, req *http.Request) response {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if cookies := res.Header.Values("Set-Cookie"); len(cookies) > 0 {
		t.Errorf("%s %s set cookies: %q", req.Method, req.URL.Path, cookies)
	}
	return response{Status: res.StatusCode, Location: res.Header.Get("Location"), Body: string(b), Header: res.Header}
}

// oneClick posts RFC 8058's body to path, url-encoded or as multipart/form-data.
func oneClick(t *testing.T, app *testApp, path string, multi bool) response {
	t.Helper()
	body, ctype := strings.NewReader("List-Unsubscribe=One-Click"), "application/x-www-form-urlencoded"
	if multi {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		if err := w.WriteField("List-Unsubscribe", "One-Click"); err != nil {
			t.Fatal(err)
		}
		w.Close()
		body, ctype = strings.NewReader(b.String()), w.FormDataContentType()
	}
	req, _ := http.NewRequest(http.MethodPost, app.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "MailClient/1.0")
	return bare(t, req)
}

// Acceptance 4, over HTTP through the real router: the unsubscribe link in
// an update works once without a session — the page sets no cookie and
// asks before anything changes, the one-click POST (no cookie, no CSRF
// token) turns updates off and audits it, a second POST is refused as used
// and changes nothing, a forged or altered link is refused — and staff
// pages never show the link.
func TestUnsubscribeLinkWorksOnceWithoutASession(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	liam := app.candidateID(liamEmail)
	path := liamsUpdate(t, app)
	token := strings.TrimPrefix(path, "/unsubscribe/")
	updatesOn := func() bool {
		t.Helper()
		var on bool
		mustDB(t, app.Store.DB().Raw("SELECT email_updates FROM candidates WHERE id = ?", liam).Scan(&on))
		return on
	}
	audits := func() int64 {
		t.Helper()
		var n int64
		mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM audit_log WHERE action = 'candidate.email_choices_changed' AND subject_id = ?", liam).Scan(&n))
		return n
	}
	get := func(p string) response {
		req, _ := http.NewRequest(http.MethodGet, app.URL+p, nil)
		return bare(t, req)
	}

	// Opening the link asks first and changes nothing.
	res := get(path)
	if res.Status != http.StatusOK || !updatesOn() {
		t.Fatalf("opening the link: %d, updates on %v", res.Status, updatesOn())
	}
	doc := res.Doc(t)
	if got, _ := doc.Find("form[data-testid=unsubscribe-form]").Attr("action"); got != path {
		t.Errorf("the confirm form posts to %q, want %q", got, path)
	}
	if doc.Find("input[name=_csrf]").Length() != 0 || !strings.Contains(doc.Find("h1").Text(), "Stop these emails") {
		t.Errorf("the link's page: %q, with a CSRF field %v", squash(doc.Find("main").Text()), doc.Find("input[name=_csrf]").Length() > 0)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the link's page may be cached or leak its address: Cache-Control %q, Referrer-Policy %q",
			res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
	}

	// The mail client's one-click POST: no cookie, no CSRF token.
	res = oneClick(t, app, path, false)
	if res.Status != http.StatusOK || updatesOn() || !strings.Contains(res.Body, "turned off") {
		t.Fatalf("one-click unsubscribe: %d, updates on %v: %.300s", res.Status, updatesOn(), res.Body)
	}
	if audits() != 1 {
		t.Errorf("%d audit entries after unsubscribing, want 1", audits())
	}
	var used bool
	mustDB(t, app.Store.DB().Raw("SELECT used_at IS NOT NULL FROM unsubscribe_tokens WHERE token_hash = ?", models.HashSecret(token)).Scan(&used))
	if !used {
		t.Error("the link is not marked used")
	}

	// Liam turns updates back on; the spent link cannot turn them off again.
	mustDB(t, app.Store.DB().Exec("UPDATE candidates SET email_updates = true WHERE id = ?", liam))
	for _, again := range []response{oneClick(t, app, path, false), get(path)} {
		if again.Status != http.StatusGone || !strings.Contains(again.Body, "already been used") {
			t.Errorf("the link used again: %d, want 410 saying it was used: %.300s", again.Status, again.Body)
		}
	}
	if !updatesOn() || audits() != 1 {
		t.Errorf("a used link changed something: updates on %v, %d audit entries", updatesOn(), audits())
	}

	// Forged and altered links are refused, and change nothing.
	altered := token[:len(token)-1] + "A"
	if strings.HasSuffix(token, "A") {
		altered = token[:len(token)-1] + "B"
	}
	for _, bad := range []string{altered, token[:len(token)-2], models.NewSecret()} {
		for _, r := range []response{get("/unsubscribe/" + bad), oneClick(t, app, "/unsubscribe/"+bad, false)} {
			if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "not valid") {
				t.Errorf("a forged link %q: %d, want 404 saying it is not valid: %.300s", bad, r.Status, r.Body)
			}
		}
	}
	if !updatesOn() || audits() != 1 {
		t.Errorf("a forged link changed something: updates on %v, %d audit entries", updatesOn(), audits())
	}

	// The next update carries a new link; a multipart one-click POST works too.
	path2 := liamsUpdate(t, app)
	if path2 == path {
		t.Fatal("two updates share one link")
	}
	if res := oneClick(t, app, path2, true); res.Status != http.StatusOK || updatesOn() {
		t.Errorf("a multipart one-click POST: %d, updates on %v", res.Status, updatesOn())
	}

	// Staff never see a working link.
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	for _, page := range []string{"/admin/outbox?to=" + url.QueryEscape(liamEmail), fmt.Sprintf("/admin/candidates/%d", liam)} {
		res := admin.get(page)
		if res.Status != http.StatusOK || strings.Contains(res.Body, "/unsubscribe/") || strings.Contains(res.Body, token) {
			t.Errorf("%s (%d) shows an unsubscribe link", page, res.Status)
		}
		if page[:13] == "/admin/outbox" && !strings.Contains(res.Body, "[unsubscribe link hidden]") {
			t.Errorf("%s does not show the link as hidden", page)
		}
	}
}

// The candidate's account page: their email choices, saved with
// POST-redirect-GET and a flash, audited; what always comes; the time zone.
func TestCandidateChoosesTheirEmails(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.Location = london })
	liam := app.candidateID(liamEmail)
	c := app.newClient()
	c.loginCandidate(liamEmail)

	res := c.get("/me/account")
	if res.Status != http.StatusOK {
		t.Fatalf("account page: %d", res.Status)
	}
	doc := res.Doc(t)
	if cur, _ := doc.Find("[data-testid=nav-account]").Attr("aria-current"); cur != "page" {
		t.Errorf("the navigation's Account link is not marked current (%q)", cur)
	}
	for _, box := range []string{"reminders", "updates"} {
		if _, checked := doc.Find("[data-testid=choice-" + box + "]").Attr("checked"); !checked {
			t.Errorf("%s is not ticked for a candidate who chose nothing yet", box)
		}
	}
	if got := squash(doc.Find("[data-testid=essential-note]").Text()); !strings.Contains(got, "decisions about your application, offers, contracts, sign-in links") {
		t.Errorf("the page does not say what always comes: %q", got)
	}
	if got := squash(doc.Find("[data-testid=time-zone]").Text()); !strings.Contains(got, "Times are shown in Europe/London (GMT now)") {
		t.Errorf("time zone: %q", got)
	}

	// Reminders stay, updates go.
	res = c.post("/me/account", url.Values{"reminders": {"yes"}})
	if res.Status != http.StatusSeeOther || res.Location != "/me/account" {
		t.Fatalf("saving: %d → %q", res.Status, res.Location)
	}
	doc = c.get("/me/account").Doc(t)
	if got := doc.Find("[data-testid=flash]").Text(); got != "Your email choices are saved." {
		t.Errorf("flash %q", got)
	}
	if _, checked := doc.Find("[data-testid=choice-updates]").Attr("checked"); checked {
		t.Error("updates still ticked after unticking them")
	}
	if _, checked := doc.Find("[data-testid=choice-reminders]").Attr("checked"); !checked {
		t.Error("reminders unticked though they were left ticked")
	}
	var row struct{ EmailReminders, EmailUpdates bool }
	mustDB(t, app.Store.DB().Raw("SELECT email_reminders, email_updates FROM candidates WHERE id = ?", liam).Scan(&row))
	if !row.EmailReminders || row.EmailUpdates {
		t.Errorf("stored choices %+v, want reminders on and updates off", row)
	}
	var audits int64
	mustDB(t, app.Store.DB().Raw(`SELECT count(*) FROM audit_log WHERE action = 'candidate.email_choices_changed' AND subject_id = ?
		AND actor_kind = 'candidate' AND actor_id = ? AND details->>'updates' = 'false'`, liam, liam).Scan(&audits))
	if audits != 1 {
		t.Errorf("%d audit entries, want 1", audits)
	}

	// The same again changes nothing and says so; a form from elsewhere is refused.
	if res := c.post("/me/account", url.Values{"reminders": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("saving again: %d", res.Status)
	}
	if got := c.get("/me/account").Doc(t).Find("[data-testid=flash]").Text(); !strings.HasPrefix(got, "Nothing to save") {
		t.Errorf("flash after saving the same choices: %q", got)
	}
	if res := c.postRaw("/me/account", url.Values{"updates": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("a post without the CSRF token: %d, want 403", res.Status)
	}
	mustDB(t, app.Store.DB().Raw("SELECT email_reminders, email_updates FROM candidates WHERE id = ?", liam).Scan(&row))
	if row.EmailUpdates {
		t.Error("a post without the CSRF token changed the choices")
	}
}
