package views

import (
	"strconv"
	"time"

	"nextstep/models"
)

// MyOnboardingPath is the new starter's checklist.
func MyOnboardingPath(appID int64) string { return MyApplicationPath(appID) + "/onboarding" }

// ApplicationOnboardingPath is the staff's page of one checklist.
func ApplicationOnboardingPath(appID int64) string { return ApplicationPath(appID) + "/onboarding" }

// StartersPath is the staff's list of every new starter.
const StartersPath = "/admin/onboarding"

// TaskForm is what was posted on one task, kept when it is refused.
type TaskForm struct {
	TaskID int64
	Values map[string]string
	Errors map[string]string
	// RevealedField is the sensitive answer an admin just revealed, and
	// Revealed its value.
	RevealedField int64
	Revealed      string
}

// For is the form as posted on task id, or an empty one.
func (f TaskForm) For(id int64) TaskForm {
	if f.TaskID == id {
		return f
	}
	return TaskForm{TaskID: id}
}

// StarterChecklistProps is the new starter's checklist.
type StarterChecklistProps struct {
	Layout
	App  models.CandidateApplication
	List *models.Checklist
	Form TaskForm
}

// AdminStartersProps is every new starter, for staff.
type AdminStartersProps struct {
	Layout
	Starters []models.StarterProgress
}

// AdminChecklistProps is one checklist, for staff.
type AdminChecklistProps struct {
	Layout
	App  *models.Application
	List *models.Checklist
	Form TaskForm
}

// taskFieldID is a form field's id on a task's form.
func taskFieldID(taskID int64, key string) string {
	return "t" + strconv.FormatInt(taskID, 10) + "-" + key
}

// taskStatusLabel is a task's state in words for the starter.
func taskStatusLabel(t models.ChecklistTask) string {
	switch {
	case t.Preparing && t.Status != models.TaskDone:
		return "We are preparing this"
	case t.Status == models.TaskDone:
		return "Done"
	case t.Status == models.TaskSubmitted:
		return "With us to check"
	case t.Status == models.TaskReturned:
		return "Please look again"
	}
	return "To do"
}

// dueText is a task's due date, and whether it is late.
func dueText(t models.ChecklistTask) string {
	s := "by " + t.DueOn.Format("Monday 2 January")
	if t.Overdue {
		s += " (overdue)"
	}
	return s
}

// progressText is "3 of 5 required tasks done".
func progressText(done, required int) string {
	return strconv.Itoa(done) + " of " + strconv.Itoa(required) + " required tasks done"
}

// dateInput is a date as an <input type=date> value.
func dateInput(t time.Time) string { return t.Format(time.DateOnly) }

// orDefault is v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
