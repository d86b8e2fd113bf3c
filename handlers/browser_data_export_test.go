package handlers_test

import (
	"archive/zip"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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

	open(t, b, app.URL+"/me/account", "[data-testid=your-data]")
	if got := text(t, b, "[data-testid=your-data] p"); !strings.Contains(got, "everything we hold about you") {
		t.Errorf("the section says %q", got)
	}
	file := downloadInto(t, b, t.TempDir(), "[data-testid=download-data]")
	if !regexp.MustCompile(`^nextstep-data-\d+-\d{4}-\d\d-\d\d\.zip$`).MatchString(filepath.Base(file)) {
		t.Fatalf("downloaded %s", file)
	}
	zr, err := zip.OpenReader(file)
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
