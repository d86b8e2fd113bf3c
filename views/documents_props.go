package views

import "nextstep/models"

// DocumentsProps is a candidate's documents page, for staff (Staff) or the
// candidate themselves.
type DocumentsProps struct {
	Layout
	CandidateID   int64
	CandidateName string
	Staff         bool
	Documents     []models.CandidateDocument
	Actor         models.Actor      // who reads: their own uploads get a Delete button
	Kind          string            // the kind chosen in a refused upload
	Errors        map[string]string // a refused upload's, by field
}

// InterviewKitProps is an interview round's kit page.
type InterviewKitProps struct {
	Layout
	Kit    *models.InterviewKit
	Form   KitForm
	Errors map[string]string
}

// KitForm is the kit's form as typed: focus areas and the suggested
// questions by criterion id.
type KitForm struct {
	FocusAreas string
	Questions  map[int64]string
}

// KitFormFrom fills the kit's form from the stored kit.
func KitFormFrom(k *models.InterviewKit) KitForm {
	f := KitForm{FocusAreas: k.Round.FocusAreas, Questions: map[int64]string{}}
	for id, q := range k.Questions {
		f.Questions[id] = q
	}
	return f
}

// documentUploader names who uploaded a document, as the list shows it.
func documentUploader(d models.CandidateDocument, staff bool) string {
	switch {
	case d.UploadedByCandidate != nil && staff:
		return "the candidate"
	case d.UploadedByCandidate != nil:
		return "you"
	case d.Uploader != "":
		return d.Uploader
	}
	return "staff"
}

// uploadPath is where the documents page's form posts.
func uploadPath(p DocumentsProps) string {
	if p.Staff {
		return CandidateDocumentsPath(p.CandidateID)
	}
	return MyDocumentsPath
}
