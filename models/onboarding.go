package models

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Onboarding: when the contract is signed by both parties the application
// enters onboarding through transition, which calls onboardingOnStageChange:
// the checklist is copied from the position's template (or the default),
// each task due a number of working days from the offer's start date, and
// the starter gets one message. The starter confirms, fills in and uploads
// (onboarding_tasks.go); staff verify or return documents, record the
// right-to-work check and do their own tasks. transition refuses Hired
// while a required task is open or a document unverified (onboardingHireGate).
// A withdrawal or rejection during onboarding is an ordinary closing
// (closeApplication); the checklist stays for the record and takes no more
// changes.

// OnboardingTask is one task of an application's checklist.
type OnboardingTask struct {
	ID                   int64
	ApplicationID        int64
	SortOrder            int
	Title                string
	Explanation          string
	Kind                 TaskKind
	Assignee             TaskAssignee
	Required             bool
	Form                 string
	Document             DocumentKind
	ConfirmVersion       string
	DueOn                time.Time `gorm:"type:date"`
	Status               TaskStatus
	FileID               *int64
	ReturnReason         string
	ConfirmedVersion     string
	SubmittedAt          *time.Time
	CompletedAt          *time.Time
	CompletedByStaff     *int64
	CompletedByCandidate *int64
	CreatedAt            time.Time
	UpdatedAt            time.Time
}

// TableName binds the struct to its table.
func (OnboardingTask) TableName() string { return "onboarding_tasks" }

// onboardingStage is the stage the signed contract's flow enters (stageRules).
func onboardingStage() StageKey {
	to, _, _ := flowTarget(CauseContractSigned)
	return to
}

// onboardingOnStageChange makes the checklist when the contract's
// signature brings the application into onboarding (once: a checklist that
// exists is kept). transition calls it on every stage change.
func (s *Store) onboardingOnStageChange(tx *gorm.DB, actor Actor, app *Application, to StageKey, cause TransitionCause) error {
	if cause != CauseContractSigned || to != onboardingStage() {
		return nil
	}
	var n int64
	if err := tx.Model(&OnboardingTask{}).Where("application_id = ?", app.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	start, err := offerStartDate(tx, app.ID)
	if err != nil {
		return err
	}
	tmpl, err := positionTemplate(tx, app.PositionID)
	if err != nil {
		return err
	}
	now := s.Now()
	tasks := make([]OnboardingTask, len(tmpl))
	for i, t := range tmpl {
		tasks[i] = OnboardingTask{ApplicationID: app.ID, SortOrder: i, Title: t.Title, Explanation: t.Explanation, Kind: t.Kind,
			Assignee: t.Assignee, Required: t.Required, Form: t.Form, Document: t.Document, ConfirmVersion: t.ConfirmVersion,
			DueOn: DueOn(start, t.DueOffsetDays), Status: TaskOpen, CreatedAt: now, UpdatedAt: now}
	}
	if len(tasks) > 0 {
		if err := tx.Create(&tasks).Error; err != nil {
			return err
		}
	}
	if err := s.audit(tx, actor, "onboarding.checklist_created", "application", app.ID,
		map[string]any{"tasks": len(tasks), "start_date": start.Format(time.DateOnly)}); err != nil {
		return err
	}
	return s.send(tx, onboardingStartedMail(s.urls(), app, start, tasks))
}

// offerStartDate is the start date of the offer the application's signed
// contract was made from.
func offerStartDate(tx *gorm.DB, appID int64) (time.Time, error) {
	var start time.Time
	res := tx.Raw(`SELECT v.start_date FROM contracts k JOIN offer_versions v ON v.id = k.offer_version_id
		WHERE k.application_id = ? AND k.status = ? ORDER BY k.id DESC LIMIT 1`, appID, ContractCompleted).Scan(&start)
	if res.Error != nil {
		return time.Time{}, res.Error
	}
	if res.RowsAffected == 0 {
		return time.Time{}, fault("application %d enters onboarding without a signed contract", appID)
	}
	return dateOnly(start), nil
}

// positionTemplate is a position's checklist template: its own rows, or
// the default when it has none.
func positionTemplate(db *gorm.DB, positionID int64) ([]TaskTemplate, error) {
	var rows []struct {
		TaskTemplate
		ID int64
	}
	if err := db.Raw(`SELECT id, title, explanation, kind, assignee, required, due_offset_days, form, document, confirm_version
		FROM onboarding_template_tasks WHERE position_id = ? ORDER BY sort_order`, positionID).Scan(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return DefaultOnboardingTemplate(), nil
	}
	out := make([]TaskTemplate, len(rows))
	for i, r := range rows {
		out[i] = r.TaskTemplate
	}
	return out, nil
}

// OnboardingTemplate is a position's checklist template, as admins edit it
// (the default when the position has none of its own).
func (s *Store) OnboardingTemplate(ctx context.Context, actor Actor, positionID int64) ([]TaskTemplate, error) {
	if !actor.Role.ManagesPositions() || !actor.IsStaff() {
		return nil, ErrForbidden
	}
	return positionTemplate(s.db.WithContext(ctx), positionID)
}

// SetOnboardingTemplate replaces a position's checklist template (admins
// only). Checklists already made keep their tasks; an empty list returns
// the position to the default.
func (s *Store) SetOnboardingTemplate(ctx context.Context, actor Actor, positionID int64, tasks []TaskTemplate) error {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return ErrForbidden
	}
	var p Problems
	for i, t := range tasks {
		if err := ErrorOf(t.Validate()); err != nil {
			p.Add("task_"+strconv.Itoa(i+1), fmt.Sprintf("Task %d: %s", i+1, err.Message))
		}
		if len([]rune(t.Title)) > limits.OnboardingTaskTitle.Max || len([]rune(t.Explanation)) > limits.OnboardingTaskExplanation.Max {
			p.Add("task_"+strconv.Itoa(i+1), fmt.Sprintf("Task %d: the title (%d characters) or explanation (%d) is too long.", i+1,
				limits.OnboardingTaskTitle.Max, limits.OnboardingTaskExplanation.Max))
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var pos Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&pos, positionID).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Exec("DELETE FROM onboarding_template_tasks WHERE position_id = ?", positionID).Error; err != nil {
			return err
		}
		for i, t := range tasks {
			if err := tx.Exec(`INSERT INTO onboarding_template_tasks (position_id, sort_order, title, explanation, kind, assignee, required,
				due_offset_days, form, document, confirm_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, positionID, i, t.Title, t.Explanation,
				t.Kind, t.Assignee, t.Required, t.DueOffsetDays, t.Form, t.Document, t.ConfirmVersion).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "onboarding.template_saved", "position", positionID, map[string]any{"tasks": len(tasks)})
	})
}

// onboardingHireGate refuses Hired while the application's checklist has a
// required task open or a document unverified (HireBlockers). transition
// calls it for every way to Hired.
func onboardingHireGate(tx *gorm.DB, appID int64) error {
	var tasks []OnboardingTask
	if err := tx.Where("application_id = ?", appID).Order("sort_order").Find(&tasks).Error; err != nil {
		return err
	}
	return HireBlockers(tasks)
}

// MsgOnboardingStarted is the starter's one message when onboarding begins.
const MsgOnboardingStarted MessageKind = "onboarding_started"

// onboardingMessages joins messageCatalogue (registered in messages.go).
var onboardingMessages = map[MessageKind]MessageTemplate{
	MsgOnboardingStarted: {
		Label: "Onboarding begins (the new starter's checklist)", Editable: true,
		Subject:      "Welcome aboard: your checklist before {{start_date}}",
		Body:         "Hello {{candidate_name}},\n\nYour contract for {{job_title}} is signed by both parties: welcome to {{company}}! You start on {{start_date}}.\n\nBefore then, there are {{task_count}} things to do on your page, the first by {{first_due}}:\n{{application_link}}\n\nEverything you give us there stays in the portal; bank details and your national insurance number are kept encrypted.",
		Placeholders: []string{"candidate_name", "company", "job_title", "start_date", "task_count", "first_due", "application_link"},
		Required:     []string{"application_link"},
	},
}

func onboardingStartedMail(u siteURLs, app *Application, start time.Time, tasks []OnboardingTask) draft {
	count, first := 0, time.Time{}
	for _, t := range tasks {
		if t.Assignee != ByStarter {
			continue
		}
		count++
		if first.IsZero() || t.DueOn.Before(first) {
			first = t.DueOn
		}
	}
	firstDue := start
	if !first.IsZero() {
		firstDue = first
	}
	return toCandidate(app.Candidate, MsgOnboardingStarted, map[string]string{"job_title": app.Position.Title,
		"start_date": start.Format("Monday 2 January 2006"), "task_count": strconv.Itoa(count),
		"first_due": firstDue.Format("Monday 2 January 2006"), "application_link": u.abs(u.MyApplication(app.ID))})
}
