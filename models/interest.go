package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// InterestStatus is where an interest check is: sent and waiting for the
// candidate's answer, then confirmed or withdrawn by them, or cancelled when
// the application closes first.
type InterestStatus string

// Interest check statuses.
const (
	InterestSent      InterestStatus = "sent"
	InterestConfirmed InterestStatus = "confirmed"
	InterestWithdrawn InterestStatus = "withdrawn"
	InterestCancelled InterestStatus = "cancelled"
)

// InterestCheck asks a chosen candidate whether they are still interested,
// and gathers what the offer needs, before a formal offer is made.
type InterestCheck struct {
	ID                int64
	ApplicationID     int64
	Message           string
	ExtraQuestions    []byte `gorm:"type:jsonb"`
	Status            InterestStatus
	EarliestStart     string
	NoticePeriod      string
	SalaryExpectation string
	ExtraAnswers      []byte `gorm:"type:jsonb"`
	WithdrawReason    string
	SentBy            *int64
	CreatedAt         time.Time
	RespondedAt       *time.Time
}

// TableName binds the struct to its table.
func (InterestCheck) TableName() string { return "interest_checks" }

// QA is one free question with its answer.
type QA struct {
	Question string `json:"q"`
	Answer   string `json:"a"`
}

// Questions decodes the free questions.
func (ic InterestCheck) Questions() []string {
	var qs []string
	_ = json.Unmarshal(ic.ExtraQuestions, &qs)
	return qs
}

// Answers pairs each free question with its answer.
func (ic InterestCheck) Answers() []QA {
	var as []string
	_ = json.Unmarshal(ic.ExtraAnswers, &as)
	qs := ic.Questions()
	out := make([]QA, len(qs))
	for i, q := range qs {
		out[i].Question = q
		if i < len(as) {
			out[i].Answer = as[i]
		}
	}
	return out
}

// SendInterestCheck asks the candidate to confirm interest and answer questions.
func (s *Store) SendInterestCheck(ctx context.Context, actor Actor, appID int64, message string, questions []string) (*InterestCheck, error) {
	message = strings.TrimSpace(message)
	v := &Problems{}
	if message == "" {
		v.Add("message", "Write a short message to the candidate.")
	}
	v.checkLength(message, limits.InterestMessage)
	var qs []string
	for _, q := range questions {
		if q = strings.TrimSpace(q); q != "" {
			v.checkLength(q, limits.InterestQuestion)
			qs = append(qs, q)
		}
	}
	if len(qs) > 10 {
		v.Add("questions", "Ask at most 10 extra questions.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	qsJSON, _ := json.Marshal(append([]string{}, qs...))
	var ic *InterestCheck
	err := s.tx(ctx, func(tx *gorm.DB) error {
		app, err := lockApplication(tx, actor, appID)
		if err != nil {
			return err
		}
		if app.Status.Closed() {
			return Invalid("message", "This application is closed.")
		}
		ic = &InterestCheck{ApplicationID: app.ID, Message: message, ExtraQuestions: qsJSON, ExtraAnswers: []byte("[]"), Status: InterestSent, SentBy: staffID(actor)}
		if err := tx.Create(ic).Error; err != nil {
			if isUniqueViolation(err, "interest_checks_one_open") {
				return Invalid("message", "An interest check is already waiting for this candidate's answer.")
			}
			return err
		}
		if err := s.send(tx, interestCheckMail(s.urls(), app, message)); err != nil {
			return err
		}
		return s.audit(tx, actor, "interest_check.sent", "application", app.ID, map[string]any{"interest_check_id": ic.ID})
	})
	return ic, err
}

// InterestAnswer is the candidate's reply form.
type InterestAnswer struct {
	EarliestStart     string
	NoticePeriod      string
	SalaryExpectation string
	Extra             []string
}

// ConfirmInterest records the candidate's "yes, still interested" with answers.
func (s *Store) ConfirmInterest(ctx context.Context, actor Actor, appID int64, in InterestAnswer) error {
	v := &Problems{}
	trim := func(l limit, label, val string) string {
		val = strings.TrimSpace(val)
		if val == "" {
			v.Add(l.Field, "Please answer: "+label+".")
		}
		v.checkLength(val, l)
		return val
	}
	in.EarliestStart = trim(limits.EarliestStart, "your earliest start date", in.EarliestStart)
	in.NoticePeriod = trim(limits.NoticePeriod, "your notice period", in.NoticePeriod)
	in.SalaryExpectation = trim(limits.SalaryExpectation, "your salary expectations", in.SalaryExpectation)
	for i := range in.Extra {
		in.Extra[i] = strings.TrimSpace(in.Extra[i])
		v.checkLength(in.Extra[i], limits.ExtraAnswer.as(fmt.Sprintf("extra_%d", i), "The answer is"))
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		ic, err := openInterestCheck(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		answers, _ := json.Marshal(in.Extra)
		now := s.Now()
		if err := tx.Model(&InterestCheck{}).Where("id = ?", ic.ID).Updates(map[string]any{
			"status": InterestConfirmed, "earliest_start": in.EarliestStart, "notice_period": in.NoticePeriod,
			"salary_expectation": in.SalaryExpectation, "extra_answers": answers, "responded_at": now}).Error; err != nil {
			return err
		}
		if err := s.promiseAgain(tx, appID, now); err != nil {
			return err
		}
		return s.audit(tx, actor, "interest_check.confirmed", "application", appID, map[string]any{"interest_check_id": ic.ID})
	})
}

// WithdrawFromInterestCheck records that the candidate is no longer interested
// and closes the application as withdrawn.
func (s *Store) WithdrawFromInterestCheck(ctx context.Context, actor Actor, appID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if err := tooLong(reason, limits.WithdrawReason); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		ic, err := openInterestCheck(tx, actor.ID, appID)
		if err != nil {
			return err
		}
		now := s.Now()
		if err := tx.Model(&InterestCheck{}).Where("id = ?", ic.ID).Updates(map[string]any{
			"status": InterestWithdrawn, "withdraw_reason": reason, "responded_at": now}).Error; err != nil {
			return err
		}
		var app Application
		if err := tx.First(&app, appID).Error; err != nil {
			return err
		}
		if err := s.closeApplication(tx, actor, &app, StatusChange{To: StatusWithdrawn, Cause: StatusByCandidate,
			Reason: nonEmpty(reason, "Withdrew when asked to confirm interest"), Note: "Candidate withdrew: " + reason}); err != nil {
			return err
		}
		return s.audit(tx, actor, "interest_check.withdrawn", "application", appID, map[string]any{"interest_check_id": ic.ID})
	})
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func openInterestCheck(tx *gorm.DB, candidateID, appID int64) (*InterestCheck, error) {
	var app Application
	if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND candidate_id = ?", appID, candidateID).First(&app).Error; err != nil {
		return nil, notFound(err)
	}
	var ic InterestCheck
	err := tx.Where("application_id = ? AND status = ?", appID, InterestSent).Order("id DESC").First(&ic).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Invalid("", "There is no open question about your interest; you may already have answered it.")
	}
	return &ic, err
}

// InterestChecksFor lists the interest checks of those applications actor
// may read, newest first.
func (s *Store) InterestChecksFor(ctx context.Context, actor Actor, appIDs []int64) ([]InterestCheck, error) {
	appIDs, err := visibleApplications(s.db.WithContext(ctx), actor, appIDs, scopeCandidateFacing)
	if err != nil {
		return nil, err
	}
	var out []InterestCheck
	if len(appIDs) == 0 {
		return nil, nil
	}
	err = s.db.WithContext(ctx).Where("application_id IN ?", appIDs).Order("id DESC").Find(&out).Error
	return out, err
}
