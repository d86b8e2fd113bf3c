package handlers_test

import (
	"archive/zip"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestBrowserCandidateDownloadsTheirData: Noah presses "Download your data"
// on his account page and Chromium saves a zip under the export's name,
// with his data.json in it; the page stays where it was.
func TestBrowserCandidateDownloadsTheirData(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), noahEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, b, link)

	dir := t.TempDir()
	events := true
	if _, err := chromedp.CallBrowser(b, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: chromedp.FromContext(b).BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatalf("allowing downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(b, browser.DownloadProgress)
	open(t, b, app.URL+"/me/account", "[data-testid=your-data]")
	if got := text(t, b, "[data-testid=your-data] p"); !strings.Contains(got, "everything we hold about you") {
		t.Errorf("the section says %q", got)
	}
	do(t, b, "press Download your data", chromedp.Click(chromedp.CSS("[data-testid=download-data]")))
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
	if err != nil || len(files) != 1 || !regexp.MustCompile(`^nextstep-data-\d+-\d{4}-\d\d-\d\d\.zip$`).MatchString(filepath.Base(files[0])) {
		t.Fatalf("downloaded %v (%v)", files, err)
	}
	zr, err := zip.OpenReader(files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) < 3 || names[0] != "README.txt" || names[1] != "data.json" {
		t.Errorf("the zip holds %v", names)
	}
	if got := path(t, b); got != "/me/account" {
		t.Errorf("after the download the browser is on %s", got)
	}
}
