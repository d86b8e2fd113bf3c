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

// AdminChecklistProps is one checklist, for staff, with the first day's
// form (FirstDay nil before onboarding has begun).
type AdminChecklistProps struct {
	Layout
	App          *models.Application
	List         *models.Checklist
	Form         TaskForm
	FirstDay     *models.FirstDay
	FirstDayForm FirstDayForm
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

// MyFirstDayPath is the new starter's "Your first day" page.
func MyFirstDayPath(appID int64) string { return MyApplicationPath(appID) + "/first-day" }

// MyFirstDayCalendarPath is the first day's .ics.
func MyFirstDayCalendarPath(appID int64) string { return MyFirstDayPath(appID) + ".ics" }

// ApplicationFirstDayPath is where staff save the first day's details.
func ApplicationFirstDayPath(appID int64) string {
	return ApplicationOnboardingPath(appID) + "/first-day"
}

// FirstDayProps is the starter's "Your first day" page.
type FirstDayProps struct {
	Layout
	Day *models.FirstDay
}

// FirstDayForm is the staff's first-day form: what was posted (kept when it
// is refused) and its refusals.
type FirstDayForm struct {
	Values map[string]string
	Errors map[string]string
}

// firstDayValues is what the staff form shows: what was posted, or the
// saved details.
func firstDayValues(d *models.FirstDay, f FirstDayForm) map[string]string {
	if f.Values != nil {
		return f.Values
	}
	v := map[string]string{"time_zone": ""}
	if d == nil {
		return v
	}
	v["start_time"], v["time_zone"], v["address"], v["ask_for"] = d.StartTime, d.TimeZone, d.Address, d.AskFor
	v["what_to_bring"], v["agenda"] = d.WhatToBring, d.Agenda
	return v
}

// firstDayWhen is the first day's date and time with its zone.
func firstDayWhen(d *models.FirstDay) string {
	at, ok := d.StartsAt()
	if !ok {
		return d.StartDate.Format("Monday 2 January 2006")
	}
	return at.Format("Monday 2 January 2006, 15:04") + " (" + models.ZoneLabel(at, at.Location()) + ")"
}

// portalZone is the portal's time zone by name.
func portalZone(l Layout) string { return l.portal().String() }

// staffTaskStatusLabel is a task's state in words for staff.
func staffTaskStatusLabel(s models.TaskStatus) string {
	switch s {
	case models.TaskDone:
		return "Done"
	case models.TaskSubmitted:
		return "Waiting for verification"
	case models.TaskReturned:
		return "Returned to the starter"
	}
	return "To do"
}
