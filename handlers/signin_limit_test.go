package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
)

// TestSignInLimitIsExplainedToEveryone: past the limit of links per address
// nothing more is sent, and the "check your email" page says what to do then,
// to every visitor alike: the answer for an address over its limit is the
// answer for an unknown one.
func TestSignInLimitIsExplainedToEveryone(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const known = "ben.okafor@example.com"
	ask := func(email string) string {
		c := app.newClient()
		res := c.post("/signin", url.Values{"email": {email}})
		if res.Status != http.StatusSeeOther || res.Location != "/signin/sent" {
			t.Fatalf("asking a link for %s: %d → %q", email, res.Status, res.Location)
		}
		return c.get(res.Location).Body
	}
	for range models.SignInLinksPerWindow {
		ask(known)
	}
	before := app.countRows("outbox_messages", "to_email = ? AND kind = 'candidate_sign_in'", known)
	limited := ask(known)
	if after := app.countRows("outbox_messages", "to_email = ? AND kind = 'candidate_sign_in'", known); after != before {
		t.Fatalf("a link past the limit was sent (%d → %d messages)", before, after)
	}
	unknown := ask("nobody.here@example.com")
	if limited != unknown {
		t.Fatalf("the page over the limit differs from the page for an unknown address")
	}
	res := app.newClient().get("/signin/sent")
	note := strings.Join(strings.Fields(res.Doc(t).Find("[data-testid=signin-limit]").Text()), " ")
	for _, want := range []string{"several links", "at most 5 links to one address in 15 minutes", "wait 15 minutes"} {
		if !strings.Contains(note, want) {
			t.Errorf("the check-your-email page's note %q does not say %q", note, want)
		}
	}
}
