package handlers_test

// Smaller defects (issue 16, point 8): each test here failed on the code
// before its fix.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"nextstep/handlers"
	"nextstep/models"
)

// TestInterviewICSHasOrganizer: the calendar file the candidate downloads is
// a METHOD:REQUEST invitation, which RFC 5546 requires to name its ORGANIZER;
// it names the staff member who arranged the round, like the emailed copy.
func TestInterviewICSHasOrganizer(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ameliaApp := app.applicationID(ixAmeliaEmail)
	r := app.ixRound(recruiterEmail, ameliaApp, "Meet the sales team", []int64{app.staffID(interviewerEmail)})
	app.ixBook(ixAmeliaEmail, ameliaApp, r.ID)

	amelia := app.newClient()
	amelia.loginCandidate(ixAmeliaEmail)
	ics := amelia.get(fmt.Sprintf("/me/applications/%d/interviews/%d/calendar.ics", ameliaApp, r.ID))
	if ics.Status != http.StatusOK {
		t.Fatalf("calendar: %d", ics.Status)
	}
	unfolded := strings.ReplaceAll(ics.Body, "\r\n ", "")
	var organizer string
	for _, line := range strings.Split(unfolded, "\r\n") {
		if strings.HasPrefix(line, "ORGANIZER") {
			organizer = line
		}
	}
	if !strings.HasSuffix(strings.ToLower(organizer), "mailto:"+recruiterEmail) {
		t.Errorf("ORGANIZER = %q, want the recruiter who arranged the round (%s):\n%s", organizer, recruiterEmail, ics.Body)
	}
	if strings.Contains(unfolded, interviewerEmail) {
		t.Errorf("the candidate's calendar names the panel's address:\n%s", ics.Body)
	}
}

// TestHeadAnswersLikeGet: every GET route answers HEAD with the status and
// headers its GET gives, with no body, and HEAD leaves no trace: no session
// write (a flash survives), no audit event (a contract's first viewing is
// still recorded by the GET that follows).
func TestHeadAnswersLikeGet(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	app := f.app
	e := app.Server.Config.Handler.(*echo.Echo)
	contractID := f.acceptedContract() // Daniel's, not yet viewed
	versionID, _ := f.latestVersion()
	daniel := f.candID
	var dayID int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM assessment_days ORDER BY id LIMIT 1").Scan(&dayID))
	salesPos := app.positionID(ixAccountExecutive)
	concrete := func(path string) string {
		id := func(v int64) string { return fmt.Sprint(v) }
		switch {
		case strings.HasPrefix(path, "/admin/candidates/:id"):
			path = strings.Replace(path, ":id", id(daniel), 1)
		case strings.HasPrefix(path, "/admin/applications/:id"):
			path = strings.Replace(path, ":id", id(f.appID), 1)
		case strings.HasPrefix(path, "/me/applications/:id"):
			path = strings.Replace(path, ":id", id(f.appID), 1)
		case strings.HasPrefix(path, "/admin/positions/:id"):
			path = strings.Replace(path, ":id", id(salesPos), 1)
		case strings.HasPrefix(path, "/admin/assessment-days/:id"):
			path = strings.Replace(path, ":id", id(dayID), 1)
		case strings.HasPrefix(path, "/admin/offer-versions/:id"):
			path = strings.Replace(path, ":id", id(versionID), 1)
		case strings.HasPrefix(path, "/admin/contracts/:id"):
			path = strings.Replace(path, ":id", id(contractID), 1)
		case strings.HasPrefix(path, "/admin/staff/:id"):
			path = strings.Replace(path, ":id", id(app.staffID(recruiterEmail)), 1)
		}
		return strings.NewReplacer(":id", "1", ":report", "funnel", ":kind", "stage_changed", ":token", "not-a-token",
			":round", "1", "*", "app.css").Replace(path)
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	cand := f.cand
	// A flash waits for the admin's next page.
	if res := admin.post("/admin/account/title", url.Values{"job_title": {"Head of People"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("setting a title: %d", res.Status)
	}
	send := func(c *client, method, path string) response {
		t.Helper()
		req, _ := http.NewRequest(method, app.URL+path, nil)
		return c.do(req)
	}
	type probe struct {
		c    *client
		path string
		head response
	}
	snapshot := func() (audits int64, sessions string) {
		var rows []string
		mustDB(t, app.Store.DB().Raw("SELECT convert_from(data, 'UTF8') || last_seen_at::text FROM sessions ORDER BY id_hash").Scan(&rows))
		return app.countRows("audit_log", "true"), strings.Join(rows, "\n")
	}
	auditsBefore, sessionsBefore := snapshot()
	var probes []probe
	for _, r := range e.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		c := admin
		if strings.HasPrefix(r.Path, "/me") {
			c = cand
		}
		path := concrete(r.Path)
		probes = append(probes, probe{c: c, path: path, head: send(c, http.MethodHead, path)})
	}
	auditsAfter, sessionsAfter := snapshot()
	if auditsAfter != auditsBefore {
		t.Errorf("HEAD requests wrote %d audit event(s)", auditsAfter-auditsBefore)
	}
	if !strings.Contains(sessionsBefore, "job title has been saved") {
		t.Fatalf("no flash waiting in the admin's session: %s", sessionsBefore)
	}
	if sessionsAfter != sessionsBefore {
		t.Errorf("HEAD requests changed the sessions (a flash was consumed?):\nbefore %s\nafter  %s", sessionsBefore, sessionsAfter)
	}

	ok := 0
	for _, p := range probes {
		get := send(p.c, http.MethodGet, p.path)
		if p.head.Status != get.Status {
			t.Errorf("HEAD %s: %d, GET: %d", p.path, p.head.Status, get.Status)
			continue
		}
		if get.Status == http.StatusOK {
			ok++
		}
		if p.head.Body != "" {
			t.Errorf("HEAD %s has a body of %d bytes", p.path, len(p.head.Body))
		}
		for _, h := range []string{"Content-Type", "Content-Disposition", "Location", "Cache-Control", "X-Content-Type-Options", "Content-Security-Policy"} {
			hv, gv := p.head.Header.Get(h), get.Header.Get(h)
			if h == "Content-Security-Policy" { // the nonce differs per response
				hv, gv = strings.Split(hv, "nonce-")[0], strings.Split(gv, "nonce-")[0]
			}
			if hv != gv {
				t.Errorf("%s: HEAD %s = %q, GET %q", p.path, h, hv, gv)
			}
		}
	}
	if ok < 30 {
		t.Errorf("only %d of %d GET routes answered 200 here, want most of them", ok, len(probes))
	}
	if n := app.countRows("audit_log", "action = 'contract.viewed' AND subject_id = ?", contractID); n != 1 {
		t.Errorf("the GET of the contract recorded %d contract.viewed events, want 1", n)
	}
}

// TestHSTSAndSecureCookiesWithHTTPSBaseURL: with an https:// base URL every
// answer carries Strict-Transport-Security and the session and CSRF cookies
// are Secure (and HttpOnly, SameSite=Lax); with http:// there is no HSTS.
func TestHSTSAndSecureCookiesWithHTTPSBaseURL(t *testing.T) {
	t.Parallel()
	plain := newTestApp(t)
	if res := plain.newClient().get("/signin"); res.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS over an http:// base URL: %q", res.Header.Get("Strict-Transport-Security"))
	}

	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.BaseURL = "https://jobs.example.com" })
	// The jar would not send Secure cookies back over the test's plain
	// http, so the cookies travel by hand.
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(app.URL + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=") || strings.Contains(got, "max-age=0") {
		t.Errorf("Strict-Transport-Security = %q, want a max-age", got)
	}
	var csrf *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "nextstep_csrf" {
			csrf = ck
		}
	}
	if csrf == nil || !csrf.Secure {
		t.Fatalf("CSRF cookie %+v, want Secure", csrf)
	}
	form := url.Values{"email": {adminEmail}, "password": {models.DemoPassword}, "_csrf": {csrf.Value}}
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/staff/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrf.Name, Value: csrf.Value})
	res, err = hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff login: %d", res.StatusCode)
	}
	var sess *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "nextstep_session" {
			sess = ck
		}
	}
	if sess == nil || !sess.Secure || !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v, want Secure, HttpOnly, SameSite=Lax", sess)
	}
	if got := res.Header.Get("Strict-Transport-Security"); got == "" {
		t.Error("no Strict-Transport-Security on the sign-in answer")
	}
}

// TestNeedsYouLinksPointAtElements: every link on the Needs-you page that
// carries a #fragment leads to a page with an element of that id (offers
// sent back, candidates' questions, decisions to answer).
func TestNeedsYouLinksPointAtElements(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	app := f.app
	f.sendOffer(nil)
	if res := f.cand.post(fmt.Sprintf("/me/applications/%d/offer/question", f.appID), url.Values{"question": {"Is the bonus paid quarterly?"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("asking a question: %d", res.Status)
	}
	id := f.pendingVersion(map[string]string{"salary_amount": "66000"})
	f.reviewPost(f.manager, reviewPath(id)+"/send-back", url.Values{"comment": {sendBackComment}}, id)
	if err := app.Store.RequestDecision(context.Background(), app.ixActor(recruiterEmail), app.applicationID(ixChloeEmail),
		models.DecisionInput{Proposal: "Offer Chloe the role.", ConsultedIDs: []int64{app.staffID(managerEmail)}}); err != nil {
		t.Fatal(err)
	}
	checked := map[string]bool{}
	for _, c := range []*client{f.recruiter, f.manager} {
		home := c.get("/admin")
		if home.Status != http.StatusOK {
			t.Fatalf("GET /admin: %d", home.Status)
		}
		home.Doc(t).Find("main a[href*='#']").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			path, frag, _ := strings.Cut(href, "#")
			if path == "" || frag == "" {
				return // a link within the page itself
			}
			target := c.get(path)
			if target.Status != http.StatusOK {
				t.Errorf("Needs-you link %s: %d", href, target.Status)
				return
			}
			if target.Doc(t).Find("#"+frag).Length() != 1 {
				t.Errorf("Needs-you link %s: no element with id %q on %s", href, frag, path)
			}
			checked[strings.TrimRight(frag, "0123456789-")] = true
		})
	}
	for _, want := range []string{"offer", "decisions"} {
		if !checked[want] {
			t.Errorf("no Needs-you link to #%s… was checked (checked %v)", want, checked)
		}
	}
}

// TestNoEmailPromiseWithoutSMTP: with no SMTP server configured, staff are
// not told that the candidate "has been notified" or "told": they read that
// the message waits in the outbox. With email configured, that it is on its way.
func TestNoEmailPromiseWithoutSMTP(t *testing.T) {
	t.Parallel()
	for _, emailOn := range []bool{false, true} {
		t.Run(fmt.Sprintf("email=%v", emailOn), func(t *testing.T) {
			app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.EmailEnabled = emailOn })
			c := app.newClient()
			c.loginStaff(recruiterEmail)
			cand := app.candidateID(ixChloeEmail)
			res := c.post(fmt.Sprintf("/admin/applications/%d/move", app.applicationID(ixChloeEmail)),
				url.Values{"to_stage": {"hr_round"}, "candidate_id": {fmt.Sprint(cand)}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("move: %d; %s", res.Status, offerProblemText(res))
			}
			flash := squash(c.get(fmt.Sprintf("/admin/candidates/%d", cand)).Doc(t).Find("[data-testid=flash]").Text())
			if flash == "" {
				t.Fatal("no flash after the move")
			}
			for _, promise := range []string{"notified", "has been told", "been emailed"} {
				if !emailOn && strings.Contains(flash, promise) {
					t.Errorf("flash %q promises email (%q) although none is configured", flash, promise)
				}
			}
			if want := map[bool]string{false: "outbox", true: "by email"}[emailOn]; !strings.Contains(flash, want) {
				t.Errorf("flash %q, want it to say %q", flash, want)
			}
		})
	}
}

// TestContractTextClaimsNoSignatureBeforeSigning: the contract the candidate
// is asked to sign does not already say "Signed electronically by both
// parties", and names the place of work in a sentence that reads naturally
// (not "working at London").
func TestContractTextClaimsNoSignatureBeforeSigning(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	var text string
	if err := f.app.Store.DB().Raw("SELECT text FROM contracts WHERE id = ?", id).Scan(&text).Error; err != nil {
		t.Fatal(err)
	}
	page := f.openContract()
	for where, body := range map[string]string{"stored text": text, "candidate's page": page.Body} {
		if strings.Contains(strings.ToLower(body), "signed electronically by both parties") {
			t.Errorf("the %s says it was signed by both parties before anyone signed", where)
		}
		if strings.Contains(body, "working at London") {
			t.Errorf("the %s says %q", where, "working at London")
		}
	}
	if !strings.Contains(text, "Place of work: London") {
		t.Errorf("the contract does not name the place of work naturally:\n%s", text)
	}
}

// TestHiringManagerOutOfScopeWritesAre404: a hiring manager writing to an
// application of a position they do not manage gets 404 whether the input is
// valid or not: permission is checked before the input, so a 422 cannot
// confirm that the application exists. Nothing is written.
func TestHiringManagerOutOfScopeWritesAre404(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	farid := app.applicationID(ixFaridEmail) // Backend Engineer: the demo manager does not manage it
	c := app.newClient()
	c.loginStaff(managerEmail)
	before := app.countRows("audit_log", "true")
	for _, tc := range []struct {
		name, path string
		form       url.Values
	}{
		{"expected date, invalid", "/expected", url.Values{"expected_date": {"not a date"}}},
		{"expected date, valid", "/expected", url.Values{"expected_date": {"2027-01-05"}, "expected_note": {"probe"}}},
		{"move, unknown stage", "/move", url.Values{"to_stage": {"nonsense"}}},
		{"move, valid stage", "/move", url.Values{"to_stage": {"hr_round"}}},
		{"offer, invalid", "/offer", url.Values{"salary_amount": {"-1"}}},
		{"interview, invalid", "/interviews", url.Values{"kind": {"additional"}}},
		{"status, invalid", "/status", url.Values{"status": {"nonsense"}}},
	} {
		for _, withCandidate := range []bool{false, true} {
			form := url.Values{}
			for k, v := range tc.form {
				form[k] = v
			}
			if withCandidate {
				form.Set("candidate_id", fmt.Sprint(app.candidateID(ixFaridEmail)))
			}
			res := c.post(fmt.Sprintf("/admin/applications/%d%s", farid, tc.path), form)
			if res.Status != http.StatusNotFound {
				t.Errorf("%s (candidate_id sent: %v): %d, want 404", tc.name, withCandidate, res.Status)
			}
			if strings.Contains(res.Body, ixFaridName) {
				t.Errorf("%s: the answer names the candidate", tc.name)
			}
		}
	}
	// A note on a candidate out of scope: 404 whether the note is empty or not.
	for _, body := range []string{"", "probe"} {
		res := c.post(fmt.Sprintf("/admin/candidates/%d/notes", app.candidateID(ixFaridEmail)), url.Values{"body": {body}})
		if res.Status != http.StatusNotFound || strings.Contains(res.Body, ixFaridName) {
			t.Errorf("note %q on a candidate out of scope: %d, want 404 naming nobody", body, res.Status)
		}
	}
	if after := app.countRows("audit_log", "true"); after != before {
		t.Errorf("refused writes left %d audit events", after-before)
	}
}
