package models

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The checklist's use cases: the starter's (ConfirmTask, SubmitTaskForm,
// UploadTaskDocument) and the staff's (VerifyDocument, ReturnDocument,
// CompleteStaffTask, RecordRightToWork). Each loads its task locked, for an
// actor who may act on it, on an application still in progress; a closed
// application's checklist is kept for the record and takes no changes.

// Refusals of the checklist.
var (
	errChecklistClosed  = refusal(CodeConflict, "This application has closed, so its onboarding checklist is kept as it was and can no longer change.")
	errTaskNotStarter   = refusal(CodeConflict, "This task is ours to do: we are preparing it for you.")
	errTaskWrongKind    = refusal(CodeConflict, "This task does not ask for that. Reload the page to see what it asks.")
	errTaskDone         = refusal(CodeConflict, "This task is already done.")
	errDocumentVerified = refusal(CodeConflict, "This document has been verified already, so it cannot be replaced. Ask us if something has changed.")
	errNothingToVerify  = refusal(CodeConflict, "There is no document waiting for verification on this task. Reload the page to see where it stands.")
	errRightToWorkFirst = refusal(CodeConflict, "Record that you have seen the original right-to-work document (its type and expiry date) before verifying the upload.")
	errVersionChanged   = refusal(CodeConflict, "What you read has been updated since you opened it. Reload the page, read the new version, then confirm.")
)

// starterTask loads task id FOR UPDATE for the candidate whose checklist it
// is, with its application; anyone else: not found. A closed application,
// or a staff task, is refused.
func starterTask(tx *gorm.DB, actor Actor, id int64) (*OnboardingTask, *Application, error) {
	if actor.Kind != "candidate" || actor.ID == 0 {
		return nil, nil, ErrNotFound
	}
	t, app, err := lockTask(tx, id)
	if err != nil {
		return nil, nil, err
	}
	if app.CandidateID != actor.ID {
		return nil, nil, ErrNotFound
	}
	if app.Status.Closed() {
		return nil, nil, errChecklistClosed
	}
	if t.Assignee != ByStarter {
		return nil, nil, errTaskNotStarter
	}
	return t, app, nil
}

// staffTask loads task id FOR UPDATE for a staff member who manages its
// application (admins, recruiters, the position's hiring manager); anyone
// else: not found. A closed application is refused.
func staffTask(tx *gorm.DB, actor Actor, id int64) (*OnboardingTask, *Application, error) {
	if !actor.IsStaff() {
		return nil, nil, ErrNotFound
	}
	t, app, err := lockTask(tx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := applicationVisible(tx, actor, app.ID, scopeStaffOnly); err != nil {
		return nil, nil, err
	}
	if app.Status.Closed() {
		return nil, nil, errChecklistClosed
	}
	return t, app, nil
}

// lockTask loads task id and its application, both FOR UPDATE (the
// application first, as every use case that changes an application does).
func lockTask(tx *gorm.DB, id int64) (*OnboardingTask, *Application, error) {
	var appID int64
	res := tx.Raw("SELECT application_id FROM onboarding_tasks WHERE id = ?", id).Scan(&appID)
	if res.Error != nil {
		return nil, nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, nil, ErrNotFound
	}
	var app Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&app, appID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	var t OnboardingTask
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&t, id).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &t, &app, nil
}

// finishTask marks t done by actor and audits action.
func (s *Store) finishTask(tx *gorm.DB, actor Actor, t *OnboardingTask, action string, extra map[string]any) error {
	now := s.Now()
	updates := map[string]any{"status": TaskDone, "completed_at": now, "updated_at": now, "return_reason": ""}
	if actor.IsStaff() {
		updates["completed_by_staff"] = actor.ID
	} else {
		updates["completed_by_candidate"] = actor.ID
	}
	for k, v := range extra {
		updates[k] = v
	}
	if err := tx.Model(&OnboardingTask{}).Where("id = ?", t.ID).Updates(updates).Error; err != nil {
		return err
	}
	return s.audit(tx, actor, action, "onboarding_task", t.ID, map[string]any{"application_id": t.ApplicationID, "title": t.Title})
}

// ConfirmTask is the starter confirming they have read what a confirm task
// shows (the handbook), in the version they were shown: version is what
// their page showed, and a newer one in the meantime is refused. The
// version and the time are kept. Confirming again changes nothing.
func (s *Store) ConfirmTask(ctx context.Context, actor Actor, taskID int64, version string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := starterTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		switch {
		case t.Kind != TaskConfirm:
			return errTaskWrongKind
		case t.Status == TaskDone:
			return nil
		case strings.TrimSpace(version) != t.ConfirmVersion:
			return errVersionChanged
		}
		return s.finishTask(tx, actor, t, "onboarding.task_confirmed", map[string]any{"confirmed_version": t.ConfirmVersion})
	})
}

// SubmitTaskForm saves the starter's answers to a form task (ValidateForm:
// every problem at its field, nothing saved until all is right). Sensitive
// answers are sealed with the data key, with their masked form beside them;
// the audit entry names the fields, never their values. The starter may
// correct their answers while the application is in progress: the new
// answers replace the old.
func (s *Store) SubmitTaskForm(ctx context.Context, actor Actor, taskID int64, in map[string]string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := starterTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskForm {
			return errTaskWrongKind
		}
		answers, err := ValidateForm(t.Form, in)
		if err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM onboarding_fields WHERE task_id = ?", t.ID).Error; err != nil {
			return err
		}
		now := s.Now()
		keys := make([]string, 0, len(answers))
		for _, a := range answers {
			keys = append(keys, a.Field.Key)
			value, masked, sealed := a.Value, "", []byte(nil)
			if a.Field.Sensitive {
				if sealed, err = s.keys.seal([]byte(a.Value)); err != nil {
					return err
				}
				value, masked = "", maskField(a.Field, a.Value)
			}
			if err := tx.Exec(`INSERT INTO onboarding_fields (task_id, field, value, sealed, masked, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				t.ID, a.Field.Key, value, sealed, masked, now).Error; err != nil {
				return err
			}
		}
		if t.Status == TaskDone {
			if err := tx.Model(&OnboardingTask{}).Where("id = ?", t.ID).Update("updated_at", now).Error; err != nil {
				return err
			}
			return s.audit(tx, actor, "onboarding.form_corrected", "onboarding_task", t.ID, map[string]any{"fields": keys})
		}
		return s.finishTask(tx, actor, t, "onboarding.form_submitted", nil)
	})
}

// UploadTaskDocument stores the starter's document for an upload task
// (SniffFile: a PDF, JPEG or PNG read from its bytes, not empty, at most
// 10 MB; a refused file stores nothing) and puts it before staff for
// verification. A document may be replaced until it is verified; the one it
// replaces is deleted (it was never verified, or it was returned).
func (s *Store) UploadTaskDocument(ctx context.Context, actor Actor, taskID int64, name string, data []byte) (*StoredFile, error) {
	if _, err := SniffFile(name, data); err != nil {
		return nil, err // refused before any lock or write
	}
	var f *StoredFile
	err := s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := starterTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskUpload {
			return errTaskWrongKind
		}
		if t.Status == TaskDone {
			return errDocumentVerified
		}
		if f, err = storeFile(tx, actor, name, data); err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&OnboardingTask{}).Where("id = ?", t.ID).Updates(map[string]any{"status": TaskSubmitted, "file_id": f.ID,
			"submitted_at": now, "return_reason": "", "updated_at": now}).Error; err != nil {
			return err
		}
		if t.FileID != nil {
			if err := tx.Exec("DELETE FROM stored_files WHERE id = ?", *t.FileID).Error; err != nil {
				return err
			}
		}
		return s.auditPersonalOfApplication(tx, actor, t.ApplicationID, "onboarding.document_uploaded", "onboarding_task", t.ID,
			map[string]any{"application_id": t.ApplicationID, "file_id": f.ID, "size": f.SizeBytes, "replaced": t.FileID != nil},
			map[string]any{"name": f.Name})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// VerifyDocument is staff accepting an uploaded document: the task is
// done. A right-to-work document needs its check recorded first
// (RecordRightToWork).
func (s *Store) VerifyDocument(ctx context.Context, actor Actor, taskID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := staffTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskUpload {
			return errTaskWrongKind
		}
		if t.Status != TaskSubmitted {
			return errNothingToVerify
		}
		if t.Document == DocRightToWork {
			var n int64
			if err := tx.Raw("SELECT count(*) FROM right_to_work_checks WHERE task_id = ?", t.ID).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return errRightToWorkFirst
			}
		}
		return s.finishTask(tx, actor, t, "onboarding.document_verified", nil)
	})
}

// ReturnDocument is staff sending an uploaded document back with a reason
// the starter reads; they upload another.
func (s *Store) ReturnDocument(ctx context.Context, actor Actor, taskID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Invalid("reason", "Say why the document is returned, so the starter knows what to upload instead.")
	}
	if err := tooLong(reason, limits.OnboardingReturnReason); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := staffTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskUpload {
			return errTaskWrongKind
		}
		if t.Status != TaskSubmitted {
			return errNothingToVerify
		}
		if err := tx.Model(&OnboardingTask{}).Where("id = ?", t.ID).Updates(map[string]any{"status": TaskReturned, "return_reason": reason,
			"updated_at": s.Now()}).Error; err != nil {
			return err
		}
		return s.auditPersonalOfApplication(tx, actor, t.ApplicationID, "onboarding.document_returned", "onboarding_task", t.ID,
			map[string]any{"application_id": t.ApplicationID}, map[string]any{"reason": reason})
	})
}

// CompleteStaffTask is staff marking their own task done (the laptop is
// ordered). Doing it again changes nothing.
func (s *Store) CompleteStaffTask(ctx context.Context, actor Actor, taskID int64) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := staffTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskStaff {
			return errTaskWrongKind
		}
		if t.Status == TaskDone {
			return nil
		}
		return s.finishTask(tx, actor, t, "onboarding.staff_task_done", nil)
	})
}

// RightToWorkCheck is a staff member's record of seeing the original
// right-to-work document.
type RightToWorkCheck struct {
	ID           int64
	TaskID       int64
	DocumentType RightToWorkDocument
	SeenBy       int64
	SeenByName   string `gorm:"->"`
	SeenAt       time.Time
	ExpiresOn    *time.Time `gorm:"type:date"`
	RecordedAt   time.Time
}

// TableName binds the struct to its table.
func (RightToWorkCheck) TableName() string { return "right_to_work_checks" }

// RecordRightToWork records that actor saw the original right-to-work
// document of a right-to-work task: which document, when (not in the
// future) and its expiry date (nil: none). Records are evidence, written
// once; a later record supersedes an earlier one. The flag (RightToWorkFlag)
// comes from the newest record.
func (s *Store) RecordRightToWork(ctx context.Context, actor Actor, taskID int64, docType RightToWorkDocument, seenAt time.Time, expiresOn *time.Time) error {
	var p Problems
	if docType.Label() == "" {
		p.Add("document_type", "Choose which document you saw.")
	}
	now := s.Now()
	if seenAt.IsZero() || seenAt.After(now) {
		p.Add("seen_at", "Give when you saw the original document: now or earlier, not in the future.")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		t, _, err := staffTask(tx, actor, taskID)
		if err != nil {
			return err
		}
		if t.Kind != TaskUpload || t.Document != DocRightToWork {
			return errTaskWrongKind
		}
		var exp any
		if expiresOn != nil {
			exp = dateOnly(*expiresOn).Format(time.DateOnly)
		}
		if err := tx.Exec(`INSERT INTO right_to_work_checks (task_id, document_type, seen_by, seen_at, expires_on, recorded_at)
			VALUES (?, ?, ?, ?, ?::date, ?)`, t.ID, docType, actor.ID, seenAt.UTC(), exp, now).Error; err != nil {
			return err
		}
		return s.audit(tx, actor, "onboarding.right_to_work_recorded", "onboarding_task", t.ID,
			map[string]any{"application_id": t.ApplicationID, "document_type": docType, "seen_at": seenAt.UTC(), "expires_on": exp})
	})
}
