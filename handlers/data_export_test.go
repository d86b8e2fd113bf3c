package handlers_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// exportBudget is the statements a candidate's download may run: the
// session's, the candidate, the audit (and the candidate's key it seals
// their address with), the candidate's page, ten sections, the messages, the
// documents and the two kinds of file.
const exportBudget = 18

// readExport checks a response is the export's download and returns its
// data.json.
func readExport(t *testing.T, res response, candidateID int64) string {
	t.Helper()
	h := res.Header
	name := regexp.MustCompile(fmt.Sprintf(`^attachment; filename=nextstep-data-%d-\d{4}-\d\d-\d\d\.zip$`, candidateID))
	if res.Status != http.StatusOK || h.Get("Content-Type") != "application/zip" || !name.MatchString(h.Get("Content-Disposition")) ||
		h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("the export: %d %v %.200s", res.Status, h, res.Body)
	}
	zr, err := zip.NewReader(strings.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	var data bytes.Buffer
	for _, f := range zr.File {
		if f.Name == "data.json" {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(&data, r); err != nil {
				t.Fatal(err)
			}
		}
	}
	return data.String()
}

// TestDataExportOverHTTP: a candidate downloads their own data from their
// account page (a URL without any id: always their own); admins and
// recruiters export a candidate's from the staff page; a hiring manager and
// an interviewer may not; an unknown candidate gets the error page.
func TestDataExportOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	noah := app.candidateID("noah.schmidt@example.com")

	cand := app.newClient()
	cand.loginCandidate("noah.schmidt@example.com")
	if n := cand.get("/me/account").Doc(t).Find(`form[action="/me/account/export"] button`).Length(); n != 1 {
		t.Fatalf("the account page has %d download buttons", n)
	}
	before := app.Store.Statements()
	data := readExport(t, cand.post("/me/account/export", nil), noah)
	// The statements do not grow with the data: one per section, one per
	// kind of file (TestQueryBudgets measures GET pages only).
	if used := app.Store.Statements() - before; used > exportBudget {
		t.Errorf("the export ran %d statements, budget %d", used, exportBudget)
	} else {
		t.Logf("the export ran %d statements (budget %d)", used, exportBudget)
	}
	if !strings.Contains(data, `"email": "noah.schmidt@example.com"`) || strings.Contains(data, "amelia.hart@example.com") {
		t.Errorf("Noah's data.json: %.300s", data)
	}
	other := app.newClient()
	other.loginCandidate("amelia.hart@example.com")
	if data := readExport(t, other.post("/me/account/export", nil), app.candidateID("amelia.hart@example.com")); strings.Contains(data, "noah") {
		t.Error("Amelia's export holds Noah's data")
	}

	page := fmt.Sprintf("/admin/candidates/%d", noah)
	export := page + "/export"
	for _, email := range []string{adminEmail, recruiterEmail} {
		staff := app.newClient()
		staff.loginStaff(email)
		if n := staff.get(page).Doc(t).Find(fmt.Sprintf(`form[action=%q] button`, export)).Length(); n != 1 {
			t.Errorf("%s: %d export buttons on the candidate page", email, n)
		}
		readExport(t, staff.post(export, nil), noah)
	}
	for _, email := range []string{managerEmail, interviewerEmail} {
		staff := app.newClient()
		staff.loginStaff(email)
		if res := staff.post(export, nil); res.Status == http.StatusOK || strings.Contains(res.Header.Get("Content-Type"), "zip") {
			t.Errorf("%s exported: %d", email, res.Status)
		}
	}
	manager := app.newClient()
	manager.loginStaff(managerEmail)
	if n := manager.get(page).Doc(t).Find(fmt.Sprintf(`form[action=%q]`, export)).Length(); n != 0 {
		t.Error("the hiring manager is offered the export")
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	if res := admin.post("/admin/candidates/999999/export", nil); res.Status != http.StatusNotFound ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Header.Get("Content-Disposition") != "" {
		t.Errorf("an unknown candidate: %d %v", res.Status, res.Header)
	}
	if n := app.countRows("audit_log", fmt.Sprintf("action = 'candidate.data_exported' AND subject_id = %d", noah)); n != 3 {
		t.Errorf("%d exports of Noah audited, want 3", n)
	}
}
