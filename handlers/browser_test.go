package handlers_test

// Browser tests: the real Chromium drives the whole application (real HTTP
// server, real PostgreSQL, real templates, CSS and JavaScript) through the
// same forms and links a person uses.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// browserTestTimeout bounds everything one browser does in one test.
	browserTestTimeout = 60 * time.Second
	// stepTimeout bounds one wait, so a missing element fails with its
	// selector well before the whole test times out.
	stepTimeout = 20 * time.Second
)

// chromiumOptions are the flags the package's Chromium starts with:
// headless, sandbox-free (we run as root), and quiet on the network.
func chromiumOptions(userDataDir string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The tests' windows share one browser, and all but one are in the
		// background: their timers and rendering must not be slowed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	}
}

// chromium is the one Chromium the package's browser tests share (starting
// one takes a second or more on a busy machine). Each test gets its own
// browser context in it (newBrowser): cookies, storage and cache of its own,
// as with a browser of its own. TestMain closes it.
var chromium struct {
	sync.Mutex
	ctx     context.Context // the browser's first tab; its children are the tests' tabs
	err     error
	dir     string
	started bool
	cancel  func()
}

// sharedChromium starts the package's Chromium on first use.
func sharedChromium(t *testing.T) context.Context {
	t.Helper()
	chromium.Lock()
	defer chromium.Unlock()
	if !chromium.started {
		chromium.started = true
		chromium.err = startChromium()
	}
	if chromium.err != nil {
		t.Fatalf("Chromium is required for browser tests: %v", chromium.err)
	}
	return chromium.ctx
}

func startChromium() error {
	if _, err := os.Stat(chromiumPath); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "nextstep-chromium-")
	if err != nil {
		return err
	}
	chromium.dir = dir
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(dir, 1280, 900)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	chromium.ctx = ctx
	chromium.cancel = func() { cancelCtx(); cancelAlloc() } // also waits for the browser process to exit
	// The first run starts the browser and binds its life to ctx, so it must
	// not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		return fmt.Errorf("starting Chromium: %w", err)
	}
	return nil
}

// stopChromium closes the package's Chromium, if a test started it.
func stopChromium() {
	chromium.Lock()
	defer chromium.Unlock()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	if chromium.dir != "" {
		os.RemoveAll(chromium.dir)
	}
}

// browserSlots bounds how many tests use the browser at once. Pages are
// rendered and their JavaScript run on the machine's few cores: more tests
// at a time than that only makes each slower (go test -parallel may run more
// tests at once, which pays for those that wait on the database), until
// their time limits (browserTestTimeout) are at risk on a busy machine.
var browserSlots = make(chan struct{}, 2)

// browserSlotHolders are the tests holding a slot: a test takes one for all
// its browsers, so two tests can never each hold one and wait for a second.
var browserSlotHolders sync.Map

// takeBrowserSlot waits for a slot for the test, once per test; the slot is
// freed when the test ends.
func takeBrowserSlot(t *testing.T) {
	t.Helper()
	if _, held := browserSlotHolders.LoadOrStore(t, true); held {
		return
	}
	browserSlots <- struct{}{}
	t.Cleanup(func() {
		<-browserSlots
		browserSlotHolders.Delete(t)
	})
}

// newBrowser opens a tab in a fresh browser context of the package's
// Chromium: a window of 1280×900 with its own cookies, so it is a browser
// of its own to the application (a test may open several, one per person).
// It is closed when the test ends. A missing Chromium fails the test: browser
// tests never skip.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	takeBrowserSlot(t)
	ctx, cancelCtx := chromedp.NewContext(sharedChromium(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancelCtx)
	// The first run creates the tab and binds its life to ctx, so it must
	// not carry the test timeout; later runs use the derived context.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	// The browser's time zone is UTC, the tests' portal zone, whatever the
	// machine's: a candidate page posts the browser's zone once (app.js).
	// A test of another zone overrides it (browserZone).
	browserZone(t, ctx, "UTC")
	// Accept every confirm() dialog, as a person who meant to press the
	// button would; the page waits for the answer, and so would the test.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	tctx, cancelTimeout := context.WithTimeout(ctx, browserTestTimeout)
	t.Cleanup(cancelTimeout)
	return tctx
}

// browserZone makes the tab's browser run in zone, as a person's browser in
// that zone would (Intl, Date).
func browserZone(t *testing.T, ctx context.Context, zone string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		t.Fatalf("browser time zone %s: %v", zone, err)
	}
}

// step returns a context for one browser action, bounded by stepTimeout.
func step(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, stepTimeout)
}

// do runs actions that return nothing and fails the test with what on error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		t.Fatalf("%s: %v (page: %s)", what, err, currentURL(ctx))
	}
}

// run runs one action that returns a value.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v (page: %s)", what, err, currentURL(ctx))
	}
	return v
}

// currentURL is the tab's address, for error messages only.
func currentURL(ctx context.Context) string {
	sctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(sctx, chromedp.Location())
	if err != nil {
		return "unknown"
	}
	return u
}

// open navigates to u and waits until sel is visible.
func open(t *testing.T, ctx context.Context, u, sel string) {
	t.Helper()
	do(t, ctx, "open "+u, chromedp.Navigate(u))
	waitVisible(t, ctx, sel)
}

func waitVisible(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "wait for "+sel+" to be visible", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// fill types value into the input or textarea with this id, as a person
// would, after clearing what is there. (chromedp.SetValue cannot clear: it
// sends an empty string argument as undefined, so the field would read
// "undefined".)
func fill(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	quoted, _ := json.Marshal(id)
	do(t, ctx, "fill #"+id,
		chromedp.WaitVisible(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%s).value = ""`, quoted)),
		chromedp.SendKeys(chromedp.ID(id), value),
	)
	if got := fieldValue(t, ctx, "#"+id); got != value {
		t.Fatalf("#%s holds %q after typing %q", id, got, value)
	}
}

// fieldValue is the current value of a form control.
func fieldValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return run(t, ctx, "value of "+sel, chromedp.Value(chromedp.CSS(sel)))
}

// selectOption picks the option of the select sel whose visible text is
// label, and returns the option's value.
func selectOption(t *testing.T, ctx context.Context, sel, label string) string {
	t.Helper()
	waitVisible(t, ctx, sel)
	args, _ := json.Marshal([]string{sel, label})
	res := run(t, ctx, "choose "+label+" in "+sel, chromedp.Evaluate[map[string]string](fmt.Sprintf(`(function (sel, label) {
		var s = document.querySelector(sel);
		if (!s) { return {error: "no select"}; }
		var opts = Array.prototype.slice.call(s.options);
		var o = opts.find(function (o) { return o.textContent.trim() === label; });
		if (!o) { return {error: "no such option; options are: " + opts.map(function (o) { return o.textContent.trim(); }).join(" | ")}; }
		s.focus();
		s.value = o.value;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return {value: o.value};
	}).apply(null, %s)`, args)))
	if res["error"] != "" {
		t.Fatalf("choose %q in %s: %s", label, sel, res["error"])
	}
	if got := fieldValue(t, ctx, sel); got != res["value"] || got == "" {
		t.Fatalf("%s has value %q after choosing %q (option value %q)", sel, got, label, res["value"])
	}
	return res["value"]
}

// submit clicks the button sel, waits until the page the browser ends up on
// (after redirects) has loaded, and returns its HTTP status.
func submit(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("click %s and wait for the next page: %v (page: %s)", sel, err, currentURL(ctx))
	}
	if resp == nil {
		t.Fatalf("click %s: no document response (page: %s)", sel, currentURL(ctx))
	}
	return int(resp.Status)
}

// text is the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(run(t, ctx, "text of "+sel, chromedp.Text(chromedp.CSS(sel))))
}

// path is the path of the tab's current address.
func path(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc := run(t, ctx, "location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("parse location %q: %v", loc, err)
	}
	return u.Path
}

// screenshot saves a full-page PNG of the tab for humans to look at.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	saveShot(t, name, run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100)))
}

// saveShot writes a screenshot into this run's folder; no test reads them.
func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	p := filepath.Join(shotsDir(t), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// shots is the folder of this run's screenshots, made by the first one
// (nextstep-shots-<date>-<time>-<random> in the temporary folder) and named
// by TestMain at the end of the run.
var shots struct {
	sync.Once
	dir string
	err error
}

func shotsDir(t *testing.T) string {
	t.Helper()
	shots.Do(func() {
		shots.dir, shots.err = os.MkdirTemp("", "nextstep-shots-"+time.Now().Format("20060102-150405")+"-")
	})
	if shots.err != nil {
		t.Fatalf("a folder for screenshots: %v", shots.err)
	}
	return shots.dir
}

// browserLoginStaff signs in through the staff login form and checks where
// the browser lands.
func browserLoginStaff(t *testing.T, ctx context.Context, app *testApp, email, wantPath string) {
	t.Helper()
	open(t, ctx, app.URL+"/staff/login", "#email")
	fill(t, ctx, "email", email)
	fill(t, ctx, "password", models.DemoPassword)
	if status := submit(t, ctx, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("staff login: landed with status %d on %s", status, currentURL(ctx))
	}
	if got := path(t, ctx); got != wantPath {
		t.Fatalf("after staff login the browser is on %s, want %s", got, wantPath)
	}
	// Sign out sits under "More": read the text whether or not it is open.
	if got := run(t, ctx, "navigation text", chromedp.Evaluate[string](`document.querySelector("nav.main-nav").textContent`)); !strings.Contains(got, "Sign out") {
		t.Fatalf("signed-in navigation = %q, want a Sign out button", got)
	}
}

// browserUseSignInLink opens a one-time link, presses Continue and checks that
// the candidate lands on /me.
func browserUseSignInLink(t *testing.T, ctx context.Context, link string) {
	t.Helper()
	continueBtn := `form[action^="/signin/"] button[type=submit]`
	open(t, ctx, link, continueBtn)
	if got := text(t, ctx, "main h1"); got != "Continue to Nextstep" {
		t.Fatalf("sign-in link page heading = %q, want Continue to Nextstep", got)
	}
	if got := text(t, ctx, continueBtn); got != "Continue" {
		t.Fatalf("sign-in link button = %q, want Continue", got)
	}
	if status := submit(t, ctx, continueBtn); status != http.StatusOK {
		t.Fatalf("Continue: landed with status %d on %s", status, currentURL(ctx))
	}
	if got := path(t, ctx); got != "/me" {
		t.Fatalf("after Continue the browser is on %s, want /me", got)
	}
}

var signInLinkRe = regexp.MustCompile(`https?://[^\s"<>]+/signin/[^\s"<>]+`)

// countCandidates counts the candidates in the database.
func countCandidates(t *testing.T, app *testApp) int64 {
	t.Helper()
	var n int64
	if err := app.Store.DB().Raw("SELECT count(*) FROM candidates").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBrowserJourneyStaffToCandidate is the acceptance journey: a recruiter
// adds a candidate and moves them to the assessment day; the candidate opens
// the invitation from the outbox and sees where they stand.
func TestBrowserJourneyStaffToCandidate(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const (
		name  = "Nora Lindqvist"
		email = "nora.lindqvist@example.com"
	)

	// The recruiter signs in through the form, lands on "Needs you" and
	// goes to the candidate list from the navigation.
	staff := newBrowser(t)
	browserLoginStaff(t, staff, app, recruiterEmail, "/admin")
	if got := text(t, staff, "main h1"); got != "Needs you" {
		t.Fatalf("staff home heading = %q, want Needs you", got)
	}
	if status := submit(t, staff, `nav.main-nav a[href="/admin/candidates"]`); status != http.StatusOK {
		t.Fatalf("Candidates in the navigation: status %d", status)
	}
	waitVisible(t, staff, "[data-testid=candidates-table]")
	screenshot(t, staff, "admin-candidates.png")

	// Add the candidate for the sales position.
	open(t, staff, app.URL+"/admin/candidates/new", "#name")
	fill(t, staff, "name", name)
	fill(t, staff, "email", email)
	positionValue := selectOption(t, staff, "#position_id", "Account Executive")
	if status := submit(t, staff, `form[action="/admin/candidates"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("add candidate: status %d on %s", status, currentURL(staff))
	}
	candPath := path(t, staff)
	if !regexp.MustCompile(`^/admin/candidates/\d+$`).MatchString(candPath) {
		t.Fatalf("after adding, the browser is on %s, want the candidate page", candPath)
	}
	if got := text(t, staff, "[data-testid=candidate-name]"); got != name {
		t.Fatalf("candidate page name = %q, want %q", got, name)
	}
	if got := text(t, staff, "[data-testid=flash]"); !strings.Contains(got, "invitation") {
		t.Errorf("flash after adding = %q, want it to mention the invitation", got)
	}
	if got := text(t, staff, "[data-testid=staff-application] h2"); got != "Account Executive" {
		t.Fatalf("application position = %q, want Account Executive", got)
	}
	if got := text(t, staff, "[data-testid=app-stage]"); got != "Interview completed" {
		t.Fatalf("new application stage = %q, want the first stage, Interview completed", got)
	}
	var storedPosition string
	if err := app.Store.DB().Raw(`SELECT a.position_id::text FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE c.email = ?`, email).Scan(&storedPosition).Error; err != nil || storedPosition != positionValue {
		t.Fatalf("stored application position = %q (err %v), want the chosen option %q", storedPosition, err, positionValue)
	}

	// Move the application to the assessment day: a skip over the additional
	// interview, which needs its confirmation and reason.
	selectOption(t, staff, "[data-testid=move-form] select[name=to_stage]", "Skip to Assessment day (skips Additional interview)")
	do(t, staff, "confirm the skip", chromedp.Click(chromedp.CSS("[data-testid=move-form] input[name=confirm_skip]")))
	fill(t, staff, run(t, staff, "move note id", chromedp.AttributeValue(chromedp.CSS("[data-testid=move-form] textarea[name=note]"), "id")).Value, "Strong first interview.")
	if status := submit(t, staff, "[data-testid=move-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("move stage: status %d on %s", status, currentURL(staff))
	}
	if got := path(t, staff); got != candPath {
		t.Fatalf("after moving, the browser is on %s, want %s", got, candPath)
	}
	if got := text(t, staff, "[data-testid=app-stage]"); got != "Assessment day" {
		t.Fatalf("stage after move = %q, want Assessment day", got)
	}
	if got := text(t, staff, "[data-testid=flash]"); !strings.Contains(got, "Assessment day") {
		t.Errorf("flash after moving = %q, want it to name Assessment day", got)
	}
	if got := strings.Join(strings.Fields(text(t, staff, "[data-testid=staff-stepper] [data-testid=step-skipped]")), " "); got != "Additional interview (skipped)" {
		t.Errorf("staff stepper shows the skipped stage as %q, want \"Additional interview (skipped)\"", got)
	}
	if got := text(t, staff, "[data-testid=timeline]"); !strings.Contains(got, "Strong first interview.") {
		t.Errorf("timeline = %q, want the move note", got)
	}
	screenshot(t, staff, "admin-candidate.png")

	// An admin reads the invitation in the outbox, filtered to the candidate,
	// with its sign-in link hidden: the candidate follows it from the email.
	staff = newBrowser(t)
	browserLoginStaff(t, staff, app, adminEmail, "/admin")
	open(t, staff, app.URL+"/admin/outbox", "#to")
	fill(t, staff, "to", email)
	if status := submit(t, staff, `form[action="/admin/outbox"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("filter outbox: status %d", status)
	}
	waitVisible(t, staff, "[data-testid=outbox-message]")
	type message struct {
		To   string `json:"to"`
		Body string `json:"body"`
	}
	messages := run(t, staff, "read outbox", chromedp.Evaluate[[]message](`Array.prototype.map.call(
		document.querySelectorAll("[data-testid=outbox-message]"), function (m) {
			return {to: m.querySelector("[data-testid=message-to]").textContent.trim(),
				body: m.querySelector("[data-testid=message-body]").textContent};
		})`))
	hidden := false
	for _, m := range messages { // newest first
		if m.To != email {
			t.Errorf("outbox filtered to %s shows a message to %s", email, m.To)
			continue
		}
		if strings.Contains(m.Body, "/signin/") {
			t.Errorf("the admin's outbox shows a working sign-in link: %q", m.Body)
		}
		hidden = hidden || strings.Contains(m.Body, "[sign-in link hidden]")
	}
	if len(messages) < 2 {
		t.Errorf("outbox has %d messages to %s, want the invitation and the stage change", len(messages), email)
	}
	if !hidden {
		t.Errorf("no message to %s in the outbox shows the invitation with its link hidden: %+v", email, messages)
	}
	link := signInLinkRe.FindString(app.storedBody(app.latestMessageID(email, models.MsgCandidateInvitation)))
	if !strings.HasPrefix(link, app.URL+"/signin/") {
		t.Fatalf("invitation link %q does not point at this server %s", link, app.URL)
	}

	open(t, staff, app.URL+"/admin/positions/new", "main form")
	screenshot(t, staff, "admin-position-new.png")

	// The candidate, in a browser of their own, follows the invitation.
	cand := newBrowser(t)
	browserUseSignInLink(t, cand, link)
	if got := text(t, cand, "main h1"); got != "Hello, "+strings.Fields(name)[0] {
		t.Fatalf("/me heading = %q, want a greeting by first name of %s", got, name)
	}
	if got := text(t, cand, "[data-testid=application] h2"); got != "Account Executive" {
		t.Fatalf("/me application = %q, want Account Executive", got)
	}
	if got := text(t, cand, `[aria-current="step"]`); !strings.Contains(got, "Assessment day") {
		t.Fatalf("current step = %q, want Assessment day", got)
	}
	if got := text(t, cand, "[data-testid=current-stage-title]"); got != "Assessment day" {
		t.Fatalf("current stage title = %q, want Assessment day", got)
	}
	explanation := text(t, cand, "[data-testid=stage-explanation]")
	if explanation == "" || !strings.Contains(strings.ToLower(explanation), "assessment") {
		t.Fatalf("stage explanation = %q, want a text about the assessment", explanation)
	}
	expected := text(t, cand, "[data-testid=expected-date]")
	if !strings.Contains(expected, "You can expect to hear from us by") {
		t.Fatalf("expected date = %q, want the promise of an update", expected)
	}
	// Moved on Tuesday 1 December; the sales SLA is 3 business days.
	if !strings.Contains(expected, "Friday 4 December") {
		t.Errorf("expected date = %q, want Friday 4 December (3 business days after Tuesday 1 December)", expected)
	}
	if got := text(t, cand, "[data-testid=history]"); strings.Contains(got, "Strong first interview.") {
		t.Fatalf("the candidate sees the internal move note: %q", got)
	}
	screenshot(t, cand, "candidate-desktop.png")
}

// TestBrowserCandidateSignInByEmail: a candidate asks for a link on /signin,
// uses it once, and cannot use it again.
func TestBrowserCandidateSignInByEmail(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const email = "amelia.hart@example.com"
	ctx := context.Background()
	_, before, err := app.Store.ListOutbox(ctx, app.adminActor(), models.OutboxFilter{To: email, Page: 1})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	open(t, b, app.URL+"/signin", "#email")
	fill(t, b, "email", email)
	if status := submit(t, b, `form[action="/signin"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("request link: status %d on %s", status, currentURL(b))
	}
	waitVisible(t, b, "[data-testid=signin-sent]")
	if got := path(t, b); got != "/signin/sent" {
		t.Fatalf("after asking for a link the browser is on %s, want /signin/sent", got)
	}

	msgs, after, err := app.Store.ListOutbox(ctx, app.adminActor(), models.OutboxFilter{To: email, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if after != before+1 || len(msgs) == 0 {
		t.Fatalf("outbox for %s: %d messages before, %d after; want exactly one new", email, before, after)
	}
	if msgs[0].Kind != "candidate_sign_in" {
		t.Fatalf("newest message kind = %q, want candidate_sign_in", msgs[0].Kind)
	}
	if strings.Contains(msgs[0].Body, "/signin/") {
		t.Fatalf("the outbox shows the admin a working sign-in link: %q", msgs[0].Body)
	}
	body := app.storedBody(msgs[0].ID)
	link := signInLinkRe.FindString(body)
	if !strings.HasPrefix(link, app.URL+"/signin/") {
		t.Fatalf("sign-in message holds no link to %s: %q", app.URL, body)
	}

	browserUseSignInLink(t, b, link)
	if got := text(t, b, "main h1"); got != "Hello, Amelia" {
		t.Fatalf("/me heading = %q, want Hello, Amelia", got)
	}
	waitVisible(t, b, "[data-testid=application]")
	if got := text(t, b, "[data-testid=current-stage-title]"); got != "Interview completed" {
		t.Fatalf("Amelia's current stage = %q, want Interview completed", got)
	}
	if got := text(t, b, "[data-testid=stepper]"); got == "" {
		t.Fatal("the stepper of the application is empty")
	}

	// The same link a second time: the page still opens, but Continue fails.
	continueBtn := `form[action^="/signin/"] button[type=submit]`
	open(t, b, link, continueBtn)
	if status := submit(t, b, continueBtn); status != http.StatusGone {
		t.Errorf("replaying a used link: status %d, want 410", status)
	}
	waitVisible(t, b, "[data-testid=link-invalid]")
	if got := text(t, b, "[data-testid=link-invalid]"); got != "This link no longer works" {
		t.Fatalf("replayed link heading = %q", got)
	}
	if got := path(t, b); !strings.HasPrefix(got, "/signin/") {
		t.Fatalf("after the replay the browser is on %s, want the link page", got)
	}
}

// TestBrowserValidationKeepsInput: an invalid email re-renders the form with
// the error summary and every typed value, and creates nothing.
func TestBrowserValidationKeepsInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	before := countCandidates(t, app)

	b := newBrowser(t)
	browserLoginStaff(t, b, app, recruiterEmail, "/admin")
	open(t, b, app.URL+"/admin/candidates/new", "#name")
	fill(t, b, "name", "Valid Name")
	fill(t, b, "email", "not-an-email")
	positionValue := selectOption(t, b, "#position_id", "Account Executive")
	if status := submit(t, b, `form[action="/admin/candidates"] button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Errorf("invalid email: status %d, want 422", status)
	}
	waitVisible(t, b, "[data-testid=error-summary]")
	if got := text(t, b, "[data-testid=error-summary]"); !strings.Contains(strings.ToLower(got), "email") {
		t.Errorf("error summary = %q, want it to be about the email", got)
	}
	if got := fieldValue(t, b, "#name"); got != "Valid Name" {
		t.Fatalf("name after the error = %q, want the typed Valid Name", got)
	}
	if got := fieldValue(t, b, "#email"); got != "not-an-email" {
		t.Errorf("email after the error = %q, want the typed value kept for correction", got)
	}
	if got := fieldValue(t, b, "#position_id"); got != positionValue {
		t.Errorf("position after the error = %q, want the chosen %q", got, positionValue)
	}
	if got := run(t, b, "email aria-invalid", chromedp.AttributeValue(chromedp.ID("email"), "aria-invalid")); got.Value != "true" {
		t.Errorf("email aria-invalid = %q, want true", got.Value)
	}
	if got := run(t, b, "focused element", chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.getAttribute("data-testid") || document.activeElement.tagName) : ""`)); got != "error-summary" {
		t.Errorf("focus after the error is on %q, want the error summary", got)
	}
	if after := countCandidates(t, app); after != before {
		t.Fatalf("candidates: %d before, %d after an invalid submission", before, after)
	}
	screenshot(t, b, "admin-candidate-new-error.png")
}

// TestBrowserMobileWidth: the candidate page fits a 360px wide phone screen.
func TestBrowserMobileWidth(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const email = "ben.okafor@example.com"
	link, err := app.Store.IssueSignInLink(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	do(t, b, "emulate a 360px viewport", chromedp.EmulateViewport(360, 800))
	browserUseSignInLink(t, b, link)
	waitVisible(t, b, "[data-testid=current-stage]")
	if got := text(t, b, "[data-testid=stepper-summary]"); !strings.HasSuffix(got, ": Assessment day") {
		t.Fatalf("current step on mobile = %q, want Assessment day", got)
	}
	if w := run(t, b, "viewport width", chromedp.Evaluate[int](`window.innerWidth`)); w != 360 {
		t.Fatalf("viewport is %dpx wide, want the emulated 360px", w)
	}
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("/me is %dpx wide on a 360px screen: it scrolls sideways", sw)
	}
	screenshot(t, b, "candidate-mobile.png")

	// The page of one application must fit too.
	open(t, b, fmt.Sprintf("%s/me/applications/%d", app.URL, app.applicationID(email)), "[data-testid=application]")
	if sw := run(t, b, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); sw > 360 {
		t.Errorf("/me/applications/:id is %dpx wide on a 360px screen: it scrolls sideways", sw)
	}
	screenshot(t, b, "candidate-application-mobile.png")
}
