package handlers_test

// Name corrections over HTTP: the candidate sees the name the contract is
// made out to and asks for a correction instead of being refused; staff
// apply or decline it. Each test checks the page and the database.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
)

const correctedName = "Daniel Min-jun Kim"

// openCorrections counts the open name corrections of a contract.
func (a *testApp) openCorrections(contractID int64) int64 {
	return a.sqlCount("SELECT count(*) FROM contract_name_corrections WHERE contract_id = ? AND status = 'open'", contractID)
}

// correctionID is the newest name correction of a contract.
func (a *testApp) correctionID(contractID int64) int64 {
	id := a.sqlCount("SELECT coalesce(max(id), 0) FROM contract_name_corrections WHERE contract_id = ?", contractID)
	if id == 0 {
		a.t.Fatalf("no name correction on contract %d", contractID)
	}
	return id
}

// requestCorrection asks for correctedName as Daniel and expects the redirect to his contract.
func (f *offerFlow) requestCorrection() {
	f.t.Helper()
	res := f.cand.post(f.contractPath("/name-correction"), url.Values{"requested_name": {correctedName}, "note": {"My passport has my middle name."}})
	if res.Status != http.StatusSeeOther || res.Location != f.contractPath("") {
		f.fatalf("asking for a correction: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
}

func TestNameCorrectionCandidatePage(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()

	doc := f.openContract().Doc(t)
	if got := squash(doc.Find("[data-testid=expected-name]").Text()); got != "The contract is made out to: Daniel Kim. Type this name exactly to sign." {
		t.Errorf("expected name = %q", got)
	}
	if doc.Find(`[data-testid=correction-form] form[action$="/name-correction"] label[for=requested_name]`).Length() != 1 {
		t.Error("no labelled correction form on the contract page")
	}
	f.consent()

	// A mismatch still refuses, and points to the correction form.
	res := f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {correctedName}, "agree": {"yes"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign with another name: %d, want 422", res.Status)
	}
	doc = res.Doc(t)
	if href, _ := doc.Find("#signed_name-error a").Attr("href"); href != "#name-correction" {
		t.Errorf("name error links to %q, want #name-correction", href)
	}
	if !strings.Contains(doc.Find("#signed_name-error").Text(), "Daniel Kim") {
		t.Errorf("name error = %q, want the expected name", doc.Find("#signed_name-error").Text())
	}
	if got, _ := doc.Find("#signed_name").Attr("value"); got != correctedName {
		t.Errorf("typed name kept = %q", got)
	}
	if doc.Find("#name-correction").Length() != 1 {
		t.Error("the anchor #name-correction is missing from the refusal page")
	}

	// Bad requests: 422, the message by the field, the input kept, nothing stored.
	for _, tc := range []struct{ name, requested string }{{"empty", "  "}, {"same name", "Daniel  Kim"}, {"too long", strings.Repeat("x", 201)}} {
		res := f.cand.post(f.contractPath("/name-correction"), url.Values{"requested_name": {tc.requested}, "note": {"keep me"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d, want 422", tc.name, res.Status)
		}
		doc := res.Doc(t)
		if doc.Find("#requested_name-error").Text() == "" {
			t.Errorf("%s: no message next to the name", tc.name)
		}
		if got, _ := doc.Find("#requested_name").Attr("value"); got != tc.requested {
			t.Errorf("%s: requested name kept = %q", tc.name, got)
		}
		if got := doc.Find("textarea#note").Text(); got != "keep me" {
			t.Errorf("%s: note kept = %q", tc.name, got)
		}
	}
	if n := f.app.sqlCount("SELECT count(*) FROM contract_name_corrections"); n != 0 {
		t.Fatalf("%d corrections stored after refused requests", n)
	}

	// Another candidate cannot ask on Daniel's application.
	other := f.app.newClient()
	other.loginCandidate("amelia.hart@example.com")
	if res := other.post(f.contractPath("/name-correction"), url.Values{"requested_name": {"Amelia Hart"}}); res.Status != http.StatusNotFound {
		t.Fatalf("another candidate's request: %d, want 404", res.Status)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM contract_name_corrections"); n != 0 {
		t.Fatal("another candidate's request was stored")
	}

	f.requestCorrection()
	page := f.openContract()
	doc = page.Doc(t)
	if got := squash(doc.Find(".flash").Text()); !strings.Contains(got, "We've asked HR to correct your name") {
		t.Errorf("flash = %q", got)
	}
	if got := squash(doc.Find("[data-testid=correction-requested]").Text()); !strings.Contains(got, "Correction requested: "+correctedName+" — we'll send you the corrected contract") {
		t.Errorf("correction notice = %q", got)
	}
	if doc.Find("#signed_name").Length() != 0 || doc.Find("[data-testid=sign-button]").Length() != 0 || doc.Find("[data-testid=correction-form]").Length() != 0 {
		t.Error("signing or a second request is offered while the correction is open")
	}
	if res := f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {danielName}, "agree": {"yes"}}); res.Status != http.StatusConflict {
		t.Errorf("signing while the correction is open: %d, want 409", res.Status)
	}
	if res := f.cand.post(f.contractPath("/name-correction"), url.Values{"requested_name": {"Daniel M. Kim"}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("second request: %d, want 422", res.Status)
	}
	if n := f.app.openCorrections(id); n != 1 {
		t.Fatalf("%d open corrections, want 1", n)
	}
	if r := f.app.contractRow(id); r.CandidateSignedAt != nil {
		t.Fatal("the contract was signed while the correction was open")
	}
}

func TestNameCorrectionStaffApplyAndDecline(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.requestCorrection()
	ncID := f.app.correctionID(id)
	contractPage := fmt.Sprintf("/admin/contracts/%d", id)

	// The manager sees the request with both answers on the contract page.
	res := f.manager.get(contractPage)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", contractPage, res.Status)
	}
	doc := res.Doc(t)
	if got := doc.Find("[data-testid=name-correction] [data-testid=requested-name]").Text(); got != correctedName {
		t.Errorf("requested name on the staff page = %q", got)
	}
	if got := doc.Find("[data-testid=name-correction] [data-testid=current-name]").Text(); got != danielName {
		t.Errorf("current name on the staff page = %q", got)
	}
	if doc.Find("[data-testid=apply-correction]").Length() != 1 || doc.Find("[data-testid=decline-correction] label[for=response]").Length() != 1 {
		t.Error("the apply and decline forms are missing")
	}
	var alerts int64 = f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = ? AND link_path = ?", models.MsgNameCorrectionRequested, contractPage+"#name-correction")
	if alerts != 2 {
		t.Errorf("%d staff alerts linking to the request, want the recruiter and the manager", alerts)
	}

	// Declining needs a response: 422 on the contract page, nothing changed.
	res = f.recruiter.post(fmt.Sprintf("/admin/name-corrections/%d/decline", ncID), url.Values{"response": {"  "}})
	if res.Status != http.StatusUnprocessableEntity || res.Doc(t).Find("#response-error").Text() == "" {
		t.Fatalf("decline without a response: %d; page: %s", res.Status, offerProblemText(res))
	}
	if f.app.openCorrections(id) != 1 {
		t.Fatal("a refused decline changed the request")
	}

	// Out of scope: an interviewer and a hiring manager of other positions.
	interviewer := f.app.newClient()
	interviewer.loginStaff(interviewerEmail)
	if res := interviewer.post(fmt.Sprintf("/admin/name-corrections/%d/apply", ncID), nil); res.Status != http.StatusForbidden && res.Status != http.StatusNotFound {
		t.Errorf("interviewer applying: %d", res.Status)
	}
	if _, err := f.app.Store.CreateStaff(context.Background(), models.SystemActor("test"), models.StaffInput{Email: "olga@demo.nextstep.test",
		Name: "Olga Other", Role: models.RoleHiringManager, Password: models.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	olga := f.app.newClient()
	olga.loginStaff("olga@demo.nextstep.test")
	for _, action := range []string{"apply", "decline"} {
		if res := olga.post(fmt.Sprintf("/admin/name-corrections/%d/%s", ncID, action), url.Values{"response": {"No."}}); res.Status != http.StatusNotFound {
			t.Errorf("other manager %s: %d, want 404", action, res.Status)
		}
	}
	if res := olga.get(contractPage); res.Status != http.StatusNotFound || strings.Contains(res.Body, correctedName) {
		t.Errorf("other manager GET the contract: %d", res.Status)
	}
	if f.app.openCorrections(id) != 1 || f.app.contractRow(id).Status != models.ContractAwaitingCandidate {
		t.Fatal("an out-of-scope request changed the correction or the contract")
	}

	// The manager applies: the browser lands on the new contract.
	res = f.manager.post(fmt.Sprintf("/admin/name-corrections/%d/apply", ncID), nil)
	var newID int64 = f.app.sqlCount("SELECT id FROM contracts WHERE application_id = ? AND status <> 'void'", f.appID)
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/admin/contracts/%d", newID) || newID == id {
		t.Fatalf("apply: %d → %q (new contract %d); page: %s", res.Status, res.Location, newID, offerProblemText(res))
	}
	if r := f.app.contractRow(id); r.Status != models.ContractVoid {
		t.Fatalf("old contract status %q, want void", r.Status)
	}
	if r := f.app.contractRow(newID); !strings.Contains(r.Text, correctedName) || r.Status != models.ContractAwaitingCandidate {
		t.Fatalf("new contract: %q %.200q", r.Status, r.Text)
	}
	if got := f.manager.get(contractPage).Doc(t).Find("[data-testid=contract-status]").Text(); got != "Void: replaced by a newer contract" {
		t.Errorf("old contract status label = %q", got)
	}

	// Daniel sees the new name, and a second request on the new contract can be declined.
	if got := squash(f.openContract().Doc(t).Find("[data-testid=expected-name]").Text()); !strings.Contains(got, correctedName) {
		t.Fatalf("expected name after the correction = %q", got)
	}
	res = f.cand.post(f.contractPath("/name-correction"), url.Values{"requested_name": {"Danny Kim"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("request on the new contract: %d; page: %s", res.Status, offerProblemText(res))
	}
	second := f.app.correctionID(newID)
	const response = "We need the name as on your passport."
	res = f.recruiter.post(fmt.Sprintf("/admin/name-corrections/%d/decline", second), url.Values{"response": {response}})
	if res.Status != http.StatusSeeOther || res.Location != fmt.Sprintf("/admin/contracts/%d", newID) {
		t.Fatalf("decline: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
	doc = f.openContract().Doc(t)
	if got := squash(doc.Find("[data-testid=correction-declined]").Text()); !strings.Contains(got, response) || !strings.Contains(got, "Danny Kim") {
		t.Errorf("declined notice = %q", got)
	}
	if doc.Find("[data-testid=correction-form]").Length() != 1 {
		t.Error("the correction form is not offered again after a decline")
	}
	if n := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = ? AND body LIKE ?", models.MsgNameCorrectionDeclined, "%"+response+"%"); n != 1 {
		t.Errorf("%d decline messages with the response", n)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = ?", models.MsgContractNameCorrected); n != 1 {
		t.Errorf("%d corrected-contract messages", n)
	}
}
