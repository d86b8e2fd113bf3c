package handlers_test

import (
	"archive/zip"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

// downloadInto lets the tab save downloads into dir and presses sel; it
// returns the one file saved.
func downloadInto(t *testing.T, b context.Context, dir, sel string) string {
	t.Helper()
	events := true
	if _, err := chromedp.CallBrowser(b, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: chromedp.FromContext(b).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(b, browser.DownloadProgress)
	do(t, b, "press "+sel, chromedp.Click(chromedp.CSS(sel)))
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("downloaded %v (%v)", files, err)
	}
	return files[0]
}

// zipEntry is one file of a zip, read whole.
func zipEntry(t *testing.T, file, name string) string {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == name {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s holds no %s", file, name)
	return ""
}

// Acceptance (issue 23): Elena downloads her data and asks for erasure from
// her account page; an admin confirms on the erasure requests page; Elena is
// signed out, her unused sign-in link no longer works, and asking for a new
// one sends her nothing.
func TestBrowserCandidateDownloadsAsksErasureAndIsSignedOut(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	const email = "elena.rossi@example.com"
	link, err := app.Store.IssueSignInLink(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	spare, err := app.Store.IssueSignInLink(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	candidateID := app.candidateID(email)
	elena := newBrowser(t)
	browserUseSignInLink(t, elena, link)

	open(t, elena, app.URL+"/me/account", "[data-testid=erasure]")
	zipFile := downloadInto(t, elena, t.TempDir(), "[data-testid=download-data]")
	if data := zipEntry(t, zipFile, "data.json"); !strings.Contains(data, "Elena Rossi") || !strings.Contains(data, email) {
		t.Errorf("the export's data.json does not hold her name and email: %.300s", data)
	}
	if status := submit(t, elena, "[data-testid=erasure-request]"); status != http.StatusOK {
		t.Fatalf("asking for erasure: status %d", status)
	}
	waitVisible(t, elena, "[data-testid=erasure-requested]")
	screenshot(t, elena, "erasure-requested")

	admin := newBrowser(t)
	browserLoginStaff(t, admin, app, adminEmail, "/admin")
	open(t, admin, app.URL+"/admin/erasure", "[data-testid=erasure-confirm]")
	var id int64
	mustDB(t, app.Store.DB().Raw(`SELECT r.id FROM erasure_requests r JOIN candidates c ON c.id = r.candidate_id
		WHERE c.email = ? AND r.status = 'requested'`, email).Scan(&id))
	if id == 0 {
		t.Fatal("no open request for Elena")
	}
	section := "[data-testid=erasure-request-" + strconv.FormatInt(id, 10) + "]"
	if got := text(t, admin, section+" h2"); got != "Elena Rossi" {
		t.Errorf("the request is headed %q", got)
	}
	screenshot(t, admin, "erasure-requests")
	if status := submit(t, admin, section+" [data-testid=erasure-confirm]"); status != http.StatusOK {
		t.Fatalf("confirming: status %d", status)
	}
	if got := text(t, admin, section+" [data-testid=erasure-status]"); got != models.ErasureDone.Label() {
		t.Errorf("after confirming the request reads %q", got)
	}

	// The staff page says she was erased, and offers nothing to add.
	open(t, admin, app.URL+"/admin/candidates/"+strconv.FormatInt(candidateID, 10), "[data-testid=candidate-erased]")
	if got := text(t, admin, "[data-testid=candidate-name]"); got != models.ErasedName(candidateID) {
		t.Errorf("the staff page is headed %q", got)
	}
	if n := run(t, admin, "forms that add", chromedp.Evaluate[int](`document.querySelectorAll('form[action$="/notes"], form[action$="/documents"]').length`)); n != 0 {
		t.Errorf("the erased person's page still has %d forms that add to the record", n)
	}
	// Elena's session is over: her page asks her to sign in.
	open(t, elena, app.URL+"/me", "main")
	if got := path(t, elena); !strings.HasPrefix(got, "/signin") {
		t.Errorf("after erasure Elena's browser opens /me as %s, want the sign-in page", got)
	}
	// Her unused link no longer works.
	open(t, elena, spare, "main")
	if run(t, elena, "continue button", chromedp.Evaluate[bool](`document.querySelector('form[action^="/signin/"] button[type=submit]') !== null`)) {
		submit(t, elena, `form[action^="/signin/"] button[type=submit]`)
	}
	waitVisible(t, elena, "[data-testid=link-invalid]")
	if got := path(t, elena); got == "/me" {
		t.Error("an unused sign-in link still signs Elena in after erasure")
	}
	// Asking for a new link with her old address sends nothing.
	var before int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = 'candidate_sign_in'").Scan(&before))
	open(t, elena, app.URL+"/signin", "#email")
	fill(t, elena, "email", email)
	submit(t, elena, `form[action="/signin"] button[type=submit]`)
	var after int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM outbox_messages WHERE kind = 'candidate_sign_in'").Scan(&after))
	if after != before {
		t.Errorf("asking for a sign-in link after erasure wrote %d messages", after-before)
	}
	open(t, elena, app.URL+"/me", "main")
	if got := path(t, elena); !strings.HasPrefix(got, "/signin") {
		t.Errorf("Elena reached %s after erasure", got)
	}
}
