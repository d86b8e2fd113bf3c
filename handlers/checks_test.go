package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/handlers"
	"nextstep/models"
)

// Checks' pages: Henrik Larsen is at the background check of Backend
// Engineer (Go); the position is set to need one, so his check waits for him.

const henrikEmail = "henrik.larsen@example.com"

var checksSecret = []byte("checks-webhook-secret-for-the-tests-0123456789")

type checksApp struct {
	*testApp
	appID, checkID, candID int64
}

func newChecksApp(t *testing.T) checksApp {
	t.Helper()
	app := newTestAppWith(t, func(c *handlers.Config) { c.ChecksWebhookSecret = checksSecret })
	return checksFor(t, app)
}

// checksFor sets Backend Engineer (Go) to need a background check, which
// makes Henrik's.
func checksFor(t *testing.T, app *testApp) checksApp {
	t.Helper()
	if err := app.Store.SetPositionChecks(context.Background(), app.adminActor(), app.positionID("Backend Engineer (Go)"), models.ChecksBackground); err != nil {
		t.Fatal(err)
	}
	a := checksApp{testApp: app, appID: app.applicationID(henrikEmail), candID: app.candidateID(henrikEmail)}
	a.checkID = app.sqlCount("SELECT id FROM checks WHERE application_id = ? AND kind = 'background'", a.appID)
	if a.checkID == 0 {
		t.Fatal("Henrik has no background check")
	}
	return a
}

func (a checksApp) page() string { return fmt.Sprintf("/me/applications/%d/checks", a.appID) }
func (a checksApp) staffPage() string {
	return fmt.Sprintf("/admin/applications/%d/checks", a.appID)
}
func (a checksApp) action(verb string) string {
	return fmt.Sprintf("%s/%d/%s", a.page(), a.checkID, verb)
}
func (a checksApp) staffAction(verb string) string {
	return fmt.Sprintf("%s/%d/%s", a.staffPage(), a.checkID, verb)
}

func (a checksApp) status() models.CheckStatus {
	a.t.Helper()
	var s models.CheckStatus
	mustDB(a.t, a.Store.DB().Raw("SELECT status FROM checks WHERE id = ?", a.checkID).Scan(&s))
	return s
}

// goodConsent is a background consent covering five years back from December 2026.
func goodConsent() url.Values {
	return url.Values{"text_version": {models.CheckInfoFor(models.CheckBackground).ConsentVersion}, "consent": {"yes"},
		"address_0_line": {"4 Nørrebrogade"}, "address_0_city": {"Copenhagen"}, "address_0_postcode": {"2200"},
		"address_0_country": {"Denmark"}, "address_0_from_month": {"2023-05"},
		"address_1_line": {"12 Rue de la Paix"}, "address_1_city": {"Paris"}, "address_1_postcode": {"75002"},
		"address_1_country": {"France"}, "address_1_from_month": {"2019-09"}, "address_1_to_month": {"2023-04"}}
}

// consent gives Henrik's consent through the page.
func (a checksApp) consent(c *client) {
	a.t.Helper()
	if res := c.post(a.action("consent"), goodConsent()); res.Status != http.StatusSeeOther || res.Location != a.page() {
		a.t.Fatalf("consent: %d → %q, %.300s", res.Status, res.Location, res.Body)
	}
}

// upload posts a result document as the staff's form does.
func (c *client) upload(path, name string, data []byte, fields url.Values) response {
	c.app.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	_ = w.WriteField("_csrf", c.csrf())
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.app.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

// A bad consent comes back with each problem at its field, the rows typed
// kept and nothing saved; a good one records the consent and the addresses;
// a withdrawal stops the check and staff see it plainly.
func TestCandidateConsentsToABackgroundCheck(t *testing.T) {
	t.Parallel()
	a := newChecksApp(t)
	c := a.newClient()
	c.loginCandidate(henrikEmail)

	if doc := c.get(fmt.Sprintf("/me/applications/%d", a.appID)).Doc(t); doc.Find("[data-testid=checks-cta]").Length() != 1 {
		t.Error("the application page does not lead to the checks")
	}
	doc := c.get(a.page()).Doc(t)
	info := models.CheckInfoFor(models.CheckBackground)
	for _, want := range []string{info.What, info.Who, info.Data, info.HowLong, info.ConsentText, info.ConsentVersion,
		models.CheckWaitingForCandidate.CandidateLabel()} {
		if !strings.Contains(doc.Text(), want) {
			t.Errorf("the checks page does not say %q", want)
		}
	}
	if n := doc.Find("[data-testid=address-row]").Length(); n < 5 {
		t.Errorf("%d address rows, want at least 5", n)
	}

	bad := goodConsent()
	bad.Del("consent")
	bad.Set("address_1_city", "")
	bad.Set("address_1_from_month", "2023-01") // and a gap before it: the city is asked first
	res := c.post(a.action("consent"), bad)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad consent: status %d, want 422", res.Status)
	}
	doc = res.Doc(t)
	for _, field := range []string{"consent", "address_1_city"} {
		if doc.Find("#"+field+"-error").Length() != 1 {
			t.Errorf("no message at the %s field", field)
		}
	}
	if v, _ := doc.Find(fmt.Sprintf("#c%d-address_0_line", a.checkID)).Attr("value"); v != "4 Nørrebrogade" {
		t.Errorf("the first address typed was not kept: %q", v)
	}
	if n := a.sqlCount("SELECT count(*) FROM check_consents WHERE check_id = ?", a.checkID) +
		a.sqlCount("SELECT count(*) FROM check_addresses WHERE check_id = ?", a.checkID); n != 0 || a.status() != models.CheckWaitingForCandidate {
		t.Fatalf("a refused consent saved %d rows, status %s", n, a.status())
	}

	a.consent(c)
	doc = c.get(a.page()).Doc(t)
	if got := strings.TrimSpace(doc.Find("[data-testid=check-status]").Text()); got != models.CheckNotStarted.CandidateLabel() {
		t.Errorf("status after consenting reads %q", got)
	}
	if n := doc.Find("[data-testid=given-addresses] li").Length(); n != 2 {
		t.Errorf("%d addresses listed, want 2", n)
	}

	staff := a.newClient()
	staff.loginStaff(recruiterEmail)
	sdoc := staff.get(a.staffPage()).Doc(t)
	if got := sdoc.Find("[data-testid=staff-consent]").Text(); !strings.Contains(got, "Given") || !strings.Contains(got, info.ConsentVersion) {
		t.Errorf("staff read the consent as %q", got)
	}

	if res := c.post(a.action("withdraw"), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d", res.Status)
	}
	if a.status() != models.CheckWithdrawn {
		t.Fatalf("status after withdrawing: %s", a.status())
	}
	if doc := c.get(a.page()).Doc(t); doc.Find("[data-testid=check-withdrawn]").Length() != 1 {
		t.Error("the candidate is not told the check stopped")
	}
	sdoc = staff.get(a.staffPage()).Doc(t)
	if sdoc.Find("[data-testid=consent-withdrawn]").Length() != 1 || sdoc.Find("[data-testid=manual-form], [data-testid=result-form]").Length() != 0 {
		t.Error("staff do not see plainly that consent was withdrawn, or may still record results")
	}
}

// pdfBytes is a small document that sniffs as a PDF.
var pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// An 11 MB file and a web page named .pdf are refused at the file field
// with a clear sentence, and nothing is stored; a PDF is stored and served
// to recruiters as a download only.
func TestCheckResultUploadRefusals(t *testing.T) {
	t.Parallel()
	a := newChecksApp(t)
	cand := a.newClient()
	cand.loginCandidate(henrikEmail)
	a.consent(cand)
	staff := a.newClient()
	staff.loginStaff(recruiterEmail)
	fields := url.Values{"status": {"needs_review"}, "finding": {"A county court judgment in 2022."}}

	filesBefore := a.sqlCount("SELECT count(*) FROM stored_files") // the demo's own (an onboarding document)
	big := append(append([]byte{}, pdfBytes...), bytes.Repeat([]byte{' '}, 11<<20)...)
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"11 MB", "result.pdf", big, "is too large"},
		{"web page", "result.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "is not a PDF, JPEG or PNG file"},
	} {
		res := staff.upload(a.staffAction("result"), tc.file, tc.data, fields)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.name, res.Status)
			continue
		}
		doc := res.Doc(t)
		if got := doc.Find("#file-error").Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%s: the file field says %q, want %q", tc.name, got, tc.want)
		}
		if got := doc.Find(fmt.Sprintf("#c%d-finding", a.checkID)).Text(); got != fields.Get("finding") {
			t.Errorf("%s: the finding typed was not kept: %q", tc.name, got)
		}
	}
	if n := a.sqlCount("SELECT count(*) FROM stored_files"); n != filesBefore || a.status() != models.CheckNotStarted {
		t.Fatalf("refused uploads stored %d files; status %s", n-filesBefore, a.status())
	}

	res := staff.upload(a.staffAction("result"), "result.pdf", pdfBytes, fields)
	if res.Status != http.StatusSeeOther || res.Location != a.staffPage() {
		t.Fatalf("a good upload: %d → %q, %.300s", res.Status, res.Location, res.Body)
	}
	href, ok := staff.get(a.staffPage()).Doc(t).Find("[data-testid=result-file] a").Attr("href")
	if !ok {
		t.Fatal("no link to the result")
	}
	dl := staff.get(href)
	if dl.Status != http.StatusOK || dl.Body != string(pdfBytes) || dl.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") || dl.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the download: %d %q %q %q", dl.Status, dl.Header.Get("Content-Type"), dl.Header.Get("Content-Disposition"), dl.Header.Get("X-Content-Type-Options"))
	}
	// The candidate sees the status, never the finding or the file.
	doc := cand.get(a.page()).Doc(t)
	if strings.Contains(doc.Text(), "county court") || doc.Find("a[href^='/admin/check-files/']").Length() != 0 {
		t.Error("the candidate's page shows the finding or the result file")
	}
	if res := cand.get(href); res.Status == http.StatusOK {
		t.Error("the candidate downloads the result")
	}
}

// A hiring manager of the position sees the status, not the result; the
// download is refused them. (Maya Patel: Warehouse Operations Lead, at
// the medical; the demo manager manages that position.)
func TestHiringManagerSeesCheckStatusOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	ctx := context.Background()
	if err := app.Store.SetPositionChecks(ctx, app.adminActor(), app.positionID("Warehouse Operations Lead"), models.ChecksMedical); err != nil {
		t.Fatal(err)
	}
	appID := app.applicationID("maya.patel@example.com")
	checkID := app.sqlCount("SELECT id FROM checks WHERE application_id = ?", appID)
	mustDB(t, app.Store.DB().Exec(`INSERT INTO stored_files (name, content_type, size_bytes, sha256, data)
		VALUES ('maya.pdf', 'application/pdf', 5, sha256('%PDF-'::bytea), '%PDF-'::bytea)`))
	fileID := app.sqlCount("SELECT max(id) FROM stored_files")
	mustDB(t, app.Store.DB().Exec(`UPDATE checks SET result_summary = 'Maya secret finding', result_file_id = ?, started_at = now(), completed_at = now()
		WHERE id = ?`, fileID, checkID))
	mgr := app.newClient()
	mgr.loginStaff(managerEmail)
	res := mgr.get(fmt.Sprintf("/admin/applications/%d/checks", appID))
	if res.Status != http.StatusOK {
		t.Fatalf("the manager's checks page: %d", res.Status)
	}
	doc := res.Doc(t)
	if doc.Find("[data-testid=staff-check-status]").Length() != 1 || doc.Find("[data-testid=results-hidden]").Length() != 1 ||
		strings.Contains(res.Body, "Maya secret finding") || strings.Contains(res.Body, "maya.pdf") {
		t.Error("the hiring manager sees more than the status")
	}
	if res := mgr.get(fmt.Sprintf("/admin/check-files/%d", fileID)); res.Status == http.StatusOK || strings.Contains(res.Body, "%PDF") {
		t.Errorf("the hiring manager downloads the result: %d", res.Status)
	}
}

// withResultAndNotice takes Henrik's check to a result that needs review and
// a pre-decision notice: everything the pages show.
func (a checksApp) withResultAndNotice(cand *client) {
	a.t.Helper()
	a.consent(cand)
	ctx := context.Background()
	if err := a.Store.AttachCheckResult(ctx, a.adminActor(), a.checkID, "result.pdf", pdfBytes, models.CheckNeedsReview, "A gap in the address history."); err != nil {
		a.t.Fatal(err)
	}
	if err := a.Store.SendPreDecisionNotice(ctx, a.adminActor(), a.checkID, "A gap in the address history.", "Write to screening@example.org quoting BG-1."); err != nil {
		a.t.Fatal(err)
	}
}
