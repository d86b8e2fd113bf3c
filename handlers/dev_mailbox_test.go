package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"nextstep/handlers"
)

type fakeMailbox []handlers.DevMail

func (f fakeMailbox) Mail() []handlers.DevMail { return f }

// The development mailbox lists the mail with working links and serves the
// HTML version sandboxed; without a mailbox (production) there is no page.
func TestDevelopmentMailbox(t *testing.T) {
	t.Parallel()
	box := fakeMailbox{{ID: 2, From: "jobs@nextstep.test", To: []string{"ben.okafor@example.com"}, Subject: "Your sign-in link",
		Date: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Text: "Sign in here:\nhttp://example.test/signin/abc123\nThanks", HTML: "<p>Sign in <script>alert(1)</script></p>"}}
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.DevMailbox = box })
	c := app.newClient()
	list := c.get("/dev/mailbox")
	if list.Status != http.StatusOK || list.Doc(t).Find(`[data-testid=mailbox-row] a[href="/dev/mailbox/2"]`).Text() != "Your sign-in link" {
		t.Fatalf("the mailbox list: %d %.300s", list.Status, list.Body)
	}
	mail := c.get("/dev/mailbox/2")
	if href, _ := mail.Doc(t).Find("[data-testid=mail-text] a").Attr("href"); href != "http://example.test/signin/abc123" {
		t.Errorf("the mail's link: %q", href)
	}
	if text := mail.Doc(t).Find("[data-testid=mail-text]").Text(); !strings.Contains(text, "Sign in here:\n") {
		t.Errorf("the text version lost its lines: %q", text)
	}
	html := c.get("/dev/mailbox/2/html")
	if csp := html.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("the HTML version's CSP: %q", csp)
	}
	if res := c.get("/dev/mailbox/3"); res.Status != http.StatusNotFound {
		t.Errorf("an unknown message: %d", res.Status)
	}

	prod := newTestApp(t).newClient()
	if res := prod.get("/dev/mailbox"); res.Status != http.StatusNotFound {
		t.Errorf("without a development mailbox: %d, want 404", res.Status)
	}
}
