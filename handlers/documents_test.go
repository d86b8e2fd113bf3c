package handlers_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"nextstep/models"
)

// TestCandidateDocumentsOverHTTP: the recruiter uploads a CV (a PDF served
// inline, nosniff, under a locked-down policy) and a refused file comes back
// at its field with the form kept and nothing stored; an 11 MB file is
// refused at the field, a far larger one meets a page that says so; the
// candidate uploads a Word document (a download) and deletes it; another
// candidate and an interviewer on no panel of hers get 404.
func TestCandidateDocumentsOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	amelia := app.candidateID("amelia.hart@example.com")
	page := fmt.Sprintf("/admin/candidates/%d/documents", amelia)
	staff := app.newClient()
	staff.loginStaff(recruiterEmail)
	if doc := staff.get(fmt.Sprintf("/admin/candidates/%d", amelia)).Doc(t); doc.Find(fmt.Sprintf(`a[href=%q]`, page)).Length() != 1 {
		t.Error("the candidate page does not link to the documents")
	}

	pdf := []byte("%PDF-1.4\n%%EOF\n")
	before := app.countRows("candidate_documents", "true") // the demo's own CVs
	if res := staff.upload(page, "cv.pdf", []byte("<html><script>alert(1)</script></html>"), url.Values{"kind": {"portfolio"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "cv.pdf is not a PDF, Word (DOCX), JPEG or PNG file") ||
		res.Doc(t).Find(`select[name=kind] option[value=portfolio][selected]`).Length() != 1 {
		t.Fatalf("HTML as a PDF: %d, %.400s", res.Status, res.Body)
	}
	big := append(append([]byte{}, pdf...), make([]byte, 11<<20-len(pdf))...)
	if res := staff.upload(page, "big.pdf", big, url.Values{"kind": {"cv"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "big.pdf is too large (11.0 MB)") {
		t.Fatalf("an 11 MB file: %d, %.300s", res.Status, res.Body)
	}
	if res := staff.upload(page, "huge.pdf", make([]byte, 13<<20), url.Values{"kind": {"cv"}}); res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "10 MB at most") {
		t.Fatalf("a 13 MB file: %d, %.300s", res.Status, res.Body)
	}
	if n := app.countRows("candidate_documents", "true") - before; n != 0 {
		t.Fatalf("%d documents stored by refused uploads", n)
	}
	if res := staff.upload(page, "Amelia CV.pdf", pdf, url.Values{"kind": {"cv"}}); res.Status != http.StatusSeeOther || res.Location != page {
		t.Fatalf("uploading a CV: %d → %q, %.300s", res.Status, res.Location, res.Body)
	}
	var docID int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM candidate_documents WHERE candidate_id = ?", amelia).Scan(&docID))
	file := staff.get(fmt.Sprintf("/admin/documents/%d", docID))
	h := file.Header
	if file.Status != http.StatusOK || file.Body != string(pdf) || h.Get("Content-Type") != models.FilePDF ||
		!strings.HasPrefix(h.Get("Content-Disposition"), "inline") || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("the CV: %d %v", file.Status, h)
	}

	cand := app.newClient()
	cand.loginCandidate("amelia.hart@example.com")
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, _ := zw.Create("word/document.xml")
	_, _ = w.Write([]byte("<w:document/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if res := cand.upload("/me/documents", "letter.docx", docx.Bytes(), url.Values{"kind": {"cover_letter"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("the candidate's cover letter: %d, %.300s", res.Status, res.Body)
	}
	var letterID int64
	mustDB(t, app.Store.DB().Raw("SELECT id FROM candidate_documents WHERE candidate_id = ? AND kind = 'cover_letter'", amelia).Scan(&letterID))
	if res := cand.get(fmt.Sprintf("/me/documents/%d", letterID)); res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		res.Header.Get("Content-Type") != models.FileDOCX {
		t.Errorf("the cover letter: %d %v", res.Status, res.Header)
	}
	doc := cand.get("/me/documents").Doc(t)
	if doc.Find("[data-testid=document]").Length() != 2 || doc.Find(fmt.Sprintf(`form[action="/me/documents/%d/delete"]`, letterID)).Length() != 1 ||
		doc.Find(fmt.Sprintf(`form[action="/me/documents/%d/delete"]`, docID)).Length() != 0 {
		t.Errorf("the candidate's list: %.600s", doc.Find("main").Text())
	}
	if res := cand.post(fmt.Sprintf("/me/documents/%d/delete", docID), nil); res.Status != http.StatusForbidden {
		t.Errorf("the candidate deletes the recruiter's upload: %d", res.Status)
	}

	for _, who := range []struct {
		name string
		c    *client
		path string
	}{
		{"Ben", func() *client { c := app.newClient(); c.loginCandidate("ben.okafor@example.com"); return c }(), fmt.Sprintf("/me/documents/%d", docID)},
		{"an interviewer on no panel of hers", func() *client { c := app.newClient(); c.loginStaff(interviewerEmail); return c }(), fmt.Sprintf("/admin/documents/%d", docID)},
	} {
		if res := who.c.get(who.path); res.Status != http.StatusNotFound || strings.Contains(res.Body, "%PDF") {
			t.Errorf("%s reads Amelia's CV: %d", who.name, res.Status)
		}
	}
	if res := cand.post(fmt.Sprintf("/me/documents/%d/delete", letterID), nil); res.Status != http.StatusSeeOther || res.Location != "/me/documents" {
		t.Errorf("deleting her cover letter: %d → %q", res.Status, res.Location)
	}
	if n := app.countRows("candidate_documents", "true") - before; n != 1 {
		t.Errorf("%d documents after the deletion, want 1", n)
	}
}
