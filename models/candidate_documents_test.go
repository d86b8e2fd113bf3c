package models_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"nextstep/models"
)

// Sample files, as their bytes begin.
var (
	samplePDF  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	samplePNG  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	sampleJPEG = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	sampleHTML = []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
)

// zipWith is a zip archive holding the named parts.
func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		must(t, err)
		_, err = w.Write([]byte("<xml/>"))
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// TestSniffDocument: a candidate's document is a PDF, a Word document (a
// zip with word/document.xml), a JPEG or a PNG by its bytes, whatever its
// name; a check's result still may not be a Word document.
func TestSniffDocument(t *testing.T) {
	t.Parallel()
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	for _, c := range []struct {
		name string
		data []byte
		want string // the type, or a piece of the refusal
		ok   bool
	}{
		{"cv.pdf", samplePDF, models.FilePDF, true},
		{"cv.docx", docx, models.FileDOCX, true},
		{"cv", docx, models.FileDOCX, true},
		{"photo.png", samplePNG, models.FilePNG, true},
		{"photo.jpg", sampleJPEG, models.FileJPEG, true},
		{"cv.docx", zipWith(t, "xl/workbook.xml"), "cv.docx is not a PDF, Word (DOCX), JPEG or PNG file (its content looks like a zip archive", false},
		{"cv.pdf", sampleHTML, "cv.pdf is not a PDF, Word (DOCX), JPEG or PNG file (its content looks like a web page (HTML)", false},
		{"cv.docx", []byte("PK\x03\x04 not really a zip"), "is not a PDF, Word (DOCX), JPEG or PNG file", false},
		{"empty.pdf", nil, "empty.pdf is empty", false},
		{"big.pdf", append(append([]byte{}, samplePDF...), make([]byte, models.MaxFileBytes)...), "big.pdf is too large (10.0 MB); a file can be 10 MB at most.", false},
	} {
		got, err := models.SniffDocument(c.name, c.data)
		switch {
		case c.ok && (err != nil || got != c.want):
			t.Errorf("%s: %q, %v; want %s", c.name, got, err, c.want)
		case !c.ok && (err == nil || models.FieldErrors(err)["file"] == "" || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %q, %v; want a refusal at the file saying %q", c.name, got, err, c.want)
		}
	}
	if _, err := models.SniffFile("result.docx", docx); err == nil {
		t.Error("a check's result accepted a Word document")
	}
}

// TestCandidateDocumentsScope: staff who manage the candidate and the
// candidate upload; the candidate reads only their own, an interviewer only
// the candidates whose interviews they sit on, a hiring manager their
// positions' candidates; each uploader deletes only their own, and the file
// goes with the document; a refused file stores nothing.
func TestCandidateDocumentsScope(t *testing.T) {
	t.Parallel()
	d := newIVDemo(t)
	amelia, ben := d.application(t, "amelia.hart@example.com"), d.application(t, "ben.okafor@example.com")
	farid := d.application(t, "farid.haddad@example.com") // Backend Engineer: no hiring manager
	files := count(t, d.store, "stored_files")
	if _, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.recruiter), amelia.CandidateID, models.DocumentCV, "cv.pdf", sampleHTML); models.FieldErrors(err)["file"] == "" {
		t.Fatalf("HTML as a CV: %v, want a refusal at the file", err)
	}
	if _, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.recruiter), amelia.CandidateID, "photo", "cv.pdf", samplePDF); models.FieldErrors(err)["kind"] == "" {
		t.Fatalf("an unknown kind: %v, want a refusal at the kind", err)
	}
	if n := count(t, d.store, "stored_files"); n != files {
		t.Fatalf("refused uploads stored %d files", n-files)
	}
	cv, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.recruiter), amelia.CandidateID, models.DocumentCV, "Amelia CV.pdf", samplePDF)
	must(t, err)
	own, err := d.store.UploadCandidateDocument(d.ctx, candidateActor(amelia), amelia.CandidateID, models.DocumentCoverLetter, "letter.docx", zipWith(t, "word/document.xml"))
	must(t, err)
	if own.ContentType != models.FileDOCX || cv.ContentType != models.FilePDF {
		t.Fatalf("types: %s, %s", cv.ContentType, own.ContentType)
	}
	for _, who := range []struct {
		name  string
		actor models.Actor
	}{{"another candidate", candidateActor(ben)}, {"an interviewer on no panel of hers", staffActor(d.interviewer)}} {
		if _, _, err := d.store.CandidateDocuments(d.ctx, who.actor, amelia.CandidateID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s lists Amelia's documents: %v", who.name, err)
		}
		if _, err := d.store.CandidateDocumentFile(d.ctx, who.actor, cv.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("%s reads Amelia's CV: %v", who.name, err)
		}
	}
	if _, err := d.store.UploadCandidateDocument(d.ctx, candidateActor(ben), amelia.CandidateID, models.DocumentCV, "cv.pdf", samplePDF); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Ben uploads for Amelia: %v", err)
	}
	if _, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.manager), farid.CandidateID, models.DocumentCV, "cv.pdf", samplePDF); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the hiring manager uploads for a candidate of another position: %v", err)
	}
	if _, _, err := d.store.CandidateDocuments(d.ctx, staffActor(d.manager), farid.CandidateID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the hiring manager lists a candidate of another position: %v", err)
	}
	// Once on her panel, the interviewer reads her documents (never uploads).
	d.newRound(t, "amelia.hart@example.com", roundInput([]int64{d.interviewer.ID}, "2026-12-08T10:00"))
	for _, a := range []models.Actor{candidateActor(amelia), staffActor(d.interviewer), staffActor(d.manager), staffActor(d.admin)} {
		name, docs, err := d.store.CandidateDocuments(d.ctx, a, amelia.CandidateID)
		if err != nil || name != "Amelia Hart" || len(docs) != 2 || docs[0].Name != "Amelia CV.pdf" || docs[0].Uploader != d.recruiter.Name || !docs[0].Inline() || docs[1].Inline() {
			t.Errorf("%s %d lists %+v, %v", a.Kind, a.ID, docs, err)
		}
		f, err := d.store.CandidateDocumentFile(d.ctx, a, cv.ID)
		if err != nil || !bytes.Equal(f.Data, samplePDF) {
			t.Errorf("%s %d reads the CV: %v", a.Kind, a.ID, err)
		}
	}
	if _, err := d.store.UploadCandidateDocument(d.ctx, staffActor(d.interviewer), amelia.CandidateID, models.DocumentCV, "cv.pdf", samplePDF); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the interviewer uploads: %v", err)
	}
	// Deleting: only one's own upload, and its file goes with it.
	if err := d.store.DeleteCandidateDocument(d.ctx, candidateActor(amelia), cv.ID); models.ErrorOf(err) == nil || models.ErrorOf(err).Code != models.CodeForbidden {
		t.Errorf("Amelia deletes the recruiter's upload: %v", err)
	}
	if err := d.store.DeleteCandidateDocument(d.ctx, candidateActor(ben), own.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Ben deletes Amelia's upload: %v", err)
	}
	must(t, d.store.DeleteCandidateDocument(d.ctx, candidateActor(amelia), own.ID))
	var left int64
	if mustDB(t, d.store.DB().Raw("SELECT count(*) FROM stored_files WHERE id = ?", own.FileID).Scan(&left)); left != 0 {
		t.Error("the deleted document's file is still stored")
	}
	must(t, d.store.DeleteCandidateDocument(d.ctx, staffActor(d.recruiter), cv.ID))
	var left2 int64
	if mustDB(t, d.store.DB().Raw("SELECT count(*) FROM candidate_documents WHERE candidate_id = ?", amelia.CandidateID).Scan(&left2)); left2 != 0 {
		t.Errorf("%d of Amelia's documents left", left2)
	}
}
