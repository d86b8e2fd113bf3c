package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestBrowserDeepLinkFromEmailReturnsAfterSignIn is the journey of a
// candidate who is not signed in and opens the button of an email about
// their application: they are sent to sign in, ask for a link, follow the
// link the SMTP server received, and land on that application's page, not
// on /me. There, the link in the same message on their Messages page works.
func TestBrowserDeepLinkFromEmailReturnsAfterSignIn(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	const email = "amelia.hart@example.com"
	deep := fmt.Sprintf("/me/applications/%d", app.applicationID(email))

	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	res := rec.post(fmt.Sprintf("/admin/applications/%d/move", app.applicationID(email)),
		url.Values{"to_stage": {"additional_interview"}, "candidate_id": {fmt.Sprint(app.candidateID(email))}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("move stage: %d %.300s", res.Status, res.Body)
	}
	news := waitForMail(t, sink, email, "Next step for Account Executive: Another interview")
	html, err := news.HTML()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	button, _ := doc.Find(`table[role=presentation] td[bgcolor] > a`).Attr("href")
	if button != app.URL+deep {
		t.Fatalf("the email's button leads to %q, want %s", button, app.URL+deep)
	}

	// Signed out, the button leads to the sign-in page, which keeps the page.
	b := newBrowser(t)
	open(t, b, button, "#email")
	if got := path(t, b); got != "/signin" {
		t.Fatalf("a signed-out candidate opening %s is on %s, want /signin", deep, got)
	}
	waitVisible(t, b, "[data-testid=signin-next]")
	if got := fieldValue(t, b, `form[action="/signin"] input[name=next]`); got != deep {
		t.Errorf("the sign-in form carries next=%q, want %s", got, deep)
	}
	fill(t, b, "email", email)
	if status := submit(t, b, `form[action="/signin"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("request link: status %d on %s", status, currentURL(b))
	}
	waitVisible(t, b, "[data-testid=signin-sent]")

	// The link from the received mail, in the same browser: Continue lands
	// on the application's page.
	signIn := waitForMail(t, sink, email, "Your sign-in link for Nextstep Demo Ltd")
	body, err := signIn.Text()
	if err != nil {
		t.Fatal(err)
	}
	link := signInLinkRe.FindString(body)
	if !strings.HasPrefix(link, app.URL+"/signin/") {
		t.Fatalf("the sign-in mail holds no link: %q", body)
	}
	continueBtn := `form[action^="/signin/"] button[type=submit]`
	open(t, b, link, continueBtn)
	if status := submit(t, b, continueBtn); status != http.StatusOK {
		t.Fatalf("Continue: status %d on %s", status, currentURL(b))
	}
	if got := path(t, b); got != deep {
		t.Fatalf("after Continue the candidate is on %s, want %s (the page the email opened)", got, deep)
	}
	screenshot(t, b, "deep-link-after-sign-in.png")

	// The same message on the Messages page: its link is live and leads there.
	open(t, b, app.URL+"/me/messages", "[data-testid=inbox-message]")
	inMessage := fmt.Sprintf(`[data-testid=message-body] a[href=%q]`, app.URL+deep)
	waitVisible(t, b, inMessage)
	if status := submit(t, b, inMessage); status != http.StatusOK {
		t.Fatalf("following the message's link: status %d on %s", status, currentURL(b))
	}
	if got := path(t, b); got != deep {
		t.Errorf("the message's link led to %s, want %s", got, deep)
	}
}
