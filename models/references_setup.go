package models

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// What a position asks of referees (how many, a recent manager, the
// questionnaire), and the emails referees receive.

// PositionReferences is a position's reference setup, for its edit form.
type PositionReferences struct {
	PositionID    int64
	PositionTitle string
	Settings      ReferenceSettings
	Questions     []ReferenceQuestion
	Customised    bool // the questionnaire is the position's own, not the default
}

// ReferenceSetup reads a position's reference setup, for staff who manage it.
func (s *Store) ReferenceSetup(ctx context.Context, actor Actor, positionID int64) (*PositionReferences, error) {
	db := s.db.WithContext(ctx)
	var p Position
	if err := db.First(&p, positionID).Error; err != nil {
		return nil, notFound(err)
	}
	if !actor.ManagesPosition(&p) {
		return nil, ErrNotFound
	}
	set, err := positionReferenceSettings(db, positionID)
	if err != nil {
		return nil, err
	}
	qs, custom, err := positionQuestions(db, positionID)
	if err != nil {
		return nil, err
	}
	return &PositionReferences{PositionID: positionID, PositionTitle: p.Title, Settings: set, Questions: qs, Customised: custom}, nil
}

// SetReferenceSettings changes how many referees a position needs and
// whether one must be a recent manager; staff who manage positions may.
func (s *Store) SetReferenceSettings(ctx context.Context, actor Actor, positionID int64, set ReferenceSettings) error {
	if !actor.Role.ManagesPositions() {
		return ErrForbidden
	}
	if set.Needed < 0 || set.Needed > 5 {
		return Invalid("references_needed", "Ask for between 0 and 5 referees.")
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE positions SET references_needed = ?, reference_manager_required = ?, updated_at = ? WHERE id = ?",
			set.Needed, set.ManagerRequired, s.Now(), positionID)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.audit(tx, actor, "position.reference_settings_changed", "position", positionID,
			map[string]any{"needed": set.Needed, "manager_required": set.ManagerRequired})
	})
}

// MaxReferenceQuestions bounds a questionnaire.
const MaxReferenceQuestions = 15

// SetReferenceQuestions replaces a position's questionnaire; an empty list
// goes back to the default questions. Admins only. Answers already given
// keep the questions as they were asked.
func (s *Store) SetReferenceQuestions(ctx context.Context, actor Actor, positionID int64, qs []ReferenceQuestion) error {
	if !actor.IsStaff() || actor.Role != RoleAdmin {
		return ErrForbidden
	}
	v := &Problems{}
	if len(qs) > MaxReferenceQuestions {
		v.Add("questions", "Ask at most "+strconv.Itoa(MaxReferenceQuestions)+" questions.")
	}
	for i := range qs {
		qs[i].Prompt = oneLine(strings.TrimSpace(qs[i].Prompt))
		field := "question_" + strconv.Itoa(i)
		if qs[i].Prompt == "" {
			v.Add(field, "Write the question, or remove it.")
		}
		v.checkLength(qs[i].Prompt, limits.ReferencePrompt.as(field, "A question is"))
		if !slices.Contains([]QuestionKind{QuestionRating, QuestionYesNoUnsure, QuestionText}, qs[i].Kind) {
			v.Add(field, "Choose how the question is answered: a rating from 1 to 5, yes/no/unsure, or text.")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		var p Position
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&p, positionID).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Exec("DELETE FROM reference_questions WHERE position_id = ?", positionID).Error; err != nil {
			return err
		}
		for i, q := range qs {
			if err := tx.Exec("INSERT INTO reference_questions (position_id, sort_order, kind, prompt) VALUES (?, ?, ?, ?)",
				positionID, i, q.Kind, q.Prompt).Error; err != nil {
				return err
			}
		}
		return s.audit(tx, actor, "position.reference_questions_changed", "position", positionID, map[string]any{"questions": len(qs)})
	})
}

// positionReferenceSettings reads what a position asks of referees.
func positionReferenceSettings(db *gorm.DB, positionID int64) (ReferenceSettings, error) {
	var row struct {
		ReferencesNeeded         int
		ReferenceManagerRequired bool
	}
	res := db.Raw("SELECT references_needed, reference_manager_required FROM positions WHERE id = ?", positionID).Scan(&row)
	if res.Error != nil {
		return ReferenceSettings{}, res.Error
	}
	if res.RowsAffected == 0 {
		return ReferenceSettings{}, ErrNotFound
	}
	return ReferenceSettings{Needed: row.ReferencesNeeded, ManagerRequired: row.ReferenceManagerRequired}, nil
}

// positionQuestions is the questionnaire a position asks now: its own, or
// the default (customised false).
func positionQuestions(db *gorm.DB, positionID int64) ([]ReferenceQuestion, bool, error) {
	var qs []ReferenceQuestion
	if err := db.Raw("SELECT kind, prompt FROM reference_questions WHERE position_id = ? ORDER BY sort_order", positionID).
		Scan(&qs).Error; err != nil {
		return nil, false, err
	}
	if len(qs) == 0 {
		return DefaultReferenceQuestions(), false, nil
	}
	return qs, true, nil
}

// Messages to referees: their wording can be edited like the candidate's.
const (
	MsgReferenceRequest  MessageKind = "reference_request"
	MsgReferenceReminder MessageKind = "reference_reminder"
)

var referenceMessages = map[MessageKind]MessageTemplate{
	MsgReferenceRequest: {
		Label: "Reference request to a referee", Editable: true,
		Subject: "A reference for {{candidate_name}}",
		Body: "Hello {{referee_name}},\n\n{{candidate_name}} is applying for the role of {{job_title}} at {{company}} and named you as a referee. " +
			"We would be grateful for a few minutes of your time: a handful of questions about working with them. If you would rather not, the same page lets you decline.\n\n" +
			"Your personal link, for you alone (please do not forward it). It works until {{expires_on}}:\n{{reference_link}}\n\nThank you.",
		Placeholders: []string{"referee_name", "candidate_name", "company", "job_title", "expires_on", "reference_link"}, Required: []string{"reference_link"},
	},
	MsgReferenceReminder: {
		Label: "Reminder to a referee", Editable: true,
		Subject: "Reminder: a reference for {{candidate_name}}",
		Body: "Hello {{referee_name}},\n\nA gentle reminder: {{candidate_name}} named you as a referee for the role of {{job_title}} at {{company}}. " +
			"If you can, please answer by {{expires_on}} (the link in our earlier email works too):\n{{reference_link}}\n\n" +
			"If you would rather not give a reference, the same page lets you decline. Thank you.",
		Placeholders: []string{"referee_name", "candidate_name", "company", "job_title", "expires_on", "reference_link"}, Required: []string{"reference_link"},
	},
}

// toReferee addresses a message to a referee: a recipient who is neither a
// candidate nor staff.
func toReferee(r *Referee, kind MessageKind, vars map[string]string) draft {
	id := r.ID
	vars["referee_name"] = oneLine(r.Name)
	return draft{kind: kind, toEmail: r.Email, toName: r.Name, refereeID: &id, vars: vars}
}

// referenceMail is the request or the reminder, with the referee's link.
func referenceMail(u siteURLs, kind MessageKind, r *Referee, app *Application, token string, loc *time.Location) draft {
	return toReferee(r, kind, map[string]string{"candidate_name": oneLine(app.Candidate.Name), "job_title": app.Position.Title,
		"expires_on": r.TokenExpiresAt.In(loc).Format("2 January 2006 at 15:04 MST"), "reference_link": u.abs(u.RefereeForm(token))})
}
