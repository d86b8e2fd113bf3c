package handlers_test

// Browser acceptance test of the way from "are you still interested?" to a
// contract signed by both parties: the recruiter, the hiring manager and the
// candidate each use their own browser.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"nextstep/models"
)

const pdftotextPath = "/usr/bin/pdftotext"

// setDate sets a date input to value (YYYY-MM-DD) as the date picker would:
// typing into a date input depends on the browser's locale.
func setDate(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	args, _ := json.Marshal([]string{id, value})
	do(t, ctx, "set date #"+id,
		chromedp.WaitVisible(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function (id, v) {
			var e = document.getElementById(id);
			e.focus();
			e.value = v;
			e.dispatchEvent(new Event("input", {bubbles: true}));
			e.dispatchEvent(new Event("change", {bubbles: true}));
		}).apply(null, %s)`, args)),
	)
	if got := fieldValue(t, ctx, "#"+id); got != value {
		t.Fatalf("#%s holds %q after setting %q", id, got, value)
	}
}

// tick clicks a checkbox and checks that it is ticked.
func tick(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	do(t, ctx, "tick "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
	q, _ := json.Marshal(sel)
	if !run(t, ctx, "checked "+sel, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%s).checked`, q))) {
		t.Fatalf("%s is not ticked after clicking it", sel)
	}
}

// elementCount counts the elements matching sel on the page.
func elementCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	q, _ := json.Marshal(sel)
	return run(t, ctx, "count "+sel, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%s).length`, q)))
}

// browserCookies reads the browser's cookies for the app, HttpOnly ones included.
func browserCookies(t *testing.T, ctx context.Context, app *testApp) []*http.Cookie {
	t.Helper()
	cookies := run(t, ctx, "read cookies", chromedp.Action[[]*network.Cookie](func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{app.URL + "/"}})
		return res.Cookies, err
	}))
	var out []*http.Cookie
	for _, c := range cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	if len(out) == 0 {
		t.Fatal("the browser holds no cookies for the app")
	}
	return out
}

// downloadWith fetches path with the browser's cookies, as a download would.
func downloadWith(t *testing.T, app *testApp, cookies []*http.Cookie, path string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, app.URL+path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

// pdfText extracts the text of a PDF with pdftotext. A missing pdftotext
// fails the test: the PDF must be checked, never skipped.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := os.Stat(pdftotextPath); err != nil {
		t.Fatalf("pdftotext (poppler-utils) is required to check the signed PDF: %v", err)
	}
	file := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(pdftotextPath, file, "-")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return string(out)
}

// TestBrowserOfferToSignedContract is the acceptance journey: interest
// check, answers, offer drafted, approved and sent, accepted, contract
// generated, signed by the candidate, countersigned, and the same signed
// PDF downloaded by both sides.
func TestBrowserOfferToSignedContract(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	candID, appID := app.candidateID(danielEmail), app.applicationID(danielEmail)
	staffPath := fmt.Sprintf("/admin/candidates/%d", candID)
	staffPage := app.URL + staffPath
	appPath := fmt.Sprintf("/me/applications/%d", appID)
	const (
		message  = "Hello Daniel, we loved meeting you and would like to make you an offer."
		question = "Do you need sponsorship to work in the UK?"
		start    = "1 February 2027"
		notice   = "One month"
		salary   = "GBP 60,000 to 70,000"
		answer   = "No, I have the right to work in the UK."
	)

	// The recruiter opens Daniel from the candidate list and asks whether he
	// is still interested, with one question of their own.
	rec := newBrowser(t)
	browserLoginStaff(t, rec, app, recruiterEmail, "/admin")
	open(t, rec, app.URL+"/admin/candidates", "[data-testid=candidates-table]")
	if status := submit(t, rec, fmt.Sprintf(`[data-testid=candidates-table] a[href="%s"]`, staffPath)); status != http.StatusOK {
		t.Fatalf("open Daniel: status %d", status)
	}
	if got := text(t, rec, "[data-testid=candidate-name]"); got != danielName {
		t.Fatalf("candidate page name = %q, want %s", got, danielName)
	}
	waitVisible(t, rec, "[data-testid=interest-form]")
	fill(t, rec, fmt.Sprintf("interest-message-%d", appID), message)
	fill(t, rec, fmt.Sprintf("interest-questions-%d", appID), question)
	if status := submit(t, rec, "[data-testid=interest-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("send interest check: status %d", status)
	}
	if got := path(t, rec); got != staffPath {
		t.Fatalf("after sending the check the recruiter is on %s, want %s", got, staffPath)
	}
	if got := text(t, rec, "[data-testid=interest-status]"); got != "sent" {
		t.Fatalf("interest status = %q, want sent", got)
	}

	// Daniel signs in with a one-time link and answers.
	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), danielEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	waitVisible(t, cand, "a[data-move=answer_interest]")
	if status := submit(t, cand, "a[data-move=answer_interest]"); status != http.StatusOK {
		t.Fatalf("open interest check: status %d", status)
	}
	if got := path(t, cand); got != appPath+"/interest" {
		t.Fatalf("interest link leads to %s, want %s/interest", got, appPath)
	}
	if got := text(t, cand, "[data-testid=interest-message]"); got != message {
		t.Fatalf("message shown to Daniel = %q, want %q", got, message)
	}
	if got := text(t, cand, `label[for="extra-0"]`); got != question {
		t.Fatalf("extra question shown = %q, want %q", got, question)
	}
	fill(t, cand, "earliest_start", start)
	fill(t, cand, "notice_period", notice)
	fill(t, cand, "salary_expectation", salary)
	fill(t, cand, "extra-0", answer)
	if status := submit(t, cand, "[data-testid=interest-confirm] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("confirm interest: status %d", status)
	}
	if got := path(t, cand); got != "/me" {
		t.Fatalf("after confirming Daniel is on %s, want /me", got)
	}
	if n := elementCount(t, cand, "[data-move=answer_interest]"); n != 0 {
		t.Fatalf("/me still asks Daniel about his interest after he answered")
	}

	// The recruiter reloads and sees the answers, then drafts the offer.
	open(t, rec, staffPage, "[data-testid=interest-status]")
	if got := text(t, rec, "[data-testid=interest-status]"); got != "confirmed" {
		t.Fatalf("interest status after the answers = %q, want confirmed", got)
	}
	if got := text(t, rec, "[data-testid=interest-start]"); got != start {
		t.Fatalf("earliest start shown = %q, want %q", got, start)
	}
	if got := text(t, rec, "[data-testid=interest]"); !strings.Contains(got, notice) || !strings.Contains(got, salary) ||
		!strings.Contains(got, question) || !strings.Contains(got, answer) {
		t.Fatalf("interest section = %q, want the notice period, salary expectations and the extra answer", got)
	}
	waitVisible(t, rec, "[data-testid=offer-form]")
	fill(t, rec, "job_title", "Account Executive")
	fill(t, rec, "salary_amount", "65000")
	fill(t, rec, "salary_currency", "GBP")
	selectOption(t, rec, "#salary_period", "per year")
	setDate(t, rec, "start_date", "2027-02-01")
	setDate(t, rec, "expires_on", offerExpiry) // a week ahead
	if status := submit(t, rec, "[data-testid=offer-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("save offer: status %d", status)
	}
	if got := text(t, rec, "[data-testid=offer-version-status]"); got != "Draft" {
		t.Fatalf("offer status after saving = %q, want Draft", got)
	}
	if status := submit(t, rec, "[data-testid=offer-submit]"); status != http.StatusOK {
		t.Fatalf("send for approval: status %d", status)
	}
	if got := text(t, rec, "[data-testid=offer-version-status]"); got != "Waiting for approval" {
		t.Fatalf("offer status after submitting = %q, want Waiting for approval", got)
	}

	// The hiring manager approves.
	mgr := newBrowser(t)
	browserLoginStaff(t, mgr, app, managerEmail, "/admin")
	open(t, mgr, staffPage, "[data-testid=offer-approve]")
	if status := submit(t, mgr, "[data-testid=offer-approve]"); status != http.StatusOK {
		t.Fatalf("approve: status %d", status)
	}
	if got := text(t, mgr, "[data-testid=offer-version-status]"); got != "Approved, not sent" {
		t.Fatalf("offer status after approval = %q, want Approved, not sent", got)
	}
	if got := text(t, mgr, "[data-testid=offer-version]"); !strings.Contains(got, "Approved by "+managerName) {
		t.Errorf("offer version = %q, want it to name the approver", got)
	}

	// The recruiter sends it.
	open(t, rec, staffPage, "[data-testid=offer-send]")
	if status := submit(t, rec, "[data-testid=offer-send]"); status != http.StatusOK {
		t.Fatalf("send offer: status %d", status)
	}
	if got := text(t, rec, "[data-testid=send-confirm] h2"); got != "Send this offer to "+danielName+" now?" {
		t.Fatalf("confirmation step = %q", got)
	}
	if status := submit(t, rec, "[data-testid=confirm-send]"); status != http.StatusOK {
		t.Fatalf("confirm sending: status %d", status)
	}
	if got := text(t, rec, "[data-testid=offer-version-status]"); got != "Sent to the candidate" {
		t.Fatalf("offer status after sending = %q, want Sent to the candidate", got)
	}

	// Daniel reads and accepts the offer.
	open(t, cand, app.URL+"/me", "a[data-move=answer_offer]")
	if status := submit(t, cand, "a[data-move=answer_offer]"); status != http.StatusOK {
		t.Fatalf("open offer: status %d", status)
	}
	if got := path(t, cand); got != appPath+"/offer" {
		t.Fatalf("offer link leads to %s", got)
	}
	if got := text(t, cand, "[data-testid=offer-salary]"); got != "GBP 65,000 per year" {
		t.Fatalf("salary shown = %q, want GBP 65,000 per year", got)
	}
	if got := text(t, cand, "[data-testid=offer-terms]"); !strings.Contains(got, "1 February 2027") || !strings.Contains(got, "Tuesday 8 December 2026") {
		t.Errorf("offer terms = %q, want the start date and the answer-by date", got)
	}
	screenshot(t, cand, "offer.png")
	if status := submit(t, cand, "[data-testid=accept-job-offer]"); status != http.StatusOK {
		t.Fatalf("accept: status %d", status)
	}
	if got := path(t, cand); got != appPath {
		t.Fatalf("after accepting Daniel is on %s, want %s", got, appPath)
	}
	if got := text(t, cand, "[data-testid=flash]"); !strings.Contains(got, "Congratulations") {
		t.Errorf("flash after accepting = %q", got)
	}
	if n := app.sqlCount(`SELECT count(*) FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? AND v.status = 'accepted' AND v.salary_amount = 65000 AND v.salary_currency = 'GBP'
		AND v.salary_period = 'year' AND v.start_date = '2027-02-01' AND v.expires_on = ?`, appID, offerExpiry); n != 1 {
		t.Fatalf("accepted versions with the typed terms: %d, want 1", n)
	}

	// The recruiter generates the contract.
	open(t, rec, staffPage, "[data-testid=contract-form]")
	if status := submit(t, rec, "[data-testid=contract-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("generate contract: status %d", status)
	}
	if got := text(t, rec, "[data-testid=contract-status]"); got != "Waiting for the candidate's signature" {
		t.Fatalf("contract status = %q", got)
	}

	// Daniel consents to electronic records and signs, a few minutes later.
	app.Clock.Advance(3 * time.Minute)
	open(t, cand, app.URL+"/me", "a[data-move=sign_contract]")
	if status := submit(t, cand, "a[data-move=sign_contract]"); status != http.StatusOK {
		t.Fatalf("open contract: status %d", status)
	}
	if got := path(t, cand); got != appPath+"/contract" {
		t.Fatalf("contract link leads to %s", got)
	}
	if got := text(t, cand, "[data-testid=contract-text]"); !strings.Contains(got, danielName) || !strings.Contains(got, "GBP 65,000 per year") {
		t.Fatalf("contract text = %.300q, want Daniel's name and the salary", got)
	}
	if n := elementCount(t, cand, "#signed_name"); n != 0 {
		t.Fatal("the sign form is shown before Daniel consented to electronic records")
	}
	app.Clock.Advance(2 * time.Minute)
	tick(t, cand, "[data-testid=consent-box]")
	if status := submit(t, cand, "[data-testid=disclosure] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("consent: status %d", status)
	}
	app.Clock.Advance(4 * time.Minute)
	fill(t, cand, "signed_name", danielName)
	tick(t, cand, "[data-testid=agree-box]")
	screenshot(t, cand, "contract.png")
	if status := submit(t, cand, "[data-testid=sign-button]"); status != http.StatusOK {
		t.Fatalf("sign: status %d", status)
	}
	if got := text(t, cand, "[data-testid=contract-status]"); got != "You have signed; waiting for our countersignature" {
		t.Fatalf("contract status after signing = %q", got)
	}

	// The manager opens the contract from Daniel's page and countersigns.
	app.Clock.Advance(time.Hour)
	open(t, mgr, staffPage, "[data-testid=contract-link]")
	if status := submit(t, mgr, "[data-testid=contract-link]"); status != http.StatusOK {
		t.Fatalf("open contract as manager: status %d", status)
	}
	waitVisible(t, mgr, "[data-testid=countersign-form]")
	fill(t, mgr, "signed_name", managerName)
	tick(t, mgr, "[data-testid=countersign-form] input[name=agree]")
	if status := submit(t, mgr, "[data-testid=countersign-form] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("countersign: status %d", status)
	}
	if got := text(t, mgr, "[data-testid=contract-status]"); got != "Signed by both parties" {
		t.Fatalf("contract status after countersigning = %q", got)
	}
	waitVisible(t, mgr, "[data-testid=download-pdf]")
	open(t, cand, app.URL+appPath+"/contract", "[data-testid=download-pdf]")

	// Both download the signed PDF with their own sessions: the same bytes.
	var contractID int64
	var textHash string
	if err := app.Store.DB().Raw("SELECT id, text_sha256 FROM contracts WHERE application_id = ?", appID).Row().Scan(&contractID, &textHash); err != nil {
		t.Fatal(err)
	}
	mgrHref := run(t, mgr, "PDF link", chromedp.AttributeValue(chromedp.CSS("[data-testid=download-pdf]"), "href")).Value
	candHref := run(t, cand, "PDF link", chromedp.AttributeValue(chromedp.CSS("[data-testid=download-pdf]"), "href")).Value
	if want := fmt.Sprintf("/admin/contracts/%d/signed.pdf", contractID); mgrHref != want {
		t.Fatalf("manager's PDF link = %q, want %s", mgrHref, want)
	}
	if want := appPath + "/contract/signed.pdf"; candHref != want {
		t.Fatalf("Daniel's PDF link = %q, want %s", candHref, want)
	}
	mgrStatus, mgrType, mgrPDF := downloadWith(t, app, browserCookies(t, mgr, app), mgrHref)
	candStatus, candType, candPDF := downloadWith(t, app, browserCookies(t, cand, app), candHref)
	if mgrStatus != http.StatusOK || candStatus != http.StatusOK {
		t.Fatalf("PDF downloads: manager %d, candidate %d; want 200 both", mgrStatus, candStatus)
	}
	if mgrType != "application/pdf" || candType != "application/pdf" {
		t.Errorf("PDF content types: manager %q, candidate %q; want application/pdf", mgrType, candType)
	}
	if !bytes.HasPrefix(mgrPDF, []byte("%PDF-")) {
		t.Fatalf("the download is not a PDF: starts %.16q", mgrPDF)
	}
	if !bytes.Equal(mgrPDF, candPDF) {
		t.Fatalf("manager's PDF (%d bytes) and Daniel's PDF (%d bytes) differ", len(mgrPDF), len(candPDF))
	}
	// Without a session there is no PDF.
	if status, _, body := downloadWith(t, app, nil, candHref); status == http.StatusOK || bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("anonymous download of Daniel's PDF: status %d", status)
	}

	// The PDF's text: parties, terms, the text's fingerprint and the trail.
	if textHash == "" {
		t.Fatal("the contract has no text_sha256")
	}
	raw := pdfText(t, mgrPDF)
	flat := strings.Join(strings.Fields(raw), " ")
	for _, want := range []string{danielName, "Account Executive", "GBP 65,000 per year", textHash, "Signature certificate", managerName} {
		if !strings.Contains(flat, want) {
			t.Errorf("the signed PDF's text lacks %q", want)
		}
	}
	trailAt := strings.Index(raw, "Audit trail")
	if trailAt < 0 {
		t.Fatalf("the signed PDF has no audit trail; text:\n%s", raw)
	}
	if testing.Verbose() {
		t.Logf("signed PDF certificate:\n%s", raw[trailAt:])
	}
	lines := strings.Split(raw[trailAt:], "\n")
	// Each event at the (fake) time it happened, in UTC.
	events := []struct{ name, at string }{
		{"Contract created", "2026-12-01 09:00:00 UTC"},
		{"Sent to the candidate", "2026-12-01 09:00:00 UTC"},
		{"Viewed by the candidate", "2026-12-01 09:03:00 UTC"},
		{"Consent to electronic records given", "2026-12-01 09:05:00 UTC"},
		{"Signed by the candidate", "2026-12-01 09:09:00 UTC"},
		{"Countersigned by the employer", "2026-12-01 10:09:00 UTC"},
	}
	last := -1
	for _, e := range events {
		ev := e.name
		at := -1
		for i, l := range lines {
			if strings.Contains(l, ev) {
				at = i
				break
			}
		}
		switch {
		case at < 0:
			t.Errorf("the certificate does not list %q; trail:\n%s", ev, raw[trailAt:])
		case at <= last:
			t.Errorf("the certificate lists %q out of order; trail:\n%s", ev, raw[trailAt:])
		case !strings.Contains(lines[at], "UTC"):
			t.Errorf("certificate line %q has no UTC time", lines[at])
		case !strings.HasPrefix(strings.TrimSpace(lines[at]), e.at):
			t.Errorf("certificate line %q, want the time %s", lines[at], e.at)
		}
		if at > last {
			last = at
		}
	}
	if t.Failed() {
		return
	}

	// What the database holds matches what was signed.
	r := app.contractRow(contractID)
	if sum := sha256.Sum256(mgrPDF); r.PDFSHA256 == nil || *r.PDFSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("stored pdf_sha256 = %v, want the SHA-256 of the downloaded PDF %x", r.PDFSHA256, sum)
	}
	if r.Status != models.ContractCompleted || r.CandidateSignedName == nil || *r.CandidateSignedName != danielName || r.TextSHA256 != models.TextHash(r.Text) {
		t.Fatalf("stored contract: status %q, signed name %v, text hash ok %v", r.Status, r.CandidateSignedName, r.TextSHA256 == models.TextHash(r.Text))
	}
}
