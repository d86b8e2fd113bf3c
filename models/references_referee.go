package models

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The referee's own page, reached with the personal link alone (no
// sign-in). A link is found by its hash; an unknown link is not found, a
// used or expired one is gone, and nothing on the page is about anyone but
// this referee and the candidate who named them.

// RefereeFormView is what the referee's page shows.
type RefereeFormView struct {
	RefereeName   string
	CandidateName string
	JobTitle      string
	Company       string // the employer asking
	// What the candidate said about the referee, for them to confirm.
	Relationship Relationship
	TheirCompany string
	WorkedFrom   time.Time
	WorkedTo     *time.Time
	Questions    []ReferenceQuestion
	ExpiresAt    time.Time
}

// RefereeAnswers is the referee's reply: their word on the relationship and
// the dates the candidate gave, and one answer per question of the form, in
// its order: "1" to "5" for a rating, "yes", "no" or "unsure", or free text
// (which may be empty).
type RefereeAnswers struct {
	ConfirmsRelationship bool
	ConfirmsPeriod       bool
	Answers              []string
}

// RefereeForm opens the referee's page for a token: it records when the
// form was first opened. Unknown token: ErrNotFound; answered, declined or
// expired: a gone refusal saying which.
func (s *Store) RefereeForm(ctx context.Context, token, ip, userAgent string) (*RefereeFormView, error) {
	var view *RefereeFormView
	err := s.txOutsideQueues(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		r, err := usableReferee(tx, token, now)
		if err != nil {
			return err
		}
		app := &Application{}
		if err := tx.First(app, r.ApplicationID).Error; err != nil {
			return err
		}
		if err := loadApplicationParts(tx, app); err != nil {
			return err
		}
		qs, _, err := positionQuestions(tx, app.PositionID)
		if err != nil {
			return err
		}
		view = &RefereeFormView{RefereeName: r.Name, CandidateName: app.Candidate.Name, JobTitle: app.Position.Title, Company: s.company,
			Relationship: r.Relationship, TheirCompany: r.Company, WorkedFrom: r.WorkedFrom, WorkedTo: r.WorkedTo, Questions: qs,
			ExpiresAt: *r.TokenExpiresAt}
		res := tx.Exec("UPDATE referees SET opened_at = ? WHERE id = ? AND opened_at IS NULL", now, r.ID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return s.audit(tx, refereeActor(r, ip, userAgent), "referee.form_opened", "application", r.ApplicationID, map[string]any{"referee_id": r.ID})
	})
	return view, err
}

// AnswerReference records the referee's answers. Exactly one reply is ever
// stored: the conditional UPDATE … WHERE status = 'requested' lets one
// submit through, and the answers' UNIQUE (referee_id, sort_order) backs it.
func (s *Store) AnswerReference(ctx context.Context, token string, in RefereeAnswers, ip, userAgent string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		r, err := usableReferee(tx, token, now)
		if err != nil {
			return err
		}
		var positionID int64
		if err := tx.Raw("SELECT position_id FROM applications WHERE id = ?", r.ApplicationID).Scan(&positionID).Error; err != nil {
			return err
		}
		qs, _, err := positionQuestions(tx, positionID)
		if err != nil {
			return err
		}
		rows, err := parseRefereeAnswers(qs, in.Answers)
		if err != nil {
			return err
		}
		if err := claimReply(tx, r, now, ip, userAgent, map[string]any{"status": RefereeAnswered, "answered_at": now,
			"confirmed_relationship": in.ConfirmsRelationship, "confirmed_period": in.ConfirmsPeriod}); err != nil {
			return err
		}
		for i := range rows {
			rows[i].RefereeID = r.ID
		}
		if err := tx.Create(&rows).Error; err != nil {
			if isUniqueViolation(err, "reference_answers_referee_id_sort_order_key") {
				return errRefereeReplied
			}
			return err
		}
		return s.audit(tx, refereeActor(r, ip, userAgent), "referee.answered", "application", r.ApplicationID, map[string]any{"referee_id": r.ID})
	})
}

// DeclineReference records that the referee will not give a reference,
// with their reason if they give one. Like an answer, it happens once.
func (s *Store) DeclineReference(ctx context.Context, token, reason, ip, userAgent string) error {
	reason = strings.TrimSpace(reason)
	if err := tooLong(reason, limits.DeclineReason); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.Now()
		r, err := usableReferee(tx, token, now)
		if err != nil {
			return err
		}
		if err := claimReply(tx, r, now, ip, userAgent, map[string]any{"status": RefereeDeclined, "declined_at": now, "decline_reason": reason}); err != nil {
			return err
		}
		return s.audit(tx, refereeActor(r, ip, userAgent), "referee.declined", "application", r.ApplicationID, map[string]any{"referee_id": r.ID})
	})
}

// usableReferee is the referee of token when their link opens the form at
// now: unknown links are not found; a reply, an expired link or an
// application that has closed (the candidate withdrew, was rejected or
// hired) ends it.
func usableReferee(tx *gorm.DB, token string, now time.Time) (*Referee, error) {
	r, err := refereeByToken(tx, token)
	if err != nil {
		return nil, err
	}
	if err := r.LinkUsable(now); err != nil {
		return nil, err
	}
	var status Status
	if err := tx.Raw("SELECT status FROM applications WHERE id = ?", r.ApplicationID).Scan(&status).Error; err != nil {
		return nil, err
	}
	if status.Closed() {
		return nil, errReferenceNoLongerNeeded
	}
	return r, nil
}

// claimReply moves a requested referee to their reply, only if the request
// is still open at now: of two submits at once, one finds nothing to move.
func claimReply(tx *gorm.DB, r *Referee, now time.Time, ip, userAgent string, set map[string]any) error {
	set["answer_ip"] = normalIP(ip)
	set["answer_user_agent"] = truncate(userAgent, limits.RefereeUserAgent.Max)
	set["updated_at"] = now
	res := tx.Model(&Referee{}).Where("id = ? AND status = ? AND token_expires_at > ?", r.ID, RefereeRequested, now).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errRefereeReplied
	}
	return nil
}

// referenceAnswer is one stored answer, with the question as it was asked.
type referenceAnswer struct {
	ID         int64
	RefereeID  int64
	SortOrder  int
	Kind       QuestionKind
	Prompt     string
	Rating     *int
	Choice     *string
	TextAnswer string
}

func (referenceAnswer) TableName() string { return "reference_answers" }

// parseRefereeAnswers checks one answer per question, each fitting its kind.
func parseRefereeAnswers(qs []ReferenceQuestion, answers []string) ([]referenceAnswer, error) {
	if len(answers) != len(qs) {
		return nil, refusal(CodeConflict, "The questions changed while you were answering. Please reload the page and answer again.")
	}
	v := &Problems{}
	out := make([]referenceAnswer, len(qs))
	for i, q := range qs {
		a := strings.TrimSpace(answers[i])
		field := "answer_" + strconv.Itoa(i)
		out[i] = referenceAnswer{SortOrder: i, Kind: q.Kind, Prompt: q.Prompt}
		switch q.Kind {
		case QuestionRating:
			n, err := strconv.Atoi(a)
			if err != nil || n < 1 || n > 5 {
				v.Add(field, "Choose a rating from 1 to 5.")
			}
			out[i].Rating = &n
		case QuestionYesNoUnsure:
			if a != "yes" && a != "no" && a != "unsure" {
				v.Add(field, "Choose yes, no or unsure.")
			}
			out[i].Choice = &a
		default:
			v.checkLength(a, limits.ReferenceAnswer.as(field, "The answer is"))
			out[i].TextAnswer = a
		}
	}
	return out, v.Err()
}

// refereeByToken finds the referee a link belongs to; ErrNotFound for a
// token that is not one of ours.
func refereeByToken(tx *gorm.DB, token string) (*Referee, error) {
	if token == "" || len(token) > 100 {
		return nil, ErrNotFound
	}
	var r Referee
	res := tx.Raw(`SELECT r.* FROM referee_tokens t JOIN referees r ON r.id = t.referee_id WHERE t.token_hash = ?`, HashSecret(token)).Scan(&r)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotFound
	}
	return &r, nil
}

// refereeActor is the referee as the audit log names them.
func refereeActor(r *Referee, ip, userAgent string) Actor {
	return Actor{Kind: "referee", ID: r.ID, Email: r.Email, IP: ip, UserAgent: userAgent}
}

// normalIP is ip in PostgreSQL's inet form, nil when it is not an address.
func normalIP(ip string) any {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return nil
	}
	return a.Unmap().String()
}
