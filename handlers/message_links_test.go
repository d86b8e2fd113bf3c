package handlers_test

// Messages and links: the candidate's Messages page makes the portal's own
// links live and nothing else, a candidate returns to the page an email sent
// them to after signing in (and only to a page of their own), and the
// delivered email is marked automatic and laid out for mail clients.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/pquerna/otp/totp"

	"nextstep/models"
)

// foreignLinksMessage rewords the stage-change message so that it names
// other sites before the candidate's page — a plain one and two spelled to
// pass for the portal (a look-alike host, a user name) — then moves Amelia
// on and waits until that message has left. It returns her application's
// page as the message links to it, and the foreign addresses.
func foreignLinksMessage(t *testing.T, app *testApp) (appLink string, foreign []string) {
	t.Helper()
	const amelia = "amelia.hart@example.com"
	host := strings.TrimPrefix(app.URL, "http://")
	foreign = []string{"https://evil.example/about", "http://" + host + ".evil.example/me", "http://" + host + "@evil.example/me"}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.post("/admin/message-templates/stage_changed", url.Values{"do": {"save"},
		"subject": {"Next step for {{job_title}}: {{stage}}"},
		"body": {"Hello {{candidate_name}},\n\nRead about us first: " + foreign[0] + ", or " + foreign[1] + " and " + foreign[2] + ".\n\n" +
			"Your next step: {{stage}}.\n\n{{explanation}}\n\nWhat to do now: {{what_to_do}}\n\nSee the details on your page:\n{{application_link}}"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("saving the wording: %d %.400s", res.Status, res.Body)
	}
	appID := app.applicationID(amelia)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	res = rec.post(fmt.Sprintf("/admin/applications/%d/move", appID),
		url.Values{"to_stage": {"additional_interview"}, "candidate_id": {fmt.Sprint(app.candidateID(amelia))}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("move stage: %d %.300s", res.Status, res.Body)
	}
	app.waitMessageStatus(app.latestMessageID(amelia, models.MsgStageChanged), models.MessageSent)
	return app.URL + fmt.Sprintf("/me/applications/%d", appID), foreign
}

// TestMessagesPageLinksOnlyToThePortal: on the candidate's Messages page the
// message reads as paragraphs, its link to the candidate's page is a link,
// and the addresses of other sites are words, not links.
func TestMessagesPageLinksOnlyToThePortal(t *testing.T) {
	t.Parallel()
	app, _ := newMailTestApp(t)
	appLink, foreign := foreignLinksMessage(t, app)

	c := app.newClient()
	c.loginCandidate("amelia.hart@example.com")
	res := c.get("/me/messages")
	if res.Status != http.StatusOK {
		t.Fatalf("/me/messages: %d", res.Status)
	}
	msg := res.Doc(t).Find("[data-testid=inbox-message]:has(.message-subject:contains('Another interview'))")
	if msg.Length() != 1 {
		t.Fatalf("the stage change is not on the Messages page:\n%.2000s", res.Body)
	}
	if n := msg.Find(fmt.Sprintf(`a[href=%q]`, appLink)).Length(); n != 1 {
		t.Errorf("%d links to %s in the message, want 1:\n%s", n, appLink, must(msg.Html()))
	}
	msg.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if href, _ := a.Attr("href"); href != appLink {
			t.Errorf("the message links to %q; only the portal's pages may be links", href)
		}
	})
	text := squash(msg.Text())
	for _, f := range foreign {
		if !strings.Contains(text, f) {
			t.Errorf("the foreign address %s is not shown as words: %q", f, text)
		}
	}
	if msg.Find("pre").Length() != 0 || msg.Find("[data-testid=message-body] p").Length() < 4 {
		t.Errorf("the message is not set as paragraphs:\n%s", must(msg.Html()))
	}
	linkPara := msg.Find(fmt.Sprintf(`[data-testid=message-body] p:has(a[href=%q])`, appLink))
	if linkPara.Length() != 1 || linkPara.Text() != "See the details on your page:"+appLink || linkPara.Find("br").Length() != 1 {
		t.Errorf("the link's paragraph is %q, want its two lines", must(linkPara.Html()))
	}
}

func must(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// TestDeliveredEmailIsAutomaticAndBuiltForMailClients: the email as the SMTP
// server received it says it is auto-generated (RFC 3834), and its HTML part
// is a table layout at most 600 px wide, with a hidden preheader and the
// candidate's page (the first portal link, after foreign ones) as a
// bulletproof button, the address also shown; the text part is the text.
func TestDeliveredEmailIsAutomaticAndBuiltForMailClients(t *testing.T) {
	t.Parallel()
	app, sink := newMailTestApp(t)
	appLink, foreign := foreignLinksMessage(t, app)

	mail := waitForMail(t, sink, "amelia.hart@example.com", "Next step for Account Executive: Another interview")
	if got := mail.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted header = %q, want auto-generated", got)
	}
	text, err := mail.Text()
	if err != nil {
		t.Fatal(err)
	}
	if want := "See the details on your page:\n" + appLink; !strings.Contains(strings.ReplaceAll(text, "\r\n", "\n"), want) {
		t.Errorf("the text part lost its plain link:\n%s", text)
	}
	html, err := mail.HTML()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find(`table[role=presentation]`).Length(); n < 3 {
		t.Errorf("%d layout tables, want the page, the 600 px column and the button:\n%s", n, html)
	}
	if doc.Find(`table[role=presentation][style*="max-width:600px"]`).Length() != 1 || !strings.Contains(html, `<!--[if mso]><table role="presentation" width="600"`) {
		t.Errorf("the column is not held to 600 px (max-width, and a fixed table for Outlook):\n%s", html)
	}
	if style, _ := doc.Find("body").Attr("style"); strings.Contains(style, "font") || strings.Contains(style, "color:#1d2230") {
		t.Errorf("the text's look relies on <body> styles: %q", style)
	}
	pre := doc.Find(`body > div[style*="display:none"]`)
	if pre.Length() != 1 || !strings.Contains(pre.Text(), "Read about us first") || strings.Contains(pre.Text(), "http") {
		t.Errorf("preheader = %q, want the first paragraph after the greeting, hidden, without addresses", pre.Text())
	}
	button := doc.Find(`table[role=presentation] td[bgcolor] > a`)
	if button.Length() != 1 {
		t.Fatalf("%d buttons, want 1:\n%s", button.Length(), html)
	}
	if href, _ := button.Attr("href"); href != appLink || strings.TrimSpace(button.Text()) != "Open your page" {
		t.Errorf("the button is %q → %q, want Open your page → %s", strings.TrimSpace(button.Text()), href, appLink)
	}
	if style, _ := button.Parent().Attr("style"); !strings.Contains(style, "mso-padding-alt") {
		t.Errorf("the button's cell has no padding for Outlook: %q", style)
	}
	shown := doc.Find("p:contains('Or open this address')")
	if shown.Length() != 1 || strings.TrimSpace(shown.Find("a").Text()) != appLink {
		t.Errorf("the button's address is not also shown: %q", shown.Text())
	}
	for _, f := range foreign[:1] {
		if doc.Find(fmt.Sprintf(`a[href=%q]`, f)).Length() != 1 {
			t.Errorf("the email's own link to %s is gone (only the button is reserved for the portal)", f)
		}
	}
}

// TestCandidateReturnsOnlyToTheirOwnPages: a signed-out candidate's deep
// link goes through the sign-in page and, once the emailed link is used in
// the same browser, back to that page; anywhere else (another site in each
// spelling browsers follow, a staff page, a path that leaves /me) is
// refused at every step and the candidate lands on /me.
func TestCandidateReturnsOnlyToTheirOwnPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const ben = "ben.okafor@example.com"
	deep := fmt.Sprintf("/me/applications/%d", app.applicationID(ben))

	res := app.newClient().get(deep)
	if want := "/signin?next=" + url.QueryEscape(deep); res.Status != http.StatusSeeOther || res.Location != want {
		t.Fatalf("a signed-out candidate's %s: %d → %q, want 303 → %q", deep, res.Status, res.Location, want)
	}
	if res := app.newClient().get("/me"); res.Location != "/signin" {
		t.Errorf("/me signed out → %q, want plain /signin", res.Location)
	}

	signInVia := func(next string) (form string, landed string) {
		t.Helper()
		c := app.newClient()
		page := c.get("/signin?next=" + url.QueryEscape(next))
		form, _ = page.Doc(t).Find(`form[action="/signin"] input[name=next]`).Attr("value")
		if res := c.post("/signin", url.Values{"email": {ben}, "next": {next}}); res.Status != http.StatusSeeOther {
			t.Fatalf("asking for a link with next=%q: %d", next, res.Status)
		}
		// The link as the email brings it (IssueSignInLink: the form's own
		// link would soon meet the five-a-window limit).
		link, err := app.Store.IssueSignInLink(t.Context(), ben)
		if err != nil {
			t.Fatal(err)
		}
		path := strings.TrimPrefix(link, app.URL)
		c.get(path)
		res := c.post(path, nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("using the link after next=%q: %d", next, res.Status)
		}
		return form, res.Location
	}

	for _, next := range []string{deep, deep + "/offer?from=email"} {
		if form, landed := signInVia(next); form != next || landed != next {
			t.Errorf("next=%q: the form carries %q and the link lands on %q, want both %q", next, form, landed, next)
		}
	}
	for _, next := range []string{"//evil.example", "https://evil.example", "/admin", "/\\evil.example", "http://evil.example/me",
		"/me/../admin", "/me/\\..\\admin", "/me/%2e%2e/admin", "/me%2F..%2Fadmin", "/messages", "me/applications/1"} {
		if form, landed := signInVia(next); form != "" || landed != "/me" {
			t.Errorf("next=%q: the form carries %q and the link lands on %q, want nothing and /me", next, form, landed)
		}
	}

	// Whatever else waits in the session is checked again when the link is
	// used: a staff member's page, left by a password sign-in abandoned at
	// the code step on this computer, does not send the candidate there.
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	code, err := totp.GenerateCode(secret, app.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	staffID := app.staffID(interviewerEmail)
	if err := app.Store.EnableTOTP(t.Context(), models.Actor{Kind: "staff", ID: staffID, Email: interviewerEmail, Role: models.RoleInterviewer},
		staffID, secret, code); err != nil {
		t.Fatal(err)
	}
	shared := app.newClient()
	if res := shared.post("/staff/login", url.Values{"email": {interviewerEmail}, "password": {models.DemoPassword}, "next": {"/admin/my-interviews"}}); res.Location != "/staff/login/totp" {
		t.Fatalf("password step with two-step sign-in on: %d → %q", res.Status, res.Location)
	}
	link, err := app.Store.IssueSignInLink(t.Context(), ben)
	if err != nil {
		t.Fatal(err)
	}
	if res := shared.post(strings.TrimPrefix(link, app.URL), nil); res.Location != "/me" {
		t.Errorf("a candidate's link used after a staff member's abandoned sign-in lands on %q, want /me", res.Location)
	}

	// A later request without a page forgets the earlier page.
	c := app.newClient()
	for _, next := range []string{deep, ""} {
		if res := c.post("/signin", url.Values{"email": {ben}, "next": {next}}); res.Status != http.StatusSeeOther {
			t.Fatalf("asking for a link: %d", res.Status)
		}
	}
	link, err = app.Store.IssueSignInLink(t.Context(), ben)
	if err != nil {
		t.Fatal(err)
	}
	if res := c.post(strings.TrimPrefix(link, app.URL), nil); res.Location != "/me" {
		t.Errorf("after a second request without a page the link lands on %q, want /me", res.Location)
	}
}
