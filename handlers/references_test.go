package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"nextstep/handlers"
	"nextstep/models"
)

const graceEmail = "grace.liu@example.com"

// atReferenceChecks moves Grace (engineering, HR round) on to the
// reference checks and returns her application's id.
func atReferenceChecks(t *testing.T, app *testApp) int64 {
	t.Helper()
	appID := app.applicationID(graceEmail)
	if err := app.Store.MoveStage(context.Background(), app.adminActor(), appID, models.MoveRequest{To: models.StageReferenceChecks, Note: "references next"}); err != nil {
		t.Fatal(err)
	}
	return appID
}

var refereeForm = url.Values{"name": {"Rosa Manager"}, "email": {"rosa.manager@example.org"}, "phone": {"+44 20 7946 0100"},
	"company": {"Acme Ltd"}, "relationship": {"manager"}, "worked_from": {"2021-03"}, "worked_to": {"2024-06"},
	"may_contact": {"now"}, "confirmed_agreed": {"yes"}}

// A candidate's bad referee form comes back with every problem at its
// field, the input kept and nothing saved; a good one lists the referee.
func TestCandidateNamesReferees(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID := atReferenceChecks(t, app)
	c := app.newClient()
	c.loginCandidate(graceEmail)
	page := "/me/applications/" + fmt.Sprint(appID) + "/references"

	bad := url.Values{"name": {""}, "email": {"rosa.manager@example.org"}, "relationship": {""}, "worked_from": {"2021-13"},
		"company": {"Acme Ltd"}, "may_contact": {"after_offer"}}
	res := c.post(page, bad)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad referee form: status %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	for _, field := range []string{"name", "relationship", "worked_from"} {
		if doc.Find("#"+field+"-error").Length() != 1 {
			t.Errorf("no message at the %s field", field)
		}
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "rosa.manager@example.org" {
		t.Errorf("the email typed was not kept: %q", v)
	}
	var n int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM referees WHERE application_id = ?", appID).Scan(&n))
	if n != 0 {
		t.Fatalf("%d referees saved from a refused form", n)
	}

	res = c.post(page, refereeForm)
	if res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("adding a referee: %d → %q", res.Status, res.Location)
	}
	doc = c.get(page).Doc(t)
	if got := strings.TrimSpace(doc.Find("[data-testid=referee] h3").Text()); !strings.Contains(got, "Rosa Manager") || !strings.Contains(got, "Not sent yet") {
		t.Errorf("the referee reads %q", got)
	}
	if doc.Find("[data-testid=referees-cta]").Length() != 0 {
		t.Error("the references page links to itself")
	}
	home := c.get("/me/applications/" + fmt.Sprint(appID)).Doc(t)
	if home.Find("[data-testid=referees-cta]").Length() != 1 {
		t.Error("the application page does not lead to the referees")
	}
}

var referenceLink = regexp.MustCompile(`/references/([A-Za-z0-9_-]{20,})`)

// sendReferenceRequest adds a referee for Grace, sends the request as the
// recruiter and returns the token from the email in the outbox.
func sendReferenceRequest(t *testing.T, app *testApp, appID int64) (refereeID int64, token string) {
	t.Helper()
	ctx := context.Background()
	in := models.RefereeInput{Name: "Rosa Manager", Email: "rosa.manager@example.org", Company: "Acme Ltd", Relationship: models.RelManager,
		WorkedFrom: "2021-03", MayContactNow: true, ConfirmedAgreed: true}
	id, err := app.Store.AddReferee(ctx, candidateActor(app.candidateID(graceEmail)), appID, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.SendReferenceRequests(ctx, app.ixActor(recruiterEmail), appID, nil); err != nil {
		t.Fatal(err)
	}
	var body string
	mustDB(t, app.Store.DB().Raw("SELECT body FROM outbox_messages WHERE referee_id = ? ORDER BY id DESC LIMIT 1", id).Scan(&body))
	m := referenceLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reference link in the email: %.300s", body)
	}
	return id, m[1]
}

// The referee's page sets no cookie, works with the link alone until the
// reply, then never again; an altered link is not found.
func TestRefereeRepliesOnceWithTheLinkAlone(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID := atReferenceChecks(t, app)
	refereeID, token := sendReferenceRequest(t, app, appID)
	referee := app.newClient()
	page := "/references/" + token

	res := referee.get(page)
	if res.Status != http.StatusOK {
		t.Fatalf("the referee's page: %d", res.Status)
	}
	if sc := res.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("the referee's page sets cookies: %q", sc)
	}
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the referee's page may be cached or leak its link: %q, %q", res.Header.Get("Cache-Control"), res.Header.Get("Referrer-Policy"))
	}
	doc := res.Doc(t)
	questions := doc.Find("input[name=questions]").AttrOr("value", "")
	if questions != "5" || !strings.Contains(doc.Find("h1").Text(), "Grace Liu") {
		t.Fatalf("the form: %q questions, heading %q", questions, doc.Find("h1").Text())
	}
	if strings.Contains(res.Body, "Ben Okafor") || strings.Contains(res.Body, "grace.liu@example.com") {
		t.Error("the referee's page shows more than it must")
	}

	// Refused (no rating given): the form again, with the answers kept.
	answer := url.Values{"questions": {"5"}, "confirms_relationship": {"yes"}, "confirms_period": {"yes"},
		"answer_0": {"Three years as her team lead."}, "answer_1": {"5"}, "answer_3": {"yes"}, "answer_4": {"Reliable.\r\nKind to new starters."}}
	res = referee.postRaw(page, answer)
	if res.Status != http.StatusUnprocessableEntity || res.Doc(t).Find("#answer_2-error").Length() != 1 {
		t.Fatalf("a missing rating: status %d, message %d", res.Status, res.Doc(t).Find("#answer_2-error").Length())
	}
	if v := res.Doc(t).Find("textarea#answer_0").Text(); v != "Three years as her team lead." {
		t.Errorf("the text answer was not kept: %q", v)
	}

	answer.Set("answer_2", "4")
	res = referee.postRaw(page, answer)
	if res.Status != http.StatusSeeOther || res.Location != "/references/thanks" {
		t.Fatalf("answering: %d → %q %.300s", res.Status, res.Location, res.Body)
	}
	if sc := res.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("answering sets cookies: %q", sc)
	}
	for _, again := range []response{referee.get(page), referee.postRaw(page, answer), referee.postRaw(page+"/decline", url.Values{})} {
		if again.Status != http.StatusGone {
			t.Errorf("the link after the reply: %d, want 410", again.Status)
		}
	}
	var answers int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM reference_answers WHERE referee_id = ?", refereeID).Scan(&answers))
	if answers != 5 {
		t.Errorf("%d answers stored, want 5", answers)
	}
	altered := token[:len(token)-1] + map[bool]string{true: "A", false: "B"}[token[len(token)-1] != 'A']
	if res := referee.get("/references/" + altered); res.Status != http.StatusNotFound {
		t.Errorf("an altered link: %d, want 404", res.Status)
	}

	// The candidate reads that the referee answered, never what they wrote.
	c := app.newClient()
	c.loginCandidate(graceEmail)
	mine := c.get("/me/applications/" + fmt.Sprint(appID) + "/references")
	if !strings.Contains(mine.Doc(t).Find("[data-testid=referee-status]").Text(), "Answered") {
		t.Errorf("the candidate reads %q", mine.Doc(t).Find("[data-testid=referee-status]").Text())
	}
	if strings.Contains(mine.Body, "Three years as her team lead") {
		t.Error("the candidate sees the referee's answer")
	}
	// Once asked, the referee can no longer be changed by the candidate.
	res = c.post("/me/applications/"+fmt.Sprint(appID)+"/references/"+fmt.Sprint(refereeID), refereeForm)
	if res.Status != http.StatusConflict {
		t.Errorf("changing an asked referee: %d, want 409", res.Status)
	}
}

// Behind a trusted proxy a session records the client's address from
// X-Forwarded-For, as the audit log does: the referee checks compare the
// two.
func TestSessionRecordsTheClientAddressBehindAProxy(t *testing.T) {
	t.Parallel()
	app := newTestAppWith(t, func(cfg *handlers.Config) { cfg.TrustProxy = true })
	c := app.newClient()
	link, err := app.Store.IssueSignInLink(context.Background(), graceEmail)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, app.URL)
	c.get(path)
	form := url.Values{"_csrf": {c.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, app.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.77")
	if res := c.do(req); res.Status != http.StatusSeeOther {
		t.Fatalf("signing in: %d", res.Status)
	}
	var ips []string
	mustDB(t, app.Store.DB().Raw("SELECT ip FROM sessions WHERE ip <> '' ORDER BY created_at DESC LIMIT 1").Scan(&ips))
	if len(ips) != 1 || ips[0] != "203.0.113.77" {
		t.Errorf("the session records %q, want the forwarded address 203.0.113.77", ips)
	}
}
