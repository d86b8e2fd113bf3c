package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// What the checklist pages read: the starter's checklist, the staff's view
// of one checklist (sensitive answers masked; admins reveal one at a time,
// audited), and every new starter's progress.

// ChecklistTask is one task as a page shows it.
type ChecklistTask struct {
	OnboardingTask
	// Preparing: a staff task, which the starter reads as "we are preparing …".
	Preparing bool
	Overdue   bool
	File      *StoredFile      // an upload's document, without its bytes
	Fields    []ChecklistField // a form's answers, in the form's order
	// RightToWork is the newest record of the original seen (staff only),
	// and Flag what is wrong with it ("" when nothing is).
	RightToWork *RightToWorkCheck
	Flag        string
}

// ChecklistField is one answer of a form task. Value is the answer, or its
// masked form when Masked (every sensitive answer: the starter and staff
// alike see it masked; an admin reveals it with RevealSensitiveField).
type ChecklistField struct {
	ID     int64
	Field  FormField
	Value  string
	Masked bool
}

// Checklist is an application's onboarding checklist.
type Checklist struct {
	ApplicationID int64
	StartDate     time.Time
	Tasks         []ChecklistTask
	Done          int // required tasks done
	Required      int
}

// StarterChecklist is the candidate's own checklist: their tasks, and the
// staff's as "we are preparing …". Anyone else: not found.
func (s *Store) StarterChecklist(ctx context.Context, actor Actor, appID int64) (*Checklist, error) {
	db := s.db.WithContext(ctx)
	if err := applicationVisible(db, actor, appID, scopeCandidateFacing); err != nil || actor.Kind != "candidate" {
		return nil, ErrNotFound
	}
	return s.checklist(db, appID, false)
}

// StaffChecklist is one application's checklist for staff who manage it,
// with the right-to-work records and flags; sensitive answers masked.
func (s *Store) StaffChecklist(ctx context.Context, actor Actor, appID int64) (*Checklist, error) {
	db := s.db.WithContext(ctx)
	if !actor.IsStaff() {
		return nil, ErrNotFound
	}
	if err := applicationVisible(db, actor, appID, scopeStaffOnly); err != nil {
		return nil, err
	}
	return s.checklist(db, appID, true)
}

func (s *Store) checklist(db *gorm.DB, appID int64, staff bool) (*Checklist, error) {
	var tasks []OnboardingTask
	if err := db.Where("application_id = ?", appID).Order("sort_order").Find(&tasks).Error; err != nil {
		return nil, err
	}
	c := &Checklist{ApplicationID: appID}
	if len(tasks) == 0 {
		return c, nil
	}
	start, err := offerStartDate(db, appID)
	if err != nil {
		return nil, err
	}
	c.StartDate = start
	ids := make([]int64, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
	}
	var fields []struct {
		ID     int64
		TaskID int64
		Field  string
		Value  string
		Masked string
		Sealed bool
	}
	if err := db.Raw(`SELECT id, task_id, field, value, masked, sealed IS NOT NULL AS sealed FROM onboarding_fields WHERE task_id IN ?`, ids).
		Scan(&fields).Error; err != nil {
		return nil, err
	}
	var rtw []RightToWorkCheck
	if staff {
		if err := db.Raw(`SELECT DISTINCT ON (r.task_id) r.*, u.name AS seen_by_name FROM right_to_work_checks r
			JOIN staff_users u ON u.id = r.seen_by WHERE r.task_id IN ? ORDER BY r.task_id, r.id DESC`, ids).Scan(&rtw).Error; err != nil {
			return nil, err
		}
	}
	now, today := s.Now(), dayIn(s.Now(), s.loc)
	for _, t := range tasks {
		ct := ChecklistTask{OnboardingTask: t, Preparing: t.Assignee == ByStaff, Overdue: Overdue(t.DueOn, t.Status, now, s.loc)}
		if t.Required {
			c.Required++
			if t.Status == TaskDone {
				c.Done++
			}
		}
		if ct.File, err = fileInfo(db, t.FileID); err != nil {
			return nil, err
		}
		for _, f := range FormFields(t.Form) {
			for _, row := range fields {
				if row.TaskID == t.ID && row.Field == f.Key {
					v := ChecklistField{ID: row.ID, Field: f, Value: row.Value}
					if row.Sealed {
						v.Value, v.Masked = row.Masked, true
					}
					ct.Fields = append(ct.Fields, v)
				}
			}
		}
		if staff && t.Document == DocRightToWork {
			for i := range rtw {
				if rtw[i].TaskID == t.ID {
					ct.RightToWork = &rtw[i]
				}
			}
			var exp *time.Time
			if ct.RightToWork != nil {
				exp = ct.RightToWork.ExpiresOn
			}
			ct.Flag = RightToWorkFlag(ct.RightToWork != nil, t.DueOn, exp, start, today)
		}
		c.Tasks = append(c.Tasks, ct)
	}
	return c, nil
}

// RevealSensitiveField is an admin reading one sealed answer in clear, for
// an application they may read; the reveal is audited in the same
// transaction (which field, whose application; never the value). Anyone
// else is refused: recruiters and hiring managers see it masked.
func (s *Store) RevealSensitiveField(ctx context.Context, actor Actor, fieldID int64) (string, error) {
	if !actor.IsStaff() {
		return "", ErrNotFound
	}
	var clear string
	err := s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		var row struct {
			Field         string
			Sealed        []byte
			TaskID        int64
			ApplicationID int64
		}
		res := tx.Raw(`SELECT f.field, f.sealed, f.task_id, t.application_id FROM onboarding_fields f
			JOIN onboarding_tasks t ON t.id = f.task_id WHERE f.id = ?`, fieldID).Scan(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 || row.Sealed == nil {
			return ErrNotFound
		}
		// Out of scope is not found; in scope, only an admin reveals.
		if err := applicationVisible(tx, actor, row.ApplicationID, scopeStaffOnly); err != nil {
			return err
		}
		if actor.Role != RoleAdmin {
			return ErrForbidden
		}
		plain, err := s.keys.open(row.Sealed)
		if err != nil {
			return err
		}
		clear = string(plain)
		return s.audit(tx, actor, "onboarding.sensitive_field_revealed", "onboarding_task", row.TaskID,
			map[string]any{"application_id": row.ApplicationID, "field": row.Field, "field_id": fieldID})
	})
	if err != nil {
		return "", err
	}
	return clear, nil
}

// StarterProgress is one new starter on the staff's onboarding page.
type StarterProgress struct {
	ApplicationID    int64
	CandidateID      int64
	CandidateName    string
	PositionTitle    string
	StartDate        time.Time
	Done, Required   int // required tasks
	Overdue          int // tasks past their due day, not done
	DocumentsWaiting int // uploads waiting for verification
}

// StaffOnboarding lists every application in onboarding that actor may
// read (as the candidate list: admins and recruiters all, a hiring manager
// their positions), soonest start first, with its progress.
func (s *Store) StaffOnboarding(ctx context.Context, actor Actor) ([]StarterProgress, error) {
	if !actor.IsStaff() || !actor.Role.SeesCandidates() {
		return nil, ErrForbidden
	}
	cond, args := appScopeSQL(actor, scopeStaffOnly)
	today := dayIn(s.Now(), s.loc).Format(time.DateOnly)
	var out []StarterProgress
	q := `SELECT a.id AS application_id, c.id AS candidate_id, c.name AS candidate_name, p.title AS position_title,
			(SELECT v.start_date FROM contracts k JOIN offer_versions v ON v.id = k.offer_version_id
				WHERE k.application_id = a.id AND k.status = ? ORDER BY k.id DESC LIMIT 1) AS start_date,
			count(*) FILTER (WHERE t.required AND t.status = 'done') AS done,
			count(*) FILTER (WHERE t.required) AS required,
			count(*) FILTER (WHERE t.status <> 'done' AND t.due_on < ?::date) AS overdue,
			count(*) FILTER (WHERE t.status = 'submitted') AS documents_waiting
		FROM applications a JOIN positions p ON p.id = a.position_id JOIN candidates c ON c.id = a.candidate_id
		JOIN onboarding_tasks t ON t.application_id = a.id
		WHERE a.stage = ? AND a.status = 'active' AND (` + cond + `)
		GROUP BY a.id, c.id, p.id ORDER BY start_date, a.id`
	err := s.db.WithContext(ctx).Raw(q, append([]any{ContractCompleted, today, onboardingStage()}, args...)...).Scan(&out).Error
	return out, err
}

// TaskDocument is the document uploaded for an onboarding task, for the
// starter it belongs to and for staff who manage the application (each
// download by staff is audited). Anyone else: not found.
func (s *Store) TaskDocument(ctx context.Context, actor Actor, taskID int64) (*StoredFile, error) {
	db := s.db.WithContext(ctx)
	var t OnboardingTask
	if err := db.First(&t, taskID).Error; err != nil || t.FileID == nil {
		return nil, ErrNotFound
	}
	scope := scopeStaffOnly
	if actor.Kind == "candidate" {
		scope = scopeCandidateFacing
	}
	if err := applicationVisible(db, actor, t.ApplicationID, scope); err != nil {
		return nil, ErrNotFound
	}
	var f StoredFile
	if err := db.First(&f, *t.FileID).Error; err != nil {
		return nil, notFound(err)
	}
	if actor.IsStaff() {
		if err := s.Audit(ctx, actor, "onboarding.document_downloaded", "onboarding_task", t.ID, map[string]any{"application_id": t.ApplicationID}); err != nil {
			return nil, err
		}
	}
	return &f, nil
}
