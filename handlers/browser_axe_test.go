package handlers_test

// Accessibility: axe-core (vendored in testdata/axe) checks every HTML page
// of the application, as each kind of person sees it, in a real Chromium at
// 1280, 768 and 360 px wide. A "serious" or "critical" violation fails the
// test; lesser ones are logged.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/labstack/echo/v4"
	"github.com/pquerna/otp/totp"

	"nextstep/models"
)

const (
	// axeTestTimeout bounds the whole accessibility run (all its tabs).
	axeTestTimeout = 4 * time.Minute
	// axeMaxTargets is how many elements of one violation a failure names.
	axeMaxTargets = 4
)

// axeSkippedRoutes are the GET routes that answer with something other than
// an HTML page, so axe has nothing to check.
var axeSkippedRoutes = map[string]string{
	"GET /":         "redirects to /signin, /me or /admin",
	"GET /healthz":  "plain text",
	"GET /readyz":   "plain text",
	"GET /static/*": "CSS, JavaScript and images",
	"GET /admin/assessment-days/:id/roster.csv":               "CSV",
	"GET /me/applications/:id/assessment/calendar.ics":        "iCalendar",
	"GET /me/applications/:id/contract/signed.pdf":            "PDF",
	"GET /me/applications/:id/onboarding/:task/document":      "a download",
	"GET /admin/applications/:id/onboarding/:task/document":   "a download",
	"GET /admin/contracts/:id/signed.pdf":                     "PDF",
	"GET /me/applications/:id/interviews/:round/calendar.ics": "iCalendar",
	"GET /me/applications/:id/first-day.ics":                  "iCalendar",
	"GET /admin/reports/:report/csv":                          "CSV",
	"GET /admin/candidates/export.csv":                        "CSV",
	"GET /admin/documents/:id":                                "a candidate's document (a PDF inline, or a download)",
	"GET /me/documents/:id":                                   "a candidate's document (a PDF inline, or a download)",
}

// axeRunScript runs axe on the whole document and returns the violations in a
// compact form: the selectors of the first few elements of each.
var axeRunScript = fmt.Sprintf(`axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
	return r.violations.map(function (v) {
		return {id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
			targets: v.nodes.slice(0, %d).map(function (n) { return n.target.map(String).join(" "); })};
	});
})`, axeMaxTargets)

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Count   int      `json:"count"`
	Targets []string `json:"targets"`
}

// failing reports whether the violation fails the test.
func (v axeViolation) failing() bool { return v.Impact == "serious" || v.Impact == "critical" }

// axeWidth is a viewport the pages are checked at.
type axeWidth struct {
	name          string
	width, height int64
}

var (
	axeDesktop = axeWidth{"1280px", 1280, 900}
	// axeTablet is where wide tables scroll sideways inside their wrapper.
	axeTablet = axeWidth{"768px", 768, 1000}
	axeMobile = axeWidth{"360px", 360, 740}
)

// axeRun is one accessibility run: a tab per person in the package's
// Chromium, and what axe found.
type axeRun struct {
	t       *testing.T
	app     *testApp
	browser context.Context
	source  string
	routes  map[string]bool // GET routes visited
	checked int             // pages × widths checked
	failed  []string        // one entry per page and width with serious or critical violations
	minor   map[string][]string
	html    *htmlPages // every page checked, for html-validate (browser_html_test.go)
}

func newAxeRun(t *testing.T, app *testApp) *axeRun {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe", "axe.min.js"))
	if err != nil {
		t.Fatalf("reading the vendored axe-core: %v", err)
	}
	takeBrowserSlot(t)
	tctx, cancelTimeout := context.WithTimeout(sharedChromium(t), axeTestTimeout)
	t.Cleanup(cancelTimeout)
	return &axeRun{t: t, app: app, browser: tctx, source: string(src), routes: map[string]bool{}, minor: map[string][]string{}, html: newHTMLPages(t)}
}

// tab opens a tab with cookies of its own (a fresh browser context), so each
// person stays signed in while the others use the same browser.
func (r *axeRun) tab() context.Context {
	r.t.Helper()
	ctx, cancel := chromedp.NewContext(r.browser, chromedp.WithNewBrowserContext())
	r.t.Cleanup(cancel)
	// The first action creates the tab and binds the tab's life to the
	// context it runs with: so not a step's timeout (the run's bounds it).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(axeDesktop.width, axeDesktop.height)); err != nil {
		r.t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// page opens path in the tab, checks that the route answers with status
// (and is not redirected elsewhere), and checks the page at each width.
func (r *axeRun) page(ctx context.Context, who, route, path string, status int, widths ...axeWidth) {
	r.t.Helper()
	sctx, cancel := step(ctx)
	resp, err := chromedp.Run(sctx, chromedp.NavigateResponse(r.app.URL+path))
	cancel()
	if err != nil {
		r.t.Fatalf("%s: open %s: %v", who, path, err)
	}
	if resp == nil || int(resp.Status) != status {
		got := 0
		if resp != nil {
			got = int(resp.Status)
		}
		r.t.Fatalf("%s: %s answered %d, want %d (page: %s)", who, path, got, status, currentURL(ctx))
	}
	want, _ := url.Parse(r.app.URL + path)
	if loc, _ := url.Parse(currentURL(ctx)); loc == nil || loc.Path != want.Path {
		r.t.Fatalf("%s: %s led to %s, want the page itself", who, path, currentURL(ctx))
	}
	if route != "" {
		r.routes[route] = true
	}
	r.html.fromServer(ctx, who+" "+path)
	r.axe(ctx, who+" "+path, widths...)
}

// check checks the page the tab shows now (the answer to a form): its HTML
// as the browser holds it, and axe at each width.
func (r *axeRun) check(ctx context.Context, label string, widths ...axeWidth) {
	r.t.Helper()
	r.html.fromDOM(ctx, label)
	r.axe(ctx, label, widths...)
}

// axe runs axe on the page the tab shows now, at each width (desktop when
// none is given), and records what it finds.
func (r *axeRun) axe(ctx context.Context, label string, widths ...axeWidth) {
	r.t.Helper()
	if len(widths) == 0 {
		widths = []axeWidth{axeDesktop}
	}
	if !run(r.t, ctx, "is axe loaded", chromedp.Evaluate[bool](`typeof window.axe === "object"`)) {
		do(r.t, ctx, "inject axe-core", chromedp.Evaluate[chromedp.Void](r.source))
	}
	for _, w := range widths {
		do(r.t, ctx, "viewport "+w.name, chromedp.EmulateViewport(w.width, w.height))
		found := run(r.t, ctx, "axe on "+label, chromedp.Evaluate[[]axeViolation](axeRunScript, chromedp.EvalAwaitPromise))
		r.checked++
		// Candidates' and public pages never scroll sideways on a phone.
		if w == axeMobile && !strings.Contains(label, " /admin") {
			if sw := run(r.t, ctx, "page width", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); sw > w.width {
				r.failed = append(r.failed, fmt.Sprintf("%s @%s: the page is %dpx wide, it scrolls sideways", label, w.name, sw))
			}
		}
		var lines []string
		for _, v := range found {
			if !v.failing() {
				r.minor[v.ID+" ("+v.Impact+"): "+v.Help] = append(r.minor[v.ID+" ("+v.Impact+"): "+v.Help], label+" @"+w.name)
				continue
			}
			more := ""
			if v.Count > len(v.Targets) {
				more = fmt.Sprintf(" and %d more", v.Count-len(v.Targets))
			}
			lines = append(lines, fmt.Sprintf("    [%s] %s: %s\n      at %s%s\n      %s",
				v.Impact, v.ID, v.Help, strings.Join(v.Targets, " | "), more, v.HelpURL))
		}
		if len(lines) > 0 {
			r.failed = append(r.failed, fmt.Sprintf("%s @%s:\n%s", label, w.name, strings.Join(lines, "\n")))
		}
	}
	if len(widths) > 1 || widths[0] != axeDesktop {
		do(r.t, ctx, "viewport back to desktop", chromedp.EmulateViewport(axeDesktop.width, axeDesktop.height))
	}
}

// report fails the test with every serious or critical violation, and logs
// the rest; then html-validate checks every page's HTML.
func (r *axeRun) report() {
	r.t.Helper()
	r.html.validate()
	keys := make([]string, 0, len(r.minor))
	for k := range r.minor {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		pages := r.minor[k]
		shown := pages
		if len(shown) > 3 {
			shown = shown[:3]
		}
		r.t.Logf("axe (not failing) %s: on %d page views, e.g. %s", k, len(pages), strings.Join(shown, ", "))
	}
	r.t.Logf("axe checked %d page views", r.checked)
	if len(r.failed) > 0 {
		r.t.Errorf("axe found serious or critical violations on %d page views:\n%s", len(r.failed), strings.Join(r.failed, "\n"))
	}
}

// TestAxeEveryPage: axe finds no serious or critical violation on any HTML
// page, for anonymous visitors, candidates at each kind of step, and every
// staff role. Every GET route that renders HTML must be visited: a new route
// fails the test until it is added here.
func TestAxeEveryPage(t *testing.T) {
	t.Parallel()
	start := time.Now()
	app := newTestApp(t)
	ctx := context.Background()
	r := newAxeRun(t, app)
	all := []axeWidth{axeDesktop, axeTablet, axeMobile}

	danielCand, danielApp := app.candidateID(danielEmail), app.applicationID(danielEmail)
	benCand, benApp := app.candidateID(assessBen), app.applicationID(assessBen)
	const elenaEmail = "elena.rossi@example.com" // rejected
	elenaApp := app.applicationID(elenaEmail)
	salesDay := app.assessmentDayID(assessSalesDay1)
	salesPos := app.positionID(assessSales)
	me := func(appID int64, suffix string) string { return fmt.Sprintf("/me/applications/%d%s", appID, suffix) }

	// Everyone signs in, each in a tab of their own.
	anon := r.tab()
	admin, recruiter, manager, interviewer := r.tab(), r.tab(), r.tab(), r.tab()
	browserLoginStaff(t, admin, app, adminEmail, "/admin")
	browserLoginStaff(t, recruiter, app, recruiterEmail, "/admin")
	browserLoginStaff(t, manager, app, managerEmail, "/admin")
	browserLoginStaff(t, interviewer, app, interviewerEmail, "/admin")
	candidateTab := func(email string) context.Context {
		tab := r.tab()
		link, err := app.Store.IssueSignInLink(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		browserUseSignInLink(t, tab, link)
		return tab
	}
	daniel, ben, elena := candidateTab(danielEmail), candidateTab(assessBen), candidateTab(elenaEmail)

	// ---- Anonymous visitors ----
	link, err := app.Store.IssueSignInLink(ctx, "amelia.hart@example.com")
	if err != nil {
		t.Fatal(err)
	}
	r.page(anon, "anonymous", "GET /signin", "/signin", http.StatusOK, all...)
	fill(t, anon, "email", "not-an-email")
	if status := submit(t, anon, `form[action="/signin"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("sign-in with an invalid email: status %d, want 422", status)
	}
	r.check(anon, "anonymous /signin with an invalid email", all...)
	r.page(anon, "anonymous", "GET /signin/sent", "/signin/sent", http.StatusOK, all...)
	r.page(anon, "anonymous", "GET /signin/:token", strings.TrimPrefix(link, app.URL), http.StatusOK, all...)
	r.page(anon, "anonymous", "", "/signin/not-a-real-token", http.StatusOK)
	if status := submit(t, anon, `form[action^="/signin/"] button[type=submit]`); status != http.StatusGone {
		t.Fatalf("continue with an unknown token: status %d, want 410", status)
	}
	r.check(anon, "anonymous sign-in link no longer valid", all...)
	r.page(anon, "anonymous", "GET /staff/login", "/staff/login", http.StatusOK, all...)
	fill(t, anon, "email", adminEmail)
	fill(t, anon, "password", "not-the-password")
	if status := submit(t, anon, `form[action="/staff/login"] button[type=submit]`); status != http.StatusUnauthorized && status != http.StatusUnprocessableEntity {
		t.Fatalf("staff login with a wrong password: status %d", status)
	}
	r.check(anon, "anonymous /staff/login with a wrong password")
	r.page(anon, "anonymous", "GET /verify", "/verify", http.StatusOK, all...)
	r.page(anon, "anonymous", "", "/no-such-page", http.StatusNotFound, all...)

	// ---- Candidates ----
	// Ben, at the assessment day: choose a day, book, see the confirmation.
	r.page(ben, "Ben", "GET /me", "/me", http.StatusOK, all...)
	r.page(ben, "Ben", "GET /me/applications/:id/assessment", me(benApp, "/assessment"), http.StatusOK, all...)
	app.bookAs(benCand, benApp, salesDay)
	r.page(ben, "Ben", "GET /me/applications/:id/assessment/confirmation", me(benApp, "/assessment/confirmation"), http.StatusOK, all...)
	r.page(ben, "Ben booked", "", me(benApp, "/assessment"), http.StatusOK, all...)
	r.page(ben, "Ben booked", "GET /me/applications/:id", me(benApp, ""), http.StatusOK, all...)

	// Elena, rejected.
	r.page(elena, "Elena", "", "/me", http.StatusOK, all...)
	r.page(elena, "Elena", "", me(elenaApp, ""), http.StatusOK, all...)

	// Daniel, from the interest check to a contract signed by both sides.
	f := &offerFlow{t: t, app: app, candID: danielCand, appID: danielApp,
		recruiter: app.newClient(), manager: app.newClient(), cand: app.newClient()}
	f.recruiter.loginStaff(recruiterEmail)
	f.manager.loginStaff(managerEmail)
	f.cand.loginCandidate(danielEmail)
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/interest", danielApp), url.Values{
		"message": {"Hello Daniel, are you still interested?"}, "questions": {"Do you need sponsorship to work in the UK?"}})
	r.page(daniel, "Daniel", "", "/me", http.StatusOK, all...)
	r.page(daniel, "Daniel", "", me(danielApp, ""), http.StatusOK, all...)
	r.page(daniel, "Daniel", "GET /me/applications/:id/interest", me(danielApp, "/interest"), http.StatusOK, all...)
	r.page(daniel, "Daniel", "GET /me/messages", "/me/messages", http.StatusOK, all...)
	axeMessageChoices(t, r, app, anon, daniel, all) // browser_message_choices_test.go
	r.page(admin, "admin (interest check sent)", "", fmt.Sprintf("/admin/candidates/%d", danielCand), http.StatusOK)

	// The offer review: waiting for the manager's decision, then a refused
	// send-back (errors shown), then the confirmation step before sending.
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/offer", danielApp), offerForm(nil))
	pending, _ := f.latestVersion()
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/submit", pending), nil)
	reviewPage := fmt.Sprintf("/admin/offer-versions/%d", pending)
	r.page(manager, "manager (offer to approve)", "GET /admin", "/admin", http.StatusOK, all...)
	r.page(recruiter, "recruiter (offer waiting for approval)", "", "/admin", http.StatusOK, all...)
	r.page(manager, "manager (offer to review)", "GET /admin/offer-versions/:id", reviewPage, http.StatusOK, all...)
	if status := submit(t, manager, "[data-testid=review-send-back]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("send back without a comment: status %d, want 422", status)
	}
	r.check(manager, "manager (send back refused: comment missing)")
	f.staffPost(f.manager, fmt.Sprintf("/admin/offer-versions/%d/approve", pending), nil)
	r.page(recruiter, "recruiter (confirm sending the offer)", "", reviewPage+"?confirm=send", http.StatusOK, all...)
	f.sendOffer(nil)
	if res := f.cand.post(me(danielApp, "/offer/question"), url.Values{"question": {"Is the bonus paid quarterly?"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("asking about the offer: status %d", res.Status)
	}
	r.page(daniel, "Daniel", "GET /me/applications/:id/offer", me(danielApp, "/offer"), http.StatusOK, all...)
	r.page(admin, "admin (offer sent, question open)", "", fmt.Sprintf("/admin/candidates/%d", danielCand), http.StatusOK, all...)

	id, _ := f.latestVersion()
	f.accept(id)
	contractID := f.contract(defaultTemplateID)
	r.page(daniel, "Daniel (consent step)", "GET /me/applications/:id/contract", me(danielApp, "/contract"), http.StatusOK, all...)
	// A correction of the legal name asked for, seen by both sides, then declined.
	if res := f.cand.post(me(danielApp, "/contract/name-correction"), url.Values{"requested_name": {"Daniel J. Kim"}, "note": {"As on my passport."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("asking for a name correction: status %d", res.Status)
	}
	r.page(daniel, "Daniel (name correction asked)", "", me(danielApp, "/contract"), http.StatusOK, all...)
	r.page(manager, "manager (name correction to answer)", "", fmt.Sprintf("/admin/contracts/%d", contractID), http.StatusOK, all...)
	r.page(recruiter, "recruiter (name correction waiting)", "", "/admin", http.StatusOK, all...)
	var correction int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM contract_name_corrections WHERE contract_id = ? AND status = 'open'", contractID).Scan(&correction))
	if res := f.recruiter.post(fmt.Sprintf("/admin/name-corrections/%d/decline", correction),
		url.Values{"response": {"The contract must match your passport, which reads Daniel Kim."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("declining the name correction: status %d", res.Status)
	}
	f.consent()
	r.page(daniel, "Daniel (sign step)", "", me(danielApp, "/contract"), http.StatusOK, all...)
	f.sign()
	contractPath := fmt.Sprintf("/admin/contracts/%d", contractID)
	r.page(manager, "manager (to countersign)", "GET /admin/contracts/:id", contractPath, http.StatusOK, all...)
	f.countersign(contractID)
	r.page(daniel, "Daniel (signed by both)", "", me(danielApp, "/contract"), http.StatusOK, all...)
	r.page(daniel, "Daniel (signed by both)", "", "/me", http.StatusOK, all...)

	// ---- Staff: every page as an admin ----
	recordScheduledRuns(t, app) // Scheduled work with a run done and one failed
	adminPages := []struct{ route, path string }{
		{"GET /admin/candidates", "/admin/candidates"},
		{"", "/admin/candidates?q=nobody-is-called-this"},
		{"GET /admin/candidates/new", "/admin/candidates/new"},
		{"GET /admin/candidates/:id", fmt.Sprintf("/admin/candidates/%d", danielCand)},
		{"", fmt.Sprintf("/admin/candidates/%d", benCand)},
		{"GET /admin/positions", "/admin/positions"},
		{"GET /admin/positions/new", "/admin/positions/new"},
		{"GET /admin/positions/:id/edit", fmt.Sprintf("/admin/positions/%d/edit", salesPos)},
		{"GET /admin/positions/:id/close", fmt.Sprintf("/admin/positions/%d/close?status=filled", salesPos)},
		{"GET /admin/positions/:id/board", fmt.Sprintf("/admin/positions/%d/board", salesPos)},
		{"GET /admin/positions/:id/board/move", fmt.Sprintf("/admin/positions/%d/board/move?application_id=%d", salesPos, app.applicationID("amelia.hart@example.com"))},
		{"", "/admin"},
		{"GET /admin/assessment-days", "/admin/assessment-days"},
		{"GET /admin/assessment-days/:id", fmt.Sprintf("/admin/assessment-days/%d", salesDay)},
		{"GET /admin/assessment-days/new", "/admin/assessment-days/new"},
		{"GET /admin/assessment-days/:id/edit", fmt.Sprintf("/admin/assessment-days/%d/edit", salesDay)},
		{"", contractPath},
		{"GET /admin/contract-templates", "/admin/contract-templates"},
		{"GET /admin/contract-templates/new", "/admin/contract-templates/new"},
		{"GET /admin/contract-templates/:id/edit", fmt.Sprintf("/admin/contract-templates/%d/edit", defaultTemplateID)},
		{"GET /admin/outbox", "/admin/outbox"},
		{"GET /admin/message-templates", "/admin/message-templates"},
		{"GET /admin/message-templates/:kind", "/admin/message-templates/" + string(models.MsgCandidateSignIn)},
		{"GET /admin/staff", "/admin/staff"},
		{"GET /admin/audit", "/admin/audit"},
		{"GET /admin/scheduled", "/admin/scheduled"},
		{"GET /admin/retention", "/admin/retention"},
		{"GET /admin/erasure", "/admin/erasure"},
		{"GET /admin/account", "/admin/account"},
		{"GET /admin/reports", "/admin/reports"},
		{"", fmt.Sprintf("/admin/reports?position=%d", salesPos)},
	}
	for _, p := range adminPages {
		r.page(admin, "admin", p.route, p.path, http.StatusOK, all...)
	}
	// The board with a card's move dialog open.
	open(t, admin, app.URL+fmt.Sprintf("/admin/positions/%d/board", salesPos), "[data-testid=board-move-open]")
	do(t, admin, "open a move dialog", chromedp.Click(chromedp.CSS("[data-testid=board-move-open]")))
	waitVisible(t, admin, "dialog.board-dialog[open]")
	r.check(admin, "admin (board, move dialog open)", all...)

	// Where the other roles see something else.
	r.page(recruiter, "recruiter", "", "/admin/candidates", http.StatusOK)
	r.page(recruiter, "recruiter", "", fmt.Sprintf("/admin/candidates/%d", danielCand), http.StatusOK)
	r.page(recruiter, "recruiter", "", "/admin/outbox", http.StatusOK)
	r.page(manager, "manager", "", "/admin/candidates", http.StatusOK)
	r.page(manager, "manager", "", fmt.Sprintf("/admin/candidates/%d", benCand), http.StatusOK)
	r.page(manager, "manager", "", "/admin/positions", http.StatusOK)
	r.page(recruiter, "recruiter", "", "/admin/reports", http.StatusOK, all...)
	r.page(manager, "manager", "", "/admin/reports", http.StatusForbidden)
	r.page(interviewer, "interviewer", "", "/admin/candidates", http.StatusForbidden, all...)
	r.page(manager, "manager", "", fmt.Sprintf("/admin/positions/%d/board", salesPos), http.StatusOK)
	// Adding a candidate whose email is known offers an application instead.
	open(t, recruiter, app.URL+"/admin/candidates/new", "#email")
	fill(t, recruiter, "name", "Farid Haddad")
	fill(t, recruiter, "email", "farid.haddad@example.com")
	if status := submit(t, recruiter, `form[action="/admin/candidates"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("adding a known email: status %d, want 422 with the existing candidate", status)
	}
	r.check(recruiter, "recruiter (the candidate exists already)", all...)

	// Interviews: scheduling, picking a time, the scorecard, the review, a consultation.
	const ameliaEmail = "amelia.hart@example.com"
	ameliaCand, ameliaApp := app.candidateID(ameliaEmail), app.applicationID(ameliaEmail)
	staffActor := func(email string, role models.Role) models.Actor {
		return models.Actor{Kind: "staff", ID: app.staffID(email), Email: email, Role: role}
	}
	soon := app.Clock.Now().In(time.UTC).AddDate(0, 0, 7)
	round, err := app.Store.CreateRound(ctx, staffActor(recruiterEmail, models.RoleRecruiter), ameliaApp, models.RoundInput{
		Kind: models.InterviewCommercialNegotiation, Duration: "60", Location: "Head office, 2nd floor", Instructions: "Bring a price list.",
		PanelIDs: []int64{app.staffID(interviewerEmail), app.staffID(managerEmail)},
		Slots:    []string{soon.Format("2006-01-02") + "T10:00", soon.Format("2006-01-02") + "T14:00"}, ConfirmSkip: true})
	if err != nil {
		t.Fatalf("creating an interview: %v", err)
	}
	roundPath := fmt.Sprintf("/admin/interviews/%d", round.ID)
	amelia := candidateTab(ameliaEmail)
	r.page(recruiter, "recruiter", "GET /admin/applications/:id/interviews/new", fmt.Sprintf("/admin/applications/%d/interviews/new", ameliaApp), http.StatusOK, all...)
	// An HR round for Ben, at the assessment day, passes over a stage: the form asks first.
	r.page(recruiter, "recruiter", "", fmt.Sprintf("/admin/applications/%d/interviews/new", benApp), http.StatusOK)
	selectOption(t, recruiter, "#kind", models.InterviewHRRound.Label())
	fill(t, recruiter, "location", "Head office")
	do(t, recruiter, "a time", chromedp.SetValue(chromedp.CSS("#slot-0"), soon.Format("2006-01-02")+"T11:00"))
	tick(t, recruiter, "[data-testid=panel-choices] input[name=panel]")
	if status := submit(t, recruiter, `form[action$="/interviews"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("an HR round passing over a stage, unconfirmed: status %d, want 422", status)
	}
	waitVisible(t, recruiter, "[data-testid=round-confirm-skip]")
	r.check(recruiter, "recruiter (interview asks to pass over a stage)", all...)
	r.page(recruiter, "recruiter (time not picked yet)", "GET /admin/interviews/:id", roundPath, http.StatusOK, all...)
	r.page(amelia, "Amelia (choose a time)", "GET /me/applications/:id/interviews/:round", me(ameliaApp, fmt.Sprintf("/interviews/%d", round.ID)), http.StatusOK, all...)
	page, err := app.Store.GetRoundPage(ctx, staffActor(recruiterEmail, models.RoleRecruiter), round.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.PickSlot(ctx, models.Actor{Kind: "candidate", ID: ameliaCand}, ameliaApp, round.ID, page.Round.Slots[0].ID); err != nil {
		t.Fatalf("booking the interview: %v", err)
	}
	r.page(amelia, "Amelia (booked)", "", me(ameliaApp, fmt.Sprintf("/interviews/%d", round.ID)), http.StatusOK, all...)
	r.page(amelia, "Amelia (booked)", "", "/me", http.StatusOK, all...)
	r.page(interviewer, "interviewer", "GET /admin/interviews", "/admin/interviews", http.StatusOK, all...)
	r.page(interviewer, "interviewer", "", "/admin", http.StatusOK, all...)
	r.page(interviewer, "interviewer (scorecard)", "", roundPath, http.StatusOK, all...)
	r.page(recruiter, "recruiter (booked)", "", roundPath, http.StatusOK, all...)
	// Documents and the interview kit: Amelia's CV, the round's focus areas.
	if _, err := app.Store.UploadCandidateDocument(ctx, staffActor(recruiterEmail, models.RoleRecruiter), ameliaCand, models.DocumentCV,
		"Amelia Hart CV.pdf", []byte("%PDF-1.4\n%%EOF\n")); err != nil {
		t.Fatalf("uploading a CV: %v", err)
	}
	if err := app.Store.SaveInterviewKit(ctx, staffActor(recruiterEmail, models.RoleRecruiter), round.ID,
		models.KitInput{FocusAreas: "Pricing under pressure."}); err != nil {
		t.Fatalf("saving the kit: %v", err)
	}
	r.page(recruiter, "recruiter", "GET /admin/candidates/:id/documents", fmt.Sprintf("/admin/candidates/%d/documents", ameliaCand), http.StatusOK, all...)
	r.page(amelia, "Amelia", "GET /me/documents", "/me/documents", http.StatusOK, all...)
	r.page(interviewer, "interviewer (kit)", "GET /admin/interviews/:id/kit", roundPath+"/kit", http.StatusOK, all...)
	r.page(recruiter, "recruiter (kit)", "", roundPath+"/kit", http.StatusOK, all...)
	r.page(recruiter, "recruiter", "GET /admin/interviews/:id/kit/edit", roundPath+"/kit/edit", http.StatusOK, all...)
	r.page(manager, "manager", "GET /admin/positions/:id/review", fmt.Sprintf("/admin/positions/%d/review", salesPos), http.StatusOK, all...)
	if err := app.Store.RequestDecision(ctx, staffActor(recruiterEmail, models.RoleRecruiter), ameliaApp,
		models.DecisionInput{Proposal: "Offer Amelia the role.", ConsultedIDs: []int64{app.staffID(managerEmail)}}); err != nil {
		t.Fatalf("asking for a decision: %v", err)
	}
	r.page(manager, "manager (decision to answer)", "", fmt.Sprintf("/admin/candidates/%d", ameliaCand), http.StatusOK, all...)
	r.page(manager, "manager (decision to answer)", "", "/admin/interviews", http.StatusOK, all...)

	axeCandidateReferences(t, r, app, anon, candidateTab, all)

	// Onboarding: Noah's checklist, refused details, and the staff's pages.
	noahApp := app.applicationID(noahEmail)
	noah := candidateTab(noahEmail)
	r.page(noah, "Noah (onboarding)", "GET /me/applications/:id/onboarding", me(noahApp, "/onboarding"), http.StatusOK, all...)
	if status := submit(t, noah, `[data-testid=task-form] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("empty personal details: status %d, want 422", status)
	}
	r.check(noah, "Noah's details refused", all...)
	r.page(recruiter, "recruiter", "GET /admin/onboarding", "/admin/onboarding", http.StatusOK, all...)
	r.page(recruiter, "recruiter", "GET /admin/applications/:id/onboarding", fmt.Sprintf("/admin/applications/%d/onboarding", noahApp), http.StatusOK, all...)
	if status := submit(t, recruiter, `[data-testid=first-day-save]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty first day: status %d, want 422", status)
	}
	r.check(recruiter, "recruiter (first day refused)", all...)
	if err := app.Store.SetFirstDay(ctx, staffActor(recruiterEmail, models.RoleRecruiter), noahApp, models.FirstDayInput{StartTime: "08:30",
		Address: "Warehouse 3, Trafford Park\nManchester M17 1PL", AskFor: "Sam at the gatehouse", WhatToBring: "Safety boots",
		Agenda: "08:30 Site tour\n10:00 Safety induction"}); err != nil {
		t.Fatal(err)
	}
	r.page(noah, "Noah (first day)", "GET /me/applications/:id/first-day", me(noahApp, "/first-day"), http.StatusOK, all...)

	// References: Liam's referees asked, one answered (with signals), one declined, one waiting; the
	// page at each width, with a refused add; the position's setup as an admin and as its manager.
	refs := newAxeReferences(t, app)
	r.page(recruiter, "recruiter (references)", "GET /admin/applications/:id/references", refs.page, http.StatusOK, all...)
	if status := submit(t, recruiter, `[data-testid=add-referee-form] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("adding a referee without a name: status %d, want 422", status)
	}
	r.check(recruiter, "recruiter (references, add refused)", all...)
	r.page(admin, "admin (reference setup)", "GET /admin/positions/:id/references", refs.setup, http.StatusOK, all...)
	r.page(manager, "manager (reference setup, read only)", "", refs.setup, http.StatusOK)
	r.page(admin, "admin (onboarding checklist template)", "GET /admin/positions/:id/onboarding", strings.TrimSuffix(refs.setup, "/references")+"/onboarding", http.StatusOK, all...)

	// Two-step sign-in: the code page, and the account page with it on.
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	code, err := totp.GenerateCode(secret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	interviewerID := app.staffID(interviewerEmail)
	if err := app.Store.EnableTOTP(ctx, models.Actor{Kind: "staff", ID: interviewerID, Email: interviewerEmail, Role: models.RoleInterviewer},
		interviewerID, secret, code); err != nil {
		t.Fatalf("enabling two-step sign-in for the interviewer: %v", err)
	}
	r.page(interviewer, "interviewer (two-step on)", "", "/admin/account", http.StatusOK)
	open(t, anon, app.URL+"/staff/login", "#email")
	fill(t, anon, "email", interviewerEmail)
	fill(t, anon, "password", models.DemoPassword)
	if status := submit(t, anon, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK || path(t, anon) != "/staff/login/totp" {
		t.Fatalf("password step with two-step sign-in on: status %d on %s, want the code page", status, currentURL(anon))
	}
	r.page(anon, "staff between password and code", "GET /staff/login/totp", "/staff/login/totp", http.StatusOK, all...)

	// Retention: Elena's rejection a year old, as a fixture would set it; the staff's list with
	// her row, and her account page with its "Keep my data" card.
	mustDB(t, app.Store.DB().Exec("UPDATE applications SET updated_at = ?, stage_entered_at = ? WHERE id = ?",
		app.Clock.Now().AddDate(-1, 0, 0), app.Clock.Now().AddDate(-1, 0, 0), elenaApp))
	r.page(admin, "admin (data retention, a candidate due)", "", "/admin/retention", http.StatusOK, all...)
	r.page(elena, "Elena (account: keep my data)", "", "/me/account", http.StatusOK, all...)

	axeCheckPages(t, r, app, recruiter, manager, candidateTab) // browser_checks_test.go

	// Every GET route that renders HTML was visited.
	e := app.Server.Config.Handler.(*echo.Echo)
	var missing []string
	for _, rt := range e.Routes() {
		key := rt.Method + " " + rt.Path
		if rt.Method != http.MethodGet || axeSkippedRoutes[key] != "" || r.routes[key] {
			continue
		}
		missing = append(missing, key)
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("GET routes that axe never checked (add a page to TestAxeEveryPage, or to axeSkippedRoutes when it is not HTML):\n  %s",
			strings.Join(slices.Compact(missing), "\n  "))
	}

	r.report()
	t.Logf("accessibility run took %s", time.Since(start).Round(time.Millisecond))
}

// axeCandidateReferences checks the candidate's referee pages (empty, refused, with a
// referee, changing one) and the referee's own page and thanks.
func axeCandidateReferences(t *testing.T, r *axeRun, app *testApp, anon context.Context, candidateTab func(string) context.Context, all []axeWidth) {
	t.Helper()
	appID := atReferenceChecks(t, app)
	grace := candidateTab(graceEmail)
	page := fmt.Sprintf("/me/applications/%d/references", appID)
	r.page(grace, "Grace (no referees yet)", "GET /me/applications/:id/references", page, http.StatusOK, all...)
	if status := submit(t, grace, `form[data-testid=referee-form] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty referee form: status %d, want 422", status)
	}
	r.check(grace, "Grace's referee form refused", all...)
	_, token := sendReferenceRequest(t, app, appID)
	r.page(grace, "Grace (a referee asked)", "", page, http.StatusOK, all...)
	in := models.RefereeInput{Name: "Sam Colleague", Email: "sam.colleague@example.org", Company: "Acme Ltd", Relationship: models.RelColleague,
		WorkedFrom: "2022-01", MayContactNow: false, ConfirmedAgreed: true}
	draft, err := app.Store.AddReferee(context.Background(), candidateActor(app.candidateID(graceEmail)), appID, in)
	if err != nil {
		t.Fatal(err)
	}
	r.page(grace, "Grace (changing a referee)", "GET /me/applications/:id/references/:referee/edit", fmt.Sprintf("%s/%d/edit", page, draft), http.StatusOK, all...)
	r.page(anon, "referee", "GET /references/:token", "/references/"+token, http.StatusOK, all...)
	if status := submit(t, anon, `form[data-testid=reference-form] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty reference: status %d, want 422", status)
	}
	r.check(anon, "referee's reply refused", all...)
	r.page(anon, "referee", "GET /references/thanks", "/references/thanks", http.StatusOK, all...)
}
