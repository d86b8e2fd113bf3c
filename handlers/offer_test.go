package handlers_test

// Interest checks, offers and contracts over plain HTTP: the signing rules,
// the acceptance rules of an offer, races on the signature buttons, the
// verification page, the frozen contract text and contract templates. Each
// test checks the answer the person sees and what the database holds.

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"nextstep/models"
)

const (
	danielEmail = "daniel.kim@example.com" // sales, at the offer stage
	danielName  = "Daniel Kim"
	managerName = "Hugo Manager"
	// offerExpiry is a week after the fake clock's Tue 1 Dec 2026.
	offerExpiry = "2026-12-08"
	// defaultTemplateID is the contract template the migration creates.
	defaultTemplateID = 1
)

// offerFlow is Daniel's application with a signed-in recruiter (drafts),
// manager (approves, countersigns) and Daniel himself.
type offerFlow struct {
	t         *testing.T
	app       *testApp
	candID    int64
	appID     int64
	recruiter *client
	manager   *client
	cand      *client
}

func newOfferFlow(t *testing.T) *offerFlow {
	t.Helper()
	app := newTestApp(t)
	f := &offerFlow{t: t, app: app, candID: app.candidateID(danielEmail), appID: app.applicationID(danielEmail),
		recruiter: app.newClient(), manager: app.newClient(), cand: app.newClient()}
	f.recruiter.loginStaff(recruiterEmail)
	f.manager.loginStaff(managerEmail)
	f.cand.loginCandidate(danielEmail)
	return f
}

// offerForm is a complete offer form; change fills in other values.
func offerForm(change map[string]string) url.Values {
	form := url.Values{"job_title": {"Account Executive"}, "salary_amount": {"65000"}, "salary_currency": {"GBP"},
		"salary_period": {"year"}, "start_date": {"2027-02-01"}, "expires_on": {offerExpiry}, "location": {"London"},
		"working_pattern": {"Full time"}, "benefits": {"25 days' holiday"}}
	for k, v := range change {
		form.Set(k, v)
	}
	return form
}

// staffPost posts a staff form from Daniel's page and expects the redirect
// back to it.
func (f *offerFlow) staffPost(c *client, path string, form url.Values) response {
	f.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("candidate_id", strconv.FormatInt(f.candID, 10))
	res := c.post(path, form)
	if want := fmt.Sprintf("/admin/candidates/%d", f.candID); res.Status != http.StatusSeeOther || res.Location != want {
		f.t.Fatalf("POST %s: %d → %q, want 303 → %s; page: %s", path, res.Status, res.Location, want, offerProblemText(res))
	}
	return res
}

// latestVersion is the id and status of the newest offer version of Daniel's application.
func (f *offerFlow) latestVersion() (int64, string) {
	f.t.Helper()
	var row struct {
		ID     int64
		Status string
	}
	if err := f.app.Store.DB().Raw(`SELECT v.id, v.status FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? ORDER BY v.id DESC LIMIT 1`, f.appID).Scan(&row).Error; err != nil || row.ID == 0 {
		f.fatalf("no offer version for application %d: %v", f.appID, err)
	}
	return row.ID, row.Status
}

// fatalf fails the test from a flow step.
func (f *offerFlow) fatalf(format string, args ...any) { f.t.Helper(); f.t.Fatalf(format, args...) }

// versionStatus reads one offer version's status.
func (f *offerFlow) versionStatus(id int64) string {
	f.t.Helper()
	var s string
	if err := f.app.Store.DB().Raw("SELECT status FROM offer_versions WHERE id = ?", id).Scan(&s).Error; err != nil || s == "" {
		f.fatalf("offer version %d: %v", id, err)
	}
	return s
}

// sendOffer drafts (recruiter), submits, approves (manager) and sends an
// offer, and returns the id of the version sent.
func (f *offerFlow) sendOffer(change map[string]string) int64 {
	f.t.Helper()
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/offer", f.appID), offerForm(change))
	id, status := f.latestVersion()
	if status != string(models.OfferDraft) {
		f.fatalf("after saving, version %d is %q, want draft", id, status)
	}
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/submit", id), nil)
	f.staffPost(f.manager, fmt.Sprintf("/admin/offer-versions/%d/approve", id), nil)
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/send", id), nil)
	if got := f.versionStatus(id); got != string(models.OfferSent) {
		f.fatalf("after sending, version %d is %q, want sent", id, got)
	}
	return id
}

// accept accepts the offer version as Daniel and expects the redirect to his application.
func (f *offerFlow) accept(versionID int64) {
	f.t.Helper()
	res := f.cand.post(fmt.Sprintf("/me/applications/%d/offer/accept", f.appID), url.Values{"version_id": {strconv.FormatInt(versionID, 10)}})
	if want := fmt.Sprintf("/me/applications/%d", f.appID); res.Status != http.StatusSeeOther || res.Location != want {
		f.fatalf("accepting version %d: %d → %q, want 303 → %s; page: %s", versionID, res.Status, res.Location, want, offerProblemText(res))
	}
}

// contract generates the contract from the accepted offer with a template and returns its id.
func (f *offerFlow) contract(templateID int64) int64 {
	f.t.Helper()
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/contract", f.appID), url.Values{"template_id": {strconv.FormatInt(templateID, 10)}})
	var id int64
	if err := f.app.Store.DB().Raw("SELECT id FROM contracts WHERE application_id = ? AND status <> 'void'", f.appID).Scan(&id).Error; err != nil || id == 0 {
		f.fatalf("no contract for application %d after generating: %v", f.appID, err)
	}
	return id
}

// acceptedContract takes Daniel through the offer to a contract made with the default template.
func (f *offerFlow) acceptedContract() int64 {
	f.t.Helper()
	f.accept(f.sendOffer(nil))
	return f.contract(defaultTemplateID)
}

func (f *offerFlow) contractPath(suffix string) string {
	return fmt.Sprintf("/me/applications/%d/contract%s", f.appID, suffix)
}

// openContract opens the contract page as Daniel (recording the first view).
func (f *offerFlow) openContract() response {
	f.t.Helper()
	res := f.cand.get(f.contractPath(""))
	if res.Status != http.StatusOK {
		f.fatalf("GET %s: %d", f.contractPath(""), res.Status)
	}
	return res
}

// consent gives Daniel's consent to electronic records.
func (f *offerFlow) consent() {
	f.t.Helper()
	res := f.cand.post(f.contractPath("/consent"), url.Values{"consent": {"yes"}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, f.contractPath("")) {
		f.fatalf("consent: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
}

// sign signs as Daniel, with consent already given.
func (f *offerFlow) sign() {
	f.t.Helper()
	res := f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {danielName}, "agree": {"yes"}})
	if res.Status != http.StatusSeeOther || res.Location != f.contractPath("") {
		f.fatalf("sign: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
}

// countersign signs for the employer as the manager.
func (f *offerFlow) countersign(contractID int64) {
	f.t.Helper()
	p := fmt.Sprintf("/admin/contracts/%d/countersign", contractID)
	res := f.manager.post(p, url.Values{"signed_name": {managerName}, "agree": {"yes"}})
	if want := fmt.Sprintf("/admin/contracts/%d", contractID); res.Status != http.StatusSeeOther || res.Location != want {
		f.fatalf("countersign: %d → %q, want 303 → %s; page: %s", res.Status, res.Location, want, offerProblemText(res))
	}
}

// completedContract takes Daniel's contract to both signatures and returns its id.
func (f *offerFlow) completedContract() int64 {
	f.t.Helper()
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	f.sign()
	f.countersign(id)
	return id
}

// contractRow is a contract's signing state straight from the database.
type contractRow struct {
	Status              models.ContractStatus
	Text                string
	TextSHA256          string `gorm:"column:text_sha256"`
	CandidateSignedName *string
	CandidateSignedAt   *time.Time
	EmployerSignedAt    *time.Time
	PDFSHA256           *string `gorm:"column:pdf_sha256"`
	HasPDF              bool
	WrittenFormRequired bool
}

func (a *testApp) contractRow(id int64) contractRow {
	a.t.Helper()
	var r contractRow
	if err := a.Store.DB().Raw(`SELECT status, text, text_sha256, candidate_signed_name, candidate_signed_at, employer_signed_at,
		pdf_sha256, pdf IS NOT NULL AS has_pdf, written_form_required FROM contracts WHERE id = ?`, id).Scan(&r).Error; err != nil || r.Status == "" {
		a.t.Fatalf("contract %d: %v", id, err)
	}
	return r
}

// contractEvents counts a contract's audit events of one action.
func (a *testApp) contractEvents(contractID int64, action string) int64 {
	a.t.Helper()
	var n int64
	if err := a.Store.DB().Raw("SELECT count(*) FROM audit_log WHERE subject_type = 'contract' AND subject_id = ? AND action = ?",
		contractID, action).Scan(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

// sqlCount runs a count query.
func (a *testApp) sqlCount(query string, args ...any) int64 {
	a.t.Helper()
	var n int64
	if err := a.Store.DB().Raw(query, args...).Scan(&n).Error; err != nil {
		a.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// offerProblemText is the visible messages of a page (problem box, error
// summary, error page), for assertions and failure messages.
func offerProblemText(res response) string {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.Body))
	if err != nil {
		return fmt.Sprintf("(unparsable: %v)", err)
	}
	var parts []string
	doc.Find("[data-testid=offer-problem], [data-testid=error-summary], [data-testid=error-page], .field-error").Each(func(_ int, s *goquery.Selection) {
		parts = append(parts, strings.Join(strings.Fields(s.Text()), " "))
	})
	return strings.Join(parts, " | ")
}

// parallelPosts sends n identical form posts at once from the client's
// session and returns every status. Transport errors fail the test after
// all requests are done.
func parallelPosts(t *testing.T, c *client, path string, form url.Values, n int) []int {
	t.Helper()
	form.Set("_csrf", c.csrf())
	body := form.Encode()
	statuses := make([]int, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, c.app.URL+path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			res, err := c.http.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d of %d to %s: %v", i+1, n, path, err)
		}
	}
	return statuses
}

// ---- signing rules ----

// TestContractSignBeforeConsentRefused: the Sign button does nothing before
// the candidate has consented to electronic records.
func TestContractSignBeforeConsentRefused(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()

	res := f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {danielName}, "agree": {"yes"}})
	if res.Status != http.StatusConflict {
		t.Fatalf("sign without consent: status %d, want 409; page: %s", res.Status, offerProblemText(res))
	}
	doc := res.Doc(t)
	if got := doc.Find("#consent-error").Text(); !strings.Contains(got, "electronically") {
		t.Errorf("consent error = %q, want the request to agree to electronic documents first", got)
	}
	if doc.Find("[data-testid=consent-box]").Length() != 1 {
		t.Error("the refusal page does not show the consent box to tick")
	}
	r := f.app.contractRow(id)
	if r.CandidateSignedAt != nil || r.CandidateSignedName != nil || r.Status != models.ContractAwaitingCandidate {
		t.Fatalf("contract after a refused signature: status %q, signed at %v, name %v; want unsigned", r.Status, r.CandidateSignedAt, r.CandidateSignedName)
	}
	if n := f.app.contractEvents(id, "contract.signed_candidate"); n != 0 {
		t.Fatalf("%d signature events after a refused signature", n)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM esign_consents WHERE contract_id = ?", id); n != 0 {
		t.Fatalf("%d consents recorded although the candidate never consented", n)
	}

	// Positive control: with consent the same request signs.
	f.consent()
	f.sign()
	if r := f.app.contractRow(id); r.CandidateSignedAt == nil || r.Status != models.ContractAwaitingEmployer {
		t.Fatalf("after consent and signing: status %q, signed at %v", r.Status, r.CandidateSignedAt)
	}
}

// TestContractWrongTypedNameRefused: the typed name must be the name on
// record; the refusal names it and keeps what was typed.
func TestContractWrongTypedNameRefused(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()

	res := f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {"Dan Kim"}, "agree": {"yes"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign with a wrong name: status %d, want 422; page: %s", res.Status, offerProblemText(res))
	}
	doc := res.Doc(t)
	fieldErr := strings.TrimSpace(doc.Find("#signed_name-error").Text())
	if !strings.Contains(fieldErr, "Daniel Kim") {
		t.Errorf("name error = %q, want it to name the expected name Daniel Kim", fieldErr)
	}
	if summary := doc.Find("[data-testid=error-summary]").Text(); !strings.Contains(summary, "Daniel Kim") {
		t.Errorf("error summary = %q, want it to name Daniel Kim", strings.TrimSpace(summary))
	}
	if got, _ := doc.Find("#signed_name").Attr("value"); got != "Dan Kim" {
		t.Errorf("typed name after the refusal = %q, want Dan Kim kept", got)
	}
	if got, _ := doc.Find("#signed_name").Attr("aria-invalid"); got != "true" {
		t.Errorf("signed_name aria-invalid = %q, want true", got)
	}
	r := f.app.contractRow(id)
	if r.CandidateSignedAt != nil || r.Status != models.ContractAwaitingCandidate {
		t.Fatalf("contract after a wrong name: status %q, signed at %v; want unsigned", r.Status, r.CandidateSignedAt)
	}
	if n := f.app.contractEvents(id, "contract.signed_candidate"); n != 0 {
		t.Fatalf("%d signature events after a refused signature", n)
	}

	// Without the agreement tick, the right name alone does not sign either.
	res = f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {danielName}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign without ticking agree: status %d, want 422", res.Status)
	}
	if got := res.Doc(t).Find("#agree-error").Text(); got == "" {
		t.Error("no message next to the agree box when it was not ticked")
	}
	if r := f.app.contractRow(id); r.CandidateSignedAt != nil {
		t.Fatal("signed without the agreement tick")
	}

	// Case and spacing do not matter; the stored name is tidied.
	res = f.cand.post(f.contractPath("/sign"), url.Values{"signed_name": {"  daniel   KIM "}, "agree": {"yes"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign with the right name in other case: %d; page: %s", res.Status, offerProblemText(res))
	}
	if r := f.app.contractRow(id); r.CandidateSignedName == nil || *r.CandidateSignedName != "daniel KIM" {
		t.Fatalf("stored signed name = %v, want the typed name with tidied spaces", r.CandidateSignedName)
	}
}

// TestContractOtherCandidateGets404: Amelia cannot see, consent to or sign
// Daniel's contract, nor download it.
func TestContractOtherCandidateGets404(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	other := f.app.newClient()
	other.loginCandidate("amelia.hart@example.com")

	if res := other.get(f.contractPath("")); res.Status != http.StatusNotFound {
		t.Errorf("another candidate GET %s: %d, want 404", f.contractPath(""), res.Status)
	} else if strings.Contains(res.Body, "Daniel") || strings.Contains(res.Body, "EMPLOYMENT CONTRACT") {
		t.Error("the 404 page shows parts of Daniel's contract")
	}
	if res := other.post(f.contractPath("/consent"), url.Values{"consent": {"yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("another candidate POST consent: %d, want 404", res.Status)
	}
	if res := other.post(f.contractPath("/sign"), url.Values{"signed_name": {"Amelia Hart"}, "agree": {"yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("another candidate POST sign: %d, want 404", res.Status)
	}
	if res := other.post(f.contractPath("/sign"), url.Values{"signed_name": {danielName}, "agree": {"yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("another candidate POST sign with Daniel's name: %d, want 404", res.Status)
	}
	if res := other.get(fmt.Sprintf("/me/applications/%d/offer", f.appID)); res.Status != http.StatusNotFound {
		t.Errorf("another candidate GET Daniel's offer: %d, want 404", res.Status)
	}
	r := f.app.contractRow(id)
	if r.CandidateSignedAt != nil || r.Status != models.ContractAwaitingCandidate {
		t.Fatalf("Daniel's contract after another candidate's attempts: status %q, signed %v", r.Status, r.CandidateSignedAt)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM esign_consents WHERE contract_id = ?", id); n != 0 {
		t.Fatalf("%d consents recorded on Daniel's contract by another candidate", n)
	}
	if n := f.app.contractEvents(id, "contract.viewed"); n != 0 {
		t.Fatalf("another candidate's GET recorded %d views of Daniel's contract", n)
	}

	// Once complete, the PDF is Daniel's alone.
	f.openContract()
	f.consent()
	f.sign()
	f.countersign(id)
	if res := other.get(f.contractPath("/signed.pdf")); res.Status != http.StatusNotFound || strings.HasPrefix(res.Body, "%PDF") {
		t.Errorf("another candidate GET Daniel's signed PDF: %d, want 404 and no PDF", res.Status)
	}
	if res := f.cand.get(f.contractPath("/signed.pdf")); res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF") {
		t.Errorf("Daniel GET his signed PDF: %d, want 200 and a PDF", res.Status)
	}
}

// ---- offer acceptance rules ----

// TestOfferAcceptExpiredRefused: after the end of the expiry day the offer
// can no longer be accepted.
func TestOfferAcceptExpiredRefused(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	v := f.sendOffer(nil)

	// Thursday 8 December 2026 ends at 23:59:59; this is the next morning.
	f.app.Clock.Advance(8 * 24 * time.Hour)
	cand := f.app.newClient() // a fresh sign-in: the old session may have timed out
	cand.loginCandidate(danielEmail)

	page := cand.get(fmt.Sprintf("/me/applications/%d/offer", f.appID))
	if page.Status != http.StatusOK {
		t.Fatalf("offer page after expiry: %d", page.Status)
	}
	doc := page.Doc(t)
	if doc.Find("[data-testid=offer-expired]").Length() != 1 {
		t.Error("the expired offer page does not say the offer expired")
	}
	if doc.Find("[data-testid=accept-job-offer]").Length() != 0 {
		t.Error("the expired offer page still offers the Accept button")
	}

	res := cand.post(fmt.Sprintf("/me/applications/%d/offer/accept", f.appID), url.Values{"version_id": {strconv.FormatInt(v, 10)}})
	if res.Status != http.StatusConflict {
		t.Fatalf("accepting an expired offer: status %d, want 409; page: %s", res.Status, offerProblemText(res))
	}
	if got := res.Doc(t).Find("[data-testid=offer-problem]").Text(); !strings.Contains(got, "expired") {
		t.Errorf("problem shown = %q, want it to say the offer expired", strings.TrimSpace(got))
	}
	if got := f.versionStatus(v); got != string(models.OfferSent) {
		t.Fatalf("version after a refused late acceptance = %q, want sent", got)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM offers WHERE application_id = ? AND status = 'accepted'", f.appID); n != 0 {
		t.Fatalf("%d accepted offers after a refused late acceptance", n)
	}
	if got := f.app.applicationStageKey(f.appID); got != string(models.StageOffer) {
		t.Fatalf("stage after a refused late acceptance = %q, want offer", got)
	}
}

// TestOfferAcceptOnLastDayAllowed: the expiry day itself still counts, up to
// its last second.
func TestOfferAcceptOnLastDayAllowed(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	v := f.sendOffer(nil)
	// From Tue 1 Dec 09:00 to Tue 8 Dec 23:59 UTC.
	f.app.Clock.Advance(7*24*time.Hour + 14*time.Hour + 59*time.Minute)
	cand := f.app.newClient()
	cand.loginCandidate(danielEmail)
	f.cand = cand
	f.accept(v)
	if got := f.versionStatus(v); got != string(models.OfferAccepted) {
		t.Fatalf("version accepted on its last day = %q, want accepted", got)
	}
	// The contract stage opens when the contract is sent.
	if got := f.app.applicationStageKey(f.appID); got != string(models.StageOffer) {
		t.Fatalf("stage after acceptance = %q, want offer (until the contract is sent)", got)
	}
}

// applicationStageKey reads an application's stage key.
func (a *testApp) applicationStageKey(appID int64) string {
	a.t.Helper()
	var s string
	if err := a.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&s).Error; err != nil || s == "" {
		a.t.Fatalf("application %d: %v", appID, err)
	}
	return s
}

// TestOfferAcceptSupersededVersionRefused: a candidate who answers from an
// old tab, after a new version was sent, cannot accept the old terms.
func TestOfferAcceptSupersededVersionRefused(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	v1 := f.sendOffer(nil)

	// Daniel opens v1; its Accept form carries v1's id.
	page := f.cand.get(fmt.Sprintf("/me/applications/%d/offer", f.appID))
	oldID, ok := page.Doc(t).Find(`form[action$="/offer/accept"] input[name=version_id]`).Attr("value")
	if !ok || oldID != strconv.FormatInt(v1, 10) {
		t.Fatalf("the offer page's Accept form carries version %q, want %d", oldID, v1)
	}

	// The recruiter changes the salary: a new version, approved and sent.
	v2 := f.sendOffer(map[string]string{"salary_amount": "70000"})
	if v2 == v1 {
		t.Fatalf("editing a sent offer changed version %d in place; want a new version", v1)
	}
	if got := f.versionStatus(v1); got != string(models.OfferSuperseded) {
		t.Fatalf("v1 after v2 was sent = %q, want superseded", got)
	}

	res := f.cand.post(fmt.Sprintf("/me/applications/%d/offer/accept", f.appID), url.Values{"version_id": {oldID}})
	if res.Status != http.StatusConflict {
		t.Fatalf("accepting the superseded version: status %d, want 409; page: %s", res.Status, offerProblemText(res))
	}
	doc := res.Doc(t)
	if got := doc.Find("[data-testid=offer-problem]").Text(); !strings.Contains(got, "replaced") {
		t.Errorf("problem shown = %q, want it to say this version was replaced", strings.TrimSpace(got))
	}
	if got := strings.TrimSpace(doc.Find("[data-testid=offer-salary]").Text()); got != "GBP 70,000 per year" {
		t.Errorf("the refusal page shows salary %q, want the current GBP 70,000 per year", got)
	}
	if n := f.app.sqlCount(`SELECT count(*) FROM offer_versions v JOIN offers o ON o.id = v.offer_id
		WHERE o.application_id = ? AND v.status = 'accepted'`, f.appID); n != 0 {
		t.Fatalf("%d accepted versions after accepting a superseded one", n)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM offers WHERE application_id = ? AND status = 'open'", f.appID); n != 1 {
		t.Fatalf("%d open offers after a refused acceptance, want 1", n)
	}
	if got := f.versionStatus(v1); got != string(models.OfferSuperseded) {
		t.Fatalf("v1 after the refused acceptance = %q, want superseded", got)
	}
	if got := f.app.applicationStageKey(f.appID); got != string(models.StageOffer) {
		t.Fatalf("stage after a refused acceptance = %q, want offer", got)
	}

	// The current version is accepted as usual.
	f.accept(v2)
	if got := f.versionStatus(v2); got != string(models.OfferAccepted) {
		t.Fatalf("v2 after accepting = %q, want accepted", got)
	}
	if got := f.versionStatus(v1); got != string(models.OfferSuperseded) {
		t.Fatalf("v1 after accepting v2 = %q, want superseded", got)
	}
}

// TestOfferConcurrentDraftSaves: a double-clicked Save makes one version,
// with no server error: on a new offer, and on an offer already sent (where
// a save starts the next version). Several rounds, since a race shows only
// sometimes.
func TestOfferConcurrentDraftSaves(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	save := fmt.Sprintf("/admin/applications/%d/offer", f.appID)
	for round := 0; round < 4; round++ {
		if round > 0 {
			// Send the current draft, so the next save starts a new version.
			id, _ := f.latestVersion()
			f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/submit", id), nil)
			f.staffPost(f.manager, fmt.Sprintf("/admin/offer-versions/%d/approve", id), nil)
			f.staffPost(f.recruiter, fmt.Sprintf("/admin/offer-versions/%d/send", id), nil)
		}
		form := offerForm(map[string]string{"salary_amount": strconv.Itoa(65000 + round*1000)})
		form.Set("candidate_id", strconv.FormatInt(f.candID, 10))
		statuses := parallelPosts(t, f.recruiter, save, form, 10)
		for i, s := range statuses {
			if s != http.StatusSeeOther {
				t.Errorf("round %d, save %d of 10: status %d, want 303", round, i+1, s)
			}
		}
		if n := f.app.sqlCount("SELECT count(*) FROM offers WHERE application_id = ?", f.appID); n != 1 {
			t.Fatalf("round %d: %d offers after ten simultaneous saves, want 1", round, n)
		}
		n := f.app.sqlCount("SELECT count(*) FROM offer_versions v JOIN offers o ON o.id = v.offer_id WHERE o.application_id = ?", f.appID)
		if n != int64(round+1) {
			t.Fatalf("round %d: %d offer versions after ten simultaneous saves, want %d (one per round)", round, n, round+1)
		}
		if _, status := f.latestVersion(); status != string(models.OfferDraft) {
			t.Fatalf("round %d: newest version is %q, want draft", round, status)
		}
		if t.Failed() {
			return
		}
	}
}

// ---- races on the signature buttons ----

// TestContractConcurrentCandidateSign: ten Sign requests at once sign once.
func TestContractConcurrentCandidateSign(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	noticesBefore := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'contract_ready_to_countersign'") // the demo's own

	statuses := parallelPosts(t, f.cand, f.contractPath("/sign"), url.Values{"signed_name": {danielName}, "agree": {"yes"}}, 10)
	for i, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("sign request %d of 10: status %d, want 303 (a repeated click changes nothing)", i+1, s)
		}
	}
	r := f.app.contractRow(id)
	if r.CandidateSignedAt == nil || r.Status != models.ContractAwaitingEmployer {
		t.Fatalf("after ten signs: status %q, signed at %v; want signed once, waiting for the employer", r.Status, r.CandidateSignedAt)
	}
	if n := f.app.contractEvents(id, "contract.signed_candidate"); n != 1 {
		t.Fatalf("%d 'contract.signed_candidate' events after ten simultaneous signs, want 1", n)
	}
	// One notice per person with the signing right (admin and manager), not one per click.
	signers := f.app.sqlCount("SELECT count(*) FROM staff_users WHERE can_sign_contracts AND active")
	if n := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'contract_ready_to_countersign'") - noticesBefore; n != signers {
		t.Fatalf("%d countersign notices after ten simultaneous signs, want %d (one per signer)", n, signers)
	}
}

// TestContractConcurrentCountersign: ten Countersign requests at once sign
// once and write one PDF.
func TestContractConcurrentCountersign(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	f.sign()
	completedBefore := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'contract_completed'") // the demo's own

	p := fmt.Sprintf("/admin/contracts/%d/countersign", id)
	statuses := parallelPosts(t, f.manager, p, url.Values{"signed_name": {managerName}, "agree": {"yes"}}, 10)
	for i, s := range statuses {
		if s >= 500 {
			t.Errorf("countersign request %d of 10: status %d", i+1, s)
		} else if s != http.StatusSeeOther && s != http.StatusOK {
			t.Errorf("countersign request %d of 10: status %d, want 303 or 200", i+1, s)
		}
	}
	if n := f.app.contractEvents(id, "contract.countersigned"); n != 1 {
		t.Fatalf("%d 'contract.countersigned' events after ten simultaneous countersigns, want 1", n)
	}
	if n := f.app.contractEvents(id, "contract.completed"); n != 1 {
		t.Fatalf("%d 'contract.completed' events, want 1", n)
	}
	r := f.app.contractRow(id)
	if r.Status != models.ContractCompleted || r.PDFSHA256 == nil || !r.HasPDF || r.EmployerSignedAt == nil {
		t.Fatalf("after countersigning: status %q, pdf %v, pdf_sha256 %v; want completed with one PDF", r.Status, r.HasPDF, r.PDFSHA256)
	}
	if n := f.app.sqlCount("SELECT count(*) FROM outbox_messages WHERE kind = 'contract_completed'") - completedBefore; n != 1 {
		t.Fatalf("%d 'contract_completed' messages to the candidate, want 1", n)
	}
	if got := f.app.applicationStageKey(f.appID); got != string(models.StageOnboarding) {
		t.Fatalf("stage after countersigning = %q, want onboarding", got)
	}
}

// ---- verification, frozen records, rights ----

// TestVerifyExactAndAlteredPDF: /verify recognises the exact signed PDF and
// rejects a copy with one byte changed.
func TestVerifyExactAndAlteredPDF(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.completedContract()
	dl := f.cand.get(f.contractPath("/signed.pdf"))
	if dl.Status != http.StatusOK || !strings.HasPrefix(dl.Body, "%PDF-") {
		t.Fatalf("download: %d, body starts %.8q", dl.Status, dl.Body)
	}
	pdf := []byte(dl.Body)

	anon := f.app.newClient() // anyone may verify, signed in or not
	ok := verifyUpload(t, anon, "contract.pdf", pdf)
	if ok.Status != http.StatusOK {
		t.Fatalf("verify the exact PDF: status %d; page: %s", ok.Status, offerProblemText(ok))
	}
	doc := ok.Doc(t)
	okText := strings.Join(strings.Fields(doc.Find("[data-testid=verify-ok]").Text()), " ")
	if okText == "" {
		t.Fatalf("verifying the exact PDF shows no [data-testid=verify-ok]; page: %s", offerProblemText(ok))
	}
	for _, want := range []string{fmt.Sprintf("contract %d", id), danielName, "for the position of Account Executive", "contract.pdf"} {
		if !strings.Contains(okText, want) {
			t.Errorf("verify-ok = %q, want it to mention %q", okText, want)
		}
	}
	// The employer's signer is named with the capacity they signed in (their job title, else their
	// role), never with the position's title.
	var signer models.StaffUser
	mustDB(t, f.app.Store.DB().Raw("SELECT s.* FROM staff_users s JOIN contracts c ON c.employer_signer_id = s.id WHERE c.id = ?", id).Scan(&signer))
	if want := "for the employer, by " + signer.Name + ", " + signer.SigningRole() + ","; signer.ID == 0 || !strings.Contains(okText, want) {
		t.Errorf("verify-ok = %q, want it to name the signer's role: %q", okText, want)
	}
	if doc.Find("[data-testid=verify-fail]").Length() != 0 {
		t.Error("the exact PDF shows verify-fail too")
	}

	altered := bytes.Clone(pdf)
	altered[len(altered)/2] ^= 0x01
	bad := verifyUpload(t, anon, "contract.pdf", altered)
	if bad.Status != http.StatusOK {
		t.Fatalf("verify an altered PDF: status %d", bad.Status)
	}
	doc = bad.Doc(t)
	failText := strings.Join(strings.Fields(doc.Find("[data-testid=verify-fail]").Text()), " ")
	if !strings.Contains(failText, "Not a Nextstep-signed document") {
		t.Fatalf("verify-fail = %q, want Not a Nextstep-signed document", failText)
	}
	if doc.Find("[data-testid=verify-ok]").Length() != 0 {
		t.Fatal("a PDF with one byte changed is shown as verified")
	}
}

// verifyUpload posts a file to /verify as the page's form does: multipart,
// with the CSRF token of the form's hidden input.
func verifyUpload(t *testing.T, c *client, name string, data []byte) response {
	t.Helper()
	form := c.get("/verify")
	if form.Status != http.StatusOK {
		t.Fatalf("GET /verify: %d", form.Status)
	}
	token, ok := form.Doc(t).Find(`form[action="/verify"] input[name=_csrf]`).Attr("value")
	if !ok || token == "" {
		t.Fatal("the verify form has no _csrf hidden input")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("_csrf", token); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("document", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+"/verify", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// TestContractSignedTextFrozenInDatabase: the database itself refuses to
// change a signed contract's text, its signature or to delete it.
func TestContractSignedTextFrozenInDatabase(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	f.sign()
	before := f.app.contractRow(id)
	if before.TextSHA256 != models.TextHash(before.Text) {
		t.Fatalf("stored text_sha256 %s is not the SHA-256 of the stored text", before.TextSHA256)
	}

	db := f.app.Store.DB()
	if err := db.Exec("UPDATE contracts SET text = replace(text, '65,000', '6,500') WHERE id = ?", id).Error; err == nil {
		t.Fatal("UPDATE of a signed contract's text succeeded; want the database to refuse it")
	}
	newText := strings.Replace(before.Text, "65,000", "6,500", 1)
	if err := db.Exec("UPDATE contracts SET text = ?, text_sha256 = ? WHERE id = ?", newText, models.TextHash(newText), id).Error; err == nil {
		t.Fatal("UPDATE of a signed contract's text together with its hash succeeded; want it refused")
	}
	if err := db.Exec("UPDATE contracts SET candidate_signed_name = 'Someone Else' WHERE id = ?", id).Error; err == nil {
		t.Fatal("UPDATE of the candidate's signature succeeded; want it refused")
	}
	if err := db.Exec("DELETE FROM contracts WHERE id = ?", id).Error; err == nil {
		t.Fatal("DELETE of a contract succeeded; want it refused")
	}
	after := f.app.contractRow(id)
	if after.Text != before.Text || after.TextSHA256 != before.TextSHA256 || *after.CandidateSignedName != danielName {
		t.Fatal("the contract changed although every UPDATE was refused")
	}

	// After countersigning, the PDF is frozen too.
	f.countersign(id)
	if err := db.Exec("UPDATE contracts SET pdf = 'x'::bytea WHERE id = ?", id).Error; err == nil {
		t.Fatal("UPDATE of the signed PDF succeeded; want it refused")
	}
}

// TestContractRecruiterCannotCountersign: only staff with the signing right
// countersign; the recruiter gets 403 and changes nothing.
func TestContractRecruiterCannotCountersign(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	id := f.acceptedContract()
	f.openContract()
	f.consent()
	f.sign()

	page := f.recruiter.get(fmt.Sprintf("/admin/contracts/%d", id))
	if page.Status != http.StatusOK {
		t.Fatalf("recruiter opens the contract: %d", page.Status)
	}
	if page.Doc(t).Find("[data-testid=countersign-form]").Length() != 0 {
		t.Error("the recruiter, who has no signing right, is shown the countersign form")
	}

	res := f.recruiter.post(fmt.Sprintf("/admin/contracts/%d/countersign", id), url.Values{"signed_name": {"Rita Recruiter"}, "agree": {"yes"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("recruiter countersigns: status %d, want 403; page: %s", res.Status, offerProblemText(res))
	}
	r := f.app.contractRow(id)
	if r.EmployerSignedAt != nil || r.HasPDF || r.Status != models.ContractAwaitingEmployer {
		t.Fatalf("after the recruiter's attempt: status %q, employer signed %v, pdf %v; want unchanged", r.Status, r.EmployerSignedAt, r.HasPDF)
	}
	if n := f.app.contractEvents(id, "contract.countersigned"); n != 0 {
		t.Fatalf("%d countersign events after a refused countersign", n)
	}

	// The manager's countersign with a wrong name is refused with his name.
	res = f.manager.post(fmt.Sprintf("/admin/contracts/%d/countersign", id), url.Values{"signed_name": {"Hugo"}, "agree": {"yes"}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Doc(t).Find("#signed_name-error").Text(), managerName) {
		t.Fatalf("manager countersigns as 'Hugo': status %d, message %q; want 422 naming %s", res.Status, offerProblemText(res), managerName)
	}
	if r := f.app.contractRow(id); r.EmployerSignedAt != nil {
		t.Fatal("countersigned with a wrong name")
	}
}

// ---- contract templates ----

func (a *testApp) templateCount() int64 {
	a.t.Helper()
	return a.sqlCount("SELECT count(*) FROM contract_templates")
}

// TestContractTemplateUnknownPlaceholderRefused: a template with a
// placeholder the system cannot fill is refused and names it.
func TestContractTemplateUnknownPlaceholderRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	before := app.templateCount()

	body := "Between {{company}} and {{candidate_name}}. Favourite colour: {{favourite_colour}}. Paid {{salary}}."
	res := admin.post("/admin/contract-templates", url.Values{"name": {"Colourful"}, "body": {body}, "active": {"yes"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("template with an unknown placeholder: status %d, want 422", res.Status)
	}
	doc := res.Doc(t)
	msg := doc.Find("#body-error").Text()
	if !strings.Contains(msg, "favourite_colour") {
		t.Errorf("body error = %q, want it to name favourite_colour", msg)
	}
	if strings.Contains(strings.SplitN(msg, "Use only", 2)[0], "candidate_name") {
		t.Errorf("body error = %q lists a known placeholder as unknown", msg)
	}
	if got := doc.Find("#body").Text(); got != body {
		t.Errorf("the refused text was not kept for correction: %q", got)
	}
	if after := app.templateCount(); after != before {
		t.Fatalf("templates: %d before, %d after a refused save", before, after)
	}

	// The recruiter may not save templates at all.
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	if res := rec.post("/admin/contract-templates", url.Values{"name": {"Mine"}, "body": {"Hello {{candidate_name}}"}, "active": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("recruiter saves a template: status %d, want 403", res.Status)
	}
	if after := app.templateCount(); after != before {
		t.Fatalf("templates: %d before, %d after the recruiter's attempt", before, after)
	}
}

// TestContractTemplatePreviewShowsSampleValues: the preview fills every
// placeholder with sample values and saves nothing.
func TestContractTemplatePreviewShowsSampleValues(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	before := app.templateCount()

	body := "{{company}} employs {{ candidate_name }} as {{job_title}} in {{department}} from {{start_date}} for {{salary}}."
	res := admin.post("/admin/contract-templates", url.Values{"name": {"Preview me"}, "body": {body}, "active": {"yes"}, "preview": {"1"}})
	if res.Status != http.StatusOK {
		t.Fatalf("preview: status %d; page: %s", res.Status, offerProblemText(res))
	}
	preview := res.Doc(t).Find("[data-testid=template-preview]").Text()
	want := "Nextstep Demo Ltd employs Alex Example as Account Executive in Sales from 1 February 2027 for GBP 65,000 per year."
	if strings.TrimSpace(preview) != want {
		t.Errorf("preview = %q, want %q", preview, want)
	}
	if strings.Contains(preview, "{{") {
		t.Errorf("preview still holds placeholders: %q", preview)
	}
	if after := app.templateCount(); after != before {
		t.Fatalf("templates: %d before, %d after a preview", before, after)
	}

	// The default template's editor previews it the same way.
	edit := admin.get(fmt.Sprintf("/admin/contract-templates/%d/edit", defaultTemplateID))
	if edit.Status != http.StatusOK {
		t.Fatalf("edit default template: %d", edit.Status)
	}
	preview = edit.Doc(t).Find("[data-testid=template-preview]").Text()
	if !strings.Contains(preview, "Alex Example") || strings.Contains(preview, "{{") {
		t.Errorf("default template preview = %.200q, want sample values and no placeholders", preview)
	}
}

var templateEditPath = regexp.MustCompile(`^/admin/contract-templates/(\d+)/edit$`)

// TestContractWrittenFormTemplate: a contract that must be signed on paper
// records the candidate's acceptance, not an electronic signature.
func TestContractWrittenFormTemplate(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	admin := f.app.newClient()
	admin.loginStaff(adminEmail)
	res := admin.post("/admin/contract-templates", url.Values{"name": {"Fixed-term contract (paper)"},
		"body":         {"Fixed-term contract between {{company}} and {{candidate_name}} as {{job_title}} for {{salary}}."},
		"written_form": {"yes"}, "active": {"yes"}})
	m := templateEditPath.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create written-form template: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
	tplID, _ := strconv.ParseInt(m[1], 10, 64)
	if n := f.app.sqlCount("SELECT count(*) FROM contract_templates WHERE id = ? AND written_form_required AND active", tplID); n != 1 {
		t.Fatalf("template %d is not stored as an active written-form template", tplID)
	}

	f.accept(f.sendOffer(nil))
	id := f.contract(tplID)
	if r := f.app.contractRow(id); !r.WrittenFormRequired || !strings.Contains(r.Text, "Fixed-term contract between Nextstep Demo Ltd and Daniel Kim") {
		t.Fatalf("contract %d: written form %v, text %q; want the written-form template filled", id, r.WrittenFormRequired, r.Text)
	}

	f.openContract()
	f.consent()
	page := f.openContract().Doc(t)
	section := strings.Join(strings.Fields(page.Find("[data-testid=sign-section]").Text()), " ")
	if !strings.Contains(section, "must be signed on paper") {
		t.Errorf("sign section = %q, want it to say the contract must be signed on paper", section)
	}
	if got := strings.TrimSpace(page.Find("[data-testid=sign-button]").Text()); got != "Accept" {
		t.Errorf("button = %q, want Accept (not Sign) for a written-form contract", got)
	}

	f.sign()
	r := f.app.contractRow(id)
	if r.Status != models.ContractWrittenForm {
		t.Fatalf("status after the candidate's acceptance = %q, want written_form", r.Status)
	}
	if n := f.app.contractEvents(id, "contract.accepted_for_written_form"); n != 1 {
		t.Errorf("%d 'contract.accepted_for_written_form' events, want 1", n)
	}
	if n := f.app.contractEvents(id, "contract.signed_candidate"); n != 0 {
		t.Errorf("%d electronic signature events for a written-form contract, want 0", n)
	}
	after := f.openContract().Doc(t)
	if got := strings.TrimSpace(after.Find("[data-testid=contract-status]").Text()); !strings.Contains(got, "signed on paper") {
		t.Errorf("status shown to the candidate = %q, want it to say it is to be signed on paper", got)
	}
	if after.Find("[data-testid=download-pdf]").Length() != 0 || after.Find("[data-testid=sign-button]").Length() != 0 {
		t.Error("the written-form contract page still offers a signed PDF or the sign button")
	}
	staff := f.manager.get(fmt.Sprintf("/admin/contracts/%d", id))
	if !strings.Contains(strings.Join(strings.Fields(staff.Doc(t).Find("main").Text()), " "), "please sign it on paper") {
		t.Error("the staff contract page does not say the contract must be signed on paper")
	}

	// There is nothing to countersign electronically.
	cs := f.manager.post(fmt.Sprintf("/admin/contracts/%d/countersign", id), url.Values{"signed_name": {managerName}, "agree": {"yes"}})
	if cs.Status != http.StatusConflict {
		t.Errorf("countersign a written-form contract: status %d, want 409", cs.Status)
	}
	if r := f.app.contractRow(id); r.EmployerSignedAt != nil || r.HasPDF || r.Status != models.ContractWrittenForm {
		t.Fatalf("written-form contract after a countersign attempt: status %q, employer %v, pdf %v", r.Status, r.EmployerSignedAt, r.HasPDF)
	}
}

// ---- interest check ----

// TestInterestCheckAnswersAndOneOpenAtATime: the candidate's answers reach
// the staff page, and a second check waits until the first is answered.
func TestInterestCheckAnswersAndOneOpenAtATime(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	send := url.Values{"message": {"Are you still keen?"}, "questions": {"Do you need a visa?\n\n  Which laptop do you prefer?  "}}
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/interest", f.appID), send)

	again := url.Values{"message": {"Second check"}, "candidate_id": {strconv.FormatInt(f.candID, 10)}}
	res := f.recruiter.post(fmt.Sprintf("/admin/applications/%d/interest", f.appID), again)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(offerProblemText(res), "already waiting") {
		t.Fatalf("second open check: %d, %q; want 422 saying one is already waiting", res.Status, offerProblemText(res))
	}
	if n := f.app.sqlCount("SELECT count(*) FROM interest_checks WHERE application_id = ?", f.appID); n != 1 {
		t.Fatalf("%d interest checks, want 1", n)
	}

	page := f.cand.get(fmt.Sprintf("/me/applications/%d/interest", f.appID))
	doc := page.Doc(t)
	if page.Status != http.StatusOK || doc.Find("textarea[name=extra]").Length() != 2 {
		t.Fatalf("interest page: %d with %d extra questions, want 200 with 2 (blank lines dropped)", page.Status, doc.Find("textarea[name=extra]").Length())
	}
	if got := strings.TrimSpace(doc.Find(`label[for="extra-1"]`).Text()); got != "Which laptop do you prefer?" {
		t.Errorf("second question label = %q", got)
	}

	// A missing required answer is refused and keeps the rest.
	res = f.cand.post(fmt.Sprintf("/me/applications/%d/interest/confirm", f.appID), url.Values{"earliest_start": {"March"},
		"notice_period": {""}, "salary_expectation": {"60k"}, "extra": {"No", "A Mac"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("confirm without notice period: %d, want 422", res.Status)
	}
	if got, _ := res.Doc(t).Find("#earliest_start").Attr("value"); got != "March" {
		t.Errorf("earliest start after the refusal = %q, want March kept", got)
	}

	res = f.cand.post(fmt.Sprintf("/me/applications/%d/interest/confirm", f.appID), url.Values{"earliest_start": {"March"},
		"notice_period": {"One month"}, "salary_expectation": {"60k"}, "extra": {"No", "A Mac"}})
	if res.Status != http.StatusSeeOther || res.Location != "/me" {
		t.Fatalf("confirm: %d → %q; page: %s", res.Status, res.Location, offerProblemText(res))
	}
	staff := f.recruiter.get(fmt.Sprintf("/admin/candidates/%d", f.candID)).Doc(t)
	if got := strings.TrimSpace(staff.Find("[data-testid=interest-status]").Text()); got != "confirmed" {
		t.Errorf("interest status on the staff page = %q, want confirmed", got)
	}
	facts := strings.Join(strings.Fields(staff.Find("[data-testid=interest] dl.facts").Text()), " ")
	for _, want := range []string{"March", "One month", "60k"} {
		if !strings.Contains(facts, want) {
			t.Errorf("staff interest answers = %q, want %q", facts, want)
		}
	}
	answers := map[string]string{}
	staff.Find("[data-testid=interest] .interest-result p").Each(func(_ int, p *goquery.Selection) {
		if q := strings.TrimSpace(p.Find("strong").Text()); q != "" {
			answers[q] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p.Text()), q))
		}
	})
	if answers["Do you need a visa?"] != "No" || answers["Which laptop do you prefer?"] != "A Mac" {
		t.Errorf("staff page pairs questions and answers as %q, want visa → No, laptop → A Mac", answers)
	}
	// Answered, a new check may be sent.
	f.staffPost(f.recruiter, fmt.Sprintf("/admin/applications/%d/interest", f.appID), url.Values{"message": {"One more thing"}})
}

// TestOfferAcceptAfterRejectionRefused: once staff reject the application,
// the offer that was sent can no longer be accepted.
func TestOfferAcceptAfterRejectionRefused(t *testing.T) {
	t.Parallel()
	f := newOfferFlow(t)
	v := f.sendOffer(nil)
	res := f.recruiter.post(fmt.Sprintf("/admin/applications/%d/status", f.appID), url.Values{"status": {"rejected"},
		"reason": {"Budget withdrawn."}, "candidate_id": {strconv.FormatInt(f.candID, 10)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d; page: %s", res.Status, offerProblemText(res))
	}
	if me := f.cand.get("/me").Doc(t); me.Find("[data-move=answer_offer]").Length() != 0 {
		t.Errorf("/me still tells Daniel he has a job offer after his application was rejected")
	}
	res = f.cand.post(fmt.Sprintf("/me/applications/%d/offer/accept", f.appID), url.Values{"version_id": {strconv.FormatInt(v, 10)}})
	if res.Status < 400 || res.Status >= 500 {
		t.Errorf("accepting the offer of a rejected application: status %d, want a 4xx refusal", res.Status)
	}
	if got := f.versionStatus(v); got == string(models.OfferAccepted) {
		t.Fatalf("the offer of a rejected application was accepted")
	}
	if n := f.app.sqlCount("SELECT count(*) FROM offers WHERE application_id = ? AND status = 'accepted'", f.appID); n != 0 {
		t.Fatalf("%d accepted offers on a rejected application", n)
	}
}
