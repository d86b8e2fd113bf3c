package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

const noahEmail = "noah.schmidt@example.com" // countersigned: onboarding (Warehouse Operations Lead)

// taskIDs are Noah's task ids by title.
func taskIDs(t *testing.T, app *testApp, appID int64) map[string]int64 {
	t.Helper()
	var rows []struct {
		ID    int64
		Title string
	}
	mustDB(t, app.Store.DB().Raw("SELECT id, title FROM onboarding_tasks WHERE application_id = ? ORDER BY sort_order", appID).Scan(&rows))
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Title] = r.ID
	}
	if len(out) < 4 {
		t.Fatalf("Noah's checklist has %d tasks", len(out))
	}
	return out
}

// taskID is the id of the task whose title starts with prefix.
func taskID(t *testing.T, ids map[string]int64, prefix string) int64 {
	t.Helper()
	for title, id := range ids {
		if strings.HasPrefix(title, prefix) {
			return id
		}
	}
	t.Fatalf("no task %q in %v", prefix, ids)
	return 0
}

// The checklist through the pages: the starter confirms the handbook, gives
// bad then good details (kept, then saved sealed), uploads a refused then a
// good document; staff see the details masked (an admin reveals one,
// audited), verify the document after recording the original, complete
// their tasks; Hired is refused with what is missing until everything is
// done.
func TestOnboardingThroughThePages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	appID := app.applicationID(noahEmail)
	ids := taskIDs(t, app, appID)
	noah := app.newClient()
	noah.loginCandidate(noahEmail)
	page := fmt.Sprintf("/me/applications/%d/onboarding", appID)
	if res := noah.get(page); res.Status != http.StatusOK || res.Doc(t).Find("[data-testid=task]").Length() != len(ids) {
		t.Fatalf("the starter's checklist: %d, %d tasks", res.Status, res.Doc(t).Find("[data-testid=task]").Length())
	}
	handbook := taskID(t, ids, "Read and confirm")
	if res := noah.post(fmt.Sprintf("%s/%d/confirm", page, handbook), url.Values{"version": {"2026-1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("confirming the handbook: %d %.300s", res.Status, res.Body)
	}

	details := taskID(t, ids, "Your personal details")
	form := url.Values{"home_address": {"1 Canal Street\nManchester M1 3HE"}, "phone": {"+44 161 496 0000"}, "date_of_birth": {"1990-04-02"},
		"iban": {"GB00 NOTA NIBAN"}, "ni_number": {"AB 12 34 56 C"}, "emergency_contact_name": {"Mia Schmidt"},
		"emergency_contact_relationship": {"Partner"}, "emergency_contact_phone": {"+44 161 496 0001"}}
	res := noah.post(fmt.Sprintf("%s/%d/form", page, details), form)
	if res.Status != http.StatusUnprocessableEntity || res.Doc(t).Find("#iban-error").Length() != 1 {
		t.Fatalf("a bad IBAN: %d, message %d", res.Status, res.Doc(t).Find("#iban-error").Length())
	}
	if v, _ := res.Doc(t).Find(fmt.Sprintf("#t%d-emergency_contact_name", details)).Attr("value"); v != "Mia Schmidt" {
		t.Errorf("the form did not keep what was typed: %q", v)
	}
	form.Set("iban", "GB82 WEST 1234 5698 7654 32")
	if res := noah.post(fmt.Sprintf("%s/%d/form", page, details), form); res.Status != http.StatusSeeOther {
		t.Fatalf("good details: %d %q", res.Status, res.Doc(t).Find(".error-summary").Text())
	}

	rtw := taskID(t, ids, "Right-to-work")
	var files int64
	countFiles := func() int64 {
		mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM stored_files").Scan(&files))
		return files
	}
	before := countFiles()
	res = noah.upload(fmt.Sprintf("%s/%d/upload", page, rtw), "passport.pdf", []byte("<html><body>not a pdf</body></html>"), nil)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Doc(t).Find(".error-summary").Text(), "PDF") || countFiles() != before {
		t.Fatalf("an HTML file named .pdf: %d %q, %d files (were %d)", res.Status, res.Doc(t).Find(".error-summary").Text(), files, before)
	}
	if res := noah.upload(fmt.Sprintf("%s/%d/upload", page, rtw), "passport.pdf", pdfBytes, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("a PDF: %d %.300s", res.Status, res.Body)
	}

	// The document downloads, as an attachment never sniffed, for Noah and
	// the staff in charge; for another candidate or the interviewer it is
	// not there.
	docPath := fmt.Sprintf("%d/document", rtw)
	for who, c := range map[string]*client{"Noah": noah, "the recruiter": func() *client { c := app.newClient(); c.loginStaff(recruiterEmail); return c }()} {
		base := page
		if who != "Noah" {
			base = fmt.Sprintf("/admin/applications/%d/onboarding", appID)
		}
		res := c.get(base + "/" + docPath)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("%s downloading the document: %d %q %q %q", who, res.Status, res.Header.Get("Content-Disposition"),
				res.Header.Get("X-Content-Type-Options"), res.Header.Get("Content-Type"))
		}
	}
	ben := app.newClient()
	ben.loginCandidate("ben.okafor@example.com")
	benApp := app.applicationID("ben.okafor@example.com")
	if res := ben.get(fmt.Sprintf("/me/applications/%d/onboarding/%s", benApp, docPath)); res.Status != http.StatusNotFound {
		t.Errorf("another candidate downloading Noah's document: %d, want 404", res.Status)
	}
	ix := app.newClient()
	ix.loginStaff(interviewerEmail)
	if res := ix.get(fmt.Sprintf("/admin/applications/%d/onboarding/%s", appID, docPath)); res.Status != http.StatusNotFound && res.Status != http.StatusForbidden {
		t.Errorf("the interviewer downloading Noah's document: %d, want 403 or 404", res.Status)
	}

	// Staff: masked for a recruiter; an admin reveals, audited.
	staffPage := fmt.Sprintf("/admin/applications/%d/onboarding", appID)
	rec := app.newClient()
	rec.loginStaff(recruiterEmail)
	body := rec.get(staffPage).Body
	if strings.Contains(body, "WEST 1234") || strings.Contains(body, "Mia Schmidt") {
		t.Error("the recruiter reads sealed details in clear")
	}
	admin := app.newClient()
	admin.loginStaff(adminEmail)
	doc := admin.get(staffPage).Doc(t)
	reveal, _ := doc.Find("[data-testid=reveal]").First().Closest("form").Attr("action")
	if reveal == "" {
		t.Fatal("no reveal button for the admin")
	}
	if res := admin.post(reveal, nil); res.Status != http.StatusOK || res.Doc(t).Find("[data-testid=revealed]").Text() == "" {
		t.Fatalf("revealing: %d", res.Status)
	}
	var audits int64
	mustDB(t, app.Store.DB().Raw("SELECT count(*) FROM audit_log WHERE action LIKE '%reveal%'").Scan(&audits))
	if audits != 1 {
		t.Errorf("%d reveal audit entries, want 1", audits)
	}

	// Hired is refused while anything is missing, naming it.
	move := func() response {
		return rec.post(fmt.Sprintf("/admin/applications/%d/move", appID), url.Values{"to_stage": {"hired"}, "note": {"Welcome"}})
	}
	if res := move(); res.Status == http.StatusSeeOther || !strings.Contains(res.Body, "Right-to-work") {
		t.Fatalf("hired with the document unverified: %d %.400s", res.Status, res.Body)
	}
	act := func(c *client, path string, form url.Values) {
		t.Helper()
		if res := c.post(path, form); res.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.400s", path, res.Status, res.Body)
		}
	}
	act(rec, fmt.Sprintf("%s/%d/right-to-work", staffPage, rtw), url.Values{"document_type": {"uk_passport"}, "seen_on": {app.Clock.Now().Format("2006-01-02")}, "expires_on": {"2031-05-01"}})
	act(rec, fmt.Sprintf("%s/%d/verify", staffPage, rtw), nil)
	rec.get(staffPage).Doc(t).Find("[data-testid=task-complete]").Each(func(_ int, s *goquery.Selection) {
		action, _ := s.Closest("form").Attr("action")
		act(rec, action, nil)
	})
	if res := move(); res.Status != http.StatusSeeOther {
		t.Fatalf("hired with everything done: %d %.400s", res.Status, res.Body)
	}
	var stage string
	mustDB(t, app.Store.DB().Raw("SELECT stage FROM applications WHERE id = ?", appID).Scan(&stage))
	if stage != "hired" {
		t.Errorf("Noah is at %s after the move, want hired", stage)
	}
}
