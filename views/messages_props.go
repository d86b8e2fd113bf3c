package views

import (
	"net/url"

	"nextstep/models"
)

// AdminOutboxProps is the outbox page.
type AdminOutboxProps struct {
	Layout
	Messages []models.OutboxMessage // redacted by the store: no working sign-in link
	Counts   map[models.MessageStatus]int64
	Total    int64
	To       string
	Status   models.MessageStatus
	Page     int
	PageSize int
	Query    url.Values
	CanRetry bool
}

// AdminMessageTemplatesProps lists the editable message kinds.
type AdminMessageTemplatesProps struct {
	Layout
	Templates []models.MessageTemplate
}

// AdminMessageTemplateProps is the editor of one kind's wording.
type AdminMessageTemplateProps struct {
	Layout
	Template       models.MessageTemplate // the kind, with the wording in force
	Subject        string                 // what the form shows (the admin's input when re-rendered)
	Body           string
	Errors         map[string]string
	PreviewSubject string
	PreviewBody    string
}

// CandidateMessagesProps is the candidate's inbox.
type CandidateMessagesProps struct {
	Layout
	Messages []models.OutboxMessage
	BaseURL  string // the portal's public address: only links under it are live
}
