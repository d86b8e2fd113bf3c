package handlers_test

// Valid HTML: every page the accessibility run (browser_axe_test.go) opens is
// saved, and html-validate checks them all in one run at the end, with the
// project's .htmlvalidate.json. html-validate comes from npm at the version
// the Makefile pins (`make html-validate`, a prerequisite of `make test`).
//
// A page opened by its address is saved as the server sent it (fetched again
// in the same tab, so with the same session): the browser's parser would hide
// a duplicate attribute or a misnested element. A page that is the answer to
// a form (a refusal shown at 422) cannot be fetched again, so its document is
// saved as the browser holds it, with its doctype.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
)

// htmlValidateBin is where `make html-validate` installs the checker,
// relative to the handlers package.
var htmlValidateBin = filepath.Join("..", ".cache", "html-validate", "node_modules", ".bin", "html-validate")

const (
	// fetchHTMLScript reads the page the tab shows again, as the server sends it.
	fetchHTMLScript = `fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); })`
	// domHTMLScript is the document the tab holds now, with its doctype.
	domHTMLScript = `(document.doctype ? new XMLSerializer().serializeToString(document.doctype) + "\n" : "") + document.documentElement.outerHTML`
)

// htmlPages collects the pages of one run for html-validate.
type htmlPages struct {
	t      *testing.T
	dir    string
	labels map[string]string // file → the page it holds, as the failure names it
	files  []string
}

func newHTMLPages(t *testing.T) *htmlPages {
	return &htmlPages{t: t, dir: t.TempDir(), labels: map[string]string{}}
}

func (h *htmlPages) save(label, html string) {
	h.t.Helper()
	name := filepath.Join(h.dir, fmt.Sprintf("page-%03d.html", len(h.files)+1))
	if err := os.WriteFile(name, []byte(html), 0o600); err != nil {
		h.t.Fatalf("saving the HTML of %s: %v", label, err)
	}
	h.labels[name] = label
	h.files = append(h.files, name)
}

// fromServer saves the page the tab shows as the server sends it.
func (h *htmlPages) fromServer(ctx context.Context, label string) {
	h.t.Helper()
	h.save(label, run(h.t, ctx, "fetch the HTML of "+label, chromedp.Evaluate[string](fetchHTMLScript, chromedp.EvalAwaitPromise)))
}

// fromDOM saves the document the tab holds (a form's answer). The browser
// writes a boolean attribute as required="", where the server writes
// required: both are valid, and the served form is put back so that one
// style holds for every page.
func (h *htmlPages) fromDOM(ctx context.Context, label string) {
	h.t.Helper()
	html := run(h.t, ctx, "read the HTML of "+label, chromedp.Evaluate[string](domHTMLScript))
	h.save(label, serializedBoolean.ReplaceAllString(html, "$1"))
}

// serializedBoolean is a boolean attribute as the DOM's serialiser writes it.
var serializedBoolean = regexp.MustCompile(`(\s(?:async|autofocus|checked|defer|disabled|formnovalidate|hidden|inert|multiple|novalidate|open|readonly|required|reversed|selected))=""`)

// htmlMessage is one finding in html-validate's JSON report.
type htmlMessage struct {
	RuleID   string `json:"ruleId"`
	Severity int    `json:"severity"`
	Message  string `json:"message"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Selector string `json:"selector"`
}

type htmlResult struct {
	FilePath string        `json:"filePath"`
	Messages []htmlMessage `json:"messages"`
}

// validate runs html-validate once over every saved page and fails the test
// with each error: the page, the rule, the message and where. Two checks of
// its own come first: no empty reference to other elements (html-validate
// lets aria-describedby="" pass, the Nu checker does not), and a meta
// description on public pages (no one signed in: no main navigation).
func (h *htmlPages) validate() {
	h.t.Helper()
	h.checkOwnRules()
	bin, _ := filepath.Abs(htmlValidateBin)
	if _, err := os.Stat(bin); err != nil {
		h.t.Errorf("html-validate is not installed (%v): run `make html-validate` (make test does it)", err)
		return
	}
	config, _ := filepath.Abs(filepath.Join("..", ".htmlvalidate.json"))
	// The report goes to a file: node cuts a long report short on a pipe when it exits.
	report := filepath.Join(h.dir, "report.json")
	cmd := exec.Command(bin, append([]string{"--config", config, "--formatter", "json=" + report}, h.files...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		h.t.Fatalf("running html-validate: %v\n%s", err, out)
	}
	raw, rerr := os.ReadFile(report)
	if rerr != nil {
		h.t.Fatalf("html-validate wrote no report (%v): %s", rerr, out)
	}
	var results []htmlResult
	if jerr := json.Unmarshal(raw, &results); jerr != nil {
		h.t.Fatalf("reading html-validate's report: %v\n%s", jerr, out)
	}
	var lines []string
	warnings := 0
	for _, r := range results {
		for _, m := range r.Messages {
			if m.Severity < 2 {
				warnings++
				h.t.Logf("html-validate (warning) %s: [%s] %s at %d:%d %s", h.labels[r.FilePath], m.RuleID, m.Message, m.Line, m.Column, m.Selector)
				continue
			}
			lines = append(lines, fmt.Sprintf("  %s: [%s] %s\n      at line %d:%d %s", h.labels[r.FilePath], m.RuleID, m.Message, m.Line, m.Column, m.Selector))
		}
	}
	if err != nil && len(lines) == 0 {
		h.t.Errorf("html-validate failed without naming an error: %v\n%s", err, out)
	}
	h.t.Logf("html-validate checked %d pages (%d warnings)", len(h.files), warnings)
	if len(lines) > 0 {
		h.t.Errorf("html-validate found %d errors (files in %s):\n%s", len(lines), h.dir, strings.Join(lines, "\n"))
	}
}

// emptyReferences are the attributes that name other elements by id: empty,
// they are invalid.
var emptyReferences = []string{"aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "for", "list", "form"}

// checkOwnRules: no attribute names an element by an empty id; a page for
// visitors who are not signed in says what the site is in a meta description
// (what a search result or a shared link shows).
func (h *htmlPages) checkOwnRules() {
	h.t.Helper()
	for _, f := range h.files {
		raw, err := os.ReadFile(f)
		if err != nil {
			h.t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
		if err != nil {
			h.t.Fatalf("parsing %s: %v", h.labels[f], err)
		}
		for _, attr := range emptyReferences {
			doc.Find("[" + attr + "]").Each(func(_ int, el *goquery.Selection) {
				if v, _ := el.Attr(attr); strings.TrimSpace(v) == "" {
					h.t.Errorf("%s: [empty-reference] an empty %s on <%s id=%q name=%q>", h.labels[f], attr, goquery.NodeName(el), el.AttrOr("id", ""), el.AttrOr("name", ""))
				}
			})
		}
		if doc.Find(`nav[aria-label="Main"]`).Length() > 0 {
			continue // someone is signed in
		}
		if d, _ := doc.Find(`head meta[name="description"]`).Attr("content"); strings.TrimSpace(d) == "" {
			h.t.Errorf("%s: a public page without a meta description", h.labels[f])
		}
	}
}
