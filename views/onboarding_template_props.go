package views

import (
	"strconv"
	"strings"

	"nextstep/models"
)

// A position's onboarding checklist template, as admins edit it
// (onboarding_template.templ).

// TemplateRow is one task row of the checklist editor, as typed.
type TemplateRow struct {
	Title, Explanation, Kind, Assignee string
	Required                           bool
	DueOffsetDays                      string
	Form, Document, ConfirmVersion     string
}

// Task is the row as a template task; a due offset that is not a number
// is sent on as one the store refuses with its own sentence.
func (r TemplateRow) Task() models.TaskTemplate {
	offset, err := strconv.Atoi(strings.TrimSpace(r.DueOffsetDays))
	if err != nil {
		offset = 1 << 20
	}
	t := models.TaskTemplate{Title: r.Title, Explanation: r.Explanation, Kind: models.TaskKind(r.Kind),
		Assignee: models.TaskAssignee(r.Assignee), Required: r.Required, DueOffsetDays: offset}
	switch t.Kind { // only the kind's own field is kept
	case models.TaskForm:
		t.Form = r.Form
	case models.TaskUpload:
		t.Document = models.DocumentKind(r.Document)
	case models.TaskConfirm:
		t.ConfirmVersion = strings.TrimSpace(r.ConfirmVersion)
	}
	return t
}

// BlankTemplateRows is how many empty rows the checklist editor offers for
// new tasks; MaxTemplateRows is how many rows a save reads.
const (
	BlankTemplateRows = 2
	MaxTemplateRows   = 100
)

// OnboardingTemplateProps is a position's checklist template page. Rows are
// the tasks kept, without the blank rows; Refused says they are the input
// of a refused save (Errors keyed task_N, N from 1).
type OnboardingTemplateProps struct {
	Layout
	PositionID    int64
	PositionTitle string
	Rows          []TemplateRow
	Refused       bool
	Errors        map[string]string
}

// TemplateRowsFrom fills the editor's rows from the stored template.
func TemplateRowsFrom(tasks []models.TaskTemplate) []TemplateRow {
	rows := make([]TemplateRow, len(tasks))
	for i, t := range tasks {
		rows[i] = TemplateRow{Title: t.Title, Explanation: t.Explanation, Kind: string(t.Kind), Assignee: string(t.Assignee),
			Required: t.Required, DueOffsetDays: strconv.Itoa(t.DueOffsetDays), Form: t.Form, Document: string(t.Document),
			ConfirmVersion: t.ConfirmVersion}
	}
	return rows
}

// templateRows is the editor's rows: the tasks, then blank ones (required,
// due on the start date).
func templateRows(rows []TemplateRow) []TemplateRow {
	out := append([]TemplateRow{}, rows...)
	for i := 0; i < BlankTemplateRows; i++ {
		out = append(out, TemplateRow{Required: true, DueOffsetDays: "0"})
	}
	return out
}

type option struct{ Value, Label string }

// taskKindOptions, taskAssigneeOptions, taskFormOptions and
// taskDocumentOptions are the editor's choices; each starts with an empty
// "choose" option.
var (
	taskKindOptions = []option{{"", "Choose…"}, {string(models.TaskConfirm), "Read and confirm"}, {string(models.TaskForm), "Fill in a form"},
		{string(models.TaskUpload), "Upload a document"}, {string(models.TaskStaff), "Staff task"}}
	taskAssigneeOptions = []option{{string(models.ByStarter), "The new starter"}, {string(models.ByStaff), "Staff"}}
	taskFormOptions     = []option{{"", "None"}, {models.FormPersonalDetails, "Personal details"}}
	taskDocumentOptions = []option{{"", "None"}, {string(models.DocRightToWork), "Right-to-work document"}, {string(models.DocCertificate), "Certificate"}}
)
