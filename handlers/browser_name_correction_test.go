package handlers_test

// Browser journey of a name correction: Daniel sees the legal name his
// contract is made out to, asks for a correction, the hiring manager applies
// it from the link in his alert, and Daniel signs the corrected contract.

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"nextstep/models"
)

func TestBrowserNameCorrection(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	app := f.app
	oldID := f.acceptedContract()
	contractPath := f.contractPath("")

	// Daniel signs in and opens his contract: the name it expects is plain.
	cand := newBrowser(t)
	link, err := app.Store.IssueSignInLink(context.Background(), danielEmail)
	if err != nil {
		t.Fatal(err)
	}
	browserUseSignInLink(t, cand, link)
	open(t, cand, app.URL+contractPath, "[data-testid=expected-name]")
	if got := squash(text(t, cand, "[data-testid=expected-name]")); got != "The contract is made out to: Daniel Kim. Type this name exactly to sign." {
		t.Fatalf("expected name = %q", got)
	}

	screenshot(t, cand, "name-correction-form.png")

	// It is not his full legal name: he asks for a correction.
	fill(t, cand, "requested_name", correctedName)
	fill(t, cand, "note", "My passport has my middle name.")
	if status := submit(t, cand, "[data-testid=request-correction]"); status != http.StatusOK {
		t.Fatalf("ask for a correction: status %d", status)
	}
	if got := path(t, cand); got != contractPath {
		t.Fatalf("after asking the browser is on %s", got)
	}
	if got := squash(text(t, cand, ".flash")); !strings.Contains(got, "We've asked HR to correct your name") {
		t.Fatalf("flash = %q", got)
	}
	if got := squash(text(t, cand, "[data-testid=correction-requested]")); !strings.Contains(got, "Correction requested: "+correctedName+" — we'll send you the corrected contract") {
		t.Fatalf("correction notice = %q", got)
	}
	if n := elementCount(t, cand, "#signed_name, [data-testid=consent-box], [data-testid=request-correction]"); n != 0 {
		t.Fatal("signing or asking again is offered while the correction is open")
	}
	screenshot(t, cand, "name-correction-requested.png")

	// The hiring manager follows the link in his alert and applies it.
	var body string
	if err := app.Store.DB().Raw("SELECT body FROM outbox_messages WHERE kind = ? AND to_email = ?", models.MsgNameCorrectionRequested, managerEmail).Scan(&body).Error; err != nil || body == "" {
		t.Fatalf("no alert for the manager: %v", err)
	}
	alertLink := regexp.MustCompile(`https?://\S+/admin/contracts/\d+#name-correction`).FindString(body)
	if alertLink == "" {
		t.Fatalf("the alert has no link to the request: %s", body)
	}
	mgr := newBrowser(t)
	// Signs in without asserting where staff land: this journey starts at the alert's link.
	open(t, mgr, app.URL+"/staff/login", "#email")
	fill(t, mgr, "email", managerEmail)
	fill(t, mgr, "password", models.DemoPassword)
	if status := submit(t, mgr, `form[action="/staff/login"] button[type=submit]`); status != http.StatusOK {
		t.Fatalf("staff login: status %d", status)
	}
	open(t, mgr, alertLink, "[data-testid=name-correction]")
	if got := text(t, mgr, "[data-testid=name-correction] [data-testid=requested-name]"); got != correctedName {
		t.Fatalf("requested name on the staff page = %q", got)
	}
	screenshot(t, mgr, "name-correction-staff.png")
	if status := submit(t, mgr, "[data-testid=apply-correction] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("apply: status %d", status)
	}
	newID := app.sqlCount("SELECT id FROM contracts WHERE application_id = ? AND status <> 'void'", f.appID)
	if newID == oldID || app.contractRow(oldID).Status != models.ContractVoid {
		t.Fatalf("after applying: live contract %d, old contract %d is %q", newID, oldID, app.contractRow(oldID).Status)
	}
	if got := text(t, mgr, "[data-testid=contract-text]"); !strings.Contains(got, correctedName) {
		t.Fatalf("the manager lands on a contract reading %.200q", got)
	}

	// Daniel opens the corrected contract, consents and signs with the new name.
	open(t, cand, app.URL+contractPath, "[data-testid=expected-name]")
	if got := squash(text(t, cand, "[data-testid=expected-name]")); !strings.Contains(got, "made out to: "+correctedName+".") {
		t.Fatalf("expected name after the correction = %q", got)
	}
	if got := text(t, cand, "[data-testid=contract-text]"); !strings.Contains(got, correctedName) {
		t.Fatalf("corrected contract text = %.200q", got)
	}
	tick(t, cand, "[data-testid=consent-box]")
	if status := submit(t, cand, "[data-testid=disclosure] button[type=submit]"); status != http.StatusOK {
		t.Fatalf("consent: status %d", status)
	}
	fill(t, cand, "signed_name", correctedName)
	tick(t, cand, "[data-testid=agree-box]")
	if status := submit(t, cand, "[data-testid=sign-button]"); status != http.StatusOK {
		t.Fatalf("sign: status %d", status)
	}
	if got := text(t, cand, "[data-testid=contract-status]"); got != "You have signed; waiting for our countersignature" {
		t.Fatalf("contract status after signing = %q", got)
	}
	if r := app.contractRow(newID); r.CandidateSignedName == nil || *r.CandidateSignedName != correctedName || r.Status != models.ContractAwaitingEmployer {
		t.Fatalf("signed contract: %q, %v", r.Status, r.CandidateSignedName)
	}
}
