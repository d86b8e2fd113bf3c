package handlers_test

// Browser acceptance test of the offer review, driven from each person's
// "Needs you" home: the recruiter drafts and submits Daniel's offer and sees
// it waiting for approval; the hiring manager finds it to approve, reads it
// as Daniel will and sends it back with a comment; the recruiter finds it
// sent back, changes it and submits again; the manager approves it; the
// recruiter finds it ready to send and sends it after confirming.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"nextstep/models"
)

func TestBrowserOfferReviewSendBackApproveSend(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	candID, appID := app.candidateID(danielEmail), app.applicationID(danielEmail)
	staffPage := app.URL + fmt.Sprintf("/admin/candidates/%d", candID)
	const comment = "Please bring the salary down to 62,000: the budget for this role is fixed."
	version := func() (int64, string) {
		t.Helper()
		var row struct {
			ID           int64
			Status       string
			SalaryAmount string
		}
		if err := app.Store.DB().Raw(`SELECT v.id, v.status, v.salary_amount::text AS salary_amount FROM offer_versions v
			JOIN offers o ON o.id = v.offer_id WHERE o.application_id = ? ORDER BY v.id DESC LIMIT 1`, appID).Scan(&row).Error; err != nil || row.ID == 0 {
			t.Fatalf("no offer version for Daniel: %v", err)
		}
		return row.ID, row.Status + " " + row.SalaryAmount
	}

	// The recruiter drafts the offer and sends it for approval.
	rec := newBrowser(t)
	browserLoginStaff(t, rec, app, recruiterEmail, "/admin")
	open(t, rec, staffPage, "[data-testid=offer-form]")
	fill(t, rec, "job_title", "Account Executive")
	fill(t, rec, "salary_amount", "65000")
	fill(t, rec, "salary_currency", "GBP")
	selectOption(t, rec, "#salary_period", "per year")
	setDate(t, rec, "start_date", "2027-02-01")
	setDate(t, rec, "expires_on", offerExpiry)
	fill(t, rec, "benefits", "25 days' holiday")
	if status := submit(t, rec, "[data-testid=offer-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("save offer: status %d", status)
	}
	if status := submit(t, rec, "[data-testid=offer-submit]"); status != http.StatusOK {
		t.Fatalf("send for approval: status %d", status)
	}
	id, state := version()
	if state != string(models.OfferPendingApproval)+" 65000.00" {
		t.Fatalf("after submitting: %q, want pending_approval at 65000", state)
	}
	review := fmt.Sprintf("/admin/offer-versions/%d", id)

	// The recruiter's home shows the offer waiting for someone else.
	open(t, rec, app.URL+"/admin", "[data-testid=queue-awaiting_approval]")
	if got := text(t, rec, "[data-testid=queue-awaiting_approval]"); !strings.Contains(got, danielName) || !strings.Contains(got, "waiting for someone's approval") {
		t.Fatalf("recruiter's Needs you = %q, want Daniel's offer waiting for approval", got)
	}
	screenshot(t, rec, "needs-you-recruiter.png")

	// The hiring manager signs in, finds it to approve on their home, with
	// the count in the navigation, and opens the review from there.
	mgr := newBrowser(t)
	browserLoginStaff(t, mgr, app, managerEmail, "/admin")
	if got := text(t, mgr, "[data-testid=queue-offers_to_approve]"); !strings.Contains(got, "Offers to approve") || !strings.Contains(got, danielName) {
		t.Fatalf("manager's Needs you = %q, want Daniel's offer to approve", got)
	}
	if got := text(t, mgr, "[data-testid=nav-needs-you-count]"); got == "" || got == "0" {
		t.Fatalf("navigation count = %q, want the waiting work counted", got)
	}
	if status := submit(t, mgr, "[data-testid=queue-offers_to_approve] li a"); status != http.StatusOK {
		t.Fatalf("open the review from Needs you: status %d", status)
	}
	if got := path(t, mgr); got != review {
		t.Fatalf("the review link leads to %s, want %s", got, review)
	}
	if got := text(t, mgr, "[data-testid=offer-version-status]"); got != "Waiting for approval" {
		t.Fatalf("status on the review page = %q", got)
	}
	if got := text(t, mgr, "[data-testid=offer-salary]"); got != "GBP 65,000 per year" {
		t.Fatalf("salary for review = %q", got)
	}
	if got := text(t, mgr, "[data-testid=offer-preview] [data-testid=offer-terms]"); !strings.Contains(got, "25 days' holiday") ||
		!strings.Contains(got, "Tuesday 8 December 2026") {
		t.Errorf("offer shown for review = %q, want the benefits and the answer-by date", got)
	}
	screenshot(t, mgr, "offer-review.png")

	// A comment too short is refused and kept; then the offer is sent back.
	fill(t, mgr, "comment", "no")
	if status := submit(t, mgr, "[data-testid=review-send-back]"); status != http.StatusUnprocessableEntity {
		t.Fatalf("send back with a two-letter comment: status %d, want 422", status)
	}
	if got := fieldValue(t, mgr, "#comment"); got != "no" {
		t.Fatalf("comment after the refusal = %q, want it kept", got)
	}
	if got := text(t, mgr, "#comment-error"); got == "" {
		t.Fatal("no message next to the comment")
	}
	fill(t, mgr, "comment", comment)
	if status := submit(t, mgr, "[data-testid=review-send-back]"); status != http.StatusOK {
		t.Fatalf("send back: status %d", status)
	}
	if got := path(t, mgr); got != review {
		t.Fatalf("after sending back the manager is on %s, want %s", got, review)
	}
	if got := text(t, mgr, "[data-testid=offer-version-status]"); got != "Draft" {
		t.Fatalf("status after sending back = %q, want Draft", got)
	}
	if _, state := version(); state != string(models.OfferDraft)+" 65000.00" {
		t.Fatalf("after sending back: %q, want draft", state)
	}

	// The recruiter finds it sent back on their home, with the comment, and
	// goes to the offer from there; they see who sent it back and why, and
	// change the salary.
	open(t, rec, app.URL+"/admin", "[data-testid=queue-offers_sent_back]")
	if got := text(t, rec, "[data-testid=queue-offers_sent_back]"); !strings.Contains(got, danielName) || !strings.Contains(got, comment) {
		t.Fatalf("recruiter's Needs you after the send back = %q", got)
	}
	if status := submit(t, rec, "[data-testid=queue-offers_sent_back] li a"); status != http.StatusOK {
		t.Fatalf("open the offer from Needs you: status %d", status)
	}
	waitVisible(t, rec, "[data-testid=offer-sent-back]")
	if got := text(t, rec, "[data-testid=offer-sent-back]"); !strings.Contains(got, "Sent back by "+managerName) || !strings.Contains(got, comment) {
		t.Fatalf("sent-back note on the candidate page = %q", got)
	}
	do(t, rec, "open the offer form", chromedp.Click(chromedp.CSS("[data-testid=offer] details > summary")))
	fill(t, rec, "salary_amount", "62000")
	if status := submit(t, rec, "[data-testid=offer-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("save the changed offer: status %d", status)
	}
	if got := text(t, rec, "[data-testid=offer-sent-back-comment]"); got != comment {
		t.Fatalf("comment after editing the draft = %q, want it still shown", got)
	}
	if status := submit(t, rec, "[data-testid=offer-submit]"); status != http.StatusOK {
		t.Fatalf("send for approval again: status %d", status)
	}
	if again, state := version(); again != id || state != string(models.OfferPendingApproval)+" 62000.00" {
		t.Fatalf("after submitting again: version %d %q, want %d pending at 62000", again, state, id)
	}

	// The manager approves on the review page, reached from their home.
	open(t, mgr, app.URL+"/admin", "[data-testid=queue-offers_to_approve]")
	if status := submit(t, mgr, "[data-testid=queue-offers_to_approve] li a"); status != http.StatusOK {
		t.Fatalf("open the review again: status %d", status)
	}
	if got := text(t, mgr, "[data-testid=offer-salary]"); got != "GBP 62,000 per year" {
		t.Fatalf("salary for the second review = %q", got)
	}
	if status := submit(t, mgr, "[data-testid=review-approve]"); status != http.StatusOK {
		t.Fatalf("approve: status %d", status)
	}
	if got := text(t, mgr, "[data-testid=offer-version-status]"); got != "Approved, not sent" {
		t.Fatalf("status after approving = %q", got)
	}

	// The recruiter finds it ready to send on their home, presses Send on
	// Daniel's page, is asked to confirm, and confirms.
	open(t, rec, app.URL+"/admin", "[data-testid=queue-offers_to_send]")
	if got := text(t, rec, "[data-testid=queue-offers_to_send]"); !strings.Contains(got, danielName) {
		t.Fatalf("recruiter's Needs you after approval = %q, want Daniel's offer to send", got)
	}
	open(t, rec, staffPage, "[data-testid=offer-send]")
	if status := submit(t, rec, "[data-testid=offer-send]"); status != http.StatusOK {
		t.Fatalf("Send: status %d", status)
	}
	if got := path(t, rec); got != review {
		t.Fatalf("Send leads to %s, want the review page %s", got, review)
	}
	if got := text(t, rec, "[data-testid=send-confirm] h2"); got != "Send this offer to "+danielName+" now?" {
		t.Fatalf("confirmation question = %q", got)
	}
	if _, state := version(); state != string(models.OfferApproved)+" 62000.00" {
		t.Fatalf("before confirming: %q, want still approved", state)
	}
	screenshot(t, rec, "offer-send-confirm.png")
	if status := submit(t, rec, "[data-testid=confirm-send]"); status != http.StatusOK {
		t.Fatalf("confirm sending: status %d", status)
	}
	if got := text(t, rec, "[data-testid=offer-version-status]"); got != "Sent to the candidate" {
		t.Fatalf("status after confirming = %q", got)
	}
	if _, state := version(); state != string(models.OfferSent)+" 62000.00" {
		t.Fatalf("after confirming: %q, want sent at 62000", state)
	}
	if n := app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'offer_sent' AND candidate_id = ?", candID); n != 1 {
		t.Fatalf("%d offer messages to Daniel, want 1", n)
	}
	// Sent, it is no longer anyone's work.
	open(t, rec, app.URL+"/admin", "h1")
	if n := run(t, rec, "offer queues", chromedp.Evaluate[int](`document.querySelectorAll("[data-testid^=queue-offers]").length`)); n != 0 {
		t.Fatalf("%d offer queues still on the recruiter's home after sending", n)
	}
}
