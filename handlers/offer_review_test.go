package handlers_test

// The offer review page over plain HTTP: the offer shown exactly as the
// candidate will see it, approve or send back (with a required comment),
// and the confirmation step before sending; who may open it at all.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"nextstep/models"
)

const sendBackComment = "Please bring the salary down to 62,000: the budget is fixed."

func reviewPath(id int64) string { return fmt.Sprintf("/admin/offer-versions/%d", id) }

// pendingVersion drafts and submits Daniel's offer as the recruiter and
// returns the version's id.
func (f *offerFlow) pendingVersion(change map[string]string) int64 {
	f.t.Helper()
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/offer", f.appID), offerForm(change))
	id, _ := f.latestVersion()
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/submit", id), nil)
	if got := f.versionStatus(id); got != string(models.OfferPendingApproval) {
		f.fatalf("after submitting, version %d is %q", id, got)
	}
	return id
}

// reviewPost posts a form of the review page and expects the redirect back to it.
func (f *offerFlow) reviewPost(c *client, path string, form url.Values, id int64) {
	f.t.Helper()
	res := c.post(path, form)
	if res.Status != http.StatusSeeOther || res.Location != reviewPath(id) {
		f.fatalf("POST %s: %d → %q, want 303 → %s; page: %s", path, res.Status, res.Location, reviewPath(id), offerProblemText(res))
	}
}

func outerHTML(t *testing.T, s *goquery.Selection) string {
	t.Helper()
	if s.Length() != 1 {
		t.Fatalf("%d elements, want exactly 1", s.Length())
	}
	h, err := goquery.OuterHtml(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestOfferReviewSendBackApproveAndConfirmSend follows one version through
// the review page: sent back with a comment (a short one refused and kept),
// changed, approved there, and sent after the confirmation step. The offer
// shown for review is the very HTML the candidate then sees.
func TestOfferReviewSendBackApproveAndConfirmSend(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.pendingVersion(nil)
	staffPage := fmt.Sprintf("/admin/candidates/%d", f.candID)

	// The candidate page links to the review.
	doc := f.recruiter.get(staffPage).Doc(t)
	if href, _ := doc.Find("[data-testid=offer-review-link]").Attr("href"); href != reviewPath(id) {
		t.Fatalf("review link on the candidate page = %q, want %s", href, reviewPath(id))
	}

	// The manager reviews it.
	res := f.manager.get(reviewPath(id))
	if res.Status != http.StatusOK {
		t.Fatalf("GET review as the manager: %d; %s", res.Status, offerProblemText(res))
	}
	doc = res.Doc(t)
	if got := squash(doc.Find("[data-testid=offer-version-status]").Text()); got != "Waiting for approval" {
		t.Errorf("status on the review page = %q", got)
	}
	if got := squash(doc.Find("[data-testid=offer-drafter]").Text()); got != "Rita Recruiter" {
		t.Errorf("drafted by = %q, want Rita Recruiter", got)
	}
	terms := squash(doc.Find("[data-testid=offer-preview] [data-testid=offer-terms]").Text())
	for _, want := range []string{"Account Executive", "GBP 65,000 per year", "1 February 2027", "London", "25 days' holiday", "Tuesday 8 December 2026"} {
		if !strings.Contains(terms, want) {
			t.Errorf("offer shown for review = %q, want %q", terms, want)
		}
	}
	if doc.Find(fmt.Sprintf(`form[action="%s/approve"] button`, reviewPath(id))).Length() != 1 {
		t.Error("no Approve button for the hiring manager")
	}
	if doc.Find(fmt.Sprintf(`form[action="%s/send-back"] textarea[name=comment][required]`, reviewPath(id))).Length() != 1 {
		t.Error("no Send back form with a required comment for the hiring manager")
	}
	// The drafter sees the offer but no decision.
	doc = f.recruiter.get(reviewPath(id)).Doc(t)
	if doc.Find("[data-testid=offer-decision]").Length() != 0 || !strings.Contains(doc.Find("[data-testid=awaiting-approval]").Text(), managerName) {
		t.Errorf("the drafter's review page offers a decision or does not say who approves: %q", squash(doc.Find("main").Text()))
	}

	// Too short a comment: 422, the page again with the comment kept.
	for _, short := range []string{"", "ok"} {
		res = f.manager.post(reviewPath(id)+"/send-back", url.Values{"comment": {short}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("send back with %q: %d, want 422; %s", short, res.Status, offerProblemText(res))
		}
		doc = res.Doc(t)
		if got := doc.Find("textarea#comment").Text(); got != short {
			t.Errorf("comment after the refusal = %q, want %q kept", got, short)
		}
		if doc.Find("#comment-error").Length() != 1 || doc.Find("[data-testid=error-summary]").Length() != 1 {
			t.Errorf("refusal of %q: no message by the comment or no error summary", short)
		}
		if got, _ := doc.Find("textarea#comment").Attr("aria-invalid"); got != "true" {
			t.Errorf("comment aria-invalid = %q, want true", got)
		}
		if doc.Find("[data-testid=offer-terms]").Length() != 1 {
			t.Error("the refused page no longer shows the offer")
		}
	}
	if got := f.versionStatus(id); got != string(models.OfferPendingApproval) {
		t.Fatalf("status after refused send-backs = %q", got)
	}
	// The drafter may not send back their own offer: a refusal, not a 500.
	res = f.recruiter.post(reviewPath(id)+"/send-back", url.Values{"comment": {sendBackComment}})
	if res.Status != http.StatusUnprocessableEntity || f.versionStatus(id) != string(models.OfferPendingApproval) {
		t.Fatalf("the drafter sending back: %d; %s", res.Status, offerProblemText(res))
	}

	// Sent back with a comment.
	f.reviewPost(f.manager, reviewPath(id)+"/send-back", url.Values{"comment": {sendBackComment}}, id)
	if got := f.versionStatus(id); got != string(models.OfferDraft) {
		t.Fatalf("status after sending back = %q, want draft", got)
	}
	doc = f.manager.get(reviewPath(id)).Doc(t)
	if got := squash(doc.Find("[data-testid=offer-sent-back]").Text()); !strings.Contains(got, "Sent back by "+managerName) || !strings.Contains(got, sendBackComment) {
		t.Errorf("review page after sending back = %q", got)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'offer_sent_back' AND to_email = ?", recruiterEmail); n != 1 {
		t.Errorf("%d sent-back alerts to the recruiter, want 1", n)
	}
	// The recruiter sees the comment on the candidate page, changes the salary and submits again.
	doc = f.recruiter.get(staffPage).Doc(t)
	if got := squash(doc.Find("[data-testid=offer-sent-back]").Text()); !strings.Contains(got, managerName) || !strings.Contains(got, sendBackComment) {
		t.Errorf("sent-back note on the candidate page = %q", got)
	}
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/offer", f.appID), offerForm(map[string]string{"salary_amount": "62000"}))
	if again, _ := f.latestVersion(); again != id {
		t.Fatalf("editing the draft made version %d, want %d changed", again, id)
	}
	if doc = f.recruiter.get(staffPage).Doc(t); !strings.Contains(doc.Find("[data-testid=offer-sent-back]").Text(), sendBackComment) {
		t.Error("the comment disappeared when the draft was edited")
	}
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/submit", id), nil)
	if doc = f.recruiter.get(staffPage).Doc(t); doc.Find("[data-testid=offer-sent-back]").Length() != 0 {
		t.Error("the candidate page still shows the comment once the version was submitted again")
	}

	// Approved on the review page, which then offers to send it.
	f.reviewPost(f.manager, reviewPath(id)+"/approve", url.Values{"from": {"review"}}, id)
	doc = f.manager.get(reviewPath(id)).Doc(t)
	if got := squash(doc.Find("[data-testid=offer-version-status]").Text()); got != "Approved, not sent" {
		t.Errorf("status after approving = %q", got)
	}
	if got := squash(doc.Find("[data-testid=flash]").Text()); !strings.Contains(got, "approved") {
		t.Errorf("flash after approving = %q", got)
	}
	if !strings.Contains(doc.Find("[data-testid=offer-salary]").Text(), "GBP 62,000 per year") {
		t.Errorf("salary for review = %q, want the changed 62,000", doc.Find("[data-testid=offer-salary]").Text())
	}
	if href, _ := doc.Find("[data-testid=review-send]").Attr("href"); href != reviewPath(id)+"?confirm=send#confirm" {
		t.Errorf("Send link = %q, want the confirmation step", href)
	}
	if doc.Find(`form[action$="/send"]`).Length() != 0 {
		t.Error("the review page sends without the confirmation step")
	}
	// The candidate page's Send is a link to the confirmation, not a form.
	doc = f.recruiter.get(staffPage).Doc(t)
	send := doc.Find("[data-testid=offer-send]")
	if href, _ := send.Attr("href"); goquery.NodeName(send) != "a" || href != reviewPath(id)+"?confirm=send#confirm" {
		t.Errorf("Send on the candidate page: <%s href=%q>, want a link to the confirmation step", goquery.NodeName(send), href)
	}
	if doc.Find(fmt.Sprintf(`form[action="/admin/offer-versions/%d/send"]`, id)).Length() != 0 {
		t.Error("the candidate page still sends the offer directly")
	}

	// The confirmation step.
	res = f.recruiter.get(reviewPath(id) + "?confirm=send")
	doc = res.Doc(t)
	confirm := doc.Find("[data-testid=send-confirm]")
	if res.Status != http.StatusOK || !strings.Contains(squash(confirm.Text()), "Send this offer to "+danielName+" now?") {
		t.Fatalf("confirmation step: %d, %q", res.Status, squash(confirm.Text()))
	}
	if action, _ := confirm.Find("form").Attr("action"); action != reviewPath(id)+"/send" || confirm.Find("[data-testid=confirm-send]").Length() != 1 {
		t.Fatalf("confirmation form posts to %q", action)
	}
	if got := f.versionStatus(id); got != string(models.OfferApproved) {
		t.Fatalf("opening the confirmation step changed the status to %q", got)
	}
	f.reviewPost(f.recruiter, reviewPath(id)+"/send", url.Values{"from": {"review"}}, id)
	if got := f.versionStatus(id); got != string(models.OfferSent) {
		t.Fatalf("status after confirming = %q, want sent", got)
	}

	// What was reviewed is exactly what Daniel sees.
	staffTerms := outerHTML(t, f.recruiter.get(reviewPath(id)).Doc(t).Find("[data-testid=offer-terms]"))
	candRes := f.cand.get(fmt.Sprintf("/me/applications/%d/offer", f.appID))
	if candRes.Status != http.StatusOK {
		t.Fatalf("Daniel's offer page: %d", candRes.Status)
	}
	if candTerms := outerHTML(t, candRes.Doc(t).Find("[data-testid=offer-terms]")); candTerms != staffTerms {
		t.Errorf("the review showed\n%s\nbut Daniel sees\n%s", staffTerms, candTerms)
	}
}

// TestOfferReviewRefusalsRenderThePage: refusals posted from the review page
// come back to it with the message (422), never a 500.
func TestOfferReviewRefusalsRenderThePage(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.pendingVersion(nil)
	// Sending a version not approved yet.
	res := f.recruiter.post(reviewPath(id)+"/send", url.Values{"from": {"review"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(offerProblemText(res), "approved before") {
		t.Fatalf("sending an unapproved version from the review page: %d, %q", res.Status, offerProblemText(res))
	}
	if res.Doc(t).Find("[data-testid=offer-terms]").Length() != 1 {
		t.Error("the refusal is not the review page")
	}
	// Approving twice.
	f.reviewPost(f.manager, reviewPath(id)+"/approve", url.Values{"from": {"review"}}, id)
	res = f.manager.post(reviewPath(id)+"/approve", url.Values{"from": {"review"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(offerProblemText(res), "not waiting") {
		t.Fatalf("approving again: %d, %q", res.Status, offerProblemText(res))
	}
	// Sending back an approved version keeps the typed comment.
	res = f.manager.post(reviewPath(id)+"/send-back", url.Values{"comment": {sendBackComment}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(offerProblemText(res), "waiting for approval") {
		t.Fatalf("sending back an approved version: %d, %q", res.Status, offerProblemText(res))
	}
	// Past its expiry day, sending is refused on the page with the reason.
	if err := f.app.Store.DB().Exec("UPDATE offer_versions SET expires_on = '2026-11-30' WHERE id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	res = f.recruiter.post(reviewPath(id)+"/send", url.Values{"from": {"review"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(offerProblemText(res), "expiry date has passed") {
		t.Fatalf("sending after the expiry date: %d, %q", res.Status, offerProblemText(res))
	}
	if got := f.versionStatus(id); got != string(models.OfferApproved) {
		t.Fatalf("status after refused sends = %q", got)
	}
	// ?confirm=send on a version that is not approved shows no send form.
	other := newOfferFlow(t)
	draft := other.pendingVersion(nil)
	if doc := other.recruiter.get(reviewPath(draft) + "?confirm=send").Doc(t); doc.Find("[data-testid=send-confirm]").Length() != 0 {
		t.Error("the confirmation step is shown for a version not approved")
	}
}

// TestOfferReviewScoping: the review page and sending back are for the staff
// who manage the position: a hiring manager of another position gets 404,
// an interviewer and a candidate are refused, and nothing changes.
func TestOfferReviewScoping(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.pendingVersion(nil)
	ctx := context.Background()
	if _, err := f.app.Store.CreateStaff(ctx, f.app.adminActor(), models.StaffInput{Email: "second.manager@demo.nextstep.test",
		Name: "Sam Second", Role: models.RoleHiringManager, Password: models.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	second := f.app.newClient()
	second.loginStaff("second.manager@demo.nextstep.test")
	interviewer := f.app.newClient()
	interviewer.loginStaff(interviewerEmail)
	otherCand := f.app.newClient()
	otherCand.loginCandidate("amelia.hart@example.com")
	anon := f.app.newClient()

	for _, tc := range []struct {
		name string
		c    *client
		want []int
	}{
		{"hiring manager of another position", second, []int{http.StatusNotFound}},
		{"interviewer", interviewer, []int{http.StatusForbidden, http.StatusNotFound}},
		{"candidate", otherCand, []int{http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound}},
		{"anonymous", anon, []int{http.StatusSeeOther, http.StatusUnauthorized, http.StatusNotFound}},
	} {
		for _, req := range []struct {
			method, path string
		}{{"GET", reviewPath(id)}, {"GET", reviewPath(id) + "?confirm=send"}, {"POST", reviewPath(id) + "/send-back"}} {
			var res response
			if req.method == "GET" {
				res = tc.c.get(req.path)
			} else {
				res = tc.c.post(req.path, url.Values{"comment": {sendBackComment}})
			}
			ok := false
			for _, s := range tc.want {
				ok = ok || res.Status == s
			}
			if !ok {
				t.Errorf("%s %s as %s: %d, want one of %v", req.method, req.path, tc.name, res.Status, tc.want)
			}
			if res.Status == http.StatusSeeOther && !strings.Contains(res.Location, "login") && res.Location != "/signin" && !strings.HasPrefix(res.Location, "/signin?next=") {
				t.Errorf("%s %s as %s: redirected to %q, want a sign-in page", req.method, req.path, tc.name, res.Location)
			}
			for _, secret := range []string{danielName, "65,000"} {
				if strings.Contains(res.Body, secret) {
					t.Errorf("%s %s as %s leaks %q", req.method, req.path, tc.name, secret)
				}
			}
		}
	}
	if got := f.versionStatus(id); got != string(models.OfferPendingApproval) {
		t.Fatalf("refused requests changed the version to %q", got)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM audit_log WHERE action = 'offer.sent_back'"); n != 0 {
		t.Fatalf("%d send-back audit rows from refused requests", n)
	}

	// Farid's offer (engineering, no hiring manager) is out of the demo manager's scope.
	faridApp := f.app.applicationID("farid.haddad@example.com")
	var faridOffer, faridVersion int64
	mustDB(t, f.app.Store.DB().Raw("INSERT INTO offers (application_id) VALUES (?) RETURNING id", faridApp).Scan(&faridOffer))
	mustDB(t, f.app.Store.DB().Raw(`INSERT INTO offer_versions (offer_id, version, status, job_title, salary_amount, salary_currency, salary_period, start_date, expires_on)
		VALUES (?, 1, 'pending_approval', 'Backend Engineer', 70000, 'EUR', 'year', '2027-03-01', '2026-12-20') RETURNING id`, faridOffer).Scan(&faridVersion))
	if faridVersion == 0 {
		t.Fatal("could not create Farid's offer")
	}
	if res := f.manager.get(reviewPath(faridVersion)); res.Status != http.StatusNotFound || strings.Contains(res.Body, "Farid") {
		t.Errorf("the demo manager opening Farid's offer: %d, want 404", res.Status)
	}
	if res := f.manager.post(reviewPath(faridVersion)+"/send-back", url.Values{"comment": {sendBackComment}}); res.Status != http.StatusNotFound {
		t.Errorf("the demo manager sending back Farid's offer: %d, want 404", res.Status)
	}
	// Farid's position has no hiring manager: an admin approves, and may review.
	admin := f.app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.get(reviewPath(faridVersion))
	if res.Status != http.StatusOK || res.Doc(t).Find("[data-testid=offer-decision]").Length() != 1 {
		t.Errorf("an admin reviewing Farid's offer: %d, decision shown %v", res.Status, res.Doc(t).Find("[data-testid=offer-decision]").Length())
	}
	if res := admin.get(reviewPath(faridVersion + 100000)); res.Status != http.StatusNotFound {
		t.Errorf("an unknown version: %d, want 404", res.Status)
	}
	if res := admin.get("/admin/offer-versions/not-a-number"); res.Status != http.StatusNotFound && res.Status != http.StatusBadRequest {
		t.Errorf("a malformed id: %d, want 404 or 400", res.Status)
	}
}
