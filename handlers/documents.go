package handlers

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"nextstep/models"
	"nextstep/views"
)

// A candidate's documents (CV, cover letter, portfolio): the staff's page
// of a candidate's documents, the candidate's own page, uploads, deletions
// and the files themselves (a PDF shown inline, anything else downloaded).
// The store decides who may read, upload and delete.

// Upload routes: they take the upload body limit (checkUploadLimit, set in
// routes before any middleware reads the form), so a file just over 10 MB is
// refused at its field with its size, and anything far larger meets the
// error page's "Too much data" rather than a blank 413.
const (
	staffDocumentUploadRoute     = "/admin/candidates/:id/documents"
	candidateDocumentUploadRoute = "/me/documents"
)

// errNoDocument: the upload form came without a file.
var errNoDocument = models.Invalid("file", "Choose the document to upload (PDF, Word, JPEG or PNG, 10 MB at most).")

// staffDocumentRoutes: a candidate's documents under /admin. The page and
// uploads are for people who see candidates; a file is served to any staff
// member the store lets read it (an interviewer, from the kit).
func (h *Handler) staffDocumentRoutes(staff *echo.Group, people echo.MiddlewareFunc) {
	staff.GET(staffDocumentUploadRoute[len("/admin"):], h.adminDocuments, people)
	staff.POST(staffDocumentUploadRoute[len("/admin"):], h.adminDocumentUpload, people)
	staff.POST("/documents/:id/delete", h.adminDocumentDelete, people)
	staff.GET("/documents/:id", h.documentFile)
}

// candidateDocumentRoutes: the candidate's own documents under /me.
func (h *Handler) candidateDocumentRoutes(me *echo.Group) {
	me.GET("/documents", h.candidateDocuments)
	me.POST("/documents", h.candidateDocumentUpload)
	me.POST("/documents/:id/delete", h.candidateDocumentDelete)
	me.GET("/documents/:id", h.documentFile)
}

func (h *Handler) renderDocuments(c echo.Context, status int, candidateID int64, staff bool, kind string, errs map[string]string) error {
	name, docs, err := h.store.CandidateDocuments(c.Request().Context(), actor(c), candidateID)
	if err != nil {
		return err
	}
	title := "Your documents"
	if staff {
		title = "Documents: " + name
	}
	return render(c, status, views.DocumentsPage(views.DocumentsProps{Layout: h.layout(c, title), CandidateID: candidateID,
		CandidateName: name, Staff: staff, Documents: docs, Actor: actor(c), Kind: kind, Errors: errs}))
}

func (h *Handler) adminDocuments(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.renderDocuments(c, http.StatusOK, id, true, "", nil)
}

func (h *Handler) candidateDocuments(c echo.Context) error {
	return h.renderDocuments(c, http.StatusOK, currentCandidate(c).ID, false, "", nil)
}

// documentUpload stores the posted file for candidateID and returns to
// next, or shows the page again with the refusal at its field.
func (h *Handler) documentUpload(c echo.Context, candidateID int64, staff bool, next string) error {
	kind := c.FormValue("kind")
	return h.act(c, action{
		do: func() error {
			fileName, data, err := uploadedFile(c, "file")
			if err == errNoFile {
				err = errNoDocument
			}
			if err != nil {
				return err
			}
			_, err = h.store.UploadCandidateDocument(c.Request().Context(), actor(c), candidateID, models.CandidateDocumentKind(kind), fileName, data)
			return err
		},
		flash: fixed("The document is uploaded."),
		next:  next,
		again: func(status int, r *models.Error) error {
			return h.renderDocuments(c, status, candidateID, staff, kind, formErrors(r))
		},
	})
}

func (h *Handler) adminDocumentUpload(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	return h.documentUpload(c, id, true, views.CandidateDocumentsPath(id))
}

func (h *Handler) candidateDocumentUpload(c echo.Context) error {
	return h.documentUpload(c, currentCandidate(c).ID, false, views.MyDocumentsPath)
}

func (h *Handler) adminDocumentDelete(c echo.Context) error {
	return h.documentDelete(c, func(candidateID int64) string { return views.CandidateDocumentsPath(candidateID) })
}

func (h *Handler) candidateDocumentDelete(c echo.Context) error {
	return h.documentDelete(c, func(int64) string { return views.MyDocumentsPath })
}

// documentDelete removes a document its uploader posted the delete of, and
// returns to the page it was listed on (the form says whose).
func (h *Handler) documentDelete(c echo.Context, next func(candidateID int64) string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	candidateID := formInt(c.FormValue("candidate_id"))
	return h.act(c, action{
		do:    func() error { return h.store.DeleteCandidateDocument(c.Request().Context(), actor(c), id) },
		flash: fixed("The document is deleted."),
		next:  next(candidateID),
	})
}

// documentFile serves a document to someone the store lets read it: a PDF
// inline (the kit shows it in a frame of the portal's own pages), anything
// else as a download; never sniffed, never cached, under a policy that lets
// the file run nothing.
func (h *Handler) documentFile(c echo.Context) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.store.CandidateDocumentFile(c.Request().Context(), actor(c), id)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if f.ContentType == models.FilePDF {
		disposition = "inline"
	}
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": f.DownloadName()}))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}
