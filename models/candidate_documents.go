package models

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
)

// A candidate's documents: CV, cover letter and portfolio files, uploaded by
// staff or by the candidate. The bytes are a stored file (files.go; PDF,
// Word, JPEG or PNG, read from the bytes, 10 MB at most); candidate_documents
// says whose it is and what kind. Who reads them is the scope rule
// (scopeDocuments): the candidate their own, admins and recruiters all, a
// hiring manager their positions' candidates, an interviewer the candidates
// whose interviews they sit on. Staff who manage the candidate and the
// candidate upload; each uploader may delete what they uploaded.

// CandidateDocumentKind is what a candidate's document is.
type CandidateDocumentKind string

// Document kinds.
const (
	DocumentCV          CandidateDocumentKind = "cv"
	DocumentCoverLetter CandidateDocumentKind = "cover_letter"
	DocumentPortfolio   CandidateDocumentKind = "portfolio"
)

// CandidateDocumentKinds lists them in display order.
func CandidateDocumentKinds() []CandidateDocumentKind {
	return []CandidateDocumentKind{DocumentCV, DocumentCoverLetter, DocumentPortfolio}
}

// Label is the kind in words.
func (k CandidateDocumentKind) Label() string {
	switch k {
	case DocumentCV:
		return "CV"
	case DocumentCoverLetter:
		return "Cover letter"
	case DocumentPortfolio:
		return "Portfolio"
	}
	return string(k)
}

// CandidateDocument is one of a candidate's documents with its file's
// details (never its bytes).
type CandidateDocument struct {
	ID                  int64
	CandidateID         int64
	Kind                CandidateDocumentKind
	FileID              int64
	UploadedByStaff     *int64
	UploadedByCandidate *int64
	CreatedAt           time.Time

	Name        string `gorm:"->"` // the file's, as uploaded
	ContentType string `gorm:"->"` // sniffed from the bytes
	SizeBytes   int64  `gorm:"->"`
	Uploader    string `gorm:"->"` // the staff member's name, or "" for the candidate
}

// TableName binds the struct to its table.
func (CandidateDocument) TableName() string { return "candidate_documents" }

// Inline reports whether the document is shown in the page (a PDF) rather
// than downloaded.
func (d CandidateDocument) Inline() bool { return d.ContentType == FilePDF }

// Size is the file's size in words ("1.2 MB").
func (d CandidateDocument) Size() string { return fileSize(d.SizeBytes) }

// UploadedBy reports whether actor uploaded the document, and so may delete it.
func (d CandidateDocument) UploadedBy(actor Actor) bool {
	switch {
	case actor.IsStaff():
		return d.UploadedByStaff != nil && *d.UploadedByStaff == actor.ID
	case actor.Kind == "candidate":
		return d.UploadedByCandidate != nil && *d.UploadedByCandidate == actor.ID
	}
	return false
}

// errNoDocumentKind: the form came without a kind the portal knows.
var errNoDocumentKind = Invalid("kind", "Choose what the document is: CV, cover letter or portfolio.")

// errNotYourDocument: someone else uploaded it.
var errNotYourDocument = refusal(CodeForbidden, "Only the person who uploaded a document may delete it.")

// documentsQuery lists documents without their bytes, oldest first.
const documentsQuery = `SELECT d.*, f.name, f.content_type, f.size_bytes, COALESCE(u.name, '') AS uploader
	FROM candidate_documents d JOIN stored_files f ON f.id = d.file_id LEFT JOIN staff_users u ON u.id = d.uploaded_by_staff
	WHERE d.candidate_id IN ? ORDER BY d.candidate_id, d.created_at, d.id`

// mayUploadDocument is nil when actor may add a document for candidateID
// (or delete their own): the candidate themselves, or staff who manage one
// of the candidate's applications.
func mayUploadDocument(db *gorm.DB, actor Actor, candidateID int64) error {
	if actor.Kind == "candidate" {
		if actor.ID != candidateID {
			return ErrNotFound
		}
		return nil
	}
	if err := candidateVisible(db, actor, candidateID, scopeStaffOnly); err != nil {
		return err
	}
	return refuseErased(db, candidateID)
}

// CandidateDocuments is candidate candidateID's name and documents, without
// their bytes, for an actor who may read them (ErrNotFound otherwise).
func (s *Store) CandidateDocuments(ctx context.Context, actor Actor, candidateID int64) (name string, docs []CandidateDocument, err error) {
	db := s.db.WithContext(ctx)
	if err := candidateVisible(db, actor, candidateID, scopeDocuments); err != nil {
		return "", nil, err
	}
	if err := db.Raw("SELECT name FROM candidates WHERE id = ?", candidateID).Scan(&name).Error; err != nil {
		return "", nil, err
	}
	docs, err = listDocuments(db, candidateID)
	return name, docs, err
}

// listDocuments reads a candidate's documents, without bytes or scope.
func listDocuments(db *gorm.DB, candidateID int64) ([]CandidateDocument, error) {
	var docs []CandidateDocument
	if err := db.Raw(documentsQuery, []int64{candidateID}).Scan(&docs).Error; err != nil {
		return nil, err
	}
	return docs, nil
}

// UploadCandidateDocument stores a document for candidateID: its type read
// from the bytes (PDF, DOCX, JPEG or PNG), at most 10 MB. A refused file
// stores nothing.
func (s *Store) UploadCandidateDocument(ctx context.Context, actor Actor, candidateID int64, kind CandidateDocumentKind, name string, data []byte) (*CandidateDocument, error) {
	if err := mayUploadDocument(s.db.WithContext(ctx), actor, candidateID); err != nil {
		return nil, err
	}
	if !slices.Contains(CandidateDocumentKinds(), kind) {
		return nil, errNoDocumentKind
	}
	ct, err := SniffDocument(name, data)
	if err != nil {
		return nil, err
	}
	doc := &CandidateDocument{CandidateID: candidateID, Kind: kind}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		f, err := storeSniffed(tx, actor, name, data, ct)
		if err != nil {
			return err
		}
		doc.FileID, doc.UploadedByStaff, doc.UploadedByCandidate = f.ID, f.UploadedByStaff, f.UploadedByCandidate
		if err := tx.Create(doc).Error; err != nil {
			return err
		}
		doc.Name, doc.ContentType, doc.SizeBytes = f.Name, f.ContentType, f.SizeBytes
		return s.auditPersonal(tx, actor, candidateID, "candidate.document_uploaded", "candidate", candidateID,
			map[string]any{"document": doc.ID, "kind": kind, "type": ct, "size": f.SizeBytes}, map[string]any{"name": f.Name})
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// DeleteCandidateDocument removes a document and its file: only its
// uploader may, while the candidate is still theirs to manage.
func (s *Store) DeleteCandidateDocument(ctx context.Context, actor Actor, docID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var doc CandidateDocument
		if err := tx.Raw(`SELECT * FROM candidate_documents WHERE id = ? FOR UPDATE`, docID).Scan(&doc).Error; err != nil {
			return err
		}
		if doc.ID == 0 {
			return ErrNotFound
		}
		if err := mayUploadDocument(tx, actor, doc.CandidateID); err != nil {
			return err
		}
		if !doc.UploadedBy(actor) {
			return errNotYourDocument
		}
		if err := tx.Exec("DELETE FROM candidate_documents WHERE id = ?", doc.ID).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM stored_files WHERE id = ?", doc.FileID).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "candidate.document_deleted", "candidate", doc.CandidateID,
			map[string]any{"document": doc.ID, "kind": doc.Kind})
	})
}

// CandidateDocumentFile is a document with its bytes, to serve, for an actor
// who may read the candidate's documents (ErrNotFound otherwise).
func (s *Store) CandidateDocumentFile(ctx context.Context, actor Actor, docID int64) (*StoredFile, error) {
	db := s.db.WithContext(ctx)
	var candidateID int64
	res := db.Raw("SELECT candidate_id FROM candidate_documents WHERE id = ?", docID).Scan(&candidateID)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	if err := candidateVisible(db, actor, candidateID, scopeDocuments); err != nil {
		return nil, err
	}
	var f StoredFile
	if err := db.Raw(`SELECT f.* FROM stored_files f JOIN candidate_documents d ON d.file_id = f.id WHERE d.id = ?`, docID).
		Scan(&f).Error; err != nil {
		return nil, err
	}
	if f.ID == 0 {
		return nil, ErrNotFound
	}
	return &f, nil
}
